//! Parsing date, time and timestamp input as PostgreSQL's `DecodeDateTime`
//! accepts it: ISO 8601 (`2024-01-02 03:04:05.123+02`, `2024-01-02T03:04Z`),
//! `MDY` dates (`1/2/2024`), month names (`Jan 2 2024`, `2 January 2024`),
//! `YYYYMMDD`, Julian days (`J2451545`), `AM`/`PM`, `BC`, zone offsets,
//! abbreviations and names, and the special words `epoch`, `infinity`,
//! `-infinity`, `now`, `today`, `tomorrow`, `yesterday`, `allballs`.

use assay_storage::{err, Error, Result, SqlState};

use super::calendar::*;
use super::zone::{abbreviation_offset, parse_numeric_offset, Zone, MAX_OFFSET};
use crate::types::settings::{DateOrder, Settings};

/// Why input was rejected; turned into PostgreSQL's message by the caller,
/// which knows the type name and the whole input.
#[derive(Debug, PartialEq)]
enum Reject {
    /// 22007 `invalid input syntax for type …`
    Syntax,
    /// 22008 `date/time field value out of range`
    Field,
    /// Same, with the `datestyle` hint (a month above 12).
    FieldHint,
    /// 22009 `time zone displacement out of range`
    Displacement,
    /// 22023 `time zone "…" not recognized`
    UnknownZone(String),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Special {
    Epoch,
    Infinity,
    NegInfinity,
    Now,
}

#[derive(Clone, Debug)]
enum TzSpec {
    Offset(i32),
    Named(Zone),
}

#[derive(Default, Debug)]
struct Parsed {
    special: Option<Special>,
    /// Relative day from `today`/`tomorrow`/`yesterday`.
    relative_day: Option<i64>,
    year: Option<(i64, usize)>,
    month: Option<u32>,
    day: Option<u32>,
    day_of_year: Option<u32>,
    julian: Option<i64>,
    time: Option<i64>,
    tz: Option<TzSpec>,
    bc: bool,
    pm: Option<bool>,
    text_month: bool,
    numbers: Vec<String>,
}

fn checked_offset(s: &str) -> Result<i32, Reject> {
    let secs = parse_numeric_offset(s).ok_or(Reject::Syntax)?;
    if secs.abs() > MAX_OFFSET {
        return Err(Reject::Displacement);
    }
    Ok(secs)
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: [&str; 14] = [
    "sun",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sunday",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
];

fn month_number(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if w == "sept" {
        return Some(9);
    }
    MONTHS
        .iter()
        .position(|m| *m == w)
        .or_else(|| MONTH_NAMES.iter().position(|m| *m == w))
        .map(|i| i as u32 + 1)
}

fn is_sep(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c' | b',')
}

/// Parses `HH:MM[:SS[.frac]]` into microseconds since midnight.
fn parse_clock(s: &str) -> Result<i64, Reject> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return Err(Reject::Syntax);
    }
    let int = |p: &str| -> Result<i64, Reject> {
        if p.is_empty() || p.len() > 9 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Reject::Syntax);
        }
        p.parse().map_err(|_| Reject::Syntax)
    };
    let hours = int(parts[0])?;
    let minutes = int(parts[1])?;
    let (secs, frac) = match parts.get(2) {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let frac_micros = if frac.is_empty() {
                0
            } else {
                if !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(Reject::Syntax);
                }
                let f: f64 = format!("0.{frac}").parse().map_err(|_| Reject::Syntax)?;
                (f * 1e6).round_ties_even() as i64
            };
            (int(whole)?, frac_micros)
        }
    };
    if hours > 24 || minutes > 59 || secs > 60 {
        return Err(Reject::Field);
    }
    Ok(hours * USECS_PER_HOUR + minutes * USECS_PER_MINUTE + secs * USECS_PER_SEC + frac)
}

fn two_digit_year(year: i64, digits: usize) -> i64 {
    if digits <= 2 {
        if year < 70 {
            year + 2000
        } else {
            year + 1900
        }
    } else {
        year
    }
}

impl Parsed {
    fn set_year(&mut self, text: &str) -> Result<(), Reject> {
        if self.year.is_some() {
            return Err(Reject::Syntax);
        }
        let y: i64 = text.parse().map_err(|_| Reject::Field)?;
        self.year = Some((y, text.len()));
        Ok(())
    }

