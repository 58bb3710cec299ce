//! CREATE TYPE name AS (field type, …) and DROP TYPE.
//!
//! A composite type is a catalog relation of kind
//! [`TableKind::Composite`](crate::catalog::TableKind): its columns are
//! the fields, it has no rows and no tree, and its type OID is its
//! relation OID (what `pg_type.typrelid` and `pg_class.reltype` both
//! name). Types and relations share one namespace per schema, so a type
//! cannot take a table's name. A type used by a column cannot be
//! dropped (CASCADE, which would drop the column, is not supported yet).

use assay_storage::{bail, err, Result, SqlState};

use super::create_table::ddl_type;
use super::objects::{creation_schema, split_name};
use super::{DdlContext, DdlOutcome, Notice};
use crate::ast;
use crate::catalog::{Catalog, Column, RelRef};
use crate::types::DataType;

pub(crate) fn create_type(ctx: &mut DdlContext<'_>, s: &ast::CreateTable) -> Result<DdlOutcome> {
    let (_, name) = split_name(&s.name)?;
    let (schema, _) = creation_schema(ctx, &s.name, false)?;
    let mut columns = Vec::with_capacity(s.columns.len());
    for c in &s.columns {
        columns.push(Column::new(&c.name, ddl_type(ctx, &c.type_name)?));
    }
    ctx.catalog
        .create_composite_type(ctx.txn, schema, name, columns)?;
    Ok(DdlOutcome::tag("CREATE TYPE"))
}

pub(crate) fn drop_types(ctx: &mut DdlContext<'_>, s: &ast::Drop) -> Result<DdlOutcome> {
    let mut notices = Vec::new();
    let mut targets = Vec::new();
    for name in &s.names {
        let written = name.0.join(".");
        let (schema, n) = split_name(name)?;
        let found = ctx.catalog.resolve(schema, n, ctx.search_path)?;
        let oid = match found {
            Some((_, RelRef::Table(oid)))
                if ctx.catalog.table(oid).is_some_and(|t| t.is_composite()) =>
            {
                oid
            }
            Some((_, RelRef::Table(_))) => {
                bail!(SqlState::WRONG_OBJECT_TYPE, "\"{}\" is not a type", n)
            }
            _ if s.if_exists => {
                notices.push(Notice::info(format!(
                    "type \"{written}\" does not exist, skipping"
                )));
                continue;
            }
            _ => bail!(
                SqlState::UNDEFINED_OBJECT,
                "type \"{}\" does not exist",
                written
            ),
        };
        check_unused(ctx.catalog, oid, s.cascade)?;
        if !targets.contains(&oid) {
            targets.push(oid);
        }
    }
    for oid in targets {
        ctx.catalog.drop_table(ctx.txn, oid, true)?;
    }
    Ok(DdlOutcome::tag("DROP TYPE").with(notices))
}

fn uses(ty: &DataType, oid: u32) -> bool {
    match ty {
        DataType::Record(Some(t)) => t.oid == oid || t.fields.iter().any(|f| uses(&f.ty, oid)),
        DataType::Array(e) => uses(e, oid),
        _ => false,
    }
}

/// A type that a column (of a table or another type) uses stays.
fn check_unused(c: &Catalog, oid: u32, cascade: bool) -> Result<()> {
    let name = c.table(oid).map_or(String::new(), |t| t.name.clone());
    let mut users: Vec<String> = Vec::new();
    for t in c.tables().chain(c.composite_types()) {
        if t.oid == oid {
            continue;
        }
        for (_, col) in t.visible_columns() {
            if uses(&col.ty, oid) {
                let owner = if t.is_composite() {
                    "composite type"
                } else {
                    "table"
                };
                users.push(format!(
                    "column {} of {owner} {} depends on type {name}",
                    col.name, t.name
                ));
            }
        }
    }
    if users.is_empty() {
        return Ok(());
    }
    if cascade {
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "DROP TYPE … CASCADE of a type that columns use is not supported yet"
        );
    }
    users.sort();
    Err(err!(
        SqlState::DEPENDENT_OBJECTS_STILL_EXIST,
        "cannot drop type {} because other objects depend on it",
        name
    )
    .with_detail(users.join("\n"))
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too."))
}
