//! `assay-bench`: runs the same workload on Assay and on its peer in one
//! process, one after the other, and prints `workload assay_ms peer_ms ratio`
//! per line and a last line `worst ratio X` (ratio = Assay's time divided by
//! the peer's, so lower is better and ≤ 1.0 meets the target).
//!
//! Usage: `assay-bench storage [--rows N]` (assay-storage's B+tree against
//! SQLite) and `assay-bench sql [--rows N] [--only WORKLOAD]` (the SQL engine against
//! SQLite; `--only` keeps the workloads whose names contain WORKLOAD, and
//! `--only memory` measures only memory during scans).

mod report;
mod sql;
mod storage;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = flag(&args, "--rows").unwrap_or(1_000_000);
    let result = match args.first().map(String::as_str) {
        Some("storage") => storage::run(rows),
        Some("sql") => sql::run(rows, text_flag(&args, "--only")),
        _ => {
            eprintln!("usage: assay-bench storage|sql [--rows N] [--only WORKLOAD]");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("{e}");
        std::process::exit(1);
    }
}

fn flag(args: &[String], name: &str) -> Option<usize> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1)?.replace('_', "").parse().ok()
}

fn text_flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let at = args.iter().position(|a| a == name)?;
    args.get(at + 1).map(String::as_str)
}