    fn set_md(&mut self, month: &str, day: &str) -> Result<(), Reject> {
        let m: u32 = month.parse().map_err(|_| Reject::Field)?;
        let d: u32 = day.parse().map_err(|_| Reject::Field)?;
        if self.month.is_some() || self.day.is_some() {
            return Err(Reject::Syntax);
        }
        self.month = Some(m);
        self.day = Some(d);
        Ok(())
    }

    /// A field like `2024-01-02`, `1/2/2024`, `2024.01.02`, `2024-Jan-02`.
    fn date_field(&mut self, tok: &str, order: DateOrder) -> Result<(), Reject> {
        let parts: Vec<&str> = tok.split(['-', '/', '.']).collect();
        let numeric = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if parts.len() == 2 && numeric(&parts[0]) && parts[0].len() > 2 && parts[1].len() == 3 {
            self.set_year(parts[0])?;
            self.day_of_year = Some(parts[1].parse().map_err(|_| Reject::Field)?);
            return Ok(());
        }
        if parts.len() != 3 {
            return Err(Reject::Syntax);
        }
        if let Some(mi) = parts.iter().position(|p| !numeric(p)) {
            let month = month_number(parts[mi]).ok_or(Reject::Syntax)?;
            let rest: Vec<&str> = parts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != mi)
                .map(|(_, p)| *p)
                .collect();
            if !rest.iter().all(numeric) {
                return Err(Reject::Syntax);
            }
            let (year, day) = if rest[0].len() > 2 {
                (rest[0], rest[1])
            } else {
                (rest[1], rest[0])
            };
            self.set_year(year)?;
            self.set_md(&month.to_string(), day)?;
            self.text_month = true;
            return Ok(());
        }
        if parts[0].len() > 2 || order == DateOrder::Ymd {
            self.set_year(parts[0])?;
            self.set_md(parts[1], parts[2])
        } else if order == DateOrder::Dmy {
            self.set_year(parts[2])?;
            self.set_md(parts[1], parts[0])
        } else {
            self.set_year(parts[2])?;
            self.set_md(parts[0], parts[1])
        }
    }

    fn time_field(&mut self, tok: &str) -> Result<(), Reject> {
        if self.time.is_some() {
            return Err(Reject::Syntax);
        }
        // An offset may be glued on: `03:04:05+02`, `03:04:05-05:30`.
        let (clock, offset) = match tok.find(['+', '-']) {
            Some(i) => (&tok[..i], Some(&tok[i..])),
            None => (tok, None),
        };
        self.time = Some(parse_clock(clock)?);
        if let Some(off) = offset {
            self.zone(TzSpec::Offset(checked_offset(off)?))?;
        }
        Ok(())
    }

    fn zone(&mut self, tz: TzSpec) -> Result<(), Reject> {
        if self.tz.is_some() {
            return Err(Reject::Syntax);
        }
        self.tz = Some(tz);
        Ok(())
    }

    fn word(&mut self, word: &str) -> Result<(), Reject> {
        let w = word.to_ascii_lowercase();
        let special = |p: &mut Parsed, s| {
            if p.special.is_some() {
                return Err(Reject::Syntax);
            }
            p.special = Some(s);
            Ok(())
        };
        match w.as_str() {
            "epoch" => return special(self, Special::Epoch),
            "infinity" => return special(self, Special::Infinity),
            "now" => return special(self, Special::Now),
            "today" | "tomorrow" | "yesterday" => {
                if self.relative_day.is_some() {
                    return Err(Reject::Syntax);
                }
                self.relative_day = Some(match w.as_str() {
                    "today" => 0,
                    "tomorrow" => 1,
                    _ => -1,
                });
                return Ok(());
            }
            "allballs" => {
                if self.time.is_some() {
                    return Err(Reject::Syntax);
                }
                self.time = Some(0);
                return Ok(());
            }
            "am" | "pm" => {
                if self.pm.is_some() {
                    return Err(Reject::Syntax);
                }
                self.pm = Some(w == "pm");
                return Ok(());
            }
            "bc" => {
                self.bc = true;
                return Ok(());
            }
            "ad" => return Ok(()),
            _ => {}
        }
        if let Some(m) = month_number(&w) {
            if self.month.is_some() {
                return Err(Reject::Syntax);
            }
            self.month = Some(m);
            self.text_month = true;
            return Ok(());
        }
        if WEEKDAYS.contains(&w.as_str()) {
            return Ok(());
        }
        if let Some(j) = w.strip_prefix('j') {
            if !j.is_empty() && j.bytes().all(|b| b.is_ascii_digit()) {
                self.julian = Some(j.parse().map_err(|_| Reject::Field)?);
                return Ok(());
            }
        }
        if let Some(off) = abbreviation_offset(&w) {
            return self.zone(TzSpec::Offset(off));
        }
        match Zone::parse(word) {
            Ok(z) => self.zone(TzSpec::Named(z)),
            Err(_) if word.contains('/') => Err(Reject::UnknownZone(w)),
            Err(_) => Err(Reject::Syntax),
        }
    }

    fn tokenize(input: &str, order: DateOrder, time_only: bool) -> Result<Parsed, Reject> {
        let mut p = Parsed::default();
        let b = input.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if is_sep(c) {
                i += 1;
                continue;
            }
            let start = i;
            if c.is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                match b.get(i) {
                    Some(b':') => {
                        while i < b.len() && (b[i].is_ascii_digit() || b":.+-".contains(&b[i])) {
                            i += 1;
                        }
                        p.time_field(&input[start..i])?;
                    }
                    Some(b'-' | b'/' | b'.') => {
                        while i < b.len()
                            && (b[i].is_ascii_alphanumeric() || b"-/.".contains(&b[i]))
                            && !(matches!(b[i], b'T' | b't')
                                && b.get(i + 1).is_some_and(u8::is_ascii_digit))
                        {
                            i += 1;
                        }
                        if p.year.is_some() || p.month.is_some() {
                            return Err(Reject::Syntax);
                        }
                        p.date_field(&input[start..i], order)?;
                    }
                    _ => {
                        let tok = &input[start..i];
                        let no_date = p.year.is_none() && p.month.is_none();
                        if tok.len() == 8 && no_date {
                            p.set_year(&tok[..4])?;
                            p.set_md(&tok[4..6], &tok[6..])?;
                        } else if tok.len() == 6 && no_date && !time_only {
                            p.set_year(&tok[..2])?;
                            p.set_md(&tok[2..4], &tok[4..])?;
                        } else if tok.len() == 6 && p.time.is_none() {
                            let clock = format!("{}:{}:{}", &tok[..2], &tok[2..4], &tok[4..]);
                            p.time_field(&clock)?;
                        } else {
                            p.numbers.push(tok.to_string());
                        }
                    }
                }
                // ISO 8601's `T` between date and time.
                if i + 1 < b.len() && matches!(b[i], b'T' | b't') && b[i + 1].is_ascii_digit() {
                    i += 1;
                }
            } else if c == b'+' || c == b'-' {
                i += 1;
                if b.get(i).is_some_and(u8::is_ascii_alphabetic) {
                    while i < b.len() && b[i].is_ascii_alphabetic() {
                        i += 1;
                    }
                    if c == b'-' && input[start + 1..i].eq_ignore_ascii_case("infinity") {
                        if p.special.is_some() {
                            return Err(Reject::Syntax);
                        }
                        p.special = Some(Special::NegInfinity);
                        continue;
                    }
                    return Err(Reject::Syntax);
                }
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':') {
                    i += 1;
                }
                p.zone(TzSpec::Offset(checked_offset(&input[start..i])?))?;
            } else if c.is_ascii_alphabetic() {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b"/_".contains(&b[i])) {
                    i += 1;
                }
                // A month name may open a date field: `Jan-08-99`.
                if b.get(i).is_some_and(|c| b"-/.".contains(c))
                    && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                    && month_number(&input[start..i]).is_some()
                {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b"-/.".contains(&b[i])) {
                        i += 1;
                    }
                    if p.year.is_some() || p.month.is_some() {
                        return Err(Reject::Syntax);
                    }
                    p.date_field(&input[start..i], order)?;
                    continue;
                }
                // Zone names may carry an offset (`Etc/GMT+5`).
                if input[start..i].contains('/') {
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b"/_+-".contains(&b[i])) {
                        i += 1;
                    }
                }
                p.word(&input[start..i])?;
            } else {
                return Err(Reject::Syntax);
            }
        }
        p.assign_numbers()?;
        Ok(p)
    }

    /// Gives loose numbers (`Jan 2 2024`) their roles.
    fn assign_numbers(&mut self) -> Result<(), Reject> {
        for n in std::mem::take(&mut self.numbers) {
            if n.len() > 2 && self.year.is_none() {
                self.set_year(&n)?;
            } else if self.text_month && self.day.is_none() {
                self.day = Some(n.parse().map_err(|_| Reject::Field)?);
            } else if self.text_month && self.year.is_none() {
                self.set_year(&n)?;
            } else {
                return Err(Reject::Syntax);
            }
        }
        Ok(())
    }

    /// The date as days since 2000-01-01, if the input has one.
    fn date(&self, settings: &Settings) -> Result<Option<i64>, Reject> {
        if let Some(rel) = self.relative_day {
            if self.year.is_some() || self.month.is_some() || self.julian.is_some() {
                return Err(Reject::Syntax);
            }
            let now = settings.now.ok_or(Reject::Syntax)?;
            let local = now + i64::from(settings.time_zone.offset_at(now)) * USECS_PER_SEC;
            return Ok(Some(local.div_euclid(USECS_PER_DAY) + rel));
        }
        if let Some(j) = self.julian {
            return Ok(Some(j - 2_451_545));
        }
        let Some((mut year, digits)) = self.year else {
            if self.month.is_some() || self.day.is_some() {
                return Err(Reject::Syntax);
            }
            return Ok(None);
        };
        if self.bc {
            if year == 0 {
                return Err(Reject::Field);
            }
            year = 1 - year;
        } else {
            year = two_digit_year(year, digits);
            if year == 0 {
                return Err(Reject::Field);
            }
        }
        if let Some(doy) = self.day_of_year {
            let days_in_year = if is_leap(year) { 366 } else { 365 };
            if doy == 0 || doy > days_in_year {
                return Err(Reject::Field);
            }
            return Ok(Some(days_from_ymd(year, 1, 1) + i64::from(doy) - 1));
        }
        let (Some(month), Some(day)) = (self.month, self.day) else {
            return Err(Reject::Syntax);
        };
        if month == 0 || month > 12 {
            return Err(Reject::FieldHint);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(Reject::Field);
        }
        Ok(Some(days_from_ymd(year, month, day)))
    }

    /// The time of day in microseconds, with AM/PM applied.
    fn time_of_day(&self) -> Result<Option<i64>, Reject> {
        let Some(mut t) = self.time else {
            return if self.pm.is_some() {
                Err(Reject::Syntax)
            } else {
                Ok(None)
            };
        };
        if let Some(pm) = self.pm {
            let hour = t / USECS_PER_HOUR;
            if !(0..=12).contains(&hour) {
                return Err(Reject::Field);
            }
            if hour == 12 {
                t -= 12 * USECS_PER_HOUR;
            }
            if pm {
                t += 12 * USECS_PER_HOUR;
            }
        }
        if t > USECS_PER_DAY {
            return Err(Reject::Field);
        }
        Ok(Some(t))
    }
}

