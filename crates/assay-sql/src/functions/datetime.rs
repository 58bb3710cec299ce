//! Date and time functions: clocks, `date_trunc`, `age`, `make_*`,
//! `to_timestamp(double)`, `justify_*`, `isfinite`, `date_bin`.
//! (`extract`/`date_part` are in `extract`.)

use assay_storage::{bail, err, Result, SqlState};

use super::args::{float, int, text};
use super::context::EvalContext;
use super::extract::{not_recognized, parse_field, Field};
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::datetime::arith::justify_hours;
use crate::types::datetime::calendar::*;
use crate::types::datetime::Zone;
use crate::types::{Interval, Value};

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    for name in ["now", "transaction_timestamp", "current_timestamp"] {
        b.scalar(name, &[], TimestampTz, |_, _, c| {
            Ok(Value::TimestampTz(c.transaction_start))
        })
        .stable();
    }
    b.scalar("statement_timestamp", &[], TimestampTz, |_, _, c| {
        Ok(Value::TimestampTz(c.statement_start))
    })
    .stable();
    b.scalar("clock_timestamp", &[], TimestampTz, |_, _, c| {
        Ok(Value::TimestampTz((c.clock)()))
    })
    .volatile();
    b.scalar("localtimestamp", &[], Timestamp, |_, _, c| {
        Ok(Value::Timestamp(local(
            c.transaction_start,
            &c.settings.time_zone,
        )))
    })
    .stable();
    b.scalar("current_date", &[], Date, |_, _, c| {
        let (days, _) = split_timestamp(local(c.transaction_start, &c.settings.time_zone));
        Ok(Value::Date(days as i32))
    })
    .stable();
    b.scalar("localtime", &[], Time, |_, _, c| {
        let (_, tod) = split_timestamp(local(c.transaction_start, &c.settings.time_zone));
        Ok(Value::Time(tod))
    })
    .stable();
    b.scalar("timezone", &[Text, TimestampTz], Timestamp, timezone);
    b.scalar("timezone", &[Text, Timestamp], TimestampTz, timezone);
    b.scalar("timezone", &[Interval, TimestampTz], Timestamp, timezone);
    b.scalar("timezone", &[Interval, Timestamp], TimestampTz, timezone);
    b.scalar("date_trunc", &[Text, Timestamp], Timestamp, date_trunc);
    b.scalar("date_trunc", &[Text, TimestampTz], TimestampTz, date_trunc)
        .stable();
    b.scalar(
        "date_trunc",
        &[Text, TimestampTz, Text],
        TimestampTz,
        date_trunc,
    );
    b.scalar("date_trunc", &[Text, Interval], Interval, date_trunc);
    b.scalar("age", &[Timestamp, Timestamp], Interval, age);
    b.scalar("age", &[TimestampTz, TimestampTz], Interval, age)
        .stable();
    b.scalar("age", &[Timestamp], Interval, age).stable();
    b.scalar("age", &[TimestampTz], Interval, age).stable();
    b.scalar("make_date", &[Int4, Int4, Int4], Date, make_date);
    b.scalar("make_time", &[Int4, Int4, Float8], Time, make_time);
    b.scalar(
        "make_timestamp",
        &[Int4, Int4, Int4, Int4, Int4, Float8],
        Timestamp,
        make_timestamp,
    );
    b.scalar(
        "make_timestamptz",
        &[Int4, Int4, Int4, Int4, Int4, Float8],
        TimestampTz,
        make_timestamp,
    )
    .stable();
    b.scalar(
        "make_timestamptz",
        &[Int4, Int4, Int4, Int4, Int4, Float8, Text],
        TimestampTz,
        make_timestamp,
    )
    .stable();
    let params = [Int4, Int4, Int4, Int4, Int4, Int4, Float8];
    for n in 0..=params.len() {
        b.scalar("make_interval", &params[..n], Interval, make_interval);
    }
    b.scalar("to_timestamp", &[Float8], TimestampTz, to_timestamp_epoch);
    b.scalar("justify_days", &[Interval], Interval, |_, a, _| {
        Ok(Value::Interval(justify_days(iv(&a[0])?)?))
    });
    b.scalar("justify_hours", &[Interval], Interval, |_, a, _| {
        Ok(Value::Interval(justify_hours(iv(&a[0])?)?))
    });
    b.scalar("justify_interval", &[Interval], Interval, |_, a, _| {
        Ok(Value::Interval(justify_interval(iv(&a[0])?)?))
    });
    for t in [Date, Timestamp, TimestampTz, Interval] {
        b.scalar("isfinite", &[t], Bool, |_, a, _| {
            Ok(Value::Bool(match &a[0] {
                Value::Date(d) => date_is_finite(*d),
                Value::Timestamp(t) | Value::TimestampTz(t) => ts_is_finite(*t),
                _ => true,
            }))
        });
    }
    b.scalar(
        "date_bin",
        &[Interval, Timestamp, Timestamp],
        Timestamp,
        date_bin,
    );
    b.scalar(
        "date_bin",
        &[Interval, TimestampTz, TimestampTz],
        TimestampTz,
        date_bin,
    );
}

