//! SQL [`Value`]s as order-preserving key columns (`assay_storage::keycode`).
//!
//! Scalars map one-to-one onto `KeyWriter` calls. Two kinds of value have no
//! keycode encoding of their own and get one here:
//!
//! - **arrays**: the column header `0x01`, then per element the byte `0x02`
//!   followed by the element as a key column (NULL elements sort last, as
//!   PostgreSQL's array comparison does), then the end byte `0x01`; for a
//!   descending column every byte after the header is inverted. A prefix
//!   array sorts first (`{1} < {1,2}`). Dimensions are not compared.
//! - **json/jsonb**: the canonical text as bytes: equality is exact, order
//!   is not jsonb's (jsonb B-tree ordering is a known gap).
//!
//! Decoding ([`decode_key_value`]) is type-directed and exact for bool,
//! integers, floats (but -0 reads as 0), text types, bytea, dates, times,
//! timestamps and uuid: [`index_only_capable`] tells the planner which
//! columns an index-only scan may return.

use std::sync::Arc;

use assay_storage::keycode::{DecodedNumeric, KeyReader, KeyWriter, NumericKey, SortOrder};
use assay_storage::{err, Result, SqlState};
use bigdecimal::num_bigint::BigInt;
use bigdecimal::BigDecimal;

use crate::types::{DataType, Numeric, Value};

const ARRAY_ITEM: u8 = 0x02;
const ARRAY_END: u8 = 0x01;
const PRESENT: u8 = 0x01;

/// Appends `v` as one key column.
pub fn encode_key_value(out: &mut Vec<u8>, v: &Value, order: SortOrder) -> Result<()> {
    let mut w = KeyWriter::new(out);
    match v {
        Value::Null => w.write_null(order),
        Value::Bool(b) => w.write_bool(*b, order),
        Value::Int2(i) => w.write_int(i64::from(*i), order),
        Value::Int4(i) => w.write_int(i64::from(*i), order),
        Value::Int8(i) => w.write_int(*i, order),
        Value::Float4(f) => w.write_f32(*f, order),
        Value::Float8(f) => w.write_f64(*f, order),
        Value::Numeric(n) => write_numeric(&mut w, n, order)?,
        Value::Text(s) | Value::Json(s) => w.write_text(s, order),
        Value::Bytea(b) => w.write_bytea(b, order),
        Value::Date(d) => w.write_date(*d, order),
        Value::Time(t) => w.write_time(*t, order),
        Value::Timestamp(t) | Value::TimestampTz(t) => w.write_timestamp(*t, order),
        Value::Interval(i) => w.write_interval(i.months, i.days, i.micros, order),
        Value::Uuid(u) => w.write_uuid(u, order),
        Value::Jsonb(j) => w.write_text(&j.to_string(), order),
        Value::Array(a) => encode_key_items(out, &a.items, order)?,
        Value::Record(r) => encode_key_items(out, &r.values, order)?,
    }
    Ok(())
}

/// An array's items or a record's fields, in order, each marked present;
/// a shorter list sorts first.
fn encode_key_items(out: &mut Vec<u8>, items: &[Value], order: SortOrder) -> Result<()> {
    out.push(PRESENT);
    let start = out.len();
    for item in items {
        out.push(ARRAY_ITEM);
        encode_key_value(out, item, SortOrder::ASC)?;
    }
    out.push(ARRAY_END);
    if order.descending {
        out[start..].iter_mut().for_each(|b| *b = !*b);
    }
    Ok(())
}

fn write_numeric(w: &mut KeyWriter<'_>, n: &Numeric, order: SortOrder) -> Result<()> {
    match n {
        Numeric::NaN => w.write_numeric(NumericKey::NaN, order),
        Numeric::PosInf => w.write_numeric(NumericKey::PosInf, order),
        Numeric::NegInf => w.write_numeric(NumericKey::NegInf, order),
        Numeric::Finite(d) => {
            let (int, scale) = d.as_bigint_and_exponent();
            let text = int.magnitude().to_string();
            let digits: Vec<u8> = text.bytes().map(|b| b - b'0').collect();
            let exponent = (digits.len() as i64 - 1 - scale).try_into().map_err(|_| {
                err!(
                    SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                    "value overflows numeric format"
                )
            })?;
            w.write_numeric(
                NumericKey::Finite {
                    negative: int.sign() == bigdecimal::num_bigint::Sign::Minus,
                    exponent,
                    digits: &digits,
                },
                order,
            )
        }
    }
}

