//! `interval` text input (postgres style and ISO 8601) and output
//! (`IntervalStyle = postgres`).

use assay_storage::{err, Error, Result, SqlState};

use super::calendar::*;
use super::format::push_hms;
use crate::types::value::Interval;

/// Months/days/microseconds being accumulated, wide enough not to overflow
/// before the final range check.
#[derive(Default)]
struct Acc {
    months: i128,
    days: i128,
    micros: i128,
    seen: u32,
}

fn syntax(input: &str) -> Error {
    err!(
        SqlState::INVALID_DATETIME_FORMAT,
        "invalid input syntax for type interval: \"{}\"",
        input
    )
}

fn field_overflow(input: &str) -> Error {
    err!(
        SqlState::INTERVAL_FIELD_OVERFLOW,
        "interval field value out of range: \"{}\"",
        input
    )
}

pub(crate) fn out_of_range() -> Error {
    err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range")
}

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Micro,
    Milli,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
    Decade,
    Century,
    Millennium,
}

fn unit(word: &str) -> Option<Unit> {
    use Unit::*;
    Some(match word.to_ascii_lowercase().as_str() {
        "microsecond" | "microseconds" | "microsecon" | "us" | "usec" | "usecs" | "useconds" => {
            Micro
        }
        "millisecond" | "milliseconds" | "millisecon" | "ms" | "msec" | "msecs" | "mseconds" => {
            Milli
        }
        "second" | "seconds" | "s" | "sec" | "secs" => Second,
        "minute" | "minutes" | "m" | "min" | "mins" => Minute,
        "hour" | "hours" | "h" | "hr" | "hrs" => Hour,
        "day" | "days" | "d" => Day,
        "week" | "weeks" | "w" => Week,
        "month" | "months" | "mon" | "mons" => Month,
        "year" | "years" | "y" | "yr" | "yrs" => Year,
        "decade" | "decades" | "dec" | "decs" => Decade,
        "century" | "centuries" | "c" | "cent" => Century,
        "millennium" | "millennia" | "mil" | "mils" => Millennium,
        _ => return None,
    })
}

impl Acc {
    /// Adds `int + frac` of a unit, cascading fractions down as PostgreSQL
    /// does: fractional years to months, fractional months to 30-day days,
    /// fractional days to 24-hour days' microseconds.
    fn add(&mut self, u: Unit, int: i64, frac: f64, input: &str) -> Result<()> {
        use Unit::*;
        let bit = 1 << (u as u32);
        // Seconds-and-smaller units may repeat (`1 second 500 ms`).
        if self.seen & bit != 0 && !matches!(u, Micro | Milli) {
            return Err(syntax(input));
        }
        self.seen |= bit;
        let int = i128::from(int);
        let rint = |x: f64| x.round_ties_even() as i128;
        match u {
            Micro => self.micros += int + rint(frac),
            Milli => self.micros += int * 1000 + rint(frac * 1000.0),
            Second => self.micros += int * 1_000_000 + rint(frac * 1e6),
            Minute => self.micros += int * USECS_PER_MINUTE as i128 + rint(frac * 60e6),
            Hour => self.micros += int * USECS_PER_HOUR as i128 + rint(frac * 3600e6),
            Day => {
                self.days += int;
                self.micros += rint(frac * USECS_PER_DAY as f64);
            }
            Week => {
                self.days += int * 7;
                self.fract_days(frac * 7.0);
            }
            Month => {
                self.months += int;
                self.fract_days(frac * 30.0);
            }
            Year | Decade | Century | Millennium => {
                let years = match u {
                    Year => 1,
                    Decade => 10,
                    Century => 100,
                    _ => 1000,
                };
                self.months += int * years * 12;
                self.months += rint(frac * years as f64 * 12.0);
            }
        }
        let fits = |x: i128| (i128::from(i32::MIN)..=i128::from(i32::MAX)).contains(&x);
        if !fits(self.days) || (u >= Day && !fits(int)) {
            return Err(field_overflow(input));
        }
        Ok(())
    }

    fn fract_days(&mut self, days: f64) {
        let whole = days.trunc();
        self.days += whole as i128;
        self.micros += ((days - whole) * USECS_PER_DAY as f64).round_ties_even() as i128;
    }

