//! Statements that share a shape's plan give the results and errors they
//! give planned as written (PostgreSQL 15's, checked there).

use super::super::{Engine, Session};
use super::shape_of;
use crate::ast::Statement;
use crate::types::Value;

fn session() -> Session {
    let mut s = Engine::open_memory().unwrap().session();
    s.execute(
        "CREATE TABLE a (id int PRIMARY KEY, small int2, big int8, n numeric(6,2), t text, v int);
         INSERT INTO a VALUES (1, 1, 1, 1.5, 'x', 10), (2, 2, 2, 2.5, 'y', 20)",
    )
    .unwrap();
    s
}

fn parse(sql: &str) -> Statement {
    crate::parser::parse(sql).unwrap().remove(0)
}

/// The single result's rows.
fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    s.execute(sql).unwrap().pop().unwrap().rows
}

fn error(s: &mut Session, sql: &str) -> (String, String, Option<u32>) {
    let e = s.execute(sql).unwrap_err();
    (
        e.code().as_str().to_string(),
        e.message().to_string(),
        e.position(),
    )
}

#[test]
fn literals_become_typed_parameters() {
    let shape = shape_of(&parse(
        "SELECT v FROM a WHERE id = 5 AND big > -2147483648 AND n <> 1.5 AND 7 <= v",
    ))
    .unwrap();
    assert_eq!(
        shape.values,
        vec![
            Value::Int4(5),
            Value::Int4(i32::MIN),
            crate::binder::number_literal("1.5").unwrap().0,
            Value::Int4(7),
        ]
    );
    assert_eq!(
        shape.statement,
        parse("SELECT v FROM a WHERE id = $1 AND big > $2 AND n <> $3 AND $4 <= v")
    );
    let shape = shape_of(&parse(
        "UPDATE a SET v = v + 3000000000, t = 'z' WHERE id = 1",
    ))
    .unwrap();
    assert_eq!(
        shape.values,
        vec![Value::Int8(3_000_000_000), Value::Int4(1)]
    );
    let shape = shape_of(&parse("INSERT INTO a (id, v) VALUES (3, -4), (5, now())")).unwrap();
    assert_eq!(
        shape.values,
        vec![Value::Int4(3), Value::Int4(-4), Value::Int4(5)]
    );
}

#[test]
fn statements_that_are_not_shaped() {
    for sql in [
        "SELECT 1",
        "SELECT v FROM a WHERE id = $1",
        "SELECT v FROM a WHERE id = 1 AND v = $1",
        "SELECT v FROM a WHERE id = 1 ORDER BY 1",
        "SELECT v FROM a WHERE id = 1 LIMIT 1",
        "SELECT v FROM a, a b WHERE a.id = 1",
        "SELECT v FROM a WHERE id = 1 AND v IN (SELECT 1)",
        "SELECT v FROM a WHERE v + 1 = 2",
        "SELECT v FROM a WHERE t = 'x'",
        "SELECT count(*) FROM a WHERE id = 1 GROUP BY v",
        "INSERT INTO a (id) SELECT 1",
        "INSERT INTO a (id) VALUES (1) ON CONFLICT DO NOTHING",
        "UPDATE a SET v = 1 FROM a b WHERE a.id = 1",
        "DELETE FROM a WHERE id = (SELECT 1)",
    ] {
        assert!(shape_of(&parse(sql)).is_none(), "{sql}");
    }
}

#[test]
fn one_plan_serves_every_literal() {
    let mut s = session();
    s.plans.clear();
    for id in [1, 2, 3] {
        let got = rows(&mut s, &format!("SELECT v FROM a WHERE id = {id}"));
        let want: Vec<Vec<Value>> = match id {
            1 => vec![vec![Value::Int4(10)]],
            2 => vec![vec![Value::Int4(20)]],
            _ => vec![],
        };
        assert_eq!(got, want);
    }
    assert_eq!(s.plans.len(), 1);
    s.execute("UPDATE a SET v = v + 5 WHERE id = 1; UPDATE a SET v = v + -7 WHERE id = 2")
        .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT id, v FROM a WHERE id >= 1 AND NOT id > 2"),
        vec![
            vec![Value::Int4(1), Value::Int4(15)],
            vec![Value::Int4(2), Value::Int4(13)],
        ]
    );
    s.execute("INSERT INTO a (id, v) VALUES (7, 70); DELETE FROM a WHERE id = 7")
        .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT v FROM a WHERE id = 7"),
        Vec::<Vec<Value>>::new()
    );
}