fn reject(r: Reject, type_name: &str, input: &str) -> Error {
    match r {
        Reject::Syntax => err!(
            SqlState::INVALID_DATETIME_FORMAT,
            "invalid input syntax for type {}: \"{}\"",
            type_name,
            input
        ),
        Reject::Field => err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range: \"{}\"",
            input
        ),
        Reject::FieldHint => err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range: \"{}\"",
            input
        )
        .with_hint("Perhaps you need a different \"datestyle\" setting."),
        Reject::Displacement => err!(
            SqlState::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
            "time zone displacement out of range: \"{}\"",
            input
        ),
        Reject::UnknownZone(name) => err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "time zone \"{}\" not recognized",
            name
        ),
    }
}

fn now_or_reject(settings: &Settings, type_name: &str, input: &str) -> Result<i64> {
    settings.now.ok_or_else(|| {
        err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "\"{}\" needs the current time, which is not available here (type {})",
            input.trim(),
            type_name
        )
    })
}

fn only_special(p: &Parsed) -> bool {
    p.year.is_none()
        && p.month.is_none()
        && p.day.is_none()
        && p.time.is_none()
        && p.tz.is_none()
        && p.julian.is_none()
        && p.relative_day.is_none()
        && !p.bc
}

/// Parses `date` input.
pub fn parse_date(input: &str, settings: &Settings) -> Result<i32> {
    let name = "date";
    let p =
        Parsed::tokenize(input, settings.date_order, false).map_err(|r| reject(r, name, input))?;
    if let Some(s) = p.special {
        if !only_special(&p) {
            return Err(reject(Reject::Syntax, name, input));
        }
        return Ok(match s {
            Special::Epoch => -(UNIX_EPOCH_DAYS as i32),
            Special::Infinity => DATE_POS_INFINITY,
            Special::NegInfinity => DATE_NEG_INFINITY,
            Special::Now => {
                let now = now_or_reject(settings, name, input)?;
                let local = now + i64::from(settings.time_zone.offset_at(now)) * USECS_PER_SEC;
                local.div_euclid(USECS_PER_DAY) as i32
            }
        });
    }
    p.time_of_day().map_err(|r| reject(r, name, input))?;
    let days = p
        .date(settings)
        .map_err(|r| reject(r, name, input))?
        .ok_or_else(|| reject(Reject::Syntax, name, input))?;
    if days < i64::from(DATE_MIN) || days >= i64::from(DATE_END) {
        return Err(err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date out of range: \"{}\"",
            input
        ));
    }
    Ok(days as i32)
}

