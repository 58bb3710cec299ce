//! `group_aggregate`: plans before and after.

use std::sync::Arc;

use super::*;
use crate::catalog::{ColumnStats, TableStats};
use crate::plan::AggCall;

fn count_star() -> AggCall {
    AggCall {
        func: Arc::new(crate::functions::lookup("count", &[]).unwrap()),
        args: vec![],
        distinct: false,
        filter: None,
        order_by: vec![],
        data_type: DataType::Int8,
    }
}

fn group(input: Plan, key: usize) -> Plan {
    let t = input.schema.fields[key].data_type.clone();
    let schema = Schema::new(vec![
        Field::new("k", t),
        Field::new("count", DataType::Int8),
    ]);
    Plan::new(
        PlanNode::Aggregate {
            input: Box::new(input),
            group_by: vec![col(key)],
            grouping_sets: None,
            aggregates: vec![count_star()],
            sorted: false,
        },
        schema,
    )
}

/// (sorted, the aggregate's input) of the plan's aggregate.
fn aggregate_of(p: &Plan) -> (bool, &Plan) {
    match &p.node {
        PlanNode::Aggregate { sorted, input, .. } => (*sorted, input),
        _ => panic!("not an aggregate: {p:?}"),
    }
}

fn explain(p: &Plan, c: &Catalog) -> String {
    crate::plan::explain_lines(p, Some(c), &Default::default(), None).join("\n")
}

#[test]
fn grouping_by_the_primary_key_streams_without_sorting() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let p = optimize(group(scan_a(a), 0), &ctx).unwrap();
    let (sorted, input) = aggregate_of(&p);
    assert!(sorted, "{p:?}");
    assert!(matches!(input.node, PlanNode::Scan { .. }));
    let text = explain(&p, &c);
    assert!(text.starts_with("GroupAggregate"), "{text}");
    assert!(text.contains("Group Key: id"), "{text}");
}

#[test]
fn few_groups_of_unsorted_input_hash() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    for p in [group(scan_a(a), 1), group(scan_b(b), 0)] {
        let p = optimize(p, &ctx).unwrap();
        let (sorted, _) = aggregate_of(&p);
        assert!(!sorted, "{p:?}");
        assert!(explain(&p, &c).starts_with("HashAggregate"));
    }
}

#[test]
fn more_groups_than_memory_sorts_first() {
    // ANALYZE saw a million rows of b, half of them distinct in x.
    let (c, _, b) = catalog_with(|c, txn, _, b| {
        let column = ColumnStats {
            null_frac: 0.0,
            n_distinct: -0.5,
            most_common: vec![],
            histogram: vec![],
            avg_width: 4,
        };
        let stats = TableStats {
            row_count: 1_000_000,
            columns: vec![column.clone(), column],
        };
        c.set_stats(txn, b, stats).unwrap();
    });
    let ctx = OptContext { catalog: &c };
    let p = optimize(group(scan_b(b), 0), &ctx).unwrap();
    let (sorted, input) = aggregate_of(&p);
    assert!(sorted, "{p:?}");
    assert!(
        matches!(&input.node, PlanNode::Sort { keys, .. } if matches!(keys[0].expr, ScalarExpr::Column(0))),
        "{input:?}"
    );
}

#[test]
fn a_merge_joins_left_order_feeds_grouping() {
    // SELECT a.id, count(*) FROM a JOIN a AS a2 ON a.id = a2.id GROUP BY a.id
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    let j = join(scan_a(a), scan_a(a), Some(cmp(CmpOp::Eq, col(0), col(3))));
    let p = optimize(group(j, 0), &ctx).unwrap();
    let (sorted, input) = aggregate_of(&p);
    assert!(sorted, "{p:?}");
    assert!(
        matches!(
            &input.node,
            PlanNode::Join {
                algorithm: JoinAlgorithm::Merge { .. },
                ..
            }
        ),
        "{input:?}"
    );
}

fn sort_on(input: Plan, column: usize, nulls_first: bool) -> Plan {
    let schema = input.schema.clone();
    Plan::new(
        PlanNode::Sort {
            input: Box::new(input),
            keys: vec![SortKey {
                expr: col(column),
                descending: false,
                nulls_first,
            }],
            limit: None,
        },
        schema,
    )
}

#[test]
fn a_sort_over_rows_already_in_its_order_goes() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // SELECT id, count(*) FROM a GROUP BY id ORDER BY id: nothing to sort.
    let p = optimize(sort_on(group(scan_a(a), 0), 0, false), &ctx).unwrap();
    assert!(
        matches!(p.node, PlanNode::Aggregate { sorted: true, .. }),
        "{p:?}"
    );
    // ORDER BY id NULLS FIRST, ORDER BY count and a hashed grouping keep
    // their sort.
    for p in [
        sort_on(group(scan_a(a), 0), 0, true),
        sort_on(group(scan_a(a), 0), 1, false),
        sort_on(group(scan_b(b), 0), 0, false),
    ] {
        let p = optimize(p, &ctx).unwrap();
        assert!(matches!(p.node, PlanNode::Sort { .. }), "{p:?}");
    }
}
