//! `assay-bench`: runs the same workload on Assay and on its peer in one
//! process, one after the other, and prints `workload assay_ms peer_ms ratio`
//! per line and a last line `worst ratio X` (ratio = Assay's time divided by
//! the peer's, so lower is better and ≤ 1.0 meets the target).
//!
//! Usage: `assay-bench storage [--rows N]` (assay-storage's B+tree against
//! SQLite) and `assay-bench sql [--rows N] [--only WORKLOAD]` (the SQL engine against
//! SQLite; `--only` keeps the workloads whose names contain WORKLOAD, and
//! `--only memory` measures only memory during scans).
//!
//! `assay-bench server [--scale N] [--seconds S] [--clients 1,4,16]
//! [--threads J] [--pg CONNINFO] [--assay PATH]` runs pgbench against
//! `assay serve` and a PostgreSQL 15 and prints both servers' transactions
//! per second (see [`server`]).

mod report;
mod server;
mod sql;
mod storage;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rows = flag(&args, "--rows").unwrap_or(1_000_000);
    let result = match args.first().map(String::as_str) {
        Some("storage") => storage::run(rows, text_flag(&args, "--only")),
        Some("sql") => sql::run(rows, text_flag(&args, "--only")),
        Some("server") => server::parse_clients(text_flag(&args, "--clients").unwrap_or("1,4,16"))
            .and_then(|clients| {
                server::run(server::Options {
                    scale: flag(&args, "--scale").unwrap_or(10),
                    seconds: flag(&args, "--seconds").unwrap_or(30),
                    clients,
                    threads: flag(&args, "--threads"),
                    pg: text_flag(&args, "--pg")
                        .map(str::to_string)
                        .or_else(|| std::env::var("ASSAY_BENCH_PG").ok())
                        .unwrap_or_else(|| "host=/tmp/pg15 port=5433 user=postgres".into()),
                    assay: text_flag(&args, "--assay").map(std::path::PathBuf::from),
                })
            }),
        _ => {
            eprintln!(
                "usage: assay-bench storage|sql [--rows N] [--only WORKLOAD]\n       \
                 assay-bench server [--scale N] [--seconds S] [--clients 1,4,16] [--threads J] \
                 [--pg CONNINFO] [--assay PATH]"
            );
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
