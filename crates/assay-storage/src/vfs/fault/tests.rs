//! Tests of `FaultVfs` itself: each fault fires at exactly the planned
//! operation, crashes keep what was synced and drop the rest, and the disk
//! budget fills up. (The VFS contract is checked by `suite.rs`.)

use std::sync::Arc;

use super::*;
use crate::vfs::{MemoryVfs, OsVfs};

fn contents(vfs: &dyn Vfs, path: &str) -> Vec<u8> {
    let file = vfs.open(path, false).unwrap();
    let mut data = vec![0; file.size().unwrap() as usize];
    file.read_exact_at(&mut data, 0).unwrap();
    data
}

fn assert_injected(result: Result<()>, code: SqlState) {
    let e = result.unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert!(e.message().contains("injected"), "{e}");
}

#[test]
fn write_fault_fires_at_the_nth_write_from_now() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(b"before", 0).unwrap();
    vfs.inject(Fault::write(3));
    file.write_at(b"1", 0).unwrap();
    file.write_at(b"2", 1).unwrap();
    assert_injected(file.write_at(b"3", 2), SqlState::IO_ERROR);
    file.write_at(b"4", 3).unwrap();
    assert_eq!(contents(&vfs, "db"), b"12f4re");
    assert_eq!(vfs.faults_fired(), 1);
    assert_eq!(vfs.faults_pending(), 0);
}

#[test]
fn file_suffix_limits_what_a_fault_counts() {
    let vfs = FaultVfs::memory();
    let db = vfs.open("db", true).unwrap();
    let wal = vfs.open("db-wal", true).unwrap();
    vfs.inject(Fault::write(2).on_file("-wal"));
    db.write_at(b"a", 0).unwrap();
    wal.write_at(b"a", 0).unwrap();
    db.write_at(b"b", 1).unwrap();
    db.sync().unwrap();
    assert_injected(wal.write_at(b"b", 1), SqlState::IO_ERROR);
    assert_eq!(contents(&vfs, "db-wal"), b"a");
    assert_eq!(vfs.counts_for("-wal").writes, 2);
    assert_eq!(vfs.counts_for("db").writes, 2);
    assert_eq!(vfs.counts().writes, 4);
}

#[test]
fn torn_write_stores_a_prefix_then_fails() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::write(1).torn(4));
    assert_injected(file.write_at(b"abcdefgh", 0), SqlState::IO_ERROR);
    assert_eq!(contents(&vfs, "db"), b"abcd");
    assert_eq!(vfs.counts().bytes_written, 4);
}

#[test]
fn silently_torn_write_reports_success() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(&[0; 8], 0).unwrap();
    vfs.inject(Fault::write(1).torn_silently(2048));
    file.write_at(&[7; 4096], 0).unwrap();
    let data = contents(&vfs, "db");
    assert_eq!(data.len(), 2048);
    assert!(data.iter().all(|&b| b == 7));
}

#[test]
fn lost_write_reports_success_and_writes_nothing() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::write(1).lost());
    file.write_at(b"gone", 0).unwrap();
    assert_eq!(file.size().unwrap(), 0);
}

#[test]
fn sync_fault_fails_and_leaves_data_unsynced() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::sync(2));
    file.write_at(b"one", 0).unwrap();
    file.sync().unwrap();
    file.write_at(b"two", 0).unwrap();
    assert_injected(file.sync(), SqlState::IO_ERROR);
    assert_eq!(contents(&vfs, "db"), b"two");
    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, "db"), b"one");
}

#[test]
fn lying_sync_reports_success_but_is_not_durable() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::sync(1).lost());
    file.write_at(b"lie", 0).unwrap();
    file.sync().unwrap();
    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, "db"), b"");
}

#[test]
fn read_and_truncate_faults_fire() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(b"data", 0).unwrap();
    vfs.inject(Fault::read(2));
    vfs.inject(Fault::truncate(1));
    assert_eq!(file.read_at(&mut [0; 4], 0).unwrap(), 4);
    let e = file.read_at(&mut [0; 4], 0).unwrap_err();
    assert_eq!(e.code(), SqlState::IO_ERROR);
    assert_injected(file.truncate(0), SqlState::IO_ERROR);
    assert_eq!(file.size().unwrap(), 4);
    assert_eq!(vfs.counts().reads, 2);
    assert_eq!(vfs.counts().truncates, 1);
}

#[test]
fn first_planned_fault_wins_on_the_same_operation() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::write(1).lost());
    vfs.inject(Fault::write(1));
    file.write_at(b"x", 0).unwrap();
    file.write_at(b"y", 0).unwrap();
    assert_eq!(contents(&vfs, "db"), b"y");
    assert_eq!(vfs.faults_pending(), 0);
}

