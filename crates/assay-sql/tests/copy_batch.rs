//! COPY FROM's batch insert (`copy/insert.rs`): the rows it writes are
//! those INSERT writes, constraints fail with PostgreSQL's errors and
//! CONTEXT lines, and a failed COPY leaves the table as it was.

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

fn copy_in(s: &mut Session, sql: &str, data: &[u8], chunk: usize) -> Result<String> {
    s.copy_in_start(&copy_stmt(sql))?;
    for piece in data.chunks(chunk.max(1)) {
        s.copy_in_data(piece)?;
    }
    Ok(s.copy_in_done()?.tag)
}

#[derive(Default)]
struct Collect(Vec<u8>);

impl CopySink for Collect {
    fn begin(&mut self, _: Format, _: usize) -> Result<()> {
        Ok(())
    }
    fn data(&mut self, bytes: &[u8]) -> Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

fn dump(s: &mut Session, query: &str) -> String {
    let mut sink = Collect::default();
    s.copy_out(&copy_stmt(&format!("COPY ({query}) TO STDOUT")), &mut sink)
        .unwrap();
    String::from_utf8(sink.0).unwrap()
}

fn rows(s: &mut Session, sql: &str) -> Vec<Vec<Value>> {
    s.execute(sql).unwrap().pop().unwrap().rows
}

fn error_text(e: &Error) -> String {
    format!("{} {}", e.code().as_str(), e)
}

const TABLE: &str = "CREATE TABLE t (
    id serial PRIMARY KEY,
    a int NOT NULL,
    b varchar(4) UNIQUE,
    c char(3) DEFAULT 'zz',
    d numeric(6, 2) CHECK (d >= 0),
    e text DEFAULT 'x' || 'y',
    f int DEFAULT 7
)";

/// The same rows through COPY and through INSERT give the same table:
/// serial and expression defaults, typmods (char padding, numeric
/// rounding), NULL markers, columns left out.
#[test]
fn copy_writes_what_insert_writes() {
    let mut by_copy = session();
    let mut by_insert = session();
    for s in [&mut by_copy, &mut by_insert] {
        s.execute(TABLE).unwrap();
        s.execute("CREATE INDEX t_lower ON t (lower(e))").unwrap();
    }
    let data = b"1\tab\ta\t1.005\n2\t\\N\t\\N\t\\N\n3\tabcd\tabc\t0\n";
    for chunk in [3, 1000] {
        by_copy.execute("TRUNCATE t").unwrap();
        assert_eq!(
            copy_in(&mut by_copy, "COPY t (a, b, c, d) FROM STDIN", data, chunk).unwrap(),
            "COPY 3"
        );
    }
    by_insert
        .execute("ALTER SEQUENCE t_id_seq RESTART 4")
        .unwrap();
    by_insert
        .execute(
            "INSERT INTO t (a, b, c, d) VALUES (1, 'ab', 'a', 1.005), (2, NULL, NULL, NULL), \
             (3, 'abcd', 'abc', 0)",
        )
        .unwrap();
    let query = "SELECT *, lower(e) FROM t ORDER BY id";
    let copied = dump(&mut by_copy, query);
    assert_eq!(copied, dump(&mut by_insert, query));
    assert_eq!(
        copied,
        "4\t1\tab\ta  \t1.01\txy\t7\txy\n5\t2\t\\N\t\\N\t\\N\txy\t7\txy\n\
         6\t3\tabcd\tabc\t0.00\txy\t7\txy\n"
    );
    // The expression index was filled: it answers a lookup.
    assert_eq!(
        rows(&mut by_copy, "SELECT count(*) FROM t WHERE lower(e) = 'xy'"),
        vec![vec![Value::Int8(3)]]
    );
}