    fn finish(self, negate: bool) -> Result<Interval> {
        let sign = if negate { -1 } else { 1 };
        let months = i32::try_from(self.months * sign).map_err(|_| out_of_range())?;
        let days = i32::try_from(self.days * sign).map_err(|_| out_of_range())?;
        let micros = i64::try_from(self.micros * sign).map_err(|_| out_of_range())?;
        Ok(Interval::new(months, days, micros))
    }
}

impl PartialOrd for Unit {
    fn partial_cmp(&self, other: &Unit) -> Option<std::cmp::Ordering> {
        (*self as u32).partial_cmp(&(*other as u32))
    }
}

/// Splits `-1.5` into (-1, -0.5).
fn split_number(s: &str) -> Option<(i64, f64)> {
    let (negative, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let i: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let f: f64 = if frac.is_empty() {
        0.0
    } else {
        format!("0.{frac}").parse().ok()?
    };
    Some(if negative { (-i, -f) } else { (i, f) })
}

/// Why a time field was rejected.
enum TimeReject {
    Syntax,
    Field,
}

/// Parses `[-]H:MM[:SS[.frac]]` or `MM:SS.frac` into microseconds.
fn parse_interval_time(s: &str) -> Result<i128, TimeReject> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        Some(_) => (false, s),
        None => return Err(TimeReject::Syntax),
    };
    let parts: Vec<&str> = body.split(':').collect();
    let int = |p: &str| -> Result<i128, TimeReject> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TimeReject::Syntax);
        }
        if p.len() > 18 {
            return Err(TimeReject::Field);
        }
        p.parse().map_err(|_| TimeReject::Syntax)
    };
    let minutes = |p: &str| -> Result<i128, TimeReject> {
        let m = int(p)?;
        if m > 59 {
            return Err(TimeReject::Field);
        }
        Ok(m * USECS_PER_MINUTE as i128)
    };
    let seconds = |p: &str| -> Result<i128, TimeReject> {
        let (whole, frac) = p.split_once('.').unwrap_or((p, ""));
        let w = int(whole)?;
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TimeReject::Syntax);
        }
        if w > 59 {
            return Err(TimeReject::Field);
        }
        let f: f64 = if frac.is_empty() {
            0.0
        } else {
            format!("0.{frac}")
                .parse()
                .map_err(|_| TimeReject::Syntax)?
        };
        Ok(w * 1_000_000 + (f * 1e6).round_ties_even() as i128)
    };
    let micros = match parts.as_slice() {
        [m, s] if s.contains('.') => int(m)? * USECS_PER_MINUTE as i128 + seconds(s)?,
        [h, m] => int(h)? * USECS_PER_HOUR as i128 + minutes(m)?,
        [h, m, s] => int(h)? * USECS_PER_HOUR as i128 + minutes(m)? + seconds(s)?,
        _ => return Err(TimeReject::Syntax),
    };
    if micros > i128::from(i64::MAX) {
        return Err(TimeReject::Field);
    }
    Ok(if negative { -micros } else { micros })
}

fn time_error(r: TimeReject, input: &str) -> Error {
    match r {
        TimeReject::Syntax => syntax(input),
        TimeReject::Field => field_overflow(input),
    }
}

