//! Printing dates, times and timestamps in each `DateStyle` (ISO, SQL,
//! Postgres, German) and field order, as PostgreSQL's `EncodeDateOnly`,
//! `EncodeTimeOnly` and `EncodeDateTime` do.

use std::fmt::Write;

use super::calendar::*;
use super::zone::format_offset;
use crate::types::settings::{DateOrder, DateStyle, Settings};

/// Abbreviated month names as PostgreSQL prints them.
pub(crate) const MONTH_ABBREVS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Abbreviated day names, Sunday first.
pub(crate) const DAY_ABBREVS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// The longest zone abbreviation printed (`MAXTZLEN`).
const MAX_TZ_LEN: usize = 10;

/// Appends `HH:MM:SS[.ffffff]` with trailing zeros of the fraction removed.
/// Hours may exceed 23 (intervals, `24:00:00`).
pub(crate) fn push_hms(out: &mut String, hours: u64, micros_of_hour: u64) {
    let minutes = micros_of_hour / USECS_PER_MINUTE as u64;
    let rest = micros_of_hour % USECS_PER_MINUTE as u64;
    let _ = write!(out, "{hours:02}:{minutes:02}:");
    push_seconds(out, rest, true);
}

/// Appends seconds (two digits when `pad`) and a fraction without trailing
/// zeros, from microseconds.
pub(crate) fn push_seconds(out: &mut String, micros: u64, pad: bool) {
    let secs = micros / USECS_PER_SEC as u64;
    let frac = micros % USECS_PER_SEC as u64;
    if pad {
        let _ = write!(out, "{secs:02}");
    } else {
        let _ = write!(out, "{secs}");
    }
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// A date and time of day broken into fields.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fields {
    /// Proleptic year: 0 is 1 BC.
    pub year: i64,
    pub month: u32,
    pub day: u32,
    /// Microseconds since midnight.
    pub micros: i64,
    /// Day of the week, 0 = Sunday.
    pub weekday: u32,
}

impl Fields {
    pub fn from_days(days: i64, micros: i64) -> Fields {
        let (year, month, day) = ymd_from_days(days);
        Fields {
            year,
            month,
            day,
            micros,
            // 2000-01-01 was a Saturday.
            weekday: (days + 6).rem_euclid(7) as u32,
        }
    }

    pub fn from_timestamp(t: i64) -> Fields {
        let (days, tod) = split_timestamp(t);
        Fields::from_days(days, tod)
    }

    fn bc(&self) -> bool {
        self.year <= 0
    }

    /// The year as printed: 1 BC is `0001`.
    fn shown_year(&self) -> i64 {
        if self.year > 0 {
            self.year
        } else {
            1 - self.year
        }
    }

    fn push_time(&self, out: &mut String) {
        let t = self.micros as u64;
        push_hms(out, t / USECS_PER_HOUR as u64, t % USECS_PER_HOUR as u64);
    }
}

fn push_bc(out: &mut String, f: &Fields) {
    if f.bc() {
        out.push_str(" BC");
    }
}

/// `EncodeDateOnly`.
fn encode_date(f: &Fields, style: DateStyle, order: DateOrder) -> String {
    let mut out = String::with_capacity(16);
    let y = f.shown_year();
    let _ = match style {
        DateStyle::Iso => write!(out, "{y:04}-{:02}-{:02}", f.month, f.day),
        DateStyle::Sql => {
            if order == DateOrder::Dmy {
                write!(out, "{:02}/{:02}/{y:04}", f.day, f.month)
            } else {
                write!(out, "{:02}/{:02}/{y:04}", f.month, f.day)
            }
        }
        DateStyle::German => write!(out, "{:02}.{:02}.{y:04}", f.day, f.month),
        DateStyle::Postgres => {
            if order == DateOrder::Dmy {
                write!(out, "{:02}-{:02}-{y:04}", f.day, f.month)
            } else {
                write!(out, "{:02}-{:02}-{y:04}", f.month, f.day)
            }
        }
    };
    push_bc(&mut out, f);
    out
}

/// `EncodeDateTime`: `zone` is the offset east of UTC and the zone
/// abbreviation, for timestamptz.
pub(crate) fn encode_date_time(
    f: &Fields,
    zone: Option<(i32, Option<&str>)>,
    style: DateStyle,
    order: DateOrder,
) -> String {
    let mut out = String::with_capacity(40);
    let y = f.shown_year();
    let abbrev = |out: &mut String, name: &str| {
        out.push(' ');
        out.push_str(&name[..name.len().min(MAX_TZ_LEN)]);
    };
    match style {
        DateStyle::Iso => {
            let _ = write!(out, "{y:04}-{:02}-{:02} ", f.month, f.day);
            f.push_time(&mut out);
            if let Some((offset, _)) = zone {
                out.push_str(&format_offset(offset));
            }
        }
        DateStyle::Sql | DateStyle::German => {
            let _ = match (style, order) {
                (DateStyle::German, _) => write!(out, "{:02}.{:02}.{y:04} ", f.day, f.month),
                (_, DateOrder::Dmy) => write!(out, "{:02}/{:02}/{y:04} ", f.day, f.month),
                _ => write!(out, "{:02}/{:02}/{y:04} ", f.month, f.day),
            };
            f.push_time(&mut out);
            match zone {
                Some((_, Some(name))) => abbrev(&mut out, name),
                Some((offset, None)) => out.push_str(&format_offset(offset)),
                None => {}
            }
        }
        DateStyle::Postgres => {
            out.push_str(DAY_ABBREVS[f.weekday as usize]);
            out.push(' ');
            let mon = MONTH_ABBREVS[f.month as usize - 1];
            let _ = if order == DateOrder::Dmy {
                write!(out, "{:02} {mon} ", f.day)
            } else {
                write!(out, "{mon} {:02} ", f.day)
            };
            f.push_time(&mut out);
            let _ = write!(out, " {y:04}");
            match zone {
                Some((_, Some(name))) => abbrev(&mut out, name),
                Some((offset, None)) => {
                    out.push(' ');
                    out.push_str(&format_offset(offset));
                }
                None => {}
            }
        }
    }
    push_bc(&mut out, f);
    out
}

