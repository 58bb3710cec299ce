//! jsonb's operators and functions that change or test a value: `||`,
//! `-`, `#-`, `jsonb_set`, `jsonb_set_lax`, `jsonb_insert`,
//! `jsonb_strip_nulls`, `jsonb_pretty`, `@>`, `<@` and `?`, `?|`, `?&`.
//!
//! Paths are `text[]`: object keys, or array subscripts (negative ones
//! count from the end) when the value at that level is an array.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use serde_json::Value as Json;

use super::args::{array, boolean, text};
use super::context::EvalContext;
use super::json::{jsonb, result};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::json::{compare_jsonb, format_jsonb, key_order, push_json_string};
use crate::types::Value;

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(super) fn register(b: &mut Builder) {
    use T::*;
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
    b.scalar("jsonb_set_lax", &[Jsonb, TextArray, Jsonb], Jsonb, set_lax)
        .lenient();
    b.scalar(
        "jsonb_set_lax",
        &[Jsonb, TextArray, Jsonb, Bool],
        Jsonb,
        set_lax,
    )
    .lenient();
    b.scalar(
        "jsonb_set_lax",
        &[Jsonb, TextArray, Jsonb, Bool, Text],
        Jsonb,
        set_lax,
    )
    .lenient();
    b.scalar(
        "jsonb_subscript_assign",
        &[Jsonb, Jsonb, T::Any],
        Jsonb,
        subscript_assign,
    )
    .variadic()
    .lenient();
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
        .enumerate()
        .map(|(i, item)| match item {
            Value::Null => Err(err!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "path element at position {} is null",
                i + 1
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
                        return Err(err!(
                            SqlState::INVALID_PARAMETER_VALUE,
                            "cannot replace existing key"
                        )
                        .with_hint("Try using the function jsonb_set to replace key value."));
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

/// `jsonb_set_lax`: like `jsonb_set`, but a NULL new value is handled as
/// its fifth argument says.
fn set_lax(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let treatment = match a.get(4) {
        Some(Value::Null) | None if a.len() > 4 => None,
        Some(v) => Some(text(v)?),
        None => Some("use_json_null"),
    };
    let Some(treatment) = treatment else {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or \"raise_exception\""
        );
    };
    if a[..2].iter().any(Value::is_null) || a.get(3).is_some_and(Value::is_null) {
        return Ok(Value::Null);
    }
    if !a[2].is_null() {
        return set_or_insert(&a[..a.len().min(4)], false);
    }
    match treatment {
        "raise_exception" => Err(err!(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "JSON value must not be null"
        )
        .with_detail("Exception was raised because null_value_treatment is \"raise_exception\".")
        .with_hint("To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.")),
        "use_json_null" => {
            let mut args = a[..a.len().min(4)].to_vec();
            args[2] = Value::Jsonb(Arc::new(Json::Null));
            set_or_insert(&args, false)
        }
        "delete_key" => delete_path_values(&a[0], &a[1]),
        "return_target" => Ok(a[0].clone()),
        _ => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or \"raise_exception\""
        ),
    }
}

fn insert(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    set_or_insert(a, true)
}

fn delete_path(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    delete_path_values(&a[0], &a[1])
}

fn delete_path_values(target: &Value, path: &Value) -> Result<Value> {
    let mut j = (*jsonb(target)?).clone();
    if !matches!(j, Json::Object(_) | Json::Array(_)) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot delete path in scalar"
        );
    }
    let path = text_path(path)?;
    let empty = match &j {
        Json::Object(m) => m.is_empty(),
        Json::Array(items) => items.is_empty(),
        _ => false,
    };
    if empty {
        return Ok(Value::Jsonb(Arc::new(j)));
    }
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
            entries.sort_by(|a, b| key_order(a.0, b.0));
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

/// The longest array an assignment may pad with nulls.
const MAX_PADDED_LEN: i64 = 1 << 20;

/// One subscript of an assignment: an integer, or text.
enum Step {
    Index(i64),
    Key(String),
}

fn replace_scalar() -> assay_storage::Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "cannot replace existing key"
    )
    .with_detail("The path assumes key is a composite object, but it is a scalar value.")
}

/// An empty container of the kind a subscript implies.
fn container_for(step: &Step) -> Json {
    match step {
        Step::Index(_) => Json::Array(Vec::new()),
        Step::Key(_) => Json::Object(serde_json::Map::new()),
    }
}

/// `UPDATE … SET j[s1][s2] = v` (see `parser::subscript_assign`): sets the
/// value at the path, creating the containers on the way and padding
/// arrays with nulls; a NULL target starts as the container the first
/// subscript implies.
fn subscript_assign(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut steps = Vec::with_capacity(a.len() - 2);
    for v in &a[2..] {
        steps.push(match v {
            Value::Null => bail!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "jsonb subscript in assignment must not be null"
            ),
            Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => Step::Index(super::args::int(v)?),
            v => Step::Key(text(v)?.to_string()),
        });
    }
    let mut target = match &a[0] {
        Value::Null => container_for(&steps[0]),
        v => (*jsonb(v)?).clone(),
    };
    let new = match &a[1] {
        Value::Null => Json::Null,
        v => (*jsonb(v)?).clone(),
    };
    assign_at(&mut target, &steps, 1, new)?;
    Ok(Value::Jsonb(Arc::new(target)))
}

fn assign_at(j: &mut Json, steps: &[Step], pos: usize, new: Json) -> Result<()> {
    let Some((step, rest)) = steps.split_first() else {
        *j = new;
        return Ok(());
    };
    let slot: &mut Json = match j {
        Json::Object(m) => {
            let key = match step {
                Step::Index(i) => i.to_string(),
                Step::Key(k) => k.clone(),
            };
            m.entry(key)
                .or_insert_with(|| rest.first().map_or(Json::Null, container_for))
        }
        Json::Array(items) => {
            let i = match step {
                Step::Index(i) => *i,
                Step::Key(k) => k.trim().parse().map_err(|_| not_integer(pos, k))?,
            };
            let len = items.len() as i64;
            let idx = if i < 0 { len + i } else { i };
            if idx < 0 {
                bail!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "path element at position {} is out of range: {}",
                    pos,
                    i
                );
            }
            // Padding builds the array in memory; PostgreSQL's own limit
            // (0x0FFFFFFF elements) is far beyond what that allows.
            if idx >= MAX_PADDED_LEN {
                bail!(
                    SqlState::PROGRAM_LIMIT_EXCEEDED,
                    "number of jsonb array elements exceeds the maximum allowed ({})",
                    MAX_PADDED_LEN
                );
            }
            let idx = idx as usize;
            while items.len() <= idx {
                let fill = if items.len() == idx {
                    rest.first().map_or(Json::Null, container_for)
                } else {
                    Json::Null
                };
                items.push(fill);
            }
            &mut items[idx]
        }
        _ => return Err(replace_scalar()),
    };
    if !rest.is_empty() && !matches!(slot, Json::Object(_) | Json::Array(_)) {
        return Err(replace_scalar());
    }
    assign_at(slot, rest, pos + 1, new)
}
