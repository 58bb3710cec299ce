//! Date/time text input as PostgreSQL 15 reads it: `ParseDateTime` splits
//! the text into typed fields, `DecodeDateTime` (dates and timestamps) and
//! `DecodeTimeOnly` (times) give each field its meaning from what was seen
//! before it, with the same field masks, so that the same inputs are
//! accepted, rejected and reported with the same error.

use super::calendar::*;
use super::zone::{lookup_abbrev, Abbrev, Zone};
use crate::types::settings::{DateOrder, Settings};

/// Why input was rejected (`DTERR_*`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum DtErr {
    BadFormat,
    FieldOverflow,
    /// A month or day out of range: the hint suggests another DateStyle.
    MdFieldOverflow,
    TzDispOverflow,
    /// `time zone "…" not recognized`, raised directly.
    UnknownZone(String),
}

type DtResult<T> = Result<T, DtErr>;

/// Field types of `ParseDateTime`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Ft {
    Number,
    String,
    Date,
    Time,
    Tz,
    Special,
}

// Field kinds (bit numbers of the masks), as datetime.h numbers them.
const RESERV: u32 = 0;
const MONTH: u32 = 1;
const YEAR: u32 = 2;
const DAY: u32 = 3;
const TZ: u32 = 5;
const DTZ: u32 = 6;
const DYNTZ: u32 = 7;
const AMPM: u32 = 9;
const HOUR: u32 = 10;
const MINUTE: u32 = 11;
const SECOND: u32 = 12;
const MILLISECOND: u32 = 13;
const MICROSECOND: u32 = 14;
const DOY: u32 = 15;
const DOW: u32 = 16;
const ADBC: u32 = 18;
const DTZMOD: u32 = 28;
const UNKNOWN: u32 = 31;

const fn m(bit: u32) -> u32 {
    1 << bit
}
const DATE_M: u32 = m(YEAR) | m(MONTH) | m(DAY);
const ALL_SECS_M: u32 = m(SECOND) | m(MILLISECOND) | m(MICROSECOND);
const TIME_M: u32 = m(HOUR) | m(MINUTE) | ALL_SECS_M;

/// Values of reserved words and units (`DTK_*`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Dtk {
    Time,
    Early,
    Late,
    Epoch,
    Now,
    Yesterday,
    Today,
    Tomorrow,
    Zulu,
    Second,
    Minute,
    Hour,
    Day,
    Month,
    Year,
    Julian,
    Other,
}

/// What a word means (`datetktbl`).
#[derive(Clone, Copy, Debug)]
enum Tok {
    Reserved(Dtk),
    Month(i64),
    Dow,
    Am,
    Pm,
    Ad,
    Bc,
    Units(Dtk),
    IsoTime,
    Ignore,
    DstMod,
}

fn special_word(word: &str) -> Option<Tok> {
    // PostgreSQL compares only the first 10 characters (TOKMAXLEN).
    let w = if word.len() > 10 { &word[..10] } else { word };
    let months = [
        ("jan", 1),
        ("january", 1),
        ("feb", 2),
        ("february", 2),
        ("mar", 3),
        ("march", 3),
        ("apr", 4),
        ("april", 4),
        ("may", 5),
        ("jun", 6),
        ("june", 6),
        ("jul", 7),
        ("july", 7),
        ("aug", 8),
        ("august", 8),
        ("sep", 9),
        ("sept", 9),
        ("september", 9),
        ("oct", 10),
        ("october", 10),
        ("nov", 11),
        ("november", 11),
        ("dec", 12),
        ("december", 12),
    ];
    if let Some((_, n)) = months.iter().find(|(name, _)| *name == w) {
        return Some(Tok::Month(*n));
    }
    Some(match w {
        "-infinity" => Tok::Reserved(Dtk::Early),
        "infinity" => Tok::Reserved(Dtk::Late),
        "epoch" => Tok::Reserved(Dtk::Epoch),
        "now" => Tok::Reserved(Dtk::Now),
        "today" => Tok::Reserved(Dtk::Today),
        "tomorrow" => Tok::Reserved(Dtk::Tomorrow),
        "yesterday" => Tok::Reserved(Dtk::Yesterday),
        "allballs" => Tok::Reserved(Dtk::Zulu),
        "ad" => Tok::Ad,
        "bc" => Tok::Bc,
        "am" => Tok::Am,
        "pm" => Tok::Pm,
        "at" | "on" => Tok::Ignore,
        "dst" => Tok::DstMod,
        "t" => Tok::IsoTime,
        "d" => Tok::Units(Dtk::Day),
        "h" => Tok::Units(Dtk::Hour),
        "m" => Tok::Units(Dtk::Month),
        "mm" => Tok::Units(Dtk::Minute),
        "s" => Tok::Units(Dtk::Second),
        "y" => Tok::Units(Dtk::Year),
        "j" | "jd" | "julian" => Tok::Units(Dtk::Julian),
        "dow" | "doy" | "isodow" | "isoyear" => Tok::Units(Dtk::Other),
        "sun" | "sunday" | "mon" | "monday" | "tue" | "tues" | "tuesday" | "wed" | "weds"
        | "wednesday" | "thu" | "thur" | "thurs" | "thursday" | "fri" | "friday" | "sat"
        | "saturday" => Tok::Dow,
        _ => return None,
    })
}

