//! Reading typed arguments: the binder has cast every argument to the
//! declared parameter type, so a mismatch here is an internal error.

use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use crate::types::{format_value, Array, Numeric, Settings, Value};

pub(crate) fn internal(what: &str, v: &Value) -> Error {
    err!(
        SqlState::INTERNAL_ERROR,
        "function argument is not {}: {:?}",
        what,
        v
    )
}

pub(crate) fn text(v: &Value) -> Result<&str> {
    match v {
        Value::Text(s) | Value::Json(s) => Ok(s),
        _ => Err(internal("text", v)),
    }
}

pub(crate) fn int(v: &Value) -> Result<i64> {
    match v {
        Value::Int2(i) => Ok(i64::from(*i)),
        Value::Int4(i) => Ok(i64::from(*i)),
        Value::Int8(i) => Ok(*i),
        _ => Err(internal("an integer", v)),
    }
}

pub(crate) fn float(v: &Value) -> Result<f64> {
    match v {
        Value::Float8(f) => Ok(*f),
        Value::Float4(f) => Ok(f64::from(*f)),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => Ok(int(v)? as f64),
        Value::Numeric(n) => Ok(n.to_f64()),
        _ => Err(internal("a float", v)),
    }
}

pub(crate) fn numeric(v: &Value) -> Result<Numeric> {
    match v {
        Value::Numeric(n) => Ok((**n).clone()),
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => Ok(Numeric::from_i64(int(v)?)),
        _ => Err(internal("a numeric", v)),
    }
}

pub(crate) fn boolean(v: &Value) -> Result<bool> {
    match v {
        Value::Bool(b) => Ok(*b),
        _ => Err(internal("a boolean", v)),
    }
}

pub(crate) fn bytes(v: &Value) -> Result<&[u8]> {
    match v {
        Value::Bytea(b) => Ok(b),
        _ => Err(internal("bytea", v)),
    }
}

pub(crate) fn array(v: &Value) -> Result<&Arc<Array>> {
    match v {
        Value::Array(a) => Ok(a),
        _ => Err(internal("an array", v)),
    }
}

/// A value's text form, as its output function prints it.
pub(crate) fn to_text(v: &Value, settings: &Settings) -> Option<String> {
    format_value(v, settings)
}

pub(crate) fn int4_range(v: i64) -> Result<Value> {
    i32::try_from(v)
        .map(Value::Int4)
        .map_err(|_| err!(SqlState::NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range"))
}
