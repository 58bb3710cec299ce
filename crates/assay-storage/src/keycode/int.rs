//! Integers of any width up to `i128`: a header byte that orders by sign and
//! length, then the significant big-endian bytes.

use super::cursor::Cursor;
use super::format::{INT_MAX_BYTES, INT_NEGATIVE, INT_NONNEGATIVE};
use crate::{corrupt, Result};

/// Appends the shortest encoding of `v`.
///
/// A non-negative `v` with `n` significant bytes is `0x80 + n` then those
/// bytes. A negative `v` is ordered by its one's complement `!v` (which is
/// `-v - 1 >= 0`): with `n` significant bytes in `!v`, it is `0x7F - n`
/// then the low `n` bytes of `v` itself, i.e. the inverted bytes of `!v`.
pub(super) fn encode_int(out: &mut Vec<u8>, v: i128) {
    let magnitude = if v < 0 { !v } else { v } as u128;
    let n = INT_MAX_BYTES - (magnitude.leading_zeros() / 8) as usize;
    let header = if v < 0 {
        INT_NEGATIVE - n as u8
    } else {
        INT_NONNEGATIVE + n as u8
    };
    out.push(header);
    out.extend_from_slice(&v.to_be_bytes()[INT_MAX_BYTES - n..]);
}

/// Reads an integer written by [`encode_int`], rejecting non-shortest forms
/// so that every value has exactly one encoding.
pub(super) fn decode_int(c: &mut Cursor<'_>) -> Result<i128> {
    let header = c.byte()?;
    let (negative, n) = if header >= INT_NONNEGATIVE {
        (false, usize::from(header - INT_NONNEGATIVE))
    } else {
        (true, usize::from(INT_NEGATIVE - header))
    };
    if n > INT_MAX_BYTES {
        return Err(corrupt!(
            "index key has a bad integer header 0x{header:02x}"
        ));
    }
    let fill = if negative { 0xFF } else { 0x00 };
    let mut be = [fill; INT_MAX_BYTES];
    c.fill(&mut be[INT_MAX_BYTES - n..])?;
    if n > 0 && be[INT_MAX_BYTES - n] == fill {
        return Err(corrupt!("index key has a non-canonical integer"));
    }
    Ok(i128::from_be_bytes(be))
}

/// Reads an integer that must fit in `T` (an `i16`, `i32` or `i64`).
pub(super) fn decode_int_as<T: TryFrom<i128>>(c: &mut Cursor<'_>, what: &str) -> Result<T> {
    let v = decode_int(c)?;
    T::try_from(v).map_err(|_| corrupt!("index key holds {v}, out of range for {what}"))
}
