//! Sequences, views, CREATE TABLE AS, comments, temporary tables,
//! persistence and rollback.

use super::{assert_error, Session};
use crate::catalog::CommentTarget;
use crate::ddl::QueryShape;
use crate::types::{DataType, Value};

#[test]
fn sequence_options_and_errors() {
    let mut s = Session::new();
    let cases: &[(&str, &str, &str)] = &[
        (
            "create sequence q1 increment 0",
            "22023",
            "INCREMENT must not be zero",
        ),
        (
            "create sequence q1 minvalue 10 maxvalue 5",
            "22023",
            "MINVALUE (10) must be less than MAXVALUE (5)",
        ),
        (
            "create sequence q1 start 100 maxvalue 50",
            "22023",
            "START value (100) cannot be greater than MAXVALUE (50)",
        ),
        (
            "create sequence q1 start 0",
            "22023",
            "START value (0) cannot be less than MINVALUE (1)",
        ),
        (
            "create sequence q1 as text",
            "22023",
            "sequence type must be smallint, integer, or bigint",
        ),
        (
            "create sequence q1 as smallint maxvalue 100000",
            "22023",
            "MAXVALUE (100000) is out of range for sequence data type smallint",
        ),
        (
            "create sequence q1 cache 0",
            "22023",
            "CACHE (0) must be greater than zero",
        ),
        (
            "create sequence q1 increment 1 increment 2",
            "42601",
            "conflicting or redundant options",
        ),
        (
            "create sequence q1 owned by nosuch.a",
            "42P01",
            "relation \"nosuch\" does not exist",
        ),
        (
            "alter sequence nosuch increment 2",
            "42P01",
            "relation \"nosuch\" does not exist",
        ),
    ];
    for (sql, code, msg) in cases {
        assert_error(&s.err(sql), code, msg, None, None);
    }
    let e = s.err("create sequence q1 owned by a");
    assert_error(
        &e,
        "42601",
        "invalid OWNED BY option",
        None,
        Some("Specify OWNED BY table.column or OWNED BY NONE."),
    );
    assert_eq!(s.ok("create sequence q1"), "CREATE SEQUENCE");
    assert_error(
        &s.err("create sequence q1"),
        "42P07",
        "relation \"q1\" already exists",
        None,
        None,
    );
    let o = s.run("create sequence if not exists q1").unwrap();
    assert_eq!(
        o.notices[0].message,
        "relation \"q1\" already exists, skipping"
    );
    assert_eq!(
        s.ok("alter sequence q1 increment 5 restart with 3"),
        "ALTER SEQUENCE"
    );
    let o = s
        .run("alter sequence if exists nosuch increment 2")
        .unwrap();
    assert_eq!(
        o.notices[0].message,
        "relation \"nosuch\" does not exist, skipping"
    );
    assert_error(
        &s.err("alter sequence q1 start 0"),
        "22023",
        "START value (0) cannot be less than MINVALUE (1)",
        None,
        None,
    );
    s.ok("create table ot (a int)");
    s.ok("alter sequence q1 owned by ot.a");
    assert_error(
        &s.err("alter sequence q1 owned by ot.zz"),
        "42703",
        "column \"zz\" of relation \"ot\" does not exist",
        None,
        None,
    );
    let q = s
        .catalog
        .lookup_sequence(None, "q1", &s.path)
        .unwrap()
        .clone();
    assert_eq!((q.increment, q.owned_by.map(|o| o.1)), (5, Some(0)));
    s.ok("drop table ot");
    assert!(!s.exists("q1"), "an owned sequence goes with its table");
    s.ok("create sequence d as smallint increment -2 cycle");
    let q = s.catalog.lookup_sequence(None, "d", &s.path).unwrap();
    assert_eq!((q.min, q.max, q.start, q.cycle), (-32768, -1, -1, true));
}

