//! DROP with dependencies, TRUNCATE with foreign keys.

use super::{assert_error, Session};

fn view(s: &mut Session, sql: &str, on: &[&str]) {
    let deps = on.iter().map(|n| s.table(n).oid).collect();
    s.fake.shape = crate::ddl::QueryShape {
        columns: vec![("a".into(), crate::types::DataType::Int4)],
        depends_on: deps,
    };
    assert_eq!(s.ok(sql), "CREATE VIEW");
}

#[test]
fn drop_missing_and_wrong_kinds() {
    let mut s = Session::new();
    let cases: &[(&str, &str, &str)] = &[
        (
            "drop index nosuch",
            "42704",
            "index \"nosuch\" does not exist",
        ),
        (
            "drop table nosch.nosuch",
            "3F000",
            "schema \"nosch\" does not exist",
        ),
        (
            "drop table nosuch",
            "42P01",
            "table \"nosuch\" does not exist",
        ),
        (
            "drop view nosuch",
            "42P01",
            "view \"nosuch\" does not exist",
        ),
        (
            "drop sequence nosuch",
            "42P01",
            "sequence \"nosuch\" does not exist",
        ),
        (
            "drop schema nosuch",
            "3F000",
            "schema \"nosuch\" does not exist",
        ),
    ];
    for (sql, code, msg) in cases {
        assert_error(&s.err(sql), code, msg, None, None);
    }
    let o = s.run("drop table if exists nosuch, i2").unwrap();
    assert_eq!(o.tag, "DROP TABLE");
    let msgs: Vec<&str> = o.notices.iter().map(|n| n.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "table \"nosuch\" does not exist, skipping",
            "table \"i2\" does not exist, skipping"
        ]
    );
    let o = s.run("drop index if exists nosch.nosuch").unwrap();
    assert_eq!(
        o.notices[0].message,
        "schema \"nosch\" does not exist, skipping"
    );
    s.ok("create table i (a int)");
    view(&mut s, "create view v as select a from i", &["i"]);
    s.ok("create sequence q");
    let e = s.err("drop table v");
    assert_error(
        &e,
        "42809",
        "\"v\" is not a table",
        None,
        Some("Use DROP VIEW to remove a view."),
    );
    let e = s.err("drop view i");
    assert_error(
        &e,
        "42809",
        "\"i\" is not a view",
        None,
        Some("Use DROP TABLE to remove a table."),
    );
    let e = s.err("drop index i");
    assert_error(
        &e,
        "42809",
        "\"i\" is not an index",
        None,
        Some("Use DROP TABLE to remove a table."),
    );
    let e = s.err("drop sequence i");
    assert_error(
        &e,
        "42809",
        "\"i\" is not a sequence",
        None,
        Some("Use DROP TABLE to remove a table."),
    );
    let e = s.err("drop table q");
    assert_error(
        &e,
        "42809",
        "\"q\" is not a table",
        None,
        Some("Use DROP SEQUENCE to remove a sequence."),
    );
    let e = s.err("drop table i");
    assert_error(
        &e,
        "2BP01",
        "cannot drop table i because other objects depend on it",
        Some("view v depends on table i"),
        Some("Use DROP ... CASCADE to drop the dependent objects too."),
    );
    let o = s.run("drop table i cascade").unwrap();
    assert_eq!(o.notices[0].message, "drop cascades to view v");
    assert!(!s.exists("v") && !s.exists("i"));
}

#[test]
fn drop_cascade_lists_views_and_drops_foreign_keys() {
    let mut s = Session::new();
    s.ok("create table p (a int primary key)");
    view(&mut s, "create view pv as select * from p", &["p"]);
    view(&mut s, "create view pvv as select * from pv", &["pv"]);
    let e = s.err("drop table p");
    assert_error(
        &e,
        "2BP01",
        "cannot drop table p because other objects depend on it",
        Some("view pv depends on table p\nview pvv depends on view pv"),
        Some("Use DROP ... CASCADE to drop the dependent objects too."),
    );
    let o = s.run("drop table p cascade").unwrap();
    assert_eq!(o.notices[0].message, "drop cascades to 2 other objects");
    assert_eq!(
        o.notices[0].detail.as_deref(),
        Some("drop cascades to view pv\ndrop cascades to view pvv")
    );
    s.ok("create table p (a int primary key)");
    s.ok("create table c3 (x int references p)");
    assert_eq!(s.ok("drop table p, c3"), "DROP TABLE");
    s.ok("create table p (a int primary key)");
    s.ok("create table c3 (x int references p)");
    let o = s.run("drop table p cascade").unwrap();
    assert_eq!(
        o.notices[0].message,
        "drop cascades to constraint c3_x_fkey on table c3"
    );
    assert!(s.exists("c3") && s.constraint_names("c3").is_empty());
}

