//! `assay-bench sql`: SQL workloads on the embedded Assay engine
//! (`assay_sql::session`) and on SQLite (rusqlite, bundled), both on files
//! in one temporary directory, in WAL mode with synchronous=FULL and a
//! 64 MiB page cache.
//!
//! The table is `t (id bigint primary key, k int, name text, value double
//! precision)` with an index on `k`, plus `d (k int primary key, label
//! text)` of 10k rows for the join. Every row is derived from its id, so
//! both engines hold the same data; `value` is a multiple of 0.25, so sums
//! are exact and compare equal whatever order an engine adds them in.
//!
//! Statements with parameters are parsed once, kept in an `Arc` and run
//! through `Session::run_prepared` (the path every statement takes: block,
//! catalog check, then the session's plan cache, where a kept statement is
//! found by address, so a repeated statement is bound and planned once),
//! and through rusqlite's cached prepared statements on SQLite. Each workload runs in
//! one transaction on both engines.

use std::sync::Arc;

use assay_sql::ast::Statement;
use assay_sql::session::{Engine, Session};
use assay_sql::types::Value;
use assay_storage::vfs::OsVfs;
use assay_storage::PagerOptions;
use rusqlite::{params, Connection};

use crate::report::{peak_rss_kib, reset_peak_rss, rss_kib, time, Report};

type Result<T> = std::result::Result<T, String>;

const POINT_SELECTS: usize = 100_000;
const RANGE_SCANS: usize = 10_000;
const RANGE_LEN: i64 = 100;
const UPDATES: usize = 100_000;
const INDEX_LOOKUPS: usize = 100_000;
const JOIN_ROWS: i64 = 10_000;
/// Rows per distinct `k`.
const K_FANOUT: i64 = 10;

/// What both engines must agree on: a row count and an exact sum.
#[derive(Debug, Default, PartialEq, Clone, Copy)]
struct Answer {
    rows: i64,
    sum: f64,
}

/// The columns of row `id`.
fn row(id: i64, rows: i64) -> (i64, i32, String, f64) {
    let distinct_k = (rows / K_FANOUT).max(1);
    // A scatter so rows with one k are far apart in id order.
    let k = (id.wrapping_mul(7919) % distinct_k) as i32;
    let value = (id % 1000) as f64 * 0.25;
    (id, k, format!("name-{id:08}"), value)
}

/// A deterministic shuffle of 0..n (the same as `storage`'s).
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