/// Parses `time without time zone` input; a date or zone in it is ignored.
pub fn parse_time(input: &str, settings: &Settings) -> Result<i64> {
    let name = "time";
    let p =
        Parsed::tokenize(input, settings.date_order, true).map_err(|r| reject(r, name, input))?;
    if let Some(s) = p.special {
        if s == Special::Now && only_special(&p) {
            let now = now_or_reject(settings, name, input)?;
            let local = now + i64::from(settings.time_zone.offset_at(now)) * USECS_PER_SEC;
            return Ok(local.rem_euclid(USECS_PER_DAY));
        }
        return Err(reject(Reject::Syntax, name, input));
    }
    p.date(settings).map_err(|r| reject(r, name, input))?;
    p.time_of_day()
        .map_err(|r| reject(r, name, input))?
        .ok_or_else(|| reject(Reject::Syntax, name, input))
}

/// Parses the shared part of `timestamp` and `timestamptz` input: the local
/// wall-clock value and the zone written in the input, if any.
fn parse_ts_parts(
    input: &str,
    settings: &Settings,
    name: &str,
) -> Result<std::result::Result<(i64, Option<TzSpec>), i64>> {
    let p =
        Parsed::tokenize(input, settings.date_order, false).map_err(|r| reject(r, name, input))?;
    if let Some(s) = p.special {
        if !only_special(&p) {
            return Err(reject(Reject::Syntax, name, input));
        }
        // Err(..) carries an absolute UTC value that needs no zone.
        return Ok(Err(match s {
            Special::Epoch => -UNIX_EPOCH_DAYS * USECS_PER_DAY,
            Special::Infinity => TS_POS_INFINITY,
            Special::NegInfinity => TS_NEG_INFINITY,
            Special::Now => now_or_reject(settings, name, input)?,
        }));
    }
    let date = p
        .date(settings)
        .map_err(|r| reject(r, name, input))?
        .ok_or_else(|| reject(Reject::Syntax, name, input))?;
    let time = p
        .time_of_day()
        .map_err(|r| reject(r, name, input))?
        .unwrap_or(0);
    if !(i64::from(DATE_MIN) - 1..=i64::from(DATE_END)).contains(&date) {
        return Err(err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "timestamp out of range: \"{}\"",
            input
        ));
    }
    Ok(Ok((date * USECS_PER_DAY + time, p.tz)))
}

