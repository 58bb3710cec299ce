//! SQL/JSON path expressions in lax mode: `@?`, `@@`, `jsonb_path_exists`,
//! `jsonb_path_match`, `jsonb_path_query(_array/_first)`.
//!
//! The supported language is the core of PostgreSQL's: `$` and `@`,
//! member (`.key`, `."key"`, `.*`) and element (`[*]`, `[n, m]`)
//! accessors, filters `? (…)`, comparisons (`==`, `!=`, `<>`, `<`, `<=`,
//! `>`, `>=`) between paths and literals (numbers, strings, `true`,
//! `false`, `null`), `&&`, `||`, `!`, `exists (…)` and `(…) is unknown`.
//! Paths are text arguments (Assay has no `jsonpath` type yet).
//!
//! Lax mode, as PostgreSQL's default: a member accessor looks into the
//! elements of an array, an element accessor treats a non-array as a
//! one-element array, a missing member is no item rather than an error,
//! and a comparison is true if any pair of items from its two sides
//! compares true, unknown if none does and some pair was incomparable.

use std::cmp::Ordering;
use std::sync::Arc;

use assay_storage::{bail, err, Error, Result, SqlState};
use serde_json::Value as Json;

use super::args::text;
use super::context::EvalContext;
use super::json::jsonb;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::json::compare_jsonb;
use crate::types::Value;

type Ctx<'a, 'b> = &'a mut EvalContext<'b>;

