//! Crash test: a child process commits transactions and reports each one
//! it was told is durable; the parent kills it with SIGKILL at a random
//! moment, reopens the database, and checks that every acknowledged commit
//! is there, that no transaction is partly visible, and that the integrity
//! check passes. The database persists across runs, so later runs recover
//! from earlier crashes (including crashes during checkpoints).
//!
//! A second test runs the same with four threads committing at once on a
//! small page cache, so that commits share WAL flushes (group commit) and
//! large transactions spill and rewrite their frames; each thread keeps its
//! own counter and key space, and every thread's acknowledged commits must
//! survive.
//!
//! The child also checks itself: each transaction must read back its own
//! counter before committing, and a new snapshot must see the commit once
//! it is acknowledged; a wrong result stops the child and fails the test.
//!
//! `ASSAY_CRASH_RUNS=N` sets the number of kills (default 12; a full run is
//! several hundred: `ASSAY_CRASH_RUNS=300 cargo test --release -p
//! assay-storage --test crash`). The seed is printed so a failure can be replayed with
//! `ASSAY_CRASH_SEED`. Thread 0 runs a checkpoint every 37th transaction
//! (`ASSAY_CRASH_CHECKPOINT_EVERY=N` makes that every Nth, to aim the kills
//! at checkpoints). A database that fails verification is copied to
//! `/tmp/assay-crash-failure-SEED-THREADS/` before the test fails.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assay_storage::vfs::OsVfs;
use assay_storage::{integrity_check, BTree, Pager, PagerOptions, Transaction, TxnMode};

/// Keys written by transaction `t`; every 25th transaction of a concurrent
/// run is large enough to spill on the small cache.
fn keys_of(t: u64, big: bool) -> u64 {
    if big && t.is_multiple_of(25) {
        120
    } else {
        (t * 7919 % 40) + 1
    }
}

fn key(th: u64, t: u64, j: u64) -> Vec<u8> {
    format!("k{th}-{t:08}-{j:03}").into_bytes()
}

fn counter_key(th: u64) -> Vec<u8> {
    format!("counter{th}").into_bytes()
}

/// The value of key j of transaction t: every 10th transaction's first value
/// spans several overflow pages, and a big transaction's values span two.
fn value(t: u64, j: u64, big: bool) -> Vec<u8> {
    let len = if big && t.is_multiple_of(25) {
        6_000
    } else if t.is_multiple_of(10) && j == 0 {
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

fn counter(txn: &Transaction, tree: BTree, th: u64) -> u64 {
    tree.get(txn, &counter_key(th))
        .unwrap()
        .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()))
        .unwrap_or(0)
}

/// How a run is set up: committing threads, and the pager's options.
fn child_options(threads: u64) -> PagerOptions {
    if threads == 1 {
        PagerOptions::default()
    } else {
        PagerOptions {
            cache_size: 64 * 4096,
            busy_timeout: Duration::from_secs(60),
            ..PagerOptions::default()
        }
    }
}

