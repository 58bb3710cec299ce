//! Dates, times, timestamps and intervals: calendar math, parsing, printing.

pub mod calendar;
mod zone;

pub use zone::Zone;
