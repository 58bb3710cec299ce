//! Each rule's plan before and after, on a catalog with two tables:
//! `a (id int8 primary key, k int4, name text)` with an index on `k`, and
//! `b (x int4, y int4)`.

use assay_storage::vfs::MemoryVfs;
use assay_storage::{Pager, PagerOptions, TxnMode};

use super::*;
use crate::catalog::{Column, IndexDef, IndexExpr, IndexPart, KeyOrder, PUBLIC_OID};
use crate::plan::{
    Access, CmpOp, Field, JoinAlgorithm, JoinKind, PlanNode, ScalarExpr, Schema, SortKey, TableRef,
};
use crate::table::ColumnsOnly;
use crate::types::{DataType, Value};

mod decorrelate_scalar;
mod fold_constants;
mod group_aggregate;
mod join_order_stats;
mod merge_join;
mod not_in;

fn catalog() -> (Catalog, u32, u32) {
    catalog_with(|_, _, _, _| {})
}

/// The test catalog, with `extra` run in its creating transaction (to add
/// statistics or tables).
fn catalog_with(
    extra: impl FnOnce(&mut Catalog, &mut assay_storage::Transaction, u32, u32),
) -> (Catalog, u32, u32) {
    let pager = Pager::open(&MemoryVfs::new(), "db", PagerOptions::default()).unwrap();
    let mut txn = pager.begin(TxnMode::Immediate).unwrap();
    let mut c = Catalog::bootstrap();
    let cols = vec![
        Column::new("id", DataType::Int8),
        Column::new("k", DataType::Int4),
        Column::new("name", DataType::Text),
    ];
    let a = c
        .create_table(&mut txn, PUBLIC_OID, "a", cols, false)
        .unwrap()
        .oid;
    c.add_primary_key(&mut txn, a, None, &[0]).unwrap();
    let part = IndexPart {
        expr: IndexExpr::Column(1),
        order: KeyOrder::ASC,
    };
    let def = IndexDef {
        name: None,
        unique: false,
        parts: vec![part],
        include: vec![],
        predicate: None,
    };
    c.create_index(&mut txn, a, def, &mut ColumnsOnly).unwrap();
    let cols = vec![
        Column::new("x", DataType::Int4),
        Column::new("y", DataType::Int4),
    ];
    let b = c
        .create_table(&mut txn, PUBLIC_OID, "b", cols, false)
        .unwrap()
        .oid;
    extra(&mut c, &mut txn, a, b);
    (c, a, b)
}

fn scan(oid: u32, name: &str, fields: &[(&str, DataType)]) -> Plan {
    let schema = Schema::new(
        fields
            .iter()
            .map(|(n, t)| Field::new(*n, t.clone()))
            .collect(),
    );
    let table = TableRef {
        oid,
        name: name.into(),
    };
    Plan::new(
        PlanNode::Scan {
            table,
            access: Access::Full,
            filter: None,
            projection: None,
            columns: None,
        },
        schema,
    )
}

fn scan_a(oid: u32) -> Plan {
    scan(
        oid,
        "a",
        &[
            ("id", DataType::Int8),
            ("k", DataType::Int4),
            ("name", DataType::Text),
        ],
    )
}

fn scan_b(oid: u32) -> Plan {
    scan(oid, "b", &[("x", DataType::Int4), ("y", DataType::Int4)])
}

fn int(v: i32) -> ScalarExpr {
    ScalarExpr::constant(Value::Int4(v), DataType::Int4)
}

fn big(v: i64) -> ScalarExpr {
    ScalarExpr::constant(Value::Int8(v), DataType::Int8)
}

fn cmp(op: CmpOp, l: ScalarExpr, r: ScalarExpr) -> ScalarExpr {
    ScalarExpr::Compare {
        op,
        left: Box::new(l),
        right: Box::new(r),
    }
}

fn col(i: usize) -> ScalarExpr {
    ScalarExpr::Column(i)
}

fn filter(input: Plan, predicate: ScalarExpr) -> Plan {
    let schema = input.schema.clone();
    Plan::new(
        PlanNode::Filter {
            input: Box::new(input),
            predicate,
        },
        schema,
    )
}

