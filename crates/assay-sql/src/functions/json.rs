//! JSON functions and the json/jsonb operators as functions.
//!
//! The operators `->`, `->>`, `#>`, `#>>`, `@>`, `<@`, `?`, `?|`, `?&`,
//! `||`, `-` and `#-` are catalog entries named by their symbol, which the
//! binder resolves with [`lookup_operator`](super::lookup_operator); the
//! named functions PostgreSQL has for them (`jsonb_object_field`,
//! `jsonb_contains`, …) are there too.
//!
//! `json` values are parsed on each call and sub-values printed compactly,
//! so unlike PostgreSQL they do not keep the input's spacing, and objects
//! iterate in key order rather than input order.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use serde_json::{Map, Value as Json};

use super::args::{array, boolean, text, to_text};
use super::context::EvalContext;
use super::json_access::{
    array_length, each, elements, extract_path, get_element, get_field, object_keys, type_of,
};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::json::{format_jsonb, parse_jsonb, push_json_string};
use crate::types::{DataType, Settings, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("to_json", &[AnyElement], T::Json, to_json)
        .stable();
    b.scalar("to_jsonb", &[AnyElement], Jsonb, to_jsonb)
        .stable();
    b.scalar("row_to_json", &[T::Record], T::Json, row_to_json);
    b.scalar("row_to_json", &[T::Record, Bool], T::Json, row_to_json);
    b.scalar("array_to_json", &[AnyArray], T::Json, array_to_json)
        .stable();
    b.scalar("array_to_json", &[AnyArray, Bool], T::Json, array_to_json)
        .stable();
    b.scalar("json_build_object", &[T::Any], T::Json, build_object)
        .variadic()
        .lenient()
        .stable();
    b.scalar("jsonb_build_object", &[T::Any], Jsonb, build_object)
        .variadic()
        .lenient()
        .stable();
    b.scalar("json_build_object", &[], T::Json, build_object)
        .stable();
    b.scalar("jsonb_build_object", &[], Jsonb, build_object)
        .stable();
    b.scalar("json_build_array", &[T::Any], T::Json, build_array)
        .variadic()
        .lenient()
        .stable();
    b.scalar("jsonb_build_array", &[T::Any], Jsonb, build_array)
        .variadic()
        .lenient()
        .stable();
    b.scalar("json_build_array", &[], T::Json, build_array)
        .stable();
    b.scalar("jsonb_build_array", &[], Jsonb, build_array)
        .stable();
    for (name, ret) in [("json_object", T::Json), ("jsonb_object", Jsonb)] {
        b.scalar(name, &[TextArray], ret, json_object);
        b.scalar(name, &[TextArray, TextArray], ret, json_object);
    }
    for (t, p) in [(T::Json, "json"), (Jsonb, "jsonb")] {
        let (field, elem, field_t, elem_t, len, typeof_, path, path_t) = if p == "json" {
            (
                "json_object_field",
                "json_array_element",
                "json_object_field_text",
                "json_array_element_text",
                "json_array_length",
                "json_typeof",
                "json_extract_path",
                "json_extract_path_text",
            )
        } else {
            (
                "jsonb_object_field",
                "jsonb_array_element",
                "jsonb_object_field_text",
                "jsonb_array_element_text",
                "jsonb_array_length",
                "jsonb_typeof",
                "jsonb_extract_path",
                "jsonb_extract_path_text",
            )
        };
        b.scalar(field, &[t, Text], t, get_field);
        b.scalar(elem, &[t, Int4], t, get_element);
        b.scalar(field_t, &[t, Text], Text, get_field);
        b.scalar(elem_t, &[t, Int4], Text, get_element);
        b.scalar(len, &[t], Int4, array_length);
        b.scalar(typeof_, &[t], Text, type_of);
        b.scalar(path, &[t, Text], t, extract_path).variadic();
        b.scalar(path_t, &[t, Text], Text, extract_path).variadic();
        b.scalar("->", &[t, Text], t, get_field);
        b.scalar("->", &[t, Int4], t, get_element);
        b.scalar("->>", &[t, Text], Text, get_field);
        b.scalar("->>", &[t, Int4], Text, get_element);
        b.scalar("#>", &[t, TextArray], t, extract_path);
        b.scalar("#>>", &[t, TextArray], Text, extract_path);
    }
    super::json_modify::register(b);
    super::jsonpath::register(b);
    super::json_record::register(b);
    const EACH: &[(&str, DataType)] = &[("key", DataType::Text), ("value", DataType::Json)];
    const EACH_B: &[(&str, DataType)] = &[("key", DataType::Text), ("value", DataType::Jsonb)];
    const EACH_T: &[(&str, DataType)] = &[("key", DataType::Text), ("value", DataType::Text)];
    b.set_returning("json_each", &[T::Json], T::Json, each)
        .columns(EACH);
    b.set_returning("jsonb_each", &[Jsonb], Jsonb, each)
        .columns(EACH_B);
    b.set_returning("json_each_text", &[T::Json], Text, each)
        .columns(EACH_T);
    b.set_returning("jsonb_each_text", &[Jsonb], Text, each)
        .columns(EACH_T);
    const VALUE: &[(&str, DataType)] = &[("value", DataType::Json)];
    const VALUE_B: &[(&str, DataType)] = &[("value", DataType::Jsonb)];
    const VALUE_T: &[(&str, DataType)] = &[("value", DataType::Text)];
    b.set_returning("json_array_elements", &[T::Json], T::Json, elements)
        .columns(VALUE);
    b.set_returning("jsonb_array_elements", &[Jsonb], Jsonb, elements)
        .columns(VALUE_B);
    b.set_returning("json_array_elements_text", &[T::Json], Text, elements)
        .columns(VALUE_T);
    b.set_returning("jsonb_array_elements_text", &[Jsonb], Text, elements)
        .columns(VALUE_T);
    b.set_returning("json_object_keys", &[T::Json], Text, object_keys);
    b.set_returning("jsonb_object_keys", &[Jsonb], Text, object_keys);
}

