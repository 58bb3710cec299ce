//! Deterministic crash sweep: the crash test's workload (one writer, a
//! checkpoint after every other commit) on the fault-injecting VFS, stopped
//! at every write and every sync of a window of transactions, in every way a
//! killed process can stop there:
//!
//! - the write completes and the process dies right after it;
//! - the write fails;
//! - the write is torn: only a prefix of it reaches the file (a process
//!   killed in the middle of a `pwrite` leaves whole file pages of it, so
//!   the prefixes end inside the first frame, on its page image, just after
//!   the next frame's header, and at file-page boundaries);
//! - the sync completes, or fails.
//!
//! After each stop the files are kept as they are (the OS survived), the
//! database is reopened, and every acknowledged commit must be there; then
//! the reopened database must go on committing (each commit read back at
//! once from a new snapshot) and survive another reopening.
//!
//! This found the one lost update the kill-based crash test (`crash.rs`)
//! hit about once in a few thousand kills: a commit frame torn so that its
//! new header sat over an older, validly sealed image of the same page,
//! which the WAL's version-1 checksum could not tell apart (see
//! `wal/format.rs`). `ASSAY_SWEEP_BASE`, `ASSAY_SWEEP_WINDOW` and
//! `ASSAY_SWEEP_EVERY` widen the sweep.
//!
//! The second test is the same workload without faults: a checkpoint after
//! every other commit, a reopen after every seventh, each commit read back.

use std::sync::Arc;

use assay_storage::vfs::{Crash, Effect, Fault, FaultVfs, OsVfs};
use assay_storage::{integrity_check, BTree, Pager, PagerOptions, Result, Transaction, TxnMode};

/// Keys written by transaction `t`.
fn keys_of(t: u64) -> u64 {
    (t * 7919 % 40) + 1
}

fn key(t: u64, j: u64) -> Vec<u8> {
    format!("k0-{t:08}-{j:03}").into_bytes()
}

/// Every 10th transaction's first value spans several overflow pages.
fn value(t: u64, j: u64) -> Vec<u8> {
    let len = if t.is_multiple_of(10) && j == 0 {
        20_000
    } else {
        20 + (t + j) as usize % 90
    };
    (0..len)
        .map(|i| (t as usize * 31 + j as usize * 7 + i) as u8)
        .collect()
}

/// Transaction t also deletes the keys of transaction t - 5 when t % 3 == 0.
fn deletes(t: u64) -> Option<u64> {
    (t.is_multiple_of(3) && t > 5).then(|| t - 5)
}

fn counter(txn: &Transaction, tree: BTree) -> u64 {
    tree.get(txn, b"counter")
        .unwrap()
        .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()))
        .unwrap_or(0)
}

fn last_commit(pager: &Arc<Pager>) -> u64 {
    let reader = pager.begin(TxnMode::ReadOnly).unwrap();
    counter(&reader, reader.open_tree(b"t").unwrap().unwrap())
}

/// One transaction of the workload; returns its number once committed.
fn transaction(pager: &Arc<Pager>) -> Result<u64> {
    let mut txn = pager.begin(TxnMode::Immediate)?;
    let tree = txn.open_tree(b"t")?.expect("the tree exists");
    let t = counter(&txn, tree) + 1;
    for j in 0..keys_of(t) {
        tree.insert(&mut txn, &key(t, j), &value(t, j))?;
    }
    if let Some(old) = deletes(t) {
        for j in 0..keys_of(old) {
            assert!(
                tree.delete(&mut txn, &key(old, j))?,
                "txn {t}: key {j} of {old}"
            );
        }
    }
    tree.insert(&mut txn, b"counter", &t.to_le_bytes())?;
    txn.commit()?;
    Ok(t)
}

