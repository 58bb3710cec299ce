//! Casts between types, and the cast table the binder consults.
//!
//! [`cast`] converts a value as `CAST(x AS t)` does; [`assign`] as storing
//! into a column does (the only difference: an over-long string is an
//! error instead of being truncated). [`cast_context`] says whether a cast
//! may be applied implicitly, on assignment, or only explicitly, as
//! `pg_cast.castcontext` does, including PostgreSQL's automatic I/O casts
//! (anything to a string type on assignment, a string to anything
//! explicitly).

use std::sync::Arc;

use assay_storage::{bail, err, Error, Result, SqlState};

use super::datatype::DataType;
use super::datetime::calendar::*;
use super::json::format_jsonb;
use super::numeric::Numeric;
use super::scalar::parse_float8;
use super::settings::Settings;
use super::text_io::parse_value;
use super::value::{Array, Value};

/// When a cast may be applied (`pg_cast.castcontext`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CastContext {
    /// `i`: anywhere, silently.
    Implicit,
    /// `a`: implicitly when storing into a column, or explicitly.
    Assignment,
    /// `e`: only with `CAST` or `::`.
    Explicit,
}

/// (source oid, target oid, context) from PostgreSQL 15's pg_cast, limited
/// to the types Assay has; function and binary-coercible casts alike.
const PG_CAST: &[(u32, u32, CastContext)] = {
    use CastContext::{Assignment as A, Explicit as E, Implicit as I};
    &[
        (16, 23, E),
        (20, 21, A),
        (20, 23, A),
        (20, 700, I),
        (20, 701, I),
        (20, 1700, I),
        (21, 20, I),
        (21, 23, I),
        (21, 700, I),
        (21, 701, I),
        (21, 1700, I),
        (23, 16, E),
        (23, 20, I),
        (23, 21, A),
        (23, 700, I),
        (23, 701, I),
        (23, 1700, I),
        (1560, 1562, I),
        (1562, 1560, I),
        (25, 1042, I),
        (25, 1043, I),
        (114, 3802, A),
        (700, 20, A),
        (700, 21, A),
        (700, 23, A),
        (700, 701, I),
        (700, 1700, A),
        (701, 20, A),
        (701, 21, A),
        (701, 23, A),
        (701, 700, A),
        (701, 1700, A),
        (1042, 25, I),
        (1042, 1043, I),
        (1043, 25, I),
        (1043, 1042, I),
        (1082, 1114, I),
        (1082, 1184, I),
        (1083, 1186, I),
        (1114, 1082, A),
        (1114, 1083, A),
        (1114, 1184, I),
        (1184, 1082, A),
        (1184, 1083, A),
        (1184, 1114, A),
        (1186, 1083, A),
        (1700, 20, A),
        (1700, 21, A),
        (1700, 23, A),
        (1700, 700, I),
        (1700, 701, I),
        (3802, 16, E),
        (3802, 20, E),
        (3802, 21, E),
        (3802, 23, E),
        (3802, 114, A),
        (3802, 700, E),
        (3802, 701, E),
        (3802, 1700, E),
        // The catalog's types: oid, the reg* aliases, name and "char".
        (18, 23, E),
        (18, 25, I),
        (18, 1042, A),
        (18, 1043, A),
        (19, 25, I),
        (19, 1042, A),
        (19, 1043, A),
        (20, 24, I),
        (20, 26, I),
        (20, 2202, I),
        (20, 2205, I),
        (20, 2206, I),
        (20, 4089, I),
        (20, 4096, I),
        (21, 24, I),
        (21, 26, I),
        (21, 2202, I),
        (21, 2205, I),
        (21, 2206, I),
        (21, 4089, I),
        (21, 4096, I),
        (23, 18, E),
        (23, 24, I),
        (23, 26, I),
        (23, 2202, I),
        (23, 2205, I),
        (23, 2206, I),
        (23, 4089, I),
        (23, 4096, I),
        (24, 20, A),
        (24, 23, A),
        (24, 26, I),
        (24, 2202, I),
        (25, 18, A),
        (25, 19, I),
        (25, 2205, I),
        (26, 20, A),
        (26, 23, A),
        (26, 24, I),
        (26, 2202, I),
        (26, 2205, I),
        (26, 2206, I),
        (26, 4089, I),
        (26, 4096, I),
        (1042, 18, A),
        (1042, 19, I),
        (1043, 18, A),
        (1043, 19, I),
        (1043, 2205, I),
        (2202, 20, A),
        (2202, 23, A),
        (2202, 24, I),
        (2202, 26, I),
        (2205, 20, A),
        (2205, 23, A),
        (2205, 26, I),
        (2206, 20, A),
        (2206, 23, A),
        (2206, 26, I),
        (4089, 20, A),
        (4089, 23, A),
        (4089, 26, I),
        (4096, 20, A),
        (4096, 23, A),
        (4096, 26, I),
    ]
};

