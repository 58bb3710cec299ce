//! The row codec: a table row's [`Value`]s as the bytes of a B+tree value.
//!
//! ```text
//! row        = version:u8 (0x01) · count:varint · descriptor:varint × count · payloads
//! descriptor = (payload_len << 5) | tag      (payload_len is 0 for fixed-size tags)
//! ```
//!
//! The header lists every column's tag (and, for variable-length tags, its
//! payload length) before any payload, so column `i` is found by walking
//! `i` descriptors — usually one byte each — without touching a payload:
//! [`RowView::column`] decodes one column that way, and
//! [`RowView::decode_some_into`] decodes only the columns a scan's plan
//! reads (a skipped text column costs no allocation);
//! [`RowView::decode_slots`] does so over a row buffer reused from row to
//! row, writing nothing for a skipped column that is already NULL. A NULL is tag 0 with no
//! payload, so the descriptors double as the null bitmap. Rows written
//! before an `ADD COLUMN` are shorter than the table: missing trailing
//! columns read as NULL.
//!
//! | tag | value | payload |
//! | --- | --- | --- |
//! | 0 | NULL | none |
//! | 1, 2 | false, true | none |
//! | 3, 4, 5 | int2, int4, int8 | 2, 4, 8 bytes LE |
//! | 6, 7 | float4, float8 | IEEE bits, 4, 8 bytes LE |
//! | 8 | numeric | kind u8 (0 finite, 1 NaN, 2 +Inf, 3 -Inf); finite: zigzag varint scale, then the unscaled integer as signed LE bytes |
//! | 9, 10 | text, bytea | the bytes |
//! | 11 | date | i32 LE |
//! | 12, 13, 14 | time, timestamp, timestamptz | i64 LE |
//! | 15 | interval | months i32, days i32, micros i64, LE |
//! | 16 | uuid | 16 bytes |
//! | 17, 18 | json, jsonb | the JSON text (jsonb: serialized from its tree) |
//! | 19 | array | ndims varint, per dim len varint and zigzag lower, then the items as a row |
//! | 20 | record | the type's OID varint, then the fields as a row |
//!
//! A record keeps only its type's OID: it decodes with a bare type (no
//! field names), which the binder's cast to the column's type completes.
//!
//! Varints are LEB128 (7 bits a byte, low first). Decoding never panics:
//! damaged bytes give a `data_corrupted` (XX001) error.

use std::sync::Arc;

use assay_storage::{corrupt, Result};
use bigdecimal::num_bigint::BigInt;
use bigdecimal::BigDecimal;

use crate::types::{Array, ArrayDim, Interval, Numeric, Value};

const VERSION: u8 = 1;
const TAG_BITS: u32 = 5;
const TAG_MASK: u64 = (1 << TAG_BITS) - 1;
/// Arrays nest rows; a damaged row must not recurse without end.
const MAX_DEPTH: usize = 8;

const NULL: u8 = 0;
const FALSE: u8 = 1;
const TRUE: u8 = 2;
const INT2: u8 = 3;
const INT4: u8 = 4;
const INT8: u8 = 5;
const FLOAT4: u8 = 6;
const FLOAT8: u8 = 7;
const NUMERIC: u8 = 8;
const TEXT: u8 = 9;
const BYTEA: u8 = 10;
const DATE: u8 = 11;
const TIME: u8 = 12;
const TIMESTAMP: u8 = 13;
const TIMESTAMPTZ: u8 = 14;
const INTERVAL: u8 = 15;
const UUID: u8 = 16;
const JSON: u8 = 17;
const JSONB: u8 = 18;
const ARRAY: u8 = 19;
const RECORD: u8 = 20;

/// Payload size of a fixed-size tag; `None` for variable-length tags.
fn fixed_size(tag: u8) -> Option<usize> {
    Some(match tag {
        NULL | FALSE | TRUE => 0,
        INT2 => 2,
        INT4 | FLOAT4 | DATE => 4,
        INT8 | FLOAT8 | TIME | TIMESTAMP | TIMESTAMPTZ => 8,
        INTERVAL | UUID => 16,
        _ => return None,
    })
}

/// Encodes rows, reusing its scratch buffer between calls.
#[derive(Default)]
pub struct RowEncoder {
    payload: Vec<u8>,
}