#[test]
fn power_off_fails_everything_until_the_crash() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(b"kept", 0).unwrap();
    file.sync().unwrap();
    vfs.inject(Fault::write(2).power_off());
    file.write_at(b"lost", 0).unwrap();
    assert_injected(file.write_at(b"xxxx", 0), SqlState::IO_ERROR);
    assert!(vfs.is_powered_off());
    let writes = vfs.counts().writes;
    assert_injected(file.write_at(b"yyyy", 0), SqlState::IO_ERROR);
    assert_injected(file.sync(), SqlState::IO_ERROR);
    assert!(file.read_at(&mut [0; 4], 0).is_err());
    assert!(file.size().is_err());
    assert!(vfs.open("db", false).is_err());
    assert!(vfs.exists("db").is_err());
    assert_eq!(vfs.counts().writes, writes, "nothing reaches a dead disk");

    vfs.crash().unwrap();
    assert!(!vfs.is_powered_off());
    assert_eq!(contents(&vfs, "db"), b"kept");
}

#[test]
fn power_off_by_hand() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.power_off();
    assert_injected(file.write_at(b"x", 0), SqlState::IO_ERROR);
    vfs.crash().unwrap();
    vfs.open("db", false).unwrap().write_at(b"x", 0).unwrap();
}

#[test]
fn completed_sync_then_power_off_is_durable() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    vfs.inject(Fault::sync(1).completes().power_off());
    file.write_at(b"commit", 0).unwrap();
    file.sync().unwrap();
    assert!(vfs.is_powered_off());
    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, "db"), b"commit");
}

#[test]
fn torn_write_with_power_off_leaves_a_torn_page_for_a_killed_process() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(&[1; 4096], 0).unwrap();
    file.sync().unwrap();
    vfs.inject(Fault::write(1).torn(1000).power_off());
    assert!(file.write_at(&[2; 4096], 0).is_err());
    vfs.crash_with(Crash::KeepUnsynced).unwrap();
    let data = contents(&vfs, "db");
    assert_eq!(data.len(), 4096);
    assert!(data[..1000].iter().all(|&b| b == 2));
    assert!(data[1000..].iter().all(|&b| b == 1));
}

fn crash_drops_unsynced_and_keeps_synced(vfs: FaultVfs, dir: &str) {
    let db = format!("{dir}db");
    let wal = format!("{dir}db-wal");
    let file = vfs.open(&db, true).unwrap();
    file.write_at(&[1; 100], 0).unwrap();
    file.sync().unwrap();
    file.write_at(&[2; 50], 25).unwrap();
    file.write_at(&[3; 10], 200).unwrap();
    let log = vfs.open(&wal, true).unwrap();
    log.write_at(b"synced frame", 0).unwrap();
    log.sync().unwrap();
    log.truncate(3).unwrap();
    log.write_at(b"unsynced", 3).unwrap();

    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, &db), vec![1; 100]);
    assert_eq!(contents(&vfs, &wal), b"synced frame");
    // The VFS works on after the crash, and the next crash starts from here.
    let file = vfs.open(&db, false).unwrap();
    file.write_at(&[4; 10], 0).unwrap();
    file.sync().unwrap();
    file.truncate(5).unwrap();
    vfs.crash().unwrap();
    let mut expected = vec![4; 10];
    expected.resize(100, 1);
    assert_eq!(contents(&vfs, &db), expected);
}

#[test]
fn crash_over_memory() {
    crash_drops_unsynced_and_keeps_synced(FaultVfs::memory(), "");
}

#[test]
fn crash_over_os() {
    let dir = tempfile::tempdir().unwrap();
    let vfs = FaultVfs::new(Arc::new(OsVfs));
    crash_drops_unsynced_and_keeps_synced(vfs, &format!("{}/", dir.path().display()));
}

#[test]
fn crash_keeping_unsynced_data_keeps_it() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(b"abc", 0).unwrap();
    vfs.crash_with(Crash::KeepUnsynced).unwrap();
    assert_eq!(contents(&vfs, "db"), b"abc");
    // Now durable: a later power loss keeps it too.
    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, "db"), b"abc");
}

#[test]
fn files_found_on_first_open_are_durable() {
    let inner = MemoryVfs::new();
    inner.open("db", true).unwrap().write_at(b"old", 0).unwrap();
    let vfs = FaultVfs::new(Arc::new(inner));
    let file = vfs.open("db", false).unwrap();
    file.write_at(b"new", 0).unwrap();
    vfs.crash().unwrap();
    assert_eq!(contents(&vfs, "db"), b"old");
}

#[test]
fn deleted_files_stay_deleted_after_a_crash() {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db-wal", true).unwrap();
    file.write_at(b"x", 0).unwrap();
    file.sync().unwrap();
    vfs.delete("db-wal").unwrap();
    vfs.crash().unwrap();
    assert!(!vfs.exists("db-wal").unwrap());
}

#[test]
fn handles_from_before_a_crash_are_dead_and_unlocked() {
    let vfs = FaultVfs::memory();
    let old = vfs.open("db", true).unwrap();
    old.lock(LockMode::Exclusive).unwrap();
    vfs.crash().unwrap();
    assert_injected(old.write_at(b"x", 0), SqlState::IO_ERROR);
    assert!(old.read_at(&mut [0; 1], 0).is_err());
    let new = vfs.open("db", false).unwrap();
    new.lock(LockMode::Exclusive).unwrap();
    drop(old);
    assert_eq!(
        vfs.open("db", false)
            .unwrap()
            .lock(LockMode::Shared)
            .unwrap_err()
            .code(),
        SqlState::LOCK_NOT_AVAILABLE
    );
}

