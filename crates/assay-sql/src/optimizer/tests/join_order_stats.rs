//! `join_order` with ANALYZE statistics: the order follows them.

use super::*;
use crate::catalog::{ColumnStats, TableStats};

fn column(n_distinct: f64) -> ColumnStats {
    ColumnStats {
        null_frac: 0.0,
        n_distinct,
        most_common: vec![],
        histogram: vec![],
        avg_width: 4,
    }
}

fn stats(columns: Vec<ColumnStats>) -> TableStats {
    TableStats {
        row_count: 1000,
        columns,
    }
}

/// The tables of the join's leaves, in join order (left-deep).
fn leaf_tables(p: &Plan, out: &mut Vec<String>) {
    match &p.node {
        PlanNode::Join { left, right, .. } => {
            leaf_tables(left, out);
            leaf_tables(right, out);
        }
        PlanNode::Project { input, .. } | PlanNode::Filter { input, .. } => leaf_tables(input, out),
        PlanNode::Scan { table, .. } => out.push(table.name.clone()),
        _ => panic!("{p:?}"),
    }
}

/// FROM a, b, c WHERE a.k = b.x AND b.y = c.x, with `ab` the distinct
/// values of a.k and b.x, `bc` those of b.y and c.x; returns the order.
fn order_for(ab: f64, bc: f64) -> Vec<String> {
    let mut c_oid = 0;
    let (cat, a, b) = catalog_with(|cat, txn, a, b| {
        let cols = vec![
            crate::catalog::Column::new("x", DataType::Int4),
            crate::catalog::Column::new("y", DataType::Int4),
        ];
        c_oid = cat
            .create_table(txn, crate::catalog::PUBLIC_OID, "c", cols, false)
            .unwrap()
            .oid;
        cat.set_stats(txn, a, stats(vec![column(-1.0), column(ab), column(-1.0)]))
            .unwrap();
        cat.set_stats(txn, b, stats(vec![column(ab), column(bc)]))
            .unwrap();
        cat.set_stats(txn, c_oid, stats(vec![column(bc), column(-1.0)]))
            .unwrap();
    });
    let ctx = OptContext { catalog: &cat };
    let scan_c = scan(c_oid, "c", &[("x", DataType::Int4), ("y", DataType::Int4)]);
    // Columns: a 0-2, b 3-4, c 5-6.
    let from = join(join(scan_a(a), scan_b(b), None), scan_c, None);
    let pred = ScalarExpr::And(vec![
        cmp(CmpOp::Eq, col(1), col(3)),
        cmp(CmpOp::Eq, col(4), col(5)),
    ]);
    let p = optimize(filter(from, pred), &ctx).unwrap();
    let mut tables = Vec::new();
    leaf_tables(&p, &mut tables);
    tables
}

#[test]
fn the_selective_join_goes_first() {
    // a.k = b.x keeps 1 row in 1000 of a × b, b.y = c.x 1 in 10.
    let order = order_for(1000.0, 10.0);
    assert_eq!(order[2], "c", "{order:?}");
    // The statistics the other way round: b and c first, then a.
    let order = order_for(10.0, 1000.0);
    assert_eq!(order[2], "a", "{order:?}");
}
