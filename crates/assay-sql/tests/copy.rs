//! COPY through the session API: FROM STDIN fed in chunks, TO STDOUT into
//! a sink, server files, every format and option, PostgreSQL's errors and
//! CONTEXT lines, atomicity, and interrupting statements.

use assay_sql::ast::Statement;
use assay_sql::copy::{CopySink, Format};
use assay_sql::parser;
use assay_sql::session::{Engine, Session};
use assay_sql::types::Value;
use assay_storage::{Error, Result};

fn session() -> Session {
    Engine::open_memory().unwrap().session()
}

fn copy_stmt(sql: &str) -> assay_sql::ast::Copy {
    match parser::parse(sql).unwrap().pop().unwrap() {
        Statement::Copy(c) => *c,
        other => panic!("not a COPY: {other:?}"),
    }
}

/// COPY … FROM STDIN with `data` fed in pieces of `chunk` bytes.
fn copy_in(s: &mut Session, sql: &str, data: &[u8], chunk: usize) -> Result<String> {
    s.copy_in_start(&copy_stmt(sql))?;
    for piece in data.chunks(chunk.max(1)) {
        s.copy_in_data(piece)?;
    }
    Ok(s.copy_in_done()?.tag)
}

#[derive(Default)]
struct Collect {
    shape: Option<(Format, usize)>,
    bytes: Vec<u8>,
}

impl CopySink for Collect {
    fn begin(&mut self, format: Format, columns: usize) -> Result<()> {
        self.shape = Some((format, columns));
        Ok(())
    }
    fn data(&mut self, bytes: &[u8]) -> Result<()> {
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
}

fn copy_out(s: &mut Session, sql: &str) -> Result<Vec<u8>> {
    let mut sink = Collect::default();
    s.copy_out(&copy_stmt(sql), &mut sink)?;
    Ok(sink.bytes)
}

fn copy_out_text(s: &mut Session, sql: &str) -> String {
    String::from_utf8(copy_out(s, sql).unwrap()).unwrap()
}

fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    s.execute(sql).unwrap().pop().unwrap().rows
}

fn count(s: &mut Session, table: &str) -> i64 {
    match &rows(s, &format!("SELECT count(*) FROM {table}"))[0][0] {
        Value::Int8(n) => *n,
        other => panic!("{other:?}"),
    }
}

fn error_text(e: &Error) -> String {
    format!("{} {}", e.code().as_str(), e)
}

#[test]
fn text_in_with_escapes_defaults_and_any_chunking() {
    let data = b"1\tone\t\\N\n2\ttab\\there\t3\n3\t\\\\back\\x41\\101\t4\n\\.\nignored\n";
    for chunk in [1, 2, 5, 1000] {
        let mut s = session();
        s.execute("CREATE TABLE t (a int, b text, c int DEFAULT 9, d text DEFAULT 'dflt')")
            .unwrap();
        let tag = copy_in(&mut s, "COPY t (a, b, c) FROM STDIN", data, chunk).unwrap();
        assert_eq!(tag, "COPY 3");
        assert_eq!(
            copy_out_text(&mut s, "COPY (SELECT * FROM t ORDER BY a) TO STDOUT"),
            "1\tone\t\\N\tdflt\n2\ttab\\there\t3\tdflt\n3\t\\\\backAA\t4\tdflt\n"
        );
    }
}

#[test]
fn crlf_lines_and_no_final_newline() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int, b text)").unwrap();
    assert_eq!(
        copy_in(&mut s, "COPY t FROM STDIN", b"1\tx\r\n2\ty", 3).unwrap(),
        "COPY 2"
    );
    assert_eq!(
        copy_out_text(&mut s, "COPY t TO STDOUT (FORMAT csv)"),
        "1,x\n2,y\n"
    );
}

