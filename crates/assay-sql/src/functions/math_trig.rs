//! Hyperbolic functions and the trigonometric functions in degrees
//! (`sind`, `cosd`, `tand`, `cotd`, `asind`, `acosd`, `atand`,
//! `atan2d`), plus `float4send`/`float8send`.
//!
//! The degree functions give exact answers at the angles where the answer
//! is a "nice" number (sind(30) = 0.5, tand(45) = 1, …), as PostgreSQL's
//! do: the argument is reduced into the first quadrant by symmetries, and
//! each result is scaled by the same function's value at a reference angle
//! (30, 45 or 60 degrees) so that rounding errors cancel there.

use assay_storage::{bail, Result, SqlState};

use super::args::float;
use super::registry::{Builder, T};
use crate::types::Value;

const RADIANS_PER_DEGREE: f64 = 0.017_453_292_519_943_295;

/// Registers one-argument `float8` functions given as `fn(f64) -> Result<f64>`.
macro_rules! float8_functions {
    ($b:expr, $($name:literal => $f:expr),* $(,)?) => {
        $($b.scalar($name, &[T::Float8], T::Float8, |_, a, _| apply(a, $f));)*
    };
}

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    float8_functions!(b,
        "sinh" => |x| Ok(x.sinh()),
        "cosh" => cosh,
        "tanh" => |x| Ok(x.tanh()),
        "asinh" => |x| Ok(x.asinh()),
        "acosh" => acosh,
        "atanh" => atanh,
        "sind" => sind,
        "cosd" => cosd,
        "tand" => tand,
        "cotd" => cotd,
        "asind" => asind,
        "acosd" => acosd,
        "atand" => |x| Ok(x.atan() / 1f64.atan() * 45.0),
        "exp" => exp,
    );
    b.scalar("atan2d", &[Float8, Float8], Float8, |_, a, _| {
        let (y, x) = (float(&a[0])?, float(&a[1])?);
        Ok(Value::Float8(y.atan2(x) / 1f64.atan() * 45.0))
    });
    b.scalar("float8send", &[Float8], Bytea, |_, a, _| {
        Ok(Value::Bytea(float(&a[0])?.to_be_bytes().to_vec().into()))
    });
    b.scalar("float4send", &[Float4], Bytea, |_, a, _| match &a[0] {
        Value::Float4(f) => Ok(Value::Bytea(f.to_be_bytes().to_vec().into())),
        v => Err(super::args::internal("real", v)),
    });
}

fn apply(a: &[Value], f: fn(f64) -> Result<f64>) -> Result<Value> {
    f(float(&a[0])?).map(Value::Float8)
}

fn out_of_range() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "input is out of range"
    )
}

fn overflow() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value out of range: overflow"
    )
}

fn underflow() -> assay_storage::Error {
    assay_storage::err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "value out of range: underflow"
    )
}

/// `exp`: the infinities map to their limits; a finite argument whose
/// result does not fit is an error.
fn exp(x: f64) -> Result<f64> {
    if x.is_nan() {
        return Ok(x);
    }
    if x.is_infinite() {
        return Ok(if x > 0.0 { x } else { 0.0 });
    }
    let r = x.exp();
    if r.is_infinite() {
        return Err(overflow());
    }
    if r == 0.0 {
        return Err(underflow());
    }
    Ok(r)
}

fn cosh(x: f64) -> Result<f64> {
    let r = x.cosh();
    if r == 0.0 {
        return Err(underflow());
    }
    Ok(r)
}

fn acosh(x: f64) -> Result<f64> {
    if x < 1.0 {
        return Err(out_of_range());
    }
    Ok(x.acosh())
}

fn atanh(x: f64) -> Result<f64> {
    if !(-1.0..=1.0).contains(&x) {
        return Err(out_of_range());
    }
    Ok(if x == 1.0 {
        f64::INFINITY
    } else if x == -1.0 {
        f64::NEG_INFINITY
    } else {
        x.atanh()
    })
}

fn sind_0_to_30(x: f64) -> f64 {
    (x * RADIANS_PER_DEGREE).sin() / (30.0 * RADIANS_PER_DEGREE).sin() / 2.0
}