/// Parses interval input: `1 year 2 mons 3 days 04:05:06`, `@ 1 minute ago`,
/// `1-2` (years-months), `3 4:05` (days and time), bare numbers as seconds,
/// and ISO 8601 `P1Y2M3DT4H5M6S` / `P0001-02-03T04:05:06`.
pub fn parse_interval(input: &str) -> Result<Interval> {
    let trimmed = input.trim_matches(|c: char| c.is_ascii_whitespace());
    if let Some(iso) = trimmed.strip_prefix('P') {
        return parse_iso(iso, input);
    }
    let mut tokens: Vec<String> = Vec::new();
    // Split on spaces, and between a number and a unit glued to it (`1day`).
    for word in trimmed.split(|c: char| c.is_ascii_whitespace() || c == ',') {
        if word.is_empty() {
            continue;
        }
        let split = word
            .char_indices()
            .find(|(i, c)| *i > 0 && c.is_ascii_alphabetic())
            .map(|(i, _)| i);
        match split {
            Some(i) if word.as_bytes()[0] != b'@' && !word.as_bytes()[0].is_ascii_alphabetic() => {
                tokens.push(word[..i].to_string());
                tokens.push(word[i..].to_string());
            }
            _ => tokens.push(word.to_string()),
        }
    }
    if tokens.is_empty() {
        return Err(syntax(input));
    }
    let mut acc = Acc::default();
    let mut negate = false;
    let mut time_seen = false;
    // `ago` may not follow a bare number (`1 ago`).
    let mut last_bare = true;
    let mut i = 0;
    if tokens[0] == "@" {
        i += 1;
    }
    while i < tokens.len() {
        let tok = tokens[i].as_str();
        let next = tokens.get(i + 1).map(String::as_str);
        if tok.eq_ignore_ascii_case("ago") {
            if i + 1 != tokens.len() || negate || last_bare {
                return Err(syntax(input));
            }
            negate = true;
            i += 1;
            continue;
        }
        if tok.contains(':') {
            if time_seen {
                return Err(syntax(input));
            }
            time_seen = true;
            acc.micros += parse_interval_time(tok).map_err(|r| time_error(r, input))?;
            last_bare = false;
            i += 1;
            continue;
        }
        let body = tok.trim_start_matches(['+', '-']);
        if let Some((y, m)) = body.split_once('-') {
            // Year-month: `1-2`.
            let y: i64 = y.parse().map_err(|_| syntax(input))?;
            let m: i64 = m.parse().map_err(|_| syntax(input))?;
            if acc.seen & (1 << Unit::Year as u32) != 0 {
                return Err(syntax(input));
            }
            if m > 11 {
                return Err(field_overflow(input));
            }
            last_bare = false;
            acc.seen |= 1 << Unit::Year as u32 | 1 << Unit::Month as u32;
            let total = i128::from(y) * 12 + i128::from(m);
            acc.months += if tok.starts_with('-') { -total } else { total };
            i += 1;
            continue;
        }
        let (int, frac) = split_number(tok).ok_or_else(|| syntax(input))?;
        match next.and_then(unit) {
            Some(u) => {
                acc.add(u, int, frac, input)?;
                last_bare = false;
                i += 2;
            }
            None if next.is_some_and(|n| n.contains(':')) => {
                acc.add(Unit::Day, int, frac, input)?;
                last_bare = false;
                i += 1;
            }
            None if next.is_none() || next.is_some_and(|n| n.eq_ignore_ascii_case("ago")) => {
                acc.add(Unit::Second, int, frac, input)?;
                last_bare = true;
                i += 1;
            }
            None => return Err(syntax(input)),
        }
    }
    acc.finish(negate)
}

/// ISO 8601 after the `P`: designators or the alternative format.
fn parse_iso(s: &str, input: &str) -> Result<Interval> {
    if s.is_empty() {
        return Err(syntax(input));
    }
    let mut acc = Acc::default();
    let (date_part, time_part) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    // Alternative format: P0001-02-03T04:05:06.
    if date_part.contains('-') && date_part.len() > 1 && !date_part.starts_with('-') {
        let parts: Vec<&str> = date_part.split('-').collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(syntax(input));
        };
        let num = |p: &str| p.parse::<i64>().map_err(|_| syntax(input));
        acc.add(Unit::Year, num(y)?, 0.0, input)?;
        acc.add(Unit::Month, num(m)?, 0.0, input)?;
        acc.add(Unit::Day, num(d)?, 0.0, input)?;
        if let Some(t) = time_part {
            acc.micros += parse_interval_time(t).map_err(|r| time_error(r, input))?;
        }
        return acc.finish(false);
    }
    let mut designators = |part: &str, in_time: bool| -> Result<()> {
        let mut rest = part;
        while !rest.is_empty() {
            let end = rest
                .find(|c: char| c.is_ascii_alphabetic())
                .ok_or_else(|| syntax(input))?;
            let (int, frac) = split_number(&rest[..end]).ok_or_else(|| syntax(input))?;
            let u = match (rest.as_bytes()[end], in_time) {
                (b'Y', false) => Unit::Year,
                (b'M', false) => Unit::Month,
                (b'W', false) => Unit::Week,
                (b'D', false) => Unit::Day,
                (b'H', true) => Unit::Hour,
                (b'M', true) => Unit::Minute,
                (b'S', true) => Unit::Second,
                _ => return Err(syntax(input)),
            };
            acc.add(u, int, frac, input)?;
            rest = &rest[end + 1..];
        }
        Ok(())
    };
    designators(date_part, false)?;
    if let Some(t) = time_part {
        designators(t, true)?;
    }
    acc.finish(false)
}