fn ts_range_check(t: i64, input: &str) -> Result<i64> {
    if !(TS_MIN..TS_END).contains(&t) {
        return Err(err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "timestamp out of range: \"{}\"",
            input
        ));
    }
    Ok(t)
}

/// Parses `timestamp without time zone` input; a zone in it is ignored.
pub fn parse_timestamp(input: &str, settings: &Settings) -> Result<i64> {
    match parse_ts_parts(input, settings, "timestamp")? {
        Ok((local, _)) => ts_range_check(local, input),
        Err(now) if ts_is_finite(now) && now != -UNIX_EPOCH_DAYS * USECS_PER_DAY => {
            // `now` is the session's local wall clock.
            Ok(now + i64::from(settings.time_zone.offset_at(now)) * USECS_PER_SEC)
        }
        Err(special) => Ok(special),
    }
}

/// Parses `timestamp with time zone` input; without a zone in the input,
/// the session's `TimeZone` applies.
pub fn parse_timestamptz(input: &str, settings: &Settings) -> Result<i64> {
    match parse_ts_parts(input, settings, "timestamp with time zone")? {
        Ok((local, tz)) => {
            let utc = match tz {
                Some(TzSpec::Offset(off)) => local - i64::from(off) * USECS_PER_SEC,
                Some(TzSpec::Named(zone)) => zone.local_to_utc(local),
                None => settings.time_zone.local_to_utc(local),
            };
            ts_range_check(utc, input)
        }
        Err(special) => Ok(special),
    }
}

