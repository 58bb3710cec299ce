//! The session settings that value formatting and parsing depend on.

use assay_storage::{bail, err, Result, SqlState};

use super::datetime::Zone;

/// `DateStyle`'s output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    Iso,
    Sql,
    Postgres,
    German,
}

/// `DateStyle`'s field order (`MDY`, `DMY`, `YMD`): how ambiguous input
/// dates are read, and the order of day and month in SQL/Postgres output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}

/// `IntervalStyle`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalStyle {
    Postgres,
    PostgresVerbose,
    SqlStandard,
    Iso8601,
}

impl DateStyle {
    pub fn name(self) -> &'static str {
        match self {
            DateStyle::Iso => "ISO",
            DateStyle::Sql => "SQL",
            DateStyle::Postgres => "Postgres",
            DateStyle::German => "German",
        }
    }
}

impl DateOrder {
    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Mdy => "MDY",
            DateOrder::Dmy => "DMY",
            DateOrder::Ymd => "YMD",
        }
    }
}

impl IntervalStyle {
    pub fn name(self) -> &'static str {
        match self {
            IntervalStyle::Postgres => "postgres",
            IntervalStyle::PostgresVerbose => "postgres_verbose",
            IntervalStyle::SqlStandard => "sql_standard",
            IntervalStyle::Iso8601 => "iso_8601",
        }
    }

    /// Reads `SET IntervalStyle` (case-insensitive).
    pub fn parse(value: &str) -> Result<IntervalStyle> {
        Ok(match value.trim().to_ascii_lowercase().as_str() {
            "postgres" => IntervalStyle::Postgres,
            "postgres_verbose" => IntervalStyle::PostgresVerbose,
            "sql_standard" => IntervalStyle::SqlStandard,
            "iso_8601" => IntervalStyle::Iso8601,
            _ => {
                return Err(err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"intervalstyle\": \"{}\"",
                    value
                )
                .with_hint(
                    "Available values: postgres, postgres_verbose, sql_standard, iso_8601.",
                ))
            }
        })
    }
}

/// Splits a GUC list value as PostgreSQL's `SplitIdentifierString` does:
/// comma-separated, whitespace around items ignored, unquoted items
/// lowercased, double-quoted items kept as written. `None` if the list
/// syntax is invalid.
fn split_identifiers(value: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    let skip_ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    skip_ws(&mut i);
    if i == b.len() {
        return Some(out);
    }
    loop {
        let mut item = String::new();
        if b[i] == b'"' {
            i += 1;
            loop {
                let j = i + value[i..].find('"')?;
                item.push_str(&value[i..j]);
                i = j + 1;
                if b.get(i) == Some(&b'"') {
                    item.push('"');
                    i += 1;
                } else {
                    break;
                }
            }
        } else {
            let start = i;
            while i < b.len() && b[i] != b',' && !b[i].is_ascii_whitespace() && b[i] != b'"' {
                i += 1;
            }
            if i == start {
                return None;
            }
            item = value[start..i].to_ascii_lowercase();
        }
        skip_ws(&mut i);
        out.push(item);
        if i == b.len() {
            return Some(out);
        }
        if b[i] != b',' {
            return None;
        }
        i += 1;
        skip_ws(&mut i);
    }
}

