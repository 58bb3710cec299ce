//! Transaction characteristics: `SET TRANSACTION`, `SET SESSION
//! CHARACTERISTICS AS TRANSACTION`, the `default_transaction_*` parameters
//! a `BEGIN` without modes takes, and read-only enforcement.
//!
//! The isolation level may change only before a block's first query, as in
//! PostgreSQL; READ ONLY may be set at any time, READ WRITE only before the
//! first query of a read-only block and never inside a savepoint of one.
//! Each savepoint keeps the mode it was made in, and its RELEASE or ROLLBACK
//! TO brings that mode back (PostgreSQL's subtransactions do). A statement
//! that writes in a read-only block fails with 25006 naming the command,
//! before touching storage, unless all it writes is temporary tables.

use assay_storage::{err, Result, SqlState};

use super::txn::Block;
use super::{Notice, Session, StatementResult};
use crate::ast::{IsolationLevel, ObjectName, Statement, TransactionModes};

impl Session {
    pub(super) fn set_transaction(
        &mut self,
        session: bool,
        modes: &TransactionModes,
    ) -> Result<StatementResult> {
        let in_block = self.block.as_ref().is_some_and(|b| b.explicit);
        if session {
            if let Some(level) = modes.isolation {
                let text = isolation_text(level);
                self.settings
                    .set("default_transaction_isolation", Some(text), false, in_block)?;
            }
            if let Some(ro) = modes.read_only {
                let text = if ro { "on" } else { "off" };
                self.settings
                    .set("default_transaction_read_only", Some(text), false, in_block)?;
            }
            if let Some(d) = modes.deferrable {
                let text = if d { "on" } else { "off" };
                self.settings.set(
                    "default_transaction_deferrable",
                    Some(text),
                    false,
                    in_block,
                )?;
            }
            return Ok(StatementResult::command("SET"));
        }
        let Some(block) = self.block.as_mut().filter(|b| b.explicit) else {
            self.notice(Notice::warning(
                SqlState::NO_ACTIVE_SQL_TRANSACTION,
                "SET TRANSACTION can only be used in transaction blocks",
            ));
            return Ok(StatementResult::command("SET"));
        };
        if let Some(level) = modes.isolation {
            if level != block.isolation {
                if !block.savepoints.is_empty() {
                    return Err(err!(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "SET TRANSACTION ISOLATION LEVEL must not be called in a subtransaction"
                    ));
                }
                if block.queried {
                    return Err(err!(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "SET TRANSACTION ISOLATION LEVEL must be called before any query"
                    ));
                }
            }
            block.isolation = level;
        }
        if let Some(ro) = modes.read_only {
            if !ro && block.read_only {
                if !block.savepoints.is_empty() {
                    return Err(err!(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "cannot set transaction read-write mode inside a read-only transaction"
                    ));
                }
                if block.queried {
                    return Err(err!(
                        SqlState::ACTIVE_SQL_TRANSACTION,
                        "transaction read-write mode must be set before any query"
                    ));
                }
            }
            block.read_only = ro;
        }
        self.show_block_modes()?;
        Ok(StatementResult::command("SET"))
    }

    /// `transaction_isolation` and `transaction_read_only` as the open
    /// block has them (undone when it ends, like `SET LOCAL`).
    pub(super) fn show_block_modes(&mut self) -> Result<()> {
        let Some(block) = self.block.as_ref() else {
            return Ok(());
        };
        let (level, ro) = (isolation_text(block.isolation), block.read_only);
        self.settings
            .set("transaction_isolation", Some(level), true, true)?;
        let ro = if ro { "on" } else { "off" };
        self.settings
            .set("transaction_read_only", Some(ro), true, true)
    }

    /// The modes a `BEGIN` gets where it names none.
    pub(super) fn default_modes(&self) -> (IsolationLevel, bool) {
        let level = match self
            .settings
            .show("default_transaction_isolation")
            .unwrap_or_default()
            .as_str()
        {
            "serializable" => IsolationLevel::Serializable,
            "repeatable read" => IsolationLevel::RepeatableRead,
            "read uncommitted" => IsolationLevel::ReadUncommitted,
            _ => IsolationLevel::ReadCommitted,
        };
        let ro = self
            .settings
            .show("default_transaction_read_only")
            .is_ok_and(|v| v == "on");
        (level, ro)
    }
}

fn isolation_text(level: IsolationLevel) -> &'static str {
    match level {
        IsolationLevel::ReadUncommitted => "read uncommitted",
        IsolationLevel::ReadCommitted => "read committed",
        IsolationLevel::RepeatableRead => "repeatable read",
        IsolationLevel::Serializable => "serializable",
    }
}

/// Fails a writing statement in a read-only block, naming the command as
/// PostgreSQL does (`cannot execute INSERT in a read-only transaction`).
pub(super) fn check_read_only(block: &Block, stmt: &Statement) -> Result<()> {
    check_read_only_with(block.read_only, stmt, |_| false)
}

/// [`check_read_only`] where `is_temp` says whether a DML target names a
/// temporary table, which a read-only transaction may still write.
pub(super) fn check_read_only_with(
    read_only: bool,
    stmt: &Statement,
    is_temp: impl Fn(&ObjectName) -> bool,
) -> Result<()> {
    if !read_only {
        return Ok(());
    }
    let name = match stmt {
        Statement::Query(_) | Statement::Explain { .. } | Statement::Show(_) => return Ok(()),
        Statement::Insert(i) if is_temp(&i.table) => return Ok(()),
        Statement::Update(u) if is_temp(&u.table) => return Ok(()),
        Statement::Delete(d) if is_temp(&d.table) => return Ok(()),
        Statement::Insert(_) => "INSERT".to_string(),
        Statement::Update(_) => "UPDATE".to_string(),
        Statement::Delete(_) => "DELETE".to_string(),
        Statement::CreateTableAs(_) => "CREATE TABLE AS".to_string(),
        other => {
            let text = other.to_string();
            let words: Vec<&str> = text
                .split_whitespace()
                .filter(|w| {
                    !matches!(
                        *w,
                        "TEMPORARY" | "TEMP" | "UNIQUE" | "OR" | "REPLACE" | "UNLOGGED"
                    )
                })
                .collect();
            let n = match words.first() {
                Some(&("CREATE" | "DROP" | "ALTER" | "COMMENT")) => 2,
                _ => 1,
            };
            words[..n.min(words.len())].join(" ")
        }
    };
    Err(err!(
        SqlState::new(b"25006"),
        "cannot execute {name} in a read-only transaction"
    ))
}
