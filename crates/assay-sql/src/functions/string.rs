//! String functions: length, case, padding, trimming, splitting, quoting,
//! hashing and encoding.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};
use base64::Engine as _;
use md5::{Digest, Md5};
use sha2::Sha256;

use super::args::{bytes, int, int4_range, text, to_text};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{Array, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for name in ["length", "char_length", "character_length"] {
        b.scalar(name, &[Text], Int4, length);
        b.scalar(name, &[Bpchar], Int4, length_bpchar);
    }
    b.scalar("length", &[Bytea], Int4, octet_length);
    b.scalar("octet_length", &[Text], Int4, octet_length);
    b.scalar("octet_length", &[Bytea], Int4, octet_length);
    b.scalar("bit_length", &[Text], Int4, bit_length);
    b.scalar("bit_length", &[Bytea], Int4, bit_length);
    b.scalar("lower", &[Text], Text, lower);
    b.scalar("upper", &[Text], Text, upper);
    b.scalar("initcap", &[Text], Text, initcap);
    for name in ["substr", "substring"] {
        b.scalar(name, &[Text, Int4], Text, substr);
        b.scalar(name, &[Text, Int4, Int4], Text, substr);
        b.scalar(name, &[Bytea, Int4], Bytea, substr_bytea);
        b.scalar(name, &[Bytea, Int4, Int4], Bytea, substr_bytea);
    }
    // `position(sub IN s)` is parsed as position(s, sub), as strpos.
    b.scalar("position", &[Text, Text], Int4, strpos);
    b.scalar("strpos", &[Text, Text], Int4, strpos);
    b.scalar("replace", &[Text, Text, Text], Text, replace);
    b.scalar("overlay", &[Text, Text, Int4], Text, overlay);
    b.scalar("overlay", &[Text, Text, Int4, Int4], Text, overlay);
    b.scalar("translate", &[Text, Text, Text], Text, translate);
    for (name, f) in [
        ("btrim", btrim as _),
        ("ltrim", ltrim as _),
        ("rtrim", rtrim as _),
    ] {
        b.scalar(name, &[Text], Text, f);
        b.scalar(name, &[Text, Text], Text, f);
    }
    b.scalar("lpad", &[Text, Int4], Text, lpad);
    b.scalar("lpad", &[Text, Int4, Text], Text, lpad);
    b.scalar("rpad", &[Text, Int4], Text, rpad);
    b.scalar("rpad", &[Text, Int4, Text], Text, rpad);
    b.scalar("left", &[Text, Int4], Text, left);
    b.scalar("right", &[Text, Int4], Text, right);
    b.scalar("repeat", &[Text, Int4], Text, repeat);
    b.scalar("reverse", &[Text], Text, reverse);
    b.scalar("split_part", &[Text, Text, Int4], Text, split_part);
    b.scalar("concat", &[Any], Text, concat)
        .variadic()
        .lenient()
        .stable();
    b.scalar("concat_ws", &[Text, Any], Text, concat_ws)
        .variadic()
        .lenient()
        .stable();
    b.scalar("format", &[Text], Text, super::format::format)
        .stable();
    b.scalar("format", &[Text, Any], Text, super::format::format)
        .variadic()
        .lenient()
        .stable();
    b.scalar("quote_ident", &[Text], Text, quote_ident);
    b.scalar("quote_literal", &[Text], Text, quote_literal);
    b.scalar("quote_literal", &[AnyElement], Text, quote_literal_any)
        .stable();
    b.scalar("quote_nullable", &[Text], Text, quote_nullable)
        .lenient();
    b.scalar("quote_nullable", &[AnyElement], Text, quote_nullable)
        .lenient()
        .stable();
    b.scalar("md5", &[Text], Text, md5);
    b.scalar("md5", &[Bytea], Text, md5);
    b.scalar("sha256", &[Bytea], Bytea, sha256);
    b.scalar("encode", &[Bytea, Text], Text, encode);
    b.scalar("decode", &[Text, Text], Bytea, decode);
    b.scalar("ascii", &[Text], Int4, ascii);
    b.scalar("chr", &[Int4], Text, chr);
    b.scalar("starts_with", &[Text, Text], Bool, starts_with);
    b.scalar("to_hex", &[Int4], Text, to_hex);
    b.scalar("to_hex", &[Int8], Text, to_hex);
    b.scalar("string_to_array", &[Text, Text], TextArray, string_to_array)
        .lenient();
    b.scalar(
        "string_to_array",
        &[Text, Text, Text],
        TextArray,
        string_to_array,
    )
    .lenient();
    b.scalar("array_to_string", &[AnyArray, Text], Text, array_to_string)
        .stable();
    b.scalar(
        "array_to_string",
        &[AnyArray, Text, Text],
        Text,
        array_to_string,
    )
    .lenient()
    .stable();
}

