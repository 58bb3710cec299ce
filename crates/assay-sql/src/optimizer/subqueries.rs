//! Subqueries inside expressions (scalar, EXISTS, IN/ANY/ALL, ARRAY) get
//! the same rules as the statement around them.
//!
//! The binder leaves a subquery's plan in its simplest form, like any
//! other: a correlated `EXISTS (SELECT … FROM t WHERE t.k = outer.k)` would
//! otherwise scan and filter all of `t` for every outer row, where an index
//! or key range on `t.k` reads only the matching rows. Outer references
//! are constants within one run of the subquery, so every rule applies to
//! them unchanged; the executor evaluates them when the subquery runs.

use assay_storage::Result;

use super::{optimize, transform_up, OptContext};
use crate::exec::walk::node_exprs_mut;
use crate::plan::{Plan, PlanNode, ScalarExpr};

/// Optimizes every subquery plan held by expressions in `plan`.
pub(super) fn apply(plan: Plan, ctx: &OptContext<'_>) -> Result<Plan> {
    let mut failure = None;
    let plan = transform_up(plan, &mut |mut node| {
        node_exprs_mut(&mut node.node, &mut |expr| {
            expr.visit_mut(&mut |e| {
                if let ScalarExpr::Subquery { plan, .. } = e {
                    let placeholder = Plan::new(PlanNode::Empty, Default::default());
                    let inner = std::mem::replace(&mut **plan, placeholder);
                    // On failure the statement fails: the placeholder left
                    // behind is never run.
                    match optimize(inner, ctx) {
                        Ok(better) => **plan = better,
                        Err(err) => {
                            failure.get_or_insert(err);
                        }
                    }
                }
            })
        });
        node
    });
    match failure {
        Some(err) => Err(err),
        None => Ok(plan),
    }
}
