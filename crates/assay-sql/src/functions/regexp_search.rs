//! The regexp functions that search from a start position for the N'th
//! match: `regexp_count`, `regexp_instr`, `regexp_substr`, and
//! `regexp_replace` with its `start`, `N` and `flags` arguments.
//!
//! Positions are counted in characters from 1. A search from `start`
//! still sees the text before it (so `^` only matches at the very
//! beginning), and successive matches never overlap: the next search
//! begins where the last match ended, one character later after an empty
//! match, as PostgreSQL's `setup_regexp_matches` does.

use assay_storage::{bail, err, Result, SqlState};
use regex::{Captures, Regex};

use super::args::{int, int4_range, text};
use super::context::EvalContext;
use super::pattern::{compile, expand_replacement, parse_flags, Flags};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::Value;

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("regexp_count", &[Text, Text], Int4, regexp_count);
    b.scalar("regexp_count", &[Text, Text, Int4], Int4, regexp_count);
    b.scalar(
        "regexp_count",
        &[Text, Text, Int4, Text],
        Int4,
        regexp_count,
    );
    let instr: &[&[T]] = &[
        &[Text, Text],
        &[Text, Text, Int4],
        &[Text, Text, Int4, Int4],
        &[Text, Text, Int4, Int4, Int4],
        &[Text, Text, Int4, Int4, Int4, Text],
        &[Text, Text, Int4, Int4, Int4, Text, Int4],
    ];
    for params in instr {
        b.scalar("regexp_instr", params, Int4, regexp_instr);
    }
    let substr: &[&[T]] = &[
        &[Text, Text],
        &[Text, Text, Int4],
        &[Text, Text, Int4, Int4],
        &[Text, Text, Int4, Int4, Text],
        &[Text, Text, Int4, Int4, Text, Int4],
    ];
    for params in substr {
        b.scalar("regexp_substr", params, Text, regexp_substr);
    }
    let replace: &[&[T]] = &[
        &[Text, Text, Text, Int4],
        &[Text, Text, Text, Int4, Int4],
        &[Text, Text, Text, Int4, Int4, Text],
    ];
    for params in replace {
        b.scalar("regexp_replace", params, Text, regexp_replace_from);
    }
}

fn invalid(param: &str, v: i64) -> assay_storage::Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "invalid value for parameter \"{}\": {}",
        param,
        v
    )
}

/// An optional integer argument at `i`, checked against `min`.
fn int_arg(a: &[Value], i: usize, name: &str, default: i64, min: i64) -> Result<i64> {
    let v = match a.get(i) {
        Some(v) => int(v)?,
        None => default,
    };
    if v < min {
        return Err(invalid(name, v));
    }
    Ok(v)
}

/// Flags at `i`; `function` names the caller when `g` is not allowed.
fn flags_arg(a: &[Value], i: usize, function: Option<&str>) -> Result<Flags> {
    let flags = match a.get(i) {
        Some(v) => parse_flags(text(v)?)?,
        None => Flags::default(),
    };
    if let (true, Some(f)) = (flags.global, function) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "{}() does not support the \"global\" option",
            f
        );
    }
    Ok(flags)
}

/// The byte offset of character `start` (from 1), or `None` past the end.
fn byte_offset(s: &str, start: i64) -> Option<usize> {
    let skip = usize::try_from(start - 1).ok()?;
    match s.char_indices().nth(skip) {
        Some((i, _)) => Some(i),
        None if s.chars().count() == skip => Some(s.len()),
        None => None,
    }
}

/// The non-overlapping matches of `re` in `s` from byte offset `from`.
pub(crate) fn matches_from<'s>(re: &Regex, s: &'s str, from: Option<usize>) -> Vec<Captures<'s>> {
    let mut out = Vec::new();
    let Some(mut pos) = from else {
        return out;
    };
    while pos <= s.len() {
        let Some(caps) = re.captures_at(s, pos) else {
            break;
        };
        let m = caps.get(0).expect("group 0 always matches");
        pos = if m.start() == m.end() {
            match s[m.end()..].chars().next() {
                Some(c) => m.end() + c.len_utf8(),
                None => s.len() + 1,
            }
        } else {
            m.end()
        };
        out.push(caps);
    }
    out
}

fn char_position(s: &str, byte: usize) -> i64 {
    s[..byte].chars().count() as i64 + 1
}

fn regexp_count(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let start = int_arg(a, 2, "start", 1, 1)?;
    let re = compile(text(&a[1])?, flags_arg(a, 3, None)?)?;
    int4_range(matches_from(&re, s, byte_offset(s, start)).len() as i64)
}

fn regexp_instr(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let start = int_arg(a, 2, "start", 1, 1)?;
    let n = int_arg(a, 3, "n", 1, 1)?;
    let end_option = int_arg(a, 4, "endoption", 0, 0)?;
    if end_option > 1 {
        return Err(invalid("endoption", end_option));
    }
    let flags = flags_arg(a, 5, Some("regexp_instr"))?;
    let subexpr = int_arg(a, 6, "subexpr", 0, 0)?;
    let re = compile(text(&a[1])?, flags)?;
    let found = matches_from(&re, s, byte_offset(s, start));
    let group = found
        .get((n - 1) as usize)
        .and_then(|caps| caps.get(subexpr as usize));
    Ok(Value::Int4(match group {
        Some(m) if end_option == 1 => char_position(s, m.end()) as i32,
        Some(m) => char_position(s, m.start()) as i32,
        None => 0,
    }))
}

fn regexp_substr(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let start = int_arg(a, 2, "start", 1, 1)?;
    let n = int_arg(a, 3, "n", 1, 1)?;
    let flags = flags_arg(a, 4, Some("regexp_substr"))?;
    let subexpr = int_arg(a, 5, "subexpr", 0, 0)?;
    let re = compile(text(&a[1])?, flags)?;
    let found = matches_from(&re, s, byte_offset(s, start));
    Ok(found
        .get((n - 1) as usize)
        .and_then(|caps| caps.get(subexpr as usize))
        .map_or(Value::Null, |m| Value::text(m.as_str())))
}

/// `regexp_replace(source, pattern, replacement, start [, N [, flags]])`:
/// replaces the N'th match from `start`, or every one when N is 0 (the
/// default with the `g` flag; otherwise N defaults to 1).
fn regexp_replace_from(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, repl) = (text(&a[0])?, text(&a[2])?);
    let start = int_arg(a, 3, "start", 1, 1)?;
    let flags = flags_arg(a, 5, None)?;
    let n = int_arg(a, 4, "n", if flags.global { 0 } else { 1 }, 0)?;
    let re = compile(text(&a[1])?, flags)?;
    let found = matches_from(&re, s, byte_offset(s, start));
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for (i, caps) in found.iter().enumerate() {
        if n != 0 && i as i64 + 1 != n {
            continue;
        }
        let m = caps.get(0).expect("group 0 always matches");
        out.push_str(&s[last..m.start()]);
        expand_replacement(caps, repl, &mut out);
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(Value::text(&out))
}
