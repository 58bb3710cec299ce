//! SQL text for statements.

use std::fmt::{self, Display, Formatter, Write};

use super::fmt_ddl::{names, write_seq_options};
use super::fmt_expr::{paren_idents, quote_str, Commas};
use super::ident::Ident;
use super::*;

fn returning(f: &mut Formatter<'_>, items: &[SelectItem]) -> fmt::Result {
    if items.is_empty() {
        return Ok(());
    }
    write!(f, " RETURNING {}", Commas(items))
}

fn with(f: &mut Formatter<'_>, w: &Option<With>) -> fmt::Result {
    match w {
        Some(w) => write!(f, "{w} "),
        None => Ok(()),
    }
}

fn alias(f: &mut Formatter<'_>, a: &Option<String>) -> fmt::Result {
    match a {
        Some(a) => write!(f, " AS {}", Ident(a)),
        None => Ok(()),
    }
}

impl Display for Assignment {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let col = |f: &mut Formatter<'_>, c: &Vec<String>| -> fmt::Result {
            write!(f, "{}", ObjectName(c.clone()))
        };
        if self.columns.len() == 1 {
            col(f, &self.columns[0])?;
        } else {
            f.write_char('(')?;
            for (i, c) in self.columns.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                col(f, c)?;
            }
            f.write_char(')')?;
        }
        write!(f, " = {}", self.value)
    }
}

impl Display for Insert {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        with(f, &self.with)?;
        write!(f, "INSERT INTO {}", self.table)?;
        alias(f, &self.alias)?;
        paren_idents(f, &self.columns)?;
        match self.overriding {
            Some(Overriding::System) => f.write_str(" OVERRIDING SYSTEM VALUE")?,
            Some(Overriding::User) => f.write_str(" OVERRIDING USER VALUE")?,
            None => {}
        }
        match &self.source {
            Some(q) => write!(f, " {q}")?,
            None => f.write_str(" DEFAULT VALUES")?,
        }
        if let Some(oc) = &self.on_conflict {
            f.write_str(" ON CONFLICT")?;
            match &oc.target {
                Some(ConflictTarget::Columns(cols)) => paren_idents(f, cols)?,
                Some(ConflictTarget::Constraint(c)) => write!(f, " ON CONSTRAINT {}", Ident(c))?,
                None => {}
            }
            match &oc.update {
                None => f.write_str(" DO NOTHING")?,
                Some(u) => {
                    write!(f, " DO UPDATE SET {}", Commas(&u.assignments))?;
                    if let Some(w) = &u.where_clause {
                        write!(f, " WHERE {w}")?;
                    }
                }
            }
        }
        returning(f, &self.returning)
    }
}

impl Display for Update {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        with(f, &self.with)?;
        write!(f, "UPDATE {}", self.table)?;
        alias(f, &self.alias)?;
        write!(f, " SET {}", Commas(&self.assignments))?;
        if !self.from.is_empty() {
            write!(f, " FROM {}", Commas(&self.from))?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " WHERE {w}")?;
        }
        if let Some(c) = &self.current_of {
            write!(f, " WHERE CURRENT OF {}", Ident(c))?;
        }
        returning(f, &self.returning)
    }
}

impl Display for Delete {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        with(f, &self.with)?;
        write!(f, "DELETE FROM {}", self.table)?;
        alias(f, &self.alias)?;
        if !self.using.is_empty() {
            write!(f, " USING {}", Commas(&self.using))?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " WHERE {w}")?;
        }
        if let Some(c) = &self.current_of {
            write!(f, " WHERE CURRENT OF {}", Ident(c))?;
        }
        returning(f, &self.returning)
    }
}

impl Display for Copy {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("COPY ")?;
        match &self.source {
            CopySource::Table { name, columns } => {
                write!(f, "{name}")?;
                paren_idents(f, columns)?;
            }
            CopySource::Query(q) => write!(f, "({q})")?,
        }
        f.write_str(if self.to { " TO " } else { " FROM " })?;
        match &self.target {
            CopyTarget::Stdio => f.write_str(if self.to { "STDOUT" } else { "STDIN" })?,
            CopyTarget::File(path) => quote_str(f, path)?,
            CopyTarget::Program(cmd) => {
                f.write_str("PROGRAM ")?;
                quote_str(f, cmd)?;
            }
        }
        if self.options.is_empty() {
            return Ok(());
        }
        f.write_str(" (")?;
        for (i, o) in self.options.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&o.name.to_uppercase())?;
            match &o.value {
                None => {}
                Some(CopyOptionValue::String(s)) => {
                    f.write_char(' ')?;
                    quote_str(f, s)?;
                }
                Some(CopyOptionValue::Bool(b)) => write!(f, " {b}")?,
                Some(CopyOptionValue::Columns(cols)) => paren_idents(f, cols)?,
                Some(CopyOptionValue::Star) => f.write_str(" *")?,
            }
        }
        f.write_char(')')
    }
}

