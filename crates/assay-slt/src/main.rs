//! `assay-slt FILE...`: runs sqllogictest files in-process, each on a fresh
//! in-memory database, and prints a line per file and `TOTAL passed/total`.
//!
//! `--json PATH` also writes the per-file figures; `--verbose` prints the
//! first failures of each file.

use std::sync::Arc;
use std::time::Instant;

use assay_slt::{run_file, FileResult, Target};
use assay_sql::session::{Engine, Session};
use assay_sql::types::{Settings, Value};

struct Assay {
    session: Session,
    _engine: Arc<Engine>,
}

impl Target for Assay {
    fn run(&mut self, sql: &str) -> Result<Option<Vec<Vec<Value>>>, String> {
        match self.session.execute(sql) {
            Ok(mut results) => Ok(results.pop().filter(|r| r.returns_rows).map(|r| r.rows)),
            Err(e) => {
                // A failed statement must not leave the session in a block.
                if self.session.transaction_status() != 'I' {
                    let _ = self.session.execute("ROLLBACK");
                }
                Err(e.to_string())
            }
        }
    }

    fn settings(&self) -> Settings {
        self.session.settings.types.clone()
    }
}

fn main() {
    let mut files = Vec::new();
    let mut json = None;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = args.next(),
            "--verbose" => verbose = true,
            _ => files.push(arg),
        }
    }
    if files.is_empty() {
        eprintln!("usage: assay-slt [--verbose] [--json PATH] FILE...");
        std::process::exit(2);
    }
    let (mut passed, mut total) = (0, 0);
    let mut report = Vec::new();
    for path in &files {
        let start = Instant::now();
        let result = match std::fs::read_to_string(path) {
            Ok(text) => match Engine::open_memory() {
                Ok(engine) => {
                    let mut target = Assay {
                        session: engine.session(),
                        _engine: engine,
                    };
                    run_file(&text, &mut target)
                }
                Err(e) => failed_file(e.to_string()),
            },
            Err(e) => failed_file(e.to_string()),
        };
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{path}: {} ok, {} failed, {} skipped ({secs:.1}s)",
            result.passed, result.failed, result.skipped
        );
        if verbose {
            for (line, sql, why) in &result.first_failures {
                println!("   line {line}: {}\n      {why}", sql.replace('\n', " "));
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
        first_failures: vec![(0, String::new(), why)],
        ..FileResult::default()
    }
}
