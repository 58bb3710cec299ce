//! DROP TABLE | VIEW | INDEX | SEQUENCE | SCHEMA [IF EXISTS] … [CASCADE].

use assay_storage::{bail, err, Result, SqlState};

use super::depend::{cascade_notice, plan_drop, remove, Obj};
use super::objects::{kind_article, split_name};
use super::{DdlContext, DdlOutcome, Notice};
use crate::ast::{self, ObjectKind};
use crate::catalog::{Catalog, RelRef};

fn kind_word(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Table => "table",
        ObjectKind::View => "view",
        ObjectKind::Index => "index",
        ObjectKind::Sequence => "sequence",
        ObjectKind::Schema => "schema",
        ObjectKind::Type => "type",
        _ => "object",
    }
}

/// The object a relation name stands for, and its kind.
fn relation_obj(c: &Catalog, r: RelRef) -> (Obj, ObjectKind) {
    match r {
        RelRef::Table(t) if c.table(t).is_some_and(|t| t.is_view()) => {
            (Obj::View(t), ObjectKind::View)
        }
        RelRef::Table(t) if c.table(t).is_some_and(|t| t.is_composite()) => {
            (Obj::Table(t), ObjectKind::Type)
        }
        RelRef::Table(t) => (Obj::Table(t), ObjectKind::Table),
        RelRef::Index(t, i) => (Obj::Index(t, i), ObjectKind::Index),
        RelRef::Sequence(s) => (Obj::Sequence(s), ObjectKind::Sequence),
    }
}

pub(crate) fn drop(ctx: &mut DdlContext<'_>, s: &ast::Drop) -> Result<DdlOutcome> {
    if s.kind == ObjectKind::Type {
        return super::composite::drop_types(ctx, s);
    }
    let tag = match s.kind {
        ObjectKind::Table => "DROP TABLE",
        ObjectKind::View => "DROP VIEW",
        ObjectKind::Index => "DROP INDEX",
        ObjectKind::Sequence => "DROP SEQUENCE",
        ObjectKind::Schema => "DROP SCHEMA",
        _ => bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "DROP {} is not a DDL statement on the catalog",
            kind_word(s.kind)
        ),
    };
    let word = kind_word(s.kind);
    let mut notices = Vec::new();
    let mut targets: Vec<Obj> = Vec::new();
    for name in &s.names {
        let written = name.0.join(".");
        if s.kind == ObjectKind::Schema {
            match ctx.catalog.schema_named(name.base()) {
                Some(sc) => targets.push(Obj::Schema(sc.oid)),
                None if s.if_exists => notices.push(Notice::info(format!(
                    "schema \"{written}\" does not exist, skipping"
                ))),
                None => return Err(crate::catalog::undefined_schema(&written)),
            }
            continue;
        }
        let (schema, n) = split_name(name)?;
        let found = match ctx.catalog.resolve(schema, n, ctx.search_path) {
            Ok(f) => f,
            Err(e) if s.if_exists && e.code() == SqlState::INVALID_SCHEMA_NAME => {
                notices.push(Notice::info(format!(
                    "schema \"{}\" does not exist, skipping",
                    schema.unwrap_or_default()
                )));
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some((_, r)) = found else {
            if s.if_exists {
                notices.push(Notice::info(format!(
                    "{word} \"{written}\" does not exist, skipping"
                )));
                continue;
            }
            let code = if s.kind == ObjectKind::Index {
                SqlState::UNDEFINED_OBJECT
            } else {
                SqlState::UNDEFINED_TABLE
            };
            bail!(code, "{word} \"{written}\" does not exist");
        };
        let (obj, actual) = relation_obj(ctx.catalog, r);
        if actual != s.kind {
            return Err(err!(
                SqlState::WRONG_OBJECT_TYPE,
                "\"{n}\" is not {}",
                kind_article(s.kind)
            )
            .with_hint(format!(
                "Use DROP {} to remove {}.",
                kind_word(actual).to_uppercase(),
                kind_article(actual)
            )));
        }
        check_droppable(ctx.catalog, &obj)?;
        if !targets.contains(&obj) {
            targets.push(obj);
        }
    }
    let plan = plan_drop(ctx.catalog, ctx.search_path, &targets, s.cascade)?;
    notices.extend(cascade_notice(ctx.catalog, &plan.cascaded));
    for o in plan.cascaded.iter().rev() {
        remove(ctx.catalog, ctx.txn, o)?;
    }
    for o in &targets {
        remove(ctx.catalog, ctx.txn, o)?;
        if let Obj::Schema(oid) = o {
            if ctx.search_path.temp_schema == Some(*oid) {
                ctx.search_path.temp_schema = None;
            }
        }
    }
    Ok(DdlOutcome::tag(tag).with(notices))
}

/// Objects that cannot be dropped on their own: an identity column's
/// sequence, an index backing a constraint.
fn check_droppable(c: &Catalog, o: &Obj) -> Result<()> {
    match o {
        Obj::Sequence(s) => {
            for t in c.tables() {
                for (_, col) in t.visible_columns() {
                    if col.identity.as_ref().is_some_and(|i| i.sequence == *s) {
                        let seq = c.sequence(*s).map_or("", |q| q.name.as_str());
                        return Err(err!(
                            SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                            "cannot drop sequence {seq} because column {} of table {} requires it",
                            col.name,
                            t.name
                        )
                        .with_hint(format!(
                            "You can drop column {} of table {} instead.",
                            col.name, t.name
                        )));
                    }
                }
            }
            Ok(())
        }
        Obj::Index(t, i) => {
            let table = c.table(*t);
            let owner = table.and_then(|t| {
                let idx = t.index(*i)?;
                let k = t
                    .constraints
                    .iter()
                    .find(|k| Some(k.oid) == idx.constraint)?;
                Some((idx.name.clone(), k.name.clone(), t.name.clone()))
            });
            if let Some((index, con, table)) = owner {
                return Err(err!(
                    SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop index {index} because constraint {con} on table {table} requires it"
                )
                .with_hint(format!(
                    "You can drop constraint {con} on table {table} instead."
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}