#[test]
fn views_and_replacement() {
    let mut s = Session::new();
    let shape = |cols: &[(&str, DataType)]| QueryShape {
        columns: cols
            .iter()
            .map(|(n, t)| (n.to_string(), t.clone()))
            .collect(),
        depends_on: vec![],
    };
    s.fake.shape = shape(&[("x", DataType::Int4)]);
    assert_eq!(s.ok("create view cv as select 1 as x"), "CREATE VIEW");
    s.fake.shape = shape(&[("x", DataType::Int4), ("y", DataType::Int4)]);
    s.ok("create or replace view cv as select 1 as x, 2 as y");
    assert_eq!(s.table("cv").columns.len(), 2);
    s.fake.shape = shape(&[("y", DataType::Int4)]);
    assert_error(
        &s.err("create or replace view cv as select 2 as y"),
        "42P16",
        "cannot drop columns from view",
        None,
        None,
    );
    s.fake.shape = shape(&[("z", DataType::Int4), ("y", DataType::Int4)]);
    assert_error(
        &s.err("create or replace view cv as select 1 as z, 2 as y"),
        "42P16",
        "cannot change name of view column \"x\" to \"z\"",
        None,
        Some("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead."),
    );
    s.fake.shape = shape(&[("x", DataType::Int8), ("y", DataType::Int4)]);
    assert_error(
        &s.err("create or replace view cv as select 1::bigint as x, 2 as y"),
        "42P16",
        "cannot change data type of view column \"x\" from integer to bigint",
        None,
        None,
    );
    assert_error(
        &s.err("create view cv as select 1"),
        "42P07",
        "relation \"cv\" already exists",
        None,
        None,
    );
    s.fake.shape = shape(&[("?column?", DataType::Int4)]);
    assert_error(
        &s.err("create view cv2 (a, b) as select 1"),
        "42601",
        "CREATE VIEW specifies more column names than columns",
        None,
        None,
    );
    s.fake.shape = shape(&[("?column?", DataType::Int4), ("?column?", DataType::Int4)]);
    assert_error(
        &s.err("create view cv3 as select 1, 2"),
        "42701",
        "column \"?column?\" specified more than once",
        None,
        None,
    );
    s.ok("create table sr (a int)");
    s.fake.shape = shape(&[("?column?", DataType::Unknown)]);
    assert_error(
        &s.err("create or replace view sr as select 1"),
        "42809",
        "\"sr\" is not a view",
        None,
        None,
    );
    s.ok("create view uv (u) as select 'x'");
    assert_eq!(s.table("uv").columns[0].ty, DataType::Text);
}

#[test]
fn create_table_as_runs_the_query() {
    let mut s = Session::new();
    s.fake.shape = QueryShape {
        columns: vec![
            ("a".into(), DataType::Int4),
            ("b".into(), DataType::Unknown),
        ],
        depends_on: vec![],
    };
    s.fake.rows = vec![
        vec![Value::Int4(1), Value::text("x")],
        vec![Value::Int4(2), Value::Null],
    ];
    assert_eq!(
        s.ok("create table ct as select 1 as a, 'x' as b"),
        "SELECT 2"
    );
    assert_eq!(s.rows("ct").len(), 2);
    assert_eq!(s.table("ct").columns[1].ty, DataType::Text);
    assert_eq!(
        s.ok("create table ct2 as select 1, 2 with no data"),
        "CREATE TABLE AS"
    );
    assert!(s.rows("ct2").is_empty());
    assert_eq!(s.table("ct2").columns[0].name, "a");
    let o = s.run("create table if not exists ct as select 1").unwrap();
    assert_eq!(
        o.notices[0].message,
        "relation \"ct\" already exists, skipping"
    );
}