fn cosd_0_to_60(x: f64) -> f64 {
    let one_minus_cos_60 = 1.0 - (60.0 * RADIANS_PER_DEGREE).cos();
    1.0 - (1.0 - (x * RADIANS_PER_DEGREE).cos()) / one_minus_cos_60 / 2.0
}

fn sind_q1(x: f64) -> f64 {
    if x <= 30.0 {
        sind_0_to_30(x)
    } else {
        cosd_0_to_60(90.0 - x)
    }
}

fn cosd_q1(x: f64) -> f64 {
    if x <= 60.0 {
        cosd_0_to_60(x)
    } else {
        sind_0_to_30(90.0 - x)
    }
}

/// NaN passes through; an infinite angle has no answer.
fn check_angle(x: f64) -> Result<Option<f64>> {
    if x.is_nan() {
        return Ok(Some(x));
    }
    if x.is_infinite() {
        return Err(out_of_range());
    }
    Ok(None)
}

fn sind(x: f64) -> Result<f64> {
    if let Some(nan) = check_angle(x)? {
        return Ok(nan);
    }
    let (mut x, mut sign) = (x % 360.0, 1.0);
    if x < 0.0 {
        x = -x;
        sign = -sign;
    }
    if x > 180.0 {
        x = 360.0 - x;
        sign = -sign;
    }
    if x > 90.0 {
        x = 180.0 - x;
    }
    Ok(sign * sind_q1(x))
}

fn cosd(x: f64) -> Result<f64> {
    if let Some(nan) = check_angle(x)? {
        return Ok(nan);
    }
    let (mut x, mut sign) = ((x % 360.0).abs(), 1.0);
    if x > 180.0 {
        x = 360.0 - x;
    }
    if x > 90.0 {
        x = 180.0 - x;
        sign = -sign;
    }
    Ok(sign * cosd_q1(x))
}

/// The angle reduced into [0, 90] for tand/cotd, with the sign to apply.
fn reduce_for_tangent(x: f64) -> (f64, f64) {
    let (mut x, mut sign) = (x % 360.0, 1.0);
    if x < 0.0 {
        x = -x;
        sign = -sign;
    }
    if x > 180.0 {
        x = 360.0 - x;
        sign = -sign;
    }
    if x > 90.0 {
        x = 180.0 - x;
        sign = -sign;
    }
    (x, sign)
}

fn tand(x: f64) -> Result<f64> {
    if let Some(nan) = check_angle(x)? {
        return Ok(nan);
    }
    let (x, sign) = reduce_for_tangent(x);
    let tan_45 = sind_q1(45.0) / cosd_q1(45.0);
    let r = sign * (sind_q1(x) / cosd_q1(x) / tan_45);
    // No negative zero.
    Ok(if r == 0.0 { 0.0 } else { r })
}

fn cotd(x: f64) -> Result<f64> {
    if let Some(nan) = check_angle(x)? {
        return Ok(nan);
    }
    let (x, sign) = reduce_for_tangent(x);
    let cot_45 = cosd_q1(45.0) / sind_q1(45.0);
    let r = sign * (cosd_q1(x) / sind_q1(x) / cot_45);
    Ok(if r == 0.0 { 0.0 } else { r })
}

fn asind_q1(x: f64) -> f64 {
    if x <= 0.5 {
        x.asin() / 0.5f64.asin() * 30.0
    } else {
        90.0 - x.acos() / 0.5f64.acos() * 60.0
    }
}

fn acosd_q1(x: f64) -> f64 {
    if x <= 0.5 {
        90.0 - x.asin() / 0.5f64.asin() * 30.0
    } else {
        x.acos() / 0.5f64.acos() * 60.0
    }
}

fn check_unit(x: f64) -> Result<()> {
    if !(-1.0..=1.0).contains(&x) && !x.is_nan() {
        bail!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "input is out of range"
        );
    }
    Ok(())
}

fn asind(x: f64) -> Result<f64> {
    check_unit(x)?;
    Ok(if x.is_nan() {
        x
    } else if x >= 0.0 {
        asind_q1(x)
    } else {
        -asind_q1(-x)
    })
}

fn acosd(x: f64) -> Result<f64> {
    check_unit(x)?;
    Ok(if x.is_nan() {
        x
    } else if x >= 0.0 {
        acosd_q1(x)
    } else {
        90.0 + asind_q1(-x)
    })
}
