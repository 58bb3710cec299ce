//! `numeric`: arbitrary-precision decimals with PostgreSQL's special values
//! and scale rules.
//!
//! A finite value is a [`BigDecimal`] whose scale is never negative and is
//! exactly PostgreSQL's *display scale*: `1.50` keeps scale 2, sums keep the
//! larger scale, products the sum of the scales, and quotients the scale
//! chosen by PostgreSQL's `select_div_scale` (at least 16 significant
//! digits, and no less than either input's scale).

use std::cmp::Ordering;
use std::fmt;

use assay_storage::{bail, err, Error, Result, SqlState};
use bigdecimal::num_bigint::{BigInt, Sign};
use bigdecimal::{BigDecimal, RoundingMode, Signed, ToPrimitive, Zero};

use super::datatype::NumericTypmod;

/// Significant digits a quotient gets at least.
const MIN_SIG_DIGITS: i64 = 16;
/// Largest display scale PostgreSQL produces.
const MAX_DISPLAY_SCALE: i64 = 1000;
/// Largest decimal exponent accepted in input.
const MAX_INPUT_EXPONENT: i64 = 131_072;

/// A PostgreSQL `numeric` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Numeric {
    NaN,
    PosInf,
    NegInf,
    Finite(BigDecimal),
}

fn invalid(s: &str) -> Error {
    err!(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "invalid input syntax for type numeric: \"{}\"",
        s
    )
}

pub(crate) fn pow10(n: u32) -> BigInt {
    num_pow(BigInt::from(10), n)
}

fn num_pow(base: BigInt, mut exp: u32) -> BigInt {
    let mut result = BigInt::from(1);
    let mut b = base;
    while exp > 0 {
        if exp & 1 == 1 {
            result *= &b;
        }
        b = &b * &b;
        exp >>= 1;
    }
    result
}

/// Integer division rounding half away from zero.
fn div_round(n: &BigInt, d: &BigInt) -> BigInt {
    let q = n / d;
    let r = n % d;
    let twice: BigInt = r.abs() * 2;
    if twice >= d.abs() {
        if (n.sign() == Sign::Minus) != (d.sign() == Sign::Minus) {
            q - 1
        } else {
            q + 1
        }
    } else {
        q
    }
}

/// Builds a finite value from digits and a scale that may be negative.
fn finite(digits: BigInt, scale: i64) -> Numeric {
    if scale < 0 {
        Numeric::Finite(BigDecimal::new(digits * pow10((-scale) as u32), 0))
    } else {
        Numeric::Finite(BigDecimal::new(digits, scale))
    }
}

impl Numeric {
    pub fn zero() -> Numeric {
        Numeric::Finite(BigDecimal::zero())
    }

    pub fn from_i64(v: i64) -> Numeric {
        Numeric::Finite(BigDecimal::from(v))
    }

