//! Golden tests: `testdata/*.txt` hold calls and PostgreSQL 15's answers.
//!
//! Each line is one of
//!
//! ```text
//! lower('ABC'::text) => abc
//! abs('-2147483648'::int4) => ERROR 22003: integer out of range
//! rows generate_series(1, 3) => 1|2|3
//! agg sum(x) FROM (VALUES (1), (NULL::int4)) t(x) => 1
//! ```
//!
//! Arguments are literals: `'text'` (type unknown), `'text'::type`,
//! numbers, `true`/`false`, `NULL` and `NULL::type`; in `agg` lines also
//! column names. `testdata/check_oracle.py` runs every line on a real
//! PostgreSQL and reports any answer that differs, so the expectations
//! here are PostgreSQL's, not ours.

use assay_storage::{Error, Result};

use super::{lookup, EvalContext, FunctionKind, Prng, Resolved};
use crate::types::{cast, common_type, format_value, parse_value, DataType, Settings, Value};

/// 2024-05-05 06:58:09.123456 UTC, the statement clock in tests.
pub(crate) const TEST_NOW: i64 = 768_207_489_123_456;

/// A literal argument: its type and value.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Literal(DataType, Value),
    Column(String),
    Star,
}

pub(crate) struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Parser { s, pos: 0 }
    }
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }
    fn skip_ws(&mut self) {
        while self.rest().starts_with(' ') {
            self.pos += 1;
        }
    }
    fn eat(&mut self, t: &str) -> bool {
        self.skip_ws();
        if self
            .rest()
            .to_ascii_lowercase()
            .starts_with(&t.to_ascii_lowercase())
        {
            self.pos += t.len();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: &str) {
        assert!(self.eat(t), "expected {t:?} at {:?}", self.rest());
    }
    fn ident(&mut self) -> String {
        self.skip_ws();
        let n = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        let id = self.rest()[..n].to_string();
        self.pos += n;
        id
    }
    fn type_name(&mut self) -> DataType {
        self.skip_ws();
        let mut depth = 0;
        let mut n = self.rest().len();
        for (i, c) in self.rest().char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth > 0 => depth -= 1,
                ',' | ')' if depth == 0 => {
                    n = i;
                    break;
                }
                _ => {}
            }
        }
        let name = self.rest()[..n].trim().to_string();
        self.pos += n;
        DataType::parse(&name).expect("test type name")
    }
    fn string(&mut self) -> String {
        self.expect("'");
        let mut out = String::new();
        loop {
            let c = self.rest().chars().next().expect("unterminated string");
            self.pos += c.len_utf8();
            if c == '\'' {
                if self.rest().starts_with('\'') {
                    self.pos += 1;
                    out.push('\'');
                } else {
                    return out;
                }
            } else {
                out.push(c);
            }
        }
    }
    pub(crate) fn arg(&mut self, settings: &Settings) -> Arg {
        self.skip_ws();
        let (ty, text): (DataType, Option<String>) = if self.rest().starts_with('\'') {
            (DataType::Unknown, Some(self.string()))
        } else if self.eat("NULL") {
            (DataType::Unknown, None)
        } else if self.rest().starts_with('*') {
            self.pos += 1;
            return Arg::Star;
        } else if self
            .rest()
            .starts_with(|c: char| c.is_ascii_digit() || c == '-')
        {
            let n = self.rest()[1..]
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'e'))
                .map_or(self.rest().len(), |i| i + 1);
            let lit = self.rest()[..n].to_string();
            self.pos += n;
            let ty = if lit.contains(['.', 'e']) {
                DataType::Numeric(None)
            } else if lit.parse::<i32>().is_ok() {
                DataType::Int4
            } else if lit.parse::<i64>().is_ok() {
                DataType::Int8
            } else {
                DataType::Numeric(None)
            };
            (ty, Some(lit))
        } else {
            let save = self.pos;
            let id = self.ident();
            if self.rest().starts_with('(') {
                // A nested call: evaluate it now.
                self.pos = save;
                let (name, args) = self.call(settings);
                let (t, v) = eval_call(&name, args, settings).expect("nested call");
                (t, Some(format_value(&v, settings).unwrap_or_default()))
            } else {
                match id.as_str() {
                    "true" | "false" => (DataType::Bool, Some(id)),
                    _ => return Arg::Column(id),
                }
            }
        };
        let (ty, text) = if self.eat("::") {
            (self.type_name(), text)
        } else {
            (ty, text)
        };
        let value = match &text {
            None => Value::Null,
            Some(t) if ty == DataType::Unknown => Value::text(t),
            Some(t) => parse_value(t, &ty, settings).expect("test literal"),
        };
        Arg::Literal(ty, value)
    }
    /// `name(arg, ...)`.
    pub(crate) fn call(&mut self, settings: &Settings) -> (String, Vec<Arg>) {
        let name = self.ident();
        self.expect("(");
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.arg(settings));
                if self.eat(")") {
                    break;
                }
                self.expect(",");
            }
        }
        (name, args)
    }
}