/// Runs `n` transactions, checkpointing after every `every`-th; records
/// each acknowledged one in `acked`.
fn run(pager: &Arc<Pager>, n: u64, every: u64, acked: &mut u64) -> Result<()> {
    for _ in 0..n {
        let t = transaction(pager)?;
        *acked = t;
        if t.is_multiple_of(every) {
            pager.checkpoint()?;
        }
    }
    Ok(())
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// A database with `base` transactions committed.
fn base_database(base: u64, every: u64) -> (FaultVfs, Arc<Pager>, u64) {
    let vfs = FaultVfs::memory();
    let pager = Pager::open(&vfs, "sweep.db", PagerOptions::default()).unwrap();
    let mut setup = pager.begin(TxnMode::Immediate).unwrap();
    setup.create_tree(b"t").unwrap();
    setup.commit().unwrap();
    let mut acked = 0;
    run(&pager, base, every, &mut acked).unwrap();
    (vfs, pager, acked)
}

/// Every way the process can stop at the window's write or sync number n.
fn stops(writes: u64, syncs: u64) -> Vec<(String, Fault)> {
    let mut stops = Vec::new();
    for n in 1..=writes {
        let write = || Fault::write(n);
        stops.push((
            format!("write {n} completes"),
            write().effect(Effect::Complete).power_off(),
        ));
        stops.push((format!("write {n} fails"), write().power_off()));
        // 4128 bytes is a 4 KiB page's frame: a prefix ending inside the
        // first frame's image, right after the second frame's header and
        // a little of its image, and at file-page boundaries.
        for keep in [64, 4000, 4200, 8192, 8300, 12288] {
            stops.push((
                format!("write {n} torn after {keep} bytes"),
                write().torn_silently(keep).power_off(),
            ));
        }
    }
    for n in 1..=syncs {
        stops.push((
            format!("sync {n} completes"),
            Fault::sync(n).effect(Effect::Complete).power_off(),
        ));
        stops.push((format!("sync {n} fails"), Fault::sync(n).power_off()));
    }
    stops
}

#[test]
fn every_stop_in_a_window_of_commits_and_checkpoints_keeps_acknowledged_commits() {
    let base = env("ASSAY_SWEEP_BASE", 12);
    let window = env("ASSAY_SWEEP_WINDOW", 5);
    let every = env("ASSAY_SWEEP_EVERY", 2).max(1);

    let (probe, pager, mut acked) = base_database(base, every);
    let before = probe.counts();
    run(&pager, window, every, &mut acked).unwrap();
    let after = probe.counts();
    let stops = stops(after.writes - before.writes, after.syncs - before.syncs);
    assert!(
        stops.len() > 50,
        "the window did too little: {}",
        stops.len()
    );

    for (name, fault) in &stops {
        let (vfs, pager, mut acked) = base_database(base, every);
        vfs.inject(fault.clone());
        // The run stops with an error once the power is off.
        let _ = run(&pager, window, every, &mut acked);
        drop(pager);
        vfs.crash_with(Crash::KeepUnsynced).unwrap();

        let pager = Pager::open(&vfs, "sweep.db", PagerOptions::default()).unwrap();
        let found = last_commit(&pager);
        assert!(
            found >= acked && found <= acked + 1,
            "{name}: acknowledged {acked}, found {found}"
        );
        let report = integrity_check(&pager).unwrap();
        assert!(report.is_ok(), "{name}: {:?}", report.problems);

        let mut t = found;
        for _ in 0..6 {
            t = transaction(&pager).unwrap_or_else(|e| panic!("{name}: after reopening: {e}"));
            assert_eq!(last_commit(&pager), t, "{name}: commit {t} after reopening");
            if t.is_multiple_of(every) {
                pager.checkpoint().unwrap();
            }
        }
        drop(pager);
        let pager = Pager::open(&vfs, "sweep.db", PagerOptions::default()).unwrap();
        assert_eq!(
            last_commit(&pager),
            t,
            "{name}: commit {t} after a second reopening"
        );
    }
    println!(
        "crash sweep: {} stops, every acknowledged commit kept",
        stops.len()
    );
}

/// The workload without faults on real files: a checkpoint after every
/// other commit and a reopen after every seventh, each commit read back at
/// once from a new snapshot. (It lives here rather than in `crash.rs`, whose
/// tests spawn child processes: a child forked while this test has the
/// database open holds its lock until it execs, and the reopen fails.)
#[test]
fn frequent_checkpoints_keep_every_commit_in_process() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ckpt.db").to_string_lossy().into_owned();
    let open = || Pager::open(&OsVfs, &path, PagerOptions::default()).unwrap();
    let mut pager = open();
    let mut setup = pager.begin(TxnMode::Immediate).unwrap();
    setup.create_tree(b"t").unwrap();
    setup.commit().unwrap();
    // `ASSAY_CKPT_TXNS=N` for a longer run.
    for expected in 1..=env("ASSAY_CKPT_TXNS", 300) {
        let t = transaction(&pager).unwrap();
        assert_eq!(t, expected, "a writer saw a stale counter");
        assert_eq!(last_commit(&pager), t, "commit {t} not visible");
        if t.is_multiple_of(2) {
            pager.checkpoint().unwrap();
        }
        if t.is_multiple_of(7) {
            drop(pager);
            pager = open();
        }
    }
}
