//! A total order over values, consistent with PostgreSQL's comparison
//! operators and B-tree sort order.
//!
//! Floats and numerics order NaN above every other value (and equal to
//! itself); `-0` equals `0`. Text compares bytewise (the `C` collation).
//! Integers, numerics and floats of different types compare by value, and
//! dates compare with timestamps as midnight. NULL is the caller's business
//! (it is placed last here, as `ORDER BY … ASC` puts it).

use std::cmp::Ordering;

use super::datetime::arith::interval_cmp_key;
use super::datetime::calendar::*;
use super::json::compare_jsonb;
use super::numeric::Numeric;
use super::value::{Array, Value};

fn float_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        // Neither is NaN, so partial_cmp is total here (and -0 == 0).
        _ => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Int2(x) => Some(i64::from(*x)),
        Value::Int4(x) => Some(i64::from(*x)),
        Value::Int8(x) => Some(*x),
        _ => None,
    }
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::Float4(x) => Some(f64::from(*x)),
        Value::Float8(x) => Some(*x),
        _ => None,
    }
}

fn date_as_ts(d: i32) -> i64 {
    match d {
        DATE_NEG_INFINITY => TS_NEG_INFINITY,
        DATE_POS_INFINITY => TS_POS_INFINITY,
        _ => i64::from(d) * USECS_PER_DAY,
    }
}

/// Rank of each value family, to order values of unrelated types
/// deterministically (the binder never asks for that in SQL).
fn family(v: &Value) -> u8 {
    match v {
        Value::Bool(_) => 0,
        Value::Int2(_)
        | Value::Int4(_)
        | Value::Int8(_)
        | Value::Float4(_)
        | Value::Float8(_)
        | Value::Numeric(_) => 1,
        Value::Text(_) => 2,
        Value::Bytea(_) => 3,
        Value::Date(_) | Value::Timestamp(_) | Value::TimestampTz(_) => 4,
        Value::Time(_) => 5,
        Value::Interval(_) => 6,
        Value::Uuid(_) => 7,
        Value::Json(_) => 8,
        Value::Jsonb(_) => 9,
        Value::Array(_) => 10,
        Value::Record(_) => 11,
        Value::Null => 255,
    }
}

/// Compares two values.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    use Value as V;
    match (a, b) {
        (V::Null, V::Null) => Ordering::Equal,
        (V::Null, _) => Ordering::Greater,
        (_, V::Null) => Ordering::Less,
        (V::Bool(x), V::Bool(y)) => x.cmp(y),
        // Same-width integers first: the commonest keys of joins and groups.
        (V::Int4(x), V::Int4(y)) => x.cmp(y),
        (V::Int8(x), V::Int8(y)) => x.cmp(y),
        (V::Numeric(x), V::Numeric(y)) => x.cmp(y),
        (V::Text(x), V::Text(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Bytea(x), V::Bytea(y)) => x.cmp(y),
        (V::Date(x), V::Date(y)) => x.cmp(y),
        (V::Time(x), V::Time(y)) => x.cmp(y),
        (V::Timestamp(x), V::Timestamp(y)) | (V::TimestampTz(x), V::TimestampTz(y)) => x.cmp(y),
        (V::Date(d), V::Timestamp(t) | V::TimestampTz(t)) => date_as_ts(*d).cmp(t),
        (V::Timestamp(t) | V::TimestampTz(t), V::Date(d)) => t.cmp(&date_as_ts(*d)),
        (V::Timestamp(x), V::TimestampTz(y)) | (V::TimestampTz(x), V::Timestamp(y)) => x.cmp(y),
        (V::Interval(x), V::Interval(y)) => interval_cmp_key(x).cmp(&interval_cmp_key(y)),
        (V::Uuid(x), V::Uuid(y)) => x.cmp(y),
        (V::Json(x), V::Json(y)) => x.as_bytes().cmp(y.as_bytes()),
        (V::Jsonb(x), V::Jsonb(y)) => compare_jsonb(x, y),
        (V::Array(x), V::Array(y)) => compare_arrays(x, y),
        (V::Record(x), V::Record(y)) => super::record::compare_records(x, y, &compare),
        _ => {
            if let (Some(x), Some(y)) = (int_of(a), int_of(b)) {
                return x.cmp(&y);
            }
            let as_float = |v: &Value| {
                float_of(v)
                    .or_else(|| int_of(v).map(|i| i as f64))
                    .or(match v {
                        V::Numeric(n) => Some(n.to_f64()),
                        _ => None,
                    })
            };
            if float_of(a).is_some() || float_of(b).is_some() {
                if let (Some(x), Some(y)) = (as_float(a), as_float(b)) {
                    return float_cmp(x, y);
                }
            }
            let as_numeric = |v: &Value| match v {
                V::Numeric(n) => Some((**n).clone()),
                _ => int_of(v).map(Numeric::from_i64),
            };
            if let (Some(x), Some(y)) = (as_numeric(a), as_numeric(b)) {
                return x.cmp(&y);
            }
            family(a).cmp(&family(b))
        }
    }
}