/// Eight sectors written over synced ones, crashed with a torn model.
fn torn_crash(seed: u64) -> Vec<u8> {
    let vfs = FaultVfs::memory();
    let file = vfs.open("db", true).unwrap();
    file.write_at(&[0xAA; 4096], 0).unwrap();
    file.sync().unwrap();
    file.write_at(&[0xBB; 4096], 0).unwrap();
    file.write_at(&[0xCC; 512], 4096).unwrap();
    vfs.crash_with(Crash::Torn { seed }).unwrap();
    contents(&vfs, "db")
}

#[test]
fn torn_crash_tears_on_sectors_and_is_deterministic() {
    let mut torn_pages = 0;
    let mut lost = 0;
    let mut kept = 0;
    for seed in 0..64 {
        let data = torn_crash(seed);
        assert_eq!(data, torn_crash(seed), "seed {seed} is not deterministic");
        assert!(data.len() == 4096 || data.len() == 4608, "seed {seed}");
        let sectors: Vec<u8> = data[..4096].chunks(512).map(|s| s[0]).collect();
        for (sector, bytes) in data.chunks(512).enumerate() {
            assert!(
                bytes.iter().all(|&b| b == bytes[0]),
                "seed {seed}: sector {sector} tore inside"
            );
        }
        if sectors.iter().all(|&b| b == 0xAA) {
            lost += 1;
        } else if sectors.iter().all(|&b| b == 0xBB) {
            kept += 1;
        } else {
            torn_pages += 1;
        }
    }
    assert!(
        torn_pages > 0 && lost > 0 && kept > 0,
        "{torn_pages} {lost} {kept}"
    );
}

#[test]
fn disk_budget_limits_growth() {
    let vfs = FaultVfs::memory();
    vfs.set_disk_budget(Some(100));
    let file = vfs.open("db", true).unwrap();
    file.write_at(&[1; 60], 0).unwrap();
    assert_eq!(vfs.disk_budget(), Some(40));
    let e = file.write_at(&[2; 50], 60).unwrap_err();
    assert_eq!(e.code(), SqlState::DISK_FULL);
    assert!(e.message().contains("injected"));
    assert_eq!(file.size().unwrap(), 60, "a failed write changes nothing");
    // Overwriting takes no space; shrinking gives space back.
    file.write_at(&[3; 60], 0).unwrap();
    file.truncate(20).unwrap();
    assert_eq!(vfs.disk_budget(), Some(80));
    assert_eq!(file.truncate(101).unwrap_err().code(), SqlState::DISK_FULL);
    file.write_at(&[4; 80], 20).unwrap();
    assert_eq!(vfs.disk_budget(), Some(0));
    assert_eq!(
        vfs.open("db-wal", true)
            .unwrap()
            .write_at(b"x", 0)
            .unwrap_err()
            .code(),
        SqlState::DISK_FULL
    );
    vfs.delete("db").unwrap();
    assert_eq!(vfs.disk_budget(), Some(100));
    vfs.set_disk_budget(None);
    vfs.open("db", true)
        .unwrap()
        .write_at(&[0; 1000], 0)
        .unwrap();
}

#[test]
fn crash_returns_lost_growth_to_the_budget() {
    let vfs = FaultVfs::memory();
    vfs.set_disk_budget(Some(100));
    let file = vfs.open("db", true).unwrap();
    file.write_at(&[1; 30], 0).unwrap();
    file.sync().unwrap();
    file.write_at(&[1; 50], 30).unwrap();
    assert_eq!(vfs.disk_budget(), Some(20));
    vfs.crash().unwrap();
    assert_eq!(vfs.disk_budget(), Some(70));
}

/// A stand-in for a commit: write the WAL, sync it, write the database.
fn commit(vfs: &FaultVfs, value: u8) -> Result<()> {
    let wal = vfs.open("db-wal", true)?;
    wal.write_at(&[value; 64], 0)?;
    wal.write_at(&[value; 64], 64)?;
    wal.sync()?;
    let db = vfs.open("db", true)?;
    db.write_at(&[value; 64], 0)?;
    db.sync()
}

#[test]
fn stepping_a_fault_through_every_write_of_a_commit() {
    let vfs = FaultVfs::memory();
    commit(&vfs, 1).unwrap();
    let before = vfs.counts();
    commit(&vfs, 2).unwrap();
    let writes = vfs.counts().writes - before.writes;
    assert_eq!(writes, 3);

    for step in 1..=writes {
        let vfs = FaultVfs::memory();
        commit(&vfs, 1).unwrap();
        vfs.inject(Fault::write(step).power_off());
        assert!(commit(&vfs, 2).is_err(), "step {step}");
        assert_eq!(vfs.faults_fired(), 1, "step {step}");
        vfs.crash().unwrap();
        // Whatever step failed, a durable WAL holds a whole commit.
        let wal = contents(&vfs, "db-wal");
        assert!(wal == [1; 128] || wal == [2; 128], "step {step}");
    }
}
