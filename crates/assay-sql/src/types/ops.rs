//! Arithmetic and concatenation operators on values, with PostgreSQL's
//! result types and overflow errors.
//!
//! The binder has already chosen the operator from the operand types and
//! cast the operands, so a mismatch left here (say `date + text`) is
//! reported as PostgreSQL reports a missing operator. Mixed integer widths
//! compute in the wider type, as PostgreSQL's cross-type operators do.

use std::sync::Arc;

use assay_storage::{bail, err, Error, Result, SqlState};

use super::datetime::arith::*;
use super::numeric::Numeric;
use super::settings::Settings;
use super::value::{Array, ArrayDim, Interval, Value};

/// A binary arithmetic or string operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Concat,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Concat => "||",
        }
    }
}

fn div_zero() -> Error {
    err!(SqlState::DIVISION_BY_ZERO, "division by zero")
}

fn no_operator(op: BinaryOp, l: &Value, r: &Value) -> Error {
    err!(
        SqlState::UNDEFINED_FUNCTION,
        "operator does not exist: {} {} {}",
        kind(l),
        op.symbol(),
        kind(r)
    )
}

/// A type name for error messages, from the value's representation.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "unknown",
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
        Value::Time(_) => "time without time zone",
        Value::Timestamp(_) => "timestamp without time zone",
        Value::TimestampTz(_) => "timestamp with time zone",
        Value::Interval(_) => "interval",
        Value::Uuid(_) => "uuid",
        Value::Json(_) => "json",
        Value::Jsonb(_) => "jsonb",
        Value::Array(_) => "anyarray",
        Value::Record(_) => "record",
    }
}

/// Integer width: 2, 4 or 8 bytes.
fn int_of(v: &Value) -> Option<(i64, u8)> {
    match v {
        Value::Int2(x) => Some((i64::from(*x), 2)),
        Value::Int4(x) => Some((i64::from(*x), 4)),
        Value::Int8(x) => Some((*x, 8)),
        _ => None,
    }
}

fn int_overflow(width: u8) -> Error {
    let name = match width {
        2 => "smallint",
        4 => "integer",
        _ => "bigint",
    };
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "{} out of range",
        name
    )
}

fn int_result(v: Option<i64>, width: u8) -> Result<Value> {
    let v = v.ok_or_else(|| int_overflow(width))?;
    Ok(match width {
        2 => Value::Int2(i16::try_from(v).map_err(|_| int_overflow(width))?),
        4 => Value::Int4(i32::try_from(v).map_err(|_| int_overflow(width))?),
        _ => Value::Int8(v),
    })
}

fn int_op(op: BinaryOp, a: i64, b: i64, width: u8) -> Result<Value> {
    // Computing in i64 and narrowing catches int2/int4 overflow too.
    let r = match op {
        BinaryOp::Add => a.checked_add(b),
        BinaryOp::Sub => a.checked_sub(b),
        BinaryOp::Mul => a.checked_mul(b),
        BinaryOp::Div => {
            if b == 0 {
                return Err(div_zero());
            }
            a.checked_div(b)
        }
        BinaryOp::Mod => {
            if b == 0 {
                return Err(div_zero());
            }
            // MIN % -1 is 0, not an overflow.
            Some(a.checked_rem(b).unwrap_or(0))
        }
        BinaryOp::Concat => unreachable_concat()?,
    };
    int_result(r, width)
}

fn unreachable_concat() -> Result<Option<i64>> {
    bail!(
        SqlState::UNDEFINED_FUNCTION,
        "operator does not exist: integer || integer"
    )
}

/// Float arithmetic with PostgreSQL's overflow/underflow checks.
fn float_op(op: BinaryOp, a: f64, b: f64, single: bool) -> Result<Value> {
    let r = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => {
            // NaN / 0 is NaN, as in PostgreSQL.
            if b == 0.0 && !a.is_nan() {
                return Err(div_zero());
            }
            a / b
        }
        _ => bail!(
            SqlState::UNDEFINED_FUNCTION,
            "operator does not exist: {} {} {}",
            if single { "real" } else { "double precision" },
            op.symbol(),
            if single { "real" } else { "double precision" }
        ),
    };
    let (r_inf, r_zero) = if single {
        let f = r as f32;
        (f.is_infinite(), f == 0.0)
    } else {
        (r.is_infinite(), r == 0.0)
    };
    if r_inf && a.is_finite() && b.is_finite() {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow"
        );
    }
    let zero_in = a == 0.0 || (op == BinaryOp::Mul && b == 0.0) || b.is_infinite();
    if r_zero && !zero_in && matches!(op, BinaryOp::Mul | BinaryOp::Div) {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: underflow"
        );
    }
    Ok(if single {
        Value::Float4(r as f32)
    } else {
        Value::Float8(r)
    })
}

