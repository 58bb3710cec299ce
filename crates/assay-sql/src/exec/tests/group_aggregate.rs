//! Sorted (group) aggregation against hash aggregation: the same groups
//! and values, with FILTER, DISTINCT, ORDER BY inside calls and NULL keys.

use super::fixtures::*;
use crate::plan::{AggCall, CmpOp, Plan, PlanNode, ScalarExpr};
use crate::types::DataType;

fn agg(func: std::sync::Arc<crate::functions::Resolved>, args: Vec<ScalarExpr>) -> AggCall {
    AggCall {
        func,
        args,
        distinct: false,
        filter: None,
        order_by: vec![],
        data_type: DataType::Int8,
    }
}

fn calls() -> Vec<AggCall> {
    let mut distinct = agg(count(), vec![col(1)]);
    distinct.distinct = true;
    let mut filtered = agg(sum(), vec![col(1)]);
    filtered.filter = Some(cmp(CmpOp::Gt, col(1), lit(i(2))));
    let mut ordered = agg(string_agg(), vec![col(2)]);
    ordered.order_by = vec![desc(col(2))];
    vec![agg(count(), vec![]), distinct, filtered, ordered]
}

/// (g, n, s) rows: groups 1, 2, 5 and NULL, duplicates within groups.
fn input() -> Plan {
    values(vec![
        vec![i(2), i(3), t("b")],
        vec![N, i(1), t("x")],
        vec![i(1), i(1), t("a")],
        vec![i(2), i(3), t("c")],
        vec![i(5), i(4), t("d")],
        vec![i(1), i(2), t("e")],
        vec![N, i(7), t("y")],
        vec![i(2), i(9), t("f")],
    ])
}

fn aggregate(input: Plan, sorted: bool) -> Plan {
    plan(
        PlanNode::Aggregate {
            input: Box::new(input),
            group_by: vec![col(0)],
            grouping_sets: None,
            aggregates: calls(),
            sorted,
        },
        5,
    )
}

#[test]
fn sorted_groups_match_hashed_groups() {
    let hashed = run(&aggregate(input(), false)).unwrap();
    let streamed = run(&aggregate(sort(input(), vec![asc(col(0))]), true)).unwrap();
    assert_eq!(streamed.len(), 4);
    // Sorted groups come out in key order, NULL last.
    let keys: Vec<_> = streamed.iter().map(|r| r[0].clone()).collect();
    assert_eq!(keys, vec![i(1), i(2), i(5), N]);
    assert_eq!(sorted(streamed), sorted(hashed));
}

#[test]
fn group_two_values() {
    let streamed = run(&aggregate(sort(input(), vec![asc(col(0))]), true)).unwrap();
    assert_eq!(streamed[1], vec![i(2), i(3), i(2), i(15), t("f,c,b")]);
    assert_eq!(streamed[3], vec![N, i(2), i(2), i(7), t("y,x")]);
}

#[test]
fn no_input_no_groups() {
    let p = aggregate(plan(PlanNode::Empty, 3), true);
    assert!(run(&p).unwrap().is_empty());
}
