//! `numeric` logarithms, exponentials and powers, to the digits
//! PostgreSQL 15 gives.
//!
//! Each function first picks the result scale as PostgreSQL does (at least
//! 16 significant digits, never less than the inputs' scales), then
//! computes in fixed point with guard digits: `ln` by square roots down to
//! near 1 and an atanh series, `exp` by halving and a Taylor series, and
//! non-integer powers as `exp(y ln x)`.

use assay_storage::{bail, err, Result, SqlState};
use bigdecimal::num_bigint::BigInt;
use bigdecimal::{BigDecimal, One, RoundingMode, Signed, ToPrimitive, Zero};

use super::args::numeric;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{numeric_pow10, Numeric, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

const GUARD: i64 = 12;
const MAX_SCALE: i64 = 1000;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("ln", &[Numeric], Numeric, |_, a, _| {
        special_or(&a[0], ln_value, true)
    });
    b.scalar("log", &[Numeric], Numeric, |_, a, _| {
        special_or(&a[0], log10_value, true)
    });
    b.scalar("log10", &[Numeric], Numeric, |_, a, _| {
        special_or(&a[0], log10_value, true)
    });
    b.scalar("log", &[Numeric, Numeric], Numeric, log_base);
    b.scalar("exp", &[Numeric], Numeric, |_, a, _| {
        special_or(&a[0], exp_value, false)
    });
    b.scalar("numeric_inc", &[Numeric], Numeric, |_, a, _| {
        Ok(Value::numeric(
            numeric(&a[0])?.add(&crate::types::Numeric::from_i64(1)),
        ))
    });
    for name in ["power", "pow"] {
        b.scalar(name, &[Numeric, Numeric], Numeric, power);
    }
}

fn finite(v: &Value) -> Result<std::result::Result<BigDecimal, Numeric>> {
    Ok(match numeric(v)? {
        Numeric::Finite(d) => Ok(d),
        other => Err(other),
    })
}

fn log10_value(x: &BigDecimal) -> Result<BigDecimal> {
    log_value(&BigDecimal::from(10), x)
}

/// Applies `f` to a finite value; NaN and the infinities map as in
/// PostgreSQL (`is_log`: -Infinity is an error rather than 0).
fn special_or(v: &Value, f: fn(&BigDecimal) -> Result<BigDecimal>, is_log: bool) -> Result<Value> {
    match finite(v)? {
        Ok(d) => Ok(Value::numeric(Numeric::Finite(f(&d)?))),
        Err(Numeric::NaN) => Ok(Value::numeric(Numeric::NaN)),
        Err(Numeric::NegInf) if is_log => {
            bail!(
                SqlState::INVALID_ARGUMENT_FOR_LOG,
                "cannot take logarithm of a negative number"
            )
        }
        Err(Numeric::NegInf) => Ok(Value::numeric(Numeric::zero())),
        Err(other) => Ok(Value::numeric(other)),
    }
}

fn dscale(d: &BigDecimal) -> i64 {
    d.as_bigint_and_exponent().1.max(0)
}

fn to_f64(d: &BigDecimal) -> f64 {
    d.to_f64().unwrap_or(f64::NAN)
}

/// `d` as an integer scaled by 10^w.
fn fixed(d: &BigDecimal, w: i64) -> BigInt {
    let (digits, scale) = d.as_bigint_and_exponent();
    let shift = w - scale;
    if shift >= 0 {
        digits * numeric_pow10(shift as u32)
    } else {
        digits / numeric_pow10((-shift) as u32)
    }
}

fn unfixed(v: BigInt, w: i64, rscale: i64) -> BigDecimal {
    BigDecimal::new(v, w).with_scale_round(rscale, RoundingMode::HalfUp)
}

/// PostgreSQL's `estimate_ln_dweight`: the decimal weight of ln(x).
fn ln_dweight(x: &BigDecimal) -> i64 {
    let f = to_f64(x);
    if (0.9..=1.1).contains(&f) {
        let d = f - 1.0;
        if d == 0.0 {
            0
        } else {
            d.abs().log10().floor() as i64
        }
    } else {
        let l = if f.is_finite() && f > 0.0 {
            f.ln()
        } else {
            // Outside f64's range: use the digit count.
            let (digits, scale) = x.as_bigint_and_exponent();
            (digits.to_string().len() as i64 - scale) as f64 * std::f64::consts::LN_10
        };
        l.abs().log10() as i64
    }
}

