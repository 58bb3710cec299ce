//! Rule: an equi-join whose inputs already arrive sorted on the join keys,
//! or whose hash table would not fit in memory, merges instead of hashing.
//!
//! It runs after [`hash_join`](super::hash_join) and looks at each hash
//! join (key pairs `l_i = r_i` of one type):
//!
//! 1. If both sides come sorted on key columns ([`sorted_on`]: primary-key
//!    or index scans in key order, sorts), on the same key pairs in the same
//!    order, the join becomes a merge join on the longest such run of
//!    pairs: no hash table is built and the left order is kept.
//! 2. Otherwise, if the hash table's estimated size — the right side's
//!    rows times their width plus PostgreSQL's per-tuple overhead — passes
//!    the memory budget, the sides that are not yet sorted get a Sort on
//!    the keys (a Sort spills to storage past the budget) and the join
//!    merges.
//! 3. Otherwise the hash join stays: it is the cheaper default.
//!
//! Only key types whose sort order agrees with their `=` qualify (integers,
//! numeric, text, bytea, dates and times, uuid, bool). The whole join
//! condition stays on the join, so key pairs not used for merging are
//! still checked, as a join filter. Lateral joins stay as they are.

use super::estimate;
use super::ordering::{mergeable_type, sorted_on};
use super::{expr_type, transform_up, OptContext};
use crate::plan::{JoinAlgorithm, Plan, PlanNode, ScalarExpr, SortKey};

/// The executor's memory budget per sort or hash table (`work_mem`'s
/// default; the executor's `ExecContext::work_mem` is the same).
pub const WORK_MEM: f64 = 4.0 * 1024.0 * 1024.0;

/// Bytes a hashed row costs beyond its data (PostgreSQL's tuple header and
/// hash bucket entry).
const HASH_ROW_OVERHEAD: f64 = 24.0;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |mut p| {
        if let PlanNode::Join {
            left,
            right,
            algorithm:
                JoinAlgorithm::Hash {
                    left_keys,
                    right_keys,
                },
            lateral: false,
            ..
        } = &mut p.node
        {
            if let Some(merge) = choose(left, right, left_keys, right_keys, ctx) {
                if let PlanNode::Join { algorithm, .. } = &mut p.node {
                    *algorithm = merge;
                }
            }
        }
        p
    })
}

/// The merge join to run instead of the hash join, if one is better;
/// adds the sorts it needs to `left` and `right`.
fn choose(
    left: &mut Box<Plan>,
    right: &mut Box<Plan>,
    left_keys: &[ScalarExpr],
    right_keys: &[ScalarExpr],
    ctx: &OptContext<'_>,
) -> Option<JoinAlgorithm> {
    // Key pairs of plain columns of a mergeable type.
    let pairs: Vec<(usize, usize)> = left_keys
        .iter()
        .zip(right_keys)
        .filter_map(|(l, r)| match (l, r) {
            (ScalarExpr::Column(a), ScalarExpr::Column(b)) => {
                let ty = expr_type(l, &left.schema)?;
                mergeable_type(&ty).then_some((*a, *b))
            }
            _ => None,
        })
        .collect();
    if pairs.is_empty() {
        return None;
    }
    let (lo, ro) = (sorted_on(left, ctx.catalog), sorted_on(right, ctx.catalog));
    let run = |order: &[usize], side: fn(&(usize, usize)) -> usize| -> Vec<(usize, usize)> {
        order
            .iter()
            .map_while(|c| pairs.iter().find(|p| side(p) == *c).copied())
            .collect()
    };
    let left_run = run(&lo, |p| p.0);
    let right_run = run(&ro, |p| p.1);
    let common: Vec<(usize, usize)> = left_run
        .iter()
        .zip(&right_run)
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| *a)
        .collect();
    if !common.is_empty() {
        return Some(merge_on(&common));
    }
    if !too_big_to_hash(right, ctx) {
        return None;
    }
    // Sort what is not sorted, keeping a side's own order when it has one.
    let keys = if !left_run.is_empty() {
        left_run
    } else if !right_run.is_empty() {
        right_run
    } else {
        pairs
    };
    if !starts_with(&lo, &keys, |p| p.0) {
        sort_side(left, keys.iter().map(|p| p.0));
    }
    if !starts_with(&ro, &keys, |p| p.1) {
        sort_side(right, keys.iter().map(|p| p.1));
    }
    Some(merge_on(&keys))
}

/// Whether `order` starts with the given side's columns of `keys`.
fn starts_with(
    order: &[usize],
    keys: &[(usize, usize)],
    side: fn(&(usize, usize)) -> usize,
) -> bool {
    order.len() >= keys.len() && keys.iter().zip(order).all(|(k, c)| side(k) == *c)
}

fn merge_on(pairs: &[(usize, usize)]) -> JoinAlgorithm {
    JoinAlgorithm::Merge {
        left_keys: pairs.iter().map(|p| ScalarExpr::Column(p.0)).collect(),
        right_keys: pairs.iter().map(|p| ScalarExpr::Column(p.1)).collect(),
    }
}

/// Whether the right side's hash table would pass the memory budget.
fn too_big_to_hash(right: &mut Box<Plan>, ctx: &OptContext<'_>) -> bool {
    let estimated = estimate::apply(std::mem::replace(&mut **right, empty()), ctx);
    let bytes = estimated.rows * (estimated.width + HASH_ROW_OVERHEAD);
    **right = estimated;
    bytes > WORK_MEM
}

fn empty() -> Plan {
    Plan::new(PlanNode::Empty, Default::default())
}

fn sort_side(side: &mut Box<Plan>, columns: impl Iterator<Item = usize>) {
    let keys = columns
        .map(|c| SortKey {
            expr: ScalarExpr::Column(c),
            descending: false,
            nulls_first: false,
        })
        .collect();
    let input = std::mem::replace(&mut **side, empty());
    let schema = input.schema.clone();
    **side = Plan::new(
        PlanNode::Sort {
            input: Box::new(input),
            keys,
            limit: None,
        },
        schema,
    );
}