impl Display for TransactionModes {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut sep = " ";
        if let Some(level) = self.isolation {
            let level = match level {
                IsolationLevel::ReadUncommitted => "READ UNCOMMITTED",
                IsolationLevel::ReadCommitted => "READ COMMITTED",
                IsolationLevel::RepeatableRead => "REPEATABLE READ",
                IsolationLevel::Serializable => "SERIALIZABLE",
            };
            write!(f, "{sep}ISOLATION LEVEL {level}")?;
            sep = ", ";
        }
        if let Some(ro) = self.read_only {
            write!(f, "{sep}{}", if ro { "READ ONLY" } else { "READ WRITE" })?;
            sep = ", ";
        }
        if let Some(d) = self.deferrable {
            write!(
                f,
                "{sep}{}",
                if d { "DEFERRABLE" } else { "NOT DEFERRABLE" }
            )?;
        }
        Ok(())
    }
}

impl Display for SetValue {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetValue::Ident(s) => write!(f, "{}", SettingName(s)),
            SetValue::String(s) => quote_str(f, s),
            SetValue::Number(n) => f.write_str(n),
            SetValue::Default => f.write_str("DEFAULT"),
        }
    }
}

impl Display for FetchDirection {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FetchDirection::Next => f.write_str("NEXT"),
            FetchDirection::Prior => f.write_str("PRIOR"),
            FetchDirection::First => f.write_str("FIRST"),
            FetchDirection::Last => f.write_str("LAST"),
            FetchDirection::Absolute(n) => write!(f, "ABSOLUTE {n}"),
            FetchDirection::Relative(n) => write!(f, "RELATIVE {n}"),
            FetchDirection::Forward(n) => write!(f, "FORWARD {n}"),
            FetchDirection::ForwardAll => f.write_str("FORWARD ALL"),
            FetchDirection::Backward(n) => write!(f, "BACKWARD {n}"),
            FetchDirection::BackwardAll => f.write_str("BACKWARD ALL"),
        }
    }
}

/// A setting name or word value: printed bare when it is a plain
/// lower-case word (keywords such as `on` or `all` included), else quoted.
struct SettingName<'a>(&'a str);

impl Display for SettingName<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let plain = self.0.split('.').all(|part| {
            part.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
        if plain {
            f.write_str(self.0)
        } else {
            write!(f, "{}", Ident(self.0))
        }
    }
}