/// ln(x) in fixed point with `w` fractional digits, for x > 0.
fn ln_fixed(x: &BigDecimal, w: i64) -> BigInt {
    let one = numeric_pow10(w as u32);
    let mut y = fixed(x, w);
    let mut halvings = 0u32;
    // Square roots bring y to within 1% of 1.
    let near = &one / 100;
    while (&y - &one).abs() > near {
        y = (y * &one).sqrt();
        halvings += 1;
    }
    // ln y = 2 atanh(z), z = (y-1)/(y+1).
    let z = (&y - &one) * &one / (&y + &one);
    let z2 = &z * &z / &one;
    let mut term = z.clone();
    let mut sum = BigInt::zero();
    let mut k = 1u32;
    while !term.is_zero() {
        sum += &term / k;
        term = &term * &z2 / &one;
        k += 2;
    }
    sum * 2 * (BigInt::from(1) << halvings)
}

fn ln_value(x: &BigDecimal) -> Result<BigDecimal> {
    check_log_arg(x)?;
    let rscale = (16 - ln_dweight(x)).max(dscale(x)).clamp(0, MAX_SCALE);
    let w = rscale + GUARD + 4;
    Ok(unfixed(ln_fixed(x, w), w, rscale))
}

fn check_log_arg(x: &BigDecimal) -> Result<()> {
    if x.is_zero() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero"
        );
    }
    if x.is_negative() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number"
        );
    }
    Ok(())
}

fn log_value(base: &BigDecimal, x: &BigDecimal) -> Result<BigDecimal> {
    check_log_arg(base)?;
    check_log_arg(x)?;
    let result_dweight = ln_dweight(x) - ln_dweight(base);
    let rscale = (16 - result_dweight)
        .max(dscale(base))
        .max(dscale(x))
        .clamp(0, MAX_SCALE);
    let w = rscale + GUARD + 4 + result_dweight.max(0);
    let lb = ln_fixed(base, w);
    if lb.is_zero() {
        bail!(SqlState::DIVISION_BY_ZERO, "division by zero");
    }
    let lx = ln_fixed(x, w);
    let q = lx * numeric_pow10(w as u32) / lb;
    Ok(unfixed(q, w, rscale))
}

fn log_base(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    match (finite(&a[0])?, finite(&a[1])?) {
        (Ok(b), Ok(x)) => Ok(Value::numeric(Numeric::Finite(log_value(&b, &x)?))),
        (Err(Numeric::NaN), _) | (_, Err(Numeric::NaN)) => Ok(Value::numeric(Numeric::NaN)),
        (b, x) => {
            // The finite-value errors first, then the limits.
            let sign = |v: &std::result::Result<BigDecimal, Numeric>| match v {
                Ok(d) => d.signum().to_i64().unwrap_or(0),
                Err(Numeric::NegInf) => -1,
                Err(_) => 1,
            };
            if sign(&b) < 0 || sign(&x) < 0 {
                bail!(
                    SqlState::INVALID_ARGUMENT_FOR_LOG,
                    "cannot take logarithm of a negative number"
                );
            }
            if sign(&b) == 0 || sign(&x) == 0 {
                bail!(
                    SqlState::INVALID_ARGUMENT_FOR_LOG,
                    "cannot take logarithm of zero"
                );
            }
            Ok(Value::numeric(match (b, x) {
                (Err(_), Err(_)) => Numeric::NaN,
                (Err(_), Ok(_)) => Numeric::zero(),
                _ => Numeric::PosInf,
            }))
        }
    }
}

/// e^x in fixed point with `w` fractional digits.
fn exp_fixed(x: &BigDecimal, w: i64) -> BigInt {
    let one = numeric_pow10(w as u32);
    let mut y = fixed(x, w);
    let mut halvings = 0u32;
    let small = &one / 100;
    while y.abs() > small {
        y /= 2;
        halvings += 1;
    }
    let mut term = one.clone();
    let mut sum = one.clone();
    let mut n = 1u32;
    while !term.is_zero() {
        term = &term * &y / &one / n;
        sum += &term;
        n += 1;
    }
    for _ in 0..halvings {
        sum = &sum * &sum / &one;
    }
    sum
}

