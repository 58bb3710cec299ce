//! Text input and output of every type: the `typinput`/`typoutput`
//! functions, dispatched on the [`DataType`] (input) or the value (output).
//!
//! Type modifiers (`varchar(3)`, `numeric(5,2)`) are not applied here: a
//! literal is read as its base type and then coerced by
//! [`cast`](super::cast), as PostgreSQL does for `'…'::varchar(3)`.

use std::sync::Arc;

use assay_storage::Result;

use super::array::{format_array, parse_array};
use super::binary::{format_bytea, format_uuid, parse_bytea, parse_uuid};
use super::datatype::DataType;
use super::datetime::*;
use super::json::{format_jsonb, parse_json, parse_jsonb};
use super::numeric::Numeric;
use super::scalar::*;
use super::settings::Settings;
use super::value::Value;

/// Reads a value of type `ty` from its text form.
pub fn parse_value(input: &str, ty: &DataType, settings: &Settings) -> Result<Value> {
    Ok(match ty {
        DataType::Bool => Value::Bool(parse_bool(input)?),
        DataType::Int2 => Value::Int2(parse_int2(input)?),
        DataType::Int4 => Value::Int4(parse_int4(input)?),
        DataType::Int8 => Value::Int8(parse_int8(input)?),
        DataType::Float4 => Value::Float4(parse_float4(input)?),
        DataType::Float8 => Value::Float8(parse_float8(input)?),
        DataType::Numeric(_) => Value::numeric(Numeric::parse(input)?),
        DataType::Text | DataType::Varchar(_) | DataType::Bpchar(_) | DataType::Unknown => {
            Value::text(input)
        }
        DataType::Bytea => Value::Bytea(Arc::from(parse_bytea(input)?)),
        DataType::Bit(_) | DataType::VarBit(_) => super::bit::parse_bits(input)?,
        DataType::Date => Value::Date(parse_date(input, settings)?),
        // The input functions apply the precision (`time(2)`), as
        // PostgreSQL's do with the typmod they are given.
        DataType::Time(p) => {
            let t = parse_time(input, settings)?;
            Value::Time(p.map_or(t, |p| arith::round_time(t, p)))
        }
        DataType::Timestamp(p) => {
            let t = parse_timestamp(input, settings)?;
            Value::Timestamp(match p {
                Some(p) => arith::round_timestamp(t, *p)?,
                None => t,
            })
        }
        DataType::TimestampTz(p) => {
            let t = parse_timestamptz(input, settings)?;
            Value::TimestampTz(match p {
                Some(p) => arith::round_timestamp(t, *p)?,
                None => t,
            })
        }
        DataType::Interval(m) => {
            let iv = parse_interval_typmod(input, settings.interval_style, *m)?;
            Value::Interval(iv)
        }
        DataType::Uuid => Value::Uuid(parse_uuid(input)?),
        DataType::Json => {
            parse_json(input)?;
            Value::Json(Arc::from(input))
        }
        DataType::Jsonb => Value::Jsonb(Arc::new(parse_jsonb(input)?)),
        DataType::Oid => super::oid::oid_value(super::oid::parse_oid(input, "oid")?),
        DataType::Reg(k) => super::oid::oid_value(super::oid::parse_oid(input, k.name())?),
        DataType::Name => super::oid::to_name(input),
        DataType::Char => super::oid::to_char(input),
        DataType::Array(elem) => {
            let array = parse_array(input, &mut |s| parse_value(s, elem, settings))?;
            Value::Array(Arc::new(array))
        }
        DataType::Int2Vector | DataType::OidVector => parse_vector(input, ty, settings)?,
        DataType::Record(t) => {
            let anonymous = Arc::new(super::record::RecordType::anonymous(Vec::new()));
            let t = t.as_ref().unwrap_or(&anonymous);
            super::record::parse_record(input, t, &mut |s, ty| parse_value(s, ty, settings))?
        }
    })
}

