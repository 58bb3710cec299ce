//! Pager behaviour: snapshots, locking, savepoints, spill, checkpoints,
//! recovery and damage. Pages are written raw here (a tag in the first
//! bytes); B+tree-level tests live with the B+tree and in `tests/`.

use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::header::get_u64;
use crate::page::{PageRead, PageWrite};
use crate::vfs::{Crash, Fault, FaultVfs, MemoryVfs, OsVfs, Vfs};

fn opts() -> PagerOptions {
    PagerOptions {
        busy_timeout: Duration::ZERO,
        ..PagerOptions::default()
    }
}

fn open(vfs: &dyn Vfs) -> Arc<Pager> {
    Pager::open(vfs, "test.db", opts()).unwrap()
}

/// Writes `tag` into the first 8 bytes of page `no`.
fn put(txn: &mut Transaction, no: PageNo, tag: u64) {
    txn.page_mut(no).unwrap()[..8].copy_from_slice(&tag.to_le_bytes());
}

fn get(txn: &Transaction, no: PageNo) -> u64 {
    get_u64(&txn.page(no).unwrap(), 0)
}

/// Allocates `n` pages tagged 1..=n in one transaction; returns them.
fn fill(pager: &Arc<Pager>, n: u64) -> Vec<PageNo> {
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let pages: Vec<PageNo> = (1..=n)
        .map(|tag| {
            let no = txn.allocate().unwrap();
            put(&mut txn, no, tag);
            no
        })
        .collect();
    txn.commit().unwrap();
    pages
}

#[test]
fn committed_pages_survive_reopen() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let pages = fill(&pager, 10);
    assert_eq!(pages, (1..=10).collect::<Vec<_>>());
    drop(pager);
    let pager = open(&vfs);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    for (i, &no) in pages.iter().enumerate() {
        assert_eq!(get(&txn, no), i as u64 + 1);
    }
    assert_eq!(txn.header().unwrap().page_count, 11);
}

#[test]
fn readers_keep_their_snapshot_while_a_writer_commits() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 1);
    let before = pager.begin(TxnMode::Deferred).unwrap();
    let mut writer = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut writer, 1, 99);
    assert_eq!(get(&before, 1), 1, "uncommitted change visible");
    writer.commit().unwrap();
    assert_eq!(get(&before, 1), 1, "snapshot moved");
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 99);
}

#[test]
fn a_writer_takes_a_cached_page_only_when_no_reader_holds_it() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 1);
    // A reader holds page 1: the writer must copy it, not change it.
    let reader = pager.begin(TxnMode::ReadOnly).unwrap();
    let held = reader.page(1).unwrap();
    let mut writer = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut writer, 1, 99);
    writer.commit().unwrap();
    assert_eq!(get_u64(&held, 0), 1, "a held page changed under its reader");
    assert_eq!(get(&reader, 1), 1);
    drop((held, reader));
    // No one holds it: the writer takes it out of the cache; a reader that
    // began before the commit reads its version again from disk.
    let before = pager.begin(TxnMode::ReadOnly).unwrap();
    let mut writer = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut writer, 1, 7);
    assert_eq!(get(&before, 1), 99);
    writer.commit().unwrap();
    assert_eq!(get(&before, 1), 99);
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 7);
    // A rolled-back change leaves the committed version readable.
    let mut writer = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut writer, 1, 5);
    writer.rollback();
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 7);
}

#[test]
fn one_writer_at_a_time() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 1);
    let first = pager.begin(TxnMode::Immediate).unwrap();
    let e = pager.begin(TxnMode::Immediate).err().unwrap();
    assert_eq!(e.code(), SqlState::LOCK_NOT_AVAILABLE);
    assert_eq!(e.message(), "database is locked");
    drop(first);
    pager.begin(TxnMode::Immediate).unwrap();
}

