//! Mathematical functions over integers, floats and numerics.

use assay_storage::{bail, err, Error, Result, SqlState};
use bigdecimal::num_bigint::BigInt;
use bigdecimal::{BigDecimal, RoundingMode, Signed, ToPrimitive, Zero};

use super::args::{float, int, int4_range, numeric};
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{Numeric, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for t in [Int2, Int4, Int8, Float4, Float8, Numeric] {
        b.scalar("abs", &[t], t, abs);
    }
    for name in ["ceil", "ceiling"] {
        b.scalar(name, &[Float8], Float8, |_, a, _| {
            Ok(Value::Float8(float(&a[0])?.ceil()))
        });
        b.scalar(name, &[Numeric], Numeric, |_, a, _| {
            num_round_mode(&a[0], 0, RoundingMode::Ceiling)
        });
    }
    b.scalar("floor", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.floor()))
    });
    b.scalar("floor", &[Numeric], Numeric, |_, a, _| {
        num_round_mode(&a[0], 0, RoundingMode::Floor)
    });
    b.scalar("round", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.round_ties_even()))
    });
    b.scalar("round", &[Numeric], Numeric, |_, a, _| {
        Ok(Value::numeric(numeric(&a[0])?.round(0)))
    });
    b.scalar("round", &[Numeric, Int4], Numeric, |_, a, _| {
        num_round_mode(&a[0], int(&a[1])?, RoundingMode::HalfUp)
    });
    b.scalar("trunc", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.trunc()))
    });
    b.scalar("trunc", &[Numeric], Numeric, |_, a, _| {
        num_round_mode(&a[0], 0, RoundingMode::Down)
    });
    b.scalar("trunc", &[Numeric, Int4], Numeric, |_, a, _| {
        num_round_mode(&a[0], int(&a[1])?, RoundingMode::Down)
    });
    b.scalar("sign", &[Float8], Float8, |_, a, _| {
        let f = float(&a[0])?;
        Ok(Value::Float8(if f > 0.0 {
            1.0
        } else if f < 0.0 {
            -1.0
        } else {
            f * 0.0 + 0.0
        }))
    });
    b.scalar("sign", &[Numeric], Numeric, sign_numeric);
    for t in [Int2, Int4, Int8, Numeric] {
        b.scalar("mod", &[t, t], t, modulo);
    }
    b.scalar("div", &[Numeric, Numeric], Numeric, div_numeric);
    b.scalar("sqrt", &[Float8], Float8, sqrt_float8);
    b.scalar("sqrt", &[Numeric], Numeric, sqrt_numeric);
    b.scalar("cbrt", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.cbrt()))
    });
    for name in ["power", "pow"] {
        b.scalar(name, &[Float8, Float8], Float8, power_float8);
    }
    b.scalar("ln", &[Float8], Float8, |_, a, _| {
        log_with(float(&a[0])?, f64::ln)
    });
    b.scalar("log", &[Float8], Float8, |_, a, _| {
        log_with(float(&a[0])?, f64::log10)
    });
    b.scalar("log10", &[Float8], Float8, |_, a, _| {
        log_with(float(&a[0])?, f64::log10)
    });
    b.scalar("pi", &[], Float8, |_, _, _| {
        Ok(Value::Float8(std::f64::consts::PI))
    });
    b.scalar("degrees", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.to_degrees()))
    });
    b.scalar("radians", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.to_radians()))
    });
    b.scalar("sin", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, f64::sin, false)
    });
    b.scalar("cos", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, f64::cos, false)
    });
    b.scalar("tan", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, f64::tan, false)
    });
    b.scalar("cot", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, |x| 1.0 / x.tan(), false)
    });
    b.scalar("asin", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, f64::asin, true)
    });
    b.scalar("acos", &[Float8], Float8, |_, a, _| {
        trig(float(&a[0])?, f64::acos, true)
    });
    b.scalar("atan", &[Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.atan()))
    });
    b.scalar("atan2", &[Float8, Float8], Float8, |_, a, _| {
        Ok(Value::Float8(float(&a[0])?.atan2(float(&a[1])?)))
    });
    b.scalar("random", &[], Float8, |_, _, ctx| {
        Ok(Value::Float8(ctx.rng.next_f64()))
    })
    .volatile();
    b.scalar("setseed", &[Float8], T::Text, setseed).volatile();
    for t in [Int4, Int8, Numeric] {
        b.scalar("gcd", &[t, t], t, gcd);
        b.scalar("lcm", &[t, t], t, lcm);
    }
    b.scalar("factorial", &[Int8], Numeric, factorial);
    b.scalar(
        "width_bucket",
        &[Float8, Float8, Float8, Int4],
        Int4,
        width_bucket,
    );
    b.scalar(
        "width_bucket",
        &[Numeric, Numeric, Numeric, Int4],
        Int4,
        width_bucket,
    );
    b.scalar("scale", &[Numeric], Int4, |_, a, _| match numeric(&a[0])? {
        n if n.is_finite() => int4_range(n.scale()),
        _ => Ok(Value::Null),
    });
    b.scalar("min_scale", &[Numeric], Int4, |_, a, _| {
        match trimmed(&numeric(&a[0])?) {
            Some(n) => int4_range(n.scale()),
            None => Ok(Value::Null),
        }
    });
    b.scalar("trim_scale", &[Numeric], Numeric, |_, a, _| {
        let n = numeric(&a[0])?;
        Ok(Value::numeric(trimmed(&n).unwrap_or(n)))
    });
}

