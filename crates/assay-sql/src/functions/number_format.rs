//! `to_char(number, format)`: PostgreSQL's number format patterns.
//!
//! A format is read into [`Node`]s (patterns and literal text) and a
//! [`NumDesc`] summary: digit positions before (`pre`) and after (`post`)
//! the decimal point, where zero-padding starts, the sign style, fill
//! mode. The value is then turned into a plain digit string without sign
//! (`number`), rounded to `post` digits, with `out_pre_spaces` unused
//! leading digit positions; a value with more integer digits than the
//! format has positions prints as `#`s. Finally [`render`] walks the
//! nodes, emitting digits, separators, signs and literal text as
//! PostgreSQL's `NUM_processor` does (the C locale: `.` and `,`, a blank
//! currency symbol).
//!
//! Patterns: `9` digit, `0` zero-padded digit, `.`/`D` decimal point,
//! `,`/`G` group separator, `S` anchored sign, `MI`/`PL`/`SG` sign at a
//! position, `PR` angle brackets for negatives, `L` currency, `RN`/`rn`
//! Roman numerals, `TH`/`th` ordinal suffix, `V` shift by 10^n, `EEEE`
//! scientific notation, `FM` fill mode (no padding). Text in double
//! quotes is copied.

use assay_storage::{bail, err, Error, Result, SqlState};
use bigdecimal::{BigDecimal, RoundingMode, Signed, Zero};

use super::args::text;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::{format_value, numeric_pow10, Numeric, Value};

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for t in [Int4, Int8, Float4, Float8, Numeric] {
        b.scalar("to_char", &[t, Text], Text, to_char).stable();
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Nine,
    Zero,
    Dec,
    D,
    Comma,
    G,
    B,
    C,
    S,
    Mi,
    Pl,
    Sg,
    Pr,
    L,
    RomanUpper,
    RomanLower,
    ThUpper,
    ThLower,
    V,
    Eeee,
    Fm,
    Sp,
}

#[derive(Debug)]
enum Node {
    Key(Key),
    Text(String),
}

/// Patterns, longest first so that `EEEE` wins over `E`-less prefixes.
const KEYWORDS: &[(&str, Key)] = &[
    ("EEEE", Key::Eeee),
    ("eeee", Key::Eeee),
    ("FM", Key::Fm),
    ("fm", Key::Fm),
    ("MI", Key::Mi),
    ("mi", Key::Mi),
    ("PL", Key::Pl),
    ("pl", Key::Pl),
    ("PR", Key::Pr),
    ("pr", Key::Pr),
    ("RN", Key::RomanUpper),
    ("rn", Key::RomanLower),
    ("SG", Key::Sg),
    ("sg", Key::Sg),
    ("SP", Key::Sp),
    ("sp", Key::Sp),
    ("TH", Key::ThUpper),
    ("th", Key::ThLower),
    (",", Key::Comma),
    (".", Key::Dec),
    ("0", Key::Zero),
    ("9", Key::Nine),
    ("B", Key::B),
    ("b", Key::B),
    ("C", Key::C),
    ("c", Key::C),
    ("D", Key::D),
    ("d", Key::D),
    ("G", Key::G),
    ("g", Key::G),
    ("L", Key::L),
    ("l", Key::L),
    ("S", Key::S),
    ("s", Key::S),
    ("V", Key::V),
    ("v", Key::V),
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum LocalSign {
    #[default]
    None,
    Pre,
    Post,
}

/// What the format asks for, gathered while reading it.
#[derive(Debug, Default)]
struct NumDesc {
    pre: usize,
    post: usize,
    /// Digits after `V`.
    multi: usize,
    /// 1-based position of the first `0` before the point (0: none).
    zero_start: usize,
    zero_end: usize,
    zero: bool,
    decimal: bool,
    fill: bool,
    lsign: LocalSign,
    pre_lsign_num: usize,
    minus: bool,
    plus: bool,
    bracket: bool,
    roman: bool,
    eeee: bool,
    shift: bool,
    blank: bool,
}

fn format_error(msg: &str) -> Error {
    err!(SqlState::SYNTAX_ERROR, "{}", msg)
}

/// Reads the format into nodes and its summary.
fn parse(fmt: &str) -> Result<(Vec<Node>, NumDesc)> {
    let mut nodes = Vec::new();
    let mut d = NumDesc::default();
    let mut rest = fmt;
    while let Some(c) = rest.chars().next() {
        if let Some((kw, key)) = KEYWORDS.iter().find(|(kw, _)| rest.starts_with(kw)) {
            describe(&mut d, *key)?;
            nodes.push(Node::Key(*key));
            rest = &rest[kw.len()..];
            continue;
        }
        if c == '"' {
            // Quoted text; a backslash takes the next character literally.
            let mut literal = String::new();
            let mut chars = rest[1..].char_indices();
            let mut end = rest.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '"' => {
                        end = i + 2;
                        break;
                    }
                    '\\' => match chars.next() {
                        Some((_, n)) => literal.push(n),
                        None => literal.push('\\'),
                    },
                    _ => literal.push(ch),
                }
            }
            nodes.push(Node::Text(literal));
            rest = &rest[end.min(rest.len())..];
            continue;
        }
        // Outside quotes a backslash only escapes a double quote.
        let skip = if rest.starts_with("\\\"") { 1 } else { 0 };
        let ch = rest[skip..].chars().next().unwrap_or(c);
        nodes.push(Node::Text(ch.to_string()));
        rest = &rest[skip + ch.len_utf8()..];
    }
    Ok((nodes, d))
}