/// `ParseDateTime`: splits input into lowercase fields and their types.
pub(crate) fn parse_fields(input: &str) -> DtResult<Vec<(String, Ft)>> {
    let b = input.as_bytes();
    let mut i = 0;
    let mut out: Vec<(String, Ft)> = Vec::new();
    let lower = |c: u8| c.to_ascii_lowercase() as char;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if out.len() >= 25 {
            return Err(DtErr::BadFormat);
        }
        let mut f = String::new();
        let ft;
        if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                f.push(b[i] as char);
                i += 1;
            }
            if i < b.len() && b[i] == b':' {
                ft = Ft::Time;
                f.push(':');
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':' || b[i] == b'.') {
                    f.push(b[i] as char);
                    i += 1;
                }
            } else if i < b.len() && matches!(b[i], b'-' | b'/' | b'.') {
                let delim = b[i];
                f.push(delim as char);
                i += 1;
                if i < b.len() && b[i].is_ascii_digit() {
                    let mut t = if delim == b'.' { Ft::Number } else { Ft::Date };
                    while i < b.len() && b[i].is_ascii_digit() {
                        f.push(b[i] as char);
                        i += 1;
                    }
                    if i < b.len() && b[i] == delim {
                        t = Ft::Date;
                        f.push(delim as char);
                        i += 1;
                        while i < b.len() && (b[i].is_ascii_digit() || b[i] == delim) {
                            f.push(b[i] as char);
                            i += 1;
                        }
                    }
                    ft = t;
                } else {
                    ft = Ft::Date;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == delim) {
                        f.push(lower(b[i]));
                        i += 1;
                    }
                }
            } else {
                ft = Ft::Number;
            }
        } else if c == b'.' {
            f.push('.');
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                f.push(b[i] as char);
                i += 1;
            }
            ft = Ft::Number;
        } else if c.is_ascii_alphabetic() {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                f.push(lower(b[i]));
                i += 1;
            }
            let mut is_date = false;
            if i < b.len() && matches!(b[i], b'-' | b'/' | b'.') {
                is_date = true;
            } else if i < b.len() && (b[i] == b'+' || b[i].is_ascii_digit()) {
                is_date = special_word(&f).is_none();
            }
            if is_date {
                loop {
                    f.push(lower(b[i]));
                    i += 1;
                    if !(i < b.len()
                        && (matches!(b[i], b'+' | b'-' | b'/' | b'_' | b'.' | b':')
                            || b[i].is_ascii_alphanumeric()))
                    {
                        break;
                    }
                }
                ft = Ft::Date;
            } else {
                ft = Ft::String;
            }
        } else if c == b'+' || c == b'-' {
            f.push(c as char);
            i += 1;
            while i < b.len() && b[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < b.len() && b[i].is_ascii_digit() {
                ft = Ft::Tz;
                while i < b.len() && (b[i].is_ascii_digit() || matches!(b[i], b':' | b'.' | b'-')) {
                    f.push(b[i] as char);
                    i += 1;
                }
            } else if i < b.len() && b[i].is_ascii_alphabetic() {
                ft = Ft::Special;
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    f.push(lower(b[i]));
                    i += 1;
                }
            } else {
                return Err(DtErr::BadFormat);
            }
        } else if c.is_ascii_punctuation() {
            i += 1;
            continue;
        } else {
            return Err(DtErr::BadFormat);
        }
        out.push((f, ft));
    }
    Ok(out)
}

/// A broken-down date and time (`struct pg_tm` plus `fsec`).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Tm {
    pub year: i64,
    pub mon: i64,
    pub mday: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    pub fsec: i64,
    yday: i64,
}

/// What the input denoted (`dtype`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Date,
    Time,
    Epoch,
    Late,
    Early,
}

/// `strtol` into an i32 range: value (None on overflow) and end position.
fn strtoint(s: &str, start: usize) -> (Option<i64>, usize) {
    let b = s.as_bytes();
    let mut i = start;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    let mut neg = false;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        neg = b[i] == b'-';
        i += 1;
    }
    let ds = i;
    let mut v: i64 = 0;
    let mut over = false;
    while i < b.len() && b[i].is_ascii_digit() {
        v = v.saturating_mul(10).saturating_add(i64::from(b[i] - b'0'));
        if v > i64::from(i32::MAX) + 1 {
            over = true;
        }
        i += 1;
    }
    if i == ds {
        return (Some(0), start);
    }
    let v = if neg { -v } else { v };
    if over || v > i64::from(i32::MAX) || v < i64::from(i32::MIN) {
        return (None, i);
    }
    (Some(v), i)
}

/// `ParseFractionalSecond`: `.123` to microseconds; the rest must be the
/// fraction only.
fn fractional_second(s: &str) -> DtResult<i64> {
    let digits = &s[1..];
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(DtErr::BadFormat);
    }
    let f: f64 = format!("0.{digits}0")
        .parse()
        .map_err(|_| DtErr::BadFormat)?;
    Ok((f * 1e6).round_ties_even() as i64)
}

fn atoi(s: &str) -> i64 {
    strtoint(s, 0).0.unwrap_or(0)
}

struct Decoder<'a> {
    settings: &'a Settings,
    tm: Tm,
    fmask: u32,
    is2digits: bool,
}

/// Result of `DecodeNumberField`: a date or a time.
#[derive(PartialEq)]
enum NumberField {
    Date,
    Time,
}