#[test]
fn csv_with_null_markers_and_quotes() {
    let mut s = session();
    s.execute("CREATE TABLE c (a int, b text, d text DEFAULT 'dflt')")
        .unwrap();
    let data = b"1,\"\",x\n2,,\"\"\n3,NULL,\"NULL\"\n";
    assert_eq!(
        copy_in(
            &mut s,
            "COPY c FROM STDIN (FORMAT csv, NULL 'NULL', FORCE_NULL (d))",
            data,
            5
        )
        .unwrap(),
        "COPY 3"
    );
    assert_eq!(
        dump(
            &mut s,
            "SELECT a, b IS NULL, b, d IS NULL FROM c ORDER BY a"
        ),
        "1\tf\t\tf\n2\tf\t\tf\n3\tt\t\\N\tt\n"
    );
    assert_eq!(
        copy_in(
            &mut s,
            "COPY c (a) FROM STDIN (FORMAT csv, HEADER)",
            b"a\n9\n",
            2
        )
        .unwrap(),
        "COPY 1"
    );
    assert_eq!(
        dump(&mut s, "SELECT b, d FROM c WHERE a = 9"),
        "\\N\tdflt\n"
    );
}

/// Every constraint failure: PostgreSQL's message and CONTEXT, and the
/// table (with rows from before) unchanged, including the rows the
/// failed COPY had inserted before its bad line.
#[test]
fn constraint_failures_leave_the_table_unchanged() {
    let mut s = session();
    s.execute(TABLE).unwrap();
    s.execute("CREATE TABLE child (p int REFERENCES t (id))")
        .unwrap();
    copy_in(&mut s, "COPY t (a, b) FROM STDIN", b"1\tkeep\n", 10).unwrap();
    let before = dump(&mut s, "SELECT * FROM t ORDER BY id");
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "COPY t (a, b) FROM STDIN",
            b"2\tnew\n3\tkeep\n",
            "23505 ERROR:  duplicate key value violates unique constraint \"t_b_key\"\n\
             DETAIL:  Key (b)=(keep) already exists.\nCONTEXT:  COPY t, line 2",
        ),
        (
            "COPY t (id, a) FROM STDIN",
            b"50\t1\n50\t2\n",
            "23505 ERROR:  duplicate key value violates unique constraint \"t_pkey\"\n\
             DETAIL:  Key (id)=(50) already exists.\nCONTEXT:  COPY t, line 2",
        ),
        (
            "COPY t (a, b) FROM STDIN",
            b"2\tn1\n\\N\tn2\n",
            "23502 ERROR:  null value in column \"a\" of relation \"t\" violates not-null constraint\n\
             DETAIL:  Failing row contains (5, null, n2, zz , null, xy, 7).\n\
             CONTEXT:  COPY t, line 2: \"\\N\tn2\"",
        ),
        (
            "COPY t (a, d) FROM STDIN",
            b"2\t1\n3\t-1\n",
            "23514 ERROR:  new row for relation \"t\" violates check constraint \"t_d_check\"\n\
             DETAIL:  Failing row contains (7, 3, null, zz , -1.00, xy, 7).\n\
             CONTEXT:  COPY t, line 2: \"3\t-1\"",
        ),
        (
            "COPY t (a, b) FROM STDIN",
            b"2\ttoolong\n",
            "22001 ERROR:  value too long for type character varying(4)\n\
             CONTEXT:  COPY t, line 1, column b: \"toolong\"",
        ),
        (
            "COPY t (a) FROM STDIN",
            b"2\n2x\n",
            "22P02 ERROR:  invalid input syntax for type integer: \"2x\"\n\
             CONTEXT:  COPY t, line 2, column a: \"2x\"",
        ),
        (
            "COPY t (a, b) FROM STDIN",
            b"2\n",
            "22P04 ERROR:  missing data for column \"b\"\nCONTEXT:  COPY t, line 1: \"2\"",
        ),
        (
            "COPY child FROM STDIN",
            b"1\n99\n",
            "23503 ERROR:  insert or update on table \"child\" violates foreign key constraint \"child_p_fkey\"\n\
             DETAIL:  Key (p)=(99) is not present in table \"t\".",
        ),
    ];
    for (sql, data, expected) in cases {
        // Sequence values a failed COPY took stay taken, as in PostgreSQL
        // (the ids in the DETAILs are PostgreSQL's).
        let e = copy_in(&mut s, sql, data, 3).unwrap_err();
        assert_eq!(&error_text(&e), expected, "{sql}");
        assert!(!s.copy_in_progress());
        assert_eq!(dump(&mut s, "SELECT * FROM t ORDER BY id"), before, "{sql}");
        assert_eq!(dump(&mut s, "SELECT count(*) FROM child"), "0\n");
    }
}

