//! Authentication, TLS and connection limits against the server: SCRAM-
//! SHA-256 with tokio-postgres and psql, md5 with psql, PostgreSQL's FATAL
//! errors for wrong passwords, unknown and NOLOGIN roles, TLS with psql's
//! `sslmode=require`, `--tls-required`, and `max_connections` and role
//! connection limits.

mod common;

use std::process::Command;

use common::{tls_files, TestServer};
use tokio_postgres::{Client, NoTls};

async fn connect_as(server: &TestServer, conninfo: &str) -> Result<Client, tokio_postgres::Error> {
    let conninfo = format!("host=127.0.0.1 port={} {conninfo}", server.port);
    let (client, connection) = tokio_postgres::connect(&conninfo, NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

async fn superuser(server: &TestServer) -> Client {
    connect_as(server, "user=postgres dbname=postgres")
        .await
        .unwrap()
}

/// The SQLSTATE and message of a failed connection.
fn failure(result: Result<Client, tokio_postgres::Error>) -> (String, String) {
    let Err(e) = result else {
        panic!("the connection was expected to fail");
    };
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {e}"));
    assert_eq!(db.severity(), "FATAL");
    (db.code().code().to_string(), db.message().to_string())
}

async fn current_user(client: &Client) -> String {
    let row = client
        .query_one("SELECT current_user::text, session_user::text", &[])
        .await
        .unwrap();
    let (current, session): (String, String) = (row.get(0), row.get(1));
    assert_eq!(current, session);
    current
}

#[tokio::test]
async fn scram_authentication_with_tokio_postgres() {
    let server = TestServer::start();
    let admin = superuser(&server).await;
    admin
        .batch_execute(
            "CREATE ROLE alice LOGIN PASSWORD 'wonder land';
             CREATE ROLE carol NOLOGIN PASSWORD 'x';
             CREATE ROLE dave LOGIN;
             CREATE ROLE old LOGIN PASSWORD 'pw' VALID UNTIL '2001-01-01';
             CREATE DATABASE app",
        )
        .await
        .unwrap();
    let stored: String = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$4096:"), "{stored}");

    // tokio-postgres answers AuthenticationSASL with SCRAM-SHA-256 and
    // checks the server's final signature.
    let alice = connect_as(&server, "user=alice password='wonder land' dbname=app")
        .await
        .unwrap();
    assert_eq!(current_user(&alice).await, "alice");

    let wrong = connect_as(&server, "user=alice password=wonder dbname=app").await;
    assert_eq!(
        failure(wrong),
        (
            "28P01".to_string(),
            "password authentication failed for user \"alice\"".to_string()
        )
    );
    let unknown = connect_as(&server, "user=nobody password=x dbname=postgres").await;
    assert_eq!(
        failure(unknown),
        (
            "28000".to_string(),
            "role \"nobody\" does not exist".to_string()
        )
    );
    let nologin = connect_as(&server, "user=carol password=x dbname=postgres").await;
    assert_eq!(
        failure(nologin),
        (
            "28000".to_string(),
            "role \"carol\" is not permitted to log in".to_string()
        )
    );
    let expired = connect_as(&server, "user=old password=pw dbname=postgres").await;
    assert_eq!(failure(expired).0, "28P01");

    // A role without a password is trusted on loopback.
    let dave = connect_as(&server, "user=dave dbname=postgres")
        .await
        .unwrap();
    assert_eq!(current_user(&dave).await, "dave");

    // A password changed in another database applies at the next login.
    alice
        .batch_execute("ALTER ROLE alice PASSWORD 'rabbit hole'")
        .await
        .unwrap();
    let old = connect_as(&server, "user=alice password='wonder land' dbname=postgres").await;
    assert_eq!(failure(old).0, "28P01");
    let new = connect_as(&server, "user=alice password='rabbit hole' dbname=postgres").await;
    assert_eq!(current_user(&new.unwrap()).await, "alice");
}

#[tokio::test]
async fn roles_are_the_clusters() {
    let server = TestServer::start();
    let admin = superuser(&server).await;
    admin.batch_execute("CREATE DATABASE app").await.unwrap();
    let app = connect_as(&server, "user=postgres dbname=app")
        .await
        .unwrap();
    // Created in one database, seen in every other and by login.
    app.batch_execute(
        "CREATE ROLE erin LOGIN PASSWORD 'pw';
         CREATE ROLE staff;
         GRANT staff TO erin;
         ALTER ROLE erin SET work_mem = '64kB'",
    )
    .await
    .unwrap();
    let members: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid \
             JOIN pg_roles u ON u.oid = m.member WHERE r.rolname = 'staff' AND u.rolname = 'erin'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(members, 1);
    let erin = connect_as(&server, "user=erin password=pw dbname=postgres")
        .await
        .unwrap();
    let work_mem: String = erin.query_one("SHOW work_mem", &[]).await.unwrap().get(0);
    assert_eq!(work_mem, "64kB");
    let dup = app.batch_execute("CREATE ROLE erin").await.unwrap_err();
    assert_eq!(dup.code().unwrap().code(), "42710");
    // A non-superuser without CREATEROLE manages no roles.
    let denied = erin.batch_execute("CREATE ROLE mallory").await.unwrap_err();
    assert_eq!(denied.code().unwrap().code(), "42501");
    admin.batch_execute("DROP ROLE erin").await.unwrap();
    let gone = connect_as(&server, "user=erin password=pw dbname=app").await;
    assert_eq!(failure(gone).0, "28000");
}

fn psql_with_password(
    psql: &str,
    conninfo: &str,
    password: Option<&str>,
    sql: &str,
) -> (String, String, bool) {
    let mut command = Command::new(psql);
    command
        .args(["-X", "-A", "-t", "-w", conninfo, "-c", sql])
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGPASSWORD")
        .env_remove("PGSSLMODE");
    if let Some(p) = password {
        command.env("PGPASSWORD", p);
    }
    let output = command.output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

#[test]
fn psql_with_scram_and_md5_passwords() {
    let Some(psql) = common::psql() else {
        return;
    };
    let server = TestServer::start();
    let admin = |sql: &str| {
        let conninfo = format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres",
            server.port
        );
        let (out, err, ok) = psql_with_password(&psql, &conninfo, None, sql);
        assert!(ok, "{sql}: {err}");
        out
    };
    admin("CREATE ROLE sam LOGIN PASSWORD 'scram pw'");
    admin("SET password_encryption = 'md5'; CREATE ROLE mo LOGIN PASSWORD 'md5 pw'");
    let stored =
        admin("SELECT rolpassword = 'md5' || md5('md5 pwmo') FROM pg_authid WHERE rolname = 'mo'");
    assert_eq!(stored.trim(), "t");

    let conninfo = |user: &str| {
        format!(
            "host=127.0.0.1 port={} user={user} dbname=postgres",
            server.port
        )
    };
    let (out, err, ok) = psql_with_password(
        &psql,
        &conninfo("sam"),
        Some("scram pw"),
        "SELECT current_user",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "sam");
    let (out, err, ok) = psql_with_password(
        &psql,
        &conninfo("mo"),
        Some("md5 pw"),
        "SELECT current_user",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "mo");

    let (_, err, ok) = psql_with_password(&psql, &conninfo("mo"), Some("wrong"), "SELECT 1");
    assert!(!ok);
    assert!(
        err.contains("password authentication failed for user \"mo\""),
        "{err}"
    );
    // Without a password (and -w), psql gives up when asked for one.
    let (_, err, ok) = psql_with_password(&psql, &conninfo("sam"), None, "SELECT 1");
    assert!(!ok);
    assert!(err.contains("no password supplied"), "{err}");
}

#[test]
fn tls_with_psql_and_required_encryption() {
    let Some(psql) = common::psql() else {
        return;
    };
    let Some((_certs, files)) = tls_files() else {
        return;
    };
    let server = TestServer::start_with(|c| c.tls = Some(files.clone()));
    let conninfo = |mode: &str| {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode={mode}",
            server.port
        )
    };
    let (out, err, ok) = psql_with_password(&psql, &conninfo("require"), None, "\\conninfo");
    assert!(ok, "{err}");
    assert!(out.contains("SSL connection (protocol: TLSv1."), "{out}");
    let (out, err, ok) = psql_with_password(&psql, &conninfo("require"), None, "SHOW ssl");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "on");
    // Plain connections are still allowed here.
    let (out, err, ok) = psql_with_password(&psql, &conninfo("disable"), None, "\\conninfo");
    assert!(ok, "{err}");
    assert!(!out.contains("SSL connection"), "{out}");
    drop(server);

    let required = TestServer::start_with(|c| {
        c.tls = Some(files.clone());
        c.tls_required = true;
    });
    let conninfo = |mode: &str| {
        format!(
            "host=127.0.0.1 port={} user=postgres dbname=postgres sslmode={mode}",
            required.port
        )
    };
    let (_, err, ok) = psql_with_password(&psql, &conninfo("disable"), None, "SELECT 1");
    assert!(!ok);
    assert!(
        err.contains(
            "FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"postgres\", database \"postgres\", no encryption"
        ),
        "{err}"
    );
    let (out, err, ok) = psql_with_password(&psql, &conninfo("require"), None, "SELECT 42");
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "42");
}

