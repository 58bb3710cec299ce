//! `json_populate_record(base, json)`, `json_populate_recordset` and their
//! `jsonb` forms: a JSON object as a value of a composite type, taken from
//! the type of `base` (usually `null::mytype`).
//!
//! Each field takes the object's member of the same name; a field with no
//! member keeps `base`'s value (NULL when `base` is NULL). A member
//! becomes a field as PostgreSQL's `populate_record_field` does it:
//! JSON null is NULL; a json or jsonb field takes the member's JSON text;
//! an array field takes a JSON array element by element (a string is read
//! as an array literal); a composite field takes a JSON object field by
//! field (a string is read as a record literal); any other field reads
//! the member's text (a string unquoted, anything else as JSON) with its
//! type's input function, so a mistyped member fails with that type's
//! input error.
//!
//! In FROM the functions yield the record's fields as columns: the
//! one-row `$`-suffixed set-returning forms serve `FROM
//! json_populate_record(…)` (see `binder/from.rs`).

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use serde_json::Value as Json;

use super::context::EvalContext;
use super::json::jsonb;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::json::format_jsonb;
use crate::types::record::record_value;
use crate::types::{parse_value, Array, DataType, RecordType, Settings, Value};

/// The FROM-clause form of each one-record function.
pub(crate) fn from_clause_name(name: &str) -> Option<&'static str> {
    match name {
        "json_populate_record" => Some("json_populate_record$rows"),
        "jsonb_populate_record" => Some("jsonb_populate_record$rows"),
        _ => None,
    }
}

pub(super) fn register(b: &mut Builder) {
    use T::{AnyElement, Json as J, Jsonb as JB};
    for (name, doc) in [("json_populate_record", J), ("jsonb_populate_record", JB)] {
        b.scalar(name, &[AnyElement, doc], AnyElement, populate_record)
            .lenient();
    }
    b.scalar(
        "json_populate_record",
        &[AnyElement, J, T::Bool],
        AnyElement,
        populate_record,
    )
    .lenient();
    b.set_returning(
        "json_populate_record$rows",
        &[AnyElement, J],
        AnyElement,
        record_rows,
    )
    .lenient();
    b.set_returning(
        "jsonb_populate_record$rows",
        &[AnyElement, JB],
        AnyElement,
        record_rows,
    )
    .lenient();
    for (name, doc) in [
        ("json_populate_recordset", J),
        ("jsonb_populate_recordset", JB),
    ] {
        b.set_returning(name, &[AnyElement, doc], AnyElement, populate_recordset)
            .lenient();
    }
    b.set_returning(
        "json_populate_recordset",
        &[AnyElement, J, T::Bool],
        AnyElement,
        populate_recordset,
    )
    .lenient();
}

fn row_type(r: &Resolved) -> Result<Arc<RecordType>> {
    match &r.return_type {
        DataType::Record(Some(t)) if !t.fields.is_empty() || t.name.is_some() => Ok(t.clone()),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "first argument of {} must be a row type",
            r.def.name.trim_end_matches("$rows")
        ),
    }
}

fn populate_record(r: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let ty = row_type(r)?;
    if a[1].is_null() {
        return Ok(a[0].clone());
    }
    let doc = jsonb(&a[1])?;
    populate(&ty, &a[0], &doc, ctx.settings)
}

fn record_rows(r: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
    let v = populate_record(r, a, ctx)?;
    let row = match v {
        Value::Record(rec) => rec.values.clone(),
        _ => vec![Value::Null; row_type(r)?.fields.len()],
    };
    Ok(Box::new(std::iter::once(Ok(row))))
}

fn populate_recordset(r: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
    let ty = row_type(r)?;
    if a[1].is_null() {
        return Ok(Box::new(std::iter::empty()));
    }
    let doc = jsonb(&a[1])?;
    let Json::Array(items) = &*doc else {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {} on {}",
            r.def.name,
            if doc.is_object() {
                "an object"
            } else {
                "a scalar"
            }
        );
    };
    let mut rows = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_object() {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "argument of {} must be an array of objects",
                r.def.name
            );
        }
        match populate(&ty, &a[0], item, ctx.settings)? {
            Value::Record(rec) => rows.push(Ok(rec.values.clone())),
            _ => rows.push(Ok(vec![Value::Null; ty.fields.len()])),
        }
    }
    Ok(Box::new(rows.into_iter()))
}

