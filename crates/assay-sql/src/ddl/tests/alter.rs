//! ALTER TABLE actions, with rows in the table.

use super::{assert_error, Session};
use crate::types::{DataType, Value};

fn setup() -> Session {
    let mut s = Session::new();
    s.ok("create table a (id int primary key, x int, y text)");
    s.insert("a", vec![Value::Int4(1), Value::Null, Value::text("q")]);
    s.insert("a", vec![Value::Int4(2), Value::Int4(5), Value::Null]);
    s
}

#[test]
fn add_column_fills_defaults_and_checks_not_null() {
    let mut s = setup();
    assert_eq!(
        s.ok("alter table a add column z int default 7 not null"),
        "ALTER TABLE"
    );
    let rows = s.rows("a");
    assert_eq!(rows[0][3], Value::Int4(7));
    assert_eq!(rows[1][3], Value::Int4(7));
    assert!(s.table("a").columns[3].not_null);
    assert_error(
        &s.err("alter table a add column z int"),
        "42701",
        "column \"z\" of relation \"a\" already exists",
        None,
        None,
    );
    let o = s
        .run("alter table a add column if not exists z int")
        .unwrap();
    assert_eq!(
        o.notices[0].message,
        "column \"z\" of relation \"a\" already exists, skipping"
    );
    assert_eq!(o.notices[0].code.as_str(), "42701");
    assert_error(
        &s.err("alter table a add column w int not null"),
        "23502",
        "column \"w\" of relation \"a\" contains null values",
        None,
        None,
    );
    assert!(s.table("a").column_index("w").is_none());
    s.ok("alter table a add column n serial");
    let rows = s.rows("a");
    assert_eq!(
        (rows[0][4].clone(), rows[1][4].clone()),
        (Value::Int8(1), Value::Int8(2))
    );
    assert!(s.exists("a_n_seq"));
}

#[test]
fn alter_column_and_constraint_errors() {
    let mut s = setup();
    let cases: &[(&str, &str, &str)] = &[
        (
            "alter table a drop column nosuch",
            "42703",
            "column \"nosuch\" of relation \"a\" does not exist",
        ),
        (
            "alter table a rename column nosuch to k",
            "42703",
            "column \"nosuch\" does not exist",
        ),
        (
            "alter table a rename column x to y",
            "42701",
            "column \"y\" of relation \"a\" already exists",
        ),
        (
            "alter table a alter column x set not null",
            "23502",
            "column \"x\" of relation \"a\" contains null values",
        ),
        (
            "alter table a alter column nosuch set not null",
            "42703",
            "column \"nosuch\" of relation \"a\" does not exist",
        ),
        (
            "alter table a alter column id drop not null",
            "42P16",
            "column \"id\" is in a primary key",
        ),
        (
            "alter table a add constraint ck check (x > 10)",
            "23514",
            "check constraint \"ck\" of relation \"a\" is violated by some row",
        ),
        (
            "alter table a add check (x > 10)",
            "23514",
            "check constraint \"a_x_check\" of relation \"a\" is violated by some row",
        ),
        (
            "alter table a add primary key (x)",
            "42P16",
            "multiple primary keys for table \"a\" are not allowed",
        ),
        (
            "alter table a drop constraint nosuch",
            "42704",
            "constraint \"nosuch\" of relation \"a\" does not exist",
        ),
        (
            "alter table nosuch add column q int",
            "42P01",
            "relation \"nosuch\" does not exist",
        ),
        (
            "alter table a rename to a",
            "42P07",
            "relation \"a\" already exists",
        ),
        (
            "alter table a rename constraint nosuch to k",
            "42704",
            "constraint \"nosuch\" for table \"a\" does not exist",
        ),
    ];
    for (sql, code, msg) in cases {
        assert_error(&s.err(sql), code, msg, None, None);
    }
    s.ok("alter table a add constraint ck check (x > 1)");
    assert_error(
        &s.err("alter table a add constraint ck check (x > 0)"),
        "42710",
        "constraint \"ck\" for relation \"a\" already exists",
        None,
        None,
    );
    assert_error(
        &s.err("alter table a add constraint ck unique (y)"),
        "42710",
        "constraint \"ck\" for relation \"a\" already exists",
        None,
        None,
    );
    let o = s.run("alter table a drop column if exists nosuch").unwrap();
    assert_eq!(
        o.notices[0].message,
        "column \"nosuch\" of relation \"a\" does not exist, skipping"
    );
    let o = s
        .run("alter table a drop constraint if exists nosuch")
        .unwrap();
    assert_eq!(
        o.notices[0].message,
        "constraint \"nosuch\" of relation \"a\" does not exist, skipping"
    );
    let o = s
        .run("alter table if exists nosuch add column q int")
        .unwrap();
    assert_eq!(
        o.notices[0].message,
        "relation \"nosuch\" does not exist, skipping"
    );
    let e = s.err("alter table a alter column y type int");
    assert_error(
        &e,
        "42804",
        "column \"y\" cannot be cast automatically to type integer",
        None,
        Some("You might need to specify \"USING y::integer\"."),
    );
}