/// A zone as `AT TIME ZONE` and `timezone()` name it: an abbreviation of
/// `timezone_abbreviations` first (`EST`), then a zone name or POSIX spec.
enum NamedZone {
    /// Seconds east of UTC.
    Fixed(i32),
    Abbrev(String, Zone),
    Zone(Zone),
}

fn named_zone(name: &str) -> Result<NamedZone> {
    use crate::types::datetime::zone::{lookup_abbrev, Abbrev};
    let lower = name.to_lowercase();
    match lookup_abbrev(&lower) {
        Some(Abbrev::Fixed(off, _)) => return Ok(NamedZone::Fixed(off)),
        Some(Abbrev::Dynamic(zone)) => {
            if let Some(z) = Zone::named(zone) {
                return Ok(NamedZone::Abbrev(lower, z));
            }
        }
        None => {}
    }
    Zone::named(name).map(NamedZone::Zone).ok_or_else(|| {
        err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "time zone \"{}\" not recognized",
            name
        )
    })
}

/// The zone `date_trunc(…, zone)` and `make_timestamptz(…, zone)` work in.
fn zone_for_trunc(name: &str) -> Result<Zone> {
    Ok(match named_zone(name)? {
        NamedZone::Fixed(off) => Zone::fixed(off),
        NamedZone::Abbrev(_, z) | NamedZone::Zone(z) => z,
    })
}

fn check_ts_range(t: i64) -> Result<i64> {
    if (TS_MIN..TS_END).contains(&t) {
        Ok(t)
    } else {
        Err(ts_range())
    }
}

/// `timezone(zone, value)` / `value AT TIME ZONE zone`: a timestamptz
/// becomes the wall-clock timestamp there, a timestamp is read as wall
/// clock there and becomes a timestamptz.
fn timezone(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let t = ts(&a[1])?;
    let to_local = matches!(a[1], Value::TimestampTz(_));
    let wrap = |v: i64| {
        if to_local {
            Value::Timestamp(v)
        } else {
            Value::TimestampTz(v)
        }
    };
    if !ts_is_finite(t) {
        return Ok(wrap(t));
    }
    let offset_east: i64 = match &a[0] {
        Value::Interval(zone) => {
            if zone.months != 0 || zone.days != 0 {
                bail!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "interval time zone \"{}\" must not include months or days",
                    crate::types::datetime::format_interval(
                        zone,
                        crate::types::IntervalStyle::Postgres
                    )
                );
            }
            zone.micros / USECS_PER_SEC
        }
        v => match named_zone(text(v)?)? {
            NamedZone::Fixed(off) => i64::from(off),
            NamedZone::Abbrev(name, z) => {
                if to_local {
                    let off = z.offset_at(t);
                    let local = t + i64::from(off) * USECS_PER_SEC;
                    i64::from(z.abbrev_offset_of_local(&name, local))
                } else {
                    i64::from(z.abbrev_offset_of_local(&name, t))
                }
            }
            NamedZone::Zone(z) => {
                if to_local {
                    i64::from(z.offset_at(t))
                } else {
                    i64::from(z.offset_of_local(t))
                }
            }
        },
    };
    let r = if to_local {
        t + offset_east * USECS_PER_SEC
    } else {
        t - offset_east * USECS_PER_SEC
    };
    Ok(wrap(check_ts_range(r)?))
}

