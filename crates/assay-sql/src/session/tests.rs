//! Session behaviour that does not need the executor: transaction blocks,
//! savepoints, failure states and settings, as PostgreSQL behaves.

use super::*;

fn session() -> Session {
    Engine::open_memory().unwrap().session()
}

fn tags(results: &[StatementResult]) -> Vec<&str> {
    results.iter().map(|r| r.tag.as_str()).collect()
}

#[test]
fn transaction_statements_and_status() {
    let mut s = session();
    assert_eq!(s.transaction_status(), 'I');
    let r = s
        .execute("BEGIN; SAVEPOINT a; RELEASE a; SAVEPOINT b; ROLLBACK TO b")
        .unwrap();
    assert_eq!(
        tags(&r),
        vec!["BEGIN", "SAVEPOINT", "RELEASE", "SAVEPOINT", "ROLLBACK"]
    );
    assert_eq!(s.transaction_status(), 'T');
    let r = s.execute("BEGIN").unwrap();
    assert_eq!(
        r[0].notices[0].message,
        "there is already a transaction in progress"
    );
    assert_eq!(tags(&s.execute("COMMIT").unwrap()), vec!["COMMIT"]);
    let r = s.execute("COMMIT").unwrap();
    assert_eq!(
        r[0].notices[0].message,
        "there is no transaction in progress"
    );
}

#[test]
fn savepoints_outside_blocks_and_unknown_names_fail() {
    let mut s = session();
    let e = s.execute("SAVEPOINT a").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("25P01", "SAVEPOINT can only be used in transaction blocks")
    );
    s.execute("BEGIN").unwrap();
    let e = s.execute("ROLLBACK TO nope").unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("3B001", "savepoint \"nope\" does not exist")
    );
    assert_eq!(s.transaction_status(), 'E');
}

#[test]
fn a_failed_block_refuses_statements_until_rollback() {
    let mut s = session();
    s.execute("BEGIN; SAVEPOINT a").unwrap();
    assert!(s.execute("SET nosuch = 1").is_err() || s.execute("SHOW nosuch").is_err());
    // SET failures do not poison the block in this test; force one that does.
    assert!(s.execute("SELECT * FROM nowhere").is_err());
    assert_eq!(s.transaction_status(), 'E');
    let e = s.execute("SHOW TimeZone").unwrap_err();
    assert_eq!(e.code().as_str(), "25P02");
    assert_eq!(tags(&s.execute("ROLLBACK TO a").unwrap()), vec!["ROLLBACK"]);
    assert_eq!(s.transaction_status(), 'T');
    assert!(s.execute("SELECT * FROM nowhere").is_err());
    assert_eq!(tags(&s.execute("COMMIT").unwrap()), vec!["ROLLBACK"]);
    assert_eq!(s.transaction_status(), 'I');
}

#[test]
fn set_show_and_rollback_of_settings() {
    let mut s = session();
    s.execute("SET extra_float_digits = 2").unwrap();
    let r = s.execute("SHOW extra_float_digits").unwrap();
    assert_eq!(r[0].columns[0].name, "extra_float_digits");
    assert_eq!(r[0].rows[0][0], Value::Text("2".into()));
    s.execute("BEGIN; SET TIME ZONE 'Europe/Paris'; ROLLBACK")
        .unwrap();
    let r = s.execute("SHOW timezone").unwrap();
    assert_eq!(r[0].columns[0].name, "TimeZone");
    assert_eq!(r[0].rows[0][0], Value::Text("UTC".into()));
    let e = s.execute("SHOW nosuch").unwrap_err();
    assert_eq!(
        e.message(),
        "unrecognized configuration parameter \"nosuch\""
    );
}

#[test]
fn parameters_bind_inside_an_implicit_transaction() {
    let mut s = session();
    s.execute("CREATE TABLE p (d date, n numeric(5,2), v varchar(2))")
        .unwrap();
    let insert = &parser::parse("INSERT INTO p VALUES ($1, $2, $3)").unwrap()[0];
    let params = [
        Value::text("2024-01-02"),
        Value::text("1.005"),
        Value::text("ab"),
    ];
    let r = s.execute_with_params(insert, &[], &params).unwrap();
    assert_eq!(r.tag, "INSERT 0 1");
    assert_eq!(s.transaction_status(), 'I');
    // Text parameters are read with the inferred type and its typmod.
    let select = &parser::parse("SELECT d, n::text FROM p WHERE v = $1").unwrap()[0];
    let r = s
        .execute_with_params(select, &[], &[Value::text("ab")])
        .unwrap();
    assert_eq!(r.rows, vec![vec![Value::Date(8767), Value::text("1.01")]]);
    let too_long = [Value::Null, Value::Null, Value::text("abc")];
    let e = s.execute_with_params(insert, &[], &too_long).unwrap_err();
    assert_eq!(e.code().as_str(), "22001");
    let e = s
        .execute_with_params(insert, &[], &params[..2])
        .unwrap_err();
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("42P02", "there is no parameter $3")
    );
}

#[test]
fn object_name_parameters_are_looked_up() {
    // SQLAlchemy's reflection sends `CAST($1 AS REGCLASS)` with a name.
    let mut s = session();
    s.execute("CREATE TABLE named (x int)").unwrap();
    let select = &parser::parse(
        "SELECT CAST($1 AS regclass)::oid = 'named'::regclass::oid, $2::regclass::oid",
    )
    .unwrap()[0];
    let params = [
        Value::text("public.named"),
        Value::text("pg_catalog.pg_constraint"),
    ];
    let r = s.execute_with_params(select, &[], &params).unwrap();
    assert_eq!(r.rows, vec![vec![Value::Bool(true), Value::Int8(2606)]]);
    let e = s
        .execute_with_params(select, &[], &[Value::text("nope"), Value::text("pg_class")])
        .unwrap_err();
    assert_eq!(e.code().as_str(), "42P01");
}