fn join(l: Plan, r: Plan, condition: Option<ScalarExpr>) -> Plan {
    let schema = l.schema.concat(&r.schema);
    let node = PlanNode::Join {
        left: Box::new(l),
        right: Box::new(r),
        kind: JoinKind::Inner,
        condition,
        algorithm: JoinAlgorithm::NestedLoop,
        lateral: false,
    };
    Plan::new(node, schema)
}

#[test]
fn filters_move_into_scans_and_join_conditions() {
    let (_, a, b) = catalog();
    // WHERE a.k = 1 AND b.y = 2 AND a.k = b.x  over  a × b
    let pred = ScalarExpr::And(vec![
        cmp(CmpOp::Eq, col(1), int(1)),
        cmp(CmpOp::Eq, col(4), int(2)),
        cmp(CmpOp::Eq, col(1), col(3)),
    ]);
    let before = filter(join(scan_a(a), scan_b(b), None), pred);
    let after = pushdown_filter::apply(before);
    let PlanNode::Join {
        left,
        right,
        condition,
        ..
    } = &after.node
    else {
        panic!("{after:?}")
    };
    assert!(
        matches!(condition, Some(ScalarExpr::Compare { op: CmpOp::Eq, .. })),
        "{condition:?}"
    );
    let PlanNode::Scan {
        filter: Some(lf), ..
    } = &left.node
    else {
        panic!("{left:?}")
    };
    assert!(
        matches!(lf, ScalarExpr::Compare { left, .. } if matches!(**left, ScalarExpr::Column(1)))
    );
    // The right-side conjunct is renumbered to the right input's columns.
    let PlanNode::Scan {
        filter: Some(rf), ..
    } = &right.node
    else {
        panic!("{right:?}")
    };
    assert!(
        matches!(rf, ScalarExpr::Compare { left, .. } if matches!(**left, ScalarExpr::Column(1))),
        "{rf:?}"
    );
}

#[test]
fn a_left_join_keeps_right_side_filters_above_it() {
    let (_, a, b) = catalog();
    let mut j = join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(1), col(3))));
    if let PlanNode::Join { kind, .. } = &mut j.node {
        *kind = JoinKind::Left;
    }
    let before = filter(
        j,
        ScalarExpr::IsNull {
            expr: Box::new(col(4)),
            negated: false,
        },
    );
    let after = pushdown_filter::apply(before);
    assert!(matches!(after.node, PlanNode::Filter { .. }), "{after:?}");
}

fn access_of(plan: &Plan) -> &Access {
    match &plan.node {
        PlanNode::Scan { access, .. } => access,
        other => panic!("{other:?}"),
    }
}

#[test]
fn point_and_range_predicates_choose_keys() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    // id = 5 → the primary key, one point.
    let p = optimize(filter(scan_a(a), cmp(CmpOp::Eq, col(0), big(5))), &ctx).unwrap();
    assert!(matches!(access_of(&p), Access::PrimaryKey { ranges } if ranges.len() == 1));
    // 3 < id AND id <= 9 → one primary-key range with both bounds.
    let pred = ScalarExpr::And(vec![
        cmp(CmpOp::Lt, big(3), col(0)),
        cmp(CmpOp::LtEq, col(0), big(9)),
    ]);
    let p = optimize(filter(scan_a(a), pred), &ctx).unwrap();
    let Access::PrimaryKey { ranges } = access_of(&p) else {
        panic!("{p:?}")
    };
    assert!(matches!(&ranges[0].low, Some((v, false)) if v.len() == 1));
    assert!(matches!(&ranges[0].high, Some((v, true)) if v.len() == 1));
    // k IN (1, 2) → the index on k, two points.
    let pred = ScalarExpr::InList {
        expr: Box::new(col(1)),
        list: vec![int(1), int(2)],
        negated: false,
    };
    let p = optimize(filter(scan_a(a), pred), &ctx).unwrap();
    assert!(
        matches!(access_of(&p), Access::Index { ranges, name, .. } if ranges.len() == 2 && name == "a_k_idx")
    );
    // An integer of another width still uses the key; text does not.
    let p = optimize(filter(scan_a(a), cmp(CmpOp::Eq, col(0), int(5))), &ctx).unwrap();
    assert!(matches!(access_of(&p), Access::PrimaryKey { .. }));
    let text = ScalarExpr::constant(Value::Text("x".into()), DataType::Text);
    let p = optimize(filter(scan_a(a), cmp(CmpOp::Eq, col(2), text)), &ctx).unwrap();
    assert!(matches!(access_of(&p), Access::Full));
    // A comparison between two columns of the row is no key.
    let p = optimize(filter(scan_a(a), cmp(CmpOp::Eq, col(0), col(1))), &ctx).unwrap();
    assert!(matches!(access_of(&p), Access::Full));
}

