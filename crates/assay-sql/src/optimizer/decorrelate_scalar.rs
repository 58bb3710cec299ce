//! Rule: a correlated scalar subquery that aggregates, in a select list,
//! becomes a left join with the subquery grouped by its correlation keys.
//!
//! `SELECT a.id, (SELECT count(*) FROM b WHERE b.a = a.id) FROM a` runs
//! the subquery once per row of `a`. When the subquery is an aggregate
//! without GROUP BY (possibly under a projection of its results) over a
//! filter whose only links to the outer row are equalities
//! `inner column = outer column`, the same values come from one pass:
//!
//! ```text
//! a LEFT JOIN (SELECT b.a, count(*) FROM b GROUP BY b.a) g ON g.a = a.id
//! ```
//!
//! Each outer row meets at most one group (the keys are the group). A row
//! whose key has no group would have seen an empty subquery, whose
//! aggregates are NULL except `count`, which is 0: the rewritten
//! expression reads `coalesce(count, 0)` for counts and the joined value
//! (NULL when unmatched) for the others. An inner row whose key is NULL
//! forms a group no outer row can join (`=` never holds for NULL), as the
//! correlated filter would have dropped it.
//!
//! Only Project nodes are rewritten, and only subqueries whose inner part
//! refers to no other outer row (no deeper correlation).

use super::expr_util::{conjoin, conjuncts, wrap_filter};
use super::transform_up;
use crate::exec::walk::{expr_refers_outside, refers_outside};
use crate::plan::{
    CmpOp, Field, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, Schema, SubqueryKind,
};
use crate::types::{DataType, Value};

pub fn apply(plan: Plan) -> Plan {
    transform_up(plan, &mut |p| {
        let PlanNode::Project { input, mut exprs } = p.node else {
            return p;
        };
        let schema = p.schema;
        let mut input = *input;
        for e in &mut exprs {
            e.visit_mut(&mut |x| {
                if let Some((joined, value)) = rewrite(x, &input) {
                    input = joined;
                    *x = value;
                }
            });
        }
        Plan::new(
            PlanNode::Project {
                input: Box::new(input),
                exprs,
            },
            schema,
        )
    })
}

/// For a scalar subquery `e` over `input`: the left join that replaces it
/// and the expression, over the join's row, that gives its value.
fn rewrite(e: &ScalarExpr, input: &Plan) -> Option<(Plan, ScalarExpr)> {
    let ScalarExpr::Subquery {
        plan,
        kind: SubqueryKind::Scalar,
        ..
    } = e
    else {
        return None;
    };
    // [Project over] Aggregate (no GROUP BY) over Filter.
    let (top, agg) = match &plan.node {
        PlanNode::Project { input, exprs } => (Some(exprs), &**input),
        _ => (None, &**plan),
    };
    let PlanNode::Aggregate {
        input: body,
        group_by,
        grouping_sets: None,
        aggregates,
        sorted: false,
    } = &agg.node
    else {
        return None;
    };
    if !group_by.is_empty() {
        return None;
    }
    let PlanNode::Filter {
        predicate,
        input: source,
    } = &body.node
    else {
        return None;
    };
    // Split the filter: links `inner = outer`, and local conjuncts.
    let (mut keys, mut outer_cols, mut local) = (Vec::new(), Vec::new(), Vec::new());
    for c in conjuncts(predicate.clone()) {
        match link(&c) {
            Some((inner, outer)) => {
                keys.push(inner);
                outer_cols.push(outer);
            }
            None if expr_refers_outside(&c) => return None,
            None => local.push(c),
        }
    }
    if keys.is_empty() || refers_outside(source) {
        return None;
    }
    if let Some(exprs) = top {
        if exprs.iter().any(expr_refers_outside) {
            return None;
        }
    }
    let source_types = |i: usize| source.schema.fields.get(i).map(|f| f.data_type.clone());
    // Join keys must compare as the correlated filter did: same types.
    for (&k, &o) in keys.iter().zip(&outer_cols) {
        let inner_t = source_types(k)?;
        let outer_t = input.schema.fields.get(o)?.data_type.clone();
        if inner_t != outer_t {
            return None;
        }
    }
    let filtered = wrap_filter((**source).clone(), local);
    // The grouped side: keys, then the aggregates.
    let mut fields: Vec<Field> = keys
        .iter()
        .map(|&k| source.schema.fields[k].clone())
        .collect();
    fields.extend(agg.schema.fields.iter().cloned());
    let grouped = Plan::new(
        PlanNode::Aggregate {
            input: Box::new(filtered),
            group_by: keys.iter().map(|&k| ScalarExpr::Column(k)).collect(),
            grouping_sets: None,
            aggregates: aggregates.clone(),
            sorted: false,
        },
        Schema::new(fields),
    );
    let width = input.schema.len();
    let nkeys = keys.len();
    let condition = conjoin(
        outer_cols
            .iter()
            .enumerate()
            .map(|(i, &o)| ScalarExpr::Compare {
                op: CmpOp::Eq,
                left: Box::new(ScalarExpr::Column(o)),
                right: Box::new(ScalarExpr::Column(width + i)),
            })
            .collect(),
    );
    // Aggregate i's value over the join's row, as over an empty group
    // when no group matched.
    let value_of = |i: usize| -> ScalarExpr {
        let column = ScalarExpr::Column(width + nkeys + i);
        let call = &aggregates[i];
        if call.func.def.name == "count" {
            ScalarExpr::Coalesce {
                args: vec![
                    column,
                    ScalarExpr::Const {
                        value: Value::Int8(0),
                        data_type: DataType::Int8,
                    },
                ],
                data_type: DataType::Int8,
            }
        } else {
            column
        }
    };
    let value = match top {
        None if aggregates.len() == 1 => value_of(0),
        None => return None,
        Some(exprs) if exprs.len() == 1 => {
            let mut v = exprs[0].clone();
            substitute(&mut v, &value_of);
            v
        }
        Some(_) => return None,
    };
    let joined_schema = input.schema.concat(&grouped.schema);
    let joined = Plan::new(
        PlanNode::Join {
            left: Box::new(input.clone()),
            right: Box::new(grouped),
            kind: JoinKind::Left,
            condition,
            algorithm: JoinAlgorithm::NestedLoop,
            lateral: false,
        },
        joined_schema,
    );
    Some((joined, value))
}

/// Replaces each column reference of `e` by `value_of` its position (not
/// looking inside what it puts in).
fn substitute(e: &mut ScalarExpr, value_of: &dyn Fn(usize) -> ScalarExpr) {
    match e {
        ScalarExpr::Column(i) => *e = value_of(*i),
        _ => e.children_mut(&mut |c| substitute(c, value_of)),
    }
}

/// `inner column = outer column` (either way round): (inner, outer).
fn link(c: &ScalarExpr) -> Option<(usize, usize)> {
    let ScalarExpr::Compare {
        op: CmpOp::Eq,
        left,
        right,
    } = c
    else {
        return None;
    };
    match (&**left, &**right) {
        (ScalarExpr::Column(i), ScalarExpr::Outer { depth: 1, index })
        | (ScalarExpr::Outer { depth: 1, index }, ScalarExpr::Column(i)) => Some((*i, *index)),
        _ => None,
    }
}
