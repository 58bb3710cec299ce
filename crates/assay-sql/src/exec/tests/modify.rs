//! INSERT / UPDATE / DELETE with constraints and RETURNING.

use super::fixtures::*;
use crate::exec::{CheckMeta, ColumnMeta, FkAction, ForeignKeyMeta, MemoryTables, TableMeta};
use crate::plan::{Access, Assignment, CmpOp, OnConflict, Plan, PlanNode, ScalarExpr, TableRef};
use crate::types::{DataType, Value};

fn column(name: &str, not_null: bool) -> ColumnMeta {
    ColumnMeta {
        name: name.into(),
        data_type: DataType::Int8,
        not_null,
        default: None,
    }
}

const P: u32 = 100;
const C: u32 = 101;

/// p(id int primary key, v int not null check (v < 100)) and
/// c(id int, pid int references p on delete <action>).
fn setup(on_delete: FkAction) -> MemoryTables {
    let fk = ForeignKeyMeta {
        name: "c_pid_fkey".into(),
        table: C,
        columns: vec![1],
        ref_table: P,
        ref_columns: vec![0],
        on_delete,
        on_update: FkAction::Cascade,
    };
    let mut tables = MemoryTables::new();
    tables.create_table(
        TableMeta {
            oid: P,
            name: "p".into(),
            columns: vec![column("id", true), column("v", true)],
            checks: vec![CheckMeta {
                name: "p_v_check".into(),
                expr: cmp(CmpOp::Lt, col(1), lit(i(100))),
            }],
            foreign_keys: vec![],
            referenced_by: vec![fk.clone()],
        },
        Some(vec![0]),
    );
    tables.create_table(
        TableMeta {
            oid: C,
            name: "c".into(),
            columns: vec![column("id", false), column("pid", false)],
            checks: vec![],
            foreign_keys: vec![fk],
            referenced_by: vec![],
        },
        None,
    );
    tables
}

fn table(oid: u32) -> TableRef {
    TableRef {
        oid,
        name: if oid == P { "p".into() } else { "c".into() },
    }
}

fn insert(oid: u32, rows: Vec<Vec<Value>>, returning: Vec<ScalarExpr>) -> Plan {
    let w = returning.len();
    plan(
        PlanNode::Insert {
            table: table(oid),
            input: Box::new(values(rows)),
            on_conflict: None,
            returning,
        },
        w,
    )
}

/// Scan with the row key as the last column.
fn scan_with_key(oid: u32, filter: Option<ScalarExpr>) -> Plan {
    plan(
        PlanNode::Scan {
            table: table(oid),
            access: Access::Full,
            filter,
            projection: Some(vec![0, 1, 2]),
            columns: None,
        },
        3,
    )
}

#[test]
fn insert_returning_and_not_null_and_check() {
    let mut tables = setup(FkAction::NoAction);
    let got = run_on(
        &mut tables,
        &insert(P, vec![vec![i(1), i(10)], vec![i(2), i(20)]], vec![col(0)]),
    )
    .unwrap();
    assert_eq!(got, vec![vec![i(1)], vec![i(2)]]);
    let err = run_on(&mut tables, &insert(P, vec![vec![i(3), N]], vec![])).unwrap_err();
    assert_eq!(err.code().as_str(), "23502");
    assert_eq!(
        err.message(),
        "null value in column \"v\" of relation \"p\" violates not-null constraint"
    );
    assert_eq!(err.detail(), Some("Failing row contains (3, null)."));
    let err = run_on(&mut tables, &insert(P, vec![vec![i(3), i(100)]], vec![])).unwrap_err();
    assert_eq!(err.code().as_str(), "23514");
    assert_eq!(
        err.message(),
        "new row for relation \"p\" violates check constraint \"p_v_check\""
    );
    assert_eq!(err.detail(), Some("Failing row contains (3, 100)."));
    let err = run_on(&mut tables, &insert(P, vec![vec![i(1), i(5)]], vec![])).unwrap_err();
    assert_eq!(err.code().as_str(), "23505");
    assert_eq!(err.detail(), Some("Key (id)=(1) already exists."));
    assert_eq!(tables.rows(P).len(), 2);
}

