//! `to_char`, `to_date` and `to_timestamp` with PostgreSQL's format
//! pictures for dates and times: `YYYY MM DD HH24 HH12 MI SS MS US AM PM
//! Mon Month Dy Day D ID DDD IW IYYY Q J TZ OF` with the `FM` prefix,
//! quoted text and backslash escapes.

use assay_storage::{bail, err, Result, SqlState};

use super::args::text;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::datetime::calendar::*;
use crate::types::{Interval, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("to_char", &[Timestamp, Text], Text, to_char)
        .stable();
    b.scalar("to_char", &[TimestampTz, Text], Text, to_char)
        .stable();
    b.scalar("to_char", &[Interval, Text], Text, to_char)
        .stable();
    b.scalar("to_date", &[Text, Text], Date, to_date).stable();
    b.scalar("to_timestamp", &[Text, Text], TimestampTz, to_timestamp)
        .stable();
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    Hh24,
    Hh12,
    Mi,
    Ss,
    Ms,
    Us,
    Am(Case, bool),
    Yyyy,
    Yyy,
    Yy,
    Y,
    Iyyy,
    Mm,
    Dd,
    Ddd,
    D,
    Id,
    Iw,
    Ww,
    Q,
    J,
    /// Last 3, 2, 1 digits of the ISO 8601 week-numbering year.
    Iyy,
    Iy,
    I,
    /// Day of the ISO 8601 week-numbering year.
    Iddd,
    /// Fractional seconds to 1..=6 digits.
    Ff(u8),
    /// Zone offset hours and minutes.
    Tzh,
    Tzm,
    /// Era: `AD`/`BC` (upper or lower case, with or without dots).
    Era(Case, bool),
    /// `Y,YYY`: the year with a thousands separator.
    YComma,
    /// `CC`: the century.
    Cc,
    /// Roman-numeral month, upper or lower case.
    Rm(bool),
    Month(Case),
    Mon(Case),
    Day(Case),
    Dy(Case),
    Tz(bool),
    Of,
    Sssss,
}

/// Upper (`MONTH`), capitalized (`Month`) or lower (`month`) names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    Upper,
    Capital,
    Lower,
}

enum Item {
    /// `ordinal`: a `TH` (upper) or `th` (lower) suffix asks for `1st`.
    Field {
        key: Key,
        fill_mode: bool,
        ordinal: Option<bool>,
    },
    Literal(String),
}

