//! ALTER TABLE [IF EXISTS] with one or more actions.

use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};

use super::constraint::{add_table_constraint, check_no_nulls, Stage};
use super::create_table::{add_column_extras, check_default, plan_column};
use super::depend::{cascade_notice, plan_drop, remove, Obj};
use super::exprs::{column_refs, mentions_identifier, parse_expr, rename_identifier};
use super::objects::split_name;
use super::rows::{all_rows, is_empty, rewrite};
use super::{DdlContext, DdlOutcome, ExprRole, Notice};
use crate::ast::{self, AlterTableAction as A};
use crate::catalog::{ConstraintKind, IndexExpr, Oid, Table, TableKind};
use crate::types::{assign, cast_context, CastContext, DataType, Settings};

fn current(ctx: &DdlContext<'_>, oid: Oid) -> Result<Arc<Table>> {
    ctx.catalog.table(oid).cloned().ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_TABLE,
            "relation with OID {oid} does not exist"
        )
    })
}

fn column_of(t: &Table, name: &str) -> Result<usize> {
    t.column_index(name).ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_COLUMN,
            "column \"{name}\" of relation \"{}\" does not exist",
            t.name
        )
    })
}

pub(crate) fn alter_table(ctx: &mut DdlContext<'_>, s: &ast::AlterTable) -> Result<DdlOutcome> {
    let (schema, n) = split_name(&s.name)?;
    let t = match ctx.catalog.lookup_table(schema, n, ctx.search_path) {
        Ok(t) => t.clone(),
        Err(e)
            if s.if_exists
                && matches!(e.code(), c if c == SqlState::UNDEFINED_TABLE || c == SqlState::INVALID_SCHEMA_NAME) =>
        {
            return Ok(
                DdlOutcome::tag("ALTER TABLE").with(vec![Notice::info(format!(
                    "relation \"{}\" does not exist, skipping",
                    s.name.0.join(".")
                ))]),
            );
        }
        Err(e) => return Err(e),
    };
    let renames_only = s
        .actions
        .iter()
        .all(|a| matches!(a, A::RenameTable { .. } | A::RenameColumn { .. }));
    if t.is_view() && !renames_only {
        bail!(SqlState::WRONG_OBJECT_TYPE, "\"{}\" is not a table", t.name);
    }
    let mut notices = Vec::new();
    for a in &s.actions {
        action(ctx, t.oid, a, &mut notices)?;
    }
    Ok(DdlOutcome::tag("ALTER TABLE").with(notices))
}

fn action(ctx: &mut DdlContext<'_>, oid: Oid, a: &A, notices: &mut Vec<Notice>) -> Result<()> {
    let t = current(ctx, oid)?;
    match a {
        A::AddColumn {
            if_not_exists,
            column,
        } => {
            if *if_not_exists && t.column_index(&column.name).is_some() {
                notices.push(Notice::new(
                    SqlState::DUPLICATE_COLUMN,
                    format!(
                        "column \"{}\" of relation \"{}\" already exists, skipping",
                        column.name, t.name
                    ),
                ));
                return Ok(());
            }
            add_column(ctx, &t, column)
        }
        A::DropColumn {
            name,
            if_exists,
            cascade,
        } => {
            let Some(c) = t.column_index(name) else {
                if *if_exists {
                    notices.push(Notice::info(format!(
                        "column \"{name}\" of relation \"{}\" does not exist, skipping",
                        t.name
                    )));
                    return Ok(());
                }
                return Err(column_of(&t, name).err().unwrap_or_else(|| {
                    err!(
                        SqlState::UNDEFINED_COLUMN,
                        "column \"{name}\" does not exist"
                    )
                }));
            };
            drop_column(ctx, &t, c, *cascade, notices)
        }
        A::RenameColumn { old, new } => rename_column(ctx, &t, old, new),
        A::RenameTable { new } => ctx.catalog.rename_table(ctx.txn, oid, new),
        A::RenameConstraint { old, new } => rename_constraint(ctx, &t, old, new),
        A::SetDefault { column, default } => {
            let c = column_of(&t, column)?;
            if t.columns[c].generated.is_some() {
                bail!(
                    SqlState::SYNTAX_ERROR,
                    "column \"{column}\" of relation \"{}\" is a generated column",
                    t.name
                );
            }
            let sql = default.to_string();
            check_default(ctx, &t, c, &sql)?;
            ctx.catalog
                .set_default(ctx.txn, oid, column, Some(&sql))
                .map(|_| ())
        }
        A::DropDefault { column } => {
            let c = column_of(&t, column)?;
            if t.columns[c].generated.is_some() {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "column \"{column}\" of relation \"{}\" is a generated column",
                    t.name
                )
                .with_hint("Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead."));
            }
            ctx.catalog
                .set_default(ctx.txn, oid, column, None)
                .map(|_| ())
        }
        A::SetNotNull { column } => {
            let c = column_of(&t, column)?;
            check_no_nulls(ctx, &t, &[c])?;
            ctx.catalog
                .set_not_null(ctx.txn, oid, column, true)
                .map(|_| ())
        }
        A::DropNotNull { column } => {
            column_of(&t, column)?;
            ctx.catalog
                .set_not_null(ctx.txn, oid, column, false)
                .map(|_| ())
        }
        A::SetType {
            column,
            type_name,
            using,
        } => set_type(ctx, &t, column, type_name, using.as_ref()),
        A::AddConstraint { constraint, .. } => {
            add_table_constraint(ctx, oid, constraint, Stage::Alter)
        }
        A::DropConstraint {
            name,
            if_exists,
            cascade,
        } => {
            if t.constraint(name).is_none() && *if_exists {
                notices.push(Notice::info(format!(
                    "constraint \"{name}\" of relation \"{}\" does not exist, skipping",
                    t.name
                )));
                return Ok(());
            }
            drop_constraint(ctx, &t, name, *cascade, notices)
        }
    }
}

