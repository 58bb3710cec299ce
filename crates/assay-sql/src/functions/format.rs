//! `format(fmt, args...)`: `%s`, `%I`, `%L` with positions, flags and widths.

use std::sync::Arc;

use assay_storage::{bail, err, Error, Result, SqlState};

use super::args::{text, to_text};
use super::context::EvalContext;
use super::resolve::Resolved;
use super::string::{quote_identifier, quote_literal_text};
use crate::types::Value;

fn bad(msg: &str) -> Error {
    err!(SqlState::INVALID_PARAMETER_VALUE, "{}", msg)
}

fn unterminated() -> Error {
    bad("unterminated format() type specifier").with_hint("For a single \"%\" use \"%%\".")
}

fn argument_zero() -> Error {
    bad("format specifies argument 0, but arguments are numbered from 1")
}

/// Reads digits at `i`; `None` when there are none.
fn read_number(chars: &[char], i: &mut usize) -> Result<Option<i64>> {
    let start = *i;
    let mut n: i64 = 0;
    while *i < chars.len() && chars[*i].is_ascii_digit() {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(i64::from(chars[*i] as u8 - b'0')))
            .filter(|n| *n <= i64::from(i32::MAX))
            .ok_or_else(|| bad("number is out of range"))?;
        *i += 1;
    }
    Ok((*i > start).then_some(n))
}

pub(crate) fn format(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let fmt: Vec<char> = text(&a[0])?.chars().collect();
    let args = &a[1..];
    let mut outs = String::new();
    let mut next_arg = 0usize;
    let mut i = 0;
    while i < fmt.len() {
        if fmt[i] != '%' {
            outs.push(fmt[i]);
            i += 1;
            continue;
        }
        i += 1;
        if i >= fmt.len() {
            return Err(unterminated());
        }
        if fmt[i] == '%' {
            outs.push('%');
            i += 1;
            continue;
        }
        // [argpos$][flags][width]type, where width may be * or *n$.
        let mut pos: Option<usize> = None;
        let save = i;
        if let Some(n) = read_number(&fmt, &mut i)? {
            if i < fmt.len() && fmt[i] == '$' {
                if n == 0 {
                    return Err(argument_zero());
                }
                pos = Some(n as usize - 1);
                i += 1;
            } else {
                i = save;
            }
        }
        let mut left_align = false;
        while i < fmt.len() && fmt[i] == '-' {
            left_align = true;
            i += 1;
        }
        let mut width: Option<i64> = None;
        if i < fmt.len() && fmt[i] == '*' {
            i += 1;
            let wpos = match read_number(&fmt, &mut i)? {
                Some(n) => {
                    if i >= fmt.len() || fmt[i] != '$' {
                        return Err(unterminated());
                    }
                    if n == 0 {
                        return Err(argument_zero());
                    }
                    i += 1;
                    n as usize - 1
                }
                None => {
                    let p = next_arg;
                    next_arg += 1;
                    p
                }
            };
            let w = args
                .get(wpos)
                .ok_or_else(|| bad("too few arguments for format()"))?;
            width = match w {
                Value::Null => None,
                v => Some(super::args::int(v).map_err(|_| {
                    err!(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "width argument must be an integer"
                    )
                })?),
            };
            next_arg = next_arg.max(wpos + 1);
        } else if let Some(n) = read_number(&fmt, &mut i)? {
            width = Some(n);
        }
        if i >= fmt.len() {
            return Err(unterminated());
        }
        let kind = fmt[i];
        i += 1;
        if !matches!(kind, 's' | 'I' | 'L') {
            return Err(
                bad(&format!("unrecognized format() type specifier \"{kind}\""))
                    .with_hint("For a single \"%\" use \"%%\"."),
            );
        }
        let idx = match pos {
            Some(p) => p,
            None => next_arg,
        };
        next_arg = idx + 1;
        let v = args
            .get(idx)
            .ok_or_else(|| bad("too few arguments for format()"))?;
        let piece = match (kind, to_text(v, ctx.settings)) {
            ('s', t) => t.unwrap_or_default(),
            ('I', None) => bail!(
                SqlState::NULL_VALUE_NOT_ALLOWED,
                "null values cannot be formatted as an SQL identifier"
            ),
            ('I', Some(t)) => quote_identifier(&t),
            (_, None) => "NULL".to_string(),
            (_, Some(t)) => quote_literal_text(&t),
        };
        let (w, left) = match width {
            Some(w) if w < 0 => (w.unsigned_abs() as usize, true),
            Some(w) => (w as usize, left_align),
            None => (0, left_align),
        };
        // A string past PostgreSQL's 1 GB limit could not be built there.
        if w >= 1 << 30 {
            bail!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "requested length too large"
            );
        }
        let len = piece.chars().count();
        if len < w {
            let pad = " ".repeat(w - len);
            if left {
                outs.push_str(&piece);
                outs.push_str(&pad);
            } else {
                outs.push_str(&pad);
                outs.push_str(&piece);
            }
        } else {
            outs.push_str(&piece);
        }
    }
    Ok(Value::Text(Arc::from(outs)))
}