fn out_of_range(what: &str) -> Error {
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "{} out of range",
        what
    )
}

pub(crate) fn abs(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(match &a[0] {
        Value::Int2(v) => Value::Int2(v.checked_abs().ok_or_else(|| out_of_range("smallint"))?),
        Value::Int4(v) => Value::Int4(v.checked_abs().ok_or_else(|| out_of_range("integer"))?),
        Value::Int8(v) => Value::Int8(v.checked_abs().ok_or_else(|| out_of_range("bigint"))?),
        Value::Float4(v) => Value::Float4(v.abs()),
        Value::Float8(v) => Value::Float8(v.abs()),
        v => Value::numeric(numeric(v)?.abs()),
    })
}

fn finite_or_same(v: &Value) -> Result<std::result::Result<BigDecimal, Numeric>> {
    Ok(match numeric(v)? {
        Numeric::Finite(d) => Ok(d),
        other => Err(other),
    })
}

/// Rounds to `scale` digits with `mode`; negative scales round left of the point.
fn num_round_mode(v: &Value, scale: i64, mode: RoundingMode) -> Result<Value> {
    let d = match finite_or_same(v)? {
        Ok(d) => d,
        Err(special) => return Ok(Value::numeric(special)),
    };
    // PostgreSQL's limits: 131072 digits before the point (one more to
    // round into, which overflows), 16383 after.
    let scale = scale.clamp(-131_073, 16_383);
    let r = d.with_scale_round(scale, mode);
    if !r.is_zero() && r.digits() as i64 - r.fractional_digit_count() > 131_072 {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value overflows numeric format"
        );
    }
    let r = if scale < 0 { r.with_scale(0) } else { r };
    Ok(Value::numeric(Numeric::Finite(r)))
}

fn sign_numeric(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(Value::numeric(match numeric(&a[0])? {
        Numeric::NaN => Numeric::NaN,
        Numeric::PosInf => Numeric::from_i64(1),
        Numeric::NegInf => Numeric::from_i64(-1),
        Numeric::Finite(d) => Numeric::from_i64(d.signum().to_i64().unwrap_or(0)),
    }))
}

fn div_zero() -> Error {
    err!(SqlState::DIVISION_BY_ZERO, "division by zero")
}

fn modulo(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    Ok(match (&a[0], &a[1]) {
        (Value::Int2(x), Value::Int2(y)) => Value::Int2(if *y == 0 {
            return Err(div_zero());
        } else {
            x.wrapping_rem(*y)
        }),
        (Value::Int4(x), Value::Int4(y)) => Value::Int4(if *y == 0 {
            return Err(div_zero());
        } else {
            x.wrapping_rem(*y)
        }),
        (Value::Int8(x), Value::Int8(y)) => Value::Int8(if *y == 0 {
            return Err(div_zero());
        } else {
            x.wrapping_rem(*y)
        }),
        (x, y) => Value::numeric(numeric(x)?.rem(&numeric(y)?)?),
    })
}