#[test]
fn equi_joins_hash() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let p = optimize(
        join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(3), col(1)))),
        &ctx,
    )
    .unwrap();
    let PlanNode::Join {
        algorithm: JoinAlgorithm::Hash {
            left_keys,
            right_keys,
        },
        ..
    } = &p.node
    else {
        panic!("{p:?}")
    };
    assert!(matches!(left_keys[..], [ScalarExpr::Column(1)]));
    assert!(matches!(right_keys[..], [ScalarExpr::Column(0)]));
    // int8 = int4 is no hash key (the values would hash apart).
    let p = optimize(
        join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(0), col(3)))),
        &ctx,
    )
    .unwrap();
    assert!(matches!(
        &p.node,
        PlanNode::Join {
            algorithm: JoinAlgorithm::NestedLoop,
            ..
        }
    ));
}

#[test]
fn sort_then_limit_becomes_top_n() {
    let (_, a, _) = catalog();
    let input = scan_a(a);
    let schema = input.schema.clone();
    let key = SortKey {
        expr: col(2),
        descending: false,
        nulls_first: false,
    };
    let sort = Plan::new(
        PlanNode::Sort {
            input: Box::new(input),
            keys: vec![key],
            limit: None,
        },
        schema.clone(),
    );
    let limit = PlanNode::Limit {
        input: Box::new(sort),
        limit: Some(big(10)),
        offset: Some(big(5)),
        with_ties: vec![],
    };
    let p = top_n::apply(Plan::new(limit, schema));
    let PlanNode::Limit { input, .. } = &p.node else {
        panic!()
    };
    assert!(matches!(
        input.node,
        PlanNode::Sort {
            limit: Some(15),
            ..
        }
    ));
}

fn columns_of(exprs: &[ScalarExpr]) -> Vec<usize> {
    exprs
        .iter()
        .map(|e| match e {
            ScalarExpr::Column(i) => *i,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn joins_start_small_and_follow_conjuncts() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // FROM b, a, a AS a2 WHERE a.id = 5 AND a.k = a2.k AND a2.id = b.y:
    // as written, b × a is a cross product. Columns: b 0-1, a 2-4, a2 5-7.
    let from = join(join(scan_b(b), scan_a(a), None), scan_a(a), None);
    let pred = ScalarExpr::And(vec![
        cmp(CmpOp::Eq, col(2), big(5)),
        cmp(CmpOp::Eq, col(3), col(6)),
        cmp(CmpOp::Eq, col(5), col(1)),
    ]);
    let before = pushdown_filter::apply(filter(from, pred));
    let after = join_order::apply(before, &ctx);
    // a (one row by its key) joins a2 through a.k = a2.k — with a on the
    // build (right) side, the cheaper way round — then b.
    let PlanNode::Project { input, exprs } = &after.node else {
        panic!("{after:?}")
    };
    assert_eq!(columns_of(exprs), [6, 7, 3, 4, 5, 0, 1, 2]);
    let PlanNode::Join {
        left,
        right,
        condition: Some(top),
        ..
    } = &input.node
    else {
        panic!("{input:?}")
    };
    assert!(matches!(&right.node, PlanNode::Scan { table, .. } if table.oid == b));
    assert!(
        matches!(top, ScalarExpr::Compare { left, right, .. }
            if matches!(**left, ScalarExpr::Column(0)) && matches!(**right, ScalarExpr::Column(7))),
        "{top:?}"
    );
    let PlanNode::Join {
        right: one_row,
        condition: Some(lower),
        ..
    } = &left.node
    else {
        panic!("{left:?}")
    };
    assert!(matches!(
        &one_row.node,
        PlanNode::Scan {
            filter: Some(_),
            ..
        }
    ));
    assert!(
        matches!(lower, ScalarExpr::Compare { left, right, .. }
            if matches!(**left, ScalarExpr::Column(4)) && matches!(**right, ScalarExpr::Column(1))),
        "{lower:?}"
    );
    // The whole pipeline keeps the output columns.
    let from = join(join(scan_b(b), scan_a(a), None), scan_a(a), None);
    let p = optimize(from, &ctx).unwrap();
    assert_eq!(p.schema.len(), 8);
}

#[test]
fn two_inputs_keep_their_order() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let before = join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(1), col(3))));
    let after = join_order::apply(before, &ctx);
    let PlanNode::Join { left, .. } = &after.node else {
        panic!("{after:?}")
    };
    assert!(matches!(&left.node, PlanNode::Scan { table, .. } if table.oid == a));
}