/// A json or jsonb argument as a tree.
pub(super) fn jsonb(v: &Value) -> Result<Arc<Json>> {
    match v {
        Value::Jsonb(j) => Ok(Arc::clone(j)),
        Value::Json(s) => Ok(Arc::new(parse_jsonb(s)?)),
        _ => Err(super::args::internal("json", v)),
    }
}

/// Wraps a result in the call's declared type: json, jsonb or text.
pub(super) fn result(r: &Resolved, j: Json) -> Value {
    match r.return_type {
        DataType::Jsonb => Value::Jsonb(Arc::new(j)),
        DataType::Json => Value::Json(Arc::from(compact(&j))),
        _ => match j {
            Json::Null => Value::Null,
            Json::String(s) => Value::text(&s),
            other => Value::text(&compact(&other)),
        },
    }
}

fn compact(j: &Json) -> String {
    match j {
        Json::Number(_) => format_jsonb(j),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Appends `v` as `to_json` prints it.
pub(crate) fn value_to_json(v: &Value, settings: &Settings, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int2(_)
        | Value::Int4(_)
        | Value::Int8(_)
        | Value::Numeric(_)
        | Value::Float4(_)
        | Value::Float8(_) => {
            let t = to_text(v, settings).unwrap_or_default();
            if t.parse::<f64>().is_ok_and(f64::is_finite) {
                out.push_str(&t);
            } else {
                push_json_string(out, &t);
            }
        }
        Value::Json(s) => out.push_str(s),
        Value::Jsonb(j) => out.push_str(&format_jsonb(j)),
        Value::Array(a) => {
            write_array(a, 0, 0, settings, out);
        }
        Value::Record(r) => write_record(r, settings, out, ","),
        Value::Timestamp(_) | Value::TimestampTz(_) | Value::Date(_) | Value::Time(_) => {
            push_json_string(out, &iso_datetime(v, settings));
        }
        other => push_json_string(out, &to_text(other, settings).unwrap_or_default()),
    }
}

/// A record as a JSON object of its fields (`row_to_json`), `sep` between
/// members (`,\n ` for the pretty form).
fn write_record(r: &crate::types::Record, settings: &Settings, out: &mut String, sep: &str) {
    out.push('{');
    for (i, v) in r.values.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        push_json_string(out, &r.field_name(i));
        out.push(':');
        value_to_json(v, settings, out);
    }
    out.push('}');
}

