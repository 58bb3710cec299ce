//! The `assay` command.
//!
//! - `assay shell [PATH] [-c SQL] [-f FILE]`: the SQL shell on an embedded
//!   database (`assay.db` in the current directory by default; `:memory:`
//!   for an in-memory one).
//! - `assay serve [--data DIR] [--listen ADDR] [--auth POLICY] [--tls-cert
//!   FILE --tls-key FILE [--tls-required]] [--max-connections N]`: the
//!   PostgreSQL wire server (databases are files in DIR, default
//!   `./assay-data`; ADDR defaults to 127.0.0.1:5432; see `SERVE_HELP`).
//! - `assay check PATH`: runs the storage integrity check on a database file.

use std::process::ExitCode;

use assay_cli::shell::Shell;
use assay_sql::session::Engine;
use assay_storage::vfs::OsVfs;
use assay_storage::{integrity_check, Pager, PagerOptions};

const USAGE: &str = "usage:
  assay shell [PATH] [-c SQL] [-f FILE]   SQL shell (PATH defaults to ./assay.db; :memory: for in-memory)
  assay serve [--data DIR] [--listen ADDR] [options]
                                          PostgreSQL wire server (DIR defaults to ./assay-data, ADDR to 127.0.0.1:5432)
  assay check PATH                        integrity check of a database file
serve options:
  --auth password|scram|trust   who must give a password (default password: roles with a
                                password authenticate with SCRAM-SHA-256, or md5 when stored
                                as md5; roles without one are trusted on loopback only;
                                scram: as password, md5-stored passwords refused;
                                trust: no passwords asked)
  --tls-cert FILE --tls-key FILE
                                PEM certificate chain and private key: clients may use TLS
                                (sslmode=require)
  --tls-required                refuse connections without TLS
  --max-connections N           concurrent clients allowed (default 100)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("shell") => shell(&args[1..]),
        Some("check") if args.len() == 2 => check(&args[1]),
        Some("serve") => serve(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn shell(args: &[String]) -> ExitCode {
    let mut path = None;
    let mut commands: Vec<(bool, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-c" | "-f" if i + 1 < args.len() => {
                commands.push((args[i] == "-f", args[i + 1].clone()));
                i += 2;
            }
            other if path.is_none() && !other.starts_with('-') => {
                path = Some(other.to_string());
                i += 1;
            }
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let path = path.unwrap_or_else(|| "assay.db".into());
    let engine = if path == ":memory:" {
        Engine::open_memory()
    } else {
        Engine::open(&OsVfs, &path, PagerOptions::default())
    };
    let engine = match engine {
        Ok(e) => e,
        Err(e) => {
            eprintln!("assay: {e}");
            return ExitCode::from(1);
        }
    };
    let name = std::path::Path::new(&path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "assay".into());
    let mut shell = Shell::new(engine.session(), name);
    let stdout = std::io::stdout();
    let result = if commands.is_empty() {
        shell.interactive()
    } else {
        let mut out = stdout.lock();
        commands.iter().try_for_each(|(file, arg)| {
            if *file {
                match std::fs::read_to_string(arg) {
                    Ok(text) => shell.run_script(&text, &mut out),
                    Err(e) => {
                        eprintln!("assay: {arg}: {e}");
                        shell.had_error = true;
                        Ok(())
                    }
                }
            } else if arg.trim_start().starts_with('\\') {
                shell.run_script(arg, &mut out)
            } else {
                shell.run_sql(arg, &mut out)
            }
        })
    };
    if let Err(e) = result {
        eprintln!("assay: {e}");
        return ExitCode::from(1);
    }
    if shell.had_error && !commands.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `assay serve`: runs the wire server until Ctrl-C or SIGTERM.
fn serve(args: &[String]) -> ExitCode {
    let mut data = std::path::PathBuf::from("assay-data");
    let mut listen: std::net::SocketAddr = ([127, 0, 0, 1], 5432).into();
    let mut config = assay_server::Config::new(data.clone(), listen);
    let (mut cert, mut key) = (None, None);
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--tls-required" {
            config.tls_required = true;
            i += 1;
            continue;
        }
        match (args[i].as_str(), args.get(i + 1)) {
            ("--data", Some(dir)) => data = dir.into(),
            ("--auth", Some(policy)) => match policy.parse() {
                Ok(p) => config.auth = p,
                Err(e) => {
                    eprintln!("assay: --auth: {e}");
                    return ExitCode::from(2);
                }
            },
            ("--tls-cert", Some(file)) => cert = Some(std::path::PathBuf::from(file)),
            ("--tls-key", Some(file)) => key = Some(std::path::PathBuf::from(file)),
            ("--max-connections", Some(n)) => match n.parse::<usize>() {
                Ok(n) if n > 0 => config.max_connections = n,
                _ => {
                    eprintln!("assay: --max-connections {n}: not a positive number");
                    return ExitCode::from(2);
                }
            },
            ("--listen", Some(addr)) => match addr.parse() {
                Ok(a) => listen = a,
                Err(e) => {
                    eprintln!("assay: --listen {addr}: {e}");
                    return ExitCode::from(2);
                }
            },
            _ => {
                eprintln!("{USAGE}");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    match (cert, key) {
        (Some(cert), Some(key)) => config.tls = Some(assay_server::TlsFiles { cert, key }),
        (None, None) if config.tls_required => {
            eprintln!("assay: --tls-required needs --tls-cert and --tls-key");
            return ExitCode::from(2);
        }
        (None, None) => {}
        _ => {
            eprintln!("assay: --tls-cert and --tls-key go together");
            return ExitCode::from(2);
        }
    }
    config.data_dir = data.clone();
    config.listen = listen;
    if let Err(e) = std::fs::create_dir_all(&data) {
        eprintln!("assay: {}: {e}", data.display());
        return ExitCode::from(1);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("assay: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async move {
        let shutdown = async {
            #[cfg(unix)]
            {
                use tokio::signal::unix::{signal, SignalKind};
                match signal(SignalKind::terminate()) {
                    Ok(mut term) => {
                        tokio::select! {
                            _ = tokio::signal::ctrl_c() => {}
                            _ = term.recv() => {}
                        }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        };
        eprintln!("assay: listening on {listen}");
        assay_server::serve(config, shutdown).await
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("assay: {e}");
            ExitCode::from(1)
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
