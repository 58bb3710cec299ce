//! `unistr(text)`: decodes the Unicode escapes `\XXXX`, `\+XXXXXX`,
//! `\uXXXX` and `\UXXXXXXXX` (hex digits), with `\\` for a backslash.
//!
//! A UTF-16 high surrogate must be followed at once by an escaped low
//! surrogate; the pair decodes to one code point.

use assay_storage::{bail, err, Error, Result, SqlState};

use super::args::text;
use super::registry::{Builder, T};
use crate::types::Value;

pub(crate) fn register(b: &mut Builder) {
    b.scalar("unistr", &[T::Text], T::Text, |_, a, _| {
        Ok(Value::text(&unistr(text(&a[0])?)?))
    });
}

fn bad_escape() -> Error {
    err!(SqlState::SYNTAX_ERROR, "invalid Unicode escape")
        .with_hint("Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")
}

fn bad_pair() -> Error {
    err!(SqlState::SYNTAX_ERROR, "invalid Unicode surrogate pair")
}

/// Reads exactly `n` hex digits.
fn hex(chars: &mut std::str::Chars<'_>, n: usize) -> Option<u32> {
    let mut v = 0u32;
    for _ in 0..n {
        v = v * 16 + chars.next()?.to_digit(16)?;
    }
    Some(v)
}

/// One escape after its backslash: the code unit or point, or `None` for
/// `\\`.
fn escape(chars: &mut std::str::Chars<'_>) -> Result<Option<u32>> {
    let mut ahead = chars.clone();
    let digits = match ahead.next() {
        Some('\\') => {
            *chars = ahead;
            return Ok(None);
        }
        Some('+') => 6,
        Some('u') => 4,
        Some('U') => 8,
        _ => {
            ahead = chars.clone();
            4
        }
    };
    let v = hex(&mut ahead, digits).ok_or_else(bad_escape)?;
    *chars = ahead;
    Ok(Some(v))
}

fn is_high(v: u32) -> bool {
    (0xD800..=0xDBFF).contains(&v)
}

fn is_low(v: u32) -> bool {
    (0xDC00..=0xDFFF).contains(&v)
}

pub(crate) fn unistr(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(mut v) = escape(&mut chars)? else {
            out.push('\\');
            continue;
        };
        if is_high(v) {
            if chars.next() != Some('\\') {
                return Err(bad_pair());
            }
            let low = match escape(&mut chars) {
                Ok(Some(low)) if is_low(low) => low,
                _ => return Err(bad_pair()),
            };
            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
        } else if is_low(v) {
            return Err(bad_pair());
        }
        match char::from_u32(v) {
            Some(ch) if v != 0 => out.push(ch),
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid Unicode code point: {:04X}",
                v
            ),
        }
    }
    Ok(out)
}
