//! A connection: one session on a database, and the ways to run SQL on it.

use std::cell::{Cell, RefCell, RefMut};

use assay_sql::ast;
use assay_sql::parser;
use assay_sql::session::{Notification, Session, StatementResult};
use assay_sql::types::Value;
use assay_storage::{err, Result, SqlState};

use crate::rows::FIRST_BATCH;
use crate::{Row, Rows, Statement, ToValue};

/// A connection to a [`Database`](crate::Database): its own settings and
/// transaction state. Statements outside [`begin`](Connection::begin) or
/// [`transaction`](Connection::transaction) each commit on their own.
///
/// A connection can move to another thread (`Send`) but is used by one
/// thread at a time; open one per thread.
///
/// While a [`Rows`] read outside a transaction is alive, its query's
/// transaction is open and the connection runs no other statement (55006);
/// inside a transaction, statements and `Rows` interleave freely. See
/// [`Rows`].
pub struct Connection {
    session: RefCell<Session>,
    /// Depth of nested [`Connection::transaction`] savepoints.
    pub(crate) nesting: Cell<u32>,
    /// Streams opened so far, which name the next one's portal.
    streams: Cell<u64>,
}

impl Connection {
    pub(crate) fn new(session: Session) -> Connection {
        Connection {
            session: RefCell::new(session),
            nesting: Cell::new(0),
            streams: Cell::new(0),
        }
    }

    /// Runs one statement and returns the number of rows it inserted,
    /// updated or deleted (for a query, the number of rows it returned;
    /// for DDL, 0).
    pub fn execute(&self, sql: &str, params: &[&dyn ToValue]) -> Result<u64> {
        Ok(self.run(&parse_one(sql)?, params)?.rows_affected())
    }

