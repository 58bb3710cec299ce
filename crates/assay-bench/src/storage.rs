//! `assay-bench storage`: key/value workloads on assay-storage (a B+tree
//! through the pager) and on SQLite (rusqlite, bundled; a table with an
//! INTEGER PRIMARY KEY and a BLOB; WAL mode; synchronous=FULL and a 64 MiB
//! page cache on both), on files in one temporary directory.
//!
//! Keys are integers (Assay encodes them with `keycode`, as its SQL layer
//! will); values are 100-byte blobs.

use std::sync::Arc;

use assay_storage::keycode::{KeyWriter, SortOrder};
use assay_storage::vfs::OsVfs;
use assay_storage::{BTree, Pager, PagerOptions, Result, TxnMode};
use rusqlite::{params, Connection};

use crate::report::{rss_kib, time, Report};

const VALUE_LEN: usize = 100;
const UPDATES: usize = 100_000;
const SMALL_COMMITS: usize = 10_000;

fn encode_key(buf: &mut Vec<u8>, k: i64) {
    buf.clear();
    KeyWriter::new(buf).write_int(k, SortOrder::ASC);
}

fn value(k: i64, salt: u8) -> [u8; VALUE_LEN] {
    let mut v = [salt; VALUE_LEN];
    v[..8].copy_from_slice(&k.to_le_bytes());
    v
}

/// A deterministic shuffle of 0..n.
fn permutation(n: usize, mut seed: u64) -> Vec<i64> {
    let mut keys: Vec<i64> = (0..n as i64).collect();
    for i in (1..n).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        keys.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    keys
}

/// Every workload's name, in the order they run.
const WORKLOADS: [&str; 6] = [
    "seq_insert_1txn",
    "random_insert_1txn",
    "random_point_read",
    "full_scan",
    "random_update_100k",
    "single_row_commits_10k",
];

/// Runs every workload, or with `only` the one named: the tables a later
/// workload reads are still built (by the sequential insert), but only the
/// named line is printed.
pub fn run(rows: usize, only: Option<&str>) -> std::result::Result<(), String> {
    if let Some(name) = only.filter(|n| !WORKLOADS.contains(n)) {
        return Err(format!(
            "--only {name}: not a workload (one of {})",
            WORKLOADS.join(", ")
        ));
    }
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let mut report = Report::default();
    println!("# {rows} rows, {VALUE_LEN}-byte values, synchronous=full, WAL mode");
    report.header("sqlite");
    if only == Some("random_insert_1txn") {
        random_insert(rows, &path, &mut report)?;
        report.finish();
        return Ok(());
    }

    let assay = open_assay(&path("seq.assay")).map_err(|e| e.to_string())?;
    let sqlite = open_sqlite(&path("seq.sqlite")).map_err(|e| e.to_string())?;
    let (_, a) = time(|| assay_insert(&assay, (0..rows as i64).collect()));
    let (_, s) = time(|| sqlite_insert(&sqlite, (0..rows as i64).collect()));
    if wanted("seq_insert_1txn") {
        report.add("seq_insert_1txn", a, s);
    }

    if only.is_none() {
        random_insert(rows, &path, &mut report)?;
    }

    let probes = permutation(rows, 42);
    if wanted("random_point_read") {
        let (sum_a, a) = time(|| assay_point_reads(&assay, &probes));
        let (sum_s, s) = time(|| sqlite_point_reads(&sqlite, &probes));
        check_same("point reads", sum_a, sum_s)?;
        report.add("random_point_read", a, s);
    }

    let mut scan_rss = None;
    if wanted("full_scan") {
        let rss_before = rss_kib();
        let (sum_a, a) = time(|| assay_scan(&assay));
        scan_rss = Some(rss_kib().saturating_sub(rss_before));
        let (sum_s, s) = time(|| sqlite_scan(&sqlite));
        check_same("full scan", sum_a, sum_s)?;
        report.add("full_scan", a, s);
    }

    if wanted("random_update_100k") {
        let updates = &probes[..UPDATES.min(rows)];
        let (_, a) = time(|| assay_updates(&assay, updates));
        let (_, s) = time(|| sqlite_updates(&sqlite, updates));
        report.add("random_update_100k", a, s);
    }

    if wanted("single_row_commits_10k") {
        let (_, a) = time(|| assay_small_commits(&assay, rows as i64));
        let (_, s) = time(|| sqlite_small_commits(&sqlite, rows as i64));
        report.add("single_row_commits_10k", a, s);
    }

    report.finish();
    if let Some(kib) = scan_rss {
        println!(
            "# full scan grew Assay's resident memory by {kib} KiB (page cache bound: 65536 KiB)"
        );
    }
    Ok(())
}

/// Random inserts into fresh files, measured twice in the order Assay,
/// SQLite, SQLite, Assay, each engine's time the mean of its two runs:
/// the engine that runs right after a large commit otherwise pays for the
/// operating system's write-back of it (in a whole run, the sequential
/// inserts just before this), whichever engine that is.
fn random_insert(
    rows: usize,
    path: &dyn Fn(&str) -> String,
    report: &mut Report,
) -> std::result::Result<(), String> {
    let shuffled = permutation(rows, 0x9e3779b97f4a7c15);
    let run_assay = |name: &str| -> std::result::Result<(Arc<Pager>, f64), String> {
        let assay = open_assay(&path(name)).map_err(|e| e.to_string())?;
        let (_, ms) = time(|| assay_insert(&assay, shuffled.clone()));
        Ok((assay, ms))
    };
    let run_sqlite = |name: &str| -> std::result::Result<f64, String> {
        let sqlite = open_sqlite(&path(name)).map_err(|e| e.to_string())?;
        let (_, ms) = time(|| sqlite_insert(&sqlite, shuffled.clone()));
        Ok(ms)
    };
    let (_, a1) = run_assay("rand1.assay")?;
    let s1 = run_sqlite("rand1.sqlite")?;
    let s2 = run_sqlite("rand2.sqlite")?;
    let (assay, a2) = run_assay("rand2.assay")?;
    report.add("random_insert_1txn", (a1 + a2) / 2.0, (s1 + s2) / 2.0);
    println!(
        "# random insert runs (ms): Assay {a1:.1}, {a2:.1}; SQLite {s1:.1}, {s2:.1} (order A S S A)"
    );
    let stats = assay.stats();
    println!(
        "# random insert: {} WAL frames written for {} pages",
        stats.last_commit, stats.db_pages
    );
    Ok(())
}

