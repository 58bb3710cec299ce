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
//! is created there and dropped at the end.
//!
//! For each server: `pgbench -i -s SCALE` (timed), then the select-only
//! (`-S`) and the TPC-B-like workloads for `--seconds` each with
//! `--clients` clients on `--threads` threads. A run with failed
//! transactions is reported as an error, never as a figure.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// What to run, from the command line.
pub struct Options {
    pub scale: usize,
    pub seconds: usize,
    pub clients: usize,
    pub threads: usize,
    pub pg: String,
    pub assay: Option<PathBuf>,
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

/// Figures of one server.
struct Figures {
    init_s: f64,
    select_tps: f64,
    tpcb_tps: f64,
}

pub fn run(options: Options) -> Result<(), String> {
    let binary = match &options.assay {
        Some(p) => p.clone(),
        None => std::env::current_exe()
            .map_err(|e| e.to_string())?
            .with_file_name("assay"),
    };
    let database = format!("assay_bench_{}", std::process::id());
    println!(
        "# pgbench -s {} -c {} -j {} -T {} against assay serve ({}) and PostgreSQL ({})",
        options.scale,
        options.clients,
        options.threads,
        options.seconds,
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
        "workload", "assay", "postgres", "ratio"
    );
    let lines = [
        (
            "pgbench -i (seconds)",
            assay_figures.init_s,
            pg_figures.init_s,
            pg_figures.init_s / assay_figures.init_s.max(1e-9),
        ),
        (
            "select-only -S (tps)",
            assay_figures.select_tps,
            pg_figures.select_tps,
            assay_figures.select_tps / pg_figures.select_tps.max(1e-9),
        ),
        (
            "TPC-B-like (tps)",
            assay_figures.tpcb_tps,
            pg_figures.tpcb_tps,
            assay_figures.tpcb_tps / pg_figures.tpcb_tps.max(1e-9),
        ),
    ];
    for (name, a, p, ratio) in lines {
        println!("{name:<28} {a:>12.1} {p:>12.1} {ratio:>7.2}");
    }
    println!("# ratio: Assay's speed over PostgreSQL's (higher is better, target >= 1.0)");
    Ok(())
}

/// Initialises and runs both workloads against one server.
fn measure(conninfo: &str, options: &Options) -> Result<Figures, String> {
    let started = Instant::now();
    pgbench(conninfo, &["-i", "-q", "-s", &options.scale.to_string()])?;
    let init_s = started.elapsed().as_secs_f64();
    let load = [
        "-c".to_string(),
        options.clients.to_string(),
        "-j".to_string(),
        options.threads.to_string(),
        "-T".to_string(),
        options.seconds.to_string(),
    ];
    let load: Vec<&str> = load.iter().map(String::as_str).collect();
    let select_tps = tps(&pgbench(conninfo, &[&["-n", "-S"], &load[..]].concat())?)?;
    let tpcb_tps = tps(&pgbench(conninfo, &load)?)?;
    Ok(Figures {
        init_s,
        select_tps,
        tpcb_tps,
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
        assert_eq!(
            with_dbname("host=/tmp/pg15 port=5433 dbname=x user=postgres", "y"),
            "host=/tmp/pg15 port=5433 user=postgres dbname=y"
        );
    }
}