impl RowEncoder {
    pub fn new() -> RowEncoder {
        RowEncoder::default()
    }

    /// Appends the encoding of `row` to `out` (which it does not clear).
    pub fn encode(&mut self, row: &[Value], out: &mut Vec<u8>) {
        out.push(VERSION);
        self.payload.clear();
        encode_items(row, out, &mut self.payload);
        out.extend_from_slice(&self.payload);
    }
}

/// Encodes `row` into a new buffer.
pub fn encode_row(row: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    RowEncoder::new().encode(row, &mut out);
    out
}

/// Writes count and descriptors to `header` and payloads to `payload`.
fn encode_items(items: &[Value], header: &mut Vec<u8>, payload: &mut Vec<u8>) {
    put_varint(header, items.len() as u64);
    for v in items {
        let start = payload.len();
        let tag = encode_payload(v, payload);
        let len = if fixed_size(tag).is_some() {
            0
        } else {
            (payload.len() - start) as u64
        };
        put_varint(header, (len << TAG_BITS) | u64::from(tag));
    }
}

fn encode_payload(v: &Value, out: &mut Vec<u8>) -> u8 {
    match v {
        Value::Null => NULL,
        Value::Bool(false) => FALSE,
        Value::Bool(true) => TRUE,
        Value::Int2(i) => put(out, &i.to_le_bytes(), INT2),
        Value::Int4(i) => put(out, &i.to_le_bytes(), INT4),
        Value::Int8(i) => put(out, &i.to_le_bytes(), INT8),
        Value::Float4(f) => put(out, &f.to_bits().to_le_bytes(), FLOAT4),
        Value::Float8(f) => put(out, &f.to_bits().to_le_bytes(), FLOAT8),
        Value::Numeric(n) => {
            encode_numeric(n, out);
            NUMERIC
        }
        Value::Text(s) => put(out, s.as_bytes(), TEXT),
        Value::Bytea(b) => put(out, b, BYTEA),
        Value::Date(d) => put(out, &d.to_le_bytes(), DATE),
        Value::Time(t) => put(out, &t.to_le_bytes(), TIME),
        Value::Timestamp(t) => put(out, &t.to_le_bytes(), TIMESTAMP),
        Value::TimestampTz(t) => put(out, &t.to_le_bytes(), TIMESTAMPTZ),
        Value::Interval(i) => {
            out.extend_from_slice(&i.months.to_le_bytes());
            out.extend_from_slice(&i.days.to_le_bytes());
            put(out, &i.micros.to_le_bytes(), INTERVAL)
        }
        Value::Uuid(u) => put(out, u, UUID),
        Value::Json(s) => put(out, s.as_bytes(), JSON),
        Value::Jsonb(j) => {
            // Writing JSON into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &**j);
            JSONB
        }
        Value::Array(a) => {
            put_varint(out, a.dims.len() as u64);
            for d in &a.dims {
                put_varint(out, d.len as u64);
                put_varint(out, zigzag(i64::from(d.lower)));
            }
            let mut items = Vec::new();
            encode_items(&a.items, out, &mut items);
            out.extend_from_slice(&items);
            ARRAY
        }
        Value::Record(r) => {
            put_varint(out, u64::from(r.ty.oid));
            let mut items = Vec::new();
            encode_items(&r.values, out, &mut items);
            out.extend_from_slice(&items);
            RECORD
        }
    }
}

fn put(out: &mut Vec<u8>, bytes: &[u8], tag: u8) -> u8 {
    out.extend_from_slice(bytes);
    tag
}

fn encode_numeric(n: &Numeric, out: &mut Vec<u8>) {
    match n {
        Numeric::Finite(d) => {
            let (digits, scale) = d.as_bigint_and_exponent();
            out.push(0);
            put_varint(out, zigzag(scale));
            out.extend_from_slice(&digits.to_signed_bytes_le());
        }
        Numeric::NaN => out.push(1),
        Numeric::PosInf => out.push(2),
        Numeric::NegInf => out.push(3),
    }
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, advancing it.
#[inline]
pub(crate) fn get_varint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    // Most varints are one byte (every column descriptor of a fixed-size
    // value) or two (a text of up to 511 bytes).
    match buf.get(*pos..) {
        Some(&[b, ..]) if b & 0x80 == 0 => {
            *pos += 1;
            Ok(u64::from(b))
        }
        Some(&[b0, b1, ..]) if b1 & 0x80 == 0 => {
            *pos += 2;
            Ok(u64::from(b0 & 0x7F) | u64::from(b1) << 7)
        }
        _ => get_long_varint(buf, pos),
    }
}

