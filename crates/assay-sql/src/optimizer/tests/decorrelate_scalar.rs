//! `decorrelate_scalar`: plans before and after.

use std::sync::Arc;

use super::*;
use crate::plan::{AggCall, SubqueryKind};

fn aggregate_of(input: Plan, name: &str, args: Vec<ScalarExpr>, types: &[DataType]) -> Plan {
    let func = Arc::new(crate::functions::lookup(name, types).unwrap());
    let t = func.return_type.clone();
    Plan::new(
        PlanNode::Aggregate {
            input: Box::new(input),
            group_by: vec![],
            grouping_sets: None,
            aggregates: vec![AggCall {
                func,
                args,
                distinct: false,
                filter: None,
                order_by: vec![],
                data_type: t.clone(),
            }],
            sorted: false,
        },
        Schema::new(vec![Field::new(name, t)]),
    )
}

/// SELECT a.id, (SELECT agg FROM b WHERE b.x = a.k [AND b.y > 1]) FROM a
fn select_with(sub: Plan, t: DataType) -> Plan {
    let value = ScalarExpr::Subquery {
        plan: Box::new(sub),
        kind: SubqueryKind::Scalar,
        data_type: t.clone(),
    };
    Plan::new(
        PlanNode::Project {
            input: Box::new(scan_a(0)),
            exprs: vec![col(0), value],
        },
        Schema::new(vec![Field::new("id", DataType::Int8), Field::new("v", t)]),
    )
}

fn correlated_b(b: u32) -> Plan {
    filter(
        scan_b(b),
        ScalarExpr::And(vec![
            cmp(CmpOp::Eq, col(0), ScalarExpr::Outer { depth: 1, index: 1 }),
            cmp(CmpOp::Gt, col(1), int(1)),
        ]),
    )
}

fn with_table(mut p: Plan, a: u32) -> Plan {
    if let PlanNode::Project { input, .. } = &mut p.node {
        **input = scan_a(a);
    }
    p
}

#[test]
fn a_correlated_count_becomes_a_left_join_with_groups() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let sub = aggregate_of(correlated_b(b), "count", vec![], &[]);
    let before = with_table(select_with(sub, DataType::Int8), a);
    let after = optimize(before, &ctx).unwrap();
    let PlanNode::Project { input, exprs } = &after.node else {
        panic!("{after:?}")
    };
    // count over no rows is 0: coalesce(count, 0).
    assert!(
        matches!(&exprs[1], ScalarExpr::Coalesce { args, .. } if matches!(args[0], ScalarExpr::Column(4))),
        "{:?}",
        exprs[1]
    );
    let PlanNode::Join {
        kind: JoinKind::Left,
        right,
        ..
    } = &input.node
    else {
        panic!("{input:?}")
    };
    let PlanNode::Aggregate {
        group_by,
        input: grouped,
        ..
    } = &right.node
    else {
        panic!("{right:?}")
    };
    assert!(matches!(group_by[..], [ScalarExpr::Column(0)]));
    // The local conjunct stays below the grouping.
    assert!(
        matches!(
            &grouped.node,
            PlanNode::Scan {
                filter: Some(_),
                ..
            }
        ),
        "{grouped:?}"
    );
}

#[test]
fn other_aggregates_read_null_when_no_group_matches() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let sub = aggregate_of(correlated_b(b), "sum", vec![col(1)], &[DataType::Int4]);
    let after = optimize(with_table(select_with(sub, DataType::Int8), a), &ctx).unwrap();
    let PlanNode::Project { exprs, .. } = &after.node else {
        panic!("{after:?}")
    };
    assert!(matches!(exprs[1], ScalarExpr::Column(4)), "{:?}", exprs[1]);
}

#[test]
fn a_link_that_is_not_an_equality_stays_a_subquery() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    let sub = aggregate_of(
        filter(
            scan_b(b),
            cmp(CmpOp::Lt, col(0), ScalarExpr::Outer { depth: 1, index: 1 }),
        ),
        "count",
        vec![],
        &[],
    );
    let after = optimize(with_table(select_with(sub, DataType::Int8), a), &ctx).unwrap();
    let PlanNode::Project { exprs, .. } = &after.node else {
        panic!("{after:?}")
    };
    assert!(matches!(exprs[1], ScalarExpr::Subquery { .. }));
}
