//! SQL text for queries.

use std::fmt::{self, Display, Formatter, Write};

use super::fmt_expr::{paren_idents, Commas, Operand};
use super::ident::Ident;
use super::*;

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(with) = &self.with {
            write!(f, "{with} ")?;
        }
        write!(f, "{}", self.body)?;
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY {}", Commas(&self.order_by))?;
        }
        match (&self.limit, self.with_ties) {
            (Some(limit), true) => {
                if let Some(offset) = &self.offset {
                    write!(f, " OFFSET {offset} ROWS")?;
                }
                return write!(f, " FETCH FIRST {} ROWS WITH TIES", Operand(limit));
            }
            (Some(limit), false) => write!(f, " LIMIT {limit}")?,
            _ => {}
        }
        if let Some(offset) = &self.offset {
            write!(f, " OFFSET {offset}")?;
        }
        for lock in &self.locking {
            write!(f, " {lock}")?;
        }
        Ok(())
    }
}

impl Display for With {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("WITH ")?;
        if self.recursive {
            f.write_str("RECURSIVE ")?;
        }
        for (i, cte) in self.ctes.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Ident(&cte.name))?;
            paren_idents(f, &cte.columns)?;
            f.write_str(" AS ")?;
            match cte.materialized {
                Some(true) => f.write_str("MATERIALIZED ")?,
                Some(false) => f.write_str("NOT MATERIALIZED ")?,
                None => {}
            }
            write!(f, "({})", cte.query)?;
        }
        Ok(())
    }
}

impl Display for SetExpr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetExpr::Select(s) => write!(f, "{s}"),
            SetExpr::Modify(s) => write!(f, "{s}"),
            SetExpr::Values(rows) => {
                f.write_str("VALUES ")?;
                for (i, row) in rows.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "({})", Commas(row))?;
                }
                Ok(())
            }
            SetExpr::SetOp {
                op,
                all,
                left,
                right,
            } => {
                let op = match op {
                    SetOp::Union => "UNION",
                    SetOp::Intersect => "INTERSECT",
                    SetOp::Except => "EXCEPT",
                };
                let all = if *all { " ALL" } else { "" };
                // The left side is printed bare only when it is itself a
                // plain SELECT or VALUES; any nested set operation is
                // parenthesised to keep the tree's shape.
                write_set_operand(f, left)?;
                write!(f, " {op}{all} ")?;
                write_set_operand(f, right)
            }
            SetExpr::Query(q) => write!(f, "({q})"),
        }
    }
}

fn write_set_operand(f: &mut Formatter<'_>, e: &SetExpr) -> fmt::Result {
    match e {
        SetExpr::SetOp { .. } => write!(f, "({e})"),
        _ => write!(f, "{e}"),
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT")?;
        match &self.distinct {
            Some(Distinct::Distinct) => f.write_str(" DISTINCT")?,
            Some(Distinct::On(exprs)) => write!(f, " DISTINCT ON ({})", Commas(exprs))?,
            None => {}
        }
        if !self.targets.is_empty() {
            write!(f, " {}", Commas(&self.targets))?;
        }
        if let Some(into) = &self.into {
            f.write_str(" INTO ")?;
            if into.temporary {
                f.write_str("TEMPORARY ")?;
            }
            if into.unlogged {
                f.write_str("UNLOGGED ")?;
            }
            write!(f, "{}", into.name)?;
        }
        if !self.from.is_empty() {
            write!(f, " FROM {}", Commas(&self.from))?;
        }
        if let Some(w) = &self.where_clause {
            write!(f, " WHERE {w}")?;
        }
        if !self.group_by.is_empty() {
            write!(f, " GROUP BY {}", Commas(&self.group_by))?;
        }
        if let Some(h) = &self.having {
            write!(f, " HAVING {h}")?;
        }
        if !self.windows.is_empty() {
            f.write_str(" WINDOW ")?;
            for (i, w) in self.windows.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{} AS ({})", Ident(&w.name), w.spec)?;
            }
        }
        Ok(())
    }
}