#[test]
fn cached_plans_follow_ddl_and_search_path() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        .unwrap();
    let q = "SELECT * FROM t";
    assert_eq!(s.execute(q).unwrap()[0].columns.len(), 1);
    s.execute("ALTER TABLE t ADD COLUMN b int").unwrap();
    let r = s.execute(q).unwrap();
    assert_eq!(r[0].columns.len(), 2, "a stale plan survived ALTER TABLE");
    s.execute(
        "CREATE SCHEMA other; CREATE TABLE other.t (x text); INSERT INTO other.t VALUES ('o')",
    )
    .unwrap();
    s.execute("SET search_path = other, public").unwrap();
    let r = s.execute(q).unwrap();
    assert_eq!(
        r[0].rows[0][0],
        Value::Text("o".into()),
        "a stale plan ignored search_path"
    );
    s.execute("DROP TABLE other.t").unwrap();
    let r = s.execute(q).unwrap();
    assert_eq!(r[0].rows[0][0], Value::Int4(1));
}

#[test]
fn prepared_statements_find_their_plans_by_address_while_they_hold() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2)")
        .unwrap();
    let parse = |sql: &str| std::sync::Arc::new(crate::parser::parse(sql).unwrap().remove(0));
    let q = parse("SELECT a FROM t WHERE a = $1");
    let one = s.run_prepared(&q, &[Value::Int4(1)]).unwrap();
    assert_eq!(one.rows, vec![vec![Value::Int4(1)]]);
    assert_eq!(s.plans.shared_len(), 1);
    // Found by address: the same plan with another value.
    let two = s.run_prepared(&q, &[Value::Int4(2)]).unwrap();
    assert_eq!(two.rows, vec![vec![Value::Int4(2)]]);
    assert_eq!(s.plans.shared_len(), 1);
    // Another statement of the same text has its own address.
    let other = parse("SELECT a FROM t WHERE a = $1");
    let r = s.run_prepared(&other, &[Value::Int4(2)]).unwrap();
    assert_eq!(r.rows, two.rows);
    assert_eq!(s.plans.shared_len(), 2);
    // A parameter of another type is planned for that type.
    let r = s.run_prepared(&q, &[Value::Int8(1)]).unwrap();
    assert_eq!(r.rows, one.rows);
    // DDL makes the kept plan stale: it is planned again.
    let all = parse("SELECT * FROM t");
    assert_eq!(s.run_prepared(&all, &[]).unwrap().columns.len(), 1);
    s.execute("ALTER TABLE t ADD COLUMN b int").unwrap();
    let r = s.run_prepared(&all, &[]).unwrap();
    assert_eq!(r.columns.len(), 2, "a stale plan survived ALTER TABLE");
    assert!(s.plans.shared.is_none());
    s.execute("DISCARD PLANS").unwrap();
    assert_eq!(s.plans.shared_len(), 0);
}

#[test]
fn analyze_records_statistics_the_optimizer_reads() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int PRIMARY KEY, b int)")
        .unwrap();
    s.execute("INSERT INTO t SELECT g, g % 7 FROM generate_series(1, 500) g")
        .unwrap();
    let oid = s.catalog().tables().find(|t| t.name == "t").unwrap().oid;
    assert!(s.catalog().stats(oid).is_none());
    assert_eq!(s.execute("ANALYZE t").unwrap()[0].tag, "ANALYZE");
    let stats = s
        .catalog()
        .stats(oid)
        .cloned()
        .expect("no statistics after ANALYZE");
    assert_eq!(stats.row_count, 500);
    let e = s.execute("ANALYZE nosuch").unwrap_err();
    assert_eq!(e.code().as_str(), "42P01");
}

#[test]
fn kept_table_metadata_follows_ddl_rollbacks_and_settings() {
    let mut s = session();
    let parsed = crate::parser::parse("INSERT INTO t (a) VALUES ($1)").unwrap();
    let insert = &parsed[0];
    let run = |s: &mut Session, v: i32| s.run_query(insert, &[Value::Int4(v)]);
    s.execute("CREATE TABLE t (a int, b text DEFAULT 'one'); BEGIN")
        .unwrap();
    run(&mut s, 1).unwrap();
    // A check added in the same transaction applies to the next insert.
    s.execute("ALTER TABLE t ADD CHECK (a < 10)").unwrap();
    let e = run(&mut s, 20).unwrap_err();
    assert_eq!(e.code().as_str(), "23514");
    s.execute("ROLLBACK; BEGIN").unwrap();
    // Rolled back: the check is gone again.
    run(&mut s, 20).unwrap();
    s.execute("ALTER TABLE t ALTER COLUMN b SET DEFAULT 'two'")
        .unwrap();
    run(&mut s, 2).unwrap();
    s.execute("SAVEPOINT x; ALTER TABLE t ALTER COLUMN b SET DEFAULT 'three'; ROLLBACK TO x")
        .unwrap();
    run(&mut s, 3).unwrap();
    let r = s.execute("COMMIT; SELECT a, b FROM t ORDER BY a").unwrap();
    let rows: Vec<String> = r[1].rows.iter().map(|r| format!("{:?}", r)).collect();
    assert_eq!(
        rows,
        [
            "[Int4(2), Text(\"two\")]",
            "[Int4(3), Text(\"two\")]",
            "[Int4(20), Text(\"one\")]"
        ]
    );
}