/// A volatile default (not `nextval`) makes PostgreSQL insert row by row:
/// a duplicate key's CONTEXT then shows the line's text.
#[test]
fn volatile_default_shows_the_line_of_a_duplicate() {
    let mut s = session();
    s.execute("CREATE TABLE v (a int PRIMARY KEY, r float8 DEFAULT random())")
        .unwrap();
    let e = copy_in(&mut s, "COPY v (a) FROM STDIN", b"1\n1\n", 10).unwrap_err();
    assert_eq!(
        error_text(&e),
        "23505 ERROR:  duplicate key value violates unique constraint \"v_pkey\"\n\
         DETAIL:  Key (a)=(1) already exists.\nCONTEXT:  COPY v, line 2: \"1\""
    );
    assert_eq!(dump(&mut s, "SELECT count(*) FROM v"), "0\n");
}

/// A COPY inside a block: its rows stay with the block; a failed one
/// fails the block, and ROLLBACK TO SAVEPOINT keeps what came before.
#[test]
fn blocks_and_savepoints() {
    let mut s = session();
    s.execute("CREATE TABLE k (a int PRIMARY KEY)").unwrap();
    s.execute("BEGIN").unwrap();
    copy_in(&mut s, "COPY k FROM STDIN", b"1\n2\n", 10).unwrap();
    s.execute("SAVEPOINT sp").unwrap();
    let e = copy_in(&mut s, "COPY k FROM STDIN", b"3\n1\n", 10).unwrap_err();
    assert_eq!(e.code().as_str(), "23505");
    assert_eq!(s.transaction_status(), 'E');
    s.execute("ROLLBACK TO SAVEPOINT sp").unwrap();
    copy_in(&mut s, "COPY k FROM STDIN", b"3\n", 10).unwrap();
    s.execute("COMMIT").unwrap();
    assert_eq!(dump(&mut s, "SELECT a FROM k ORDER BY a"), "1\n2\n3\n");
}

#[test]
fn copy_stores_given_values_of_a_generated_always_identity() {
    // As in PostgreSQL, COPY is not INSERT's rewriter: a column GENERATED
    // ALWAYS takes the value COPY gives it (and its sequence stays put),
    // while a plain INSERT of a value is refused.
    let mut s = session();
    s.execute("CREATE TABLE g (id int GENERATED ALWAYS AS IDENTITY, v text)")
        .unwrap();
    assert_eq!(
        copy_in(&mut s, "COPY g FROM STDIN", b"5\tx\n6\ty\n", 4).unwrap(),
        "COPY 2"
    );
    s.execute("INSERT INTO g (v) VALUES ('z')").unwrap();
    assert_eq!(
        dump(&mut s, "SELECT id, v FROM g ORDER BY id"),
        "1\tz\n5\tx\n6\ty\n"
    );
    let e = s.execute("INSERT INTO g VALUES (7, 'w')").unwrap_err();
    assert_eq!(e.code().as_str(), "428C9");
}

#[test]
fn a_failed_copy_keeps_the_sequence_values_it_took() {
    // PostgreSQL's sequences are not transactional: the ids the failed
    // COPY's rows took are not handed out again.
    let mut s = session();
    s.execute("CREATE TABLE q (id serial PRIMARY KEY, v int CHECK (v > 0))")
        .unwrap();
    let e = copy_in(&mut s, "COPY q (v) FROM STDIN", b"1\n2\n-1\n", 4).unwrap_err();
    assert_eq!(e.code().as_str(), "23514");
    s.execute("INSERT INTO q (v) VALUES (7)").unwrap();
    assert_eq!(dump(&mut s, "SELECT id, v FROM q"), "4\t7\n");
}
