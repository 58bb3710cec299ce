//! The catalog's own scalar types: `oid` and its `reg*` aliases, `name` and
//! `"char"`.
//!
//! An OID is unsigned 32 bits; Assay holds it as a `Value::Int8` so that
//! comparisons and sorting need no case of their own. The `reg*` types hold
//! the same number; reading `'t'::regclass` and printing a `regclass` as a
//! name need the catalog, which the executor's system context provides
//! (`crate::system`). Without it (here) they read and print numbers only,
//! as PostgreSQL's input functions do for numeric text.
//! `name` truncates to 63 bytes; `"char"` keeps the first byte.

use assay_storage::{err, Result, SqlState};

use super::value::Value;

/// PostgreSQL's NAMEDATALEN - 1.
pub const NAME_MAX_BYTES: usize = 63;

/// Reads an `oid` as `oidin` does: a decimal number in the range of
/// either int4 or uint32 (negative values wrap), surrounding blanks allowed.
pub fn parse_oid(input: &str, type_name: &str) -> Result<u32> {
    let s = input.trim();
    let bad = || {
        err!(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "invalid input syntax for type {}: \"{}\"",
            type_name,
            input
        )
    };
    if s.is_empty() {
        return Err(bad());
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let range = || {
        err!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value \"{}\" is out of range for type {}",
            input,
            type_name
        )
    };
    let v: i64 = s.parse().map_err(|_| range())?;
    if v < i64::from(i32::MIN) || v > i64::from(u32::MAX) {
        return Err(range());
    }
    Ok(v as u32)
}

/// An OID as a value.
pub fn oid_value(oid: u32) -> Value {
    Value::Int8(i64::from(oid))
}

/// The OID a value holds (`Value::Int8` of an oid or reg* type).
pub fn value_oid(v: &Value) -> Option<u32> {
    match v {
        Value::Int8(n) => u32::try_from(*n).ok(),
        Value::Int4(n) => Some(*n as u32),
        Value::Int2(n) => Some(*n as u32),
        _ => None,
    }
}

/// An integer converted to `oid`: int2 and int4 wrap as PostgreSQL's
/// binary-coercible casts do; int8 must fit.
pub fn int_to_oid(v: i64, from_int8: bool) -> Result<Value> {
    if from_int8 {
        if !(0..=i64::from(u32::MAX)).contains(&v) {
            return Err(err!(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "OID out of range"
            ));
        }
        return Ok(oid_value(v as u32));
    }
    Ok(oid_value(v as i32 as u32))
}

/// An `oid` converted to int4 (wrapping, as the binary cast does).
pub fn oid_to_int4(v: i64) -> Value {
    Value::Int4(v as u32 as i32)
}

/// Text stored as `name`: at most 63 bytes, cut at a character boundary.
pub fn to_name(s: &str) -> Value {
    if s.len() <= NAME_MAX_BYTES {
        return Value::text(s);
    }
    let mut end = NAME_MAX_BYTES;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Value::text(&s[..end])
}

/// Text stored as `"char"`: its first byte (a multibyte character's first
/// byte cannot stand alone in text, so the whole character is kept).
pub fn to_char(s: &str) -> Value {
    match s.chars().next() {
        Some(c) => Value::text(c.encode_utf8(&mut [0; 4])),
        None => Value::text(""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected results from PostgreSQL 15: '-1'::oid, ' 42 '::oid, …
    #[test]
    fn reads_oids_as_oidin() {
        assert_eq!(parse_oid("1234", "oid").unwrap(), 1234);
        assert_eq!(parse_oid(" 42 ", "oid").unwrap(), 42);
        assert_eq!(parse_oid("-1", "oid").unwrap(), 4_294_967_295);
        assert_eq!(parse_oid("4294967295", "oid").unwrap(), u32::MAX);
        let e = parse_oid("4294967296", "oid").unwrap_err();
        assert_eq!(
            e.message(),
            "value \"4294967296\" is out of range for type oid"
        );
        let e = parse_oid("asdfasd", "oid").unwrap_err();
        assert_eq!(
            e.message(),
            "invalid input syntax for type oid: \"asdfasd\""
        );
        assert!(parse_oid("", "oid").is_err());
        assert!(parse_oid("5 d", "oid").is_err());
        assert!(parse_oid("-", "oid").is_err());
    }

    #[test]
    fn names_and_chars_truncate() {
        let long = "x".repeat(70);
        assert_eq!(to_name(&long), Value::text(&"x".repeat(63)));
        assert_eq!(to_char("abc"), Value::text("a"));
        assert_eq!(to_char(""), Value::text(""));
        assert!(int_to_oid(-1, true).is_err());
        assert_eq!(int_to_oid(-1, false).unwrap(), Value::Int8(4_294_967_295));
    }
}