impl Decoder<'_> {
    fn order(&self) -> DateOrder {
        self.settings.date_order
    }

    /// `DecodeNumberField`: run-together `YYYYMMDD`, `YYMMDD`, `hhmmss`,
    /// `hhmm`, optionally with a fraction.
    /// A number after a unit label (`y`, `m`, `d`, `h`, `J`, `T`, … as in
    /// `y1999m01d08`): sets the field the label names and its mask bit.
    /// In a date and time (`with_date`), a Julian day may carry a fraction
    /// (the time of day), and the result says whether it was a Julian day;
    /// a `T` field restarts the mask.
    fn labelled_number(
        &mut self,
        p: Dtk,
        field: &str,
        with_date: bool,
        tmask: &mut u32,
    ) -> DtResult<bool> {
        let (val, cp) = strtoint(field, 0);
        let val = val.ok_or(DtErr::FieldOverflow)?;
        let rest = &field[cp..];
        if rest.starts_with('.') {
            if !matches!(p, Dtk::Julian | Dtk::Time | Dtk::Second) {
                return Err(DtErr::BadFormat);
            }
        } else if !rest.is_empty() {
            return Err(DtErr::BadFormat);
        }
        match p {
            Dtk::Year => {
                self.tm.year = val;
                *tmask = m(YEAR);
            }
            Dtk::Month => {
                if self.fmask & m(MONTH) != 0 && self.fmask & m(HOUR) != 0 {
                    self.tm.min = val;
                    *tmask = m(MINUTE);
                } else {
                    self.tm.mon = val;
                    *tmask = m(MONTH);
                }
            }
            Dtk::Day => {
                self.tm.mday = val;
                *tmask = m(DAY);
            }
            Dtk::Hour => {
                self.tm.hour = val;
                *tmask = m(HOUR);
            }
            Dtk::Minute => {
                self.tm.min = val;
                *tmask = m(MINUTE);
            }
            Dtk::Second => {
                self.tm.sec = val;
                *tmask = m(SECOND);
                if rest.starts_with('.') {
                    self.tm.fsec = fractional_second(rest)?;
                    *tmask = ALL_SECS_M;
                }
            }
            Dtk::Julian => {
                if val < 0 {
                    return Err(DtErr::FieldOverflow);
                }
                *tmask = DATE_M;
                let (y, mo, dd) = j2ymd(val);
                self.tm.year = y;
                self.tm.mon = mo;
                self.tm.mday = dd;
                if with_date && rest.starts_with('.') {
                    let f: f64 = format!("0{rest}").parse().map_err(|_| DtErr::BadFormat)?;
                    let t = (f * USECS_PER_DAY as f64) as i64;
                    self.tm.hour = t / USECS_PER_HOUR;
                    self.tm.min = t / USECS_PER_MINUTE % 60;
                    self.tm.sec = t / USECS_PER_SEC % 60;
                    self.tm.fsec = t % USECS_PER_SEC;
                    *tmask |= TIME_M;
                }
                return Ok(with_date);
            }
            Dtk::Time => {
                if with_date {
                    *tmask = 0;
                }
                self.number_field(field, self.fmask | DATE_M, tmask)?;
                if *tmask != TIME_M {
                    return Err(DtErr::BadFormat);
                }
            }
            _ => return Err(DtErr::BadFormat),
        }
        Ok(false)
    }

    fn number_field(&mut self, s: &str, fmask: u32, tmask: &mut u32) -> DtResult<NumberField> {
        let mut str = s.to_string();
        if let Some(dot) = s.find('.') {
            let frac = &s[dot..];
            self.tm.fsec = if frac.len() == 1 {
                0
            } else {
                let f: f64 = format!("0{frac}").parse().map_err(|_| DtErr::BadFormat)?;
                (f * 1e6).round_ties_even() as i64
            };
            str.truncate(dot);
        } else if fmask & DATE_M != DATE_M && str.len() >= 6 {
            *tmask = DATE_M;
            let len = str.len();
            self.tm.mday = atoi(&str[len - 2..]);
            self.tm.mon = atoi(&str[len - 4..len - 2]);
            self.tm.year = atoi(&str[..len - 4]);
            if len - 4 == 2 {
                self.is2digits = true;
            }
            return Ok(NumberField::Date);
        }
        if fmask & TIME_M != TIME_M {
            let len = str.len();
            if len == 6 {
                *tmask = TIME_M;
                self.tm.sec = atoi(&str[4..]);
                self.tm.min = atoi(&str[2..4]);
                self.tm.hour = atoi(&str[..2]);
                return Ok(NumberField::Time);
            } else if len == 4 {
                *tmask = TIME_M;
                self.tm.sec = 0;
                self.tm.min = atoi(&str[2..]);
                self.tm.hour = atoi(&str[..2]);
                return Ok(NumberField::Time);
            }
        }
        Err(DtErr::BadFormat)
    }

    /// `DecodeNumber`: one numeric field, by what is already known.
    fn number(&mut self, s: &str, text_month: bool, fmask: u32, tmask: &mut u32) -> DtResult<()> {
        *tmask = 0;
        let flen = s.len();
        let (val, end) = strtoint(s, 0);
        let val = val.ok_or(DtErr::FieldOverflow)?;
        if end == 0 {
            return Err(DtErr::BadFormat);
        }
        if s.as_bytes().get(end) == Some(&b'.') {
            if end > 2 {
                self.number_field(s, fmask | DATE_M, tmask)?;
                return Ok(());
            }
            self.tm.fsec = fractional_second(&s[end..])?;
        } else if end != s.len() {
            return Err(DtErr::BadFormat);
        }
        if flen == 3 && fmask & DATE_M == m(YEAR) && (1..=366).contains(&val) {
            *tmask = m(DOY) | m(MONTH) | m(DAY);
            self.tm.yday = val;
            return Ok(());
        }
        let order = self.order();
        match fmask & DATE_M {
            0 => {
                if flen >= 3 || order == DateOrder::Ymd {
                    *tmask = m(YEAR);
                    self.tm.year = val;
                } else if order == DateOrder::Dmy {
                    *tmask = m(DAY);
                    self.tm.mday = val;
                } else {
                    *tmask = m(MONTH);
                    self.tm.mon = val;
                }
            }
            x if x == m(YEAR) => {
                *tmask = m(MONTH);
                self.tm.mon = val;
            }
            x if x == m(MONTH) => {
                if text_month {
                    if flen >= 3 || order == DateOrder::Ymd {
                        *tmask = m(YEAR);
                        self.tm.year = val;
                    } else {
                        *tmask = m(DAY);
                        self.tm.mday = val;
                    }
                } else {
                    *tmask = m(DAY);
                    self.tm.mday = val;
                }
            }
            x if x == m(YEAR) | m(MONTH) => {
                if text_month {
                    if flen >= 3 && self.is2digits {
                        *tmask = m(DAY);
                        self.tm.mday = self.tm.year;
                        self.tm.year = val;
                        self.is2digits = false;
                    } else {
                        *tmask = m(DAY);
                        self.tm.mday = val;
                    }
                } else {
                    *tmask = m(DAY);
                    self.tm.mday = val;
                }
            }
            x if x == m(DAY) => {
                *tmask = m(MONTH);
                self.tm.mon = val;
            }
            x if x == m(MONTH) | m(DAY) => {
                *tmask = m(YEAR);
                self.tm.year = val;
            }
            x if x == DATE_M => {
                self.number_field(s, fmask, tmask)?;
                return Ok(());
            }
            _ => return Err(DtErr::BadFormat),
        }
        if *tmask == m(YEAR) {
            self.is2digits = flen <= 2;
        }
        Ok(())
    }

    /// `DecodeDate`: a field like `1999-01-08`, `jan-08-99`, `1999.008`.
    fn date(&mut self, s: &str, mut fmask: u32, tmask: &mut u32) -> DtResult<()> {
        *tmask = 0;
        let b = s.as_bytes();
        let mut fields: Vec<&str> = Vec::new();
        let mut i = 0;
        while i < b.len() && fields.len() < 25 {
            while i < b.len() && !b[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i == b.len() {
                return Err(DtErr::BadFormat);
            }
            let start = i;
            if b[i].is_ascii_digit() {
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
            } else {
                while i < b.len() && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
            }
            fields.push(&s[start..i]);
            if i < b.len() {
                i += 1;
            }
        }
        let mut text_month = false;
        let mut done = vec![false; fields.len()];
        for (n, f) in fields.iter().enumerate() {
            if f.as_bytes()[0].is_ascii_alphabetic() {
                let dmask = match special_word(f) {
                    Some(Tok::Ignore) => continue,
                    Some(Tok::Month(v)) => {
                        self.tm.mon = v;
                        text_month = true;
                        m(MONTH)
                    }
                    _ => return Err(DtErr::BadFormat),
                };
                if fmask & dmask != 0 {
                    return Err(DtErr::BadFormat);
                }
                fmask |= dmask;
                *tmask |= dmask;
                done[n] = true;
            }
        }
        for (n, f) in fields.iter().enumerate() {
            if done[n] {
                continue;
            }
            if f.is_empty() {
                return Err(DtErr::BadFormat);
            }
            let mut dmask = 0;
            self.number(f, text_month, fmask, &mut dmask)?;
            if fmask & dmask != 0 {
                return Err(DtErr::BadFormat);
            }
            fmask |= dmask;
            *tmask |= dmask;
        }
        if fmask & !(m(DOY) | m(TZ)) != DATE_M {
            return Err(DtErr::BadFormat);
        }
        Ok(())
    }

    /// `DecodeTime`: `hh:mm[:ss[.fff]]` (or `mm:ss.fff`).
    fn time(&mut self, s: &str, tmask: &mut u32) -> DtResult<()> {
        *tmask = TIME_M;
        let (hour, cp) = strtoint(s, 0);
        let hour = hour.ok_or(DtErr::FieldOverflow)?;
        let b = s.as_bytes();
        if b.get(cp) != Some(&b':') {
            return Err(DtErr::BadFormat);
        }
        let (min, cp) = strtoint(s, cp + 1);
        let mut min = min.ok_or(DtErr::FieldOverflow)?;
        let mut hour = hour;
        let sec;
        let mut fsec = 0;
        match b.get(cp) {
            None => sec = 0,
            Some(b'.') => {
                fsec = fractional_second(&s[cp..])?;
                sec = min;
                min = hour;
                hour = 0;
            }
            Some(b':') => {
                let (v, cp2) = strtoint(s, cp + 1);
                sec = v.ok_or(DtErr::FieldOverflow)?;
                match b.get(cp2) {
                    None => {}
                    Some(b'.') => fsec = fractional_second(&s[cp2..])?,
                    _ => return Err(DtErr::BadFormat),
                }
            }
            _ => return Err(DtErr::BadFormat),
        }
        if hour < 0
            || !(0..=59).contains(&min)
            || !(0..=60).contains(&sec)
            || !(0..=1_000_000).contains(&fsec)
        {
            return Err(DtErr::FieldOverflow);
        }
        self.tm.hour = hour;
        self.tm.min = min;
        self.tm.sec = sec;
        self.tm.fsec = fsec;
        Ok(())
    }
}

