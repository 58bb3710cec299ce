//! Role statements, read from tokens as PostgreSQL's grammar has them:
//! `CREATE ROLE|USER|GROUP name [WITH] option …`, `ALTER ROLE|USER|GROUP`
//! (options, `RENAME TO`, `SET`/`RESET`, `ADD|DROP USER`), `DROP
//! ROLE|USER|GROUP [IF EXISTS] a, …`, and role membership: `GRANT role, …
//! TO role, …` and `REVOKE [ADMIN OPTION FOR] role, … FROM role, …`
//! (a GRANT or REVOKE with `ON` is about privileges and is left alone).

use assay_storage::{err, Result, SqlState};
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::utility::{keyword, Cursor};
use crate::ast::{
    AlterDatabase, Drop, GrantRole, ObjectKind, ObjectName, RoleOption, RoleStmt, SetValue,
    Statement,
};

/// The statement if it is a role statement; `None` leaves it to others.
pub(super) fn parse(c: &mut Cursor) -> Result<Option<Statement>> {
    let first = c.peek_kw(0).unwrap_or_default();
    let second = c.peek_kw(1).unwrap_or_default();
    let kind = second.as_str();
    let is_role_word = matches!(kind, "role" | "user" | "group");
    Ok(Some(match first.as_str() {
        "create" if is_role_word => {
            c.at = 2;
            create(c, kind == "user")?
        }
        "alter" if is_role_word => {
            c.at = 2;
            alter(c, kind)?
        }
        "drop" if is_role_word => {
            // `DROP USER MAPPING` is another statement.
            if kind == "user" && c.peek_kw(2).as_deref() == Some("mapping") {
                return Ok(None);
            }
            c.at = 2;
            drop_roles(c)?
        }
        "grant" | "revoke" if !has_top_level_on(c.toks) => {
            c.at = 1;
            membership(c, first == "grant")?
        }
        _ => return Ok(None),
    }))
}

/// Whether a GRANT/REVOKE names an object (`ON …`): a privilege grant.
fn has_top_level_on(toks: &[&TokenWithSpan]) -> bool {
    toks.iter().any(|t| keyword(t).as_deref() == Some("on"))
}

fn create(c: &mut Cursor, user: bool) -> Result<Statement> {
    let name = role_name(c, true)?;
    c.eat("with");
    let options = options(c, true)?;
    Ok(Statement::CreateRole {
        user,
        role: RoleStmt { name, options },
    })
}

fn alter(c: &mut Cursor, kind: &str) -> Result<Statement> {
    let user = kind == "user";
    if kind == "group" {
        let group = role_name(c, false)?;
        let grant = if c.eat("add") {
            true
        } else if c.eat("drop") {
            false
        } else if c.peek_kw(0).as_deref() == Some("rename") {
            return rename(c, group, false);
        } else {
            return Err(c.error());
        };
        if !c.eat("user") {
            return Err(c.error());
        }
        let members = role_list(c)?;
        c.expect_end()?;
        return Ok(Statement::GrantRole(Box::new(GrantRole {
            grant,
            roles: vec![group],
            members,
            admin_option: false,
            granted_by: None,
        })));
    }
    let all = c.peek_kw(0).as_deref() == Some("all") && c.eat("all");
    let name = if all {
        None
    } else {
        Some(role_name(c, false)?)
    };
    let database = if c.peek_kw(0).as_deref() == Some("in") {
        c.at += 1;
        if !c.eat("database") {
            return Err(c.error());
        }
        Some(c.ident()?)
    } else {
        None
    };
    match c.peek_kw(0).as_deref() {
        Some("set") | Some("reset") => {
            let action = setting_action(c)?;
            return Ok(Statement::AlterRoleSet {
                role: name,
                database,
                action,
            });
        }
        Some("rename") if database.is_none() => {
            if let Some(name) = name {
                return rename(c, name, user);
            }
        }
        _ => {}
    }
    let (Some(name), None) = (name, database) else {
        return Err(c.error());
    };
    c.eat("with");
    let options = options(c, false)?;
    Ok(Statement::AlterRole {
        user,
        role: RoleStmt { name, options },
    })
}

fn rename(c: &mut Cursor, old: String, user: bool) -> Result<Statement> {
    c.at += 1;
    if !c.eat("to") {
        return Err(c.error());
    }
    let new = role_name(c, true)?;
    c.expect_end()?;
    Ok(Statement::RenameRole { user, old, new })
}

