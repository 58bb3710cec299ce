//! LISTEN / NOTIFY and advisory locks over the wire: notifications reach
//! an idle listener through tokio-postgres's message stream without it
//! sending anything, psql prints them, and a client that goes away
//! releases its advisory locks.

mod common;

use std::time::Duration;

use common::{connect, pid, psql, run_psql, TestServer};
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, Client, NoTls};

/// Bounds every wait here, so a bug fails the test instead of hanging it.
const GUARD: Duration = Duration::from_secs(20);

/// A connection whose notifications come out of the returned channel as
/// (pid, channel, payload).
async fn listener(server: &TestServer) -> (Client, mpsc::UnboundedReceiver<(i32, String, String)>) {
    let (client, mut connection) = tokio_postgres::connect(&server.conninfo("postgres"), NoTls)
        .await
        .unwrap();
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
            if let Ok(AsyncMessage::Notification(n)) = message {
                let note = (
                    n.process_id(),
                    n.channel().to_string(),
                    n.payload().to_string(),
                );
                if tx.send(note).is_err() {
                    break;
                }
            }
        }
    });
    (client, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<(i32, String, String)>) -> (i32, String, String) {
    tokio::time::timeout(GUARD, rx.recv())
        .await
        .expect("no notification arrived")
        .expect("the listener's connection ended")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_listener_receives_notifications() {
    let server = TestServer::start();
    let (listening, mut notes) = listener(&server).await;
    listening.batch_execute("LISTEN jobs").await.unwrap();
    let sender = connect(&server).await;
    let sender_pid = pid(&sender).await;

    // The listener sends nothing from here on.
    sender.batch_execute("NOTIFY jobs, 'hello'").await.unwrap();
    assert_eq!(
        next(&mut notes).await,
        (sender_pid, "jobs".into(), "hello".into())
    );

    // A transaction's notifications wait for its commit: 'held' is sent
    // first but arrives after 'direct', committed in between.
    sender
        .batch_execute("BEGIN; SELECT pg_notify('jobs', 'held')")
        .await
        .unwrap();
    let other = connect(&server).await;
    let other_pid = pid(&other).await;
    other
        .execute("SELECT pg_notify('jobs', $1)", &[&"direct"])
        .await
        .unwrap();
    sender
        .batch_execute("NOTIFY jobs, 'dropped'; ROLLBACK")
        .await
        .unwrap();
    sender
        .batch_execute("BEGIN; NOTIFY jobs, 'held'; NOTIFY elsewhere; COMMIT")
        .await
        .unwrap();
    assert_eq!(
        next(&mut notes).await,
        (other_pid, "jobs".into(), "direct".into())
    );
    assert_eq!(
        next(&mut notes).await,
        (sender_pid, "jobs".into(), "held".into())
    );

    // The listener's own notifications come back to it.
    let own = pid(&listening).await;
    listening
        .batch_execute("NOTIFY jobs, 'mine'")
        .await
        .unwrap();
    assert_eq!(next(&mut notes).await, (own, "jobs".into(), "mine".into()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_goes_away_releases_its_advisory_locks() {
    let server = TestServer::start();
    let holder = connect(&server).await;
    holder
        .batch_execute("SELECT pg_advisory_lock(5); BEGIN; SELECT pg_advisory_xact_lock(6)")
        .await
        .unwrap();
    let other = connect(&server).await;
    let held: bool = other
        .query_one("SELECT pg_try_advisory_lock(5)", &[])
        .await
        .unwrap()
        .get(0);
    assert!(!held);
    other
        .batch_execute("SET lock_timeout = '50ms'")
        .await
        .unwrap();
    let e = other
        .batch_execute("SELECT pg_advisory_lock(6)")
        .await
        .unwrap_err();
    assert_eq!(e.code().unwrap().code(), "55P03");
    drop(holder);
    // The holder's session ends on its own thread: wait for it.
    let freed = async {
        loop {
            let got: bool = other
                .query_one(
                    "SELECT pg_try_advisory_lock(5) AND pg_try_advisory_lock(6)",
                    &[],
                )
                .await
                .unwrap()
                .get(0);
            if got {
                break;
            }
            other
                .batch_execute("SELECT pg_advisory_unlock_all()")
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(GUARD, freed)
        .await
        .expect("locks not released");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn psql_prints_asynchronous_notifications() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    // Its own notification, printed after the command that sent it.
    let port = server.port;
    let (out, err, ok) = tokio::task::spawn_blocking({
        let psql = psql.clone();
        move || run_psql(&psql, port, &["-c", "LISTEN x", "-c", "NOTIFY x, 'hi'"])
    })
    .await
    .unwrap();
    assert!(ok, "{err}");
    assert!(
        out.contains("Asynchronous notification \"x\" with payload \"hi\" received from server process with PID"),
        "{out}"
    );

    // Another session's notification, sent while psql waits for a lock.
    let holder = connect(&server).await;
    holder
        .batch_execute("SELECT pg_advisory_lock(1)")
        .await
        .unwrap();
    let run = tokio::task::spawn_blocking(move || {
        run_psql(
            &psql,
            port,
            &[
                "-c",
                "LISTEN y",
                "-c",
                "SELECT pg_advisory_lock(1)",
                "-c",
                "SELECT 1",
            ],
        )
    });
    let waiting = async {
        loop {
            let n: i64 = holder
                .query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[])
                .await
                .unwrap()
                .get(0);
            if n > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    tokio::time::timeout(GUARD, waiting)
        .await
        .expect("psql never waited");
    let holder_pid = pid(&holder).await;
    holder
        .batch_execute("NOTIFY y, 'from afar'; SELECT pg_advisory_unlock(1)")
        .await
        .unwrap();
    let (out, err, ok) = run.await.unwrap();
    assert!(ok, "{err}");
    let line = format!(
        "Asynchronous notification \"y\" with payload \"from afar\" received from server process with PID {holder_pid}."
    );
    assert!(out.contains(&line), "{out}");
}