fn out(s: String) -> Result<Value> {
    Ok(Value::Text(Arc::from(s)))
}

/// `overlay(s placing p from start [for count])` on characters.
fn overlay(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, p) = (text(&a[0])?, text(&a[1])?);
    let count = match a.get(3) {
        Some(v) => int(v)?,
        None => p.chars().count() as i64,
    };
    let chars: Vec<char> = s.chars().collect();
    let (head, tail) = super::bytea::overlay_bounds(int(&a[2])?, count, chars.len())?;
    let mut r: String = chars[..head].iter().collect();
    r.push_str(p);
    r.extend(&chars[tail..]);
    out(r)
}

fn length(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    int4_range(text(&a[0])?.chars().count() as i64)
}

fn length_bpchar(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    int4_range(text(&a[0])?.trim_end_matches(' ').chars().count() as i64)
}

fn byte_len(v: &Value) -> Result<usize> {
    match v {
        Value::Bytea(b) => Ok(b.len()),
        v => Ok(text(v)?.len()),
    }
}

fn octet_length(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    int4_range(byte_len(&a[0])? as i64)
}

fn bit_length(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    int4_range(byte_len(&a[0])? as i64 * 8)
}

fn lower(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(text(&a[0])?.chars().map(lower_char).collect())
}

fn upper(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(text(&a[0])?.chars().map(upper_char).collect())
}

/// PostgreSQL changes case one character at a time (`towupper`): a
/// character whose Unicode upper case is several characters (`ß`, `ŉ`,
/// `ﬁ`) stays as it is, and no rule looks at the neighbours (a final `Σ`
/// lowers to `σ`). Rust's `str::to_uppercase` would give `SS`.
fn upper_char(c: char) -> char {
    let mut up = c.to_uppercase();
    match (up.next(), up.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Lower case of one character; `İ`, the one character whose lower case is
/// two characters (`i` and a combining dot), lowers to `i` as with
/// `towlower`.
fn lower_char(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn initcap(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut s = String::new();
    let mut in_word = false;
    for c in text(&a[0])?.chars() {
        s.push(if in_word {
            lower_char(c)
        } else {
            upper_char(c)
        });
        in_word = c.is_alphanumeric();
    }
    out(s)
}

/// The 0-based [start, end) of SQL's `substr(s, from, len)` over `n` items.
fn substr_bounds(n: usize, from: i64, len: Option<i64>) -> Result<(usize, usize)> {
    let start = from - 1;
    let end = match len {
        Some(l) if l < 0 => bail!(
            SqlState::SUBSTRING_ERROR,
            "negative substring length not allowed"
        ),
        Some(l) => start.saturating_add(l),
        None => i64::MAX,
    };
    let clamp = |x: i64| x.clamp(0, n as i64) as usize;
    Ok((clamp(start), clamp(end).max(clamp(start))))
}

fn substr(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let len = a.get(2).map(int).transpose()?;
    let n = s.chars().count();
    let (from, to) = substr_bounds(n, int(&a[1])?, len)?;
    out(s.chars().skip(from).take(to - from).collect())
}

fn substr_bytea(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = bytes(&a[0])?;
    let len = a.get(2).map(int).transpose()?;
    let (from, to) = substr_bounds(s.len(), int(&a[1])?, len)?;
    Ok(Value::Bytea(Arc::from(&s[from..to])))
}

fn strpos(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, sub) = (text(&a[0])?, text(&a[1])?);
    int4_range(match s.find(sub) {
        Some(byte) => s[..byte].chars().count() as i64 + 1,
        None => 0,
    })
}

fn replace(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, from, to) = (text(&a[0])?, text(&a[1])?, text(&a[2])?);
    if from.is_empty() {
        return Ok(a[0].clone());
    }
    out(s.replace(from, to))
}

fn translate(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, from, to) = (text(&a[0])?, text(&a[1])?, text(&a[2])?);
    let from: Vec<char> = from.chars().collect();
    let to: Vec<char> = to.chars().collect();
    let mut r = String::with_capacity(s.len());
    for c in s.chars() {
        match from.iter().position(|f| *f == c) {
            Some(i) => {
                if let Some(t) = to.get(i) {
                    r.push(*t);
                }
            }
            None => r.push(c),
        }
    }
    out(r)
}

fn trim_set(a: &[Value]) -> Result<Vec<char>> {
    Ok(match a.get(1) {
        Some(v) => text(v)?.chars().collect(),
        None => vec![' '],
    })
}

