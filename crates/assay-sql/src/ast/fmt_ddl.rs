//! SQL text for data definition statements.

use std::fmt::{self, Display, Formatter, Write};

use super::fmt_expr::{paren_idents, quote_str, Commas};
use super::ident::{ident_list, Ident};
use super::*;

impl Display for CreateTable {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.temporary {
            f.write_str("TEMPORARY ")?;
        }
        if self.unlogged {
            f.write_str("UNLOGGED ")?;
        }
        f.write_str("TABLE ")?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{} (", self.name)?;
        let mut sep = "";
        for c in &self.columns {
            write!(f, "{sep}{c}")?;
            sep = ", ";
        }
        for c in &self.constraints {
            write!(f, "{sep}{c}")?;
            sep = ", ";
        }
        f.write_char(')')
    }
}

impl Display for CreateTableAs {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.temporary {
            f.write_str("TEMPORARY ")?;
        }
        f.write_str("TABLE ")?;
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        write!(f, "{}", self.name)?;
        paren_idents(f, &self.columns)?;
        write!(f, " AS {}", self.query)?;
        if !self.with_data {
            f.write_str(" WITH NO DATA")?;
        }
        Ok(())
    }
}

impl Display for ColumnDef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", Ident(&self.name), self.type_name)?;
        for c in &self.constraints {
            write!(f, " {c}")?;
        }
        Ok(())
    }
}

fn constraint_name(f: &mut Formatter<'_>, name: &Option<String>) -> fmt::Result {
    match name {
        Some(n) => write!(f, "CONSTRAINT {} ", Ident(n)),
        None => Ok(()),
    }
}

impl Display for ColumnConstraint {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        constraint_name(f, &self.name)?;
        match &self.kind {
            ColumnConstraintKind::Null => f.write_str("NULL"),
            ColumnConstraintKind::NotNull => f.write_str("NOT NULL"),
            ColumnConstraintKind::Default(e) => write!(f, "DEFAULT ({e})"),
            ColumnConstraintKind::Check(e) => write!(f, "CHECK ({e})"),
            ColumnConstraintKind::PrimaryKey => f.write_str("PRIMARY KEY"),
            ColumnConstraintKind::Unique => f.write_str("UNIQUE"),
            ColumnConstraintKind::References(fk) => write!(f, "{fk}"),
            ColumnConstraintKind::Identity { always, options } => {
                let kind = if *always { "ALWAYS" } else { "BY DEFAULT" };
                write!(f, "GENERATED {kind} AS IDENTITY")?;
                if !options.is_empty() {
                    f.write_str(" (")?;
                    write_seq_options(f, options)?;
                    f.write_char(')')?;
                }
                Ok(())
            }
            ColumnConstraintKind::Generated(e) => write!(f, "GENERATED ALWAYS AS ({e}) STORED"),
            ColumnConstraintKind::Collate(c) => write!(f, "COLLATE {c}"),
        }
    }
}

impl Display for ForeignKey {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "REFERENCES {}", self.table)?;
        paren_idents(f, &self.columns)?;
        if let Some(m) = self.match_kind {
            f.write_str(match m {
                MatchKind::Full => " MATCH FULL",
                MatchKind::Partial => " MATCH PARTIAL",
                MatchKind::Simple => " MATCH SIMPLE",
            })?;
        }
        if let Some(a) = self.on_delete {
            write!(f, " ON DELETE {a}")?;
        }
        if let Some(a) = self.on_update {
            write!(f, " ON UPDATE {a}")?;
        }
        Ok(())
    }
}

impl Display for ReferentialAction {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReferentialAction::NoAction => "NO ACTION",
            ReferentialAction::Restrict => "RESTRICT",
            ReferentialAction::Cascade => "CASCADE",
            ReferentialAction::SetNull => "SET NULL",
            ReferentialAction::SetDefault => "SET DEFAULT",
        })
    }
}

fn columns(f: &mut Formatter<'_>, cols: &[String]) -> fmt::Result {
    f.write_char('(')?;
    ident_list(f, cols)?;
    f.write_char(')')
}

fn include(f: &mut Formatter<'_>, cols: &[String]) -> fmt::Result {
    if cols.is_empty() {
        return Ok(());
    }
    f.write_str(" INCLUDE ")?;
    columns(f, cols)
}

