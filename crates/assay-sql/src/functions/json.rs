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
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::json_access::{
    array_length, each, elements, extract_path, get_element, get_field, object_keys, type_of,
};
use crate::types::json::{compare_jsonb, format_jsonb, parse_jsonb, push_json_string};
use crate::types::{DataType, Settings, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("to_json", &[AnyElement], T::Json, to_json)
        .stable();
    b.scalar("to_jsonb", &[AnyElement], Jsonb, to_jsonb)
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
    b.scalar("jsonb_contains", &[Jsonb, Jsonb], Bool, |_, a, _| {
        Ok(Value::Bool(contains(
            &*jsonb(&a[0])?,
            &*jsonb(&a[1])?,
            true,
        )))
    });
    b.scalar("jsonb_contained", &[Jsonb, Jsonb], Bool, |_, a, _| {
        Ok(Value::Bool(contains(
            &*jsonb(&a[1])?,
            &*jsonb(&a[0])?,
            true,
        )))
    });
    b.scalar("jsonb_exists", &[Jsonb, Text], Bool, |_, a, _| {
        Ok(Value::Bool(exists(&*jsonb(&a[0])?, text(&a[1])?)))
    });
    b.scalar("jsonb_exists_any", &[Jsonb, TextArray], Bool, |_, a, _| {
        exists_many(a, true)
    });
    b.scalar("jsonb_exists_all", &[Jsonb, TextArray], Bool, |_, a, _| {
        exists_many(a, false)
    });
    b.scalar("jsonb_concat", &[Jsonb, Jsonb], Jsonb, concat);
    b.scalar("jsonb_delete", &[Jsonb, Int4], Jsonb, delete);
    b.scalar("jsonb_delete", &[Jsonb, Text], Jsonb, delete)
        .variadic();
    b.scalar("jsonb_delete_path", &[Jsonb, TextArray], Jsonb, delete_path);
    // The operators, resolved by `lookup_operator`.
    b.scalar("-", &[Jsonb, Text], Jsonb, delete);
    b.scalar("-", &[Jsonb, Int4], Jsonb, delete);
    b.scalar("-", &[Jsonb, TextArray], Jsonb, delete);
    b.scalar("#-", &[Jsonb, TextArray], Jsonb, delete_path);
    b.scalar("@>", &[Jsonb, Jsonb], Bool, |_, a, _| {
        Ok(Value::Bool(contains(
            &*jsonb(&a[0])?,
            &*jsonb(&a[1])?,
            true,
        )))
    });
    b.scalar("<@", &[Jsonb, Jsonb], Bool, |_, a, _| {
        Ok(Value::Bool(contains(
            &*jsonb(&a[1])?,
            &*jsonb(&a[0])?,
            true,
        )))
    });
    b.scalar("?", &[Jsonb, Text], Bool, |_, a, _| {
        Ok(Value::Bool(exists(&*jsonb(&a[0])?, text(&a[1])?)))
    });
    b.scalar("?|", &[Jsonb, TextArray], Bool, |_, a, _| {
        exists_many(a, true)
    });
    b.scalar("?&", &[Jsonb, TextArray], Bool, |_, a, _| {
        exists_many(a, false)
    });
    b.scalar("||", &[Jsonb, Jsonb], Jsonb, concat);
    b.scalar("jsonb_set", &[Jsonb, TextArray, Jsonb], Jsonb, set);
    b.scalar("jsonb_set", &[Jsonb, TextArray, Jsonb, Bool], Jsonb, set);
    b.scalar("jsonb_insert", &[Jsonb, TextArray, Jsonb], Jsonb, insert);
    b.scalar(
        "jsonb_insert",
        &[Jsonb, TextArray, Jsonb, Bool],
        Jsonb,
        insert,
    );
    b.scalar("jsonb_strip_nulls", &[Jsonb], Jsonb, strip_nulls);
    b.scalar("json_strip_nulls", &[T::Json], T::Json, strip_nulls);
    b.scalar("jsonb_pretty", &[Jsonb], Text, |_, a, _| {
        let mut s = String::new();
        pretty(&*jsonb(&a[0])?, 0, &mut s);
        Ok(Value::text(&s))
    });
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
    b.set_returning("json_array_elements", &[T::Json], T::Json, elements);
    b.set_returning("jsonb_array_elements", &[Jsonb], Jsonb, elements);
    b.set_returning("json_array_elements_text", &[T::Json], Text, elements);
    b.set_returning("jsonb_array_elements_text", &[Jsonb], Text, elements);
    b.set_returning("json_object_keys", &[T::Json], Text, object_keys);
    b.set_returning("jsonb_object_keys", &[Jsonb], Text, object_keys);
}

/// A json or jsonb argument as a tree.
fn jsonb(v: &Value) -> Result<Arc<Json>> {
    match v {
        Value::Jsonb(j) => Ok(Arc::clone(j)),
        Value::Json(s) => Ok(Arc::new(parse_jsonb(s)?)),
        _ => Err(super::args::internal("json", v)),
    }
}

