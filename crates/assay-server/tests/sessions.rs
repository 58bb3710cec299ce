//! The server's sessions seen from each other: `pg_stat_activity` across
//! connections and databases, `pg_locks` (virtual transactions, advisory
//! waits), `pg_cancel_backend` / `pg_terminate_backend` with their
//! permission checks, per-database `CONNECTION LIMIT` / `ALLOW_CONNECTIONS`,
//! `SET ROLE` / `SET SESSION AUTHORIZATION`, and `pg_stat_ssl` over TLS.

mod common;

use std::process::Command;
use std::time::Duration;

use common::{pid, tls_files, TestServer};
use tokio::task::JoinHandle;
use tokio_postgres::{Client, NoTls, SimpleQueryMessage};

/// A client, and the task driving its connection (whose result says how
/// the server ended it).
async fn open(
    server: &TestServer,
    conninfo: &str,
) -> Result<(Client, JoinHandle<Result<(), tokio_postgres::Error>>), tokio_postgres::Error> {
    let conninfo = format!("host=127.0.0.1 port={} {conninfo}", server.port);
    let (client, connection) = tokio_postgres::connect(&conninfo, NoTls).await?;
    Ok((client, tokio::spawn(connection)))
}

async fn client(server: &TestServer, conninfo: &str) -> Client {
    open(server, conninfo).await.unwrap().0
}

/// The first column of each row of a simple query, as text (NULL: `None`).
async fn column(client: &Client, sql: &str) -> Vec<Option<String>> {
    let messages = client.simple_query(sql).await.unwrap();
    messages
        .into_iter()
        .filter_map(|m| match m {
            SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_string)),
            _ => None,
        })
        .collect()
}

async fn one(client: &Client, sql: &str) -> Option<String> {
    let mut values = column(client, sql).await;
    assert_eq!(values.len(), 1, "{sql}: {values:?}");
    values.remove(0)
}

/// The SQLSTATE and message of a failed statement.
fn failure<T: std::fmt::Debug>(result: Result<T, tokio_postgres::Error>) -> (String, String) {
    let e = result.expect_err("the statement was expected to fail");
    let db = e
        .as_db_error()
        .unwrap_or_else(|| panic!("not a server error: {e}"));
    (db.code().code().to_string(), db.message().to_string())
}

