//! COPY's data formats: text, CSV and binary, in both directions.
//!
//! [`CopyOptions`] reads the statement's options. On the way in, a
//! [`RecordReader`](record::RecordReader) cuts the byte stream — fed in
//! chunks of any size — into records (text lines, CSV records, binary
//! tuples), and a [`RowReader`](convert::RowReader) turns each record into
//! a row through the column types' input functions. On the way out, a
//! [`RowWriter`](convert::RowWriter) renders each row as it comes from the
//! executor. The session (`session::copy`) drives both: it inserts rows
//! as the plan of an `INSERT` would — through a
//! [`CopyInsert`](insert::CopyInsert) that computes and inserts each row
//! without running the plan per row — and streams output to a
//! [`CopySink`].

mod binary;
mod convert;
mod csv;
mod insert;
mod options;
pub(crate) mod record;
mod text;

pub use convert::CopyColumn;
pub(crate) use convert::{RowReader, RowWriter};
pub(crate) use insert::{CopyInsert, RowContext};
pub use options::{ColumnSet, CopyOptions, Format, Header};

/// Where COPY TO's output goes: told the shape first, then given the
/// data a row per call, as the wire's CopyData messages carry it (the
/// binary header comes with the first row, the trailer alone; a text or
/// CSV header line alone).
pub trait CopySink {
    /// Called once before any data: the format and the number of columns.
    fn begin(&mut self, format: Format, columns: usize) -> assay_storage::Result<()>;
    fn data(&mut self, bytes: &[u8]) -> assay_storage::Result<()>;
}

/// What a client needs to start sending COPY FROM data: the format and
/// the number of columns (the wire's CopyInResponse).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyInShape {
    pub format: Format,
    pub columns: usize,
}
