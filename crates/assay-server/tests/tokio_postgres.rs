//! tokio-postgres against the server: the extended protocol with text and
//! binary parameters and results, prepared statement reuse, transaction
//! status, errors with SQLSTATE, and malformed input.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::{connect_to as connect, TestServer};
use tokio_postgres::error::SqlState;
use tokio_postgres::{NoTls, SimpleQueryMessage};

#[tokio::test]
async fn simple_and_extended_queries() {
    let server = TestServer::start();
    let client = connect(&server, "postgres").await;
    client
        .batch_execute(
            "CREATE TABLE items (id int8 PRIMARY KEY, name text, price float8, ok bool);
             INSERT INTO items VALUES (1, 'apple', 1.5, true), (2, 'pear', 2.25, false)",
        )
        .await
        .unwrap();

    // Simple protocol: text values, command tags.
    let messages = client
        .simple_query("SELECT name FROM items ORDER BY id; DELETE FROM items WHERE id = 99")
        .await
        .unwrap();
    let rows: Vec<_> = messages
        .iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(rows, ["apple", "pear"]);
    assert!(matches!(
        messages.last(),
        Some(SimpleQueryMessage::CommandComplete(0))
    ));

    // Extended protocol: binary parameters and results, inferred types.
    let rows = client
        .query(
            "SELECT id, name, price, ok FROM items WHERE id >= $1 AND name <> $2 ORDER BY id",
            &[&1i64, &"zzz"],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].get::<_, i64>(0), 1);
    assert_eq!(rows[0].get::<_, &str>(1), "apple");
    assert_eq!(rows[1].get::<_, f64>(2), 2.25);
    assert!(!rows[1].get::<_, bool>(3));

    // A prepared statement reused with different parameters.
    let insert = client
        .prepare("INSERT INTO items (id, name, price, ok) VALUES ($1, $2, $3, $4)")
        .await
        .unwrap();
    assert_eq!(insert.params().len(), 4);
    assert_eq!(insert.params()[0], tokio_postgres::types::Type::INT8);
    for id in 3..6i64 {
        let name = format!("item{id}");
        let n = client
            .execute(&insert, &[&id, &name, &(id as f64), &true])
            .await
            .unwrap();
        assert_eq!(n, 1);
    }
    let count = client
        .query_one("SELECT count(*) FROM items WHERE ok = $1", &[&true])
        .await
        .unwrap();
    assert_eq!(count.get::<_, i64>(0), 4);

    // Row descriptions carry PostgreSQL's type OIDs.
    let stmt = client
        .prepare("SELECT id, name, price, ok FROM items")
        .await
        .unwrap();
    let types: Vec<u32> = stmt.columns().iter().map(|c| c.type_().oid()).collect();
    assert_eq!(types, [20, 25, 701, 16]);

    // NULL parameters and results.
    let row = client
        .query_one("SELECT $1::text IS NULL, NULL::int4", &[&None::<String>])
        .await
        .unwrap();
    assert!(row.get::<_, bool>(0));
    assert_eq!(row.get::<_, Option<i32>>(1), None);

    // bytea both ways.
    let row = client
        .query_one("SELECT $1::bytea", &[&vec![0u8, 1, 255]])
        .await
        .unwrap();
    assert_eq!(row.get::<_, Vec<u8>>(0), vec![0u8, 1, 255]);
}

#[tokio::test]
async fn transactions_and_errors() {
    let server = TestServer::start();
    let client = connect(&server, "postgres").await;
    client
        .batch_execute("CREATE TABLE t (id int PRIMARY KEY)")
        .await
        .unwrap();

    let err = client
        .query("SELECT * FROM nowhere", &[])
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&SqlState::UNDEFINED_TABLE));

    let err = client.batch_execute("SELECT 1/0").await.unwrap_err();
    assert_eq!(err.code(), Some(&SqlState::DIVISION_BY_ZERO));
    assert_eq!(err.as_db_error().unwrap().message(), "division by zero");

    // A failed transaction block refuses statements until ROLLBACK.
    client.batch_execute("BEGIN").await.unwrap();
    client
        .execute("INSERT INTO t VALUES (1)", &[])
        .await
        .unwrap();
    let dup = client
        .execute("INSERT INTO t VALUES (1)", &[])
        .await
        .unwrap_err();
    assert_eq!(dup.code(), Some(&SqlState::UNIQUE_VIOLATION));
    let aborted = client.query("SELECT 1", &[]).await.unwrap_err();
    assert_eq!(aborted.code(), Some(&SqlState::IN_FAILED_SQL_TRANSACTION));
    client.batch_execute("ROLLBACK").await.unwrap();

    // tokio-postgres' Transaction commits through the protocol.
    let mut client = client;
    let txn = client.transaction().await.unwrap();
    txn.execute("INSERT INTO t VALUES ($1)", &[&5i32])
        .await
        .unwrap();
    txn.commit().await.unwrap();
    let row = client
        .query_one("SELECT count(*) FROM t", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, i64>(0), 1);

    // The connection is still good after all that.
    let row = client.query_one("SELECT 'ok'", &[]).await.unwrap();
    assert_eq!(row.get::<_, &str>(0), "ok");
}

