//! The tag bytes and limits of the key format described in the module
//! documentation of [`keycode`](super). Every byte value the encoder writes
//! outside of a payload is one of these constants.

/// Column header of a NULL sorted before every value (NULLS FIRST).
pub(super) const NULL_FIRST: u8 = 0x00;
/// Column header of a non-NULL value; the value's payload follows.
pub(super) const PRESENT: u8 = 0x01;
/// Column header of a NULL sorted after every value (NULLS LAST).
pub(super) const NULL_LAST: u8 = 0x02;

/// Payload of `false`.
pub(super) const FALSE: u8 = 0x00;
/// Payload of `true`.
pub(super) const TRUE: u8 = 0x01;

/// Integer header of a non-negative value with `n` significant bytes is
/// `INT_NONNEGATIVE + n`: `0x80` (zero) to `0x90` (16 bytes).
pub(super) const INT_NONNEGATIVE: u8 = 0x80;
/// Integer header of a negative value whose one's complement has `n`
/// significant bytes is `INT_NEGATIVE - n`: `0x7F` (-1) down to `0x6F`.
pub(super) const INT_NEGATIVE: u8 = 0x7F;
/// Most significant bytes an integer payload may have (an `i128`).
pub(super) const INT_MAX_BYTES: usize = 16;

/// Inside a text or bytea payload, a 0x00 byte of the value is written as
/// `ESCAPE ESCAPED_ZERO`, and the payload ends with `ESCAPE TERMINATOR`.
pub(super) const ESCAPE: u8 = 0x00;
/// Second byte of an escaped 0x00 of the value.
pub(super) const ESCAPED_ZERO: u8 = 0xFF;
/// Second byte of the end-of-string marker.
pub(super) const TERMINATOR: u8 = 0x01;

/// Numeric class bytes, in sort order.
pub(super) const NUMERIC_NEG_INF: u8 = 0x01;
pub(super) const NUMERIC_NEGATIVE: u8 = 0x02;
pub(super) const NUMERIC_ZERO: u8 = 0x03;
pub(super) const NUMERIC_POSITIVE: u8 = 0x04;
pub(super) const NUMERIC_POS_INF: u8 = 0x05;
pub(super) const NUMERIC_NAN: u8 = 0x06;
/// Ends the digit pairs of a finite numeric; pair bytes are `1..=100`.
pub(super) const NUMERIC_DIGITS_END: u8 = 0x00;

/// The one NaN bit pattern a float key holds (the quiet NaN).
pub(super) const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// Microseconds in a day, and days in an interval month, as PostgreSQL's
/// `interval_cmp_value` counts them.
pub(super) const USECS_PER_DAY: i128 = 86_400_000_000;
pub(super) const DAYS_PER_MONTH: i128 = 30;
