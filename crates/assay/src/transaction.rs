//! Closure transactions: [`Connection::transaction`].
//!
//! The outermost call opens a block with `BEGIN`; a call made while a block
//! is open (a nested call, or one after [`Connection::begin`]) opens a
//! savepoint `assay_tx_N`, `N` being the nesting depth. When the closure
//! returns `Ok` the block commits (the savepoint is released); when it
//! returns `Err` or panics, the block rolls back (to the savepoint, which
//! keeps the outer work). A closure that swallowed a failed statement's
//! error and returned `Ok` gets 25P02: the work is rolled back, not
//! half-committed.

use std::ops::Deref;

use assay_storage::{err, Error, Result, SqlState};

use crate::connection::failed_block;
use crate::Connection;

/// The connection as seen inside [`Connection::transaction`]'s closure.
/// It derefs to [`Connection`]: run statements on it as usual, and call
/// `transaction` on it again to nest.
pub struct Transaction<'c> {
    conn: &'c Connection,
    savepoint: Option<String>,
}

impl Transaction<'_> {
    /// The savepoint this nested transaction runs in (`None` at the top).
    pub fn savepoint_name(&self) -> Option<&str> {
        self.savepoint.as_deref()
    }
}

impl Deref for Transaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Connection {
    /// Runs `f` in a transaction: committed if `f` returns `Ok`, rolled
    /// back if it returns `Err` (or panics). Nested calls use savepoints.
    ///
    /// ```
    /// # fn main() -> assay::Result<()> {
    /// let db = assay::Database::open_in_memory()?;
    /// let conn = db.connect();
    /// conn.execute_batch("CREATE TABLE t (x int)")?;
    /// let outcome: assay::Result<()> = conn.transaction(|tx| {
    ///     tx.execute("INSERT INTO t VALUES (1)", &[])?;
    ///     // The inner failure undoes only the inner work.
    ///     let _ = tx.transaction(|tx| -> assay::Result<()> {
    ///         tx.execute("INSERT INTO t VALUES (2)", &[])?;
    ///         tx.execute("INSERT INTO t VALUES ('not a number')", &[])?;
    ///         Ok(())
    ///     });
    ///     Ok(())
    /// });
    /// outcome?;
    /// let n: i64 = conn.query_one("SELECT count(*) FROM t", &[])?.get(0)?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn transaction<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<Error>,
    {
        let mut scope = Scope::enter(self)?;
        let tx = Transaction {
            conn: self,
            savepoint: scope.savepoint.clone(),
        };
        match f(&tx) {
            Ok(value) => {
                scope.finish()?;
                Ok(value)
            }
            Err(e) => {
                scope.abort();
                Err(e)
            }
        }
    }
}

/// An open transaction or savepoint that rolls back unless finished.
struct Scope<'c> {
    conn: &'c Connection,
    savepoint: Option<String>,
    done: bool,
}

impl<'c> Scope<'c> {
    fn enter(conn: &'c Connection) -> Result<Scope<'c>> {
        let savepoint = if conn.in_transaction() {
            let depth = conn.nesting.get() + 1;
            let name = format!("assay_tx_{depth}");
            conn.control(&format!("SAVEPOINT {name}"))?;
            conn.nesting.set(depth);
            Some(name)
        } else {
            conn.control("BEGIN")?;
            None
        };
        Ok(Scope {
            conn,
            savepoint,
            done: false,
        })
    }

    fn finish(&mut self) -> Result<()> {
        self.done = true;
        let conn = self.conn;
        let status = conn.transaction_status();
        match &self.savepoint {
            Some(name) if status == 'E' => {
                conn.control(&format!("ROLLBACK TO SAVEPOINT {name}"))?;
                conn.control(&format!("RELEASE SAVEPOINT {name}"))?;
                Err(err!(
                    SqlState::IN_FAILED_SQL_TRANSACTION,
                    "the savepoint was rolled back because a statement after it failed"
                ))
            }
            Some(name) => conn.control(&format!("RELEASE SAVEPOINT {name}")),
            None => match status {
                'I' => Err(err!(
                    SqlState::INVALID_TRANSACTION_STATE,
                    "the transaction was ended inside its closure"
                )),
                'E' => {
                    conn.control("ROLLBACK")?;
                    Err(failed_block())
                }
                _ => conn.control("COMMIT"),
            },
        }
    }

    /// Rolls back; errors are dropped since the caller reports its own.
    fn abort(&mut self) {
        self.done = true;
        let conn = self.conn;
        match &self.savepoint {
            Some(name) => {
                let _ = conn.control(&format!("ROLLBACK TO SAVEPOINT {name}"));
                let _ = conn.control(&format!("RELEASE SAVEPOINT {name}"));
            }
            None if conn.in_transaction() => {
                let _ = conn.control("ROLLBACK");
            }
            None => {}
        }
    }
}

impl Drop for Scope<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.abort();
        }
        if self.savepoint.is_some() {
            self.conn.nesting.set(self.conn.nesting.get() - 1);
        }
    }
}