fn local(utc: i64, zone: &Zone) -> i64 {
    if !ts_is_finite(utc) {
        return utc;
    }
    utc + i64::from(zone.offset_at(utc)) * USECS_PER_SEC
}

fn iv(v: &Value) -> Result<Interval> {
    match v {
        Value::Interval(i) => Ok(*i),
        _ => Err(super::args::internal("an interval", v)),
    }
}

fn ts(v: &Value) -> Result<i64> {
    match v {
        Value::Timestamp(t) | Value::TimestampTz(t) => Ok(*t),
        _ => Err(super::args::internal("a timestamp", v)),
    }
}

fn ts_range() -> assay_storage::Error {
    err!(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp out of range")
}

/// Truncates a local wall-clock timestamp to `field`.
fn trunc_local(t: i64, field: Field) -> Option<i64> {
    use Field::*;
    let (days, tod) = split_timestamp(t);
    let (y, m, _) = ymd_from_days(days);
    let year_start = |year: i64| days_from_ymd(year, 1, 1) * USECS_PER_DAY;
    // PostgreSQL's formulas on the astronomical year (0 = 1 BC).
    let century = |y: i64| {
        if y > 0 {
            (y + 99) / 100 * 100 - 99
        } else {
            -((99 - (y - 1)) / 100) * 100 + 1
        }
    };
    Some(match field {
        Microseconds => t,
        Milliseconds => t - tod % 1000,
        Second => t - tod % USECS_PER_SEC,
        Minute => t - tod % USECS_PER_MINUTE,
        Hour => t - tod % USECS_PER_HOUR,
        Day => days * USECS_PER_DAY,
        Week => (days - (days + 5).rem_euclid(7)) * USECS_PER_DAY,
        Month => days_from_ymd(y, m, 1) * USECS_PER_DAY,
        Quarter => days_from_ymd(y, (m - 1) / 3 * 3 + 1, 1) * USECS_PER_DAY,
        Year => year_start(y),
        Decade => year_start(if y > 0 {
            y / 10 * 10
        } else {
            -((8 - (y - 1)) / 10) * 10
        }),
        Century => year_start(century(y)),
        Millennium => {
            let mil = if y > 0 {
                (y + 999) / 1000 * 1000 - 999
            } else {
                -((999 - (y - 1)) / 1000) * 1000 + 1
            };
            year_start(century(mil))
        }
        _ => return None,
    })
}

fn date_trunc(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let unit = text(&a[0])?;
    let Some(field) = parse_field(unit) else {
        return Err(not_recognized(unit, &a[1]));
    };
    match &a[1] {
        Value::Interval(i) => Ok(Value::Interval(trunc_interval(*i, field).ok_or_else(
            || {
                err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "unit \"{}\" not supported for type interval",
                    unit
                )
            },
        )?)),
        Value::Timestamp(t) => {
            if !ts_is_finite(*t) {
                return Ok(a[1].clone());
            }
            let r = trunc_local(*t, field).ok_or_else(|| not_recognized(unit, &a[1]))?;
            Ok(Value::Timestamp(r))
        }
        Value::TimestampTz(t) => {
            if !ts_is_finite(*t) {
                return Ok(a[1].clone());
            }
            let zone = match a.get(2) {
                Some(z) => zone_for_trunc(text(z)?)?,
                None => ctx.settings.time_zone.clone(),
            };
            let l = local(*t, &zone);
            let r = trunc_local(l, field).ok_or_else(|| not_recognized(unit, &a[1]))?;
            // Units of an hour and below keep the original offset.
            if matches!(
                field,
                Field::Microseconds
                    | Field::Milliseconds
                    | Field::Second
                    | Field::Minute
                    | Field::Hour
            ) {
                Ok(Value::TimestampTz(*t - (l - r)))
            } else {
                Ok(Value::TimestampTz(zone.local_to_utc(r)))
            }
        }
        other => Err(super::args::internal("a timestamp", other)),
    }
}

