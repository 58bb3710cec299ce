//! Row codec properties, key order, unique checks, index maintenance
//! (checked with `check_table`), scans surviving writes.

use std::ops::Bound;
use std::sync::Arc;

use assay_storage::vfs::MemoryVfs;
use assay_storage::{Pager, PagerOptions, SqlState, Transaction, TxnMode};
use proptest::prelude::*;

use super::*;
use crate::catalog::{
    Catalog, Column, IndexDef, IndexExpr, IndexPart, KeyOrder, Table, PUBLIC_OID,
};
use crate::types::{Array, ArrayDim, DataType, Interval, Numeric, Value};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i16>().prop_map(Value::Int2),
        any::<i32>().prop_map(Value::Int4),
        any::<i64>().prop_map(Value::Int8),
        any::<f32>().prop_map(Value::Float4),
        any::<f64>().prop_map(Value::Float8),
        (any::<i64>(), 0i64..30).prop_map(|(d, s)| Value::numeric(Numeric::Finite(
            bigdecimal::BigDecimal::new(d.into(), s)
        ))),
        prop_oneof![
            Just(Numeric::NaN),
            Just(Numeric::PosInf),
            Just(Numeric::NegInf)
        ]
        .prop_map(Value::numeric),
        ".*".prop_map(|s: String| Value::text(&s)),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| Value::Bytea(Arc::from(b))),
        any::<i32>().prop_map(Value::Date),
        any::<i64>().prop_map(Value::Time),
        any::<i64>().prop_map(Value::Timestamp),
        any::<i64>().prop_map(Value::TimestampTz),
        (any::<i32>(), any::<i32>(), any::<i64>())
            .prop_map(|(m, d, u)| Value::Interval(Interval::new(m, d, u))),
        any::<[u8; 16]>().prop_map(Value::Uuid),
        "[a-z]{0,5}".prop_map(|s| Value::Json(Arc::from(format!("{{\"k\": \"{s}\"}}")))),
        (any::<i64>(), "[a-z]{0,5}").prop_map(|(n, s)| Value::Jsonb(Arc::new(
            serde_json::json!({ "n": n, "s": s, "a": [1.5, null, true] })
        ))),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => scalar(),
        1 => proptest::collection::vec(scalar(), 0..6).prop_map(|items| Value::Array(Arc::new(Array::from_items(items)))),
    ]
}

/// Equality that treats NaN floats as equal to themselves (bitwise).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float4(x), Value::Float4(y)) => x.to_bits() == y.to_bits(),
        (Value::Float8(x), Value::Float8(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y)) => {
            x.dims == y.dims
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(a, b)| same(a, b))
        }
        (Value::Numeric(x), Value::Numeric(y)) => x.to_string() == y.to_string(),
        _ => a == b,
    }
}

