//! TRUNCATE [TABLE] a, b [RESTART IDENTITY] [CASCADE].

use assay_storage::{bail, err, Result, SqlState};

use super::objects::split_name;
use super::rows::clear_table;
use super::{DdlContext, DdlOutcome, Notice};
use crate::ast;
use crate::catalog::{ConstraintKind, Oid, SequenceOptions};

pub(crate) fn truncate(ctx: &mut DdlContext<'_>, s: &ast::Truncate) -> Result<DdlOutcome> {
    let mut tables: Vec<Oid> = Vec::new();
    for name in &s.tables {
        let (schema, n) = split_name(name)?;
        let t = ctx.catalog.lookup_table(schema, n, ctx.search_path);
        let t = match t {
            Err(e) if e.code() == SqlState::WRONG_OBJECT_TYPE => {
                bail!(SqlState::WRONG_OBJECT_TYPE, "\"{n}\" is not a table")
            }
            other => other?,
        };
        if t.is_view() {
            bail!(SqlState::WRONG_OBJECT_TYPE, "\"{n}\" is not a table");
        }
        if !tables.contains(&t.oid) {
            tables.push(t.oid);
        }
    }
    let mut notices = Vec::new();
    // Tables whose foreign keys reference a truncated table must be
    // truncated too: with CASCADE they are added, else it is an error.
    loop {
        let mut added = false;
        let mut all: Vec<_> = ctx.catalog.tables().cloned().collect();
        all.sort_by_key(|t| t.oid);
        for u in &all {
            if tables.contains(&u.oid) {
                continue;
            }
            let referenced = u.constraints.iter().find_map(|k| match &k.kind {
                ConstraintKind::ForeignKey(fk) if tables.contains(&fk.ref_table) => {
                    Some(fk.ref_table)
                }
                _ => None,
            });
            let Some(r) = referenced else { continue };
            if !s.cascade {
                let rname = ctx
                    .catalog
                    .table(r)
                    .map_or("", |t| t.name.as_str())
                    .to_string();
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "cannot truncate a table referenced in a foreign key constraint"
                )
                .with_detail(format!("Table \"{}\" references \"{rname}\".", u.name))
                .with_hint(format!(
                    "Truncate table \"{}\" at the same time, or use TRUNCATE ... CASCADE.",
                    u.name
                )));
            }
            notices.push(Notice::info(format!(
                "truncate cascades to table \"{}\"",
                u.name
            )));
            tables.push(u.oid);
            added = true;
        }
        if !added {
            break;
        }
    }
    for oid in &tables {
        if let Some(t) = ctx.catalog.table(*oid).cloned() {
            clear_table(ctx.txn, &t)?;
        }
    }
    if s.restart_identity {
        let owned: Vec<Oid> = ctx
            .catalog
            .sequences()
            .filter(|q| q.owned_by.is_some_and(|(t, _)| tables.contains(&t)))
            .map(|q| q.oid)
            .collect();
        for q in owned {
            ctx.catalog.alter_sequence(
                ctx.txn,
                q,
                &SequenceOptions {
                    restart: Some(None),
                    ..SequenceOptions::default()
                },
            )?;
        }
    }
    Ok(DdlOutcome::tag("TRUNCATE TABLE").with(notices))
}