pub(crate) fn with_ctx<R>(settings: &Settings, f: impl FnOnce(&mut EvalContext<'_>) -> R) -> R {
    let mut rng = Prng::new(42);
    let clock = || TEST_NOW + 1000;
    let mut ctx = EvalContext {
        settings,
        transaction_start: TEST_NOW,
        statement_start: TEST_NOW,
        clock: &clock,
        rng: &mut rng,
        system: None,
    };
    f(&mut ctx)
}

fn show(v: &Value, settings: &Settings) -> String {
    format_value(v, settings).unwrap_or_else(|| "NULL".into())
}

fn show_err(e: &Error) -> String {
    format!("ERROR {}: {}", e.code(), e.message())
}

/// Casts literals to the resolved argument types, as the executor would.
fn cast_args(
    r: &Resolved,
    types: &[DataType],
    values: &[Value],
    settings: &Settings,
) -> Result<Vec<Value>> {
    values
        .iter()
        .zip(types)
        .zip(&r.arg_types)
        .map(|((v, from), to)| {
            if to == from {
                return Ok(v.clone());
            }
            let from = if *from == DataType::Unknown {
                &DataType::Text
            } else {
                from
            };
            cast(v, from, to, settings)
        })
        .collect()
}

/// Text of a row as PostgreSQL prints `t::text` of a record.
fn show_row(row: &[Value], settings: &Settings) -> String {
    if row.len() == 1 {
        return show(&row[0], settings);
    }
    let fields: Vec<String> = row
        .iter()
        .map(|v| match format_value(v, settings) {
            None => String::new(),
            Some(s) if s.is_empty() || s.contains([',', '(', ')', '"', '\\', ' ']) => {
                format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\"\""))
            }
            Some(s) => s,
        })
        .collect();
    format!("({})", fields.join(","))
}

fn eval_call(name: &str, args: Vec<Arg>, settings: &Settings) -> Result<(DataType, Value)> {
    let (types, values): (Vec<DataType>, Vec<Value>) = args
        .into_iter()
        .map(|a| match a {
            Arg::Literal(t, v) => (t, v),
            other => panic!("not a literal: {other:?}"),
        })
        .unzip();
    let r = lookup(name, &types)?;
    let vals = cast_args(&r, &types, &values, settings)?;
    let v = with_ctx(settings, |ctx| r.eval(&vals, ctx))?;
    Ok((r.return_type, v))
}

