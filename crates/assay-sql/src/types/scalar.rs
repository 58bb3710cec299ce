//! Text input and output of booleans, integers and floats.

use assay_storage::{err, Error, Result, SqlState};

fn syntax(type_name: &str, input: &str) -> Error {
    err!(
        SqlState::INVALID_TEXT_REPRESENTATION,
        "invalid input syntax for type {}: \"{}\"",
        type_name,
        input
    )
}

fn is_space(c: char) -> bool {
    // C's isspace: space, \t, \n, \v, \f, \r.
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

pub(crate) fn trim_space(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Parses `boolean` input: `t`, `true`, `yes`, `on`, `1` and their
/// opposites, any unique prefix, any case, surrounding spaces ignored.
pub fn parse_bool(input: &str) -> Result<bool> {
    let s = trim_space(input).to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| s.len() >= min && word.starts_with(s.as_str());
    if prefix_of("true", 1) || prefix_of("yes", 1) || prefix_of("on", 2) || s == "1" {
        Ok(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0" {
        Ok(false)
    } else {
        Err(syntax("boolean", input))
    }
}

pub fn format_bool(b: bool) -> &'static str {
    if b {
        "t"
    } else {
        "f"
    }
}

/// Parses a decimal integer in `[min, max]` as `int2in`/`int4in`/`int8in`.
fn parse_int(input: &str, min: i64, max: i64, type_name: &str) -> Result<i64> {
    let s = trim_space(input);
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax(type_name, input));
    }
    let mut acc: i128 = 0;
    for b in digits.bytes() {
        acc = acc * 10 + i128::from(b - b'0');
        if acc > i128::from(i64::MAX) + 1 {
            break;
        }
    }
    let v = if negative { -acc } else { acc };
    if v < i128::from(min) || v > i128::from(max) {
        return Err(err!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value \"{}\" is out of range for type {}",
            input,
            type_name
        ));
    }
    Ok(v as i64)
}

pub fn parse_int2(input: &str) -> Result<i16> {
    parse_int(input, i16::MIN.into(), i16::MAX.into(), "smallint").map(|v| v as i16)
}

pub fn parse_int4(input: &str) -> Result<i32> {
    parse_int(input, i32::MIN.into(), i32::MAX.into(), "integer").map(|v| v as i32)
}

pub fn parse_int8(input: &str) -> Result<i64> {
    parse_int(input, i64::MIN, i64::MAX, "bigint")
}

/// Parses a float as `float8in`/`float4in`: decimal or exponent notation,
/// `NaN`, `Infinity`, `inf`; values beyond the type's range are errors,
/// not infinities or zeros.
fn parse_float_text<T: std::str::FromStr + Copy>(
    input: &str,
    type_name: &str,
    is_inf: impl Fn(T) -> bool,
    is_zero: impl Fn(T) -> bool,
) -> Result<T> {
    let s = trim_space(input);
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    let special = matches!(unsigned, "nan" | "inf" | "infinity");
    if special {
        let text = match (unsigned, lower.starts_with('-')) {
            ("nan", _) => "NaN",
            (_, true) => "-inf",
            (_, false) => "inf",
        };
        return text.parse().map_err(|_| syntax(type_name, input));
    } else if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
    {
        return Err(syntax(type_name, input));
    }
    let v: T = lower.parse().map_err(|_| syntax(type_name, input))?;
    {
        let mantissa = lower.split('e').next().unwrap_or("");
        let nonzero = mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b));
        if is_inf(v) || (is_zero(v) && nonzero) {
            return Err(err!(
                SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
                "\"{}\" is out of range for type {}",
                input,
                type_name
            ));
        }
    }
    Ok(v)
}

pub fn parse_float8(input: &str) -> Result<f64> {
    parse_float_text(input, "double precision", f64::is_infinite, |v| v == 0.0)
}

pub fn parse_float4(input: &str) -> Result<f32> {
    parse_float_text(input, "real", f32::is_infinite, |v| v == 0.0)
}

/// Lays out decimal digits (`digits` = d1d2d3…, value = 0.d1d2… × 10^(exp+1))
/// as `%g` does: fixed notation unless the exponent is below -4 or at least
/// `sci_from`.
fn layout(negative: bool, digits: &str, exp: i32, sci_from: i32) -> String {
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if exp < -4 || exp >= sci_from {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if exp < 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-exp - 1) as usize));
        out.push_str(digits);
    } else {
        let int_len = exp as usize + 1;
        if digits.len() <= int_len {
            out.push_str(digits);
            out.push_str(&"0".repeat(int_len - digits.len()));
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// Splits Rust's `{:e}` output (`-1.2345e-5`) into sign, digits, exponent,
/// with trailing zeros of the digits removed.
fn split_sci(sci: &str) -> (bool, String, i32) {
    let (negative, rest) = match sci.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, sci),
    };
    let (mantissa, exp) = rest.split_once('e').unwrap_or((rest, "0"));
    let mut digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (negative, digits, exp.parse().unwrap_or(0))
}

fn format_special(v: f64) -> Option<&'static str> {
    if v.is_nan() {
        Some("NaN")
    } else if v == f64::INFINITY {
        Some("Infinity")
    } else if v == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// Prints a `double precision` as `float8out`: the shortest text that reads