#[test]
fn literals_keep_their_types_and_errors() {
    let mut s = session();
    // A numeric literal compares as numeric: no row, no error.
    assert!(rows(&mut s, "SELECT v FROM a WHERE id = 1.5").is_empty());
    // int8 literal against an int4 column; int4 against int2.
    assert!(rows(&mut s, "SELECT v FROM a WHERE id = 3000000000").is_empty());
    assert!(rows(&mut s, "SELECT v FROM a WHERE small = 100000").is_empty());
    assert_eq!(rows(&mut s, "SELECT v FROM a WHERE big = 2").len(), 1);
    // Assignment out of the column's range fails, with or without rows.
    let out_of_range = (
        "22003".to_string(),
        "smallint out of range".to_string(),
        None,
    );
    assert_eq!(
        error(&mut s, "INSERT INTO a (id, small) VALUES (9, 100000)"),
        out_of_range
    );
    assert_eq!(
        error(&mut s, "UPDATE a SET small = 100000 WHERE id = 99"),
        out_of_range
    );
    assert_eq!(
        error(&mut s, "UPDATE a SET v = v + 2147483647 WHERE id = 1"),
        (
            "22003".to_string(),
            "integer out of range".to_string(),
            None
        )
    );
    // numeric(6,2) rounds the value it stores.
    s.execute("UPDATE a SET n = 1.005 WHERE id = 1").unwrap();
    assert_eq!(
        rows(&mut s, "SELECT n::text FROM a WHERE id = 1"),
        vec![vec![Value::text("1.01")]]
    );
    // Type errors are the statement's own.
    let (code, message, _) = error(&mut s, "SELECT v FROM a WHERE t = 5");
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("42883", "operator does not exist: text = integer")
    );
    let (code, message, _) = error(&mut s, "SELECT v FROM a WHERE id = $1");
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("42P02", "there is no parameter $1")
    );
}

#[test]
fn pgbench_statements_share_their_plans() {
    let mut s = Engine::open_memory().unwrap().session();
    s.execute(
        "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler char(84));
         CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler char(84));
         CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime timestamp, filler char(22));
         INSERT INTO pgbench_accounts VALUES (1, 1, 0, ''), (2, 1, 0, '');
         INSERT INTO pgbench_tellers VALUES (1, 1, 0, '')",
    )
    .unwrap();
    let transaction = |aid: i32, delta: i32| {
        format!(
            "BEGIN;
             UPDATE pgbench_accounts SET abalance = abalance + {delta} WHERE aid = {aid};
             SELECT abalance FROM pgbench_accounts WHERE aid = {aid};
             UPDATE pgbench_tellers SET tbalance = tbalance + {delta} WHERE tid = 1;
             INSERT INTO pgbench_history (tid, bid, aid, delta, mtime)
                 VALUES (1, 1, {aid}, {delta}, CURRENT_TIMESTAMP);
             END"
        )
    };
    s.plans.clear();
    s.execute(&transaction(1, -5)).unwrap();
    let plans = s.plans.len();
    assert_eq!(plans, 4);
    let results = s.execute(&transaction(2, 7)).unwrap();
    assert_eq!(results[2].rows, vec![vec![Value::Int4(7)]]);
    s.execute(&transaction(1, 3000)).unwrap();
    assert_eq!(s.plans.len(), plans);
    assert_eq!(
        rows(&mut s, "SELECT sum(abalance) FROM pgbench_accounts"),
        vec![vec![Value::Int8(3002)]]
    );
    assert_eq!(
        rows(&mut s, "SELECT count(*), sum(delta) FROM pgbench_history"),
        vec![vec![Value::Int8(3), Value::Int8(3002)]]
    );
}