fn overflow() -> assay_storage::Error {
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value overflows numeric format"
    )
}

/// e^x with the result scale PostgreSQL picks for `val = x * log10(e)`.
fn exp_scaled(x: &BigDecimal, val: f64, min_scale: i64) -> Result<BigDecimal> {
    if val > 131_072.0 {
        return Err(overflow());
    }
    let weight = val.clamp(-2000.0, 2000.0) as i64;
    let rscale = (16 - weight).max(min_scale).clamp(0, MAX_SCALE);
    if val < -(MAX_SCALE as f64) - 1.0 {
        return Ok(BigDecimal::new(BigInt::zero(), rscale));
    }
    // Squaring multiplies the error by the result's size: add its digits.
    let w = rscale + GUARD + 4 + weight.max(0) + (val.abs() * 2.0).log2().max(0.0) as i64;
    Ok(unfixed(exp_fixed(x, w), w, rscale))
}

fn exp_value(x: &BigDecimal) -> Result<BigDecimal> {
    let val = to_f64(x) * std::f64::consts::LOG10_E;
    exp_scaled(x, val, dscale(x))
}

/// `x ^ y` when either is NaN or infinite (`Err` holds the special one),
/// with PostgreSQL's answers: a NaN base to the power 0 and 1 to a NaN
/// power are 1; the finite-value errors still apply; otherwise the limits.
fn power_special(
    x: std::result::Result<BigDecimal, Numeric>,
    y: std::result::Result<BigDecimal, Numeric>,
) -> Result<Numeric> {
    let one = || Numeric::from_i64(1);
    let sign = |v: &std::result::Result<BigDecimal, Numeric>| match v {
        Ok(d) => d.signum().to_i64().unwrap_or(0),
        Err(Numeric::PosInf) => 1,
        Err(Numeric::NegInf) => -1,
        Err(_) => 0,
    };
    match (&x, &y) {
        (Err(Numeric::NaN), Ok(y)) if y.is_zero() => return Ok(one()),
        (Ok(x), Err(Numeric::NaN)) if x.is_one() => return Ok(one()),
        (Err(Numeric::NaN), _) | (_, Err(Numeric::NaN)) => return Ok(Numeric::NaN),
        _ => {}
    }
    let (sx, sy) = (sign(&x), sign(&y));
    // Infinity counts as an integer here, as in PostgreSQL.
    let y_integral = match &y {
        Ok(d) => d.is_integer(),
        Err(_) => true,
    };
    if sx == 0 && sy < 0 {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "zero raised to a negative power is undefined"
        );
    }
    if sx < 0 && !y_integral {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "a negative number raised to a non-integer power yields a complex result"
        );
    }
    if let Err(inf) = &y {
        // |x| > 1 grows without bound toward +Infinity, |x| < 1 vanishes.
        let abs_x_vs_one = match &x {
            Ok(d) => d.abs().cmp(&BigDecimal::from(1)),
            Err(_) => std::cmp::Ordering::Greater,
        };
        let toward_pos = *inf == Numeric::PosInf;
        return Ok(match abs_x_vs_one {
            std::cmp::Ordering::Equal => one(),
            std::cmp::Ordering::Greater if toward_pos => Numeric::PosInf,
            std::cmp::Ordering::Less if !toward_pos => Numeric::PosInf,
            _ => Numeric::zero(),
        });
    }
    // x is infinite, y finite.
    Ok(match sy {
        0 => one(),
        s if s < 0 => Numeric::zero(),
        _ if sx > 0 => Numeric::PosInf,
        _ => {
            let odd = matches!(&y, Ok(d) if !(d % BigDecimal::from(2)).is_zero());
            if odd {
                Numeric::NegInf
            } else {
                Numeric::PosInf
            }
        }
    })
}

