//! Time zones: the session's `TimeZone`, zone names and abbreviations in
//! timestamp input, and the offset rules at daylight-saving transitions.
//!
//! Zones come from `jiff`: the system tz database on Linux, a bundled copy
//! on wasm32. A local time that falls in a spring-forward gap takes the
//! offset before the transition, and one that is ambiguous after a
//! fall-back takes the offset after it, as PostgreSQL documents.

use std::fmt;

use assay_storage::{bail, Result, SqlState};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use super::calendar::{ymd_from_days, USECS_PER_SEC};

/// Seconds between 1970-01-01 and 2000-01-01.
pub(crate) const UNIX_TO_PG_SECS: i64 = 946_684_800;

/// A time zone as the `TimeZone` setting or a timestamp literal names it.
#[derive(Clone)]
pub struct Zone {
    name: String,
    tz: TimeZone,
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            tz: TimeZone::UTC,
        }
    }

    /// A zone at a fixed offset, in seconds east of Greenwich.
    pub fn fixed(seconds_east: i32) -> Zone {
        let offset = Offset::from_seconds(seconds_east).unwrap_or(Offset::UTC);
        Zone {
            name: format_offset(seconds_east),
            tz: TimeZone::fixed(offset),
        }
    }

    /// Looks up a zone for `SET TimeZone`: an IANA name (`Europe/Paris`),
    /// `UTC`, or a numeric offset (`+02`, `-05:30`, east of Greenwich).
    pub fn parse(name: &str) -> Result<Zone> {
        let trimmed = name.trim();
        if let Some(secs) = parse_numeric_offset(trimmed) {
            if secs.abs() <= MAX_OFFSET {
                return Ok(Zone::fixed(secs));
            }
        }
        if ["utc", "gmt", "z", "zulu"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(trimmed))
        {
            return Ok(Zone {
                name: trimmed.to_string(),
                tz: TimeZone::UTC,
            });
        }
        match TimeZone::get(trimmed) {
            Ok(tz) if !trimmed.is_empty() => Ok(Zone {
                name: trimmed.to_string(),
                tz,
            }),
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"TimeZone\": \"{}\"",
                name
            ),
        }
    }

    /// The name the zone was set with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone's offset from UTC, in seconds east, at a timestamp given in
    /// microseconds since 2000-01-01 UTC.
    pub fn offset_at(&self, utc_micros: i64) -> i32 {
        let secs = utc_micros
            .div_euclid(USECS_PER_SEC)
            .saturating_add(UNIX_TO_PG_SECS);
        let secs = secs.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        );
        match jiff::Timestamp::from_second(secs) {
            Ok(ts) => self.tz.to_offset(ts).seconds(),
            Err(_) => 0,
        }
    }

    /// Converts a local wall-clock time (microseconds since 2000-01-01 in
    /// this zone) to UTC.
    pub fn local_to_utc(&self, local_micros: i64) -> i64 {
        local_micros - i64::from(self.offset_of_local(local_micros)) * USECS_PER_SEC
    }

    /// The offset that applies to a local wall-clock time.
    pub fn offset_of_local(&self, local_micros: i64) -> i32 {
        let days = local_micros.div_euclid(super::calendar::USECS_PER_DAY);
        let tod = local_micros.rem_euclid(super::calendar::USECS_PER_DAY) / USECS_PER_SEC;
        let (y, m, d) = ymd_from_days(days);
        if !(-9999..=9999).contains(&y) {
            // Outside jiff's range: use the offset at the nearest instant.
            return self.offset_at(local_micros);
        }
        let dt = jiff::civil::DateTime::new(
            y as i16,
            m as i8,
            d as i8,
            (tod / 3600) as i8,
            (tod / 60 % 60) as i8,
            (tod % 60) as i8,
            0,
        );
        let Ok(dt) = dt else {
            return self.offset_at(local_micros);
        };
        match self.tz.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.seconds(),
            AmbiguousOffset::Gap { before, .. } => before.seconds(),
            AmbiguousOffset::Fold { after, .. } => after.seconds(),
        }
    }
}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name)
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Zone) -> bool {
        self.name == other.name
    }
}

/// Formats an offset as PostgreSQL appends it to a timestamptz: `+02`,
/// `+05:30`, `-04:56:02`.
pub fn format_offset(seconds_east: i32) -> String {
    let sign = if seconds_east < 0 { '-' } else { '+' };
    let a = seconds_east.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s != 0 {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    } else if m != 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}")
    }
}

