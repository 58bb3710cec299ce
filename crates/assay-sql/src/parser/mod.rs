//! SQL text → Assay's AST.
//!
//! [`parse`] tokenizes the whole input with sqlparser's PostgreSQL dialect,
//! splits it into statements at top-level semicolons, and parses each one:
//! a few statements sqlparser lacks or gets wrong for PostgreSQL are read by
//! a small hand-written parser ([`utility`]), the rest by sqlparser. Its tree
//! is translated at once into [`crate::ast`]; sqlparser's types never leave
//! this module. Errors are PostgreSQL's: `syntax error at or near "…"` with a
//! 1-based character position into the whole input.

mod copy;
mod database;
mod ddl;
mod expr;
mod query;
mod roles;
mod source;
mod stmt;
mod storage_params;
mod subscript_assign;
mod types;
mod utility;

use assay_storage::{err, Error, Result, SqlState};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::ast::Statement;
use source::{syntax_error_at_end, Source};

/// How deeply expressions and queries may nest before parsing gives up
/// with `stack depth limit exceeded`. Translation and printing recurse once
/// per level, using a few KB of stack each in release builds (several times
/// that unoptimised), so this bounds the stack a parse can need.
const RECURSION_LIMIT: usize = 100;

/// One statement's text and tree.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedStatement {
    pub statement: Statement,
    /// 1-based character offset of the statement's first character.
    pub start: u32,
    /// The statement's text, without the terminating semicolon.
    pub text: String,
}

/// Parses one or more statements separated by semicolons.
pub fn parse(sql: &str) -> Result<Vec<Statement>> {
    Ok(parse_with_text(sql)?
        .into_iter()
        .map(|p| p.statement)
        .collect())
}

/// Parses one SQL expression, as the catalog keeps defaults, CHECK
/// constraints and index expressions: the text must be exactly the target
/// of `SELECT <expr>`.
pub fn parse_expr(sql: &str) -> Result<crate::ast::Expr> {
    use crate::ast::{SelectItem, SetExpr};
    let stmts = parse(&format!("SELECT {sql}"))?;
    if let [Statement::Query(q)] = stmts.as_slice() {
        if let SetExpr::Select(s) = &q.body {
            if let [SelectItem::Expr { expr, .. }] = s.targets.as_slice() {
                if s.from.is_empty() && q.order_by.is_empty() && q.limit.is_none() {
                    return Ok(expr.clone());
                }
            }
        }
    }
    Err(assay_storage::err!(
        assay_storage::SqlState::SYNTAX_ERROR,
        "invalid expression: {}",
        sql
    ))
}

/// Parses statements and keeps each one's place in the input.
pub fn parse_with_text(sql: &str) -> Result<Vec<ParsedStatement>> {
    let src = Source::new(sql);
    let dialect = PostgreSqlDialect {};
    let tokens = Tokenizer::new(&dialect, sql)
        .with_unescape(true)
        .tokenize_with_location()
        .map_err(|e| tokenizer_error(&src, &e.message, e.location))?;
    let mut out = Vec::new();
    let semicolons: Vec<&TokenWithSpan> = tokens
        .iter()
        .filter(|t| t.token == Token::SemiColon)
        .collect();
    for (i, piece) in tokens.split(|t| t.token == Token::SemiColon).enumerate() {
        let significant: Vec<&TokenWithSpan> = piece
            .iter()
            .filter(|t| !matches!(t.token, Token::Whitespace(_)))
            .collect();
        let (Some(first), Some(last)) = (significant.first(), significant.last()) else {
            continue;
        };
        let start = src.offset(first.span.start);
        let text = src.slice(start, src.offset(last.span.end));
        let statement = statement(&src, piece, &text).map_err(|e| {
            // A statement cut short by `;` fails at the semicolon.
            match semicolons.get(i) {
                Some(semi) if e.message() == "syntax error at end of input" => {
                    src.syntax_error_at(semi.span.start, semi.span.end)
                }
                _ => e,
            }
        })?;
        out.push(ParsedStatement {
            statement,
            start,
            text,
        });
    }
    Ok(out)
}

