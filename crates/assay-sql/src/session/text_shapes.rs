//! Parsing a statement text once for all the texts that differ from it
//! only in their numbers.
//!
//! After `shapes.rs` lets such statements share a plan, parsing is most
//! of what is left of a short statement's cost. A session keeps, for
//! texts it has parsed, a *template*: the parsed statement and, for each
//! number in the text, either the literal it became (a slot of
//! [`shapes::for_each_slot`], filled with the new text's number) or the
//! exact number it must be (any other number, such as `LIMIT 5`).
//!
//! The key is the text with every digit of a number replaced by a mark
//! (so numbers of one key have the same lengths, and everything after
//! them the same source positions), read by a scanner that gives up on anything it does not fully understand:
//! quotes of any kind, `$`, backslashes, comments, non-ASCII text, more
//! than one statement, a number run into a word (`1e`, `5x`). So two
//! texts with one key tokenize alike but for their numbers.
//!
//! A template is only kept once checked: a second text, the first with
//! each slot's number changed, is parsed too and must equal the template
//! filled with those numbers. A text whose check fails is remembered as
//! such and always parsed.

use assay_storage::Result;

use super::shapes;
use crate::ast::{Expr, Literal, Statement};
use crate::parser::{self, ParsedStatement};

/// Texts a session keeps templates for, at most, before starting over
/// (pgbench's TPC-B-like INSERT alone takes a hundred or so: one per
/// combination of its numbers' lengths).
const TEMPLATES: usize = 512;

/// Marks a number in a key (the scanner refuses control characters in
/// the text, so the mark cannot be confused with the text's own).
const MARK: char = '\u{1}';

/// A session's templates by key; `None` for keys whose check failed.
#[derive(Default)]
pub(super) struct TextShapes {
    templates: rustc_hash::FxHashMap<String, Option<Template>>,
}

struct Template {
    statement: Statement,
    /// One entry per number of the text, in order.
    numbers: Vec<Number>,
    /// The statement's first character (1-based) as the parser gave it.
    start: u32,
}

enum Number {
    /// Fills the statement's `n`th slot; `negated` when the parser folded
    /// a minus sign into the literal.
    Slot { n: usize, negated: bool },
    /// Must be this text.
    Fixed(String),
}

/// A text read by [`scan`]: its key and its numbers (byte offset, text).
struct Scanned<'a> {
    key: String,
    numbers: Vec<(usize, &'a str)>,
}

impl TextShapes {
    /// The statements of `sql`: from a template when one matches, else
    /// parsed (and a template made when the text qualifies).
    pub(super) fn parse(&mut self, sql: &str) -> Result<Vec<ParsedStatement>> {
        let Some(scanned) = scan(sql) else {
            return parser::parse_with_text(sql);
        };
        match self.templates.get(&scanned.key) {
            Some(Some(template)) => {
                if let Some(parsed) = template.fill(sql, &scanned.numbers) {
                    return Ok(vec![parsed]);
                }
                parser::parse_with_text(sql)
            }
            Some(None) => parser::parse_with_text(sql),
            None => {
                let parsed = parser::parse_with_text(sql)?;
                if self.templates.len() >= TEMPLATES {
                    self.templates.clear();
                }
                let template = Template::make(sql, &scanned.numbers, &parsed);
                self.templates.insert(scanned.key, template);
                Ok(parsed)
            }
        }
    }
}

impl Template {
    /// A checked template for `sql`, parsed as `parsed`.
    fn make(sql: &str, numbers: &[(usize, &str)], parsed: &[ParsedStatement]) -> Option<Template> {
        let [only] = parsed else {
            return None;
        };
        let mut statement = only.statement.clone();
        let mut slots = Vec::new();
        shapes::for_each_slot(&mut statement, &mut |e| {
            if let Expr::Literal {
                value: Literal::Number(n),
                pos,
            } = e
            {
                slots.push((pos.0, n.starts_with('-')));
            }
        })?;
        // The scanner's numbers are ASCII: byte offset + 1 is the
        // parser's 1-based character position.
        let mut used = vec![false; slots.len()];
        let numbers: Vec<Number> = numbers
            .iter()
            .map(
                |(at, text)| match slots.iter().position(|(pos, _)| *pos as usize == at + 1) {
                    Some(n) => {
                        used[n] = true;
                        Number::Slot {
                            n,
                            negated: slots[n].1,
                        }
                    }
                    None => Number::Fixed(text.to_string()),
                },
            )
            .collect();
        if used.contains(&false) || !numbers.iter().any(|n| matches!(n, Number::Slot { .. })) {
            return None;
        }
        let template = Template {
            statement,
            numbers,
            start: only.start,
        };
        template.check(sql, numbers_of(sql))?;
        Some(template)
    }

