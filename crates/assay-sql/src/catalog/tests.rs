//! Catalog persistence, name resolution, DDL errors (texts checked on
//! PostgreSQL 15) and sequences.

use assay_storage::vfs::MemoryVfs;
use assay_storage::{Pager, PagerOptions, SqlState, TxnMode};

use super::*;
use crate::table::{ColumnsOnly, TableStore};
use crate::types::{DataType, Value};

fn col(name: &str, ty: DataType) -> Column {
    Column::new(name, ty)
}

#[test]
fn catalog_survives_reopening() {
    let vfs = MemoryVfs::new();
    let path = SearchPath::default();
    {
        let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
        let mut txn = pager.begin(TxnMode::Deferred).unwrap();
        let mut cat = Catalog::load(&txn).unwrap();
        assert!(cat.is_current(&txn).unwrap());
        let s = cat.create_schema(&mut txn, "sc", false).unwrap();
        let mut c = col("v", DataType::parse("varchar(10)").unwrap());
        c.default = Some("'x'::character varying".into());
        let t = cat
            .create_table(&mut txn, s, "q", vec![col("id", DataType::Int8), c], false)
            .unwrap();
        cat.add_primary_key(&mut txn, t.oid, None, &[0]).unwrap();
        cat.add_unique(&mut txn, t.oid, None, &[1]).unwrap();
        cat.set_comment(
            &mut txn,
            CommentTarget { oid: t.oid, sub: 0 },
            Some("a table"),
        )
        .unwrap();
        let t = cat.table(t.oid).unwrap().clone();
        TableStore::new()
            .insert(&mut txn, &t, &[Value::Int8(7), Value::text("seven")])
            .unwrap();
        cat.create_sequence(
            &mut txn,
            PUBLIC_OID,
            "s",
            &SequenceOptions::default(),
            false,
        )
        .unwrap();
        txn.commit().unwrap();
    }
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let txn = pager.begin(TxnMode::Deferred).unwrap();
    let cat = Catalog::load(&txn).unwrap();
    assert!(cat.is_current(&txn).unwrap());
    let t = cat.lookup_table(Some("sc"), "q", &path).unwrap();
    assert_eq!(t.columns[1].ty, DataType::Varchar(Some(10)));
    assert_eq!(
        t.columns[1].default.as_deref(),
        Some("'x'::character varying")
    );
    assert!(t.columns[0].not_null);
    assert_eq!(t.indexes.len(), 2);
    assert_eq!(
        cat.comment(CommentTarget { oid: t.oid, sub: 0 }),
        Some("a table")
    );
    assert!(matches!(
        cat.resolve(Some("sc"), "q_v_key", &path).unwrap(),
        Some((_, RelRef::Index(..)))
    ));
    let mut out = Vec::new();
    assert!(TableStore::new()
        .get_by_pk(&txn, t, &[Value::Int8(7)], &mut out)
        .unwrap());
    assert_eq!(out[1], Value::text("seven"));
    assert!(cat.lookup_sequence(None, "s", &path).is_ok());
    assert_eq!(
        crate::table::check_table(&txn, t, &mut ColumnsOnly).unwrap(),
        1
    );
}

#[test]
fn stale_copies_are_noticed() {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let txn = pager.begin(TxnMode::Deferred).unwrap();
    let mut a = Catalog::load(&txn).unwrap();
    let b = Catalog::load(&txn).unwrap();
    drop(txn);
    // a's DDL rolled back: a is stale, b is current.
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    a.create_table(&mut txn, PUBLIC_OID, "t", vec![], false)
        .unwrap();
    assert!(a.is_current(&txn).unwrap());
    txn.rollback();
    let txn = pager.begin(TxnMode::Deferred).unwrap();
    assert!(!a.is_current(&txn).unwrap());
    assert!(b.is_current(&txn).unwrap());
    drop(txn);
    // b commits DDL: a (reloaded) sees it, a copy from before does not.
    let mut b = b;
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    b.create_table(&mut txn, PUBLIC_OID, "u", vec![], false)
        .unwrap();
    txn.commit().unwrap();
    let txn = pager.begin(TxnMode::Deferred).unwrap();
    assert!(!a.is_current(&txn).unwrap());
    let a = Catalog::load(&txn).unwrap();
    assert!(a.lookup_table(None, "u", &SearchPath::default()).is_ok());
    assert!(a.lookup_table(None, "t", &SearchPath::default()).is_err());
}