fn is_string(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Text
            | DataType::Varchar(_)
            | DataType::Bpchar(_)
            | DataType::Name
            | DataType::Char
    )
}

/// How a value of type `from` may be converted to `to`, if at all.
pub fn cast_context(from: &DataType, to: &DataType) -> Option<CastContext> {
    let (f, t) = (from.without_typmod(), to.without_typmod());
    if f == t || f == DataType::Unknown {
        return Some(CastContext::Implicit);
    }
    if let (DataType::Array(fe), DataType::Array(te)) = (&f, &t) {
        return cast_context(fe, te);
    }
    if let (DataType::Record(ft), DataType::Record(tt)) = (&f, &t) {
        // A row converts to a composite type field by field; any record
        // is a `record`.
        let anonymous = |t: &Option<std::sync::Arc<super::RecordType>>| {
            t.as_ref()
                .is_none_or(|t| t.oid == super::record::RECORD_OID)
        };
        let same = matches!((ft, tt), (Some(a), Some(b)) if a.oid == b.oid);
        return (same || anonymous(ft) || anonymous(tt)).then_some(CastContext::Implicit);
    }
    // int2vector and oidvector are arrays of their elements to functions
    // taking arrays (`unnest(indkey)`), as in PostgreSQL.
    if matches!(f, DataType::Int2Vector | DataType::OidVector) {
        if let (Some(fe), DataType::Array(te)) = (f.element(), &t) {
            return cast_context(fe, te);
        }
    }
    if let Some(row) = PG_CAST.iter().find(|r| r.0 == f.oid() && r.1 == t.oid()) {
        return Some(row.2);
    }
    if is_string(&t) {
        return Some(CastContext::Assignment);
    }
    if is_string(&f) {
        return Some(CastContext::Explicit);
    }
    None
}

/// Whether `from` converts to `to` implicitly (`can_coerce_type`).
pub fn can_coerce_implicitly(from: &DataType, to: &DataType) -> bool {
    cast_context(from, to) == Some(CastContext::Implicit)
}

/// Picks the common type of UNION/CASE/VALUES branches as PostgreSQL's
/// `select_common_type` does. `context` names the construct in errors
/// (`UNION`, `CASE`, …).
pub fn common_type(types: &[DataType], context: &str) -> Result<DataType> {
    let mut known = types.iter().filter(|t| **t != DataType::Unknown);
    let Some(first) = known.next() else {
        return Ok(DataType::Text);
    };
    let mut ptype = first.clone();
    for ntype in known {
        if ntype.without_typmod() == ptype.without_typmod() {
            if *ntype != ptype {
                // Same type, different modifiers: drop the modifier.
                ptype = ptype.without_typmod();
            }
            continue;
        }
        if ntype.category() != ptype.category() {
            bail!(
                SqlState::DATATYPE_MISMATCH,
                "{} types {} and {} cannot be matched",
                context,
                ptype,
                ntype
            );
        }
        if !ptype.is_preferred()
            && can_coerce_implicitly(&ptype, ntype)
            && !can_coerce_implicitly(ntype, &ptype)
        {
            ptype = ntype.without_typmod();
        }
    }
    // A modifier survives only if every input has it (`select_common_typmod`).
    if types.iter().any(|t| *t != ptype && *t != DataType::Unknown) {
        ptype = ptype.without_typmod();
    }
    for t in types {
        if !can_coerce_implicitly(t, &ptype) {
            bail!(
                SqlState::CANNOT_COERCE,
                "{} could not convert type {} to {}",
                context,
                t,
                ptype
            );
        }
    }
    Ok(ptype)
}

