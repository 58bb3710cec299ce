//! Rule: push filter conjuncts down to the lowest node that can test them.
//!
//! - `Filter` over `Scan`: the predicate becomes the scan's filter, where
//!   index selection can see it.
//! - `Filter` over an inner join: conjuncts over the left columns only go
//!   to the left input, over the right only to the right input, and the
//!   rest join the join condition. Over a left join (and semi and anti
//!   joins), only left-only conjuncts move.
//! - An inner join's own condition is split the same way.
//! - `Filter` over `Filter` merges; over a `Project` it moves below when
//!   its columns pass through the projection unchanged.
//!
//! Conjuncts with subqueries stay where they are (their outer references
//! would need rewriting), as do filters over anything else.

use super::expr_util::{column_span, conjoin, conjuncts, has_subquery, map_columns, wrap_filter};
use super::transform_up;
use crate::plan::{JoinKind, Plan, PlanNode, ScalarExpr, Schema};

pub fn apply(plan: Plan) -> Plan {
    transform_up(plan, &mut |p| match p.node {
        PlanNode::Filter { .. } => push_filter(p),
        PlanNode::Join {
            kind: JoinKind::Inner,
            condition: Some(_),
            lateral: false,
            ..
        } => split_join_condition(p),
        _ => p,
    })
}

/// Pushes a Filter node's conjuncts into its input.
fn push_filter(plan: Plan) -> Plan {
    let Plan {
        node,
        schema,
        rows,
        cost,
        ..
    } = plan;
    let PlanNode::Filter { input, predicate } = node else {
        return Plan {
            node,
            schema,
            rows,
            cost,
            ..Plan::new(PlanNode::Empty, Schema::default())
        };
    };
    let input = *input;
    let (movable, fixed): (Vec<_>, Vec<_>) = conjuncts(predicate)
        .into_iter()
        .partition(|c| !has_subquery(c));
    let rest = push_into(input, movable);
    wrap_filter(rest, fixed)
}

