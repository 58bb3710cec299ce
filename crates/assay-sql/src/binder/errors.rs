//! SQLSTATEs the binder raises that `assay_storage` does not name yet, and
//! small constructors for PostgreSQL's recurring binder errors.

use assay_storage::{err, Error, SqlState};

use crate::ast::Pos;

pub const UNDEFINED_COLUMN: SqlState = SqlState::new(b"42703");
pub const AMBIGUOUS_COLUMN: SqlState = SqlState::new(b"42702");
pub const GROUPING_ERROR: SqlState = SqlState::new(b"42803");
pub const INVALID_COLUMN_REFERENCE: SqlState = SqlState::new(b"42P10");
pub const WINDOWING_ERROR: SqlState = SqlState::new(b"42P20");
pub const WRONG_OBJECT_TYPE: SqlState = SqlState::new(b"42809");
pub const DUPLICATE_ALIAS: SqlState = SqlState::new(b"42712");
pub const UNDEFINED_PARAMETER: SqlState = SqlState::new(b"42P02");
pub const AMBIGUOUS_FUNCTION: SqlState = SqlState::new(b"42725");
pub const DUPLICATE_COLUMN: SqlState = SqlState::new(b"42701");

/// Attaches a position to an error that has none yet.
pub fn at(e: Error, pos: Option<u32>) -> Error {
    match pos {
        Some(p) if e.position().is_none() => e.with_position(p),
        _ => e,
    }
}

/// An error at an AST position.
pub fn error_at(code: SqlState, message: String, pos: Pos) -> Error {
    at(Error::new(code, message), pos.get())
}

pub fn not_boolean(construct: &str, found: &crate::types::DataType, pos: Option<u32>) -> Error {
    at(
        err!(
            SqlState::DATATYPE_MISMATCH,
            "argument of {} must be type boolean, not type {}",
            construct,
            found
        ),
        pos,
    )
}

pub fn unsupported(what: &str) -> Error {
    err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "{} is not supported yet",
        what
    )
}