fn exists(plan: Plan) -> ScalarExpr {
    ScalarExpr::Subquery {
        plan: Box::new(plan),
        kind: crate::plan::SubqueryKind::Exists,
        data_type: DataType::Bool,
    }
}

fn outer(index: usize) -> ScalarExpr {
    ScalarExpr::Outer { depth: 1, index }
}

#[test]
fn correlated_exists_becomes_a_hashed_semi_join() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // a WHERE EXISTS (SELECT FROM b WHERE b.x = a.k AND b.y > 1)
    let sub = filter(
        scan_b(b),
        ScalarExpr::And(vec![
            cmp(CmpOp::Eq, col(0), outer(1)),
            cmp(CmpOp::Gt, col(1), int(1)),
        ]),
    );
    let p = optimize(filter(scan_a(a), exists(sub.clone())), &ctx).unwrap();
    let PlanNode::Join {
        kind: JoinKind::Semi,
        algorithm: JoinAlgorithm::Hash {
            left_keys,
            right_keys,
        },
        right,
        ..
    } = &p.node
    else {
        panic!("{p:?}")
    };
    assert!(matches!(left_keys[..], [ScalarExpr::Column(1)]));
    assert!(matches!(right_keys[..], [ScalarExpr::Column(0)]));
    // The uncorrelated conjunct stays with the subquery's rows.
    assert!(matches!(
        &right.node,
        PlanNode::Scan {
            filter: Some(_),
            ..
        }
    ));
    assert_eq!(p.schema.len(), 3);
    // NOT EXISTS: an anti join.
    let p = optimize(
        filter(scan_a(a), ScalarExpr::Not(Box::new(exists(sub)))),
        &ctx,
    )
    .unwrap();
    assert!(matches!(
        &p.node,
        PlanNode::Join {
            kind: JoinKind::Anti,
            ..
        }
    ));
    // A link two levels out comes one level in with the join.
    let far = filter(
        scan_b(b),
        cmp(CmpOp::Eq, col(0), ScalarExpr::Outer { depth: 2, index: 1 }),
    );
    let p = optimize(filter(scan_a(a), exists(far)), &ctx).unwrap();
    let PlanNode::Join {
        kind: JoinKind::Semi,
        condition: Some(ScalarExpr::Compare { left, right, .. }),
        ..
    } = &p.node
    else {
        panic!("{p:?}")
    };
    assert!(matches!(**left, ScalarExpr::Column(3)));
    assert!(matches!(**right, ScalarExpr::Outer { depth: 1, index: 1 }));
}

fn scan_columns(plan: &Plan) -> Option<Vec<usize>> {
    match &plan.node {
        PlanNode::Scan { columns, .. } => columns.clone(),
        _ => panic!("not a scan: {plan:?}"),
    }
}

fn project(input: Plan, exprs: Vec<ScalarExpr>) -> Plan {
    let fields = exprs
        .iter()
        .enumerate()
        .map(|(i, _)| Field::new(format!("c{i}"), DataType::Int8))
        .collect();
    Plan::new(
        PlanNode::Project {
            input: Box::new(input),
            exprs,
        },
        Schema::new(fields),
    )
}