#[cfg(test)]
mod tests {
    use super::super::format::*;
    use super::*;

    fn utc() -> Settings {
        Settings::default()
    }

    // Expected outputs verified on PostgreSQL 15 with TimeZone = UTC.
    #[test]
    fn dates() {
        let s = utc();
        let cases = [
            ("2024-01-02", "2024-01-02"),
            ("Jan 2 2024", "2024-01-02"),
            ("1/2/2024", "2024-01-02"),
            ("20240102", "2024-01-02"),
            ("0099-01-01", "0099-01-01"),
            ("epoch", "1970-01-01"),
            ("infinity", "infinity"),
            ("-infinity", "-infinity"),
            ("5874897-12-31", "5874897-12-31"),
            ("4714-11-24 BC", "4714-11-24 BC"),
            ("0001-01-01 BC", "0001-01-01 BC"),
            ("10000-01-01", "10000-01-01"),
            ("01/02/24", "2024-01-02"),
            ("January 2, 2024", "2024-01-02"),
            ("2 Jan 2024", "2024-01-02"),
            ("2024-Jan-02", "2024-01-02"),
            ("Tue Jan 02 2024", "2024-01-02"),
            ("2024.01.02", "2024-01-02"),
            ("2024-01-02 03:04", "2024-01-02"),
            ("J2451545", "2000-01-01"),
            ("2024-001", "2024-01-01"),
        ];
        for (input, want) in cases {
            assert_eq!(format_date(parse_date(input, &s).unwrap()), want, "{input}");
        }
        let errors = [
            (
                "2024-02-30",
                "date/time field value out of range: \"2024-02-30\"",
                "22008",
            ),
            (
                "2024-13-01",
                "date/time field value out of range: \"2024-13-01\"",
                "22008",
            ),
            (
                "99-01-01",
                "date/time field value out of range: \"99-01-01\"",
                "22008",
            ),
            (
                "garbage",
                "invalid input syntax for type date: \"garbage\"",
                "22007",
            ),
            (
                "1/2",
                "invalid input syntax for type date: \"1/2\"",
                "22007",
            ),
            (
                "5874898-01-01",
                "date out of range: \"5874898-01-01\"",
                "22008",
            ),
            (
                "4714-11-23 BC",
                "date out of range: \"4714-11-23 BC\"",
                "22008",
            ),
            ("", "invalid input syntax for type date: \"\"", "22007"),
        ];
        for (input, msg, code) in errors {
            let e = parse_date(input, &s).unwrap_err();
            assert_eq!((e.message(), e.code().as_str()), (msg, code), "{input}");
        }
        let e = parse_date("2024-13-01", &s).unwrap_err();
        assert_eq!(
            e.hint(),
            Some("Perhaps you need a different \"datestyle\" setting.")
        );
    }