/// Folds one pattern into the summary, with PostgreSQL's checks.
fn describe(d: &mut NumDesc, key: Key) -> Result<()> {
    if d.eeee && key != Key::Eeee {
        return Err(format_error("\"EEEE\" must be the last pattern used"));
    }
    match key {
        Key::Nine => {
            if d.bracket {
                return Err(format_error("\"9\" must be ahead of \"PR\""));
            }
            if d.shift {
                d.multi += 1;
            } else if d.decimal {
                d.post += 1;
            } else {
                d.pre += 1;
            }
        }
        Key::Zero => {
            if d.bracket {
                return Err(format_error("\"0\" must be ahead of \"PR\""));
            }
            if !d.zero && !d.decimal {
                d.zero = true;
                d.zero_start = d.pre + 1;
            }
            if d.decimal {
                d.post += 1;
            } else {
                d.pre += 1;
            }
            d.zero_end = d.pre + d.post;
        }
        Key::B => {
            if d.pre == 0 && d.post == 0 && !d.zero {
                d.blank = true;
            }
        }
        Key::D | Key::Dec => {
            if d.decimal {
                return Err(format_error("multiple decimal points"));
            }
            if d.shift {
                return Err(format_error("cannot use \"V\" and decimal point together"));
            }
            d.decimal = true;
        }
        Key::Fm => d.fill = true,
        Key::S => {
            if d.lsign != LocalSign::None {
                return Err(format_error("cannot use \"S\" twice"));
            }
            if d.plus || d.minus || d.bracket {
                return Err(format_error(
                    "cannot use \"S\" and \"PL\"/\"MI\"/\"SG\"/\"PR\" together",
                ));
            }
            if !d.decimal {
                d.lsign = LocalSign::Pre;
                d.pre_lsign_num = d.pre;
            } else {
                d.lsign = LocalSign::Post;
            }
        }
        Key::Mi | Key::Pl | Key::Sg => {
            if d.lsign != LocalSign::None {
                let name = match key {
                    Key::Mi => "MI",
                    Key::Pl => "PL",
                    _ => "SG",
                };
                return Err(format_error(&format!(
                    "cannot use \"S\" and \"{name}\" together"
                )));
            }
            d.minus |= key != Key::Pl;
            d.plus |= key != Key::Mi;
        }
        Key::Pr => {
            if d.lsign != LocalSign::None || d.plus || d.minus {
                return Err(format_error(
                    "cannot use \"PR\" and \"S\"/\"PL\"/\"MI\"/\"SG\" together",
                ));
            }
            d.bracket = true;
        }
        Key::RomanUpper | Key::RomanLower => d.roman = true,
        Key::V => {
            if d.decimal {
                return Err(format_error("cannot use \"V\" and decimal point together"));
            }
            d.shift = true;
        }
        Key::Eeee => {
            if d.eeee {
                return Err(format_error("cannot use \"EEEE\" twice"));
            }
            if d.blank
                || d.fill
                || d.lsign != LocalSign::None
                || d.bracket
                || d.minus
                || d.plus
                || d.roman
                || d.shift
            {
                return Err(format_error("\"EEEE\" is incompatible with other formats")
                    .with_detail(
                        "\"EEEE\" may only be used together with digit and decimal point patterns.",
                    ));
            }
            d.eeee = true;
        }
        Key::Comma | Key::G | Key::L | Key::C | Key::ThUpper | Key::ThLower | Key::Sp => {}
    }
    Ok(())
}

