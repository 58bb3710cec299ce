//! The binary format of every type: PostgreSQL's `typsend`/`typreceive`
//! functions, as COPY BINARY and the wire protocol's binary format code
//! use them. Everything is big-endian.
//!
//! | type | bytes |
//! |---|---|
//! | bool | 1 (0 or 1) |
//! | int2/int4/int8, float4/float8 | 2/4/8, IEEE 754 for floats |
//! | numeric | ndigits i16, weight i16, sign u16, dscale i16, ndigits base-10000 digits i16 |
//! | text, varchar, bpchar, json | UTF-8 bytes |
//! | jsonb | version byte 1, then the text |
//! | bytea | the bytes |
//! | date | days since 2000-01-01, i32 |
//! | time, timestamp, timestamptz | microseconds, i64 |
//! | interval | microseconds i64, days i32, months i32 |
//! | uuid | 16 bytes |
//! | array | ndim i32, has-nulls i32, element oid i32, (length i32, lower bound i32) per dimension, then each element as length i32 (-1 NULL) and bytes |

use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use super::{Array, ArrayDim, DataType, Interval, Numeric, Value};

/// The error for malformed binary input.
fn malformed() -> Error {
    err!(SqlState::new(b"22P03"), "incorrect binary data format")
}

/// Appends the binary form of a non-NULL `value`.
pub fn send(value: &Value, out: &mut Vec<u8>) -> Result<()> {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push(u8::from(*b)),
        Value::Int2(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::Int4(v) | Value::Date(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::Int8(v) | Value::Time(v) | Value::Timestamp(v) | Value::TimestampTz(v) => {
            out.extend_from_slice(&v.to_be_bytes())
        }
        Value::Float4(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::Float8(v) => out.extend_from_slice(&v.to_be_bytes()),
        Value::Numeric(n) => send_numeric(n, out),
        Value::Text(s) | Value::Json(s) => out.extend_from_slice(s.as_bytes()),
        Value::Jsonb(j) => {
            out.push(1);
            out.extend_from_slice(super::json::format_jsonb(j).as_bytes());
        }
        Value::Bytea(b) => out.extend_from_slice(b),
        Value::Interval(i) => {
            out.extend_from_slice(&i.micros.to_be_bytes());
            out.extend_from_slice(&i.days.to_be_bytes());
            out.extend_from_slice(&i.months.to_be_bytes());
        }
        Value::Uuid(u) => out.extend_from_slice(u),
        Value::Array(a) => send_array(a, None, out)?,
        Value::Record(r) => send_record(r, out)?,
    }
    Ok(())
}

/// `record_send`: the field count, then per field its type OID and its
/// length-prefixed binary form (-1 for NULL).
fn send_record(r: &super::Record, out: &mut Vec<u8>) -> Result<()> {
    let types = super::record::field_types(r);
    out.extend_from_slice(&(r.values.len() as i32).to_be_bytes());
    for (v, ty) in r.values.iter().zip(&types) {
        out.extend_from_slice(&ty.oid().to_be_bytes());
        if v.is_null() {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            continue;
        }
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        send_as(v, ty, out)?;
        let len = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// Appends the binary form of a non-NULL `value` of the column type `ty`.
/// As [`send`], except where the value alone does not say its type's form:
/// an array names `ty`'s element type (a `varchar[]` holds text items but
/// says 1043, an empty `int4[]` says 23), an OID goes out in four bytes and
/// a bit string packed.
pub fn send_as(value: &Value, ty: &DataType, out: &mut Vec<u8>) -> Result<()> {
    match (value, ty) {
        (Value::Array(a), DataType::Array(elem)) => send_array(a, Some(elem), out),
        (Value::Array(a), DataType::Int2Vector | DataType::OidVector) => {
            send_array(a, ty.element(), out)
        }
        (Value::Int8(v), DataType::Oid | DataType::Reg(_)) => {
            out.extend_from_slice(&(*v as u32).to_be_bytes());
            Ok(())
        }
        (Value::Text(bits), DataType::Bit(_) | DataType::VarBit(_)) => {
            send_bits(bits, out);
            Ok(())
        }
        _ => send(value, out),
    }
}

/// A bit string: its length in bits, then the bits packed high-first.
fn send_bits(bits: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(bits.len() as i32).to_be_bytes());
    for chunk in bits.as_bytes().chunks(8) {
        let byte = chunk
            .iter()
            .enumerate()
            .fold(0u8, |acc, (i, b)| acc | (u8::from(*b == b'1') << (7 - i)));
        out.push(byte);
    }
}

fn send_array(a: &Array, elem_type: Option<&DataType>, out: &mut Vec<u8>) -> Result<()> {
    let elem = match elem_type {
        Some(ty) => ty.oid(),
        None => a
            .items
            .iter()
            .find(|v| !v.is_null())
            .map(value_oid)
            .unwrap_or(25),
    };
    let has_nulls = a.items.iter().any(Value::is_null);
    out.extend_from_slice(&(a.dims.len() as i32).to_be_bytes());
    out.extend_from_slice(&i32::from(has_nulls).to_be_bytes());
    out.extend_from_slice(&elem.to_be_bytes());
    for d in &a.dims {
        out.extend_from_slice(&(d.len as i32).to_be_bytes());
        out.extend_from_slice(&d.lower.to_be_bytes());
    }
    for v in &a.items {
        if v.is_null() {
            out.extend_from_slice(&(-1i32).to_be_bytes());
            continue;
        }
        let at = out.len();
        out.extend_from_slice(&[0; 4]);
        match elem_type {
            Some(ty) => send_as(v, ty, out)?,
            None => send(v, out)?,
        }
        let len = (out.len() - at - 4) as i32;
        out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    }
    Ok(())
}

/// The type OID of a value's own type (array elements name it).
fn value_oid(v: &Value) -> u32 {
    v.own_type().unwrap_or(DataType::Text).oid()
}

const NUMERIC_POS: u16 = 0x0000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_NAN: u16 = 0xC000;
const NUMERIC_PINF: u16 = 0xD000;
const NUMERIC_NINF: u16 = 0xF000;

/// numeric's binary form, built from its exact decimal text.
fn send_numeric(n: &Numeric, out: &mut Vec<u8>) {
    let header = |out: &mut Vec<u8>, nd: i16, weight: i16, sign: u16, dscale: i16| {
        out.extend_from_slice(&nd.to_be_bytes());
        out.extend_from_slice(&weight.to_be_bytes());
        out.extend_from_slice(&sign.to_be_bytes());
        out.extend_from_slice(&dscale.to_be_bytes());
    };
    let special = match n {
        Numeric::NaN => Some(NUMERIC_NAN),
        Numeric::PosInf => Some(NUMERIC_PINF),
        Numeric::NegInf => Some(NUMERIC_NINF),
        Numeric::Finite(_) => None,
    };
    if let Some(sign) = special {
        header(out, 0, 0, sign, 0);
        return;
    }
    let text = n.to_string();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (NUMERIC_NEG, rest),
        None => (NUMERIC_POS, text.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let dscale = frac.len() as i16;
    let pad_left = (4 - int.len() % 4) % 4;
    let mut all = "0".repeat(pad_left);
    all.push_str(int);
    let int_groups = all.len() / 4;
    all.push_str(frac);
    all.push_str(&"0".repeat((4 - frac.len() % 4) % 4));
    let mut groups: Vec<i16> = all
        .as_bytes()
        .chunks(4)
        .map(|c| c.iter().fold(0i16, |acc, d| acc * 10 + i16::from(d - b'0')))
        .collect();
    let mut weight = int_groups as i16 - 1;
    let leading = groups.iter().take_while(|g| **g == 0).count();
    groups.drain(..leading);
    weight -= leading as i16;
    while groups.last() == Some(&0) {
        groups.pop();
    }
    if groups.is_empty() {
        header(out, 0, 0, NUMERIC_POS, dscale);
        return;
    }
    header(out, groups.len() as i16, weight, sign, dscale);
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
}

/// Reads big-endian fields off a byte slice.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        if self.0.len() < N {
            return Err(malformed());
        }
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        head.try_into().map_err(|_| malformed())
    }
    fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.take()?))
    }
    fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.take()?))
    }
    fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.take()?))
    }
    fn bytes(&mut self, n: usize) -> Result<&[u8]> {
        if self.0.len() < n {
            return Err(malformed());
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn end(&self) -> Result<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(malformed())
        }
    }
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let bad = bytes[e.valid_up_to()..]
            .iter()
            .take(e.error_len().unwrap_or(1))
            .map(|b| format!("0x{b:02x}"))
            .collect::<Vec<_>>()
            .join(" ");
        err!(
            SqlState::new(b"22021"),
            "invalid byte sequence for encoding \"UTF8\": {bad}"
        )
    })
}

