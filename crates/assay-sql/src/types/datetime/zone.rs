//! Time zones: the session's `TimeZone`, zone names, POSIX zone specs and
//! abbreviations in timestamp input, and the offset rules at
//! daylight-saving transitions.
//!
//! Zone rules come from `jiff`: the system tz database on Linux, a bundled
//! copy on wasm32. A local time that falls in a spring-forward gap takes the
//! offset before the transition, and one that is ambiguous after a
//! fall-back takes the offset after it, as PostgreSQL documents.

use std::fmt;

use assay_storage::{Result, SqlState};
use jiff::tz::{AmbiguousOffset, TimeZone};

use super::abbrevs::DEFAULT_ABBREVS;
use super::calendar::{ymd_from_days, USECS_PER_DAY, USECS_PER_SEC};

/// Seconds between 1970-01-01 and 2000-01-01.
pub(crate) const UNIX_TO_PG_SECS: i64 = 946_684_800;

#[derive(Clone)]
enum Kind {
    Tz(TimeZone),
    /// A fixed offset (seconds east) and the abbreviation printed for it.
    Fixed(i32, String),
}

/// A time zone as the `TimeZone` setting or a timestamp literal names it.
#[derive(Clone)]
pub struct Zone {
    name: String,
    kind: Kind,
}

/// A zone abbreviation of `timezone_abbreviations`.
#[derive(Clone, Copy, Debug)]
pub enum Abbrev {
    /// Seconds east of UTC, and whether it is a daylight-saving time.
    Fixed(i32, bool),
    /// The abbreviation's offset is the named zone's at the time in question.
    Dynamic(&'static str),
}

/// Looks up an abbreviation (lowercase) in the `Default` set.
pub fn lookup_abbrev(lower: &str) -> Option<Abbrev> {
    DEFAULT_ABBREVS
        .binary_search_by(|(name, _)| (*name).cmp(lower))
        .ok()
        .map(|i| DEFAULT_ABBREVS[i].1)
}

impl Zone {
    pub fn utc() -> Zone {
        Zone {
            name: "UTC".into(),
            kind: Kind::Tz(TimeZone::UTC),
        }
    }

    /// A zone at a fixed offset, in seconds east of Greenwich, as
    /// `SET TIME ZONE -8` makes it: named `<-08>+08`, abbreviated `-08`.
    pub fn fixed(seconds_east: i32) -> Zone {
        let abbrev = format_offset(seconds_east);
        let posix = format_offset(-seconds_east);
        Zone {
            name: format!("<{abbrev}>{posix}"),
            kind: Kind::Fixed(seconds_east, abbrev),
        }
    }

    /// Looks up a zone for `SET TimeZone`: a number of hours east of UTC
    /// (`-8`, `5.5`), or anything [`Zone::named`] accepts.
    pub fn parse(name: &str) -> Result<Zone> {
        let invalid = || {
            assay_storage::err!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"TimeZone\": \"{}\"",
                name
            )
        };
        let trimmed = name.trim();
        if let Some(hours) = strtod_whole(trimmed) {
            let secs = (hours * 3600.0).round();
            // pg_tzset_offset accepts up to 14 hours and more with seconds;
            // PostgreSQL rejects what tzparse cannot read back (|h| > 24*7).
            if !secs.is_finite() || secs.abs() >= 168.0 * 3600.0 {
                return Err(invalid());
            }
            return Ok(Zone::fixed(secs as i32));
        }
        Zone::named(trimmed).ok_or_else(invalid)
    }