#[cold]
#[inline(never)]
fn get_long_varint(buf: &[u8], pos: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *buf
            .get(*pos)
            .ok_or_else(|| corrupt!("row ends inside a varint"))?;
        *pos += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(corrupt!("row has an overlong varint"))
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// A parsed row header: where descriptors and payloads begin.
#[derive(Clone, Copy)]
pub struct RowView<'a> {
    buf: &'a [u8],
    count: usize,
    /// Offset of the first descriptor.
    header: usize,
}

impl<'a> RowView<'a> {
    /// Checks the version byte and reads the column count.
    pub fn new(buf: &'a [u8]) -> Result<RowView<'a>> {
        match buf.first() {
            Some(&VERSION) => {}
            Some(v) => return Err(corrupt!("row has unknown format version {v}")),
            None => return Err(corrupt!("row is empty")),
        }
        let mut pos = 1;
        let count = get_varint(buf, &mut pos)?;
        if count > buf.len() as u64 {
            return Err(corrupt!(
                "row claims {count} columns in {} bytes",
                buf.len()
            ));
        }
        Ok(RowView {
            buf,
            count: count as usize,
            header: pos,
        })
    }

    /// Number of columns stored (may be fewer than the table has).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The encoded row, as stored.
    pub fn bytes(&self) -> &'a [u8] {
        self.buf
    }

    /// Decodes column `i` only; NULL if the row has fewer columns.
    pub fn column(&self, i: usize) -> Result<Value> {
        if i >= self.count {
            return Ok(Value::Null);
        }
        let mut pos = self.header;
        let mut payload_skip = 0usize;
        let mut target = (0, 0);
        for j in 0..self.count {
            let (tag, len) = descriptor(self.buf, &mut pos)?;
            if j < i {
                payload_skip = payload_skip
                    .checked_add(len)
                    .ok_or_else(|| corrupt!("row payload sizes overflow"))?;
            } else if j == i {
                target = (tag, len);
            }
        }
        let start = pos
            .checked_add(payload_skip)
            .ok_or_else(|| corrupt!("row payload sizes overflow"))?;
        let bytes = slice(self.buf, start, target.1)?;
        decode_payload(target.0, bytes, 0)
    }

    /// Decodes every column into `out` (cleared first).
    pub fn decode_into(&self, out: &mut Vec<Value>) -> Result<()> {
        out.clear();
        decode_items(self.buf, self.header, self.count, None, out, 0).map(|_| ())
    }

    /// Decodes the columns `wanted` marks (all when `None`) over the
    /// values already in `out` (grown to the row's width if shorter): a
    /// wanted column's value replaces the one in its slot, and any other
    /// slot that does not hold NULL is set to NULL. A scan that refills the
    /// same buffers row after row (see `exec::RowBatch`) so writes only
    /// the columns it reads: no push, and no drop of the previous row's
    /// values besides those.
    pub fn decode_slots(&self, wanted: Option<&[bool]>, out: &mut Vec<Value>) -> Result<()> {
        let (buf, count) = (self.buf, self.count);
        if out.len() < count {
            out.resize(count, Value::Null);
        }
        let slots = &mut out[..];
        // One pass over the descriptors (each checked): a slot not to be
        // decoded is set to NULL at once; the others are noted (column,
        // tag, payload offset and length) and decoded once the payloads
        // are known to fit the row.
        let mut noted = [(0usize, 0u8, 0usize, 0usize); NOTED_COLUMNS];
        let mut n = 0;
        let mut pos = self.header;
        let mut total = 0usize;
        // Indexed, not iterated: the wide case hands all of `out` over.
        #[allow(clippy::needless_range_loop)]
        for i in 0..count {
            let (tag, len) = descriptor(buf, &mut pos)?;
            if tag != NULL && wanted.is_none_or(|w| w.get(i) != Some(&false)) {
                let Some(note) = noted.get_mut(n) else {
                    return self.decode_slots_wide(wanted, out);
                };
                *note = (i, tag, total, len);
                n += 1;
            } else if !slots[i].is_null() {
                slots[i] = Value::Null;
            }
            total = total
                .checked_add(len)
                .ok_or_else(|| corrupt!("row payload sizes overflow"))?;
        }
        if pos.checked_add(total).is_none_or(|end| end > buf.len()) {
            return Err(corrupt!("row ends inside a column"));
        }
        for &(i, tag, offset, len) in &noted[..n] {
            // In bounds: the payloads' total fits the buffer.
            let start = pos + offset;
            slots[i] = decode_payload(tag, &buf[start..start + len], 0)?;
        }
        for slot in &mut slots[count..] {
            if !slot.is_null() {
                *slot = Value::Null;
            }
        }
        Ok(())
    }