fn div_numeric(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, y) = (numeric(&a[0])?, numeric(&a[1])?);
    match (&x, &y) {
        (Numeric::Finite(_), Numeric::Finite(d)) if d.is_zero() => Err(div_zero()),
        (Numeric::Finite(p), Numeric::Finite(q)) => {
            let (pi, ps) = p.as_bigint_and_exponent();
            let (qi, qs) = q.as_bigint_and_exponent();
            let s = ps.max(qs);
            let scale_up =
                |i: BigInt, from: i64| i * crate::types::numeric_pow10((s - from) as u32);
            let quotient = scale_up(pi, ps) / scale_up(qi, qs);
            Ok(Value::numeric(Numeric::Finite(BigDecimal::new(
                quotient, 0,
            ))))
        }
        (Numeric::NaN, _) | (_, Numeric::NaN) => Ok(Value::numeric(Numeric::NaN)),
        (Numeric::Finite(_), _) => Ok(Value::numeric(Numeric::zero())),
        _ => {
            let q = x.div(&y)?;
            Ok(Value::numeric(q))
        }
    }
}

/// Base-10000 weight of a nonzero value, as PostgreSQL's NumericVar has it.
fn nbase_weight(d: &BigDecimal) -> i64 {
    let (digits, scale) = d.as_bigint_and_exponent();
    let e10 = digits.abs().to_string().len() as i64 - 1 - scale;
    e10.div_euclid(4)
}

pub(crate) fn sqrt_float8(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let f = float(&a[0])?;
    if f < 0.0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "cannot take square root of a negative number"
        );
    }
    Ok(Value::Float8(f.sqrt()))
}

fn sqrt_numeric(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let d = match finite_or_same(&a[0])? {
        Ok(d) => d,
        Err(Numeric::NegInf) => {
            bail!(
                SqlState::INVALID_ARGUMENT_FOR_POWER,
                "cannot take square root of a negative number"
            )
        }
        Err(special) => return Ok(Value::numeric(special)),
    };
    if d.is_negative() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "cannot take square root of a negative number"
        );
    }
    let dscale = d.as_bigint_and_exponent().1;
    let weight = if d.is_zero() { 0 } else { nbase_weight(&d) };
    // PostgreSQL's numeric_sqrt result scale.
    let sweight = (weight + 1) * 4 / 2 - 1;
    let rscale = (16 - sweight).max(dscale).clamp(0, 1000);
    Ok(Value::numeric(Numeric::Finite(sqrt_to_scale(&d, rscale))))
}

/// The square root of a non-negative value, rounded to `rscale` digits.
pub(crate) fn sqrt_to_scale(d: &BigDecimal, rscale: i64) -> BigDecimal {
    // Integer square root of d * 10^(2*(rscale+1)), then rounded.
    let (digits, scale) = d.as_bigint_and_exponent();
    let shift = 2 * (rscale + 1) - scale;
    let n = if shift >= 0 {
        digits * crate::types::numeric_pow10(shift as u32)
    } else {
        digits / crate::types::numeric_pow10((-shift) as u32)
    };
    BigDecimal::new(n.sqrt(), rscale + 1).with_scale_round(rscale, RoundingMode::HalfUp)
}

pub(crate) fn power_float8(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, y) = (float(&a[0])?, float(&a[1])?);
    if x == 0.0 && y < 0.0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "zero raised to a negative power is undefined"
        );
    }
    if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "a negative number raised to a non-integer power yields a complex result"
        );
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: overflow"
        );
    }
    if r == 0.0 && x != 0.0 && x.is_finite() && y.is_finite() {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value out of range: underflow"
        );
    }
    Ok(Value::Float8(r))
}

fn log_with(x: f64, f: fn(f64) -> f64) -> Result<Value> {
    if x == 0.0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero"
        );
    }
    if x < 0.0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number"
        );
    }
    Ok(Value::Float8(f(x)))
}

fn trig(x: f64, f: fn(f64) -> f64, domain_checked: bool) -> Result<Value> {
    if x.is_infinite() || (domain_checked && !(-1.0..=1.0).contains(&x)) {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "input is out of range"
        );
    }
    Ok(Value::Float8(f(x)))
}

fn setseed(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let s = float(&a[0])?;
    if !(-1.0..=1.0).contains(&s) || s.is_nan() {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "setseed parameter {} is out of allowed range [-1,1]",
            crate::types::scalar::format_float8(s, 1)
        );
    }
    *ctx.rng = super::context::Prng::new(s.to_bits());
    Ok(Value::text(""))
}

fn int_gcd(mut x: i128, mut y: i128) -> i128 {
    while y != 0 {
        let r = x % y;
        x = y;
        y = r;
    }
    x.abs()
}

fn big_gcd(mut x: BigInt, mut y: BigInt) -> BigInt {
    while !y.is_zero() {
        let r = &x % &y;
        x = y;
        y = r;
    }
    x.abs()
}