fn btrim(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let set = trim_set(a)?;
    out(text(&a[0])?.trim_matches(set.as_slice()).to_string())
}

fn ltrim(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let set = trim_set(a)?;
    out(text(&a[0])?.trim_start_matches(set.as_slice()).to_string())
}

fn rtrim(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let set = trim_set(a)?;
    out(text(&a[0])?.trim_end_matches(set.as_slice()).to_string())
}

/// Largest string a function builds, as PostgreSQL's 1 GB varlena limit.
const MAX_ALLOC: usize = (1 << 30) - 1;

fn too_large() -> assay_storage::Error {
    err!(
        SqlState::PROGRAM_LIMIT_EXCEEDED,
        "requested length too large"
    )
}

fn pad(a: &[Value], left: bool) -> Result<Value> {
    let s = text(&a[0])?;
    let len = int(&a[1])?.max(0) as usize;
    let fill: Vec<char> = match a.get(2) {
        Some(v) => text(v)?.chars().collect(),
        None => vec![' '],
    };
    let n = s.chars().count();
    if n >= len || fill.is_empty() {
        return out(s.chars().take(len).collect());
    }
    if len.saturating_mul(4) > MAX_ALLOC {
        return Err(too_large());
    }
    let padding: String = fill.iter().cycle().take(len - n).collect();
    out(if left {
        padding + s
    } else {
        s.to_string() + &padding
    })
}

fn lpad(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    pad(a, true)
}

fn rpad(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    pad(a, false)
}

fn left(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let n = int(&a[1])?;
    let count = s.chars().count() as i64;
    let take = if n >= 0 { n } else { (count + n).max(0) };
    out(s.chars().take(take as usize).collect())
}

fn right(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let n = int(&a[1])?;
    let count = s.chars().count() as i64;
    let skip = if n >= 0 {
        (count - n).max(0)
    } else {
        (-n).min(count)
    };
    out(s.chars().skip(skip as usize).collect())
}

fn repeat(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let s = text(&a[0])?;
    let n = int(&a[1])?.max(0) as usize;
    if s.len().saturating_mul(n) > MAX_ALLOC {
        return Err(too_large());
    }
    out(s.repeat(n))
}

fn reverse(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(text(&a[0])?.chars().rev().collect())
}

fn split_part(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, delim, n) = (text(&a[0])?, text(&a[1])?, int(&a[2])?);
    if n == 0 {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "field position must not be zero"
        );
    }
    let parts: Vec<&str> = if delim.is_empty() {
        vec![s]
    } else {
        s.split(delim).collect()
    };
    let idx = if n > 0 { n - 1 } else { parts.len() as i64 + n };
    let part = usize::try_from(idx)
        .ok()
        .and_then(|i| parts.get(i))
        .copied();
    out(part.unwrap_or("").to_string())
}

fn concat(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let mut s = String::new();
    for v in a {
        if let Some(t) = to_text(v, ctx.settings) {
            s.push_str(&t);
        }
    }
    out(s)
}

fn concat_ws(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let sep = text(&a[0])?;
    let parts: Vec<String> = a[1..]
        .iter()
        .filter_map(|v| to_text(v, ctx.settings))
        .collect();
    out(parts.join(sep))
}

pub(crate) fn quote_identifier(s: &str) -> String {
    // As the AST prints identifiers, except that quote_ident also quotes `$`.
    if s.contains('$') {
        return format!("\"{}\"", s.replace('"', "\"\""));
    }
    crate::ast::Ident(s).to_string()
}

pub(crate) fn quote_literal_text(s: &str) -> String {
    let mut r = String::with_capacity(s.len() + 3);
    if s.contains('\\') {
        r.push('E');
    }
    r.push('\'');
    for c in s.chars() {
        match c {
            '\'' => r.push_str("''"),
            '\\' => r.push_str("\\\\"),
            c => r.push(c),
        }
    }
    r.push('\'');
    r
}

fn quote_ident(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(quote_identifier(text(&a[0])?))
}

fn quote_literal(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(quote_literal_text(text(&a[0])?))
}

fn quote_literal_any(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    out(quote_literal_text(
        &to_text(&a[0], ctx.settings).unwrap_or_default(),
    ))
}

fn quote_nullable(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    match to_text(&a[0], ctx.settings) {
        None => out("NULL".to_string()),
        Some(t) => out(quote_literal_text(&t)),
    }
}

fn text_or_bytes(v: &Value) -> Result<&[u8]> {
    match v {
        Value::Bytea(b) => Ok(b),
        v => Ok(text(v)?.as_bytes()),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn md5(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(hex(&Md5::digest(text_or_bytes(&a[0])?)))
}

fn sha256(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bytea(Arc::from(&Sha256::digest(bytes(&a[0])?)[..])))
}

fn unrecognized_encoding(name: &str) -> assay_storage::Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "unrecognized encoding: \"{}\"",
        name
    )
}