/// Keywords longest first where one is a prefix of another.
const KEYS: &[(&str, Key)] = &[
    ("HH24", Key::Hh24),
    ("HH12", Key::Hh12),
    ("HH", Key::Hh12),
    ("MI", Key::Mi),
    ("SSSSS", Key::Sssss),
    ("SSSS", Key::Sssss),
    ("SS", Key::Ss),
    ("MS", Key::Ms),
    ("US", Key::Us),
    ("A.M.", Key::Am(Case::Upper, true)),
    ("P.M.", Key::Am(Case::Upper, true)),
    ("a.m.", Key::Am(Case::Lower, true)),
    ("p.m.", Key::Am(Case::Lower, true)),
    ("AM", Key::Am(Case::Upper, false)),
    ("PM", Key::Am(Case::Upper, false)),
    ("am", Key::Am(Case::Lower, false)),
    ("pm", Key::Am(Case::Lower, false)),
    ("A.D.", Key::Era(Case::Upper, true)),
    ("B.C.", Key::Era(Case::Upper, true)),
    ("a.d.", Key::Era(Case::Lower, true)),
    ("b.c.", Key::Era(Case::Lower, true)),
    ("AD", Key::Era(Case::Upper, false)),
    ("BC", Key::Era(Case::Upper, false)),
    ("ad", Key::Era(Case::Lower, false)),
    ("bc", Key::Era(Case::Lower, false)),
    ("Y,YYY", Key::YComma),
    ("YYYY", Key::Yyyy),
    ("YYY", Key::Yyy),
    ("YY", Key::Yy),
    ("Y", Key::Y),
    ("IYYY", Key::Iyyy),
    ("IYY", Key::Iyy),
    ("IY", Key::Iy),
    ("MONTH", Key::Month(Case::Upper)),
    ("Month", Key::Month(Case::Capital)),
    ("month", Key::Month(Case::Lower)),
    ("MON", Key::Mon(Case::Upper)),
    ("Mon", Key::Mon(Case::Capital)),
    ("mon", Key::Mon(Case::Lower)),
    ("MM", Key::Mm),
    ("RM", Key::Rm(true)),
    ("rm", Key::Rm(false)),
    ("DAY", Key::Day(Case::Upper)),
    ("Day", Key::Day(Case::Capital)),
    ("day", Key::Day(Case::Lower)),
    ("DY", Key::Dy(Case::Upper)),
    ("Dy", Key::Dy(Case::Capital)),
    ("dy", Key::Dy(Case::Lower)),
    ("DDD", Key::Ddd),
    ("DD", Key::Dd),
    ("D", Key::D),
    ("IDDD", Key::Iddd),
    ("ID", Key::Id),
    ("IW", Key::Iw),
    ("WW", Key::Ww),
    ("Q", Key::Q),
    ("CC", Key::Cc),
    ("J", Key::J),
    ("TZH", Key::Tzh),
    ("TZM", Key::Tzm),
    ("tzh", Key::Tzh),
    ("tzm", Key::Tzm),
    ("FF1", Key::Ff(1)),
    ("FF2", Key::Ff(2)),
    ("FF3", Key::Ff(3)),
    ("FF4", Key::Ff(4)),
    ("FF5", Key::Ff(5)),
    ("FF6", Key::Ff(6)),
    ("ff1", Key::Ff(1)),
    ("ff2", Key::Ff(2)),
    ("ff3", Key::Ff(3)),
    ("ff4", Key::Ff(4)),
    ("ff5", Key::Ff(5)),
    ("ff6", Key::Ff(6)),
    ("TZ", Key::Tz(true)),
    ("tz", Key::Tz(false)),
    ("OF", Key::Of),
    ("I", Key::I),
];