/// Pushes `conds` (each over `plan`'s output columns) as deep as possible.
fn push_into(plan: Plan, conds: Vec<ScalarExpr>) -> Plan {
    if conds.is_empty() {
        return plan;
    }
    let Plan {
        node,
        schema,
        rows,
        cost,
        ..
    } = plan;
    match node {
        PlanNode::Scan {
            table,
            access,
            filter,
            projection,
            columns,
        } => {
            // A scan's filter reads the table row; with a projection, the
            // conditions' columns map through it (the row key, `ctid`, is not
            // in the table row, so conditions on it stay above).
            let mut all: Vec<ScalarExpr> = filter.map(conjuncts).unwrap_or_default();
            let mut keep = Vec::new();
            for mut c in conds {
                match &projection {
                    None => all.push(c),
                    Some(proj) => {
                        let mut ok = true;
                        c.visit(&mut |e| {
                            if let ScalarExpr::Column(i) = e {
                                let is_key = schema.fields.get(*i).is_none_or(|f| f.name == "ctid");
                                ok &= proj.get(*i).is_some() && !is_key;
                            }
                        });
                        if ok {
                            map_columns(&mut c, &|i| proj[i]);
                            all.push(c);
                        } else {
                            keep.push(c);
                        }
                    }
                }
            }
            let node = PlanNode::Scan {
                table,
                access,
                filter: conjoin(all),
                projection,
                columns,
            };
            wrap_filter(
                Plan {
                    node,
                    schema,
                    rows,
                    cost,
                    ..Plan::new(PlanNode::Empty, Schema::default())
                },
                keep,
            )
        }
        PlanNode::Project { input, exprs } => {
            // Conditions over columns the projection passes through unchanged
            // move below it.
            let (mut below, mut keep) = (Vec::new(), Vec::new());
            for mut c in conds {
                let mut ok = true;
                c.visit(&mut |e| {
                    if let ScalarExpr::Column(i) = e {
                        ok &= matches!(exprs.get(*i), Some(ScalarExpr::Column(_)));
                    }
                });
                if ok {
                    map_columns(&mut c, &|i| match exprs[i] {
                        ScalarExpr::Column(j) => j,
                        _ => i,
                    });
                    below.push(c);
                } else {
                    keep.push(c);
                }
            }
            let input = Box::new(push_into(*input, below));
            wrap_filter(
                Plan {
                    node: PlanNode::Project { input, exprs },
                    schema,
                    rows,
                    cost,
                    ..Plan::new(PlanNode::Empty, Schema::default())
                },
                keep,
            )
        }
        PlanNode::Filter { input, predicate } => {
            let mut all = conjuncts(predicate);
            all.extend(conds);
            push_into(*input, all)
        }
        PlanNode::Join {
            left,
            right,
            kind,
            condition,
            algorithm,
            lateral: false,
        } if matches!(
            kind,
            JoinKind::Inner | JoinKind::Left | JoinKind::Semi | JoinKind::Anti
        ) =>
        {
            let width = left.schema.len();
            let (mut to_left, mut to_right, mut keep) = (Vec::new(), Vec::new(), Vec::new());
            for c in conds {
                match column_span(&c) {
                    Some((_, hi)) if hi < width => to_left.push(c),
                    Some((lo, _)) if lo >= width && kind == JoinKind::Inner => {
                        let mut c = c;
                        map_columns(&mut c, &|i| i - width);
                        to_right.push(c);
                    }
                    None => to_left.push(c),
                    _ => keep.push(c),
                }
            }
            let left = Box::new(push_into(*left, to_left));
            let right = Box::new(push_into(*right, to_right));
            let (condition, keep) = if kind == JoinKind::Inner {
                let mut all: Vec<ScalarExpr> = condition.map(conjuncts).unwrap_or_default();
                all.extend(keep);
                (conjoin(all), Vec::new())
            } else {
                (condition, keep)
            };
            let node = PlanNode::Join {
                left,
                right,
                kind,
                condition,
                algorithm,
                lateral: false,
            };
            wrap_filter(
                Plan {
                    node,
                    schema,
                    rows,
                    cost,
                    ..Plan::new(PlanNode::Empty, Schema::default())
                },
                keep,
            )
        }
        other => wrap_filter(
            Plan {
                node: other,
                schema,
                rows,
                cost,
                ..Plan::new(PlanNode::Empty, Schema::default())
            },
            conds,
        ),
    }
}

/// Moves single-side conjuncts of an inner join's condition into its inputs.
fn split_join_condition(plan: Plan) -> Plan {
    let Plan {
        node,
        schema,
        rows,
        cost,
        ..
    } = plan;
    let PlanNode::Join {
        left,
        right,
        kind,
        condition: Some(condition),
        algorithm,
        lateral,
    } = node
    else {
        return Plan {
            node,
            schema,
            rows,
            cost,
            ..Plan::new(PlanNode::Empty, Schema::default())
        };
    };
    let width = left.schema.len();
    let (mut to_left, mut to_right, mut keep) = (Vec::new(), Vec::new(), Vec::new());
    for c in conjuncts(condition) {
        if has_subquery(&c) {
            keep.push(c);
            continue;
        }
        match column_span(&c) {
            Some((_, hi)) if hi < width => to_left.push(c),
            Some((lo, _)) if lo >= width => {
                let mut c = c;
                map_columns(&mut c, &|i| i - width);
                to_right.push(c);
            }
            _ => keep.push(c),
        }
    }
    let left = Box::new(push_into(*left, to_left));
    let right = Box::new(push_into(*right, to_right));
    let node = PlanNode::Join {
        left,
        right,
        kind,
        condition: conjoin(keep),
        algorithm,
        lateral,
    };
    Plan {
        node,
        schema,
        rows,
        cost,
        ..Plan::new(PlanNode::Empty, Schema::default())
    }
}