impl Display for TableConstraint {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        constraint_name(f, &self.name)?;
        match &self.kind {
            TableConstraintKind::PrimaryKey {
                columns: c,
                include: i,
            } => {
                f.write_str("PRIMARY KEY ")?;
                columns(f, c)?;
                include(f, i)
            }
            TableConstraintKind::Unique {
                columns: c,
                include: i,
                nulls_distinct,
            } => {
                f.write_str("UNIQUE ")?;
                if !nulls_distinct {
                    f.write_str("NULLS NOT DISTINCT ")?;
                }
                columns(f, c)?;
                include(f, i)
            }
            TableConstraintKind::Check(e) => write!(f, "CHECK ({e})"),
            TableConstraintKind::ForeignKey {
                columns: c,
                references,
            } => {
                f.write_str("FOREIGN KEY ")?;
                columns(f, c)?;
                write!(f, " {references}")
            }
        }
    }
}

impl Display for CreateIndex {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.unique {
            f.write_str("UNIQUE ")?;
        }
        f.write_str("INDEX ")?;
        if self.concurrently {
            f.write_str("CONCURRENTLY ")?;
        }
        if self.if_not_exists {
            f.write_str("IF NOT EXISTS ")?;
        }
        if let Some(n) = &self.name {
            write!(f, "{} ", Ident(n))?;
        }
        write!(f, "ON {}", self.table)?;
        if let Some(m) = &self.method {
            write!(f, " USING {}", Ident(m))?;
        }
        f.write_str(" (")?;
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            // Expressions other than plain columns need their parentheses.
            if matches!(c.expr, Expr::Column { .. }) {
                write!(f, "{c}")?;
            } else {
                write!(f, "({})", c.expr)?;
                super::fmt_expr::sort_suffix(f, c)?;
            }
        }
        f.write_char(')')?;
        include(f, &self.include)?;
        if let Some(p) = &self.predicate {
            write!(f, " WHERE {p}")?;
        }
        Ok(())
    }
}

impl Display for CreateView {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CREATE ")?;
        if self.or_replace {
            f.write_str("OR REPLACE ")?;
        }
        if self.temporary {
            f.write_str("TEMPORARY ")?;
        }
        write!(f, "VIEW {}", self.name)?;
        paren_idents(f, &self.columns)?;
        write!(f, " AS {}", self.query)
    }
}

pub(super) fn write_seq_options(f: &mut Formatter<'_>, options: &[SequenceOption]) -> fmt::Result {
    for (i, o) in options.iter().enumerate() {
        if i > 0 {
            f.write_char(' ')?;
        }
        match o {
            SequenceOption::As(t) => write!(f, "AS {t}")?,
            SequenceOption::IncrementBy(n) => write!(f, "INCREMENT BY {n}")?,
            SequenceOption::MinValue(Some(n)) => write!(f, "MINVALUE {n}")?,
            SequenceOption::MinValue(None) => f.write_str("NO MINVALUE")?,
            SequenceOption::MaxValue(Some(n)) => write!(f, "MAXVALUE {n}")?,
            SequenceOption::MaxValue(None) => f.write_str("NO MAXVALUE")?,
            SequenceOption::StartWith(n) => write!(f, "START WITH {n}")?,
            SequenceOption::Restart(Some(n)) => write!(f, "RESTART WITH {n}")?,
            SequenceOption::Restart(None) => f.write_str("RESTART")?,
            SequenceOption::Cache(n) => write!(f, "CACHE {n}")?,
            SequenceOption::Cycle(true) => f.write_str("CYCLE")?,
            SequenceOption::Cycle(false) => f.write_str("NO CYCLE")?,
            SequenceOption::OwnedBy(Some(n)) => write!(f, "OWNED BY {n}")?,
            SequenceOption::OwnedBy(None) => f.write_str("OWNED BY NONE")?,
        }
    }
    Ok(())
}