/// Parses one statement: by hand for a few forms, else with sqlparser.
fn statement(src: &Source, piece: &[TokenWithSpan], text: &str) -> Result<Statement> {
    let mut symmetric = Vec::new();
    let mut exclusions = Vec::new();
    let mut overriding = None;
    let piece = subscript_assign::rewrite(piece);
    let piece = preprocess(
        src,
        &piece,
        &mut symmetric,
        &mut exclusions,
        &mut overriding,
    )?;
    let significant: Vec<&TokenWithSpan> = piece
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .collect();
    let tr = Tr {
        src,
        text,
        symmetric,
        exclusions,
        overriding,
        frames: std::cell::Cell::new(0),
    };
    match utility::parse(&tr, &significant)? {
        Some(stmt) => Ok(stmt),
        None => {
            let stmt = sqlparser_statement(src, &piece)?;
            tr.statement(&stmt)
        }
    }
}

/// Parses one statement's tokens with sqlparser.
fn sqlparser_statement(
    src: &Source,
    tokens: &[TokenWithSpan],
) -> Result<sqlparser::ast::Statement> {
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(RECURSION_LIMIT)
        .with_tokens_with_locations(tokens.to_vec());
    let stmt = parser
        .parse_statement()
        .map_err(|e| parser_error(src, tokens, e))?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        // A clause keyword left over (`ORDER` without `BY`) fails at what
        // follows it, as in PostgreSQL's grammar.
        if matches!(word(&next).as_deref(), Some("order" | "group")) {
            let after = parser.peek_nth_token(1);
            if after.token == Token::EOF {
                return Err(syntax_error_at_end(src.char_len()));
            }
            if word(&after).as_deref() != Some("by") {
                return Err(src.syntax_error_at(after.span.start, after.span.end));
            }
        }
        return Err(src.syntax_error_at(next.span.start, next.span.end));
    }
    Ok(stmt)
}

/// Translation context: the input text, for positions and raw slices.
pub(crate) struct Tr<'a> {
    src: &'a Source<'a>,
    /// The current statement's text.
    text: &'a str,
    /// Where the lower bound of each `BETWEEN SYMMETRIC` starts.
    symmetric: Vec<Location>,
    /// Window frames' `EXCLUDE` clauses (which sqlparser lacks), by the
    /// frame's number in the statement's text.
    exclusions: Vec<(usize, crate::ast::FrameExclusion)>,
    /// An INSERT's `OVERRIDING … VALUE` clause (which sqlparser lacks).
    overriding: Option<crate::ast::Overriding>,
    /// Frames translated so far (frames are translated in text order).
    frames: std::cell::Cell<usize>,
}

fn word(t: &TokenWithSpan) -> Option<String> {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

/// Words that may follow a select-list `*`.
const WILDCARD_FOLLOWERS: &[&str] = &[
    "from",
    "into",
    "where",
    "group",
    "having",
    "window",
    "order",
    "limit",
    "offset",
    "fetch",
    "for",
    "union",
    "intersect",
    "except",
    "returning",
    "on",
];

/// Reserved words that can never directly follow a comma.
const NEVER_AFTER_COMMA: &[&str] = &[
    "from",
    "where",
    "group",
    "having",
    "order",
    "limit",
    "offset",
    "fetch",
    "for",
    "into",
    "union",
    "intersect",
    "except",
    "window",
    "returning",
    "using",
    "on",
    "then",
    "else",
    "end",
    "as",
    "asc",
    "desc",
    "and",
    "or",
    "in",
    "to",
    "when",
    "do",
];

fn last_is_comma(out: &[TokenWithSpan]) -> bool {
    out.iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)))
        .is_some_and(|t| t.token == Token::Comma)
}

/// Whether a `*` after these tokens is a wildcard (not multiplication).
fn after_wildcard_start(out: &[TokenWithSpan]) -> bool {
    let prev = out
        .iter()
        .rev()
        .find(|t| !matches!(t.token, Token::Whitespace(_)));
    match prev {
        None => false,
        Some(t) => match &t.token {
            Token::Comma => true,
            Token::Word(w) if w.quote_style.is_none() => {
                matches!(
                    w.value.to_ascii_lowercase().as_str(),
                    "select" | "distinct" | "all" | "returning"
                )
            }
            _ => false,
        },
    }
}

