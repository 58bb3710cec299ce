//! Rule: a join whose condition has equalities between its two sides
//! hashes the right side on those keys instead of nesting loops.
//!
//! Each conjunct `l = r` with `l` over the left columns only and `r` over
//! the right only (or the reverse), of the same type, becomes a key pair.
//! The whole condition stays on the join, so the executor still checks any
//! other conjuncts for the rows the hash table matches.

use super::expr_util::{column_span, conjuncts, expr_type, has_subquery, map_columns};
use super::transform_up;
use crate::plan::{CmpOp, JoinAlgorithm, Plan, PlanNode, ScalarExpr};

pub fn apply(plan: Plan) -> Plan {
    transform_up(plan, &mut |mut p| {
        if let PlanNode::Join {
            left,
            right,
            condition: Some(condition),
            algorithm,
            lateral: false,
            ..
        } = &mut p.node
        {
            if !matches!(algorithm, JoinAlgorithm::NestedLoop) {
                return p;
            }
            let width = left.schema.len();
            let joined = left.schema.concat(&right.schema);
            let (mut left_keys, mut right_keys) = (Vec::new(), Vec::new());
            for c in conjuncts(condition.clone()) {
                let ScalarExpr::Compare {
                    op: CmpOp::Eq,
                    left: a,
                    right: b,
                } = c
                else {
                    continue;
                };
                if has_subquery(&a) || has_subquery(&b) {
                    continue;
                }
                let side = |e: &ScalarExpr| match column_span(e) {
                    Some((_, hi)) if hi < width => Some(true),
                    Some((lo, _)) if lo >= width => Some(false),
                    _ => None,
                };
                let (l, mut r) = match (side(&a), side(&b)) {
                    (Some(true), Some(false)) => (*a, *b),
                    (Some(false), Some(true)) => (*b, *a),
                    _ => continue,
                };
                let (lt, rt) = (expr_type(&l, &joined), expr_type(&r, &joined));
                if lt.is_none() || lt != rt {
                    continue;
                }
                map_columns(&mut r, &|i| i - width);
                left_keys.push(l);
                right_keys.push(r);
            }
            if !left_keys.is_empty() {
                *algorithm = JoinAlgorithm::Hash {
                    left_keys,
                    right_keys,
                };
            }
        }
        p
    })
}