#[test]
fn foreign_keys_check_and_restrict() {
    let mut tables = setup(FkAction::Restrict);
    run_on(&mut tables, &insert(P, vec![vec![i(1), i(10)]], vec![])).unwrap();
    run_on(
        &mut tables,
        &insert(C, vec![vec![i(7), i(1)], vec![i(8), N]], vec![]),
    )
    .unwrap();
    let err = run_on(&mut tables, &insert(C, vec![vec![i(9), i(5)]], vec![])).unwrap_err();
    assert_eq!(err.code().as_str(), "23503");
    assert_eq!(
        err.message(),
        "insert or update on table \"c\" violates foreign key constraint \"c_pid_fkey\""
    );
    assert_eq!(
        err.detail(),
        Some("Key (pid)=(5) is not present in table \"p\".")
    );
    let delete = plan(
        PlanNode::Delete {
            table: table(P),
            input: Box::new(scan_with_key(P, None)),
            returning: vec![],
        },
        0,
    );
    let err = run_on(&mut tables, &delete).unwrap_err();
    assert_eq!(
        err.message(),
        "update or delete on table \"p\" violates foreign key constraint \"c_pid_fkey\" on table \"c\""
    );
    assert_eq!(
        err.detail(),
        Some("Key (id)=(1) is still referenced from table \"c\".")
    );
}

#[test]
fn cascade_set_null_and_update_cascade() {
    for (action, expected) in [
        (FkAction::Cascade, vec![vec![i(8), N]]),
        (FkAction::SetNull, vec![vec![i(7), N], vec![i(8), N]]),
    ] {
        let mut tables = setup(action);
        run_on(
            &mut tables,
            &insert(P, vec![vec![i(1), i(10)], vec![i(2), i(20)]], vec![]),
        )
        .unwrap();
        run_on(
            &mut tables,
            &insert(C, vec![vec![i(7), i(1)], vec![i(8), N]], vec![]),
        )
        .unwrap();
        let input = scan_with_key(P, Some(cmp(CmpOp::Eq, col(0), lit(i(1)))));
        let delete = plan(
            PlanNode::Delete {
                table: table(P),
                input: Box::new(input),
                returning: vec![col(1)],
            },
            1,
        );
        assert_eq!(run_on(&mut tables, &delete).unwrap(), vec![vec![i(10)]]);
        assert_eq!(tables.rows(C), expected, "{action:?}");
    }
    // ON UPDATE CASCADE: p.id 2 → 3 carries c.pid along.
    let mut tables = setup(FkAction::NoAction);
    run_on(&mut tables, &insert(P, vec![vec![i(2), i(20)]], vec![])).unwrap();
    run_on(&mut tables, &insert(C, vec![vec![i(7), i(2)]], vec![])).unwrap();
    let update = plan(
        PlanNode::Update {
            table: table(P),
            input: Box::new(scan_with_key(P, None)),
            assignments: vec![Assignment {
                column: 0,
                value: lit(i(3)),
            }]
            .into(),
            returning: vec![col(0), col(1)],
        },
        2,
    );
    assert_eq!(
        run_on(&mut tables, &update).unwrap(),
        vec![vec![i(3), i(20)]]
    );
    assert_eq!(tables.rows(C), vec![vec![i(7), i(3)]]);
}

#[test]
fn on_conflict_do_nothing_and_do_update() {
    let mut tables = setup(FkAction::NoAction);
    run_on(&mut tables, &insert(P, vec![vec![i(1), i(10)]], vec![])).unwrap();
    let nothing = plan(
        PlanNode::Insert {
            table: table(P),
            input: Box::new(values(vec![vec![i(1), i(11)], vec![i(2), i(22)]])),
            on_conflict: Some(OnConflict::Nothing { index: None }),
            returning: vec![col(0)],
        },
        1,
    );
    assert_eq!(run_on(&mut tables, &nothing).unwrap(), vec![vec![i(2)]]);
    // ON CONFLICT (id) DO UPDATE SET v = p.v + excluded.v WHERE excluded.v > 0
    let upsert = plan(
        PlanNode::Insert {
            table: table(P),
            input: Box::new(values(vec![vec![i(1), i(5)], vec![i(3), i(30)]])),
            on_conflict: Some(OnConflict::Update {
                index: 0,
                assignments: vec![Assignment {
                    column: 1,
                    value: ScalarExpr::Binary {
                        op: crate::types::BinaryOp::Add,
                        left: Box::new(col(1)),
                        right: Box::new(col(3)),
                        data_type: DataType::Int8,
                    },
                }],
                predicate: Some(cmp(CmpOp::Gt, col(3), lit(i(0)))),
            }),
            returning: vec![col(0), col(1)],
        },
        2,
    );
    assert_eq!(
        run_on(&mut tables, &upsert).unwrap(),
        vec![vec![i(1), i(15)], vec![i(3), i(30)]]
    );
    // The same row twice in one statement is an error (21000).
    let twice = plan(
        PlanNode::Insert {
            table: table(P),
            input: Box::new(values(vec![vec![i(1), i(1)], vec![i(1), i(2)]])),
            on_conflict: Some(OnConflict::Update {
                index: 0,
                assignments: vec![],
                predicate: None,
            }),
            returning: vec![],
        },
        0,
    );
    assert_eq!(
        run_on(&mut tables, &twice).unwrap_err().code().as_str(),
        "21000"
    );
}