/// Rewrites PostgreSQL token sequences sqlparser does not know into ones
/// it does: postfix `ISNULL` becomes `IS NULL`, and `SYMMETRIC` after
/// `BETWEEN` is removed (remembering where its lower bound starts).
fn preprocess(
    src: &Source,
    piece: &[TokenWithSpan],
    symmetric: &mut Vec<Location>,
    exclusions: &mut Vec<(usize, crate::ast::FrameExclusion)>,
    overriding: &mut Option<crate::ast::Overriding>,
) -> Result<Vec<TokenWithSpan>> {
    let is_insert = matches!(
        piece
            .iter()
            .find(|t| !matches!(t.token, Token::Whitespace(_)))
            .and_then(word)
            .as_deref(),
        Some("insert")
    );
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(piece.len());
    let mut prev_word: Option<String> = None;
    let mut mark_next = false;
    let mut frames = 0;
    let mut skip = 0;
    for (i, t) in piece.iter().enumerate() {
        if matches!(t.token, Token::Whitespace(_)) {
            out.push(t.clone());
            continue;
        }
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let w = word(t);
        let next_words = || {
            piece[i + 1..]
                .iter()
                .filter(|t| !matches!(t.token, Token::Whitespace(_)))
                .take(2)
                .map(|t| (word(t), &t.token))
                .collect::<Vec<_>>()
        };
        if matches!(w.as_deref(), Some("rows" | "range" | "groups")) {
            let next = next_words();
            let starts_frame = match next.first() {
                Some((Some(n), _)) => {
                    matches!(n.as_str(), "between" | "unbounded" | "current" | "interval")
                }
                Some((None, tok)) => matches!(
                    tok,
                    Token::Number(..) | Token::SingleQuotedString(_) | Token::Placeholder(_)
                ),
                None => false,
            };
            frames += usize::from(starts_frame);
        }
        if mark_next {
            symmetric.push(t.span.start);
            mark_next = false;
        }
        match w.as_deref() {
            Some("isnull") => {
                for kw in ["IS", " ", "NULL"] {
                    let token = if kw == " " {
                        Token::Whitespace(sqlparser::tokenizer::Whitespace::Space)
                    } else {
                        Token::make_keyword(kw)
                    };
                    out.push(TokenWithSpan {
                        token,
                        span: t.span,
                    });
                }
            }
            Some(s @ ("symmetric" | "asymmetric")) if prev_word.as_deref() == Some("between") => {
                mark_next = s == "symmetric";
            }
            _ if t.token == Token::Mul && after_wildcard_start(&out) => {
                // `*` as a select-list wildcard takes no alias in
                // PostgreSQL; sqlparser would read `SELECT * FORM t` as one.
                let next = piece[i + 1..]
                    .iter()
                    .find(|t| !matches!(t.token, Token::Whitespace(_)));
                if let Some(n) = next {
                    if let Token::Word(w) = &n.token {
                        let lower = w.value.to_ascii_lowercase();
                        if w.quote_style.is_some() || !WILDCARD_FOLLOWERS.contains(&lower.as_str())
                        {
                            return Err(src.syntax_error_at(n.span.start, n.span.end));
                        }
                    }
                }
                out.push(t.clone());
            }
            Some("minus") => {
                // Not a set operator in PostgreSQL: an ordinary name.
                let mut quoted = t.clone();
                if let Token::Word(w) = &mut quoted.token {
                    w.value = "minus".into();
                    w.quote_style = Some('"');
                    w.keyword = sqlparser::keywords::Keyword::NoKeyword;
                }
                out.push(quoted);
            }
            Some(kw) if NEVER_AFTER_COMMA.contains(&kw) && last_is_comma(&out) => {
                // sqlparser reads `SELECT a, FROM t` as a column named
                // "from"; PostgreSQL stops at the keyword.
                return Err(src.syntax_error_at(t.span.start, t.span.end));
            }
            Some("exclude") if prev_word.is_some() && frames > 0 => {
                use crate::ast::FrameExclusion as X;
                let next = next_words();
                let words: Vec<Option<&str>> = next.iter().map(|(w, _)| w.as_deref()).collect();
                let (kind, len) = match words.as_slice() {
                    [Some("current"), Some("row"), ..] => (X::CurrentRow, 2),
                    [Some("group"), ..] => (X::Group, 1),
                    [Some("ties"), ..] => (X::Ties, 1),
                    [Some("no"), Some("others"), ..] => (X::NoOthers, 2),
                    _ => {
                        out.push(t.clone());
                        prev_word = w;
                        continue;
                    }
                };
                exclusions.push((frames - 1, kind));
                skip = len;
            }
            Some("overriding") if is_insert && overriding.is_none() => {
                let next = next_words();
                let words: Vec<Option<&str>> = next.iter().map(|(w, _)| w.as_deref()).collect();
                *overriding = match words.as_slice() {
                    [Some("system"), Some("value")] => Some(crate::ast::Overriding::System),
                    [Some("user"), Some("value")] => Some(crate::ast::Overriding::User),
                    _ => {
                        out.push(t.clone());
                        prev_word = w;
                        continue;
                    }
                };
                skip = 2;
            }
            Some("identity") => match ddl::identity_options_in_order(&piece[i + 1..]) {
                Some((reordered, consumed)) => {
                    out.push(t.clone());
                    out.extend(reordered);
                    skip = consumed;
                }
                None => out.push(t.clone()),
            },
            _ => out.push(t.clone()),
        }
        prev_word = w;
    }
    Ok(out)
}

