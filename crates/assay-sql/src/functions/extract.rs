//! `extract(field FROM x)` (numeric) and `date_part(field, x)` (float8).

use assay_storage::{bail, err, Error, Result, SqlState};

use super::args::text;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::datetime::calendar::*;
use crate::types::{Interval, Numeric, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for t in [Date, Time, Timestamp, TimestampTz, Interval] {
        let ex = b.scalar("extract", &[Text, t], Numeric, extract);
        if t == TimestampTz {
            ex.stable();
        }
        let dp = b.scalar("date_part", &[Text, t], Float8, date_part);
        if t == TimestampTz {
            dp.stable();
        }
    }
}

/// A field name as PostgreSQL's `DecodeUnits` and `DecodeSpecial` read it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Field {
    Microseconds,
    Milliseconds,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
    Dow,
    Isodow,
    Doy,
    Isoyear,
    Epoch,
    Julian,
    Timezone,
    TimezoneHour,
    TimezoneMinute,
}

pub(crate) fn parse_field(unit: &str) -> Option<Field> {
    use Field::*;
    Some(match unit.trim().to_ascii_lowercase().as_str() {
        "microsecond" | "microseconds" | "us" | "usec" | "usecs" | "useconds" => Microseconds,
        "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" | "mseconds" => Milliseconds,
        "second" | "seconds" | "s" | "sec" | "secs" => Second,
        "minute" | "minutes" | "m" | "min" | "mins" => Minute,
        "hour" | "hours" | "h" | "hr" | "hrs" => Hour,
        "day" | "days" | "d" => Day,
        "week" | "weeks" | "w" => Week,
        "month" | "months" | "mon" | "mons" => Month,
        "quarter" | "qtr" => Quarter,
        "year" | "years" | "y" | "yr" | "yrs" => Year,
        "decade" | "decades" | "dec" | "decs" => Decade,
        "century" | "centuries" | "c" | "cent" => Century,
        "millennium" | "millennia" | "mil" | "mils" | "millenniums" => Millennium,
        "dow" => Dow,
        "isodow" => Isodow,
        "doy" => Doy,
        "isoyear" => Isoyear,
        "epoch" => Epoch,
        "julian" | "j" => Julian,
        "timezone" => Timezone,
        "timezone_h" | "timezone_hour" => TimezoneHour,
        "timezone_m" | "timezone_minute" => TimezoneMinute,
        _ => return None,
    })
}

pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Date(_) => "date",
        Value::Time(_) => "time without time zone",
        Value::Timestamp(_) => "timestamp without time zone",
        Value::TimestampTz(_) => "timestamp with time zone",
        _ => "interval",
    }
}

pub(crate) fn not_recognized(unit: &str, v: &Value) -> Error {
    err!(
        SqlState::INVALID_PARAMETER_VALUE,
        "unit \"{}\" not recognized for type {}",
        unit,
        type_name(v)
    )
}

pub(crate) fn not_supported(unit: &str, v: &Value) -> Error {
    err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "unit \"{}\" not supported for type {}",
        unit,
        type_name(v)
    )
}

fn int(v: i64) -> Numeric {
    Numeric::from_i64(v)
}

/// `micros / 10^(6 - scale)` with `scale` fractional digits.
fn scaled(micros: i128, scale: u32) -> Numeric {
    let s = micros.to_string();
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.as_str()),
    };
    // The value in micros has 6 implied decimals; keep `scale` of them.
    let drop = 6 - scale as usize;
    let digits = &digits[..digits.len().saturating_sub(drop)];
    let digits = if digits.is_empty() { "0" } else { digits };
    let padded = format!("{:0>width$}", digits, width = scale as usize + 1);
    let (i, f) = padded.split_at(padded.len() - scale as usize);
    let text = if scale == 0 {
        i.to_string()
    } else {
        format!("{i}.{f}")
    };
    Numeric::parse(&format!("{}{}", if neg { "-" } else { "" }, text)).unwrap_or(Numeric::NaN)
}

