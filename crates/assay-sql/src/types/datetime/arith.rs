//! Date, time, timestamp and interval arithmetic with PostgreSQL's rules:
//! months clamp to the month's end, days move the wall clock (in the
//! session's zone for timestamptz), and differences of timestamps are
//! normalized to days plus a time under 24 hours.

use assay_storage::{bail, err, Error, Result, SqlState};

use super::calendar::*;
use super::interval::out_of_range;
use super::zone::Zone;
use crate::types::datatype::{IntervalTypmod, INTERVAL_FULL_PRECISION, INTERVAL_FULL_RANGE};
use crate::types::value::Interval;

fn ts_out_of_range() -> Error {
    err!(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range")
}

fn date_out_of_range() -> Error {
    err!(SqlState::DATETIME_FIELD_OVERFLOW, "date out of range")
}

fn check_ts(t: i64) -> Result<i64> {
    if (TS_MIN..TS_END).contains(&t) {
        Ok(t)
    } else {
        Err(ts_out_of_range())
    }
}

/// `date + integer`.
pub fn date_add_days(d: i32, days: i64) -> Result<i32> {
    if !date_is_finite(d) {
        return Ok(d);
    }
    let r = i64::from(d) + days;
    if r < i64::from(DATE_MIN) || r >= i64::from(DATE_END) {
        return Err(date_out_of_range());
    }
    Ok(r as i32)
}

/// `date - date`, in days.
pub fn date_diff(a: i32, b: i32) -> Result<i32> {
    if !date_is_finite(a) || !date_is_finite(b) {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "cannot subtract infinite dates"
        );
    }
    Ok(a - b)
}

/// `timestamp + interval` on a wall-clock timestamp.
pub fn timestamp_add(t: i64, iv: &Interval) -> Result<i64> {
    if !ts_is_finite(t) {
        return Ok(t);
    }
    let mut t = t;
    if iv.months != 0 {
        let (days, tod) = split_timestamp(t);
        let days = add_months(days, i64::from(iv.months));
        t = check_ts(
            days.checked_mul(USECS_PER_DAY)
                .and_then(|d| d.checked_add(tod))
                .ok_or_else(ts_out_of_range)?,
        )?;
    }
    if iv.days != 0 {
        t = check_ts(t + i64::from(iv.days) * USECS_PER_DAY)?;
    }
    check_ts(t.checked_add(iv.micros).ok_or_else(ts_out_of_range)?)
}

/// `timestamptz + interval`: months and days move the local wall clock in
/// `zone`, so `+ 1 day` across a DST change keeps the time of day.
pub fn timestamptz_add(t: i64, iv: &Interval, zone: &Zone) -> Result<i64> {
    if !ts_is_finite(t) {
        return Ok(t);
    }
    let mut t = t;
    if iv.months != 0 || iv.days != 0 {
        let local = t + i64::from(zone.offset_at(t)) * USECS_PER_SEC;
        let (mut days, tod) = split_timestamp(local);
        if iv.months != 0 {
            days = add_months(days, i64::from(iv.months));
        }
        days += i64::from(iv.days);
        let local = check_ts(
            days.checked_mul(USECS_PER_DAY)
                .and_then(|d| d.checked_add(tod))
                .ok_or_else(ts_out_of_range)?,
        )?;
        t = zone.local_to_utc(local);
    }
    check_ts(t.checked_add(iv.micros).ok_or_else(ts_out_of_range)?)
}

/// `timestamp - timestamp`: microseconds folded into days of 24 hours.
pub fn timestamp_diff(a: i64, b: i64) -> Result<Interval> {
    if !ts_is_finite(a) || !ts_is_finite(b) {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "cannot subtract infinite timestamps"
        );
    }
    justify_hours(Interval::new(0, 0, a - b))
}

/// `justify_hours`: whole 24-hour periods of the time part become days,
/// with day and time made to agree in sign.
pub fn justify_hours(iv: Interval) -> Result<Interval> {
    let whole = iv.micros / USECS_PER_DAY;
    let mut micros = iv.micros - whole * USECS_PER_DAY;
    let mut days = i64::from(iv.days) + whole;
    if days > 0 && micros < 0 {
        micros += USECS_PER_DAY;
        days -= 1;
    } else if days < 0 && micros > 0 {
        micros -= USECS_PER_DAY;
        days += 1;
    }
    let days = i32::try_from(days).map_err(|_| out_of_range())?;
    Ok(Interval::new(iv.months, days, micros))
}