fn run_scalar(expr: &str, settings: &Settings) -> String {
    let mut p = Parser::new(expr);
    let (name, args) = p.call(settings);
    let (types, values): (Vec<DataType>, Vec<Value>) = args
        .into_iter()
        .map(|a| match a {
            Arg::Literal(t, v) => (t, v),
            other => panic!("not a literal: {other:?}"),
        })
        .unzip();
    let result = (|| -> Result<String> {
        let r = lookup(&name, &types)?;
        let vals = cast_args(&r, &types, &values, settings)?;
        with_ctx(settings, |ctx| {
            if r.def.kind() == FunctionKind::SetReturning {
                let mut rows = Vec::new();
                for row in r.rows(&vals, ctx)? {
                    rows.push(show_row(&row?, settings));
                }
                Ok(rows.join("|"))
            } else {
                Ok(show(&r.eval(&vals, ctx)?, settings))
            }
        })
    })();
    result.unwrap_or_else(|e| show_err(&e))
}

/// `name(args) FROM (VALUES (..), ..) t(cols)`.
fn run_aggregate(expr: &str, settings: &Settings) -> String {
    let mut p = Parser::new(expr);
    let (name, args) = p.call(settings);
    p.expect("FROM");
    p.expect("(");
    p.expect("VALUES");
    let mut rows: Vec<Vec<(DataType, Value)>> = Vec::new();
    loop {
        p.expect("(");
        let mut row = Vec::new();
        loop {
            match p.arg(settings) {
                Arg::Literal(t, v) => row.push((t, v)),
                other => panic!("VALUES holds literals: {other:?}"),
            }
            if p.eat(")") {
                break;
            }
            p.expect(",");
        }
        rows.push(row);
        if !p.eat(",") {
            break;
        }
    }
    p.expect(")");
    let _alias = p.ident();
    p.expect("(");
    let mut cols = Vec::new();
    loop {
        cols.push(p.ident());
        if p.eat(")") {
            break;
        }
        p.expect(",");
    }
    let result = (|| -> Result<String> {
        let col_types: Vec<DataType> = (0..cols.len())
            .map(|i| {
                let ts: Vec<DataType> = rows.iter().map(|r| r[i].0.clone()).collect();
                common_type(&ts, "VALUES")
            })
            .collect::<Result<_>>()?;
        let rows: Vec<Vec<Value>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&col_types)
                    .map(|((t, v), to)| {
                        let from = if *t == DataType::Unknown {
                            &DataType::Text
                        } else {
                            t
                        };
                        cast(v, from, to, settings)
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<_>>()?;
        let arg_types: Vec<DataType> = args
            .iter()
            .filter(|a| !matches!(a, Arg::Star))
            .map(|a| match a {
                Arg::Literal(t, _) => t.clone(),
                Arg::Column(c) => {
                    col_types[cols.iter().position(|x| x == c).expect("column")].clone()
                }
                Arg::Star => unreachable!(),
            })
            .collect();
        let r = lookup(&name, &arg_types)?;
        let mut acc = r.accumulator(settings)?;
        for row in &rows {
            let mut vals = Vec::new();
            for (i, a) in args.iter().filter(|a| !matches!(a, Arg::Star)).enumerate() {
                let (t, v) = match a {
                    Arg::Literal(t, v) => (t.clone(), v.clone()),
                    Arg::Column(c) => {
                        let k = cols.iter().position(|x| x == c).expect("column");
                        (col_types[k].clone(), row[k].clone())
                    }
                    Arg::Star => unreachable!(),
                };
                let from = if t == DataType::Unknown {
                    DataType::Text
                } else {
                    t
                };
                vals.push(cast(&v, &from, &r.arg_types[i], settings)?);
            }
            acc.update(&vals)?;
        }
        Ok(show(&acc.finish()?, settings))
    })();
    result.unwrap_or_else(|e| show_err(&e))
}

fn run_file(name: &str, text: &str) {
    let settings = Settings::default();
    let mut failures = Vec::new();
    let mut count = 0;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (expr, want) = match line.strip_suffix(" =>") {
            Some(expr) => (expr, ""),
            None => line
                .rsplit_once(" => ")
                .unwrap_or_else(|| panic!("{name}:{}: no =>", n + 1)),
        };
        let want = want.replace("\\n", "\n");
        let got = if let Some(e) = expr.strip_prefix("agg ") {
            run_aggregate(e, &settings)
        } else if let Some(e) = expr.strip_prefix("rows ") {
            run_scalar(e, &settings)
        } else {
            run_scalar(expr, &settings)
        };
        count += 1;
        if got != want {
            failures.push(format!(
                "{name}:{}: {expr}\n   want: {want}\n    got: {got}",
                n + 1
            ));
        }
    }
    assert!(count > 0, "{name} has no cases");
    assert!(
        failures.is_empty(),
        "{} of {count} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

macro_rules! golden {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(#[test]
        fn $test() {
            run_file($file, include_str!(concat!("testdata/", $file)));
        })*
    };
}

golden! {
    string_functions => "string.txt",
    pattern_functions => "pattern.txt",
    math_functions => "math.txt",
    numeric_math_functions => "math_numeric.txt",
    resolution => "resolve.txt",
    array_functions => "array.txt",
    series_functions => "series.txt",
    aggregate_functions => "aggregate.txt",
    json_functions => "json.txt",
    like_functions => "like.txt",
    datetime_functions => "datetime.txt",
    to_char_functions => "to_char.txt",
    regexp_search_functions => "regexp_search.txt",
    bytea_functions => "bytea.txt",
    number_format_functions => "number_format.txt",
}

#[test]
fn clock_functions_read_the_context() {
    let settings = Settings::default();
    let cases = [
        ("now()", "2024-05-05 06:58:09.123456+00"),
        ("current_date()", "2024-05-05"),
        ("localtimestamp()", "2024-05-05 06:58:09.123456"),
        ("clock_timestamp()", "2024-05-05 06:58:09.124456+00"),
        ("age('2024-05-01'::timestamp)", "4 days"),
    ];
    for (expr, want) in cases {
        assert_eq!(run_scalar(expr, &settings), want, "{expr}");
    }
    let mut s = Settings::default();
    s.set_time_zone("Asia/Tokyo").unwrap();
    assert_eq!(run_scalar("current_date()", &s), "2024-05-05");
    assert_eq!(
        run_scalar("localtimestamp()", &s),
        "2024-05-05 15:58:09.123456"
    );
}

#[test]
fn random_sources_are_seeded_by_the_context() {
    let settings = Settings::default();
    let u = run_scalar("gen_random_uuid()", &settings);
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4", "version 4: {u}");
    assert!("89ab".contains(&u[19..20]), "variant: {u}");
    let r: f64 = run_scalar("random()", &settings).parse().unwrap();
    assert!((0.0..1.0).contains(&r));
    // The same seed gives the same sequence.
    assert_eq!(
        run_scalar("random()", &settings),
        run_scalar("random()", &settings)
    );
}

#[test]
fn operators_resolve_by_symbol() {
    use super::lookup_operator;
    let j = DataType::Jsonb;
    let r = lookup_operator("->", &j, &DataType::Unknown).unwrap();
    assert_eq!(r.return_type, DataType::Jsonb);
    assert_eq!(r.arg_types[1], DataType::Text);
    let r = lookup_operator("->>", &j, &DataType::Int4).unwrap();
    assert_eq!(r.return_type, DataType::Text);
    let r = lookup_operator("-", &j, &DataType::Array(Box::new(DataType::Text))).unwrap();
    assert_eq!(r.def.name, "-");
    // SELECT '{}'::jsonb -> true
    let e = lookup_operator("->", &j, &DataType::Bool).unwrap_err();
    assert_eq!(e.code().as_str(), "42883");
    assert_eq!(e.message(), "operator does not exist: jsonb -> boolean");
    // SELECT '{}'::jsonb - '{a}' takes the literal as text.
    let r = lookup_operator("-", &j, &DataType::Unknown).unwrap();
    assert_eq!(r.arg_types[1], DataType::Text);
}