fn add_column(ctx: &mut DdlContext<'_>, t: &Table, def: &ast::ColumnDef) -> Result<()> {
    let plan = plan_column(ctx, &t.name, def)?;
    let mut column = plan.column.clone();
    let not_null = column.not_null;
    column.not_null = false;
    let table = ctx.catalog.add_column(ctx.txn, t.oid, column)?;
    let col = table.columns.len() - 1;
    add_column_extras(ctx, t.oid, col, &plan)?;
    let table = current(ctx, t.oid)?;
    let new = &table.columns[col];
    let fill = match (&new.default, &new.identity) {
        // Stored as the column's type, as INSERT would.
        _ if new.generated.is_some() => new
            .generated
            .as_ref()
            .map(|g| format!("CAST(({g}) AS {})", new.ty)),
        (Some(d), _) => Some(d.clone()),
        (None, Some(id)) => ctx.catalog.sequence(id.sequence).map(|q| {
            format!(
                "nextval('{}'::regclass)",
                ctx.catalog.display_name(q.schema, &q.name)
            )
        }),
        _ => None,
    };
    if let Some(sql) = fill {
        if !is_empty(ctx.txn, &table)? {
            let mut rows = all_rows(ctx.txn, &table)?;
            for row in &mut rows {
                row[col] = ctx
                    .services
                    .eval_expression(ctx.catalog, ctx.txn, &table, &sql, row)?;
            }
            rewrite(ctx, &table, rows)?;
        }
    }
    if not_null {
        check_no_nulls(ctx, &table, &[col])?;
        ctx.catalog.set_not_null(ctx.txn, t.oid, &def.name, true)?;
    }
    for c in &plan.constraints {
        add_table_constraint(ctx, t.oid, c, Stage::Alter)?;
    }
    Ok(())
}

fn drop_column(
    ctx: &mut DdlContext<'_>,
    t: &Table,
    c: usize,
    cascade: bool,
    notices: &mut Vec<Notice>,
) -> Result<()> {
    let target = [Obj::Column(t.oid, c)];
    let plan = plan_drop(ctx.catalog, ctx.search_path, &target, cascade)?;
    notices.extend(cascade_notice(ctx.catalog, &plan.cascaded));
    for o in plan.cascaded.iter().rev() {
        remove(ctx.catalog, ctx.txn, o)?;
    }
    // The table's own constraints on the column go with it.
    let name = t.columns[c].name.clone();
    let t = current(ctx, t.oid)?;
    let own: Vec<String> = t
        .constraints
        .iter()
        .filter(|k| match &k.kind {
            ConstraintKind::Check { sql } => {
                parse_expr(sql).is_some_and(|e| column_refs(&e).contains(&name))
            }
            ConstraintKind::PrimaryKey { .. } => {
                t.primary_key.as_ref().is_some_and(|pk| pk.contains(&c))
            }
            ConstraintKind::ForeignKey(fk) => fk.ref_table == t.oid && fk.ref_columns.contains(&c),
            _ => false,
        })
        .map(|k| k.name.clone())
        .collect();
    for k in own {
        ctx.catalog.drop_constraint(ctx.txn, t.oid, &k)?;
    }
    ctx.catalog.drop_column(ctx.txn, t.oid, &name)?;
    Ok(())
}

