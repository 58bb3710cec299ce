//! Functions and operators on bit strings (`bit`, `bit varying`), whose
//! values are `'0'`/`'1'` text (see `types::bit`): `length`,
//! `bit_length`, `octet_length`, `substring`, `overlay`, `position`,
//! `get_bit`, `set_bit`, `bit_count`, and the operators `&`, `|`, `#`,
//! `~`, `<<`, `>>`.

use assay_storage::{bail, err, Result, SqlState};

use super::args::{int, int4_range, text};
use super::registry::{Builder, T};
use crate::types::Value;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for name in ["length", "bit_length"] {
        b.scalar(name, &[VarBit], Int4, |_, a, _| {
            int4_range(text(&a[0])?.len() as i64)
        });
    }
    b.scalar("octet_length", &[VarBit], Int4, |_, a, _| {
        int4_range(text(&a[0])?.len().div_ceil(8) as i64)
    });
    b.scalar("bit_count", &[VarBit], Int8, |_, a, _| {
        Ok(Value::Int8(
            text(&a[0])?.bytes().filter(|b| *b == b'1').count() as i64,
        ))
    });
    b.scalar("substring", &[VarBit, Int4], VarBit, |_, a, _| {
        substring(text(&a[0])?, int(&a[1])?, None)
    });
    b.scalar("substring", &[VarBit, Int4, Int4], VarBit, |_, a, _| {
        substring(text(&a[0])?, int(&a[1])?, Some(int(&a[2])?))
    });
    b.scalar("overlay", &[VarBit, VarBit, Int4], VarBit, |_, a, _| {
        let p = text(&a[1])?;
        overlay(text(&a[0])?, p, int(&a[2])?, p.len() as i64)
    });
    b.scalar(
        "overlay",
        &[VarBit, VarBit, Int4, Int4],
        VarBit,
        |_, a, _| overlay(text(&a[0])?, text(&a[1])?, int(&a[2])?, int(&a[3])?),
    );
    // position(string, substring), as `position(sub IN string)` calls it.
    for name in ["position", "strpos"] {
        b.scalar(name, &[VarBit, VarBit], Int4, |_, a, _| {
            let (hay, needle) = (text(&a[0])?, text(&a[1])?);
            Ok(Value::Int4(match hay.find(needle) {
                Some(i) => i as i32 + 1,
                None => 0,
            }))
        });
    }
    b.scalar("get_bit", &[VarBit, Int4], Int4, |_, a, _| {
        let s = text(&a[0])?;
        let n = bit_index(int(&a[1])?, s.len())?;
        Ok(Value::Int4(i32::from(s.as_bytes()[n] == b'1')))
    });
    b.scalar("set_bit", &[VarBit, Int4, Int4], VarBit, |_, a, _| {
        let s = text(&a[0])?;
        let n = bit_index(int(&a[1])?, s.len())?;
        let bit = match int(&a[2])? {
            0 => '0',
            1 => '1',
            _ => bail!(SqlState::INVALID_PARAMETER_VALUE, "new bit must be 0 or 1"),
        };
        let mut out = s.to_string();
        out.replace_range(n..n + 1, &bit.to_string());
        Ok(Value::text(&out))
    });
    b.scalar("&", &[VarBit, VarBit], VarBit, |_, a, _| {
        bitwise(a, "AND", |x, y| x && y)
    });
    b.scalar("|", &[VarBit, VarBit], VarBit, |_, a, _| {
        bitwise(a, "OR", |x, y| x || y)
    });
    b.scalar("#", &[VarBit, VarBit], VarBit, |_, a, _| {
        bitwise(a, "XOR", |x, y| x != y)
    });
    b.scalar("~", &[VarBit], VarBit, |_, a, _| {
        let s: String = text(&a[0])?
            .chars()
            .map(|c| if c == '0' { '1' } else { '0' })
            .collect();
        Ok(Value::text(&s))
    });
    b.scalar("<<", &[VarBit, Int4], VarBit, |_, a, _| {
        Ok(Value::text(&shift(text(&a[0])?, int(&a[1])?)))
    });
    b.scalar(">>", &[VarBit, Int4], VarBit, |_, a, _| {
        Ok(Value::text(&shift(text(&a[0])?, -int(&a[1])?)))
    });
}

/// `substring(bits from start [for count])`, on bit positions from 1.
fn substring(s: &str, start: i64, count: Option<i64>) -> Result<Value> {
    let len = s.len() as i64;
    let end = match count {
        Some(c) if c < 0 => bail!(
            SqlState::SUBSTRING_ERROR,
            "negative substring length not allowed"
        ),
        Some(c) => start.saturating_add(c),
        None => len + 1,
    };
    let from = (start.max(1) - 1).min(len) as usize;
    let to = (end.max(1) - 1).clamp(from as i64, len) as usize;
    Ok(Value::text(&s[from..to]))
}

fn overlay(s: &str, p: &str, start: i64, count: i64) -> Result<Value> {
    let (head, tail) = super::bytea::overlay_bounds(start, count, s.len())?;
    Ok(Value::text(&format!("{}{}{}", &s[..head], p, &s[tail..])))
}

fn bit_index(n: i64, len: usize) -> Result<usize> {
    match usize::try_from(n) {
        Ok(i) if i < len => Ok(i),
        _ => Err(err!(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "bit index {} out of valid range (0..{})",
            n,
            len as i64 - 1
        )),
    }
}

fn bitwise(a: &[Value], what: &str, f: fn(bool, bool) -> bool) -> Result<Value> {
    let (x, y) = (text(&a[0])?, text(&a[1])?);
    if x.len() != y.len() {
        bail!(
            SqlState::new(b"22026"),
            "cannot {} bit strings of different sizes",
            what
        );
    }
    let s: String = x
        .bytes()
        .zip(y.bytes())
        .map(|(p, q)| if f(p == b'1', q == b'1') { '1' } else { '0' })
        .collect();
    Ok(Value::text(&s))
}

/// Shifts left by `n` (right when negative), keeping the length and
/// filling with zeros.
fn shift(s: &str, n: i64) -> String {
    let len = s.len() as i64;
    let n = n.clamp(-len, len);
    let zeros = "0".repeat(n.unsigned_abs() as usize);
    if n >= 0 {
        format!("{}{}", &s[n as usize..], zeros)
    } else {
        format!("{}{}", zeros, &s[..(len + n) as usize])
    }
}