/// Reads a `DateStyle` value as PostgreSQL's `check_datestyle` does:
/// starting from the current style and order, each keyword sets one of
/// them; `DEFAULT` takes the reset value's parts not set explicitly.
pub fn parse_date_style(
    value: &str,
    current: (DateStyle, DateOrder),
    reset: (DateStyle, DateOrder),
) -> Result<(DateStyle, DateOrder)> {
    let invalid = |detail: String| {
        err!(
            SqlState::INVALID_PARAMETER_VALUE,
            "invalid value for parameter \"DateStyle\": \"{}\"",
            value
        )
        .with_detail(detail)
    };
    let items =
        split_identifiers(value).ok_or_else(|| invalid("List syntax is invalid.".into()))?;
    let (mut style, mut order) = current;
    let (mut have_style, mut have_order) = (false, false);
    let mut ok = true;
    for tok in &items {
        let t = tok.to_ascii_lowercase();
        let mut set_style = |s: DateStyle| {
            if have_style && style != s {
                ok = false;
            }
            style = s;
            have_style = true;
        };
        if t == "iso" {
            set_style(DateStyle::Iso);
        } else if t == "sql" {
            set_style(DateStyle::Sql);
        } else if t.starts_with("postgres") {
            set_style(DateStyle::Postgres);
        } else if t == "german" {
            set_style(DateStyle::German);
            if !have_order {
                order = DateOrder::Dmy;
            }
        } else {
            let o = if t == "ymd" {
                DateOrder::Ymd
            } else if t == "dmy" || t.starts_with("euro") {
                DateOrder::Dmy
            } else if t == "mdy" || t == "us" || t.starts_with("noneuro") {
                DateOrder::Mdy
            } else if t == "default" {
                if !have_style {
                    style = reset.0;
                }
                if !have_order {
                    order = reset.1;
                }
                continue;
            } else {
                return Err(invalid(format!("Unrecognized key word: \"{tok}\".")));
            };
            if have_order && order != o {
                ok = false;
            }
            order = o;
            have_order = true;
        }
    }
    if !ok {
        return Err(invalid("Conflicting \"datestyle\" specifications.".into()));
    }
    Ok((style, order))
}

/// `bytea_output`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteaOutput {
    Hex,
    Escape,
}

/// What text input and output of values depend on, with PostgreSQL's
/// defaults: `DateStyle = 'ISO, MDY'`, `IntervalStyle = postgres`,
/// `TimeZone = 'UTC'` (PostgreSQL's built-in default is GMT), and
/// `extra_float_digits = 1`, `bytea_output = hex`.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    pub date_style: DateStyle,
    pub date_order: DateOrder,
    pub interval_style: IntervalStyle,
    pub time_zone: Zone,
    /// Above 0, floats print their shortest round-trip form; at 0 or below,
    /// `15 + extra_float_digits` (or `6 + …` for real) significant digits.
    pub extra_float_digits: i32,
    pub bytea_output: ByteaOutput,
    /// The current transaction's timestamp (microseconds since 2000-01-01
    /// UTC), which `'now'`, `'today'`, … read. `None` rejects them.
    pub now: Option<i64>,
    /// `work_mem` in bytes: what a sort, hash or aggregate may hold before
    /// it spills.
    pub work_mem: usize,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            date_style: DateStyle::Iso,
            date_order: DateOrder::Mdy,
            interval_style: IntervalStyle::Postgres,
            time_zone: Zone::utc(),
            extra_float_digits: 1,
            bytea_output: ByteaOutput::Hex,
            now: None,
            work_mem: 4 << 20,
        }
    }
}

impl Settings {
    /// Applies `SET TimeZone = name`.
    pub fn set_time_zone(&mut self, name: &str) -> Result<()> {
        self.time_zone = Zone::parse(name)?;
        Ok(())
    }

    /// Applies `SET extra_float_digits = n` (PostgreSQL accepts -15..=3).
    pub fn set_extra_float_digits(&mut self, n: i32) -> Result<()> {
        if !(-15..=3).contains(&n) {
            bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "{} is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)",
                n
            );
        }
        self.extra_float_digits = n;
        Ok(())
    }

    /// Applies `SET DateStyle = '…'`; `reset` is the value `DEFAULT`
    /// stands for.
    pub fn set_date_style(&mut self, value: &str, reset: (DateStyle, DateOrder)) -> Result<()> {
        let (style, order) = parse_date_style(value, (self.date_style, self.date_order), reset)?;
        self.date_style = style;
        self.date_order = order;
        Ok(())
    }

    /// The `DateStyle` value SHOW prints: `ISO, MDY`.
    pub fn date_style_text(&self) -> String {
        format!("{}, {}", self.date_style.name(), self.date_order.name())
    }

    /// Applies `SET bytea_output = hex | escape`.
    pub fn set_bytea_output(&mut self, value: &str) -> Result<()> {
        self.bytea_output = match value.trim().to_ascii_lowercase().as_str() {
            "hex" => ByteaOutput::Hex,
            "escape" => ByteaOutput::Escape,
            _ => bail!(
                SqlState::INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"bytea_output\": \"{}\"",
                value
            ),
        };
        Ok(())
    }
}