fn row_to_json(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let pretty = match a.get(1) {
        Some(v) => boolean(v)?,
        None => false,
    };
    let mut s = String::new();
    match &a[0] {
        Value::Record(r) => {
            write_record(r, ctx.settings, &mut s, if pretty { ",\n " } else { "," })
        }
        other => value_to_json(other, ctx.settings, &mut s),
    }
    Ok(Value::Json(Arc::from(s)))
}

/// Dates and times in JSON use ISO 8601: `T` between date and time and a
/// full `+hh:mm` offset.
fn iso_datetime(v: &Value, settings: &Settings) -> String {
    let t = to_text(v, settings).unwrap_or_default();
    if !matches!(v, Value::Timestamp(_) | Value::TimestampTz(_)) || !t.contains(' ') {
        return t;
    }
    let mut s = t.replacen(' ', "T", 1);
    if let Value::TimestampTz(_) = v {
        let sign = s.rfind(['+', '-']).unwrap_or(s.len());
        if s.len() - sign == 3 {
            s.push_str(":00");
        }
    }
    s
}

fn write_array(
    a: &crate::types::Array,
    dim: usize,
    start: usize,
    settings: &Settings,
    out: &mut String,
) -> usize {
    write_array_sep(a, dim, start, settings, out, ",")
}

/// Writes dimension `dim` of `a` from item `start`, with `sep` between its
/// members (`array_to_json`'s pretty form breaks lines at the top level).
fn write_array_sep(
    a: &crate::types::Array,
    dim: usize,
    start: usize,
    settings: &Settings,
    out: &mut String,
    sep: &str,
) -> usize {
    out.push('[');
    let mut idx = start;
    let len = a.dims.get(dim).map_or(0, |d| d.len);
    for i in 0..len {
        if i > 0 {
            out.push_str(sep);
        }
        if dim + 1 < a.dims.len() {
            idx = write_array(a, dim + 1, idx, settings, out);
        } else {
            value_to_json(&a.items[idx], settings, out);
            idx += 1;
        }
    }
    out.push(']');
    idx
}

/// Converts `v` as `to_jsonb` does.
pub(crate) fn value_to_jsonb(v: &Value, settings: &Settings) -> Result<Json> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Jsonb(j) => (**j).clone(),
        Value::Json(_) => (*jsonb(v)?).clone(),
        Value::Text(s) => Json::String(s.to_string()),
        Value::Array(_) | Value::Record(_) => {
            let mut s = String::new();
            value_to_json(v, settings, &mut s);
            serde_json::from_str(&s).unwrap_or(Json::Null)
        }
        other => {
            let mut s = String::new();
            value_to_json(other, settings, &mut s);
            serde_json::from_str(&s).unwrap_or(Json::Null)
        }
    })
}

fn to_json(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let mut s = String::new();
    value_to_json(&a[0], ctx.settings, &mut s);
    Ok(Value::Json(Arc::from(s)))
}

fn array_to_json(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let arr = array(&a[0])?;
    let pretty = match a.get(1) {
        Some(v) => boolean(v)?,
        None => false,
    };
    let mut s = String::new();
    if arr.dims.is_empty() {
        s.push_str("[]");
    } else {
        write_array_sep(
            arr,
            0,
            0,
            ctx.settings,
            &mut s,
            if pretty { ",\n " } else { "," },
        );
    }
    Ok(Value::Json(Arc::from(s)))
}

fn to_jsonb(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    Ok(Value::Jsonb(Arc::new(value_to_jsonb(&a[0], ctx.settings)?)))
}