/// Prints a value as PostgreSQL's output function does; `None` for NULL.
pub fn format_value(value: &Value, settings: &Settings) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => format_bool(*b).to_string(),
        Value::Int2(v) => v.to_string(),
        Value::Int4(v) => v.to_string(),
        Value::Int8(v) => v.to_string(),
        Value::Float4(v) => format_float4(*v, settings.extra_float_digits),
        Value::Float8(v) => format_float8(*v, settings.extra_float_digits),
        Value::Numeric(n) => n.to_string(),
        Value::Text(s) | Value::Json(s) => s.to_string(),
        Value::Bytea(b) => format_bytea(b, settings.bytea_output),
        Value::Date(d) => format_date(*d, settings),
        Value::Time(t) => format_time(*t),
        Value::Timestamp(t) => format_timestamp(*t, settings),
        Value::TimestampTz(t) => format_timestamptz(*t, settings),
        Value::Interval(iv) => format_interval(iv, settings.interval_style),
        Value::Uuid(u) => format_uuid(u),
        Value::Jsonb(j) => format_jsonb(j),
        Value::Array(a) => format_array(a, &mut |v| format_value(v, settings).unwrap_or_default()),
        Value::Record(r) => super::record::record_text(r, settings),
    })
}

/// `int2vector` and `oidvector` input: elements separated by spaces,
/// subscripted from 0.
fn parse_vector(input: &str, ty: &DataType, settings: &Settings) -> Result<Value> {
    let elem = ty.element().unwrap_or(&DataType::Int2);
    let items = input
        .split_ascii_whitespace()
        .map(|word| parse_value(word, elem, settings))
        .collect::<Result<Vec<_>>>()?;
    let dims = if items.is_empty() {
        Vec::new()
    } else {
        vec![super::value::ArrayDim {
            len: items.len(),
            lower: 0,
        }]
    };
    Ok(Value::Array(Arc::new(super::value::Array { dims, items })))
}

/// The text of a value of type `ty`: as [`format_value`], except that an
/// `int2vector` or `oidvector` prints its elements separated by spaces.
pub fn format_typed(value: &Value, ty: &DataType, settings: &Settings) -> Option<String> {
    match (value, ty) {
        (Value::Array(a), DataType::Int2Vector | DataType::OidVector) => Some(
            a.items
                .iter()
                .map(|v| format_value(v, settings).unwrap_or_default())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => format_value(value, settings),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(input: &str, ty: &str) -> Result<String> {
        let s = Settings::default();
        let ty = DataType::parse(ty).unwrap();
        let v = parse_value(input, &ty, &s)?;
        Ok(format_value(&v, &s).unwrap())
    }

    // Expected outputs verified on PostgreSQL 15 (TimeZone = UTC).
    #[test]
    fn arrays_of_every_kind() {
        let cases = [
            ("{1,2,NULL}", "int4[]", "{1,2,NULL}"),
            ("{{1,2},{3,4}}", "int[]", "{{1,2},{3,4}}"),
            (
                "{\"2024-01-01 00:00:00\"}",
                "timestamp[]",
                "{\"2024-01-01 00:00:00\"}",
            ),
            ("{1.50,NaN}", "numeric[]", "{1.50,NaN}"),
            ("{t,yes,0}", "bool[]", "{t,t,f}"),
            ("{\"\\\\x01\"}", "bytea[]", "{\"\\\\x01\"}"),
            ("{\"1 day\"}", "interval[]", "{\"1 day\"}"),
            ("{\"{\\\"a\\\":1}\"}", "jsonb[]", "{\"{\\\"a\\\": 1}\"}"),
        ];
        for (input, ty, want) in cases {
            assert_eq!(round(input, ty).unwrap(), want, "{input}::{ty}");
        }
        let e = round("{x}", "int[]").unwrap_err();
        assert_eq!(e.message(), "invalid input syntax for type integer: \"x\"");
    }

    #[test]
    fn scalars() {
        let cases = [
            ("yes", "bool", "t"),
            ("0.1", "float4", "0.1"),
            ("1e20", "float8", "1e+20"),
            ("1.50", "numeric(5,2)", "1.50"),
            ("ab", "char(5)", "ab"),
            ("\\x0102ff", "bytea", "\\x0102ff"),
            ("1 year 2 mons", "interval", "1 year 2 mons"),
            ("{\"b\":1,   \"a\":2}", "json", "{\"b\":1,   \"a\":2}"),
            (
                "2024-01-02 03:04:05+02",
                "timestamptz",
                "2024-01-02 01:04:05+00",
            ),
            (
                "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                "uuid",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            ),
        ];
        for (input, ty, want) in cases {
            assert_eq!(round(input, ty).unwrap(), want, "{input}::{ty}");
        }
    }
}
