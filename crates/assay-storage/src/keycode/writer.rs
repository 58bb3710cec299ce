//! [`KeyWriter`]: appends key columns to a byte buffer.

use super::float::encode_f64;
use super::format::{DAYS_PER_MONTH, FALSE, NULL_FIRST, NULL_LAST, PRESENT, TRUE, USECS_PER_DAY};
use super::int::encode_int;
use super::numeric::{encode_numeric, normalize, NumericKey};
use super::order::SortOrder;
use super::string::encode_bytes;
use crate::Result;

/// Appends the columns of a key, one `write_*` call per column, to a
/// caller's buffer (which it never clears, so one buffer can be reused for
/// many keys without allocating).
pub struct KeyWriter<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> KeyWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> KeyWriter<'a> {
        KeyWriter { out }
    }

    /// The bytes written so far, including any the buffer held before.
    pub fn as_bytes(&self) -> &[u8] {
        self.out
    }

    /// A NULL column: one byte, before or after every value per `order`.
    pub fn write_null(&mut self, order: SortOrder) {
        self.out.push(if order.nulls_first {
            NULL_FIRST
        } else {
            NULL_LAST
        });
    }

    pub fn write_bool(&mut self, v: bool, order: SortOrder) {
        self.column(order, |out| out.push(if v { TRUE } else { FALSE }));
    }

    /// Any integer column (`int2`, `int4`, `int8`): equal values of
    /// different widths encode identically.
    pub fn write_int(&mut self, v: i64, order: SortOrder) {
        self.column(order, |out| encode_int(out, i128::from(v)));
    }

    pub fn write_f64(&mut self, v: f64, order: SortOrder) {
        self.column(order, |out| encode_f64(out, v));
    }

    /// A `float4`, stored as the `float8` of the same value.
    pub fn write_f32(&mut self, v: f32, order: SortOrder) {
        self.write_f64(f64::from(v), order);
    }

    /// A `numeric`. Fails, writing nothing, if a digit is not `0..=9` or
    /// the normalised exponent leaves the `i32` range.
    pub fn write_numeric(&mut self, v: NumericKey<'_>, order: SortOrder) -> Result<()> {
        let v = normalize(v)?;
        self.column(order, |out| encode_numeric(out, &v));
        Ok(())
    }

    /// A `text` value (or `varchar`, `char`, `name`), ordered by its bytes
    /// as the C collation orders it.
    pub fn write_text(&mut self, v: &str, order: SortOrder) {
        self.write_bytea(v.as_bytes(), order);
    }

    pub fn write_bytea(&mut self, v: &[u8], order: SortOrder) {
        self.column(order, |out| encode_bytes(out, v));
    }

    /// A `date`: days since 2000-01-01 (±infinity are `i32::MIN`/`MAX`).
    pub fn write_date(&mut self, days: i32, order: SortOrder) {
        self.write_int(i64::from(days), order);
    }

    /// A `timestamp` or `timestamptz`: microseconds since 2000-01-01
    /// (±infinity are `i64::MIN`/`MAX`).
    pub fn write_timestamp(&mut self, micros: i64, order: SortOrder) {
        self.write_int(micros, order);
    }

    /// A `time`: microseconds since midnight.
    pub fn write_time(&mut self, micros: i64, order: SortOrder) {
        self.write_int(micros, order);
    }

    /// An `interval`, as its total span in microseconds counting a month as
    /// 30 days and a day as 24 hours, which is how PostgreSQL compares
    /// intervals: `1 mon` and `30 days` are one key. Only the span can be
    /// read back (see [`KeyReader::read_interval_span`]).
    ///
    /// [`KeyReader::read_interval_span`]: super::KeyReader::read_interval_span
    pub fn write_interval(&mut self, months: i32, days: i32, micros: i64, order: SortOrder) {
        let span = interval_span(months, days, micros);
        self.column(order, |out| encode_int(out, span));
    }

    pub fn write_uuid(&mut self, v: &[u8; 16], order: SortOrder) {
        self.column(order, |out| out.extend_from_slice(v));
    }

    /// Writes the non-NULL header, then the payload, inverting the payload
    /// for a descending column.
    fn column(&mut self, order: SortOrder, payload: impl FnOnce(&mut Vec<u8>)) {
        self.out.push(PRESENT);
        let start = self.out.len();
        payload(self.out);
        if order.descending {
            self.out[start..].iter_mut().for_each(|b| *b = !*b);
        }
    }
}

/// An interval's span in microseconds, as PostgreSQL's `interval_cmp_value`
/// computes it (it cannot overflow an `i128`).
pub fn interval_span(months: i32, days: i32, micros: i64) -> i128 {
    (i128::from(months) * DAYS_PER_MONTH + i128::from(days)) * USECS_PER_DAY + i128::from(micros)
}

/// The smallest key greater than every key that starts with `prefix`, for
/// the exclusive upper bound of a range scan over a key prefix; `None` if
/// there is none (the prefix is empty or all 0xFF), meaning "no bound".
pub fn prefix_successor(prefix: &[u8]) -> Option<Vec<u8>> {
    let last = prefix.iter().rposition(|&b| b != 0xFF)?;
    let mut succ = prefix[..=last].to_vec();
    succ[last] += 1;
    Some(succ)
}