    /// PostgreSQL's `pg_tzset`: an IANA name (case-insensitive), or a
    /// POSIX zone spec (`PST8PDT`, `GMT+8`, `<+03>-3`, even `+02:00`, which
    /// is two hours *west* of Greenwich).
    pub fn named(name: &str) -> Option<Zone> {
        if name.is_empty() || name.len() > 255 {
            return None;
        }
        let upper = name.to_ascii_uppercase();
        if upper == "GMT" || upper == "UTC" {
            return Some(Zone {
                name: if upper == "GMT" { "GMT" } else { "UTC" }.into(),
                kind: Kind::Tz(TimeZone::UTC),
            });
        }
        if !name.starts_with(':') && !name.contains("..") {
            if let Ok(tz) = TimeZone::get(name) {
                let canonical = tz.iana_name().unwrap_or(name).to_string();
                return Some(Zone {
                    name: canonical,
                    kind: Kind::Tz(tz),
                });
            }
        }
        parse_posix(&upper).map(|kind| Zone { name: upper, kind })
    }

    /// Whether the offset never changes (a fixed offset or UTC).
    pub fn is_fixed(&self) -> bool {
        match &self.kind {
            Kind::Fixed(..) => true,
            Kind::Tz(tz) => *tz == TimeZone::UTC,
        }
    }

    /// The name SHOW prints.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn instant(utc_micros: i64) -> jiff::Timestamp {
        let secs = utc_micros
            .div_euclid(USECS_PER_SEC)
            .saturating_add(UNIX_TO_PG_SECS);
        let secs = secs.clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        );
        jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// The zone's offset from UTC, in seconds east, at a timestamp given in
    /// microseconds since 2000-01-01 UTC.
    pub fn offset_at(&self, utc_micros: i64) -> i32 {
        match &self.kind {
            Kind::Fixed(off, _) => *off,
            Kind::Tz(tz) => tz.to_offset(Zone::instant(utc_micros)).seconds(),
        }
    }

    /// The zone's abbreviation at a UTC timestamp (`PST`, `CEST`, `-03`).
    pub fn abbrev_at(&self, utc_micros: i64) -> String {
        match &self.kind {
            Kind::Fixed(_, abbrev) => abbrev.clone(),
            Kind::Tz(tz) => {
                let info = tz.to_offset_info(Zone::instant(utc_micros));
                info.abbreviation().to_string()
            }
        }
    }

    /// Whether daylight-saving time is in effect at a UTC timestamp.
    pub fn is_dst_at(&self, utc_micros: i64) -> bool {
        match &self.kind {
            Kind::Fixed(..) => false,
            Kind::Tz(tz) => tz.to_offset_info(Zone::instant(utc_micros)).dst().is_dst(),
        }
    }

    /// Converts a local wall-clock time (microseconds since 2000-01-01 in
    /// this zone) to UTC.
    pub fn local_to_utc(&self, local_micros: i64) -> i64 {
        local_micros - i64::from(self.offset_of_local(local_micros)) * USECS_PER_SEC
    }

    /// The offset that applies to a local wall-clock time.
    pub fn offset_of_local(&self, local_micros: i64) -> i32 {
        let tz = match &self.kind {
            Kind::Fixed(off, _) => return *off,
            Kind::Tz(tz) => tz,
        };
        let days = local_micros.div_euclid(USECS_PER_DAY);
        let tod = local_micros.rem_euclid(USECS_PER_DAY) / USECS_PER_SEC;
        let (y, m, d) = ymd_from_days(days);
        if !(-9998..=9998).contains(&y) {
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
        match tz.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.seconds(),
            AmbiguousOffset::Gap { before, .. } => before.seconds(),
            AmbiguousOffset::Fold { after, .. } => after.seconds(),
        }
    }

    /// The offset a dynamic abbreviation (`MSK` for Europe/Moscow) stands
    /// for at a local time: the zone's offset then if the zone used that
    /// abbreviation, else the offset the abbreviation last had.
    pub fn abbrev_offset_of_local(&self, abbrev: &str, local_micros: i64) -> i32 {
        let off = self.offset_of_local(local_micros);
        let utc = local_micros - i64::from(off) * USECS_PER_SEC;
        if self.abbrev_at(utc).eq_ignore_ascii_case(abbrev) {
            return off;
        }
        // Look back and forth a few months for a period using it.
        for step in 1..=24i64 {
            for dir in [-1i64, 1] {
                let t = utc + dir * step * 30 * USECS_PER_DAY;
                if self.abbrev_at(t).eq_ignore_ascii_case(abbrev) {
                    return self.offset_at(t);
                }
            }
        }
        off
    }
}