#[test]
#[ignore = "the child process of the crash tests"]
fn crash_child() {
    let Ok(path) = std::env::var("ASSAY_CRASH_DB") else {
        return;
    };
    let threads: u64 = std::env::var("ASSAY_CRASH_THREADS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let pager = Pager::open(&OsVfs, &path, child_options(threads)).unwrap();
    let mut setup = pager.begin(TxnMode::Immediate).unwrap();
    if setup.open_tree(b"t").unwrap().is_none() {
        setup.create_tree(b"t").unwrap();
    }
    setup.commit().unwrap();
    let big = threads > 1;
    let checkpoint_every: u64 = std::env::var("ASSAY_CRASH_CHECKPOINT_EVERY")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(37);
    let workers: Vec<_> = (0..threads)
        .map(|th| {
            let pager = pager.clone();
            let path = path.clone();
            std::thread::spawn(move || loop {
                let mut txn = pager.begin(TxnMode::Immediate).unwrap();
                let tree = txn.open_tree(b"t").unwrap().unwrap();
                let t = counter(&txn, tree, th) + 1;
                for j in 0..keys_of(t, big) {
                    tree.insert(&mut txn, &key(th, t, j), &value(t, j, big))
                        .unwrap();
                }
                if let Some(old) = deletes(t) {
                    for j in 0..keys_of(old, big) {
                        assert!(tree.delete(&mut txn, &key(th, old, j)).unwrap());
                    }
                }
                tree.insert(&mut txn, &counter_key(th), &t.to_le_bytes())
                    .unwrap();
                let own = counter(&txn, tree, th);
                if own != t {
                    anomaly(&path, &format!("thread {th}: txn {t} reads its own counter as {own}"));
                }
                let frame = txn.commit().unwrap();
                let reader = pager.begin(TxnMode::ReadOnly).unwrap();
                let seen = counter(&reader, reader.open_tree(b"t").unwrap().unwrap(), th);
                if seen < t {
                    anomaly(&path, &format!("thread {th}: txn {t} committed at frame {frame}, a new snapshot reads {seen}; stats {:?}", pager.stats()));
                }
                drop(reader);
                println!("committed {th} {t}");
                if th == 0 && t.is_multiple_of(checkpoint_every) {
                    pager.checkpoint().unwrap();
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
}

/// Records a wrong result seen inside the child and stops it.
fn anomaly(path: &str, what: &str) -> ! {
    let _ = std::fs::write(format!("{path}-anomaly"), what);
    eprintln!("{what}");
    std::process::exit(3);
}

/// Checks the reopened database; returns each thread's last transaction.
/// Checks the keys of every transaction when `full`, else of the last 60 per
/// thread (the database grows with every run, and a full check each time
/// would be quadratic).
fn verify(path: &str, acknowledged: &[u64], full: bool) -> Vec<u64> {
    let threads = acknowledged.len() as u64;
    let big = threads > 1;
    let pager = Pager::open(&OsVfs, path, child_options(threads)).unwrap();
    let report = integrity_check(&pager).unwrap();
    assert!(report.is_ok(), "integrity: {:?}", report.problems);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    let Some(tree) = txn.open_tree(b"t").unwrap() else {
        assert!(acknowledged.iter().all(|&a| a == 0));
        return acknowledged.to_vec();
    };
    let mut expected = 0;
    let mut lasts = Vec::new();
    for th in 0..threads {
        let ack = acknowledged[th as usize];
        let last = counter(&txn, tree, th);
        assert!(
            last >= ack,
            "thread {th}: acknowledged commit {ack} lost (found {last})"
        );
        // A commit may be durable and not yet reported, but only one.
        assert!(
            last <= ack + 1,
            "thread {th}: found {last}, acknowledged only {ack}"
        );
        if last > 0 {
            expected += 1; // the counter key
        }
        let from = if full {
            1
        } else {
            last.saturating_sub(60).max(1)
        };
        for t in from..=last + 1 {
            let deleted = (t + 5 <= last) && deletes(t + 5) == Some(t);
            let visible = t <= last && !deleted;
            for j in 0..keys_of(t, big) {
                let got = tree.get(&txn, &key(th, t, j)).unwrap();
                if visible {
                    assert_eq!(
                        got.as_deref(),
                        Some(&value(t, j, big)[..]),
                        "thread {th} txn {t} key {j}"
                    );
                    expected += 1;
                } else {
                    assert!(
                        got.is_none(),
                        "thread {th} txn {t} key {j} visible (last {last})"
                    );
                }
            }
        }
        lasts.push(last);
    }
    if full {
        assert_eq!(tree.len(&txn).unwrap(), expected);
    }
    lasts
}

#[test]
fn crash_recovery_keeps_every_acknowledged_commit() {
    crash_runs(1);
}

#[test]
fn crash_recovery_keeps_every_acknowledged_concurrent_commit() {
    crash_runs(4);
}

fn crash_runs(threads: u64) {
    let runs: u64 = std::env::var("ASSAY_CRASH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(12);
    let seed: u64 = std::env::var("ASSAY_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("crash test: {runs} runs, {threads} threads, ASSAY_CRASH_SEED={seed}");
    let mut rng = seed;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        rng >> 33
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db").to_string_lossy().into_owned();
    let exe = std::env::current_exe().unwrap();
    let mut acknowledged = vec![0u64; threads as usize];
    let mut total_seen = 0;
    for run in 0..runs {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("ASSAY_CRASH_DB", &path)
            .env("ASSAY_CRASH_THREADS", threads.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // The harness's "test crash_child ... " has no newline, so
                // the first report shares its line.
                if let Some(at) = line.find("committed ") {
                    let rest = &line[at + "committed ".len()..];
                    let mut parts = rest.split(' ').map(|n| n.parse::<u64>().ok());
                    if let (Some(Some(th)), Some(Some(n))) = (parts.next(), parts.next()) {
                        let _ = tx.send((th, n));
                    }
                }
            }
        });
        // Wait for at least one commit of this run, then kill at random.
        if let Ok((th, n)) = rx.recv_timeout(Duration::from_secs(30)) {
            let ack = &mut acknowledged[th as usize];
            *ack = (*ack).max(n);
        }
        std::thread::sleep(Duration::from_millis(next() % 150));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        while let Ok((th, n)) = rx.try_recv() {
            let ack = &mut acknowledged[th as usize];
            *ack = (*ack).max(n);
        }
        if let Ok(what) = std::fs::read_to_string(format!("{path}-anomaly")) {
            keep_for_inspection(&path, seed, threads);
            panic!("the child saw a wrong result: {what}");
        }
        let full = run % 25 == 24 || run + 1 == runs;
        let checked = std::panic::catch_unwind(|| verify(&path, &acknowledged, full))
            .inspect_err(|_| keep_for_inspection(&path, seed, threads));
        let lasts = checked.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        total_seen = total_seen.max(lasts.iter().sum());
        acknowledged = lasts;
    }
    println!("crash test: {runs} kills, {total_seen} transactions committed, all verified");
    assert!(
        total_seen > runs,
        "the child committed too little to test anything"
    );
}

/// Copies a database that failed verification (and its WAL) out of the
/// temporary directory, which is removed when the test unwinds, so that it
/// can be examined: `/tmp/assay-crash-failure-SEED-THREADS/`.
fn keep_for_inspection(path: &str, seed: u64, threads: u64) {
    let keep = std::env::temp_dir().join(format!("assay-crash-failure-{seed}-{threads}"));
    if std::fs::create_dir_all(&keep).is_err() {
        return;
    }
    for suffix in ["", "-wal", "-anomaly"] {
        let from = format!("{path}{suffix}");
        let _ = std::fs::copy(&from, keep.join(format!("crash.db{suffix}")));
    }
    eprintln!(
        "crash test: the failing database is kept in {}",
        keep.display()
    );
}