/// Runs the workloads whose names contain `only` (all when `None`; the
/// bulk insert always runs, as the others need its rows).
pub fn run(rows: usize, only: Option<&str>) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let wanted = |name: &str| only.is_none_or(|o| name.contains(o));
    let n = rows as i64;
    let mut report = Report::default();
    let mut failures = Vec::new();
    println!("# {rows} rows in t, {JOIN_ROWS} in d; synchronous=full, WAL mode, 64 MiB cache");
    report.header("sqlite");

    let engine = Engine::open(&OsVfs, &path("t.assay"), PagerOptions::default())
        .map_err(|e| e.to_string())?;
    let mut assay = AssayBench::new(engine.session());
    let sqlite = open_sqlite(&path("t.sqlite")).map_err(|e| e.to_string())?;
    assay.setup(n)?;
    sqlite_setup(&sqlite, n).map_err(|e| e.to_string())?;

    let (done, a) = time(|| assay.insert(n));
    let (_, s) = time(|| sqlite_insert(&sqlite, n));
    done?;
    report.add("insert_1txn", a, s);

    let probes = permutation(rows, 42);
    if wanted("point_select") {
        let points = &probes[..POINT_SELECTS.min(rows)];
        let (ans_a, a) = time(|| assay.point_selects(points));
        let (ans_s, s) = time(|| sqlite_point_selects(&sqlite, points));
        check("point selects", ans_a?, ans_s, &mut failures);
        report.add("point_select_100k", a, s);
    }

    if wanted("range_scan") {
        let starts: Vec<i64> = probes[..RANGE_SCANS.min(rows)]
            .iter()
            .map(|&id| id.min((n - RANGE_LEN).max(0)))
            .collect();
        let (ans_a, a) = time(|| assay.range_scans(&starts));
        let (ans_s, s) = time(|| sqlite_range_scans(&sqlite, &starts));
        check("range scans", ans_a?, ans_s, &mut failures);
        report.add("range_scan_10k_x100", a, s);
    }

    if wanted("group_by") {
        let (ans_a, a) = time(|| assay.group_by());
        let (ans_s, s) = time(|| sqlite_group_by(&sqlite));
        let ans_a = ans_a?;
        if ans_a != ans_s {
            failures.push(format!(
                "group by: Assay and SQLite differ ({} and {} groups; first {:?} / {:?})",
                ans_a.len(),
                ans_s.len(),
                ans_a.first(),
                ans_s.first()
            ));
        }
        report.add("group_by_k%100", a, s);
    }

    if wanted("index_lookup") {
        let ks: Vec<i32> = probes[..INDEX_LOOKUPS.min(rows)]
            .iter()
            .map(|&id| row(id, n).1)
            .collect();
        let (ans_a, a) = time(|| assay.index_lookups(&ks));
        let (ans_s, s) = time(|| sqlite_index_lookups(&sqlite, &ks));
        check("index lookups on k", ans_a?, ans_s, &mut failures);
        report.add("index_lookup_k_100k", a, s);
    }

    if wanted("join") {
        let (ans_a, a) = time(|| assay.join());
        let (ans_s, s) = time(|| sqlite_join(&sqlite));
        check("join", ans_a?, ans_s, &mut failures);
        report.add("join_t_d", a, s);
    }

    if wanted("full_scan") {
        let (ans_a, a) = time(|| assay.sum_scan());
        let (ans_s, s) = time(|| sqlite_sum_scan(&sqlite));
        check("full-scan sum", ans_a?, ans_s, &mut failures);
        report.add("full_scan_sum", a, s);
    }

    if wanted("update") {
        let updates = &probes[..UPDATES.min(rows)];
        let (ans_a, a) = time(|| assay.updates(updates));
        let (_, s) = time(|| sqlite_updates(&sqlite, updates));
        ans_a?;
        report.add("update_by_id_100k", a, s);
        check(
            "sum after updates",
            assay.sum_scan()?,
            sqlite_sum_scan(&sqlite),
            &mut failures,
        );
    }

    report.finish();
    if wanted("memory") {
        // A fresh engine, so the first scan starts with an empty page cache.
        drop(assay);
        drop(engine);
        let engine = Engine::open(&OsVfs, &path("t.assay"), PagerOptions::default())
            .map_err(|e| e.to_string())?;
        let mut assay = AssayBench::new(engine.session());
        let file_kib = db_kib(dir.path());
        println!("# memory (t.assay and its WAL: {file_kib} KiB; page cache bound 65536 KiB; the cold pass reuses heap the dropped engine freed):");
        for (what, sql) in [
            ("sum, cold cache", "SELECT sum(value) FROM t"),
            ("sum, warm cache", "SELECT sum(value) FROM t"),
            ("all rows returned", "SELECT id, value FROM t"),
        ] {
            let (rows, kib) = peak_growth(|| assay.exec(sql));
            println!(
                "# {sql} ({what}, {} result rows): Assay's peak RSS grew {kib} KiB",
                rows?.len()
            );
        }
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("{} answer(s) differ", failures.len()))
    }
}

/// Runs `f` and returns its result and how far the process's peak resident
/// memory rose above what it was before, in KiB.
fn peak_growth<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = rss_kib();
    let peak_known = reset_peak_rss();
    let out = f();
    let peak = if peak_known {
        peak_rss_kib()
    } else {
        rss_kib()
    };
    (out, peak.saturating_sub(before))
}

fn check(what: &str, a: Answer, s: Answer, failures: &mut Vec<String>) {
    if a != s {
        failures.push(format!("{what}: Assay gave {a:?}, SQLite {s:?}"));
    }
}

// ---- Assay ------------------------------------------------------------

/// A session and the statements it runs, parsed once.
struct AssayBench {
    session: Session,
}

fn parse_one(sql: &str) -> Result<Arc<Statement>> {
    let mut stmts = assay_sql::parser::parse(sql).map_err(|e| e.to_string())?;
    if stmts.len() != 1 {
        return Err(format!("expected one statement: {sql}"));
    }
    Ok(Arc::new(stmts.remove(0)))
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int2(x) => *x as i64,
        Value::Int4(x) => *x as i64,
        Value::Int8(x) => *x,
        Value::Null => 0,
        other => panic!("not an integer: {other:?}"),
    }
}

fn float(v: &Value) -> f64 {
    match v {
        Value::Float8(x) => *x,
        Value::Float4(x) => *x as f64,
        Value::Null => 0.0,
        other => int(other) as f64,
    }
}

impl AssayBench {
    fn new(session: Session) -> AssayBench {
        AssayBench { session }
    }

    fn exec(&mut self, sql: &str) -> Result<Vec<Vec<Value>>> {
        let mut results = self.session.execute(sql).map_err(|e| e.to_string())?;
        Ok(results.pop().map(|r| r.rows).unwrap_or_default())
    }

