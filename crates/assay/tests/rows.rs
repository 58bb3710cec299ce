//! Rows that stream: the snapshot and transaction a `Rows` holds, what
//! other statements may do meanwhile, errors halfway, and what runs whole.

use assay::{params, Connection, Database, Options};

fn setup(rows: i32) -> (Database, Connection) {
    let db = Database::open_in_memory().unwrap();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (id int PRIMARY KEY)")
        .unwrap();
    conn.execute("INSERT INTO t SELECT generate_series(1, $1)", params![rows])
        .unwrap();
    (db, conn)
}

fn count(conn: &Connection) -> i64 {
    conn.query_one("SELECT count(*) FROM t", &[])
        .unwrap()
        .get(0)
        .unwrap()
}

#[test]
fn a_scan_reads_every_row_in_order_across_batches() {
    let (_db, conn) = setup(5000);
    let mut rows = conn.query("SELECT id FROM t ORDER BY id", &[]).unwrap();
    assert!(rows.is_streaming());
    assert_eq!(rows.columns()[0].name(), "id");
    let mut expected = 1;
    for row in rows.by_ref() {
        assert_eq!(row.unwrap().get::<i32>(0).unwrap(), expected);
        expected += 1;
    }
    assert_eq!(expected, 5001);
    assert!(!rows.is_streaming());
    assert!(rows.next().is_none());
    drop(rows);
    // The query's transaction ended with its last row.
    assert_eq!(count(&conn), 5000);
}

#[test]
fn a_small_result_ends_in_the_statement_that_ran_it() {
    let (_db, conn) = setup(10);
    let rows = conn.query("SELECT id FROM t", &[]).unwrap();
    assert!(!rows.is_streaming());
    // Nothing is held, so other statements run while it is alive.
    assert_eq!(count(&conn), 10);
    assert_eq!(rows.count(), 10);
}

#[test]
fn other_statements_wait_for_rows_read_outside_a_transaction() {
    let (_db, conn) = setup(1000);
    let mut rows = conn.query("SELECT id FROM t ORDER BY id", &[]).unwrap();
    let first: i32 = rows.next().unwrap().unwrap().get(0).unwrap();
    assert_eq!(first, 1);
    for e in [
        conn.execute("DELETE FROM t", &[]).unwrap_err(),
        conn.query("SELECT 1", &[]).unwrap_err(),
        conn.begin().unwrap_err(),
        conn.transaction(|_| Ok::<(), assay::Error>(()))
            .unwrap_err(),
    ] {
        assert_eq!(e.code().as_str(), "55006", "{e}");
    }
    assert!(!conn.in_transaction());
    // The refused statements changed nothing; the rows read on.
    assert_eq!(rows.count(), 999);
    assert_eq!(count(&conn), 1000);
}

