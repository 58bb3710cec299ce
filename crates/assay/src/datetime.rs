//! Conversions between `jiff`'s date/time types and Assay's stored forms.
//!
//! Assay keeps dates as days and timestamps as microseconds since
//! 2000-01-01 (PostgreSQL's epoch); `timestamptz` counts from midnight UTC.
//! jiff spans years -9999..=9999 with nanosecond precision, PostgreSQL
//! 4713 BC..294276 AD with microseconds, plus `±infinity`. So writing a
//! jiff value always works (sub-microsecond digits are truncated), and
//! reading fails with 22008 for values jiff cannot hold.

use assay_sql::types::datetime::calendar::{days_from_ymd, ymd_from_days, UNIX_EPOCH_DAYS};
use assay_storage::{err, Error, Result, SqlState};
use jiff::civil::{Date, DateTime, Time};
use jiff::Timestamp;

const USECS_PER_DAY: i64 = 86_400_000_000;
/// Microseconds from the Unix epoch to 2000-01-01.
const PG_EPOCH_UNIX_MICROS: i64 = UNIX_EPOCH_DAYS * USECS_PER_DAY;

pub(crate) fn date_to_days(date: Date) -> i32 {
    // jiff's years keep this within a few million days.
    days_from_ymd(
        i64::from(date.year()),
        date.month() as u32,
        date.day() as u32,
    ) as i32
}

pub(crate) fn days_to_date(days: i32) -> Result<Date> {
    if days == i32::MIN || days == i32::MAX {
        return Err(infinite("date", "jiff::civil::Date"));
    }
    let (year, month, day) = ymd_from_days(i64::from(days));
    let year = i16::try_from(year).map_err(|_| out_of_range("date", "jiff::civil::Date"))?;
    Date::new(year, month as i8, day as i8).map_err(|e| jiff_error("date", e))
}

pub(crate) fn time_to_micros(time: Time) -> i64 {
    let seconds =
        i64::from(time.hour()) * 3600 + i64::from(time.minute()) * 60 + i64::from(time.second());
    seconds * 1_000_000 + i64::from(time.subsec_nanosecond()) / 1000
}

pub(crate) fn micros_to_time(micros: i64) -> Result<Time> {
    // PostgreSQL allows 24:00:00; jiff's day ends before it.
    if !(0..USECS_PER_DAY).contains(&micros) {
        return Err(out_of_range("time", "jiff::civil::Time"));
    }
    let seconds = micros / 1_000_000;
    Time::new(
        (seconds / 3600) as i8,
        (seconds / 60 % 60) as i8,
        (seconds % 60) as i8,
        (micros % 1_000_000) as i32 * 1000,
    )
    .map_err(|e| jiff_error("time", e))
}

pub(crate) fn datetime_to_micros(dt: DateTime) -> i64 {
    i64::from(date_to_days(dt.date())) * USECS_PER_DAY + time_to_micros(dt.time())
}

pub(crate) fn micros_to_datetime(micros: i64) -> Result<DateTime> {
    if micros == i64::MIN || micros == i64::MAX {
        return Err(infinite("timestamp", "jiff::civil::DateTime"));
    }
    let days = micros.div_euclid(USECS_PER_DAY);
    let days =
        i32::try_from(days).map_err(|_| out_of_range("timestamp", "jiff::civil::DateTime"))?;
    let date = days_to_date(days)?;
    let time = micros_to_time(micros.rem_euclid(USECS_PER_DAY))?;
    Ok(DateTime::from_parts(date, time))
}

pub(crate) fn timestamp_to_micros(ts: Timestamp) -> i64 {
    ts.as_microsecond() - PG_EPOCH_UNIX_MICROS
}

pub(crate) fn micros_to_timestamp(micros: i64) -> Result<Timestamp> {
    if micros == i64::MIN || micros == i64::MAX {
        return Err(infinite("timestamptz", "jiff::Timestamp"));
    }
    let unix = micros
        .checked_add(PG_EPOCH_UNIX_MICROS)
        .ok_or_else(|| out_of_range("timestamptz", "jiff::Timestamp"))?;
    Timestamp::from_microsecond(unix).map_err(|e| jiff_error("timestamptz", e))
}

fn infinite(sql: &str, rust: &str) -> Error {
    err!(
        SqlState::DATETIME_FIELD_OVERFLOW,
        "{sql} infinity cannot be read as {rust}"
    )
}

fn out_of_range(sql: &str, rust: &str) -> Error {
    err!(
        SqlState::DATETIME_FIELD_OVERFLOW,
        "{sql} value is out of range for {rust}"
    )
}

fn jiff_error(sql: &str, e: jiff::Error) -> Error {
    err!(
        SqlState::DATETIME_FIELD_OVERFLOW,
        "{sql} value cannot be read with jiff: {e}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_line_up() {
        assert_eq!(date_to_days(jiff::civil::date(2000, 1, 1)), 0);
        assert_eq!(date_to_days(jiff::civil::date(1970, 1, 1)), -10_957);
        assert_eq!(
            timestamp_to_micros(Timestamp::UNIX_EPOCH),
            -PG_EPOCH_UNIX_MICROS
        );
        let dt = jiff::civil::date(1999, 12, 31).at(23, 59, 59, 999_999_000);
        assert_eq!(datetime_to_micros(dt), -1);
        assert_eq!(micros_to_datetime(-1).unwrap(), dt);
    }

    #[test]
    fn what_jiff_cannot_hold_is_22008() {
        for e in [
            days_to_date(i32::MAX).unwrap_err(),
            days_to_date(5_000_000).unwrap_err(),
            micros_to_time(USECS_PER_DAY).unwrap_err(),
            micros_to_timestamp(i64::MIN).unwrap_err(),
        ] {
            assert_eq!(e.code().as_str(), "22008", "{e}");
        }
    }
}
