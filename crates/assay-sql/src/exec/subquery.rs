//! Subqueries inside expressions: scalar, EXISTS, ARRAY(…), ANY and ALL.
//!
//! A subquery that refers to no enclosing row runs once per statement and
//! its result is cached in the context, keyed by the address of its plan
//! (stable while the operator tree that holds the expression lives). A
//! correlated one runs again for every row, with that row pushed on the
//! context's stack of outer rows.

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::context::{CachedSubquery, ExecContext};
use super::eval::{cmp_holds, eval};
use super::operator::build;
use super::storage::Row;
use super::walk::refers_outside;
use crate::plan::{Plan, SubqueryKind};
use crate::types::{compare, Array, Value};

pub(crate) fn eval_subquery(
    plan: &Plan,
    kind: &SubqueryKind,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    let key = plan as *const Plan as usize;
    match ctx.subqueries.get(&key) {
        Some(CachedSubquery::Value(v)) => return Ok(v.clone()),
        Some(CachedSubquery::Rows(rows)) => {
            let rows = rows.clone();
            return compare_with_rows(kind, &rows, row, ctx);
        }
        Some(CachedSubquery::Correlated) => return run(plan, kind, row, ctx),
        None => {}
    }
    if refers_outside(plan) {
        ctx.subqueries.insert(key, CachedSubquery::Correlated);
        return run(plan, kind, row, ctx);
    }
    match kind {
        SubqueryKind::Any { .. } | SubqueryKind::All { .. } | SubqueryKind::RowIn { .. } => {
            let rows = Arc::new(collect(plan, None, row, ctx)?);
            ctx.subqueries
                .insert(key, CachedSubquery::Rows(rows.clone()));
            compare_with_rows(kind, &rows, row, ctx)
        }
        _ => {
            let v = run(plan, kind, row, ctx)?;
            ctx.subqueries.insert(key, CachedSubquery::Value(v.clone()));
            Ok(v)
        }
    }
}

/// Runs the subquery's plan with `row` as the innermost outer row, keeping
/// at most `limit` rows.
fn collect(
    plan: &Plan,
    limit: Option<usize>,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Vec<Row>> {
    // The subquery's nodes are not instrumented: their filters' rejections
    // count nowhere.
    let node = std::mem::replace(&mut ctx.current_node, usize::MAX);
    let rows = ctx.with_outer(row, |ctx| {
        let mut op = build(plan)?;
        let mut rows = Vec::new();
        while limit.is_none_or(|l| rows.len() < l) {
            match op.next(ctx)? {
                Some(r) => rows.push(r),
                None => break,
            }
        }
        Ok(rows)
    });
    ctx.current_node = node;
    rows
}

fn run(
    plan: &Plan,
    kind: &SubqueryKind,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    match kind {
        SubqueryKind::Scalar => {
            let mut rows = collect(plan, Some(2), row, ctx)?;
            if rows.len() > 1 {
                return Err(err!(
                    SqlState::new(b"21000"),
                    "more than one row returned by a subquery used as an expression"
                ));
            }
            Ok(rows
                .pop()
                .and_then(|mut r| r.drain(..).next())
                .unwrap_or(Value::Null))
        }
        SubqueryKind::RowField { group, field } => {
            if let Some((outer, fields)) = ctx.row_fields.get(group) {
                if outer.as_slice() == row {
                    return Ok(fields.get(*field).cloned().unwrap_or(Value::Null));
                }
            }
            let mut rows = collect(plan, Some(2), row, ctx)?;
            if rows.len() > 1 {
                return Err(err!(
                    SqlState::new(b"21000"),
                    "more than one row returned by a subquery used as an expression"
                ));
            }
            let fields = rows
                .pop()
                .unwrap_or_else(|| vec![Value::Null; plan.schema.len()]);
            let v = fields.get(*field).cloned().unwrap_or(Value::Null);
            ctx.row_fields.insert(*group, (row.to_vec(), fields));
            Ok(v)
        }
        SubqueryKind::Exists => Ok(Value::Bool(!collect(plan, Some(1), row, ctx)?.is_empty())),
        SubqueryKind::Array => {
            let rows = collect(plan, None, row, ctx)?;
            let items = rows.into_iter().map(|mut r| r.swap_remove(0)).collect();
            Ok(Value::Array(std::sync::Arc::new(Array::from_items(items))))
        }
        SubqueryKind::Any { .. } | SubqueryKind::All { .. } | SubqueryKind::RowIn { .. } => {
            let rows = collect(plan, None, row, ctx)?;
            compare_with_rows(kind, &rows, row, ctx)
        }
    }
}

/// The quantified comparisons of `row` with a subquery's `rows`.
fn compare_with_rows(
    kind: &SubqueryKind,
    rows: &[Row],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    match kind {
        SubqueryKind::RowIn { lhs, negated } => row_in(lhs, *negated, rows, row, ctx),
        _ => quantified(kind, rows, row, ctx),
    }
}

/// `(a, b) IN (rows)`: true if some row equals the left row in every
/// column, else NULL if some row could (it differs from it in no non-NULL
/// column but has a NULL comparison), else false; `NOT IN` is its negation
/// (NULL stays NULL).
fn row_in(
    lhs: &[crate::plan::ScalarExpr],
    negated: bool,
    rows: &[Row],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    let left: Vec<Value> = lhs
        .iter()
        .map(|e| eval(e, row, ctx))
        .collect::<Result<_>>()?;
    let mut unknown = false;
    let mut found = false;
    for r in rows {
        let mut equal = Some(true);
        for (i, l) in left.iter().enumerate() {
            let v = r.get(i).unwrap_or(&Value::Null);
            if l.is_null() || v.is_null() {
                equal = None;
            } else if compare(l, v) != std::cmp::Ordering::Equal {
                equal = Some(false);
                break;
            }
        }
        match equal {
            Some(true) => {
                found = true;
                break;
            }
            None => unknown = true,
            Some(false) => {}
        }
    }
    Ok(match (found, unknown) {
        (true, _) => Value::Bool(!negated),
        (false, true) => Value::Null,
        (false, false) => Value::Bool(negated),
    })
}

/// `lhs op ANY (rows)` / `lhs op ALL (rows)`: ANY is true if some
/// comparison is true, else NULL if some was NULL, else false; ALL is false
/// if some comparison is false, else NULL if some was NULL, else true.
/// A row-valued lhs (an `Array` whose arity matches the subquery's columns)
/// is not supported; single columns are.
fn quantified(
    kind: &SubqueryKind,
    rows: &[Row],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    let (lhs, op, any) = match kind {
        SubqueryKind::Any { lhs, op } => (lhs, *op, true),
        SubqueryKind::All { lhs, op } => (lhs, *op, false),
        _ => return Err(err!(SqlState::INTERNAL_ERROR, "not a quantified subquery")),
    };
    if rows.is_empty() {
        return Ok(Value::Bool(!any));
    }
    let l = eval(lhs, row, ctx)?;
    let mut unknown = false;
    for r in rows {
        let v = r.first().unwrap_or(&Value::Null);
        if l.is_null() || v.is_null() {
            unknown = true;
            continue;
        }
        let holds = cmp_holds(op, compare(&l, v));
        if holds == any {
            return Ok(Value::Bool(any));
        }
    }
    Ok(if unknown {
        Value::Null
    } else {
        Value::Bool(!any)
    })
}
