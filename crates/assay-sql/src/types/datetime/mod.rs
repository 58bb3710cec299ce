//! Dates, times, timestamps and intervals: calendar math, parsing, printing.

pub mod arith;
pub mod calendar;
mod format;
mod interval;
mod parse;
mod zone;

pub use format::{format_date, format_time, format_timestamp, format_timestamptz};
pub use interval::{format_interval, parse_interval};
pub use parse::{parse_date, parse_time, parse_timestamp, parse_timestamptz};
pub(crate) use zone::UNIX_TO_PG_SECS;
pub use zone::{format_offset, Zone};
