//! Transaction blocks: BEGIN, COMMIT, ROLLBACK, savepoints, failure.
//!
//! Outside a block every statement runs in its own transaction, committed
//! when it succeeds and rolled back when it fails. `BEGIN` opens a block;
//! inside it an error puts the block in the *failed* state, where every
//! statement but `ROLLBACK` (or `COMMIT`, which then rolls back) and
//! `ROLLBACK TO SAVEPOINT` fails with 25P02, as in PostgreSQL.
//!
//! Isolation. Storage gives each transaction a snapshot and one writer at a
//! time. Under READ COMMITTED (PostgreSQL's default) a block that has not
//! written yet takes a fresh snapshot before each statement, and the first
//! statement that writes starts by taking the write lock with a fresh
//! snapshot; from then on no one else can commit, so every later statement
//! sees the latest data anyway. Under REPEATABLE READ and SERIALIZABLE the
//! block keeps its first snapshot, and a write after another transaction's
//! commit fails with 40001, as PostgreSQL's would on a conflicting row.

use assay_storage::pager::{SavepointId, WriterWait};
use assay_storage::{Pager, Result, Transaction, TxnMode};

use crate::ast::IsolationLevel;

/// The transaction a session is in.
pub struct Block {
    pub txn: Transaction,
    /// BEGIN was given (false: the implicit transaction of one statement).
    pub explicit: bool,
    /// An error happened inside the block.
    pub failed: bool,
    pub isolation: IsolationLevel,
    pub read_only: bool,
    /// SAVEPOINT names and their storage savepoints, innermost last.
    pub savepoints: Vec<(String, SavepointId)>,
    /// Beside each savepoint, whether the block was read-only when it was
    /// made: RELEASE and ROLLBACK TO bring that back.
    pub savepoint_read_only: Vec<bool>,
    /// A statement has run in the block (the isolation level is fixed).
    pub queried: bool,
}

impl Block {
    pub fn begin(
        pager: &std::sync::Arc<Pager>,
        explicit: bool,
        isolation: IsolationLevel,
        read_only: bool,
    ) -> Result<Block> {
        let mode = if read_only {
            TxnMode::ReadOnly
        } else {
            TxnMode::Deferred
        };
        Ok(Block {
            txn: pager.begin(mode)?,
            explicit,
            failed: false,
            isolation,
            read_only,
            savepoints: Vec::new(),
            savepoint_read_only: Vec::new(),
            queried: false,
        })
    }

    /// Ends the savepoints from `depth` on, with the read-only mode the
    /// block had when savepoint `depth` was made.
    pub fn restore_read_only(&mut self, depth: usize) {
        if let Some(&ro) = self.savepoint_read_only.get(depth) {
            self.read_only = ro;
        }
        self.savepoint_read_only.truncate(depth);
    }

    fn keeps_snapshot(&self) -> bool {
        matches!(
            self.isolation,
            IsolationLevel::RepeatableRead | IsolationLevel::Serializable
        )
    }

    /// Called before each statement: under READ COMMITTED, a block that has
    /// not written moves to the latest snapshot (and, if the statement will
    /// write, takes the write lock first, waiting on `wait`'s terms).
    pub fn prepare_statement(&mut self, writes: bool, wait: &WriterWait<'_>) -> Result<()> {
        if self.txn.is_writing() {
            return Ok(());
        }
        if !self.keeps_snapshot() || !self.explicit {
            let pager = self.txn.pager().clone();
            let mode = match (self.read_only, writes) {
                // A read-only block writes only temporary tables (the
                // session refused any other write before this).
                (_, true) => TxnMode::Immediate,
                (true, false) => TxnMode::ReadOnly,
                (false, false) => TxnMode::Deferred,
            };
            if self.txn.snapshot().frame != pager.last_commit() || writes {
                let fresh = pager.begin_waiting(mode, wait)?;
                self.txn = fresh;
                // Savepoints of a block that has not written hold nothing;
                // recreate them on the new transaction.
                for entry in &mut self.savepoints {
                    entry.1 = self.txn.savepoint();
                }
            }
        } else if writes {
            self.txn.upgrade_waiting(wait)?;
        }
        Ok(())
    }
}
