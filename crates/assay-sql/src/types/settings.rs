//! The session settings that value formatting and parsing depend on.

use assay_storage::{bail, Result, SqlState};

use super::datetime::Zone;

/// `DateStyle`'s output format. Only ISO output is implemented; the field
/// order (`MDY`, `DMY`, `YMD`) decides how ambiguous input dates are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    Mdy,
    Dmy,
    Ymd,
}

/// `IntervalStyle`. Only `postgres` output is implemented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntervalStyle {
    Postgres,
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
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            date_order: DateOrder::Mdy,
            interval_style: IntervalStyle::Postgres,
            time_zone: Zone::utc(),
            extra_float_digits: 1,
            bytea_output: ByteaOutput::Hex,
            now: None,
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

    /// Applies `SET DateStyle = '…'`: accepts `ISO`, `MDY`, `DMY`, `YMD`
    /// and the combination `ISO, MDY`; other output styles are rejected.
    pub fn set_date_style(&mut self, value: &str) -> Result<()> {
        let mut order = self.date_order;
        for part in value.split(',') {
            match part.trim().to_ascii_lowercase().as_str() {
                "iso" => {}
                "mdy" | "us" | "noneuropean" => order = DateOrder::Mdy,
                "dmy" | "euro" | "european" => order = DateOrder::Dmy,
                "ymd" => order = DateOrder::Ymd,
                _ => bail!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"DateStyle\": \"{}\"",
                    value
                ),
            }
        }
        self.date_order = order;
        Ok(())
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