#[test]
fn ddl_errors_match_postgres() {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let mut cat = Catalog::load(&txn).unwrap();
    let path = SearchPath::default();
    let t = cat
        .create_table(
            &mut txn,
            PUBLIC_OID,
            "t",
            vec![col("id", DataType::Int4), col("a", DataType::Int4)],
            false,
        )
        .unwrap();
    cat.add_primary_key(&mut txn, t.oid, None, &[0]).unwrap();
    let e = cat
        .create_table(&mut txn, PUBLIC_OID, "t", vec![], false)
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (SqlState::DUPLICATE_TABLE, "relation \"t\" already exists")
    );
    let e = cat
        .create_table(&mut txn, PUBLIC_OID, "t_pkey", vec![], false)
        .unwrap_err();
    assert_eq!(e.message(), "relation \"t_pkey\" already exists");
    let e = cat.lookup_table(None, "nosuch", &path).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::UNDEFINED_TABLE,
            "relation \"nosuch\" does not exist"
        )
    );
    let e = cat.lookup_table(Some("nosch"), "x", &path).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::INVALID_SCHEMA_NAME,
            "schema \"nosch\" does not exist"
        )
    );
    let e = cat
        .add_column(&mut txn, t.oid, col("a", DataType::Int4))
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::DUPLICATE_COLUMN,
            "column \"a\" of relation \"t\" already exists"
        )
    );
    let e = cat.rename_column(&mut txn, t.oid, "zz", "yy").unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (SqlState::UNDEFINED_COLUMN, "column \"zz\" does not exist")
    );
    let e = cat.drop_column(&mut txn, t.oid, "zz").unwrap_err();
    assert_eq!(
        e.message(),
        "column \"zz\" of relation \"t\" does not exist"
    );
    let e = cat.create_schema(&mut txn, "public", false).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::DUPLICATE_SCHEMA,
            "schema \"public\" already exists"
        )
    );

    // A foreign key and a view depend on t.
    let u = cat
        .create_table(
            &mut txn,
            PUBLIC_OID,
            "u",
            vec![col("id", DataType::Int4), col("c", DataType::Int4)],
            false,
        )
        .unwrap();
    let fk = ForeignKey {
        columns: vec![0],
        ref_table: t.oid,
        ref_columns: vec![0],
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
        match_type: FkMatch::Simple,
    };
    cat.add_constraint(&mut txn, u.oid, None, ConstraintKind::ForeignKey(fk), None)
        .unwrap();
    cat.add_constraint(
        &mut txn,
        u.oid,
        Some("u_c_check"),
        ConstraintKind::Check {
            sql: "c > 0".into(),
        },
        None,
    )
    .unwrap();
    let e = cat
        .add_constraint(
            &mut txn,
            u.oid,
            Some("u_c_check"),
            ConstraintKind::Check {
                sql: "c > 0".into(),
            },
            None,
        )
        .unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::DUPLICATE_OBJECT,
            "constraint \"u_c_check\" for relation \"u\" already exists"
        )
    );
    let e = cat.drop_constraint(&mut txn, u.oid, "nope").unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::UNDEFINED_OBJECT,
            "constraint \"nope\" of relation \"u\" does not exist"
        )
    );
    cat.create_view(
        &mut txn,
        PUBLIC_OID,
        "v",
        vec![col("id", DataType::Int4)],
        "SELECT id FROM t",
        vec![t.oid],
        false,
    )
    .unwrap();
    let e = cat.drop_table(&mut txn, t.oid, false).unwrap_err();
    assert_eq!(e.code(), SqlState::DEPENDENT_OBJECTS_STILL_EXIST);
    assert_eq!(
        e.to_string(),
        "ERROR:  cannot drop table t because other objects depend on it\n\
        DETAIL:  constraint u_id_fkey on table u depends on table t\n\
        view v depends on table t\n\
        HINT:  Use DROP ... CASCADE to drop the dependent objects too."
    );
    let t_idx = cat.table(t.oid).unwrap().primary_index().unwrap().oid;
    let e = cat.drop_index(&mut txn, t.oid, t_idx).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ERROR:  cannot drop index t_pkey because constraint t_pkey on table t requires it\n\
        HINT:  You can drop constraint t_pkey on table t instead."
    );
    let r = cat.drop_table(&mut txn, t.oid, true).unwrap();
    assert_eq!(
        r.cascaded,
        vec!["constraint u_id_fkey on table u", "view v"]
    );
    assert!(cat.lookup_table(None, "v", &path).is_err());
    assert!(cat.table(u.oid).unwrap().constraint("u_id_fkey").is_none());
    assert!(txn.open_tree(b"t.16384").unwrap().is_none());

    let s = cat.create_schema(&mut txn, "sc", false).unwrap();
    cat.create_table(&mut txn, s, "q", vec![], false).unwrap();
    let e = cat.drop_schema(&mut txn, "sc", false).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ERROR:  cannot drop schema sc because other objects depend on it\n\
        DETAIL:  table sc.q depends on schema sc\n\
        HINT:  Use DROP ... CASCADE to drop the dependent objects too."
    );
    cat.drop_schema(&mut txn, "sc", true).unwrap();
    let e = cat.drop_schema(&mut txn, "sc", true).unwrap_err();
    assert_eq!(e.message(), "schema \"sc\" does not exist");
}

