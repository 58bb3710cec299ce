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

use super::context::EvalContext;
use super::json_access::{Doc, JsonType, Sub};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::json::format_jsonb;
use crate::types::record::record_value;
use crate::types::{parse_value, Array, DataType, RecordType, Settings, Value};
use assay_storage::{bail, err, Result, SqlState};

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
    let doc = Doc::from_value(&a[1])?;
    populate(&ty, &a[0], doc.root(), ctx.settings)
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
    let doc = Doc::from_value(&a[1])?;
    let root = doc.root();
    match root.json_type() {
        JsonType::Array => {}
        JsonType::Object => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {} on an object",
            r.def.name
        ),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {} on a scalar",
            r.def.name
        ),
    }
    let mut rows = Vec::new();
    for item in root.elements() {
        if item.json_type() != JsonType::Object {
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

fn not_composite(m: Sub<'_>) -> assay_storage::Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "cannot call populate_composite on {}",
        if m.json_type() == JsonType::Array {
            "an array"
        } else {
            "a scalar"
        }
    )
}

/// The record of type `ty` from object `doc`, missing fields from `base`.
fn populate(ty: &Arc<RecordType>, base: &Value, doc: Sub<'_>, s: &Settings) -> Result<Value> {
    if doc.json_type() != JsonType::Object {
        return Err(not_composite(doc));
    }
    let mut values = Vec::with_capacity(ty.fields.len());
    for (i, f) in ty.fields.iter().enumerate() {
        values.push(match doc.field(&f.name) {
            Some(m) => field_value(m, &f.ty, &f.name, s)?,
            None => match base {
                Value::Record(b) => b.values.get(i).cloned().unwrap_or(Value::Null),
                _ => Value::Null,
            },
        });
    }
    Ok(record_value(ty.clone(), values))
}

/// The member's text as a string field reads it: a string unquoted,
/// anything else as its JSON text (as written, for json).
fn member_text(m: Sub<'_>) -> String {
    match m.to_text() {
        Value::Text(t) => t.to_string(),
        _ => String::new(),
    }
}

fn field_value(m: Sub<'_>, ty: &DataType, key: &str, s: &Settings) -> Result<Value> {
    match (m.json_type(), ty) {
        (JsonType::Null, _) => Ok(Value::Null),
        (_, DataType::Json | DataType::Jsonb) => {
            let text = match m.to_value() {
                Value::Json(t) => t.to_string(),
                Value::Jsonb(j) => format_jsonb(&j),
                _ => String::new(),
            };
            parse_value(&text, ty, s)
        }
        (JsonType::String, DataType::Array(_) | DataType::Record(_)) => {
            parse_value(&member_text(m), ty, s)
        }
        (JsonType::Array, DataType::Array(elem)) => {
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
        (_, DataType::Array(_)) => Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "expected JSON array"
        )
        .with_hint(format!("See the value of key \"{key}\"."))),
        (JsonType::Object, DataType::Record(Some(t))) => populate(t, &Value::Null, m, s),
        (_, DataType::Record(_)) => Err(not_composite(m)),
        _ => {
            let v = parse_value(&member_text(m), &ty.without_typmod(), s)?;
            crate::types::cast(&v, &ty.without_typmod(), ty, s)
        }
    }
}

/// Walks a (possibly nested) JSON array into row-major items: every
/// sub-array of one level must have the same length, and every element
/// that is not an array must sit at the same depth.
fn array_items(
    m: Sub<'_>,
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
    if m.json_type() != JsonType::Array {
        if *shape.leaf_depth.get_or_insert(depth) != depth {
            return Err(mismatch());
        }
        items.push(field_value(m, elem, key, s)?);
        return Ok(());
    }
    let list = m.elements();
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
