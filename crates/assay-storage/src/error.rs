//! Assay's one error type: a PostgreSQL-style error with a SQLSTATE.
//!
//! Every layer of Assay (storage, SQL, the embedded API, the server) reports
//! failures with [`Error`]. It carries what PostgreSQL's `ErrorResponse`
//! carries: a five-character SQLSTATE, a primary message, and optionally a
//! detail, a hint and a cursor position into the statement text. It is defined
//! here, at the bottom of the crate graph, so that a storage failure travels
//! to a psql client without being translated on the way.
//!
//! Errors are built with the [`err!`](crate::err) macro:
//!
//! ```
//! use assay_storage::{err, Error, SqlState};
//! let e: Error = err!(SqlState::DATA_CORRUPTED, "page {} has a bad checksum", 7);
//! assert_eq!(e.code(), SqlState::DATA_CORRUPTED);
//! ```

use std::fmt;

/// Result type used throughout Assay.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A SQLSTATE code: five ASCII characters, as PostgreSQL defines them.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SqlState([u8; 5]);

impl SqlState {
    /// Builds a code from its five characters.
    pub const fn new(code: &[u8; 5]) -> SqlState {
        SqlState(*code)
    }

    /// The code as text, e.g. `"23505"`.
    pub fn as_str(&self) -> &str {
        // Codes are built only from ASCII literals.
        std::str::from_utf8(&self.0).unwrap_or("XX000")
    }