/// `DecodeTimezone`: `+hh`, `-hhmm`, `+hh:mm[:ss]`; seconds *west*.
pub(crate) fn decode_timezone(s: &str) -> DtResult<i32> {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'+' | b'-')) {
        return Err(DtErr::BadFormat);
    }
    let (hr, mut cp) = strtoint(s, 1);
    let mut hr = hr.ok_or(DtErr::TzDispOverflow)?;
    let mut min = 0;
    let mut sec = 0;
    if b.get(cp) == Some(&b':') {
        let (v, c) = strtoint(s, cp + 1);
        min = v.ok_or(DtErr::TzDispOverflow)?;
        cp = c;
        if b.get(cp) == Some(&b':') {
            let (v, c) = strtoint(s, cp + 1);
            sec = v.ok_or(DtErr::TzDispOverflow)?;
            cp = c;
        }
    } else if cp == s.len() && s.len() > 3 {
        min = hr % 100;
        hr /= 100;
    }
    if !(0..=15).contains(&hr) || !(0..60).contains(&min) || !(0..60).contains(&sec) {
        return Err(DtErr::TzDispOverflow);
    }
    let mut tz = (hr * 60 + min) * 60 + sec;
    if b[0] == b'-' {
        tz = -tz;
    }
    if cp != s.len() {
        return Err(DtErr::BadFormat);
    }
    Ok(-tz as i32)
}

