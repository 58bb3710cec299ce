//! assay-slt: runs SQLite-style sqllogictest files in-process.
//!
//! [`record::parse`] reads a file into records, [`check::matches`] compares
//! a query's rows with its expectation exactly as the reference scorer does,
//! and [`run_file`] drives a [`Target`] (a fresh database per file) through
//! the records, counting passes, failures and skips.

pub mod check;
pub mod record;

use assay_sql::types::{Settings, Value};

use record::Record;

/// Something that runs SQL: Assay's engine in-process, in the binary.
pub trait Target {
    /// Runs one statement; returns its rows if it was a query.
    fn run(&mut self, sql: &str) -> Result<Option<Vec<Vec<Value>>>, String>;
    /// The settings values are printed with.
    fn settings(&self) -> Settings {
        Settings::default()
    }
}

/// Pass/fail figures of one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// (line, SQL, what went wrong) of the first failures.
    pub first_failures: Vec<(usize, String, String)>,
}

/// Runs every record of `text` against `target`.
pub fn run_file(text: &str, target: &mut dyn Target) -> FileResult {
    let mut result = FileResult::default();
    let settings = target.settings();
    for record in record::parse(text) {
        let (good, line, sql, why) = match record {
            // Expected results over the threshold are already written as a
            // hash, which `check::matches` recognises.
            Record::HashThreshold(_) => continue,
            Record::Statement { run: false, .. } | Record::Query { run: false, .. } => {
                result.skipped += 1;
                continue;
            }
            Record::Statement { ok, sql, line, .. } => match target.run(&sql) {
                Ok(_) => (ok, line, sql, "statement succeeded".to_string()),
                Err(e) => (!ok, line, sql, e),
            },
            Record::Query {
                types,
                sort,
                sql,
                expected,
                line,
                ..
            } => match target.run(&sql) {
                Ok(rows) => {
                    let rows = rows.unwrap_or_default();
                    let good = check::matches(&rows, &types, sort, &expected, &settings);
                    (good, line, sql, format!("{} rows differ", rows.len()))
                }
                Err(e) => (false, line, sql, e),
            },
        };
        if good {
            result.passed += 1;
        } else {
            result.failed += 1;
            if result.first_failures.len() < 5 {
                result
                    .first_failures
                    .push((line, sql.chars().take(200).collect(), why));
            }
        }
    }
    result
}