    // Class 08 and 0A
    pub const CONNECTION_FAILURE: SqlState = SqlState::new(b"08006");
    pub const PROTOCOL_VIOLATION: SqlState = SqlState::new(b"08P01");
    pub const FEATURE_NOT_SUPPORTED: SqlState = SqlState::new(b"0A000");
    // Class 22: data exception
    pub const DATA_EXCEPTION: SqlState = SqlState::new(b"22000");
    pub const STRING_DATA_RIGHT_TRUNCATION: SqlState = SqlState::new(b"22001");
    pub const NUMERIC_VALUE_OUT_OF_RANGE: SqlState = SqlState::new(b"22003");
    pub const NULL_VALUE_NOT_ALLOWED: SqlState = SqlState::new(b"22004");
    pub const DATETIME_FIELD_OVERFLOW: SqlState = SqlState::new(b"22008");
    pub const INVALID_TIME_ZONE_DISPLACEMENT_VALUE: SqlState = SqlState::new(b"22009");
    pub const DIVISION_BY_ZERO: SqlState = SqlState::new(b"22012");
    pub const SUBSTRING_ERROR: SqlState = SqlState::new(b"22011");
    pub const INVALID_ESCAPE_CHARACTER: SqlState = SqlState::new(b"22019");
    pub const INVALID_REGULAR_EXPRESSION: SqlState = SqlState::new(b"2201B");
    pub const INVALID_ARGUMENT_FOR_LOG: SqlState = SqlState::new(b"2201E");
    pub const INVALID_ARGUMENT_FOR_POWER: SqlState = SqlState::new(b"2201F");
    pub const INVALID_ARGUMENT_FOR_WIDTH_BUCKET: SqlState = SqlState::new(b"2201G");
    pub const ARRAY_SUBSCRIPT_ERROR: SqlState = SqlState::new(b"2202E");
    pub const INVALID_ESCAPE_SEQUENCE: SqlState = SqlState::new(b"22025");
    pub const INVALID_ARGUMENT_FOR_NTILE: SqlState = SqlState::new(b"22014");
    pub const INVALID_ARGUMENT_FOR_NTH_VALUE: SqlState = SqlState::new(b"22016");
    pub const INTERVAL_FIELD_OVERFLOW: SqlState = SqlState::new(b"22015");
    pub const UNTRANSLATABLE_CHARACTER: SqlState = SqlState::new(b"22P05");
    pub const INVALID_PARAMETER_VALUE: SqlState = SqlState::new(b"22023");
    pub const INVALID_TEXT_REPRESENTATION: SqlState = SqlState::new(b"22P02");
    pub const INVALID_DATETIME_FORMAT: SqlState = SqlState::new(b"22007");
    pub const SEQUENCE_GENERATOR_LIMIT_EXCEEDED: SqlState = SqlState::new(b"2200H");
    // Class 23: integrity constraint violation
    pub const NOT_NULL_VIOLATION: SqlState = SqlState::new(b"23502");
    pub const FOREIGN_KEY_VIOLATION: SqlState = SqlState::new(b"23503");
    pub const UNIQUE_VIOLATION: SqlState = SqlState::new(b"23505");
    pub const CHECK_VIOLATION: SqlState = SqlState::new(b"23514");
    // Class 2B and 3F
    pub const DEPENDENT_OBJECTS_STILL_EXIST: SqlState = SqlState::new(b"2BP01");
    pub const INVALID_SCHEMA_NAME: SqlState = SqlState::new(b"3F000");
    // Class 25: invalid transaction state
    pub const INVALID_TRANSACTION_STATE: SqlState = SqlState::new(b"25000");
    pub const ACTIVE_SQL_TRANSACTION: SqlState = SqlState::new(b"25001");
    pub const READ_ONLY_SQL_TRANSACTION: SqlState = SqlState::new(b"25006");
    pub const NO_ACTIVE_SQL_TRANSACTION: SqlState = SqlState::new(b"25P01");
    pub const IN_FAILED_SQL_TRANSACTION: SqlState = SqlState::new(b"25P02");
    // Class 40: transaction rollback
    pub const SERIALIZATION_FAILURE: SqlState = SqlState::new(b"40001");
    // Class 42: syntax error or access rule violation
    pub const SYNTAX_ERROR: SqlState = SqlState::new(b"42601");
    pub const UNDEFINED_FUNCTION: SqlState = SqlState::new(b"42883");
    pub const AMBIGUOUS_FUNCTION: SqlState = SqlState::new(b"42725");
    pub const DATATYPE_MISMATCH: SqlState = SqlState::new(b"42804");
    pub const CANNOT_COERCE: SqlState = SqlState::new(b"42846");
    pub const UNDEFINED_PARAMETER: SqlState = SqlState::new(b"42P02");
    pub const UNDEFINED_TABLE: SqlState = SqlState::new(b"42P01");
    pub const UNDEFINED_OBJECT: SqlState = SqlState::new(b"42704");
    pub const DUPLICATE_OBJECT: SqlState = SqlState::new(b"42710");
    pub const DUPLICATE_TABLE: SqlState = SqlState::new(b"42P07");
    pub const DUPLICATE_SCHEMA: SqlState = SqlState::new(b"42P06");
    pub const DUPLICATE_COLUMN: SqlState = SqlState::new(b"42701");
    pub const UNDEFINED_COLUMN: SqlState = SqlState::new(b"42703");
    pub const WRONG_OBJECT_TYPE: SqlState = SqlState::new(b"42809");
    pub const INVALID_TABLE_DEFINITION: SqlState = SqlState::new(b"42P16");
    // Class 53 and 54: resources and limits
    pub const DISK_FULL: SqlState = SqlState::new(b"53100");
    pub const OUT_OF_MEMORY: SqlState = SqlState::new(b"53200");
    pub const PROGRAM_LIMIT_EXCEEDED: SqlState = SqlState::new(b"54000");
    pub const STATEMENT_TOO_COMPLEX: SqlState = SqlState::new(b"54001");
    // Class 55: object not in prerequisite state
    pub const CANT_CHANGE_RUNTIME_PARAM: SqlState = SqlState::new(b"55P02");
    pub const OBJECT_NOT_IN_PREREQUISITE_STATE: SqlState = SqlState::new(b"55000");
    pub const OBJECT_IN_USE: SqlState = SqlState::new(b"55006");
    pub const LOCK_NOT_AVAILABLE: SqlState = SqlState::new(b"55P03");
    // Class 57 and 58: operator intervention, system errors
    pub const QUERY_CANCELED: SqlState = SqlState::new(b"57014");
    pub const IO_ERROR: SqlState = SqlState::new(b"58030");
    pub const UNDEFINED_FILE: SqlState = SqlState::new(b"58P01");
    // Class XX: internal error
    pub const INTERNAL_ERROR: SqlState = SqlState::new(b"XX000");
    pub const DATA_CORRUPTED: SqlState = SqlState::new(b"XX001");
    pub const INDEX_CORRUPTED: SqlState = SqlState::new(b"XX002");
}