pub fn format_date(d: i32, settings: &Settings) -> String {
    match d {
        DATE_NEG_INFINITY => "-infinity".into(),
        DATE_POS_INFINITY => "infinity".into(),
        _ => encode_date(
            &Fields::from_days(i64::from(d), 0),
            settings.date_style,
            settings.date_order,
        ),
    }
}

pub fn format_time(t: i64) -> String {
    let mut out = String::with_capacity(15);
    let t = t.max(0) as u64;
    push_hms(
        &mut out,
        t / USECS_PER_HOUR as u64,
        t % USECS_PER_HOUR as u64,
    );
    out
}

pub fn format_timestamp(t: i64, settings: &Settings) -> String {
    match t {
        TS_NEG_INFINITY => "-infinity".into(),
        TS_POS_INFINITY => "infinity".into(),
        _ => encode_date_time(
            &Fields::from_timestamp(t),
            None,
            settings.date_style,
            settings.date_order,
        ),
    }
}

/// Prints a timestamptz in the session's zone.
pub fn format_timestamptz(t: i64, settings: &Settings) -> String {
    match t {
        TS_NEG_INFINITY => "-infinity".into(),
        TS_POS_INFINITY => "infinity".into(),
        _ => {
            let zone = &settings.time_zone;
            let offset = zone.offset_at(t);
            let abbrev = zone.abbrev_at(t);
            let local = t + i64::from(offset) * USECS_PER_SEC;
            encode_date_time(
                &Fields::from_timestamp(local),
                Some((offset, Some(abbrev.as_str()))),
                settings.date_style,
                settings.date_order,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(style: DateStyle, order: DateOrder, zone: &str) -> Settings {
        let mut s = Settings {
            date_style: style,
            date_order: order,
            ..Settings::default()
        };
        s.set_time_zone(zone).unwrap();
        s
    }

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn iso_output() {
        let s = Settings::default();
        assert_eq!(format_date(0, &s), "2000-01-01");
        assert_eq!(format_date(DATE_MIN, &s), "4714-11-24 BC");
        assert_eq!(format_date(DATE_END - 1, &s), "5874897-12-31");
        assert_eq!(format_date(i32::MAX, &s), "infinity");
        assert_eq!(format_time(12 * USECS_PER_HOUR + 789_000), "12:00:00.789");
        assert_eq!(format_time(USECS_PER_DAY), "24:00:00");
        assert_eq!(
            format_timestamp(USECS_PER_SEC + 123_000, &s),
            "2000-01-01 00:00:01.123"
        );
        let ist = with(DateStyle::Iso, DateOrder::Mdy, "Asia/Kolkata");
        assert_eq!(format_timestamptz(0, &ist), "2000-01-01 05:30:00+05:30");
    }

    #[test]
    fn other_styles() {
        // 2020-07-01 10:00:01.5 UTC
        let t = (days_from_ymd(2020, 7, 1) * 24 + 10) * USECS_PER_HOUR + 1_500_000;
        let cases = [
            (
                DateStyle::Postgres,
                DateOrder::Dmy,
                "Europe/Paris",
                "Wed 01 Jul 12:00:01.5 2020 CEST",
            ),
            (
                DateStyle::Postgres,
                DateOrder::Mdy,
                "Europe/Paris",
                "Wed Jul 01 12:00:01.5 2020 CEST",
            ),
            (
                DateStyle::Sql,
                DateOrder::Mdy,
                "UTC",
                "07/01/2020 10:00:01.5 UTC",
            ),
            (
                DateStyle::Sql,
                DateOrder::Dmy,
                "UTC",
                "01/07/2020 10:00:01.5 UTC",
            ),
            (
                DateStyle::German,
                DateOrder::Dmy,
                "Europe/Paris",
                "01.07.2020 12:00:01.5 CEST",
            ),
            (
                DateStyle::Postgres,
                DateOrder::Mdy,
                "America/Caracas",
                "Wed Jul 01 06:00:01.5 2020 -04",
            ),
        ];
        for (style, order, zone, want) in cases {
            assert_eq!(format_timestamptz(t, &with(style, order, zone)), want);
        }
        let s = with(DateStyle::Postgres, DateOrder::Dmy, "UTC");
        assert_eq!(
            format_date(days_from_ymd(2020, 7, 1) as i32, &s),
            "01-07-2020"
        );
        assert_eq!(format_timestamp(t, &s), "Wed 01 Jul 10:00:01.5 2020");
        let s = with(DateStyle::German, DateOrder::Dmy, "Europe/Paris");
        let bc = (days_from_ymd(-43, 3, 15) * 24 + 10) * USECS_PER_HOUR;
        assert_eq!(format_timestamptz(bc, &s), "15.03.0044 10:09:21 LMT BC");
    }
}
