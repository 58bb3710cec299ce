//! Row values as calls: the binder turns `ROW(a, b)` (and a whole-row
//! reference `t`) into a call of `$row`, and `(r).f` into `$field(r, i)`,
//! so a row value needs no expression node of its own. The binder sets
//! the call's result type — the record type with its fields, or the
//! field's type — and `$row` builds its record with that type. The `$`
//! keeps these out of SQL's reach and out of `pg_proc`.

use std::sync::Arc;

use assay_storage::Result;

use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::record::record_value;
use crate::types::{DataType, RecordType, Value};

pub(crate) const ROW: &str = "$row";
pub(crate) const FIELD: &str = "$field";
pub(crate) const COMPARE: &str = "$record_cmp";
pub(crate) const IS_NULL: &str = "$record_is_null";

/// The comparisons `$record_cmp` makes, by the code the binder passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RecordCmp {
    Eq = 0,
    NotEq = 1,
    Lt = 2,
    LtEq = 3,
    Gt = 4,
    GtEq = 5,
    Distinct = 6,
    NotDistinct = 7,
}

pub(super) fn register(b: &mut Builder) {
    b.scalar(ROW, &[T::Any], T::Any, make_row)
        .variadic()
        .lenient();
    b.scalar(FIELD, &[T::Any, T::Int4], T::Any, field).lenient();
    b.scalar(COMPARE, &[T::Any, T::Any, T::Int4], T::Bool, compare)
        .lenient();
    b.scalar(IS_NULL, &[T::Any, T::Bool], T::Bool, is_null)
        .lenient();
}

/// `r IS NULL` (every field NULL) or, negated, `r IS NOT NULL` (no field
/// NULL), as PostgreSQL tests rows; a NULL record is NULL either way.
fn is_null(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    let negated = matches!(a[1], Value::Bool(true));
    Ok(Value::Bool(match &a[0] {
        Value::Null => !negated,
        Value::Record(r) if negated => r.values.iter().all(|v| !v.is_null()),
        Value::Record(r) => r.values.iter().all(Value::is_null),
        _ => negated,
    }))
}

/// Compares two records field by field as PostgreSQL's row comparison
/// does: the first pair that is unequal or has a NULL decides (NULL for
/// a NULL, except that `=` is false and `<>` true once any pair differs).
fn compare(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    use std::cmp::Ordering;
    let op = match a[2] {
        Value::Int4(c) => c,
        _ => return Ok(Value::Null),
    };
    let distinct = op == RecordCmp::Distinct as i32 || op == RecordCmp::NotDistinct as i32;
    let (l, r) = match (&a[0], &a[1]) {
        (Value::Record(l), Value::Record(r)) => (l, r),
        (x, y) if distinct => {
            let differ = x.is_null() != y.is_null();
            return Ok(Value::Bool(differ == (op == RecordCmp::Distinct as i32)));
        }
        _ => return Ok(Value::Null),
    };
    if l.values.len() != r.values.len() {
        return Err(assay_storage::err!(
            assay_storage::SqlState::DATATYPE_MISMATCH,
            "cannot compare record types with different numbers of columns"
        ));
    }
    if distinct {
        let same = l
            .values
            .iter()
            .zip(&r.values)
            .all(|(x, y)| match (x.is_null(), y.is_null()) {
                (true, true) => true,
                (false, false) => crate::types::values_equal(x, y),
                _ => false,
            });
        return Ok(Value::Bool(same == (op == RecordCmp::NotDistinct as i32)));
    }
    let mut null = false;
    let mut order = Ordering::Equal;
    for (x, y) in l.values.iter().zip(&r.values) {
        if x.is_null() || y.is_null() {
            null = true;
            if op > RecordCmp::NotEq as i32 {
                break;
            }
            continue;
        }
        let o = crate::types::compare(x, y);
        if o.is_ne() {
            order = o;
            break;
        }
    }
    let eq_like = op == RecordCmp::Eq as i32 || op == RecordCmp::NotEq as i32;
    if null && !(eq_like && order.is_ne()) {
        return Ok(Value::Null);
    }
    Ok(Value::Bool(match op {
        0 => order.is_eq(),
        1 => order.is_ne(),
        2 => order.is_lt(),
        3 => order.is_le(),
        4 => order.is_gt(),
        _ => order.is_ge(),
    }))
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

fn field(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(match (&a[0], &a[1]) {
        (Value::Record(r), Value::Int4(i)) => r.values.get(*i as usize).cloned().unwrap_or(Value::Null),
        _ => Value::Null,
    })
}
