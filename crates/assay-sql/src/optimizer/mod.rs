//! The optimizer: rewrite rules over [`Plan`]s, one rule per file.
//!
//! The binder builds plans in the simplest form that is correct: scans of
//! whole tables, filters above them, joins as nested loops in FROM order.
//! [`optimize`] applies, in order:
//!
//! 1. [`pushdown_filter`]: conjuncts move down to the lowest node whose
//!    columns they use — into scans, below or into joins.
//! 2. [`select_access`]: a scan with `=`, range and `IN` conjuncts on a
//!    prefix of its primary key or of an index reads only those key ranges.
//! 3. [`join_order`]: a tree of inner joins is rebuilt left-deep, starting
//!    from its smallest input and adding inputs connected by a join
//!    conjunct, so FROM order no longer makes cross products.
//! 4. [`hash_join`]: joins with equality conjuncts between the two sides
//!    hash the right side instead of looping over it.
//! 5. [`top_n`]: `ORDER BY … LIMIT n` keeps only n rows while sorting.
//!
//! Every rule preserves the plan's output (columns and rows); tests show
//! each rule's plan before and after.

mod expr_util;
mod hash_join;
mod join_order;
mod pushdown_filter;
mod select_access;
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
    let plan = pushdown_filter::apply(plan);
    let plan = select_access::apply(plan, ctx);
    let plan = join_order::apply(plan, ctx);
    let plan = hash_join::apply(plan);
    Ok(top_n::apply(plan))
}

/// Rebuilds `plan` bottom-up, applying `f` to each node after its inputs.
pub(crate) fn transform_up(plan: Plan, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
    let plan = map_inputs(plan, &mut |p| transform_up(p, f));
    f(plan)
}

/// Rebuilds `plan` with `f` applied to each of its direct inputs.
pub(crate) fn map_inputs(plan: Plan, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
    use crate::plan::PlanNode::*;
    let Plan {
        node,
        schema,
        rows,
        cost,
    } = plan;
    let boxed = |p: Box<Plan>, f: &mut dyn FnMut(Plan) -> Plan| Box::new(f(*p));
    let node = match node {
        Filter { input, predicate } => Filter {
            input: boxed(input, f),
            predicate,
        },
        Project { input, exprs } => Project {
            input: boxed(input, f),
            exprs,
        },
        Join {
            left,
            right,
            kind,
            condition,
            algorithm,
            lateral,
        } => {
            let left = boxed(left, f);
            let right = boxed(right, f);
            Join {
                left,
                right,
                kind,
                condition,
                algorithm,
                lateral,
            }
        }
        Aggregate {
            input,
            group_by,
            grouping_sets,
            aggregates,
        } => Aggregate {
            input: boxed(input, f),
            group_by,
            grouping_sets,
            aggregates,
        },
        Window { input, calls } => Window {
            input: boxed(input, f),
            calls,
        },
        Sort { input, keys, limit } => Sort {
            input: boxed(input, f),
            keys,
            limit,
        },
        Limit {
            input,
            limit,
            offset,
            with_ties,
        } => Limit {
            input: boxed(input, f),
            limit,
            offset,
            with_ties,
        },
        Distinct { input, on } => Distinct {
            input: boxed(input, f),
            on,
        },
        SetOp {
            kind,
            all,
            left,
            right,
        } => {
            let left = boxed(left, f);
            let right = boxed(right, f);
            SetOp {
                kind,
                all,
                left,
                right,
            }
        }
        RecursiveUnion {
            id,
            anchor,
            recursive,
            all,
        } => {
            let anchor = boxed(anchor, f);
            let recursive = boxed(recursive, f);
            RecursiveUnion {
                id,
                anchor,
                recursive,
                all,
            }
        }
        Insert {
            table,
            input,
            on_conflict,
            returning,
        } => Insert {
            table,
            input: boxed(input, f),
            on_conflict,
            returning,
        },
        Update {
            table,
            input,
            assignments,
            returning,
        } => Update {
            table,
            input: boxed(input, f),
            assignments,
            returning,
        },
        Delete {
            table,
            input,
            returning,
        } => Delete {
            table,
            input: boxed(input, f),
            returning,
        },
        leaf => leaf,
    };
    Plan {
        node,
        schema,
        rows,
        cost,
    }
}