fn numeric_of(v: &Value) -> Option<Numeric> {
    match v {
        Value::Numeric(n) => Some((**n).clone()),
        _ => int_of(v).map(|(x, _)| Numeric::from_i64(x)),
    }
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::Float4(f) => Some(f64::from(*f)),
        Value::Float8(f) => Some(*f),
        Value::Numeric(n) => Some(n.to_f64()),
        _ => int_of(v).map(|(x, _)| x as f64),
    }
}

fn interval(v: Interval) -> Result<Value> {
    Ok(Value::Interval(v))
}

/// Applies a binary operator.
pub fn binary_op(op: BinaryOp, l: &Value, r: &Value, settings: &Settings) -> Result<Value> {
    use BinaryOp::*;
    use Value as V;
    if l.is_null() || r.is_null() {
        return Ok(V::Null);
    }
    if let (Some((a, wa)), Some((b, wb))) = (int_of(l), int_of(r)) {
        if op != Concat {
            return int_op(op, a, b, wa.max(wb));
        }
    }
    match (op, l, r) {
        (Concat, V::Text(a), V::Text(b)) => {
            let mut s = String::with_capacity(a.len() + b.len());
            s.push_str(a);
            s.push_str(b);
            Ok(V::text(&s))
        }
        (Concat, V::Bytea(a), V::Bytea(b)) => Ok(V::Bytea(Arc::from([&a[..], &b[..]].concat()))),
        (Concat, V::Array(a), V::Array(b)) => concat_arrays(a, b),
        (Concat, V::Array(a), elem) => concat_arrays(a, &Array::from_items(vec![elem.clone()])),
        (Concat, elem, V::Array(b)) => concat_arrays(&Array::from_items(vec![elem.clone()]), b),
        (Concat, V::Jsonb(a), V::Jsonb(b)) => Ok(V::Jsonb(Arc::new(concat_jsonb(a, b)))),
        (_, V::Float4(a), V::Float4(b)) => float_op(op, f64::from(*a), f64::from(*b), true),
        (Add | Sub | Mul | Div, V::Float4(_) | V::Float8(_), _)
        | (Add | Sub | Mul | Div, _, V::Float4(_) | V::Float8(_))
            if !matches!(l, V::Interval(_)) && !matches!(r, V::Interval(_)) =>
        {
            match (float_of(l), float_of(r)) {
                (Some(a), Some(b)) => float_op(op, a, b, false),
                _ => Err(no_operator(op, l, r)),
            }
        }
        (_, V::Numeric(_), _) | (_, _, V::Numeric(_))
            if !matches!(l, V::Interval(_)) && !matches!(r, V::Interval(_)) =>
        {
            let (Some(a), Some(b)) = (numeric_of(l), numeric_of(r)) else {
                return Err(no_operator(op, l, r));
            };
            let n = match op {
                Add => a.add(&b),
                Sub => a.sub(&b),
                Mul => a.mul(&b),
                Div => a.div(&b)?,
                Mod => a.rem(&b)?,
                Concat => return Err(no_operator(op, l, r)),
            };
            Ok(V::numeric(n))
        }
        // Dates.
        (Add, V::Date(d), n) | (Add, n, V::Date(d)) if int_of(n).is_some() => {
            let days = int_of(n).map_or(0, |x| x.0);
            Ok(V::Date(date_add_days(*d, days)?))
        }
        (Sub, V::Date(d), n) if int_of(n).is_some() => {
            let days = int_of(n).map_or(0, |x| x.0);
            Ok(V::Date(date_add_days(*d, -days)?))
        }
        (Sub, V::Date(a), V::Date(b)) => Ok(V::Int4(date_diff(*a, *b)?)),
        (Add, V::Date(d), V::Time(t)) | (Add, V::Time(t), V::Date(d)) => {
            let base = date_to_ts(*d);
            Ok(V::Timestamp(timestamp_add(base, &Interval::new(0, 0, *t))?))
        }
        (Add, V::Date(d), V::Interval(iv)) | (Add, V::Interval(iv), V::Date(d)) => {
            Ok(V::Timestamp(timestamp_add(date_to_ts(*d), iv)?))
        }
        (Sub, V::Date(d), V::Interval(iv)) => Ok(V::Timestamp(timestamp_add(
            date_to_ts(*d),
            &interval_neg(iv)?,
        )?)),
        // Timestamps.
        (Add, V::Timestamp(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Timestamp(t)) => {
            Ok(V::Timestamp(timestamp_add(*t, iv)?))
        }
        (Sub, V::Timestamp(t), V::Interval(iv)) => {
            Ok(V::Timestamp(timestamp_add(*t, &interval_neg(iv)?)?))
        }
        (Add, V::TimestampTz(t), V::Interval(iv)) | (Add, V::Interval(iv), V::TimestampTz(t)) => {
            Ok(V::TimestampTz(timestamptz_add(
                *t,
                iv,
                &settings.time_zone,
            )?))
        }
        (Sub, V::TimestampTz(t), V::Interval(iv)) => Ok(V::TimestampTz(timestamptz_add(
            *t,
            &interval_neg(iv)?,
            &settings.time_zone,
        )?)),
        (Sub, V::Timestamp(a), V::Timestamp(b)) | (Sub, V::TimestampTz(a), V::TimestampTz(b)) => {
            interval(timestamp_diff(*a, *b)?)
        }
        // Times.
        (Add, V::Time(t), V::Interval(iv)) | (Add, V::Interval(iv), V::Time(t)) => {
            Ok(V::Time(time_add(*t, iv)))
        }
        (Sub, V::Time(t), V::Interval(iv)) => Ok(V::Time(time_add(*t, &interval_neg(iv)?))),
        (Sub, V::Time(a), V::Time(b)) => interval(Interval::new(0, 0, a - b)),
        // Intervals.
        (Add, V::Interval(a), V::Interval(b)) => interval(interval_add(a, b)?),
        (Sub, V::Interval(a), V::Interval(b)) => interval(interval_sub(a, b)?),
        (Mul, V::Interval(iv), n) | (Mul, n, V::Interval(iv)) if float_of(n).is_some() => {
            interval(interval_mul(iv, float_of(n).unwrap_or(0.0))?)
        }
        (Div, V::Interval(iv), n) if float_of(n).is_some() => {
            interval(interval_div(iv, float_of(n).unwrap_or(0.0))?)
        }
        _ => Err(no_operator(op, l, r)),
    }
}

fn date_to_ts(d: i32) -> i64 {
    use super::datetime::calendar::*;
    match d {
        DATE_NEG_INFINITY => TS_NEG_INFINITY,
        DATE_POS_INFINITY => TS_POS_INFINITY,
        _ => i64::from(d) * USECS_PER_DAY,
    }
}

/// Concatenates one-dimensional arrays (`array_cat`).
fn concat_arrays(a: &Array, b: &Array) -> Result<Value> {
    if a.dims.len() > 1 || b.dims.len() > 1 {
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "concatenating multidimensional arrays is not supported"
        );
    }
    if b.items.is_empty() {
        return Ok(Value::Array(Arc::new(a.clone())));
    }
    let lower = a.dims.first().map_or(1, |d| d.lower);
    let mut items = Vec::with_capacity(a.items.len() + b.items.len());
    items.extend(a.items.iter().cloned());
    items.extend(b.items.iter().cloned());
    let dims = vec![ArrayDim {
        len: items.len(),
        lower: if a.items.is_empty() {
            b.dims.first().map_or(1, |d| d.lower)
        } else {
            lower
        },
    }];
    Ok(Value::Array(Arc::new(Array { dims, items })))
}

