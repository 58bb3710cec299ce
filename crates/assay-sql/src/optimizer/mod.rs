//! The optimizer: rewrite rules over [`Plan`]s, one rule per file.
//!
//! The binder builds plans in the simplest form that is correct: scans of
//! whole tables, filters above them, joins as nested loops in FROM order.
//! [`optimize`] applies, in order:
//!
//! 0. [`fold_constants`]: operators and immutable functions over
//!    constants become their values, boolean logic simplifies, and a
//!    filter that is constant false leaves an empty node (nothing read).
//! 1. [`decorrelate_scalar`]: a correlated aggregate subquery in a select
//!    list becomes a left join with the subquery grouped by its links.
//! 2. [`decorrelate`]: `EXISTS`, `NOT EXISTS` and `IN` subqueries in
//!    filters become semi and anti joins.
//! 3. [`not_in`]: `x NOT IN (SELECT y …)` with neither side nullable
//!    becomes an anti join.
//! 4. [`pushdown_filter`]: conjuncts move down to the lowest node whose
//!    columns they use — into scans, below or into joins.
//! 5. [`select_access`]: a scan with `=`, range and `IN` conjuncts on a
//!    prefix of its primary key or of an index reads only those key ranges.
//! 6. [`join_order`]: a tree of inner joins is rebuilt left-deep in the
//!    order [`join_search`] finds cheapest from the statistics (every
//!    connected order for up to ten inputs, greedy beyond), so FROM order
//!    no longer makes cross products.
//! 7. [`hash_join`]: joins with equality conjuncts between the two sides
//!    hash the right side instead of looping over it.
//! 8. [`merge_join`]: a hash join whose inputs already come sorted on the
//!    keys ([`ordering`]), or whose hash table would not fit in memory,
//!    merges the sorted inputs instead.
//! 9. [`group_aggregate`]: grouping over input sorted on the group keys,
//!    or with more groups than memory holds (then sorting it first),
//!    streams sorted groups instead of hashing.
//! 10. [`redundant_sort`]: a Sort over rows already in its order goes.
//! 11. [`top_n`]: `ORDER BY … LIMIT n` keeps only n rows while sorting.
//! 12. [`key_conditions`]: a scan's filter loses the conjuncts its key
//!     ranges already guarantee (after the rules that estimate rows from
//!     filters).
//! 13. [`index_only`]: an index scan whose query reads only the index's
//!     columns takes them from the index, not the table.
//! 14. [`subqueries`]: the plans of subqueries inside expressions go
//!     through the same rules.
//! 15. [`prune_columns`]: each scan learns which table columns the plan
//!     reads, so the executor decodes only those.
//! 16. [`estimate`]: every node gets its estimated rows, costs and width
//!     (what EXPLAIN prints); the plan itself is unchanged.
//!
//! Every rule preserves the plan's output (columns and rows); tests show
//! each rule's plan before and after.

mod decorrelate;
mod decorrelate_scalar;
pub mod estimate;
mod expr_util;
mod fold_constants;
mod group_aggregate;
mod hash_join;
mod index_only;
mod join_order;
mod join_search;
mod key_conditions;
mod merge_join;
mod not_in;
mod ordering;
mod prune_columns;
mod pushdown_filter;
mod redundant_sort;
mod select_access;
mod subqueries;
mod top_n;

#[cfg(test)]
mod tests;

use assay_storage::Result;

use crate::catalog::Catalog;
use crate::plan::Plan;

pub use expr_util::{conjuncts, expr_type};

/// What rules may consult.
pub struct OptContext<'a> {
    pub catalog: &'a Catalog,
}

/// Applies every rule to `plan`.
pub fn optimize(plan: Plan, ctx: &OptContext<'_>) -> Result<Plan> {
    let plan = fold_constants::apply(plan)?;
    let plan = decorrelate_scalar::apply(plan);
    let plan = decorrelate::apply(plan);
    let plan = not_in::apply(plan, ctx);
    let plan = pushdown_filter::apply(plan);
    let plan = select_access::apply(plan, ctx);
    let plan = join_order::apply(plan, ctx);
    let plan = hash_join::apply(plan);
    let plan = merge_join::apply(plan, ctx);
    let plan = group_aggregate::apply(plan, ctx);
    let plan = redundant_sort::apply(plan, ctx);
    let plan = top_n::apply(plan);
    let plan = key_conditions::apply(plan, ctx);
    let plan = index_only::apply(plan, ctx.catalog);
    let plan = subqueries::apply(plan, ctx)?;
    let plan = prune_columns::apply(plan);
    Ok(estimate::apply(plan, ctx))
}

/// Rebuilds `plan` bottom-up, applying `f` to each node after its inputs.
pub(crate) fn transform_up(plan: Plan, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
    let plan = map_inputs(plan, &mut |p| transform_up(p, f));
    f(plan)
}

/// Rebuilds `plan` with `f` applied to each of its direct inputs.
pub(crate) fn map_inputs(mut plan: Plan, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
    for input in plan.inputs_mut() {
        let placeholder = Plan::new(crate::plan::PlanNode::Empty, Default::default());
        let old = std::mem::replace(&mut **input, placeholder);
        **input = f(old);
    }
    plan
}
