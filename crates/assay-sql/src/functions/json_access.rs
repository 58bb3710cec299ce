//! Reading into json and jsonb values: `->`, `->>`, `#>`, `#>>`, the
//! named functions behind them, and the functions that list a value's
//! members (`json_each`, `json_array_elements`, `json_object_keys`, …).
//!
//! A `json` argument is parsed with its byte ranges kept ([`Node`]), so
//! what comes out is the member's text as written, keys in input order
//! with duplicates (a lookup takes the last one, as PostgreSQL's does).
//! A `jsonb` argument is already a tree.

use std::sync::Arc;

use assay_storage::{bail, Result, SqlState};
use serde_json::Value as Json;

use super::args::{int, int4_range, text};
use super::context::EvalContext;
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::json::format_jsonb;
use crate::types::json_parse::{self, Kind, Node};
use crate::types::{DataType, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

/// A json or jsonb argument.
pub(crate) enum Doc {
    Json { text: Arc<str>, root: Node },
    Jsonb(Arc<Json>),
}

/// A member of a [`Doc`].
#[derive(Clone, Copy)]
pub(crate) enum Sub<'a> {
    Json(&'a str, &'a Node),
    Jsonb(&'a Json),
}

impl Doc {
    pub(crate) fn from_value(v: &Value) -> Result<Doc> {
        Doc::parse(v, true)
    }

    /// With `decode` false, strings are not de-escaped (nor checked for
    /// bad surrogates), as `json_typeof` reads its argument.
    fn parse(v: &Value, decode: bool) -> Result<Doc> {
        match v {
            Value::Jsonb(j) => Ok(Doc::Jsonb(Arc::clone(j))),
            Value::Json(s) => Ok(Doc::Json {
                root: json_parse::parse(s, decode)?,
                text: Arc::clone(s),
            }),
            _ => Err(super::args::internal("json", v)),
        }
    }

    pub(crate) fn root(&self) -> Sub<'_> {
        match self {
            Doc::Json { text, root } => Sub::Json(text, root),
            Doc::Jsonb(j) => Sub::Jsonb(j),
        }
    }
}

/// The JSON kinds, for `json_typeof` and error messages.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum JsonType {
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

impl<'a> Sub<'a> {
    pub(crate) fn json_type(self) -> JsonType {
        match self {
            Sub::Json(_, n) => match n.kind {
                Kind::Null => JsonType::Null,
                Kind::Bool(_) => JsonType::Bool,
                Kind::Number => JsonType::Number,
                Kind::String(_) => JsonType::String,
                Kind::Array(_) => JsonType::Array,
                Kind::Object(_) => JsonType::Object,
            },
            Sub::Jsonb(j) => match j {
                Json::Null => JsonType::Null,
                Json::Bool(_) => JsonType::Bool,
                Json::Number(_) => JsonType::Number,
                Json::String(_) => JsonType::String,
                Json::Array(_) => JsonType::Array,
                Json::Object(_) => JsonType::Object,
            },
        }
    }

    /// The value of `key` in an object (the last one for repeated keys).
    pub(crate) fn field(self, key: &str) -> Option<Sub<'a>> {
        match self {
            Sub::Json(t, n) => match &n.kind {
                Kind::Object(fields) => fields
                    .iter()
                    .rev()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| Sub::Json(t, v)),
                _ => None,
            },
            Sub::Jsonb(Json::Object(m)) => m.get(key).map(Sub::Jsonb),
            Sub::Jsonb(_) => None,
        }
    }

    /// Element `i` of an array; negative `i` counts from the end.
    pub(crate) fn element(self, i: i64) -> Option<Sub<'a>> {
        let len = self.array_len()? as i64;
        let idx = if i < 0 { len + i } else { i };
        let idx = usize::try_from(idx).ok()?;
        match self {
            Sub::Json(t, n) => match &n.kind {
                Kind::Array(items) => items.get(idx).map(|v| Sub::Json(t, v)),
                _ => None,
            },
            Sub::Jsonb(Json::Array(items)) => items.get(idx).map(Sub::Jsonb),
            Sub::Jsonb(_) => None,
        }
    }

    fn array_len(self) -> Option<usize> {
        match self {
            Sub::Json(_, n) => match &n.kind {
                Kind::Array(items) => Some(items.len()),
                _ => None,
            },
            Sub::Jsonb(Json::Array(items)) => Some(items.len()),
            Sub::Jsonb(_) => None,
        }
    }

    /// The members of an array, in order.
    pub(crate) fn elements(self) -> Vec<Sub<'a>> {
        match self {
            Sub::Json(t, n) => match &n.kind {
                Kind::Array(items) => items.iter().map(|v| Sub::Json(t, v)).collect(),
                _ => Vec::new(),
            },
            Sub::Jsonb(Json::Array(items)) => items.iter().map(Sub::Jsonb).collect(),
            Sub::Jsonb(_) => Vec::new(),
        }
    }

    /// The fields of an object: input order for json, jsonb's key order
    /// for jsonb.
    pub(crate) fn fields(self) -> Vec<(&'a str, Sub<'a>)> {
        match self {
            Sub::Json(t, n) => match &n.kind {
                Kind::Object(fields) => fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), Sub::Json(t, v)))
                    .collect(),
                _ => Vec::new(),
            },
            Sub::Jsonb(Json::Object(m)) => {
                let mut entries: Vec<_> =
                    m.iter().map(|(k, v)| (k.as_str(), Sub::Jsonb(v))).collect();
                entries.sort_by(|a, b| crate::types::json::key_order(a.0, b.0));
                entries
            }
            Sub::Jsonb(_) => Vec::new(),
        }
    }

    /// One step of a text path: a key in an object, an integer in an array.
    fn step(self, step: &str) -> Option<Sub<'a>> {
        match self.json_type() {
            JsonType::Object => self.field(step),
            JsonType::Array => step
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|i| self.element(i)),
            _ => None,
        }
    }

    /// The member as a `json` or `jsonb` value, like the document.
    pub(crate) fn to_value(self) -> Value {
        match self {
            Sub::Json(t, n) => Value::Json(Arc::from(n.text(t))),
            Sub::Jsonb(j) => Value::Jsonb(Arc::new(j.clone())),
        }
    }

    /// The member as `->>` gives it: strings unquoted, JSON null as SQL
    /// NULL, anything else as its JSON text.
    pub(crate) fn to_text(self) -> Value {
        match self {
            Sub::Json(t, n) => match &n.kind {
                Kind::Null => Value::Null,
                Kind::String(s) => Value::text(s),
                _ => Value::text(n.text(t)),
            },
            Sub::Jsonb(Json::Null) => Value::Null,
            Sub::Jsonb(Json::String(s)) => Value::text(s),
            Sub::Jsonb(j) => Value::text(&format_jsonb(j)),
        }
    }

    /// The member as the call's declared type: json, jsonb, or text.
    fn result(self, r: &Resolved) -> Value {
        match r.return_type {
            DataType::Json | DataType::Jsonb => self.to_value(),
            _ => self.to_text(),
        }
    }
}

