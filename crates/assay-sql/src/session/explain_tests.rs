//! EXPLAIN's text as PostgreSQL 15 prints it for the same statements
//! (plan shapes with COSTS OFF), its estimates, and EXPLAIN ANALYZE's
//! counts. The .slt harness trims lines, so indentation is checked here.

use crate::session::{Engine, Session};
use crate::types::Value;

fn session() -> Session {
    let mut s = Engine::open_memory().unwrap().session();
    s.execute(
        "CREATE TABLE ex_t (a int PRIMARY KEY, b text, c int);
         CREATE TABLE ex_u (x int, y int);
         INSERT INTO ex_t VALUES (1, 'one', 10), (2, 'two', 20), (3, 'three', NULL)",
    )
    .unwrap();
    s
}

fn plan(s: &mut Session, sql: &str) -> Vec<String> {
    let r = s.execute(sql).unwrap();
    let r = r.last().unwrap();
    assert_eq!(r.tag, "EXPLAIN");
    r.rows
        .iter()
        .map(|row| match &row[0] {
            Value::Text(t) => t.to_string(),
            other => panic!("not text: {other:?}"),
        })
        .collect()
}

/// (rows, startup, total) of a plan line's `(cost=… rows=… width=…)`.
fn estimate(line: &str) -> (f64, f64, f64) {
    let at = line.find("(cost=").expect("costs");
    let rest = &line[at + 6..];
    let (costs, rest) = rest.split_once(" rows=").unwrap();
    let (startup, total) = costs.split_once("..").unwrap();
    let rows = rest.split_once(' ').unwrap().0;
    (
        rows.parse().unwrap(),
        startup.parse().unwrap(),
        total.parse().unwrap(),
    )
}

