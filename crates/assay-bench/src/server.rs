//! `assay-bench server`: pgbench against `assay serve` and against a
//! PostgreSQL 15 in the same run, with the same scale, clients and
//! duration, and the ratio of their transactions per second (Assay's
//! divided by PostgreSQL's: ≥ 1.0 meets the target).
//!
//! Assay is the `assay` binary beside this one (build both with
//! `cargo build --release -p assay-cli -p assay-bench`), or `--assay PATH`,
//! serving a temporary data directory on a free loopback port. PostgreSQL
//! is reached with a libpq connection string, `--pg` or `ASSAY_BENCH_PG`
//! (default `host=/tmp/pg15 port=5433 user=postgres`); a scratch database
//! is created there and dropped at the end. Both run with their default
//! durability: a commit is flushed to disk before it is acknowledged.
//!
//! For each server: `pgbench -i -s SCALE` (timed), then for each client
//! count of `--clients` (default 1, 4 and 16) the select-only (`-S`) and
//! the TPC-B-like workloads for `--seconds` each, on `--threads` threads
//! (default: as many as clients, at most 2, the machine's cores). The
//! output is one `workload assay postgres ratio` line per run, the load
//! included (its ratio is PostgreSQL's seconds over Assay's, so it too is
//! a speed ratio), and a last line `worst ratio X`. A run with failed
//! transactions is reported as an error, never as a figure.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to run, from the command line.
pub struct Options {
    pub scale: usize,
    pub seconds: usize,
    /// One pair of runs (select-only, TPC-B-like) per client count.
    pub clients: Vec<usize>,
    /// pgbench's `-j`; `None`: as many as clients, at most 2.
    pub threads: Option<usize>,
    pub pg: String,
    pub assay: Option<PathBuf>,
}

impl Options {
    fn threads_for(&self, clients: usize) -> usize {
        self.threads
            .unwrap_or(clients.min(2))
            .clamp(1, clients.max(1))
    }
}

/// `--clients 1,4,16`: client counts, each at least 1.
pub fn parse_clients(text: &str) -> Result<Vec<usize>, String> {
    text.split(',')
        .map(|c| match c.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("--clients: {c:?} is not a client count")),
        })
        .collect()
}