pub(crate) fn get_field(r: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let doc = Doc::from_value(&a[0])?;
    let key = text(&a[1])?;
    Ok(doc.root().field(key).map_or(Value::Null, |v| v.result(r)))
}

pub(crate) fn get_element(r: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let doc = Doc::from_value(&a[0])?;
    let i = int(&a[1])?;
    Ok(doc.root().element(i).map_or(Value::Null, |v| v.result(r)))
}

/// The steps of a path given as a `text[]` or as variadic text arguments;
/// `None` for a NULL step.
fn path_steps(a: &[Value]) -> Result<Vec<Option<String>>> {
    let mut out = Vec::new();
    for v in a {
        match v {
            Value::Array(arr) => {
                if arr.dims.len() > 1 {
                    bail!(
                        SqlState::ARRAY_SUBSCRIPT_ERROR,
                        "wrong number of array subscripts"
                    );
                }
                out.extend(arr.items.iter().map(|i| i.as_str().map(str::to_string)));
            }
            Value::Null => out.push(None),
            v => out.push(Some(text(v)?.to_string())),
        }
    }
    Ok(out)
}

/// `#>`, `#>>` and `json(b)_extract_path(_text)`.
pub(crate) fn extract_path(r: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let doc = Doc::from_value(&a[0])?;
    let mut cur = doc.root();
    for step in path_steps(&a[1..])? {
        let Some(next) = step.and_then(|s| cur.step(&s)) else {
            return Ok(Value::Null);
        };
        cur = next;
    }
    Ok(cur.result(r))
}

pub(crate) fn array_length(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    match root.json_type() {
        JsonType::Array => int4_range(root.elements().len() as i64),
        JsonType::Object => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot get array length of a non-array"
        ),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot get array length of a scalar"
        ),
    }
}

pub(crate) fn type_of(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let doc = Doc::parse(&a[0], false)?;
    Ok(Value::text(match doc.root().json_type() {
        JsonType::Null => "null",
        JsonType::Bool => "boolean",
        JsonType::Number => "number",
        JsonType::String => "string",
        JsonType::Array => "array",
        JsonType::Object => "object",
    }))
}

pub(crate) fn rows(v: Vec<Vec<Value>>) -> RowIter {
    Box::new(v.into_iter().map(Ok))
}

pub(crate) fn each(r: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    if root.json_type() != JsonType::Object {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {} on a non-object",
            r.def.name
        );
    }
    let as_text = r.def.name.ends_with("_text");
    Ok(rows(
        root.fields()
            .into_iter()
            .map(|(k, v)| {
                let v = if as_text { v.to_text() } else { v.to_value() };
                vec![Value::text(k), v]
            })
            .collect(),
    ))
}

pub(crate) fn elements(r: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    match root.json_type() {
        JsonType::Array => {}
        JsonType::Object => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot extract elements from an object"
        ),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot extract elements from a scalar"
        ),
    }
    Ok(rows(
        root.elements()
            .into_iter()
            .map(|v| vec![v.result(r)])
            .collect(),
    ))
}

pub(crate) fn object_keys(r: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let doc = Doc::from_value(&a[0])?;
    let root = doc.root();
    let what = match root.json_type() {
        JsonType::Object => None,
        JsonType::Array => Some("an array"),
        _ => Some("a scalar"),
    };
    if let Some(what) = what {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot call {} on {}",
            r.def.name,
            what
        );
    }
    Ok(rows(
        root.fields()
            .into_iter()
            .map(|(k, _)| vec![Value::text(k)])
            .collect(),
    ))
}
