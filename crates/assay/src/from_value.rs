//! Reading result values as Rust types: [`FromValue`].
//!
//! Conversions never lose information silently: integers widen freely and
//! narrow only when the value fits (else 22003, as PostgreSQL's own casts
//! fail), a `numeric` reads as an integer only when it has no fraction,
//! and a NULL reads only into an `Option` (else 22004). Reading a value as
//! an unrelated type fails with 42804. [`Row::get`](crate::Row::get) adds
//! the column's name to the message.

use assay_sql::types::{Interval, Numeric, Value};
use assay_storage::{err, Error, Result, SqlState};

use crate::datetime;
use crate::Uuid;

/// A Rust type a result value can be read as. `'a` is the row's borrow:
/// `&'a str` and `&'a [u8]` read text and bytea without copying them.
pub trait FromValue<'a>: Sized {
    /// Converts `value`; SQL NULL is `Value::Null`.
    fn from_value(value: &'a Value) -> Result<Self>;
}

/// What a value is, in SQL's words, for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "boolean",
        Value::Int2(_) => "smallint",
        Value::Int4(_) => "integer",
        Value::Int8(_) => "bigint",
        Value::Float4(_) => "real",
        Value::Float8(_) => "double precision",
        Value::Numeric(_) => "numeric",
        Value::Text(_) => "text",
        Value::Bytea(_) => "bytea",
        Value::Date(_) => "date",
        Value::Time(_) => "time",
        Value::Timestamp(_) => "timestamp",
        Value::TimestampTz(_) => "timestamptz",
        Value::Interval(_) => "interval",
        Value::Uuid(_) => "uuid",
        Value::Json(_) => "json",
        Value::Jsonb(_) => "jsonb",
        Value::Array(_) => "array",
        Value::Record(_) => "record",
    }
}

fn mismatch(value: &Value, rust: &str) -> Error {
    if value.is_null() {
        return err!(
            SqlState::NULL_VALUE_NOT_ALLOWED,
            "NULL cannot be read as {rust}"
        )
        .with_hint(format!("Read it as Option<{rust}>."));
    }
    err!(
        SqlState::DATATYPE_MISMATCH,
        "{} value cannot be read as {rust}",
        kind(value)
    )
}

fn out_of_range(shown: impl std::fmt::Display, rust: &str) -> Error {
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value {shown} is out of range for {rust}"
    )
}

/// Any integer-valued SQL value as an i128 (which holds them all).
fn integer(value: &Value, rust: &str) -> Result<i128> {
    match value {
        Value::Int2(v) => Ok(i128::from(*v)),
        Value::Int4(v) => Ok(i128::from(*v)),
        Value::Int8(v) => Ok(i128::from(*v)),
        Value::Numeric(n) => match n.as_ref() {
            Numeric::Finite(d) if d.is_integer() => n
                .to_i64_rounded()
                .map(i128::from)
                .ok_or_else(|| out_of_range(n, rust)),
            Numeric::Finite(_) => Err(err!(
                SqlState::DATATYPE_MISMATCH,
                "numeric value {n} has a fraction and cannot be read as {rust}"
            )),
            _ => Err(out_of_range(n, rust)),
        },
        other => Err(mismatch(other, rust)),
    }
}

macro_rules! from_integer {
    ($($ty:ty),+) => {
        $(impl FromValue<'_> for $ty {
            fn from_value(value: &Value) -> Result<$ty> {
                let rust = stringify!($ty);
                let v = integer(value, rust)?;
                <$ty>::try_from(v).map_err(|_| out_of_range(v, rust))
            }
        })+
    };
}

from_integer!(i16, i32, i64, u32, u64);

impl FromValue<'_> for f64 {
    fn from_value(value: &Value) -> Result<f64> {
        match value {
            Value::Float8(v) => Ok(*v),
            Value::Float4(v) => Ok(f64::from(*v)),
            Value::Int2(v) => Ok(f64::from(*v)),
            Value::Int4(v) => Ok(f64::from(*v)),
            // As PostgreSQL's int8 → float8 cast: the nearest double.
            Value::Int8(v) => Ok(*v as f64),
            Value::Numeric(n) => Ok(n.to_f64()),
            other => Err(mismatch(other, "f64")),
        }
    }
}

impl FromValue<'_> for f32 {
    fn from_value(value: &Value) -> Result<f32> {
        match value {
            Value::Float4(v) => Ok(*v),
            Value::Int2(v) => Ok(f32::from(*v)),
            Value::Float8(v) => {
                let narrowed = *v as f32;
                if narrowed.is_infinite() && v.is_finite() {
                    return Err(out_of_range(v, "f32"));
                }
                Ok(narrowed)
            }
            other => Err(mismatch(other, "f32")),
        }
    }
}

impl FromValue<'_> for bool {
    fn from_value(value: &Value) -> Result<bool> {
        match value {
            Value::Bool(v) => Ok(*v),
            other => Err(mismatch(other, "bool")),
        }
    }
}

impl FromValue<'_> for String {
    fn from_value(value: &Value) -> Result<String> {
        match value {
            Value::Text(s) | Value::Json(s) => Ok(s.to_string()),
            Value::Numeric(n) => Ok(n.to_string()),
            Value::Uuid(u) => Ok(Uuid(*u).to_string()),
            other => Err(mismatch(other, "String")),
        }
    }
}