/// `SET name {TO|=} value, … | SET name TO DEFAULT | SET name FROM
/// CURRENT | RESET name | RESET ALL`.
fn setting_action(c: &mut Cursor) -> Result<AlterDatabase> {
    if c.eat("reset") {
        let name = if c.eat("all") {
            None
        } else {
            Some(setting_name(c)?)
        };
        c.expect_end()?;
        return Ok(AlterDatabase::Reset(name));
    }
    c.at += 1;
    let name = setting_name(c)?;
    if c.peek_kw(0).as_deref() == Some("from") {
        return Err(super::source::unsupported("SET … FROM CURRENT"));
    }
    if !(c.eat("to") || c.eat_token(&Token::Eq)) {
        return Err(c.error());
    }
    let mut values = Vec::new();
    loop {
        let value = match c.toks.get(c.at).map(|t| &t.token) {
            Some(Token::Word(w))
                if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("default") =>
            {
                SetValue::Default
            }
            Some(Token::Word(w)) => SetValue::Ident(w.value.clone()),
            Some(Token::SingleQuotedString(s)) | Some(Token::EscapedStringLiteral(s)) => {
                SetValue::String(s.clone())
            }
            Some(Token::Number(n, _)) => SetValue::Number(n.clone()),
            Some(Token::Minus) => {
                let n = c.number()?;
                values.push(SetValue::Number(n));
                if !c.eat_token(&Token::Comma) {
                    break;
                }
                continue;
            }
            _ => return Err(c.error()),
        };
        c.at += 1;
        values.push(value);
        if !c.eat_token(&Token::Comma) {
            break;
        }
    }
    c.expect_end()?;
    if values.iter().any(|v| matches!(v, SetValue::Default)) {
        values.clear();
    }
    Ok(AlterDatabase::Set { name, values })
}

fn setting_name(c: &mut Cursor) -> Result<String> {
    let mut name = c.ident()?;
    while c.eat_token(&Token::Period) {
        name.push('.');
        name.push_str(&c.ident()?);
    }
    Ok(name)
}

fn drop_roles(c: &mut Cursor) -> Result<Statement> {
    let if_exists = c.peek_kw(0).as_deref() == Some("if") && {
        c.at += 1;
        if !c.eat("exists") {
            return Err(c.error());
        }
        true
    };
    let names = role_list(c)?;
    c.expect_end()?;
    Ok(Statement::Drop(Box::new(Drop {
        kind: ObjectKind::Role,
        names: names.into_iter().map(|n| ObjectName(vec![n])).collect(),
        if_exists,
        cascade: false,
        concurrently: false,
    })))
}

fn membership(c: &mut Cursor, grant: bool) -> Result<Statement> {
    let mut admin_option = false;
    if !grant
        && c.peek_kw(0).as_deref() == Some("admin")
        && c.peek_kw(1).as_deref() == Some("option")
    {
        c.at += 2;
        if !c.eat("for") {
            return Err(c.error());
        }
        admin_option = true;
    }
    let roles = role_list(c)?;
    if !c.eat(if grant { "to" } else { "from" }) {
        return Err(c.error());
    }
    let members = role_list(c)?;
    if grant && c.eat("with") {
        if !(c.eat("admin") && c.eat("option")) {
            return Err(c.error());
        }
        admin_option = true;
    }
    let mut granted_by = None;
    if c.eat("granted") {
        if !c.eat("by") {
            return Err(c.error());
        }
        granted_by = Some(role_name(c, false)?);
    }
    if !grant && !c.eat("restrict") && c.eat("cascade") {
        return Err(super::source::unsupported(
            "REVOKE … CASCADE of role membership",
        ));
    }
    c.expect_end()?;
    Ok(Statement::GrantRole(Box::new(GrantRole {
        grant,
        roles,
        members,
        admin_option,
        granted_by,
    })))
}

fn role_list(c: &mut Cursor) -> Result<Vec<String>> {
    let mut names = vec![role_name(c, false)?];
    while c.eat_token(&Token::Comma) {
        names.push(role_name(c, false)?);
    }
    Ok(names)
}