pub(super) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("@?", &[Jsonb, Text], Bool, path_exists_op);
    b.scalar("@@", &[Jsonb, Text], Bool, path_match_op);
    b.scalar("jsonb_path_match", &[Jsonb, Text], Bool, path_match);
    b.scalar("jsonb_path_exists", &[Jsonb, Text], Bool, path_exists_op);
    b.scalar("jsonb_path_query_array", &[Jsonb, Text], Jsonb, query_array);
    b.scalar("jsonb_path_query_first", &[Jsonb, Text], Jsonb, query_first);
    b.set_returning("jsonb_path_query", &[Jsonb, Text], Jsonb, query);
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Path(Start, Vec<Step>),
    Literal(Json),
    Compare(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Exists(Box<Expr>),
    IsUnknown(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Start {
    Root,
    Current,
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Member(String),
    AnyMember,
    AnyElement,
    Elements(Vec<i64>),
    Filter(Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Three-valued logic of path predicates.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Truth {
    True,
    False,
    Unknown,
}

// ---- parsing ----

fn syntax_error(input: &str) -> Error {
    err!(
        SqlState::SYNTAX_ERROR,
        "syntax error in jsonpath input \"{}\"",
        input
    )
}

struct Parser<'a> {
    input: &'a str,
    chars: Vec<char>,
    pos: usize,
}

fn parse(input: &str) -> Result<Expr> {
    let mut p = Parser {
        input,
        chars: input.chars().collect(),
        pos: 0,
    };
    p.skip_ws();
    for mode in ["lax", "strict"] {
        if p.keyword(mode) {
            if mode == "strict" {
                bail!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "strict mode jsonpath is not supported yet"
                );
            }
            break;
        }
    }
    let e = p.or()?;
    p.skip_ws();
    if p.pos != p.chars.len() {
        return Err(syntax_error(input));
    }
    Ok(e)
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).copied()
    }

    fn eat(&mut self, s: &str) -> bool {
        self.skip_ws();
        let n = s.chars().count();
        if self.chars.len() >= self.pos + n
            && self.chars[self.pos..self.pos + n]
                .iter()
                .copied()
                .eq(s.chars())
        {
            self.pos += n;
            true
        } else {
            false
        }
    }

    /// A whole word (not the prefix of a longer identifier).
    fn keyword(&mut self, w: &str) -> bool {
        let save = self.pos;
        if self.eat(w)
            && !self
                .chars
                .get(self.pos)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            return true;
        }
        self.pos = save;
        false
    }

    fn expect(&mut self, s: &str) -> Result<()> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(syntax_error(self.input))
        }
    }

    fn or(&mut self) -> Result<Expr> {
        let mut e = self.and()?;
        while self.eat("||") {
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr> {
        let mut e = self.unary()?;
        while self.eat("&&") {
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr> {
        if self.eat("!") {
            self.expect("(")?;
            let e = self.or()?;
            self.expect(")")?;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr> {
        let left = self.primary()?;
        let op = if self.eat("==") {
            CmpOp::Eq
        } else if self.eat("!=") || self.eat("<>") {
            CmpOp::Ne
        } else if self.eat("<=") {
            CmpOp::Le
        } else if self.eat(">=") {
            CmpOp::Ge
        } else if self.eat("<") {
            CmpOp::Lt
        } else if self.eat(">") {
            CmpOp::Gt
        } else {
            if self.keyword("is") {
                if !self.keyword("unknown") {
                    return Err(syntax_error(self.input));
                }
                return Ok(Expr::IsUnknown(Box::new(left)));
            }
            return Ok(left);
        };
        let right = self.primary()?;
        Ok(Expr::Compare(op, Box::new(left), Box::new(right)))
    }

    fn primary(&mut self) -> Result<Expr> {
        match self.peek() {
            Some('$') => {
                self.pos += 1;
                Ok(Expr::Path(Start::Root, self.steps()?))
            }
            Some('@') => {
                self.pos += 1;
                Ok(Expr::Path(Start::Current, self.steps()?))
            }
            Some('(') => {
                self.pos += 1;
                let e = self.or()?;
                self.expect(")")?;
                Ok(e)
            }
            Some('"') => Ok(Expr::Literal(Json::String(self.string()?))),
            Some(c) if c.is_ascii_digit() || c == '-' || c == '.' => {
                Ok(Expr::Literal(self.number()?))
            }
            _ if self.keyword("exists") => {
                self.expect("(")?;
                let e = self.or()?;
                self.expect(")")?;
                Ok(Expr::Exists(Box::new(e)))
            }
            _ if self.keyword("null") => Ok(Expr::Literal(Json::Null)),
            _ if self.keyword("true") => Ok(Expr::Literal(Json::Bool(true))),
            _ if self.keyword("false") => Ok(Expr::Literal(Json::Bool(false))),
            _ => Err(syntax_error(self.input)),
        }
    }

    fn steps(&mut self) -> Result<Vec<Step>> {
        let mut steps = Vec::new();
        loop {
            if self.eat(".") {
                if self.eat("*") {
                    steps.push(Step::AnyMember);
                } else if self.peek() == Some('"') {
                    steps.push(Step::Member(self.string()?));
                } else {
                    steps.push(Step::Member(self.identifier()?));
                }
            } else if self.eat("[") {
                if self.eat("*") {
                    self.expect("]")?;
                    steps.push(Step::AnyElement);
                } else {
                    let mut list = Vec::new();
                    loop {
                        let Json::Number(n) = self.number()? else {
                            return Err(syntax_error(self.input));
                        };
                        let i = n
                            .as_f64()
                            .filter(|f| f.is_finite())
                            .ok_or_else(|| syntax_error(self.input))?;
                        list.push(i.trunc() as i64);
                        if !self.eat(",") {
                            break;
                        }
                    }
                    self.expect("]")?;
                    steps.push(Step::Elements(list));
                }
            } else if self.eat("?") {
                self.expect("(")?;
                let e = self.or()?;
                self.expect(")")?;
                steps.push(Step::Filter(Box::new(e)));
            } else {
                return Ok(steps);
            }
        }
    }

    fn identifier(&mut self) -> Result<String> {
        self.skip_ws();
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        if start == self.pos {
            return Err(syntax_error(self.input));
        }
        Ok(self.chars[start..self.pos].iter().collect())
    }

    /// A double-quoted string with JSON's escapes.
    fn string(&mut self) -> Result<String> {
        self.skip_ws();
        let start = self.pos;
        self.pos += 1;
        let mut escaped = false;
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    let lit: String = self.chars[start..self.pos].iter().collect();
                    return crate::types::json::parse_jsonb(&lit)
                        .ok()
                        .and_then(|j| j.as_str().map(str::to_string))
                        .ok_or_else(|| syntax_error(self.input));
                }
                _ => escaped = false,
            }
        }
        Err(syntax_error(self.input))
    }

    fn number(&mut self) -> Result<Json> {
        self.skip_ws();
        let start = self.pos;
        let mut seen_exp = false;
        while let Some(&c) = self.chars.get(self.pos) {
            let sign_ok = (c == '-' || c == '+')
                && (self.pos == start || matches!(self.chars[self.pos - 1], 'e' | 'E'));
            if c.is_ascii_digit() || c == '.' || sign_ok || (!seen_exp && matches!(c, 'e' | 'E')) {
                seen_exp |= matches!(c, 'e' | 'E');
                self.pos += 1;
            } else {
                break;
            }
        }
        let mut lit: String = self.chars[start..self.pos].iter().collect();
        // jsonpath allows `.5` and `5.`; JSON does not.
        if lit.starts_with('.') || lit.starts_with("-.") {
            lit = lit.replacen('.', "0.", 1);
        }
        if lit.ends_with('.') {
            lit.push('0');
        }
        serde_json::from_str::<serde_json::Number>(&lit)
            .map(Json::Number)
            .map_err(|_| syntax_error(self.input))
    }
}

// ---- evaluation ----

struct Eval<'a> {
    root: &'a Json,
}

impl<'a> Eval<'a> {
    /// The items an expression yields; predicates yield one boolean (or
    /// null for unknown).
    fn items(&self, e: &Expr, current: &Json) -> Vec<Json> {
        match e {
            Expr::Path(start, steps) => {
                let base = match start {
                    Start::Root => self.root,
                    Start::Current => current,
                };
                let mut items = vec![base.clone()];
                for step in steps {
                    items = items.iter().flat_map(|i| self.step(step, i)).collect();
                }
                items
            }
            Expr::Literal(j) => vec![j.clone()],
            _ => vec![match self.truth(e, current) {
                Truth::True => Json::Bool(true),
                Truth::False => Json::Bool(false),
                Truth::Unknown => Json::Null,
            }],
        }
    }

    fn step(&self, step: &Step, item: &Json) -> Vec<Json> {
        match (step, item) {
            (Step::Member(k), Json::Object(m)) => m.get(k).cloned().into_iter().collect(),
            (Step::AnyMember, Json::Object(m)) => m.values().cloned().collect(),
            (Step::Member(_) | Step::AnyMember, Json::Array(items)) => {
                items.iter().flat_map(|i| self.step(step, i)).collect()
            }
            (Step::Member(_) | Step::AnyMember, _) => Vec::new(),
            (Step::AnyElement, Json::Array(items)) => items.clone(),
            (Step::AnyElement, other) => vec![other.clone()],
            (Step::Elements(list), Json::Array(items)) => list
                .iter()
                .filter_map(|&i| usize::try_from(i).ok().and_then(|i| items.get(i)))
                .cloned()
                .collect(),
            (Step::Elements(list), other) => list
                .iter()
                .filter(|&&i| i == 0)
                .map(|_| other.clone())
                .collect(),
            (Step::Filter(pred), Json::Array(items)) => items
                .iter()
                .filter(|i| self.truth(pred, i) == Truth::True)
                .cloned()
                .collect(),
            (Step::Filter(pred), other) => {
                if self.truth(pred, other) == Truth::True {
                    vec![other.clone()]
                } else {
                    Vec::new()
                }
            }
        }
    }

    /// Lax mode compares the elements of arrays, not the arrays.
    fn unwrapped(&self, e: &Expr, current: &Json) -> Vec<Json> {
        self.items(e, current)
            .into_iter()
            .flat_map(|i| match i {
                Json::Array(items) => items,
                other => vec![other],
            })
            .collect()
    }

    fn truth(&self, e: &Expr, current: &Json) -> Truth {
        match e {
            Expr::And(a, b) => match (self.truth(a, current), self.truth(b, current)) {
                (Truth::False, _) | (_, Truth::False) => Truth::False,
                (Truth::True, Truth::True) => Truth::True,
                _ => Truth::Unknown,
            },
            Expr::Or(a, b) => match (self.truth(a, current), self.truth(b, current)) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, Truth::False) => Truth::False,
                _ => Truth::Unknown,
            },
            Expr::Not(a) => match self.truth(a, current) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                Truth::Unknown => Truth::Unknown,
            },
            Expr::IsUnknown(a) => {
                if self.truth(a, current) == Truth::Unknown {
                    Truth::True
                } else {
                    Truth::False
                }
            }
            Expr::Exists(a) => {
                if self.items(a, current).is_empty() {
                    Truth::False
                } else {
                    Truth::True
                }
            }
            Expr::Compare(op, l, r) => {
                let (ls, rs) = (self.unwrapped(l, current), self.unwrapped(r, current));
                let mut unknown = false;
                for x in &ls {
                    for y in &rs {
                        match compare_items(*op, x, y) {
                            Some(true) => return Truth::True,
                            Some(false) => {}
                            None => unknown = true,
                        }
                    }
                }
                if unknown {
                    Truth::Unknown
                } else {
                    Truth::False
                }
            }
            // A path or literal used as a predicate: its single boolean.
            Expr::Path(..) | Expr::Literal(_) => match self.items(e, current).as_slice() {
                [Json::Bool(true)] => Truth::True,
                [Json::Bool(false)] => Truth::False,
                _ => Truth::Unknown,
            },
        }
    }
}

