//! `CREATE DATABASE` and `ALTER DATABASE`, which sqlparser reads only in
//! part: PostgreSQL's option list (`TEMPLATE = template0`, `ENCODING 'UTF8'`,
//! `LOCALE`, `OWNER`, …) and `ALTER DATABASE … SET/RESET/RENAME`.

use assay_storage::{err, Result, SqlState};
use sqlparser::tokenizer::Token;

use super::utility::{reparse, Cursor};
use crate::ast::{AlterDatabase, Statement};

/// `CREATE DATABASE name [WITH] [option [=] value] …`.
pub(super) fn create(c: &mut Cursor) -> Result<Statement> {
    c.at = 2;
    let if_not_exists = c.eat("if") && {
        if !(c.eat("not") && c.eat("exists")) {
            return Err(c.error());
        }
        true
    };
    let name = c.ident()?;
    c.eat("with");
    let mut template = None;
    while !c.done() {
        let option = match c.peek_kw(0) {
            Some(word) => word,
            None => return Err(c.error()),
        };
        c.at += 1;
        if option == "connection" && !c.eat("limit") {
            return Err(c.error());
        }
        c.eat_token(&Token::Eq);
        let value = option_value(c)?;
        match option.as_str() {
            "template" => template = value,
            "encoding" => check_encoding(value.as_deref())?,
            "owner" | "tablespace" | "locale" | "lc_collate" | "lc_ctype" | "icu_locale"
            | "icu_rules" | "locale_provider" | "collation_version" | "connection"
            | "allow_connections" | "is_template" | "strategy" | "oid" => {}
            _ => {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "option \"{option}\" not recognized"
                ))
            }
        }
    }
    Ok(Statement::CreateDatabase {
        name,
        if_not_exists,
        template,
    })
}

/// An option's value: a word, a string or a number; `DEFAULT` is `None`.
fn option_value(c: &mut Cursor) -> Result<Option<String>> {
    let value = match c.toks.get(c.at).map(|t| &t.token) {
        Some(Token::Word(w))
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("default") =>
        {
            None
        }
        Some(Token::Word(_)) => return c.ident().map(Some),
        Some(Token::SingleQuotedString(s)) => Some(s.clone()),
        Some(Token::Number(n, _)) => Some(n.clone()),
        Some(Token::Minus) => return c.number().map(Some),
        _ => return Err(c.error()),
    };
    c.at += 1;
    Ok(value)
}

fn check_encoding(value: Option<&str>) -> Result<()> {
    let Some(v) = value else { return Ok(()) };
    match v.to_ascii_uppercase().replace(['-', '_'], "").as_str() {
        "UTF8" | "UNICODE" | "SQLASCII" | "6" | "0" => Ok(()),
        _ if v.parse::<i32>().is_ok() => Err(err!(
            SqlState::UNDEFINED_OBJECT,
            "{v} is not a valid encoding code"
        )),
        _ => Err(err!(
            SqlState::UNDEFINED_OBJECT,
            "{v} is not a valid encoding name"
        )),
    }
}

/// `ALTER DATABASE name SET … | RESET … | RENAME TO … | OWNER TO … | …`.
pub(super) fn alter(c: &mut Cursor) -> Result<Statement> {
    c.at = 2;
    let name = c.ident()?;
    let action = match c.peek_kw(0).as_deref() {
        Some("set" | "reset") => match reparse(c.tr, &c.toks[c.at..])? {
            Statement::Set {
                local: false,
                name,
                values,
            } => AlterDatabase::Set { name, values },
            Statement::Reset(name) => AlterDatabase::Reset(name),
            _ => return Err(c.error()),
        },
        Some("rename") => {
            c.at += 1;
            if !c.eat("to") {
                return Err(c.error());
            }
            let new = c.ident()?;
            c.expect_end()?;
            AlterDatabase::RenameTo(new)
        }
        Some("owner") => {
            c.at += 1;
            if !c.eat("to") {
                return Err(c.error());
            }
            c.ident()?;
            c.expect_end()?;
            AlterDatabase::Options
        }
        Some("with" | "connection" | "allow_connections" | "is_template") => {
            c.eat("with");
            while !c.done() {
                if c.eat("connection") && !c.eat("limit") {
                    return Err(c.error());
                }
                if !c.eat("allow_connections") && !c.eat("is_template") {
                    c.eat("limit");
                }
                c.eat_token(&Token::Eq);
                option_value(c)?;
            }
            AlterDatabase::Options
        }
        _ => return Err(c.error()),
    };
    Ok(Statement::AlterDatabase { name, action })
}
