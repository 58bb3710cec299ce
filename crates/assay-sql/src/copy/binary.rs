//! The binary format's framing, as PostgreSQL writes it:
//!
//! ```text
//! header   "PGCOPY\n\377\r\n\0"  11-byte signature
//!          flags                 i32, bit 16 = WITH OIDS (refused); 0
//!          extension length      i32, then that many bytes (skipped)
//! tuple    field count           i16
//!          per field             i32 length (-1 = NULL), then the bytes
//!                                in the type's binary form (`typsend`)
//! trailer  -1                    i16
//! ```
//!
//! All integers are big-endian. Values themselves are encoded by
//! [`crate::types::send_recv`].

use assay_storage::Result;

use super::record::{bad_format, Field};

pub(crate) const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xff\r\n\0";

/// The header COPY TO writes: signature, no flags, no extension.
pub(crate) fn header() -> Vec<u8> {
    let mut out = SIGNATURE.to_vec();
    out.extend_from_slice(&0i32.to_be_bytes());
    out.extend_from_slice(&0i32.to_be_bytes());
    out
}

/// The trailer COPY TO writes after the last tuple.
pub(crate) const TRAILER: [u8; 2] = (-1i16).to_be_bytes();

fn i32_at(buf: &[u8], at: usize) -> Option<i32> {
    buf.get(at..at + 4)
        .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

/// Reads the header at the start of `buf`: the bytes it takes, or `None`
/// when more input is needed.
pub(crate) fn read_header(buf: &[u8]) -> Result<Option<usize>> {
    let n = buf.len().min(SIGNATURE.len());
    if buf[..n] != SIGNATURE[..n] {
        return Err(bad_format("COPY file signature not recognized"));
    }
    if n < SIGNATURE.len() {
        return Ok(None);
    }
    let Some(flags) = i32_at(buf, 11) else {
        return Ok(None);
    };
    if flags & (1 << 16) != 0 {
        return Err(bad_format("invalid COPY file header (WITH OIDS)"));
    }
    if (flags >> 16) != 0 {
        return Err(bad_format(
            "unrecognized critical flags in COPY file header",
        ));
    }
    let Some(extension) = i32_at(buf, 15) else {
        return Ok(None);
    };
    if extension < 0 {
        return Err(bad_format("invalid COPY file header (wrong length)"));
    }
    let total = 19 + extension as usize;
    if buf.len() < total {
        return Ok(None);
    }
    Ok(Some(total))
}

/// What the start of the tuple area holds.
pub(crate) enum Tuple {
    /// A tuple of so many bytes, its fields read into the output.
    Row(usize),
    /// The trailer, of so many bytes.
    Trailer(usize),
    /// Not enough input yet.
    Incomplete,
}

/// Reads one tuple (or the trailer) off `buf`.
pub(crate) fn read_tuple(buf: &[u8], expected: usize, fields: &mut Vec<Field>) -> Result<Tuple> {
    let Some(count) = buf.get(..2).map(|b| i16::from_be_bytes([b[0], b[1]])) else {
        return Ok(Tuple::Incomplete);
    };
    if count == -1 {
        return Ok(Tuple::Trailer(2));
    }
    if count < 0 || count as usize != expected {
        return Err(bad_format(format!(
            "row field count is {count}, expected {expected}"
        )));
    }
    let mut at = 2;
    fields.clear();
    for _ in 0..count {
        let Some(len) = i32_at(buf, at) else {
            return Ok(Tuple::Incomplete);
        };
        at += 4;
        if len == -1 {
            fields.push(None);
            continue;
        }
        if len < 0 {
            return Err(bad_format("invalid field size"));
        }
        let Some(bytes) = buf.get(at..at + len as usize) else {
            return Ok(Tuple::Incomplete);
        };
        fields.push(Some(bytes.to_vec()));
        at += len as usize;
    }
    Ok(Tuple::Row(at))
}

/// Appends a tuple's framing for `count` fields; each field then goes
/// through [`put_field`].
pub(crate) fn put_count(out: &mut Vec<u8>, count: usize) {
    out.extend_from_slice(&(count as i16).to_be_bytes());
}

/// Appends one field: its length (-1 for NULL) and its bytes.
pub(crate) fn put_field(out: &mut Vec<u8>, value: &crate::types::Value) -> Result<()> {
    if value.is_null() {
        out.extend_from_slice(&(-1i32).to_be_bytes());
        return Ok(());
    }
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    crate::types::send_recv::send(value, out)?;
    let len = (out.len() - at - 4) as i32;
    out[at..at + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Value;

    #[test]
    fn header_tuple_trailer() {
        let mut data = header();
        put_count(&mut data, 2);
        put_field(&mut data, &Value::Int4(7)).unwrap();
        put_field(&mut data, &Value::Null).unwrap();
        data.extend_from_slice(&TRAILER);
        let used = read_header(&data).unwrap().unwrap();
        assert_eq!(used, 19);
        let mut fields = Vec::new();
        let Tuple::Row(n) = read_tuple(&data[used..], 2, &mut fields).unwrap() else {
            panic!("no row")
        };
        assert_eq!(fields, vec![Some(vec![0, 0, 0, 7]), None]);
        assert!(matches!(
            read_tuple(&data[used + n..], 2, &mut fields).unwrap(),
            Tuple::Trailer(2)
        ));
        assert!(matches!(
            read_tuple(&data[used..used + 5], 2, &mut fields).unwrap(),
            Tuple::Incomplete
        ));
        assert!(read_header(&data[..5]).unwrap().is_none());
        assert_eq!(
            read_header(b"PGCOPX\n").unwrap_err().message(),
            "COPY file signature not recognized"
        );
    }
}