#[test]
fn a_waiting_writer_gets_the_lock_within_the_busy_timeout() {
    let vfs = MemoryVfs::new();
    let options = PagerOptions {
        busy_timeout: Duration::from_secs(10),
        ..opts()
    };
    let pager = Pager::open(&vfs, "db", options).unwrap();
    fill(&pager, 1);
    let mut first = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut first, 1, 5);
    let other = pager.clone();
    let waiter = std::thread::spawn(move || {
        let mut txn = other.begin(TxnMode::Immediate).unwrap();
        let seen = get(&txn, 1);
        put(&mut txn, 1, seen + 1);
        txn.commit().unwrap();
    });
    std::thread::sleep(Duration::from_millis(50));
    first.commit().unwrap();
    waiter.join().unwrap();
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 6);
}

#[test]
fn deferred_writer_with_a_stale_snapshot_fails_to_serialize() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 1);
    let mut stale = pager.begin(TxnMode::Deferred).unwrap();
    let mut other = pager.begin(TxnMode::Deferred).unwrap();
    put(&mut other, 1, 2);
    other.commit().unwrap();
    let e = stale.page_mut(1).err().unwrap();
    assert_eq!(e.code(), SqlState::SERIALIZATION_FAILURE);
}

#[test]
fn read_only_transactions_refuse_writes() {
    let pager = open(&MemoryVfs::new());
    let mut txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(
        txn.allocate().unwrap_err().code(),
        SqlState::READ_ONLY_SQL_TRANSACTION
    );
}

#[test]
fn rollback_leaves_nothing_behind() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    fill(&pager, 2);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    put(&mut txn, 1, 50);
    txn.allocate().unwrap();
    txn.rollback();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(get(&txn, 1), 1);
    assert_eq!(txn.header().unwrap().page_count, 3);
}

#[test]
fn savepoints_undo_pages_and_header() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 2);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let outer = txn.savepoint();
    put(&mut txn, 1, 10);
    let inner = txn.savepoint();
    put(&mut txn, 1, 11);
    put(&mut txn, 2, 21);
    let fresh = txn.allocate().unwrap();
    put(&mut txn, fresh, 31);
    txn.rollback_to_savepoint(inner).unwrap();
    assert_eq!((get(&txn, 1), get(&txn, 2)), (10, 2));
    assert_eq!(txn.header().unwrap().page_count, 3);
    put(&mut txn, 2, 22);
    txn.release_savepoint(inner).unwrap();
    txn.rollback_to_savepoint(outer).unwrap();
    assert_eq!((get(&txn, 1), get(&txn, 2)), (1, 2));
    put(&mut txn, 2, 23);
    txn.commit().unwrap();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!((get(&txn, 1), get(&txn, 2)), (1, 23));
}

#[test]
fn freed_pages_are_reused() {
    let pager = open(&MemoryVfs::new());
    let pages = fill(&pager, 3000);
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    for &no in &pages {
        txn.free(no).unwrap();
    }
    let header = txn.header().unwrap();
    assert_eq!(header.freelist_count, 3000);
    txn.commit().unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let mut again: Vec<PageNo> = (0..3000).map(|_| txn.allocate().unwrap()).collect();
    again.sort_unstable();
    assert_eq!(again, pages);
    let header = txn.header().unwrap();
    assert_eq!((header.freelist_count, header.page_count), (0, 3001));
    assert_eq!(get(&txn, again[7]), 0, "reused page not zeroed");
}

#[test]
fn large_transactions_spill_and_stay_correct() {
    let vfs = MemoryVfs::new();
    let options = PagerOptions {
        cache_size: 64 * 4096,
        ..opts()
    };
    let pager = Pager::open(&vfs, "db", options.clone()).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let sp = txn.savepoint();
    let pages: Vec<PageNo> = (0..1000).map(|_| txn.allocate().unwrap()).collect();
    for &no in &pages {
        put(&mut txn, no, no as u64);
    }
    // Pages spilled long ago read back, and change again.
    assert_eq!(get(&txn, pages[0]), pages[0] as u64);
    let inner = txn.savepoint();
    for &no in &pages[..500] {
        put(&mut txn, no, 7);
    }
    txn.rollback_to_savepoint(inner).unwrap();
    assert_eq!(get(&txn, pages[3]), pages[3] as u64);
    txn.release_savepoint(sp).unwrap();
    txn.commit().unwrap();
    assert!(pager.stats().cached_pages <= 64 + 16);
    drop(pager);
    let pager = Pager::open(&vfs, "db", options).unwrap();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    for &no in &pages {
        assert_eq!(get(&txn, no), no as u64);
    }
}