/// `jsonb || jsonb`: objects merge (right wins), anything else concatenates
/// as arrays.
fn concat_jsonb(a: &serde_json::Value, b: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            let mut m = x.clone();
            for (k, v) in y {
                m.insert(k.clone(), v.clone());
            }
            J::Object(m)
        }
        _ => {
            let as_items = |v: &J| match v {
                J::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            let mut items = as_items(a);
            items.extend(as_items(b));
            J::Array(items)
        }
    }
}

/// Unary minus.
pub fn negate(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Null => Value::Null,
        Value::Int2(x) => Value::Int2(x.checked_neg().ok_or_else(|| int_overflow(2))?),
        Value::Int4(x) => Value::Int4(x.checked_neg().ok_or_else(|| int_overflow(4))?),
        Value::Int8(x) => Value::Int8(x.checked_neg().ok_or_else(|| int_overflow(8))?),
        Value::Float4(x) => Value::Float4(-x),
        Value::Float8(x) => Value::Float8(-x),
        Value::Numeric(n) => Value::numeric(n.neg()),
        Value::Interval(iv) => Value::Interval(interval_neg(iv)?),
        other => bail!(
            SqlState::UNDEFINED_FUNCTION,
            "operator does not exist: - {}",
            kind(other)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{format_value, parse_value, DataType};

    fn eval(op: BinaryOp, a: (&str, &str), b: (&str, &str)) -> Result<String> {
        let s = Settings::default();
        let pa = parse_value(a.0, &DataType::parse(a.1).unwrap(), &s)?;
        let pb = parse_value(b.0, &DataType::parse(b.1).unwrap(), &s)?;
        Ok(format_value(&binary_op(op, &pa, &pb, &s)?, &s).unwrap_or_default())
    }

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn results() {
        use BinaryOp::*;
        let cases = [
            (Add, ("2024-01-31", "date"), ("1", "int4"), "2024-02-01"),
            (Sub, ("2024-03-01", "date"), ("2024-01-01", "date"), "60"),
            (
                Add,
                ("2024-01-31", "date"),
                ("1 month", "interval"),
                "2024-02-29 00:00:00",
            ),
            (
                Add,
                ("2024-01-01", "date"),
                ("10:30", "time"),
                "2024-01-01 10:30:00",
            ),
            (Add, ("12:00", "time"), ("13 hours", "interval"), "01:00:00"),
            (Sub, ("12:00", "time"), ("13:30", "time"), "-01:30:00"),
            (
                Mul,
                ("1 day 2 hours", "interval"),
                ("1.5", "numeric"),
                "1 day 15:00:00",
            ),
            (Div, ("1 mon", "interval"), ("3", "int4"), "10 days"),
            (Concat, ("a", "text"), ("b", "text"), "ab"),
            (Mod, ("7", "int4"), ("-3", "int4"), "1"),
            (Mod, ("-7", "int4"), ("3", "int4"), "-1"),
            (Div, ("-7", "int4"), ("2", "int4"), "-3"),
            (Mod, ("-7.5", "numeric"), ("2", "int4"), "-1.5"),
            (Div, ("10", "numeric"), ("3", "int4"), "3.3333333333333333"),
            (
                Add,
                ("0.1", "float8"),
                ("0.2", "float8"),
                "0.30000000000000004",
            ),
            (Concat, ("{1,2}", "int[]"), ("{3}", "int[]"), "{1,2,3}"),
            (
                Concat,
                ("{\"a\":1}", "jsonb"),
                ("{\"b\":2}", "jsonb"),
                "{\"a\": 1, \"b\": 2}",
            ),
            (Mod, ("-9223372036854775808", "int8"), ("-1", "int8"), "0"),
        ];
        for (op, a, b, want) in cases {
            assert_eq!(eval(op, a, b).unwrap(), want, "{a:?} {op:?} {b:?}");
        }
    }

    #[test]
    fn errors() {
        use BinaryOp::*;
        let cases = [
            (
                Add,
                ("2147483647", "int4"),
                ("1", "int4"),
                "integer out of range",
                "22003",
            ),
            (
                Mul,
                ("-32768", "int2"),
                ("-1", "int2"),
                "smallint out of range",
                "22003",
            ),
            (
                Div,
                ("1", "int4"),
                ("0", "int4"),
                "division by zero",
                "22012",
            ),
            (
                Mod,
                ("1", "int4"),
                ("0", "int4"),
                "division by zero",
                "22012",
            ),
            (
                Div,
                ("5.0", "float8"),
                ("0", "float8"),
                "division by zero",
                "22012",
            ),
            (
                Mul,
                ("1e308", "float8"),
                ("10", "float8"),
                "value out of range: overflow",
                "22003",
            ),
            (
                Div,
                ("1.5", "numeric"),
                ("0", "numeric"),
                "division by zero",
                "22012",
            ),
            (
                Div,
                ("-9223372036854775808", "int8"),
                ("-1", "int8"),
                "bigint out of range",
                "22003",
            ),
        ];
        for (op, a, b, msg, code) in cases {
            let e = eval(op, a, b).unwrap_err();
            assert_eq!(
                (e.message(), e.code().as_str()),
                (msg, code),
                "{a:?} {op:?} {b:?}"
            );
        }
        let e = negate(&Value::Int8(i64::MIN)).unwrap_err();
        assert_eq!(e.message(), "bigint out of range");
    }
}