proptest! {
    #[test]
    // Past 16 columns the decoder reads descriptors twice.
    fn rows_round_trip(row in proptest::collection::vec(value(), 0..24)) {
        let bytes = encode_row(&row);
        let back = decode_row(&bytes).unwrap();
        prop_assert_eq!(back.len(), row.len());
        for (a, b) in row.iter().zip(&back) {
            prop_assert!(same(a, b), "{:?} != {:?}", a, b);
        }
        let view = RowView::new(&bytes).unwrap();
        for (i, v) in row.iter().enumerate() {
            prop_assert!(same(&view.column(i).unwrap(), v));
        }
        prop_assert!(view.column(row.len()).unwrap().is_null());
    }

    #[test]
    fn some_columns_decode_alone(
        row in proptest::collection::vec(value(), 0..20),
        wanted in proptest::collection::vec(any::<bool>(), 0..22),
    ) {
        let bytes = encode_row(&row);
        let mut some = Vec::new();
        RowView::new(&bytes).unwrap().decode_some_into(&wanted, &mut some).unwrap();
        prop_assert_eq!(some.len(), row.len());
        for (i, (a, b)) in row.iter().zip(&some).enumerate() {
            // A column past the mask's end counts as wanted.
            if wanted.get(i).copied().unwrap_or(true) {
                prop_assert!(same(a, b), "{:?} != {:?}", a, b);
            } else {
                prop_assert!(b.is_null());
            }
        }
    }

    #[test]
    fn damaged_rows_never_panic(row in proptest::collection::vec(value(), 0..20), cut in any::<usize>(), flip in any::<(usize, u8)>()) {
        let mut bytes = encode_row(&row);
        let _ = decode_row(&bytes[..cut % (bytes.len() + 1)]);
        let at = flip.0 % bytes.len();
        bytes[at] ^= flip.1;
        if let Err(e) = decode_row(&bytes) {
            prop_assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
        }
    }

    #[test]
    fn key_order_matches_compare(vals in proptest::collection::vec(scalar(), 40)) {
        // Only values of one type (or NULL) compare through keys.
        for a in &vals {
            for b in &vals {
                let comparable = std::mem::discriminant(a) == std::mem::discriminant(b) || a.is_null() || b.is_null();
                if !comparable || matches!(a, Value::Json(_) | Value::Jsonb(_)) || matches!(b, Value::Json(_) | Value::Jsonb(_)) {
                    continue;
                }
                let (mut ka, mut kb) = (Vec::new(), Vec::new());
                encode_key_value(&mut ka, a, assay_storage::keycode::SortOrder::ASC).unwrap();
                encode_key_value(&mut kb, b, assay_storage::keycode::SortOrder::ASC).unwrap();
                prop_assert_eq!(ka.cmp(&kb), crate::types::compare(a, b), "{:?} {:?}", a, b);
            }
        }
    }
}

#[test]
fn multidimensional_arrays_round_trip() {
    let a = Array {
        dims: vec![
            ArrayDim { len: 2, lower: 0 },
            ArrayDim { len: 2, lower: -3 },
        ],
        items: vec![Value::Int4(1), Value::Null, Value::Int4(3), Value::Int4(4)],
    };
    let row = vec![
        Value::Array(Arc::new(a)),
        Value::Array(Arc::new(Array::empty())),
    ];
    assert_eq!(decode_row(&encode_row(&row)).unwrap(), row);
}

// ---- tables ----

pub(crate) fn open(vfs: &MemoryVfs) -> Arc<Pager> {
    Pager::open(vfs, "db", PagerOptions::default()).unwrap()
}

fn col(name: &str, ty: DataType) -> Column {
    Column::new(name, ty)
}

/// t(id int primary key, a int unique, b text) with an index on b DESC.
fn setup(txn: &mut Transaction) -> (Catalog, Arc<Table>) {
    let mut cat = Catalog::bootstrap();
    let t = cat
        .create_table(
            txn,
            PUBLIC_OID,
            "t",
            vec![
                col("id", DataType::Int4),
                col("a", DataType::Int4),
                col("b", DataType::Text),
            ],
            false,
        )
        .unwrap();
    cat.add_primary_key(txn, t.oid, None, &[0]).unwrap();
    cat.add_unique(txn, t.oid, None, &[1]).unwrap();
    let def = IndexDef {
        name: None,
        unique: false,
        parts: vec![IndexPart {
            expr: IndexExpr::Column(2),
            order: KeyOrder {
                descending: true,
                nulls_first: true,
            },
        }],
        include: vec![],
        predicate: None,
    };
    cat.create_index(txn, t.oid, def, &mut ColumnsOnly).unwrap();
    let t = cat.table(t.oid).unwrap().clone();
    (cat, t)
}

fn row(id: i32, a: Option<i32>, b: &str) -> Vec<Value> {
    vec![
        Value::Int4(id),
        a.map_or(Value::Null, Value::Int4),
        Value::text(b),
    ]
}

