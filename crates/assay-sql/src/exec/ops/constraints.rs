//! Enforcing NOT NULL, CHECK and FOREIGN KEY constraints on row changes,
//! with PostgreSQL's messages, and running referential actions.
//!
//! NOT NULL and CHECK are tested before a row is written; foreign keys
//! after (so a row may reference itself). RESTRICT fails at once; NO ACTION
//! is checked when the statement's changes are done (so `DELETE FROM tree`
//! may remove a parent before its children). An error leaves earlier changes
//! of the statement in place: the caller rolls the statement back to its
//! savepoint, as PostgreSQL's statement atomicity requires.

use std::sync::Arc;

use assay_storage::{err, Error, Result, SqlState};

use crate::exec::context::{DeferredCheck, ExecContext};
use crate::exec::eval::{eval, eval_bool};
use crate::exec::storage::{FkAction, ForeignKeyMeta, Row, TableMeta};
use crate::types::{compare, format_value, Value};

/// `(1, null, abc)`: a row as PostgreSQL's DETAIL lines print it.
pub(crate) fn format_row(row: &[Value], ctx: &ExecContext<'_>) -> String {
    let parts: Vec<String> = row
        .iter()
        .map(|v| format_value(v, ctx.settings).unwrap_or_else(|| "null".to_string()))
        .collect();
    format!("({})", parts.join(", "))
}

fn key_detail(meta: &TableMeta, cols: &[usize], vals: &[Value], ctx: &ExecContext<'_>) -> String {
    let names: Vec<&str> = cols
        .iter()
        .map(|&c| meta.columns[c].name.as_str())
        .collect();
    let v = format_row(vals, ctx);
    format!("Key ({})={}", names.join(", "), v)
}

/// NOT NULL and CHECK constraints of a row about to be written.
pub(crate) fn check_row(meta: &TableMeta, row: &[Value], ctx: &mut ExecContext<'_>) -> Result<()> {
    for (col, v) in meta.columns.iter().zip(row) {
        if col.not_null && v.is_null() {
            return Err(err!(
                SqlState::NOT_NULL_VIOLATION,
                "null value in column \"{}\" of relation \"{}\" violates not-null constraint",
                col.name,
                meta.name
            )
            .with_detail(format!("Failing row contains {}.", format_row(row, ctx))));
        }
    }
    for check in &meta.checks {
        if eval_bool(&check.expr, row, ctx)? == Some(false) {
            return Err(err!(
                SqlState::CHECK_VIOLATION,
                "new row for relation \"{}\" violates check constraint \"{}\"",
                meta.name,
                check.name
            )
            .with_detail(format!("Failing row contains {}.", format_row(row, ctx))));
        }
    }
    Ok(())
}

fn pick(row: &[Value], cols: &[usize]) -> Vec<Value> {
    cols.iter()
        .map(|&c| row.get(c).cloned().unwrap_or(Value::Null))
        .collect()
}

fn same(a: &[Value], b: &[Value]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.is_null() == y.is_null() && compare(x, y).is_eq())
}

/// Foreign keys of `meta` that `row` must satisfy (MATCH SIMPLE: a key
/// with a NULL is not checked). `old` skips keys an UPDATE did not change.
pub(crate) fn check_references(
    meta: &TableMeta,
    row: &[Value],
    old: Option<&[Value]>,
    ctx: &mut ExecContext<'_>,
) -> Result<()> {
    for fk in &meta.foreign_keys {
        let vals = pick(row, &fk.columns);
        if vals.iter().any(Value::is_null) {
            continue;
        }
        if old.is_some_and(|o| same(&pick(o, &fk.columns), &vals)) {
            continue;
        }
        if ctx
            .tables
            .find_rows(fk.ref_table, &fk.ref_columns, &vals, Some(1))?
            .is_empty()
        {
            let parent = ctx.tables.table(fk.ref_table)?;
            return Err(err!(
                SqlState::FOREIGN_KEY_VIOLATION,
                "insert or update on table \"{}\" violates foreign key constraint \"{}\"",
                meta.name,
                fk.name
            )
            .with_detail(format!(
                "{} is not present in table \"{}\".",
                key_detail(meta, &fk.columns, &vals, ctx),
                parent.name
            )));
        }
    }
    Ok(())
}

fn still_referenced(
    parent: &TableMeta,
    child: &TableMeta,
    fk: &ForeignKeyMeta,
    vals: &[Value],
    ctx: &ExecContext<'_>,
) -> Error {
    err!(
        SqlState::FOREIGN_KEY_VIOLATION,
        "update or delete on table \"{}\" violates foreign key constraint \"{}\" on table \"{}\"",
        parent.name,
        fk.name,
        child.name
    )
    .with_detail(format!(
        "{} is still referenced from table \"{}\".",
        key_detail(parent, &fk.ref_columns, vals, ctx),
        child.name
    ))
}