#[test]
fn rolled_back_spill_is_invisible_after_reopen() {
    let vfs = MemoryVfs::new();
    let options = PagerOptions {
        cache_size: 64 * 4096,
        ..opts()
    };
    let pager = Pager::open(&vfs, "db", options.clone()).unwrap();
    fill(&pager, 5);
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    for _ in 0..500 {
        let no = txn.allocate().unwrap();
        put(&mut txn, no, 77);
    }
    put(&mut txn, 1, 77);
    txn.rollback();
    drop(pager);
    let pager = Pager::open(&vfs, "db", options).unwrap();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(get(&txn, 1), 1);
    assert_eq!(txn.header().unwrap().page_count, 6);
}

#[test]
fn checkpoint_copies_home_and_restarts_the_wal() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    fill(&pager, 20);
    let last = pager.last_commit();
    let info = pager.checkpoint().unwrap();
    assert!(info.restarted);
    assert_eq!(info.backfilled, last);
    assert_eq!(pager.stats().wal_frames, 0);
    // Frame numbers keep counting across the restart.
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut txn, 3, 300);
    let next = txn.commit().unwrap();
    assert!(next > last, "{next} <= {last}");
    drop(pager);
    let pager = open(&vfs);
    assert_eq!(pager.last_commit(), next);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!((get(&txn, 3), get(&txn, 4)), (300, 4));
}

#[test]
fn checkpoint_never_overtakes_an_old_snapshot() {
    let pager = open(&MemoryVfs::new());
    fill(&pager, 3);
    let old = pager.begin(TxnMode::ReadOnly).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    put(&mut txn, 2, 200);
    txn.commit().unwrap();
    let info = pager.checkpoint().unwrap();
    assert!(!info.restarted);
    assert_eq!(info.backfilled, old.snapshot().frame);
    assert_eq!(get(&old, 2), 2);
    drop(old);
    let info = pager.checkpoint().unwrap();
    assert!(info.restarted);
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 2), 200);
}

#[test]
fn autocheckpoint_bounds_the_wal() {
    let vfs = MemoryVfs::new();
    let options = PagerOptions {
        autocheckpoint: 50,
        ..opts()
    };
    let pager = Pager::open(&vfs, "db", options).unwrap();
    fill(&pager, 1);
    for i in 0..400 {
        let mut txn = pager.begin(TxnMode::Immediate).unwrap();
        put(&mut txn, 1, i);
        txn.commit().unwrap();
    }
    assert!(pager.stats().wal_frames <= 110, "{:?}", pager.stats());
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 399);
}

#[test]
fn a_second_process_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db").to_string_lossy().into_owned();
    let _first = Pager::open(&OsVfs, &path, opts()).unwrap();
    let e = Pager::open(&OsVfs, &path, opts()).err().unwrap();
    assert_eq!(e.code(), SqlState::LOCK_NOT_AVAILABLE);
    assert!(e.message().contains("locked by another process"), "{e}");
}

#[test]
fn files_that_are_not_databases_are_refused() {
    let vfs = MemoryVfs::new();
    let file = vfs.open("junk", true).unwrap();
    file.write_at(&[b'x'; 9000], 0).unwrap();
    let e = Pager::open(&vfs, "junk", opts()).err().unwrap();
    assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
    assert!(e.message().contains("not an Assay database"), "{e}");
    let file = vfs.open("tiny", true).unwrap();
    file.write_at(b"Assay", 0).unwrap();
    assert!(Pager::open(&vfs, "tiny", opts()).is_err());
}

