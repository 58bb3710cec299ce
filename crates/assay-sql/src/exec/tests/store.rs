//! The executor over the real storage ([`StoreAccess`]): scans of every
//! kind, constraints through the catalog, writes during scans, spilling to
//! temporary trees.

use assay_storage::vfs::MemoryVfs;
use assay_storage::{Pager, PagerOptions, Transaction, TxnMode};

use super::fixtures::*;
use crate::catalog::{
    Catalog, Column, ConstraintKind, FkAction, FkMatch, ForeignKey, IndexDef, IndexExpr, IndexPart,
    KeyOrder, Table, PUBLIC_OID,
};
use crate::exec::{
    collect, ConstraintBinder, ExecContext, NoConstraintExprs, StoreAccess, TableAccess,
};
use crate::functions::Prng;
use crate::plan::{Access, Assignment, CmpOp, KeyRange, Plan, PlanNode, ScalarExpr, TableRef};
use crate::table::{ColumnsOnly, TableStore};
use crate::types::{DataType, Settings, Value};

struct Db {
    catalog: Catalog,
    store: TableStore,
    p: u32,
    c: u32,
    index: u32,
}

/// p(id int8 primary key, v int8) with an index on v, and
/// c(id int8, pid int8 references p on delete cascade).
fn setup(txn: &mut Transaction) -> Db {
    let mut catalog = Catalog::bootstrap();
    let p = catalog
        .create_table(
            txn,
            PUBLIC_OID,
            "p",
            vec![
                Column::new("id", DataType::Int8),
                Column::new("v", DataType::Int8),
            ],
            false,
        )
        .unwrap();
    catalog.add_primary_key(txn, p.oid, None, &[0]).unwrap();
    let def = IndexDef {
        name: Some("p_v".into()),
        unique: false,
        parts: vec![IndexPart {
            expr: IndexExpr::Column(1),
            order: KeyOrder::ASC,
        }],
        include: vec![],
        predicate: None,
    };
    let index = catalog
        .create_index(txn, p.oid, def, &mut ColumnsOnly)
        .unwrap();
    let c = catalog
        .create_table(
            txn,
            PUBLIC_OID,
            "c",
            vec![
                Column::new("id", DataType::Int8),
                Column::new("pid", DataType::Int8),
            ],
            false,
        )
        .unwrap();
    let fk = ForeignKey {
        columns: vec![1],
        ref_table: p.oid,
        ref_columns: vec![0],
        on_delete: FkAction::Cascade,
        on_update: FkAction::NoAction,
        match_type: FkMatch::Simple,
    };
    catalog
        .add_constraint(txn, c.oid, None, ConstraintKind::ForeignKey(fk), None)
        .unwrap();
    Db {
        catalog,
        store: TableStore::new(),
        p: p.oid,
        c: c.oid,
        index,
    }
}

/// Runs a statement as the session does: inside a savepoint, rolled back
/// to on error so a failed statement leaves nothing behind.
fn exec(
    db: &mut Db,
    txn: &mut Transaction,
    plan: &Plan,
    work_mem: usize,
) -> assay_storage::Result<Vec<Vec<Value>>> {
    let sp = txn.savepoint();
    let r = exec_raw(db, txn, plan, work_mem);
    match &r {
        Ok(_) => txn.release_savepoint(sp)?,
        Err(_) => txn.rollback_to_savepoint(sp)?,
    }
    r
}

fn exec_raw(
    db: &mut Db,
    txn: &mut Transaction,
    plan: &Plan,
    work_mem: usize,
) -> assay_storage::Result<Vec<Vec<Value>>> {
    let mut binder = NoConstraintExprs;
    let mut access = StoreAccess::new(txn, &db.catalog, &mut db.store, &mut binder);
    let settings = Settings::default();
    let clock = || 0i64;
    let mut rng = Prng::new(1);
    let mut ctx = ExecContext::new(&mut access, &settings, &[], &clock, &mut rng);
    ctx.work_mem = work_mem;
    collect(plan, &mut ctx)
}

fn tref(oid: u32) -> TableRef {
    TableRef {
        oid,
        name: String::new(),
    }
}