/// One comparison of two items: `None` when they are not comparable.
fn compare_items(op: CmpOp, x: &Json, y: &Json) -> Option<bool> {
    let ord = match (x, y) {
        (Json::Null, Json::Null) => Ordering::Equal,
        (Json::Null, _) | (_, Json::Null) => {
            return Some(op == CmpOp::Ne);
        }
        (Json::Number(_), Json::Number(_))
        | (Json::String(_), Json::String(_))
        | (Json::Bool(_), Json::Bool(_)) => compare_jsonb(x, y),
        _ => return None,
    };
    Some(match op {
        CmpOp::Eq => ord.is_eq(),
        CmpOp::Ne => ord.is_ne(),
        CmpOp::Lt => ord.is_lt(),
        CmpOp::Le => ord.is_le(),
        CmpOp::Gt => ord.is_gt(),
        CmpOp::Ge => ord.is_ge(),
    })
}

fn run(a: &[Value]) -> Result<(Arc<Json>, Expr)> {
    let j = jsonb(&a[0])?;
    let path = parse(text(&a[1])?)?;
    Ok((j, path))
}

fn path_exists_op(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    Ok(Value::Bool(!ev.items(&path, &j).is_empty()))
}

/// `@@`: the predicate's truth, NULL when the path yields no single
/// boolean.
fn path_match_op(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    Ok(match ev.items(&path, &j).as_slice() {
        [Json::Bool(b)] => Value::Bool(*b),
        _ => Value::Null,
    })
}