/// `assay serve` on a temporary directory, stopped when dropped.
struct AssayServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl AssayServer {
    fn start(binary: &PathBuf) -> Result<AssayServer, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(binary)
            .args(["serve", "--data"])
            .arg(dir.path())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let server = AssayServer {
            child,
            port,
            _dir: dir,
        };
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(addr).is_err() {
            if Instant::now() > deadline {
                return Err("assay serve did not start listening".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    fn conninfo(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={database}",
            self.port
        )
    }
}

impl Drop for AssayServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The two workloads, by pgbench's switches.
const WORKLOADS: [(&str, &[&str]); 2] = [("select-only", &["-S"]), ("tpcb-like", &[])];

/// Figures of one server: the load's seconds, then each run's tps in
/// [`runs`] order.
struct Figures {
    init_s: f64,
    tps: Vec<f64>,
}

/// The runs' names, in the order [`measure`] makes them.
fn runs(options: &Options) -> Vec<String> {
    let mut names = Vec::new();
    for &clients in &options.clients {
        for (workload, _) in WORKLOADS {
            names.push(format!("{workload} -c {clients}"));
        }
    }
    names
}

pub fn run(options: Options) -> Result<(), String> {
    let binary = match &options.assay {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("assay"),
    };
    let database = format!("assay_bench_{}", std::process::id());
    let clients: Vec<String> = options.clients.iter().map(usize::to_string).collect();
    println!(
        "# pgbench -s {} -T {} with {} clients (-j min(clients, 2) unless --threads) \
         against assay serve ({}) and PostgreSQL ({})",
        options.scale,
        options.seconds,
        clients.join(", "),
        binary.display(),
        options.pg
    );

    let assay = AssayServer::start(&binary)?;
    psql(
        &assay.conninfo("postgres"),
        &format!("CREATE DATABASE {database}"),
    )?;
    let assay_figures = measure(&assay.conninfo(&database), &options)?;
    drop(assay);

    let pg_admin = with_dbname(&options.pg, "postgres");
    psql(&pg_admin, &format!("DROP DATABASE IF EXISTS {database}"))?;
    psql(&pg_admin, &format!("CREATE DATABASE {database}"))?;
    let pg_figures = measure(&with_dbname(&options.pg, &database), &options);
    psql(&pg_admin, &format!("DROP DATABASE IF EXISTS {database}"))?;
    let pg_figures = pg_figures?;

    println!(
        "{:<28} {:>12} {:>12} {:>7}",
        "workload", "assay_tps", "postgres_tps", "ratio"
    );
    let mut lines = vec![(
        format!("load -i -s {} (seconds)", options.scale),
        assay_figures.init_s,
        pg_figures.init_s,
        pg_figures.init_s / assay_figures.init_s.max(1e-9),
    )];
    for ((name, a), p) in runs(&options)
        .into_iter()
        .zip(&assay_figures.tps)
        .zip(&pg_figures.tps)
    {
        lines.push((name, *a, *p, a / p.max(1e-9)));
    }
    for (name, a, p, ratio) in &lines {
        println!("{name:<28} {a:>12.1} {p:>12.1} {ratio:>7.2}");
    }
    println!("# ratio: Assay's speed over PostgreSQL's (higher is better, target >= 1.0)");
    let worst = lines.iter().map(|l| l.3).fold(f64::INFINITY, f64::min);
    println!("worst ratio {worst:.2}");
    Ok(())
}

/// Initialises one server, then makes every run against it.
fn measure(conninfo: &str, options: &Options) -> Result<Figures, String> {
    let started = Instant::now();
    pgbench(conninfo, &["-i", "-q", "-s", &options.scale.to_string()])?;
    let init_s = started.elapsed().as_secs_f64();
    let mut tps_figures = Vec::new();
    for &clients in &options.clients {
        let load = [
            "-n".to_string(),
            "-c".to_string(),
            clients.to_string(),
            "-j".to_string(),
            options.threads_for(clients).to_string(),
            "-T".to_string(),
            options.seconds.to_string(),
        ];
        let load: Vec<&str> = load.iter().map(String::as_str).collect();
        for (_, switches) in WORKLOADS {
            let report = pgbench(conninfo, &[switches, &load[..]].concat())?;
            tps_figures.push(tps(&report)?);
        }
    }
    Ok(Figures {
        init_s,
        tps: tps_figures,
    })
}

/// Runs pgbench; its standard output, or an error with its output.
fn pgbench(conninfo: &str, args: &[&str]) -> Result<String, String> {
    let output = Command::new("pgbench")
        .args(args)
        .arg(conninfo)
        .output()
        .map_err(|e| format!("cannot run pgbench: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || failed_transactions(&stdout) {
        return Err(format!(
            "pgbench {} failed against {conninfo}:\n{stdout}{stderr}",
            args.join(" ")
        ));
    }
    Ok(stdout)
}

fn failed_transactions(report: &str) -> bool {
    report
        .lines()
        .find_map(|l| l.strip_prefix("number of failed transactions: "))
        .and_then(|rest| rest.split_whitespace().next())
        .is_some_and(|n| n != "0")
}

/// The `tps = …` figure of a pgbench report.
fn tps(report: &str) -> Result<f64, String> {
    report
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("no tps in pgbench's report:\n{report}"))
}

fn psql(conninfo: &str, sql: &str) -> Result<(), String> {
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql])
        .arg(conninfo)
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "psql -c {sql:?} failed against {conninfo}: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// `conninfo` with its `dbname` replaced (or added).
fn with_dbname(conninfo: &str, database: &str) -> String {
    let mut parts: Vec<String> = conninfo
        .split_whitespace()
        .filter(|p| !p.starts_with("dbname="))
        .map(str::to_string)
        .collect();
    parts.push(format!("dbname={database}"));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pgbench_reports() {
        let report = "number of failed transactions: 0 (0.000%)\n\
                      latency average = 3.5 ms\n\
                      tps = 2255.195389 (without initial connection time)\n";
        assert_eq!(tps(report).unwrap(), 2255.195389);
        assert!(!failed_transactions(report));
        assert!(failed_transactions(
            "number of failed transactions: 3 (0.100%)\n"
        ));
        assert!(tps("no figures").is_err());
        assert_eq!(parse_clients("1, 4,16").unwrap(), vec![1, 4, 16]);
        assert!(parse_clients("1,0").is_err());
        assert!(parse_clients("x").is_err());
        assert_eq!(
            with_dbname("host=/tmp/pg15 port=5433 dbname=x user=postgres", "y"),
            "host=/tmp/pg15 port=5433 user=postgres dbname=y"
        );
    }
}