fn rename_column(ctx: &mut DdlContext<'_>, t: &Table, old: &str, new: &str) -> Result<()> {
    ctx.catalog.rename_column(ctx.txn, t.oid, old, new)?;
    let (old, new) = (old.to_string(), new.to_string());
    ctx.catalog.update_table(ctx.txn, t.oid, |t| {
        for k in &mut t.constraints {
            if let ConstraintKind::Check { sql } = &mut k.kind {
                *sql = rename_identifier(sql, &old, &new);
            }
        }
        for c in &mut t.columns {
            if let Some(d) = &mut c.default {
                *d = rename_identifier(d, &old, &new);
            }
            if let Some(g) = &mut c.generated {
                *g = rename_identifier(g, &old, &new);
            }
        }
        for i in &mut t.indexes {
            for p in &mut i.parts {
                if let IndexExpr::Expression { sql, .. } = &mut p.expr {
                    *sql = rename_identifier(sql, &old, &new);
                }
            }
            if let Some(p) = &mut i.predicate {
                *p = rename_identifier(p, &old, &new);
            }
        }
        Ok(())
    })?;
    Ok(())
}

fn rename_constraint(ctx: &mut DdlContext<'_>, t: &Table, old: &str, new: &str) -> Result<()> {
    let k = t.constraint(old).cloned().ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_OBJECT,
            "constraint \"{old}\" for table \"{}\" does not exist",
            t.name
        )
    })?;
    if t.constraint(new).is_some() {
        bail!(
            SqlState::DUPLICATE_OBJECT,
            "constraint \"{new}\" for relation \"{}\" already exists",
            t.name
        );
    }
    let index = match k.kind {
        ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => {
            if ctx.catalog.relation_in(t.schema, new).is_some() {
                bail!(
                    SqlState::DUPLICATE_TABLE,
                    "relation \"{new}\" already exists"
                );
            }
            Some(index)
        }
        _ => None,
    };
    ctx.catalog.update_table(ctx.txn, t.oid, |t| {
        for c in t.constraints.iter_mut().filter(|c| c.oid == k.oid) {
            c.name = new.to_string();
        }
        for i in t.indexes.iter_mut().filter(|i| Some(i.oid) == index) {
            i.name = new.to_string();
        }
        Ok(())
    })?;
    Ok(())
}

