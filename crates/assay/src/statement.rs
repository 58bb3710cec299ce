//! Prepared statements: parse once, run many times.

use std::sync::Arc;

use assay_sql::ast;
use assay_storage::Result;

use crate::connection::{at_most_one, exactly_one};
use crate::rows::FIRST_BATCH;
use crate::{Connection, Row, Rows, ToValue};

/// A statement parsed once by [`Connection::prepare`].
///
/// It saves the parsing; the plan is kept by the session's plan cache,
/// keyed by the statement and its parameters' types, and made again only
/// when what it depends on changes (the catalog, the search path, the
/// settings constant folding reads). `execute` finds the plan by the
/// statement's address (`Session::run_prepared`) rather than by hashing
/// and comparing it.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
    parsed: Arc<ast::Statement>,
}

impl<'c> Statement<'c> {
    pub(crate) fn new(conn: &'c Connection, sql: String, parsed: ast::Statement) -> Self {
        Statement {
            conn,
            sql,
            parsed: Arc::new(parsed),
        }
    }

    /// The statement's text as given to `prepare`.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Runs the statement; returns the rows it changed (see
    /// [`Connection::execute`]).
    pub fn execute(&self, params: &[&dyn ToValue]) -> Result<u64> {
        Ok(self
            .conn
            .run_prepared(&self.parsed, params)?
            .rows_affected())
    }

    /// Runs the statement and returns its rows, read as they are iterated
    /// (see [`Rows`]).
    pub fn query(&self, params: &[&dyn ToValue]) -> Result<Rows<'c>> {
        self.conn.query_parsed(&self.parsed, params, FIRST_BATCH)
    }

    /// Runs the statement; exactly one row (see [`Connection::query_one`]).
    pub fn query_one(&self, params: &[&dyn ToValue]) -> Result<Row> {
        exactly_one(self.conn.query_parsed(&self.parsed, params, 2)?)
    }

    /// Runs the statement; at most one row.
    pub fn query_opt(&self, params: &[&dyn ToValue]) -> Result<Option<Row>> {
        at_most_one(self.conn.query_parsed(&self.parsed, params, 2)?)
    }
}