/// A role name. `public` and `none` name no role; a new role may not take
/// them (`creating`), nor may other statements name them.
fn role_name(c: &mut Cursor, creating: bool) -> Result<String> {
    let at = c.at;
    let token = c.toks.get(at).copied();
    let name = c.ident()?;
    let position = token.map(|t| c.tr.src.offset(t.span.start)).unwrap_or(0);
    if name.is_empty() {
        return Err(err!(
            SqlState::SYNTAX_ERROR,
            "zero-length delimited identifier at or near \"\"\"\""
        )
        .with_position(position));
    }
    let reserved = match name.as_str() {
        "public" | "none" => true,
        "current_user" | "session_user" | "current_role" => {
            let quoted = token.is_some_and(|t| keyword(t).is_none());
            if !quoted {
                return Err(super::source::unsupported(format!(
                    "{} as a role name",
                    name.to_ascii_uppercase()
                )));
            }
            false
        }
        _ => false,
    };
    if reserved && (creating || name == "none") {
        return Err(
            err!(SqlState::new(b"42939"), "role name \"{name}\" is reserved")
                .with_position(position),
        );
    }
    if reserved {
        return Err(err!(
            SqlState::UNDEFINED_OBJECT,
            "role \"{name}\" does not exist"
        ));
    }
    Ok(name)
}

/// The options of CREATE ROLE (`create`) or ALTER ROLE, each at most once.
fn options(c: &mut Cursor, create: bool) -> Result<Vec<RoleOption>> {
    let mut out: Vec<RoleOption> = Vec::new();
    while !c.done() {
        let start = c.at;
        let Some(word) = c.peek_kw(0) else {
            return Err(c.error());
        };
        c.at += 1;
        let flag = |on: bool, make: fn(bool) -> RoleOption| make(on);
        let option = match word.as_str() {
            "password" => RoleOption::Password(password(c)?),
            "encrypted" => {
                if !c.eat("password") {
                    return Err(c.error());
                }
                RoleOption::Password(Some(string(c)?))
            }
            "unencrypted" => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "UNENCRYPTED PASSWORD is no longer supported"
                )
                .with_hint("Remove UNENCRYPTED to store the password in encrypted form instead.")
                .with_position(token_position(c, start)))
            }
            "superuser" | "nosuperuser" => flag(word == "superuser", RoleOption::Superuser),
            "createdb" | "nocreatedb" => flag(word == "createdb", RoleOption::CreateDb),
            "createrole" | "nocreaterole" => flag(word == "createrole", RoleOption::CreateRole),
            "inherit" | "noinherit" => flag(word == "inherit", RoleOption::Inherit),
            "login" | "nologin" => flag(word == "login", RoleOption::Login),
            "replication" | "noreplication" => flag(word == "replication", RoleOption::Replication),
            "bypassrls" | "nobypassrls" => flag(word == "bypassrls", RoleOption::BypassRls),
            "connection" => {
                if !c.eat("limit") {
                    return Err(c.error());
                }
                let n = c.number()?;
                RoleOption::ConnectionLimit(n.parse().map_err(|_| c.error())?)
            }
            "valid" => {
                if !c.eat("until") {
                    return Err(c.error());
                }
                RoleOption::ValidUntil(string(c)?)
            }
            "in" if create => {
                if !(c.eat("role") || c.eat("group")) {
                    return Err(c.error());
                }
                RoleOption::InRole(role_list(c)?)
            }
            "role" | "user" if create => RoleOption::Role(role_list(c)?),
            "admin" if create => RoleOption::Admin(role_list(c)?),
            "sysid" if create => {
                c.number()?;
                continue;
            }
            _ => {
                let token = c.toks.get(start).copied();
                let is_word = token.is_some_and(|t| matches!(t.token, Token::Word(_)));
                if !is_word || matches!(word.as_str(), "in" | "role" | "user" | "admin" | "sysid") {
                    c.at = start;
                    return Err(c.error());
                }
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "unrecognized role option \"{word}\""
                )
                .with_position(token_position(c, start)));
            }
        };
        let same = |o: &RoleOption| std::mem::discriminant(o) == std::mem::discriminant(&option);
        if out.iter().any(same) {
            return Err(
                err!(SqlState::SYNTAX_ERROR, "conflicting or redundant options")
                    .with_position(token_position(c, start)),
            );
        }
        out.push(option);
    }
    Ok(out)
}

fn token_position(c: &Cursor, at: usize) -> u32 {
    c.toks
        .get(at)
        .map(|t| c.tr.src.offset(t.span.start))
        .unwrap_or(0)
}

/// `PASSWORD 'x'` or `PASSWORD NULL`.
fn password(c: &mut Cursor) -> Result<Option<String>> {
    if c.eat("null") {
        return Ok(None);
    }
    Ok(Some(string(c)?))
}

fn string(c: &mut Cursor) -> Result<String> {
    match c.toks.get(c.at).map(|t| &t.token) {
        Some(Token::SingleQuotedString(s)) | Some(Token::EscapedStringLiteral(s)) => {
            c.at += 1;
            Ok(s.clone())
        }
        _ => Err(c.error()),
    }
}