/// `array_cmp`: element by element (NULL elements last), then the shorter
/// array first, then by dimensions.
fn compare_arrays(a: &Array, b: &Array) -> Ordering {
    for (x, y) in a.items.iter().zip(&b.items) {
        let o = compare(x, y);
        if o.is_ne() {
            return o;
        }
    }
    a.items
        .len()
        .cmp(&b.items.len())
        .then_with(|| a.dims.len().cmp(&b.dims.len()))
        .then_with(|| {
            for (x, y) in a.dims.iter().zip(&b.dims) {
                let o = x.len.cmp(&y.len).then(x.lower.cmp(&y.lower));
                if o.is_ne() {
                    return o;
                }
            }
            Ordering::Equal
        })
}

/// `character(n)` comparison: trailing spaces do not count.
pub fn compare_bpchar(a: &str, b: &str) -> Ordering {
    a.trim_end_matches(' ')
        .as_bytes()
        .cmp(b.trim_end_matches(' ').as_bytes())
}

/// SQL equality of two non-null values (`=`), under the same rules.
pub fn values_equal(a: &Value, b: &Value) -> bool {
    compare(a, b) == Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{parse_value, DataType, Settings};

    fn v(s: &str, ty: &str) -> Value {
        parse_value(s, &DataType::parse(ty).unwrap(), &Settings::default()).unwrap()
    }

    // Each expectation checked on PostgreSQL 15 with the same comparison.
    #[test]
    fn orders_like_postgres() {
        use Ordering::*;
        let cases = [
            (v("nan", "float8"), v("nan", "float8"), Equal),
            (v("nan", "float8"), v("inf", "float8"), Greater),
            (v("-0", "float8"), v("0", "float8"), Equal),
            (v("nan", "numeric"), v("inf", "numeric"), Greater),
            (v("1.0", "numeric"), v("1", "int4"), Equal),
            (v("2", "int8"), v("1.5", "float8"), Greater),
            (v("{1,2}", "int[]"), v("{1,2,3}", "int[]"), Less),
            (v("{1,NULL}", "int[]"), v("{1,2}", "int[]"), Greater),
            (v("1 mon", "interval"), v("30 days", "interval"), Equal),
            (v("1 day", "interval"), v("23 hours", "interval"), Greater),
            (
                v("2024-01-02", "date"),
                v("2024-01-01 23:00", "timestamp"),
                Greater,
            ),
            (
                v("infinity", "date"),
                v("294276-01-01", "timestamp"),
                Greater,
            ),
            (v("B", "text"), v("a", "text"), Less),
            (v("f", "bool"), v("t", "bool"), Less),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare(&a, &b), want, "{a:?} vs {b:?}");
            assert_eq!(compare(&b, &a), want.reverse(), "{b:?} vs {a:?}");
        }
        assert_eq!(compare_bpchar("ab   ", "ab"), Equal);
        assert_eq!(compare(&Value::Null, &Value::Int4(1)), Greater);
    }
}