/// Reads a value of type `ty` from its binary form (all of `bytes`).
pub fn recv(bytes: &[u8], ty: &DataType) -> Result<Value> {
    let mut r = Reader(bytes);
    let value = match ty {
        DataType::Bool => match r.take::<1>()? {
            [b] => Value::Bool(b != 0),
        },
        DataType::Int2 => Value::Int2(r.i16()?),
        DataType::Int4 => Value::Int4(r.i32()?),
        DataType::Int8 => Value::Int8(r.i64()?),
        DataType::Float4 => Value::Float4(f32::from_be_bytes(r.take()?)),
        DataType::Float8 => Value::Float8(f64::from_be_bytes(r.take()?)),
        DataType::Numeric(_) => Value::numeric(recv_numeric(&mut r)?),
        DataType::Text
        | DataType::Varchar(_)
        | DataType::Bpchar(_)
        | DataType::Name
        | DataType::Char
        | DataType::Unknown => Value::text(utf8(r.bytes(bytes.len())?)?),
        DataType::Oid | DataType::Reg(_) => Value::Int8(i64::from(r.i32()? as u32)),
        DataType::Bit(_) | DataType::VarBit(_) => {
            // Bit length, then the bits packed high-first.
            let len = usize::try_from(r.i32()?).map_err(|_| malformed())?;
            let packed = r.bytes(len.div_ceil(8))?;
            let bits: String = (0..len)
                .map(|i| {
                    if packed[i / 8] & (0x80 >> (i % 8)) != 0 {
                        '1'
                    } else {
                        '0'
                    }
                })
                .collect();
            Value::text(&bits)
        }
        DataType::Json => {
            let text = utf8(r.bytes(bytes.len())?)?;
            super::json::parse_json(text)?;
            Value::Json(Arc::from(text))
        }
        DataType::Jsonb => {
            let [version] = r.take::<1>()?;
            if version != 1 {
                return Err(err!(
                    SqlState::new(b"22P03"),
                    "unsupported jsonb version number {version}"
                ));
            }
            let text = utf8(r.bytes(bytes.len() - 1)?)?;
            Value::Jsonb(Arc::new(super::json::parse_jsonb(text)?))
        }
        DataType::Bytea => Value::Bytea(Arc::from(r.bytes(bytes.len())?)),
        DataType::Date => Value::Date(r.i32()?),
        DataType::Time(_) => Value::Time(r.i64()?),
        DataType::Timestamp(_) => Value::Timestamp(r.i64()?),
        DataType::TimestampTz(_) => Value::TimestampTz(r.i64()?),
        DataType::Interval(_) => {
            let micros = r.i64()?;
            let days = r.i32()?;
            let months = r.i32()?;
            Value::Interval(Interval {
                months,
                days,
                micros,
            })
        }
        DataType::Uuid => Value::Uuid(r.take()?),
        DataType::Array(elem) => recv_array(&mut r, elem)?,
        DataType::Int2Vector => recv_array(&mut r, &DataType::Int2)?,
        DataType::OidVector => recv_array(&mut r, &DataType::Oid)?,
        DataType::Record(_) => {
            return Err(err!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "binary input of type {} is not supported",
                ty
            ))
        }
    };
    r.end()?;
    Ok(value)
}

