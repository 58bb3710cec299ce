//! [`KeyReader`]: reads key columns back, in the order they were written.

use super::cursor::Cursor;
use super::float::{decode_f32, decode_f64};
use super::format::{FALSE, NULL_FIRST, NULL_LAST, PRESENT, TRUE};
use super::int::{decode_int, decode_int_as};
use super::numeric::{decode_numeric, DecodedNumeric};
use super::order::SortOrder;
use super::string::{decode_bytes, decode_text};
use crate::{corrupt, Result};

/// Reads the columns of an encoded key. Each `read_*` call must name the
/// type and [`SortOrder`] the column was written with; it returns `None`
/// for a NULL. Damaged bytes give a `data_corrupted` (XX001) error, after
/// which the reader's position is unspecified.
pub struct KeyReader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> KeyReader<'a> {
    pub fn new(buf: &'a [u8]) -> KeyReader<'a> {
        KeyReader { buf, pos: 0 }
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub fn is_empty(&self) -> bool {
        self.pos == self.buf.len()
    }

    /// Checks that every byte of the key was read.
    pub fn finish(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(corrupt!(
                "index key has {} unexpected trailing bytes",
                self.buf.len() - self.pos
            ))
        }
    }

    pub fn read_bool(&mut self, order: SortOrder) -> Result<Option<bool>> {
        self.column(order, |c| match c.byte()? {
            FALSE => Ok(false),
            TRUE => Ok(true),
            other => Err(corrupt!("index key has a bad boolean 0x{other:02x}")),
        })
    }

    pub fn read_i16(&mut self, order: SortOrder) -> Result<Option<i16>> {
        self.column(order, |c| decode_int_as(c, "smallint"))
    }

    pub fn read_i32(&mut self, order: SortOrder) -> Result<Option<i32>> {
        self.column(order, |c| decode_int_as(c, "integer"))
    }

    pub fn read_i64(&mut self, order: SortOrder) -> Result<Option<i64>> {
        self.column(order, |c| decode_int_as(c, "bigint"))
    }

    /// Reads a `float8`; -0 comes back as +0 and every NaN as one NaN.
    pub fn read_f64(&mut self, order: SortOrder) -> Result<Option<f64>> {
        self.column(order, decode_f64)
    }

    pub fn read_f32(&mut self, order: SortOrder) -> Result<Option<f32>> {
        self.column(order, decode_f32)
    }

    /// Reads a `numeric`, normalised; its display scale is not kept.
    pub fn read_numeric(&mut self, order: SortOrder) -> Result<Option<DecodedNumeric>> {
        self.column(order, decode_numeric)
    }

    pub fn read_text(&mut self, order: SortOrder) -> Result<Option<String>> {
        self.column(order, decode_text)
    }

    pub fn read_bytea(&mut self, order: SortOrder) -> Result<Option<Vec<u8>>> {
        self.column(order, decode_bytes)
    }

    pub fn read_date(&mut self, order: SortOrder) -> Result<Option<i32>> {
        self.column(order, |c| decode_int_as(c, "date"))
    }

    pub fn read_timestamp(&mut self, order: SortOrder) -> Result<Option<i64>> {
        self.column(order, |c| decode_int_as(c, "timestamp"))
    }

    pub fn read_time(&mut self, order: SortOrder) -> Result<Option<i64>> {
        self.column(order, |c| decode_int_as(c, "time"))
    }

    /// Reads an `interval` column as its span in microseconds (see
    /// [`KeyWriter::write_interval`]): its months, days and microseconds
    /// are not kept, so an index-only scan cannot return an interval.
    ///
    /// [`KeyWriter::write_interval`]: super::KeyWriter::write_interval
    pub fn read_interval_span(&mut self, order: SortOrder) -> Result<Option<i128>> {
        self.column(order, decode_int)
    }

    pub fn read_uuid(&mut self, order: SortOrder) -> Result<Option<[u8; 16]>> {
        self.column(order, |c| {
            let mut v = [0; 16];
            c.fill(&mut v)?;
            Ok(v)
        })
    }

    /// Reads the column header, then the payload through a cursor that
    /// undoes the inversion of a descending column.
    fn column<T>(
        &mut self,
        order: SortOrder,
        payload: impl FnOnce(&mut Cursor<'a>) -> Result<T>,
    ) -> Result<Option<T>> {
        let null = if order.nulls_first {
            NULL_FIRST
        } else {
            NULL_LAST
        };
        let Some(&header) = self.buf.get(self.pos) else {
            return Err(corrupt!(
                "index key ends before column at byte {}",
                self.pos
            ));
        };
        if header == null {
            self.pos += 1;
            return Ok(None);
        }
        if header != PRESENT {
            return Err(corrupt!(
                "index key has a bad column header 0x{header:02x} at byte {}",
                self.pos
            ));
        }
        let mut cursor = Cursor::new(self.buf, self.pos + 1);
        if order.descending {
            cursor.invert();
        }
        let v = payload(&mut cursor)?;
        self.pos = cursor.pos();
        Ok(Some(v))
    }
}