fn cannot_cast(from: &DataType, to: &DataType) -> Error {
    err!(
        SqlState::CANNOT_COERCE,
        "cannot cast type {} to {}",
        from,
        to
    )
}

fn int_range_error(to: &DataType) -> Error {
    let name = match to {
        DataType::Int2 => "smallint",
        DataType::Int4 => "integer",
        _ => "bigint",
    };
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "{} out of range",
        name
    )
}

fn int_value(v: i64, to: &DataType) -> Result<Value> {
    Ok(match to {
        DataType::Int2 => Value::Int2(i16::try_from(v).map_err(|_| int_range_error(to))?),
        DataType::Int4 => Value::Int4(i32::try_from(v).map_err(|_| int_range_error(to))?),
        _ => Value::Int8(v),
    })
}

/// Float to integer: round half to even, then range-check.
fn float_to_int(f: f64, to: &DataType) -> Result<Value> {
    let r = f.round_ties_even();
    // i64::MAX as f64 rounds up to 2^63, which does not fit.
    if r.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&r) {
        return Err(int_range_error(to));
    }
    int_value(r as i64, to)
}

fn float8_to_float4(f: f64) -> Result<f32> {
    let r = f as f32;
    if r.is_infinite() && f.is_finite() {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow"
        );
    }
    if r == 0.0 && f != 0.0 {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: underflow"
        );
    }
    Ok(r)
}

/// Number of characters, and the byte offset after the first `n`.
fn char_prefix(s: &str, n: usize) -> (usize, usize) {
    if s.is_ascii() {
        return (s.len(), s.len().min(n));
    }
    let mut count = 0;
    for (i, _) in s.char_indices() {
        if count == n {
            return (count + s[i..].chars().count(), i);
        }
        count += 1;
    }
    (count, s.len())
}

/// Blanks that pad `char(n)`, appended a slice at a time.
const SPACES: &str = "                                                                ";

/// Applies `varchar(n)`/`char(n)`: truncates (explicit cast) or rejects
/// (assignment) strings that are too long — unless only spaces are cut —
/// and blank-pads `char(n)`.
fn coerce_length(s: &str, to: &DataType, explicit: bool) -> Result<Value> {
    let (limit, pad) = match to {
        DataType::Varchar(Some(n)) => (*n as usize, false),
        DataType::Bpchar(Some(n)) => (*n as usize, true),
        DataType::Name => return Ok(super::oid::to_name(s)),
        DataType::Char => return Ok(super::oid::to_char(s)),
        _ => return Ok(Value::text(s)),
    };
    let (len, cut) = char_prefix(s, limit);
    if len > limit {
        if !explicit && !s[cut..].bytes().all(|b| b == b' ') {
            bail!(
                SqlState::STRING_DATA_RIGHT_TRUNCATION,
                "value too long for type {}",
                to
            );
        }
        return Ok(Value::text(&s[..cut]));
    }
    if pad && len < limit {
        let mut padded = String::with_capacity(s.len() + limit - len);
        padded.push_str(s);
        let mut missing = limit - len;
        while missing > 0 {
            let n = missing.min(SPACES.len());
            padded.push_str(&SPACES[..n]);
            missing -= n;
        }
        return Ok(Value::text(&padded));
    }
    Ok(Value::text(s))
}

/// Whether a text value stored into a `varchar(n)` or `char(n)` column
/// (of type `to`) is already what assigning it would give: no longer than
/// `n` characters, and for `char(n)` exactly `n` (so already padded).
pub fn fits_length(value: &Value, to: &DataType) -> bool {
    let Value::Text(s) = value else {
        return false;
    };
    match to {
        DataType::Varchar(Some(n)) => char_prefix(s, *n as usize).0 <= *n as usize,
        DataType::Bpchar(Some(n)) => char_prefix(s, *n as usize).0 == *n as usize,
        _ => false,
    }
}

/// `CAST(value AS to)` for a value of type `from`.
pub fn cast(value: &Value, from: &DataType, to: &DataType, settings: &Settings) -> Result<Value> {
    convert(value, from, to, settings, true)
}

/// Converts a value for storing into a column of type `to`.
pub fn assign(value: &Value, from: &DataType, to: &DataType, settings: &Settings) -> Result<Value> {
    convert(value, from, to, settings, false)
}