#[test]
fn inside_a_transaction_rows_and_statements_interleave() {
    let (_db, conn) = setup(1000);
    conn.execute_batch("CREATE TABLE seen (id int)").unwrap();
    conn.transaction(|tx| -> assay::Result<()> {
        let mut n = 0;
        for row in tx.query("SELECT id FROM t WHERE id % 100 = 0 ORDER BY id", &[])? {
            let id: i32 = row?.get(0)?;
            tx.execute("INSERT INTO seen VALUES ($1)", params![id])?;
            // A second result read while the first is open.
            let below: i64 = tx
                .query_one("SELECT count(*) FROM t WHERE id < $1", params![id])?
                .get(0)?;
            assert_eq!(below, i64::from(id) - 1);
            n += 1;
        }
        assert_eq!(n, 10);
        Ok(())
    })
    .unwrap();
    let seen: i64 = conn
        .query_one("SELECT sum(id) FROM seen", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(seen, 5500);
}

#[test]
fn rows_past_their_transaction_fail_with_34000() {
    let (_db, conn) = setup(1000);
    conn.begin().unwrap();
    let mut rows = conn.query("SELECT id FROM t", &[]).unwrap();
    rows.next().unwrap().unwrap();
    conn.commit().unwrap();
    // The rows already fetched are still there; the next batch is not.
    let e = rows.find_map(|r| r.err()).unwrap();
    assert_eq!(e.code().as_str(), "34000");
    assert!(rows.next().is_none());
}

#[test]
fn an_error_halfway_ends_the_rows_and_rolls_their_transaction_back() {
    let (_db, conn) = setup(1000);
    let rows = conn.query("SELECT 1000 / (700 - id) FROM t", &[]).unwrap();
    let mut ok = 0;
    let mut errors = Vec::new();
    for row in rows {
        match row {
            Ok(_) => ok += 1,
            Err(e) => errors.push(e.code().as_str().to_string()),
        }
    }
    assert_eq!(errors, ["22012"]);
    // Batches before the failing one arrived whole.
    assert!(ok > 0 && ok < 700, "{ok}");
    assert!(!conn.in_transaction());
    assert_eq!(count(&conn), 1000);
}

#[test]
fn an_error_halfway_inside_a_transaction_fails_it() {
    let (_db, conn) = setup(1000);
    let outcome = conn.transaction(|tx| -> assay::Result<i64> {
        tx.execute("DELETE FROM t WHERE id = 1", &[])?;
        let mut total = 0i64;
        for row in tx.query("SELECT 1000 / (700 - id) FROM t", &[])? {
            total += row?.get::<i32>(0)? as i64;
        }
        Ok(total)
    });
    assert_eq!(outcome.unwrap_err().code().as_str(), "22012");
    assert_eq!(count(&conn), 1000);
}

#[test]
fn statements_that_write_run_whole_before_returning_rows() {
    let (_db, conn) = setup(1000);
    let rows = conn
        .query("DELETE FROM t WHERE id > 10 RETURNING id", &[])
        .unwrap();
    assert!(!rows.is_streaming());
    // The delete is committed already, before a row was read.
    assert_eq!(count(&conn), 10);
    assert_eq!(rows.count(), 990);
    let updated = conn
        .query("UPDATE t SET id = id + 100 RETURNING id", &[])
        .unwrap()
        .map_rows(|r| r.get::<i32>(0))
        .unwrap();
    assert_eq!(updated.len(), 10);
}

#[test]
fn query_one_opt_and_row_read_only_what_they_need() {
    let (_db, conn) = setup(100_000);
    let e = conn.query_one("SELECT id FROM t", &[]).unwrap_err();
    assert_eq!(e.code().as_str(), "P0003");
    let e = conn.query_opt("SELECT id FROM t", &[]).unwrap_err();
    assert_eq!(e.code().as_str(), "P0003");
    let first = conn
        .query_row("SELECT id FROM t ORDER BY id", &[], |r| r.get::<i32>(0))
        .unwrap();
    assert_eq!(first, 1);
    // Each left no transaction behind.
    assert!(conn
        .query_opt("SELECT id FROM t WHERE id = 0", &[])
        .unwrap()
        .is_none());
    let stmt = conn.prepare("SELECT id FROM t WHERE id > $1").unwrap();
    assert_eq!(stmt.query(params![99_990]).unwrap().count(), 10);
    assert_eq!(
        stmt.query_one(params![99_999])
            .unwrap()
            .get::<i32>(0)
            .unwrap(),
        100_000
    );
    assert_eq!(count(&conn), 100_000);
}

#[test]
fn dropping_rows_early_releases_their_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(
        dir.path().join("snap.assay"),
        Options::new().autocheckpoint(0),
    )
    .unwrap();
    let reader = db.connect();
    let writer = db.connect();
    reader
        .execute_batch("CREATE TABLE t (id int PRIMARY KEY)")
        .unwrap();
    reader
        .execute("INSERT INTO t SELECT generate_series(1, 10000)", &[])
        .unwrap();
    let pager = db.engine().pager().clone();
    {
        let mut rows = reader.query("SELECT id FROM t ORDER BY id", &[]).unwrap();
        for row in rows.by_ref() {
            if row.unwrap().get::<i32>(0).unwrap() == 100 {
                break;
            }
        }
        writer.execute("INSERT INTO t VALUES (20000)", &[]).unwrap();
        // The open rows still read the snapshot before that commit, so a
        // checkpoint cannot start the WAL over.
        assert!(!pager.checkpoint().unwrap().restarted);
        assert_eq!(rows.next().unwrap().unwrap().get::<i32>(0).unwrap(), 101);
        assert!(rows.is_streaming());
    }
    // Dropped: the snapshot is gone, the writer's row is visible.
    assert!(pager.checkpoint().unwrap().restarted);
    let max: i32 = reader
        .query_one("SELECT max(id) FROM t", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(max, 20000);
}

#[test]
fn a_streamed_query_may_advance_a_sequence() {
    let (_db, conn) = setup(10);
    conn.execute_batch("CREATE SEQUENCE s").unwrap();
    let mut rows = conn
        .query("SELECT nextval('s') FROM generate_series(1, 1000)", &[])
        .unwrap();
    assert!(rows.is_streaming());
    let first: i64 = rows.next().unwrap().unwrap().get(0).unwrap();
    assert_eq!(first, 1);
    let last: i64 = rows.last().unwrap().unwrap().get(0).unwrap();
    assert_eq!(last, 1000);
    let next: i64 = conn
        .query_one("SELECT nextval('s')", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(next, 1001);
}

#[test]
fn ddl_on_a_table_open_rows_read_fails_inside_a_transaction() {
    let (_db, conn) = setup(5000);
    conn.begin().unwrap();
    let mut rows = conn.query("SELECT id FROM t", &[]).unwrap();
    rows.next().unwrap().unwrap();
    let e = conn.execute("DROP TABLE t", &[]).unwrap_err();
    assert_eq!(e.code().as_str(), "55006", "{e}");
    assert_eq!(conn.transaction_status(), 'E');
    drop(rows);
    conn.rollback().unwrap();
    // Once the rows are gone the table may go.
    conn.transaction(|tx| -> assay::Result<()> {
        let mut rows = tx.query("SELECT id FROM t", &[])?;
        rows.next().unwrap()?;
        drop(rows);
        tx.execute("DROP TABLE t", &[])?;
        Ok(())
    })
    .unwrap();
}
