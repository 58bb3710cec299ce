//! [`Rows`]: a query's rows, read from the engine as they are iterated.
//!
//! A query does not run to completion before [`Connection::query`]
//! returns. It opens a *stream* on the session (`assay_sql`'s
//! `session/streams.rs`): the plan's operator tree is kept between calls,
//! and `Rows` pulls a batch of rows from it whenever the rows it holds run
//! out — [`FIRST_BATCH`] at the start, [`BATCH`] after that. So a scan of
//! a large table holds one batch of rows at a time, and the page cache
//! holds the pages; memory does not grow with the result.
//!
//! What keeps the rows' snapshot:
//!
//! - **Outside a transaction**, the query's implicit transaction stays open
//!   while its `Rows` is alive: the rows come from the snapshot the query
//!   started with, whatever other connections commit meanwhile. When the
//!   last row has been read the transaction commits; dropping `Rows`
//!   earlier (a `break` out of the loop) commits it too, releasing the
//!   snapshot so checkpoints can move past it. While such a `Rows` is alive
//!   the connection runs no other statement: one would join the open
//!   transaction, which the caller did not ask for, so it fails with
//!   55006 (`object_in_use`). Read the rows first (`collect`), or run the
//!   statements in a transaction.
//! - **Inside a transaction** ([`Connection::begin`],
//!   [`Connection::transaction`]), the rows are one of the transaction's
//!   portals: other statements may run while they are read, several `Rows`
//!   may be open at once, and the transaction's end closes them (reading
//!   on then fails with 34000).
//!
//! The borrow checker keeps a `Rows` from outliving its connection
//! (`Rows<'c>` borrows it); it cannot stop other calls on the connection,
//! since every method takes `&self`, hence the runtime error above.
//!
//! Only plain queries stream. A statement that writes (`INSERT …
//! RETURNING`, `UPDATE … RETURNING`), `SELECT INTO` and `SELECT … FOR
//! UPDATE` run to completion first, as PostgreSQL runs such portals, and
//! their `Rows` holds the result.
//!
//! Errors. Iteration yields `Result<Row>`: a batch that fails (a division
//! by zero in row 10 000, a cancel, the statement timeout, which each batch
//! arms anew) yields its error once and then ends; outside a transaction
//! the query's transaction is rolled back, inside one the transaction is
//! failed, as a failed statement fails it. Rows of the failing batch that
//! were computed before the error are not returned.

use std::sync::Arc;

use assay_sql::plan::Field;
use assay_sql::session::StreamStart;
use assay_sql::types::Value;
use assay_storage::Result;

use crate::{Column, Connection, Row};

/// Rows the first batch reads: enough for most results to end in the
/// statement that opened them.
pub(crate) const FIRST_BATCH: u32 = 64;
/// Rows each later batch reads.
pub(crate) const BATCH: u32 = 256;

/// The rows of a query, in order, read from the engine a batch at a time
/// as they are iterated, so memory does not grow with the result.
///
/// Outside a transaction, the query's transaction (and the snapshot the
/// rows come from) stays open until the last row is read or the `Rows` is
/// dropped; meanwhile the connection refuses other statements with 55006.
/// Inside a transaction, statements and several `Rows` may interleave, and
/// the transaction's end closes its `Rows` (reading on fails with 34000).
/// Statements that write (`… RETURNING`) run whole before returning. An
/// error yields once, then the rows end.
///
/// ```
/// # fn main() -> assay::Result<()> {
/// let db = assay::Database::open_in_memory()?;
/// let conn = db.connect();
/// let mut total = 0i64;
/// for row in conn.query("SELECT g FROM generate_series(1, 100000) g", &[])? {
///     total += row?.get::<i64>(0)?;
/// }
/// assert_eq!(total, 5_000_050_000);
/// # Ok(())
/// # }
/// ```
pub struct Rows<'c> {
    columns: Arc<[Column]>,
    batch: std::vec::IntoIter<Vec<Value>>,
    /// The open stream more rows come from; `None` once it ended.
    stream: Option<Stream<'c>>,
}

/// An open stream on the connection's session.
struct Stream<'c> {
    conn: &'c Connection,
    portal: String,
}

impl<'c> Rows<'c> {
    /// Rows a statement returned whole.
    pub(crate) fn whole(fields: &[Field], rows: Vec<Vec<Value>>) -> Rows<'c> {
        Rows {
            columns: columns(fields),
            batch: rows.into_iter(),
            stream: None,
        }
    }

    /// Rows of a stream `portal` that opened with `start`.
    pub(crate) fn streamed(conn: &'c Connection, portal: String, start: StreamStart) -> Rows<'c> {
        Rows {
            columns: columns(&start.columns),
            batch: start.rows.into_iter(),
            stream: start.more.then_some(Stream { conn, portal }),
        }
    }

    /// The result's columns (known even when there are no rows).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Maps every remaining row with `f`, stopping at the first error.
    pub fn map_rows<T>(self, mut f: impl FnMut(&Row) -> Result<T>) -> Result<Vec<T>> {
        self.map(|row| f(&row?)).collect()
    }

    /// Whether rows are still to be read from the engine (the query's
    /// transaction, outside a block, is then still open).
    pub fn is_streaming(&self) -> bool {
        self.stream.is_some()
    }
}

fn columns(fields: &[Field]) -> Arc<[Column]> {
    fields.iter().map(Column::from_field).collect()
}

impl Iterator for Rows<'_> {
    type Item = Result<Row>;

    fn next(&mut self) -> Option<Result<Row>> {
        loop {
            if let Some(values) = self.batch.next() {
                return Some(Ok(Row::new(self.columns.clone(), values)));
            }
            let stream = self.stream.as_ref()?;
            match stream.conn.fetch_stream(&stream.portal, BATCH) {
                Ok((rows, more)) => {
                    if !more {
                        // The session closed the stream with its last batch.
                        self.stream = None;
                    }
                    self.batch = rows.into_iter();
                }
                Err(e) => {
                    self.stream = None;
                    return Some(Err(e));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let held = self.batch.len();
        (held, self.stream.is_none().then_some(held))
    }
}

impl Drop for Rows<'_> {
    /// Closes the stream, committing the transaction it kept open outside a
    /// block (a read-only one: there is nothing for the commit to fail on,
    /// and `Drop` could not report it).
    fn drop(&mut self) {
        if let Some(stream) = self.stream.take() {
            stream.conn.close_stream(&stream.portal);
        }
    }
}

impl std::fmt::Debug for Rows<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rows")
            .field("columns", &self.columns)
            .field("held", &self.batch.len())
            .field("streaming", &self.stream.is_some())
            .finish()
    }
}
