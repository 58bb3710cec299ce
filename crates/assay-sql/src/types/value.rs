//! Runtime SQL values.
//!
//! A [`Value`] does not carry its SQL type: the binder knows every
//! expression's [`DataType`](super::DataType) and passes it where the
//! representation alone is ambiguous (text vs varchar vs bpchar, json vs
//! jsonb, int4 vs date). Variable-length payloads sit behind `Arc` so that
//! cloning a value — which rows, sort buffers and hash tables do constantly —
//! never copies its bytes. Numerics are boxed to keep `Value` at 24 bytes.

use std::sync::Arc;

use super::numeric::Numeric;
use super::record::Record;
use super::DataType;

/// A SQL value. `Null` is the SQL null of any type.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int2(i16),
    Int4(i32),
    Int8(i64),
    Float4(f32),
    Float8(f64),
    Numeric(Box<Numeric>),
    /// text, varchar and bpchar (stored blank-padded, as PostgreSQL does).
    Text(Arc<str>),
    Bytea(Arc<[u8]>),
    /// Days since 2000-01-01; `i32::MIN`/`i32::MAX` are ∓infinity.
    Date(i32),
    /// Microseconds since midnight, 0..=86_400_000_000.
    Time(i64),
    /// Microseconds since 2000-01-01 00:00 (wall clock); `i64::MIN`/`MAX`
    /// are ∓infinity.
    Timestamp(i64),
    /// Microseconds since 2000-01-01 00:00 UTC; same infinities.
    TimestampTz(i64),
    Interval(Interval),
    Uuid([u8; 16]),
    /// json keeps its input text verbatim.
    Json(Arc<str>),
    /// jsonb keeps a parsed tree; objects print their keys in jsonb order.
    Jsonb(Arc<serde_json::Value>),
    Array(Arc<Array>),
    /// A row value: a `ROW(…)`, a table's row, a composite-type value.
    Record(Arc<Record>),
}

/// An interval as PostgreSQL keeps it: months, days and microseconds,
/// each with its own sign, because a month is not a fixed number of days
/// nor a day a fixed number of hours across time-zone transitions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Interval {
    pub months: i32,
    pub days: i32,
    pub micros: i64,
}

impl Interval {
    pub const fn new(months: i32, days: i32, micros: i64) -> Interval {
        Interval {
            months,
            days,
            micros,
        }
    }
}

/// One dimension of an array: its length and its lower bound (1 unless the
/// literal said otherwise, as in `'[0:2]={1,2,3}'`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ArrayDim {
    pub len: usize,
    pub lower: i32,
}

/// A possibly multi-dimensional array; elements are stored in row-major
/// order. An empty array has no dimensions.
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    pub dims: Vec<ArrayDim>,
    pub items: Vec<Value>,
}

impl Array {
    /// A one-dimensional array with lower bound 1.
    pub fn from_items(items: Vec<Value>) -> Array {
        if items.is_empty() {
            return Array::empty();
        }
        Array {
            dims: vec![ArrayDim {
                len: items.len(),
                lower: 1,
            }],
            items,
        }
    }

    pub fn empty() -> Array {
        Array {
            dims: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl Value {
    /// The type a value carries by itself, for the variants that name one
    /// (`None` for NULL, text — which may be any string type — and arrays).
    pub fn own_type(&self) -> Option<DataType> {
        Some(match self {
            Value::Bool(_) => DataType::Bool,
            Value::Int2(_) => DataType::Int2,
            Value::Int4(_) => DataType::Int4,
            Value::Int8(_) => DataType::Int8,
            Value::Float4(_) => DataType::Float4,
            Value::Float8(_) => DataType::Float8,
            Value::Numeric(_) => DataType::Numeric(None),
            Value::Bytea(_) => DataType::Bytea,
            Value::Date(_) => DataType::Date,
            Value::Time(_) => DataType::Time(None),
            Value::Timestamp(_) => DataType::Timestamp(None),
            Value::TimestampTz(_) => DataType::TimestampTz(None),
            Value::Interval(_) => DataType::Interval(None),
            Value::Uuid(_) => DataType::Uuid,
            Value::Json(_) => DataType::Json,
            Value::Jsonb(_) => DataType::Jsonb,
            Value::Record(r) if !r.ty.is_bare() => DataType::Record(Some(r.ty.clone())),
            _ => return None,
        })
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn text(s: &str) -> Value {
        Value::Text(Arc::from(s))
    }

    pub fn numeric(n: Numeric) -> Value {
        Value::Numeric(Box::new(n))
    }

    /// The text of a text-like value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) | Value::Json(s) => Some(s),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_stays_small() {
        assert!(std::mem::size_of::<Value>() <= 24);
    }
}
