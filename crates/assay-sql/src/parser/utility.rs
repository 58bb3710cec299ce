//! A small hand-written parser for statements sqlparser 0.63 lacks or reads
//! differently from PostgreSQL: `MOVE`, `ALTER SEQUENCE`, `VACUUM`,
//! `ANALYZE`, `DROP INDEX CONCURRENTLY`, role statements (`roles.rs`), a bare
//! `FETCH cursor`, and `DEFERRABLE` in `BEGIN`. Statements it does not
//! recognise are left to sqlparser (it returns `None`).

use assay_storage::{Error, Result};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::source::syntax_error_at_end;
use super::Tr;
use crate::ast::*;

/// A cursor over a statement's significant tokens.
pub(super) struct Cursor<'t, 'a> {
    pub(super) tr: &'t Tr<'a>,
    pub(super) toks: &'t [&'t TokenWithSpan],
    pub(super) at: usize,
}

/// Lower-cased text of an unquoted word.
pub(super) fn keyword(t: &TokenWithSpan) -> Option<String> {
    match &t.token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_lowercase()),
        _ => None,
    }
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub(super) fn peek_kw(&self, offset: usize) -> Option<String> {
        self.toks.get(self.at + offset).and_then(|t| keyword(t))
    }

    pub(super) fn eat(&mut self, word: &str) -> bool {
        if self.peek_kw(0).as_deref() == Some(word) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn eat_token(&mut self, tok: &Token) -> bool {
        if self.toks.get(self.at).is_some_and(|t| &t.token == tok) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn error(&self) -> Error {
        match self.toks.get(self.at) {
            Some(t) => self.tr.src.syntax_error_at(t.span.start, t.span.end),
            None => syntax_error_at_end(self.tr.src.char_len()),
        }
    }

    pub(super) fn done(&self) -> bool {
        self.at >= self.toks.len()
    }

    pub(super) fn expect_end(&self) -> Result<()> {
        if self.done() {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    pub(super) fn ident(&mut self) -> Result<String> {
        match self.toks.get(self.at).map(|t| &t.token) {
            Some(Token::Word(w)) => {
                self.at += 1;
                Ok(super::source::fold(&sqlparser::ast::Ident {
                    value: w.value.clone(),
                    quote_style: w.quote_style,
                    span: sqlparser::tokenizer::Span::empty(),
                }))
            }
            _ => Err(self.error()),
        }
    }

    pub(super) fn name(&mut self) -> Result<ObjectName> {
        let mut parts = vec![self.ident()?];
        while self.eat_token(&Token::Period) {
            parts.push(self.ident()?);
        }
        Ok(ObjectName(parts))
    }

    /// A signed integer as written.
    pub(super) fn number(&mut self) -> Result<String> {
        let sign = if self.eat_token(&Token::Minus) {
            "-"
        } else {
            self.eat_token(&Token::Plus);
            ""
        };
        match self.toks.get(self.at).map(|t| &t.token) {
            Some(Token::Number(n, _)) => {
                self.at += 1;
                Ok(format!("{sign}{n}"))
            }
            _ => Err(self.error()),
        }
    }

    pub(super) fn name_list(&mut self) -> Result<Vec<ObjectName>> {
        let mut names = Vec::new();
        if self.done() {
            return Ok(names);
        }
        loop {
            names.push(self.name()?);
            if !self.eat_token(&Token::Comma) {
                return Ok(names);
            }
        }
    }
}

/// Parses the statement if it is one of the hand-written forms.
pub(super) fn parse(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Option<Statement>> {
    let mut c = Cursor { tr, toks, at: 0 };
    if let Some(stmt) = super::roles::parse(&mut c)? {
        return Ok(Some(stmt));
    }
    let first = c.peek_kw(0).unwrap_or_default();
    let second = c.peek_kw(1).unwrap_or_default();
    if matches!(first.as_str(), "update" | "delete") {
        if let Some(stmt) = current_of(tr, toks)? {
            return Ok(Some(stmt));
        }
    }
    Ok(Some(match (first.as_str(), second.as_str()) {
        ("copy", _) => match super::copy::with_generic_options(tr, toks)? {
            Some(stmt) => stmt,
            None => return Ok(None),
        },
        ("move", _) => fetch(&mut c, true)?,
        ("fetch", _) => fetch(&mut c, false)?,
        ("delete", w) if w != "from" => {
            c.at = 1;
            return Err(c.error());
        }
        ("create", "sequence" | "temp" | "temporary") => {
            c.at = 1;
            let temporary = c.eat("temp") || c.eat("temporary");
            if !c.eat("sequence") {
                return Ok(None);
            }
            let if_not_exists = c.eat("if") && {
                if !(c.eat("not") && c.eat("exists")) {
                    return Err(c.error());
                }
                true
            };
            let name = c.name()?;
            let options = sequence_options(&mut c)?;
            c.expect_end()?;
            if options
                .iter()
                .any(|o| matches!(o, SequenceOption::Restart(_)))
            {
                return Err(syntax_error_near(tr, toks, "restart"));
            }
            Statement::CreateSequence(Box::new(CreateSequence {
                name,
                temporary,
                if_not_exists,
                options,
            }))
        }
        ("alter", "sequence") => {
            c.at = 2;
            let if_exists = c.eat("if") && {
                if !c.eat("exists") {
                    return Err(c.error());
                }
                true
            };
            let name = c.name()?;
            let options = sequence_options(&mut c)?;
            c.expect_end()?;
            Statement::AlterSequence(Box::new(AlterSequence {
                name,
                if_exists,
                options,
            }))
        }
        ("vacuum", _) => {
            c.at = 1;
            let options = maintenance_options(&mut c, &["full", "freeze", "verbose", "analyze"])?;
            let tables = c.name_list()?;
            c.expect_end()?;
            Statement::Vacuum { options, tables }
        }
        ("analyze" | "analyse", _) => {
            c.at = 1;
            let options = maintenance_options(&mut c, &["verbose"])?;
            if options.iter().any(|o| o != "verbose") {
                return Err(super::source::unsupported(format!(
                    "ANALYZE option {}",
                    options[0]
                )));
            }
            let tables = c.name_list()?;
            c.expect_end()?;
            Statement::Analyze {
                verbose: !options.is_empty(),
                tables,
            }
        }
        ("drop", "index") if c.peek_kw(2).as_deref() == Some("concurrently") => {
            let rest: Vec<&TokenWithSpan> = toks
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 2)
                .map(|(_, t)| *t)
                .collect();
            match reparse(tr, &rest)? {
                Statement::Drop(mut d) => {
                    d.concurrently = true;
                    Statement::Drop(d)
                }
                _ => return Err(c.error()),
            }
        }
        ("create", "database") => super::database::create(&mut c)?,
        ("alter", "database") => super::database::alter(&mut c)?,
        ("begin" | "start" | "set", _)
            if toks
                .iter()
                .any(|t| keyword(t).as_deref() == Some("deferrable")) =>
        {
            match deferrable_modes(tr, toks)? {
                Some(stmt) => stmt,
                None => return Ok(None),
            }
        }
        _ => return Ok(None),
    }))
}

/// Hands a rewritten token list to sqlparser.
pub(super) fn reparse(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Statement> {
    let owned: Vec<TokenWithSpan> = toks.iter().map(|t| (*t).clone()).collect();
    let stmt = super::sqlparser_statement(tr.src, &owned)?;
    tr.statement(&stmt)
}

/// `UPDATE/DELETE … WHERE CURRENT OF cursor [RETURNING …]`: the
/// statement without its WHERE, parsed by sqlparser, with the cursor's
/// name beside it (the session finds the row; see `session/current_of.rs`).
fn current_of(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Option<Statement>> {
    let at = toks.windows(3).position(|w| {
        keyword(w[0]).as_deref() == Some("where")
            && keyword(w[1]).as_deref() == Some("current")
            && keyword(w[2]).as_deref() == Some("of")
    });
    let Some(at) = at else {
        return Ok(None);
    };
    let mut c = Cursor {
        tr,
        toks,
        at: at + 3,
    };
    let cursor = c.ident()?;
    if !c.done() && c.peek_kw(0).as_deref() != Some("returning") {
        return Err(c.error());
    }
    let rest: Vec<&TokenWithSpan> = toks[..at].iter().chain(&toks[c.at..]).copied().collect();
    Ok(Some(match reparse(tr, &rest)? {
        Statement::Update(mut u) => {
            u.current_of = Some(cursor);
            Statement::Update(u)
        }
        Statement::Delete(mut d) => {
            d.current_of = Some(cursor);
            Statement::Delete(d)
        }
        _ => return Err(c.error()),
    }))
}

/// FETCH/MOVE `[direction] [FROM|IN] cursor`.
fn fetch(c: &mut Cursor, is_move: bool) -> Result<Statement> {
    c.at = 1;
    // Counts are PostgreSQL's 32-bit integers; a bigger number is a
    // syntax error at it.
    let count = |c: &mut Cursor| -> Result<i64> {
        let start = c.at;
        let n = c.number()?;
        let negative = n.starts_with('-');
        match n.trim_start_matches('-').parse::<i32>() {
            Ok(v) if negative => Ok(-i64::from(v)),
            Ok(v) => Ok(i64::from(v)),
            Err(_) => {
                c.at = start + usize::from(negative);
                Err(c.error())
            }
        }
    };
    let is_number = |c: &Cursor| {
        matches!(
            c.toks.get(c.at).map(|t| &t.token),
            Some(Token::Number(..) | Token::Minus | Token::Plus)
        )
    };
    let direction = if c.eat("next") {
        FetchDirection::Next
    } else if c.eat("prior") {
        FetchDirection::Prior
    } else if c.eat("first") {
        FetchDirection::First
    } else if c.eat("last") {
        FetchDirection::Last
    } else if c.eat("absolute") {
        FetchDirection::Absolute(count(c)?)
    } else if c.eat("relative") {
        FetchDirection::Relative(count(c)?)
    } else if c.eat("all") {
        FetchDirection::ForwardAll
    } else if c.eat("forward") {
        if c.eat("all") {
            FetchDirection::ForwardAll
        } else if is_number(c) {
            FetchDirection::Forward(count(c)?)
        } else {
            FetchDirection::Forward(1)
        }
    } else if c.eat("backward") {
        if c.eat("all") {
            FetchDirection::BackwardAll
        } else if is_number(c) {
            FetchDirection::Backward(count(c)?)
        } else {
            FetchDirection::Backward(1)
        }
    } else if is_number(c) {
        FetchDirection::Forward(count(c)?)
    } else {
        FetchDirection::Next
    };
    if !c.eat("from") {
        c.eat("in");
    }
    let cursor = c.ident()?;
    c.expect_end()?;
    Ok(Statement::Fetch {
        cursor,
        direction,
        is_move,
    })
}

/// A syntax error at the first token spelled `word`.
fn syntax_error_near(tr: &Tr, toks: &[&TokenWithSpan], word: &str) -> Error {
    match toks.iter().find(|t| keyword(t).as_deref() == Some(word)) {
        Some(t) => tr.src.syntax_error_at(t.span.start, t.span.end),
        None => syntax_error_at_end(tr.src.char_len()),
    }
}

/// Options of ALTER SEQUENCE.
fn sequence_options(c: &mut Cursor) -> Result<Vec<SequenceOption>> {
    let mut out = Vec::new();
    while !c.done() {
        let opt = if c.eat("increment") {
            c.eat("by");
            SequenceOption::IncrementBy(c.number()?)
        } else if c.eat("minvalue") {
            SequenceOption::MinValue(Some(c.number()?))
        } else if c.eat("maxvalue") {
            SequenceOption::MaxValue(Some(c.number()?))
        } else if c.eat("no") {
            if c.eat("minvalue") {
                SequenceOption::MinValue(None)
            } else if c.eat("maxvalue") {
                SequenceOption::MaxValue(None)
            } else if c.eat("cycle") {
                SequenceOption::Cycle(false)
            } else {
                return Err(c.error());
            }
        } else if c.eat("start") {
            c.eat("with");
            SequenceOption::StartWith(c.number()?)
        } else if c.eat("restart") {
            if c.eat("with")
                || matches!(
                    c.toks.get(c.at).map(|t| &t.token),
                    Some(Token::Number(..) | Token::Minus)
                )
            {
                SequenceOption::Restart(Some(c.number()?))
            } else {
                SequenceOption::Restart(None)
            }
        } else if c.eat("cache") {
            SequenceOption::Cache(c.number()?)
        } else if c.eat("cycle") {
            SequenceOption::Cycle(true)
        } else if c.eat("owned") {
            if !c.eat("by") {
                return Err(c.error());
            }
            let name = c.name()?;
            let none = name.0.len() == 1 && name.0[0] == "none";
            SequenceOption::OwnedBy((!none).then_some(name))
        } else if c.eat("as") {
            let name = c.ident()?;
            let t = match name.as_str() {
                "smallint" => "int2",
                "integer" | "int" => "int4",
                "bigint" => "int8",
                other => other,
            };
            SequenceOption::As(TypeName::simple(t))
        } else {
            return Err(c.error());
        };
        out.push(opt);
    }
    Ok(out)
}

/// VACUUM/ANALYZE options: either old-style keywords or `(opt [value], …)`.
fn maintenance_options(c: &mut Cursor, bare: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    if c.eat_token(&Token::LParen) {
        loop {
            let name = c.ident()?;
            // A boolean value may follow; only `true`/`on`/`1` keeps it.
            let off = matches!(c.peek_kw(0).as_deref(), Some("false" | "off"));
            if matches!(
                c.peek_kw(0).as_deref(),
                Some("true" | "false" | "on" | "off")
            ) {
                c.at += 1;
            }
            if !off {
                out.push(name);
            }
            if c.eat_token(&Token::RParen) {
                break;
            }
            if !c.eat_token(&Token::Comma) {
                return Err(c.error());
            }
        }
        return Ok(out);
    }
    while let Some(word) = c.peek_kw(0) {
        if !bare.contains(&word.as_str()) {
            break;
        }
        c.at += 1;
        out.push(if word == "analyse" {
            "analyze".into()
        } else {
            word
        });
    }
    Ok(out)
}

/// Transaction modes with [NOT] DEFERRABLE (`BEGIN`, `START TRANSACTION`,
/// `SET TRANSACTION`, `SET SESSION CHARACTERISTICS AS TRANSACTION`), which
/// sqlparser does not know: remove it and parse the rest. `None` for a
/// `SET` of something else (a parameter whose value says deferrable).
fn deferrable_modes(tr: &Tr, toks: &[&TokenWithSpan]) -> Result<Option<Statement>> {
    let mut kept: Vec<&TokenWithSpan> = Vec::new();
    let mut deferrable = None;
    for t in toks {
        if keyword(t).as_deref() == Some("deferrable") {
            let negated = kept
                .last()
                .is_some_and(|p| keyword(p).as_deref() == Some("not"));
            if negated {
                kept.pop();
            }
            if kept.last().is_some_and(|p| p.token == Token::Comma) {
                kept.pop();
            }
            deferrable = Some(!negated);
        } else {
            kept.push(t);
        }
    }
    let is_set = keyword(toks[0]).as_deref() == Some("set");
    if is_set {
        let second = toks.get(1).and_then(|t| keyword(t));
        if !matches!(second.as_deref(), Some("transaction" | "session")) {
            return Ok(None);
        }
        // A bare `SET TRANSACTION DEFERRABLE` names no other mode.
        if kept.len() == 2
            || kept
                .last()
                .is_some_and(|t| keyword(t).as_deref() == Some("transaction"))
        {
            let session = second.as_deref() == Some("session");
            return Ok(Some(Statement::SetTransaction {
                session,
                modes: TransactionModes {
                    deferrable,
                    ..TransactionModes::default()
                },
            }));
        }
    }
    match reparse(tr, &kept)? {
        Statement::Begin(mut modes) => {
            modes.deferrable = deferrable;
            Ok(Some(Statement::Begin(modes)))
        }
        Statement::SetTransaction { session, mut modes } => {
            modes.deferrable = deferrable;
            Ok(Some(Statement::SetTransaction { session, modes }))
        }
        _ => Err(tr.src.syntax_error_at(toks[0].span.start, toks[0].span.end)),
    }
}
