//! Row values as calls: the binder turns `ROW(a, b)` into a call of
//! `$row`, a whole-row reference `t` into `$whole_row`, and `(r).f` into
//! `$field(r, i)`, so a row value needs no expression node of its own. The binder sets
//! the call's result type — the record type with its fields, or the
//! field's type — and `$row` builds its record with that type.
//! `$record_is_null` and `$record_distinct` test row values that are not
//! row constructors (a constructor's tests expand to its fields in
//! `binder/rows.rs`). The `$` keeps these out of SQL's reach and out of
//! `pg_proc`.

use std::sync::Arc;

use assay_storage::Result;

use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::record::record_value;
use crate::types::{DataType, RecordType, Value};

pub(crate) const ROW: &str = "$row";
pub(crate) const WHOLE_ROW: &str = "$whole_row";
pub(crate) const FIELD: &str = "$field";
pub(crate) const DISTINCT: &str = "$record_distinct";
pub(crate) const IS_NULL: &str = "$record_is_null";

pub(super) fn register(b: &mut Builder) {
    b.scalar(ROW, &[T::Any], T::Any, make_row)
        .variadic()
        .lenient();
    b.scalar(WHOLE_ROW, &[T::Any], T::Any, whole_row)
        .variadic()
        .lenient();
    b.scalar(FIELD, &[T::Any, T::Int4], T::Any, field).lenient();
    b.scalar(DISTINCT, &[T::Any, T::Any, T::Bool], T::Bool, distinct)
        .lenient();
    b.scalar(IS_NULL, &[T::Any, T::Bool], T::Bool, is_null)
        .lenient();
}

/// `r IS NULL` (every field NULL) or, negated, `r IS NOT NULL` (no field
/// NULL), as PostgreSQL tests rows; a NULL record IS NULL.
fn is_null(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    let negated = matches!(a[1], Value::Bool(true));
    Ok(Value::Bool(match &a[0] {
        Value::Null => !negated,
        Value::Record(r) if negated => r.values.iter().all(|v| !v.is_null()),
        Value::Record(r) => r.values.iter().all(Value::is_null),
        _ => negated,
    }))
}

/// `a IS DISTINCT FROM b` between row values (or, negated, `IS NOT
/// DISTINCT FROM`): some field differs, two NULLs counting as equal.
fn distinct(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    let negated = matches!(a[2], Value::Bool(true));
    let differ = match (&a[0], &a[1]) {
        (Value::Record(l), Value::Record(r)) => {
            l.values.len() != r.values.len()
                || l.values
                    .iter()
                    .zip(&r.values)
                    .any(|(x, y)| match (x.is_null(), y.is_null()) {
                        (true, true) => false,
                        (false, false) => !crate::types::values_equal(x, y),
                        _ => true,
                    })
        }
        (x, y) => x.is_null() != y.is_null(),
    };
    Ok(Value::Bool(differ != negated))
}

fn make_row(r: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    let ty = match &r.return_type {
        DataType::Record(Some(t)) => t.clone(),
        _ => Arc::new(RecordType::anonymous(
            a.iter()
                .map(|v| v.own_type().unwrap_or(DataType::Text))
                .collect(),
        )),
    };
    Ok(record_value(ty, a.to_vec()))
}

/// A range variable's whole row. The row an outer join makes up for a
/// missing match is NULL as a whole in PostgreSQL; here it is told by
/// every column being NULL (so a stored row of only NULLs reads as NULL
/// too, where PostgreSQL gives a record of NULL fields).
fn whole_row(r: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    if !a.is_empty() && a.iter().all(Value::is_null) {
        return Ok(Value::Null);
    }
    make_row(r, a, ctx)
}

fn field(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(match (&a[0], &a[1]) {
        (Value::Record(r), Value::Int4(i)) => {
            r.values.get(*i as usize).cloned().unwrap_or(Value::Null)
        }
        _ => Value::Null,
    })
}