/// The value as the formatter sees it: unsigned digits, its sign, and the
/// number of unused leading digit positions.
struct Prepared {
    number: String,
    sign: char,
    out_pre_spaces: usize,
}

fn to_char(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let (nodes, mut d) = parse(text(&a[1])?)?;
    let value = &a[0];
    let p = if d.roman {
        Prepared {
            number: roman(roman_input(value)?),
            sign: '+',
            out_pre_spaces: 0,
        }
    } else if d.eeee {
        Prepared {
            number: scientific(value, d.post, d.pre)?,
            sign: '+',
            out_pre_spaces: 0,
        }
    } else {
        plain(value, &mut d, ctx)?
    };
    Ok(Value::text(&render(&nodes, &mut d, &p)?))
}

fn out_of_range(what: &str) -> Error {
    err!(
        SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
        "{} out of range",
        what
    )
}

/// The integer a Roman numeral is made of (rounded; must fit `integer`).
fn roman_input(v: &Value) -> Result<i64> {
    Ok(match v {
        Value::Int2(i) => i64::from(*i),
        Value::Int4(i) => i64::from(*i),
        Value::Int8(i) => {
            i32::try_from(*i).map_err(|_| out_of_range("integer"))?;
            *i
        }
        Value::Float4(f) => f64::from(*f).round_ties_even() as i32 as i64,
        Value::Float8(f) => f.round_ties_even() as i32 as i64,
        Value::Numeric(n) => match n.round(0) {
            Numeric::Finite(d) => {
                let i = d.to_string().parse::<i64>().unwrap_or(i64::MAX);
                i32::try_from(i).map_err(|_| out_of_range("integer"))?;
                i
            }
            Numeric::NaN => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot convert NaN to integer"
            ),
            _ => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "cannot convert infinity to integer"
            ),
        },
        v => return Err(super::args::internal("a number", v)),
    })
}

