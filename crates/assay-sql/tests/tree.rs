//! The shape of the tree: folding, literals, positions, statement spans.

use assay_sql::ast::*;
use assay_sql::parser::{parse, parse_with_text};

fn one(sql: &str) -> Statement {
    let mut stmts = parse(sql).unwrap();
    assert_eq!(stmts.len(), 1);
    stmts.remove(0)
}

fn select_exprs(sql: &str) -> Vec<Expr> {
    let Statement::Query(q) = one(sql) else {
        panic!("not a query")
    };
    let SetExpr::Select(s) = q.body else {
        panic!("not a select")
    };
    s.targets
        .into_iter()
        .map(|t| match t {
            SelectItem::Expr { expr, .. } => expr,
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn identifiers_are_folded_like_postgres() {
    let e = select_exprs(r#"SELECT Abc, "Abc", S.T.c"#);
    assert!(matches!(&e[0], Expr::Column { names, .. } if names == &["abc"]));
    assert!(matches!(&e[1], Expr::Column { names, .. } if names == &["Abc"]));
    assert!(matches!(&e[2], Expr::Column { names, .. } if names == &["s", "t", "c"]));
    let long = "x".repeat(70);
    let e = select_exprs(&format!("SELECT {long}"));
    assert!(matches!(&e[0], Expr::Column { names, .. } if names[0].len() == 63));
}

#[test]
fn literals_are_kept_as_written() {
    let e = select_exprs("SELECT 42, 4.20, -9223372036854775808, 'x', $3, NULL, DATE '2024-01-01'");
    assert!(matches!(&e[0], Expr::Literal { value: Literal::Number(n), .. } if n == "42"));
    assert!(matches!(&e[1], Expr::Literal { value: Literal::Number(n), .. } if n == "4.20"));
    assert!(
        matches!(&e[2], Expr::Literal { value: Literal::Number(n), .. } if n == "-9223372036854775808")
    );
    assert!(matches!(&e[3], Expr::Literal { value: Literal::String(s), .. } if s == "x"));
    assert!(matches!(&e[4], Expr::Param { index: 3, .. }));
    assert!(matches!(
        &e[5],
        Expr::Literal {
            value: Literal::Null,
            ..
        }
    ));
    let Expr::Cast {
        expr, type_name, ..
    } = &e[6]
    else {
        panic!("{:?}", e[6])
    };
    assert_eq!(type_name.names, ["date"]);
    assert!(
        matches!(expr.as_ref(), Expr::Literal { value: Literal::String(s), .. } if s == "2024-01-01")
    );
}

#[test]
fn type_names_are_unresolved_names() {
    let e = select_exprs("SELECT a::numeric(10,2), a::varchar(5)[], a::mytype");
    let types: Vec<&TypeName> = e
        .iter()
        .map(|e| match e {
            Expr::Cast { type_name, .. } => type_name,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        (types[0].base(), types[0].modifiers.as_slice()),
        ("numeric", &[10, 2][..])
    );
    assert_eq!(types[1].base(), "varchar");
    assert!(types[1].is_array());
    assert_eq!(types[2].names, ["mytype"]);
}

#[test]
fn nodes_carry_positions() {
    let e = select_exprs("SELECT  abc, f(1), 'lit', $1, x::int");
    let pos = |e: &Expr| match e {
        Expr::Column { pos, .. } | Expr::Literal { pos, .. } | Expr::Param { pos, .. } => *pos,
        Expr::Function(f) => f.pos,
        Expr::Cast { pos, .. } => *pos,
        other => panic!("{other:?}"),
    };
    let got: Vec<Option<u32>> = e.iter().map(|e| pos(e).get()).collect();
    assert_eq!(got, [Some(9), Some(14), Some(20), Some(27), Some(31)]);
    // Positions count characters, not bytes, across lines.
    let e = select_exprs("SELECT 'é',\n  zz");
    assert_eq!(pos(&e[1]).get(), Some(15));
}

#[test]
fn statements_keep_their_text() {
    let stmts = parse_with_text("SELECT 1;\n  INSERT INTO t VALUES (2) ; ").unwrap();
    assert_eq!(stmts.len(), 2);
    assert_eq!(stmts[0].text, "SELECT 1");
    assert_eq!(stmts[0].start, 1);
    assert_eq!(stmts[1].text, "INSERT INTO t VALUES (2)");
    assert_eq!(stmts[1].start, 13);
    assert!(parse("").unwrap().is_empty());
    assert!(parse(" ; -- nothing\n").unwrap().is_empty());
}

#[test]
fn errors_carry_sqlstate_and_position() {
    let e = parse("SELECT 1;\nSELECT * FORM t").unwrap_err();
    assert_eq!(e.code().as_str(), "42601");
    assert_eq!(e.message(), "syntax error at or near \"FORM\"");
    assert_eq!(e.position(), Some(20));
    let e = parse("SELECT 1 MINUS SELECT 2").unwrap_err();
    assert_eq!(
        (e.message(), e.position()),
        ("syntax error at or near \"SELECT\"", Some(16))
    );
    let e = parse("SELECT * FROM t WHERE a IN").unwrap_err();
    assert_eq!(
        (e.message(), e.position()),
        ("syntax error at end of input", Some(27))
    );
    let e = parse("CREATE TABLE t (a int) PARTITION BY RANGE (a)").unwrap_err();
    assert_eq!(e.code().as_str(), "0A000");
}

#[test]
fn between_symmetric_is_marked_on_the_right_node() {
    let e = select_exprs("SELECT a BETWEEN 1 AND 2, b BETWEEN SYMMETRIC 3 AND 4");
    assert!(matches!(
        &e[0],
        Expr::Between {
            symmetric: false,
            ..
        }
    ));
    assert!(matches!(
        &e[1],
        Expr::Between {
            symmetric: true,
            ..
        }
    ));
}

#[test]
fn display_is_stable() {
    // Printing, parsing and printing again gives the same text.
    for sql in [
        "SELECT a FROM t WHERE a = ANY(ARRAY[1, 2]) ORDER BY a DESC NULLS LAST LIMIT 3",
        "INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a + 1",
        "CREATE TABLE t (id int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text DEFAULT 'x')",
    ] {
        let once = one(sql).to_string();
        assert_eq!(one(&once).to_string(), once);
    }
}