/// `time + interval`, wrapping around midnight.
pub fn time_add(t: i64, iv: &Interval) -> i64 {
    (t + iv.micros.rem_euclid(USECS_PER_DAY)).rem_euclid(USECS_PER_DAY)
}

pub fn interval_add(a: &Interval, b: &Interval) -> Result<Interval> {
    Ok(Interval::new(
        a.months.checked_add(b.months).ok_or_else(out_of_range)?,
        a.days.checked_add(b.days).ok_or_else(out_of_range)?,
        a.micros.checked_add(b.micros).ok_or_else(out_of_range)?,
    ))
}

pub fn interval_neg(a: &Interval) -> Result<Interval> {
    Ok(Interval::new(
        a.months.checked_neg().ok_or_else(out_of_range)?,
        a.days.checked_neg().ok_or_else(out_of_range)?,
        a.micros.checked_neg().ok_or_else(out_of_range)?,
    ))
}

pub fn interval_sub(a: &Interval, b: &Interval) -> Result<Interval> {
    interval_add(a, &interval_neg(b)?)
}

/// Rounds to whole microseconds' worth of a fractional second count.
fn tsround(x: f64) -> f64 {
    (x * 1e6).round_ties_even() / 1e6
}

/// `interval * factor` (and `/`, as `apply(x) = x / factor`): fractional
/// months spill into 30-day days, fractional days into 24-hour time.
fn interval_scale(span: &Interval, apply: impl Fn(f64) -> f64) -> Result<Interval> {
    let fits_i32 = |x: f64| !x.is_nan() && x > i32::MIN as f64 - 1.0 && x < i32::MAX as f64 + 1.0;
    let m = apply(f64::from(span.months));
    let d = apply(f64::from(span.days));
    if !fits_i32(m) || !fits_i32(d) {
        return Err(out_of_range());
    }
    let mut months = m.trunc();
    let mut days = d.trunc();
    let month_remainder_days = tsround((m - months) * 30.0);
    let mut sec_remainder =
        tsround((d - days + month_remainder_days - month_remainder_days.trunc()) * 86_400.0);
    if sec_remainder.abs() >= 86_400.0 {
        let whole = (sec_remainder / 86_400.0).trunc();
        days += whole;
        sec_remainder -= whole * 86_400.0;
    }
    days += month_remainder_days.trunc();
    let micros = (apply(span.micros as f64) + sec_remainder * 1e6).round_ties_even();
    if !fits_i32(days) || micros.is_nan() || micros.abs() >= 9.223_372_036_854_775e18 {
        return Err(out_of_range());
    }
    months = months.clamp(i32::MIN as f64, i32::MAX as f64);
    Ok(Interval::new(months as i32, days as i32, micros as i64))
}

pub fn interval_mul(span: &Interval, factor: f64) -> Result<Interval> {
    interval_scale(span, |x| x * factor)
}

pub fn interval_div(span: &Interval, factor: f64) -> Result<Interval> {
    if factor == 0.0 {
        bail!(SqlState::DIVISION_BY_ZERO, "division by zero");
    }
    interval_scale(span, |x| x / factor)
}

/// Units of 10^(6 - p) microseconds, for rounding to `p` fractional digits.
fn precision_scale(p: u8) -> i64 {
    10i64.pow(6 - u32::from(p.min(6)))
}

/// Rounds a time of day to `p` fractional digits (half up), as
/// PostgreSQL's `AdjustTimeForTypmod`; the result may be `24:00:00`.
pub fn round_time(t: i64, p: u8) -> i64 {
    let scale = precision_scale(p);
    (t + scale / 2) / scale * scale
}

/// Rounds a timestamp to `p` fractional digits, half away from zero, as
/// `AdjustTimestampForTypmod`.
pub fn round_timestamp(t: i64, p: u8) -> Result<i64> {
    if !ts_is_finite(t) {
        return Ok(t);
    }
    let scale = precision_scale(p);
    let r = if t >= 0 {
        (t + scale / 2) / scale * scale
    } else {
        -((-t + scale / 2) / scale * scale)
    };
    check_ts(r)
}