/// Wraps a result in the call's declared type: json, jsonb or text.
fn result(r: &Resolved, j: Json) -> Value {
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
        Value::Timestamp(_) | Value::TimestampTz(_) | Value::Date(_) | Value::Time(_) => {
            push_json_string(out, &iso_datetime(v, settings));
        }
        other => push_json_string(out, &to_text(other, settings).unwrap_or_default()),
    }
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
    out.push('[');
    let mut idx = start;
    let len = a.dims.get(dim).map_or(0, |d| d.len);
    for i in 0..len {
        if i > 0 {
            out.push(',');
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
        Value::Array(_) => {
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
        let Some(key) = to_text(&pair[0], ctx.settings) else {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "argument {} cannot be null",
                i * 2 + 1
            );
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
            if vals.items.len() != keys.items.len() || vals.dims.len() > 1 || keys.dims.len() > 1 {
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

/// `a @> b`; `top` allows an array to contain a bare scalar.
fn contains(a: &Json, b: &Json, top: bool) -> bool {
    match (a, b) {
        (Json::Object(x), Json::Object(y)) => y
            .iter()
            .all(|(k, v)| x.get(k).is_some_and(|w| contains(w, v, false))),
        (Json::Array(x), Json::Array(y)) => y.iter().all(|v| {
            x.iter().any(|w| match (w, v) {
                (Json::Array(_), Json::Array(_)) | (Json::Object(_), Json::Object(_)) => {
                    contains(w, v, false)
                }
                (Json::Array(_) | Json::Object(_), _) | (_, Json::Array(_) | Json::Object(_)) => {
                    false
                }
                _ => compare_jsonb(w, v).is_eq(),
            })
        }),
        (Json::Array(x), scalar) if top && !scalar.is_object() && !scalar.is_array() => {
            x.iter().any(|w| compare_jsonb(w, scalar).is_eq())
        }
        (Json::Object(_) | Json::Array(_), _) | (_, Json::Object(_) | Json::Array(_)) => false,
        _ => compare_jsonb(a, b).is_eq(),
    }
}

fn exists(j: &Json, key: &str) -> bool {
    match j {
        Json::Object(m) => m.contains_key(key),
        Json::Array(items) => items.iter().any(|i| i.as_str() == Some(key)),
        Json::String(s) => s == key,
        _ => false,
    }
}

fn exists_many(a: &[Value], any: bool) -> Result<Value> {
    let j = jsonb(&a[0])?;
    let keys = array(&a[1])?;
    let mut it = keys.items.iter().filter_map(Value::as_str);
    Ok(Value::Bool(if any {
        it.any(|k| exists(&j, k))
    } else {
        it.all(|k| exists(&j, k))
    }))
}

fn concat(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, y) = (jsonb(&a[0])?, jsonb(&a[1])?);
    let out = match ((*x).clone(), (*y).clone()) {
        (Json::Object(mut m), Json::Object(n)) => {
            m.extend(n);
            Json::Object(m)
        }
        (Json::Array(mut v), Json::Array(w)) => {
            v.extend(w);
            Json::Array(v)
        }
        (Json::Array(mut v), other) => {
            v.push(other);
            Json::Array(v)
        }
        (other, Json::Array(mut w)) => {
            w.insert(0, other);
            Json::Array(w)
        }
        (p, q) => Json::Array(vec![p, q]),
    };
    Ok(Value::Jsonb(Arc::new(out)))
}

fn delete(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut j = (*jsonb(&a[0])?).clone();
    let scalar = || {
        err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot delete from scalar"
        )
    };
    match &a[1] {
        Value::Int4(i) => match &mut j {
            Json::Array(items) => {
                let idx = if *i < 0 {
                    items.len() as i64 + i64::from(*i)
                } else {
                    i64::from(*i)
                };
                if let Ok(k) = usize::try_from(idx) {
                    if k < items.len() {
                        items.remove(k);
                    }
                }
            }
            Json::Object(_) => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "cannot delete from object using integer index"
            ),
            _ => return Err(scalar()),
        },
        v => {
            let keys: Vec<String> = match v {
                Value::Array(arr) => arr
                    .items
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect(),
                _ => a[1..]
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect(),
            };
            match &mut j {
                Json::Object(m) => keys.iter().for_each(|k| {
                    m.remove(k);
                }),
                Json::Array(items) => {
                    items.retain(|i| !i.as_str().is_some_and(|s| keys.iter().any(|k| k == s)))
                }
                _ => return Err(scalar()),
            }
        }
    }
    Ok(Value::Jsonb(Arc::new(j)))
}

fn not_integer(pos: usize, step: &str) -> assay_storage::Error {
    err!(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "path element at position {} is not an integer: \"{}\"",
        pos,
        step
    )
}

/// Applies `f` to the container holding the last path step, creating
/// nothing on the way; `f` gets the container and the last step.
fn at_path(
    j: &mut Json,
    path: &[String],
    pos: usize,
    f: &mut dyn FnMut(&mut Json, &str, usize) -> Result<()>,
) -> Result<()> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        return f(j, first, pos);
    }
    let next = match j {
        Json::Object(m) => m.get_mut(first),
        Json::Array(items) => {
            let i: i64 = first.trim().parse().map_err(|_| not_integer(pos, first))?;
            let idx = if i < 0 { items.len() as i64 + i } else { i };
            usize::try_from(idx).ok().and_then(|k| items.get_mut(k))
        }
        _ => None,
    };
    match next {
        Some(n) => at_path(n, rest, pos + 1, f),
        None => Ok(()),
    }
}

