//! `assay-slt FILE...`: runs sqllogictest files in-process, each on a fresh
//! in-memory database, and prints a line per file and `TOTAL passed/total`.
//!
//! `--json PATH` also writes the per-file figures; `--verbose` prints the
//! first failures of each file (`--all-failures`: every failure).
//! `--disk` runs each file on a database file in a temporary directory
//! instead. `--keep-aborted` leaves a transaction aborted by an error open,
//! as PostgreSQL does (by default the harness rolls it back, which the
//! conformance corpora want); the project's suite in `tests/sql` needs it.

use std::time::Instant;

use assay_slt::{run_file, AssayTarget, Failure, FileResult, Storage};

fn main() {
    let mut files = Vec::new();
    let mut json = None;
    let mut verbose = false;
    let mut all_failures = false;
    let mut storage = Storage::Memory;
    let mut rollback_on_error = true;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = args.next(),
            "--verbose" => verbose = true,
            "--all-failures" => {
                verbose = true;
                all_failures = true;
            }
            "--disk" => storage = Storage::Disk,
            "--keep-aborted" => rollback_on_error = false,
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!(
            "usage: assay-slt [--disk] [--keep-aborted] [--verbose|--all-failures] [--json PATH] FILE..."
        );
        std::process::exit(2);
    }
    let (mut passed, mut total) = (0, 0);
    let mut report = Vec::new();
    for path in &files {
        let start = Instant::now();
        let result = match std::fs::read_to_string(path) {
            Ok(text) => match AssayTarget::open(storage, rollback_on_error) {
                Ok(mut target) => run_file(&text, &mut target),
                Err(e) => failed_file(e),
            },
            Err(e) => failed_file(e.to_string()),
        };
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{path}: {} ok, {} failed, {} skipped ({secs:.1}s)",
            result.passed, result.failed, result.skipped
        );
        if verbose {
            let shown = if all_failures { usize::MAX } else { 5 };
            for f in result.failures.iter().take(shown) {
                println!(
                    "   line {}: {}\n      {}",
                    f.line,
                    f.sql.replace('\n', " "),
                    f.why
                );
            }
        }
        passed += result.passed;
        total += result.passed + result.failed;
        report.push((path.clone(), result));
    }
    let pct = if total > 0 {
        100.0 * passed as f64 / total as f64
    } else {
        0.0
    };
    println!("TOTAL {passed}/{total} records passed ({pct:.2}%)");
    if let Some(path) = json {
        let files: Vec<String> = report
            .iter()
            .map(|(p, r)| {
                format!(
                    "  \"{}\": {{\"ok\": {}, \"fail\": {}, \"skipped\": {}}}",
                    p, r.passed, r.failed, r.skipped
                )
            })
            .collect();
        let text = format!(
            "{{\"files\": {{\n{}\n}}, \"passed\": {passed}, \"total\": {total}}}\n",
            files.join(",\n")
        );
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("{path}: {e}");
        }
    }
}

fn failed_file(why: String) -> FileResult {
    FileResult {
        failed: 1,
        failures: vec![Failure {
            line: 0,
            sql: String::new(),
            why,
        }],
        ..FileResult::default()
    }
}
