//! `numeric`: a class byte, then for a finite non-zero value its decimal
//! exponent and its digits packed two to a byte.

use super::cursor::Cursor;
use super::format::{
    NUMERIC_DIGITS_END, NUMERIC_NAN, NUMERIC_NEGATIVE, NUMERIC_NEG_INF, NUMERIC_POSITIVE,
    NUMERIC_POS_INF, NUMERIC_ZERO,
};
use super::int::{decode_int, encode_int};
use crate::{bail, corrupt, Result, SqlState};

/// A `numeric` value to encode, in scientific notation.
///
/// `Finite` is `(-1)^negative × d0.d1d2…dn × 10^exponent` over `digits`
/// (each `0..=9`). Zero is an empty `digits`. Leading and trailing zero
/// digits are allowed and normalised away (adjusting `exponent`), so
/// `1.5` and `1.50` — and `0` and `-0` — encode identically. Orders as
/// PostgreSQL does: `NegInf` < finite values < `PosInf` < `NaN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumericKey<'a> {
    NegInf,
    Finite {
        negative: bool,
        exponent: i32,
        digits: &'a [u8],
    },
    PosInf,
    NaN,
}

/// A `numeric` value decoded from a key: always normalised (no leading or
/// trailing zero digits; zero is `negative: false, exponent: 0`, no
/// digits). The display scale of the value that was encoded is not kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodedNumeric {
    NegInf,
    Finite {
        negative: bool,
        exponent: i32,
        digits: Vec<u8>,
    },
    PosInf,
    NaN,
}

impl DecodedNumeric {
    /// Borrows this value as a key to encode.
    pub fn as_key(&self) -> NumericKey<'_> {
        match self {
            DecodedNumeric::NegInf => NumericKey::NegInf,
            DecodedNumeric::Finite {
                negative,
                exponent,
                digits,
            } => NumericKey::Finite {
                negative: *negative,
                exponent: *exponent,
                digits,
            },
            DecodedNumeric::PosInf => NumericKey::PosInf,
            DecodedNumeric::NaN => NumericKey::NaN,
        }
    }
}

/// A validated numeric, ready to write without failing.
pub(super) enum Normalized<'a> {
    Class(u8),
    NonZero {
        negative: bool,
        exponent: i32,
        digits: &'a [u8],
    },
}

/// Checks the digits and strips leading and trailing zeros.
pub(super) fn normalize(v: NumericKey<'_>) -> Result<Normalized<'_>> {
    let (negative, exponent, digits) = match v {
        NumericKey::NegInf => return Ok(Normalized::Class(NUMERIC_NEG_INF)),
        NumericKey::PosInf => return Ok(Normalized::Class(NUMERIC_POS_INF)),
        NumericKey::NaN => return Ok(Normalized::Class(NUMERIC_NAN)),
        NumericKey::Finite {
            negative,
            exponent,
            digits,
        } => (negative, exponent, digits),
    };
    if let Some(d) = digits.iter().find(|&&d| d > 9) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "numeric key digit {d} is not a decimal digit"
        );
    }
    let Some(first) = digits.iter().position(|&d| d != 0) else {
        return Ok(Normalized::Class(NUMERIC_ZERO));
    };
    let last = digits.iter().rposition(|&d| d != 0).unwrap_or(first);
    let exponent = i64::from(exponent) - first as i64;
    let Ok(exponent) = i32::try_from(exponent) else {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "numeric key exponent {exponent} is out of range"
        );
    };
    Ok(Normalized::NonZero {
        negative,
        exponent,
        digits: &digits[first..=last],
    })
}

/// Appends a normalised numeric.
///
/// A positive value is `0x04`, its exponent as an integer, its digits in
/// pairs as bytes `1 + 10·a + b` (a lone last digit paired with 0), then
/// `0x00`. A negative value is `0x02` then the same bytes as its absolute
/// value, inverted, so that larger magnitudes sort first.
pub(super) fn encode_numeric(out: &mut Vec<u8>, v: &Normalized<'_>) {
    let (negative, exponent, digits) = match *v {
        Normalized::Class(class) => return out.push(class),
        Normalized::NonZero {
            negative,
            exponent,
            digits,
        } => (negative, exponent, digits),
    };
    out.push(if negative {
        NUMERIC_NEGATIVE
    } else {
        NUMERIC_POSITIVE
    });
    let start = out.len();
    encode_int(out, i128::from(exponent));
    for pair in digits.chunks(2) {
        out.push(1 + 10 * pair[0] + pair.get(1).copied().unwrap_or(0));
    }
    out.push(NUMERIC_DIGITS_END);
    if negative {
        out[start..].iter_mut().for_each(|b| *b = !*b);
    }
}

/// Reads a numeric written by [`encode_numeric`].
pub(super) fn decode_numeric(c: &mut Cursor<'_>) -> Result<DecodedNumeric> {
    let negative = match c.byte()? {
        NUMERIC_NEG_INF => return Ok(DecodedNumeric::NegInf),
        NUMERIC_POS_INF => return Ok(DecodedNumeric::PosInf),
        NUMERIC_NAN => return Ok(DecodedNumeric::NaN),
        NUMERIC_ZERO => {
            return Ok(DecodedNumeric::Finite {
                negative: false,
                exponent: 0,
                digits: Vec::new(),
            })
        }
        NUMERIC_NEGATIVE => true,
        NUMERIC_POSITIVE => false,
        other => return Err(corrupt!("index key has a bad numeric class 0x{other:02x}")),
    };
    if negative {
        c.invert();
    }
    let exponent = decode_int(c)?;
    let exponent = i32::try_from(exponent)
        .map_err(|_| corrupt!("index key has numeric exponent {exponent} out of range"))?;
    let mut digits = Vec::new();
    loop {
        match c.byte()? {
            NUMERIC_DIGITS_END => break,
            pair @ 1..=100 => {
                digits.push((pair - 1) / 10);
                digits.push((pair - 1) % 10);
            }
            other => {
                return Err(corrupt!(
                    "index key has a bad numeric digit pair 0x{other:02x}"
                ))
            }
        }
    }
    if negative {
        c.invert();
    }
    // A lone last digit was paired with a zero; a true last digit is never 0.
    if digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.first().is_none_or(|&d| d == 0) || digits.last() == Some(&0) {
        return Err(corrupt!("index key has non-normalised numeric digits"));
    }
    Ok(DecodedNumeric::Finite {
        negative,
        exponent,
        digits,
    })
}