fn opt_name(f: &mut Formatter<'_>, name: &Option<String>, all: &str) -> fmt::Result {
    match name {
        Some(n) => write!(f, " {}", Ident(n)),
        None => write!(f, " {all}"),
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use Statement as S;
        match self {
            S::Query(q) => write!(f, "{q}"),
            S::Insert(i) => write!(f, "{i}"),
            S::Update(u) => write!(f, "{u}"),
            S::Delete(d) => write!(f, "{d}"),
            S::Copy(c) => write!(f, "{c}"),
            S::CreateTable(t) => write!(f, "{t}"),
            S::CreateCompositeType(t) => {
                write!(f, "CREATE TYPE {} AS (", t.name)?;
                for (i, c) in t.columns.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} {}", c.name, c.type_name)?;
                }
                f.write_char(')')
            }
            S::CreateTableAs(t) => write!(f, "{t}"),
            S::CreateIndex(i) => write!(f, "{i}"),
            S::CreateView(v) => write!(f, "{v}"),
            S::CreateSequence(s) => {
                f.write_str("CREATE ")?;
                if s.temporary {
                    f.write_str("TEMPORARY ")?;
                }
                f.write_str("SEQUENCE ")?;
                if s.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "{}", s.name)?;
                if !s.options.is_empty() {
                    f.write_char(' ')?;
                }
                write_seq_options(f, &s.options)
            }
            S::AlterSequence(s) => {
                let ie = if s.if_exists { "IF EXISTS " } else { "" };
                write!(f, "ALTER SEQUENCE {ie}{}", s.name)?;
                if !s.options.is_empty() {
                    f.write_char(' ')?;
                }
                write_seq_options(f, &s.options)
            }
            S::AlterTable(t) => {
                f.write_str("ALTER TABLE ")?;
                if t.if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                if t.only {
                    f.write_str("ONLY ")?;
                }
                write!(f, "{} {}", t.name, Commas(&t.actions))
            }
            S::CreateSchema {
                name,
                if_not_exists,
                authorization,
            } => {
                let ine = if *if_not_exists { "IF NOT EXISTS " } else { "" };
                write!(f, "CREATE SCHEMA {ine}{}", Ident(name))?;
                if let Some(a) = authorization {
                    write!(f, " AUTHORIZATION {}", Ident(a))?;
                }
                Ok(())
            }
            S::CreateDatabase {
                name,
                if_not_exists,
                template,
                options,
            } => {
                let ine = if *if_not_exists { "IF NOT EXISTS " } else { "" };
                write!(f, "CREATE DATABASE {ine}{}", Ident(name))?;
                if let Some(t) = template {
                    write!(f, " TEMPLATE {}", Ident(t))?;
                }
                database_options(f, options)
            }
            S::AlterDatabase { name, action } => {
                write!(f, "ALTER DATABASE {} ", Ident(name))?;
                alter_database_action(f, action)
            }
            S::AlterRoleSet {
                role,
                database,
                action,
            } => {
                match role {
                    Some(r) => write!(f, "ALTER ROLE {} ", Ident(r))?,
                    None => f.write_str("ALTER ROLE ALL ")?,
                }
                if let Some(d) = database {
                    write!(f, "IN DATABASE {} ", Ident(d))?;
                }
                alter_database_action(f, action)
            }
            S::GrantRole(g) => write!(f, "{g}"),
            S::CreateRole { user, role } => {
                write!(f, "CREATE {} {role}", if *user { "USER" } else { "ROLE" })
            }
            S::AlterRole { user, role } => {
                write!(f, "ALTER {} {role}", if *user { "USER" } else { "ROLE" })
            }
            S::RenameRole { user, old, new } => {
                let kind = if *user { "USER" } else { "ROLE" };
                write!(f, "ALTER {kind} {} RENAME TO {}", Ident(old), Ident(new))
            }
            S::Drop(d) => {
                write!(f, "DROP {} ", d.kind)?;
                if d.concurrently {
                    f.write_str("CONCURRENTLY ")?;
                }
                if d.if_exists {
                    f.write_str("IF EXISTS ")?;
                }
                names(f, &d.names)?;
                f.write_str(if d.cascade { " CASCADE" } else { "" })
            }
            S::Truncate(t) => {
                f.write_str("TRUNCATE ")?;
                names(f, &t.tables)?;
                f.write_str(if t.restart_identity {
                    " RESTART IDENTITY"
                } else {
                    ""
                })?;
                f.write_str(if t.cascade { " CASCADE" } else { "" })
            }
            S::Comment(c) => {
                write!(f, "COMMENT ON {} {} IS ", c.kind, c.name)?;
                match &c.comment {
                    Some(s) => quote_str(f, s),
                    None => f.write_str("NULL"),
                }
            }
            S::Privileges { text, .. } => f.write_str(text),
            S::Begin(modes) if modes.start => write!(f, "START TRANSACTION{modes}"),
            S::Begin(modes) => write!(f, "BEGIN{modes}"),
            S::SetTransaction { session, modes } => {
                let scope = if *session {
                    "SESSION CHARACTERISTICS AS "
                } else {
                    ""
                };
                write!(f, "SET {scope}TRANSACTION{modes}")
            }
            S::Commit { chain } => f.write_str(if *chain { "COMMIT AND CHAIN" } else { "COMMIT" }),
            S::Rollback { chain } => f.write_str(if *chain {
                "ROLLBACK AND CHAIN"
            } else {
                "ROLLBACK"
            }),
            S::Savepoint(n) => write!(f, "SAVEPOINT {}", Ident(n)),
            S::Release(n) => write!(f, "RELEASE SAVEPOINT {}", Ident(n)),
            S::RollbackTo(n) => write!(f, "ROLLBACK TO SAVEPOINT {}", Ident(n)),
            S::Set {
                local,
                name,
                values,
            } => {
                f.write_str(if *local { "SET LOCAL " } else { "SET " })?;
                write!(f, "{} TO ", SettingName(name))?;
                if values.is_empty() {
                    f.write_str("DEFAULT")
                } else {
                    write!(f, "{}", Commas(values))
                }
            }
            S::Reset(Some(name)) => write!(f, "RESET {}", SettingName(name)),
            S::Reset(None) => f.write_str("RESET ALL"),
            S::Show(name) => write!(f, "SHOW {}", SettingName(name)),
            S::Explain { options, statement } => {
                f.write_str("EXPLAIN ")?;
                if !options.is_empty() {
                    f.write_char('(')?;
                    for (i, o) in options.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(&o.name.to_uppercase())?;
                        if let Some(v) = &o.value {
                            write!(f, " {}", SettingName(v))?;
                        }
                    }
                    f.write_str(") ")?;
                }
                write!(f, "{statement}")
            }
            S::Analyze { verbose, tables } => {
                f.write_str(if *verbose {
                    "ANALYZE VERBOSE"
                } else {
                    "ANALYZE"
                })?;
                if !tables.is_empty() {
                    f.write_char(' ')?;
                    names(f, tables)?;
                }
                Ok(())
            }
            S::Vacuum { options, tables } => {
                f.write_str("VACUUM")?;
                if !options.is_empty() {
                    f.write_str(" (")?;
                    for (i, o) in options.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        f.write_str(&o.to_uppercase())?;
                    }
                    f.write_char(')')?;
                }
                if !tables.is_empty() {
                    f.write_char(' ')?;
                    names(f, tables)?;
                }
                Ok(())
            }
            S::Prepare {
                name,
                param_types,
                statement,
            } => {
                write!(f, "PREPARE {}", Ident(name))?;
                if !param_types.is_empty() {
                    write!(f, " ({})", Commas(param_types))?;
                }
                write!(f, " AS {statement}")
            }
            S::Execute { name, params } => {
                write!(f, "EXECUTE {}", Ident(name))?;
                if !params.is_empty() {
                    write!(f, "({})", Commas(params))?;
                }
                Ok(())
            }
            S::Deallocate(name) => {
                f.write_str("DEALLOCATE")?;
                opt_name(f, name, "ALL")
            }
            S::DeclareCursor(c) => {
                write!(f, "DECLARE {}", Ident(&c.name))?;
                if c.binary {
                    f.write_str(" BINARY")?;
                }
                match c.scroll {
                    Some(true) => f.write_str(" SCROLL")?,
                    Some(false) => f.write_str(" NO SCROLL")?,
                    None => {}
                }
                f.write_str(" CURSOR")?;
                if c.hold {
                    f.write_str(" WITH HOLD")?;
                }
                write!(f, " FOR {}", c.query)
            }
            S::Fetch {
                cursor,
                direction,
                is_move,
            } => {
                let verb = if *is_move { "MOVE" } else { "FETCH" };
                write!(f, "{verb} {direction} FROM {}", Ident(cursor))
            }
            S::Close(name) => {
                f.write_str("CLOSE")?;
                opt_name(f, name, "ALL")
            }
            S::Listen(c) => write!(f, "LISTEN {}", Ident(c)),
            S::Notify { channel, payload } => {
                write!(f, "NOTIFY {}", Ident(channel))?;
                if let Some(p) = payload {
                    f.write_str(", ")?;
                    quote_str(f, p)?;
                }
                Ok(())
            }
            S::Unlisten(c) => {
                f.write_str("UNLISTEN")?;
                opt_name(f, c, "*")
            }
            S::Discard(t) => f.write_str(match t {
                DiscardTarget::All => "DISCARD ALL",
                DiscardTarget::Plans => "DISCARD PLANS",
                DiscardTarget::Sequences => "DISCARD SEQUENCES",
                DiscardTarget::Temp => "DISCARD TEMP",
            }),
        }
    }
}