/// Prints an interval in `IntervalStyle = postgres`:
/// `1 year 2 mons 3 days 04:05:06`, `-1 days +02:00:00`, `00:00:00`.
pub fn format_interval(iv: &Interval) -> String {
    let mut out = String::new();
    let mut is_zero = true;
    let mut is_before = false;
    let years = iv.months / 12;
    let months = iv.months % 12;
    for (value, unit) in [(years, "year"), (months, "mon"), (iv.days, "day")] {
        if value == 0 {
            continue;
        }
        if !is_zero {
            out.push(' ');
        }
        if is_before && value > 0 {
            out.push('+');
        }
        out.push_str(&value.to_string());
        out.push(' ');
        out.push_str(unit);
        if value != 1 {
            out.push('s');
        }
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || iv.micros != 0 {
        if !is_zero {
            out.push(' ');
        }
        if iv.micros < 0 {
            out.push('-');
        } else if is_before {
            out.push('+');
        }
        let a = iv.micros.unsigned_abs();
        push_hms(
            &mut out,
            a / USECS_PER_HOUR as u64,
            a % USECS_PER_HOUR as u64,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn postgres_style_round_trips() {
        let cases = [
            (
                "1 year 2 mons 3 days 04:05:06",
                "1 year 2 mons 3 days 04:05:06",
            ),
            (
                "-1 year 2 mons -3 days 04:05:06",
                "-10 mons -3 days +04:05:06",
            ),
            ("1 day -1 hour", "1 day -01:00:00"),
            ("-1 day", "-1 days"),
            ("-04:05:06", "-04:05:06"),
            ("0", "00:00:00"),
            ("5", "00:00:05"),
            ("1:30", "01:30:00"),
            ("1.5 years", "1 year 6 mons"),
            ("1.5 months", "1 mon 15 days"),
            ("1.5 days", "1 day 12:00:00"),
            ("@ 1 minute ago", "-00:01:00"),
            ("P1Y2M3DT4H5M6S", "1 year 2 mons 3 days 04:05:06"),
            ("P0001-02-03T04:05:06", "1 year 2 mons 3 days 04:05:06"),
            ("PT1.5S", "00:00:01.5"),
            ("2 weeks", "14 days"),
            ("1 decade 1 century", "110 years"),
            ("100 hours", "100:00:00"),
            ("0.000001 sec", "00:00:00.000001"),
            ("1 ms", "00:00:00.001"),
            ("1 day 2", "1 day 00:00:02"),
            ("3 4:05", "3 days 04:05:00"),
            ("1-2", "1 year 2 mons"),
            ("1-2 3 4:05:06", "1 year 2 mons 3 days 04:05:06"),
            ("1 hour 30", "01:00:30"),
            ("1.5", "00:00:01.5"),
            (".5 minutes", "00:00:30"),
            ("P1.5Y", "1 year 6 mons"),
            ("PT36H", "36:00:00"),
            ("P-1D", "-1 days"),
            ("1 year ago", "-1 years"),
            ("2147483647 days", "2147483647 days"),
            ("9223372036854 seconds", "2562047788:00:54"),
            ("1.5 sec", "00:00:01.5"),
            ("-1.5 sec", "-00:00:01.5"),
            ("1 year -1 sec", "1 year -00:00:01"),
        ];
        for (input, want) in cases {
            let iv = parse_interval(input).unwrap();
            assert_eq!(format_interval(&iv), want, "{input}");
            assert_eq!(parse_interval(want).unwrap(), iv, "{want}");
        }
    }

    #[test]
    fn errors() {
        for bad in [
            "foo",
            "1 year 1 year",
            "1 2 3",
            "1e3 seconds",
            "P",
            "-P1D",
            "1 day 1 day",
            "",
        ] {
            let e = parse_interval(bad).unwrap_err();
            assert_eq!(
                (e.message(), e.code().as_str()),
                (
                    format!("invalid input syntax for type interval: \"{bad}\"").as_str(),
                    "22007"
                ),
                "{bad}"
            );
        }
        let e = parse_interval("2147483648 days").unwrap_err();
        assert_eq!(
            e.message(),
            "interval field value out of range: \"2147483648 days\""
        );
        assert_eq!(e.code().as_str(), "22015");
        let e = parse_interval("178956971 years").unwrap_err();
        assert_eq!(
            (e.message(), e.code().as_str()),
            ("interval out of range", "22008")
        );
    }
}
