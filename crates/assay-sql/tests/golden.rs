//! Golden tests for the parser: each line of `golden/*.sql` is parsed, and
//! the statements are printed back (or the error shown) into `golden/*.out`.
//! Every statement that parses must also round-trip: parsing its printed
//! form gives the same tree. Run with `UPDATE_GOLDEN=1` to rewrite the
//! `.out` files after a deliberate change, and review the diff.

use std::fmt::Write;
use std::path::Path;

use assay_sql::parser::parse;

fn render(input: &str) -> String {
    let mut out = String::new();
    match parse(input) {
        Ok(stmts) => {
            for stmt in &stmts {
                let text = stmt.to_string();
                writeln!(out, "{text}").unwrap();
                match parse(&text) {
                    Ok(again) if again.len() == 1 && &again[0] == stmt => {}
                    Ok(again) => {
                        writeln!(out, "  ROUND TRIP DIFFERS: {again:?}\n  was: {stmt:?}").unwrap()
                    }
                    Err(e) => writeln!(out, "  ROUND TRIP FAILS: {e:?}").unwrap(),
                }
            }
        }
        Err(e) => {
            let pos = e.position().map(|p| format!(" @{p}")).unwrap_or_default();
            writeln!(out, "{}: {}{pos}", e.code(), e.message()).unwrap();
        }
    }
    out
}

fn run(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let input = std::fs::read_to_string(dir.join(format!("{name}.sql"))).unwrap();
    let mut out = String::new();
    for line in input.lines() {
        if line.trim().is_empty() || line.starts_with("--") {
            continue;
        }
        let sql = line.replace("\\n", "\n");
        writeln!(out, "> {line}").unwrap();
        out.push_str(&render(&sql));
    }
    let path = dir.join(format!("{name}.out"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != out {
        let first = expected
            .lines()
            .zip(out.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(expected.lines().count().min(out.lines().count()));
        panic!(
            "{name}: output differs from golden/{name}.out at line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_GOLDEN=1 rewrites)",
            first + 1,
            expected.lines().nth(first),
            out.lines().nth(first)
        );
    }
    assert!(
        !out.contains("ROUND TRIP"),
        "{name}: a statement does not round-trip"
    );
}

#[test]
fn queries() {
    run("queries");
}

#[test]
fn expressions() {
    run("expressions");
}

#[test]
fn ddl() {
    run("ddl");
}

#[test]
fn dml() {
    run("dml");
}

#[test]
fn session() {
    run("session");
}

#[test]
fn errors() {
    run("errors");
}
