//! Dates, times, timestamps and intervals: calendar math, parsing, printing.

mod abbrevs;
pub mod arith;
pub mod calendar;
pub(crate) mod decode;
pub(crate) mod format;
mod interval;
mod parse;
pub(crate) mod zone;

pub use format::{format_date, format_time, format_timestamp, format_timestamptz};
pub use interval::{format_interval, parse_interval, parse_interval_typmod};
pub use parse::{parse_date, parse_time, parse_timestamp, parse_timestamptz};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use zone::UNIX_TO_PG_SECS;
pub use zone::{format_offset, Zone};
