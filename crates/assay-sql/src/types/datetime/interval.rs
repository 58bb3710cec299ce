//! `interval` text input (PostgreSQL's `DecodeInterval` and
//! `DecodeISO8601Interval`) and output in each `IntervalStyle`
//! (`EncodeInterval`).

use assay_storage::{err, Error, Result, SqlState};

use super::calendar::*;
use super::decode::{parse_fields, DtErr, Ft};
use crate::types::datatype::{interval_field as f, IntervalTypmod, INTERVAL_FULL_RANGE};
use crate::types::settings::IntervalStyle;
use crate::types::value::Interval;

pub(crate) fn out_of_range() -> Error {
    err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range")
}

/// The fields being accumulated (`struct pg_itm_in`).
#[derive(Default)]
struct ItmIn {
    usec: i64,
    mday: i32,
    mon: i32,
    year: i32,
}

type R<T> = std::result::Result<T, DtErr>;
const OVER: DtErr = DtErr::FieldOverflow;

impl ItmIn {
    fn fract_micros(&mut self, frac: f64, scale: i64) -> R<()> {
        if frac == 0.0 {
            return Ok(());
        }
        let frac = frac * scale as f64;
        let mut usec = frac as i64;
        let rest = frac - usec as f64;
        if rest > 0.5 {
            usec += 1;
        } else if rest < -0.5 {
            usec -= 1;
        }
        self.usec = self.usec.checked_add(usec).ok_or(OVER)?;
        Ok(())
    }
    fn fract_days(&mut self, frac: f64, scale: i32) -> R<()> {
        if frac == 0.0 {
            return Ok(());
        }
        let frac = frac * f64::from(scale);
        let extra = frac as i32;
        self.mday = self.mday.checked_add(extra).ok_or(OVER)?;
        self.fract_micros(frac - f64::from(extra), USECS_PER_DAY)
    }
    fn fract_years(&mut self, frac: f64, scale: i32) -> R<()> {
        let extra = (frac * f64::from(scale) * 12.0).round_ties_even() as i32;
        self.mon = self.mon.checked_add(extra).ok_or(OVER)?;
        Ok(())
    }
    fn micros(&mut self, val: i64, fval: f64, scale: i64) -> R<()> {
        self.usec = val
            .checked_mul(scale)
            .and_then(|v| v.checked_add(self.usec))
            .ok_or(OVER)?;
        self.fract_micros(fval, scale)
    }
    fn days(&mut self, val: i64, scale: i32) -> R<()> {
        let v = i32::try_from(val).map_err(|_| OVER)?;
        let d = v.checked_mul(scale).ok_or(OVER)?;
        self.mday = self.mday.checked_add(d).ok_or(OVER)?;
        Ok(())
    }
    fn months(&mut self, val: i64) -> R<()> {
        let v = i32::try_from(val).map_err(|_| OVER)?;
        self.mon = self.mon.checked_add(v).ok_or(OVER)?;
        Ok(())
    }
    fn years(&mut self, val: i64, scale: i32) -> R<()> {
        let v = i32::try_from(val).map_err(|_| OVER)?;
        let y = v.checked_mul(scale).ok_or(OVER)?;
        self.year = self.year.checked_add(y).ok_or(OVER)?;
        Ok(())
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum U {
    Ignore,
    Ago,
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

/// `deltatktbl`: interval unit words (first 10 characters compared).
fn unit(word: &str) -> Option<U> {
    use U::*;
    let w = if word.len() > 10 { &word[..10] } else { word };
    Some(match w {
        "@" => Ignore,
        "ago" => Ago,
        "c" | "cent" | "centuries" | "century" => Century,
        "d" | "day" | "days" => Day,
        "dec" | "decade" | "decades" | "decs" => Decade,
        "h" | "hour" | "hours" | "hr" | "hrs" => Hour,
        "m" | "min" | "mins" | "minute" | "minutes" => Minute,
        "microsecon" | "us" | "usec" | "usecs" | "useconds" => Micro,
        "mil" | "millennia" | "millennium" | "mils" => Millennium,
        "millisecon" | "ms" | "msec" | "msecs" | "mseconds" => Milli,
        "mon" | "mons" | "month" | "months" => Month,
        "s" | "sec" | "second" | "seconds" | "secs" => Second,
        "w" | "week" | "weeks" => Week,
        "y" | "year" | "years" | "yr" | "yrs" => Year,
        _ => return None,
    })
}

/// `strtol` into i64: value (None on overflow) and end.
fn strtoi64(s: &str) -> (Option<i64>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = matches!(b.first(), Some(b'-'));
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let ds = i;
    let mut v: i128 = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        v = (v * 10 + i128::from(b[i] - b'0')).min(i128::from(u64::MAX));
        i += 1;
    }
    if i == ds {
        return (Some(0), 0);
    }
    let v = if neg { -v } else { v };
    (i64::try_from(v).ok(), i)
}

/// `ParseFraction`: `.5` → 0.5 (the whole rest must be the fraction).
fn parse_fraction(s: &str) -> R<f64> {
    let digits = &s[1..];
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(DtErr::BadFormat);
    }
    format!("0.{digits}0").parse().map_err(|_| DtErr::BadFormat)
}

/// `DecodeTimeForInterval`: `[-]h:mm[:ss[.f]]` (hours may be large).
fn decode_time(s: &str, range: u16, itm: &mut ItmIn) -> R<()> {
    let b = s.as_bytes();
    let (hour, cp) = strtoi64(s);
    let mut hour = hour.ok_or(OVER)?;
    if b.get(cp) != Some(&b':') {
        return Err(DtErr::BadFormat);
    }
    let rest = &s[cp + 1..];
    let (min, cp2) = strtoi64(rest);
    let mut min = min.filter(|v| i32::try_from(*v).is_ok()).ok_or(OVER)?;
    let rb = rest.as_bytes();
    let mut sec = 0;
    let mut usec = 0;
    match rb.get(cp2) {
        None => {
            if range == f::MINUTE | f::SECOND {
                if i32::try_from(hour).is_err() {
                    return Err(OVER);
                }
                sec = min;
                min = hour;
                hour = 0;
            }
        }
        Some(b'.') => {
            usec = (parse_fraction(&rest[cp2..])? * 1e6).round_ties_even() as i64;
            if i32::try_from(hour).is_err() {
                return Err(OVER);
            }
            sec = min;
            min = hour;
            hour = 0;
        }
        Some(b':') => {
            let r2 = &rest[cp2 + 1..];
            let (v, cp3) = strtoi64(r2);
            sec = v.filter(|v| i32::try_from(*v).is_ok()).ok_or(OVER)?;
            match r2.as_bytes().get(cp3) {
                None => {}
                Some(b'.') => usec = (parse_fraction(&r2[cp3..])? * 1e6).round_ties_even() as i64,
                _ => return Err(DtErr::BadFormat),
            }
        }
        _ => return Err(DtErr::BadFormat),
    }
    if hour < 0
        || !(0..=59).contains(&min)
        || !(0..=60).contains(&sec)
        || !(0..=1_000_000).contains(&usec)
    {
        return Err(OVER);
    }
    itm.usec = usec;
    itm.micros(hour, 0.0, USECS_PER_HOUR)?;
    itm.micros(min, 0.0, USECS_PER_MINUTE)?;
    itm.micros(sec, 0.0, USECS_PER_SEC)?;
    Ok(())
}

/// `DecodeInterval`, fields read right to left so units come before values.
fn decode_interval(fields: &[(String, Ft)], range: u16, style: IntervalStyle) -> R<ItmIn> {
    let mut itm = ItmIn::default();
    let mut fmask: u32 = 0;
    let mut ty: Option<U> = None;
    let mut is_before = false;
    let mut force_negative = false;
    if style == IntervalStyle::SqlStandard
        && fields.first().is_some_and(|(s, _)| s.starts_with('-'))
    {
        force_negative = !fields[1..]
            .iter()
            .any(|(s, _)| s.starts_with('-') || s.starts_with('+'));
    }
    const TIME_M: u32 = (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);
    for (field, ft) in fields.iter().rev() {
        let tmask: u32;
        let mut numeric = false;
        match ft {
            Ft::Time => {
                decode_time(field, range, &mut itm)?;
                if force_negative && itm.usec > 0 {
                    itm.usec = -itm.usec;
                }
                tmask = TIME_M;
                ty = Some(U::Day);
            }
            Ft::Tz => {
                let body = &field[1..];
                let mut probe = ItmIn { usec: 0, ..itm };
                if body.contains(':') && decode_time(body, range, &mut probe).is_ok() {
                    itm.usec = probe.usec;
                    if field.starts_with('-') {
                        itm.usec = itm.usec.checked_neg().ok_or(OVER)?;
                    }
                    if force_negative && itm.usec > 0 {
                        itm.usec = -itm.usec;
                    }
                    tmask = TIME_M;
                    ty = Some(U::Day);
                } else {
                    numeric = true;
                    tmask = 0;
                }
            }
            Ft::Date | Ft::Number => {
                numeric = true;
                tmask = 0;
            }
            Ft::String | Ft::Special => {
                match unit(field) {
                    Some(U::Ignore) => continue,
                    Some(U::Ago) => {
                        is_before = true;
                        ty = Some(U::Ago);
                    }
                    Some(u) => ty = Some(u),
                    None => return Err(DtErr::BadFormat),
                }
                tmask = 0;
            }
        }
        let tmask = if numeric {
            let t = match ty {
                Some(t) => t,
                None => match range {
                    f::YEAR => U::Year,
                    x if x == f::MONTH || x == f::YEAR | f::MONTH => U::Month,
                    f::DAY => U::Day,
                    x if x == f::HOUR || x == f::DAY | f::HOUR => U::Hour,
                    x if x == f::MINUTE
                        || x == f::HOUR | f::MINUTE
                        || x == f::DAY | f::HOUR | f::MINUTE =>
                    {
                        U::Minute
                    }
                    _ => U::Second,
                },
            };
            let mut t = t;
            let (val, cp) = strtoi64(field);
            let mut val = val.ok_or(OVER)?;
            let rest = &field[cp..];
            let mut fval;
            if let Some(r) = rest.strip_prefix('-') {
                let (v2, cp2) = strtoi64(r);
                let v2 = v2.ok_or(OVER)?;
                if r.starts_with(['-', '+']) || !(0..12).contains(&v2) {
                    return Err(OVER);
                }
                if cp2 != r.len() || cp2 == 0 {
                    return Err(DtErr::BadFormat);
                }
                t = U::Month;
                let v2 = if field.starts_with('-') { -v2 } else { v2 };
                val = val
                    .checked_mul(12)
                    .and_then(|v| v.checked_add(v2))
                    .ok_or(OVER)?;
                fval = 0.0;
            } else if rest.starts_with('.') {
                fval = parse_fraction(rest)?;
                if field.starts_with('-') {
                    fval = -fval;
                }
            } else if rest.is_empty() && cp > 0 {
                fval = 0.0;
            } else {
                return Err(DtErr::BadFormat);
            }
            if force_negative {
                if val > 0 {
                    val = -val;
                }
                if fval > 0.0 {
                    fval = -fval;
                }
            }
            let bit = |b: u32| 1u32 << b;
            match t {
                U::Micro => {
                    itm.micros(val, fval, 1)?;
                    bit(14)
                }
                U::Milli => {
                    itm.micros(val, fval, 1000)?;
                    bit(13)
                }
                U::Second => {
                    itm.micros(val, fval, USECS_PER_SEC)?;
                    if fval == 0.0 {
                        bit(12)
                    } else {
                        bit(12) | bit(13) | bit(14)
                    }
                }
                U::Minute => {
                    itm.micros(val, fval, USECS_PER_MINUTE)?;
                    bit(11)
                }
                U::Hour => {
                    itm.micros(val, fval, USECS_PER_HOUR)?;
                    ty = Some(U::Day);
                    bit(10)
                }
                U::Day => {
                    itm.days(val, 1)?;
                    itm.fract_micros(fval, USECS_PER_DAY)?;
                    bit(3)
                }
                U::Week => {
                    itm.days(val, 7)?;
                    itm.fract_days(fval, 7)?;
                    bit(24)
                }
                U::Month => {
                    itm.months(val)?;
                    itm.fract_days(fval, 30)?;
                    bit(1)
                }
                U::Year => {
                    itm.years(val, 1)?;
                    itm.fract_years(fval, 1)?;
                    bit(2)
                }
                U::Decade => {
                    itm.years(val, 10)?;
                    itm.fract_years(fval, 10)?;
                    bit(25)
                }
                U::Century => {
                    itm.years(val, 100)?;
                    itm.fract_years(fval, 100)?;
                    bit(26)
                }
                U::Millennium => {
                    itm.years(val, 1000)?;
                    itm.fract_years(fval, 1000)?;
                    bit(27)
                }
                U::Ago | U::Ignore => return Err(DtErr::BadFormat),
            }
        } else {
            tmask
        };
        if tmask & fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        fmask |= tmask;
    }
    if fmask == 0 {
        return Err(DtErr::BadFormat);
    }
    if is_before {
        itm.usec = itm.usec.checked_neg().ok_or(OVER)?;
        itm.mday = itm.mday.checked_neg().ok_or(OVER)?;
        itm.mon = itm.mon.checked_neg().ok_or(OVER)?;
        itm.year = itm.year.checked_neg().ok_or(OVER)?;
    }
    Ok(itm)
}

/// `ParseISO8601Number`: a strtod number, split into integer and fraction.
fn iso_number(s: &str) -> R<(i64, f64, usize)> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'.') {
        return Err(DtErr::BadFormat);
    }
    // The longest prefix strtod would read.
    let mut end = 0;
    let mut i = 0;
    if matches!(b.get(i), Some(b'-' | b'+')) {
        i += 1;
    }
    let mut digits = false;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits = true;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits = true;
        }
    }
    if digits {
        end = i;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            let mut j = i + 1;
            if matches!(b.get(j), Some(b'-' | b'+')) {
                j += 1;
            }
            let ds = j;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j > ds {
                end = j;
            }
        }
    }
    if end == 0 {
        return Err(DtErr::BadFormat);
    }
    let val: f64 = s[..end].parse().map_err(|_| DtErr::BadFormat)?;
    if val.is_nan() || !(-1.0e15..=1.0e15).contains(&val) {
        return Err(OVER);
    }
    let ip = val.trunc();
    Ok((ip as i64, val - ip, end))
}