fn j2ymd(julian: i64) -> (i64, i64, i64) {
    let (y, m, d) = ymd_from_days(julian - JULIAN_EPOCH);
    (y, i64::from(m), i64::from(d))
}

/// Julian day of 2000-01-01.
pub(crate) const JULIAN_EPOCH: i64 = 2_451_545;

fn ymd2j(y: i64, m: i64, d: i64) -> i64 {
    // date2j works with any month/day; normalise via days_from_ymd on a
    // valid month and add the day offset.
    if (1..=12).contains(&m) {
        days_from_ymd(y, m as u32, 1) + d - 1 + JULIAN_EPOCH
    } else {
        let total = y * 12 + (m - 1);
        days_from_ymd(total.div_euclid(12), (total.rem_euclid(12) + 1) as u32, 1) + d - 1
            + JULIAN_EPOCH
    }
}

/// `ValidateDate`.
fn validate_date(
    fmask: u32,
    isjulian: bool,
    is2digits: bool,
    bc: bool,
    tm: &mut Tm,
) -> DtResult<()> {
    if fmask & m(YEAR) != 0 {
        if isjulian {
        } else if bc {
            if tm.year <= 0 {
                return Err(DtErr::FieldOverflow);
            }
            tm.year = -(tm.year - 1);
        } else if is2digits {
            if tm.year < 0 {
                return Err(DtErr::FieldOverflow);
            }
            if tm.year < 70 {
                tm.year += 2000;
            } else if tm.year < 100 {
                tm.year += 1900;
            }
        } else if tm.year <= 0 {
            return Err(DtErr::FieldOverflow);
        }
    }
    if fmask & m(DOY) != 0 {
        let (y, mo, d) = j2ymd(ymd2j(tm.year, 1, 1) + tm.yday - 1);
        tm.year = y;
        tm.mon = mo;
        tm.mday = d;
    }
    if fmask & m(MONTH) != 0 && !(1..=12).contains(&tm.mon) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & m(DAY) != 0 && !(1..=31).contains(&tm.mday) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & DATE_M == DATE_M && tm.mday > i64::from(days_in_month(tm.year, tm.mon as u32)) {
        return Err(DtErr::FieldOverflow);
    }
    Ok(())
}

fn time_overflows(tm: &Tm) -> bool {
    if !(0..=24).contains(&tm.hour)
        || !(0..60).contains(&tm.min)
        || !(0..=60).contains(&tm.sec)
        || !(0..=1_000_000).contains(&tm.fsec)
    {
        return true;
    }
    ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec > USECS_PER_DAY
}

/// The session's current local date and time, broken down.
fn current_tm(settings: &Settings) -> DtResult<(Tm, i32)> {
    let now = settings.now.ok_or(DtErr::BadFormat)?;
    let off = settings.time_zone.offset_at(now);
    let local = now + i64::from(off) * USECS_PER_SEC;
    let (days, tod) = split_timestamp(local);
    let (y, mo, d) = ymd_from_days(days);
    Ok((
        Tm {
            year: y,
            mon: i64::from(mo),
            mday: i64::from(d),
            hour: tod / USECS_PER_HOUR,
            min: tod / USECS_PER_MINUTE % 60,
            sec: tod / USECS_PER_SEC % 60,
            fsec: tod % USECS_PER_SEC,
            yday: 0,
        },
        -off,
    ))
}

/// Microseconds since 2000-01-01 of a broken-down local time, with
/// PostgreSQL's Julian range check (`IS_VALID_JULIAN`).
pub(crate) fn tm_to_local(tm: &Tm) -> Option<i64> {
    if !valid_julian(tm.year, tm.mon, tm.mday) {
        return None;
    }
    let days = ymd2j(tm.year, tm.mon, tm.mday) - JULIAN_EPOCH;
    let time = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec;
    days.checked_mul(USECS_PER_DAY)?.checked_add(time)
}

pub(crate) fn valid_julian(y: i64, m: i64, _d: i64) -> bool {
    (y > -4713 || (y == -4713 && m >= 11)) && (y < 5_874_898 || (y == 5_874_898 && m < 6))
}

fn local_of(tm: &Tm) -> i64 {
    tm_to_local(tm).unwrap_or(0)
}

/// A zone named in the input, resolved once the date is known.
enum PendingZone {
    Named(Zone),
    Abbrev(String, Zone),
}

fn named_zone(name: &str) -> Option<Zone> {
    Zone::named(name)
}

/// A word of date/time input: a zone abbreviation (its kind, offset and
/// zone), else `UNKNOWN` and the keyword it is, if any. Abbreviations take
/// precedence over keywords.
fn classify_word(word: &str) -> (u32, i32, Option<Zone>, Option<Tok>) {
    match abbrev_zone(word) {
        Some((ty, off, zone)) => (ty, off, zone, None),
        None => (UNKNOWN, 0, None, special_word(word)),
    }
}

fn abbrev_zone(word: &str) -> Option<(u32, i32, Option<Zone>)> {
    match lookup_abbrev(word)? {
        Abbrev::Fixed(off, dst) => Some((if dst { DTZ } else { TZ }, off, None)),
        Abbrev::Dynamic(name) => Some((DYNTZ, 0, Zone::named(name))),
    }
}