fn insert(oid: u32, rows: Vec<Vec<Value>>) -> Plan {
    plan(
        PlanNode::Insert {
            table: tref(oid),
            input: Box::new(values(rows)),
            on_conflict: None,
            returning: vec![],
        },
        0,
    )
}

fn scan(oid: u32, access: Access, projection: Option<Vec<usize>>) -> Plan {
    let w = projection.as_ref().map_or(2, |p| p.len());
    plan(
        PlanNode::Scan {
            table: tref(oid),
            access,
            filter: None,
            projection,
            columns: None,
        },
        w,
    )
}

fn range(low: Option<(i64, bool)>, high: Option<(i64, bool)>) -> KeyRange {
    KeyRange {
        low: low.map(|(v, inc)| (vec![lit(i(v))], inc)),
        high: high.map(|(v, inc)| (vec![lit(i(v))], inc)),
    }
}

fn with_db(f: impl FnOnce(&mut Db, &mut Transaction)) {
    let vfs = MemoryVfs::new();
    let pager = Pager::open(&vfs, "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Deferred).unwrap();
    let mut db = setup(&mut txn);
    f(&mut db, &mut txn);
}

#[test]
fn scans_by_primary_key_and_index() {
    with_db(|db, txn| {
        let rows: Vec<Vec<Value>> = (1..=20)
            .map(|k| vec![i(k), if k % 5 == 0 { N } else { i(100 - k) }])
            .collect();
        exec(db, txn, &insert(db.p, rows), 1 << 20).unwrap();
        let full = exec(db, txn, &scan(db.p, Access::Full, None), 1 << 20).unwrap();
        assert_eq!(full.len(), 20);
        let pk = Access::PrimaryKey {
            ranges: vec![
                range(Some((3, true)), Some((5, false))),
                range(Some((18, false)), None),
            ]
            .into(),
        };
        let got = exec(db, txn, &scan(db.p, pk, Some(vec![0])), 1 << 20).unwrap();
        assert_eq!(got, vec![vec![i(3)], vec![i(4)], vec![i(19)], vec![i(20)]]);
        // v BETWEEN 90 AND 93 through the index, in index order.
        let ix = Access::Index {
            index: db.index,
            name: "p_v".into(),
            ranges: vec![range(Some((90, true)), Some((93, true)))].into(),
            only: false,
        };
        let got = exec(db, txn, &scan(db.p, ix, None), 1 << 20).unwrap();
        assert_eq!(
            got,
            vec![vec![i(9), i(91)], vec![i(8), i(92)], vec![i(7), i(93)]]
        );
        // Index-only, equality: v = 81.
        let only = Access::Index {
            index: db.index,
            name: "p_v".into(),
            ranges: vec![range(Some((81, true)), Some((81, true)))].into(),
            only: true,
        };
        assert_eq!(
            exec(db, txn, &scan(db.p, only, Some(vec![1])), 1 << 20).unwrap(),
            vec![vec![i(81)]]
        );
        // v < 82 excludes the NULLs (v = 80 would be id 20, whose v is NULL).
        let lt = Access::Index {
            index: db.index,
            name: "p_v".into(),
            ranges: vec![range(None, Some((82, false)))].into(),
            only: false,
        };
        assert_eq!(
            exec(db, txn, &scan(db.p, lt, Some(vec![0])), 1 << 20).unwrap(),
            vec![vec![i(19)]]
        );
    });
}

#[test]
fn repeated_points_read_their_rows_once() {
    with_db(|db, txn| {
        let rows: Vec<Vec<Value>> = (1..=5).map(|k| vec![i(k), i(k * 10)]).collect();
        exec(db, txn, &insert(db.p, rows), 1 << 20).unwrap();
        let point = |v| range(Some((v, true)), Some((v, true)));
        // id IN (2, 2, 4) by the primary key.
        let pk = Access::PrimaryKey {
            ranges: vec![point(2), point(2), point(4)].into(),
        };
        let got = exec(db, txn, &scan(db.p, pk, Some(vec![0])), 1 << 20).unwrap();
        assert_eq!(got, vec![vec![i(2)], vec![i(4)]]);
        // v IN (30, 30) through the index.
        let ix = Access::Index {
            index: db.index,
            name: "p_v".into(),
            ranges: vec![point(30), point(30)].into(),
            only: false,
        };
        let got = exec(db, txn, &scan(db.p, ix, Some(vec![0])), 1 << 20).unwrap();
        assert_eq!(got, vec![vec![i(3)]]);
    });
}

#[test]
fn update_moving_keys_ahead_of_the_scan_touches_each_row_once() {
    with_db(|db, txn| {
        exec(
            db,
            txn,
            &insert(db.p, (1..=50).map(|k| vec![i(k), i(k)]).collect()),
            1 << 20,
        )
        .unwrap();
        // UPDATE p SET id = id + 1000 RETURNING id
        let update = plan(
            PlanNode::Update {
                table: tref(db.p),
                // No ctid column: the key comes from the primary key.
                input: Box::new(scan(db.p, Access::Full, None)),
                assignments: vec![Assignment {
                    column: 0,
                    value: ScalarExpr::Binary {
                        op: crate::types::BinaryOp::Add,
                        left: Box::new(col(0)),
                        right: Box::new(lit(i(1000))),
                        data_type: DataType::Int8,
                    },
                }]
                .into(),
                returning: vec![col(0)],
            },
            1,
        );
        assert_eq!(exec(db, txn, &update, 1 << 20).unwrap().len(), 50);
        let ids: Vec<Value> = exec(db, txn, &scan(db.p, Access::Full, Some(vec![0])), 1 << 20)
            .unwrap()
            .into_iter()
            .map(|r| r[0].clone())
            .collect();
        assert_eq!(ids, (1001..=1050).map(i).collect::<Vec<_>>());
    });
}

#[test]
fn foreign_keys_through_the_catalog() {
    with_db(|db, txn| {
        exec(
            db,
            txn,
            &insert(db.p, vec![vec![i(1), i(10)], vec![i(2), i(20)]]),
            1 << 20,
        )
        .unwrap();
        exec(
            db,
            txn,
            &insert(
                db.c,
                vec![vec![i(7), i(1)], vec![i(8), i(2)], vec![i(9), N]],
            ),
            1 << 20,
        )
        .unwrap();
        let err = exec(db, txn, &insert(db.c, vec![vec![i(10), i(3)]]), 1 << 20).unwrap_err();
        assert_eq!(
            err.message(),
            "insert or update on table \"c\" violates foreign key constraint \"c_pid_fkey\""
        );
        assert_eq!(
            err.detail(),
            Some("Key (pid)=(3) is not present in table \"p\".")
        );
        let err = exec(db, txn, &insert(db.p, vec![vec![i(1), i(5)]]), 1 << 20).unwrap_err();
        assert_eq!(err.code().as_str(), "23505");
        // DELETE FROM p WHERE id = 1 cascades to c.
        let filter = Some(cmp(CmpOp::Eq, col(0), lit(i(1))));
        let mut input = plan(
            PlanNode::Scan {
                table: tref(db.p),
                access: Access::Full,
                filter,
                projection: Some(vec![0, 1, 2]),
                columns: None,
            },
            3,
        );
        input.schema.fields[2] = crate::plan::Field::new("ctid", DataType::Bytea);
        let delete = plan(
            PlanNode::Delete {
                table: tref(db.p),
                input: Box::new(input),
                returning: vec![],
            },
            0,
        );
        exec(db, txn, &delete, 1 << 20).unwrap();
        let left = exec(db, txn, &scan(db.c, Access::Full, None), 1 << 20).unwrap();
        assert_eq!(sorted(left), vec![vec![i(8), i(2)], vec![i(9), N]]);
        // c has no primary key: DELETE FROM c WHERE pid IS NULL RETURNING id
        // finds its row by the ctid column.
        let filter = Some(ScalarExpr::IsNull {
            expr: Box::new(col(1)),
            negated: false,
        });
        let mut input = plan(
            PlanNode::Scan {
                table: tref(db.c),
                access: Access::Full,
                filter,
                projection: Some(vec![0, 1, 2]),
                columns: None,
            },
            3,
        );
        input.schema.fields[2] = crate::plan::Field::new("ctid", DataType::Bytea);
        let delete = plan(
            PlanNode::Delete {
                table: tref(db.c),
                input: Box::new(input),
                returning: vec![col(0)],
            },
            1,
        );
        assert_eq!(exec(db, txn, &delete, 1 << 20).unwrap(), vec![vec![i(9)]]);
        let left = exec(db, txn, &scan(db.c, Access::Full, None), 1 << 20).unwrap();
        assert_eq!(left, vec![vec![i(8), i(2)]]);
    });
}

#[test]
fn sort_spills_into_temporary_trees() {
    with_db(|db, txn| {
        let rows: Vec<Vec<Value>> = (0..2000)
            .map(|k| vec![i((k * 7919) % 2000), t(&"x".repeat(50))])
            .collect();
        let p = sort(values(rows), vec![desc(col(0))]);
        let got = exec(db, txn, &p, 8 * 1024).unwrap();
        let keys: Vec<Value> = got.iter().map(|r| r[0].clone()).collect();
        assert_eq!(keys, (0..2000).rev().map(i).collect::<Vec<_>>());
        // Every run was dropped after the merge.
        let temp = txn
            .trees()
            .unwrap()
            .into_iter()
            .filter(|(n, _)| n.starts_with(b"pg_temp.sort"))
            .count();
        assert_eq!(temp, 0);
    });
}

#[test]
fn spilled_runs_live_in_a_tree_and_read_back_in_chunks() {
    with_db(|db, txn| {
        let mut binder = NoConstraintExprs;
        let mut access = StoreAccess::new(txn, &db.catalog, &mut db.store, &mut binder);
        let rows: Vec<Vec<Value>> = (0..600).map(|k| vec![i(k), t("r")]).collect();
        let run = access.spill_write(rows.clone()).unwrap();
        assert!(access.txn.open_tree(b"pg_temp.sort.1").unwrap().is_some());
        let mut back = Vec::new();
        loop {
            let chunk = access.spill_read(run, back.len(), 256).unwrap();
            if chunk.is_empty() {
                break;
            }
            back.extend(chunk);
        }
        assert_eq!(back, rows);
        access.spill_drop(run).unwrap();
        assert!(access.txn.open_tree(b"pg_temp.sort.1").unwrap().is_none());
    });
}

/// A binder stand-in: CHECK (v < 100) for any CHECK text, DEFAULT 0.
struct FixedBinder;

impl crate::table::IndexEval for FixedBinder {
    fn eval(
        &mut self,
        table: &crate::catalog::Table,
        index: &crate::catalog::Index,
        row: &[Value],
        out: &mut Vec<Value>,
    ) -> assay_storage::Result<bool> {
        crate::table::ColumnsOnly.eval(table, index, row, out)
    }
}

impl ConstraintBinder for FixedBinder {
    fn check(&mut self, _table: &Table, _sql: &str) -> assay_storage::Result<ScalarExpr> {
        Ok(cmp(CmpOp::Lt, col(1), lit(i(100))))
    }
    fn default(
        &mut self,
        _table: &Table,
        _column: usize,
    ) -> assay_storage::Result<Option<ScalarExpr>> {
        Ok(Some(lit(i(0))))
    }
}

#[test]
fn check_constraints_come_from_the_binder() {
    with_db(|db, txn| {
        db.catalog
            .add_constraint(
                txn,
                db.p,
                Some("p_v_check"),
                ConstraintKind::Check {
                    sql: "v < 100".into(),
                },
                Some(1),
            )
            .unwrap();
        let mut binder = FixedBinder;
        let mut access = StoreAccess::new(txn, &db.catalog, &mut db.store, &mut binder);
        let settings = Settings::default();
        let clock = || 0i64;
        let mut rng = Prng::new(1);
        let mut ctx = ExecContext::new(&mut access, &settings, &[], &clock, &mut rng);
        let err = collect(&insert(db.p, vec![vec![i(1), i(100)]]), &mut ctx).unwrap_err();
        assert_eq!(
            err.message(),
            "new row for relation \"p\" violates check constraint \"p_v_check\""
        );
        assert_eq!(err.detail(), Some("Failing row contains (1, 100)."));
        collect(&insert(db.p, vec![vec![i(1), i(99)]]), &mut ctx).unwrap();
        assert_eq!(ctx.rows_affected, 1);
    });
}