fn recv_numeric(r: &mut Reader<'_>) -> Result<Numeric> {
    let ndigits = r.i16()?;
    let weight = r.i16()?;
    let sign = r.i16()? as u16;
    let dscale = r.i16()?;
    match sign {
        NUMERIC_NAN => return Ok(Numeric::NaN),
        NUMERIC_PINF => return Ok(Numeric::PosInf),
        NUMERIC_NINF => return Ok(Numeric::NegInf),
        NUMERIC_POS | NUMERIC_NEG => {}
        _ => {
            return Err(err!(
                SqlState::new(b"22P03"),
                "invalid sign in external \"numeric\" value"
            ))
        }
    }
    if !(0..=16383).contains(&dscale) || ndigits < 0 {
        return Err(err!(
            SqlState::new(b"22P03"),
            "invalid scale in external \"numeric\" value"
        ));
    }
    let mut groups = Vec::with_capacity(ndigits as usize);
    for _ in 0..ndigits {
        let g = r.i16()?;
        if !(0..10000).contains(&g) {
            return Err(err!(
                SqlState::new(b"22P03"),
                "invalid digit in external \"numeric\" value"
            ));
        }
        groups.push(g);
    }
    // Group k stands for g * 10000^(weight - k).
    let group_at = |w: i32| -> i16 {
        let k = i32::from(weight) - w;
        if k >= 0 && (k as usize) < groups.len() {
            groups[k as usize]
        } else {
            0
        }
    };
    let mut text = String::new();
    if sign == NUMERIC_NEG {
        text.push('-');
    }
    if weight < 0 {
        text.push('0');
    } else {
        text.push_str(&group_at(i32::from(weight)).to_string());
        for w in (0..i32::from(weight)).rev() {
            text.push_str(&format!("{:04}", group_at(w)));
        }
    }
    if dscale > 0 {
        let mut frac = String::new();
        let mut w = -1;
        while frac.len() < dscale as usize {
            frac.push_str(&format!("{:04}", group_at(w)));
            w -= 1;
        }
        frac.truncate(dscale as usize);
        text.push('.');
        text.push_str(&frac);
    }
    Numeric::parse(&text)
}

