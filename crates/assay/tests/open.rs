//! Opening databases: on disk, in memory, reopened, with options.

use std::time::Duration;

use assay::{params, Database, Options, Synchronous};

#[test]
fn in_memory_databases_are_separate() {
    let a = Database::open_in_memory().unwrap();
    let b = Database::open_in_memory().unwrap();
    a.connect().execute_batch("CREATE TABLE t (x int)").unwrap();
    let e = b.connect().query("SELECT * FROM t", &[]).unwrap_err();
    assert_eq!(e.code().as_str(), "42P01");
}

#[test]
fn committed_data_survives_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.assay");
    {
        let db = Database::open(&path, Options::default()).unwrap();
        let conn = db.connect();
        conn.execute_batch("CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL UNIQUE)")
            .unwrap();
        conn.transaction(|tx| -> assay::Result<()> {
            for (id, body) in [(1, "one"), (2, "two")] {
                tx.execute("INSERT INTO notes VALUES ($1, $2)", params![id, body])?;
            }
            Ok(())
        })
        .unwrap();
        // Uncommitted work is lost with the handle.
        conn.begin().unwrap();
        conn.execute("INSERT INTO notes VALUES (3, 'three')", &[])
            .unwrap();
    }
    let db = Database::open(&path, Options::default()).unwrap();
    let conn = db.connect();
    let rows = conn
        .query("SELECT id, body FROM notes ORDER BY id", &[])
        .unwrap()
        .map_rows(|r| Ok((r.get::<i32>(0)?, r.get::<String>(1)?)))
        .unwrap();
    assert_eq!(rows, vec![(1, "one".to_string()), (2, "two".to_string())]);
    // The constraints came back with the table.
    let e = conn
        .execute("INSERT INTO notes VALUES (9, 'one')", &[])
        .unwrap_err();
    assert_eq!(e.code().as_str(), "23505");
}

#[test]
fn options_reach_the_pager() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.assay");
    let e = Database::open(&path, Options::new().create(false))
        .err()
        .expect("a missing file is not created when create is false");
    assert!(!path.exists(), "{e}");

    let options = Options::new()
        .synchronous(Synchronous::Off)
        .busy_timeout(Duration::from_millis(50))
        .cache_size(1 << 20)
        .page_size(8192);
    let db = Database::open(&path, options).unwrap();
    let pager = db.engine().pager();
    let seen = pager.options();
    assert_eq!(seen.synchronous, Synchronous::Off);
    assert_eq!(seen.busy_timeout, Duration::from_millis(50));
    assert_eq!(seen.cache_size, 1 << 20);
    assert_eq!(pager.page_size(), 8192);
    let conn = db.connect();
    conn.execute_batch("CREATE TABLE t (x int); INSERT INTO t VALUES (1)")
        .unwrap();
    drop(conn);
    drop(db);
    assert!(path.exists());
}
