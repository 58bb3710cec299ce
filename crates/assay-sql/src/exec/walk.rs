//! Walking the expressions of a plan tree.

use std::sync::Arc;

use crate::plan::{Access, JoinAlgorithm, OnConflict, Plan, PlanNode, ScalarExpr, SubqueryKind};

/// The shape of a walk over the expressions a plan node holds directly,
/// for [`node_exprs`] and [`node_exprs_mut`] alike (`$m` is `mut` or
/// nothing, `$iter` the matching iterator method, `$shared` the function
/// iterating a list the plan shares with its operators).
macro_rules! walk_node_exprs {
    ($node:expr, $f:ident, $iter:ident, $shared:ident $(, $m:tt)?) => {{
        use PlanNode::*;
        let f = $f;
        match $node {
            Values { rows } => rows.$iter().flatten().for_each(f),
            Empty | WorkTable { .. } | WithModifying { .. } => {}
            Scan { access, filter, .. } => {
                match access {
                    Access::Full => {}
                    Access::PrimaryKey { ranges } | Access::Index { ranges, .. } => {
                        for r in $shared(ranges) {
                            for (list, _) in r.low.$iter().chain(r.high.$iter()) {
                                list.$iter().for_each(&mut *f);
                            }
                        }
                    }
                }
                filter.$iter().for_each(f);
            }
            FunctionScan { args, .. } => args.$iter().for_each(f),
            Filter { predicate, .. } => f(predicate),
            Project { exprs, .. } => exprs.$iter().for_each(f),
            Join {
                condition,
                algorithm,
                ..
            } => {
                condition.$iter().for_each(&mut *f);
                if let JoinAlgorithm::Hash {
                    left_keys,
                    right_keys,
                }
                | JoinAlgorithm::Merge {
                    left_keys,
                    right_keys,
                } = algorithm
                {
                    left_keys.$iter().chain(right_keys.$iter()).for_each(f);
                }
            }
            Aggregate {
                group_by,
                aggregates,
                ..
            } => {
                group_by.$iter().for_each(&mut *f);
                for a in aggregates.$iter() {
                    a.args.$iter().chain(a.filter.$iter()).for_each(&mut *f);
                    a.order_by.$iter().for_each(|k| f(&$($m)? k.expr));
                }
            }
            Window { calls, .. } => {
                for c in calls.$iter() {
                    c.args
                        .$iter()
                        .chain(c.partition_by.$iter())
                        .chain(c.filter.$iter())
                        .for_each(&mut *f);
                    c.order_by.$iter().for_each(|k| f(&$($m)? k.expr));
                }
            }
            Sort { keys, .. } => keys.$iter().for_each(|k| f(&$($m)? k.expr)),
            Limit {
                limit,
                offset,
                with_ties,
                ..
            } => {
                limit.$iter().chain(offset.$iter()).for_each(&mut *f);
                with_ties.$iter().for_each(|k| f(&$($m)? k.expr));
            }
            Distinct { on, .. } => on.$iter().flatten().for_each(f),
            SetOp { .. } | RecursiveUnion { .. } => {}
            Insert {
                on_conflict,
                returning,
                ..
            } => {
                match on_conflict {
                    Some(OnConflict::Update {
                        assignments,
                        predicate,
                        ..
                    }) => {
                        assignments.$iter().for_each(|a| f(&$($m)? a.value));
                        predicate.$iter().for_each(&mut *f);
                    }
                    Some(OnConflict::Nothing { .. }) | None => {}
                }
                returning.$iter().for_each(f);
            }
            Update {
                assignments,
                returning,
                ..
            } => {
                $shared(assignments).for_each(|a| f(&$($m)? a.value));
                returning.$iter().for_each(f);
            }
            Delete { returning, .. } => returning.$iter().for_each(f),
        }
    }};
}

/// Calls `f` on every expression held directly by `node` (not its inputs).
pub(crate) fn node_exprs(node: &PlanNode, f: &mut dyn FnMut(&ScalarExpr)) {
    walk_node_exprs!(node, f, iter, shared)
}

/// Calls `f` on every expression held directly by `node`, mutably.
pub(crate) fn node_exprs_mut(node: &mut PlanNode, f: &mut dyn FnMut(&mut ScalarExpr)) {
    walk_node_exprs!(node, f, iter_mut, shared_mut, mut)
}

fn shared<T>(list: &Arc<[T]>) -> std::slice::Iter<'_, T> {
    list.iter()
}

/// A shared list to rewrite: the plan's own copy if others hold it.
fn shared_mut<T: Clone>(list: &mut Arc<[T]>) -> std::slice::IterMut<'_, T> {
    Arc::make_mut(list).iter_mut()
}

/// Whether `plan` refers to a row outside itself (an `Outer` reference
/// reaching past its own subqueries and lateral joins).
pub(crate) fn refers_outside(plan: &Plan) -> bool {
    plan_reaches(plan, 0)
}

fn plan_reaches(plan: &Plan, level: usize) -> bool {
    let mut found = false;
    node_exprs(&plan.node, &mut |e| found |= expr_reaches(e, level));
    if found {
        return true;
    }
    match &plan.node {
        PlanNode::Join {
            left,
            right,
            lateral,
            ..
        } => {
            plan_reaches(left, level)
                || plan_reaches(right, if *lateral { level + 1 } else { level })
        }
        _ => plan.input_iter().any(|p| plan_reaches(p, level)),
    }
}

/// Whether `expr` (its subqueries included) refers to a row outside the
/// query it is evaluated in.
pub(crate) fn expr_refers_outside(expr: &ScalarExpr) -> bool {
    expr_reaches(expr, 0)
}

fn expr_reaches(expr: &ScalarExpr, level: usize) -> bool {
    let mut found = false;
    expr.visit(&mut |e| match e {
        ScalarExpr::Outer { depth, .. } if *depth > level => found = true,
        ScalarExpr::Subquery { plan, kind, .. } => {
            if let SubqueryKind::Any { lhs, .. } | SubqueryKind::All { lhs, .. } = kind {
                found |= expr_reaches(lhs, level);
            }
            if let SubqueryKind::RowIn { lhs, .. } = kind {
                found |= lhs.iter().any(|e| expr_reaches(e, level));
            }
            found |= plan_reaches(plan, level + 1);
        }
        _ => {}
    });
    found
}

/// Whether `plan` (its subqueries included) reads table `oid`.
pub(crate) fn reads_table(plan: &Plan, oid: u32) -> bool {
    if let PlanNode::Scan { table, .. } = &plan.node {
        if table.oid == oid {
            return true;
        }
    }
    let mut found = false;
    node_exprs(&plan.node, &mut |e| {
        e.visit(&mut |x| {
            if let ScalarExpr::Subquery { plan, .. } = x {
                found |= reads_table(plan, oid);
            }
        })
    });
    found || plan.input_iter().any(|p| reads_table(p, oid))
}