impl Display for SelectItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SelectItem::Expr { expr, alias } => {
                write!(f, "{expr}")?;
                if let Some(a) = alias {
                    write!(f, " AS {}", Ident(a))?;
                }
                Ok(())
            }
            SelectItem::Wildcard => f.write_char('*'),
            SelectItem::QualifiedWildcard(name) => write!(f, "{name}.*"),
        }
    }
}

fn write_sets(f: &mut Formatter<'_>, sets: &[Vec<Expr>]) -> fmt::Result {
    for (i, set) in sets.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        if set.len() == 1 {
            write!(f, "{}", set[0])?;
        } else {
            write!(f, "({})", Commas(set))?;
        }
    }
    Ok(())
}

impl Display for GroupByItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            GroupByItem::Expr(e) => write!(f, "{e}"),
            GroupByItem::Empty => f.write_str("()"),
            GroupByItem::Rollup(sets) => {
                f.write_str("ROLLUP (")?;
                write_sets(f, sets)?;
                f.write_char(')')
            }
            GroupByItem::Cube(sets) => {
                f.write_str("CUBE (")?;
                write_sets(f, sets)?;
                f.write_char(')')
            }
            GroupByItem::GroupingSets(sets) => {
                f.write_str("GROUPING SETS (")?;
                for (i, set) in sets.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "({})", Commas(set))?;
                }
                f.write_char(')')
            }
        }
    }
}

impl Display for LockingClause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self.strength {
            LockStrength::Update => "FOR UPDATE",
            LockStrength::Share => "FOR SHARE",
        })?;
        if !self.of.is_empty() {
            write!(f, " OF {}", Commas(&self.of))?;
        }
        f.write_str(match self.wait {
            LockWait::Block => "",
            LockWait::NoWait => " NOWAIT",
            LockWait::SkipLocked => " SKIP LOCKED",
        })
    }
}

impl Display for Alias {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, " AS {}", Ident(&self.name))?;
        if self.column_types.is_empty() {
            return paren_idents(f, &self.columns);
        }
        f.write_str("(")?;
        for (i, (c, t)) in self.columns.iter().zip(&self.column_types).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} {t}", Ident(c))?;
        }
        f.write_str(")")
    }
}

fn alias(f: &mut Formatter<'_>, alias: &Option<Alias>) -> fmt::Result {
    match alias {
        Some(a) => write!(f, "{a}"),
        None => Ok(()),
    }
}

impl Display for TableRef {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            TableRef::Table { name, alias: a } => {
                write!(f, "{name}")?;
                alias(f, a)
            }
            TableRef::Subquery {
                lateral,
                query,
                alias: a,
            } => {
                if *lateral {
                    f.write_str("LATERAL ")?;
                }
                write!(f, "({query})")?;
                alias(f, a)
            }
            TableRef::Function {
                lateral,
                call,
                ordinality,
                alias: a,
            } => {
                if *lateral {
                    f.write_str("LATERAL ")?;
                }
                write!(f, "{call}")?;
                if *ordinality {
                    f.write_str(" WITH ORDINALITY")?;
                }
                alias(f, a)
            }
            TableRef::Join { join, alias: None } => write!(f, "{join}"),
            TableRef::Join { join, alias: a } => {
                write!(f, "({join})")?;
                alias(f, a)
            }
        }
    }
}

impl Display for Join {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.left)?;
        let natural = matches!(self.condition, JoinCondition::Natural);
        f.write_str(if natural { " NATURAL" } else { "" })?;
        f.write_str(match self.kind {
            JoinKind::Inner => " JOIN ",
            JoinKind::Left => " LEFT JOIN ",
            JoinKind::Right => " RIGHT JOIN ",
            JoinKind::Full => " FULL JOIN ",
            JoinKind::Cross => " CROSS JOIN ",
        })?;
        match &self.right {
            TableRef::Join { alias: None, join } => write!(f, "({join})")?,
            right => write!(f, "{right}")?,
        }
        match &self.condition {
            JoinCondition::On(e) => write!(f, " ON {e}"),
            JoinCondition::Using(cols) => {
                f.write_str(" USING (")?;
                super::ident::ident_list(f, cols)?;
                f.write_char(')')
            }
            JoinCondition::Natural | JoinCondition::None => Ok(()),
        }
    }
}