fn encode(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (data, fmt) = (bytes(&a[0])?, text(&a[1])?);
    out(match fmt.to_ascii_lowercase().as_str() {
        "hex" => hex(data),
        "base64" => {
            // PostgreSQL breaks base64 output into lines of 76 characters.
            let flat = base64::engine::general_purpose::STANDARD.encode(data);
            let lines: Vec<&str> = flat
                .as_bytes()
                .chunks(76)
                .map(|c| std::str::from_utf8(c).unwrap_or(""))
                .collect();
            lines.join("\n")
        }
        "escape" => {
            let mut s = String::new();
            for &b in data {
                match b {
                    b'\\' => s.push_str("\\\\"),
                    0 | 0x80..=0xff => s.push_str(&format!("\\{b:03o}")),
                    b => s.push(b as char),
                }
            }
            s
        }
        _ => return Err(unrecognized_encoding(fmt)),
    })
}

fn decode(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, fmt) = (text(&a[0])?, text(&a[1])?);
    let data = match fmt.to_ascii_lowercase().as_str() {
        "hex" => decode_hex(s)?,
        "base64" => {
            let clean: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|_| {
                    err!(
                        SqlState::INVALID_PARAMETER_VALUE,
                        "invalid base64 end sequence"
                    )
                    .with_hint(
                        "Input data is missing padding, is truncated, or is otherwise corrupted.",
                    )
                })?
        }
        "escape" => crate::types::binary::parse_bytea(s)?,
        _ => return Err(unrecognized_encoding(fmt)),
    };
    Ok(Value::Bytea(Arc::from(data)))
}

fn decode_hex(s: &str) -> Result<Vec<u8>> {
    let digits: Vec<char> = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let mut outb = Vec::with_capacity(digits.len() / 2);
    for pair in digits.chunks(2) {
        let d = |c: char| {
            c.to_digit(16).ok_or_else(|| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal digit: \"{}\"",
                    c
                )
            })
        };
        if pair.len() < 2 {
            d(pair[0])?;
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid hexadecimal data: odd number of digits"
            );
        }
        outb.push((d(pair[0])? * 16 + d(pair[1])?) as u8);
    }
    Ok(outb)
}

fn ascii(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Int4(
        text(&a[0])?.chars().next().map_or(0, |c| c as i32),
    ))
}

fn chr(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let n = int(&a[0])?;
    if n == 0 {
        bail!(
            SqlState::PROGRAM_LIMIT_EXCEEDED,
            "null character not permitted"
        );
    }
    let c = u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| {
            err!(
                SqlState::PROGRAM_LIMIT_EXCEEDED,
                "requested character too large for encoding: {}",
                n
            )
        })?;
    out(c.to_string())
}

fn starts_with(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::Bool(text(&a[0])?.starts_with(text(&a[1])?)))
}

fn to_hex(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    out(match &a[0] {
        Value::Int4(v) => format!("{:x}", *v as u32),
        v => format!("{:x}", int(v)? as u64),
    })
}

fn string_to_array(r: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    string_to_array_value(r, a, ctx)
}

pub(crate) fn string_to_array_value(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    if a[0].is_null() {
        return Ok(Value::Null);
    }
    let s = text(&a[0])?;
    let null_str = match a.get(2) {
        Some(Value::Null) | None => None,
        Some(v) => Some(text(v)?),
    };
    let item = |p: &str| {
        if Some(p) == null_str {
            Value::Null
        } else {
            Value::text(p)
        }
    };
    let items: Vec<Value> = if s.is_empty() {
        Vec::new()
    } else {
        match &a[1] {
            Value::Null => s.chars().map(|c| item(&c.to_string())).collect(),
            d if text(d)?.is_empty() => vec![item(s)],
            d => s.split(text(d)?).map(item).collect(),
        }
    };
    Ok(Value::Array(Arc::new(Array::from_items(items))))
}

fn array_to_string(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    if a[0].is_null() || a[1].is_null() {
        return Ok(Value::Null);
    }
    let arr = super::args::array(&a[0])?;
    let sep = text(&a[1])?;
    let null_str = match a.get(2) {
        Some(Value::Null) | None => None,
        Some(v) => Some(text(v)?),
    };
    let mut parts = Vec::with_capacity(arr.items.len());
    for v in &arr.items {
        match to_text(v, ctx.settings) {
            Some(t) => parts.push(t),
            None => {
                if let Some(n) = null_str {
                    parts.push(n.to_string());
                }
            }
        }
    }
    out(parts.join(sep))
}