fn convert(
    value: &Value,
    from: &DataType,
    to: &DataType,
    settings: &Settings,
    explicit: bool,
) -> Result<Value> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    use DataType as T;
    use Value as V;
    // Conversions to string types go through the output function.
    if is_string(to) {
        let text = match (value, from) {
            (V::Text(s), T::Bpchar(_)) if !matches!(to, T::Bpchar(_)) => {
                s.trim_end_matches(' ').to_string()
            }
            (V::Bool(b), _) => (if *b { "true" } else { "false" }).to_string(),
            _ => super::format_typed(value, from, settings).unwrap_or_default(),
        };
        return coerce_length(&text, to, explicit);
    }
    if is_string(from) || *from == T::Unknown {
        let s = value.as_str().unwrap_or_default();
        let parsed = parse_value(s, to, settings)?;
        return coerce_typmod(parsed, to, explicit);
    }
    if matches!(from, T::Int2Vector | T::OidVector) {
        if let (Some(fe), V::Array(_), T::Array(_)) = (from.element(), value, to) {
            let elems = T::Array(Box::new(fe.clone()));
            return convert(value, &elems, to, settings, explicit);
        }
    }
    let converted = match (value, to) {
        // OIDs and their aliases share one representation (Value::Int8).
        (V::Int8(v), T::Oid | T::Reg(_)) if matches!(from, T::Oid | T::Reg(_)) => V::Int8(*v),
        (V::Int8(v), T::Int8) if matches!(from, T::Oid | T::Reg(_)) => V::Int8(*v),
        (V::Int8(v), T::Int4) if matches!(from, T::Oid | T::Reg(_)) => super::oid::oid_to_int4(*v),
        (V::Int2(v), T::Oid | T::Reg(_)) => super::oid::int_to_oid(i64::from(*v), false)?,
        (V::Int4(v), T::Oid | T::Reg(_)) => super::oid::int_to_oid(i64::from(*v), false)?,
        (V::Int8(v), T::Oid | T::Reg(_)) => super::oid::int_to_oid(*v, true)?,
        (V::Int4(v), T::Char) => V::text(&char::from(*v as u8).to_string()),
        (V::Text(s), T::Int4) if *from == T::Char => {
            V::Int4(i32::from(s.bytes().next().unwrap_or(0) as i8))
        }
        // Same representation: only the modifier may need applying.
        (V::Int2(v), T::Int2 | T::Int4 | T::Int8) => int_value(i64::from(*v), to)?,
        (V::Int4(v), T::Int2 | T::Int4 | T::Int8) => int_value(i64::from(*v), to)?,
        (V::Int8(v), T::Int2 | T::Int4 | T::Int8) => int_value(*v, to)?,
        (V::Int2(v), T::Float4) => V::Float4(f32::from(*v)),
        (V::Int4(v), T::Float4) => V::Float4(*v as f32),
        (V::Int8(v), T::Float4) => V::Float4(*v as f32),
        (V::Int2(v), T::Float8) => V::Float8(f64::from(*v)),
        (V::Int4(v), T::Float8) => V::Float8(f64::from(*v)),
        (V::Int8(v), T::Float8) => V::Float8(*v as f64),
        (V::Int2(v), T::Numeric(_)) => V::numeric(Numeric::from_i64(i64::from(*v))),
        (V::Int4(v), T::Numeric(_)) => V::numeric(Numeric::from_i64(i64::from(*v))),
        (V::Int8(v), T::Numeric(_)) => V::numeric(Numeric::from_i64(*v)),
        (V::Int4(v), T::Bool) => V::Bool(*v != 0),
        (V::Bool(b), T::Int4) => V::Int4(i32::from(*b)),
        (V::Float4(f), T::Int2 | T::Int4 | T::Int8) => float_to_int(f64::from(*f), to)?,
        (V::Float8(f), T::Int2 | T::Int4 | T::Int8) => float_to_int(*f, to)?,
        (V::Float4(f), T::Float4) => V::Float4(*f),
        (V::Float4(f), T::Float8) => V::Float8(f64::from(*f)),
        (V::Float8(f), T::Float8) => V::Float8(*f),
        (V::Float8(f), T::Float4) => V::Float4(float8_to_float4(*f)?),
        (V::Float4(f), T::Numeric(_)) => V::numeric(Numeric::from_float(f64::from(*f), 6)),
        (V::Float8(f), T::Numeric(_)) => V::numeric(Numeric::from_float(*f, 15)),
        (V::Numeric(n), T::Int2 | T::Int4 | T::Int8) => numeric_to_int(n, to)?,
        (V::Numeric(n), T::Float8) => V::Float8(numeric_to_float(n)?),
        (V::Numeric(n), T::Float4) => {
            let text = n.to_string();
            V::Float4(super::scalar::parse_float4(&text)?)
        }
        (V::Numeric(n), T::Numeric(_)) => V::Numeric(n.clone()),
        (V::Date(d), T::Date) => V::Date(*d),
        (V::Date(d), T::Timestamp(_)) => V::Timestamp(date_to_timestamp(*d)?),
        (V::Date(d), T::TimestampTz(_)) => {
            let local = date_to_timestamp(*d)?;
            V::TimestampTz(if ts_is_finite(local) {
                settings.time_zone.local_to_utc(local)
            } else {
                local
            })
        }
        (V::Timestamp(t) | V::TimestampTz(t), T::Timestamp(_))
            if matches!(from, T::Timestamp(_)) =>
        {
            V::Timestamp(*t)
        }
        (V::Timestamp(t), T::Date) => V::Date(timestamp_to_date(*t)),
        (V::Timestamp(t), T::Time(_)) => V::Time(t.rem_euclid(USECS_PER_DAY)),
        (V::Timestamp(t), T::TimestampTz(_)) => V::TimestampTz(if ts_is_finite(*t) {
            settings.time_zone.local_to_utc(*t)
        } else {
            *t
        }),
        (V::TimestampTz(t), T::TimestampTz(_)) => V::TimestampTz(*t),
        (V::TimestampTz(t), _) => {
            let local = if ts_is_finite(*t) {
                *t + i64::from(settings.time_zone.offset_at(*t)) * USECS_PER_SEC
            } else {
                *t
            };
            match to {
                T::Timestamp(_) => V::Timestamp(local),
                T::Date => V::Date(timestamp_to_date(local)),
                T::Time(_) => V::Time(local.rem_euclid(USECS_PER_DAY)),
                _ => return Err(cannot_cast(from, to)),
            }
        }
        (V::Time(t), T::Time(_)) => V::Time(*t),
        (V::Time(t), T::Interval(_)) => V::Interval(super::value::Interval::new(0, 0, *t)),
        (V::Interval(iv), T::Interval(_)) => V::Interval(*iv),
        (V::Interval(iv), T::Time(_)) => V::Time(iv.micros.rem_euclid(USECS_PER_DAY)),
        (V::Bool(b), T::Bool) => V::Bool(*b),
        (V::Bytea(b), T::Bytea) => V::Bytea(b.clone()),
        (V::Uuid(u), T::Uuid) => V::Uuid(*u),
        (V::Text(bits), T::Bit(_) | T::VarBit(_)) if matches!(from, T::Bit(_) | T::VarBit(_)) => {
            return super::bit::coerce_bits(bits, to, explicit);
        }
        (V::Json(s), T::Json) => V::Json(s.clone()),
        (V::Json(s), T::Jsonb) => parse_value(s, to, settings)?,
        (V::Jsonb(j), T::Jsonb) => V::Jsonb(j.clone()),
        (V::Jsonb(j), T::Json) => V::Json(Arc::from(format_jsonb(j))),
        (V::Jsonb(j), _) => jsonb_scalar(j, to, settings)?,
        (V::Array(a), T::Array(te)) => {
            let fe = from.element().unwrap_or(&T::Unknown);
            let items = a
                .items
                .iter()
                .map(|v| convert(v, fe, te, settings, explicit))
                .collect::<Result<Vec<_>>>()?;
            V::Array(Arc::new(Array {
                dims: a.dims.clone(),
                items,
            }))
        }
        (V::Record(r), T::Record(t)) => match t {
            Some(t) if r.ty.is_bare() && r.ty.oid == t.oid => super::record::retype(value, to),
            Some(t) => super::record::convert_record(r, t, &mut |v, f, t| {
                convert(v, f, t, settings, explicit)
            })?,
            None => value.clone(),
        },
        _ => return Err(cannot_cast(from, to)),
    };
    coerce_typmod(converted, to, explicit)
}