impl<'a> FromValue<'a> for &'a str {
    fn from_value(value: &'a Value) -> Result<&'a str> {
        match value {
            Value::Text(s) | Value::Json(s) => Ok(s),
            other => Err(mismatch(other, "&str")),
        }
    }
}

impl<'a> FromValue<'a> for &'a [u8] {
    fn from_value(value: &'a Value) -> Result<&'a [u8]> {
        match value {
            Value::Bytea(b) => Ok(b),
            other => Err(mismatch(other, "&[u8]")),
        }
    }
}

impl FromValue<'_> for Vec<u8> {
    fn from_value(value: &Value) -> Result<Vec<u8>> {
        match value {
            Value::Bytea(b) => Ok(b.to_vec()),
            other => Err(mismatch(other, "Vec<u8>")),
        }
    }
}

impl FromValue<'_> for Uuid {
    fn from_value(value: &Value) -> Result<Uuid> {
        match value {
            Value::Uuid(u) => Ok(Uuid(*u)),
            other => Err(mismatch(other, "Uuid")),
        }
    }
}

impl FromValue<'_> for Numeric {
    fn from_value(value: &Value) -> Result<Numeric> {
        match value {
            Value::Numeric(n) => Ok(n.as_ref().clone()),
            Value::Int2(v) => Ok(Numeric::from_i64(i64::from(*v))),
            Value::Int4(v) => Ok(Numeric::from_i64(i64::from(*v))),
            Value::Int8(v) => Ok(Numeric::from_i64(*v)),
            other => Err(mismatch(other, "Numeric")),
        }
    }
}

impl FromValue<'_> for Interval {
    fn from_value(value: &Value) -> Result<Interval> {
        match value {
            Value::Interval(v) => Ok(*v),
            other => Err(mismatch(other, "Interval")),
        }
    }
}

impl FromValue<'_> for serde_json::Value {
    fn from_value(value: &Value) -> Result<serde_json::Value> {
        match value {
            Value::Jsonb(v) => Ok(v.as_ref().clone()),
            Value::Json(text) => serde_json::from_str(text).map_err(|e| {
                err!(
                    SqlState::INVALID_TEXT_REPRESENTATION,
                    "json value cannot be read as serde_json::Value: {e}"
                )
            }),
            other => Err(mismatch(other, "serde_json::Value")),
        }
    }
}

impl FromValue<'_> for jiff::civil::Date {
    fn from_value(value: &Value) -> Result<jiff::civil::Date> {
        match value {
            Value::Date(days) => datetime::days_to_date(*days),
            other => Err(mismatch(other, "jiff::civil::Date")),
        }
    }
}

impl FromValue<'_> for jiff::civil::Time {
    fn from_value(value: &Value) -> Result<jiff::civil::Time> {
        match value {
            Value::Time(micros) => datetime::micros_to_time(*micros),
            other => Err(mismatch(other, "jiff::civil::Time")),
        }
    }
}

impl FromValue<'_> for jiff::civil::DateTime {
    fn from_value(value: &Value) -> Result<jiff::civil::DateTime> {
        match value {
            Value::Timestamp(micros) => datetime::micros_to_datetime(*micros),
            other => Err(mismatch(other, "jiff::civil::DateTime")),
        }
    }
}

impl FromValue<'_> for jiff::Timestamp {
    fn from_value(value: &Value) -> Result<jiff::Timestamp> {
        match value {
            Value::TimestampTz(micros) => datetime::micros_to_timestamp(*micros),
            other => Err(mismatch(other, "jiff::Timestamp")),
        }
    }
}

impl FromValue<'_> for Value {
    fn from_value(value: &Value) -> Result<Value> {
        Ok(value.clone())
    }
}

impl<'a, T: FromValue<'a>> FromValue<'a> for Option<T> {
    fn from_value(value: &'a Value) -> Result<Option<T>> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_widen_and_narrow_checked() {
        assert_eq!(i64::from_value(&Value::Int2(-7)).unwrap(), -7);
        assert_eq!(i16::from_value(&Value::Int8(300)).unwrap(), 300);
        let e = i16::from_value(&Value::Int4(70_000)).unwrap_err();
        assert_eq!(e.code().as_str(), "22003");
        assert_eq!(e.message(), "value 70000 is out of range for i16");
        let e = u32::from_value(&Value::Int4(-1)).unwrap_err();
        assert_eq!(e.code().as_str(), "22003");
    }

    #[test]
    fn numerics_read_as_integers_only_without_fraction() {
        let n = |s: &str| Value::numeric(Numeric::parse(s).unwrap());
        assert_eq!(i64::from_value(&n("42.000")).unwrap(), 42);
        assert_eq!(
            i32::from_value(&n("1.5")).unwrap_err().code().as_str(),
            "42804"
        );
        assert_eq!(
            i64::from_value(&n("1e30")).unwrap_err().code().as_str(),
            "22003"
        );
        assert_eq!(String::from_value(&n("1.50")).unwrap(), "1.50");
    }

    #[test]
    fn null_needs_an_option() {
        assert_eq!(Option::<i32>::from_value(&Value::Null).unwrap(), None);
        let e = i32::from_value(&Value::Null).unwrap_err();
        assert_eq!(e.code().as_str(), "22004");
        assert_eq!(e.hint(), Some("Read it as Option<i32>."));
    }

    #[test]
    fn unrelated_types_are_a_mismatch() {
        let e = bool::from_value(&Value::text("t")).unwrap_err();
        assert_eq!(
            (e.code().as_str(), e.message()),
            ("42804", "text value cannot be read as bool")
        );
    }
}
