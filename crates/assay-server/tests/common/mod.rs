//! A server on a free loopback port, run in-process on its own runtime.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use std::thread::JoinHandle;

use assay_server::{Config, Server};
use tokio::sync::oneshot;

pub struct TestServer {
    pub port: u16,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// A server whose configuration `adjust` changes first (TLS, limits,
    /// authentication policy).
    pub fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(
            dir.path().to_path_buf(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
        );
        adjust(&mut config);
        let (stop, stopped) = oneshot::channel::<()>();
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let server = Server::bind(config).await.unwrap();
                port_tx.send(server.local_addr().unwrap().port()).unwrap();
                server
                    .run(async {
                        let _ = stopped.await;
                    })
                    .await
                    .unwrap();
            });
        });
        let port = port_rx.recv().unwrap();
        TestServer {
            port,
            dir,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    pub fn conninfo(&self, database: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname={database}",
            self.port
        )
    }

    /// Stops the server and waits for it to finish.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The psql binary, if one is installed.
pub fn psql() -> Option<String> {
    let candidates = ["/usr/lib/postgresql/15/bin/psql", "/usr/bin/psql"];
    let found = candidates.iter().find(|p| Path::new(p).exists());
    if found.is_none() {
        eprintln!("SKIPPED: psql is not installed");
    }
    found.map(|p| p.to_string())
}

/// Runs psql with `args` against the server; returns (stdout, stderr, ok).
pub fn run_psql(psql: &str, port: u16, args: &[&str]) -> (String, String, bool) {
    let output = Command::new(psql)
        .args([
            "-X",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-U",
            "postgres",
        ])
        .args(args)
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGPASSWORD")
        .env_remove("PGDATABASE")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

/// A tokio-postgres client of `database` as `postgres`, its connection
/// driven on the current runtime.
pub async fn connect_to(server: &TestServer, database: &str) -> tokio_postgres::Client {
    let (client, connection) =
        tokio_postgres::connect(&server.conninfo(database), tokio_postgres::NoTls)
            .await
            .unwrap();
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// A client of the `postgres` database (see [`connect_to`]).
pub async fn connect(server: &TestServer) -> tokio_postgres::Client {
    connect_to(server, "postgres").await
}

/// A self-signed certificate and key in a temporary directory (kept alive
/// by the returned `TempDir`), as the server's TLS files; `None` (the test
/// skips, saying so) without the `openssl` command.
pub fn tls_files() -> Option<(tempfile::TempDir, assay_server::TlsFiles)> {
    let dir = tempfile::tempdir().unwrap();
    let (cert, key) = self_signed(dir.path())?;
    Some((dir, assay_server::TlsFiles { cert, key }))
}

/// A self-signed certificate and key made with the openssl command.
pub fn self_signed(dir: &Path) -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let (cert, key) = (dir.join("server.crt"), dir.join("server.key"));
    let made = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "1", "-subj", "/CN=localhost", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output();
    match made {
        Ok(out) if out.status.success() => Some((cert, key)),
        _ => {
            eprintln!("SKIPPED: the openssl command is not available");
            None
        }
    }
}

/// The server process id of `client`'s session.
pub async fn pid(client: &tokio_postgres::Client) -> i32 {
    client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0)
}
