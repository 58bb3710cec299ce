//! Printing dates, times and timestamps in ISO style (`DateStyle = ISO`).

use std::fmt::Write;

use super::calendar::*;
use super::zone::{format_offset, Zone};

/// Appends `HH:MM:SS[.ffffff]` with trailing zeros of the fraction removed.
/// Hours may exceed 23 (intervals, `24:00:00`).
pub(crate) fn push_hms(out: &mut String, hours: u64, micros_of_hour: u64) {
    let minutes = micros_of_hour / USECS_PER_MINUTE as u64;
    let rest = micros_of_hour % USECS_PER_MINUTE as u64;
    let secs = rest / USECS_PER_SEC as u64;
    let frac = rest % USECS_PER_SEC as u64;
    let _ = write!(out, "{hours:02}:{minutes:02}:{secs:02}");
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
}

/// Appends a date's `YYYY-MM-DD`, returning whether it is BC.
fn push_ymd(out: &mut String, days: i64) -> bool {
    let (y, m, d) = ymd_from_days(days);
    let (year, bc) = if y <= 0 { (1 - y, true) } else { (y, false) };
    let _ = write!(out, "{year:04}-{m:02}-{d:02}");
    bc
}

pub fn format_date(d: i32) -> String {
    match d {
        DATE_NEG_INFINITY => "-infinity".into(),
        DATE_POS_INFINITY => "infinity".into(),
        _ => {
            let mut out = String::with_capacity(13);
            if push_ymd(&mut out, i64::from(d)) {
                out.push_str(" BC");
            }
            out
        }
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

fn format_ts(t: i64, offset: Option<i32>) -> String {
    match t {
        TS_NEG_INFINITY => return "-infinity".into(),
        TS_POS_INFINITY => return "infinity".into(),
        _ => {}
    }
    let local = t + i64::from(offset.unwrap_or(0)) * USECS_PER_SEC;
    let (days, tod) = split_timestamp(local);
    let mut out = String::with_capacity(32);
    let bc = push_ymd(&mut out, days);
    out.push(' ');
    let tod = tod as u64;
    push_hms(
        &mut out,
        tod / USECS_PER_HOUR as u64,
        tod % USECS_PER_HOUR as u64,
    );
    if let Some(off) = offset {
        out.push_str(&format_offset(off));
    }
    if bc {
        out.push_str(" BC");
    }
    out
}

pub fn format_timestamp(t: i64) -> String {
    format_ts(t, None)
}

/// Prints a timestamptz in the session's zone, with its offset appended.
pub fn format_timestamptz(t: i64, zone: &Zone) -> String {
    let offset = if ts_is_finite(t) {
        zone.offset_at(t)
    } else {
        0
    };
    format_ts(t, Some(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_output() {
        assert_eq!(format_date(0), "2000-01-01");
        assert_eq!(format_date(DATE_MIN), "4714-11-24 BC");
        assert_eq!(format_date(DATE_END - 1), "5874897-12-31");
        assert_eq!(format_date(i32::MAX), "infinity");
        assert_eq!(format_time(12 * USECS_PER_HOUR + 789_000), "12:00:00.789");
        assert_eq!(format_time(USECS_PER_DAY), "24:00:00");
        assert_eq!(
            format_timestamp(USECS_PER_SEC + 123_000),
            "2000-01-01 00:00:01.123"
        );
        let ist = Zone::parse("Asia/Kolkata").unwrap();
        assert_eq!(format_timestamptz(0, &ist), "2000-01-01 05:30:00+05:30");
    }
}