#[test]
fn unique_violations_match_postgres() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (_, t) = setup(&mut txn);
    let mut store = TableStore::new();
    store.insert(&mut txn, &t, &row(1, Some(1), "x")).unwrap();
    let e = store
        .insert(&mut txn, &t, &row(1, Some(2), "x"))
        .unwrap_err();
    assert_eq!(e.code(), SqlState::UNIQUE_VIOLATION);
    assert_eq!(
        e.message(),
        "duplicate key value violates unique constraint \"t_pkey\""
    );
    assert_eq!(e.detail(), Some("Key (id)=(1) already exists."));
    let e = store
        .insert(&mut txn, &t, &row(2, Some(1), "x"))
        .unwrap_err();
    assert_eq!(
        e.message(),
        "duplicate key value violates unique constraint \"t_a_key\""
    );
    assert_eq!(e.detail(), Some("Key (a)=(1) already exists."));
    // NULLs never conflict.
    store.insert(&mut txn, &t, &row(3, None, "y")).unwrap();
    store.insert(&mut txn, &t, &row(4, None, "y")).unwrap();
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 3);
    // An update onto another row's unique value fails and changes nothing.
    let k3 = store
        .get_by_pk(&txn, &t, &[Value::Int4(3)], &mut Vec::new())
        .unwrap();
    assert!(k3);
    let mut key = Vec::new();
    TableStore::encode_primary_key(&t, &[Value::Int4(3)], &mut key).unwrap();
    let e = store
        .update(&mut txn, &t, &key, &row(3, Some(1), "y"))
        .unwrap_err();
    assert_eq!(e.detail(), Some("Key (a)=(1) already exists."));
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 3);
    let e = store
        .update(&mut txn, &t, &key, &row(1, None, "y"))
        .unwrap_err();
    assert_eq!(e.detail(), Some("Key (id)=(1) already exists."));
    // Updating a row to its own unique value is fine.
    store
        .update(&mut txn, &t, &key, &row(3, None, "z"))
        .unwrap();
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 3);
}

#[test]
fn indexes_follow_updates_and_deletes() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (_, t) = setup(&mut txn);
    let mut store = TableStore::new();
    for i in 0..500 {
        store
            .insert(&mut txn, &t, &row(i, Some(i * 2), &format!("v{}", i % 37)))
            .unwrap();
    }
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 500);
    // Move primary keys, change unique values, delete some.
    for i in (0..500).step_by(3) {
        let mut key = Vec::new();
        TableStore::encode_primary_key(&t, &[Value::Int4(i)], &mut key).unwrap();
        store
            .update(&mut txn, &t, &key, &row(i + 1000, Some(i * 2 + 1), "moved"))
            .unwrap();
    }
    for i in (1..500).step_by(3) {
        let mut key = Vec::new();
        TableStore::encode_primary_key(&t, &[Value::Int4(i)], &mut key).unwrap();
        assert!(store.delete(&mut txn, &t, &key).unwrap());
        assert!(!store.delete(&mut txn, &t, &key).unwrap());
    }
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 333);
    // Index lookup on b = 'moved' finds exactly the moved rows.
    let b_index = t.indexes.iter().find(|i| !i.unique).unwrap();
    let orders = [b_index.parts[0].order.sort_order()];
    let range = KeyRange::between(
        &[Value::text("moved")],
        &orders,
        Bound::Unbounded,
        Bound::Unbounded,
    )
    .unwrap();
    let mut scan = IndexScan::new(b_index, range, false);
    let mut n = 0;
    let mut r = Vec::new();
    let mut vals = Vec::new();
    while scan.next(&txn).unwrap() {
        assert!(store.get_into(&txn, &t, scan.row_key(), &mut r).unwrap());
        assert_eq!(r[2], Value::text("moved"));
        scan.values_into(&t, b_index, &mut vals).unwrap();
        assert_eq!(vals, vec![Value::text("moved")]);
        n += 1;
    }
    assert_eq!(n, 167);
    // Foreign key lookup through the unique index and the primary key.
    let a_index = t.indexes.iter().find(|i| i.unique && !i.primary).unwrap();
    assert!(store
        .key_exists(&txn, &t, a_index, &[Value::Int4(1)])
        .unwrap());
    assert!(!store
        .key_exists(&txn, &t, a_index, &[Value::Int4(0)])
        .unwrap());
    let pk = t.primary_index().unwrap();
    assert!(store
        .key_exists(&txn, &t, pk, &[Value::Int4(1000)])
        .unwrap());
    assert!(!store.key_exists(&txn, &t, pk, &[Value::Int4(0)]).unwrap());
}