    /// [`RowView::decode_slots`] for rows with more than
    /// [`NOTED_COLUMNS`] columns to decode.
    #[cold]
    #[inline(never)]
    fn decode_slots_wide(&self, wanted: Option<&[bool]>, out: &mut [Value]) -> Result<()> {
        walk_items(self.buf, self.header, self.count, |i, tag, b| {
            let slot = &mut out[i];
            if tag != NULL && wanted.is_none_or(|w| w.get(i) != Some(&false)) {
                *slot = decode_payload(tag, b, 0)?;
            } else if !slot.is_null() {
                *slot = Value::Null;
            }
            Ok(())
        })?;
        for slot in &mut out[self.count..] {
            if !slot.is_null() {
                *slot = Value::Null;
            }
        }
        Ok(())
    }

    /// Decodes the columns `wanted` marks into `out` (cleared first), with
    /// NULL in the others, which are skipped without being read (a column
    /// past `wanted`'s end counts as wanted). Every descriptor is still
    /// checked.
    pub fn decode_some_into(&self, wanted: &[bool], out: &mut Vec<Value>) -> Result<()> {
        out.clear();
        decode_items(self.buf, self.header, self.count, Some(wanted), out, 0).map(|_| ())
    }
}

/// Decodes a whole row.
pub fn decode_row(buf: &[u8]) -> Result<Vec<Value>> {
    let mut out = Vec::new();
    RowView::new(buf)?.decode_into(&mut out)?;
    Ok(out)
}

/// Payload size of each tag as a table for the decoder: a fixed size,
/// [`VARIABLE`] or [`UNKNOWN`].
const PAYLOAD_SIZE: [u8; 32] = {
    let mut t = [UNKNOWN; 32];
    let mut tag = 0;
    while tag <= RECORD {
        t[tag as usize] = match tag {
            NULL | FALSE | TRUE => 0,
            INT2 => 2,
            INT4 | FLOAT4 | DATE => 4,
            INT8 | FLOAT8 | TIME | TIMESTAMP | TIMESTAMPTZ => 8,
            INTERVAL | UUID => 16,
            _ => VARIABLE,
        };
        tag += 1;
    }
    t
};
const VARIABLE: u8 = 0xFE;
const UNKNOWN: u8 = 0xFF;

/// Reads one descriptor: (tag, payload length); errors in
/// [`bad_descriptor`], out of the way of the loop.
#[inline(always)]
fn descriptor(buf: &[u8], pos: &mut usize) -> Result<(u8, usize)> {
    let d = get_varint(buf, pos)?;
    let tag = (d & TAG_MASK) as u8;
    let len = d >> TAG_BITS;
    match PAYLOAD_SIZE[usize::from(tag)] {
        VARIABLE => usize::try_from(len)
            .map(|len| (tag, len))
            .map_err(|_| bad_descriptor(tag, len)),
        UNKNOWN => Err(bad_descriptor(tag, len)),
        n if len == 0 => Ok((tag, usize::from(n))),
        _ => Err(bad_descriptor(tag, len)),
    }
}

#[cold]
#[inline(never)]
fn bad_descriptor(tag: u8, len: u64) -> assay_storage::Error {
    if PAYLOAD_SIZE[usize::from(tag)] == UNKNOWN {
        corrupt!("row has unknown column tag {tag}")
    } else if PAYLOAD_SIZE[usize::from(tag)] == VARIABLE {
        corrupt!("row column too long ({len} bytes)")
    } else {
        corrupt!("row column of tag {tag} has a length")
    }
}

