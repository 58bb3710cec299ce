//! `CREATE DATABASE` and `ALTER DATABASE`, which sqlparser reads only in
//! part: PostgreSQL's option list (`TEMPLATE = template0`, `ENCODING 'UTF8'`,
//! `LOCALE`, `OWNER`, …) and `ALTER DATABASE … SET/RESET/RENAME`.

use assay_storage::{err, Result, SqlState};
use sqlparser::tokenizer::Token;

use super::utility::{reparse, Cursor};
use crate::ast::{AlterDatabase, DatabaseOptions, Statement};

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
    let mut options = DatabaseOptions::default();
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
            "connection" | "allow_connections" => {
                set_option(&mut options, &option, value.as_deref())?
            }
            "owner" | "tablespace" | "locale" | "lc_collate" | "lc_ctype" | "icu_locale"
            | "icu_rules" | "locale_provider" | "collation_version" | "is_template"
            | "strategy" | "oid" => {}
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
        options,
    })
}

/// Records `CONNECTION LIMIT` or `ALLOW_CONNECTIONS` (`option` is
/// `connection` or `allow_connections`) with PostgreSQL's checks.
fn set_option(options: &mut DatabaseOptions, option: &str, value: Option<&str>) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    if option == "connection" {
        let n = value
            .parse::<i32>()
            .ok()
            .filter(|n| *n >= -1)
            .ok_or_else(|| {
                err!(
                    SqlState::INVALID_PARAMETER_VALUE,
                    "invalid connection limit: {value}"
                )
            })?;
        options.connection_limit = Some(n);
        return Ok(());
    }
    let b = match value.to_ascii_lowercase().as_str() {
        "true" | "on" | "yes" | "1" | "t" => true,
        "false" | "off" | "no" | "0" | "f" => false,
        _ => {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "{option} requires a Boolean value"
            ))
        }
    };
    options.allow_connections = Some(b);
    Ok(())
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
            AlterDatabase::Options(DatabaseOptions::default())
        }
        Some("with" | "connection" | "allow_connections" | "is_template") => {
            c.eat("with");
            let mut options = DatabaseOptions::default();
            while !c.done() {
                let option = match c.peek_kw(0) {
                    Some(word)
                        if matches!(
                            word.as_str(),
                            "connection" | "allow_connections" | "is_template"
                        ) =>
                    {
                        word
                    }
                    _ => return Err(c.error()),
                };
                c.at += 1;
                if option == "connection" && !c.eat("limit") {
                    return Err(c.error());
                }
                c.eat_token(&Token::Eq);
                let value = option_value(c)?;
                if option != "is_template" {
                    set_option(&mut options, &option, value.as_deref())?;
                }
            }
            AlterDatabase::Options(options)
        }
        _ => return Err(c.error()),
    };
    Ok(Statement::AlterDatabase { name, action })
}