/// `strtod` over the whole string: a plain decimal number of hours.
fn strtod_whole(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    s.parse::<f64>().ok()
}

/// Reads `[+-]hh[:mm[:ss]]` as POSIX writes offsets: seconds *west*.
fn posix_offset(s: &str) -> Option<(i32, &str)> {
    let b = s.as_bytes();
    let mut i = 0;
    let sign = match b.first() {
        Some(b'-') => {
            i += 1;
            -1
        }
        Some(b'+') => {
            i += 1;
            1
        }
        _ => 1,
    };
    let mut parts = [0i32; 3];
    for (n, part) in parts.iter_mut().enumerate() {
        if n > 0 {
            if b.get(i) != Some(&b':') {
                break;
            }
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start || i - start > 3 {
            return None;
        }
        *part = s[start..i].parse().ok()?;
    }
    if parts[0] > 167 || parts[1] > 59 || parts[2] > 59 {
        return None;
    }
    Some((sign * (parts[0] * 3600 + parts[1] * 60 + parts[2]), &s[i..]))
}

/// A POSIX zone spec. PostgreSQL also accepts an empty standard-time
/// abbreviation (`+02:00`), which jiff does not; those are fixed offsets.
fn parse_posix(upper: &str) -> Option<Kind> {
    let first = *upper.as_bytes().first()?;
    if first.is_ascii_digit() || first == b'+' || first == b'-' {
        let (west, rest) = posix_offset(upper)?;
        if !rest.is_empty() {
            return None;
        }
        return Some(Kind::Fixed(-west, String::new()));
    }
    // Standard name, offset, optional daylight name, optional rules.
    let name_end = |s: &str| -> Option<usize> {
        if let Some(rest) = s.strip_prefix('<') {
            rest.find('>').map(|i| i + 2)
        } else {
            let n = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
            (n >= 3).then_some(n)
        }
    };
    let std_len = name_end(upper)?;
    let std = upper[..std_len]
        .trim_start_matches('<')
        .trim_end_matches('>');
    let (west, rest) = posix_offset(&upper[std_len..])?;
    if rest.is_empty() {
        return Some(Kind::Fixed(-west, std.to_string()));
    }
    let spec = if rest.contains(',') {
        upper.to_string()
    } else {
        // No rules: PostgreSQL uses the US rules of its `posixrules`.
        format!("{upper},M3.2.0,M11.1.0")
    };
    TimeZone::posix(&spec).ok().map(Kind::Tz)
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

    // Names and offsets as `SET TimeZone` / `SHOW TimeZone` give them on
    // PostgreSQL 15.
    #[test]
    fn zone_names() {
        let e = Zone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(
            e.message(),
            "invalid value for parameter \"TimeZone\": \"Mars/Olympus\""
        );
        let cases = [
            ("-8", "<-08>+08", -8 * 3600, "-08"),
            ("5.5", "<+05:30>-05:30", 19_800, "+05:30"),
            ("+02:00", "+02:00", -7200, ""),
            ("UTC", "UTC", 0, "UTC"),
            ("FOO8BAR", "FOO8BAR", -8 * 3600, "FOO"),
        ];
        for (input, name, offset, abbrev) in cases {
            let z = Zone::parse(input).unwrap();
            assert_eq!(z.name(), name, "{input}");
            assert_eq!(z.offset_at(0), offset, "{input}");
            assert_eq!(z.abbrev_at(0), abbrev, "{input}");
        }
        assert!(matches!(
            lookup_abbrev("pst"),
            Some(Abbrev::Fixed(-28_800, false))
        ));
        assert!(matches!(
            lookup_abbrev("msk"),
            Some(Abbrev::Dynamic("Europe/Moscow"))
        ));
    }
}