#[test]
fn comments() {
    let mut s = Session::new();
    s.ok("create table sr (a serial)");
    assert_eq!(s.ok("comment on table sr is 'hello'"), "COMMENT");
    s.ok("comment on column sr.a is 'col'");
    let oid = s.table("sr").oid;
    assert_eq!(
        s.catalog.comment(CommentTarget { oid, sub: 0 }),
        Some("hello")
    );
    assert_eq!(
        s.catalog.comment(CommentTarget { oid, sub: 1 }),
        Some("col")
    );
    s.ok("comment on table sr is null");
    assert_eq!(s.catalog.comment(CommentTarget { oid, sub: 0 }), None);
    let cases: &[(&str, &str, &str)] = &[
        (
            "comment on column sr.zz is 'col'",
            "42703",
            "column \"zz\" of relation \"sr\" does not exist",
        ),
        (
            "comment on table nosuch is 'x'",
            "42P01",
            "relation \"nosuch\" does not exist",
        ),
        (
            "comment on index nosuch is 'x'",
            "42P01",
            "relation \"nosuch\" does not exist",
        ),
        (
            "comment on sequence sr is 'x'",
            "42809",
            "\"sr\" is not a sequence",
        ),
        (
            "comment on schema nosuch is 'x'",
            "3F000",
            "schema \"nosuch\" does not exist",
        ),
        ("comment on view sr is 'x'", "42809", "\"sr\" is not a view"),
    ];
    for (sql, code, msg) in cases {
        assert_error(&s.err(sql), code, msg, None, None);
    }
    s.ok("comment on sequence sr_a_seq is 'seq'");
    s.ok("comment on schema public is 'pub'");
}

#[test]
fn temporary_tables_live_in_pg_temp_n() {
    let mut s = Session::new();
    s.ok("create temp table tt (a int)");
    let schema = s
        .catalog
        .schema_named("pg_temp_3")
        .expect("temp schema")
        .oid;
    assert_eq!(s.path.temp_schema, Some(schema));
    let t = s.table("tt");
    assert!(t.temp);
    assert_eq!(t.schema, schema);
    s.fake.shape = QueryShape {
        columns: vec![("a".into(), DataType::Int4)],
        depends_on: vec![t.oid],
    };
    let o = s.run("create view pv as select * from tt").unwrap();
    assert_eq!(o.notices[0].message, "view \"pv\" will be a temporary view");
    assert_eq!(s.table("pv").schema, schema);
    s.ok("create temp sequence ts");
    s.ok("create table pg_temp.x (a int)");
    assert_eq!(s.table("x").schema, schema);
    let txn = s.txn.as_mut().unwrap();
    crate::ddl::drop_temp_schema(&mut s.catalog, txn, &mut s.path).unwrap();
    assert!(s.catalog.schema_named("pg_temp_3").is_none());
    assert!(!s.exists("tt") && !s.exists("ts") && s.path.temp_schema.is_none());
}

#[test]
fn ddl_persists_and_rolls_back() {
    let mut s = Session::new();
    s.ok("create table keep (id serial primary key, v text unique)");
    s.commit();
    s.ok("create table gone (a int)");
    s.ok("alter table keep add column w int");
    s.ok("drop table keep cascade");
    s.rollback();
    assert!(!s.exists("gone"));
    assert_eq!(s.table("keep").columns.len(), 2);
    let vfs = s.vfs.clone();
    drop(s);
    let s = Session::open(vfs);
    let t = s.table("keep");
    assert_eq!(s.index_names("keep"), ["keep_pkey", "keep_v_key"]);
    assert_eq!(
        t.columns[0].default.as_deref(),
        Some("nextval('keep_id_seq'::regclass)")
    );
    assert!(s.exists("keep_id_seq"));
}

#[test]
fn failed_statement_changes_nothing() {
    let mut s = Session::new();
    s.ok("create table p2 (a int primary key)");
    // The table and its serial sequence are created before the foreign
    // key fails; the statement's savepoint takes them back.
    s.err("create table c (id serial, x text references p2)");
    assert!(!s.exists("c") && !s.exists("c_id_seq"));
    let v = s.catalog.version();
    s.commit();
    let vfs = s.vfs.clone();
    drop(s);
    let s2 = Session::open(vfs);
    assert!(!s2.exists("c"));
    assert_eq!(s2.catalog.version(), v);
}
