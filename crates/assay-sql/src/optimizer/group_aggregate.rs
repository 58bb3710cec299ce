//! Rule: grouping over input already sorted on the group keys, or with
//! more groups than memory holds, aggregates sorted groups one at a time
//! (GroupAggregate) instead of hashing them all.
//!
//! For an aggregation with GROUP BY (no grouping sets: those stay hashed):
//!
//! 1. If the input comes sorted ([`sorted_on`]) on the group-by columns —
//!    in any order of them, as the first columns of its order: GROUP BY
//!    the primary key, an index scan, a merge join's left key — the rows
//!    of each group are consecutive, and the aggregate streams them.
//! 2. Otherwise, if the estimated groups (from ANALYZE's distinct counts)
//!    times their size pass the memory budget, a Sort on the group keys
//!    goes below (it spills past the budget) and the aggregate streams.
//! 3. Otherwise hashing stays: it needs no sort.
//!
//! Keys must be of a type whose sort order agrees with its equality
//! (see [`mergeable_type`]), so that sorted neighbours are exactly the
//! rows hashing would have grouped.

use super::estimate;
use super::merge_join::WORK_MEM;
use super::ordering::{mergeable_type, sorted_on};
use super::{expr_type, transform_up, OptContext};
use crate::plan::{Plan, PlanNode, ScalarExpr, SortKey};

/// Bytes a hashed group costs beyond its values: its key's tuple header
/// and each aggregate's transition state.
const GROUP_OVERHEAD: f64 = 24.0;
const STATE_BYTES: f64 = 64.0;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |mut p| {
        let PlanNode::Aggregate {
            input,
            group_by,
            grouping_sets: None,
            sorted: false,
            ..
        } = &p.node
        else {
            return p;
        };
        if group_by.is_empty()
            || !group_by
                .iter()
                .all(|k| expr_type(k, &input.schema).is_some_and(|t| mergeable_type(&t)))
        {
            return p;
        }
        let columns: Option<Vec<usize>> = group_by
            .iter()
            .map(|k| match k {
                ScalarExpr::Column(c) => Some(*c),
                _ => None,
            })
            .collect();
        let ordered = columns.is_some_and(|mut cols| {
            cols.sort_unstable();
            cols.dedup();
            let mut prefix: Vec<usize> = sorted_on(input, ctx.catalog)
                .into_iter()
                .take(cols.len())
                .collect();
            prefix.sort_unstable();
            prefix == cols
        });
        if ordered {
            set_sorted(&mut p);
            return p;
        }
        if too_many_groups(&mut p, ctx) {
            sort_input(&mut p);
            set_sorted(&mut p);
        }
        p
    })
}

fn set_sorted(p: &mut Plan) {
    if let PlanNode::Aggregate { sorted, .. } = &mut p.node {
        *sorted = true;
    }
}

/// Whether hashing the estimated groups would pass the memory budget.
fn too_many_groups(p: &mut Plan, ctx: &OptContext<'_>) -> bool {
    let placeholder = Plan::new(PlanNode::Empty, Default::default());
    let estimated = estimate::apply(std::mem::replace(p, placeholder), ctx);
    let calls = match &estimated.node {
        PlanNode::Aggregate { aggregates, .. } => aggregates.len() as f64,
        _ => 0.0,
    };
    let bytes = estimated.rows * (estimated.width + GROUP_OVERHEAD + calls * STATE_BYTES);
    *p = estimated;
    bytes > WORK_MEM
}

/// Puts a Sort on the group keys below the aggregate.
fn sort_input(p: &mut Plan) {
    let PlanNode::Aggregate {
        input, group_by, ..
    } = &mut p.node
    else {
        return;
    };
    let keys = group_by
        .iter()
        .map(|k| SortKey {
            expr: k.clone(),
            descending: false,
            nulls_first: false,
        })
        .collect();
    let below = std::mem::replace(&mut **input, Plan::new(PlanNode::Empty, Default::default()));
    let schema = below.schema.clone();
    **input = Plan::new(
        PlanNode::Sort {
            input: Box::new(below),
            keys,
            limit: None,
        },
        schema,
    );
}