fn build_object(r: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    if !a.len().is_multiple_of(2) {
        return Err(err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "argument list must have even number of elements"
        )
        .with_hint(format!(
            "The arguments of {}() must consist of alternating keys and values.",
            r.def.name
        )));
    }
    let jsonb_out = r.return_type == DataType::Jsonb;
    let mut map = Map::new();
    let mut s = String::from("{");
    for (i, pair) in a.chunks(2).enumerate() {
        if matches!(pair[0], Value::Array(_) | Value::Json(_) | Value::Jsonb(_)) {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "key value must be scalar, not array, composite, or json"
            );
        }
        let Some(key) = to_text(&pair[0], ctx.settings) else {
            let n = i * 2 + 1;
            return Err(if jsonb_out {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "argument {}: key must not be null",
                    n
                )
            } else {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "argument {} cannot be null",
                    n
                )
                .with_hint("Object keys should be text.")
            });
        };
        if jsonb_out {
            map.insert(key, value_to_jsonb(&pair[1], ctx.settings)?);
        } else {
            if i > 0 {
                s.push_str(", ");
            }
            push_json_string(&mut s, &key);
            s.push_str(" : ");
            value_to_json(&pair[1], ctx.settings, &mut s);
        }
    }
    s.push('}');
    Ok(if jsonb_out {
        Value::Jsonb(Arc::new(Json::Object(map)))
    } else {
        Value::Json(Arc::from(s))
    })
}

fn build_array(r: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    if r.return_type == DataType::Jsonb {
        let items = a
            .iter()
            .map(|v| value_to_jsonb(v, ctx.settings))
            .collect::<Result<_>>()?;
        return Ok(Value::Jsonb(Arc::new(Json::Array(items))));
    }
    let mut s = String::from("[");
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        value_to_json(v, ctx.settings, &mut s);
    }
    s.push(']');
    Ok(Value::Json(Arc::from(s)))
}

fn json_object(r: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let keys = array(&a[0])?;
    let (pairs, values): (Vec<(Value, Value)>, bool) = match a.get(1) {
        Some(v) => {
            let vals = array(v)?;
            if vals.dims.len() > 1 || keys.dims.len() > 1 {
                bail!(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "wrong number of array subscripts"
                );
            }
            if vals.items.len() != keys.items.len() {
                bail!(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "mismatched array dimensions"
                );
            }
            (
                keys.items
                    .iter()
                    .cloned()
                    .zip(vals.items.iter().cloned())
                    .collect(),
                true,
            )
        }
        None => {
            match keys.dims.len() {
                0 => {}
                1 if keys.items.len() % 2 == 0 => {}
                1 => bail!(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "array must have even number of elements"
                ),
                2 if keys.dims[1].len == 2 => {}
                2 => bail!(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "array must have two columns"
                ),
                _ => bail!(
                    SqlState::ARRAY_SUBSCRIPT_ERROR,
                    "wrong number of array subscripts"
                ),
            }
            (
                keys.items
                    .chunks(2)
                    .map(|c| (c[0].clone(), c[1].clone()))
                    .collect(),
                false,
            )
        }
    };
    let _ = values;
    let mut map = Map::new();
    let mut s = String::from("{");
    for (i, (k, v)) in pairs.iter().enumerate() {
        let Value::Text(k) = k else {
            bail!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "null value not allowed for object key"
            );
        };
        let val = match v {
            Value::Null => Json::Null,
            v => Json::String(text(v)?.to_string()),
        };
        if i > 0 {
            s.push_str(", ");
        }
        push_json_string(&mut s, k);
        s.push_str(" : ");
        match &val {
            Json::Null => s.push_str("null"),
            Json::String(t) => push_json_string(&mut s, t),
            _ => {}
        }
        map.insert(k.to_string(), val);
    }
    s.push('}');
    Ok(if r.return_type == DataType::Jsonb {
        Value::Jsonb(Arc::new(Json::Object(map)))
    } else {
        Value::Json(Arc::from(s))
    })
}
