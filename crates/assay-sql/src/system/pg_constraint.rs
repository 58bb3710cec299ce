//! `pg_constraint` and `pg_get_constraintdef`.

use super::context::quote_ident;
use super::pg_class::sorted_tables;
use super::rows::{array, Rows};
use super::SystemContext;
use crate::catalog::{Constraint, ConstraintKind, FkAction, FkMatch, ForeignKey, Oid, Table};
use crate::types::Value;

fn action_code(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "a",
        FkAction::Restrict => "r",
        FkAction::Cascade => "c",
        FkAction::SetNull => "n",
        FkAction::SetDefault => "d",
    }
}

fn attnums(t: &Table, cols: &[usize]) -> Value {
    array(
        cols.iter()
            .map(|&c| Value::Int2(t.columns.get(c).map_or(0, |c| c.attnum)))
            .collect(),
    )
}

/// The referenced table's unique index that a foreign key relies on.
fn fk_index(sys: &SystemContext<'_>, fk: &ForeignKey) -> Oid {
    let Some(rt) = sys.catalog.table(fk.ref_table) else {
        return 0;
    };
    rt.indexes
        .iter()
        .find(|i| {
            i.unique
                && i.parts.len() == fk.ref_columns.len()
                && i.parts.iter().all(|p| match p.expr {
                    crate::catalog::IndexExpr::Column(c) => fk.ref_columns.contains(&c),
                    _ => false,
                })
        })
        .map_or(0, |i| i.oid)
}

/// Every constraint with its table, in OID order.
pub(crate) fn all_constraints<'c>(sys: &SystemContext<'c>) -> Vec<(&'c Table, &'c Constraint)> {
    let mut out: Vec<(&Table, &Constraint)> = sorted_tables(sys)
        .into_iter()
        .flat_map(|t| t.constraints.iter().map(move |c| (t, c)))
        .collect();
    out.sort_by_key(|(_, c)| c.oid);
    out
}

pub(super) fn pg_constraint(sys: &SystemContext<'_>, out: &mut Rows) {
    for (t, c) in all_constraints(sys) {
        let mut r = out.add();
        r.oid("oid", c.oid)
            .text("conname", &c.name)
            .oid("connamespace", t.schema)
            .bool("convalidated", true)
            .oid("conrelid", t.oid)
            .text("confupdtype", " ")
            .text("confdeltype", " ")
            .text("confmatchtype", " ")
            .bool("conislocal", true);
        match &c.kind {
            ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => {
                let p = matches!(c.kind, ConstraintKind::PrimaryKey { .. });
                let cols = t.index(*index).map_or_else(Vec::new, index_key_columns);
                r.text("contype", if p { "p" } else { "u" })
                    .oid("conindid", *index)
                    .set("conkey", attnums(t, &cols));
            }
            ConstraintKind::Check { sql } => {
                r.text("contype", "c").text("conbin", sql);
                let cols = check_columns(t, sql);
                r.set("conkey", attnums(t, &cols));
            }
            ConstraintKind::ForeignKey(fk) => {
                let ref_table = sys.catalog.table(fk.ref_table);
                let confkey = match ref_table {
                    Some(rt) => attnums(rt, &fk.ref_columns),
                    None => Value::Null,
                };
                r.text("contype", "f")
                    .oid("conindid", fk_index(sys, fk))
                    .oid("confrelid", fk.ref_table)
                    .text("confupdtype", action_code(fk.on_update))
                    .text("confdeltype", action_code(fk.on_delete))
                    .text(
                        "confmatchtype",
                        match fk.match_type {
                            FkMatch::Simple => "s",
                            FkMatch::Full => "f",
                            FkMatch::Partial => "p",
                        },
                    )
                    .set("conkey", attnums(t, &fk.columns))
                    .set("confkey", confkey);
            }
        }
    }
}

/// The table columns of an index's plain key parts.
pub(crate) fn index_key_columns(i: &crate::catalog::Index) -> Vec<usize> {
    i.parts
        .iter()
        .filter_map(|p| match p.expr {
            crate::catalog::IndexExpr::Column(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// The columns a CHECK expression mentions (by their names appearing as
/// identifiers in its text).
pub(crate) fn check_columns(t: &Table, sql: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let Ok(expr) = crate::parser::parse_expr(sql) else {
        return out;
    };
    expr.walk(&mut |e| {
        if let crate::ast::Expr::Column { names, .. } = e {
            let name = names.last().map_or("", String::as_str);
            if let Some(i) = t.column_index(name) {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
    });
    out.sort_unstable();
    out
}

fn column_list(t: &Table, cols: &[usize]) -> String {
    cols.iter()
        .filter_map(|&c| t.columns.get(c))
        .map(|c| quote_ident(&c.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `pg_get_constraintdef`: the constraint as `ALTER TABLE … ADD` would
/// take it.
pub(crate) fn constraint_def(sys: &SystemContext<'_>, t: &Table, c: &Constraint) -> String {
    match &c.kind {
        ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => {
            let word = if matches!(c.kind, ConstraintKind::PrimaryKey { .. }) {
                "PRIMARY KEY"
            } else {
                "UNIQUE"
            };
            let Some(i) = t.index(*index) else {
                return word.to_string();
            };
            let mut s = format!("{word} ({})", column_list(t, &index_key_columns(i)));
            if !i.include.is_empty() {
                s.push_str(&format!(" INCLUDE ({})", column_list(t, &i.include)));
            }
            s
        }
        ConstraintKind::Check { sql } => format!("CHECK ({})", super::deparse::expr_text(sql)),
        ConstraintKind::ForeignKey(fk) => {
            let (ref_name, ref_cols) = match sys.catalog.table(fk.ref_table) {
                Some(rt) => (
                    sys.relation_display(rt.oid).unwrap_or_default(),
                    column_list(rt, &fk.ref_columns),
                ),
                None => (fk.ref_table.to_string(), String::new()),
            };
            let mut s = format!(
                "FOREIGN KEY ({}) REFERENCES {}({})",
                column_list(t, &fk.columns),
                ref_name,
                ref_cols
            );
            if fk.match_type == FkMatch::Full {
                s.push_str(" MATCH FULL");
            }
            for (what, action) in [("UPDATE", fk.on_update), ("DELETE", fk.on_delete)] {
                let words = match action {
                    FkAction::NoAction => continue,
                    FkAction::Restrict => "RESTRICT",
                    FkAction::Cascade => "CASCADE",
                    FkAction::SetNull => "SET NULL",
                    FkAction::SetDefault => "SET DEFAULT",
                };
                s.push_str(&format!(" ON {what} {words}"));
            }
            s
        }
    }
}
