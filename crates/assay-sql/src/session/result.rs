//! What running a statement gives back.

use crate::plan::Field;
use crate::types::{DataType, Value};
use assay_storage::SqlState;

/// A NOTICE or WARNING raised while running a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// `NOTICE`, `WARNING`, …
    pub severity: &'static str,
    pub code: SqlState,
    pub message: String,
}

impl Notice {
    pub fn warning(code: SqlState, message: impl Into<String>) -> Notice {
        Notice {
            severity: "WARNING",
            code,
            message: message.into(),
        }
    }

    pub fn info(message: impl Into<String>) -> Notice {
        Notice {
            severity: "NOTICE",
            code: SqlState::new(b"00000"),
            message: message.into(),
        }
    }
}

/// The outcome of one statement: rows (for queries and RETURNING), the
/// command tag PostgreSQL would send (`SELECT 2`, `INSERT 0 1`, `BEGIN`),
/// and any notices.
#[derive(Clone, Debug, Default)]
pub struct StatementResult {
    /// Result columns; empty for statements that return no rows.
    pub columns: Vec<Field>,
    pub rows: Vec<Vec<Value>>,
    pub tag: String,
    pub notices: Vec<Notice>,
    /// Whether the statement returns rows (a query, or DML with RETURNING),
    /// even if it returned none.
    pub returns_rows: bool,
}

impl StatementResult {
    /// A statement that returns only a command tag.
    pub fn command(tag: impl Into<String>) -> StatementResult {
        StatementResult {
            tag: tag.into(),
            ..StatementResult::default()
        }
    }

    /// Rows affected, as the tag's last number says (`INSERT 0 3` → 3).
    pub fn rows_affected(&self) -> u64 {
        self.tag
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    }
}

/// What a statement takes and returns, known before it runs: its
/// parameters' types (`$1` first) and its result columns (empty for a
/// statement that returns no rows).
#[derive(Clone, Debug, Default)]
pub struct Description {
    pub params: Vec<DataType>,
    pub columns: Vec<Field>,
}
