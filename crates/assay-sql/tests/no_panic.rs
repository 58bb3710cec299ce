//! The parser never panics: random text and random soups of SQL tokens
//! either parse or give an error.

use assay_sql::parser::parse;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP",
    "BY",
    "ORDER",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "FETCH",
    "FIRST",
    "ROWS",
    "ONLY",
    "WITH",
    "TIES",
    "INSERT",
    "INTO",
    "VALUES",
    "UPDATE",
    "SET",
    "DELETE",
    "USING",
    "RETURNING",
    "CREATE",
    "TABLE",
    "INDEX",
    "VIEW",
    "SEQUENCE",
    "DROP",
    "ALTER",
    "ADD",
    "COLUMN",
    "CONSTRAINT",
    "PRIMARY",
    "KEY",
    "UNIQUE",
    "CHECK",
    "DEFAULT",
    "REFERENCES",
    "NOT",
    "NULL",
    "AND",
    "OR",
    "IS",
    "IN",
    "BETWEEN",
    "SYMMETRIC",
    "LIKE",
    "ILIKE",
    "SIMILAR",
    "TO",
    "ESCAPE",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "CAST",
    "AS",
    "ARRAY",
    "ROW",
    "EXISTS",
    "ANY",
    "ALL",
    "SOME",
    "UNION",
    "INTERSECT",
    "EXCEPT",
    "JOIN",
    "LEFT",
    "RIGHT",
    "FULL",
    "CROSS",
    "NATURAL",
    "LATERAL",
    "ON",
    "OVER",
    "PARTITION",
    "WINDOW",
    "FILTER",
    "DISTINCT",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "EXPLAIN",
    "ANALYZE",
    "VACUUM",
    "COPY",
    "STDIN",
    "MOVE",
    "ALTER SEQUENCE",
    "RESTART",
    "ISNULL",
    "EXCLUDE",
    "CURRENT",
    "PRECEDING",
    "FOLLOWING",
    "UNBOUNDED",
    "EXTRACT",
    "TRIM",
    "POSITION",
    "SUBSTRING",
    "OVERLAY",
    "INTERVAL",
    "DATE",
    "TIMESTAMP",
    "ZONE",
    "AT",
    "TIME",
    "COLLATE",
    "MINUS",
    "USER",
    "ROLE",
    "PASSWORD",
    "GRANT",
    "REVOKE",
    "t",
    "a",
    "b",
    "\"Q\"",
    "x.y",
    "f",
    "1",
    "0",
    "-1",
    "1.5e3",
    "$1",
    "$0",
    "'s'",
    "E'\\n'",
    "$$d$$",
    "X'1F'",
    "B'01'",
    "(",
    ")",
    "[",
    "]",
    ",",
    ";",
    ".",
    "*",
    "+",
    "-",
    "/",
    "%",
    "^",
    "||",
    "=",
    "<>",
    "<",
    ">",
    "<=",
    ">=",
    "::",
    ":",
    "->",
    "->>",
    "#>",
    "@>",
    "<@",
    "?",
    "?|",
    "&&",
    "~",
    "!~*",
    "@",
    "|/",
    "/*",
    "*/",
    "--",
    "'",
    "\"",
    "$",
    "\n",
];

fn soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..40).prop_map(|t| t.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_does_not_panic(s in "\\PC{0,80}") {
        let _ = parse(&s);
    }

    #[test]
    fn token_soup_does_not_panic(s in soup()) {
        if let Ok(stmts) = parse(&s) {
            // Whatever parses prints back as SQL that parses again.
            for stmt in stmts {
                let text = stmt.to_string();
                let again = parse(&text);
                prop_assert!(again.is_ok(), "{s:?} printed as {text:?}: {again:?}");
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    with_big_stack(deep_nesting);
}

fn deep_nesting() {
    let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
    let err = parse(&deep).unwrap_err();
    assert_eq!(err.code().as_str(), "54001");
    let deep = format!("SELECT {}", "-".repeat(5000));
    assert!(parse(&deep).is_err());
    let deep = format!("SELECT {}1", "NOT ".repeat(3000));
    assert!(parse(&deep).is_err());
}

/// Runs a check on a thread with a stack as large as a server worker's
/// would be for an unoptimised build.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn moderate_nesting_parses_and_prints() {
    with_big_stack(moderate_nesting);
}

fn moderate_nesting() {
    let sql = format!("SELECT {}1{}", "(".repeat(90), ")".repeat(90));
    let stmts = parse(&sql).unwrap();
    assert_eq!(stmts[0].to_string(), "SELECT 1");
    let sql = format!("SELECT {}1{}", "ARRAY[".repeat(60), "]".repeat(60));
    let stmts = parse(&sql).unwrap();
    assert_eq!(parse(&stmts[0].to_string()).unwrap(), stmts);
    let sql = format!("SELECT {}", vec!["a"; 500].join(" + "));
    let stmts = parse(&sql).unwrap();
    assert_eq!(parse(&stmts[0].to_string()).unwrap(), stmts);
}

#[test]
fn long_operator_chains_parse_print_and_drop() {
    with_big_stack(long_chains);
}

fn long_chains() {
    for (op, term) in [
        ("OR", "a = 1"),
        ("AND", "a IS NULL"),
        ("+", "1"),
        ("||", "'x'"),
    ] {
        let sql = format!("SELECT {}", vec![term; 5000].join(&format!(" {op} ")));
        let stmts = parse(&sql).unwrap_or_else(|e| panic!("{op}: {e}"));
        assert_eq!(parse(&stmts[0].to_string()).unwrap(), stmts);
    }
    let sql = format!("SELECT {}", vec!["1"; 20_000].join(" + "));
    assert_eq!(parse(&sql).unwrap_err().code().as_str(), "54001");
}