#[test]
fn scans_are_ordered_ranged_and_survive_writes() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (_, t) = setup(&mut txn);
    let mut store = TableStore::new();
    for i in (0..400).rev() {
        store
            .insert(&mut txn, &t, &row(i - 200, Some(i), "x"))
            .unwrap();
    }
    let asc = [assay_storage::keycode::SortOrder::ASC];
    let lo = Value::Int4(-10);
    let hi = Value::Int4(10);
    let range = KeyRange::between(&[], &asc, Bound::Excluded(&lo), Bound::Included(&hi)).unwrap();
    let mut ids = Vec::new();
    let mut scan = TableScan::range(&t, range.clone(), true);
    while scan.next(&txn).unwrap() {
        ids.push(scan.with_row(&txn, |r| r.column(0)).unwrap());
    }
    assert_eq!(ids, (-9..=10).rev().map(Value::Int4).collect::<Vec<_>>());
    // Delete every row while scanning forward, inserting behind the cursor.
    let mut scan = TableScan::new(&t);
    let mut seen = 0;
    while scan.next(&txn).unwrap() {
        let key = scan.key().to_vec();
        let id = scan.with_row(&txn, |r| r.column(0)).unwrap();
        store.delete(&mut txn, &t, &key).unwrap();
        if let Value::Int4(i) = id {
            if i < 0 {
                store
                    .insert(&mut txn, &t, &row(i - 1000, None, "behind"))
                    .unwrap();
            }
        }
        seen += 1;
    }
    assert_eq!(seen, 400);
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 200);
}

#[test]
fn tables_without_primary_key_use_row_ids() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut cat = Catalog::bootstrap();
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let t = cat
        .create_table(
            &mut txn,
            PUBLIC_OID,
            "h",
            vec![col("x", DataType::Text)],
            false,
        )
        .unwrap();
    let mut store = TableStore::new();
    let k1 = store.insert(&mut txn, &t, &[Value::text("a")]).unwrap();
    let k2 = store.insert(&mut txn, &t, &[Value::text("a")]).unwrap();
    assert_eq!(TableStore::rowid_of(&k1).unwrap(), 1);
    assert_eq!(TableStore::rowid_of(&k2).unwrap(), 2);
    txn.commit().unwrap();
    // A new transaction (another snapshot) continues after the last id,
    // even with a fresh store.
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let k3 = TableStore::new()
        .insert(&mut txn, &t, &[Value::text("b")])
        .unwrap();
    assert_eq!(TableStore::rowid_of(&k3).unwrap(), 3);
    // Adding a primary key re-keys the rows.
    let t = cat
        .add_column(&mut txn, t.oid, col("id", DataType::Int8))
        .unwrap();
    let mut n = 0;
    cat.rewrite_rows(
        &mut txn,
        &t,
        &mut |r| {
            n += 1;
            r[1] = Value::Int8(n * 10);
            Ok(())
        },
        &mut ColumnsOnly,
    )
    .unwrap();
    let t = cat.add_primary_key(&mut txn, t.oid, None, &[1]).unwrap();
    let mut out = Vec::new();
    assert!(store
        .get_by_pk(&txn, &t, &[Value::Int8(20)], &mut out)
        .unwrap());
    assert_eq!(out, vec![Value::text("a"), Value::Int8(20)]);
    assert_eq!(check_table(&txn, &t, &mut ColumnsOnly).unwrap(), 3);
}

