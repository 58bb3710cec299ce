//! Rust values as statement parameters: [`ToValue`] and [`params!`].
//!
//! A parameter's SQL type comes from its Rust type (`i32` is `integer`,
//! `f64` is `double precision`, `serde_json::Value` is `jsonb`), except
//! strings: like a PostgreSQL driver sending text, a `&str` parameter is of
//! unknown type and takes the type its place in the statement asks for, so
//! `'2024-01-02'`-style strings work for dates, numerics, uuids and so on.

use std::sync::Arc;

use assay_sql::types::{Interval, Numeric, Value};

use crate::datetime;

/// A Rust value that can be bound to a `$n` parameter.
pub trait ToValue {
    fn to_value(&self) -> Value;
}

/// A UUID, stored as SQL `uuid`. (Assay does not depend on a uuid crate:
/// convert from yours with `Uuid(id.into_bytes())`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uuid(pub [u8; 16]);

impl std::fmt::Display for Uuid {
    /// The canonical hyphenated lower-case form.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                f.write_str("-")?;
            }
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Builds the parameter list of a statement: `params![id, "name", None::<i32>]`
/// is a `&[&dyn ToValue]`.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::ToValue]
    };
    ($($param:expr),+ $(,)?) => {
        &[$(&$param as &dyn $crate::ToValue),+] as &[&dyn $crate::ToValue]
    };
}

macro_rules! to_value {
    ($($ty:ty => |$v:ident| $make:expr;)+) => {
        $(impl ToValue for $ty {
            fn to_value(&self) -> Value {
                let $v = self;
                $make
            }
        })+
    };
}

to_value! {
    Value => |v| v.clone();
    bool => |v| Value::Bool(*v);
    i16 => |v| Value::Int2(*v);
    i32 => |v| Value::Int4(*v);
    i64 => |v| Value::Int8(*v);
    f32 => |v| Value::Float4(*v);
    f64 => |v| Value::Float8(*v);
    str => |v| Value::Text(Arc::from(v));
    String => |v| Value::Text(Arc::from(v.as_str()));
    [u8] => |v| Value::Bytea(Arc::from(v));
    Vec<u8> => |v| Value::Bytea(Arc::from(v.as_slice()));
    Numeric => |v| Value::Numeric(Box::new(v.clone()));
    Interval => |v| Value::Interval(*v);
    Uuid => |v| Value::Uuid(v.0);
    serde_json::Value => |v| Value::Jsonb(Arc::new(v.clone()));
    jiff::civil::Date => |v| Value::Date(datetime::date_to_days(*v));
    jiff::civil::Time => |v| Value::Time(datetime::time_to_micros(*v));
    jiff::civil::DateTime => |v| Value::Timestamp(datetime::datetime_to_micros(*v));
    jiff::Timestamp => |v| Value::TimestampTz(datetime::timestamp_to_micros(*v));
    jiff::Zoned => |v| Value::TimestampTz(datetime::timestamp_to_micros(v.timestamp()));
}

impl<const N: usize> ToValue for [u8; N] {
    fn to_value(&self) -> Value {
        Value::Bytea(Arc::from(&self[..]))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        match self {
            Some(v) => v.to_value(),
            None => Value::Null,
        }
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_prints_hyphenated() {
        let id = Uuid([
            0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38,
            0x0a, 0x11,
        ]);
        assert_eq!(id.to_string(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    }

    #[test]
    fn params_macro_builds_a_slice() {
        let name = String::from("x");
        let p = params![1i32, "a", name, None::<i64>, 2.5f64];
        let values: Vec<Value> = p.iter().map(|v| v.to_value()).collect();
        assert_eq!(
            values,
            vec![
                Value::Int4(1),
                Value::text("a"),
                Value::text("x"),
                Value::Null,
                Value::Float8(2.5)
            ]
        );
        assert!(params![].is_empty());
    }
}