    /// Runs `f` between BEGIN and COMMIT (one transaction, as on SQLite).
    fn in_txn<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.exec("BEGIN")?;
        let out = f(self);
        if out.is_ok() {
            self.exec("COMMIT")?;
        } else {
            self.exec("ROLLBACK")?;
        }
        out
    }

    fn query(&mut self, stmt: &Arc<Statement>, params: &[Value]) -> Result<Vec<Vec<Value>>> {
        self.session
            .run_prepared(stmt, params)
            .map(|r| r.rows)
            .map_err(|e| e.to_string())
    }

    fn setup(&mut self, n: i64) -> Result<()> {
        self.exec(
            "CREATE TABLE t (id bigint PRIMARY KEY, k int, name text, value double precision)",
        )?;
        self.exec("CREATE INDEX t_k ON t (k)")?;
        self.exec("CREATE TABLE d (k int PRIMARY KEY, label text)")?;
        let distinct_k = (n / K_FANOUT).max(1);
        self.exec(&format!(
            "INSERT INTO d SELECT g * {step}, 'd' || g FROM generate_series(0, {last}) AS g",
            step = (distinct_k / JOIN_ROWS).max(1),
            last = JOIN_ROWS - 1
        ))?;
        Ok(())
    }

    fn insert(&mut self, n: i64) -> Result<()> {
        let stmt = parse_one("INSERT INTO t (id, k, name, value) VALUES ($1, $2, $3, $4)")?;
        self.in_txn(|b| {
            for id in 0..n {
                let (id, k, name, value) = row(id, n);
                let params = [
                    Value::Int8(id),
                    Value::Int4(k),
                    Value::Text(name.into()),
                    Value::Float8(value),
                ];
                b.query(&stmt, &params)?;
            }
            Ok(())
        })
    }

    fn point_selects(&mut self, ids: &[i64]) -> Result<Answer> {
        let stmt = parse_one("SELECT name, value FROM t WHERE id = $1")?;
        self.in_txn(|b| {
            let mut ans = Answer::default();
            for &id in ids {
                for r in b.query(&stmt, &[Value::Int8(id)])? {
                    ans.rows += r[0].as_str().map_or(0, |s| s.len() as i64);
                    ans.sum += float(&r[1]);
                }
            }
            Ok(ans)
        })
    }

    fn range_scans(&mut self, starts: &[i64]) -> Result<Answer> {
        let stmt = parse_one(&format!(
            "SELECT id, value FROM t WHERE id BETWEEN $1 AND $1 + {}",
            RANGE_LEN - 1
        ))?;
        self.in_txn(|b| {
            let mut ans = Answer::default();
            for &start in starts {
                for r in b.query(&stmt, &[Value::Int8(start)])? {
                    ans.rows += int(&r[0]);
                    ans.sum += float(&r[1]);
                }
            }
            Ok(ans)
        })
    }

    fn group_by(&mut self) -> Result<Vec<(i64, i64, f64)>> {
        let rows = self.exec("SELECT k % 100, count(*), sum(value) FROM t GROUP BY 1")?;
        let mut groups: Vec<_> = rows
            .iter()
            .map(|r| (int(&r[0]), int(&r[1]), float(&r[2])))
            .collect();
        groups.sort_by_key(|g| g.0);
        Ok(groups)
    }

    fn index_lookups(&mut self, ks: &[i32]) -> Result<Answer> {
        let stmt = parse_one("SELECT id, value FROM t WHERE k = $1")?;
        self.in_txn(|b| {
            let mut ans = Answer::default();
            for &k in ks {
                for r in b.query(&stmt, &[Value::Int4(k)])? {
                    ans.rows += int(&r[0]);
                    ans.sum += float(&r[1]);
                }
            }
            Ok(ans)
        })
    }

    fn join(&mut self) -> Result<Answer> {
        let rows = self.exec("SELECT count(*), sum(t.value) FROM t JOIN d ON t.k = d.k")?;
        Ok(Answer {
            rows: int(&rows[0][0]),
            sum: float(&rows[0][1]),
        })
    }

    fn sum_scan(&mut self) -> Result<Answer> {
        let rows = self.exec("SELECT sum(value) FROM t")?;
        Ok(Answer {
            rows: rows.len() as i64,
            sum: float(&rows[0][0]),
        })
    }

    fn updates(&mut self, ids: &[i64]) -> Result<()> {
        let stmt = parse_one("UPDATE t SET value = value + 1 WHERE id = $1")?;
        self.in_txn(|b| {
            for &id in ids {
                b.query(&stmt, &[Value::Int8(id)])?;
            }
            Ok(())
        })
    }
}

