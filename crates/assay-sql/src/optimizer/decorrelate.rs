//! Rule: `EXISTS`, `NOT EXISTS` and `IN` subqueries in a filter become
//! semi and anti joins.
//!
//! Run as written, a correlated `EXISTS (SELECT … FROM t WHERE t.k =
//! outer.k)` scans `t` once per outer row. When the subquery's only links
//! to the outer row are conjuncts of its top filter, those conjuncts can be
//! the condition of a join instead: the filter's input is joined with the
//! rest of the subquery, keeping each input row that has a match (semi) or
//! none (anti), and [`super::hash_join`] then hashes the subquery's rows
//! once. `x IN (SELECT y …)` over an uncorrelated subquery becomes a semi
//! join on `x = y`: as a filter conjunct, a NULL comparison and no match
//! both drop the row, so SQL's three-valued `IN` needs no more. `NOT IN`
//! stays a subquery (NULLs in the subquery make it unknown, not true).
//!
//! The rewritten join's condition sees the input's columns first, then the
//! subquery's: an outer reference one level up becomes an input column, a
//! subquery column moves past the input's width.

use super::expr_util::{conjoin, conjuncts, has_subquery, wrap_filter};
use super::transform_up;
use crate::exec::walk::{expr_refers_outside, node_exprs_mut, refers_outside};
use crate::plan::{CmpOp, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, SubqueryKind};

pub fn apply(plan: Plan) -> Plan {
    transform_up(plan, &mut |p| {
        let PlanNode::Filter { predicate, input } = p.node else {
            return p;
        };
        let mut input = *input;
        let mut kept = Vec::new();
        for c in conjuncts(predicate) {
            input = attach(input, c, &mut kept);
        }
        wrap_filter(input, kept)
    })
}

/// Joins `input` with the subquery of conjunct `c` if it is one this rule
/// handles (conjuncts of an `EXISTS` that only test the outer row are
/// applied to the input first); otherwise adds `c` to `kept`.
fn attach(mut input: Plan, c: ScalarExpr, kept: &mut Vec<ScalarExpr>) -> Plan {
    match as_join(c, &input) {
        Ok((kind, right, condition, lifted)) => {
            for l in lifted {
                let mut unjoined = Vec::new();
                input = attach(input, l, &mut unjoined);
                if let Some(predicate) = conjoin(unjoined) {
                    let schema = input.schema.clone();
                    input = Plan::new(
                        PlanNode::Filter {
                            predicate,
                            input: Box::new(input),
                        },
                        schema,
                    );
                }
            }
            let schema = input.schema.clone();
            let node = PlanNode::Join {
                left: Box::new(input),
                right: Box::new(right),
                kind,
                condition: Some(condition),
                algorithm: JoinAlgorithm::NestedLoop,
                lateral: false,
            };
            Plan::new(node, schema)
        }
        Err(c) => {
            kept.push(c);
            input
        }
    }
}

/// The join a filter conjunct stands for over `input`, or the conjunct
/// back if it is not one of the forms this rule handles.
/// A join: its kind, right side, condition, and conjuncts to apply to the
/// left side first.
type Joined = (JoinKind, Plan, ScalarExpr, Vec<ScalarExpr>);

fn as_join(c: ScalarExpr, input: &Plan) -> Result<Joined, ScalarExpr> {
    let width = input.schema.len();
    match c {
        ScalarExpr::Subquery {
            plan,
            kind: SubqueryKind::Exists,
            data_type,
        } => match exists_join(&plan, width, true) {
            Some((right, cond, lifted)) => Ok((JoinKind::Semi, right, cond, lifted)),
            None => Err(ScalarExpr::Subquery {
                plan,
                kind: SubqueryKind::Exists,
                data_type,
            }),
        },
        ScalarExpr::Not(inner) => match *inner {
            ScalarExpr::Subquery {
                plan,
                kind: SubqueryKind::Exists,
                data_type,
            } => match exists_join(&plan, width, false) {
                Some((right, cond, _)) => Ok((JoinKind::Anti, right, cond, Vec::new())),
                None => Err(ScalarExpr::Not(Box::new(ScalarExpr::Subquery {
                    plan,
                    kind: SubqueryKind::Exists,
                    data_type,
                }))),
            },
            other => Err(ScalarExpr::Not(Box::new(other))),
        },
        ScalarExpr::Subquery {
            plan,
            kind: SubqueryKind::Any { lhs, op: CmpOp::Eq },
            data_type,
        } if plan.schema.len() == 1
            && !refers_outside(&plan)
            && !has_subquery(&lhs)
            && !has_outer(&lhs) =>
        {
            let cond = ScalarExpr::Compare {
                op: CmpOp::Eq,
                left: lhs,
                right: Box::new(ScalarExpr::Column(width)),
            };
            let _ = data_type;
            Ok((JoinKind::Semi, *plan, cond, Vec::new()))
        }
        other => Err(other),
    }
}