fn iso_int_width(s: &str) -> usize {
    let s = s.strip_prefix('-').unwrap_or(s);
    s.bytes().take_while(u8::is_ascii_digit).count()
}

/// `DecodeISO8601Interval`: `P1Y2M3DT4H5M6S` and the alternative format.
fn decode_iso(input: &str) -> R<ItmIn> {
    let mut itm = ItmIn::default();
    if input.len() < 2 || !input.starts_with('P') {
        return Err(DtErr::BadFormat);
    }
    let mut s = &input[1..];
    let mut datepart = true;
    let mut havefield = false;
    while !s.is_empty() {
        if let Some(rest) = s.strip_prefix('T') {
            datepart = false;
            havefield = false;
            s = rest;
            continue;
        }
        let fieldstart = s;
        let (val, fval, n) = iso_number(s)?;
        s = &s[n..];
        let unit = s.as_bytes().first().copied().unwrap_or(0);
        // Past the unit letter (a whole character, whatever it is).
        s = &s[s.chars().next().map_or(0, char::len_utf8)..];
        if datepart {
            match unit {
                b'Y' => {
                    itm.years(val, 1)?;
                    itm.fract_years(fval, 1)?;
                }
                b'M' => {
                    itm.months(val)?;
                    itm.fract_days(fval, 30)?;
                }
                b'W' => {
                    itm.days(val, 7)?;
                    itm.fract_days(fval, 7)?;
                }
                b'D' => {
                    itm.days(val, 1)?;
                    itm.fract_micros(fval, USECS_PER_DAY)?;
                }
                b'T' | 0 | b'-' => {
                    if unit != b'-' && iso_int_width(fieldstart) == 8 && !havefield {
                        itm.years(val / 10000, 1)?;
                        itm.months((val / 100) % 100)?;
                        itm.days(val % 100, 1)?;
                        itm.fract_micros(fval, USECS_PER_DAY)?;
                        if unit == 0 {
                            return Ok(itm);
                        }
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    if havefield {
                        return Err(DtErr::BadFormat);
                    }
                    itm.years(val, 1)?;
                    itm.fract_years(fval, 1)?;
                    if unit == 0 {
                        return Ok(itm);
                    }
                    if unit == b'T' {
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    let (val, fval, n) = iso_number(s)?;
                    s = &s[n..];
                    itm.months(val)?;
                    itm.fract_days(fval, 30)?;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    if let Some(rest) = s.strip_prefix('T') {
                        s = rest;
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    s = s.strip_prefix('-').ok_or(DtErr::BadFormat)?;
                    let (val, fval, n) = iso_number(s)?;
                    s = &s[n..];
                    itm.days(val, 1)?;
                    itm.fract_micros(fval, USECS_PER_DAY)?;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    if let Some(rest) = s.strip_prefix('T') {
                        s = rest;
                        datepart = false;
                        havefield = false;
                        continue;
                    }
                    return Err(DtErr::BadFormat);
                }
                _ => return Err(DtErr::BadFormat),
            }
        } else {
            match unit {
                b'H' => itm.micros(val, fval, USECS_PER_HOUR)?,
                b'M' => itm.micros(val, fval, USECS_PER_MINUTE)?,
                b'S' => itm.micros(val, fval, USECS_PER_SEC)?,
                0 | b':' => {
                    if unit == 0 && iso_int_width(fieldstart) == 6 && !havefield {
                        itm.micros(val / 10000, 0.0, USECS_PER_HOUR)?;
                        itm.micros((val / 100) % 100, 0.0, USECS_PER_MINUTE)?;
                        itm.micros(val % 100, 0.0, USECS_PER_SEC)?;
                        itm.fract_micros(fval, 1)?;
                        return Ok(itm);
                    }
                    if havefield {
                        return Err(DtErr::BadFormat);
                    }
                    itm.micros(val, fval, USECS_PER_HOUR)?;
                    if unit == 0 {
                        return Ok(itm);
                    }
                    let (val, fval, n) = iso_number(s)?;
                    s = &s[n..];
                    itm.micros(val, fval, USECS_PER_MINUTE)?;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    s = s.strip_prefix(':').ok_or(DtErr::BadFormat)?;
                    let (val, fval, n) = iso_number(s)?;
                    s = &s[n..];
                    itm.micros(val, fval, USECS_PER_SEC)?;
                    if s.is_empty() {
                        return Ok(itm);
                    }
                    return Err(DtErr::BadFormat);
                }
                _ => return Err(DtErr::BadFormat),
            }
        }
        havefield = true;
    }
    Ok(itm)
}

fn syntax(input: &str) -> Error {
    err!(
        SqlState::INVALID_DATETIME_FORMAT,
        "invalid input syntax for type interval: \"{}\"",
        input
    )
}

/// `interval_in` with a column's typmod (fields and precision).
pub fn parse_interval_typmod(
    input: &str,
    style: IntervalStyle,
    typmod: Option<IntervalTypmod>,
) -> Result<Interval> {
    let range = typmod.map_or(INTERVAL_FULL_RANGE, |m| m.range);
    let decoded = match parse_fields(input) {
        Ok(fields) => decode_interval(&fields, range, style),
        Err(e) => Err(e),
    };
    let decoded = match decoded {
        Err(DtErr::BadFormat) => decode_iso(input),
        other => other,
    };
    let itm = match decoded {
        Ok(itm) => itm,
        Err(DtErr::FieldOverflow) => {
            return Err(err!(
                SqlState::INTERVAL_FIELD_OVERFLOW,
                "interval field value out of range: \"{}\"",
                input
            ))
        }
        Err(e @ (DtErr::MdFieldOverflow | DtErr::TzDispOverflow | DtErr::UnknownZone(_))) => {
            return Err(super::parse::parse_error(e, "interval", input))
        }
        Err(DtErr::BadFormat) => return Err(syntax(input)),
    };
    let months = i64::from(itm.year) * 12 + i64::from(itm.mon);
    let months = i32::try_from(months).map_err(|_| out_of_range())?;
    let iv = Interval::new(months, itm.mday, itm.usec);
    match typmod {
        Some(m) => super::arith::adjust_interval(&iv, m),
        None => Ok(iv),
    }
}

/// Parses interval input in the `postgres` style's reading.
pub fn parse_interval(input: &str) -> Result<Interval> {
    parse_interval_typmod(input, IntervalStyle::Postgres, None)
}

/// Appends seconds and a trimmed fraction, signs dropped (`AppendSeconds`).
fn append_seconds(out: &mut String, sec: i64, usec: i64, fill: bool) {
    if fill {
        out.push_str(&format!("{:02}", sec.unsigned_abs()));
    } else {
        out.push_str(&sec.unsigned_abs().to_string());
    }
    if usec != 0 {
        let digits = format!("{:06}", usec.unsigned_abs());
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Prints an interval in the given `IntervalStyle` (`EncodeInterval`).
pub fn format_interval(iv: &Interval, style: IntervalStyle) -> String {
    let year = i64::from(iv.months / 12);
    let mon = i64::from(iv.months % 12);
    let mday = i64::from(iv.days);
    let mut time = iv.micros;
    let hour = time / USECS_PER_HOUR;
    time -= hour * USECS_PER_HOUR;
    let min = time / USECS_PER_MINUTE;
    time -= min * USECS_PER_MINUTE;
    let sec = time / USECS_PER_SEC;
    let fsec = time - sec * USECS_PER_SEC;
    let mut out = String::new();
    match style {
        IntervalStyle::SqlStandard => {
            let has_negative =
                year < 0 || mon < 0 || mday < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0;
            let has_positive =
                year > 0 || mon > 0 || mday > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0;
            let has_year_month = year != 0 || mon != 0;
            let has_day_time = mday != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
            let sql_standard = !(has_negative && has_positive || has_year_month && has_day_time);
            let (mut year, mut mon, mut mday, mut hour, mut min, mut sec, mut fsec) =
                (year, mon, mday, hour, min, sec, fsec);
            if has_negative && sql_standard {
                out.push('-');
                year = -year;
                mon = -mon;
                mday = -mday;
                hour = -hour;
                min = -min;
                sec = -sec;
                fsec = -fsec;
            }
            if !has_negative && !has_positive {
                out.push('0');
            } else if !sql_standard {
                let ys = if year < 0 || mon < 0 { '-' } else { '+' };
                let ds = if mday < 0 { '-' } else { '+' };
                let ss = if hour < 0 || min < 0 || sec < 0 || fsec < 0 {
                    '-'
                } else {
                    '+'
                };
                out.push_str(&format!(
                    "{ys}{}-{} {ds}{} {ss}{}:{:02}:",
                    year.abs(),
                    mon.abs(),
                    mday.abs(),
                    hour.abs(),
                    min.abs()
                ));
                append_seconds(&mut out, sec, fsec, true);
            } else if has_year_month {
                out.push_str(&format!("{year}-{mon}"));
            } else if mday != 0 {
                out.push_str(&format!("{mday} {hour}:{:02}:", min));
                append_seconds(&mut out, sec, fsec, true);
            } else {
                out.push_str(&format!("{hour}:{:02}:", min));
                append_seconds(&mut out, sec, fsec, true);
            }
        }
        IntervalStyle::Iso8601 => {
            if year == 0 && mon == 0 && mday == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0
            {
                return "PT0S".into();
            }
            out.push('P');
            let part = |out: &mut String, v: i64, u: char| {
                if v != 0 {
                    out.push_str(&format!("{v}{u}"));
                }
            };
            part(&mut out, year, 'Y');
            part(&mut out, mon, 'M');
            part(&mut out, mday, 'D');
            if hour != 0 || min != 0 || sec != 0 || fsec != 0 {
                out.push('T');
            }
            part(&mut out, hour, 'H');
            part(&mut out, min, 'M');
            if sec != 0 || fsec != 0 {
                if sec < 0 || fsec < 0 {
                    out.push('-');
                }
                append_seconds(&mut out, sec, fsec, false);
                out.push('S');
            }
        }
        IntervalStyle::Postgres => {
            let mut is_zero = true;
            let mut is_before = false;
            for (v, u) in [(year, "year"), (mon, "mon"), (mday, "day")] {
                if v == 0 {
                    continue;
                }
                out.push_str(&format!(
                    "{}{}{v} {u}{}",
                    if is_zero { "" } else { " " },
                    if is_before && v > 0 { "+" } else { "" },
                    if v != 1 { "s" } else { "" }
                ));
                is_before = v < 0;
                is_zero = false;
            }
            if is_zero || hour != 0 || min != 0 || sec != 0 || fsec != 0 {
                let minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
                out.push_str(&format!(
                    "{}{}{:02}:{:02}:",
                    if is_zero { "" } else { " " },
                    if minus {
                        "-"
                    } else if is_before {
                        "+"
                    } else {
                        ""
                    },
                    hour.unsigned_abs(),
                    min.unsigned_abs()
                ));
                append_seconds(&mut out, sec, fsec, true);
            }
        }
        IntervalStyle::PostgresVerbose => {
            out.push('@');
            let mut is_zero = true;
            let mut is_before = false;
            for (v, u) in [
                (year, "year"),
                (mon, "mon"),
                (mday, "day"),
                (hour, "hour"),
                (min, "min"),
            ] {
                if v == 0 {
                    continue;
                }
                let mut v = v;
                if is_zero {
                    is_before = v < 0;
                    v = v.abs();
                } else if is_before {
                    v = -v;
                }
                out.push_str(&format!(" {v} {u}{}", if v == 1 { "" } else { "s" }));
                is_zero = false;
            }
            if sec != 0 || fsec != 0 {
                out.push(' ');
                if sec < 0 || (sec == 0 && fsec < 0) {
                    if is_zero {
                        is_before = true;
                    } else if !is_before {
                        out.push('-');
                    }
                } else if is_before {
                    out.push('-');
                }
                append_seconds(&mut out, sec, fsec, false);
                out.push_str(&format!(
                    " sec{}",
                    if sec.abs() != 1 || fsec != 0 { "s" } else { "" }
                ));
                is_zero = false;
            }
            if is_zero {
                out.push_str(" 0");
            }
            if is_before {
                out.push_str(" ago");
            }
        }
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
            assert_eq!(
                format_interval(&iv, IntervalStyle::Postgres),
                want,
                "{input}"
            );
            assert_eq!(parse_interval(want).unwrap(), iv, "{want}");
        }
    }

    #[test]
    fn errors() {
        for bad in [
            "foo",
            // A multi-byte character where an ISO 8601 unit letter goes.
            "P1\u{83e98}",
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