/// Asks `client` `sql` until it answers `want`, for at most about ten
/// seconds (another connection's work is on its way).
async fn eventually(client: &Client, sql: &str, want: &str) {
    for _ in 0..500 {
        if one(client, sql).await.as_deref() == Some(want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{sql} never answered {want}");
}

#[tokio::test]
async fn sessions_see_each_other_and_terminate_ends_one() {
    let server = TestServer::start();
    let (a, a_connection) = open(
        &server,
        "user=postgres dbname=postgres application_name=first",
    )
    .await
    .unwrap();
    let b = client(&server, "user=postgres dbname=postgres").await;
    let (a_pid, b_pid) = (pid(&a).await, pid(&b).await);
    assert_ne!(a_pid, b_pid);

    a.batch_execute("SET application_name = 'worker'; BEGIN")
        .await
        .unwrap();
    a.simple_query("SELECT 42").await.unwrap();
    let row = b
        .query_one(
            "SELECT datname::text, usename::text, application_name, state, query, \
             client_addr, client_port IS NOT NULL, backend_type, xact_start IS NOT NULL, \
             backend_xid IS NULL, wait_event_type, wait_event \
             FROM pg_stat_activity WHERE pid = $1",
            &[&a_pid],
        )
        .await
        .unwrap();
    let text = |i: usize| row.get::<_, Option<String>>(i);
    assert_eq!(text(0).as_deref(), Some("postgres"));
    assert_eq!(text(1).as_deref(), Some("postgres"));
    assert_eq!(text(2).as_deref(), Some("worker"));
    assert_eq!(text(3).as_deref(), Some("idle in transaction"));
    assert_eq!(text(4).as_deref(), Some("SELECT 42"));
    assert_eq!(text(5).as_deref(), Some("127.0.0.1"));
    assert!(row.get::<_, bool>(6));
    assert_eq!(text(7).as_deref(), Some("client backend"));
    assert!(row.get::<_, bool>(8));
    assert!(row.get::<_, bool>(9));
    assert_eq!(text(10).as_deref(), Some("Client"));
    assert_eq!(text(11).as_deref(), Some("ClientRead"));

    // The caller's own row: running this very query.
    let own = format!("SELECT state || ':' || query FROM pg_stat_activity WHERE pid = {b_pid}");
    assert_eq!(one(&b, &own).await, Some(format!("active:{own}")));

    // A transaction holds its virtual transaction id; after COMMIT, none.
    let vxid = format!(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND pid = {a_pid} \
         AND mode = 'ExclusiveLock' AND granted AND virtualxid = virtualtransaction"
    );
    assert_eq!(one(&b, &vxid).await.as_deref(), Some("1"));
    a.batch_execute("COMMIT").await.unwrap();
    assert_eq!(one(&b, &vxid).await.as_deref(), Some("0"));
    let state = format!("SELECT state FROM pg_stat_activity WHERE pid = {a_pid}");
    assert_eq!(one(&b, &state).await.as_deref(), Some("idle"));

    // A session of another database is listed too.
    b.batch_execute("CREATE DATABASE other").await.unwrap();
    let c = client(&server, "user=postgres dbname=other").await;
    let c_pid = pid(&c).await;
    let datname = format!("SELECT datname FROM pg_stat_activity WHERE pid = {c_pid}");
    assert_eq!(one(&b, &datname).await.as_deref(), Some("other"));

    let terminated = b
        .query_one("SELECT pg_terminate_backend($1)", &[&a_pid])
        .await
        .unwrap();
    assert!(terminated.get::<_, bool>(0));
    let ended = a_connection.await.unwrap();
    let (code, message) = failure(ended);
    assert_eq!(code, "57P01");
    assert_eq!(
        message,
        "terminating connection due to administrator command"
    );
    assert!(a.simple_query("SELECT 1").await.is_err());
    let gone = format!("SELECT count(*) FROM pg_stat_activity WHERE pid = {a_pid}");
    eventually(&b, &gone, "0").await;

    // A pid that is no session's: false (with PostgreSQL's warning).
    let missing = b
        .query_one(
            "SELECT pg_cancel_backend(999999), pg_terminate_backend(999999)",
            &[],
        )
        .await
        .unwrap();
    assert!(!missing.get::<_, bool>(0) && !missing.get::<_, bool>(1));
    let (code, message) = failure(b.simple_query("SELECT pg_terminate_backend(1, -1)").await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("22023", "\"timeout\" must not be negative")
    );
    // With a timeout, the caller waits for the session to be gone.
    let waited = b
        .query_one("SELECT pg_terminate_backend($1, 10000)", &[&c_pid])
        .await
        .unwrap();
    assert!(waited.get::<_, bool>(0));
    assert_eq!(
        one(&b, &datname.replace("datname", "count(*)"))
            .await
            .as_deref(),
        Some("0")
    );
}

#[tokio::test]
async fn a_waiting_session_shows_its_lock_and_can_be_cancelled() {
    let server = TestServer::start();
    let holder = client(&server, "user=postgres dbname=postgres").await;
    let waiter = client(&server, "user=postgres dbname=postgres").await;
    let watcher = client(&server, "user=postgres dbname=postgres").await;
    let waiter_pid = pid(&waiter).await;
    holder
        .simple_query("SELECT pg_advisory_lock(7)")
        .await
        .unwrap();
    let waiting = tokio::spawn(async move {
        let result = waiter.simple_query("SELECT pg_advisory_lock(7)").await;
        (waiter, result)
    });
    let awaited = format!(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = {waiter_pid} \
         AND NOT granted AND objid = 7"
    );
    eventually(&watcher, &awaited, "1").await;
    let activity = format!(
        "SELECT state || ' ' || wait_event_type || ' ' || wait_event || ' ' || query \
         FROM pg_stat_activity WHERE pid = {waiter_pid}"
    );
    assert_eq!(
        one(&watcher, &activity).await.as_deref(),
        Some("active Lock advisory SELECT pg_advisory_lock(7)")
    );
    let vxid = format!(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'virtualxid' AND pid = {waiter_pid}"
    );
    assert_eq!(one(&watcher, &vxid).await.as_deref(), Some("1"));

    let cancelled = watcher
        .query_one("SELECT pg_cancel_backend($1)", &[&waiter_pid])
        .await
        .unwrap();
    assert!(cancelled.get::<_, bool>(0));
    let (waiter, result) = waiting.await.unwrap();
    let (code, message) = failure(result);
    assert_eq!(code, "57014");
    assert_eq!(message, "canceling statement due to user request");
    // The session goes on.
    assert_eq!(one(&waiter, "SELECT 1").await.as_deref(), Some("1"));
    assert_eq!(one(&watcher, &awaited).await.as_deref(), Some("0"));
}

#[tokio::test]
async fn signalling_and_seeing_other_roles_sessions_needs_membership() {
    let server = TestServer::start();
    let admin = client(&server, "user=postgres dbname=postgres").await;
    admin
        .batch_execute(
            "CREATE ROLE alice LOGIN; CREATE ROLE bob LOGIN; CREATE ROLE team; GRANT team TO alice",
        )
        .await
        .unwrap();
    let alice = client(&server, "user=alice dbname=postgres").await;
    let bob = client(&server, "user=bob dbname=postgres").await;
    let admin_pid = pid(&admin).await;
    let bob_pid = pid(&bob).await;

    let (code, message) = failure(
        alice
            .query_one("SELECT pg_terminate_backend($1)", &[&admin_pid])
            .await,
    );
    assert_eq!(code, "42501");
    assert_eq!(
        message,
        "must be a superuser to terminate superuser process"
    );
    let (code, message) = failure(
        alice
            .query_one("SELECT pg_cancel_backend($1)", &[&bob_pid])
            .await,
    );
    assert_eq!(code, "42501");
    assert_eq!(
        message,
        "must be a member of the role whose query is being canceled or member of pg_signal_backend"
    );
    // What another role's session does is hidden; its identity is not.
    let seen = format!(
        "SELECT usename || ' ' || query || ' ' || coalesce(state, 'null') \
         FROM pg_stat_activity WHERE pid = {admin_pid}"
    );
    assert_eq!(
        one(&alice, &seen).await.as_deref(),
        Some("postgres <insufficient privilege> null")
    );

    // Membership in bob's role lets alice cancel bob's statements.
    admin.batch_execute("GRANT bob TO alice").await.unwrap();
    let cancelled = alice
        .query_one("SELECT pg_cancel_backend($1)", &[&bob_pid])
        .await
        .unwrap();
    assert!(cancelled.get::<_, bool>(0));
    // Nothing was running: bob goes on.
    assert_eq!(one(&bob, "SELECT 2").await.as_deref(), Some("2"));
}

#[tokio::test]
async fn database_connection_limits_and_allow_connections() {
    let server = TestServer::start();
    let admin = client(&server, "user=postgres dbname=postgres").await;
    admin
        .batch_execute("CREATE ROLE alice LOGIN; CREATE DATABASE lim CONNECTION LIMIT 1")
        .await
        .unwrap();
    let listed =
        "SELECT datconnlimit || ' ' || datallowconn FROM pg_database WHERE datname = 'lim'";
    assert_eq!(one(&admin, listed).await.as_deref(), Some("1 true"));

    let first = client(&server, "user=alice dbname=lim").await;
    let second = open(&server, "user=alice dbname=lim").await.map(|c| c.0);
    let (code, message) = failure(second);
    assert_eq!(code, "53300");
    assert_eq!(message, "too many connections for database \"lim\"");
    // Superusers are not counted against the limit.
    let root = client(&server, "user=postgres dbname=lim").await;
    assert_eq!(one(&root, "SELECT 1").await.as_deref(), Some("1"));
    drop(root);
    // As in PostgreSQL, a superuser's session still counts while it lasts:
    // wait until the server has seen this one end.
    let sessions = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'lim'";
    for _ in 0..500 {
        if one(&admin, sessions).await.as_deref() == Some("1") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // alice may not change it; a superuser may.
    let (code, message) = failure(
        first
            .batch_execute("ALTER DATABASE lim CONNECTION LIMIT 5")
            .await,
    );
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("42501", "must be owner of database lim")
    );
    admin
        .batch_execute("ALTER DATABASE lim CONNECTION LIMIT 2")
        .await
        .unwrap();
    let second = client(&server, "user=alice dbname=lim").await;
    assert_eq!(one(&second, "SELECT 2").await.as_deref(), Some("2"));
    let (code, _) = failure(
        admin
            .batch_execute("ALTER DATABASE lim CONNECTION LIMIT -2")
            .await,
    );
    assert_eq!(code, "22023");

    admin
        .batch_execute("ALTER DATABASE lim WITH ALLOW_CONNECTIONS false")
        .await
        .unwrap();
    assert_eq!(one(&admin, listed).await.as_deref(), Some("2 false"));
    for user in ["alice", "postgres"] {
        let refused = open(&server, &format!("user={user} dbname=lim"))
            .await
            .map(|c| c.0);
        let (code, message) = failure(refused);
        assert_eq!(code, "55000");
        assert_eq!(
            message,
            "database \"lim\" is not currently accepting connections"
        );
    }
    // Sessions already in stay.
    assert_eq!(one(&first, "SELECT 3").await.as_deref(), Some("3"));
    drop((first, second));

    // The options follow a rename and survive a restart of the listing.
    admin
        .batch_execute("ALTER DATABASE lim ALLOW_CONNECTIONS true")
        .await
        .unwrap();
    eventually(
        &admin,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'lim'",
        "0",
    )
    .await;
    admin
        .batch_execute("ALTER DATABASE lim RENAME TO lim2")
        .await
        .unwrap();
    let renamed =
        "SELECT datconnlimit || ' ' || datallowconn FROM pg_database WHERE datname = 'lim2'";
    assert_eq!(one(&admin, renamed).await.as_deref(), Some("2 true"));
}

#[tokio::test]
async fn set_role_and_session_authorization() {
    let server = TestServer::start();
    let admin = client(&server, "user=postgres dbname=postgres").await;
    admin
        .batch_execute(
            "CREATE ROLE alice LOGIN; CREATE ROLE team; CREATE ROLE outsider; GRANT team TO alice",
        )
        .await
        .unwrap();
    let users = "SELECT current_user || ' ' || current_role || ' ' || session_user || ' ' || user";
    let alice = client(&server, "user=alice dbname=postgres").await;
    assert_eq!(one(&alice, "SHOW role").await.as_deref(), Some("none"));
    alice.batch_execute("SET ROLE team").await.unwrap();
    assert_eq!(
        one(&alice, users).await.as_deref(),
        Some("team team alice team")
    );
    assert_eq!(one(&alice, "SHOW role").await.as_deref(), Some("team"));
    assert_eq!(
        one(&alice, "SHOW session_authorization").await.as_deref(),
        Some("alice")
    );
    let (code, message) = failure(alice.batch_execute("SET ROLE outsider").await);
    assert_eq!(code, "42501");
    assert_eq!(message, "permission denied to set role \"outsider\"");
    let (code, message) = failure(alice.batch_execute("SET ROLE nobody").await);
    assert_eq!(
        (code.as_str(), message.as_str()),
        ("42704", "role \"nobody\" does not exist")
    );
    let (code, message) = failure(
        alice
            .batch_execute("SET SESSION AUTHORIZATION postgres")
            .await,
    );
    assert_eq!(code, "42501");
    assert_eq!(message, "permission denied to set session authorization");
    // Acting as team, alice cannot create roles (role statements check the
    // current user).
    let (code, _) = failure(alice.batch_execute("CREATE ROLE x").await);
    assert_eq!(code, "42501");
    alice.batch_execute("RESET ROLE").await.unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("alice")
    );

    // SET LOCAL lasts to the end of the transaction; a rolled-back SET is
    // undone; a committed one stays.
    alice
        .batch_execute("BEGIN; SET LOCAL ROLE team")
        .await
        .unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("team")
    );
    alice.batch_execute("COMMIT").await.unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("alice")
    );
    alice
        .batch_execute("BEGIN; SET ROLE team; ROLLBACK")
        .await
        .unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("alice")
    );
    alice
        .batch_execute("BEGIN; SET ROLE team; COMMIT")
        .await
        .unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("team")
    );
    // RESET ALL leaves the role (as PostgreSQL's); DISCARD ALL does not.
    alice.batch_execute("RESET ALL").await.unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("team")
    );
    alice.batch_execute("DISCARD ALL").await.unwrap();
    assert_eq!(
        one(&alice, "SELECT current_user").await.as_deref(),
        Some("alice")
    );
    alice.batch_execute("SET ROLE NONE").await.unwrap();

    // A superuser may become anyone, which drops its role.
    admin
        .batch_execute("SET ROLE team; SET SESSION AUTHORIZATION alice")
        .await
        .unwrap();
    assert_eq!(
        one(&admin, users).await.as_deref(),
        Some("alice alice alice alice")
    );
    assert_eq!(one(&admin, "SHOW role").await.as_deref(), Some("none"));
    // Now the session user is alice: SET ROLE checks alice's memberships.
    let (code, _) = failure(admin.batch_execute("SET ROLE outsider").await);
    assert_eq!(code, "42501");
    admin.batch_execute("SET ROLE team").await.unwrap();
    assert_eq!(
        one(&admin, users).await.as_deref(),
        Some("team team alice team")
    );
    admin
        .batch_execute("RESET SESSION AUTHORIZATION")
        .await
        .unwrap();
    assert_eq!(
        one(&admin, users).await.as_deref(),
        Some("postgres postgres postgres postgres")
    );
    admin
        .batch_execute("SET SESSION AUTHORIZATION alice; SET SESSION AUTHORIZATION DEFAULT")
        .await
        .unwrap();
    assert_eq!(
        one(&admin, "SELECT session_user").await.as_deref(),
        Some("postgres")
    );
}

