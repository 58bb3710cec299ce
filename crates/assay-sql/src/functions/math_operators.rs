//! Operators the binder resolves through the catalog, where each is a
//! function named by its symbol: `^` (power), the integer bit operators
//! `&`, `|`, `#`, `<<`, `>>` and prefix `~`, and the prefix `@` (absolute
//! value), `|/` (square root) and `||/` (cube root).
//!
//! Integer shifts behave as PostgreSQL's C code does on the usual
//! hardware: the shift count is taken modulo the width the shift is done
//! in (32 bits for `smallint` and `integer`, 64 for `bigint`), and a
//! `smallint` result keeps the low 16 bits.

use assay_storage::Result;

use super::args::{float, int};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::Value;

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("^", &[Float8, Float8], Float8, super::math::power_float8);
    b.scalar(
        "^",
        &[Numeric, Numeric],
        Numeric,
        super::math_numeric::power,
    );
    for t in [Int2, Int4, Int8] {
        b.scalar("&", &[t, t], t, |_, a, _| bitwise(a, |x, y| x & y));
        b.scalar("|", &[t, t], t, |_, a, _| bitwise(a, |x, y| x | y));
        b.scalar("#", &[t, t], t, |_, a, _| bitwise(a, |x, y| x ^ y));
        b.scalar("<<", &[t, Int4], t, shift_left);
        b.scalar(">>", &[t, Int4], t, shift_right);
        b.scalar("~", &[t], t, |_, a, _| Ok(same_width(&a[0], !int(&a[0])?)));
    }
    for t in [Int2, Int4, Int8, Float4, Float8, Numeric] {
        b.scalar("@", &[t], t, super::math::abs);
    }
    b.scalar("|/", &[Float8], Float8, super::math::sqrt_float8);
    b.scalar("||/", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.cbrt()))
    });
}

/// `v` narrowed to the integer width of `like` (the bits of a wider
/// result that do not fit are dropped, as C's conversions do).
fn same_width(like: &Value, v: i64) -> Value {
    match like {
        Value::Int2(_) => Value::Int2(v as i16),
        Value::Int4(_) => Value::Int4(v as i32),
        _ => Value::Int8(v),
    }
}

fn bitwise(a: &[Value], f: fn(i64, i64) -> i64) -> Result<Value> {
    Ok(same_width(&a[0], f(int(&a[0])?, int(&a[1])?)))
}

fn shift_left(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, n) = (int(&a[0])?, int(&a[1])? as u32);
    Ok(match &a[0] {
        Value::Int8(_) => Value::Int8(x.wrapping_shl(n)),
        _ => same_width(&a[0], i64::from((x as i32).wrapping_shl(n))),
    })
}

fn shift_right(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, n) = (int(&a[0])?, int(&a[1])? as u32);
    Ok(match &a[0] {
        Value::Int8(_) => Value::Int8(x.wrapping_shr(n)),
        _ => same_width(&a[0], i64::from((x as i32).wrapping_shr(n))),
    })
}
