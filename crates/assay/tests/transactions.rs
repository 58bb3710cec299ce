//! Transactions: closures commit or roll back, nesting uses savepoints,
//! explicit begin/commit/rollback, isolation between connections.

use assay::{params, Connection, Database, Error};

fn setup() -> (Database, Connection) {
    let db = Database::open_in_memory().unwrap();
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (x int PRIMARY KEY)")
        .unwrap();
    (db, conn)
}

fn xs(conn: &Connection) -> Vec<i32> {
    conn.query("SELECT x FROM t ORDER BY x", &[])
        .unwrap()
        .map_rows(|r| r.get(0))
        .unwrap()
}

#[test]
fn a_closure_that_returns_ok_commits() {
    let (db, conn) = setup();
    let total = conn
        .transaction(|tx| -> assay::Result<i64> {
            tx.execute("INSERT INTO t VALUES (1), (2)", &[])?;
            assert!(tx.in_transaction());
            assert_eq!(tx.savepoint_name(), None);
            tx.query_one("SELECT sum(x) FROM t", &[])?.get(0)
        })
        .unwrap();
    assert_eq!(total, 3);
    assert!(!conn.in_transaction());
    assert_eq!(xs(&db.connect()), vec![1, 2]);
}

#[test]
fn a_closure_that_returns_err_leaves_nothing() {
    let (_db, conn) = setup();
    let e = conn
        .transaction(|tx| -> assay::Result<()> {
            tx.execute("INSERT INTO t VALUES (1)", &[])?;
            tx.execute("INSERT INTO t VALUES (1)", &[])?;
            Ok(())
        })
        .unwrap_err();
    assert_eq!(e.code().as_str(), "23505");
    assert!(!conn.in_transaction());
    assert_eq!(xs(&conn), Vec::<i32>::new());
}

/// The closure's error type is the caller's, given `From<assay::Error>`.
#[derive(Debug)]
enum AppError {
    Db(Error),
    Rejected,
}

impl From<Error> for AppError {
    fn from(e: Error) -> AppError {
        AppError::Db(e)
    }
}

#[test]
fn an_application_error_rolls_back_too() {
    let (_db, conn) = setup();
    let outcome = conn.transaction(|tx| {
        tx.execute("INSERT INTO t VALUES (5)", &[])?;
        Err::<(), _>(AppError::Rejected)
    });
    assert!(matches!(outcome, Err(AppError::Rejected)));
    assert_eq!(xs(&conn), Vec::<i32>::new());
    let outcome: Result<(), AppError> = conn.transaction(|tx| {
        tx.execute("INSERT INTO nowhere VALUES (5)", &[])?;
        Ok(())
    });
    assert!(matches!(outcome, Err(AppError::Db(e)) if e.code().as_str() == "42P01"));
}

#[test]
fn a_panicking_closure_rolls_back() {
    let (_db, conn) = setup();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        conn.transaction(|tx| -> assay::Result<()> {
            tx.execute("INSERT INTO t VALUES (1)", &[])?;
            panic!("boom");
        })
    }));
    assert!(caught.is_err());
    assert!(!conn.in_transaction());
    assert_eq!(xs(&conn), Vec::<i32>::new());
}

#[test]
fn a_failed_nested_transaction_keeps_the_outer_work() {
    let (_db, conn) = setup();
    conn.transaction(|tx| -> assay::Result<()> {
        tx.execute("INSERT INTO t VALUES (1)", &[])?;
        let inner = tx.transaction(|tx| -> assay::Result<()> {
            assert_eq!(tx.savepoint_name(), Some("assay_tx_1"));
            tx.execute("INSERT INTO t VALUES (2)", &[])?;
            tx.execute("INSERT INTO t VALUES (1)", &[])?; // 23505
            Ok(())
        });
        assert_eq!(inner.unwrap_err().code().as_str(), "23505");
        // The block is usable again, and a second nesting commits.
        tx.transaction(|tx| -> assay::Result<()> {
            tx.execute("INSERT INTO t VALUES (3)", &[])?;
            tx.transaction(|tx| -> assay::Result<()> {
                assert_eq!(tx.savepoint_name(), Some("assay_tx_2"));
                tx.execute("INSERT INTO t VALUES (4)", &[])?;
                Ok(())
            })
        })?;
        Ok(())
    })
    .unwrap();
    assert_eq!(xs(&conn), vec![1, 3, 4]);
}

