//! Functions over `bytea`: bit and byte access, `overlay`, trimming by a
//! set of bytes, `bit_count` and the SHA-2 digests.
//!
//! Bits are numbered as PostgreSQL numbers them in a `bytea`: bit `n` is
//! bit `n % 8` (least significant first) of byte `n / 8`.

use assay_storage::{bail, err, Result, SqlState};
use sha2::{Digest, Sha224, Sha384, Sha512};

use super::args::{bytes, int};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::Value;

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("get_bit", &[Bytea, Int8], Int4, get_bit);
    b.scalar("set_bit", &[Bytea, Int8, Int4], Bytea, set_bit);
    b.scalar("get_byte", &[Bytea, Int4], Int4, get_byte);
    b.scalar("set_byte", &[Bytea, Int4, Int4], Bytea, set_byte);
    b.scalar("bit_count", &[Bytea], Int8, |_, a, _| {
        let n: u32 = bytes(&a[0])?.iter().map(|b| b.count_ones()).sum();
        Ok(Value::Int8(i64::from(n)))
    });
    for params in [&[Bytea, Bytea][..], &[Bytea, Bytea, Bytea]] {
        b.scalar("bytealike", params, Bool, |_, a, _| {
            like(a).map(Value::Bool)
        });
        b.scalar("byteanlike", params, Bool, |_, a, _| {
            like(a).map(|m| Value::Bool(!m))
        });
    }
    b.scalar("overlay", &[Bytea, Bytea, Int4], Bytea, overlay);
    b.scalar("overlay", &[Bytea, Bytea, Int4, Int4], Bytea, overlay);
    b.scalar("btrim", &[Bytea, Bytea], Bytea, |_, a, _| {
        trim(a, true, true)
    });
    b.scalar("ltrim", &[Bytea, Bytea], Bytea, |_, a, _| {
        trim(a, true, false)
    });
    b.scalar("rtrim", &[Bytea, Bytea], Bytea, |_, a, _| {
        trim(a, false, true)
    });
    b.scalar("sha224", &[Bytea], Bytea, |_, a, _| {
        Ok(Value::Bytea(Sha224::digest(bytes(&a[0])?).to_vec().into()))
    });
    b.scalar("sha384", &[Bytea], Bytea, |_, a, _| {
        Ok(Value::Bytea(Sha384::digest(bytes(&a[0])?).to_vec().into()))
    });
    b.scalar("sha512", &[Bytea], Bytea, |_, a, _| {
        Ok(Value::Bytea(Sha512::digest(bytes(&a[0])?).to_vec().into()))
    });
}

/// `n` as an index below `len`, or PostgreSQL's range error.
fn index(n: i64, len: usize) -> Result<usize> {
    match usize::try_from(n) {
        Ok(i) if i < len => Ok(i),
        _ => Err(err!(
            SqlState::ARRAY_SUBSCRIPT_ERROR,
            "index {} out of valid range, 0..{}",
            n,
            len as i64 - 1
        )),
    }
}

fn get_bit(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let data = bytes(&a[0])?;
    let n = index(int(&a[1])?, data.len() * 8)?;
    Ok(Value::Int4(i32::from((data[n / 8] >> (n % 8)) & 1)))
}

fn set_bit(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut data = bytes(&a[0])?.to_vec();
    let n = index(int(&a[1])?, data.len() * 8)?;
    let bit = match int(&a[2])? {
        0 => 0u8,
        1 => 1u8,
        _ => bail!(SqlState::INVALID_PARAMETER_VALUE, "new bit must be 0 or 1"),
    };
    data[n / 8] = (data[n / 8] & !(1 << (n % 8))) | (bit << (n % 8));
    Ok(Value::Bytea(data.into()))
}

fn get_byte(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let data = bytes(&a[0])?;
    let n = index(int(&a[1])?, data.len())?;
    Ok(Value::Int4(i32::from(data[n])))
}

fn set_byte(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let mut data = bytes(&a[0])?.to_vec();
    let n = index(int(&a[1])?, data.len())?;
    // Only the low 8 bits of the new value are kept, as in PostgreSQL.
    data[n] = int(&a[2])? as u8;
    Ok(Value::Bytea(data.into()))
}

/// `overlay(s placing p from start [for count])`: `s` with `count` bytes
/// from `start` (1-based; `count` defaults to the length of `p`) replaced
/// by `p`.
fn overlay(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (s, p) = (bytes(&a[0])?, bytes(&a[1])?);
    let start = int(&a[2])?;
    let count = match a.get(3) {
        Some(v) => int(v)?,
        None => p.len() as i64,
    };
    let (head, tail) = overlay_bounds(start, count, s.len())?;
    let mut out = s[..head].to_vec();
    out.extend_from_slice(p);
    out.extend_from_slice(&s[tail..]);
    Ok(Value::Bytea(out.into()))
}

/// Where the kept head ends and the kept tail starts, for `overlay` of
/// `count` units from `start` in a value of `len` units.
pub(crate) fn overlay_bounds(start: i64, count: i64, len: usize) -> Result<(usize, usize)> {
    if start < 1 {
        bail!(
            SqlState::SUBSTRING_ERROR,
            "negative substring length not allowed"
        );
    }
    let len = len as i64;
    let head = (start - 1).min(len) as usize;
    // A negative count makes the tail start before the head ends (the
    // overlapping bytes appear twice), as in PostgreSQL.
    let tail = (start + count - 1).clamp(0, len) as usize;
    Ok((head, tail))
}

/// `bytea LIKE pattern [ESCAPE e]`: the text LIKE over bytes, each byte
/// standing for the character with its code.
fn like(a: &[Value]) -> Result<bool> {
    let chars = |b: &[u8]| b.iter().map(|&c| char::from(c)).collect::<String>();
    let escape = match a.get(2) {
        Some(e) => super::pattern::escape_char(&chars(bytes(e)?))?,
        None => Some('\\'),
    };
    super::pattern::like(&chars(bytes(&a[0])?), &chars(bytes(&a[1])?), escape, false)
}

fn trim(a: &[Value], leading: bool, trailing: bool) -> Result<Value> {
    let (s, set) = (bytes(&a[0])?, bytes(&a[1])?);
    let mut from = 0;
    let mut to = s.len();
    if leading {
        while from < to && set.contains(&s[from]) {
            from += 1;
        }
    }
    if trailing {
        while to > from && set.contains(&s[to - 1]) {
            to -= 1;
        }
    }
    Ok(Value::Bytea(s[from..to].to_vec().into()))
}
