//! Golden tests: every line of `testscripts/*.sql` is bound against a fixed
//! catalog; the plan, result schema and parameter types (or the error with
//! its SQLSTATE, position and hint) are recorded in `testscripts/*.out`.
//! Run with `UPDATE_GOLDEN=1` to rewrite the `.out` files, then review the
//! diff. Error messages and positions were checked on PostgreSQL 15.

use std::fmt::Write;
use std::path::Path;

use super::{Binder, MemoryCatalog};
use crate::parser::parse;
use crate::types::{DataType, NumericTypmod, Settings};

pub fn fixture() -> MemoryCatalog {
    let mut c = MemoryCatalog::new();
    c.add_table(
        "bt",
        &[
            ("id", DataType::Int4, true, None),
            ("name", DataType::Text, false, None),
            (
                "price",
                DataType::Numeric(Some(NumericTypmod {
                    precision: 10,
                    scale: 2,
                })),
                false,
                None,
            ),
            ("qty", DataType::Int4, false, Some("0")),
            ("d", DataType::Date, false, None),
        ],
    );
    c.add_unique("bt", "bt_pkey", &["id"]);
    c.add_table(
        "bu",
        &[
            ("id", DataType::Int4, false, None),
            ("bt_id", DataType::Int4, false, None),
            ("note", DataType::Varchar(Some(20)), false, None),
        ],
    );
    c.add_table(
        "s",
        &[
            (
                "id",
                DataType::Int4,
                true,
                Some("nextval('s_id_seq'::regclass)"),
            ),
            ("v", DataType::Text, false, Some("'none'")),
            ("ts", DataType::TimestampTz(None), false, Some("now()")),
        ],
    );
    c.add_view(
        "v_expensive",
        "SELECT id, name, price * 2 AS double FROM bt WHERE price > 10",
    );
    c
}

fn render(catalog: &MemoryCatalog, sql: &str) -> String {
    let mut out = String::new();
    let stmts = match parse(sql) {
        Ok(s) => s,
        Err(e) => return format!("parse error: {e:?}\n"),
    };
    for stmt in &stmts {
        let mut binder = Binder::new(catalog, Settings::default());
        match binder.bind_statement(stmt) {
            Ok(Some(bound)) => {
                writeln!(out, "{}", bound.plan).unwrap();
                let cols: Vec<String> = bound
                    .plan
                    .schema
                    .fields
                    .iter()
                    .map(|f| format!("{} {}", f.name, f.data_type))
                    .collect();
                writeln!(out, "schema: {}", cols.join(", ")).unwrap();
                if !bound.param_types.is_empty() {
                    let ps: Vec<String> = bound.param_types.iter().map(|t| t.to_string()).collect();
                    writeln!(out, "params: {}", ps.join(", ")).unwrap();
                }
            }
            Ok(None) => writeln!(out, "(not bound)").unwrap(),
            Err(e) => {
                write!(out, "ERROR {}: {}", e.code(), e.message()).unwrap();
                if let Some(p) = e.position() {
                    write!(out, " @{p}").unwrap();
                }
                writeln!(out).unwrap();
                if let Some(h) = e.hint() {
                    writeln!(out, "HINT: {h}").unwrap();
                }
            }
        }
    }
    out
}

fn run(name: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/binder/testscripts");
    let input = std::fs::read_to_string(dir.join(format!("{name}.sql"))).unwrap();
    let catalog = fixture();
    let mut out = String::new();
    for line in input.lines() {
        if line.trim().is_empty() || line.starts_with("--") {
            writeln!(out, "{line}").unwrap();
            continue;
        }
        writeln!(out, "> {line}").unwrap();
        out.push_str(&render(&catalog, line));
        out.push('\n');
    }
    let path = dir.join(format!("{name}.out"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != out {
        let first = expected.lines().zip(out.lines()).position(|(a, b)| a != b);
        panic!(
            "{name}: output differs from {} (first differing line {:?}); run with UPDATE_GOLDEN=1 and review\n{out}",
            path.display(),
            first.map(|l| l + 1)
        );
    }
}

#[test]
fn golden_select() {
    run("select");
}

#[test]
fn golden_expressions() {
    run("expressions");
}

#[test]
fn golden_errors() {
    run("errors");
}

#[test]
fn golden_dml() {
    run("dml");
}

#[test]
fn golden_setops_ctes() {
    run("setops");
}

/// Binding never panics, whatever the statement: mutations of the golden
/// statements (truncations, token swaps, doubled parts) are parsed and,
/// when they parse, bound. The seed is printed for reproduction.
#[test]
fn fuzz_no_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/binder/testscripts");
    let mut corpus = Vec::new();
    for name in ["select", "expressions", "errors", "dml", "setops"] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.sql"))).unwrap();
        corpus.extend(
            text.lines()
                .filter(|l| !l.is_empty() && !l.starts_with("--"))
                .map(str::to_string),
        );
    }
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_b1d3);
    println!("fuzz seed {seed}");
    let mut state = seed;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let catalog = fixture();
    let pieces = [
        "(",
        ")",
        ",",
        "*",
        "1",
        "'x'",
        "NULL",
        "id",
        "bt",
        "select",
        "from",
        "group by",
        "order by",
        "$1",
        "::int",
        "+",
        "||",
        "=",
        "and",
        "exists",
        "(select 1)",
        "union",
        "count(*)",
        "over ()",
    ];
    for _ in 0..3000 {
        let base = &corpus[(next() % corpus.len() as u64) as usize];
        let words: Vec<&str> = base.split(' ').collect();
        let mut w: Vec<String> = words.iter().map(|s| s.to_string()).collect();
        for _ in 0..(next() % 3 + 1) {
            let i = (next() % (w.len() as u64 + 1)) as usize;
            match next() % 4 {
                0 if i < w.len() => {
                    w.remove(i);
                }
                1 => w.insert(
                    i.min(w.len()),
                    pieces[(next() % pieces.len() as u64) as usize].to_string(),
                ),
                2 if i < w.len() => {
                    let j = (next() % w.len() as u64) as usize;
                    w.swap(i, j);
                }
                _ => w.truncate(i.max(1)),
            }
        }
        let sql = w.join(" ");
        if let Ok(stmts) = parse(&sql) {
            for stmt in &stmts {
                let mut binder = Binder::new(&catalog, Settings::default());
                let _ = binder.bind_statement(stmt);
            }
        }
    }
}

#[test]
fn standalone_expression_for_check_constraint() {
    let catalog = fixture();
    let mut binder = Binder::new(&catalog, Settings::default());
    let table = super::CatalogView::table(&catalog, None, "bt")
        .unwrap()
        .unwrap();
    let (e, ty) = binder
        .bind_standalone_expr(Some(&table), "qty > 0 AND price < 100")
        .unwrap();
    assert_eq!(ty, DataType::Bool);
    assert_eq!(
        crate::plan::render_expr(&e, None),
        "((#3 > 0) AND (#2 < 100::numeric))"
    );
    let err = binder
        .bind_standalone_expr(Some(&table), "nope + 1")
        .unwrap_err();
    assert_eq!(err.message(), "column \"nope\" does not exist");
}
