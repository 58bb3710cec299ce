//! The `assay` command.
//!
//! - `assay check PATH`: runs the storage integrity check on a database file.

use std::process::ExitCode;

use assay_storage::vfs::OsVfs;
use assay_storage::{integrity_check, Pager, PagerOptions};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("check") if args.len() == 2 => check(&args[1]),
        _ => {
            eprintln!("usage: assay check PATH");
            ExitCode::from(2)
        }
    }
}

/// `assay check PATH`: prints the integrity report; exit 1 if anything is wrong.
fn check(path: &str) -> ExitCode {
    let options = PagerOptions {
        create: false,
        ..PagerOptions::default()
    };
    let report = Pager::open(&OsVfs, path, options).and_then(|pager| integrity_check(&pager));
    match report {
        Ok(report) if report.is_ok() => {
            println!(
                "ok: {} pages, {} trees, {} entries, {} free pages, {} WAL frames",
                report.pages, report.trees, report.entries, report.free_pages, report.wal_frames
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            for problem in &report.problems {
                println!("{problem}");
            }
            println!("{} problems found", report.problems.len());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("assay: {e}");
            ExitCode::from(1)
        }
    }
}