#[test]
fn drop_sequence_used_by_a_default() {
    let mut s = Session::new();
    s.ok("create sequence q2");
    s.ok("create table ds (a int default nextval('q2'))");
    let e = s.err("drop sequence q2");
    assert_error(
        &e,
        "2BP01",
        "cannot drop sequence q2 because other objects depend on it",
        Some("default value for column a of table ds depends on sequence q2"),
        Some("Use DROP ... CASCADE to drop the dependent objects too."),
    );
    let o = s.run("drop sequence q2 cascade").unwrap();
    assert_eq!(
        o.notices[0].message,
        "drop cascades to default value for column a of table ds"
    );
    assert_eq!(s.table("ds").columns[0].default, None);
    s.ok("create table sr (a serial)");
    let e = s.err("drop sequence sr_a_seq");
    assert_eq!(
        e.detail(),
        Some("default value for column a of table sr depends on sequence sr_a_seq")
    );
    s.ok("drop table sr");
    assert!(!s.exists("sr_a_seq"));
    s.ok("create table pk (a int primary key)");
    let e = s.err("drop index pk_pkey");
    assert_error(
        &e,
        "2BP01",
        "cannot drop index pk_pkey because constraint pk_pkey on table pk requires it",
        None,
        Some("You can drop constraint pk_pkey on table pk instead."),
    );
    s.ok("create index on pk (a)");
    assert_eq!(s.ok("drop index pk_a_idx"), "DROP INDEX");
    assert_eq!(s.index_names("pk"), ["pk_pkey"]);
}

#[test]
fn drop_schema_restrict_and_cascade() {
    let mut s = Session::new();
    assert_eq!(s.ok("create schema s1"), "CREATE SCHEMA");
    assert_error(
        &s.err("create schema s1"),
        "42P06",
        "schema \"s1\" already exists",
        None,
        None,
    );
    let o = s.run("create schema if not exists s1").unwrap();
    assert_eq!(
        (o.notices[0].code.as_str(), o.notices[0].message.as_str()),
        ("42P06", "schema \"s1\" already exists, skipping")
    );
    s.ok("create table s1.t (a serial)");
    assert_eq!(
        s.catalog
            .lookup_table(Some("s1"), "t", &s.path)
            .unwrap()
            .columns[0]
            .default
            .as_deref(),
        Some("nextval('s1.t_a_seq'::regclass)")
    );
    let t = s
        .catalog
        .lookup_table(Some("s1"), "t", &s.path)
        .unwrap()
        .oid;
    s.fake.shape = crate::ddl::QueryShape {
        columns: vec![("a".into(), crate::types::DataType::Int4)],
        depends_on: vec![t],
    };
    s.ok("create view s1.v as select * from s1.t");
    s.ok("create sequence s1.q");
    s.ok("create index on s1.t(a)");
    let e = s.err("drop schema s1 restrict");
    assert_error(
        &e,
        "2BP01",
        "cannot drop schema s1 because other objects depend on it",
        Some("table s1.t depends on schema s1\nview s1.v depends on schema s1\nsequence s1.q depends on schema s1"),
        Some("Use DROP ... CASCADE to drop the dependent objects too."),
    );
    let o = s.run("drop schema if exists nosuch").unwrap();
    assert_eq!(
        o.notices[0].message,
        "schema \"nosuch\" does not exist, skipping"
    );
    let o = s.run("drop schema s1 cascade").unwrap();
    assert_eq!(o.tag, "DROP SCHEMA");
    assert_eq!(o.notices[0].message, "drop cascades to 3 other objects");
    assert_eq!(
        o.notices[0].detail.as_deref(),
        Some("drop cascades to table s1.t\ndrop cascades to view s1.v\ndrop cascades to sequence s1.q")
    );
    assert!(s.catalog.schema_named("s1").is_none());
    assert_eq!(s.catalog.sequences().count(), 0);
}

#[test]
fn truncate_follows_foreign_keys() {
    let mut s = Session::new();
    s.ok("create table pp (a serial primary key)");
    s.ok("create table cc (x int references pp)");
    s.insert("pp", vec![crate::types::Value::Int4(1)]);
    s.insert("cc", vec![crate::types::Value::Int4(1)]);
    let e = s.err("truncate pp");
    assert_error(
        &e,
        "0A000",
        "cannot truncate a table referenced in a foreign key constraint",
        Some("Table \"cc\" references \"pp\"."),
        Some("Truncate table \"cc\" at the same time, or use TRUNCATE ... CASCADE."),
    );
    assert_eq!(s.rows("pp").len(), 1);
    let o = s.run("truncate pp cascade").unwrap();
    assert_eq!(o.tag, "TRUNCATE TABLE");
    assert_eq!(o.notices[0].message, "truncate cascades to table \"cc\"");
    assert!(s.rows("pp").is_empty() && s.rows("cc").is_empty());
    s.ok("truncate pp, cc restart identity");
    assert_error(
        &s.err("truncate nosuch"),
        "42P01",
        "relation \"nosuch\" does not exist",
        None,
        None,
    );
    s.ok("create sequence sq");
    assert_error(
        &s.err("truncate sq"),
        "42809",
        "\"sq\" is not a table",
        None,
        None,
    );
}
