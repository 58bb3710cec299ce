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

pub(super) fn register(b: &mut Builder) {
    b.scalar(ROW, &[T::Any], T::Any, make_row)
        .variadic()
        .lenient();
    b.scalar(FIELD, &[T::Any, T::Int4], T::Any, field).lenient();
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