/// Roman numerals for 1..=3999; fifteen `#`s otherwise.
fn roman(n: i64) -> String {
    if !(1..=3999).contains(&n) {
        return "#".repeat(15);
    }
    const DIGITS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut n = n;
    let mut out = String::new();
    for (v, s) in DIGITS {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// `d.ddde+XX` with `post` fractional digits and a leading blank in
/// place of a plus sign; `#`s for NaN and the infinities.
fn scientific(v: &Value, post: usize, pre: usize) -> Result<String> {
    let special = || {
        let mut s: Vec<char> = std::iter::repeat_n('#', pre + post + 6).collect();
        s[0] = ' ';
        s[pre + 1] = '.';
        s.into_iter().collect::<String>()
    };
    let body = match v {
        Value::Float4(_) | Value::Float8(_) | Value::Int2(_) | Value::Int4(_) => {
            let f = super::args::float(v)?;
            if !f.is_finite() {
                return Ok(special());
            }
            c_exponent(&format!("{:+.*e}", post, f))
        }
        _ => match super::args::numeric(v)? {
            Numeric::Finite(d) => numeric_scientific(&d, post),
            _ => return Ok(special()),
        },
    };
    Ok(match body.strip_prefix('+') {
        Some(rest) => format!(" {rest}"),
        None if body.starts_with('-') => body,
        None => format!(" {body}"),
    })
}

/// Rust's `1.5e3` as C's `1.5e+03`.
fn c_exponent(s: &str) -> String {
    let Some((mantissa, exp)) = s.split_once('e') else {
        return s.to_string();
    };
    let (sign, digits) = match exp.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exp),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

/// A numeric in scientific notation, rounded half away from zero.
fn numeric_scientific(d: &BigDecimal, post: usize) -> String {
    if d.is_zero() {
        let zeros = "0".repeat(post);
        return if post > 0 {
            format!("0.{zeros}e+00")
        } else {
            "0e+00".to_string()
        };
    }
    let (digits, scale) = d.abs().as_bigint_and_exponent();
    let ndigits = digits.to_string().len() as i64;
    let mut exp = ndigits - 1 - scale;
    // Round the mantissa d / 10^exp to `post` places.
    let mut m = BigDecimal::new(digits.clone(), scale + exp)
        .with_scale_round(post as i64, RoundingMode::HalfUp);
    if m.digits() as i64 - m.fractional_digit_count() > 1 {
        exp += 1;
        m = BigDecimal::new(digits, scale + exp)
            .with_scale_round(post as i64, RoundingMode::HalfUp);
    }
    let sign = if d.is_negative() { "-" } else { "" };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{m}e{esign}{:02}", exp.abs())
}

/// The digits of a value for the digit patterns.
fn plain(v: &Value, d: &mut NumDesc, ctx: &EvalContext<'_>) -> Result<Prepared> {
    let multi = d.multi as u32;
    let (sign, mut number) = match v {
        Value::Int2(_) | Value::Int4(_) | Value::Int8(_) => {
            let i = super::args::int(v)?;
            // `V` multiplies with wrap-around, as PostgreSQL 15 does.
            let i = match (d.shift, v) {
                (false, _) => i,
                (true, Value::Int8(_)) => i.wrapping_mul(10i64.wrapping_pow(multi)),
                (true, _) => i64::from((i as i32).wrapping_mul(10i32.wrapping_pow(multi))),
            };
            let mut s = i.unsigned_abs().to_string();
            if d.post > 0 {
                s.push('.');
                s.push_str(&"0".repeat(d.post));
            }
            (if i < 0 { '-' } else { '+' }, s)
        }
        Value::Float4(_) | Value::Float8(_) => {
            let single = matches!(v, Value::Float4(_));
            let mut f = super::args::float(v)?;
            if d.shift {
                f *= 10f64.powi(multi as i32);
                if single {
                    f = f64::from(f as f32);
                }
            }
            let max_digits = if single { 6 } else { 15 };
            let int_len = c_fixed(f.abs(), 0).len();
            if int_len >= max_digits {
                d.post = 0;
            } else if int_len + d.post > max_digits {
                d.post = max_digits - int_len;
            }
            let s = c_fixed(f, d.post);
            match s.strip_prefix('-') {
                Some(rest) => ('-', rest.to_string()),
                None => ('+', s),
            }
        }
        _ => {
            let mut n = super::args::numeric(v)?;
            if d.shift {
                n = n.mul(&Numeric::Finite(BigDecimal::new(numeric_pow10(multi), 0)));
            }
            let rounded = Value::numeric(n.round(d.post as i64));
            let s = format_value(&rounded, ctx.settings).unwrap_or_default();
            match s.strip_prefix('-') {
                Some(rest) => ('-', rest.to_string()),
                None => ('+', s),
            }
        }
    };
    if d.shift {
        d.pre += d.multi;
    }
    let pre_len = number.find('.').unwrap_or(number.len());
    let mut out_pre_spaces = 0;
    if pre_len < d.pre {
        out_pre_spaces = d.pre - pre_len;
    } else if pre_len > d.pre {
        let mut hashes: Vec<char> = std::iter::repeat_n('#', d.pre + d.post + 1).collect();
        hashes[d.pre] = '.';
        number = hashes.into_iter().collect();
    }
    Ok(Prepared {
        number,
        sign,
        out_pre_spaces,
    })
}

/// PostgreSQL's `%.*f`: Rust's fixed formatting rounds the exact binary
/// value the same way; the infinities and NaN are spelled as
/// PostgreSQL's own `snprintf` spells them.
fn c_fixed(f: f64, digits: usize) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    format!("{:.*}", digits, f)
}

/// The ordinal suffix of the number's last digit (`TH` for the teens).
fn ordinal(number: &str, upper: bool) -> Result<&'static str> {
    let b = number.as_bytes();
    let Some(&last) = b.last().filter(|c| c.is_ascii_digit()) else {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "\"{}\" is not a number",
            number
        );
    };
    let teen = b.len() > 1 && b[b.len() - 2] == b'1';
    let s = match (teen, last) {
        (false, b'1') => "st",
        (false, b'2') => "nd",
        (false, b'3') => "rd",
        _ => "th",
    };
    Ok(if upper {
        match s {
            "st" => "ST",
            "nd" => "ND",
            "rd" => "RD",
            _ => "TH",
        }
    } else {
        s
    })
}