#[tokio::test]
async fn tls_required_refuses_plain_tokio_postgres() {
    let Some((_certs, files)) = tls_files() else {
        return;
    };
    let server = TestServer::start_with(|c| {
        c.tls = Some(files);
        c.tls_required = true;
    });
    let plain = connect_as(&server, "user=postgres dbname=postgres sslmode=disable").await;
    assert_eq!(failure(plain).0, "28000");
}

#[tokio::test]
async fn connection_limits() {
    let server = TestServer::start_with(|c| c.max_connections = 3);
    let admin = superuser(&server).await;
    admin
        .batch_execute("CREATE ROLE limited LOGIN CONNECTION LIMIT 1")
        .await
        .unwrap();
    let max: String = admin
        .query_one("SHOW max_connections", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(max, "3");

    let first = connect_as(&server, "user=limited dbname=postgres")
        .await
        .unwrap();
    let second = connect_as(&server, "user=limited dbname=postgres").await;
    assert_eq!(
        failure(second),
        (
            "53300".to_string(),
            "too many connections for role \"limited\"".to_string()
        )
    );
    // Superusers have no role limit; the server's limit holds for all.
    let other = superuser(&server).await;
    let fourth = connect_as(&server, "user=postgres dbname=postgres").await;
    assert_eq!(
        failure(fourth),
        (
            "53300".to_string(),
            "sorry, too many clients already".to_string()
        )
    );
    // A slot is free again once its connection has ended.
    drop(first);
    let mut again = None;
    for _ in 0..200 {
        match connect_as(&server, "user=limited dbname=postgres").await {
            Ok(c) => {
                again = Some(c);
                break;
            }
            Err(_) => tokio::time::sleep(std::time::Duration::from_millis(10)).await,
        }
    }
    let again = again.expect("a connection after one ended");
    assert_eq!(current_user(&again).await, "limited");
    drop(other);
}