fn check_same(what: &str, a: u64, s: u64) -> std::result::Result<(), String> {
    if a != s {
        return Err(format!("{what}: Assay saw {a}, SQLite {s}"));
    }
    Ok(())
}

fn open_assay(path: &str) -> Result<Arc<Pager>> {
    Pager::open(&OsVfs, path, PagerOptions::default())
}

fn assay_tree(pager: &Arc<Pager>) -> Result<BTree> {
    let mut txn = pager.begin(TxnMode::Immediate)?;
    let tree = match txn.open_tree(b"kv")? {
        Some(tree) => tree,
        None => txn.create_tree(b"kv")?,
    };
    txn.commit()?;
    Ok(tree)
}

fn assay_insert(pager: &Arc<Pager>, keys: Vec<i64>) {
    let tree = assay_tree(pager).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let mut key = Vec::with_capacity(16);
    for k in keys {
        encode_key(&mut key, k);
        tree.insert(&mut txn, &key, &value(k, 1)).unwrap();
    }
    txn.commit().unwrap();
}

fn assay_point_reads(pager: &Arc<Pager>, probes: &[i64]) -> u64 {
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    let tree = txn.open_tree(b"kv").unwrap().unwrap();
    let mut key = Vec::with_capacity(16);
    let mut sum = 0u64;
    for &k in probes {
        encode_key(&mut key, k);
        sum += tree.get_with(&txn, &key, |v| v[0] as u64).unwrap().unwrap();
    }
    sum
}

fn assay_scan(pager: &Arc<Pager>) -> u64 {
    let txn = pager.begin(TxnMode::ReadOnly).unwrap();
    let tree = txn.open_tree(b"kv").unwrap().unwrap();
    let mut cursor = tree.cursor();
    let mut sum = 0u64;
    let mut more = cursor.first(&txn).unwrap();
    while more {
        sum += cursor.value_len().unwrap() as u64;
        more = cursor.next(&txn).unwrap();
    }
    sum
}

fn assay_updates(pager: &Arc<Pager>, keys: &[i64]) {
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let tree = txn.open_tree(b"kv").unwrap().unwrap();
    let mut key = Vec::with_capacity(16);
    for &k in keys {
        encode_key(&mut key, k);
        tree.insert(&mut txn, &key, &value(k, 2)).unwrap();
    }
    txn.commit().unwrap();
}

fn assay_small_commits(pager: &Arc<Pager>, first: i64) {
    let tree = assay_tree(pager).unwrap();
    let mut key = Vec::with_capacity(16);
    for k in first..first + SMALL_COMMITS as i64 {
        let mut txn = pager.begin(TxnMode::Immediate).unwrap();
        encode_key(&mut key, k);
        tree.insert(&mut txn, &key, &value(k, 3)).unwrap();
        txn.commit().unwrap();
    }
}

fn open_sqlite(path: &str) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -65536)?;
    conn.execute(
        "CREATE TABLE IF NOT EXISTS kv (k INTEGER PRIMARY KEY, v BLOB)",
        [],
    )?;
    Ok(conn)
}

fn sqlite_insert(conn: &Connection, keys: Vec<i64>) {
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = conn
            .prepare_cached("INSERT INTO kv (k, v) VALUES (?1, ?2)")
            .unwrap();
        for k in keys {
            stmt.execute(params![k, &value(k, 1)[..]]).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

fn sqlite_point_reads(conn: &Connection, probes: &[i64]) -> u64 {
    conn.execute_batch("BEGIN").unwrap();
    let mut sum = 0u64;
    {
        let mut stmt = conn
            .prepare_cached("SELECT v FROM kv WHERE k = ?1")
            .unwrap();
        for &k in probes {
            let mut rows = stmt.query(params![k]).unwrap();
            let row = rows.next().unwrap().unwrap();
            sum += row.get_ref(0).unwrap().as_blob().unwrap()[0] as u64;
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    sum
}

fn sqlite_scan(conn: &Connection) -> u64 {
    let mut stmt = conn.prepare_cached("SELECT v FROM kv").unwrap();
    let mut rows = stmt.query([]).unwrap();
    let mut sum = 0u64;
    while let Some(row) = rows.next().unwrap() {
        sum += row.get_ref(0).unwrap().as_blob().unwrap().len() as u64;
    }
    sum
}

fn sqlite_updates(conn: &Connection, keys: &[i64]) {
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = conn
            .prepare_cached("UPDATE kv SET v = ?2 WHERE k = ?1")
            .unwrap();
        for &k in keys {
            stmt.execute(params![k, &value(k, 2)[..]]).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

fn sqlite_small_commits(conn: &Connection, first: i64) {
    let mut stmt = conn
        .prepare_cached("INSERT INTO kv (k, v) VALUES (?1, ?2)")
        .unwrap();
    for k in first..first + SMALL_COMMITS as i64 {
        stmt.execute(params![k, &value(k, 3)[..]]).unwrap();
    }
}