/// The formatter's state while it walks the nodes.
struct Renderer<'a> {
    d: &'a NumDesc,
    number: Vec<char>,
    /// Index of the next character of `number` to print.
    at: usize,
    sign: char,
    sign_wrote: bool,
    out_pre_spaces: usize,
    num_count: i64,
    num_curr: usize,
    num_in: bool,
    /// With FM and a decimal point: the last digit worth printing.
    last_relevant: Option<usize>,
    out: String,
}

impl Renderer<'_> {
    fn is_predec_space(&self) -> bool {
        !self.d.zero && self.at == 0 && self.number.first() == Some(&'0') && self.d.post != 0
    }

    fn last_relevant_is_point(&self) -> bool {
        self.last_relevant
            .is_some_and(|i| self.number.get(i) == Some(&'.'))
    }

    fn write_sign_if_due(&mut self) {
        let d = self.d;
        let due = self.num_curr >= self.out_pre_spaces || (d.zero && d.zero_start == self.num_curr);
        if self.sign_wrote || !due || (self.is_predec_space() && !self.last_relevant_is_point()) {
            return;
        }
        if d.lsign != LocalSign::None {
            if d.lsign == LocalSign::Pre {
                self.out.push(self.sign);
                self.sign_wrote = true;
            }
        } else if d.bracket {
            self.out.push(if self.sign == '+' { ' ' } else { '<' });
            self.sign_wrote = true;
        } else if self.sign == '+' {
            if !d.fill {
                self.out.push(' ');
            }
            self.sign_wrote = true;
        } else {
            self.out.push('-');
            self.sign_wrote = true;
        }
    }

    /// A digit or decimal point position.
    fn digit(&mut self, key: Key) {
        let d = self.d;
        self.num_in = false;
        self.write_sign_if_due();
        let curr = self.num_curr;
        if curr < self.out_pre_spaces && (d.zero_start > curr || !d.zero) {
            if !d.fill {
                self.out.push(' ');
            }
        } else if d.zero && curr < self.out_pre_spaces && d.zero_start <= curr {
            self.out.push('0');
            self.num_in = true;
        } else {
            match self.number.get(self.at) {
                Some('.') => {
                    if !self.last_relevant_is_point() || d.fill {
                        self.out.push('.');
                    }
                }
                ch => {
                    let ch = ch.copied().unwrap_or('\0');
                    let past_relevant = self.last_relevant.is_some_and(|i| self.at > i);
                    if past_relevant && key != Key::Zero {
                    } else if self.is_predec_space() {
                        if !d.fill {
                            self.out.push(' ');
                        } else if self.last_relevant_is_point() {
                            self.out.push('0');
                        }
                    } else {
                        // Past the end of the digits PostgreSQL writes the
                        // string's terminator, which ends the output there.
                        self.out.push(ch);
                        self.num_in = true;
                    }
                }
            }
            if self.at < self.number.len() {
                self.at += 1;
            }
        }
        let mut end = self.num_count + i64::from(self.out_pre_spaces > 0) + i64::from(d.decimal);
        if self.last_relevant == Some(self.at) {
            end = self.num_curr as i64;
        }
        if self.num_curr as i64 + 1 == end {
            if self.sign_wrote && d.bracket {
                self.out.push(if self.sign == '+' { ' ' } else { '>' });
            } else if d.lsign == LocalSign::Post {
                self.out.push(self.sign);
            }
        }
        self.num_curr += 1;
    }
}

