//! Rule: `x NOT IN (SELECT y …)` in a filter becomes an anti join when
//! neither side can be NULL.
//!
//! `NOT IN` is `x <> ALL (…)`: true when no row equals `x`, but unknown —
//! so the row is dropped — when `x` is NULL (over a non-empty subquery)
//! or some `y` is NULL and none equals `x`. An anti join on `x = y` keeps
//! exactly the rows with no equal `y`, which is the same answer only when
//! neither NULL case can arise. So the rewrite needs both sides provably
//! NOT NULL: columns of tables declared NOT NULL (or in the primary key),
//! through projections, casts, filters and the kept side of joins, or
//! filtered by `IS NOT NULL`. The subquery must be uncorrelated (it is
//! then run once, hashed by [`hash_join`](super::hash_join)); otherwise
//! the conjunct stays a subquery, evaluated per row.

use super::expr_util::{conjuncts, has_subquery, wrap_filter};
use super::{transform_up, OptContext};
use crate::catalog::Catalog;
use crate::exec::walk::{expr_refers_outside, refers_outside};
use crate::plan::{CmpOp, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, SubqueryKind};
use crate::types::Value;

pub fn apply(plan: Plan, ctx: &OptContext<'_>) -> Plan {
    transform_up(plan, &mut |p| {
        let PlanNode::Filter { predicate, input } = p.node else {
            return p;
        };
        let mut input = *input;
        let mut kept = Vec::new();
        for c in conjuncts(predicate) {
            match anti_join(c, &input, ctx.catalog) {
                Ok((right, condition)) => {
                    let schema = input.schema.clone();
                    input = Plan::new(
                        PlanNode::Join {
                            left: Box::new(input),
                            right: Box::new(right),
                            kind: JoinKind::Anti,
                            condition: Some(condition),
                            algorithm: JoinAlgorithm::NestedLoop,
                            lateral: false,
                        },
                        schema,
                    );
                }
                Err(c) => kept.push(c),
            }
        }
        wrap_filter(input, kept)
    })
}

/// The anti join's right side and condition for a `NOT IN` conjunct over
/// `input`, or the conjunct back.
fn anti_join(
    c: ScalarExpr,
    input: &Plan,
    catalog: &Catalog,
) -> Result<(Plan, ScalarExpr), ScalarExpr> {
    let ScalarExpr::Subquery {
        plan,
        kind: SubqueryKind::All {
            lhs,
            op: CmpOp::NotEq,
        },
        data_type,
    } = c
    else {
        return Err(c);
    };
    let fits = plan.schema.len() == 1
        && !refers_outside(&plan)
        && !has_subquery(&lhs)
        && !expr_refers_outside(&lhs)
        && expr_not_null(&lhs, input, catalog)
        && not_null(&plan, 0, catalog);
    if !fits {
        return Err(ScalarExpr::Subquery {
            plan,
            kind: SubqueryKind::All {
                lhs,
                op: CmpOp::NotEq,
            },
            data_type,
        });
    }
    let condition = ScalarExpr::Compare {
        op: CmpOp::Eq,
        left: lhs,
        right: Box::new(ScalarExpr::Column(input.schema.len())),
    };
    Ok((*plan, condition))
}

/// Whether `e`, over `input`'s rows, can never be NULL.
fn expr_not_null(e: &ScalarExpr, input: &Plan, catalog: &Catalog) -> bool {
    match e {
        ScalarExpr::Column(i) => not_null(input, *i, catalog),
        ScalarExpr::Cast { expr, .. } => expr_not_null(expr, input, catalog),
        ScalarExpr::Const { value, .. } => !value.is_null(),
        _ => false,
    }
}

/// Whether `plan`'s output column `col` can never be NULL.
fn not_null(plan: &Plan, col: usize, catalog: &Catalog) -> bool {
    match &plan.node {
        PlanNode::Scan {
            table, projection, ..
        } => {
            let Some(t) = catalog.table(table.oid) else {
                return false;
            };
            let c = match projection {
                Some(p) => match p.get(col) {
                    Some(&c) => c,
                    None => return false,
                },
                None => col,
            };
            c == t.columns.len()
                || t.columns.get(c).is_some_and(|c| c.not_null)
                || t.primary_key.as_ref().is_some_and(|k| k.contains(&c))
        }
        PlanNode::Filter { input, predicate } => {
            let tested = conjuncts(predicate.clone()).iter().any(|c| {
                matches!(c, ScalarExpr::IsNull { expr, negated: true }
                    if matches!(**expr, ScalarExpr::Column(i) if i == col))
            });
            tested || not_null(input, col, catalog)
        }
        PlanNode::Sort { input, .. }
        | PlanNode::Limit { input, .. }
        | PlanNode::Distinct { input, .. } => not_null(input, col, catalog),
        PlanNode::Project { input, exprs } => exprs
            .get(col)
            .is_some_and(|e| expr_not_null(e, input, catalog)),
        PlanNode::Join {
            left, right, kind, ..
        } => {
            let width = left.schema.len();
            match kind {
                JoinKind::Inner | JoinKind::Semi | JoinKind::Anti if col < width => {
                    not_null(left, col, catalog)
                }
                JoinKind::Left if col < width => not_null(left, col, catalog),
                JoinKind::Inner => not_null(right, col - width, catalog),
                _ => false,
            }
        }
        PlanNode::Values { rows } => rows.iter().all(|r| {
            matches!(r.get(col), Some(ScalarExpr::Const { value, .. }) if *value != Value::Null)
        }),
        _ => false,
    }
}