fn trunc_interval(i: Interval, field: Field) -> Option<Interval> {
    use Field::*;
    let years = i.months / 12;
    let t = i.micros;
    Some(match field {
        Microseconds => i,
        Milliseconds => Interval::new(i.months, i.days, t - t % 1000),
        Second => Interval::new(i.months, i.days, t - t % USECS_PER_SEC),
        Minute => Interval::new(i.months, i.days, t - t % USECS_PER_MINUTE),
        Hour => Interval::new(i.months, i.days, t - t % USECS_PER_HOUR),
        Day => Interval::new(i.months, i.days, 0),
        Month => Interval::new(i.months, 0, 0),
        Quarter => Interval::new(years * 12 + (i.months % 12) / 3 * 3, 0, 0),
        Year => Interval::new(years * 12, 0, 0),
        Decade => Interval::new(years / 10 * 120, 0, 0),
        Century => Interval::new(years / 100 * 1200, 0, 0),
        Millennium => Interval::new(years / 1000 * 12000, 0, 0),
        _ => return None,
    })
}

/// PostgreSQL's `timestamp_age`: field-by-field difference with borrows.
fn age_between(t1: i64, t2: i64) -> Result<Interval> {
    if !ts_is_finite(t1) || !ts_is_finite(t2) {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "cannot subtract infinite timestamps"
        );
    }
    let fields = |t: i64| {
        let (days, tod) = split_timestamp(t);
        let (y, m, d) = ymd_from_days(days);
        (y, i64::from(m), i64::from(d), tod)
    };
    let (y1, m1, d1, tod1) = fields(t1);
    let (y2, m2, d2, tod2) = fields(t2);
    let mut tod = tod1 - tod2;
    let mut mday = d1 - d2;
    let mut mon = m1 - m2;
    let mut year = y1 - y2;
    let flip = t1 < t2;
    if flip {
        tod = -tod;
        mday = -mday;
        mon = -mon;
        year = -year;
    }
    while tod < 0 {
        tod += USECS_PER_DAY;
        mday -= 1;
    }
    while mday < 0 {
        let (by, bm) = if flip { (y1, m1) } else { (y2, m2) };
        mday += i64::from(days_in_month(by, bm as u32));
        mon -= 1;
    }
    while mon < 0 {
        mon += 12;
        year -= 1;
    }
    let sign = if flip { -1 } else { 1 };
    let months = i32::try_from(sign * (year * 12 + mon)).map_err(|_| ts_range())?;
    Ok(Interval::new(months, (sign * mday) as i32, sign * tod))
}

fn age(_: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let tz = matches!(a[0], Value::TimestampTz(_));
    let zone = &ctx.settings.time_zone;
    let to_local = |t: i64| if tz { local(t, zone) } else { t };
    let (t1, t2) = match a.get(1) {
        Some(b) => (to_local(ts(&a[0])?), to_local(ts(b)?)),
        None => {
            // age(t) = age(today at midnight, t).
            let (today, _) = split_timestamp(local(ctx.transaction_start, zone));
            (today * USECS_PER_DAY, to_local(ts(&a[0])?))
        }
    };
    Ok(Value::Interval(age_between(t1, t2)?))
}

