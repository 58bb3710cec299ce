//! The COPY sub-protocol, cancel requests and statement_timeout, with
//! tokio-postgres (copy_in, copy_out, binary copy, cancel tokens) and psql
//! (`\copy`).

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use bytes::Bytes;
use common::{connect, psql, run_psql, TestServer};
use futures_util::{pin_mut, SinkExt, StreamExt};
use tokio_postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutStream};
use tokio_postgres::error::SqlState;
use tokio_postgres::types::Type;
use tokio_postgres::{Client, NoTls};

/// A bare protocol connection to `postgres`, startup message sent, for
/// clients that misbehave in ways drivers cannot.
fn raw_session(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut startup = Vec::new();
    startup.extend_from_slice(&196608i32.to_be_bytes());
    startup.extend_from_slice(b"user\0postgres\0database\0postgres\0\0");
    let mut packet = ((startup.len() + 4) as i32).to_be_bytes().to_vec();
    packet.extend_from_slice(&startup);
    s.write_all(&packet).unwrap();
    s
}

async fn count(client: &Client, table: &str) -> i64 {
    client
        .query_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap()
        .get(0)
}

async fn copy_out_text(client: &Client, sql: &str) -> String {
    let stream = client.copy_out(sql).await.unwrap();
    pin_mut!(stream);
    let mut out = Vec::new();
    while let Some(chunk) = stream.next().await {
        out.extend_from_slice(&chunk.unwrap());
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn copy_in_and_out_text_and_csv() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("CREATE TABLE t (a int PRIMARY KEY, b text, c int DEFAULT 7)")
        .await
        .unwrap();
    let sink = client.copy_in("COPY t (a, b) FROM STDIN").await.unwrap();
    pin_mut!(sink);
    // Rows split across CopyData messages anywhere.
    for piece in ["1\tone\n2\tt", "wo\n3\t\\N\n", "4\tfour"] {
        sink.send(Bytes::from(piece)).await.unwrap();
    }
    assert_eq!(sink.finish().await.unwrap(), 4);
    assert_eq!(
        copy_out_text(&client, "COPY t TO STDOUT").await,
        "1\tone\t7\n2\ttwo\t7\n3\t\\N\t7\n4\tfour\t7\n"
    );
    assert_eq!(
        copy_out_text(
            &client,
            "COPY (SELECT a, b FROM t WHERE a < 3) TO STDOUT (FORMAT csv, HEADER)"
        )
        .await,
        "a,b\n1,one\n2,two\n"
    );

    // A bad row fails the whole COPY with its context; nothing stays.
    let sink = client.copy_in("COPY t (a, b) FROM STDIN").await.unwrap();
    pin_mut!(sink);
    sink.send(Bytes::from("10\tok\nx\tbad\n")).await.unwrap();
    let e = sink.finish().await.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code(), &SqlState::INVALID_TEXT_REPRESENTATION);
    assert_eq!(db.where_(), Some("COPY t, line 2, column a: \"x\""));
    assert_eq!(count(&client, "t").await, 4);

    // The client aborting (CopyFail) rolls back too.
    {
        let sink = client
            .copy_in::<_, Bytes>("COPY t (a, b) FROM STDIN")
            .await
            .unwrap();
        pin_mut!(sink);
        sink.send(Bytes::from("20\tx\n")).await.unwrap();
    }
    assert_eq!(count(&client, "t").await, 4);
    client.simple_query("SELECT 1").await.unwrap();
}

#[tokio::test]
async fn binary_copy_round_trip() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("CREATE TABLE b (i int4, t text, f float8, n int8)")
        .await
        .unwrap();
    let types = [Type::INT4, Type::TEXT, Type::FLOAT8, Type::INT8];
    let sink = client
        .copy_in("COPY b FROM STDIN (FORMAT binary)")
        .await
        .unwrap();
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    for i in 0..2000i32 {
        let text = format!("row {i}");
        let n: Option<i64> = if i % 3 == 0 {
            None
        } else {
            Some(i64::from(i) << 33)
        };
        writer
            .as_mut()
            .write(&[&i, &text, &(f64::from(i) / 4.0), &n])
            .await
            .unwrap();
    }
    assert_eq!(writer.finish().await.unwrap(), 2000);

    let stream = client
        .copy_out("COPY b TO STDOUT (FORMAT binary)")
        .await
        .unwrap();
    let rows = BinaryCopyOutStream::new(stream, &types);
    pin_mut!(rows);
    let mut seen = 0i32;
    while let Some(row) = rows.next().await {
        let row = row.unwrap_or_else(|e| panic!("row {seen}: {e:?}"));
        let i: i32 = row.get(0);
        let t: &str = row.get(1);
        let f: f64 = row.get(2);
        let n: Option<i64> = row.get(3);
        assert_eq!(t, format!("row {i}"));
        assert_eq!(f, f64::from(i) / 4.0);
        assert_eq!(n.is_none(), i % 3 == 0);
        seen += 1;
    }
    assert_eq!(seen, 2000);
}