    /// Parses numeric input as `numeric_in` does.
    pub fn parse(input: &str) -> Result<Numeric> {
        let s = input.trim_matches(|c: char| c.is_ascii_whitespace());
        let lower = s.to_ascii_lowercase();
        match lower.as_str() {
            "nan" => return Ok(Numeric::NaN),
            "infinity" | "+infinity" | "inf" | "+inf" => return Ok(Numeric::PosInf),
            "-infinity" | "-inf" => return Ok(Numeric::NegInf),
            _ => {}
        }
        let bytes = s.as_bytes();
        let mut i = 0;
        let negative = match bytes.first() {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let mut digits = String::new();
        let mut frac_digits: i64 = 0;
        let mut seen_point = false;
        let mut any_digit = false;
        while i < bytes.len() {
            match bytes[i] {
                b'0'..=b'9' => {
                    digits.push(bytes[i] as char);
                    any_digit = true;
                    if seen_point {
                        frac_digits += 1;
                    }
                }
                b'.' if !seen_point => seen_point = true,
                _ => break,
            }
            i += 1;
        }
        if !any_digit {
            return Err(invalid(input));
        }
        let mut exponent: i64 = 0;
        if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
            i += 1;
            let mut exp_negative = false;
            if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
                exp_negative = bytes[i] == b'-';
                i += 1;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                exponent = exponent
                    .saturating_mul(10)
                    .saturating_add(i64::from(bytes[i] - b'0'));
                i += 1;
            }
            if i == start {
                return Err(invalid(input));
            }
            if exponent > MAX_INPUT_EXPONENT {
                bail!(
                    SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                    "value overflows numeric format"
                );
            }
            if exp_negative {
                exponent = -exponent;
            }
        }
        if i != bytes.len() {
            return Err(invalid(input));
        }
        let mut int: BigInt = digits.parse().map_err(|_| invalid(input))?;
        if negative {
            int = -int;
        }
        Ok(finite(int, frac_digits - exponent))
    }

    pub fn is_nan(&self) -> bool {
        matches!(self, Numeric::NaN)
    }

    pub fn is_finite(&self) -> bool {
        matches!(self, Numeric::Finite(_))
    }

    /// The display scale of a finite value (0 for the special values).
    pub fn scale(&self) -> i64 {
        match self {
            Numeric::Finite(d) => d.as_bigint_and_exponent().1,
            _ => 0,
        }
    }

    /// -1, 0 or 1 (NaN gives 0... and is never asked in practice).
    fn signum(&self) -> i32 {
        match self {
            Numeric::NaN => 0,
            Numeric::PosInf => 1,
            Numeric::NegInf => -1,
            Numeric::Finite(d) => match d.sign() {
                Sign::Minus => -1,
                Sign::NoSign => 0,
                Sign::Plus => 1,
            },
        }
    }

    /// Rounds to `scale` fractional digits, half away from zero; a negative
    /// scale rounds to tens, hundreds, ….
    pub fn round(&self, scale: i64) -> Numeric {
        match self {
            Numeric::Finite(d) => {
                let r = d.with_scale_round(scale, RoundingMode::HalfUp);
                if scale < 0 {
                    let (digits, s) = r.into_bigint_and_exponent();
                    finite(digits, s)
                } else {
                    Numeric::Finite(r)
                }
            }
            other => other.clone(),
        }
    }

    /// Coerces the value to `numeric(p,s)` as an assignment or cast does.
    pub fn apply_typmod(&self, typmod: NumericTypmod) -> Result<Numeric> {
        let (p, s) = (i64::from(typmod.precision), i64::from(typmod.scale));
        let max_digits = p - s;
        let overflow = || {
            err!(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "numeric field overflow"
            )
        };
        match self {
            Numeric::NaN => Ok(Numeric::NaN),
            Numeric::PosInf | Numeric::NegInf => Err(overflow().with_detail(format!(
                "A field with precision {p}, scale {s} cannot hold an infinite value."
            ))),
            Numeric::Finite(_) => {
                let rounded = self.round(s);
                let Numeric::Finite(d) = &rounded else {
                    return Ok(rounded);
                };
                if !d.is_zero() {
                    // Digits before the decimal point: floor(log10|x|) + 1.
                    let (digits, scale) = d.as_bigint_and_exponent();
                    let int_digits = digits.abs().to_string().len() as i64 - scale;
                    if int_digits > max_digits {
                        let limit = if max_digits != 0 {
                            format!("10^{max_digits}")
                        } else {
                            "1".to_string()
                        };
                        return Err(overflow().with_detail(format!(
                            "A field with precision {p}, scale {s} must round to an absolute value less than {limit}."
                        )));
                    }
                }
                Ok(rounded)
            }
        }
    }

    pub fn neg(&self) -> Numeric {
        match self {
            Numeric::NaN => Numeric::NaN,
            Numeric::PosInf => Numeric::NegInf,
            Numeric::NegInf => Numeric::PosInf,
            Numeric::Finite(d) => Numeric::Finite(-d),
        }
    }

    pub fn abs(&self) -> Numeric {
        match self {
            Numeric::NegInf => Numeric::PosInf,
            Numeric::Finite(d) => Numeric::Finite(d.abs()),
            other => other.clone(),
        }
    }

    pub fn add(&self, other: &Numeric) -> Numeric {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => NaN,
            (PosInf, NegInf) | (NegInf, PosInf) => NaN,
            (PosInf, _) | (_, PosInf) => PosInf,
            (NegInf, _) | (_, NegInf) => NegInf,
            (Finite(a), Finite(b)) => Finite(a + b),
        }
    }

    pub fn sub(&self, other: &Numeric) -> Numeric {
        self.add(&other.neg())
    }

    pub fn mul(&self, other: &Numeric) -> Numeric {
        use Numeric::*;
        match (self, other) {
            (NaN, _) | (_, NaN) => NaN,
            (Finite(a), Finite(b)) => Finite(a * b),
            _ => match self.signum() * other.signum() {
                0 => NaN,
                1 => PosInf,
                _ => NegInf,
            },
        }
    }

    /// Division with PostgreSQL's result scale; `division by zero` (22012).
    pub fn div(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        Ok(match (self, other) {
            (NaN, _) | (_, NaN) => NaN,
            (_, Finite(b)) if b.is_zero() => {
                bail!(SqlState::DIVISION_BY_ZERO, "division by zero")
            }
            (PosInf | NegInf, PosInf | NegInf) => NaN,
            (PosInf | NegInf, _) => {
                if self.signum() * other.signum() > 0 {
                    PosInf
                } else {
                    NegInf
                }
            }
            (Finite(a), Finite(b)) => {
                let rscale = select_div_scale(a, b);
                Finite(div_to_scale(a, b, rscale))
            }
            (Finite(_), _) => Numeric::zero(),
        })
    }

    /// Truncating division's remainder, as `numeric_mod`.
    pub fn rem(&self, other: &Numeric) -> Result<Numeric> {
        use Numeric::*;
        Ok(match (self, other) {
            (NaN, _) | (_, NaN) => NaN,
            (_, Finite(b)) if b.is_zero() => {
                bail!(SqlState::DIVISION_BY_ZERO, "division by zero")
            }
            (PosInf | NegInf, _) => NaN,
            (Finite(a), Finite(b)) => {
                let scale = a
                    .as_bigint_and_exponent()
                    .1
                    .max(b.as_bigint_and_exponent().1);
                let (ai, bi) = (rescale(a, scale), rescale(b, scale));
                Finite(BigDecimal::new(ai % bi, scale))
            }
            (Finite(_), _) => self.clone(),
        })
    }

    /// Rounds half away from zero to an integer, if it fits in an `i64`.
    pub fn to_i64_rounded(&self) -> Option<i64> {
        match self.round(0) {
            Numeric::Finite(d) => d.as_bigint_and_exponent().0.to_i64(),
            _ => None,
        }
    }

    pub fn to_f64(&self) -> f64 {
        match self {
            Numeric::NaN => f64::NAN,
            Numeric::PosInf => f64::INFINITY,
            Numeric::NegInf => f64::NEG_INFINITY,
            Numeric::Finite(_) => self.to_string().parse().unwrap_or(f64::NAN),
        }
    }

    /// Converts a float as `float8_numeric` does: through its decimal text
    /// with `digits` significant digits (15 for double, 6 for real).
    pub fn from_float(v: f64, digits: usize) -> Numeric {
        if v.is_nan() {
            return Numeric::NaN;
        }
        if v.is_infinite() {
            return if v > 0.0 {
                Numeric::PosInf
            } else {
                Numeric::NegInf
            };
        }
        // `%.{digits}g`: mantissa without trailing zeros, then the exponent.
        let sci = format!("{:.*e}", digits.saturating_sub(1), v);
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let mantissa = if mantissa.contains('.') {
            mantissa.trim_end_matches('0').trim_end_matches('.')
        } else {
            mantissa
        };
        Numeric::parse(&format!("{mantissa}e{exp}")).unwrap_or(Numeric::NaN)
    }
}

