//! Order-preserving ("memcomparable") encoding of SQL values into B+tree keys.
//!
//! B+tree keys are byte strings compared with `memcmp`. This module encodes
//! the columns of an index key so that comparing the bytes gives
//! PostgreSQL's sort order of the values, column by column, with each
//! column's own [`SortOrder`] — and decodes them back for index-only scans.
//! A key is written with a [`KeyWriter`] and read with a [`KeyReader`]; both
//! are told each column's type and order by the caller (the catalog knows
//! them), so the bytes carry no type tags.
//!
//! # Columns and composite keys
//!
//! A key is the concatenation of its columns. Each column starts with a
//! header byte, never inverted:
//!
//! | header | meaning |
//! | --- | --- |
//! | `0x00` | NULL in a `NULLS FIRST` column |
//! | `0x01` | a value: the payload follows |
//! | `0x02` | NULL in a `NULLS LAST` column |
//!
//! The payload of a value is its ascending encoding below; in a descending
//! column every payload byte is inverted (`b ^ 0xFF`). Every ascending
//! payload is *prefix-free* — no value's encoding is a proper prefix of
//! another's, strings included thanks to their terminator — and ordered,
//! so the first byte where two encodings differ decides the order of the
//! values. Inverting keeps both properties and reverses the order, which is
//! why a descending column of variable-length text still sorts correctly:
//! the terminator is inverted with the rest. And because every column ends
//! where its own bytes say it does, a composite key compares column by
//! column.
//!
//! # Payloads (ascending)
//!
//! - **bool**: one byte, `0x00` false, `0x01` true.
//! - **integers** (`int2`, `int4`, `int8`, and `date`, `time`,
//!   `timestamp`, `timestamptz` as their integer counts): one encoding for
//!   every width, so equal values of different integer types encode
//!   identically and an `int8` index can be probed with an `int4` value.
//!   A header byte then the value's significant big-endian bytes:
//!   non-negative `v` with `n` significant bytes is `0x80 + n` then those
//!   bytes (`0` is `80`, `1` is `81 01`, `256` is `82 01 00`); negative `v`
//!   is `0x7F - n`, `n` being the significant bytes of `!v = -v - 1`, then
//!   the low `n` bytes of `v` (`-1` is `7F`, `-2` is `7E FE`, `-257` is
//!   `7D FE FF`). Headers range over `0x6F..=0x90` (up to 16 bytes, an
//!   `i128`); only the shortest form is valid.
//! - **float4, float8**: 8 bytes. -0 becomes +0 and every NaN the quiet NaN
//!   `0x7FF8000000000000`; then the IEEE bits, big-endian, with the sign bit
//!   set if the value is non-negative, or all inverted if negative. So -0
//!   equals +0, and NaN equals NaN and sorts after +Infinity, as in
//!   PostgreSQL. A `float4` is stored as the `float8` of the same value.
//! - **numeric**: a class byte: `0x01` -Infinity, `0x02` negative, `0x03`
//!   zero, `0x04` positive, `0x05` +Infinity, `0x06` NaN. A positive value
//!   `d0.d1…dn × 10^e` (normalised: `d0` and `dn` non-zero) follows with `e`
//!   as an integer (above), then its digits two to a byte as
//!   `1 + 10·a + b` (`0x01..=0x64`; a lone last digit is paired with 0),
//!   then `0x00`. A negative value follows with the bytes of its absolute
//!   value, inverted. Numerically equal values encode identically (1.5 and
//!   1.50); the display scale is not kept, so decoding gives the normalised
//!   digits and exponent ([`DecodedNumeric`]).
//! - **text, bytea**: the bytes, each `0x00` written as `00 FF`, then the
//!   terminator `00 01`. Text orders by its UTF-8 bytes, which is the C
//!   collation: `"a" < "a\0" < "ab"` as `61 00 01 < 61 00 FF 00 01 <
//!   61 62 00 01`.
//! - **interval**: its span in microseconds as an integer (above), with a
//!   month counted as 30 days and a day as 24 hours: PostgreSQL's
//!   `interval_cmp_value`. `1 mon` and `30 days` compare equal there and
//!   are therefore one key here; only the span can be decoded.
//! - **uuid**: its 16 bytes.
//!
//! Values of *different* types are not comparable through their keys (the
//! integer 1 and the numeric 1 differ): a probe value must be cast to the
//! column's type before it is encoded.
//!
//! # Range scans
//!
//! Every key that starts with an encoded prefix lies in
//! `[prefix, prefix_successor(prefix))`; see [`prefix_successor`].

mod cursor;
mod float;
mod format;
mod int;
mod numeric;
mod order;
mod reader;
mod string;
mod writer;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use numeric::{DecodedNumeric, NumericKey};
pub use order::SortOrder;
pub use reader::KeyReader;
pub use writer::{interval_span, prefix_successor, KeyWriter};
