//! `not_in`: plans before and after.

use super::*;
use crate::plan::SubqueryKind;

/// `a.id NOT IN (SELECT x::int8 FROM b [WHERE x IS NOT NULL])`.
fn not_in(a: u32, b: u32, x_tested: bool) -> Plan {
    let source = if x_tested {
        filter(
            scan_b(b),
            ScalarExpr::IsNull {
                expr: Box::new(col(0)),
                negated: true,
            },
        )
    } else {
        scan_b(b)
    };
    let sub = Plan::new(
        PlanNode::Project {
            input: Box::new(source),
            exprs: vec![ScalarExpr::Cast {
                expr: Box::new(col(0)),
                from: DataType::Int4,
                to: DataType::Int8,
            }],
        },
        Schema::new(vec![Field::new("x", DataType::Int8)]),
    );
    let predicate = ScalarExpr::Subquery {
        plan: Box::new(sub),
        kind: SubqueryKind::All {
            lhs: Box::new(col(0)),
            op: CmpOp::NotEq,
        },
        data_type: DataType::Bool,
    };
    filter(scan_a(a), predicate)
}

#[test]
fn not_in_over_non_null_columns_is_an_anti_join() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // a.id is the primary key; x is tested IS NOT NULL.
    let p = optimize(not_in(a, b, true), &ctx).unwrap();
    let PlanNode::Join {
        kind: JoinKind::Anti,
        algorithm: JoinAlgorithm::Hash { .. },
        ..
    } = &p.node
    else {
        panic!("{p:?}")
    };
    assert_eq!(p.schema.len(), 3);
}

#[test]
fn not_in_with_a_nullable_side_stays_a_subquery() {
    let (c, a, b) = catalog();
    let ctx = OptContext { catalog: &c };
    // b.x may be NULL: NOT IN is then never true, an anti join would be.
    let p = optimize(not_in(a, b, false), &ctx).unwrap();
    assert!(
        matches!(
            &p.node,
            PlanNode::Filter {
                predicate: ScalarExpr::Subquery { .. },
                ..
            }
        ),
        "{p:?}"
    );
}
