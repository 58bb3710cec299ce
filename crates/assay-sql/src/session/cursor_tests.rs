//! Cursors across statements and sessions: sorted runs kept between
//! FETCHes, the snapshot a cursor reads, wire portals.

use super::super::{Engine, Session, StatementResult};
use crate::types::Value;

fn ints(results: &[StatementResult]) -> Vec<i64> {
    results
        .last()
        .unwrap()
        .rows
        .iter()
        .map(|r| match &r[0] {
            Value::Int4(v) => i64::from(*v),
            Value::Int8(v) => *v,
            other => panic!("not an integer: {other:?}"),
        })
        .collect()
}

fn fetch(s: &mut Session, sql: &str) -> Vec<i64> {
    ints(&s.execute(sql).unwrap())
}

#[test]
fn a_sort_that_spilled_continues_across_statements_that_spill_too() {
    let engine = Engine::open_memory().unwrap();
    let mut s = engine.session();
    // Rows of about 200 bytes: 40000 of them outgrow the 4 MB a sort may
    // hold, so the sort writes runs and merges them FETCH by FETCH.
    s.execute("CREATE TABLE wide (id int PRIMARY KEY, pad text)")
        .unwrap();
    s.execute("INSERT INTO wide SELECT g, repeat('x', 200) FROM generate_series(1, 40000) g")
        .unwrap();
    s.execute("CREATE TABLE side (a int)").unwrap();
    // A block that has written: runs go to storage as trees.
    s.execute("BEGIN; INSERT INTO side VALUES (1)").unwrap();
    s.execute("DECLARE c CURSOR FOR SELECT id, pad FROM wide ORDER BY pad, id DESC")
        .unwrap();
    assert_eq!(fetch(&mut s, "FETCH 2 FROM c"), [40000, 39999]);
    // Another statement sorts (and spills) in the same transaction.
    let other = fetch(
        &mut s,
        "SELECT id FROM wide ORDER BY pad, id LIMIT 1 OFFSET 30000",
    );
    assert_eq!(other, [30001]);
    assert_eq!(fetch(&mut s, "FETCH 2 FROM c"), [39998, 39997]);
    s.execute("MOVE 39990 IN c").unwrap();
    assert_eq!(fetch(&mut s, "FETCH ALL FROM c"), [6, 5, 4, 3, 2, 1]);
    s.execute("COMMIT").unwrap();
}

#[test]
fn a_cursor_reads_the_snapshot_it_was_declared_in() {
    let engine = Engine::open_memory().unwrap();
    let mut a = engine.session();
    let mut b = engine.session();
    a.execute("CREATE TABLE t (id int PRIMARY KEY)").unwrap();
    a.execute("INSERT INTO t VALUES (1), (2), (3)").unwrap();
    a.execute("BEGIN").unwrap();
    a.execute("DECLARE c CURSOR FOR SELECT id FROM t ORDER BY id")
        .unwrap();
    assert_eq!(fetch(&mut a, "FETCH 1 FROM c"), [1]);
    b.execute("INSERT INTO t VALUES (4)").unwrap();
    assert_eq!(fetch(&mut a, "FETCH ALL FROM c"), [2, 3]);
    a.execute("COMMIT").unwrap();
    // A held cursor keeps the rows of its transaction.
    a.execute("BEGIN; DECLARE h CURSOR WITH HOLD FOR SELECT id FROM t ORDER BY id; COMMIT")
        .unwrap();
    b.execute("DELETE FROM t").unwrap();
    assert_eq!(fetch(&mut a, "FETCH ALL FROM h"), [1, 2, 3, 4]);
}

#[test]
fn wire_portals_stream_only_inside_blocks() {
    let engine = Engine::open_memory().unwrap();
    let mut s = engine.session();
    s.execute("CREATE SEQUENCE q").unwrap();
    let stmt = crate::parser::parse("SELECT nextval('q') FROM generate_series(1, 1000000)")
        .unwrap()
        .remove(0);
    assert!(!s.open_portal("p", &stmt, &[], &[]).unwrap());
    s.execute("BEGIN").unwrap();
    assert!(s.open_portal("p", &stmt, &[], &[]).unwrap());
    let (rows, more) = s.fetch_portal("p", 2).unwrap();
    assert_eq!((rows.len(), more), (2, true));
    assert_eq!(fetch(&mut s, "SELECT currval('q')"), [2]);
    s.close_portal("p").unwrap();
    let e = s.fetch_portal("p", 2).unwrap_err();
    assert_eq!(e.code().as_str(), "34000");
    s.execute("ROLLBACK").unwrap();
}