// ---- SQLite -------------------------------------------------------------

fn open_sqlite(path: &str) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "cache_size", -65536)?;
    Ok(conn)
}

fn sqlite_setup(conn: &Connection, n: i64) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER, name TEXT, value REAL);
         CREATE INDEX t_k ON t (k);
         CREATE TABLE d (k INTEGER PRIMARY KEY, label TEXT);",
    )?;
    let step = ((n / K_FANOUT).max(1) / JOIN_ROWS).max(1);
    let tx = conn.unchecked_transaction()?;
    {
        let mut stmt = tx.prepare("INSERT INTO d VALUES (?1, ?2)")?;
        for g in 0..JOIN_ROWS {
            stmt.execute(params![g * step, format!("d{g}")])?;
        }
    }
    tx.commit()
}

fn sqlite_insert(conn: &Connection, n: i64) {
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = conn
            .prepare_cached("INSERT INTO t (id, k, name, value) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        for id in 0..n {
            let (id, k, name, value) = row(id, n);
            stmt.execute(params![id, k, name, value]).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

/// Runs `sql` once per parameter in one transaction, folding each row's
/// two columns into an answer with `fold`.
fn sqlite_probe<P: rusqlite::ToSql>(
    conn: &Connection,
    sql: &str,
    params: impl IntoIterator<Item = P>,
    fold: impl Fn(&mut Answer, &rusqlite::Row),
) -> Answer {
    conn.execute_batch("BEGIN").unwrap();
    let mut ans = Answer::default();
    {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        for p in params {
            let mut rows = stmt.query([p]).unwrap();
            while let Some(r) = rows.next().unwrap() {
                fold(&mut ans, r);
            }
        }
    }
    conn.execute_batch("COMMIT").unwrap();
    ans
}

fn sqlite_point_selects(conn: &Connection, ids: &[i64]) -> Answer {
    sqlite_probe(
        conn,
        "SELECT name, value FROM t WHERE id = ?1",
        ids,
        |ans, r| {
            ans.rows += r.get_ref(0).unwrap().as_str().unwrap().len() as i64;
            ans.sum += r.get::<_, f64>(1).unwrap();
        },
    )
}

fn fold_id_value(ans: &mut Answer, r: &rusqlite::Row) {
    ans.rows += r.get::<_, i64>(0).unwrap();
    ans.sum += r.get::<_, f64>(1).unwrap();
}

fn sqlite_range_scans(conn: &Connection, starts: &[i64]) -> Answer {
    let sql = format!(
        "SELECT id, value FROM t WHERE id BETWEEN ?1 AND ?1 + {}",
        RANGE_LEN - 1
    );
    sqlite_probe(conn, &sql, starts, fold_id_value)
}

fn sqlite_index_lookups(conn: &Connection, ks: &[i32]) -> Answer {
    sqlite_probe(
        conn,
        "SELECT id, value FROM t WHERE k = ?1",
        ks,
        fold_id_value,
    )
}

fn sqlite_group_by(conn: &Connection) -> Vec<(i64, i64, f64)> {
    let mut stmt = conn
        .prepare_cached("SELECT k % 100, count(*), sum(value) FROM t GROUP BY 1")
        .unwrap();
    let mut groups: Vec<(i64, i64, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    groups.sort_by_key(|g| g.0);
    groups
}

fn sqlite_one(conn: &Connection, sql: &str) -> Answer {
    conn.query_row(sql, [], |r| {
        Ok(Answer {
            rows: r.get(0)?,
            sum: r.get::<_, Option<f64>>(1)?.unwrap_or(0.0),
        })
    })
    .unwrap()
}

fn sqlite_join(conn: &Connection) -> Answer {
    sqlite_one(
        conn,
        "SELECT count(*), sum(t.value) FROM t JOIN d ON t.k = d.k",
    )
}

fn sqlite_sum_scan(conn: &Connection) -> Answer {
    sqlite_one(conn, "SELECT 1, sum(value) FROM t")
}

fn sqlite_updates(conn: &Connection, ids: &[i64]) {
    conn.execute_batch("BEGIN").unwrap();
    {
        let mut stmt = conn
            .prepare_cached("UPDATE t SET value = value + 1 WHERE id = ?1")
            .unwrap();
        for &id in ids {
            stmt.execute([id]).unwrap();
        }
    }
    conn.execute_batch("COMMIT").unwrap();
}

/// KiB in Assay's database file and its WAL.
fn db_kib(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("t.assay"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len() / 1024)
        .sum()
}
