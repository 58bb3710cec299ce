//! A profiling driver: runs one SQL bench workload against an existing
//! database file, with no SQLite run and no load, so `perf record` sees
//! only the workload.
//!
//! ```text
//! assay shell /tmp/t.db -c "CREATE TABLE t (id bigint primary key, k int, name text, value double precision); CREATE INDEX t_k ON t (k); INSERT INTO t SELECT i, (i::bigint * 7919) % 10000, 'name-' || lpad(i::text, 8, '0'), (i % 1000) * 0.25 FROM generate_series(1, 1000000) i"
//! assay shell /tmp/t.db -c "CREATE TABLE d (k int PRIMARY KEY, label text); INSERT INTO d SELECT g, 'd' || g FROM generate_series(0, 9999) AS g"
//! cargo build --release -p assay-bench --example sql_profile
//! perf record target/release/examples/sql_profile /tmp/t.db point 100000
//! ```

use std::sync::Arc;
use std::time::Instant;

use assay_sql::ast::Statement;
use assay_sql::session::{Engine, Session};
use assay_sql::types::Value;
use assay_storage::vfs::OsVfs;
use assay_storage::PagerOptions;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (path, workload) = (&args[1], args[2].as_str());
    let n: i64 = args.get(3).map_or(100_000, |s| s.parse().expect("count"));
    let engine = Engine::open(&OsVfs, path, PagerOptions::default()).expect("open");
    let mut session = engine.session();
    let sql = match workload {
        "point" => "SELECT name, value FROM t WHERE id = $1",
        "update" => "UPDATE t SET value = value + 1 WHERE id = $1",
        "index" => "SELECT id, value FROM t WHERE k = $1",
        "range" => "SELECT id, value FROM t WHERE id BETWEEN $1 AND $1 + 99",
        "scan" => "SELECT sum(value) FROM t",
        "join" => "SELECT count(*), sum(t.value) FROM t JOIN d ON t.k = d.k",
        "insert" => "INSERT INTO t (id, k, name, value) VALUES ($1, $2, 'x', 0.5)",
        other => panic!("unknown workload {other}"),
    };
    let stmt = Arc::new(assay_sql::parser::parse(sql).expect("parse").remove(0));
    session.execute("BEGIN").expect("begin");
    // A warm-up pass fills the page cache; profile only the second one
    // (`valgrind --tool=callgrind --toggle-collect=*measured*`).
    warm_up(&mut session, &stmt, workload, n);
    let start = Instant::now();
    let rows = measured(&mut session, &stmt, workload, n);
    let elapsed = start.elapsed();
    session.execute("ROLLBACK").expect("rollback");
    println!(
        "{workload}: {n} statements, {rows} rows, {:.1} ms, {:.2} us/statement",
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / n as f64
    );
}

#[inline(never)]
fn warm_up(session: &mut Session, stmt: &Arc<Statement>, workload: &str, n: i64) -> usize {
    pass(session, stmt, workload, n, 1)
}

#[inline(never)]
fn measured(session: &mut Session, stmt: &Arc<Statement>, workload: &str, n: i64) -> usize {
    pass(session, stmt, workload, n, 2)
}

/// Runs the statement `n` times with pseudo-random parameters (inserts
/// take fresh ids, different in each pass).
fn pass(session: &mut Session, stmt: &Arc<Statement>, workload: &str, n: i64, round: i64) -> usize {
    let mut rows = 0usize;
    let mut x: u64 = 88172645463325252;
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let args = match workload {
            "scan" | "join" => vec![],
            "index" => vec![Value::Int4((x % 10_000) as i32)],
            "insert" => vec![
                Value::Int8(round * 2_000_000 + i),
                Value::Int4((i % 10_000) as i32),
            ],
            _ => vec![Value::Int8((x % 1_000_000) as i64 + 1)],
        };
        rows += session.run_prepared(stmt, &args).expect("run").rows.len();
    }
    rows
}