#[tokio::test]
async fn cancel_request_stops_a_running_statement() {
    let server = TestServer::start();
    let client = connect(&server).await;
    let token = client.cancel_token();
    let query = tokio::spawn(async move {
        let e = client
            .simple_query("SELECT pg_sleep(60)")
            .await
            .unwrap_err();
        let code = e.as_db_error().unwrap().code().clone();
        let message = e.as_db_error().unwrap().message().to_string();
        // The session is usable afterwards.
        client.simple_query("SELECT 1").await.unwrap();
        (code, message)
    });
    // Cancel until the statement is seen to stop: a cancel that arrives
    // before the statement starts is, as in PostgreSQL, forgotten.
    let (code, message) = loop {
        tokio::time::sleep(Duration::from_millis(50)).await;
        token.cancel_query(NoTls).await.unwrap();
        if query.is_finished() {
            break query.await.unwrap();
        }
    };
    assert_eq!(code, SqlState::QUERY_CANCELED);
    assert_eq!(message, "canceling statement due to user request");
}

#[tokio::test]
async fn statement_timeout_cancels() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("SET statement_timeout = '100ms'")
        .await
        .unwrap();
    let e = client.query("SELECT pg_sleep(30)", &[]).await.unwrap_err();
    let db = e.as_db_error().unwrap();
    assert_eq!(db.code(), &SqlState::QUERY_CANCELED);
    assert_eq!(db.message(), "canceling statement due to statement timeout");
    client
        .batch_execute("SET statement_timeout = 0")
        .await
        .unwrap();
    client.query("SELECT pg_sleep(0.01)", &[]).await.unwrap();
}

/// A raw frontend message: type byte, length, body.
fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![kind];
    m.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    m.extend_from_slice(body);
    m
}

#[tokio::test]
async fn client_vanishing_mid_statement_stops_it() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("CREATE TABLE w (a int)")
        .await
        .unwrap();
    let port = server.port;
    tokio::task::spawn_blocking(move || {
        let mut s = raw_session(port);
        // Holds the write lock, then sleeps for ten minutes.
        let sql = b"BEGIN; INSERT INTO w VALUES (1); SELECT pg_sleep(600)\0";
        s.write_all(&message(b'Q', sql)).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        // Gone without a word: the statement must stop, the block roll back.
    })
    .await
    .unwrap();
    // Long before the ten minutes are over, others can write again (the
    // insert waits for the lock while the sleeper holds it).
    let insert = client.batch_execute("INSERT INTO w VALUES (2)");
    tokio::time::timeout(Duration::from_secs(120), insert)
        .await
        .expect("the vanished client's statement still holds the write lock")
        .unwrap();
    assert_eq!(count(&client, "w").await, 1);
}

#[tokio::test]
async fn client_vanishing_mid_copy_commits_nothing() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("CREATE TABLE v (a int)")
        .await
        .unwrap();
    let port = server.port;
    tokio::task::spawn_blocking(move || {
        let mut s = raw_session(port);
        s.write_all(&message(b'Q', b"COPY v FROM STDIN\0")).unwrap();
        s.write_all(&message(b'd', b"1\n2\n3\n")).unwrap();
        // Wait for the CopyInResponse, then go away without CopyDone.
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.contains(&b'G') {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0);
            seen.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .unwrap();
    // The dropped session's rows never show; the table stays writable.
    for _ in 0..100 {
        match client.batch_execute("INSERT INTO v VALUES (9)").await {
            Ok(()) => break,
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    assert_eq!(count(&client, "v").await, 1);
}

#[test]
fn psql_backslash_copy() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.csv");
    let output = dir.path().join("out.txt");
    std::fs::write(&input, "1,\"a, b\"\n2,\n").unwrap();
    let script = format!(
        "CREATE TABLE p (a int, b text);\n\\copy p from '{}' with (format csv)\n\\copy p to '{}'\nSELECT count(*) FROM p;\n",
        input.display(),
        output.display()
    );
    let (out, err, ok) = run_psql(&psql, server.port, &["-c", "SELECT 1"]);
    assert!(ok, "{out}{err}");
    let file = dir.path().join("script.sql");
    std::fs::write(&file, script).unwrap();
    let (out, err, ok) = run_psql(
        &psql,
        server.port,
        &["-v", "ON_ERROR_STOP=1", "-f", file.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    assert!(out.contains("COPY 2"), "{out}");
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "1\ta, b\n2\t\\N\n"
    );
}
