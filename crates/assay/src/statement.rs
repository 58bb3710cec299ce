//! Prepared statements: parse once, run many times.

use assay_sql::ast;
use assay_storage::Result;

use crate::connection::{at_most_one, exactly_one};
use crate::{Connection, Row, Rows, ToValue};

/// A statement parsed once by [`Connection::prepare`].
///
/// Each run binds and plans the statement again with that run's parameter
/// types; it saves the parsing only. Keeping the plan between runs is a
/// later step of the engine, and will not change this API.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
    parsed: ast::Statement,
}

impl<'c> Statement<'c> {
    pub(crate) fn new(conn: &'c Connection, sql: String, parsed: ast::Statement) -> Self {
        Statement { conn, sql, parsed }
    }

    /// The statement's text as given to `prepare`.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Runs the statement; returns the rows it changed (see
    /// [`Connection::execute`]).
    pub fn execute(&self, params: &[&dyn ToValue]) -> Result<u64> {
        Ok(self.conn.run(&self.parsed, params)?.rows_affected())
    }

    /// Runs the statement and returns its rows.
    pub fn query(&self, params: &[&dyn ToValue]) -> Result<Rows> {
        self.conn.query_parsed(&self.parsed, params)
    }

    /// Runs the statement; exactly one row (see [`Connection::query_one`]).
    pub fn query_one(&self, params: &[&dyn ToValue]) -> Result<Row> {
        exactly_one(self.query(params)?)
    }

    /// Runs the statement; at most one row.
    pub fn query_opt(&self, params: &[&dyn ToValue]) -> Result<Option<Row>> {
        at_most_one(self.query(params)?)
    }
}
