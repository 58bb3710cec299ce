//! Rule: a Sort whose input already arrives in the order it asks for is
//! removed.
//!
//! `ORDER BY k` over rows that come sorted on `k` — a scan in primary-key
//! or index order, a merge join's left side, groups of a sorted aggregate
//! ([`sorted_on`]) — sorts nothing. The Sort goes when its keys are plain
//! columns, ascending with NULLs last, and the input's known order starts
//! with exactly those columns. The input's order within equal keys is the
//! order a stable sort would have kept, so the rows come out the same.

use super::ordering::sorted_on;
use super::{transform_up, OptContext};
use crate::plan::{Plan, PlanNode, ScalarExpr};

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |mut p| {
        let PlanNode::Sort {
            input,
            keys,
            limit: None,
        } = &mut p.node
        else {
            return p;
        };
        let wanted: Option<Vec<usize>> = keys
            .iter()
            .map(|k| match k.expr {
                ScalarExpr::Column(c) if !k.descending && !k.nulls_first => Some(c),
                _ => None,
            })
            .collect();
        let Some(wanted) = wanted else {
            return p;
        };
        if sorted_on(input, ctx.catalog).starts_with(&wanted) {
            let placeholder = Plan::new(PlanNode::Empty, Default::default());
            return std::mem::replace(&mut **input, placeholder);
        }
        p
    })
}
