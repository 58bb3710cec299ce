//! SQL-level PREPARE/EXECUTE and DECLARE/FETCH over the wire, in both the
//! simple and the extended protocol (as tokio-postgres and psycopg's
//! server-side cursors use them).

mod common;

use common::{connect, TestServer};
use tokio_postgres::SimpleQueryMessage;

/// The first column of each row, and the last command tag's count.
fn texts(messages: &[SimpleQueryMessage]) -> (Vec<String>, Option<u64>) {
    let mut rows = Vec::new();
    let mut count = None;
    for m in messages {
        match m {
            SimpleQueryMessage::Row(r) => rows.push(r.get(0).unwrap_or("NULL").to_string()),
            SimpleQueryMessage::CommandComplete(n) => count = Some(*n),
            _ => {}
        }
    }
    (rows, count)
}

#[tokio::test]
async fn prepare_and_execute_in_sql() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute(
            "CREATE TABLE p (a int, b text);
             INSERT INTO p VALUES (1, 'x'), (2, 'y'), (3, 'z');
             PREPARE pick(int) AS SELECT b FROM p WHERE a >= $1 ORDER BY a;
             PREPARE add AS INSERT INTO p VALUES ($1, $2)",
        )
        .await
        .unwrap();
    let (rows, count) = texts(&client.simple_query("EXECUTE pick(2)").await.unwrap());
    assert_eq!(
        (rows, count),
        (vec!["y".to_string(), "z".to_string()], Some(2))
    );
    let inserted = client.simple_query("EXECUTE add(4, 'w')").await.unwrap();
    assert!(matches!(
        inserted.last(),
        Some(SimpleQueryMessage::CommandComplete(1))
    ));

    // EXECUTE through the extended protocol: described by its statement.
    let rows = client.query("EXECUTE pick(4)", &[]).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, &str>(0), "w");

    // A protocol-level named statement shows in the view, not from SQL.
    let stmt = client
        .prepare("SELECT a FROM p WHERE a = $1")
        .await
        .unwrap();
    let views = client
        .query(
            "SELECT name, from_sql FROM pg_prepared_statements ORDER BY from_sql, name",
            &[],
        )
        .await
        .unwrap();
    let listed: Vec<(String, bool)> = views.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert!(listed.contains(&("add".to_string(), true)));
    assert!(listed.contains(&("pick".to_string(), true)));
    assert!(listed.iter().any(|(_, sql)| !sql), "{listed:?}");
    client.query(&stmt, &[&1i32]).await.unwrap();

    let e = client.simple_query("EXECUTE nope").await.unwrap_err();
    assert_eq!(e.code().unwrap().code(), "26000");
}

#[tokio::test]
async fn cursors_over_both_protocols() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute(
            "CREATE TABLE c (a int PRIMARY KEY);
             INSERT INTO c SELECT g FROM generate_series(1, 100) g",
        )
        .await
        .unwrap();

    let e = client
        .simple_query("DECLARE x CURSOR FOR SELECT a FROM c")
        .await
        .unwrap_err();
    assert_eq!(e.code().unwrap().code(), "25P01");

    client
        .batch_execute("BEGIN; DECLARE cur SCROLL CURSOR FOR SELECT a FROM c ORDER BY a")
        .await
        .unwrap();
    let (rows, count) = texts(&client.simple_query("FETCH 3 FROM cur").await.unwrap());
    assert_eq!(
        (rows, count),
        (vec!["1".into(), "2".into(), "3".into()], Some(3))
    );
    let (_, moved) = texts(&client.simple_query("MOVE 10 IN cur").await.unwrap());
    assert_eq!(moved, Some(10));

    // FETCH through the extended protocol, described by the cursor.
    let rows = client.query("FETCH 2 FROM cur", &[]).await.unwrap();
    let values: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [14, 15]);
    let rows = client
        .query("FETCH BACKWARD 1 FROM cur", &[])
        .await
        .unwrap();
    assert_eq!(rows[0].get::<_, i32>(0), 14);

    // A cursor declared with a bound parameter, as psycopg's server-side
    // cursors declare them.
    client
        .execute(
            "DECLARE bound CURSOR FOR SELECT a FROM c WHERE a > $1 ORDER BY a",
            &[&97i32],
        )
        .await
        .unwrap();
    let rows = client.query("FETCH ALL FROM bound", &[]).await.unwrap();
    let values: Vec<i32> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [98, 99, 100]);

    let e = client
        .simple_query("FETCH PRIOR FROM nope")
        .await
        .unwrap_err();
    assert_eq!(e.code().unwrap().code(), "34000");
    client.batch_execute("ROLLBACK").await.unwrap();

    // WITH HOLD survives the commit.
    client
        .batch_execute(
            "BEGIN; DECLARE h CURSOR WITH HOLD FOR SELECT a FROM c WHERE a <= 3 ORDER BY a; COMMIT",
        )
        .await
        .unwrap();
    let (rows, _) = texts(&client.simple_query("FETCH ALL FROM h").await.unwrap());
    assert_eq!(rows, ["1", "2", "3"]);
    client.batch_execute("CLOSE h; DISCARD ALL").await.unwrap();
}

