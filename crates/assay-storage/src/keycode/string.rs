//! `text` and `bytea`: the bytes with 0x00 escaped, then a terminator, so
//! that no encoding is a prefix of another and a prefix sorts first.

use super::cursor::Cursor;
use super::format::{ESCAPE, ESCAPED_ZERO, TERMINATOR};
use crate::{corrupt, Result};

/// Appends `s` with each 0x00 written as `00 FF`, then `00 01`.
///
/// Order holds because, where two encodings first differ, either both hold
/// ordinary bytes of the values, or one holds an escaped zero (`00 FF`)
/// against an ordinary byte (`> 00`) or the end (`00 01`), which orders
/// like the zero against that byte or the end.
pub(super) fn encode_bytes(out: &mut Vec<u8>, s: &[u8]) {
    let mut rest = s;
    while let Some(i) = rest.iter().position(|&b| b == 0) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(&[ESCAPE, ESCAPED_ZERO]);
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.extend_from_slice(&[ESCAPE, TERMINATOR]);
}

/// Reads bytes written by [`encode_bytes`].
pub(super) fn decode_bytes(c: &mut Cursor<'_>) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        c.copy_until(ESCAPE, &mut out)?;
        c.byte()?;
        match c.byte()? {
            ESCAPED_ZERO => out.push(0),
            TERMINATOR => return Ok(out),
            other => {
                return Err(corrupt!(
                    "index key has a bad string escape 0x00 0x{other:02x}"
                ))
            }
        }
    }
}

/// Reads a `text` value, which must be UTF-8.
pub(super) fn decode_text(c: &mut Cursor<'_>) -> Result<String> {
    let at = c.pos();
    String::from_utf8(decode_bytes(c)?)
        .map_err(|_| corrupt!("index key holds text that is not UTF-8 at byte {at}"))
}