#[test]
fn plan_shapes_match_postgresql() {
    let cases: &[(&str, &[&str])] = &[
        (
            "EXPLAIN (COSTS OFF) SELECT a FROM ex_t WHERE c > 5",
            &[
                "Seq Scan on ex_t",
                "  Filter: (c > 5)",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t WHERE a = 3",
            &[
                "Index Scan using ex_t_pkey on ex_t",
                "  Index Cond: (a = 3)",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t WHERE b LIKE 'a%' AND c IS NULL",
            &[
                "Seq Scan on ex_t",
                "  Filter: ((b ~~ 'a%'::text) AND (c IS NULL))",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t WHERE b = 'x' OR NOT (c <> 2)",
            &[
                "Seq Scan on ex_t",
                "  Filter: ((b = 'x'::text) OR (NOT (c <> 2)))",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t WHERE c IN (1, 2, 3)",
            &[
                "Seq Scan on ex_t",
                "  Filter: (c = ANY ('{1,2,3}'::integer[]))",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT count(*) FROM ex_t",
            &[
                "Aggregate",
                "  ->  Seq Scan on ex_t",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT c, count(*) FROM ex_t GROUP BY c",
            &[
                "HashAggregate",
                "  Group Key: c",
                "  ->  Seq Scan on ex_t",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t ORDER BY c DESC NULLS LAST LIMIT 3",
            &[
                "Limit",
                "  ->  Sort",
                "        Sort Key: c DESC NULLS LAST",
                "        ->  Seq Scan on ex_t",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT DISTINCT c FROM ex_t",
            &[
                "HashAggregate",
                "  Group Key: c",
                "  ->  Seq Scan on ex_t",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT a FROM ex_t UNION ALL SELECT x FROM ex_u",
            &[
                "Append",
                "  ->  Seq Scan on ex_t",
                "  ->  Seq Scan on ex_u",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) INSERT INTO ex_t VALUES (4, 'four', 40)",
            &[
                "Insert on ex_t",
                "  ->  Result",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) UPDATE ex_t SET c = 1 WHERE a = 1",
            &[
                "Update on ex_t",
                "  ->  Index Scan using ex_t_pkey on ex_t",
                "        Index Cond: (a = 1)",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) DELETE FROM ex_u WHERE y = 2",
            &[
                "Delete on ex_u",
                "  ->  Seq Scan on ex_u",
                "        Filter: (y = 2)",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_u JOIN ex_t ON ex_t.a = ex_u.x",
            &[
                "Hash Join",
                "  Hash Cond: (ex_u.x = ex_t.a)",
                "  ->  Seq Scan on ex_u",
                "  ->  Hash",
                "        ->  Seq Scan on ex_t",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) SELECT * FROM ex_t WHERE NOT EXISTS (SELECT 1 FROM ex_u WHERE ex_u.x = ex_t.a)",
            &[
                "Hash Anti Join",
                "  Hash Cond: (ex_t.a = ex_u.x)",
                "  ->  Seq Scan on ex_t",
                "  ->  Hash",
                "        ->  Seq Scan on ex_u",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r",
            &[
                "Recursive Union",
                "  ->  Result",
                "  ->  WorkTable Scan on r",
                "        Filter: (n < 5)",
            ],
        ),
        (
            "EXPLAIN (COSTS OFF) WITH d AS (DELETE FROM ex_u RETURNING *) SELECT * FROM d",
            &[
                "CTE Scan on d",
                "  CTE d",
                "    ->  Delete on ex_u",
                "          ->  Seq Scan on ex_u",
            ],
        ),
        (
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM ex_t WHERE c = 10",
            &[
                "Seq Scan on ex_t (actual rows=1 loops=1)",
                "  Filter: (c = 10)",
                "  Rows Removed by Filter: 2",
            ],
        ),
        (
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT c, count(*) FROM ex_t GROUP BY c",
            &[
                "HashAggregate (actual rows=3 loops=1)",
                "  Group Key: c",
                "  ->  Seq Scan on ex_t (actual rows=3 loops=1)",
            ],
        ),
        (
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) DELETE FROM ex_t WHERE c = 20",
            &[
                "Delete on ex_t (actual rows=0 loops=1)",
                "  ->  Seq Scan on ex_t (actual rows=1 loops=1)",
                "        Filter: (c = 20)",
                "        Rows Removed by Filter: 2",
            ],
        ),
    ];
    let mut s = session();
    for (sql, want) in cases {
        assert_eq!(plan(&mut s, sql), *want, "{sql}");
    }
}

#[test]
fn estimates_are_printed_and_move_the_right_way() {
    let mut s = session();
    let all = plan(&mut s, "EXPLAIN SELECT * FROM ex_t");
    // Never analyzed: PostgreSQL's ten-page guess (40-byte rows).
    assert_eq!(
        all,
        ["Seq Scan on ex_t  (cost=0.00..22.00 rows=1200 width=40)"]
    );
    let filtered = plan(&mut s, "EXPLAIN SELECT * FROM ex_t WHERE c > 5");
    assert!(estimate(&filtered[0]).0 < estimate(&all[0]).0);
    let sorted = plan(&mut s, "EXPLAIN SELECT * FROM ex_t ORDER BY c");
    let limited = plan(&mut s, "EXPLAIN SELECT * FROM ex_t ORDER BY c LIMIT 1");
    assert!(estimate(&limited[0]).2 < estimate(&sorted[0]).2);
    assert_eq!(estimate(&limited[0]).0, 1.0);
    let point = plan(&mut s, "EXPLAIN SELECT * FROM ex_t WHERE a = 2");
    assert_eq!(estimate(&point[0]).0, 1.0);
    // ANALYZE's statistics replace the guess.
    s.execute("ANALYZE ex_t").unwrap();
    let all = plan(&mut s, "EXPLAIN SELECT * FROM ex_t");
    assert_eq!(estimate(&all[0]).0, 3.0);
    let costs_off = plan(&mut s, "EXPLAIN (COSTS false) SELECT * FROM ex_t");
    assert_eq!(costs_off, ["Seq Scan on ex_t"]);
}

#[test]
fn analyze_counts_the_real_rows_of_every_node() {
    let mut s = session();
    s.execute("INSERT INTO ex_u SELECT g, g % 4 FROM generate_series(1, 40) g")
        .unwrap();
    let lines = plan(
        &mut s,
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) \
         SELECT * FROM ex_t JOIN ex_u ON ex_t.a = ex_u.x WHERE ex_u.y <> 0",
    );
    assert_eq!(
        lines,
        [
            "Hash Join (actual rows=3 loops=1)",
            "  Hash Cond: (ex_t.a = ex_u.x)",
            "  ->  Seq Scan on ex_t (actual rows=3 loops=1)",
            "  ->  Hash (actual rows=30 loops=1)",
            "        ->  Seq Scan on ex_u (actual rows=30 loops=1)",
            "              Filter: (ex_u.y <> 0)",
            "              Rows Removed by Filter: 10",
        ]
    );
    let lines = plan(&mut s, "EXPLAIN ANALYZE SELECT count(*) FROM ex_u");
    assert!(lines[0].starts_with("Aggregate  (cost="), "{lines:?}");
    assert!(lines[0].contains(" (actual time="), "{lines:?}");
    assert!(lines[0].ends_with("rows=1 loops=1)"), "{lines:?}");
    assert!(lines[1].ends_with("rows=40 loops=1)"), "{lines:?}");
    assert!(lines[2].starts_with("Planning Time: "));
    assert!(lines[3].starts_with("Execution Time: "));
}

#[test]
fn analyze_of_a_write_really_writes() {
    let mut s = session();
    s.execute("EXPLAIN ANALYZE INSERT INTO ex_u VALUES (1, 1), (2, 2)")
        .unwrap();
    let r = s.execute("SELECT count(*) FROM ex_u").unwrap();
    assert_eq!(r[0].rows[0][0], Value::Int8(2));
}

#[test]
fn bad_options_fail_as_in_postgresql() {
    let mut s = session();
    let e = s.execute("EXPLAIN (BOGUS) SELECT 1").unwrap_err();
    assert_eq!(e.message(), "unrecognized EXPLAIN option \"bogus\"");
    let e = s.execute("EXPLAIN (TIMING) SELECT 1").unwrap_err();
    assert_eq!(e.message(), "EXPLAIN option TIMING requires ANALYZE");
    let e = s.execute("EXPLAIN (FORMAT bogus) SELECT 1").unwrap_err();
    assert_eq!(
        e.message(),
        "unrecognized value for EXPLAIN option \"format\": \"bogus\""
    );
}

#[test]
fn a_query_of_indexed_columns_is_an_index_only_scan() {
    let mut s = Engine::open_memory().unwrap().session();
    s.execute(
        "CREATE TABLE io (id int PRIMARY KEY, k int, name text);
         CREATE INDEX io_k ON io (k);
         INSERT INTO io SELECT g, g % 100, 'n' || g FROM generate_series(1, 10000) g;
         ANALYZE io",
    )
    .unwrap();
    // As PostgreSQL 15 plans them once the table is vacuumed.
    assert_eq!(
        plan(&mut s, "EXPLAIN (COSTS OFF) SELECT k FROM io WHERE k = 3"),
        ["Index Only Scan using io_k on io", "  Index Cond: (k = 3)"]
    );
    assert_eq!(
        plan(
            &mut s,
            "EXPLAIN (COSTS OFF) SELECT count(*) FROM io WHERE k = 3"
        ),
        [
            "Aggregate",
            "  ->  Index Only Scan using io_k on io",
            "        Index Cond: (k = 3)"
        ]
    );
    // The rows read from the index alone are the table's.
    let r = s
        .execute("SELECT count(*), sum(k) FROM io WHERE k = 3")
        .unwrap();
    assert_eq!(r[0].rows, [vec![Value::Int8(100), Value::Int8(300)]]);
    let r = s
        .execute("SELECT k FROM io WHERE k BETWEEN 3 AND 4 ORDER BY k LIMIT 3 OFFSET 99")
        .unwrap();
    assert_eq!(
        r[0].rows,
        [
            vec![Value::Int4(3)],
            vec![Value::Int4(4)],
            vec![Value::Int4(4)]
        ]
    );
    // A column outside the index needs the row.
    let lines = plan(
        &mut s,
        "EXPLAIN (COSTS OFF) SELECT name FROM io WHERE k = 3",
    );
    assert_eq!(lines[0], "Index Scan using io_k on io");
    let r = s.execute("SELECT min(name) FROM io WHERE k = 3").unwrap();
    assert_eq!(r[0].rows, [vec![Value::Text("n1003".into())]]);
}