#[test]
fn insert_select_from_the_same_table_sees_no_own_rows() {
    let mut tables = setup(FkAction::NoAction);
    run_on(
        &mut tables,
        &insert(C, vec![vec![i(1), N], vec![i(2), N]], vec![]),
    )
    .unwrap();
    let scan = plan(
        PlanNode::Scan {
            table: table(C),
            access: Access::Full,
            filter: None,
            projection: None,
            columns: None,
        },
        2,
    );
    let p = plan(
        PlanNode::Insert {
            table: table(C),
            input: Box::new(scan),
            on_conflict: None,
            returning: vec![],
        },
        0,
    );
    run_on(&mut tables, &p).unwrap();
    assert_eq!(tables.rows(C).len(), 4);
}

#[test]
fn primary_key_range_scan() {
    let mut tables = setup(FkAction::NoAction);
    let rows: Vec<Vec<Value>> = (1..=6).map(|k| vec![i(k), i(k * 10)]).collect();
    run_on(&mut tables, &insert(P, rows, vec![])).unwrap();
    let range = crate::plan::KeyRange {
        low: Some((vec![lit(i(2))], false)),
        high: Some((vec![lit(i(4))], true)),
    };
    let point = crate::plan::KeyRange {
        low: Some((vec![lit(i(6))], true)),
        high: Some((vec![lit(i(6))], true)),
    };
    let scan = plan(
        PlanNode::Scan {
            table: table(P),
            access: Access::PrimaryKey {
                ranges: vec![range, point].into(),
            },
            filter: None,
            projection: Some(vec![1]),
            columns: None,
        },
        1,
    );
    assert_eq!(
        run_on(&mut tables, &scan).unwrap(),
        vec![vec![i(30)], vec![i(40)], vec![i(60)]]
    );
}

#[test]
fn no_action_is_checked_at_the_end_of_the_statement() {
    // tree(id primary key, parent references tree(id)) with (1,NULL),(2,1),(3,2).
    const T: u32 = 200;
    let fk = ForeignKeyMeta {
        name: "tree_parent_fkey".into(),
        table: T,
        columns: vec![1],
        ref_table: T,
        ref_columns: vec![0],
        on_delete: FkAction::NoAction,
        on_update: FkAction::NoAction,
    };
    let mut tables = MemoryTables::new();
    tables.create_table(
        TableMeta {
            oid: T,
            name: "tree".into(),
            columns: vec![column("id", true), column("parent", false)],
            checks: vec![],
            foreign_keys: vec![fk.clone()],
            referenced_by: vec![fk],
        },
        Some(vec![0]),
    );
    let tree = TableRef {
        oid: T,
        name: "tree".into(),
    };
    let rows = vec![vec![i(1), N], vec![i(2), i(1)], vec![i(3), i(2)]];
    let ins = plan(
        PlanNode::Insert {
            table: tree.clone(),
            input: Box::new(values(rows)),
            on_conflict: None,
            returning: vec![],
        },
        0,
    );
    run_on(&mut tables, &ins).unwrap();
    let delete = |filter: Option<ScalarExpr>| {
        let mut input = plan(
            PlanNode::Scan {
                table: tree.clone(),
                access: Access::Full,
                filter,
                projection: Some(vec![0, 1, 2]),
                columns: None,
            },
            3,
        );
        input.schema.fields[2] = crate::plan::Field::new("ctid", DataType::Bytea);
        plan(
            PlanNode::Delete {
                table: tree.clone(),
                input: Box::new(input),
                returning: vec![],
            },
            0,
        )
    };
    // PostgreSQL 15: deleting only the root fails ...
    let err = run_on(
        &mut tables,
        &delete(Some(cmp(CmpOp::Eq, col(0), lit(i(1))))),
    )
    .unwrap_err();
    assert_eq!(err.message(), "update or delete on table \"tree\" violates foreign key constraint \"tree_parent_fkey\" on table \"tree\"");
    assert_eq!(
        err.detail(),
        Some("Key (id)=(1) is still referenced from table \"tree\".")
    );
    // ... (the caller rolls the statement back; the fake has no savepoints,
    // so put the root back) while deleting every row succeeds.
    let root = plan(
        PlanNode::Insert {
            table: tree.clone(),
            input: Box::new(values(vec![vec![i(1), N]])),
            on_conflict: None,
            returning: vec![],
        },
        0,
    );
    run_on(&mut tables, &root).unwrap();
    run_on(&mut tables, &delete(None)).unwrap();
    assert!(tables.rows(T).is_empty());
}