#[test]
fn search_path_and_temp_schema() {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let mut cat = Catalog::load(&txn).unwrap();
    let s = cat.create_schema(&mut txn, "app", false).unwrap();
    let tmp = cat.create_schema(&mut txn, "pg_temp_1", true).unwrap();
    cat.create_table(&mut txn, PUBLIC_OID, "x", vec![], false)
        .unwrap();
    let app_x = cat.create_table(&mut txn, s, "x", vec![], false).unwrap();
    let mut path = SearchPath {
        schemas: vec!["app".into(), "public".into()],
        ..SearchPath::default()
    };
    assert_eq!(cat.lookup_table(None, "x", &path).unwrap().oid, app_x.oid);
    assert_eq!(cat.creation_schema(None, &path, false).unwrap(), s);
    path.temp_schema = Some(tmp);
    assert_eq!(cat.creation_schema(None, &path, true).unwrap(), tmp);
    let tx = cat.create_table(&mut txn, tmp, "x", vec![], true).unwrap();
    assert_eq!(cat.lookup_table(None, "x", &path).unwrap().oid, tx.oid);
    assert_eq!(
        cat.lookup_table(Some("pg_temp"), "x", &path).unwrap().oid,
        tx.oid
    );
    cat.drop_schema(&mut txn, "pg_temp_1", true).unwrap();
    path.temp_schema = None;
    assert_eq!(cat.lookup_table(None, "x", &path).unwrap().oid, app_x.oid);
    let none = SearchPath {
        schemas: vec!["nope".into()],
        ..SearchPath::default()
    };
    let e = cat.creation_schema(None, &none, false).unwrap_err();
    assert_eq!(e.message(), "no schema has been selected to create in");
}