/// Calendar fields of a local day number and time of day.
fn date_field(field: Field, days: i64) -> Option<Numeric> {
    use Field::*;
    let (y, m, d) = ymd_from_days(days);
    // PostgreSQL numbers years BC as negative, without a year 0.
    let year = if y <= 0 { y - 1 } else { y };
    Some(int(match field {
        Day => i64::from(d),
        Month => i64::from(m),
        Quarter => (i64::from(m) - 1) / 3 + 1,
        Year => year,
        // As PostgreSQL computes them from the astronomical year (0 = 1 BC).
        Decade => {
            if y > 0 {
                y / 10
            } else {
                -((8 - (y - 1)) / 10)
            }
        }
        Century => {
            if y > 0 {
                (y + 99) / 100
            } else {
                -((99 - (y - 1)) / 100)
            }
        }
        Millennium => {
            if y > 0 {
                (y + 999) / 1000
            } else {
                -((999 - (y - 1)) / 1000)
            }
        }
        Dow => (days + 6).rem_euclid(7),
        Isodow => (days + 5).rem_euclid(7) + 1,
        Doy => days - days_from_ymd(y, 1, 1) + 1,
        Week => iso_week(days).1,
        Isoyear => {
            let iy = iso_week(days).0;
            if iy <= 0 {
                iy - 1
            } else {
                iy
            }
        }
        Julian => days + 2_451_545,
        _ => return None,
    }))
}

/// ISO 8601 (year, week) of a day.
fn iso_week(days: i64) -> (i64, i64) {
    let isodow = (days + 5).rem_euclid(7) + 1;
    // The Thursday of this week decides the ISO year.
    let thursday = days - isodow + 4;
    let (y, _, _) = ymd_from_days(thursday);
    let week = (thursday - days_from_ymd(y, 1, 1)) / 7 + 1;
    (y, week)
}

fn time_field(field: Field, tod: i64) -> Option<Numeric> {
    use Field::*;
    Some(match field {
        Microseconds => int(tod % USECS_PER_MINUTE),
        Milliseconds => scaled(i128::from(tod % USECS_PER_MINUTE) * 1000, 3),
        Second => scaled(i128::from(tod % USECS_PER_MINUTE), 6),
        Minute => int(tod / USECS_PER_MINUTE % 60),
        Hour => int(tod / USECS_PER_HOUR),
        _ => return None,
    })
}

fn infinite_field(field: Field, positive: bool) -> Option<Numeric> {
    use Field::*;
    match field {
        Epoch | Julian | Year | Isoyear | Decade | Century | Millennium => Some(if positive {
            Numeric::PosInf
        } else {
            Numeric::NegInf
        }),
        _ => None,
    }
}