fn recv_array(r: &mut Reader<'_>, elem: &DataType) -> Result<Value> {
    let ndim = r.i32()?;
    let flags = r.i32()?;
    let _elem_oid = r.i32()?;
    if !(0..=6).contains(&ndim) {
        return Err(err!(
            SqlState::new(b"22P03"),
            "invalid number of dimensions: {ndim}"
        ));
    }
    if flags != 0 && flags != 1 {
        return Err(err!(SqlState::new(b"22P03"), "invalid array flags"));
    }
    let mut dims = Vec::new();
    let mut count = 1usize;
    for _ in 0..ndim {
        let len = r.i32()?;
        let lower = r.i32()?;
        if len < 0 {
            return Err(malformed());
        }
        count = count.checked_mul(len as usize).ok_or_else(malformed)?;
        dims.push(ArrayDim {
            len: len as usize,
            lower,
        });
    }
    if ndim == 0 {
        count = 0;
    }
    let mut items = Vec::with_capacity(count.min(1 << 16));
    for _ in 0..count {
        let len = r.i32()?;
        if len < 0 {
            items.push(Value::Null);
            continue;
        }
        let bytes = r.bytes(len as usize)?;
        items.push(recv(bytes, elem)?);
    }
    if count == 0 {
        dims.clear();
    }
    Ok(Value::Array(Arc::new(Array { dims, items })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(v: Value, ty: DataType) {
        let mut out = Vec::new();
        send(&v, &mut out).unwrap();
        assert_eq!(recv(&out, &ty).unwrap(), v, "{ty:?}");
    }

    #[test]
    fn values_round_trip() {
        round_trip(Value::Bool(true), DataType::Bool);
        round_trip(Value::Int2(-3), DataType::Int2);
        round_trip(Value::Int8(1 << 40), DataType::Int8);
        round_trip(Value::Float8(-2.5), DataType::Float8);
        round_trip(Value::text("héllo"), DataType::Text);
        round_trip(Value::Date(-10), DataType::Date);
        round_trip(
            Value::Interval(Interval {
                months: 1,
                days: -2,
                micros: 3,
            }),
            DataType::Interval(None),
        );
        for n in [
            "0",
            "1",
            "-123.4500",
            "10000",
            "0.0001",
            "12345678.9",
            "-0.00000123",
        ] {
            round_trip(
                Value::numeric(Numeric::parse(n).unwrap()),
                DataType::Numeric(None),
            );
        }
        round_trip(Value::numeric(Numeric::NaN), DataType::Numeric(None));
        let arr = Value::Array(Arc::new(Array::from_items(vec![
            Value::Int4(1),
            Value::Null,
            Value::Int4(3),
        ])));
        round_trip(arr, DataType::Array(Box::new(DataType::Int4)));
    }

    #[test]
    fn numeric_matches_postgresql_bytes() {
        // SELECT numeric_send(-123.45): 2 digits, weight 0, negative, dscale 2.
        let mut out = Vec::new();
        send(
            &Value::numeric(Numeric::parse("-123.45").unwrap()),
            &mut out,
        )
        .unwrap();
        assert_eq!(out, [0, 2, 0, 0, 0x40, 0, 0, 2, 0, 123, 0x11, 0x94]);
    }

    #[test]
    fn bad_input_is_an_error() {
        assert_eq!(
            recv(&[0, 0, 1], &DataType::Int4)
                .unwrap_err()
                .code()
                .as_str(),
            "22P03"
        );
        assert_eq!(
            recv(&[0xff], &DataType::Text).unwrap_err().code().as_str(),
            "22021"
        );
    }
}