#[tokio::test]
async fn portals_fetch_in_pieces() {
    let server = TestServer::start();
    let mut client = connect(&server, "postgres").await;
    client
        .batch_execute("CREATE TABLE n (i int); INSERT INTO n SELECT generate_series(1, 10)")
        .await
        .unwrap();
    let txn = client.transaction().await.unwrap();
    let stmt = txn.prepare("SELECT i FROM n ORDER BY i").await.unwrap();
    let portal = txn.bind(&stmt, &[]).await.unwrap();
    let first = txn.query_portal(&portal, 4).await.unwrap();
    let rest = txn.query_portal(&portal, 100).await.unwrap();
    assert_eq!(first.len(), 4);
    assert_eq!(rest.len(), 6);
    assert_eq!(rest[0].get::<_, i32>(0), 5);
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn unknown_database_is_fatal_3d000() {
    let server = TestServer::start();
    let err = tokio_postgres::connect(&server.conninfo("nope"), NoTls)
        .await
        .err()
        .unwrap();
    assert_eq!(err.code(), Some(&SqlState::INVALID_CATALOG_NAME));
}

#[tokio::test]
async fn garbage_input_does_not_take_the_server_down() {
    let server = TestServer::start();
    let port = server.port;
    tokio::task::spawn_blocking(move || {
        let garbage: [&[u8]; 5] = [
            b"\x16\x03\x01\x02\x00garbage that is not a startup packet",
            b"\0\0\0\x03",
            b"\xff\xff\xff\xff\xff\xff\xff\xff",
            &[0u8; 64],
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        ];
        for bytes in garbage {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let _ = s.write_all(bytes);
            let mut answer = Vec::new();
            let _ = s.read_to_end(&mut answer);
        }
        // A valid startup followed by garbage messages.
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut startup = Vec::new();
        let body = b"\0\x03\0\0user\0postgres\0\0";
        startup.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
        startup.extend_from_slice(body);
        s.write_all(&startup).unwrap();
        s.write_all(b"Z\0\0\0\x09abcde").unwrap();
        s.write_all(b"B\0\0\0\x05\xff").unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        assert!(
            answer.windows(5).any(|w| w == b"08P01"),
            "expected a protocol violation error"
        );
    })
    .await
    .unwrap();

    // A second client still works.
    let client = connect(&server, "postgres").await;
    let row = client.query_one("SELECT 40 + 2", &[]).await.unwrap();
    assert_eq!(row.get::<_, i32>(0), 42);
}

fn message(kind: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![kind];
    m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

#[tokio::test]
async fn bad_bind_is_an_error_until_sync() {
    let server = TestServer::start();
    let port = server.port;
    tokio::task::spawn_blocking(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let body = b"\0\x03\0\0user\0postgres\0\0";
        let mut startup = ((body.len() + 4) as u32).to_be_bytes().to_vec();
        startup.extend_from_slice(body);
        s.write_all(&startup).unwrap();
        let mut wire = Vec::new();
        // Parse, then a Bind with no parameters for a statement with one,
        // an Execute that must be skipped, and Sync.
        wire.extend(message(b'P', b"\0SELECT $1::int4\0\0\0"));
        wire.extend(message(b'B', b"\0\0\0\0\0\0\0\0"));
        wire.extend(message(b'E', b"\0\0\0\0\0"));
        wire.extend(message(b'S', b""));
        wire.extend(message(b'Q', b"SELECT 7\0"));
        wire.extend(message(b'X', b""));
        s.write_all(&wire).unwrap();
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        assert!(
            text.contains(
                "bind message supplies 0 parameters, but prepared statement \"\" requires 1"
            ),
            "{text}"
        );
        // ErrorResponse, then (no DataRow from the skipped Execute)
        // ReadyForQuery, then the simple query's row.
        let error_at = text.find("08P01").unwrap();
        let row_at = text.find("D\0\0\0\x0b\0\x01\0\0\0\x017").unwrap();
        assert!(error_at < row_at);
        assert_eq!(text.matches("D\0\0").count(), 1);
    })
    .await
    .unwrap();
}

/// Catalog types in binary results and parameters: `oid` is a u32,
/// `"char"` an i8, `name` a string; a column of a type tokio-postgres does
/// not know (a `numeric[]`-like array of oids) is looked up in `pg_type`.
#[tokio::test]
async fn catalog_types_over_the_extended_protocol() {
    let server = TestServer::start();
    let client = connect(&server, "postgres").await;
    client
        .batch_execute("CREATE TABLE cat_t (id int PRIMARY KEY, n name, o oid)")
        .await
        .unwrap();
    let row = client
        .query_one(
            "SELECT oid, typname, typtype, typelem, typarray FROM pg_type WHERE oid = $1",
            &[&1007u32],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, u32>(0), 1007);
    assert_eq!(row.get::<_, &str>(1), "_int4");
    assert_eq!(row.get::<_, i8>(2), b'b' as i8);
    assert_eq!(row.get::<_, u32>(3), 23);
    assert_eq!(row.get::<_, u32>(4), 0);

    client
        .execute(
            "INSERT INTO cat_t VALUES (1, $1, $2)",
            &[&"a name", &4_000_000_000u32],
        )
        .await
        .unwrap();
    let row = client
        .query_one("SELECT n, o, 'cat_t'::regclass::oid = o FROM cat_t", &[])
        .await
        .unwrap();
    assert_eq!(row.get::<_, &str>(0), "a name");
    assert_eq!(row.get::<_, u32>(1), 4_000_000_000);
    assert!(!row.get::<_, bool>(2));

    // The relation's own OID, through the catalog.
    let row = client
        .query_one(
            "SELECT c.oid, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = $1",
            &[&"cat_t"],
        )
        .await
        .unwrap();
    assert!(row.get::<_, u32>(0) >= 16384);
    assert_eq!(row.get::<_, i8>(1), b'r' as i8);
}
