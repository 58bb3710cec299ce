//! Dependencies between catalog objects, found from the catalog itself,
//! and the DROP … [CASCADE] plan built from them (PostgreSQL's
//! `findDependentObjects` and `reportDependentObjects`).

use assay_storage::{err, Result, SqlState, Transaction};

use super::exprs::{mentions_identifier, nextval_targets, parse_expr};
use super::Notice;
use crate::catalog::{Catalog, ConstraintKind, Oid, RelRef, SearchPath, TableKind};

/// Something a DROP can remove.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Obj {
    Table(Oid),
    View(Oid),
    Sequence(Oid),
    /// (table, index)
    Index(Oid, Oid),
    /// (table, constraint name)
    Constraint(Oid, String),
    /// A column's DEFAULT: (table, column position).
    Default(Oid, usize),
    /// (table, column position)
    Column(Oid, usize),
    Schema(Oid),
}

impl Obj {
    /// The table this object belongs to, if it is part of one.
    fn owner(&self) -> Option<Oid> {
        match self {
            Obj::Index(t, _) | Obj::Constraint(t, _) | Obj::Default(t, _) | Obj::Column(t, _) => {
                Some(*t)
            }
            _ => None,
        }
    }
}

/// How PostgreSQL names an object in dependency messages.
pub(crate) fn describe(c: &Catalog, o: &Obj) -> String {
    let rel = |oid: Oid| {
        c.table(oid)
            .map_or(String::new(), |t| c.display_name(t.schema, &t.name))
    };
    let col = |t: Oid, i: usize| {
        c.table(t)
            .and_then(|t| t.columns.get(i))
            .map_or(String::new(), |c| c.name.clone())
    };
    match o {
        Obj::Table(t) => format!("table {}", rel(*t)),
        Obj::View(t) => format!("view {}", rel(*t)),
        Obj::Sequence(s) => format!(
            "sequence {}",
            c.sequence(*s)
                .map_or(String::new(), |s| c.display_name(s.schema, &s.name))
        ),
        Obj::Index(t, i) => format!(
            "index {}",
            c.table(*t)
                .and_then(|t| t.index(*i).map(|i| c.display_name(t.schema, &i.name)))
                .unwrap_or_default()
        ),
        Obj::Constraint(t, n) => format!("constraint {n} on table {}", rel(*t)),
        Obj::Default(t, i) => format!(
            "default value for column {} of table {}",
            col(*t, *i),
            rel(*t)
        ),
        Obj::Column(t, i) => format!("column {} of table {}", col(*t, *i), rel(*t)),
        Obj::Schema(s) => format!("schema {}", c.schema(*s).map_or("", |s| s.name.as_str())),
    }
}

/// Column defaults that call `nextval` on sequence `seq`.
fn defaults_using(c: &Catalog, path: &SearchPath, seq: Oid) -> Vec<(Oid, Obj)> {
    let mut out = Vec::new();
    for t in c.tables() {
        for (i, col) in t.visible_columns() {
            let Some(e) = col.default.as_deref().and_then(parse_expr) else {
                continue;
            };
            for name in nextval_targets(&e) {
                let mut parts = name.rsplitn(2, '.');
                let n = parts.next().unwrap_or_default();
                let s = parts.next();
                if let Ok(Some((_, RelRef::Sequence(o)))) = c.resolve(s, n, path) {
                    if o == seq {
                        out.push((t.oid, Obj::Default(t.oid, i)));
                    }
                }
            }
        }
    }
    out
}

/// The objects that depend directly on `o`, in creation order.
fn direct(c: &Catalog, path: &SearchPath, o: &Obj) -> Vec<Obj> {
    let mut out: Vec<(Oid, Obj)> = Vec::new();
    let views_on = |oid: Oid, out: &mut Vec<(Oid, Obj)>, column: Option<&str>| {
        for v in c.tables() {
            if let TableKind::View { depends_on, query } = &v.kind {
                if depends_on.contains(&oid) && column.is_none_or(|n| mentions_identifier(query, n))
                {
                    out.push((v.oid, Obj::View(v.oid)));
                }
            }
        }
    };
    match o {
        Obj::Table(t) | Obj::View(t) => {
            for u in c.tables().filter(|u| u.oid != *t) {
                for k in &u.constraints {
                    if let ConstraintKind::ForeignKey(fk) = &k.kind {
                        if fk.ref_table == *t {
                            out.push((k.oid, Obj::Constraint(u.oid, k.name.clone())));
                        }
                    }
                }
            }
            views_on(*t, &mut out, None);
            for s in c
                .sequences()
                .filter(|s| s.owned_by.is_some_and(|(o, _)| o == *t))
            {
                out.extend(
                    defaults_using(c, path, s.oid)
                        .into_iter()
                        .filter(|(u, _)| u != t),
                );
            }
        }
        Obj::Column(t, i) => {
            let Some(name) = c
                .table(*t)
                .and_then(|t| t.columns.get(*i))
                .map(|c| c.name.clone())
            else {
                return Vec::new();
            };
            for u in c.tables().filter(|u| u.oid != *t) {
                for k in &u.constraints {
                    if let ConstraintKind::ForeignKey(fk) = &k.kind {
                        if fk.ref_table == *t && fk.ref_columns.contains(i) {
                            out.push((k.oid, Obj::Constraint(u.oid, k.name.clone())));
                        }
                    }
                }
            }
            // Generated columns of the table computed from this one.
            if let Some(table) = c.table(*t) {
                for (j, g) in table.columns.iter().enumerate() {
                    let uses = g.generated.as_deref().is_some_and(|sql| {
                        j != *i && !g.dropped && mentions_identifier(sql, &name)
                    });
                    if uses {
                        out.push((*t, Obj::Column(*t, j)));
                    }
                }
            }
            views_on(*t, &mut out, Some(&name));
        }
        Obj::Sequence(s) => out = defaults_using(c, path, *s),
        Obj::Schema(s) => {
            for t in c.tables().filter(|t| t.schema == *s) {
                let obj = if t.is_view() {
                    Obj::View(t.oid)
                } else {
                    Obj::Table(t.oid)
                };
                out.push((t.oid, obj));
            }
            for q in c
                .sequences()
                .filter(|q| q.schema == *s && q.owned_by.is_none())
            {
                out.push((q.oid, Obj::Sequence(q.oid)));
            }
        }
        _ => {}
    }
    out.sort_by_key(|(oid, _)| *oid);
    out.into_iter().map(|(_, o)| o).collect()
}