fn ymd_to_days(y: i64, m: i64, d: i64) -> Option<i64> {
    if y == 0 || !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    // Negative years are BC: year -1 is astronomical year 0.
    let astro = if y < 0 { y + 1 } else { y };
    if d > i64::from(days_in_month(astro, m as u32)) {
        return None;
    }
    let days = days_from_ymd(astro, m as u32, d as u32);
    (i64::from(DATE_MIN)..i64::from(DATE_END))
        .contains(&days)
        .then_some(days)
}

fn make_date(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (y, m, d) = (int(&a[0])?, int(&a[1])?, int(&a[2])?);
    match ymd_to_days(y, m, d) {
        Some(days) => Ok(Value::Date(days as i32)),
        None if y == 0 || !(1..=12).contains(&m) || !(1..=31).contains(&d) => bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date field value out of range: {}-{:02}-{:02}",
            y,
            m,
            d
        ),
        None => bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date field value out of range: {}-{:02}-{:02}",
            y,
            m,
            d
        ),
    }
}

/// Microseconds of a time of day, or `None` when out of range.
fn tod_micros(h: i64, mi: i64, sec: f64) -> Option<i64> {
    if !(0..=24).contains(&h)
        || !(0..=59).contains(&mi)
        || !(0.0..=60.0).contains(&sec)
        || sec.is_nan()
    {
        return None;
    }
    let micros = h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + (sec * 1e6).round_ties_even() as i64;
    (micros <= USECS_PER_DAY).then_some(micros)
}

/// Seconds as `make_time`'s error prints them (`%02g`).
fn seconds_text(sec: f64) -> String {
    let t = crate::types::scalar::format_float8(sec, 0);
    if t.len() < 2 {
        format!("0{t}")
    } else {
        t
    }
}

fn make_time(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (h, mi, sec) = (int(&a[0])?, int(&a[1])?, float(&a[2])?);
    match tod_micros(h, mi, sec) {
        Some(t) => Ok(Value::Time(t)),
        None => bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "time field value out of range: {}:{:02}:{}",
            h,
            mi,
            seconds_text(sec)
        ),
    }
}

fn make_timestamp(r: &Resolved, a: &[Value], ctx: Ctx) -> Result<Value> {
    let (y, m, d) = (int(&a[0])?, int(&a[1])?, int(&a[2])?);
    let (h, mi, sec) = (int(&a[3])?, int(&a[4])?, float(&a[5])?);
    let Some(days) = ymd_to_days(y, m, d) else {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date field value out of range: {}-{:02}-{:02}",
            y,
            m,
            d
        );
    };
    let Some(tod) = tod_micros(h, mi, sec) else {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "time field value out of range: {}:{:02}:{}",
            h,
            mi,
            seconds_text(sec)
        );
    };
    let t = days * USECS_PER_DAY + tod;
    if r.return_type == crate::types::DataType::Timestamp(None) {
        return Ok(Value::Timestamp(t));
    }
    let zone = match a.get(6) {
        Some(z) => zone_for_trunc(text(z)?)?,
        None => ctx.settings.time_zone.clone(),
    };
    Ok(Value::TimestampTz(zone.local_to_utc(t)))
}

fn make_interval(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let get = |i: usize| a.get(i).map_or(Ok(0), int);
    let (years, months, weeks, days, hours, mins) =
        (get(0)?, get(1)?, get(2)?, get(3)?, get(4)?, get(5)?);
    let secs = a.get(6).map_or(Ok(0.0), float)?;
    let overflow = || err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range");
    let months = years
        .checked_mul(12)
        .and_then(|y| y.checked_add(months))
        .and_then(|m| i32::try_from(m).ok())
        .ok_or_else(overflow)?;
    let days = weeks
        .checked_mul(7)
        .and_then(|w| w.checked_add(days))
        .and_then(|d| i32::try_from(d).ok())
        .ok_or_else(overflow)?;
    let micros = (hours as f64 * 3600.0 + mins as f64 * 60.0 + secs) * 1e6;
    if !micros.is_finite() || micros.abs() >= 9.2e18 {
        return Err(overflow());
    }
    Ok(Value::Interval(Interval::new(
        months,
        days,
        micros.round_ties_even() as i64,
    )))
}

