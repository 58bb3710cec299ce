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

use assay_storage::pager::SavepointId;
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
            queried: false,
        })
    }

    fn keeps_snapshot(&self) -> bool {
        matches!(
            self.isolation,
            IsolationLevel::RepeatableRead | IsolationLevel::Serializable
        )
    }

    /// Called before each statement: under READ COMMITTED, a block that has
    /// not written moves to the latest snapshot (and, if the statement will
    /// write, takes the write lock first).
    pub fn prepare_statement(&mut self, writes: bool) -> Result<()> {
        if self.txn.is_writing() {
            return Ok(());
        }
        if !self.keeps_snapshot() || !self.explicit {
            let pager = self.txn.pager().clone();
            let mode = match (self.read_only, writes) {
                (true, _) => TxnMode::ReadOnly,
                (false, true) => TxnMode::Immediate,
                (false, false) => TxnMode::Deferred,
            };
            if self.txn.snapshot().frame != pager.last_commit() || writes {
                let fresh = pager.begin(mode)?;
                self.txn = fresh;
                // Savepoints of a block that has not written hold nothing;
                // recreate them on the new transaction.
                for entry in &mut self.savepoints {
                    entry.1 = self.txn.savepoint();
                }
            }
        } else if writes {
            self.txn.upgrade()?;
        }
        Ok(())
    }
}
