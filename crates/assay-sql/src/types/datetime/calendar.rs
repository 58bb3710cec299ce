//! Calendar arithmetic on PostgreSQL's day and microsecond counts.
//!
//! Dates are days since 2000-01-01 and timestamps microseconds since
//! 2000-01-01 00:00, both in the proleptic Gregorian calendar, where year 0
//! is 1 BC. The supported ranges are PostgreSQL's: dates from 4714-11-24 BC
//! to 5874897-12-31, timestamps from 4714-11-24 BC to 294276-12-31.

/// Microseconds in a second, minute, hour and day.
pub const USECS_PER_SEC: i64 = 1_000_000;
pub const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
pub const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
pub const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;

/// The date value PostgreSQL uses for `-infinity` and `infinity`.
pub const DATE_NEG_INFINITY: i32 = i32::MIN;
pub const DATE_POS_INFINITY: i32 = i32::MAX;
/// The timestamp value PostgreSQL uses for `-infinity` and `infinity`.
pub const TS_NEG_INFINITY: i64 = i64::MIN;
pub const TS_POS_INFINITY: i64 = i64::MAX;

/// First valid date: 4714-11-24 BC (Julian day 0).
pub const DATE_MIN: i32 = -2_451_545;
/// One past the last valid date: 5874898-01-01.
pub const DATE_END: i32 = 2_147_483_494 - 2_451_545;
/// First valid timestamp: 4714-11-24 00:00:00 BC.
pub const TS_MIN: i64 = DATE_MIN as i64 * USECS_PER_DAY;
/// One past the last valid timestamp: 294277-01-01 00:00:00.
pub const TS_END: i64 = (109_203_528 - 2_451_545) * USECS_PER_DAY;

/// Days from 2000-01-01 to 1970-01-01 (the Unix epoch) is minus this.
pub const UNIX_EPOCH_DAYS: i64 = 10_957;

/// Days since 2000-01-01 of a proleptic Gregorian date (year 0 = 1 BC).
pub fn days_from_ymd(year: i64, month: u32, day: u32) -> i64 {
    // Count from March 1st so that the leap day ends the year.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 - UNIX_EPOCH_DAYS
}

/// The proleptic Gregorian date of a day count since 2000-01-01.
pub fn ymd_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + UNIX_EPOCH_DAYS + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub fn is_leap(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whether a date value is one of the infinities.
pub fn date_is_finite(d: i32) -> bool {
    d != DATE_NEG_INFINITY && d != DATE_POS_INFINITY
}

/// Whether a timestamp value is one of the infinities.
pub fn ts_is_finite(t: i64) -> bool {
    t != TS_NEG_INFINITY && t != TS_POS_INFINITY
}

/// Splits a finite timestamp into days since 2000-01-01 and microseconds
/// into the day.
pub fn split_timestamp(t: i64) -> (i64, i64) {
    (t.div_euclid(USECS_PER_DAY), t.rem_euclid(USECS_PER_DAY))
}

/// Adds calendar months to a date, clamping the day to the month's end as
/// PostgreSQL does (`2024-01-31 + 1 month = 2024-02-29`).
pub fn add_months(days: i64, months: i64) -> i64 {
    let (y, m, d) = ymd_from_days(days);
    let total = y * 12 + (m as i64 - 1) + months;
    let ny = total.div_euclid(12);
    let nm = (total.rem_euclid(12) + 1) as u32;
    let nd = d.min(days_in_month(ny, nm));
    days_from_ymd(ny, nm, nd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(days_from_ymd(2000, 1, 1), 0);
        assert_eq!(days_from_ymd(1970, 1, 1), -10_957);
        assert_eq!(days_from_ymd(-4713, 11, 24), DATE_MIN as i64);
        assert_eq!(days_from_ymd(5_874_898, 1, 1), DATE_END as i64);
        assert_eq!(days_from_ymd(294_277, 1, 1) * USECS_PER_DAY, TS_END);
        assert_eq!(ymd_from_days(60), (2000, 3, 1));
    }

    #[test]
    fn round_trips_over_a_wide_range() {
        for d in (-3_000_000i64..3_000_000).step_by(997) {
            let (y, m, dd) = ymd_from_days(d);
            assert_eq!(days_from_ymd(y, m, dd), d);
        }
    }

    #[test]
    fn month_arithmetic_clamps() {
        let jan31 = days_from_ymd(2024, 1, 31);
        assert_eq!(ymd_from_days(add_months(jan31, 1)), (2024, 2, 29));
        assert_eq!(ymd_from_days(add_months(jan31, -2)), (2023, 11, 30));
    }
}