/// back as the same value when `extra_float_digits > 0`, else
/// `15 + extra_float_digits` significant digits.
pub fn format_float8(v: f64, extra_float_digits: i32) -> String {
    if let Some(s) = format_special(v) {
        return s.to_string();
    }
    let sci = if extra_float_digits > 0 {
        format!("{v:e}")
    } else {
        let precision = (15 + extra_float_digits).max(1) as usize;
        format!("{:.*e}", precision - 1, v)
    };
    let (negative, digits, exp) = split_sci(&sci);
    let sci_from = if extra_float_digits > 0 {
        15
    } else {
        15 + extra_float_digits
    };
    layout(negative, &digits, exp, sci_from.max(1))
}

/// Prints a `real` as `float4out` (6 significant digits is its base).
pub fn format_float4(v: f32, extra_float_digits: i32) -> String {
    if let Some(s) = format_special(f64::from(v)) {
        return s.to_string();
    }
    let sci = if extra_float_digits > 0 {
        format!("{v:e}")
    } else {
        let precision = (6 + extra_float_digits).max(1) as usize;
        format!("{:.*e}", precision - 1, v)
    };
    let (negative, digits, exp) = split_sci(&sci);
    let sci_from = if extra_float_digits > 0 {
        6
    } else {
        6 + extra_float_digits
    };
    layout(negative, &digits, exp, sci_from.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected strings verified on PostgreSQL 15.
    #[test]
    fn integers() {
        assert_eq!(parse_int4(" 12 ").unwrap(), 12);
        assert_eq!(parse_int2("+12").unwrap(), 12);
        assert_eq!(parse_int8("-9223372036854775808").unwrap(), i64::MIN);
        let cases = [
            (
                parse_int4("abc").unwrap_err(),
                "invalid input syntax for type integer: \"abc\"",
                "22P02",
            ),
            (
                parse_int4("99999999999").unwrap_err(),
                "value \"99999999999\" is out of range for type integer",
                "22003",
            ),
            (
                parse_int2("40000").unwrap_err(),
                "value \"40000\" is out of range for type smallint",
                "22003",
            ),
            (
                parse_int8("").unwrap_err(),
                "invalid input syntax for type bigint: \"\"",
                "22P02",
            ),
            (
                parse_int4("1.5").unwrap_err(),
                "invalid input syntax for type integer: \"1.5\"",
                "22P02",
            ),
            (
                parse_int8("99999999999999999999999999").unwrap_err(),
                "value \"99999999999999999999999999\" is out of range for type bigint",
                "22003",
            ),
        ];
        for (e, msg, code) in cases {
            assert_eq!(e.message(), msg);
            assert_eq!(e.code().as_str(), code);
        }
    }

    #[test]
    fn booleans() {
        for t in ["yes", " TRUE ", "t", "on", "1", "tr", "y"] {
            assert!(parse_bool(t).unwrap(), "{t}");
        }
        for f in ["of", "off", "f", "no", "0", "FALSE"] {
            assert!(!parse_bool(f).unwrap(), "{f}");
        }
        for bad in ["o", "x", "", "2", "truex"] {
            assert_eq!(
                parse_bool(bad).unwrap_err().message(),
                format!("invalid input syntax for type boolean: \"{bad}\"")
            );
        }
    }

    #[test]
    fn float8_text() {
        let cases = [
            ("0.1", "0.1"),
            ("1e20", "1e+20"),
            ("1e15", "1e+15"),
            ("1e14", "100000000000000"),
            ("123456789012345678", "1.2345678901234568e+17"),
            ("123456789012345.6", "123456789012345.6"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("1.5e-5", "1.5e-05"),
            ("-inf", "-Infinity"),
            ("nan", "NaN"),
            ("-0", "-0"),
            ("12.50", "12.5"),
            ("+nan", "NaN"),
            ("1.e5", "100000"),
        ];
        for (input, want) in cases {
            assert_eq!(
                format_float8(parse_float8(input).unwrap(), 1),
                want,
                "{input}"
            );
        }
        assert_eq!(format_float8(f64::from(0.1f32), 1), "0.10000000149011612");
        // extra_float_digits 0 and -3, verified on PostgreSQL 15.
        assert_eq!(format_float8(0.1 + 0.2, 0), "0.3");
        assert_eq!(format_float8(1e15, 0), "1e+15");
        assert_eq!(format_float8(1e14, 0), "100000000000000");
        assert_eq!(format_float8(f64::from(0.1f32), 0), "0.100000001490116");
        assert_eq!(format_float8(1.5e-5, 0), "1.5e-05");
        assert_eq!(format_float8(std::f64::consts::PI, -3), "3.14159265359");
        assert_eq!(format_float8(1e12, -3), "1e+12");
        assert_eq!(format_float4(123_456_789.123, 0), "1.23457e+08");
        for (bad, msg) in [
            (
                "1e400",
                "\"1e400\" is out of range for type double precision",
            ),
            (
                "1e-400",
                "\"1e-400\" is out of range for type double precision",
            ),
            ("x", "invalid input syntax for type double precision: \"x\""),
            ("", "invalid input syntax for type double precision: \"\""),
            (".", "invalid input syntax for type double precision: \".\""),
        ] {
            assert_eq!(parse_float8(bad).unwrap_err().message(), msg);
        }
    }

    #[test]
    fn float4_text() {
        let cases = [
            ("1e6", "1e+06"),
            ("100000", "100000"),
            ("1234567", "1.234567e+06"),
            ("0.1", "0.1"),
            ("infinity", "Infinity"),
        ];
        for (input, want) in cases {
            assert_eq!(
                format_float4(parse_float4(input).unwrap(), 1),
                want,
                "{input}"
            );
        }
        assert_eq!(
            parse_float4("1e39").unwrap_err().message(),
            "\"1e39\" is out of range for type real"
        );
    }
}