fn parse_picture(fmt: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut rest = fmt;
    let mut lit = String::new();
    while !rest.is_empty() {
        let (fill_mode, body) = match rest.strip_prefix("FM").or_else(|| rest.strip_prefix("fm")) {
            Some(b) => (true, b),
            None => (false, rest),
        };
        if let Some((k, key)) = KEYS.iter().find(|(k, _)| body.starts_with(k)) {
            if !lit.is_empty() {
                items.push(Item::Literal(std::mem::take(&mut lit)));
            }
            rest = &body[k.len()..];
            let ordinal = if rest.starts_with("TH") {
                Some(true)
            } else if rest.starts_with("th") {
                Some(false)
            } else {
                None
            };
            if ordinal.is_some() {
                rest = &rest[2..];
            }
            items.push(Item::Field {
                key: *key,
                fill_mode,
                ordinal,
            });
            continue;
        }
        let mut chars = rest.chars();
        let c = chars.next().unwrap_or(' ');
        match c {
            '"' => {
                // Inside quotes a backslash takes the next character as is.
                let mut consumed = 1;
                let mut it = rest[1..].chars().peekable();
                while let Some(ch) = it.next() {
                    consumed += ch.len_utf8();
                    match ch {
                        '"' => break,
                        '\\' if it.peek().is_some() => {
                            let next = it.next().unwrap_or('\\');
                            consumed += next.len_utf8();
                            lit.push(next);
                        }
                        ch => lit.push(ch),
                    }
                }
                rest = &rest[consumed.min(rest.len())..];
            }
            '\\' if rest[1..].starts_with('"') => {
                lit.push('"');
                rest = &rest[2..];
            }
            _ => {
                lit.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !lit.is_empty() {
        items.push(Item::Literal(lit));
    }
    items
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn cased(name: &str, case: Case) -> String {
    match case {
        Case::Upper => name.to_uppercase(),
        Case::Capital => name.to_string(),
        Case::Lower => name.to_lowercase(),
    }
}

/// Zero-padded to `width` unless in fill mode.
fn num(v: i64, width: usize, fill_mode: bool) -> String {
    if fill_mode {
        v.to_string()
    } else if v < 0 {
        format!("-{:0w$}", -v, w = width)
    } else {
        format!("{v:0width$}")
    }
}

/// The broken-down value being formatted.
struct Parts {
    year: i64,
    month: i64,
    day: i64,
    days: i64,
    tod: i64,
    offset: Option<i32>,
    zone: String,
    is_interval: bool,
}

fn to_char(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let fmt = text(&a[1])?;
    let parts = match &a[0] {
        Value::Timestamp(t) | Value::TimestampTz(t) => {
            if !ts_is_finite(*t) {
                return Ok(Value::Null);
            }
            let tz = matches!(a[0], Value::TimestampTz(_));
            let offset = if tz {
                ctx.settings.time_zone.offset_at(*t)
            } else {
                0
            };
            let local = *t + i64::from(offset) * USECS_PER_SEC;
            let (days, tod) = split_timestamp(local);
            let (y, m, d) = ymd_from_days(days);
            Parts {
                year: if y <= 0 { y - 1 } else { y },
                month: i64::from(m),
                day: i64::from(d),
                days,
                tod,
                offset: tz.then_some(offset),
                zone: if tz {
                    ctx.settings.time_zone.abbrev_at(*t)
                } else {
                    String::new()
                },
                is_interval: false,
            }
        }
        Value::Interval(Interval {
            months,
            days,
            micros,
        }) => Parts {
            year: i64::from(*months / 12),
            month: i64::from(*months % 12),
            day: i64::from(*days),
            days: 0,
            tod: *micros,
            offset: None,
            zone: String::new(),
            is_interval: true,
        },
        other => return Err(super::args::internal("a timestamp", other)),
    };
    let mut out = String::new();
    for item in parse_picture(fmt) {
        match item {
            Item::Literal(s) => out.push_str(&s),
            Item::Field {
                key,
                fill_mode,
                ordinal,
            } => {
                let text = field_text(key, fill_mode, &parts);
                let suffix = ordinal.map(|upper| ordinal_suffix(&text, upper));
                out.push_str(&text);
                out.push_str(suffix.unwrap_or(""));
            }
        }
    }
    Ok(Value::text(&out))
}

fn field_text(key: Key, fm: bool, p: &Parts) -> String {
    let hour = p.tod.div_euclid(USECS_PER_HOUR);
    let pad_name = |s: String, w: usize| if fm { s } else { format!("{s:<w$}") };
    let days = p.days;
    match key {
        Key::Hh24 => num(hour, 2, fm),
        Key::Hh12 => num(if hour % 12 == 0 { 12 } else { hour % 12 }, 2, fm),
        Key::Mi => num(p.tod / USECS_PER_MINUTE % 60, 2, fm),
        Key::Ss => num(p.tod / USECS_PER_SEC % 60, 2, fm),
        Key::Sssss => (p.tod / USECS_PER_SEC).to_string(),
        Key::Ms => num(p.tod % USECS_PER_SEC / 1000, 3, fm),
        Key::Us => num(p.tod % USECS_PER_SEC, 6, fm),
        Key::Am(case, dots) => {
            let pm = hour % 24 >= 12;
            let s = match (pm, dots) {
                (false, false) => "AM",
                (true, false) => "PM",
                (false, true) => "A.M.",
                (true, true) => "P.M.",
            };
            cased(
                s,
                if case == Case::Lower {
                    Case::Lower
                } else {
                    Case::Upper
                },
            )
        }
        // Years print without sign; BC shows in the BC field.
        Key::Yyyy => num(p.year.abs(), 4, fm),
        Key::Yyy => num(p.year.abs() % 1000, 3, fm),
        Key::Yy => num(p.year.abs() % 100, 2, fm),
        Key::Y => num(p.year.abs() % 10, 1, fm),
        Key::Iyyy => num(iso_year_shown(days), 4, fm),
        Key::Iyy => num(iso_year_shown(days) % 1000, 3, fm),
        Key::Iy => num(iso_year_shown(days) % 100, 2, fm),
        Key::I => num(iso_year_shown(days) % 10, 1, fm),
        Key::Iddd => num(
            (iso_year_week(days).1 - 1) * 7 + (days + 5).rem_euclid(7) + 1,
            3,
            fm,
        ),
        Key::Ff(n) => {
            let frac = p.tod.rem_euclid(USECS_PER_SEC) / 10i64.pow(6 - u32::from(n));
            format!("{:0width$}", frac, width = n as usize)
        }
        Key::Tzh => {
            let off = p.offset.unwrap_or(0);
            format!(
                "{}{:02}",
                if off >= 0 { '+' } else { '-' },
                off.abs() / 3600
            )
        }
        Key::Tzm => format!("{:02}", off_minutes(p.offset.unwrap_or(0))),
        Key::Mm => num(p.month, 2, fm),
        Key::Dd => num(p.day, 2, fm),
        Key::Ddd => num(days - days_from_ymd(ymd_from_days(days).0, 1, 1) + 1, 3, fm),
        Key::D => ((days + 6).rem_euclid(7) + 1).to_string(),
        Key::Id => ((days + 5).rem_euclid(7) + 1).to_string(),
        Key::Iw => num(iso_year_week(days).1, 2, fm),
        Key::Ww => num(
            (days - days_from_ymd(ymd_from_days(days).0, 1, 1)) / 7 + 1,
            2,
            fm,
        ),
        Key::Q => ((p.month - 1) / 3 + 1).to_string(),
        Key::Era(case, dots) => {
            let bc = p.year < 0 && !p.is_interval;
            let text = match (bc, dots) {
                (false, false) => "AD",
                (true, false) => "BC",
                (false, true) => "A.D.",
                (true, true) => "B.C.",
            };
            if case == Case::Lower {
                text.to_lowercase()
            } else {
                text.to_string()
            }
        }
        Key::YComma => {
            let y = p.year.abs();
            format!("{},{:03}", y / 1000, y % 1000)
        }
        Key::Cc => {
            let c = if p.is_interval {
                p.year / 100
            } else {
                // PostgreSQL's formula on the astronomical year (0 = 1 BC).
                let astro = if p.year < 0 { p.year + 1 } else { p.year };
                if astro > 0 {
                    (astro - 1) / 100 + 1
                } else {
                    astro / 100 - 1
                }
            };
            if (-99..=99).contains(&c) && !fm {
                if c >= 0 {
                    format!("{c:02}")
                } else {
                    format!("-{:02}", -c)
                }
            } else {
                c.to_string()
            }
        }
        Key::Rm(upper) => {
            if p.month == 0 && p.year == 0 {
                return String::new();
            }
            const ROMAN: [&str; 12] = [
                "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
            ];
            // The array runs from December down; negative interval months
            // count back from December.
            let idx = if p.month == 0 {
                if p.year >= 0 {
                    0
                } else {
                    11
                }
            } else if p.month < 0 {
                (-(p.month + 1)) as usize
            } else {
                (12 - p.month) as usize
            };
            let r = if upper {
                ROMAN[idx].to_string()
            } else {
                ROMAN[idx].to_lowercase()
            };
            if fm {
                r
            } else {
                format!("{r:<4}")
            }
        }
        Key::J => (days + 2_451_545).to_string(),
        Key::Month(case) if !p.is_interval || p.month > 0 => {
            pad_name(cased(MONTHS[(p.month - 1).clamp(0, 11) as usize], case), 9)
        }
        Key::Mon(case) if !p.is_interval || p.month > 0 => {
            cased(&MONTHS[(p.month - 1).clamp(0, 11) as usize][..3], case)
        }
        Key::Day(case) => pad_name(cased(DAYS[(days + 6).rem_euclid(7) as usize], case), 9),
        Key::Dy(case) => cased(&DAYS[(days + 6).rem_euclid(7) as usize][..3], case),
        Key::Tz(upper) => {
            if upper {
                p.zone.clone()
            } else {
                p.zone.to_lowercase()
            }
        }
        Key::Of => p
            .offset
            .map(crate::types::datetime::format_offset)
            .unwrap_or_default(),
        Key::Month(_) | Key::Mon(_) => String::new(),
    }
}

/// PostgreSQL's `get_th`: `st`, `nd`, `rd` or `th` by the last digits.
fn ordinal_suffix(num: &str, upper: bool) -> &'static str {
    let b = num.as_bytes();
    let Some(&last) = b.last() else { return "" };
    if !last.is_ascii_digit() {
        return "";
    }
    let teen = b.len() > 1 && b[b.len() - 2] == b'1';
    match (if teen { b'0' } else { last }, upper) {
        (b'1', true) => "ST",
        (b'1', false) => "st",
        (b'2', true) => "ND",
        (b'2', false) => "nd",
        (b'3', true) => "RD",
        (b'3', false) => "rd",
        (_, true) => "TH",
        (_, false) => "th",
    }
}

/// The ISO 8601 week-numbering year as printed: BC years count up from 1.
fn iso_year_shown(days: i64) -> i64 {
    let y = iso_year_week(days).0;
    if y <= 0 {
        1 - y
    } else {
        y
    }
}

fn off_minutes(off: i32) -> i32 {
    off.abs() % 3600 / 60
}

fn iso_year_week(days: i64) -> (i64, i64) {
    let isodow = (days + 5).rem_euclid(7) + 1;
    let thursday = days - isodow + 4;
    let (y, _, _) = ymd_from_days(thursday);
    (y, (thursday - days_from_ymd(y, 1, 1)) / 7 + 1)
}

/// Fields read back by `to_date`/`to_timestamp`.
#[derive(Default)]
struct Parsed {
    year: Option<i64>,
    month: Option<i64>,
    day: Option<i64>,
    hour: i64,
    minute: i64,
    second: i64,
    micros: i64,
    pm: Option<bool>,
    twelve_hour: bool,
    julian: Option<i64>,
    doy: Option<i64>,
}

fn bad_value(value: &str, key: &str) -> assay_storage::Error {
    err!(
        SqlState::INVALID_DATETIME_FORMAT,
        "invalid value \"{}\" for \"{}\"",
        value,
        key
    )
}

fn parse_input(input: &str, fmt: &str) -> Result<Parsed> {
    let mut p = Parsed::default();
    let mut s = input;
    let items = parse_picture(fmt);
    for (idx, item) in items.iter().enumerate() {
        // A field followed directly by another reads a fixed width.
        let packed = matches!(items.get(idx + 1), Some(Item::Field { .. }));
        match item {
            Item::Literal(l) => {
                // Literal characters skip one input character each; spaces
                // in the picture skip any run of spaces.
                for c in l.chars() {
                    if c == ' ' {
                        s = s.trim_start();
                    } else if !s.is_empty() {
                        let n = s.chars().next().map_or(0, char::len_utf8);
                        s = &s[n..];
                    }
                }
            }
            Item::Field { key, .. } => {
                let key = *key;
                s = s.trim_start();
                let name = KEYS
                    .iter()
                    .find(|(_, k)| *k == key)
                    .map_or("?", |(n, _)| *n);
                let take_num = |s: &mut &str, max: usize| -> Result<i64> {
                    let cur: &str = s;
                    let neg = cur.starts_with('-');
                    let body = if neg { &cur[1..] } else { cur };
                    let len = body
                        .bytes()
                        .take(max)
                        .take_while(u8::is_ascii_digit)
                        .count();
                    if len == 0 {
                        let shown: String =
                            cur.chars().take_while(|c| c.is_alphanumeric()).collect();
                        return Err(
                            bad_value(&shown, name).with_detail("Value must be an integer.")
                        );
                    }
                    let v: i64 = body[..len].parse().unwrap_or(0);
                    *s = &body[len..];
                    Ok(if neg { -v } else { v })
                };
                match key {
                    Key::Yyyy | Key::Iyyy => {
                        p.year = Some(take_num(&mut s, if packed { 4 } else { 9 })?)
                    }
                    Key::Yyy => p.year = Some(2000 + take_num(&mut s, 3)?),
                    Key::Yy => {
                        let y = take_num(&mut s, 2)?;
                        p.year = Some(if y < 70 { 2000 + y } else { 1900 + y });
                    }
                    Key::Y => p.year = Some(2000 + take_num(&mut s, 1)?),
                    Key::Mm => p.month = Some(take_num(&mut s, 2)?),
                    Key::Dd => p.day = Some(take_num(&mut s, 2)?),
                    Key::Ddd => p.doy = Some(take_num(&mut s, 3)?),
                    Key::J => p.julian = Some(take_num(&mut s, 9)?),
                    Key::Hh24 => p.hour = take_num(&mut s, 2)?,
                    Key::Hh12 => {
                        p.hour = take_num(&mut s, 2)?;
                        p.twelve_hour = true;
                    }
                    Key::Mi => p.minute = take_num(&mut s, 2)?,
                    Key::Ss => p.second = take_num(&mut s, 2)?,
                    Key::Sssss => {
                        let v = take_num(&mut s, 5)?;
                        p.hour = v / 3600;
                        p.minute = v / 60 % 60;
                        p.second = v % 60;
                    }
                    Key::Ms => {
                        let start = s;
                        let v = take_num(&mut s, 3)?;
                        let digits = start.len() - s.len();
                        p.micros += v * 10i64.pow(3u32.saturating_sub(digits as u32)) * 1000;
                    }
                    Key::Us => {
                        let start = s;
                        let v = take_num(&mut s, 6)?;
                        let digits = start.len() - s.len();
                        p.micros += v * 10i64.pow(6u32.saturating_sub(digits as u32));
                    }
                    Key::Am(_, dots) => {
                        let n = if dots { 4 } else { 2 };
                        let word: String = s.chars().take(n).collect::<String>().to_uppercase();
                        p.pm = Some(match word.replace('.', "").as_str() {
                            "AM" => false,
                            "PM" => true,
                            _ => return Err(err!(SqlState::INVALID_DATETIME_FORMAT, "invalid value \"{}\" for \"{}\"", word, name)
                                .with_detail("The given value did not match any of the allowed values for this field.")),
                        });
                        s = &s[s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)..];
                    }
                    Key::Month(_) | Key::Mon(_) => {
                        let lower = s.to_lowercase();
                        let found = MONTHS.iter().enumerate().find_map(|(i, m)| {
                            let m = m.to_lowercase();
                            if matches!(key, Key::Month(_)) && lower.starts_with(&m) {
                                Some((i, m.len()))
                            } else if lower.starts_with(&m[..3]) {
                                Some((i, 3))
                            } else {
                                None
                            }
                        });
                        let Some((i, len)) = found else {
                            let word: String =
                                s.chars().take_while(|c| c.is_alphabetic()).collect();
                            return Err(err!(SqlState::INVALID_DATETIME_FORMAT, "invalid value \"{}\" for \"{}\"", word, name)
                                .with_detail("The given value did not match any of the allowed values for this field."));
                        };
                        p.month = Some(i as i64 + 1);
                        s = &s[len..];
                    }
                    Key::Day(_) | Key::Dy(_) => {
                        let word_len = s
                            .chars()
                            .take_while(|c| c.is_alphabetic())
                            .map(char::len_utf8)
                            .sum();
                        s = &s[word_len..];
                    }
                    Key::Era(_, dots) => {
                        let n = if dots { 4 } else { 2 };
                        // Read over; a BC era is not applied to the year.
                        let len: usize = s.chars().take(n).map(char::len_utf8).sum();
                        s = &s[len..];
                    }
                    Key::Iyy | Key::Iy | Key::I | Key::Iddd | Key::Tzh | Key::Tzm => {
                        take_num(&mut s, 3)?;
                    }
                    Key::Ff(n) => {
                        let v = take_num(&mut s, n as usize)?;
                        p.micros = v * 10i64.pow(6 - u32::from(n));
                    }
                    Key::D | Key::Id | Key::Q | Key::Iw | Key::Ww | Key::Cc => {
                        take_num(&mut s, 2)?;
                    }
                    Key::YComma => {
                        let thousands = take_num(&mut s, 3)?;
                        s = s.strip_prefix(',').unwrap_or(s);
                        p.year = Some(thousands * 1000 + take_num(&mut s, 3)?);
                    }
                    Key::Rm(_) => {
                        let n = s
                            .chars()
                            .take_while(|c| matches!(c.to_ascii_uppercase(), 'I' | 'V' | 'X'))
                            .count();
                        let roman = s[..n].to_ascii_uppercase();
                        s = &s[n..];
                        const ROMAN: [&str; 12] = [
                            "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI",
                            "XII",
                        ];
                        p.month = ROMAN.iter().position(|r| *r == roman).map(|i| i as i64 + 1);
                    }
                    Key::Tz(_) | Key::Of => {
                        // Read and ignored, as zone names are not applied.
                        let n: usize = s
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || matches!(c, '+' | '-' | ':'))
                            .map(char::len_utf8)
                            .sum();
                        s = &s[n..];
                    }
                }
            }
        }
    }
    Ok(p)
}

/// Days since 2000-01-01 and microseconds into the day of parsed fields.
fn resolve(p: &Parsed) -> Result<(i64, i64)> {
    let days = if let Some(j) = p.julian {
        j - 2_451_545
    } else {
        let year = p.year.unwrap_or(1);
        let astro = if year < 0 { year + 1 } else { year };
        if let Some(doy) = p.doy {
            days_from_ymd(astro, 1, 1) + doy - 1
        } else {
            let month = p.month.unwrap_or(1);
            let day = p.day.unwrap_or(1);
            if !(1..=12).contains(&month)
                || day < 1
                || day > i64::from(days_in_month(astro, month as u32))
            {
                bail!(
                    SqlState::DATETIME_FIELD_OVERFLOW,
                    "date/time field value out of range: \"{}-{:02}-{:02}\"",
                    year,
                    month,
                    day
                );
            }
            days_from_ymd(astro, month as u32, day as u32)
        }
    };
    let mut hour = p.hour;
    if p.twelve_hour || p.pm.is_some() {
        if !(1..=12).contains(&hour) {
            return Err(err!(
                SqlState::INVALID_DATETIME_FORMAT,
                "hour \"{}\" is invalid for the 12-hour clock",
                hour
            )
            .with_hint("Use the 24-hour clock, or give an hour between 1 and 12."));
        }
        hour %= 12;
        if p.pm == Some(true) {
            hour += 12;
        }
    }
    if hour > 24 || p.minute > 59 || p.second > 60 {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range"
        );
    }
    let tod =
        hour * USECS_PER_HOUR + p.minute * USECS_PER_MINUTE + p.second * USECS_PER_SEC + p.micros;
    if !(i64::from(DATE_MIN)..i64::from(DATE_END)).contains(&days) {
        bail!(SqlState::DATETIME_FIELD_OVERFLOW, "date out of range");
    }
    Ok((days, tod))
}

fn to_date(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let p = parse_input(text(&a[0])?, text(&a[1])?)?;
    let (days, _) = resolve(&p)?;
    Ok(Value::Date(days as i32))
}

fn to_timestamp(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let p = parse_input(text(&a[0])?, text(&a[1])?)?;
    let (days, tod) = resolve(&p)?;
    Ok(Value::TimestampTz(
        ctx.settings
            .time_zone
            .local_to_utc(days * USECS_PER_DAY + tod),
    ))
}