#[test]
fn bad_rows_fail_with_postgresql_context_and_leave_nothing() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int, b text NOT NULL, c varchar(3))")
        .unwrap();
    let cases: &[(&[u8], &str)] = &[
        (
            b"1\tx\tabc\n2\ty\tabcd\n",
            "22001 ERROR:  value too long for type character varying(3)\nCONTEXT:  COPY t, line 2, column c: \"abcd\"",
        ),
        (
            b"1\tx\ta\t4\n",
            "22P04 ERROR:  extra data after last expected column\nCONTEXT:  COPY t, line 1: \"1\tx\ta\t4\"",
        ),
        (
            b"1\tx\n",
            "22P04 ERROR:  missing data for column \"c\"\nCONTEXT:  COPY t, line 1: \"1\tx\"",
        ),
        (
            b"q\tx\ta\n",
            "22P02 ERROR:  invalid input syntax for type integer: \"q\"\nCONTEXT:  COPY t, line 1, column a: \"q\"",
        ),
        (
            b"1\t\\N\ta\n",
            "23502 ERROR:  null value in column \"b\" of relation \"t\" violates not-null constraint\nDETAIL:  Failing row contains (1, null, a).\nCONTEXT:  COPY t, line 1: \"1\t\\N\ta\"",
        ),
        (
            b"1\t\xff\ta\n",
            "22021 ERROR:  invalid byte sequence for encoding \"UTF8\": 0xff\nCONTEXT:  COPY t, line 1",
        ),
    ];
    for (data, expected) in cases {
        let e = copy_in(&mut s, "COPY t FROM STDIN", data, 4).unwrap_err();
        assert_eq!(&error_text(&e), expected);
        assert!(!s.copy_in_progress());
        assert_eq!(count(&mut s, "t"), 0, "nothing of a failed COPY stays");
    }
}

#[test]
fn copy_fail_and_explicit_blocks() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int)").unwrap();
    s.copy_in_start(&copy_stmt("COPY t FROM STDIN")).unwrap();
    s.copy_in_data(b"1\n2\n").unwrap();
    let e = s.copy_in_fail("client gave up");
    assert_eq!(
        error_text(&e),
        "57014 ERROR:  COPY from stdin failed: client gave up\nCONTEXT:  COPY t, line 2"
    );
    assert_eq!(count(&mut s, "t"), 0);
    // Inside a block: the rows belong to the block; an error fails it.
    s.execute("BEGIN").unwrap();
    assert_eq!(
        copy_in(&mut s, "COPY t FROM STDIN", b"5\n", 10).unwrap(),
        "COPY 1"
    );
    assert_eq!(s.transaction_status(), 'T');
    assert!(copy_in(&mut s, "COPY t FROM STDIN", b"x\n", 10).is_err());
    assert_eq!(s.transaction_status(), 'E');
    s.execute("ROLLBACK").unwrap();
    assert_eq!(count(&mut s, "t"), 0);
}

#[test]
fn csv_options() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int, b text, c text)").unwrap();
    let data = b"a,b,c\n1,\"x,\"\"y\"\"\",\n2,,\"\"\n3,\"multi\nline\",z\n";
    assert_eq!(
        copy_in(
            &mut s,
            "COPY t FROM STDIN (FORMAT csv, HEADER MATCH)",
            data,
            3
        )
        .unwrap(),
        "COPY 3"
    );
    assert_eq!(
        copy_out_text(
            &mut s,
            "COPY t TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE (a))"
        ),
        "a,b,c\n\"1\",\"x,\"\"y\"\"\",\n\"2\",,\"\"\n\"3\",\"multi\nline\",z\n"
    );
    assert_eq!(
        copy_out_text(
            &mut s,
            "COPY (SELECT a, b FROM t WHERE a = 2) TO STDOUT (FORMAT csv, NULL 'NULL', FORCE_QUOTE *)"
        ),
        "\"2\",NULL\n"
    );
    s.execute("DELETE FROM t").unwrap();
    let data = b"1,,\"\"\n";
    copy_in(
        &mut s,
        "COPY t FROM STDIN (FORMAT csv, FORCE_NOT_NULL (b), FORCE_NULL (c))",
        data,
        100,
    )
    .unwrap();
    assert_eq!(
        rows(&mut s, "SELECT b IS NULL, c IS NULL FROM t"),
        vec![vec![Value::Bool(false), Value::Bool(true)]]
    );
    s.execute("DELETE FROM t").unwrap();
    copy_in(
        &mut s,
        "COPY t FROM STDIN WITH CSV DELIMITER ';' QUOTE '''' ESCAPE '\\'",
        b"1;'a\\'b';c\n",
        100,
    )
    .unwrap();
    assert_eq!(copy_out_text(&mut s, "COPY t TO STDOUT"), "1\ta'b\tc\n");
    let e = copy_in(
        &mut s,
        "COPY t FROM STDIN (FORMAT csv, HEADER MATCH)",
        b"a,b,d\n",
        10,
    )
    .unwrap_err();
    assert_eq!(
        error_text(&e),
        "22P04 ERROR:  column name mismatch in header line field 3: got \"d\", expected \"c\"\nCONTEXT:  COPY t, line 1: \"a,b,d\""
    );
    let e = copy_in(&mut s, "COPY t FROM STDIN (FORMAT csv)", b"1,\"abc\n", 10).unwrap_err();
    assert_eq!(
        error_text(&e),
        "22P04 ERROR:  unterminated CSV quoted field\nCONTEXT:  COPY t, line 1: \"1,\"abc\n\""
    );
}