#[test]
fn sequences_behave_as_postgres() {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let mut cat = Catalog::load(&txn).unwrap();
    let mut session = SequenceSession::new();
    let opts = SequenceOptions {
        max: Some(Some(2)),
        ..Default::default()
    };
    let s = cat
        .create_sequence(&mut txn, PUBLIC_OID, "s", &opts, false)
        .unwrap();
    let e = session.currval(&s).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "currval of sequence \"s\" is not yet defined in this session"
        )
    );
    assert_eq!(
        session.lastval().unwrap_err().message(),
        "lastval is not yet defined in this session"
    );
    assert_eq!(session.nextval(&mut txn, &s).unwrap(), 1);
    assert_eq!(session.nextval(&mut txn, &s).unwrap(), 2);
    let e = session.nextval(&mut txn, &s).unwrap_err();
    assert_eq!(
        (e.code(), e.message()),
        (
            SqlState::SEQUENCE_GENERATOR_LIMIT_EXCEEDED,
            "nextval: reached maximum value of sequence \"s\" (2)"
        )
    );
    assert_eq!(session.currval(&s).unwrap(), 2);
    let e = session.setval(&mut txn, &s, 5, true).unwrap_err();
    assert_eq!(
        e.message(),
        "setval: value 5 is out of bounds for sequence \"s\" (1..2)"
    );
    session.setval(&mut txn, &s, 1, false).unwrap();
    assert_eq!(session.nextval(&mut txn, &s).unwrap(), 1);

    let down = SequenceOptions {
        increment: Some(-1),
        min: Some(Some(-5)),
        max: Some(Some(0)),
        ..Default::default()
    };
    let s2 = cat
        .create_sequence(&mut txn, PUBLIC_OID, "s2", &down, false)
        .unwrap();
    assert_eq!(session.nextval(&mut txn, &s2).unwrap(), 0);
    assert_eq!(session.lastval().unwrap(), 0);
    let s4 = cat
        .create_sequence(
            &mut txn,
            PUBLIC_OID,
            "s4",
            &SequenceOptions {
                increment: Some(-1),
                min: Some(Some(1)),
                max: Some(Some(3)),
                start: Some(1),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    assert_eq!(session.nextval(&mut txn, &s4).unwrap(), 1);
    assert_eq!(
        session.nextval(&mut txn, &s4).unwrap_err().message(),
        "nextval: reached minimum value of sequence \"s4\" (1)"
    );
    let cyc = cat
        .create_sequence(
            &mut txn,
            PUBLIC_OID,
            "c",
            &SequenceOptions {
                max: Some(Some(2)),
                cycle: Some(true),
                ..Default::default()
            },
            false,
        )
        .unwrap();
    let got: Vec<i64> = (0..5)
        .map(|_| session.nextval(&mut txn, &cyc).unwrap())
        .collect();
    assert_eq!(got, [1, 2, 1, 2, 1]);
    let e = cat
        .create_sequence(
            &mut txn,
            PUBLIC_OID,
            "s",
            &SequenceOptions::default(),
            false,
        )
        .unwrap_err();
    assert_eq!(e.message(), "relation \"s\" already exists");
    let bad = SequenceOptions {
        min: Some(Some(5)),
        max: Some(Some(1)),
        ..Default::default()
    };
    let e = cat
        .create_sequence(&mut txn, PUBLIC_OID, "b", &bad, false)
        .unwrap_err();
    assert_eq!(e.message(), "MINVALUE (5) must be less than MAXVALUE (1)");
    let s = cat
        .alter_sequence(
            &mut txn,
            s.oid,
            &SequenceOptions {
                max: Some(None),
                restart: Some(Some(10)),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(session.nextval(&mut txn, &s).unwrap(), 10);
    assert_eq!(session.nextval(&mut txn, &s).unwrap(), 11);
    txn.commit().unwrap();
    // The state persists.
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let cat = Catalog::load(&txn).unwrap();
    let s = cat
        .lookup_sequence(None, "s", &SearchPath::default())
        .unwrap()
        .clone();
    assert_eq!(SequenceSession::new().nextval(&mut txn, &s).unwrap(), 12);
}

#[test]
fn generated_expression_is_an_optional_field_of_a_column() {
    // A column written before generated columns existed reads back
    // without one, and a plain column is written as it was then.
    let old = r#"{"name":"a","ty":"integer","not_null":false,"default":null,
        "identity":null,"attnum":1,"dropped":false}"#;
    let c: Column = serde_json::from_str(old).unwrap();
    assert_eq!(c.generated, None);
    assert!(!serde_json::to_string(&c).unwrap().contains("generated"));
    let mut g = col("s", DataType::Int4);
    g.generated = Some("a + b".into());
    let text = serde_json::to_string(&g).unwrap();
    let back: Column = serde_json::from_str(&text).unwrap();
    assert_eq!(back.generated.as_deref(), Some("a + b"));
}