/// Whether an index-only scan can return a column of type `ty` exactly.
pub fn index_only_capable(ty: &DataType) -> bool {
    matches!(
        ty,
        DataType::Bool
            | DataType::Int2
            | DataType::Int4
            | DataType::Int8
            | DataType::Oid
            | DataType::Reg(_)
            | DataType::Text
            | DataType::Varchar(_)
            | DataType::Bpchar(_)
            | DataType::Name
            | DataType::Char
            | DataType::Bit(_)
            | DataType::VarBit(_)
            | DataType::Bytea
            | DataType::Date
            | DataType::Time(_)
            | DataType::Timestamp(_)
            | DataType::TimestampTz(_)
            | DataType::Uuid
    )
}

/// Reads one key column of type `ty`. Numerics come back normalised (their
/// display scale is lost); intervals, json and arrays cannot be decoded.
pub fn decode_key_value(r: &mut KeyReader<'_>, ty: &DataType, order: SortOrder) -> Result<Value> {
    fn or_null<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
        v.map_or(Value::Null, f)
    }
    Ok(match ty {
        DataType::Bool => or_null(r.read_bool(order)?, Value::Bool),
        DataType::Int2 => or_null(r.read_i16(order)?, Value::Int2),
        DataType::Int4 => or_null(r.read_i32(order)?, Value::Int4),
        DataType::Int8 | DataType::Oid | DataType::Reg(_) => {
            or_null(r.read_i64(order)?, Value::Int8)
        }
        DataType::Float4 => or_null(r.read_f32(order)?, Value::Float4),
        DataType::Float8 => or_null(r.read_f64(order)?, Value::Float8),
        DataType::Numeric(_) => or_null(r.read_numeric(order)?, |n| {
            Value::Numeric(Box::new(numeric_from_key(n)))
        }),
        DataType::Text
        | DataType::Varchar(_)
        | DataType::Bpchar(_)
        | DataType::Name
        | DataType::Char
        | DataType::Bit(_)
        | DataType::VarBit(_)
        | DataType::Unknown => or_null(r.read_text(order)?, |s| Value::Text(Arc::from(s))),
        DataType::Bytea => or_null(r.read_bytea(order)?, |b| Value::Bytea(Arc::from(b))),
        DataType::Date => or_null(r.read_date(order)?, Value::Date),
        DataType::Time(_) => or_null(r.read_time(order)?, Value::Time),
        DataType::Timestamp(_) => or_null(r.read_timestamp(order)?, Value::Timestamp),
        DataType::TimestampTz(_) => or_null(r.read_timestamp(order)?, Value::TimestampTz),
        DataType::Uuid => or_null(r.read_uuid(order)?, Value::Uuid),
        DataType::Interval(_)
        | DataType::Json
        | DataType::Jsonb
        | DataType::Array(_)
        | DataType::Record(_)
        | DataType::Int2Vector
        | DataType::OidVector => {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot decode a {ty} value from an index key"
            ))
        }
    })
}

fn numeric_from_key(n: DecodedNumeric) -> Numeric {
    match n {
        DecodedNumeric::NaN => Numeric::NaN,
        DecodedNumeric::PosInf => Numeric::PosInf,
        DecodedNumeric::NegInf => Numeric::NegInf,
        DecodedNumeric::Finite {
            negative,
            exponent,
            digits,
        } => {
            let mut int = BigInt::from(0);
            for d in &digits {
                int = int * 10 + u32::from(*d);
            }
            if negative {
                int = -int;
            }
            let scale = digits.len() as i64 - 1 - i64::from(exponent);
            let d = BigDecimal::new(int, scale);
            // A negative scale means trailing integer zeros: show them.
            Numeric::Finite(if scale < 0 { d.with_scale(0) } else { d })
        }
    }
}