fn coerce_typmod(value: Value, to: &DataType, explicit: bool) -> Result<Value> {
    match (&value, to) {
        (Value::Text(bits), DataType::Bit(Some(_)) | DataType::VarBit(Some(_))) => {
            super::bit::coerce_bits(bits, to, explicit)
        }
        (Value::Numeric(n), DataType::Numeric(Some(m))) => Ok(Value::numeric(n.apply_typmod(*m)?)),
        (Value::Text(s), DataType::Varchar(Some(_)) | DataType::Bpchar(Some(_))) => {
            coerce_length(s, to, explicit)
        }
        (Value::Time(t), DataType::Time(Some(p))) => {
            Ok(Value::Time(super::datetime::arith::round_time(*t, *p)))
        }
        (Value::Timestamp(t), DataType::Timestamp(Some(p))) => Ok(Value::Timestamp(
            super::datetime::arith::round_timestamp(*t, *p)?,
        )),
        (Value::TimestampTz(t), DataType::TimestampTz(Some(p))) => Ok(Value::TimestampTz(
            super::datetime::arith::round_timestamp(*t, *p)?,
        )),
        (Value::Interval(iv), DataType::Interval(Some(m))) => Ok(Value::Interval(
            super::datetime::arith::adjust_interval(iv, *m)?,
        )),
        (Value::Array(a), DataType::Array(te)) if te.typmod() != -1 => {
            let items = a
                .items
                .iter()
                .map(|v| coerce_typmod(v.clone(), te, explicit))
                .collect::<Result<Vec<_>>>()?;
            Ok(Value::Array(Arc::new(Array {
                dims: a.dims.clone(),
                items,
            })))
        }
        _ => Ok(value),
    }
}