#[test]
fn a_damaged_page_is_reported_not_returned() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    fill(&pager, 3);
    pager.checkpoint().unwrap();
    drop(pager);
    let file = vfs.open("test.db", false).unwrap();
    file.write_at(&[0xff], 2 * 4096 + 100).unwrap();
    let pager = open(&vfs);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    assert_eq!(get(&txn, 1), 1);
    let e = txn.page(2).unwrap_err();
    assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
    // A damaged header page refuses to open.
    file.write_at(&[0xff], 30).unwrap();
    drop(txn);
    drop(pager);
    assert_eq!(
        Pager::open(&vfs, "test.db", opts()).err().unwrap().code(),
        SqlState::DATA_CORRUPTED
    );
}

/// Commits tag `i` into page 1 for i in 1..=n, one transaction each.
fn commits(pager: &Arc<Pager>, from: u64, to: u64) {
    for i in from..=to {
        let mut txn = pager.begin(TxnMode::Immediate).unwrap();
        put(&mut txn, 1, i);
        txn.commit().unwrap();
    }
}

#[test]
fn a_truncated_or_damaged_wal_recovers_the_last_good_commit() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    fill(&pager, 1);
    commits(&pager, 2, 5);
    drop(pager);
    let wal = vfs.open("test.db-wal", false).unwrap();
    let size = wal.size().unwrap();
    let frame = (FRAME_HEADER_SIZE + 4096) as u64;
    // fill() logs pages 1 and 0 (the header changed); each later commit
    // logs page 1 alone. Cut the last commit's frame in half.
    wal.truncate(size - frame / 2).unwrap();
    let pager = open(&vfs);
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 4);
    drop(pager);
    // Flip a byte inside the frame of commit 3: commits 3 and 4 are lost.
    wal.write_at(&[0x5a], 64 + 3 * frame + 200).unwrap();
    let pager = open(&vfs);
    assert_eq!(get(&pager.begin(TxnMode::ReadOnly).unwrap(), 1), 2);
    // The log continues after the damage: new commits survive reopening.
    commits(&pager, 10, 11);
    drop(pager);
    assert_eq!(get(&open(&vfs).begin(TxnMode::ReadOnly).unwrap(), 1), 11);
}

/// The state a test database is in: (tag of page 1, page count).
fn state(vfs: &FaultVfs) -> (u64, u32) {
    let pager = Pager::open(vfs, "test.db", opts()).unwrap();
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    (get(&txn, 1), txn.header().unwrap().page_count)
}

/// Builds a database with committed state (1, 3), then runs `step` on it.
fn setup(vfs: &FaultVfs) -> Arc<Pager> {
    let pager = Pager::open(vfs, "test.db", opts()).unwrap();
    fill(&pager, 2);
    pager
}

fn commit_step(pager: &Arc<Pager>) -> Result<u64> {
    let mut txn = pager.begin(TxnMode::Immediate)?;
    txn.page_mut(1)?[..8].copy_from_slice(&2u64.to_le_bytes());
    txn.allocate()?;
    txn.commit()
}