/// Applies an `interval` column's field restriction and precision, as
/// `AdjustIntervalForTypmod`: fields below the last one are zeroed.
pub fn adjust_interval(iv: &Interval, m: IntervalTypmod) -> Result<Interval> {
    use crate::types::datatype::interval_field::*;
    let mut r = *iv;
    let range = m.range;
    if range != INTERVAL_FULL_RANGE {
        if range == YEAR {
            r.months = iv.months / 12 * 12;
            r.days = 0;
            r.micros = 0;
        } else if range == MONTH || range == YEAR | MONTH {
            r.days = 0;
            r.micros = 0;
        } else if range == DAY {
            r.micros = 0;
        } else if range == HOUR || range == DAY | HOUR {
            r.micros = iv.micros / USECS_PER_HOUR * USECS_PER_HOUR;
        } else if range == MINUTE || range == DAY | HOUR | MINUTE || range == HOUR | MINUTE {
            r.micros = iv.micros / USECS_PER_MINUTE * USECS_PER_MINUTE;
        }
        // SECOND and the ranges ending in SECOND keep everything; only the
        // precision applies.
    }
    if m.precision != INTERVAL_FULL_PRECISION {
        let scale = precision_scale(m.precision as u8);
        r.micros = if r.micros >= 0 {
            (r.micros + scale / 2) / scale * scale
        } else {
            -((-r.micros + scale / 2) / scale * scale)
        };
    }
    Ok(r)
}

/// The single number intervals are compared by: a month is 30 days and a
/// day 24 hours.
pub fn interval_cmp_key(iv: &Interval) -> i128 {
    (i128::from(iv.months) * 30 + i128::from(iv.days)) * i128::from(USECS_PER_DAY)
        + i128::from(iv.micros)
}

#[cfg(test)]
mod tests {
    use super::super::{format_interval, format_timestamp, parse_interval, parse_timestamp};
    use super::*;
    use crate::types::settings::Settings;

    fn iv(s: &str) -> Interval {
        parse_interval(s).unwrap()
    }

    fn ts(s: &str) -> i64 {
        parse_timestamp(s, &Settings::default()).unwrap()
    }

    // Expected outputs verified on PostgreSQL 15.
    #[test]
    fn timestamp_math() {
        let t = timestamp_add(ts("2024-01-31 10:00"), &iv("1 month 1 day 1 hour")).unwrap();
        assert_eq!(
            format_timestamp(t, &Settings::default()),
            "2024-03-01 11:00:00"
        );
        let d = timestamp_diff(ts("2024-03-01 10:00"), ts("2024-01-01 09:00")).unwrap();
        assert_eq!(
            format_interval(&d, crate::types::IntervalStyle::Postgres),
            "60 days 01:00:00"
        );
        let d = timestamp_diff(ts("2024-01-01"), ts("2024-03-01 10:00")).unwrap();
        assert_eq!(
            format_interval(&d, crate::types::IntervalStyle::Postgres),
            "-60 days -10:00:00"
        );
        let ny = Zone::parse("America/New_York").unwrap();
        let start = ny.local_to_utc(ts("2024-03-09 12:00"));
        let next = timestamptz_add(start, &iv("1 day"), &ny).unwrap();
        assert_eq!(next - start, 23 * USECS_PER_HOUR);
        let e = timestamp_add(ts("294276-12-31"), &iv("1 day")).unwrap_err();
        assert_eq!(e.message(), "timestamp out of range");
    }

    #[test]
    fn interval_math() {
        let cases = [
            (interval_mul(&iv("1 day 2 hours"), 1.5), "1 day 15:00:00"),
            (interval_mul(&iv("1 mon"), 0.5), "15 days"),
            (interval_div(&iv("1 mon"), 3.0), "10 days"),
            (interval_mul(&iv("1 year"), 0.3), "3 mons 18 days"),
            (
                interval_sub(&iv("1 day"), &iv("25 hours")),
                "1 day -25:00:00",
            ),
            (interval_neg(&iv("1 day 01:00")), "-1 days -01:00:00"),
        ];
        for (got, want) in cases {
            assert_eq!(
                format_interval(&got.unwrap(), crate::types::IntervalStyle::Postgres),
                want
            );
        }
        assert_eq!(
            interval_cmp_key(&iv("1 mon")),
            interval_cmp_key(&iv("30 days"))
        );
        assert!(interval_cmp_key(&iv("1 day")) > interval_cmp_key(&iv("23 hours")));
        let noon = 12 * USECS_PER_HOUR;
        assert_eq!(time_add(noon, &iv("13 hours")), USECS_PER_HOUR);
        assert_eq!(
            interval_div(&iv("1 day"), 0.0).unwrap_err().message(),
            "division by zero"
        );
    }
}
