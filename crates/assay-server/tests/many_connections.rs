//! Two hundred clients at once: each connection is an OS thread owning its
//! session, so 200 open connections are 200 threads. All of them query and
//! write concurrently (writers queue for the one write lock within the busy
//! timeout, none fails), the process keeps a bounded footprint, and the
//! threads go away with their clients.
//!
//! The server's connection limit (100 by default, as PostgreSQL's
//! `max_connections`) is raised for this test: it checks concurrency, not
//! the limit.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestServer;
use tokio::sync::Barrier;
use tokio_postgres::NoTls;

const CLIENTS: usize = 200;

/// Threads of this process (the server runs in it).
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, |d| d.count())
}

/// Resident memory of this process in KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_connections() {
    if !std::path::Path::new("/proc/self/task").exists() {
        eprintln!("SKIPPED: no /proc to count threads");
        return;
    }
    // The setup connection and the clients, with room to spare.
    let server = TestServer::start_with(|c| c.max_connections = CLIENTS + 10);
    let conninfo = server.conninfo("postgres");
    let (setup, connection) = tokio_postgres::connect(&conninfo, NoTls).await.unwrap();
    tokio::spawn(connection);
    setup
        .batch_execute("CREATE TABLE hits (client int PRIMARY KEY, n int8, note text)")
        .await
        .unwrap();
    let baseline_threads = threads();
    let baseline_rss = rss_kib();

    let all_open = Arc::new(Barrier::new(CLIENTS + 1));
    let may_close = Arc::new(Barrier::new(CLIENTS + 1));
    let mut tasks = Vec::new();
    for id in 0..CLIENTS {
        let conninfo = conninfo.clone();
        let all_open = all_open.clone();
        let may_close = may_close.clone();
        tasks.push(tokio::spawn(async move {
            let connected = tokio_postgres::connect(&conninfo, NoTls).await;
            // Wait for the others even on failure, so a refused client
            // fails the test instead of holding the barrier forever.
            all_open.wait().await;
            let (client, connection) = connected?;
            let driver = tokio::spawn(connection);
            let id = id as i32;
            let row = client
                .query_one("SELECT $1::int4 * 2, version()", &[&id])
                .await?;
            assert_eq!(row.get::<_, i32>(0), id * 2);
            client
                .execute(
                    "INSERT INTO hits VALUES ($1, $2, $3)",
                    &[&id, &i64::from(id), &format!("client {id}")],
                )
                .await?;
            // A read-then-write transaction, as READ COMMITTED allows.
            let mut client = client;
            let txn = client.transaction().await?;
            let seen: i64 = txn
                .query_one("SELECT count(*) FROM hits", &[])
                .await?
                .get(0);
            assert!(seen >= 1);
            txn.execute(
                "UPDATE hits SET n = n + $2 WHERE client = $1",
                &[&id, &seen],
            )
            .await?;
            txn.commit().await?;
            let note: String = client
                .query_one("SELECT note FROM hits WHERE client = $1", &[&id])
                .await?
                .get(0);
            assert_eq!(note, format!("client {id}"));
            may_close.wait().await;
            drop(client);
            let _ = driver.await;
            Ok::<_, tokio_postgres::Error>(())
        }));
    }
    // A client that fails never reaches the second barrier: time out
    // rather than wait for it forever.
    let limit = Duration::from_secs(120);
    tokio::time::timeout(limit, all_open.wait())
        .await
        .expect("clients did not all connect");
    let open_threads = threads();
    // One thread per connection (the setup client's included).
    assert!(
        open_threads >= baseline_threads + CLIENTS,
        "{open_threads} threads with {CLIENTS} connections open (baseline {baseline_threads})"
    );
    if tokio::time::timeout(limit, may_close.wait()).await.is_err() {
        for task in tasks {
            if task.is_finished() {
                task.await.unwrap().unwrap();
            }
        }
        panic!("clients did not all finish their work");
    }
    let grown_kib = rss_kib().saturating_sub(baseline_rss);
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    eprintln!(
        "{CLIENTS} connections: {open_threads} threads (baseline {baseline_threads}), \
         resident memory +{grown_kib} KiB"
    );
    // A connection costs a thread's stack and its session, well under
    // 4 MiB each.
    assert!(
        grown_kib < (CLIENTS as u64) * 4096,
        "resident memory grew by {grown_kib} KiB for {CLIENTS} connections"
    );
    let row = setup
        .query_one("SELECT count(*), sum(client) FROM hits", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), CLIENTS as i64);
    let want: i64 = (0..CLIENTS as i64).sum();
    assert_eq!(row.get::<_, i64>(1), want);

    // The connections' threads end with their clients.
    let deadline = Instant::now() + Duration::from_secs(60);
    while threads() > baseline_threads + 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        threads() <= baseline_threads + 2,
        "{} threads left after the clients closed (baseline {baseline_threads})",
        threads()
    );
}
