//! Bit strings: `bit(n)` (exactly n bits) and `bit varying(n)` (at most n).
//!
//! A bit string value is held as [`Value::Text`] of `'0'`/`'1'`
//! characters, one per bit; the binder's [`DataType::Bit`] or
//! [`DataType::VarBit`] says it is one. That text is also the output
//! form, and it orders as PostgreSQL orders bit strings (bit by bit, a
//! prefix first), so comparison, sorting and index keys need nothing of
//! their own.
//!
//! Input accepts binary digits, optionally after `B`, or hex digits after
//! `X` (four bits each).

use assay_storage::{bail, Result, SqlState};

use super::{DataType, Value};

/// `string_data_length_mismatch`.
const LENGTH_MISMATCH: SqlState = SqlState::new(b"22026");

/// Largest length PostgreSQL allows in `bit(n)`/`varbit(n)`.
pub const MAX_BIT_LENGTH: u32 = 83_886_080;

/// Parses `bit`/`varbit` input text. The type's length is not applied
/// here: a cast or assignment applies it after (see [`coerce_bits`]).
pub fn parse_bits(input: &str) -> Result<Value> {
    let bits = match input.chars().next() {
        Some('x' | 'X') => hex_bits(&input[1..])?,
        Some('b' | 'B') => binary_bits(&input[1..])?,
        _ => binary_bits(input)?,
    };
    Ok(Value::text(&bits))
}

fn binary_bits(s: &str) -> Result<String> {
    if let Some(c) = s.chars().find(|c| *c != '0' && *c != '1') {
        bail!(
            SqlState::INVALID_TEXT_REPRESENTATION,
            "\"{}\" is not a valid binary digit",
            c
        );
    }
    Ok(s.to_string())
}

fn hex_bits(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len() * 4);
    for c in s.chars() {
        let Some(v) = c.to_digit(16) else {
            bail!(
                SqlState::INVALID_TEXT_REPRESENTATION,
                "\"{}\" is not a valid hexadecimal digit",
                c
            );
        };
        out.push_str(&format!("{v:04b}"));
    }
    Ok(out)
}

/// A bit string literal of the SQL text: `B'0101'` or `X'1F'`.
pub fn bit_literal(hex: bool, digits: &str) -> Result<Value> {
    let bits = if hex {
        hex_bits(digits)?
    } else {
        binary_bits(digits)?
    };
    Ok(Value::text(&bits))
}

/// Errors unless `bits` fits the type exactly (`bit(n)`) or within its
/// limit (`bit varying(n)`).
fn check_length(bits: &str, to: &DataType) -> Result<()> {
    match to {
        DataType::Bit(Some(n)) if bits.len() != *n as usize => bail!(
            LENGTH_MISMATCH,
            "bit string length {} does not match type bit({})",
            bits.len(),
            n
        ),
        DataType::VarBit(Some(n)) if bits.len() > *n as usize => bail!(
            SqlState::STRING_DATA_RIGHT_TRUNCATION,
            "bit string too long for type bit varying({})",
            n
        ),
        _ => Ok(()),
    }
}

/// Applies the target length of a cast between bit string types: an
/// explicit cast pads `bit(n)` with zeros on the right or cuts it (and
/// cuts `bit varying(n)`); an implicit or assignment one must fit.
pub fn coerce_bits(bits: &str, to: &DataType, explicit: bool) -> Result<Value> {
    if !explicit {
        check_length(bits, to)?;
        return Ok(Value::text(bits));
    }
    Ok(match to {
        DataType::Bit(Some(n)) => {
            let n = *n as usize;
            let mut s: String = bits.chars().take(n).collect();
            while s.len() < n {
                s.push('0');
            }
            Value::text(&s)
        }
        DataType::VarBit(Some(n)) => {
            Value::text(&bits.chars().take(*n as usize).collect::<String>())
        }
        _ => Value::text(bits),
    })
}

/// The length given in `bit(n)`/`varbit(n)`, checked.
pub fn bit_length_modifier(args: &[i64], name: &str) -> Result<u32> {
    match args {
        [n] if *n < 1 => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "length for type {} must be at least 1",
            name
        ),
        [n] if *n > i64::from(MAX_BIT_LENGTH) => bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "length for type {} cannot exceed {}",
            name,
            MAX_BIT_LENGTH
        ),
        [n] => Ok(*n as u32),
        _ => bail!(SqlState::SYNTAX_ERROR, "invalid type modifier"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_reads_binary_and_hex_digits() {
        assert_eq!(parse_bits("X0F").unwrap(), Value::text("00001111"));
        assert_eq!(parse_bits("b101").unwrap(), Value::text("101"));
        assert!(parse_bits("0102").is_err());
        assert!(parse_bits("xag").is_err());
    }

    #[test]
    fn explicit_casts_pad_and_cut() {
        let pad = coerce_bits("101", &DataType::Bit(Some(5)), true).unwrap();
        assert_eq!(pad, Value::text("10100"));
        let cut = coerce_bits("10111", &DataType::VarBit(Some(2)), true).unwrap();
        assert_eq!(cut, Value::text("10"));
        assert!(coerce_bits("101", &DataType::Bit(Some(5)), false).is_err());
    }
}