fn numeric_to_int(n: &Numeric, to: &DataType) -> Result<Value> {
    let name = match to {
        DataType::Int2 => "smallint",
        DataType::Int4 => "integer",
        _ => "bigint",
    };
    match n {
        Numeric::NaN => bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot convert NaN to {}",
            name
        ),
        Numeric::PosInf | Numeric::NegInf => bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot convert infinity to {}",
            name
        ),
        Numeric::Finite(_) => {
            let v = n.to_i64_rounded().ok_or_else(|| int_range_error(to))?;
            int_value(v, to)
        }
    }
}

fn numeric_to_float(n: &Numeric) -> Result<f64> {
    match n {
        Numeric::Finite(_) => parse_float8(&n.to_string()),
        _ => Ok(n.to_f64()),
    }
}

fn date_to_timestamp(d: i32) -> Result<i64> {
    Ok(match d {
        DATE_NEG_INFINITY => TS_NEG_INFINITY,
        DATE_POS_INFINITY => TS_POS_INFINITY,
        _ => {
            let t = i64::from(d) * USECS_PER_DAY;
            if t >= TS_END {
                bail!(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    "date out of range for timestamp"
                );
            }
            t
        }
    })
}

fn timestamp_to_date(t: i64) -> i32 {
    match t {
        TS_NEG_INFINITY => DATE_NEG_INFINITY,
        TS_POS_INFINITY => DATE_POS_INFINITY,
        _ => t.div_euclid(USECS_PER_DAY) as i32,
    }
}

