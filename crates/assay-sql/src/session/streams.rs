//! Result streams: a query's rows read a batch at a time, in or out of a
//! transaction block, for the embedded API's `Rows`.
//!
//! A stream is a wire-protocol portal ([`Session::open_portal`]) that may
//! also live outside a transaction block. [`Session::open_stream`] plans
//! the query, opens a forward-only portal over it and reads the first
//! batch, all as one statement. A result that fits in that batch ends
//! there without entering the session's portals, costing little more than
//! running the statement whole. Otherwise:
//!
//! - **Inside a block**, the portal belongs to the block like any other
//!   (the block keeps its snapshot while it is open; COMMIT and ROLLBACK
//!   close it), and other statements may run between batches.
//! - **Outside a block**, the stream opens the implicit transaction a
//!   statement would and keeps it: the transaction, and with it the
//!   storage snapshot the rows come from, stays open between batches. It
//!   commits when the stream ends ([`Session::fetch_stream`] reads the last
//!   row, or [`Session::close_stream`] closes it early) and rolls back when
//!   a batch fails, as PostgreSQL's implicit transaction around a suspended
//!   portal ends at Sync. While it is open the session is in that implicit
//!   transaction ([`Session::stream_holds_transaction`]); a statement run
//!   then would join it, so the embedded API refuses to run one.
//!
//! Only plain queries stream. A statement that writes (`INSERT …
//! RETURNING`, `UPDATE … RETURNING`, `WITH … DELETE …`), `SELECT INTO`,
//! a query with `FOR UPDATE`/`FOR SHARE` and any other statement runs to
//! completion instead (`open_stream` returns `None`), as PostgreSQL runs
//! DML portals to completion before returning their first row.
//!
//! Each batch is a statement of its own for the statement timeout and
//! cancellation; `now()` is the stream's start, as for the transaction.

use assay_storage::{err, Result, SqlState};

use super::{run, Session, StatementResult};
use crate::ast::{SetExpr, Statement};
use crate::plan::Field;
use crate::types::{DataType, Value};

/// What opening a stream read: the columns, the first batch of rows, and
/// whether more may follow (when not, the stream is closed already).
#[derive(Debug)]
pub struct StreamStart {
    pub columns: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    pub more: bool,
}

impl Session {
    /// Opens the stream `name` over `stmt` and reads up to `first` rows
    /// (at least one). `None`: `stmt` does not stream, run it whole.
    pub fn open_stream(
        &mut self,
        name: &str,
        stmt: &Statement,
        param_types: &[DataType],
        params: &[Value],
        first: u32,
    ) -> Result<Option<StreamStart>> {
        let Statement::Query(query) = stmt else {
            return Ok(None);
        };
        let into = matches!(&query.body, SetExpr::Select(s) if s.into.is_some());
        let failed = self.block.as_ref().is_some_and(|b| b.failed);
        if into || failed || !query.locking.is_empty() {
            return Ok(None);
        }
        if self.block.is_none() {
            self.settings.types.now = Some(run::now_micros());
        }
        let first = first.max(1);
        let mut start = None;
        self.statement(|s| {
            let implicit = s.begin_implicit()?;
            let opened = s.prepare(false).and_then(|()| {
                let (columns, rows, more) =
                    s.open_portal_reading(name, stmt, param_types, params, first)?;
                Ok(StreamStart {
                    columns,
                    rows,
                    more,
                })
            });
            match opened {
                Ok(opened) => {
                    if implicit && !opened.more {
                        s.end_implicit(true, true)?;
                    }
                    start = Some(opened);
                }
                Err(e) => {
                    if s.has_portal(name) {
                        let _ = s.close_portal(name);
                    }
                    s.end_implicit(implicit, false)?;
                    return Err(e);
                }
            }
            Ok(StatementResult::default())
        })?;
        Ok(start)
    }

    /// Up to `max` (at least one) more rows of stream `name`, and whether
    /// more may follow. The stream closes when it ends or fails; outside a
    /// block its transaction then commits, or rolls back.
    pub fn fetch_stream(&mut self, name: &str, max: u32) -> Result<(Vec<Vec<Value>>, bool)> {
        if !self.has_portal(name) {
            return Err(err!(
                SqlState::new(b"34000"),
                "the query's rows were closed when its transaction ended"
            ));
        }
        match self.fetch_portal(name, max.max(1)) {
            Ok((rows, true)) => Ok((rows, true)),
            Ok((rows, false)) => {
                self.close_stream(name)?;
                Ok((rows, false))
            }
            Err(e) => {
                self.end_stream_transaction(false)?;
                Err(e)
            }
        }
    }

    /// Closes stream `name` if it is open; outside a block, the last open
    /// stream's transaction commits.
    pub fn close_stream(&mut self, name: &str) -> Result<()> {
        if !self.has_portal(name) {
            return Ok(());
        }
        let closed = self.close_portal(name);
        self.end_stream_transaction(closed.is_ok())?;
        closed
    }

    /// Whether an open stream holds the implicit transaction (the session
    /// is outside a block, but a statement run now would run inside the
    /// stream's transaction).
    pub fn stream_holds_transaction(&self) -> bool {
        self.block.as_ref().is_some_and(|b| !b.explicit)
    }

    /// Ends the implicit transaction streams hold once none is open
    /// (`ok`: commit; else roll back, closing every stream).
    fn end_stream_transaction(&mut self, ok: bool) -> Result<()> {
        if !self.stream_holds_transaction() || (ok && self.has_portals()) {
            return Ok(());
        }
        self.end_implicit(true, ok)
    }
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
