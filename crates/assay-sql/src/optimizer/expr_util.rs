//! Helpers the rules share: conjuncts, column sets, remapping, types.

use crate::plan::{Plan, PlanNode, ScalarExpr, Schema};
use crate::types::DataType;

/// The conjuncts of a predicate (`a AND (b AND c)` → `[a, b, c]`).
pub fn conjuncts(expr: ScalarExpr) -> Vec<ScalarExpr> {
    match expr {
        ScalarExpr::And(list) => list.into_iter().flat_map(conjuncts).collect(),
        other => vec![other],
    }
}

/// The conjunction of `list` (None if empty).
pub fn conjoin(mut list: Vec<ScalarExpr>) -> Option<ScalarExpr> {
    match list.len() {
        0 => None,
        1 => list.pop(),
        _ => Some(ScalarExpr::And(list)),
    }
}

/// Adds a Filter with `conds` above `plan` (nothing if none).
pub fn wrap_filter(plan: Plan, conds: Vec<ScalarExpr>) -> Plan {
    match conjoin(conds) {
        None => plan,
        Some(predicate) => {
            let schema = plan.schema.clone();
            Plan::new(
                PlanNode::Filter {
                    input: Box::new(plan),
                    predicate,
                },
                schema,
            )
        }
    }
}

/// Whether the expression contains a subquery (rules leave those in place:
/// moving them would need their outer references rewritten too).
pub fn has_subquery(expr: &ScalarExpr) -> bool {
    let mut found = false;
    expr.visit(&mut |e| found |= matches!(e, ScalarExpr::Subquery { .. }));
    found
}

/// The input columns an expression reads, as (min, max), or None if none.
pub fn column_span(expr: &ScalarExpr) -> Option<(usize, usize)> {
    let mut span: Option<(usize, usize)> = None;
    expr.visit(&mut |e| {
        if let ScalarExpr::Column(i) = e {
            span = Some(match span {
                None => (*i, *i),
                Some((lo, hi)) => (lo.min(*i), hi.max(*i)),
            });
        }
    });
    span
}

/// Rewrites every column reference through `f`.
pub fn map_columns(expr: &mut ScalarExpr, f: &dyn Fn(usize) -> usize) {
    expr.visit_mut(&mut |e| {
        if let ScalarExpr::Column(i) = e {
            *i = f(*i);
        }
    });
}

/// The type of an expression over `schema`, where it is known.
pub fn expr_type(expr: &ScalarExpr, schema: &Schema) -> Option<DataType> {
    expr.data_type(&|i| schema.fields.get(i).map(|f| f.data_type.clone()))
}