/// An expression index on lower(b) that holds only rows with id > 0.
struct LowerPositive;

impl IndexEval for LowerPositive {
    fn eval(
        &mut self,
        _: &Table,
        _: &crate::catalog::Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> assay_storage::Result<bool> {
        out.push(Value::text(
            &row[2].as_str().unwrap_or_default().to_lowercase(),
        ));
        Ok(matches!(row[0], Value::Int4(i) if i > 0))
    }
}

#[test]
fn expression_and_partial_indexes_use_the_callers_values() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (mut cat, t) = setup(&mut txn);
    let def = IndexDef {
        name: Some("lower_b".into()),
        unique: true,
        parts: vec![IndexPart {
            expr: IndexExpr::Expression {
                sql: "lower(b)".into(),
                ty: DataType::Text,
            },
            order: KeyOrder::ASC,
        }],
        include: vec![],
        predicate: Some("id > 0".into()),
    };
    cat.create_index(&mut txn, t.oid, def, &mut LowerPositive)
        .unwrap();
    let t = cat.table(t.oid).unwrap().clone();
    let mut store = TableStore::new();
    let e = store.insert(&mut txn, &t, &row(1, None, "A")).unwrap_err();
    assert_eq!(e.code(), SqlState::FEATURE_NOT_SUPPORTED);
    store
        .insert_with(&mut txn, &t, &row(1, None, "A"), &mut LowerPositive)
        .unwrap();
    store
        .insert_with(&mut txn, &t, &row(-1, None, "a"), &mut LowerPositive)
        .unwrap();
    let e = store
        .insert_with(&mut txn, &t, &row(2, None, "a"), &mut LowerPositive)
        .unwrap_err();
    assert_eq!(
        e.message(),
        "duplicate key value violates unique constraint \"lower_b\""
    );
    assert_eq!(e.detail(), Some("Key (lower(b))=(a) already exists."));
    assert_eq!(check_table(&txn, &t, &mut LowerPositive).unwrap(), 2);
}

#[test]
fn creating_a_unique_index_over_duplicates_fails() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (mut cat, t) = setup(&mut txn);
    let mut store = TableStore::new();
    store.insert(&mut txn, &t, &row(1, None, "dup")).unwrap();
    store.insert(&mut txn, &t, &row(2, None, "dup")).unwrap();
    let def = IndexDef {
        name: Some("ub".into()),
        unique: true,
        parts: vec![IndexPart {
            expr: IndexExpr::Column(2),
            order: KeyOrder::ASC,
        }],
        include: vec![],
        predicate: None,
    };
    let e = cat
        .create_index(&mut txn, t.oid, def, &mut ColumnsOnly)
        .unwrap_err();
    assert_eq!(e.message(), "could not create unique index \"ub\"");
    assert_eq!(e.detail(), Some("Key (b)=(dup) is duplicated."));
}

#[test]
fn analyze_summarises_columns() {
    let vfs = MemoryVfs::new();
    let pager = open(&vfs);
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let (_, t) = setup(&mut txn);
    let mut store = TableStore::new();
    for i in 0..1000 {
        let a = if i % 10 == 0 { None } else { Some(i) };
        store
            .insert(
                &mut txn,
                &t,
                &row(i, a, if i % 2 == 0 { "even" } else { "odd" }),
            )
            .unwrap();
    }
    let s = analyze(&txn, &t).unwrap();
    assert_eq!(s.row_count, 1000);
    assert_eq!(s.columns[0].n_distinct, -1.0);
    assert!((s.columns[1].null_frac - 0.1).abs() < 1e-9);
    assert_eq!(s.columns[2].n_distinct, 2.0);
    assert_eq!(s.columns[2].most_common.len(), 2);
    assert!(s.columns[0].histogram.len() > 50);
}