    #[test]
    fn timestamps() {
        let s = utc();
        let cases = [
            ("2024-01-02 03:04:05.123+02", "2024-01-02 03:04:05.123"),
            ("2024-01-02 03:04:05.1234567", "2024-01-02 03:04:05.123457"),
            ("2024-01-02 24:00:00", "2024-01-03 00:00:00"),
            ("infinity", "infinity"),
            ("Jan 2 2024 10:00 PM", "2024-01-02 22:00:00"),
            ("1999-01-08 04:05:06 BC", "1999-01-08 04:05:06 BC"),
            ("2024-01-02 allballs", "2024-01-02 00:00:00"),
            ("2024-01-02 23:59:59.9999999", "2024-01-03 00:00:00"),
            ("2024-01-02T03:04:05", "2024-01-02 03:04:05"),
        ];
        for (input, want) in cases {
            assert_eq!(
                format_timestamp(parse_timestamp(input, &s).unwrap()),
                want,
                "{input}"
            );
        }
        let errors = [
            (
                "2024-01-02 25:00:00",
                "date/time field value out of range: \"2024-01-02 25:00:00\"",
            ),
            (
                "2024-01-02 03:60:00",
                "date/time field value out of range: \"2024-01-02 03:60:00\"",
            ),
            ("294277-01-01", "timestamp out of range: \"294277-01-01\""),
            (
                "03:04 2024-01-02x",
                "invalid input syntax for type timestamp: \"03:04 2024-01-02x\"",
            ),
        ];
        for (input, msg) in errors {
            assert_eq!(
                parse_timestamp(input, &s).unwrap_err().message(),
                msg,
                "{input}"
            );
        }
    }

    #[test]
    fn timestamptz_in_zones() {
        let mut s = utc();
        let cases = [
            ("2024-01-02 03:04:05.123+02", "2024-01-02 01:04:05.123+00"),
            ("2024-01-02T03:04:05Z", "2024-01-02 03:04:05+00"),
            ("epoch", "1970-01-01 00:00:00+00"),
            (
                "2024-01-02 03:04:05 America/New_York",
                "2024-01-02 08:04:05+00",
            ),
            ("2024-01-02 03:04:05 EST", "2024-01-02 08:04:05+00"),
            ("2024-01-02 03:04:05+05:30", "2024-01-01 21:34:05+00"),
            ("2024-01-02 03:04:05-0530", "2024-01-02 08:34:05+00"),
            (
                "2024-01-02 03:04:05.123 +0200",
                "2024-01-02 01:04:05.123+00",
            ),
            ("2024-01-02 03:04:05.5-09:30:15", "2024-01-02 12:34:20.5+00"),
        ];
        for (input, want) in cases {
            let t = parse_timestamptz(input, &s).unwrap();
            assert_eq!(format_timestamptz(t, &s.time_zone), want, "{input}");
        }
        let e = parse_timestamptz("2024-01-02 03:04:05 XYZ", &s).unwrap_err();
        assert_eq!(
            e.message(),
            "invalid input syntax for type timestamp with time zone: \"2024-01-02 03:04:05 XYZ\""
        );
        s.set_time_zone("America/New_York").unwrap();
        let cases = [
            ("1800-01-01 00:00", "1800-01-01 00:00:00-04:56:02"),
            ("2024-03-10 02:30", "2024-03-10 03:30:00-04"),
            ("2024-11-03 01:30", "2024-11-03 01:30:00-05"),
            ("2024-01-02", "2024-01-02 00:00:00-05"),
        ];
        for (input, want) in cases {
            let t = parse_timestamptz(input, &s).unwrap();
            assert_eq!(format_timestamptz(t, &s.time_zone), want, "{input}");
        }
    }

    #[test]
    fn times() {
        let s = utc();
        let cases = [
            ("12:34", "12:34:00"),
            ("12:34:56.789", "12:34:56.789"),
            ("24:00:00", "24:00:00"),
            ("allballs", "00:00:00"),
            ("12:34:56+02", "12:34:56"),
            ("12:34:56 PM", "12:34:56"),
            ("12:00 AM", "00:00:00"),
        ];
        for (input, want) in cases {
            assert_eq!(format_time(parse_time(input, &s).unwrap()), want, "{input}");
        }
        for bad in ["25:00", "13:00 PM"] {
            assert_eq!(
                parse_time(bad, &s).unwrap_err().message(),
                format!("date/time field value out of range: \"{bad}\"")
            );
        }
    }

    #[test]
    fn clock_words_need_a_clock() {
        let mut s = utc();
        assert!(parse_date("today", &s).is_err());
        s.now = Some(USECS_PER_DAY * 10 + 5);
        assert_eq!(parse_date("tomorrow", &s).unwrap(), 11);
        assert_eq!(
            parse_timestamptz("now", &s).unwrap(),
            USECS_PER_DAY * 10 + 5
        );
        assert_eq!(parse_date("yesterday", &s).unwrap(), 9);
    }
}
