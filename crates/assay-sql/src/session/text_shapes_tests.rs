//! Texts made from templates equal the texts parsed.

use super::{scan, TextShapes};
use crate::parser::{parse_with_text, ParsedStatement};

/// Parses `sql` through `shapes` and checks the outcome is the parser's.
fn same(shapes: &mut TextShapes, sql: &str) {
    let got = shapes.parse(sql);
    let want = parse_with_text(sql);
    match (got, want) {
        (Ok(got), Ok(want)) => {
            assert_eq!(got.len(), want.len(), "{sql}");
            for (g, w) in got.iter().zip(&want) {
                let ParsedStatement {
                    statement,
                    start,
                    text,
                } = w;
                assert_eq!(&g.statement, statement, "{sql}");
                assert_eq!((g.start, &g.text), (*start, text), "{sql}");
            }
        }
        (Err(g), Err(w)) => assert_eq!(g.message(), w.message(), "{sql}"),
        (g, w) => panic!("{sql}: {:?} against {:?}", g.is_ok(), w.is_ok()),
    }
}

fn templates(shapes: &TextShapes) -> usize {
    shapes.templates.values().filter(|t| t.is_some()).count()
}

#[test]
fn numbers_fill_a_template() {
    let mut shapes = TextShapes::default();
    for sql in [
        "SELECT abalance FROM pgbench_accounts WHERE aid = 12345;",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 54321;",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 1.5e3;",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 7;",
        "SELECT abalance FROM pgbench_accounts WHERE aid = 3000000000;",
    ] {
        same(&mut shapes, sql);
    }
    // One template per length of number.
    assert_eq!(templates(&shapes), 3);
    for sql in [
        "UPDATE t SET v = v + -15 WHERE id = 3",
        "UPDATE t SET v = v + -17 WHERE id = 4",
        "UPDATE t SET v = v + - -17 WHERE id = 4",
        "UPDATE t SET v = v + - -21 WHERE id = 1",
        "INSERT INTO h (a, b, c) VALUES (1, 2, CURRENT_TIMESTAMP)",
        "INSERT INTO h (a, b, c) VALUES (3, 4, CURRENT_TIMESTAMP)",
        "  DELETE FROM t WHERE a > 1 AND NOT b <= 2.5 ;  ",
        "  DELETE FROM t WHERE a > 7 AND NOT b <= 123 ;  ",
    ] {
        same(&mut shapes, sql);
    }
    // `-17` and `- -17` are two keys.
    assert_eq!(templates(&shapes), 7);
}

#[test]
fn numbers_outside_slots_must_match() {
    let mut shapes = TextShapes::default();
    for sql in [
        "SELECT v + 1 FROM t WHERE id = 5",
        "SELECT v + 2 FROM t WHERE id = 5",
        "SELECT v + 1 FROM t WHERE id = 6",
        "SELECT v FROM t WHERE id = 5 LIMIT 1",
        "SELECT v FROM t WHERE id = 6 LIMIT 2",
    ] {
        same(&mut shapes, sql);
    }
}

#[test]
fn texts_the_scanner_refuses() {
    for sql in [
        "SELECT 'a' FROM t WHERE id = 1",
        "SELECT v FROM t WHERE id = $1",
        "SELECT v FROM t WHERE id = 1 -- note",
        "SELECT v FROM t /* c */ WHERE id = 1",
        "SELECT v FROM t WHERE id = 1; SELECT 2",
        "SELECT v FROM \"T\" WHERE id = 1",
        "SELECT v FROM t WHERE id = 1e",
        "SELECT v FROM t WHERE id = 5x",
        "SELECT v FROM t WHERE id = .5",
        "SELECT v FROM t WHERE id = 1..2",
        "SELECT v FROM tä WHERE id = 1",
        "SELECT E'\\n'",
    ] {
        assert!(scan(sql).is_none(), "{sql}");
        let mut shapes = TextShapes::default();
        same(&mut shapes, sql);
        same(&mut shapes, sql);
    }
    let s = scan("SELECT t1.v FROM t1 WHERE id = 12 AND x < 1.5E-3;").unwrap();
    let numbers: Vec<&str> = s.numbers.iter().map(|n| n.1).collect();
    assert_eq!(numbers, vec!["12", "1.5E-3"]);
}

#[test]
fn positions_after_the_numbers_are_the_texts() {
    let mut shapes = TextShapes::default();
    same(&mut shapes, "INSERT INTO h (a) VALUES (1) RETURNING nosuch");
    let got = shapes
        .parse("INSERT INTO h (a) VALUES (2) RETURNING nosuch")
        .unwrap();
    let crate::ast::Statement::Insert(insert) = &got[0].statement else {
        panic!("not an INSERT");
    };
    let crate::ast::SelectItem::Expr {
        expr: crate::ast::Expr::Column { pos, .. },
        ..
    } = &insert.returning[0]
    else {
        panic!("not a column");
    };
    assert_eq!(pos.get(), Some(40));
}

#[test]
fn errors_are_the_parsers() {
    let mut shapes = TextShapes::default();
    same(&mut shapes, "SELECT v FROM t WHERE id = 1 id = 2");
    same(&mut shapes, "SELECT v FROM t WHERE id = 3 id = 4");
    same(&mut shapes, "UPDATE t SET v = 1 WHERE");
}