/// `DecodeDateTime`: the fields of a date or timestamp. Returns the kind,
/// the broken-down value, and the zone offset in seconds *west* (the
/// session's when the input names none).
pub(crate) fn decode_date_time(
    fields: &mut [(String, Ft)],
    settings: &Settings,
) -> DtResult<(Kind, Tm, i32)> {
    let mut d = Decoder {
        settings,
        tm: Tm::default(),
        fmask: 0,
        is2digits: false,
    };
    let mut kind = Kind::Date;
    let mut tz: i32 = 0;
    let mut ptype: Option<Dtk> = None;
    let mut mer: Option<bool> = None;
    let mut text_month = false;
    let mut isjulian = false;
    let mut bc = false;
    let mut pending: Option<PendingZone> = None;
    let nf = fields.len();
    for i in 0..nf {
        let (field, ft) = fields[i].clone();
        let mut tmask: u32;
        match ft {
            Ft::Date => {
                if ptype == Some(Dtk::Julian) {
                    // Julian day with attached zone: `J2451187-08`.
                    let (val, cp) = strtoint(&field, 0);
                    let val = val.ok_or(DtErr::FieldOverflow)?;
                    if val < 0 {
                        return Err(DtErr::FieldOverflow);
                    }
                    let (y, mo, dd) = j2ymd(val);
                    d.tm.year = y;
                    d.tm.mon = mo;
                    d.tm.mday = dd;
                    isjulian = true;
                    tz = decode_timezone(&field[cp..])?;
                    tmask = DATE_M | TIME_M | m(TZ);
                    ptype = None;
                } else if ptype.is_some() || d.fmask & (m(MONTH) | m(DAY)) == m(MONTH) | m(DAY) {
                    if field.as_bytes()[0].is_ascii_digit() || ptype.is_some() {
                        if let Some(p) = ptype {
                            if p != Dtk::Time {
                                return Err(DtErr::BadFormat);
                            }
                            ptype = None;
                        }
                        if d.fmask & TIME_M == TIME_M {
                            return Err(DtErr::BadFormat);
                        }
                        let dash = field.find('-').ok_or(DtErr::BadFormat)?;
                        tz = decode_timezone(&field[dash..])?;
                        tmask = 0;
                        d.number_field(&field[..dash], d.fmask, &mut tmask)?;
                        tmask |= m(TZ);
                    } else {
                        let z =
                            named_zone(&field).ok_or_else(|| DtErr::UnknownZone(field.clone()))?;
                        pending = Some(PendingZone::Named(z));
                        tmask = m(TZ);
                    }
                } else {
                    tmask = 0;
                    d.date(&field, d.fmask, &mut tmask)?;
                }
            }
            Ft::Time => {
                if let Some(p) = ptype {
                    if p != Dtk::Time {
                        return Err(DtErr::BadFormat);
                    }
                    ptype = None;
                }
                tmask = 0;
                d.time(&field, &mut tmask)?;
                if time_overflows(&d.tm) {
                    return Err(DtErr::FieldOverflow);
                }
            }
            Ft::Tz => {
                tz = decode_timezone(&field)?;
                tmask = m(TZ);
            }
            Ft::Number => {
                if let Some(p) = ptype {
                    tmask = 0;
                    isjulian |= d.labelled_number(p, &field, true, &mut tmask)?;
                    ptype = None;
                    kind = Kind::Date;
                } else {
                    let flen = field.len();
                    let dot = field.find('.');
                    tmask = 0;
                    if dot.is_some() && d.fmask & DATE_M == 0 {
                        d.date(&field, d.fmask, &mut tmask)?;
                    } else if dot.is_some_and(|p| p > 2)
                        || (flen >= 6 && (d.fmask & DATE_M == 0 || d.fmask & TIME_M == 0))
                    {
                        d.number_field(&field, d.fmask, &mut tmask)?;
                    } else {
                        d.number(&field, text_month, d.fmask, &mut tmask)?;
                    }
                }
            }
            Ft::String | Ft::Special => {
                // Zone abbreviations take precedence over keywords.
                let (ty, val_off, dynzone, tok) = classify_word(&field);
                if matches!(tok, Some(Tok::Ignore)) {
                    continue;
                }
                match (ty, tok) {
                    (TZ, _) => {
                        tmask = m(TZ);
                        tz = -val_off;
                    }
                    (DTZ, _) => {
                        tmask = m(DTZ) | m(TZ);
                        tz = -val_off;
                    }
                    (DYNTZ, _) => {
                        tmask = m(DYNTZ) | m(TZ);
                        let z = dynzone.ok_or(DtErr::BadFormat)?;
                        pending = Some(PendingZone::Abbrev(field.clone(), z));
                    }
                    (_, Some(Tok::Reserved(r))) => {
                        tmask = m(RESERV);
                        match r {
                            Dtk::Now => {
                                tmask = DATE_M | TIME_M | m(TZ);
                                kind = Kind::Date;
                                let (cur, ctz) = current_tm(settings)?;
                                d.tm = cur;
                                tz = ctz;
                            }
                            Dtk::Yesterday | Dtk::Today | Dtk::Tomorrow => {
                                tmask = DATE_M;
                                kind = Kind::Date;
                                let (cur, _) = current_tm(settings)?;
                                let delta = match r {
                                    Dtk::Yesterday => -1,
                                    Dtk::Tomorrow => 1,
                                    _ => 0,
                                };
                                let (y, mo, dd) = j2ymd(ymd2j(cur.year, cur.mon, cur.mday) + delta);
                                d.tm.year = y;
                                d.tm.mon = mo;
                                d.tm.mday = dd;
                            }
                            Dtk::Zulu => {
                                tmask = TIME_M | m(TZ);
                                kind = Kind::Date;
                                d.tm.hour = 0;
                                d.tm.min = 0;
                                d.tm.sec = 0;
                                tz = 0;
                            }
                            Dtk::Epoch => kind = Kind::Epoch,
                            Dtk::Late => kind = Kind::Late,
                            Dtk::Early => kind = Kind::Early,
                            _ => return Err(DtErr::BadFormat),
                        }
                    }
                    (_, Some(Tok::Month(v))) => {
                        tmask = m(MONTH);
                        if d.fmask & m(MONTH) != 0
                            && !text_month
                            && d.fmask & m(DAY) == 0
                            && (1..=31).contains(&d.tm.mon)
                        {
                            d.tm.mday = d.tm.mon;
                            tmask = m(DAY);
                        }
                        text_month = true;
                        d.tm.mon = v;
                    }
                    (_, Some(Tok::DstMod)) => {
                        tmask = m(DTZMOD) | m(DTZ);
                        tz -= 3600;
                    }
                    (_, Some(Tok::Am)) => {
                        tmask = m(AMPM);
                        mer = Some(false);
                    }
                    (_, Some(Tok::Pm)) => {
                        tmask = m(AMPM);
                        mer = Some(true);
                    }
                    (_, Some(Tok::Ad)) => {
                        tmask = m(ADBC);
                        bc = false;
                    }
                    (_, Some(Tok::Bc)) => {
                        tmask = m(ADBC);
                        bc = true;
                    }
                    (_, Some(Tok::Dow)) => tmask = m(DOW),
                    (_, Some(Tok::Units(u))) => {
                        tmask = 0;
                        ptype = Some(u);
                    }
                    (_, Some(Tok::IsoTime)) => {
                        tmask = 0;
                        if d.fmask & DATE_M != DATE_M {
                            return Err(DtErr::BadFormat);
                        }
                        if i + 1 >= nf
                            || !matches!(fields[i + 1].1, Ft::Number | Ft::Time | Ft::Date)
                        {
                            return Err(DtErr::BadFormat);
                        }
                        ptype = Some(Dtk::Time);
                    }
                    _ => {
                        let z = named_zone(&field).ok_or(DtErr::BadFormat)?;
                        pending = Some(PendingZone::Named(z));
                        tmask = m(TZ);
                    }
                }
            }
        }
        if tmask & d.fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        d.fmask |= tmask;
    }
    let fmask = d.fmask;
    validate_date(fmask, isjulian, d.is2digits, bc, &mut d.tm)?;
    if let Some(pm) = mer {
        if d.tm.hour > 12 {
            return Err(DtErr::FieldOverflow);
        }
        if !pm && d.tm.hour == 12 {
            d.tm.hour = 0;
        } else if pm && d.tm.hour != 12 {
            d.tm.hour += 12;
        }
    }
    if kind == Kind::Date {
        if fmask & DATE_M != DATE_M {
            return Err(DtErr::BadFormat);
        }
        match pending {
            Some(PendingZone::Named(z)) => {
                if fmask & m(DTZMOD) != 0 {
                    return Err(DtErr::BadFormat);
                }
                tz = -z.offset_of_local(local_of(&d.tm));
            }
            Some(PendingZone::Abbrev(name, z)) => {
                if fmask & m(DTZMOD) != 0 {
                    return Err(DtErr::BadFormat);
                }
                tz = -z.abbrev_offset_of_local(&name, local_of(&d.tm));
            }
            None => {}
        }
        if fmask & m(TZ) == 0 {
            if fmask & m(DTZMOD) != 0 {
                return Err(DtErr::BadFormat);
            }
            tz = -settings.time_zone.offset_of_local(local_of(&d.tm));
        }
    }
    Ok((kind, d.tm, tz))
}