fn text_path(v: &Value) -> Result<Vec<String>> {
    array(v)?
        .items
        .iter()
        .map(|i| match i {
            Value::Null => Err(err!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "path element at position 1 is null"
            )),
            v => Ok(text(v)?.to_string()),
        })
        .collect()
}

fn set_or_insert(a: &[Value], insert: bool) -> Result<Value> {
    let mut j = (*jsonb(&a[0])?).clone();
    let path = text_path(&a[1])?;
    let new = (*jsonb(&a[2])?).clone();
    let flag = match a.get(3) {
        Some(v) => boolean(v)?,
        None => !insert,
    };
    if matches!(j, Json::Object(_) | Json::Array(_)) {
        at_path(&mut j, &path, 1, &mut |container, step, pos| {
            match container {
                Json::Object(m) => {
                    if insert && m.contains_key(step) {
                        bail!(
                            SqlState::INVALID_PARAMETER_VALUE,
                            "cannot replace existing key"
                        )
                    } else if m.contains_key(step) || flag || insert {
                        m.insert(step.to_string(), new.clone());
                    }
                }
                Json::Array(items) => {
                    let i: i64 = step.trim().parse().map_err(|_| not_integer(pos, step))?;
                    let n = items.len() as i64;
                    let idx = if i < 0 { n + i } else { i };
                    if insert {
                        let at = if flag { idx + 1 } else { idx };
                        let at = at.clamp(0, n) as usize;
                        items.insert(at, new.clone());
                    } else if (0..n).contains(&idx) {
                        items[idx as usize] = new.clone();
                    } else if flag {
                        if idx < 0 {
                            items.insert(0, new.clone());
                        } else {
                            items.push(new.clone());
                        }
                    }
                }
                _ => {}
            }
            Ok(())
        })?;
    } else {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot set path in scalar"
        );
    }
    Ok(Value::Jsonb(Arc::new(j)))
}

fn set(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    set_or_insert(a, false)
}

fn insert(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    set_or_insert(a, true)
}

fn delete_path(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut j = (*jsonb(&a[0])?).clone();
    if !matches!(j, Json::Object(_) | Json::Array(_)) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot delete path in scalar"
        );
    }
    let path = text_path(&a[1])?;
    at_path(&mut j, &path, 1, &mut |container, step, pos| {
        match container {
            Json::Object(m) => {
                m.remove(step);
            }
            Json::Array(items) => {
                let i: i64 = step.trim().parse().map_err(|_| not_integer(pos, step))?;
                let idx = if i < 0 { items.len() as i64 + i } else { i };
                if (0..items.len() as i64).contains(&idx) {
                    items.remove(idx as usize);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(Value::Jsonb(Arc::new(j)))
}

fn strip(j: &Json) -> Json {
    match j {
        Json::Object(m) => Json::Object(
            m.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip(v)))
                .collect(),
        ),
        Json::Array(items) => Json::Array(items.iter().map(strip).collect()),
        other => other.clone(),
    }
}

fn strip_nulls(r: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(result(r, strip(&*jsonb(&a[0])?)))
}

fn pretty(j: &Json, indent: usize, out: &mut String) {
    let pad = |n: usize, out: &mut String| out.extend(std::iter::repeat_n(' ', n * 4));
    match j {
        Json::Array(items) if !items.is_empty() => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(indent + 1, out);
                pretty(item, indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push(']');
        }
        Json::Object(m) if !m.is_empty() => {
            out.push_str("{\n");
            let mut entries: Vec<_> = m.iter().collect();
            entries.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(b.0)));
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                pad(indent + 1, out);
                push_json_string(out, k);
                out.push_str(": ");
                pretty(v, indent + 1, out);
            }
            out.push('\n');
            pad(indent, out);
            out.push('}');
        }
        // PostgreSQL prints empty containers over two lines.
        Json::Array(_) | Json::Object(_) => {
            let (open, close) = if j.is_array() { ('[', ']') } else { ('{', '}') };
            out.push(open);
            out.push('\n');
            pad(indent, out);
            out.push(close);
        }
        other => out.push_str(&format_jsonb(other)),
    }
}
