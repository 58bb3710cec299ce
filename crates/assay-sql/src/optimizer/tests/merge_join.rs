//! `merge_join`: plans before and after.

use super::*;
use crate::catalog::{ColumnStats, TableStats};

fn stats(rows: u64, columns: usize) -> TableStats {
    TableStats {
        row_count: rows,
        columns: vec![
            ColumnStats {
                null_frac: 0.0,
                n_distinct: -0.5,
                most_common: vec![],
                histogram: vec![],
                avg_width: 4,
            };
            columns
        ],
    }
}

fn algorithm(p: &Plan) -> &JoinAlgorithm {
    match &p.node {
        PlanNode::Join { algorithm, .. } => algorithm,
        PlanNode::Project { input, .. } | PlanNode::Filter { input, .. } => algorithm(input),
        _ => panic!("no join in {p:?}"),
    }
}

fn join_inputs(p: &Plan) -> (&Plan, &Plan) {
    match &p.node {
        PlanNode::Join { left, right, .. } => (left, right),
        _ => panic!("no join in {p:?}"),
    }
}

fn is_sort_on(p: &Plan, column: usize) -> bool {
    matches!(&p.node, PlanNode::Sort { keys, .. }
        if matches!(keys[..], [SortKey { expr: ScalarExpr::Column(c), descending: false, .. }] if c == column))
}

#[test]
fn inputs_in_primary_key_order_merge_without_sorting() {
    let (c, a, _) = catalog();
    let ctx = OptContext { catalog: &c };
    // a JOIN a AS a2 ON a.id = a2.id: both scans read the row tree in id order.
    let before = join(scan_a(a), scan_a(a), Some(cmp(CmpOp::Eq, col(0), col(3))));
    let hashed = hash_join::apply(before.clone());
    assert!(matches!(algorithm(&hashed), JoinAlgorithm::Hash { .. }));
    let after = optimize(before, &ctx).unwrap();
    let JoinAlgorithm::Merge {
        left_keys,
        right_keys,
    } = algorithm(&after)
    else {
        panic!("{after:?}")
    };
    assert!(matches!(left_keys[..], [ScalarExpr::Column(0)]));
    assert!(matches!(right_keys[..], [ScalarExpr::Column(0)]));
    let (l, r) = join_inputs(&after);
    assert!(matches!(l.node, PlanNode::Scan { .. }));
    assert!(matches!(r.node, PlanNode::Scan { .. }));
    let text = crate::plan::explain_lines(&after, Some(&c), &Default::default(), None).join("\n");
    assert!(text.contains("Merge Join"), "{text}");
    assert!(text.contains("Merge Cond: (id = id)"), "{text}");
}

#[test]
fn small_unordered_inputs_keep_hashing() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // a.k = b.x: neither side comes in k or x order, and b is small.
    let p = optimize(
        join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(1), col(3)))),
        &ctx,
    )
    .unwrap();
    assert!(matches!(algorithm(&p), JoinAlgorithm::Hash { .. }), "{p:?}");
}

#[test]
fn a_hash_table_past_the_memory_budget_sorts_and_merges() {
    // The same join once ANALYZE saw a million rows in both tables.
    let (c, a, b) = catalog_with(|c, txn, a, b| {
        c.set_stats(txn, a, stats(1_000_000, 3)).unwrap();
        c.set_stats(txn, b, stats(1_000_000, 2)).unwrap();
    });
    let ctx = OptContext { catalog: &c };
    let p = optimize(
        join(scan_a(a), scan_b(b), Some(cmp(CmpOp::Eq, col(1), col(3)))),
        &ctx,
    )
    .unwrap();
    let JoinAlgorithm::Merge {
        left_keys,
        right_keys,
    } = algorithm(&p)
    else {
        panic!("{p:?}")
    };
    let (l, r) = join_inputs(&p);
    let (lk, rk) = (&left_keys[0], &right_keys[0]);
    let (ScalarExpr::Column(lk), ScalarExpr::Column(rk)) = (lk, rk) else {
        panic!("{p:?}")
    };
    assert!(is_sort_on(l, *lk), "{l:?}");
    assert!(is_sort_on(r, *rk), "{r:?}");
}

#[test]
fn a_side_already_in_key_order_is_not_sorted_again() {
    // a.id = b.y with b huge: a comes in id order, only b is sorted.
    let (c, a, b) = catalog_with(|c, txn, _, b| {
        c.set_stats(txn, b, stats(1_000_000, 2)).unwrap();
    });
    let ctx = OptContext { catalog: &c };
    let b8 = scan(b, "b", &[("x", DataType::Int8), ("y", DataType::Int8)]);
    let p = optimize(
        join(scan_a(a), b8, Some(cmp(CmpOp::Eq, col(0), col(4)))),
        &ctx,
    )
    .unwrap();
    assert!(
        matches!(algorithm(&p), JoinAlgorithm::Merge { .. }),
        "{p:?}"
    );
    let (l, r) = join_inputs(&p);
    let (scan_side, sorted_side) = match &l.node {
        PlanNode::Scan { .. } => (l, r),
        _ => (r, l),
    };
    assert!(matches!(scan_side.node, PlanNode::Scan { .. }), "{p:?}");
    assert!(matches!(sorted_side.node, PlanNode::Sort { .. }), "{p:?}");
}