/// The digits of `d` at a scale at least its own.
fn rescale(d: &BigDecimal, scale: i64) -> BigInt {
    let (digits, s) = d.as_bigint_and_exponent();
    digits * pow10((scale - s) as u32)
}

/// Base-10000 weight and first base-10000 digit of a nonzero value, as
/// PostgreSQL's digit arrays hold it.
fn nbase_weight_and_first_digit(d: &BigDecimal) -> (i64, i64) {
    let (digits, scale) = d.as_bigint_and_exponent();
    let text = digits.abs().to_string();
    // Decimal exponent of the leading digit.
    let e10 = text.len() as i64 - 1 - scale;
    let weight = e10.div_euclid(4);
    let lead_len = (e10 - weight * 4 + 1) as usize;
    let first: i64 = text[..lead_len.min(text.len())].parse().unwrap_or(0)
        * 10i64.pow(lead_len.saturating_sub(text.len()) as u32);
    (weight, first)
}

/// PostgreSQL's choice of a quotient's display scale.
fn select_div_scale(a: &BigDecimal, b: &BigDecimal) -> i64 {
    let (w1, f1) = if a.is_zero() {
        (0, 0)
    } else {
        nbase_weight_and_first_digit(a)
    };
    let (w2, f2) = nbase_weight_and_first_digit(b);
    let mut qweight = w1 - w2;
    if f1 <= f2 {
        qweight -= 1;
    }
    let sa = a.as_bigint_and_exponent().1;
    let sb = b.as_bigint_and_exponent().1;
    (MIN_SIG_DIGITS - qweight * 4)
        .max(sa)
        .max(sb)
        .clamp(0, MAX_DISPLAY_SCALE)
}