impl Display for AlterTableAction {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use AlterTableAction as A;
        let cascade = |c: bool| if c { " CASCADE" } else { "" };
        let if_exists = |c: bool| if c { "IF EXISTS " } else { "" };
        match self {
            A::AddColumn {
                if_not_exists,
                column,
            } => {
                let ine = if *if_not_exists { "IF NOT EXISTS " } else { "" };
                write!(f, "ADD COLUMN {ine}{column}")
            }
            A::DropColumn {
                name,
                if_exists: e,
                cascade: c,
            } => {
                write!(
                    f,
                    "DROP COLUMN {}{}{}",
                    if_exists(*e),
                    Ident(name),
                    cascade(*c)
                )
            }
            A::RenameColumn { old, new } => {
                write!(f, "RENAME COLUMN {} TO {}", Ident(old), Ident(new))
            }
            A::RenameTable { new } => write!(f, "RENAME TO {}", Ident(new)),
            A::RenameConstraint { old, new } => {
                write!(f, "RENAME CONSTRAINT {} TO {}", Ident(old), Ident(new))
            }
            A::SetDefault { column, default } => {
                write!(f, "ALTER COLUMN {} SET DEFAULT {default}", Ident(column))
            }
            A::DropDefault { column } => write!(f, "ALTER COLUMN {} DROP DEFAULT", Ident(column)),
            A::SetNotNull { column } => write!(f, "ALTER COLUMN {} SET NOT NULL", Ident(column)),
            A::DropNotNull { column } => write!(f, "ALTER COLUMN {} DROP NOT NULL", Ident(column)),
            A::SetType {
                column,
                type_name,
                using,
            } => {
                write!(f, "ALTER COLUMN {} TYPE {type_name}", Ident(column))?;
                if let Some(u) = using {
                    write!(f, " USING {u}")?;
                }
                Ok(())
            }
            A::AddConstraint {
                constraint,
                not_valid,
            } => {
                write!(f, "ADD {constraint}")?;
                f.write_str(if *not_valid { " NOT VALID" } else { "" })
            }
            A::DropConstraint {
                name,
                if_exists: e,
                cascade: c,
            } => {
                write!(
                    f,
                    "DROP CONSTRAINT {}{}{}",
                    if_exists(*e),
                    Ident(name),
                    cascade(*c)
                )
            }
        }
    }
}

impl Display for ObjectKind {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ObjectKind::Table => "TABLE",
            ObjectKind::View => "VIEW",
            ObjectKind::Index => "INDEX",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::Schema => "SCHEMA",
            ObjectKind::Database => "DATABASE",
            ObjectKind::Role => "ROLE",
            ObjectKind::Column => "COLUMN",
            ObjectKind::Type => "TYPE",
        })
    }
}

impl Display for RoleStmt {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Ident(&self.name))?;
        if !self.options.is_empty() {
            f.write_str(" WITH")?;
        }
        for o in &self.options {
            let flag = |f: &mut Formatter<'_>, on: bool, word: &str| {
                write!(f, " {}{word}", if on { "" } else { "NO" })
            };
            match o {
                RoleOption::Password(Some(p)) => {
                    f.write_str(" PASSWORD ")?;
                    quote_str(f, p)?;
                }
                RoleOption::Password(None) => f.write_str(" PASSWORD NULL")?,
                RoleOption::Login(b) => flag(f, *b, "LOGIN")?,
                RoleOption::Superuser(b) => flag(f, *b, "SUPERUSER")?,
                RoleOption::CreateDb(b) => flag(f, *b, "CREATEDB")?,
                RoleOption::CreateRole(b) => flag(f, *b, "CREATEROLE")?,
                RoleOption::Inherit(b) => flag(f, *b, "INHERIT")?,
                RoleOption::Replication(b) => flag(f, *b, "REPLICATION")?,
                RoleOption::BypassRls(b) => flag(f, *b, "BYPASSRLS")?,
                RoleOption::ConnectionLimit(n) => write!(f, " CONNECTION LIMIT {n}")?,
                RoleOption::ValidUntil(s) => {
                    f.write_str(" VALID UNTIL ")?;
                    quote_str(f, s)?;
                }
                RoleOption::InRole(r) => write!(f, " IN ROLE {}", role_list(r))?,
                RoleOption::Role(r) => write!(f, " ROLE {}", role_list(r))?,
                RoleOption::Admin(r) => write!(f, " ADMIN {}", role_list(r))?,
            }
        }
        Ok(())
    }
}

/// Role names, quoted where needed, separated by commas.
pub(super) fn role_list(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| Ident(n).to_string()).collect();
    quoted.join(", ")
}

impl Display for GrantRole {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (roles, members) = (role_list(&self.roles), role_list(&self.members));
        if self.grant {
            write!(f, "GRANT {roles} TO {members}")?;
            if self.admin_option {
                f.write_str(" WITH ADMIN OPTION")?;
            }
        } else {
            f.write_str("REVOKE ")?;
            if self.admin_option {
                f.write_str("ADMIN OPTION FOR ")?;
            }
            write!(f, "{roles} FROM {members}")?;
        }
        if let Some(g) = &self.granted_by {
            write!(f, " GRANTED BY {}", Ident(g))?;
        }
        Ok(())
    }
}

/// Writes a list of names for DROP and TRUNCATE.
pub(super) fn names(f: &mut Formatter<'_>, names: &[ObjectName]) -> fmt::Result {
    write!(f, "{}", Commas(names))
}
