//! Hashing rows of values for hash joins, hash aggregation and DISTINCT.
//!
//! `Value` has no `Hash`: equality is SQL's (`types::compare`), under which
//! `1.0 = 1.00`, `-0.0 = 0.0`, `NaN = NaN` and `'1 day' = '24 hours'`.
//! [`HashKey`] hashes a canonical form so equal values hash alike.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::types::{compare, Value};

/// Values compared and hashed as a unit; NULLs are equal to each other
/// (grouping semantics: joins drop NULL keys before probing).
#[derive(Clone, Debug)]
pub(crate) struct HashKey(pub Vec<Value>);

impl PartialEq for HashKey {
    fn eq(&self, other: &HashKey) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|(a, b)| compare(a, b) == Ordering::Equal)
    }
}

impl Eq for HashKey {}

impl Hash for HashKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for v in &self.0 {
            hash_value(v, state);
        }
    }
}

fn float_bits(f: f64) -> u64 {
    if f.is_nan() {
        u64::MAX
    } else if f == 0.0 {
        0
    } else {
        f.to_bits()
    }
}

pub(crate) fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::Null => 0u8.hash(state),
        Value::Bool(b) => b.hash(state),
        // All numbers hash by their f64 value so that equal numbers of
        // different types (or scales) collide as they must.
        Value::Int2(x) => float_bits(*x as f64).hash(state),
        Value::Int4(x) => float_bits(*x as f64).hash(state),
        Value::Int8(x) => float_bits(*x as f64).hash(state),
        Value::Float4(x) => float_bits(*x as f64).hash(state),
        Value::Float8(x) => float_bits(*x).hash(state),
        Value::Numeric(n) => float_bits(n.to_f64()).hash(state),
        Value::Text(s) | Value::Json(s) => s.trim_end_matches(' ').hash(state),
        Value::Bytea(b) => b.hash(state),
        Value::Date(d) => d.hash(state),
        Value::Time(t) | Value::Timestamp(t) | Value::TimestampTz(t) => t.hash(state),
        Value::Interval(i) => {
            let total =
                (i.months as i128 * 30 + i.days as i128) * 86_400_000_000 + i.micros as i128;
            total.hash(state)
        }
        Value::Uuid(u) => u.hash(state),
        Value::Jsonb(j) => j.to_string().hash(state),
        Value::Array(a) => {
            a.items.len().hash(state);
            for item in &a.items {
                hash_value(item, state);
            }
        }
    }
}
