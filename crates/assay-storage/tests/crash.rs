//! Crash test: a child process commits transactions and reports each one
//! it was told is durable; the parent kills it with SIGKILL at a random
//! moment, reopens the database, and checks that every acknowledged commit
//! is there, that no transaction is partly visible, and that the integrity
//! check passes. The database persists across runs, so later runs recover
//! from earlier crashes (including crashes during checkpoints).
//!
//! `ASSAY_CRASH_RUNS=N` sets the number of kills (default 12; a full run is
//! several hundred: `ASSAY_CRASH_RUNS=300 cargo test --release -p
//! assay-storage --test crash`). The seed is printed so a failure can be replayed with
//! `ASSAY_CRASH_SEED`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use assay_storage::vfs::OsVfs;
use assay_storage::{integrity_check, BTree, Pager, PagerOptions, Transaction, TxnMode};

/// Keys written by transaction `t`.
fn keys_of(t: u64) -> u64 {
    (t * 7919 % 40) + 1
}

fn key(t: u64, j: u64) -> Vec<u8> {
    format!("k{t:08}-{j:03}").into_bytes()
}

/// The value of key j of transaction t: every 10th transaction's first value
/// spans several overflow pages.
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

#[test]
#[ignore = "the child process of crash_recovery_keeps_every_acknowledged_commit"]
fn crash_child() {
    let Ok(path) = std::env::var("ASSAY_CRASH_DB") else {
        return;
    };
    let pager = Pager::open(&OsVfs, &path, PagerOptions::default()).unwrap();
    let mut setup = pager.begin(TxnMode::Immediate).unwrap();
    if setup.open_tree(b"t").unwrap().is_none() {
        setup.create_tree(b"t").unwrap();
    }
    setup.commit().unwrap();
    loop {
        let mut txn = pager.begin(TxnMode::Immediate).unwrap();
        let tree = txn.open_tree(b"t").unwrap().unwrap();
        let t = counter(&txn, tree) + 1;
        for j in 0..keys_of(t) {
            tree.insert(&mut txn, &key(t, j), &value(t, j)).unwrap();
        }
        if let Some(old) = deletes(t) {
            for j in 0..keys_of(old) {
                assert!(tree.delete(&mut txn, &key(old, j)).unwrap());
            }
        }
        tree.insert(&mut txn, b"counter", &t.to_le_bytes()).unwrap();
        txn.commit().unwrap();
        println!("committed {t}");
        if t.is_multiple_of(37) {
            pager.checkpoint().unwrap();
        }
    }
}

/// Checks the reopened database; returns its last transaction. Checks the
/// keys of every transaction when `full`, else of the last 60 (the database
/// grows with every run, and a full check each time would be quadratic).
fn verify(path: &str, acknowledged: u64, full: bool) -> u64 {
    let pager = Pager::open(&OsVfs, path, PagerOptions::default()).unwrap();
    let report = integrity_check(&pager).unwrap();
    assert!(report.is_ok(), "integrity: {:?}", report.problems);
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    let Some(tree) = txn.open_tree(b"t").unwrap() else {
        assert_eq!(acknowledged, 0);
        return 0;
    };
    let last = counter(&txn, tree);
    assert!(
        last >= acknowledged,
        "acknowledged commit {acknowledged} lost (found {last})"
    );
    // A commit may be durable and not yet reported, but only one.
    assert!(
        last <= acknowledged + 1,
        "found {last}, acknowledged only {acknowledged}"
    );
    let mut expected = 1; // the counter key
    let from = if full {
        1
    } else {
        last.saturating_sub(60).max(1)
    };
    for t in from..=last + 1 {
        let deleted = (t + 5 <= last) && deletes(t + 5) == Some(t);
        let visible = t <= last && !deleted;
        for j in 0..keys_of(t) {
            let got = tree.get(&txn, &key(t, j)).unwrap();
            if visible {
                assert_eq!(got.as_deref(), Some(&value(t, j)[..]), "txn {t} key {j}");
                expected += 1;
            } else {
                assert!(got.is_none(), "txn {t} key {j} visible (last {last})");
            }
        }
    }
    if full {
        assert_eq!(tree.len(&txn).unwrap(), expected);
    }
    last
}

#[test]
fn crash_recovery_keeps_every_acknowledged_commit() {
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
    println!("crash test: {runs} runs, ASSAY_CRASH_SEED={seed}");
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
    let mut acknowledged = 0;
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
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("committed ") {
                    let _ = tx.send(n.parse::<u64>().unwrap());
                }
            }
        });
        // Wait for at least one commit of this run, then kill at random.
        if let Ok(n) = rx.recv_timeout(Duration::from_secs(30)) {
            acknowledged = acknowledged.max(n);
        }
        std::thread::sleep(Duration::from_millis(next() % 150));
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        while let Ok(n) = rx.try_recv() {
            acknowledged = acknowledged.max(n);
        }
        let last = verify(&path, acknowledged, run % 25 == 24 || run + 1 == runs);
        total_seen = total_seen.max(last);
        acknowledged = last;
        let _ = run;
    }
    println!("crash test: {runs} kills, {total_seen} transactions committed, all verified");
    assert!(
        total_seen > runs,
        "the child committed too little to test anything"
    );
}