/// The record of type `ty` from object `doc`, missing fields from `base`.
fn populate(ty: &Arc<RecordType>, base: &Value, doc: &Json, s: &Settings) -> Result<Value> {
    let Json::Object(members) = doc else {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call populate_composite on {}",
            if doc.is_array() {
                "an array"
            } else {
                "a scalar"
            }
        );
    };
    let mut values = Vec::with_capacity(ty.fields.len());
    for (i, f) in ty.fields.iter().enumerate() {
        values.push(match members.get(&f.name) {
            Some(m) => field_value(m, &f.ty, &f.name, s)?,
            None => match base {
                Value::Record(b) => b.values.get(i).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
        });
    }
    Ok(record_value(ty.clone(), values))
}

/// The text a scalar field reads: a string unquoted, anything else as JSON.
fn member_text(m: &Json) -> String {
    match m {
        Json::String(s) => s.clone(),
        other => format_jsonb(other),
    }
}

fn field_value(m: &Json, ty: &DataType, key: &str, s: &Settings) -> Result<Value> {
    if m.is_null() {
        return Ok(Value::Null);
    }
    match ty {
        DataType::Json => Ok(Value::Json(Arc::from(format_jsonb(m)))),
        DataType::Jsonb => Ok(Value::Jsonb(Arc::new(m.clone()))),
        DataType::Array(elem) => match m {
            Json::String(text) => parse_value(text, ty, s),
            Json::Array(_) => {
                let mut shape = Shape::default();
                let mut items = Vec::new();
                array_items(m, elem, key, s, 0, &mut shape, &mut items)?;
                let dims = shape
                    .dims
                    .into_iter()
                    .map(|len| crate::types::ArrayDim { len, lower: 1 })
                    .collect();
                let array = if items.is_empty() {
                    Array::empty()
                } else {
                    Array { dims, items }
                };
                Ok(Value::Array(Arc::new(array)))
            }
            _ => Err(
                err!(SqlState::INVALID_PARAMETER_VALUE, "expected JSON array")
                    .with_hint(format!("See the value of key \"{key}\".")),
            ),
        },
        DataType::Record(Some(t)) => match m {
            Json::String(text) => parse_value(text, ty, s),
            Json::Object(_) => populate(t, &Value::Null, m, s),
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot call populate_composite on {}",
                if m.is_array() { "an array" } else { "a scalar" }
            ),
        },
        _ => parse_value(&member_text(m), ty, s)
            .and_then(|v| crate::types::cast(&v, &ty.without_typmod(), ty, s)),
    }
}

/// Walks a (possibly nested) JSON array into row-major items: every
/// sub-array of one level must have the same length, and every element
/// that is not an array must sit at the same depth.
fn array_items(
    m: &Json,
    elem: &DataType,
    key: &str,
    s: &Settings,
    depth: usize,
    shape: &mut Shape,
    items: &mut Vec<Value>,
) -> Result<()> {
    let mismatch = || {
        err!(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "malformed JSON array"
        )
        .with_detail("Multidimensional arrays must have sub-arrays with matching dimensions.")
    };
    let Json::Array(list) = m else {
        if *shape.leaf_depth.get_or_insert(depth) != depth {
            return Err(mismatch());
        }
        items.push(field_value(m, elem, key, s)?);
        return Ok(());
    };
    if shape.leaf_depth.is_some_and(|d| d <= depth) {
        return Err(mismatch());
    }
    match shape.dims.get(depth) {
        Some(&len) if len != list.len() => return Err(mismatch()),
        Some(_) => {}
        None => shape.dims.push(list.len()),
    }
    for item in list {
        array_items(item, elem, key, s, depth + 1, shape, items)?;
    }
    Ok(())
}

/// The dimensions found so far and the depth of the elements.
#[derive(Default)]
struct Shape {
    dims: Vec<usize>,
    leaf_depth: Option<usize>,
}