/// Runs `step` once without faults to count its writes and syncs, then once
/// per write and per sync with that operation failing (plain, torn, and with
/// the power cut after it), crashing, and reopening: the database must hold
/// either the old or the new state, and the new one only if `step` said so.
fn every_fault(step: fn(&Arc<Pager>) -> Result<u64>, old: (u64, u32), new: (u64, u32)) {
    let probe = FaultVfs::memory();
    let pager = setup(&probe);
    let before = probe.counts();
    step(&pager).unwrap();
    let after = probe.counts();
    let (writes, syncs) = (after.writes - before.writes, after.syncs - before.syncs);
    assert!(writes > 0);
    // A plain failure is followed by the process ending with the OS intact
    // (unsynced data kept); a failure that cuts the power by a power loss
    // (unsynced data lost, or torn sector by sector).
    let mut faults = Vec::new();
    for n in 1..=writes {
        faults.push((Fault::write(n), Crash::KeepUnsynced));
        faults.push((Fault::write(n).torn(100).power_off(), Crash::LoseUnsynced));
        faults.push((
            Fault::write(n).torn_silently(2000).power_off(),
            Crash::Torn { seed: n },
        ));
    }
    for n in 1..=syncs {
        faults.push((Fault::sync(n), Crash::KeepUnsynced));
        faults.push((Fault::sync(n), Crash::LoseUnsynced));
        faults.push((Fault::sync(n).lost().power_off(), Crash::LoseUnsynced));
    }
    for (i, (fault, how)) in faults.into_iter().enumerate() {
        let vfs = FaultVfs::memory();
        let pager = setup(&vfs);
        vfs.inject(fault);
        let result = step(&pager);
        drop(pager);
        vfs.crash_with(how).unwrap();
        let got = state(&vfs);
        match result {
            Ok(_) => assert!(
                got == new || vfs.faults_fired() == 1,
                "fault {i}: lost {got:?}"
            ),
            Err(_) => assert_eq!(got, old, "fault {i}: a failed step left {got:?}"),
        }
        assert!(got == old || got == new, "fault {i}: {got:?}");
    }
}

#[test]
fn every_fault_during_a_commit_leaves_old_or_new() {
    every_fault(commit_step, (1, 3), (2, 4));
}

#[test]
fn every_fault_during_a_checkpoint_keeps_the_data() {
    fn step(pager: &Arc<Pager>) -> Result<u64> {
        pager.checkpoint().map(|c| c.backfilled)
    }
    every_fault(step, (1, 3), (1, 3));
}

/// The WAL header's salt and start frame, read from the file.
fn wal_salt_and_start(vfs: &FaultVfs) -> (u64, u64) {
    let wal = vfs.open("test.db-wal", false).unwrap();
    let mut raw = [0u8; 64];
    wal.read_exact_at(&mut raw, 0).unwrap();
    (get_u64(&raw, 40), get_u64(&raw, 32))
}

/// A WAL generation whose header was written but whose first commit was
/// torn off starts over on reopening under a header with a new salt, so the
/// frames of the abandoned start can never continue the new chain.
#[test]
fn a_generation_started_over_gets_a_new_salt() {
    let vfs = FaultVfs::memory();
    let pager = setup(&vfs);
    assert!(pager.checkpoint().unwrap().restarted);
    // Write 1 is the new WAL header, write 2 the commit's frames: keep the
    // first frame whole and tear the rest off.
    let frame = FRAME_HEADER_SIZE + 4096;
    vfs.inject(Fault::write(2).torn_silently(frame + 10).power_off());
    assert!(commit_step(&pager).is_err());
    drop(pager);
    vfs.crash_with(Crash::KeepUnsynced).unwrap();
    let (abandoned, start) = wal_salt_and_start(&vfs);

    let pager = open(&vfs);
    assert_eq!(pager.stats().wal_frames, 0, "a torn commit was indexed");
    commit_step(&pager).unwrap();
    drop(pager);
    let (salt, again) = wal_salt_and_start(&vfs);
    assert_eq!(again, start, "the generation starts at the same frame");
    assert_ne!(salt, abandoned, "the restarted header reused the salt");
    assert_eq!(state(&vfs), (2, 4));
}

#[test]
fn a_full_disk_fails_the_commit_cleanly() {
    let vfs = FaultVfs::memory();
    let pager = setup(&vfs);
    vfs.set_disk_budget(Some(4096));
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    for _ in 0..10 {
        txn.allocate().unwrap();
    }
    let e = txn.commit().unwrap_err();
    assert_eq!(e.code(), SqlState::DISK_FULL);
    // The pager keeps working for smaller transactions once space returns.
    vfs.set_disk_budget(None);
    commit_step(&pager).unwrap();
    drop(pager);
    vfs.crash().unwrap();
    assert_eq!(state(&vfs), (2, 4));
}