/// Records the dependents of `parent` not yet found, then theirs.
fn visit(
    c: &Catalog,
    path: &SearchPath,
    targets: &[Obj],
    parent: &Obj,
    found: &mut Vec<Obj>,
    lines: &mut Vec<String>,
) {
    let covered = |o: &Obj, found: &[Obj]| {
        let mut all = targets.iter().chain(found.iter());
        all.clone().any(|x| x == o)
            || o.owner()
                .is_some_and(|t| all.any(|x| *x == Obj::Table(t) || *x == Obj::View(t)))
    };
    let mut new = Vec::new();
    for d in direct(c, path, parent) {
        if covered(&d, found) {
            continue;
        }
        lines.push(format!(
            "{} depends on {}",
            describe(c, &d),
            describe(c, parent)
        ));
        found.push(d.clone());
        new.push(d);
    }
    for d in &new {
        visit(c, path, targets, d, found, lines);
    }
}

/// What a DROP of `targets` removes besides them, in the order found.
pub(crate) struct DropPlan {
    pub cascaded: Vec<Obj>,
}

/// Finds everything depending on `targets`. Without `cascade`, anything
/// found is an error (2BP01, DETAIL listing each dependency).
pub(crate) fn plan_drop(
    c: &Catalog,
    path: &SearchPath,
    targets: &[Obj],
    cascade: bool,
) -> Result<DropPlan> {
    let mut found: Vec<Obj> = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    for t in targets {
        visit(c, path, targets, t, &mut found, &mut lines);
    }
    if !found.is_empty() && !cascade {
        let what = match targets {
            [one] => format!(
                "cannot drop {} because other objects depend on it",
                describe(c, one)
            ),
            _ => "cannot drop desired object(s) because other objects depend on them".to_string(),
        };
        return Err(err!(SqlState::DEPENDENT_OBJECTS_STILL_EXIST, "{what}")
            .with_detail(lines.join("\n"))
            .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
    }
    Ok(DropPlan { cascaded: found })
}

/// PostgreSQL's NOTICE for what CASCADE removed.
pub(crate) fn cascade_notice(c: &Catalog, cascaded: &[Obj]) -> Option<Notice> {
    match cascaded {
        [] => None,
        [one] => Some(Notice::info(format!(
            "drop cascades to {}",
            describe(c, one)
        ))),
        many => {
            let lines: Vec<String> = many
                .iter()
                .map(|o| format!("drop cascades to {}", describe(c, o)))
                .collect();
            let mut n = Notice::info(format!("drop cascades to {} other objects", many.len()));
            n.detail = Some(lines.join("\n"));
            Some(n)
        }
    }
}

/// Removes one object (if still there).
pub(crate) fn remove(c: &mut Catalog, txn: &mut Transaction, o: &Obj) -> Result<()> {
    match o {
        Obj::Table(t) | Obj::View(t) => {
            if c.table(*t).is_some() {
                c.drop_table(txn, *t, true)?;
            }
        }
        Obj::Sequence(s) => {
            if c.sequence(*s).is_some() {
                c.drop_sequence(txn, *s)?;
            }
        }
        Obj::Index(t, i) => c.drop_index(txn, *t, *i)?,
        Obj::Constraint(t, n) => {
            if c.table(*t).is_some_and(|t| t.constraint(n).is_some()) {
                c.drop_constraint(txn, *t, n)?;
            }
        }
        Obj::Default(t, i) => {
            if let Some(name) = c
                .table(*t)
                .and_then(|t| t.columns.get(*i))
                .map(|c| c.name.clone())
            {
                c.set_default(txn, *t, &name, None)?;
            }
        }
        Obj::Column(t, i) => {
            if let Some(name) = c
                .table(*t)
                .and_then(|t| t.columns.get(*i))
                .map(|c| c.name.clone())
            {
                c.drop_column(txn, *t, &name)?;
            }
        }
        Obj::Schema(s) => {
            let name = c.schema(*s).map(|s| s.name.clone()).ok_or_else(|| {
                err!(
                    SqlState::INVALID_SCHEMA_NAME,
                    "schema with OID {s} does not exist"
                )
            })?;
            c.drop_schema(txn, &name, true)?;
        }
    }
    Ok(())
}