/// `jsonb::numeric`, `jsonb::bool`, …: only a scalar of the right kind.
fn jsonb_scalar(j: &serde_json::Value, to: &DataType, settings: &Settings) -> Result<Value> {
    use serde_json::Value as J;
    let kind = match j {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "numeric",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    };
    let wrong = || {
        err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "cannot cast jsonb {} to type {}",
            kind,
            to
        )
    };
    match (j, to) {
        (J::Bool(b), DataType::Bool) => Ok(Value::Bool(*b)),
        (J::Number(n), DataType::Bool) => {
            let _ = n;
            Err(wrong())
        }
        (J::Number(n), _) => {
            let num = Value::numeric(Numeric::parse(&n.to_string())?);
            convert(&num, &DataType::Numeric(None), to, settings, true)
        }
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast_text(input: &str, from: &str, to: &str) -> Result<String> {
        let s = Settings::default();
        let (from, to) = (DataType::parse(from).unwrap(), DataType::parse(to).unwrap());
        let v = parse_value(input, &from, &s)?;
        let v = coerce_typmod(v, &from, true)?;
        Ok(super::super::format_value(&cast(&v, &from, &to, &s)?, &s).unwrap_or_default())
    }

    // Expected outputs verified on PostgreSQL 15 (TimeZone = UTC).
    #[test]
    fn explicit_casts() {
        let cases = [
            ("2.5", "numeric", "int4", "3"),
            ("-2.5", "numeric", "int4", "-3"),
            ("-0.5", "numeric", "int4", "-1"),
            ("2.5", "float8", "int4", "2"),
            ("3.5", "float8", "int4", "4"),
            ("-2.5", "float8", "int4", "-2"),
            ("abcdef", "text", "varchar(3)", "abc"),
            ("abc   ", "text", "varchar(3)", "abc"),
            ("ab", "text", "char(5)", "ab   "),
            ("abcdef", "text", "char(3)", "abc"),
            ("abc   ", "char(5)", "text", "abc"),
            ("abc", "char(5)", "varchar", "abc"),
            ("1.5", "numeric", "text", "1.5"),
            ("12.50", "float8", "text", "12.5"),
            ("0.1", "float4", "float8", "0.10000000149011612"),
            ("123", "int4", "bool", "t"),
            ("0", "int4", "bool", "f"),
            ("true", "bool", "int4", "1"),
            ("true", "bool", "text", "true"),
            ("true", "bool", "varchar(2)", "tr"),
            (
                "2024-01-02 03:04:05+02",
                "timestamptz",
                "date",
                "2024-01-02",
            ),
            ("2024-01-02 03:04:05", "timestamp", "time", "03:04:05"),
            ("1 day 03:00", "interval", "time", "03:00:00"),
            ("-1 hour", "interval", "time", "23:00:00"),
            ("nan", "float8", "numeric", "NaN"),
            ("inf", "float8", "numeric", "Infinity"),
            ("0.1", "float4", "numeric", "0.1"),
            ("1.25", "numeric", "float8", "1.25"),
            ("1", "jsonb", "int4", "1"),
            ("1.5", "jsonb", "int4", "2"),
            ("true", "jsonb", "bool", "t"),
            ("\"a\"", "jsonb", "text", "\"a\""),
            ("{1,2}", "int[]", "text[]", "{1,2}"),
            ("{1.5,2.5}", "numeric[]", "int[]", "{2,3}"),
            (
                "2024-01-01 12:34",
                "timestamp",
                "text",
                "2024-01-01 12:34:00",
            ),
            ("123.456", "text", "numeric(5,2)", "123.46"),
            (
                "2024-01-02",
                "date",
                "timestamptz",
                "2024-01-02 00:00:00+00",
            ),
        ];
        for (input, from, to, want) in cases {
            assert_eq!(
                cast_text(input, from, to).unwrap(),
                want,
                "{input}::{from}::{to}"
            );
        }
    }

    #[test]
    fn cast_errors() {
        let cases = [
            (
                "2147483647.5",
                "numeric",
                "int4",
                "integer out of range",
                "22003",
            ),
            (
                "32767.5",
                "float8",
                "int2",
                "smallint out of range",
                "22003",
            ),
            ("1e10", "float8", "int4", "integer out of range", "22003"),
            ("nan", "float8", "int4", "integer out of range", "22003"),
            (
                "nan",
                "numeric",
                "int4",
                "cannot convert NaN to integer",
                "0A000",
            ),
            (
                "inf",
                "numeric",
                "int8",
                "cannot convert infinity to bigint",
                "0A000",
            ),
            (
                "1e39",
                "numeric",
                "float4",
                "\"1000000000000000000000000000000000000000\" is out of range for type real",
                "22003",
            ),
            (
                "1e300",
                "float8",
                "float4",
                "value out of range: overflow",
                "22003",
            ),
            (
                "1e-300",
                "float8",
                "float4",
                "value out of range: underflow",
                "22003",
            ),
            (
                "{}",
                "jsonb",
                "int4",
                "cannot cast jsonb object to type integer",
                "22023",
            ),
            (
                "1",
                "jsonb",
                "bool",
                "cannot cast jsonb numeric to type boolean",
                "22023",
            ),
            (
                "1234.5",
                "text",
                "numeric(5,2)",
                "numeric field overflow",
                "22003",
            ),
            (
                "x",
                "text",
                "int4",
                "invalid input syntax for type integer: \"x\"",
                "22P02",
            ),
            (
                "2024-01-01",
                "date",
                "int4",
                "cannot cast type date to integer",
                "42846",
            ),
        ];
        for (input, from, to, msg, code) in cases {
            let e = cast_text(input, from, to).unwrap_err();
            assert_eq!(
                (e.message(), e.code().as_str()),
                (msg, code),
                "{input}::{from}::{to}"
            );
        }
    }

    #[test]
    fn assignment_rejects_long_strings() {
        let s = Settings::default();
        let to = DataType::Varchar(Some(3));
        let e = assign(&Value::text("abcd"), &DataType::Text, &to, &s).unwrap_err();
        assert_eq!(e.message(), "value too long for type character varying(3)");
        assert_eq!(e.code(), SqlState::STRING_DATA_RIGHT_TRUNCATION);
        let v = assign(&Value::text("abc  "), &DataType::Text, &to, &s).unwrap();
        assert_eq!(v, Value::text("abc"));
        let e = assign(
            &Value::text("abcd"),
            &DataType::Text,
            &DataType::Bpchar(Some(2)),
            &s,
        )
        .unwrap_err();
        assert_eq!(e.message(), "value too long for type character(2)");
    }

    #[test]
    fn cast_table() {
        use CastContext::*;
        let t = |s: &str| DataType::parse(s).unwrap();
        assert_eq!(cast_context(&t("int4"), &t("int8")), Some(Implicit));
        assert_eq!(cast_context(&t("int8"), &t("int4")), Some(Assignment));
        assert_eq!(cast_context(&t("int4"), &t("bool")), Some(Explicit));
        assert_eq!(cast_context(&t("int4"), &t("text")), Some(Assignment));
        assert_eq!(cast_context(&t("text"), &t("int4")), Some(Explicit));
        assert_eq!(cast_context(&t("text"), &t("varchar(3)")), Some(Implicit));
        assert_eq!(cast_context(&t("date"), &t("timestamptz")), Some(Implicit));
        assert_eq!(cast_context(&t("int4[]"), &t("int8[]")), Some(Implicit));
        assert_eq!(cast_context(&t("date"), &t("int4")), None);
        assert_eq!(cast_context(&t("unknown"), &t("date")), Some(Implicit));
    }

    #[test]
    fn union_type_resolution() {
        let t = |s: &str| DataType::parse(s).unwrap();
        assert_eq!(
            common_type(&[t("int4"), t("int8")], "UNION").unwrap(),
            t("int8")
        );
        assert_eq!(
            common_type(&[t("int4"), t("numeric")], "UNION").unwrap(),
            t("numeric")
        );
        assert_eq!(
            common_type(&[t("numeric"), t("float8")], "UNION").unwrap(),
            t("float8")
        );
        assert_eq!(
            common_type(&[t("unknown"), t("unknown")], "UNION").unwrap(),
            t("text")
        );
        assert_eq!(
            common_type(&[t("varchar(3)"), t("text")], "UNION").unwrap(),
            t("varchar")
        );
        assert_eq!(
            common_type(&[t("text"), t("varchar(3)")], "UNION").unwrap(),
            t("text")
        );
        assert_eq!(
            common_type(&[t("numeric"), t("float4")], "UNION").unwrap(),
            t("real")
        );
        assert_eq!(
            common_type(&[t("varchar(3)"), t("varchar(3)")], "UNION").unwrap(),
            t("varchar(3)")
        );
        assert_eq!(
            common_type(&[t("date"), t("timestamptz")], "UNION").unwrap(),
            t("timestamptz")
        );
        let e = common_type(&[t("int4"), t("text")], "UNION").unwrap_err();
        assert_eq!(
            e.message(),
            "UNION types integer and text cannot be matched"
        );
    }
}