fn set_type(
    ctx: &mut DdlContext<'_>,
    t: &Table,
    column: &str,
    type_name: &ast::TypeName,
    using: Option<&ast::Expr>,
) -> Result<()> {
    let c = column_of(t, column)?;
    let ty = super::create_table::ddl_type(ctx, type_name)?;
    if let Some(g) = t.columns.iter().find(|g| {
        g.generated
            .as_deref()
            .is_some_and(|sql| mentions_identifier(sql, column))
    }) {
        return Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot alter type of a column used by a generated column"
        )
        .with_detail(format!(
            "Column \"{column}\" is used by generated column \"{}\".",
            g.name
        )));
    }
    let mut views: Vec<&Arc<Table>> = ctx
        .catalog
        .tables()
        .filter(|v| match &v.kind {
            TableKind::View { query, depends_on } => {
                depends_on.contains(&t.oid) && mentions_identifier(query, column)
            }
            _ => false,
        })
        .collect();
    views.sort_by_key(|v| v.oid);
    if let Some(v) = views.first() {
        return Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cannot alter type of a column used by a view or rule"
        )
        .with_detail(format!(
            "rule _RETURN on view {} depends on column \"{column}\"",
            v.name
        )));
    }
    let old_ty = t.columns[c].ty.clone();
    let settings = Settings::default();
    let rows = all_rows(ctx.txn, t)?;
    let mut values = Vec::with_capacity(rows.len());
    match using {
        None => {
            let ok = old_ty == ty
                || cast_context(&old_ty, &ty).is_some_and(|k| k != CastContext::Explicit);
            if !ok {
                return Err(err!(
                    SqlState::DATATYPE_MISMATCH,
                    "column \"{column}\" cannot be cast automatically to type {ty}"
                )
                .with_hint(format!(
                    "You might need to specify \"USING {}::{}\".",
                    crate::ast::ObjectName::single(column),
                    ty
                )));
            }
            for row in &rows {
                values.push(assign(&row[c], &old_ty, &ty, &settings)?);
            }
        }
        Some(e) => {
            let sql = e.to_string();
            let from = ctx.services.bind_expression(
                ctx.catalog,
                t,
                &sql,
                ExprRole::Using {
                    column: &t.columns[c],
                    new_type: &ty,
                },
            )?;
            let ok = from == ty
                || from == DataType::Unknown
                || cast_context(&from, &ty).is_some_and(|k| k != CastContext::Explicit);
            if !ok {
                return Err(err!(
                    SqlState::DATATYPE_MISMATCH,
                    "result of USING clause for column \"{column}\" cannot be cast automatically to type {ty}"
                )
                .with_hint("You might need to add an explicit cast."));
            }
            for row in &rows {
                let v = ctx
                    .services
                    .eval_expression(ctx.catalog, ctx.txn, t, &sql, row)?;
                values.push(assign(&v, &from, &ty, &settings)?);
            }
        }
    }
    let mut next = values.into_iter();
    ctx.catalog.alter_column_type(
        ctx.txn,
        t.oid,
        column,
        ty,
        &mut |v| Ok(next.next().unwrap_or_else(|| v.clone())),
        ctx.services,
    )?;
    Ok(())
}

fn drop_constraint(
    ctx: &mut DdlContext<'_>,
    t: &Table,
    name: &str,
    cascade: bool,
    notices: &mut Vec<Notice>,
) -> Result<()> {
    let Some(k) = t.constraint(name) else {
        return ctx
            .catalog
            .drop_constraint(ctx.txn, t.oid, name)
            .map(|_| ());
    };
    // Foreign keys that reference the columns of a key being dropped.
    let keyed: Option<(Vec<usize>, String)> = match &k.kind {
        ConstraintKind::PrimaryKey { index } | ConstraintKind::Unique { index } => {
            t.index(*index).map(|i| {
                let mut cols: Vec<usize> = i
                    .parts
                    .iter()
                    .filter_map(|p| match p.expr {
                        IndexExpr::Column(c) => Some(c),
                        _ => None,
                    })
                    .collect();
                cols.sort_unstable();
                (cols, i.name.clone())
            })
        }
        _ => None,
    };
    if let Some((cols, index)) = keyed {
        let mut deps: Vec<(Oid, Oid, String, String)> = Vec::new();
        for u in ctx.catalog.tables() {
            for f in &u.constraints {
                if let ConstraintKind::ForeignKey(fk) = &f.kind {
                    let mut rc = fk.ref_columns.clone();
                    rc.sort_unstable();
                    if fk.ref_table == t.oid && rc == cols && !(u.oid == t.oid && f.name == name) {
                        deps.push((f.oid, u.oid, f.name.clone(), u.name.clone()));
                    }
                }
            }
        }
        deps.sort();
        if !deps.is_empty() {
            if !cascade {
                let lines: Vec<String> = deps
                    .iter()
                    .map(|(_, _, f, u)| {
                        format!("constraint {f} on table {u} depends on index {index}")
                    })
                    .collect();
                return Err(err!(
                    SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
                    "cannot drop constraint {name} on table {} because other objects depend on it",
                    t.name
                )
                .with_detail(lines.join("\n"))
                .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
            }
            let objs: Vec<Obj> = deps
                .iter()
                .map(|(_, u, f, _)| Obj::Constraint(*u, f.clone()))
                .collect();
            notices.extend(cascade_notice(ctx.catalog, &objs));
            for o in &objs {
                remove(ctx.catalog, ctx.txn, o)?;
            }
        }
    }
    ctx.catalog.drop_constraint(ctx.txn, t.oid, name)?;
    Ok(())
}