    /// Parses `sql` with each slot's number changed and compares it with
    /// the template filled alike.
    fn check(&self, sql: &str, numbers: Vec<(usize, &str)>) -> Option<()> {
        let mut probe = String::with_capacity(sql.len() + 8);
        let mut last = 0;
        for ((at, text), number) in numbers.iter().zip(&self.numbers) {
            probe.push_str(&sql[last..*at]);
            match number {
                Number::Slot { n, .. } => {
                    probe.push_str(&format!("9{n}"));
                }
                Number::Fixed(_) => probe.push_str(text),
            }
            last = at + text.len();
        }
        probe.push_str(&sql[last..]);
        let reparsed = parser::parse_with_text(&probe).ok()?;
        let probe_numbers = numbers_of(&probe);
        let filled = self.fill(&probe, &probe_numbers)?;
        match reparsed.as_slice() {
            [only]
                if only.statement == filled.statement
                    && only.start == filled.start
                    && only.text == filled.text =>
            {
                Some(())
            }
            _ => None,
        }
    }

    /// The statement of `sql`, whose key is this template's, with the
    /// numbers `numbers`; `None` when a fixed number differs.
    fn fill(&self, sql: &str, numbers: &[(usize, &str)]) -> Option<ParsedStatement> {
        let mut texts: Vec<Option<String>> = Vec::new();
        for ((_, text), number) in numbers.iter().zip(&self.numbers) {
            match number {
                Number::Fixed(want) if want != text => return None,
                Number::Fixed(_) => {}
                Number::Slot { n, negated } => {
                    if texts.len() <= *n {
                        texts.resize(n + 1, None);
                    }
                    texts[*n] = Some(if *negated {
                        format!("-{text}")
                    } else {
                        text.to_string()
                    });
                }
            }
        }
        let mut statement = self.statement.clone();
        let mut next = 0;
        shapes::for_each_slot(&mut statement, &mut |e| {
            if let Expr::Literal {
                value: Literal::Number(n),
                ..
            } = e
            {
                if let Some(Some(text)) = texts.get(next) {
                    n.clone_from(text);
                }
                next += 1;
            }
        })?;
        Some(ParsedStatement {
            statement,
            start: self.start,
            text: statement_text(sql).to_string(),
        })
    }
}

/// The numbers of a text [`scan`] accepted.
fn numbers_of(sql: &str) -> Vec<(usize, &str)> {
    scan(sql).map(|s| s.numbers).unwrap_or_default()
}

/// A one-statement text without its surrounding blanks and final `;`.
fn statement_text(sql: &str) -> &str {
    let t = sql.trim();
    t.strip_suffix(';').unwrap_or(t).trim_end()
}

/// The key and numbers of `sql`, or `None` when the text holds anything
/// the scanner does not read (see the module docs).
fn scan(sql: &str) -> Option<Scanned<'_>> {
    let bytes = sql.as_bytes();
    let mut key = String::with_capacity(sql.len());
    let mut numbers = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                key.push_str(&sql[start..i]);
                continue;
            }
            b'0'..=b'9' => {
                let end = number_end(bytes, i)?;
                numbers.push((i, &sql[i..end]));
                // One mark per character: texts of one key have their
                // numbers at the same places, so the template's source
                // positions (for errors) are theirs too.
                key.extend(std::iter::repeat_n(MARK, end - i));
                i = end;
                continue;
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => return None,
            b'\'' | b'"' | b'$' | b'\\' | b'`' => return None,
            b'-' if bytes.get(i + 1) == Some(&b'-') => return None,
            b'/' if bytes.get(i + 1) == Some(&b'*') => return None,
            b';' if !sql[i + 1..].trim().is_empty() => return None,
            b' ' | b'\t' | b'\n' | b'\r' => {}
            c if c.is_ascii_control() || !c.is_ascii() => return None,
            _ => {}
        }
        key.push(c as char);
        i += 1;
    }
    Some(Scanned { key, numbers })
}

/// Where the number starting at `i` ends: digits, an optional fraction,
/// an optional exponent; `None` when a letter, `_` or `.` runs into it.
fn number_end(bytes: &[u8], mut i: usize) -> Option<usize> {
    let digits = |bytes: &[u8], mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    i = digits(bytes, i);
    if bytes.get(i) == Some(&b'.') {
        i = digits(bytes, i + 1);
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if !bytes.get(j).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        i = digits(bytes, j);
    }
    match bytes.get(i) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.' => None,
        _ => Some(i),
    }
}

#[cfg(test)]
#[path = "text_shapes_tests.rs"]
mod tests;