#[test]
fn scans_decode_only_the_columns_read_above_them() {
    let (_, a, b) = catalog();
    // SELECT b.y FROM a JOIN b ON a.k = b.x WHERE a.id > 1
    let mut a_scan = scan_a(a);
    if let PlanNode::Scan { filter, .. } = &mut a_scan.node {
        *filter = Some(cmp(CmpOp::Gt, col(0), big(1)));
    }
    let mut j = join(a_scan, scan_b(b), None);
    if let PlanNode::Join { algorithm, .. } = &mut j.node {
        *algorithm = JoinAlgorithm::Hash {
            left_keys: vec![col(1)],
            right_keys: vec![col(0)],
        };
    }
    let before = project(j, vec![col(4)]);
    let after = prune_columns::apply(before);
    let PlanNode::Project { input, .. } = &after.node else {
        panic!("{after:?}")
    };
    let PlanNode::Join { left, right, .. } = &input.node else {
        panic!("{input:?}")
    };
    // a: the filter's id and the key k, not name; b: the key x and y.
    assert_eq!(scan_columns(left), Some(vec![0, 1]));
    assert_eq!(scan_columns(right), Some(vec![0, 1]));
}

#[test]
fn whole_rows_and_subqueries_keep_every_column() {
    let (_, a, b) = catalog();
    // The plan's own output needs all of a scan's columns.
    assert_eq!(
        scan_columns(&prune_columns::apply(scan_a(a))),
        Some(vec![0, 1, 2])
    );
    // A projection with a subquery may read any column through it.
    let sub = exists(scan_b(b));
    let after = prune_columns::apply(project(scan_a(a), vec![col(1), sub]));
    let PlanNode::Project { input, .. } = &after.node else {
        panic!("{after:?}")
    };
    assert_eq!(scan_columns(input), Some(vec![0, 1, 2]));
    // A projected scan maps output columns to table columns.
    let mut narrow = scan_a(a);
    if let PlanNode::Scan { projection, .. } = &mut narrow.node {
        *projection = Some(vec![2, 1]);
    }
    narrow.schema = Schema::new(vec![
        Field::new("name", DataType::Text),
        Field::new("k", DataType::Int4),
    ]);
    let after = prune_columns::apply(project(narrow, vec![col(1)]));
    let PlanNode::Project { input, .. } = &after.node else {
        panic!("{after:?}")
    };
    assert_eq!(scan_columns(input), Some(vec![1]));
}

fn index_only(p: &Plan) -> Option<bool> {
    let PlanNode::Project { input, .. } = &p.node else {
        panic!("{p:?}")
    };
    match &input.node {
        PlanNode::Scan {
            access: Access::Index { only, .. },
            ..
        } => Some(*only),
        _ => None,
    }
}

#[test]
fn a_query_of_indexed_columns_only_reads_the_index() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let k_between = || {
        ScalarExpr::And(vec![
            cmp(CmpOp::GtEq, col(1), int(3)),
            cmp(CmpOp::LtEq, col(1), int(5)),
        ])
    };
    // SELECT k FROM a WHERE k BETWEEN 3 AND 5: before the rule, an index
    // scan that fetches each row; after it, only k, which the index holds.
    let plan = project(filter(scan_a(a), k_between()), vec![col(1)]);
    let before = select_access::apply(pushdown_filter::apply(plan), &ctx);
    assert_eq!(index_only(&before), Some(false));
    let after = index_only::apply(before, &c);
    assert_eq!(index_only(&after), Some(true));
    let p = optimize(project(filter(scan_a(a), k_between()), vec![col(1)]), &ctx).unwrap();
    assert_eq!(index_only(&p), Some(true));
    // SELECT name …: the row is needed.
    let p = optimize(project(filter(scan_a(a), k_between()), vec![col(2)]), &ctx).unwrap();
    assert_eq!(index_only(&p), Some(false));
    // SELECT k … WHERE k BETWEEN 3 AND 5 AND name = 'x': the filter reads name.
    let text = ScalarExpr::constant(Value::Text("x".into()), DataType::Text);
    let pred = ScalarExpr::And(vec![k_between(), cmp(CmpOp::Eq, col(2), text)]);
    let p = optimize(project(filter(scan_a(a), pred), vec![col(1)]), &ctx).unwrap();
    assert_eq!(index_only(&p), Some(false));
    // SELECT id …: the primary key is not among the index's parts.
    let p = optimize(project(filter(scan_a(a), k_between()), vec![col(0)]), &ctx).unwrap();
    assert_eq!(index_only(&p), Some(false));
}