/// What happens to rows referencing a parent row that is deleted
/// (`new = None`) or whose key changes to `new`.
fn referencing_actions(
    parent: &TableMeta,
    old: &[Value],
    new: Option<&[Value]>,
    ctx: &mut ExecContext<'_>,
) -> Result<()> {
    for fk in &parent.referenced_by {
        let vals = pick(old, &fk.ref_columns);
        if vals.iter().any(Value::is_null) {
            continue;
        }
        let new_vals = new.map(|n| pick(n, &fk.ref_columns));
        if new_vals.as_ref().is_some_and(|nv| same(nv, &vals)) {
            continue;
        }
        let children = ctx.tables.find_rows(fk.table, &fk.columns, &vals, None)?;
        if children.is_empty() {
            continue;
        }
        let child = ctx.tables.table(fk.table)?;
        let action = if new.is_some() {
            fk.on_update
        } else {
            fk.on_delete
        };
        for (key, row) in children {
            match action {
                FkAction::Restrict => {
                    return Err(still_referenced(parent, &child, fk, &vals, ctx));
                }
                FkAction::NoAction => {
                    let parent = ctx.tables.table(parent.oid)?;
                    ctx.deferred_fk.push(DeferredCheck {
                        parent,
                        fk: fk.clone(),
                        values: vals.clone(),
                    });
                    break;
                }
                FkAction::Cascade => match &new_vals {
                    None => delete_row(&child, &key, &row, ctx)?,
                    Some(nv) => {
                        let mut changed = row.clone();
                        for (&c, v) in fk.columns.iter().zip(nv) {
                            changed[c] = v.clone();
                        }
                        update_row(&child, &key, &row, changed, ctx)?;
                    }
                },
                FkAction::SetNull | FkAction::SetDefault => {
                    let mut changed = row.clone();
                    for &c in &fk.columns {
                        changed[c] = match (&child.columns[c].default, action) {
                            (Some(d), FkAction::SetDefault) => eval(d, &[], ctx)?,
                            _ => Value::Null,
                        };
                    }
                    update_row(&child, &key, &row, changed, ctx)?;
                }
            }
        }
    }
    Ok(())
}

/// Runs the NO ACTION checks the statement deferred: a parent key that is
/// gone must not be referenced any more (unless a row has it again).
pub(crate) fn check_deferred(ctx: &mut ExecContext<'_>) -> Result<()> {
    for check in std::mem::take(&mut ctx.deferred_fk) {
        let fk = &check.fk;
        if !ctx
            .tables
            .find_rows(check.parent.oid, &fk.ref_columns, &check.values, Some(1))?
            .is_empty()
        {
            continue;
        }
        if ctx
            .tables
            .find_rows(fk.table, &fk.columns, &check.values, Some(1))?
            .is_empty()
        {
            continue;
        }
        let child = ctx.tables.table(fk.table)?;
        return Err(still_referenced(
            &check.parent,
            &child,
            fk,
            &check.values,
            ctx,
        ));
    }
    Ok(())
}

/// Deletes a row, then runs the actions of foreign keys that referenced it
/// (so they see the table as the statement leaves it).
pub(crate) fn delete_row(
    meta: &TableMeta,
    key: &[u8],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<()> {
    ctx.tables.delete(meta.oid, key)?;
    referencing_actions(meta, row, None, ctx)
}

/// Applies the columns' length and precision limits (`varchar(n)`,
/// `char(n)`, `numeric(p,s)`) to a row about to be stored, as an
/// assignment cast does: the binder cast values to the base types only.
fn apply_typmods(meta: &TableMeta, row: &mut [Value], ctx: &ExecContext<'_>) -> Result<()> {
    for (col, v) in meta.columns.iter().zip(row.iter_mut()) {
        // Text already of the right length (COPY's input functions
        // applied it) is kept as it is.
        if col.data_type.has_typmod()
            && !v.is_null()
            && !crate::types::fits_length(v, &col.data_type)
        {
            let base = col.data_type.without_typmod();
            *v = crate::types::assign(v, &base, &col.data_type, ctx.settings)?;
        }
    }
    Ok(())
}

/// Replaces `old` by `new` at `key`, enforcing every constraint.
///
/// `old` was read in this statement. Only referential actions write rows
/// a statement has already read, and they start from tables that other
/// tables reference: for a table nothing references, `old` is still what
/// is stored, and storage is spared reading it again.
pub(crate) fn update_row(
    meta: &TableMeta,
    key: &[u8],
    old: &[Value],
    mut new: Row,
    ctx: &mut ExecContext<'_>,
) -> Result<Row> {
    apply_typmods(meta, &mut new, ctx)?;
    check_row(meta, &new, ctx)?;
    let stored = meta.referenced_by.is_empty().then_some(old);
    ctx.tables.update(meta.oid, key, stored, &new)?;
    referencing_actions(meta, old, Some(&new), ctx)?;
    check_references(meta, &new, Some(old), ctx)?;
    Ok(new)
}

/// Inserts a row, enforcing every constraint; returns it as stored (with
/// the columns' length and precision limits applied), what RETURNING
/// shows.
pub(crate) fn insert_row(meta: &TableMeta, row: Row, ctx: &mut ExecContext<'_>) -> Result<Row> {
    insert_row_keyed(meta, row, ctx).map(|(_, row)| row)
}

/// [`insert_row`], also returning the new row's storage key.
pub(crate) fn insert_row_keyed(
    meta: &TableMeta,
    mut row: Row,
    ctx: &mut ExecContext<'_>,
) -> Result<(crate::exec::storage::RowKey, Row)> {
    apply_typmods(meta, &mut row, ctx)?;
    check_row(meta, &row, ctx)?;
    let key = ctx.tables.insert(meta.oid, &row)?;
    check_references(meta, &row, None, ctx)?;
    Ok((key, row))
}

pub(crate) type Meta = Arc<TableMeta>;