    /// Runs any number of `;`-separated statements without parameters,
    /// stopping at the first error. Each commits on its own unless the
    /// batch (or the connection) opened a transaction.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        self.session()?.execute(sql)?;
        Ok(())
    }

    /// Runs one statement and returns its rows, which are read from the
    /// engine as they are iterated (see [`Rows`]).
    pub fn query(&self, sql: &str, params: &[&dyn ToValue]) -> Result<Rows<'_>> {
        self.query_parsed(&parse_one(sql)?, params, FIRST_BATCH)
    }

    /// Runs one statement that must return exactly one row: no row fails
    /// with P0002 ("query returned no rows"), several with P0003, as
    /// PL/pgSQL's `SELECT INTO STRICT` does.
    pub fn query_one(&self, sql: &str, params: &[&dyn ToValue]) -> Result<Row> {
        exactly_one(self.query_parsed(&parse_one(sql)?, params, 2)?)
    }

    /// Runs one statement that returns at most one row (several: P0003).
    pub fn query_opt(&self, sql: &str, params: &[&dyn ToValue]) -> Result<Option<Row>> {
        at_most_one(self.query_parsed(&parse_one(sql)?, params, 2)?)
    }

    /// Runs one statement and maps its first row with `f`; no row fails
    /// with P0002. Further rows are ignored.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[&dyn ToValue],
        f: impl FnOnce(&Row) -> Result<T>,
    ) -> Result<T> {
        match self.query_parsed(&parse_one(sql)?, params, 1)?.next() {
            Some(row) => f(&row?),
            None => Err(no_rows()),
        }
    }

    /// Parses one statement for running many times with different
    /// parameters.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement::new(self, sql.to_string(), parse_one(sql)?))
    }

    /// Opens a transaction block; fails with 25001 if one is open already.
    pub fn begin(&self) -> Result<()> {
        if self.in_transaction() {
            return Err(err!(
                SqlState::ACTIVE_SQL_TRANSACTION,
                "there is already a transaction in progress"
            ));
        }
        self.control("BEGIN")
    }

    /// Commits the open transaction. Fails with 25P01 if there is none,
    /// and with 25P02 if a statement in it failed (it is then rolled back,
    /// as PostgreSQL's COMMIT of a failed block does).
    pub fn commit(&self) -> Result<()> {
        match self.transaction_status() {
            'I' => Err(err!(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress"
            )),
            'E' => {
                self.control("ROLLBACK")?;
                Err(failed_block())
            }
            _ => self.control("COMMIT"),
        }
    }

    /// Rolls the open transaction back; fails with 25P01 if there is none.
    pub fn rollback(&self) -> Result<()> {
        if !self.in_transaction() {
            return Err(err!(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "there is no transaction in progress"
            ));
        }
        self.control("ROLLBACK")
    }

    /// Whether a transaction block is open (by `begin`, `transaction` or a
    /// `BEGIN` statement).
    pub fn in_transaction(&self) -> bool {
        self.transaction_status() != 'I'
    }

    /// `I` (no transaction), `T` (in a block) or `E` (in a block where a
    /// statement failed, which only rolls back).
    pub fn transaction_status(&self) -> char {
        self.session
            .try_borrow()
            .map_or('T', |s| s.transaction_status())
    }

    /// The notifications delivered to this connection since the last call,
    /// oldest first: those sent (by `NOTIFY` or `pg_notify`) on channels it
    /// `LISTEN`s on, by any connection to the same database (this one
    /// included), once the sending transaction committed.
    pub fn notifications(&self) -> Result<Vec<Notification>> {
        Ok(self.borrow_session()?.take_notifications())
    }

    /// Runs `f` with the session underneath, for what this API does not
    /// cover yet (settings, notices, the catalog).
    pub fn with_session<T>(&self, f: impl FnOnce(&mut Session) -> T) -> Result<T> {
        Ok(f(&mut *self.session()?))
    }

    // ---- shared by Connection, Statement and Transaction ----------------

    pub(crate) fn run(
        &self,
        stmt: &ast::Statement,
        params: &[&dyn ToValue],
    ) -> Result<StatementResult> {
        let values: Vec<Value> = params.iter().map(|p| p.to_value()).collect();
        self.session()?.execute_with_params(stmt, &[], &values)
    }

    /// Runs a prepared statement (its plan found by address, see
    /// `Session::run_prepared`).
    pub(crate) fn run_prepared(
        &self,
        stmt: &std::sync::Arc<ast::Statement>,
        params: &[&dyn ToValue],
    ) -> Result<StatementResult> {
        let values: Vec<Value> = params.iter().map(|p| p.to_value()).collect();
        self.session()?.run_prepared(stmt, &values)
    }

    /// Runs a statement for its rows: a query streams, reading `first`
    /// rows now; any other statement runs whole.
    pub(crate) fn query_parsed(
        &self,
        stmt: &ast::Statement,
        params: &[&dyn ToValue],
        first: u32,
    ) -> Result<Rows<'_>> {
        let values: Vec<Value> = params.iter().map(|p| p.to_value()).collect();
        let mut session = self.session()?;
        let number = self.streams.get() + 1;
        self.streams.set(number);
        let portal = format!("assay_rows_{number}");
        match session.open_stream(&portal, stmt, &[], &values, first)? {
            Some(start) => Ok(Rows::streamed(self, portal, start)),
            None => {
                let result = session.execute_with_params(stmt, &[], &values)?;
                Ok(Rows::whole(&result.columns, result.rows))
            }
        }
    }

    /// The next rows of a [`Rows`]' stream.
    pub(crate) fn fetch_stream(&self, portal: &str, max: u32) -> Result<(Vec<Vec<Value>>, bool)> {
        self.borrow_session()?.fetch_stream(portal, max)
    }

    /// Closes a [`Rows`]' stream (from its `Drop`, which cannot report an
    /// error).
    pub(crate) fn close_stream(&self, portal: &str) {
        if let Ok(mut session) = self.borrow_session() {
            let _ = session.close_stream(portal);
        }
    }

    /// Runs a transaction-control statement.
    pub(crate) fn control(&self, sql: &str) -> Result<()> {
        self.session()?.execute(sql)?;
        Ok(())
    }

    /// The session, to run a statement on: not while a [`Rows`] holds the
    /// implicit transaction of its query (see [`Rows`]).
    fn session(&self) -> Result<RefMut<'_, Session>> {
        let session = self.borrow_session()?;
        if session.stream_holds_transaction() {
            return Err(err!(
                SqlState::OBJECT_IN_USE,
                "another query's rows are still being read on this connection"
            )
            .with_hint(
                "Finish or drop those Rows first, collect them, or run both statements \
                 in a transaction, where they may interleave.",
            ));
        }
        Ok(session)
    }

    fn borrow_session(&self) -> Result<RefMut<'_, Session>> {
        // Only a callback run by the engine could get here re-entrantly.
        self.session.try_borrow_mut().map_err(|_| {
            err!(
                SqlState::OBJECT_IN_USE,
                "the connection is already running a statement"
            )
        })
    }
}

/// Parses text that must hold exactly one statement.
pub(crate) fn parse_one(sql: &str) -> Result<ast::Statement> {
    let mut statements = parser::parse(sql)?;
    match statements.len() {
        1 => Ok(statements.remove(0)),
        0 => Err(err!(SqlState::SYNTAX_ERROR, "no SQL statement given")),
        _ => Err(err!(
            SqlState::SYNTAX_ERROR,
            "cannot insert multiple commands into a prepared statement"
        )
        .with_hint("Run several statements with execute_batch.")),
    }
}

pub(crate) fn exactly_one(rows: Rows<'_>) -> Result<Row> {
    at_most_one(rows)?.ok_or_else(no_rows)
}

pub(crate) fn at_most_one(mut rows: Rows<'_>) -> Result<Option<Row>> {
    let first = rows.next().transpose()?;
    if rows.next().is_some() {
        return Err(err!(
            SqlState::new(b"P0003"),
            "query returned more than one row"
        ));
    }
    Ok(first)
}

fn no_rows() -> assay_storage::Error {
    err!(SqlState::new(b"P0002"), "query returned no rows")
}

pub(crate) fn failed_block() -> assay_storage::Error {
    err!(
        SqlState::IN_FAILED_SQL_TRANSACTION,
        "the transaction was rolled back because a statement in it failed"
    )
}
