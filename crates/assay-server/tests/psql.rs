//! psql against the server: simple queries, errors, notices, databases.

mod common;

use common::{psql, run_psql, TestServer};

#[test]
fn psql_simple_queries() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    let (out, err, ok) = run_psql(
        &psql,
        server.port,
        &[
            "-c",
            "CREATE TABLE t (id int PRIMARY KEY, name text)",
            "-c",
            "INSERT INTO t VALUES (1, 'one'), (2, NULL)",
            "-c",
            "SELECT id, name FROM t ORDER BY id",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(
        out,
        "CREATE TABLE\nINSERT 0 2\n id | name \n----+------\n  1 | one\n  2 | \n(2 rows)\n\n"
    );

    let (out, err, ok) = run_psql(
        &psql,
        server.port,
        &["-At", "-c", "SHOW server_version; SELECT 1 + 1"],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "15.18\n2\n");
}

#[test]
fn psql_errors_and_notices() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    let (_, err, ok) = run_psql(
        &psql,
        server.port,
        &["-v", "VERBOSITY=verbose", "-c", "SELECT * FROM missing"],
    );
    assert!(!ok);
    assert!(
        err.contains("ERROR:  42P01: relation \"missing\" does not exist"),
        "{err}"
    );

    // The cursor position of an error is relative to the whole query text.
    let (_, err, ok) = run_psql(&psql, server.port, &["-c", "SELECT 1; SELEC 1"]);
    assert!(!ok);
    assert!(
        err.contains("LINE 1: SELECT 1; SELEC 1\n                  ^"),
        "{err}"
    );

    let (_, err, ok) = run_psql(&psql, server.port, &["-c", "COMMIT"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("WARNING:  there is no transaction in progress"),
        "{err}"
    );
}

#[test]
fn psql_create_and_drop_database() {
    let Some(psql) = psql() else { return };
    let server = TestServer::start();
    let (out, err, ok) = run_psql(&psql, server.port, &["-c", "CREATE DATABASE app"]);
    assert!(ok, "{err}");
    assert_eq!(out, "CREATE DATABASE\n");
    assert!(server.dir.path().join("app.assay").exists());

    let (out, err, ok) = run_psql(
        &psql,
        server.port,
        &[
            "-d",
            "app",
            "-At",
            "-c",
            "CREATE TABLE x (a int)",
            "-c",
            "INSERT INTO x VALUES (7)",
            "-c",
            "SELECT a FROM x",
        ],
    );
    assert!(ok, "{err}");
    assert_eq!(out, "CREATE TABLE\nINSERT 0 1\n7\n");

    let (_, err, ok) = run_psql(&psql, server.port, &["-d", "nope", "-c", "SELECT 1"]);
    assert!(!ok);
    assert!(
        err.contains("FATAL:  database \"nope\" does not exist"),
        "{err}"
    );

    let (_, err, ok) = run_psql(&psql, server.port, &["-c", "CREATE DATABASE app"]);
    assert!(!ok);
    assert!(err.contains("database \"app\" already exists"), "{err}");

    let (out, err, ok) = run_psql(&psql, server.port, &["-c", "DROP DATABASE app"]);
    assert!(ok, "{err}");
    assert_eq!(out, "DROP DATABASE\n");
    assert!(!server.dir.path().join("app.assay").exists());

    let (_, err, ok) = run_psql(&psql, server.port, &["-c", "DROP DATABASE IF EXISTS app"]);
    assert!(ok, "{err}");
    assert!(
        err.contains("NOTICE:  database \"app\" does not exist, skipping"),
        "{err}"
    );
}