#[test]
fn binary_round_trip_of_many_types() {
    let mut s = session();
    s.execute(
        "CREATE TABLE src (i int, b bigint, f float8, n numeric(10,3), t text, d date, ts timestamptz, iv interval, u uuid, by bytea, bo bool, arr int[], j jsonb)",
    )
    .unwrap();
    s.execute(
        "INSERT INTO src VALUES (1, -5000000000, 2.5, 123.456, 'héllo', '2024-02-29', '2024-01-01 12:00:00+00', '1 mon 2 days 00:00:03', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff', true, '{1,NULL,3}', '{\"k\": [1, 2]}'), (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    )
    .unwrap();
    let data = copy_out(&mut s, "COPY src TO STDOUT (FORMAT binary)").unwrap();
    assert!(data.starts_with(b"PGCOPY\n\xff\r\n\0"));
    assert!(data.ends_with(&[0xff, 0xff]));
    s.execute("CREATE TABLE dst (LIKE src)").ok();
    s.execute(
        "CREATE TABLE IF NOT EXISTS dst (i int, b bigint, f float8, n numeric(10,3), t text, d date, ts timestamptz, iv interval, u uuid, by bytea, bo bool, arr int[], j jsonb)",
    )
    .unwrap();
    assert_eq!(
        copy_in(&mut s, "COPY dst FROM STDIN WITH BINARY", &data, 7).unwrap(),
        "COPY 2"
    );
    let a = copy_out_text(&mut s, "COPY src TO STDOUT");
    let b = copy_out_text(&mut s, "COPY dst TO STDOUT");
    assert_eq!(a, b);
    assert!(a.starts_with("1\t-5000000000\t2.5\t123.456\th\u{e9}llo\t2024-02-29\t"));
    let e = copy_in(
        &mut s,
        "COPY dst FROM STDIN (FORMAT binary)",
        b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\x02\0\x01\xff\xff",
        100,
    )
    .unwrap_err();
    assert_eq!(
        error_text(&e),
        "22P04 ERROR:  row field count is 1, expected 13\nCONTEXT:  COPY dst, line 1"
    );
    let e = copy_in(
        &mut s,
        "COPY dst FROM STDIN (FORMAT binary)",
        b"PGCOPY\nxx",
        100,
    )
    .unwrap_err();
    assert_eq!(e.message(), "COPY file signature not recognized");
}

#[test]
fn server_files_and_views() {
    let dir = std::env::temp_dir().join(format!("assay-copy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("t.data");
    let path = file.to_str().unwrap();
    let mut s = session();
    s.execute("CREATE TABLE t (a int PRIMARY KEY, b text)")
        .unwrap();
    s.execute("INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 3000) g")
        .unwrap();
    let r = s.execute(&format!("COPY t TO '{path}'")).unwrap();
    assert_eq!(r[0].tag, "COPY 3000");
    s.execute("CREATE TABLE u (a int PRIMARY KEY, b text)")
        .unwrap();
    let r = s.execute(&format!("COPY u FROM '{path}'")).unwrap();
    assert_eq!(r[0].tag, "COPY 3000");
    assert_eq!(count(&mut s, "u"), 3000);
    // The primary key holds: a second load fails whole.
    let e = s.execute(&format!("COPY u FROM '{path}'")).unwrap_err();
    assert_eq!(e.code().as_str(), "23505");
    // PostgreSQL buffers the rows: a duplicate key names the line alone.
    assert_eq!(e.where_context(), Some("COPY u, line 1"));
    assert_eq!(count(&mut s, "u"), 3000);
    let e = s.execute("COPY u FROM '/nonexistent/file'").unwrap_err();
    assert_eq!(
        error_text(&e),
        "58P01 ERROR:  could not open file \"/nonexistent/file\" for reading: No such file or directory\nHINT:  COPY FROM instructs the PostgreSQL server process to read a file. You may want a client-side facility such as psql's \\copy."
    );
    let e = s.execute("COPY u TO 'relative'").unwrap_err();
    assert_eq!(e.message(), "relative path not allowed for COPY to file");
    s.execute("CREATE VIEW v AS SELECT * FROM t").unwrap();
    let e = s.execute(&format!("COPY v TO '{path}'")).unwrap_err();
    assert_eq!(
        error_text(&e),
        "42809 ERROR:  cannot copy from view \"v\"\nHINT:  Try the COPY (SELECT ...) TO variant."
    );
    let mut sink = Collect::default();
    let e = s
        .copy_out(&copy_stmt("COPY t (zz) TO STDOUT"), &mut sink)
        .unwrap_err();
    assert_eq!(
        e.message(),
        "column \"zz\" of relation \"t\" does not exist"
    );
    let e = s
        .copy_out(&copy_stmt("COPY t (a, a) TO STDOUT"), &mut sink)
        .unwrap_err();
    assert_eq!(e.message(), "column \"a\" specified more than once");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn option_errors_come_from_the_statement() {
    let mut s = session();
    s.execute("CREATE TABLE t (a int)").unwrap();
    for (sql, expected) in [
        (
            "COPY t TO STDOUT (foo 1)",
            "42601 ERROR:  option \"foo\" not recognized",
        ),
        (
            "COPY t TO STDOUT (format foo)",
            "22023 ERROR:  COPY format \"foo\" not recognized",
        ),
        (
            "COPY t TO STDOUT (format csv, force_not_null (a))",
            "0A000 ERROR:  COPY force not null only available using COPY FROM",
        ),
        (
            "COPY t TO STDOUT (header match)",
            "0A000 ERROR:  cannot use \"match\" with HEADER in COPY TO",
        ),
    ] {
        let mut sink = Collect::default();
        let e = s.copy_out(&copy_stmt(sql), &mut sink).unwrap_err();
        assert_eq!(error_text(&e), expected, "{sql}");
        assert!(sink.shape.is_none());
    }
}

#[test]
fn statement_timeout_and_cancel_stop_statements() {
    let mut s = session();
    s.execute("SET statement_timeout = 50").unwrap();
    let e = s.execute("SELECT pg_sleep(30)").unwrap_err();
    assert_eq!(
        error_text(&e),
        "57014 ERROR:  canceling statement due to statement timeout"
    );
    let e = s
        .execute("SELECT count(*) FROM generate_series(1, 100000000000)")
        .unwrap_err();
    assert_eq!(e.code().as_str(), "57014");
    s.execute("SET statement_timeout = 0").unwrap();
    assert_eq!(rows(&mut s, "SELECT pg_sleep(0)").len(), 1);
    let handle = s.interrupt_handle();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let canceller = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(std::time::Duration::from_millis(20));
                handle.cancel();
            }
        })
    };
    let e = s.execute("SELECT pg_sleep(30)").unwrap_err();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    canceller.join().unwrap();
    assert_eq!(
        error_text(&e),
        "57014 ERROR:  canceling statement due to user request"
    );
}