/// `a / b` rounded half away from zero to `scale` digits.
fn div_to_scale(a: &BigDecimal, b: &BigDecimal, scale: i64) -> BigDecimal {
    let (ai, sa) = a.as_bigint_and_exponent();
    let (bi, sb) = b.as_bigint_and_exponent();
    // a/b = ai/bi * 10^(sb - sa); we want q * 10^-scale.
    let shift = scale - sa + sb;
    let (n, d) = if shift >= 0 {
        (ai * pow10(shift as u32), bi)
    } else {
        (ai, bi * pow10((-shift) as u32))
    };
    BigDecimal::new(div_round(&n, &d), scale)
}

impl Ord for Numeric {
    /// PostgreSQL's order: -Infinity < finite values < Infinity < NaN.
    fn cmp(&self, other: &Numeric) -> Ordering {
        use Numeric::*;
        let rank = |n: &Numeric| match n {
            NegInf => 0,
            Finite(_) => 1,
            PosInf => 2,
            NaN => 3,
        };
        match (self, other) {
            (Finite(a), Finite(b)) => a.cmp(b),
            _ => rank(self).cmp(&rank(other)),
        }
    }
}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Numeric) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Numeric {
    /// Prints with exactly the display scale: `1.50`, `-0.5`, `NaN`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Numeric::NaN => f.write_str("NaN"),
            Numeric::PosInf => f.write_str("Infinity"),
            Numeric::NegInf => f.write_str("-Infinity"),
            Numeric::Finite(d) => {
                let (digits, scale) = d.as_bigint_and_exponent();
                let negative = digits.sign() == Sign::Minus;
                let mut text = digits.abs().to_string();
                let scale = scale.max(0) as usize;
                if negative {
                    f.write_str("-")?;
                }
                if scale == 0 {
                    return f.write_str(&text);
                }
                if text.len() <= scale {
                    text = format!("{}{}", "0".repeat(scale + 1 - text.len()), text);
                }
                let (int, frac) = text.split_at(text.len() - scale);
                write!(f, "{int}.{frac}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Numeric {
        Numeric::parse(s).unwrap()
    }

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn input_output() {
        let cases = [
            ("1.50", "1.50"),
            ("1e5", "100000"),
            ("1.5e1", "15"),
            ("1e-3", "0.001"),
            ("-.5", "-0.5"),
            ("5.", "5"),
            (" 12 ", "12"),
            ("inf", "Infinity"),
            ("-Infinity", "-Infinity"),
            ("nan", "NaN"),
            ("-0", "0"),
            ("0.000", "0.000"),
        ];
        for (input, want) in cases {
            assert_eq!(n(input).to_string(), want, "{input}");
        }
        for bad in ["abc", "", "1e", "1.2.3", "--1", ".", "1 2", "e5"] {
            let e = Numeric::parse(bad).unwrap_err();
            assert_eq!(
                e.message(),
                format!("invalid input syntax for type numeric: \"{bad}\"")
            );
        }
    }

    #[test]
    fn division_scale_matches_postgres() {
        let cases = [
            ("10", "3", "3.3333333333333333"),
            ("1", "3", "0.33333333333333333333"),
            ("2", "3", "0.66666666666666666667"),
            ("1000000", "3", "333333.333333333333"),
            ("0.001", "7", "0.00014285714285714286"),
            (
                "12345678901234567890",
                "0.00003",
                "411522630041152263000000.00000",
            ),
            ("1", "Infinity", "0"),
            ("NaN", "0", "NaN"),
        ];
        for (a, b, want) in cases {
            assert_eq!(n(a).div(&n(b)).unwrap().to_string(), want, "{a}/{b}");
        }
        let e = n("1.5").div(&n("0")).unwrap_err();
        assert_eq!(e.code(), SqlState::DIVISION_BY_ZERO);
        assert_eq!(n("7.5").rem(&n("2")).unwrap().to_string(), "1.5");
        assert_eq!(n("-7.5").rem(&n("2")).unwrap().to_string(), "-1.5");
    }

    #[test]
    fn typmod_rounding_and_overflow() {
        let m = |p, s| NumericTypmod {
            precision: p,
            scale: s,
        };
        assert_eq!(
            n("123.456").apply_typmod(m(5, 2)).unwrap().to_string(),
            "123.46"
        );
        assert_eq!(n("1.5").apply_typmod(m(3, 0)).unwrap().to_string(), "2");
        let e = n("999.995").apply_typmod(m(5, 2)).unwrap_err();
        assert_eq!(e.message(), "numeric field overflow");
        assert_eq!(
            e.detail(),
            Some(
                "A field with precision 5, scale 2 must round to an absolute value less than 10^3."
            )
        );
        let e = n("inf").apply_typmod(m(5, 2)).unwrap_err();
        assert_eq!(
            e.detail(),
            Some("A field with precision 5, scale 2 cannot hold an infinite value.")
        );
        assert_eq!(
            n("1234").apply_typmod(m(2, -3)).unwrap().to_string(),
            "1000"
        );
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(n("2.5").to_i64_rounded(), Some(3));
        assert_eq!(n("-2.5").to_i64_rounded(), Some(-3));
        assert_eq!(n("-0.5").to_i64_rounded(), Some(-1));
    }

    #[test]
    fn order_puts_nan_last() {
        let mut v = [n("nan"), n("inf"), n("1"), n("-inf"), n("1.0"), n("-2")];
        v.sort();
        let s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
        assert_eq!(s, ["-Infinity", "-2", "1", "1.0", "Infinity", "NaN"]);
    }

    #[test]
    fn floats_convert_through_15_digits() {
        assert_eq!(Numeric::from_float(0.1, 15).to_string(), "0.1");
        assert_eq!(Numeric::from_float(12.5, 15).to_string(), "12.5");
        assert_eq!(Numeric::from_float(f64::from(0.1f32), 6).to_string(), "0.1");
        assert_eq!(Numeric::from_float(1e300, 15).to_string().len(), 301);
        assert_eq!(n("1.25").to_f64(), 1.25);
    }
}