#[test]
fn a_swallowed_statement_error_does_not_commit() {
    let (_db, conn) = setup();
    let e = conn
        .transaction(|tx| -> assay::Result<()> {
            tx.execute("INSERT INTO t VALUES (1)", &[])?;
            let _ignored = tx.execute("INSERT INTO t VALUES (1)", &[]);
            Ok(())
        })
        .unwrap_err();
    assert_eq!(e.code().as_str(), "25P02");
    assert!(!conn.in_transaction());
    assert_eq!(xs(&conn), Vec::<i32>::new());
}

#[test]
fn explicit_begin_commit_and_rollback() {
    let (_db, conn) = setup();
    conn.begin().unwrap();
    assert_eq!(conn.begin().unwrap_err().code().as_str(), "25001");
    conn.execute("INSERT INTO t VALUES (1)", &[]).unwrap();
    conn.commit().unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t VALUES (2)", &[]).unwrap();
    conn.rollback().unwrap();
    assert_eq!(xs(&conn), vec![1]);
    assert_eq!(conn.commit().unwrap_err().code().as_str(), "25P01");
    assert_eq!(conn.rollback().unwrap_err().code().as_str(), "25P01");

    // A commit after a failed statement rolls back and says so.
    conn.begin().unwrap();
    conn.execute("INSERT INTO t VALUES (3)", &[]).unwrap();
    conn.execute("INSERT INTO t VALUES (1)", &[]).unwrap_err();
    assert_eq!(conn.transaction_status(), 'E');
    assert_eq!(conn.commit().unwrap_err().code().as_str(), "25P02");
    assert_eq!(xs(&conn), vec![1]);

    // A closure inside an explicit block nests as a savepoint.
    conn.begin().unwrap();
    conn.transaction(|tx| {
        assert_eq!(tx.savepoint_name(), Some("assay_tx_1"));
        tx.execute("INSERT INTO t VALUES (4)", &[])
    })
    .unwrap();
    assert!(conn.in_transaction());
    conn.commit().unwrap();
    assert_eq!(xs(&conn), vec![1, 4]);
}

#[test]
fn uncommitted_work_is_invisible_to_another_connection() {
    let (db, writer) = setup();
    let reader = db.connect();
    writer.begin().unwrap();
    writer
        .execute("INSERT INTO t VALUES ($1)", params![7])
        .unwrap();
    assert_eq!(xs(&writer), vec![7]);
    assert_eq!(xs(&reader), Vec::<i32>::new());
    writer.commit().unwrap();
    assert_eq!(xs(&reader), vec![7]);
}

#[test]
fn connections_work_from_other_threads() {
    let (db, conn) = setup();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let db = db.clone();
            std::thread::spawn(move || {
                let conn = db.connect();
                for j in 0..25 {
                    conn.transaction(|tx| {
                        tx.execute("INSERT INTO t VALUES ($1)", params![i * 100 + j])
                    })
                    .unwrap();
                }
                conn
            })
        })
        .collect();
    for h in handles {
        // The connection itself moves back to this thread.
        let moved = h.join().unwrap();
        assert!(!moved.in_transaction());
    }
    let n: i64 = conn
        .query_one("SELECT count(*) FROM t", &[])
        .unwrap()
        .get(0)
        .unwrap();
    assert_eq!(n, 100);
}

#[test]
fn a_second_writer_waits_for_the_busy_timeout_then_fails() {
    let dir = tempfile::tempdir().unwrap();
    let options = assay::Options::new().busy_timeout(std::time::Duration::from_millis(50));
    let db = Database::open(dir.path().join("db"), options).unwrap();
    let first = db.connect();
    first
        .execute_batch("CREATE TABLE t (x int PRIMARY KEY)")
        .unwrap();
    first.begin().unwrap();
    first.execute("INSERT INTO t VALUES (1)", &[]).unwrap();
    let second = db.connect();
    let started = std::time::Instant::now();
    let e = second.execute("INSERT INTO t VALUES (2)", &[]).unwrap_err();
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    assert_eq!(
        (e.code().as_str(), e.message()),
        ("55P03", "database is locked")
    );
    // Readers are not blocked, and the writer goes on.
    assert_eq!(xs(&second), Vec::<i32>::new());
    first.commit().unwrap();
    second.execute("INSERT INTO t VALUES (2)", &[]).unwrap();
    assert_eq!(xs(&first), vec![1, 2]);
}