pub(crate) fn power(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (x, y) = match (finite(&a[0])?, finite(&a[1])?) {
        (Ok(x), Ok(y)) => (x, y),
        (x, y) => return power_special(x, y).map(Value::numeric),
    };
    if x.is_zero() && y.is_negative() {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "zero raised to a negative power is undefined"
        );
    }
    let y_int = y.is_integer();
    if x.is_negative() && !y_int {
        bail!(
            SqlState::INVALID_ARGUMENT_FOR_POWER,
            "a negative number raised to a non-integer power yields a complex result"
        );
    }
    if let (true, Some(n)) = (y_int, y.to_i64().filter(|n| i32::try_from(*n).is_ok())) {
        // PostgreSQL 15's integer-exponent path: scale max(16, base's).
        let rscale = 16.max(dscale(&x)).min(MAX_SCALE);
        if x.is_zero() {
            return Ok(Value::numeric(Numeric::Finite(
                BigDecimal::new(BigInt::from(u8::from(n == 0)), 0).with_scale(rscale),
            )));
        }
        let magnitude = to_f64(&x.abs()).log10() * n as f64;
        if magnitude > 131_072.0 {
            return Err(overflow());
        }
        if magnitude + 1.0 < -(rscale as f64) {
            return Ok(Value::numeric(Numeric::Finite(
                BigDecimal::from(0).with_scale(rscale),
            )));
        }
        let digits = magnitude.abs();
        let exact_digits = x.digits().saturating_mul(n.unsigned_abs());
        let p = if exact_digits <= 20_000 {
            pow_exact(&x, n.unsigned_abs())
        } else {
            // Keep enough significant digits for the result scale, plus
            // the error the multiplications may add (log10 |n| digits).
            let sig = rscale + digits as i64 + (n.unsigned_abs() as f64).log10() as i64 + GUARD;
            pow_rounded(&x, n.unsigned_abs(), sig.max(1) as u64)
        };
        let r = if n < 0 {
            // 1/p = 10^scale / digits, truncated to w fractional digits.
            let w = rscale + GUARD;
            let (pi, ps) = p.as_bigint_and_exponent();
            let q = if ps + w >= 0 {
                numeric_pow10((ps + w) as u32) / pi
            } else {
                BigInt::zero()
            };
            unfixed(q, w, rscale)
        } else {
            p.with_scale_round(rscale, RoundingMode::HalfUp)
        };
        return Ok(Value::numeric(Numeric::Finite(r)));
    }
    if x.is_zero() {
        return Ok(Value::numeric(Numeric::Finite(BigDecimal::new(
            BigInt::zero(),
            16,
        ))));
    }
    // x^y = exp(y ln |x|), negated for a negative x and an odd y (an
    // integer exponent too large for the exact path).
    let negate = x.is_negative() && !(&y % BigDecimal::from(2)).is_zero();
    let x = x.abs();
    let ln_x = ln_value_at(&x, 8 - ln_dweight(&x) + GUARD)?;
    let val = to_f64(&(ln_x.clone() * &y)) * std::f64::consts::LOG10_E;
    let min_scale = dscale(&x).max(dscale(&y));
    if val > 131_072.0 {
        return Err(overflow());
    }
    let weight = val.clamp(-2000.0, 2000.0) as i64;
    let rscale = (16 - weight).max(min_scale).clamp(0, MAX_SCALE);
    let w = rscale + GUARD + 4 + weight.max(0) + (val.abs() * 2.0).log2().max(0.0) as i64;
    let exponent = BigDecimal::new(ln_fixed(&x, w + 4), w + 4) * &y;
    let r = unfixed(exp_fixed(&exponent, w), w, rscale);
    Ok(Value::numeric(Numeric::Finite(if negate { -r } else { r })))
}

fn ln_value_at(x: &BigDecimal, scale: i64) -> Result<BigDecimal> {
    let w = scale.clamp(0, MAX_SCALE) + 4;
    Ok(BigDecimal::new(ln_fixed(x, w), w))
}

/// x^n by repeated squaring, every product rounded to `sig` significant
/// digits.
fn pow_rounded(x: &BigDecimal, mut n: u64, sig: u64) -> BigDecimal {
    let mut result = BigDecimal::from(1);
    let mut b = x.with_prec(sig);
    while n > 0 {
        if n & 1 == 1 {
            result = (&result * &b).with_prec(sig);
        }
        n >>= 1;
        if n > 0 {
            b = (&b * &b).with_prec(sig);
        }
    }
    result
}

fn pow_exact(x: &BigDecimal, mut n: u64) -> BigDecimal {
    let mut result = BigDecimal::from(1);
    let mut b = x.clone();
    while n > 0 {
        if n & 1 == 1 {
            result = &result * &b;
        }
        b = &b * &b;
        n >>= 1;
    }
    result
}