fn tokenizer_error(src: &Source, message: &str, at: Location) -> Error {
    if message.starts_with("Unterminated string") || message.contains("dollar-quoted") {
        let pos = src.offset(at);
        let rest = src.slice(pos, src.char_len() as u32 + 1);
        return err!(
            SqlState::SYNTAX_ERROR,
            "unterminated quoted string at or near \"{rest}\""
        )
        .with_position(pos);
    }
    if message.contains("close delimiter") {
        let pos = src.offset(at);
        let rest = src.slice(pos, src.char_len() as u32 + 1);
        return err!(
            SqlState::SYNTAX_ERROR,
            "unterminated quoted identifier at or near \"{rest}\""
        )
        .with_position(pos);
    }
    if message.contains("comment") {
        // PostgreSQL points at where the comment starts.
        let byte = src.text.rfind("/*").unwrap_or(0);
        let pos = src.text[..byte].chars().count() as u32 + 1;
        return err!(
            SqlState::SYNTAX_ERROR,
            "unterminated /* comment at or near \"{}\"",
            src.slice(pos, src.char_len() as u32 + 1)
        )
        .with_position(pos);
    }
    src.syntax_error_at(at, at)
}

/// Maps sqlparser's `Expected: …, found: … at Line: l, Column: c` to
/// PostgreSQL's message, pointing at the offending token.
fn parser_error(src: &Source, tokens: &[TokenWithSpan], e: ParserError) -> Error {
    let message = match e {
        ParserError::RecursionLimitExceeded => {
            return err!(
                SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded"
            )
            .with_hint("Simplify the statement: it nests too deeply.");
        }
        ParserError::ParserError(m) | ParserError::TokenizerError(m) => m,
    };
    let located = message.rfind(" at Line: ").and_then(|i| {
        let rest = &message[i + " at Line: ".len()..];
        let (line, col) = rest.split_once(", Column: ")?;
        Some(Location {
            line: line.trim().parse().ok()?,
            column: col.trim().parse().ok()?,
        })
    });
    if message.contains("found: EOF") {
        return syntax_error_at_end(src.char_len());
    }
    let Some(loc) = located else {
        // Errors without a location are about the statement as a whole:
        // point at its last token, as PostgreSQL does for a missing part.
        return match tokens
            .iter()
            .rev()
            .find(|t| !matches!(t.token, Token::Whitespace(_)))
        {
            Some(t) => src.syntax_error_at(t.span.start, t.span.end),
            None => syntax_error_at_end(src.char_len()),
        };
    };
    match tokens.iter().find(|t| t.span.start == loc) {
        Some(t) => src.syntax_error_at(t.span.start, t.span.end),
        None => src.syntax_error_at(loc, loc),
    }
}