fn slice(buf: &[u8], start: usize, len: usize) -> Result<&[u8]> {
    start
        .checked_add(len)
        .and_then(|end| buf.get(start..end))
        .ok_or_else(|| corrupt!("row ends inside a column"))
}

/// Decodes `count` items whose descriptors start at `pos` (NULL for those
/// `wanted` leaves out); returns the offset just past the last payload.
fn decode_items(
    buf: &[u8],
    pos: usize,
    count: usize,
    wanted: Option<&[bool]>,
    out: &mut Vec<Value>,
    depth: usize,
) -> Result<usize> {
    out.reserve(count);
    walk_items(buf, pos, count, |i, tag, b| {
        out.push(
            if tag == NULL || wanted.is_some_and(|w| w.get(i) == Some(&false)) {
                Value::Null
            } else {
                decode_payload(tag, b, depth)?
            },
        );
        Ok(())
    })
}

/// Calls `each` with every item's position, tag and payload, for `count`
/// items whose descriptors start at `pos`; returns the offset just past
/// the last payload.
///
/// The descriptors are read once (those of a row of ordinary width kept on
/// the stack; the others read again in the second loop, from `rest`) and
/// the payloads' total checked against the buffer before any is visited,
/// so each payload is a slice without a check of its own.
#[inline(always)]
fn walk_items(
    buf: &[u8],
    mut pos: usize,
    count: usize,
    mut each: impl FnMut(usize, u8, &[u8]) -> Result<()>,
) -> Result<usize> {
    let mut kept = [(0u8, 0u32); KEPT_DESCRIPTORS];
    let mut rest = pos;
    let mut total = 0usize;
    for i in 0..count {
        let (tag, len) = descriptor(buf, &mut pos)?;
        total = total
            .checked_add(len)
            .ok_or_else(|| corrupt!("row payload sizes overflow"))?;
        if let Some(k) = kept.get_mut(i) {
            let len = u32::try_from(len).map_err(|_| corrupt!("row column too long"))?;
            *k = (tag, len);
            rest = pos;
        }
    }
    let end = pos
        .checked_add(total)
        .filter(|&end| end <= buf.len())
        .ok_or_else(|| corrupt!("row ends inside a column"))?;
    let mut payload = pos;
    for i in 0..count {
        let (tag, len) = match kept.get(i) {
            Some(&(tag, len)) => (tag, len as usize),
            None => descriptor(buf, &mut rest)?,
        };
        // In bounds: the payloads' total fits the buffer.
        let next = payload + len;
        each(i, tag, &buf[payload..next])?;
        payload = next;
    }
    Ok(end)
}

/// Columns [`RowView::decode_slots`] notes on the stack in its one pass
/// (more go the way of two passes).
const NOTED_COLUMNS: usize = 6;

/// Descriptors a row decode keeps on the stack rather than reading twice.
const KEPT_DESCRIPTORS: usize = 16;

fn fixed<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0; N];
    a.copy_from_slice(&b[..N]);
    a
}

fn utf8(b: &[u8]) -> Result<Arc<str>> {
    std::str::from_utf8(b)
        .map(Arc::from)
        .map_err(|_| corrupt!("row holds text that is not UTF-8"))
}

/// Decodes one payload; the fixed-size scalars inline, the others in
/// [`decode_payload_boxed`].
#[inline(always)]
fn decode_payload(tag: u8, b: &[u8], depth: usize) -> Result<Value> {
    // `descriptor` has checked fixed-size payload lengths.
    Ok(match tag {
        NULL => Value::Null,
        FALSE => Value::Bool(false),
        TRUE => Value::Bool(true),
        INT2 => Value::Int2(i16::from_le_bytes(fixed(b))),
        INT4 => Value::Int4(i32::from_le_bytes(fixed(b))),
        INT8 => Value::Int8(i64::from_le_bytes(fixed(b))),
        FLOAT4 => Value::Float4(f32::from_bits(u32::from_le_bytes(fixed(b)))),
        FLOAT8 => Value::Float8(f64::from_bits(u64::from_le_bytes(fixed(b)))),
        DATE => Value::Date(i32::from_le_bytes(fixed(b))),
        TIME => Value::Time(i64::from_le_bytes(fixed(b))),
        TIMESTAMP => Value::Timestamp(i64::from_le_bytes(fixed(b))),
        TIMESTAMPTZ => Value::TimestampTz(i64::from_le_bytes(fixed(b))),
        _ => return decode_payload_boxed(tag, b, depth),
    })
}

