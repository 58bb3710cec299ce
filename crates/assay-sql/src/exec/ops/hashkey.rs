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

/// Numbers hash by value whatever their type: integral values as that
/// integer, others by their f64 bits (so `2 = 2.0 = 2::numeric` collide as
/// they must, and integer keys hash as cheaply as possible).
fn hash_number<H: Hasher>(f: f64, state: &mut H) {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        (f as i64).hash(state)
    } else if f.is_nan() {
        u64::MAX.hash(state)
    } else {
        f.to_bits().hash(state)
    }
}

pub(crate) fn hash_value<H: Hasher>(v: &Value, state: &mut H) {
    match v {
        Value::Null => 0u8.hash(state),
        Value::Bool(b) => b.hash(state),
        Value::Int2(x) => (*x as i64).hash(state),
        Value::Int4(x) => (*x as i64).hash(state),
        Value::Int8(x) if x.unsigned_abs() < 9_000_000_000_000_000 / 1000 => x.hash(state),
        Value::Int8(x) => hash_number(*x as f64, state),
        Value::Float4(x) => hash_number(*x as f64, state),
        Value::Float8(x) => hash_number(*x, state),
        Value::Numeric(n) => hash_number(n.to_f64(), state),
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
        Value::Jsonb(j) => crate::types::json::hash_jsonb(j, state),
        Value::Array(a) => {
            a.items.len().hash(state);
            for item in &a.items {
                hash_value(item, state);
            }
        }
        Value::Record(r) => {
            r.values.len().hash(state);
            for item in &r.values {
                hash_value(item, state);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::hash::{DefaultHasher, Hash, Hasher};

    use super::HashKey;
    use crate::types::{Numeric, Value};

    fn h(v: Value) -> u64 {
        let mut s = DefaultHasher::new();
        HashKey(vec![v]).hash(&mut s);
        s.finish()
    }

    #[test]
    fn equal_numbers_of_any_type_hash_alike() {
        let n = |s: &str| Value::numeric(Numeric::parse(s).unwrap());
        assert_eq!(h(Value::Int4(2)), h(Value::Int8(2)));
        assert_eq!(h(Value::Int8(2)), h(Value::Float8(2.0)));
        assert_eq!(h(Value::Float8(2.0)), h(n("2.000")));
        assert_eq!(h(Value::Float8(0.0)), h(Value::Float8(-0.0)));
        assert_eq!(h(Value::Float8(f64::NAN)), h(Value::Float8(-f64::NAN)));
        let big = 1i64 << 60;
        assert_eq!(h(Value::Int8(big)), h(Value::Float8(big as f64)));
        assert_eq!(h(Value::Int8(big)), h(n(&big.to_string())));
        assert_eq!(h(Value::Float8(2.5)), h(n("2.50")));
    }
}