/// For `EXISTS (plan)` over an input of `width` columns: the subquery
/// without its correlated top-filter conjuncts, those conjuncts as a join
/// condition, and (with `lift`) the ones that test only the outer row,
/// pulled up to filter the input: `EXISTS (… WHERE p AND q(outer))` is
/// `q(outer) AND EXISTS (… WHERE p)`. (Not for `NOT EXISTS`, which the
/// outer test would have to be negated into.)
fn exists_join(
    plan: &Plan,
    width: usize,
    lift: bool,
) -> Option<(Plan, ScalarExpr, Vec<ScalarExpr>)> {
    // EXISTS ignores the select list.
    let mut body = plan;
    while let PlanNode::Project { input, .. } = &body.node {
        body = input;
    }
    let PlanNode::Filter { predicate, input } = &body.node else {
        return None;
    };
    let (mut linked, mut local) = (Vec::new(), Vec::new());
    for c in conjuncts(predicate.clone()) {
        if expr_refers_outside(&c) {
            linked.push(c);
        } else {
            local.push(c);
        }
    }
    if linked.is_empty() {
        return None;
    }
    let right = wrap_filter((**input).clone(), local);
    if refers_outside(&right) {
        return None;
    }
    let (mut lifted, mut joined) = (Vec::new(), Vec::new());
    for mut c in linked {
        let outer_only = lift && !reads_own_row(&c);
        pull_up(&mut c, width);
        if outer_only {
            lifted.push(c);
        } else {
            joined.push(c);
        }
    }
    let cond = conjoin(joined).unwrap_or(ScalarExpr::Const {
        value: crate::types::Value::Bool(true),
        data_type: crate::types::DataType::Bool,
    });
    Some((right, cond, lifted))
}

/// Whether a conjunct of the subquery's filter reads the subquery's own
/// row (a column, or from a nested subquery an outer reference to it).
fn reads_own_row(expr: &ScalarExpr) -> bool {
    let mut found = false;
    expr.visit(&mut |e| match e {
        ScalarExpr::Column(_) => found = true,
        ScalarExpr::Subquery { plan, .. } => found |= plan_reads_level(plan, 1),
        _ => {}
    });
    found
}

/// Whether `plan`, `level` subqueries below a conjunct, refers to the row
/// that conjunct is evaluated over.
fn plan_reads_level(plan: &Plan, level: usize) -> bool {
    let mut found = false;
    crate::exec::walk::node_exprs(&plan.node, &mut |expr| {
        expr.visit(&mut |e| match e {
            ScalarExpr::Outer { depth, .. } if *depth == level => found = true,
            ScalarExpr::Subquery { plan, .. } => found |= plan_reads_level(plan, level + 1),
            _ => {}
        })
    });
    found
        || match &plan.node {
            PlanNode::Join {
                left,
                right,
                lateral,
                ..
            } => {
                plan_reads_level(left, level)
                    || plan_reads_level(right, if *lateral { level + 1 } else { level })
            }
            _ => plan
                .inputs()
                .into_iter()
                .any(|p| plan_reads_level(p, level)),
        }
}

/// Rewrites a conjunct of the subquery's filter to run one level up, over
/// the join's row (the outer input's `width` columns, then the subquery's):
/// a subquery column moves past the input's, an outer reference one level
/// up becomes an input column, references further out come one level in.
fn pull_up(expr: &mut ScalarExpr, width: usize) {
    expr.visit_mut(&mut |e| match *e {
        ScalarExpr::Column(j) => *e = ScalarExpr::Column(width + j),
        ScalarExpr::Outer { depth: 1, index } => *e = ScalarExpr::Column(index),
        ScalarExpr::Outer { depth, index } => {
            *e = ScalarExpr::Outer {
                depth: depth - 1,
                index,
            }
        }
        ScalarExpr::Subquery { ref mut plan, .. } => pull_up_plan(plan, 1, width),
        _ => {}
    });
}

/// [`pull_up`] inside a subquery `level` levels below the conjunct: its
/// references to the subquery's row (`level`) move past the input's
/// columns, those to the outer input (`level + 1`) now find it in the same
/// row, and those further out come one level in.
fn pull_up_plan(plan: &mut Plan, level: usize, width: usize) {
    node_exprs_mut(&mut plan.node, &mut |expr| {
        expr.visit_mut(&mut |e| match *e {
            ScalarExpr::Outer { depth, index } if depth == level => {
                *e = ScalarExpr::Outer {
                    depth,
                    index: width + index,
                }
            }
            ScalarExpr::Outer { depth, index } if depth > level => {
                *e = ScalarExpr::Outer {
                    depth: depth - 1,
                    index,
                }
            }
            ScalarExpr::Subquery { ref mut plan, .. } => pull_up_plan(plan, level + 1, width),
            _ => {}
        })
    });
    match &mut plan.node {
        PlanNode::Join {
            left,
            right,
            lateral,
            ..
        } => {
            let inner = if *lateral { level + 1 } else { level };
            pull_up_plan(left, level, width);
            pull_up_plan(right, inner, width);
        }
        _ => {
            for input in plan.inputs_mut() {
                pull_up_plan(input, level, width);
            }
        }
    }
}

fn has_outer(e: &ScalarExpr) -> bool {
    let mut found = false;
    e.visit(&mut |x| found |= matches!(x, ScalarExpr::Outer { .. }));
    found
}
