//! Result streams: the implicit transaction they hold, its end, and what
//! does not stream.

use super::super::{Engine, Session};
use crate::parser;
use crate::types::Value;

fn stmt(sql: &str) -> crate::ast::Statement {
    parser::parse(sql).unwrap().remove(0)
}

fn ints(rows: &[Vec<Value>]) -> Vec<i32> {
    rows.iter()
        .map(|r| match &r[0] {
            Value::Int4(v) => *v,
            other => panic!("not an int4: {other:?}"),
        })
        .collect()
}

fn count(s: &mut Session) -> i64 {
    match &s.execute("SELECT count(*) FROM t").unwrap()[0].rows[0][0] {
        Value::Int8(n) => *n,
        other => panic!("not a count: {other:?}"),
    }
}

fn setup() -> (std::sync::Arc<Engine>, Session) {
    let engine = Engine::open_memory().unwrap();
    let mut s = engine.session();
    s.execute("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 10)")
        .unwrap();
    (engine, s)
}

#[test]
fn a_stream_outside_a_block_holds_its_snapshot_until_it_ends() {
    let (engine, mut s) = setup();
    let query = stmt("SELECT id FROM t ORDER BY id");
    let start = s.open_stream("r", &query, &[], &[], 3).unwrap().unwrap();
    assert_eq!(ints(&start.rows), [1, 2, 3]);
    assert!(start.more && s.stream_holds_transaction());
    assert_eq!(s.transaction_status(), 'I');

    // Another session's commit is not seen by the open stream.
    let mut other = engine.session();
    other.execute("INSERT INTO t VALUES (11)").unwrap();
    let (rows, more) = s.fetch_stream("r", 4).unwrap();
    assert_eq!((ints(&rows), more), (vec![4, 5, 6, 7], true));
    let (rows, more) = s.fetch_stream("r", 100).unwrap();
    assert_eq!((ints(&rows), more), (vec![8, 9, 10], false));
    assert!(!s.stream_holds_transaction());
    assert_eq!(count(&mut s), 11);
}

#[test]
fn closing_a_stream_early_ends_its_transaction() {
    let (_engine, mut s) = setup();
    let query = stmt("SELECT id FROM t");
    let start = s.open_stream("r", &query, &[], &[], 2).unwrap().unwrap();
    assert!(start.more);
    s.close_stream("r").unwrap();
    assert!(!s.stream_holds_transaction());
    // Closing twice, or a stream that never was, is nothing.
    s.close_stream("r").unwrap();
    let e = s.fetch_stream("r", 1).unwrap_err();
    assert_eq!(e.code().as_str(), "34000");
}

#[test]
fn a_result_that_fits_the_first_batch_closes_at_once() {
    let (_engine, mut s) = setup();
    let query = stmt("SELECT id FROM t WHERE id > $1");
    let start = s
        .open_stream("r", &query, &[], &[Value::Int4(8)], 5)
        .unwrap()
        .unwrap();
    assert_eq!((ints(&start.rows), start.more), (vec![9, 10], false));
    assert!(!s.stream_holds_transaction());
}

#[test]
fn a_failing_batch_rolls_the_implicit_transaction_back() {
    let (_engine, mut s) = setup();
    let query = stmt("SELECT 10 / (5 - id) FROM t");
    let start = s.open_stream("r", &query, &[], &[], 2).unwrap().unwrap();
    assert_eq!(ints(&start.rows), [2, 3]);
    let e = s.fetch_stream("r", 10).unwrap_err();
    assert_eq!(e.code().as_str(), "22012");
    assert!(!s.stream_holds_transaction());
    assert_eq!(s.transaction_status(), 'I');
    assert_eq!(count(&mut s), 10);
}

#[test]
fn inside_a_block_a_stream_is_one_of_its_portals() {
    let (_engine, mut s) = setup();
    s.execute("BEGIN").unwrap();
    let query = stmt("SELECT id FROM t ORDER BY id");
    let start = s.open_stream("r", &query, &[], &[], 2).unwrap().unwrap();
    assert!(start.more && !s.stream_holds_transaction());
    // Other statements run between batches, in the same block.
    s.execute("DELETE FROM t WHERE id = 1").unwrap();
    let (rows, _) = s.fetch_stream("r", 2).unwrap();
    assert_eq!(ints(&rows), [3, 4]);
    // COMMIT closes the block's portals.
    s.execute("COMMIT").unwrap();
    let e = s.fetch_stream("r", 2).unwrap_err();
    assert_eq!(e.code().as_str(), "34000");
    assert_eq!(count(&mut s), 9);
}

#[test]
fn statements_that_write_do_not_stream() {
    let (_engine, mut s) = setup();
    for sql in [
        "DELETE FROM t WHERE id > 8 RETURNING id",
        "WITH d AS (SELECT 1) UPDATE t SET id = id WHERE id = 1 RETURNING id",
        "SELECT id INTO u FROM t",
        "SELECT id FROM t FOR UPDATE",
        "SHOW search_path",
    ] {
        assert!(s
            .open_stream("r", &stmt(sql), &[], &[], 2)
            .unwrap()
            .is_none());
        assert!(!s.stream_holds_transaction(), "{sql}");
    }
    assert_eq!(count(&mut s), 10);
}

#[test]
fn a_query_that_fails_to_plan_leaves_no_transaction() {
    let (_engine, mut s) = setup();
    let e = s
        .open_stream("r", &stmt("SELECT nope FROM t"), &[], &[], 2)
        .unwrap_err();
    assert_eq!(e.code().as_str(), "42703");
    assert!(!s.stream_holds_transaction());
    assert_eq!(count(&mut s), 10);
}