/// Payloads that allocate (or are rare): numeric, text, bytea, interval,
/// uuid, json, jsonb, arrays.
fn decode_payload_boxed(tag: u8, b: &[u8], depth: usize) -> Result<Value> {
    Ok(match tag {
        NUMERIC => Value::Numeric(Box::new(decode_numeric(b)?)),
        TEXT => Value::Text(utf8(b)?),
        BYTEA => Value::Bytea(Arc::from(b)),
        INTERVAL => Value::Interval(Interval::new(
            i32::from_le_bytes(fixed(b)),
            i32::from_le_bytes(fixed(&b[4..])),
            i64::from_le_bytes(fixed(&b[8..])),
        )),
        UUID => Value::Uuid(fixed(b)),
        JSON => Value::Json(utf8(b)?),
        JSONB => Value::Jsonb(Arc::new(
            serde_json::from_slice(b).map_err(|_| corrupt!("row holds damaged jsonb"))?,
        )),
        ARRAY => decode_array(b, depth)?,
        RECORD => decode_record(b, depth)?,
        _ => return Err(corrupt!("row has unknown column tag {tag}")),
    })
}

fn decode_numeric(b: &[u8]) -> Result<Numeric> {
    match b.first() {
        Some(0) => {
            let mut pos = 1;
            let scale = unzigzag(get_varint(b, &mut pos)?);
            let digits = BigInt::from_signed_bytes_le(&b[pos..]);
            Ok(Numeric::Finite(BigDecimal::new(digits, scale)))
        }
        Some(1) if b.len() == 1 => Ok(Numeric::NaN),
        Some(2) if b.len() == 1 => Ok(Numeric::PosInf),
        Some(3) if b.len() == 1 => Ok(Numeric::NegInf),
        _ => Err(corrupt!("row holds a damaged numeric")),
    }
}

fn decode_record(b: &[u8], depth: usize) -> Result<Value> {
    if depth >= MAX_DEPTH {
        return Err(corrupt!("row nests records too deeply"));
    }
    let mut pos = 0;
    let oid = u32::try_from(get_varint(b, &mut pos)?)
        .map_err(|_| corrupt!("row holds a record with a bad type"))?;
    let count = get_varint(b, &mut pos)?;
    if count > b.len() as u64 {
        return Err(corrupt!("row holds a record with too many fields"));
    }
    let mut values = Vec::new();
    let end = decode_items(b, pos, count as usize, None, &mut values, depth + 1)?;
    if end != b.len() {
        return Err(corrupt!("row holds a record with trailing bytes"));
    }
    let ty = Arc::new(crate::types::RecordType::bare(oid));
    Ok(crate::types::record::record_value(ty, values))
}

fn decode_array(b: &[u8], depth: usize) -> Result<Value> {
    if depth >= MAX_DEPTH {
        return Err(corrupt!("row nests arrays too deeply"));
    }
    let mut pos = 0;
    let ndims = get_varint(b, &mut pos)?;
    if ndims > 6 {
        return Err(corrupt!("row holds an array of {ndims} dimensions"));
    }
    let mut dims = Vec::with_capacity(ndims as usize);
    let mut total = 1u64;
    for _ in 0..ndims {
        let len = get_varint(b, &mut pos)?;
        let lower = i32::try_from(unzigzag(get_varint(b, &mut pos)?))
            .map_err(|_| corrupt!("row holds an array with a bad lower bound"))?;
        total = total.saturating_mul(len);
        dims.push(ArrayDim {
            len: len as usize,
            lower,
        });
    }
    let count = get_varint(b, &mut pos)?;
    let expected = if ndims == 0 { 0 } else { total };
    if count != expected || count > b.len() as u64 {
        return Err(corrupt!(
            "row holds an array whose items do not fit its dimensions"
        ));
    }
    let mut items = Vec::new();
    let end = decode_items(b, pos, count as usize, None, &mut items, depth + 1)?;
    if end != b.len() {
        return Err(corrupt!("row holds an array with trailing bytes"));
    }
    Ok(Value::Array(Arc::new(Array { dims, items })))
}