fn to_timestamp_epoch(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let secs = float(&a[0])?;
    if secs.is_nan() {
        bail!(SqlState::DATETIME_FIELD_OVERFLOW, "timestamp cannot be NaN");
    }
    if secs.is_infinite() {
        return Ok(Value::TimestampTz(if secs > 0.0 {
            TS_POS_INFINITY
        } else {
            TS_NEG_INFINITY
        }));
    }
    let micros = (secs - (UNIX_EPOCH_DAYS * 86_400) as f64) * 1e6;
    if !(TS_MIN as f64..TS_END as f64).contains(&micros) {
        return Err(err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "timestamp out of range: \"{}\"",
            crate::types::scalar::format_float8(secs, 1)
        ));
    }
    Ok(Value::TimestampTz(micros.round_ties_even() as i64))
}

fn justify_days(i: Interval) -> Result<Interval> {
    let mut months = i64::from(i.months) + i64::from(i.days / 30);
    let mut days = i.days % 30;
    if months > 0 && days < 0 {
        days += 30;
        months -= 1;
    } else if months < 0 && days > 0 {
        days -= 30;
        months += 1;
    }
    let months = i32::try_from(months)
        .map_err(|_| err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range"))?;
    Ok(Interval::new(months, days, i.micros))
}

fn justify_interval(i: Interval) -> Result<Interval> {
    let mut days = i64::from(i.days) + i.micros / USECS_PER_DAY;
    let mut micros = i.micros % USECS_PER_DAY;
    let mut months = i64::from(i.months) + days / 30;
    days %= 30;
    if months > 0 && (days < 0 || (days == 0 && micros < 0)) {
        days += 30;
        months -= 1;
    } else if months < 0 && (days > 0 || (days == 0 && micros > 0)) {
        days -= 30;
        months += 1;
    }
    if days > 0 && micros < 0 {
        micros += USECS_PER_DAY;
        days -= 1;
    } else if days < 0 && micros > 0 {
        micros -= USECS_PER_DAY;
        days += 1;
    }
    let range = || err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range");
    Ok(Interval::new(
        i32::try_from(months).map_err(|_| range())?,
        i32::try_from(days).map_err(|_| range())?,
        micros,
    ))
}

fn date_bin(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let stride = iv(&a[0])?;
    let (t, origin) = (ts(&a[1])?, ts(&a[2])?);
    let wrap = |r: i64| match a[1] {
        Value::TimestampTz(_) => Value::TimestampTz(r),
        _ => Value::Timestamp(r),
    };
    if !ts_is_finite(t) {
        return Ok(wrap(t));
    }
    if !ts_is_finite(origin) {
        bail!(SqlState::DATETIME_FIELD_OVERFLOW, "origin out of range");
    }
    if stride.months != 0 {
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "timestamps cannot be binned into intervals containing months or years"
        );
    }
    let interval_range = || err!(SqlState::DATETIME_FIELD_OVERFLOW, "interval out of range");
    let step = i64::from(stride.days)
        .checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(stride.micros))
        .ok_or_else(interval_range)?;
    if step <= 0 {
        bail!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "stride must be greater than zero"
        );
    }
    let diff = t.checked_sub(origin).ok_or_else(interval_range)?;
    let modulo = diff % step;
    let mut r = origin + (diff - modulo);
    // Round towards -infinity, which can leave the valid range.
    if modulo < 0 {
        r = r
            .checked_sub(step)
            .filter(|r| (TS_MIN..TS_END).contains(r))
            .ok_or_else(ts_range)?;
    }
    Ok(wrap(r))
}