/// The largest offset PostgreSQL accepts: 15:59:59.
pub const MAX_OFFSET: i32 = 15 * 3600 + 59 * 60 + 59;

/// Parses `+02`, `-0530`, `+05:30`, `-09:30:15` as seconds east; the
/// caller checks the result against [`MAX_OFFSET`].
pub fn parse_numeric_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let num = |p: &str| -> Option<i32> {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    let (h, m, sec) = match parts.as_slice() {
        [hm] if hm.len() == 4 && hm.bytes().all(|b| b.is_ascii_digit()) => {
            (num(&hm[..2])?, num(&hm[2..])?, 0)
        }
        [hm] if hm.len() == 6 && hm.bytes().all(|b| b.is_ascii_digit()) => {
            (num(&hm[..2])?, num(&hm[2..4])?, num(&hm[4..])?)
        }
        [h] => (num(h)?, 0, 0),
        [h, m] => (num(h)?, num(m)?, 0),
        [h, m, s] => (num(h)?, num(m)?, num(s)?),
        _ => return None,
    };
    if m >= 60 || sec >= 60 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60 + sec))
}

/// The fixed offsets of common zone abbreviations accepted in input.
pub fn abbreviation_offset(s: &str) -> Option<i32> {
    const H: i32 = 3600;
    let table: &[(&str, i32)] = &[
        ("utc", 0),
        ("gmt", 0),
        ("ut", 0),
        ("z", 0),
        ("zulu", 0),
        ("wet", 0),
        ("west", H),
        ("bst", H),
        ("cet", H),
        ("cest", 2 * H),
        ("met", H),
        ("mest", 2 * H),
        ("eet", 2 * H),
        ("eest", 3 * H),
        ("msk", 3 * H),
        ("ist", 2 * H),
        ("jst", 9 * H),
        ("kst", 9 * H),
        ("aest", 10 * H),
        ("aedt", 11 * H),
        ("nzst", 12 * H),
        ("nzdt", 13 * H),
        ("est", -5 * H),
        ("edt", -4 * H),
        ("cst", -6 * H),
        ("cdt", -5 * H),
        ("mst", -7 * H),
        ("mdt", -6 * H),
        ("pst", -8 * H),
        ("pdt", -7 * H),
        ("akst", -9 * H),
        ("akdt", -8 * H),
        ("hst", -10 * H),
    ];
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(s))
        .map(|(_, o)| *o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::datetime::calendar::{days_from_ymd, USECS_PER_DAY, USECS_PER_HOUR};

    fn local(y: i64, m: u32, d: u32, h: i64, min: i64) -> i64 {
        days_from_ymd(y, m, d) * USECS_PER_DAY + h * USECS_PER_HOUR + min * 60_000_000
    }

    #[test]
    fn offsets_format_as_postgres() {
        assert_eq!(format_offset(0), "+00");
        assert_eq!(format_offset(19_800), "+05:30");
        assert_eq!(format_offset(-17_762), "-04:56:02");
        assert_eq!(parse_numeric_offset("-0530"), Some(-19_800));
        assert_eq!(parse_numeric_offset("+02"), Some(7200));
        assert_eq!(parse_numeric_offset("-09:30:15"), Some(-34_215));
        assert_eq!(parse_numeric_offset("+2x"), None);
        assert!(Zone::parse("+25").is_err());
    }

    #[test]
    fn transitions_follow_postgres() {
        let ny = Zone::parse("America/New_York").unwrap();
        // 2024-03-10 02:30 is in the gap: offset before (-05).
        assert_eq!(ny.offset_of_local(local(2024, 3, 10, 2, 30)), -5 * 3600);
        // 2024-11-03 01:30 is ambiguous: offset after (-05).
        assert_eq!(ny.offset_of_local(local(2024, 11, 3, 1, 30)), -5 * 3600);
        assert_eq!(ny.offset_of_local(local(2024, 7, 1, 12, 0)), -4 * 3600);
        assert_eq!(ny.offset_at(local(1800, 1, 1, 5, 0)), -17_762);
    }

    #[test]
    fn bad_zone_names() {
        let e = Zone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(
            e.message(),
            "invalid value for parameter \"TimeZone\": \"Mars/Olympus\""
        );
        assert_eq!(Zone::parse("+02").unwrap().offset_at(0), 7200);
        assert_eq!(Zone::parse("UTC").unwrap().offset_at(0), 0);
    }
}
