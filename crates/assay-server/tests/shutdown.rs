//! Stopping the server: open transactions roll back, committed ones stay,
//! and every database is checkpointed, so its file stands without its log.

mod common;

use assay_sql::session::Engine;
use assay_storage::vfs::OsVfs;
use assay_storage::PagerOptions;
use common::{connect, TestServer};
use tokio_postgres::NoTls;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_rolls_back_open_transactions_and_checkpoints() {
    let mut server = TestServer::start();
    let (client, connection) = tokio_postgres::connect(&server.conninfo("postgres"), NoTls)
        .await
        .unwrap();
    let driver = tokio::spawn(connection);
    client
        .batch_execute("CREATE TABLE kept (n int); INSERT INTO kept SELECT generate_series(1, 500)")
        .await
        .unwrap();
    client
        .batch_execute("BEGIN; INSERT INTO kept VALUES (-1)")
        .await
        .unwrap();
    let file = server.dir.path().join("postgres.assay");
    let wal = server.dir.path().join("postgres.assay-wal");
    assert!(
        std::fs::metadata(&wal).unwrap().len() > 0,
        "commits went to the log"
    );

    server = tokio::task::spawn_blocking(move || {
        server.stop();
        server
    })
    .await
    .unwrap();
    // The server closed the connection of the open transaction.
    let _ = driver.await;
    assert!(client.is_closed());

    // Checkpointed: the database file holds every commit without its log.
    std::fs::remove_file(&wal).unwrap();
    let engine = Engine::open(
        &OsVfs,
        file.to_str().unwrap(),
        PagerOptions {
            create: false,
            ..PagerOptions::default()
        },
    )
    .unwrap();
    let rows = engine
        .session()
        .execute("SELECT count(*), min(n) FROM kept")
        .unwrap()
        .pop()
        .unwrap()
        .rows;
    assert_eq!(format!("{:?}", rows[0]), "[Int8(500), Int4(1)]");
    drop(server);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_in_transaction_timeout_ends_the_session_and_rolls_back() {
    let server = TestServer::start();
    let idle = connect(&server).await;
    idle.batch_execute(
        "CREATE TABLE t (n int); SET idle_in_transaction_session_timeout = '300ms'; \
         BEGIN; INSERT INTO t VALUES (1)",
    )
    .await
    .unwrap();
    // Outside a block the timeout does not apply.
    let patient = connect(&server).await;
    patient
        .batch_execute("SET idle_in_transaction_session_timeout = '300ms'")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    let e = idle.simple_query("SELECT 1").await.unwrap_err();
    assert!(idle.is_closed(), "{e}");
    let rows = patient
        .query_one("SELECT count(*) FROM t", &[])
        .await
        .unwrap();
    assert_eq!(rows.get::<_, i64>(0), 0, "the idle transaction rolled back");
}
