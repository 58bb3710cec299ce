//! `json_to_record`, `json_to_recordset` and their `jsonb` forms: a JSON
//! object (or each object of an array) as a row of the columns the call's
//! column definition list declares (`FROM json_to_record(j) AS x(a int, b
//! text)`).
//!
//! The binder passes the declared columns as two extra arguments: their
//! names, and for each one how its value is written out — `t` for a type
//! read from text (a string member unquoted, anything else as its JSON
//! text), `j` for json and jsonb (the member's JSON text), `a` for an array
//! type (a JSON array becomes an array literal, `[[1,2],[3,null]]` →
//! `{{1,2},{3,NULL}}`). Each function yields text; the binder casts every
//! column to its declared type, so a member that does not fit its type
//! fails with that type's input error, as in PostgreSQL. A missing member
//! or a JSON null is NULL.

use assay_storage::{bail, Result, SqlState};

use super::args::text;
use super::context::EvalContext;
use super::json_access::{rows, Doc, JsonType, Sub};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::array::push_quoted;
use crate::types::json::format_jsonb;
use crate::types::Value;

/// The functions whose rows a column definition list describes.
pub(crate) const RECORD_FUNCTIONS: &[&str] = &[
    "json_to_record",
    "json_to_recordset",
    "jsonb_to_record",
    "jsonb_to_recordset",
];

pub(super) fn register(b: &mut Builder) {
    let names = T::TextArray;
    b.set_returning(
        "json_to_record",
        &[T::Json, names, names],
        T::Text,
        to_record,
    );
    b.set_returning(
        "jsonb_to_record",
        &[T::Jsonb, names, names],
        T::Text,
        to_record,
    );
    b.set_returning(
        "json_to_recordset",
        &[T::Json, names, names],
        T::Text,
        to_recordset,
    );
    b.set_returning(
        "jsonb_to_recordset",
        &[T::Jsonb, names, names],
        T::Text,
        to_recordset,
    );
}

/// The declared columns: (name, how its value is written).
fn columns(a: &[Value]) -> Result<Vec<(String, u8)>> {
    let list = |v: &Value| -> Result<Vec<String>> {
        match v {
            Value::Array(arr) => arr
                .items
                .iter()
                .map(|i| text(i).map(str::to_string))
                .collect(),
            _ => Ok(Vec::new()),
        }
    };
    let names = list(&a[1])?;
    let kinds = list(&a[2])?;
    Ok(names
        .into_iter()
        .zip(kinds)
        .map(|(n, k)| (n, k.bytes().next().unwrap_or(b't')))
        .collect())
}

fn row(object: Sub<'_>, columns: &[(String, u8)]) -> Vec<Value> {
    columns
        .iter()
        .map(|(name, kind)| match object.field(name) {
            None => Value::Null,
            Some(v) if v.json_type() == JsonType::Null => Value::Null,
            Some(v) => match kind {
                b'j' => Value::text(&json_text(v)),
                b'a' if v.json_type() == JsonType::Array => {
                    let mut out = String::new();
                    array_literal(v, &mut out);
                    Value::text(&out)
                }
                _ => v.to_text(),
            },
        })
        .collect()
}

fn json_text(v: Sub<'_>) -> String {
    match v.to_value() {
        Value::Json(t) => t.to_string(),
        Value::Jsonb(j) => format_jsonb(&j),
        _ => String::new(),
    }
}

/// A JSON array as an array literal: nested arrays as nested braces,
/// strings quoted, JSON null as NULL, anything else as its JSON text.
fn array_literal(v: Sub<'_>, out: &mut String) {
    out.push('{');
    for (i, item) in v.elements().into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item.json_type() {
            JsonType::Array => array_literal(item, out),
            JsonType::Null => out.push_str("NULL"),
            JsonType::Number | JsonType::Bool => out.push_str(&json_text(item)),
            JsonType::String | JsonType::Object => {
                let s = match item.to_text() {
                    Value::Text(s) => s.to_string(),
                    _ => json_text(item),
                };
                push_quoted(out, &s);
            }
        }
    }
    out.push('}');
}

fn to_record(_: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<RowIter> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    match root.json_type() {
        JsonType::Object => {}
        JsonType::Array => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call populate_composite on an array"
        ),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call populate_composite on a scalar"
        ),
    }
    let columns = columns(a)?;
    Ok(rows(vec![row(root, &columns)]))
}

fn to_recordset(r: &Resolved, a: &[Value], _: &mut EvalContext<'_>) -> Result<RowIter> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    let name = r.def.name;
    match root.json_type() {
        JsonType::Array => {}
        JsonType::Object => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {name} on an object"
        ),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {name} on a scalar"
        ),
    }
    let columns = columns(a)?;
    let mut out = Vec::new();
    for item in root.elements() {
        if item.json_type() != JsonType::Object {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "argument of {name} must be an array of objects"
            );
        }
        out.push(row(item, &columns));
    }
    Ok(rows(out))
}