#[test]
fn alter_type_rewrites_rows() {
    let mut s = setup();
    s.ok("alter table a alter column y type int using length(y)");
    assert_eq!(s.table("a").columns[2].ty, DataType::Int4);
    let rows = s.rows("a");
    assert_eq!(
        (rows[0][2].clone(), rows[1][2].clone()),
        (Value::Int4(1), Value::Null)
    );
    s.ok("alter table a alter column x type bigint");
    assert_eq!(s.rows("a")[1][1], Value::Int8(5));
    s.ok("alter table a alter column x set default 3");
    assert_eq!(s.table("a").columns[1].default.as_deref(), Some("3"));
    s.ok("alter table a alter column x drop default");
    assert_eq!(s.table("a").columns[1].default, None);
}

#[test]
fn renames_and_drops_follow_dependencies() {
    let mut s = setup();
    s.ok("alter table a add constraint xpos check (x > 0), add unique (x)");
    s.ok("alter table a rename column x to x2");
    let t = s.table("a");
    assert_eq!(
        t.constraint("xpos").map(|c| c.kind.clone()),
        Some(crate::catalog::ConstraintKind::Check {
            sql: "x2 > 0".into()
        })
    );
    s.ok("alter table a rename constraint a_x_key to a_u");
    assert_eq!(s.index_names("a"), ["a_pkey", "a_u"]);
    s.ok("alter table a drop column x2");
    assert_eq!(s.constraint_names("a"), ["a_pkey"]);
    s.ok("create table b (q int references a)");
    let e = s.err("alter table a drop constraint a_pkey");
    assert_error(
        &e,
        "2BP01",
        "cannot drop constraint a_pkey on table a because other objects depend on it",
        Some("constraint b_q_fkey on table b depends on index a_pkey"),
        Some("Use DROP ... CASCADE to drop the dependent objects too."),
    );
    let o = s
        .run("alter table a drop constraint a_pkey cascade")
        .unwrap();
    assert_eq!(
        o.notices[0].message,
        "drop cascades to constraint b_q_fkey on table b"
    );
    assert!(s.constraint_names("b").is_empty());
    s.ok("alter table a drop column id");
    assert_eq!(s.rows("a").len(), 2);
    s.ok("alter table a rename to a2");
    assert!(s.exists("a2") && !s.exists("a"));
}

#[test]
fn foreign_key_added_later_checks_rows() {
    let mut s = setup();
    s.ok("create table c (r int)");
    s.insert("c", vec![Value::Int4(1)]);
    s.insert("c", vec![Value::Int4(9)]);
    let e = s.err("alter table c add foreign key (r) references a");
    assert_error(
        &e,
        "23503",
        "insert or update on table \"c\" violates foreign key constraint \"c_r_fkey\"",
        Some("Key (r)=(9) is not present in table \"a\"."),
        None,
    );
}
