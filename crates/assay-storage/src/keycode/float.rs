//! `float4` and `float8`: eight bytes that order as PostgreSQL orders
//! floats (-0 equals +0; NaN equals NaN and sorts above +Infinity).

use super::cursor::Cursor;
use super::format::CANONICAL_NAN_BITS;
use crate::{corrupt, Result};

const SIGN: u64 = 1 << 63;

/// Appends `v` as 8 big-endian bytes: the IEEE bits of a non-negative value
/// with the sign bit set, or all bits of a negative value inverted. -0 is
/// first turned into +0 and every NaN into the canonical quiet NaN, whose
/// bits are above those of +Infinity.
pub(super) fn encode_f64(out: &mut Vec<u8>, v: f64) {
    let bits = if v.is_nan() {
        CANONICAL_NAN_BITS
    } else if v == 0.0 {
        0
    } else {
        v.to_bits()
    };
    let key = if bits & SIGN != 0 { !bits } else { bits | SIGN };
    out.extend_from_slice(&key.to_be_bytes());
}

/// Reads a float written by [`encode_f64`].
pub(super) fn decode_f64(c: &mut Cursor<'_>) -> Result<f64> {
    let mut be = [0; 8];
    c.fill(&mut be)?;
    let key = u64::from_be_bytes(be);
    let bits = if key & SIGN != 0 { key & !SIGN } else { !key };
    let v = f64::from_bits(bits);
    if (v.is_nan() && bits != CANONICAL_NAN_BITS) || bits == SIGN {
        return Err(corrupt!("index key has a non-canonical float"));
    }
    Ok(v)
}

/// Reads a `float4`, which is stored widened to a `float8` (exactly).
pub(super) fn decode_f32(c: &mut Cursor<'_>) -> Result<f32> {
    let v = decode_f64(c)?;
    let narrow = v as f32;
    if !v.is_nan() && f64::from(narrow) != v {
        return Err(corrupt!("index key holds {v}, not a float4 value"));
    }
    Ok(narrow)
}
