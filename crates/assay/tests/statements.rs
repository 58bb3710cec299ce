//! Running statements: execute, query helpers, prepared statements,
//! constraint errors.

use assay::{params, Database};

#[test]
fn constraint_errors_carry_sqlstate_and_detail() {
    let conn = Database::open_in_memory().unwrap().connect();
    conn.execute_batch(
        "CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL, age int CHECK (age >= 0))",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO users VALUES ($1, $2, $3)",
        params![1, "a@example.com", 30],
    )
    .unwrap();
    let e = conn
        .execute(
            "INSERT INTO users VALUES ($1, $2, $3)",
            params![2, "a@example.com", 31],
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "23505");
    assert_eq!(
        e.message(),
        "duplicate key value violates unique constraint \"users_email_key\""
    );
    assert_eq!(
        e.detail(),
        Some("Key (email)=(a@example.com) already exists.")
    );
    let e = conn
        .execute(
            "INSERT INTO users VALUES ($1, $2, $3)",
            params![3, None::<String>, 1],
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "23502");
    let e = conn
        .execute(
            "INSERT INTO users VALUES ($1, $2, $3)",
            params![4, "b@x", -1],
        )
        .unwrap_err();
    assert_eq!(e.code().as_str(), "23514");
    let n: i64 = conn
        .query_one("SELECT count(*) FROM users", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn execute_counts_rows_affected() {
    let conn = Database::open_in_memory().unwrap().connect();
    assert_eq!(conn.execute("CREATE TABLE t (x int)", &[]).unwrap(), 0);
    assert_eq!(
        conn.execute("INSERT INTO t SELECT generate_series(1, 10)", &[])
            .unwrap(),
        10
    );
    assert_eq!(
        conn.execute("UPDATE t SET x = x + 1 WHERE x > $1", params![7])
            .unwrap(),
        3
    );
    assert_eq!(
        conn.execute("DELETE FROM t WHERE x <= $1", params![2])
            .unwrap(),
        2
    );
    let returned = conn
        .query("DELETE FROM t WHERE x > $1 RETURNING x", params![9])
        .unwrap()
        .map_rows(|r| r.get::<i32>("x"))
        .unwrap();
    assert_eq!(returned, vec![10, 11]);
}

#[test]
fn one_statement_at_a_time_outside_execute_batch() {
    let conn = Database::open_in_memory().unwrap().connect();
    let e = conn.execute("SELECT 1; SELECT 2", &[]).unwrap_err();
    assert_eq!(e.code().as_str(), "42601");
    assert_eq!(
        e.message(),
        "cannot insert multiple commands into a prepared statement"
    );
    assert_eq!(
        conn.execute("  ", &[]).unwrap_err().code().as_str(),
        "42601"
    );
    assert_eq!(
        conn.prepare("SELEC 1").err().unwrap().code().as_str(),
        "42601"
    );
}

#[test]
fn query_one_opt_and_row_say_when_rows_are_missing() {
    let conn = Database::open_in_memory().unwrap().connect();
    conn.execute_batch("CREATE TABLE t (x int); INSERT INTO t VALUES (1), (2)")
        .unwrap();
    let e = conn
        .query_one("SELECT x FROM t WHERE x > 5", &[])
        .unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("P0002", "query returned no rows")
    );
    let e = conn.query_one("SELECT x FROM t", &[]).unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("P0003", "query returned more than one row")
    );
    assert!(conn
        .query_opt("SELECT x FROM t WHERE x > 5", &[])
        .unwrap()
        .is_none());
    let first = conn
        .query_row("SELECT x FROM t ORDER BY x DESC", &[], |r| r.get::<i32>(0))
        .unwrap();
    assert_eq!(first, 2);
    let e = conn
        .query_row("SELECT x FROM t WHERE false", &[], |r| r.get::<i32>(0))
        .unwrap_err();
    assert_eq!(e.code().as_str(), "P0002");
}

#[test]
fn a_prepared_statement_runs_a_thousand_times() {
    let conn = Database::open_in_memory().unwrap().connect();
    conn.execute_batch("CREATE TABLE kv (k int PRIMARY KEY, v text NOT NULL)")
        .unwrap();
    conn.transaction(|tx| -> assay::Result<()> {
        let insert = tx.prepare("INSERT INTO kv VALUES ($1, $2)")?;
        assert_eq!(insert.sql(), "INSERT INTO kv VALUES ($1, $2)");
        for k in 0..1000 {
            assert_eq!(insert.execute(params![k, format!("v{k}")])?, 1);
        }
        Ok(())
    })
    .unwrap();
    let lookup = conn.prepare("SELECT v FROM kv WHERE k = $1").unwrap();
    for k in (0..1000).step_by(37) {
        let v: String = lookup.query_one(params![k]).unwrap().get(0).unwrap();
        assert_eq!(v, format!("v{k}"));
    }
    assert!(lookup.query_opt(params![1000]).unwrap().is_none());
    let total: i64 = conn
        .query_one("SELECT sum(k) FROM kv", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(total, 999 * 1000 / 2);
}

#[test]
fn rows_iterate_in_order_with_columns_known_up_front() {
    let conn = Database::open_in_memory().unwrap().connect();
    let mut rows = conn
        .query(
            "SELECT g AS n, g * 2 AS twice FROM generate_series(1, 3) g WHERE g > $1",
            params![5],
        )
        .unwrap();
    assert_eq!(rows.columns().len(), 2);
    assert_eq!(rows.columns()[1].name(), "twice");
    assert!(rows.next().is_none());
    let rows = conn
        .query("SELECT g, g * 2 FROM generate_series(1, 3) g", &[])
        .unwrap();
    let pairs: Vec<(i32, i32)> = rows
        .map(|r| {
            let r = r?;
            Ok((r.get(0)?, r.get(1)?))
        })
        .collect::<assay::Result<_>>()
        .unwrap();
    assert_eq!(pairs, vec![(1, 2), (2, 4), (3, 6)]);
}

#[test]
fn every_referenced_parameter_needs_a_value() {
    let conn = Database::open_in_memory().unwrap().connect();
    let e = conn
        .query("SELECT $1::int + $2::int WHERE false", params![1])
        .unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("42P02", "there is no parameter $2")
    );
    let sum: i32 = conn
        .query_one("SELECT $1::int + $2::int", params![1, 2])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(sum, 3);
}