/// `SET name TO value`, `RESET name`, … of ALTER DATABASE and ALTER ROLE.
/// ` CONNECTION LIMIT n ALLOW_CONNECTIONS b`, for the options given.
fn database_options(f: &mut Formatter<'_>, o: &DatabaseOptions) -> fmt::Result {
    if let Some(n) = o.connection_limit {
        write!(f, " CONNECTION LIMIT {n}")?;
    }
    if let Some(b) = o.allow_connections {
        write!(f, " ALLOW_CONNECTIONS {b}")?;
    }
    Ok(())
}

fn alter_database_action(f: &mut Formatter<'_>, action: &AlterDatabase) -> fmt::Result {
    match action {
        AlterDatabase::Set { name, values } => {
            write!(f, "SET {name} TO ")?;
            if values.is_empty() {
                return write!(f, "DEFAULT");
            }
            for (i, v) in values.iter().enumerate() {
                if i > 0 {
                    write!(f, ", ")?;
                }
                match v {
                    SetValue::Ident(s) | SetValue::Number(s) => write!(f, "{s}")?,
                    SetValue::String(s) => write!(f, "'{}'", s.replace('\'', "''"))?,
                    SetValue::Default => write!(f, "DEFAULT")?,
                }
            }
            Ok(())
        }
        AlterDatabase::Reset(Some(n)) => write!(f, "RESET {n}"),
        AlterDatabase::Reset(None) => write!(f, "RESET ALL"),
        AlterDatabase::RenameTo(n) => write!(f, "RENAME TO {}", Ident(n)),
        AlterDatabase::Options(o) if *o == DatabaseOptions::default() => {
            write!(f, "OWNER TO CURRENT_USER")
        }
        AlterDatabase::Options(o) => {
            write!(f, "WITH")?;
            database_options(f, o)
        }
    }
}