/// `jsonb_path_match`: like `@@`, but anything other than one boolean (or
/// null) is an error.
fn path_match(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    Ok(match ev.items(&path, &j).as_slice() {
        [Json::Bool(b)] => Value::Bool(*b),
        [Json::Null] => Value::Null,
        _ => {
            return Err(err!(
                SqlState::new(b"22038"),
                "single boolean result is expected"
            ))
        }
    })
}

fn query_array(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    Ok(Value::Jsonb(Arc::new(Json::Array(ev.items(&path, &j)))))
}

fn query_first(_: &Resolved, a: &[Value], _: Ctx) -> Result<Value> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    Ok(ev
        .items(&path, &j)
        .into_iter()
        .next()
        .map_or(Value::Null, |i| Value::Jsonb(Arc::new(i))))
}

fn query(_: &Resolved, a: &[Value], _: Ctx) -> Result<RowIter> {
    let (j, path) = run(a)?;
    let ev = Eval { root: &j };
    let items = ev.items(&path, &j);
    Ok(Box::new(
        items
            .into_iter()
            .map(|i| Ok(vec![Value::Jsonb(Arc::new(i))])),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(doc: &str, path: &str) -> Vec<String> {
        let j = crate::types::json::parse_jsonb(doc).unwrap();
        let e = parse(path).unwrap();
        Eval { root: &j }
            .items(&e, &j)
            .iter()
            .map(crate::types::json::format_jsonb)
            .collect()
    }

    // Expected results verified on PostgreSQL 15.
    #[test]
    fn lax_paths() {
        let doc = r#"{"a": [1, {"b": 2}, "x"], "c": null, "d": {"e": true}}"#;
        assert_eq!(eval(doc, "$.a[*]"), ["1", "{\"b\": 2}", "\"x\""]);
        assert_eq!(eval(doc, "$.a.b"), ["2"]);
        assert_eq!(eval(doc, "$.c"), ["null"]);
        assert_eq!(eval(doc, "$.zz"), Vec::<String>::new());
        assert_eq!(eval(doc, "$.a[*] ? (@ > 0)"), ["1"]);
        assert_eq!(eval(doc, "$.a == \"x\""), ["true"]);
        assert_eq!(eval(doc, "$.a == 1 && $.c == null"), ["true"]);
        assert_eq!(eval(doc, "exists($.d.f)"), ["false"]);
        assert_eq!(eval(doc, "$.a[*] > 5"), ["null"]);
        assert_eq!(eval(doc, "$.d.e[0]"), ["true"]);
    }

    #[test]
    fn syntax_errors() {
        assert!(parse("$.").is_err());
        assert!(parse("$ ? (@ ==)").is_err());
        assert!(parse("$.a ]").is_err());
    }
}
