//! Parsing date, time and timestamp input: PostgreSQL's `date_in`,
//! `time_in`, `timestamp_in` and `timestamptz_in` over the field decoder of
//! [`super::decode`], with its error messages.

use assay_storage::{err, Error, Result, SqlState};

use super::calendar::*;
use super::decode::{
    decode_date_time, decode_time_only, parse_fields, tm_to_local, valid_julian, DtErr, Kind, Tm,
};
use crate::types::settings::Settings;

/// `DateTimeParseError`: the message for a rejected input.
pub(crate) fn parse_error(e: DtErr, type_name: &str, input: &str) -> Error {
    match e {
        DtErr::BadFormat => err!(
            SqlState::INVALID_DATETIME_FORMAT,
            "invalid input syntax for type {}: \"{}\"",
            type_name,
            input
        ),
        DtErr::FieldOverflow => err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range: \"{}\"",
            input
        ),
        DtErr::MdFieldOverflow => err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date/time field value out of range: \"{}\"",
            input
        )
        .with_hint("Perhaps you need a different \"datestyle\" setting."),
        DtErr::TzDispOverflow => err!(
            SqlState::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
            "time zone displacement out of range: \"{}\"",
            input
        ),
        DtErr::UnknownZone(name) => err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "time zone \"{}\" not recognized",
            name
        ),
    }
}

fn decode(input: &str, settings: &Settings, type_name: &str) -> Result<(Kind, Tm, i32)> {
    let mut fields = parse_fields(input).map_err(|e| parse_error(e, type_name, input))?;
    decode_date_time(&mut fields, settings).map_err(|e| parse_error(e, type_name, input))
}

/// Parses `date` input.
pub fn parse_date(input: &str, settings: &Settings) -> Result<i32> {
    let (kind, tm, _) = decode(input, settings, "date")?;
    let out_of_range = || {
        err!(
            SqlState::DATETIME_FIELD_OVERFLOW,
            "date out of range: \"{}\"",
            input
        )
    };
    let (y, m, d) = match kind {
        Kind::Date => (tm.year, tm.mon, tm.mday),
        Kind::Epoch => (1970, 1, 1),
        Kind::Late => return Ok(DATE_POS_INFINITY),
        Kind::Early => return Ok(DATE_NEG_INFINITY),
        Kind::Time => return Err(parse_error(DtErr::BadFormat, "date", input)),
    };
    if !valid_julian(y, m, d) {
        return Err(out_of_range());
    }
    let days = days_from_ymd(y, m as u32, d as u32);
    if days < i64::from(DATE_MIN) || days >= i64::from(DATE_END) {
        return Err(out_of_range());
    }
    Ok(days as i32)
}

/// Parses `time without time zone` input; a date or zone in it is ignored.
pub fn parse_time(input: &str, settings: &Settings) -> Result<i64> {
    let mut fields = parse_fields(input).map_err(|e| parse_error(e, "time", input))?;
    let (_, tm, _) =
        decode_time_only(&mut fields, settings).map_err(|e| parse_error(e, "time", input))?;
    Ok(((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec)
}

fn ts_out_of_range(input: &str) -> Error {
    err!(
        SqlState::DATETIME_FIELD_OVERFLOW,
        "timestamp out of range: \"{}\"",
        input
    )
}

/// `tm2timestamp`: local time plus the zone (seconds west), range-checked.
fn tm_to_timestamp(tm: &Tm, tz_west: Option<i32>, input: &str) -> Result<i64> {
    let local = tm_to_local(tm).ok_or_else(|| ts_out_of_range(input))?;
    let t = match tz_west {
        Some(w) => local + i64::from(w) * USECS_PER_SEC,
        None => local,
    };
    if !(TS_MIN..TS_END).contains(&t) {
        return Err(ts_out_of_range(input));
    }
    Ok(t)
}

/// Parses `timestamp without time zone` input; a zone in it is ignored.
pub fn parse_timestamp(input: &str, settings: &Settings) -> Result<i64> {
    let (kind, tm, _) = decode(input, settings, "timestamp")?;
    match kind {
        Kind::Date => tm_to_timestamp(&tm, None, input),
        Kind::Epoch => Ok(-UNIX_EPOCH_DAYS * USECS_PER_DAY),
        Kind::Late => Ok(TS_POS_INFINITY),
        Kind::Early => Ok(TS_NEG_INFINITY),
        Kind::Time => Err(parse_error(DtErr::BadFormat, "timestamp", input)),
    }
}

/// Parses `timestamp with time zone` input; without a zone in the input,
/// the session's `TimeZone` applies.
pub fn parse_timestamptz(input: &str, settings: &Settings) -> Result<i64> {
    let name = "timestamp with time zone";
    let (kind, tm, tz) = decode(input, settings, name)?;
    match kind {
        Kind::Date => tm_to_timestamp(&tm, Some(tz), input),
        Kind::Epoch => Ok(-UNIX_EPOCH_DAYS * USECS_PER_DAY),
        Kind::Late => Ok(TS_POS_INFINITY),
        Kind::Early => Ok(TS_NEG_INFINITY),
        Kind::Time => Err(parse_error(DtErr::BadFormat, name, input)),
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
            assert_eq!(
                format_date(parse_date(input, &s).unwrap(), &s),
                want,
                "{input}"
            );
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
                format_timestamp(parse_timestamp(input, &s).unwrap(), &s),
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
            assert_eq!(format_timestamptz(t, &s), want, "{input}");
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
            assert_eq!(format_timestamptz(t, &s), want, "{input}");
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