/// The field's value, `Ok(None)` for NULL.
fn extract_value(unit: &str, v: &Value, ctx: &EvalContext<'_>) -> Result<Option<Numeric>> {
    let Some(field) = parse_field(unit) else {
        return Err(not_recognized(unit, v));
    };
    use Field::*;
    let unsupported = || Err(not_supported(unit, v));
    match v {
        Value::Date(d) => {
            if !date_is_finite(*d) {
                return match infinite_field(field, *d > 0) {
                    Some(n) => Ok(Some(n)),
                    None if date_field(field, 0).is_some() => Ok(None),
                    None => unsupported(),
                };
            }
            if field == Epoch {
                return Ok(Some(int((i64::from(*d) + UNIX_EPOCH_DAYS) * 86_400)));
            }
            match date_field(field, i64::from(*d)) {
                Some(n) => Ok(Some(n)),
                None => unsupported(),
            }
        }
        Value::Time(t) => match field {
            Epoch => Ok(Some(scaled(i128::from(*t), 6))),
            _ => match time_field(field, *t) {
                Some(n) => Ok(Some(n)),
                None => unsupported(),
            },
        },
        Value::Timestamp(t) | Value::TimestampTz(t) => {
            let tz = matches!(v, Value::TimestampTz(_));
            if !ts_is_finite(*t) {
                return match infinite_field(field, *t > 0) {
                    Some(n) => Ok(Some(n)),
                    None if matches!(field, Timezone | TimezoneHour | TimezoneMinute) && !tz => {
                        unsupported()
                    }
                    None => Ok(None),
                };
            }
            let offset = if tz {
                ctx.settings.time_zone.offset_at(*t)
            } else {
                0
            };
            let local = *t + i64::from(offset) * USECS_PER_SEC;
            let (days, tod) = split_timestamp(local);
            match field {
                Epoch => {
                    let unix =
                        i128::from(*t) + i128::from(UNIX_EPOCH_DAYS) * i128::from(USECS_PER_DAY);
                    Ok(Some(scaled(unix, 6)))
                }
                Julian => {
                    let j = int(days + 2_451_545);
                    let frac = int(tod).div(&int(USECS_PER_DAY))?;
                    Ok(Some(j.add(&frac)))
                }
                Timezone | TimezoneHour | TimezoneMinute if !tz => unsupported(),
                Timezone => Ok(Some(int(i64::from(offset)))),
                TimezoneHour => Ok(Some(int(i64::from(offset) / 3600))),
                TimezoneMinute => Ok(Some(int(i64::from(offset) / 60 % 60))),
                _ => Ok(time_field(field, tod).or_else(|| date_field(field, days))),
            }
        }
        Value::Interval(iv) => interval_field(field, iv).map_or_else(unsupported, |n| Ok(Some(n))),
        other => Err(super::args::internal("a date/time value", other)),
    }
}

fn interval_field(field: Field, iv: &Interval) -> Option<Numeric> {
    use Field::*;
    let years = i64::from(iv.months / 12);
    Some(match field {
        // Truncating division keeps the sign of a negative time part.
        Microseconds | Milliseconds | Second | Minute | Hour => time_field(field, iv.micros)?,
        Day => int(i64::from(iv.days)),
        Month => int(i64::from(iv.months % 12)),
        Quarter => int(i64::from(iv.months % 12) / 3 + 1),
        Year => int(years),
        Decade => int(years / 10),
        Century => int(years / 100),
        Millennium => int(years / 1000),
        Epoch => {
            // A year is 365.25 days and a month 30 days, as PostgreSQL's
            // interval epoch counts them.
            let secs_years = i128::from(years) * 36_525 * 864 * i128::from(USECS_PER_SEC);
            let secs_months = i128::from(iv.months % 12) * 30 * i128::from(USECS_PER_DAY);
            let total = secs_years
                + secs_months
                + i128::from(iv.days) * i128::from(USECS_PER_DAY)
                + i128::from(iv.micros);
            scaled(total, 6)
        }
        _ => return None,
    })
}

fn extract(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    Ok(extract_value(text(&a[0])?, &a[1], ctx)?.map_or(Value::Null, Value::numeric))
}

fn date_part(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let unit = text(&a[0])?;
    // date_part on a date reads it as a timestamp at midnight.
    let v = match &a[1] {
        Value::Date(d) if date_is_finite(*d) => Value::Timestamp(i64::from(*d) * USECS_PER_DAY),
        Value::Date(d) => Value::Timestamp(if *d > 0 {
            TS_POS_INFINITY
        } else {
            TS_NEG_INFINITY
        }),
        v => v.clone(),
    };
    let n = match extract_value(unit, &v, ctx) {
        Err(e)
            if e.code() == SqlState::FEATURE_NOT_SUPPORTED
                || e.code() == SqlState::INVALID_PARAMETER_VALUE =>
        {
            if matches!(a[1], Value::Date(_)) {
                bail!(
                    e.code(),
                    "{}",
                    e.message().replace("timestamp without time zone", "date")
                )
            }
            return Err(e);
        }
        r => r?,
    };
    Ok(n.map_or(Value::Null, |n| Value::Float8(n.to_f64())))
}
