//! Assay embedded: a PostgreSQL-compatible database in one file, opened
//! in-process.
//!
//! A [`Database`] is an open file (or an in-memory database); a
//! [`Connection`] is one session on it, with its own transaction state.
//! Connections share the database, may move between threads, and see one
//! another's work once committed.
//!
//! ```
//! use assay::{params, Database};
//!
//! # fn main() -> assay::Result<()> {
//! let db = Database::open_in_memory()?;
//! let conn = db.connect();
//! conn.execute_batch(
//!     "CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, born date)",
//! )?;
//!
//! let born = jiff::civil::date(1815, 12, 10);
//! conn.execute(
//!     "INSERT INTO people VALUES ($1, $2, $3)",
//!     params![1, "Ada", born],
//! )?;
//!
//! let row = conn.query_one("SELECT name, born FROM people WHERE id = $1", params![1])?;
//! assert_eq!(row.get::<String>("name")?, "Ada");
//! assert_eq!(row.get::<jiff::civil::Date>(1)?, born);
//!
//! // Nothing of a failed transaction stays.
//! let failed: assay::Result<()> = conn.transaction(|tx| {
//!     tx.execute("INSERT INTO people VALUES (2, 'Charles', NULL)", &[])?;
//!     tx.execute("INSERT INTO people VALUES (1, 'Ada again', NULL)", &[])?; // 23505
//!     Ok(())
//! });
//! assert_eq!(failed.unwrap_err().code().as_str(), "23505");
//! let count: i64 = conn.query_one("SELECT count(*) FROM people", &[])?.get(0)?;
//! assert_eq!(count, 1);
//! # Ok(())
//! # }
//! ```
//!
//! The pieces:
//!
//! - **Running SQL**: [`Connection::execute`] (rows affected),
//!   [`Connection::query`] ([`Rows`]), [`Connection::query_one`],
//!   [`Connection::query_opt`], [`Connection::query_row`],
//!   [`Connection::execute_batch`] for scripts, and
//!   [`Connection::prepare`] for a [`Statement`] run many times.
//! - **Parameters** are `$1`, `$2`, … bound from `&[&dyn ToValue]`, most
//!   easily written with [`params!`]. See [`ToValue`] for the types.
//! - **Results**: [`Row::get`] reads a column, by position or by name, as
//!   any [`FromValue`] type; `Option<T>` reads NULL, and `&str` and
//!   `&[u8]` borrow text and bytea from the row.
//! - **Transactions**: [`Connection::transaction`] with a closure (nested
//!   calls use savepoints), or [`Connection::begin`], [`commit`] and
//!   [`rollback`].
//! - **Errors** are [`Error`]: PostgreSQL's SQLSTATE ([`Error::code`]),
//!   message, detail and hint.
//!
//! A query's [`Rows`] are read from the engine as they are iterated: a
//! scan of any size holds one batch of rows in memory. Outside a
//! transaction they keep their query's transaction (and snapshot) open
//! until they are read to the end or dropped; see [`Rows`] for what that
//! means for other statements on the connection. A prepared statement is
//! parsed once, and its plan is kept in the session's plan cache.
//!
//! [`commit`]: Connection::commit
//! [`rollback`]: Connection::rollback

mod connection;
mod database;
mod datetime;
mod from_value;
mod row;
mod rows;
mod statement;
mod to_value;
mod transaction;

pub use assay_sql::session::Notification;
pub use assay_sql::types::{DataType, Interval, Numeric, Value};
pub use assay_storage::{Error, Result, SqlState, Synchronous};
pub use connection::Connection;
pub use database::{Database, Options};
pub use from_value::FromValue;
pub use row::{Column, Row, RowIndex};
pub use rows::Rows;
pub use statement::Statement;
pub use to_value::{ToValue, Uuid};
pub use transaction::Transaction;

/// Connections move between threads and a database is shared by them;
/// the unit tests fail to build otherwise.
#[cfg(test)]
fn _connections_cross_threads() {
    fn send<T: Send>() {}
    fn shared<T: Send + Sync>() {}
    send::<Connection>();
    shared::<Database>();
}