#[tokio::test]
async fn a_portal_with_a_row_limit_streams() {
    let server = TestServer::start();
    let mut client = connect(&server).await;
    client
        .batch_execute(
            "CREATE SEQUENCE s; CREATE TABLE few (a int); INSERT INTO few VALUES (1), (2)",
        )
        .await
        .unwrap();
    let tx = client.transaction().await.unwrap();
    let stmt = tx
        .prepare("SELECT nextval('s') FROM generate_series(1, 100000000)")
        .await
        .unwrap();
    let portal = tx.bind(&stmt, &[]).await.unwrap();
    let rows = tx.query_portal(&portal, 3).await.unwrap();
    let values: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [1, 2, 3]);
    // Only the rows asked for were computed.
    let current: i64 = tx
        .query_one("SELECT currval('s')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(current, 3);
    let rows = tx.query_portal(&portal, 2).await.unwrap();
    let values: Vec<i64> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(values, [4, 5]);

    // A portal read to its end, in batches.
    let stmt = tx.prepare("SELECT a FROM few ORDER BY a").await.unwrap();
    let portal = tx.bind(&stmt, &[]).await.unwrap();
    assert_eq!(tx.query_portal(&portal, 2).await.unwrap().len(), 2);
    assert_eq!(tx.query_portal(&portal, 2).await.unwrap().len(), 0);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn deallocate_reaches_protocol_statements() {
    let server = TestServer::start();
    let client = connect(&server).await;
    let kept = client.prepare("SELECT 1").await.unwrap();
    let dropped = client.prepare("SELECT 2").await.unwrap();
    let (names, _) = texts(
        &client
            .simple_query("SELECT name FROM pg_prepared_statements ORDER BY name")
            .await
            .unwrap(),
    );
    assert_eq!(names.len(), 2, "{names:?}");
    // One namespace, as in PostgreSQL: DEALLOCATE names a protocol statement.
    // (tokio-postgres numbers statements across the process, so the name is
    // looked up by the statement's text.)
    let name = protocol_name(&client, "SELECT 2").await;
    client
        .batch_execute(&format!("DEALLOCATE {name}"))
        .await
        .unwrap();
    let e = client.query(&dropped, &[]).await.unwrap_err();
    assert_eq!(e.code().unwrap().code(), "26000");
    assert_eq!(
        client.query_one(&kept, &[]).await.unwrap().get::<_, i32>(0),
        1
    );
    // DEALLOCATE ALL drops the rest.
    client.batch_execute("DEALLOCATE ALL").await.unwrap();
    let e = client.query(&kept, &[]).await.unwrap_err();
    assert_eq!(e.code().unwrap().code(), "26000");
}

/// The name the client gave the protocol statement parsed from `text`.
async fn protocol_name(client: &tokio_postgres::Client, text: &str) -> String {
    let row = client
        .query_one(
            "SELECT name FROM pg_prepared_statements WHERE statement = $1 AND NOT from_sql",
            &[&text],
        )
        .await
        .unwrap();
    row.get(0)
}

#[tokio::test]
async fn execute_runs_a_statement_parsed_through_the_protocol() {
    let server = TestServer::start();
    let client = connect(&server).await;
    client
        .batch_execute("CREATE TABLE e (a int, b text)")
        .await
        .unwrap();
    let insert_text = "INSERT INTO e VALUES ($1, $2)";
    let pick_text = "SELECT b FROM e WHERE a >= $1 ORDER BY a";
    let _insert = client.prepare(insert_text).await.unwrap();
    let pick = client.prepare(pick_text).await.unwrap();
    let insert = protocol_name(&client, insert_text).await;
    let name = protocol_name(&client, pick_text).await;
    for (a, b) in [(1, "x"), (2, "y"), (3, "z")] {
        let sql = format!("EXECUTE {insert}({a}, '{b}')");
        let (_, count) = texts(&client.simple_query(&sql).await.unwrap());
        assert_eq!(count, Some(1));
    }
    let sql = format!("EXECUTE {name}(2)");
    let (rows, count) = texts(&client.simple_query(&sql).await.unwrap());
    assert_eq!(
        (rows, count),
        (vec!["y".to_string(), "z".to_string()], Some(2))
    );
    // The argument is converted to the parameter's type, as for PREPARE.
    let sql = format!("EXECUTE {name}('3')");
    let (rows, _) = texts(&client.simple_query(&sql).await.unwrap());
    assert_eq!(rows, vec!["z".to_string()]);
    let sql = format!("EXECUTE {name}(1, 2)");
    let e = client.simple_query(&sql).await.unwrap_err();
    assert_eq!(e.as_db_error().unwrap().code().code(), "42601");
    let executions = client
        .query_one(
            "SELECT generic_plans FROM pg_prepared_statements WHERE name = $1",
            &[&name],
        )
        .await
        .unwrap();
    assert_eq!(executions.get::<_, i64>(0), 2);
    // Once closed, the name is gone.
    drop(pick);
    client.simple_query("SELECT 1").await.unwrap();
    let e = client
        .simple_query(&format!("EXECUTE {name}(1)"))
        .await
        .unwrap_err();
    assert_eq!(e.as_db_error().unwrap().code().code(), "26000");
}