/// `DecodeTimeOnly`: the fields of a `time` value.
pub(crate) fn decode_time_only(
    fields: &mut [(String, Ft)],
    settings: &Settings,
) -> DtResult<(Kind, Tm, i32)> {
    let mut d = Decoder {
        settings,
        tm: Tm::default(),
        fmask: 0,
        is2digits: false,
    };
    let mut kind = Kind::Time;
    let mut tz: i32 = 0;
    let mut ptype: Option<Dtk> = None;
    let mut mer: Option<bool> = None;
    let mut bc = false;
    let mut pending: Option<PendingZone> = None;
    let nf = fields.len();
    for i in 0..nf {
        let (field, ft) = fields[i].clone();
        let mut tmask: u32 = 0;
        match ft {
            Ft::Date => {
                if i == 0 && nf >= 2 && (fields[nf - 1].1 == Ft::Date || fields[1].1 == Ft::Time) {
                    d.date(&field, d.fmask, &mut tmask)?;
                } else if field.as_bytes()[0].is_ascii_digit() {
                    if d.fmask & TIME_M == TIME_M {
                        return Err(DtErr::BadFormat);
                    }
                    let dash = field.find('-').ok_or(DtErr::BadFormat)?;
                    tz = decode_timezone(&field[dash..])?;
                    let r = d.number_field(&field[..dash], d.fmask | DATE_M, &mut tmask)?;
                    fields[i].1 = if r == NumberField::Date {
                        Ft::Date
                    } else {
                        Ft::Time
                    };
                    tmask |= m(TZ);
                } else {
                    let z = named_zone(&field).ok_or_else(|| DtErr::UnknownZone(field.clone()))?;
                    pending = Some(PendingZone::Named(z));
                    fields[i].1 = Ft::Tz;
                    tmask = m(TZ);
                }
            }
            Ft::Time => {
                d.time(&field, &mut tmask)?;
            }
            Ft::Tz => {
                tz = decode_timezone(&field)?;
                tmask = m(TZ);
            }
            Ft::Number => {
                if let Some(p) = ptype {
                    d.labelled_number(p, &field, false, &mut tmask)?;
                    ptype = None;
                    kind = Kind::Date;
                } else {
                    let flen = field.len();
                    if let Some(dot) = field.find('.') {
                        if i == 0 && nf >= 2 && fields[nf - 1].1 == Ft::Date {
                            d.date(&field, d.fmask, &mut tmask)?;
                        } else if dot > 2 {
                            d.number_field(&field, d.fmask | DATE_M, &mut tmask)?;
                        } else {
                            return Err(DtErr::BadFormat);
                        }
                    } else if flen > 4 {
                        d.number_field(&field, d.fmask | DATE_M, &mut tmask)?;
                    } else {
                        d.number(&field, false, d.fmask | DATE_M, &mut tmask)?;
                    }
                }
            }
            Ft::String | Ft::Special => {
                let (ty, val_off, dynzone, tok) = classify_word(&field);
                if matches!(tok, Some(Tok::Ignore)) {
                    continue;
                }
                match (ty, tok) {
                    (TZ, _) => {
                        tmask = m(TZ);
                        tz = -val_off;
                    }
                    (DTZ, _) => {
                        tmask = m(DTZ) | m(TZ);
                        tz = -val_off;
                    }
                    (DYNTZ, _) => {
                        tmask = m(DYNTZ) | m(TZ);
                        let z = dynzone.ok_or(DtErr::BadFormat)?;
                        pending = Some(PendingZone::Abbrev(field.clone(), z));
                    }
                    (_, Some(Tok::Reserved(Dtk::Now))) => {
                        tmask = TIME_M;
                        kind = Kind::Time;
                        let (cur, _) = current_tm(settings)?;
                        d.tm.hour = cur.hour;
                        d.tm.min = cur.min;
                        d.tm.sec = cur.sec;
                        d.tm.fsec = cur.fsec;
                    }
                    (_, Some(Tok::Reserved(Dtk::Zulu))) => {
                        tmask = TIME_M | m(TZ);
                        kind = Kind::Time;
                        d.tm.hour = 0;
                        d.tm.min = 0;
                        d.tm.sec = 0;
                    }
                    (_, Some(Tok::Reserved(_))) => return Err(DtErr::BadFormat),
                    (_, Some(Tok::DstMod)) => {
                        tmask = m(DTZMOD) | m(DTZ);
                        tz -= 3600;
                    }
                    (_, Some(Tok::Am)) => {
                        tmask = m(AMPM);
                        mer = Some(false);
                    }
                    (_, Some(Tok::Pm)) => {
                        tmask = m(AMPM);
                        mer = Some(true);
                    }
                    (_, Some(Tok::Ad)) => {
                        tmask = m(ADBC);
                        bc = false;
                    }
                    (_, Some(Tok::Bc)) => {
                        tmask = m(ADBC);
                        bc = true;
                    }
                    (_, Some(Tok::Units(u))) => {
                        tmask = 0;
                        ptype = Some(u);
                    }
                    (_, Some(Tok::IsoTime)) => {
                        tmask = 0;
                        if i + 1 >= nf
                            || !matches!(fields[i + 1].1, Ft::Number | Ft::Time | Ft::Date)
                        {
                            return Err(DtErr::BadFormat);
                        }
                        ptype = Some(Dtk::Time);
                    }
                    (_, Some(_)) => return Err(DtErr::BadFormat),
                    _ => {
                        let z = named_zone(&field).ok_or(DtErr::BadFormat)?;
                        pending = Some(PendingZone::Named(z));
                        tmask = m(TZ);
                    }
                }
            }
        }
        if tmask & d.fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        d.fmask |= tmask;
    }
    let fmask = d.fmask;
    validate_date(fmask, false, d.is2digits, bc, &mut d.tm)?;
    if let Some(pm) = mer {
        if d.tm.hour > 12 {
            return Err(DtErr::FieldOverflow);
        }
        if !pm && d.tm.hour == 12 {
            d.tm.hour = 0;
        } else if pm && d.tm.hour != 12 {
            d.tm.hour += 12;
        }
    }
    if time_overflows(&d.tm) {
        return Err(DtErr::FieldOverflow);
    }
    if fmask & TIME_M != TIME_M {
        return Err(DtErr::BadFormat);
    }
    if let Some(PendingZone::Named(z)) = &pending {
        if fmask & m(DTZMOD) != 0 {
            return Err(DtErr::BadFormat);
        }
        if z.is_fixed() {
            tz = -z.offset_at(0);
        } else {
            if fmask & DATE_M != DATE_M {
                return Err(DtErr::BadFormat);
            }
            tz = -z.offset_of_local(local_of(&d.tm));
        }
    }
    if let Some(PendingZone::Abbrev(name, z)) = &pending {
        if fmask & m(DTZMOD) != 0 {
            return Err(DtErr::BadFormat);
        }
        if fmask & DATE_M != 0 && fmask & DATE_M != DATE_M {
            return Err(DtErr::BadFormat);
        }
        tz = -z.abbrev_offset_of_local(name, local_of(&d.tm));
    }
    if fmask & m(TZ) == 0 {
        if fmask & m(DTZMOD) != 0 {
            return Err(DtErr::BadFormat);
        }
        if fmask & DATE_M != 0 && fmask & DATE_M != DATE_M {
            return Err(DtErr::BadFormat);
        }
    }
    Ok((kind, d.tm, tz))
}
