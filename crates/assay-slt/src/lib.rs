//! assay-slt: runs SQLite-style sqllogictest files in-process.
//!
//! [`record::parse`] reads a file into records, [`check::matches`] compares
//! a query's rows with its expectation exactly as the reference scorer does,
//! and [`run_file`] drives a [`Target`] (a fresh database per file) through
//! the records, counting passes, failures and skips. [`AssayTarget`] is
//! Assay's engine, on an in-memory database or on a database file in a
//! temporary directory ([`Storage`]).

pub mod check;
pub mod record;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use assay_sql::session::{Engine, Session};
use assay_sql::types::{Settings, Value};
use assay_storage::vfs::OsVfs;
use assay_storage::PagerOptions;

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

/// Where an [`AssayTarget`] keeps its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// `Engine::open_memory`.
    Memory,
    /// A database file in a fresh temporary directory, opened through the
    /// OS VFS with the default pager options; removed when the target drops.
    Disk,
}

/// Assay's engine with one session, on a fresh database.
pub struct AssayTarget {
    session: Session,
    _engine: Arc<Engine>,
    /// Roll back an open transaction after a failed statement. The
    /// conformance corpora want it (a failure must not poison the rest of a
    /// file); PostgreSQL itself keeps the transaction open and aborted, which
    /// is what the project's own suite checks.
    rollback_on_error: bool,
    // Declared last: dropped after the engine has closed the file.
    _dir: Option<TempDir>,
}

impl AssayTarget {
    pub fn open(storage: Storage, rollback_on_error: bool) -> Result<AssayTarget, String> {
        let (engine, dir) = match storage {
            Storage::Memory => (Engine::open_memory().map_err(|e| e.to_string())?, None),
            Storage::Disk => {
                let dir = TempDir::new()?;
                let path = dir.0.join("test.assay");
                let engine = Engine::open(&OsVfs, &path.to_string_lossy(), PagerOptions::default())
                    .map_err(|e| e.to_string())?;
                (engine, Some(dir))
            }
        };
        Ok(AssayTarget {
            session: engine.session(),
            _engine: engine,
            rollback_on_error,
            _dir: dir,
        })
    }
}

impl Target for AssayTarget {
    fn run(&mut self, sql: &str) -> Result<Option<Vec<Vec<Value>>>, String> {
        // A panic is a bug to report like any other failure, not the end of
        // the run.
        let outcome = catch_unwind(AssertUnwindSafe(|| self.session.execute(sql)));
        match outcome {
            Ok(Ok(mut results)) => Ok(results.pop().filter(|r| r.returns_rows).map(|r| r.rows)),
            Ok(Err(e)) => {
                if self.rollback_on_error && self.session.transaction_status() != 'I' {
                    let _ = self.session.execute("ROLLBACK");
                }
                Err(e.to_string())
            }
            Err(panic) => {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(format!("panic: {why}"))
            }
        }
    }

    fn settings(&self) -> Settings {
        self.session.settings.types.clone()
    }
}

/// A directory under the system's temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir, String> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "assay-slt-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(TempDir(path))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One record that did not behave as expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The line of the record's `statement` or `query` directive.
    pub line: usize,
    pub sql: String,
    /// What went wrong: the error, or expected and actual values.
    pub why: String,
}

/// Pass/fail figures of one file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileResult {
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Every failure, in file order.
    pub failures: Vec<Failure>,
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
                    let got = check::render(&rows, &types, sort, &settings);
                    let why = format!(
                        "expected [{}] got [{}]",
                        expected.join(" | "),
                        got.join(" ")
                    );
                    (good, line, sql, why)
                }
                Err(e) => (false, line, sql, e),
            },
        };
        if good {
            result.passed += 1;
        } else {
            result.failed += 1;
            result.failures.push(Failure { line, sql, why });
        }
    }
    result
}
