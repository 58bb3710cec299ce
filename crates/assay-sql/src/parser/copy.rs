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

/// Parses a COPY ending in a parenthesized option list: the statement
/// before the list by sqlparser, the list by hand. `None` when the
/// statement has no such list.
pub(super) fn with_generic_options(
    tr: &Tr,
    toks: &[&TokenWithSpan],
) -> Result<Option<Statement>> {
    if toks.last().map(|t| &t.token) != Some(&Token::RParen) {
        return Ok(None);
    }
    let mut depth = 0usize;
    let mut open = None;
    for (i, t) in toks.iter().enumerate().rev() {
        match t.token {
            Token::RParen => depth += 1,
            Token::LParen => {
                depth -= 1;
                if depth == 0 {
                    open = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let Some(open) = open.filter(|o| *o > 0) else {
        return Ok(None);
    };
    let before = &toks[open - 1].token;
    let prefix_end = match before {
        Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("with") => {
            open - 1
        }
        Token::Word(w)
            if w.quote_style.is_none()
                && (w.value.eq_ignore_ascii_case("stdin")
                    || w.value.eq_ignore_ascii_case("stdout")) =>
        {
            open
        }
        Token::SingleQuotedString(_) | Token::EscapedStringLiteral(_) => open,
        _ => return Ok(None),
    };
    let options = generic_options(tr, &toks[open + 1..toks.len() - 1], toks.last().copied())?;
    match super::utility::reparse(tr, &toks[..prefix_end])? {
        Statement::Copy(mut copy) => {
            copy.options = options;
            Ok(Some(Statement::Copy(copy)))
        }
        _ => Ok(None),
    }
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
                Some(CopyOptionValue::String(if w.quote_style.is_some() {
                    w.value.clone()
                } else {
                    w.value.to_lowercase()
                }))
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