/// A 64-page cache, so transactions spill, and no automatic checkpoint, so
/// a reopened database comes from the WAL alone.
fn spilling_without_checkpoints() -> PagerOptions {
    PagerOptions {
        cache_size: 64 * 4096,
        autocheckpoint: 0,
        ..opts()
    }
}

#[test]
fn a_page_rolled_back_to_an_older_spill_reopens_as_committed() {
    let vfs = MemoryVfs::new();
    let options = spilling_without_checkpoints();
    let pager = Pager::open(&vfs, "db", options.clone()).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let pages: Vec<PageNo> = (0..300).map(|_| txn.allocate().unwrap()).collect();
    for &no in &pages {
        put(&mut txn, no, no as u64);
    }
    // Every page changes again after a savepoint and is spilled again...
    let sp = txn.savepoint();
    for &no in &pages {
        put(&mut txn, no, 7);
    }
    for &no in &pages {
        put(&mut txn, no, 8);
    }
    // ...and rolls back to its first spilled version, which commits.
    txn.rollback_to_savepoint(sp).unwrap();
    txn.commit().unwrap();
    let check = |pager: &Arc<Pager>| {
        let txn = pager.begin(TxnMode::ReadOnly).unwrap();
        for &no in &pages {
            assert_eq!(get(&txn, no), no as u64, "page {no}");
        }
    };
    check(&pager);
    drop(pager);
    check(&Pager::open(&vfs, "db", options).unwrap());
}

#[test]
fn a_page_spilled_again_is_rewritten_in_its_frame() {
    let vfs = MemoryVfs::new();
    let options = spilling_without_checkpoints();
    let pager = Pager::open(&vfs, "db", options.clone()).unwrap();
    let before = pager.last_commit();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let pages: Vec<PageNo> = (0..300).map(|_| txn.allocate().unwrap()).collect();
    for round in 1..=5 {
        for &no in &pages {
            put(&mut txn, no, no as u64 * 10 + round);
        }
    }
    txn.commit().unwrap();
    // Six versions of 300 pages went through a 64-page cache; each page
    // still took about one frame, and the mended chain recovers.
    let frames = pager.last_commit() - before;
    assert!(frames < 400, "{frames} frames for 300 pages");
    drop(pager);
    let pager = Pager::open(&vfs, "db", options).unwrap();
    assert_eq!(pager.last_commit() - before, frames);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    for &no in &pages {
        assert_eq!(get(&txn, no), no as u64 * 10 + 5);
    }
}

#[test]
fn a_checkpoint_of_pages_evicted_from_the_cache_copies_them_from_the_wal() {
    let vfs = MemoryVfs::new();
    let options = PagerOptions {
        cache_size: 64 * 4096,
        autocheckpoint: 0,
        ..opts()
    };
    let pager = Pager::open(&vfs, "db", options.clone()).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let pages: Vec<PageNo> = (0..300).map(|_| txn.allocate().unwrap()).collect();
    for &no in &pages {
        put(&mut txn, no, no as u64);
    }
    txn.commit().unwrap();
    pager.checkpoint().unwrap();
    // A reader holds the file version of the first page, so the writer
    // copies it and the (now stale) file version stays cached; the
    // writer's first frames leave the 64-page cache as it goes on.
    let reader = pager.begin(TxnMode::ReadOnly).unwrap();
    let held = reader.page(pages[0]).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    for &no in &pages {
        put(&mut txn, no, no as u64 + 1000);
    }
    txn.commit().unwrap();
    assert_eq!(get_u64(&held, 0), pages[0] as u64);
    drop((held, reader));
    let info = pager.checkpoint().unwrap();
    assert!(info.restarted);
    assert!(info.pages_copied >= pages.len(), "{info:?}");
    let check = |pager: &Arc<Pager>| {
        let txn = pager.begin(TxnMode::ReadOnly).unwrap();
        for &no in &pages {
            assert_eq!(get(&txn, no), no as u64 + 1000, "page {no}");
        }
    };
    check(&pager);
    drop(pager);
    check(&Pager::open(&vfs, "db", options).unwrap());
}