impl fmt::Debug for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for SqlState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A PostgreSQL-style error. Boxed inside so that `Result<T>` stays small.
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    code: SqlState,
    message: String,
    detail: Option<String>,
    hint: Option<String>,
    position: Option<u32>,
    /// PostgreSQL's CONTEXT line (the `W` field), e.g. `JSON data, line 1: …`.
    where_: Option<String>,
}

impl Error {
    /// An error with a SQLSTATE and a primary message.
    pub fn new(code: SqlState, message: impl Into<String>) -> Error {
        Error(Box::new(Inner {
            code,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            where_: None,
        }))
    }

    /// Adds a DETAIL line.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Error {
        self.0.detail = Some(detail.into());
        self
    }

    /// Adds a HINT line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.0.hint = Some(hint.into());
        self
    }

    /// Sets the 1-based character position in the statement text.
    pub fn with_position(mut self, position: u32) -> Error {
        self.0.position = Some(position);
        self
    }

    /// Sets the CONTEXT line: where in the input the error arose.
    pub fn with_where(mut self, context: impl Into<String>) -> Error {
        self.0.where_ = Some(context.into());
        self
    }

    pub fn where_(&self) -> Option<&str> {
        self.0.where_.as_deref()
    }

    pub fn code(&self) -> SqlState {
        self.0.code
    }

    pub fn message(&self) -> &str {
        &self.0.message
    }

    pub fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }

    pub fn hint(&self) -> Option<&str> {
        self.0.hint.as_deref()
    }

    pub fn position(&self) -> Option<u32> {
        self.0.position
    }

    /// Prefixes the message with where the error happened, as PostgreSQL's
    /// `could not read block 7 in file "…": …` messages do.
    pub fn context(mut self, what: impl fmt::Display) -> Error {
        self.0.message = format!("{what}: {}", self.0.message);
        self
    }
}

impl fmt::Display for Error {
    /// Formats as psql prints an error: `ERROR:  message` plus DETAIL/HINT.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ERROR:  {}", self.0.message)?;
        if let Some(detail) = &self.0.detail {
            write!(f, "\nDETAIL:  {detail}")?;
        }
        if let Some(hint) = &self.0.hint {
            write!(f, "\nHINT:  {hint}")?;
        }
        if let Some(context) = &self.0.where_ {
            write!(f, "\nCONTEXT:  {context}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]", self, self.0.code)
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        // ENOSPC and EDQUOT are PostgreSQL's disk_full; the rest is io_error.
        let code = match e.raw_os_error() {
            Some(28) | Some(122) => SqlState::DISK_FULL,
            _ if e.kind() == std::io::ErrorKind::StorageFull => SqlState::DISK_FULL,
            _ if e.kind() == std::io::ErrorKind::NotFound => SqlState::UNDEFINED_FILE,
            _ => SqlState::IO_ERROR,
        };
        Error::new(code, e.to_string())
    }
}

/// Builds an [`Error`] from a SQLSTATE and a format string.
#[macro_export]
macro_rules! err {
    ($code:expr, $($arg:tt)+) => {
        $crate::Error::new($code, format!($($arg)+))
    };
}

/// Returns early with an [`Error`] built like [`err!`](crate::err).
#[macro_export]
macro_rules! bail {
    ($code:expr, $($arg:tt)+) => {
        return Err($crate::err!($code, $($arg)+))
    };
}

/// Reports damaged on-disk data (SQLSTATE XX001, `data_corrupted`).
#[macro_export]
macro_rules! corrupt {
    ($($arg:tt)+) => {
        $crate::err!($crate::SqlState::DATA_CORRUPTED, $($arg)+)
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_as_psql_prints() {
        let e = err!(SqlState::UNIQUE_VIOLATION, "duplicate key value")
            .with_detail("Key (id)=(1) already exists.");
        assert_eq!(
            e.to_string(),
            "ERROR:  duplicate key value\nDETAIL:  Key (id)=(1) already exists."
        );
        assert_eq!(e.code().as_str(), "23505");
    }

    #[test]
    fn no_space_is_disk_full() {
        let io = std::io::Error::from_raw_os_error(28);
        assert_eq!(Error::from(io).code(), SqlState::DISK_FULL);
    }
}
