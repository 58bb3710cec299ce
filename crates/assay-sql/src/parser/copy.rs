//! COPY: both the new `(option value, …)` and the old `CSV HEADER` syntax.
//!
//! The parenthesized list is PostgreSQL's *generic* option list — any
//! name, with a string, number, word, `*` or column list as its value —
//! checked later by `copy::CopyOptions`, so it is read here by hand
//! ([`with_generic_options`]); the rest of the statement goes to sqlparser.

use assay_storage::Result;
use sqlparser::ast::{self as sp, CopyLegacyCsvOption, CopyLegacyOption, CopyOption as SpOpt};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::source::{fold, fold_all, syntax_error_at_end, unsupported};
use super::Tr;
use crate::ast::*;

/// Parses a COPY: the statement up to its target by sqlparser, the
/// options after it by hand. `None` when the statement is not shaped so.
pub(super) fn with_generic_options(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Option<Statement>> {
    let word = |t: &TokenWithSpan| match &t.token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    // The FROM or TO outside parentheses, then the target.
    let mut depth = 0i32;
    let mut direction = None;
    for (i, t) in toks.iter().enumerate().skip(1) {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && matches!(word(t).as_deref(), Some("from" | "to")) => {
                direction = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(direction) = direction else {
        return Ok(None);
    };
    let mut end = direction + 1;
    match toks.get(end).map(|t| (word(t), &t.token)) {
        Some((Some(w), _)) if w == "stdin" || w == "stdout" => end += 1,
        Some((Some(w), _)) if w == "program" => end += 2,
        Some((_, Token::SingleQuotedString(_) | Token::EscapedStringLiteral(_))) => end += 1,
        _ => return Ok(None),
    }
    if end > toks.len() {
        return Ok(None);
    }
    let tail = &toks[end..];
    let tail = match tail.first().and_then(|t| word(t)) {
        Some(w) if w == "with" => &tail[1..],
        _ => tail,
    };
    let options = match tail.first().map(|t| &t.token) {
        None => Vec::new(),
        Some(Token::LParen) if tail.last().map(|t| &t.token) == Some(&Token::RParen) => {
            generic_options(tr, &tail[1..tail.len() - 1], tail.last().copied())?
        }
        Some(_) => legacy_options(tr, tail)?,
    };
    match super::utility::reparse(tr, &toks[..end])? {
        Statement::Copy(mut copy) => {
            copy.options = options;
            Ok(Some(Statement::Copy(copy)))
        }
        _ => Ok(None),
    }
}

/// The old, unparenthesized options: `BINARY`, `CSV`, `HEADER`,
/// `FREEZE`, `DELIMITER [AS] 'x'`, `NULL [AS] 'x'`, `QUOTE [AS] 'x'`,
/// `ESCAPE [AS] 'x'`, `ENCODING 'x'`, `FORCE QUOTE cols|*`,
/// `FORCE NOT NULL cols`, `FORCE NULL cols`, in any order.
fn legacy_options(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Vec<CopyOption>> {
    let error_at = |i: usize| match toks.get(i) {
        Some(t) => tr.src.syntax_error_at(t.span.start, t.span.end),
        None => syntax_error_at_end(tr.src.char_len()),
    };
    let word_at = |i: usize| match toks.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    };
    let string_at = |i: usize| match toks.get(i).map(|t| &t.token) {
        Some(Token::SingleQuotedString(s)) | Some(Token::EscapedStringLiteral(s)) => {
            Some(s.clone())
        }
        _ => None,
    };
    let columns_at = |mut i: usize| -> Result<(CopyOptionValue, usize)> {
        if matches!(toks.get(i).map(|t| &t.token), Some(Token::Mul)) {
            return Ok((CopyOptionValue::Star, i + 1));
        }
        let mut cols = Vec::new();
        loop {
            match toks.get(i).map(|t| &t.token) {
                Some(Token::Word(w)) => cols.push(fold(&sp::Ident {
                    value: w.value.clone(),
                    quote_style: w.quote_style,
                    span: sqlparser::tokenizer::Span::empty(),
                })),
                _ => return Err(error_at(i)),
            }
            i += 1;
            if !matches!(toks.get(i).map(|t| &t.token), Some(Token::Comma)) {
                return Ok((CopyOptionValue::Columns(cols), i));
            }
            i += 1;
        }
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(w) = word_at(i) else {
            return Err(error_at(i));
        };
        i += 1;
        let flag = |name: &str| opt(name, Some(CopyOptionValue::Bool(true)));
        match w.as_str() {
            "binary" => out.push(string("format", "binary")),
            "csv" => out.push(string("format", "csv")),
            "header" => out.push(flag("header")),
            "freeze" => out.push(flag("freeze")),
            "delimiter" | "null" | "quote" | "escape" | "encoding" => {
                if word_at(i).as_deref() == Some("as") {
                    i += 1;
                }
                let Some(s) = string_at(i) else {
                    return Err(error_at(i));
                };
                i += 1;
                out.push(string(&w, s));
            }
            "force" => {
                let name = match (word_at(i).as_deref(), word_at(i + 1).as_deref()) {
                    (Some("quote"), _) => {
                        i += 1;
                        "force_quote"
                    }
                    (Some("not"), Some("null")) => {
                        i += 2;
                        "force_not_null"
                    }
                    (Some("null"), _) => {
                        i += 1;
                        "force_null"
                    }
                    _ => return Err(error_at(i)),
                };
                let (value, next) = columns_at(i)?;
                if name != "force_quote" && value == CopyOptionValue::Star {
                    return Err(error_at(i));
                }
                i = next;
                out.push(opt(name, Some(value)));
            }
            _ => return Err(error_at(i - 1)),
        }
    }
    Ok(out)
}

/// `name [value] [, …]` between the list's parentheses.
fn generic_options(
    tr: &Tr,
    toks: &[&TokenWithSpan],
    close: Option<&TokenWithSpan>,
) -> Result<Vec<CopyOption>> {
    let error_at = |i: usize| match toks.get(i).copied().or(close) {
        Some(t) => tr.src.syntax_error_at(t.span.start, t.span.end),
        None => syntax_error_at_end(tr.src.char_len()),
    };
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let name = match toks.get(i).map(|t| &t.token) {
            Some(Token::Word(w)) => fold(&sp::Ident::new(w.value.clone())),
            _ => return Err(error_at(i)),
        };
        i += 1;
        let value = match toks.get(i).map(|t| &t.token) {
            // A bare Boolean option is true (and prints so).
            None | Some(Token::Comma) if name == "header" || name == "freeze" => {
                Some(CopyOptionValue::Bool(true))
            }
            None | Some(Token::Comma) => None,
            Some(Token::SingleQuotedString(s)) | Some(Token::EscapedStringLiteral(s)) => {
                i += 1;
                Some(CopyOptionValue::String(s.clone()))
            }
            Some(Token::Number(n, _)) => {
                i += 1;
                Some(CopyOptionValue::String(n.clone()))
            }
            Some(Token::Word(w)) => {
                i += 1;
                let lower = w.value.to_lowercase();
                Some(match lower.as_str() {
                    "true" | "false" if w.quote_style.is_none() => {
                        CopyOptionValue::Bool(lower == "true")
                    }
                    _ if w.quote_style.is_some() => CopyOptionValue::String(w.value.clone()),
                    _ => CopyOptionValue::String(lower),
                })
            }
            Some(Token::Mul) => {
                i += 1;
                Some(CopyOptionValue::Star)
            }
            Some(Token::LParen) => {
                i += 1;
                let mut cols = Vec::new();
                loop {
                    match toks.get(i).map(|t| &t.token) {
                        Some(Token::Word(w)) => cols.push(fold(&sp::Ident {
                            value: w.value.clone(),
                            quote_style: w.quote_style,
                            span: sqlparser::tokenizer::Span::empty(),
                        })),
                        Some(Token::SingleQuotedString(s)) => cols.push(s.clone()),
                        _ => return Err(error_at(i)),
                    }
                    i += 1;
                    match toks.get(i).map(|t| &t.token) {
                        Some(Token::Comma) => i += 1,
                        Some(Token::RParen) => {
                            i += 1;
                            break;
                        }
                        _ => return Err(error_at(i)),
                    }
                }
                Some(CopyOptionValue::Columns(cols))
            }
            _ => return Err(error_at(i)),
        };
        out.push(CopyOption { name, value });
        match toks.get(i).map(|t| &t.token) {
            None => return Ok(out),
            Some(Token::Comma) => i += 1,
            _ => return Err(error_at(i)),
        }
    }
}

fn opt(name: &str, value: Option<CopyOptionValue>) -> CopyOption {
    CopyOption {
        name: name.to_string(),
        value,
    }
}

fn string(name: &str, s: impl ToString) -> CopyOption {
    opt(name, Some(CopyOptionValue::String(s.to_string())))
}

fn columns(name: &str, cols: &[sp::Ident]) -> CopyOption {
    opt(name, Some(CopyOptionValue::Columns(fold_all(cols))))
}

impl Tr<'_> {
    pub fn copy(
        &self,
        source: &sp::CopySource,
        to: bool,
        target: &sp::CopyTarget,
        options: &[SpOpt],
        legacy: &[CopyLegacyOption],
    ) -> Result<Copy> {
        let source = match source {
            sp::CopySource::Table {
                table_name,
                columns,
            } => CopySource::Table {
                name: self.src.relation_name(table_name)?,
                columns: fold_all(columns),
            },
            sp::CopySource::Query(q) => CopySource::Query(Box::new(self.query(q)?)),
        };
        let target = match target {
            sp::CopyTarget::Stdin | sp::CopyTarget::Stdout => CopyTarget::Stdio,
            sp::CopyTarget::File { filename } => CopyTarget::File(filename.clone()),
            sp::CopyTarget::Program { command } => CopyTarget::Program(command.clone()),
        };
        let mut out = Vec::new();
        for o in options {
            out.push(match o {
                SpOpt::Format(f) => string("format", f.value.to_ascii_lowercase()),
                SpOpt::Freeze(b) => opt("freeze", Some(CopyOptionValue::Bool(*b))),
                SpOpt::Delimiter(c) => string("delimiter", c),
                SpOpt::Null(s) => string("null", s),
                SpOpt::Header(b) => opt("header", Some(CopyOptionValue::Bool(*b))),
                SpOpt::Quote(c) => string("quote", c),
                SpOpt::Escape(c) => string("escape", c),
                SpOpt::ForceQuote(c) => columns("force_quote", c),
                SpOpt::ForceNotNull(c) => columns("force_not_null", c),
                SpOpt::ForceNull(c) => columns("force_null", c),
                SpOpt::Encoding(s) => string("encoding", s),
            });
        }
        for o in legacy {
            match o {
                CopyLegacyOption::Binary => out.push(string("format", "binary")),
                CopyLegacyOption::Delimiter(c) => out.push(string("delimiter", c)),
                CopyLegacyOption::Null(s) => out.push(string("null", s)),
                CopyLegacyOption::Header => {
                    out.push(opt("header", Some(CopyOptionValue::Bool(true))))
                }
                CopyLegacyOption::Csv(csv) => {
                    out.push(string("format", "csv"));
                    for c in csv {
                        out.push(match c {
                            CopyLegacyCsvOption::Header => {
                                opt("header", Some(CopyOptionValue::Bool(true)))
                            }
                            CopyLegacyCsvOption::Quote(c) => string("quote", c),
                            CopyLegacyCsvOption::Escape(c) => string("escape", c),
                            CopyLegacyCsvOption::ForceQuote(c) => columns("force_quote", c),
                            CopyLegacyCsvOption::ForceNotNull(c) => columns("force_not_null", c),
                        });
                    }
                }
                other => return Err(unsupported(format!("COPY option {other}"))),
            }
        }
        Ok(Copy {
            source,
            to,
            target,
            options: out,
        })
    }
}