fn render(nodes: &[Node], d: &mut NumDesc, p: &Prepared) -> Result<String> {
    if d.zero_start > 0 {
        d.zero_start -= 1;
    }
    if d.eeee {
        return Ok(p.number.clone());
    }
    if d.roman {
        let fill = d.fill;
        *d = NumDesc {
            fill,
            roman: true,
            ..NumDesc::default()
        };
    }
    let mut sign_wrote;
    if d.plus || d.minus {
        sign_wrote = !d.plus || d.minus;
    } else {
        if p.sign != '-' && d.fill {
            d.bracket = false;
        }
        sign_wrote = p.sign == '+' && d.fill && d.lsign == LocalSign::None;
        if d.lsign == LocalSign::Pre && d.pre == d.pre_lsign_num {
            d.lsign = LocalSign::Post;
        }
    }
    let number: Vec<char> = p.number.chars().collect();
    let mut num_count = (d.post + d.pre) as i64 - 1;
    let mut last_relevant = None;
    if d.fill && d.decimal {
        last_relevant = last_relevant_digit(&number);
        if let Some(lr) = last_relevant {
            if d.zero_end > p.out_pre_spaces && !number.is_empty() {
                let last_zero = (number.len() - 1).min(d.zero_end - p.out_pre_spaces);
                if lr < last_zero {
                    last_relevant = Some(last_zero);
                }
            }
        }
    }
    if !sign_wrote && p.out_pre_spaces == 0 {
        num_count += 1;
    }
    if d.roman {
        sign_wrote = true;
    }
    let d: &NumDesc = d;
    let mut r = Renderer {
        d,
        number,
        at: 0,
        sign: p.sign,
        sign_wrote,
        out_pre_spaces: p.out_pre_spaces,
        num_count,
        num_curr: 0,
        num_in: false,
        last_relevant,
        out: String::new(),
    };
    for node in nodes {
        let key = match node {
            Node::Text(t) => {
                r.out.push_str(t);
                continue;
            }
            Node::Key(k) => *k,
        };
        match key {
            Key::Nine | Key::Zero | Key::Dec | Key::D if !d.roman => r.digit(key),
            Key::Comma | Key::G => {
                if r.num_in {
                    r.out.push(',');
                } else if !d.fill {
                    r.out.push(' ');
                }
            }
            Key::L => r.out.push(' '),
            Key::RomanUpper | Key::RomanLower => {
                let s = if key == Key::RomanLower {
                    p.number.to_lowercase()
                } else {
                    p.number.clone()
                };
                if d.fill {
                    r.out.push_str(&s);
                } else {
                    r.out.push_str(&format!("{s:>15}"));
                }
            }
            Key::ThUpper | Key::ThLower => {
                if d.roman || p.number.starts_with('#') || p.sign == '-' || d.decimal {
                    continue;
                }
                r.out.push_str(ordinal(&p.number, key == Key::ThUpper)?);
            }
            Key::Mi => {
                if p.sign == '-' {
                    r.out.push('-');
                } else if !d.fill {
                    r.out.push(' ');
                }
            }
            Key::Pl => {
                if p.sign == '+' {
                    r.out.push('+');
                } else if !d.fill {
                    r.out.push(' ');
                }
            }
            Key::Sg => r.out.push(p.sign),
            _ => {}
        }
    }
    let mut out = r.out;
    if let Some(end) = out.find('\0') {
        out.truncate(end);
    }
    Ok(out)
}

/// With a decimal point: the last nonzero digit after it, or the point.
fn last_relevant_digit(number: &[char]) -> Option<usize> {
    let point = number.iter().position(|c| *c == '.')?;
    let mut result = point;
    for (i, c) in number.iter().enumerate().skip(point + 1) {
        if *c != '0' {
            result = i;
        }
    }
    Some(result)
}