fn int_result(r: i128, like: &Value) -> Result<Value> {
    match like {
        Value::Int4(_) => i32::try_from(r)
            .map(Value::Int4)
            .map_err(|_| out_of_range("integer")),
        _ => i64::try_from(r)
            .map(Value::Int8)
            .map_err(|_| out_of_range("bigint")),
    }
}

/// The common-scale integers of two finite numerics.
fn common_scale(x: &BigDecimal, y: &BigDecimal) -> (BigInt, BigInt, i64) {
    let (xi, xs) = x.as_bigint_and_exponent();
    let (yi, ys) = y.as_bigint_and_exponent();
    let s = xs.max(ys);
    (
        xi * crate::types::numeric_pow10((s - xs) as u32),
        yi * crate::types::numeric_pow10((s - ys) as u32),
        s,
    )
}

fn gcd(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    if let (Value::Numeric(_), Value::Numeric(_)) = (&a[0], &a[1]) {
        return match (finite_or_same(&a[0])?, finite_or_same(&a[1])?) {
            (Ok(x), Ok(y)) => {
                let (xi, yi, s) = common_scale(&x, &y);
                Ok(Value::numeric(Numeric::Finite(BigDecimal::new(
                    big_gcd(xi, yi),
                    s,
                ))))
            }
            _ => Ok(Value::numeric(Numeric::NaN)),
        };
    }
    int_result(
        int_gcd(i128::from(int(&a[0])?), i128::from(int(&a[1])?)),
        &a[0],
    )
}

fn lcm(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    if let (Value::Numeric(_), Value::Numeric(_)) = (&a[0], &a[1]) {
        return match (finite_or_same(&a[0])?, finite_or_same(&a[1])?) {
            (Ok(x), Ok(y)) => {
                let (xi, yi, s) = common_scale(&x, &y);
                let r = if xi.is_zero() || yi.is_zero() {
                    BigInt::zero()
                } else {
                    (&xi / big_gcd(xi.clone(), yi.clone()) * yi).abs()
                };
                Ok(Value::numeric(Numeric::Finite(BigDecimal::new(r, s))))
            }
            _ => Ok(Value::numeric(Numeric::NaN)),
        };
    }
    let (x, y) = (i128::from(int(&a[0])?), i128::from(int(&a[1])?));
    let r = if x == 0 || y == 0 {
        0
    } else {
        (x / int_gcd(x, y) * y).abs()
    };
    int_result(r, &a[0])
}

fn factorial(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let n = int(&a[0])?;
    if n < 0 {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "factorial of a negative number is undefined"
        );
    }
    if n > 32177 {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value overflows numeric format"
        );
    }
    let mut r = BigInt::from(1);
    for i in 2..=n {
        r *= i;
    }
    Ok(Value::numeric(Numeric::Finite(BigDecimal::new(r, 0))))
}

fn width_bucket(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let count = int(&a[3])?;
    if count <= 0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
            "count must be greater than zero"
        );
    }
    let (x, lo, hi) = (float(&a[0])?, float(&a[1])?, float(&a[2])?);
    if lo == hi {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
            "lower bound cannot equal upper bound"
        );
    }
    if x.is_nan() || lo.is_nan() || hi.is_nan() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
            "operand, lower bound, and upper bound cannot be NaN"
        );
    }
    if !lo.is_finite() || !hi.is_finite() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_WIDTH_BUCKET,
            "lower and upper bounds must be finite"
        );
    }
    let c = count as f64;
    let bucket = if lo < hi {
        if x < lo {
            0
        } else if x >= hi {
            count + 1
        } else {
            ((c * (x - lo) / (hi - lo)).floor() + 1.0).min(c) as i64
        }
    } else if x > lo {
        0
    } else if x <= hi {
        count + 1
    } else {
        ((c * (lo - x) / (lo - hi)).floor() + 1.0).min(c) as i64
    };
    int4_range(bucket)
}

/// The value without trailing fractional zeros; `None` for non-finite.
fn trimmed(n: &Numeric) -> Option<Numeric> {
    match n {
        Numeric::Finite(d) => {
            let (mut digits, mut scale) = d.as_bigint_and_exponent();
            let ten = BigInt::from(10);
            while scale > 0 && (&digits % &ten).is_zero() {
                digits /= &ten;
                scale -= 1;
            }
            Some(Numeric::Finite(BigDecimal::new(digits, scale)))
        }
        _ => None,
    }
}