fn psql(psql: &str, conninfo: &str, sql: &str) -> (String, String, bool) {
    let output = Command::new(psql)
        .args(["-X", "-A", "-t", "-d", conninfo, "-c", sql])
        .env("PGCONNECT_TIMEOUT", "10")
        .env_remove("PGPASSWORD")
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.success(),
    )
}

#[test]
fn pg_stat_ssl_and_ssl_is_used_with_psql() {
    let Some(psql_bin) = common::psql() else {
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
    let sql = "SELECT ssl_is_used(), ssl, version, cipher, bits > 0, client_dn IS NULL \
               FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    let (out, err, ok) = psql(&psql_bin, &conninfo("require"), sql);
    assert!(ok, "{err}");
    let fields: Vec<&str> = out.trim().split('|').collect();
    assert_eq!(fields[..2], ["t", "t"], "{out}");
    assert!(fields[2].starts_with("TLSv1."), "{out}");
    assert!(
        fields[3].starts_with("TLS_") || fields[3].starts_with("ECDHE-"),
        "{out}"
    );
    assert_eq!(fields[4..], ["t", "t"], "{out}");
    // psql's own report agrees on the protocol and cipher.
    let (info, err, ok) = psql(&psql_bin, &conninfo("require"), "\\conninfo");
    assert!(ok, "{err}");
    assert!(info.contains(&format!("protocol: {}", fields[2])), "{info}");
    assert!(info.contains(&format!("cipher: {}", fields[3])), "{info}");

    let (out, err, ok) = psql(&psql_bin, &conninfo("disable"), sql);
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "f|f||||t");
    // A missing pid: false, with PostgreSQL's warning.
    let (out, err, ok) = psql(
        &psql_bin,
        &conninfo("disable"),
        "SELECT pg_cancel_backend(999999)",
    );
    assert!(ok, "{err}");
    assert_eq!(out.trim(), "f");
    assert!(
        err.contains("WARNING:  PID 999999 is not a PostgreSQL backend process"),
        "{err}"
    );
}
