//! Schemas, the session's temporary schema, views, CREATE TABLE AS and
//! COMMENT ON.

use assay_storage::{bail, err, Result, SqlState, Transaction};

use super::{DdlContext, DdlOutcome, Notice};
use crate::ast::{self, ObjectKind, ObjectName};
use crate::catalog::{Catalog, Column, CommentTarget, Oid, RelRef, SearchPath};
use crate::table::TableStore;
use crate::types::DataType;

/// `[schema.]name` of an object name.
pub(crate) fn split_name(name: &ObjectName) -> Result<(Option<&str>, &str)> {
    match name.0.as_slice() {
        [n] => Ok((None, n)),
        [s, n] => Ok((Some(s), n)),
        _ => bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "cross-database references are not implemented: {name}"
        ),
    }
}

/// The session's `pg_temp_N`, created on first use (a leftover of a
/// crashed session with the same number is dropped first).
pub(crate) fn temp_schema(ctx: &mut DdlContext<'_>) -> Result<Oid> {
    if let Some(oid) = ctx.search_path.temp_schema {
        if ctx.catalog.schema(oid).is_some() {
            return Ok(oid);
        }
    }
    let name = format!("pg_temp_{}", ctx.temp_number);
    if ctx.catalog.schema_named(&name).is_some() {
        ctx.catalog.drop_schema(ctx.txn, &name, true)?;
    }
    let oid = ctx.catalog.create_schema(ctx.txn, &name, true)?;
    ctx.search_path.temp_schema = Some(oid);
    Ok(oid)
}

/// Drops the session's temporary schema and everything in it; call when
/// the session ends (in a transaction of its own).
pub fn drop_temp_schema(
    catalog: &mut Catalog,
    txn: &mut Transaction,
    path: &mut SearchPath,
) -> Result<()> {
    if let Some(oid) = path.temp_schema.take() {
        if let Some(name) = catalog.schema(oid).map(|s| s.name.clone()) {
            catalog.drop_schema(txn, &name, true)?;
        }
    }
    Ok(())
}

/// Where a new relation goes, and whether it is temporary.
pub(crate) fn creation_schema(
    ctx: &mut DdlContext<'_>,
    name: &ObjectName,
    temp: bool,
) -> Result<(Oid, bool)> {
    let (schema, _) = split_name(name)?;
    match schema {
        Some("pg_temp") => return Ok((temp_schema(ctx)?, true)),
        Some(_) if temp => bail!(
            SqlState::INVALID_TABLE_DEFINITION,
            "cannot create temporary relation in non-temporary schema"
        ),
        _ if temp => return Ok((temp_schema(ctx)?, true)),
        _ => {}
    }
    let oid = ctx
        .catalog
        .creation_schema(schema, ctx.search_path, false)?;
    let is_temp = ctx.catalog.schema(oid).is_some_and(|s| s.temp);
    Ok((oid, is_temp))
}

pub(crate) fn create_schema(
    ctx: &mut DdlContext<'_>,
    name: &str,
    if_not_exists: bool,
) -> Result<DdlOutcome> {
    if ctx.catalog.schema_named(name).is_some() && if_not_exists {
        return Ok(DdlOutcome::tag("CREATE SCHEMA").with(vec![Notice::new(
            SqlState::DUPLICATE_SCHEMA,
            format!("schema \"{name}\" already exists, skipping"),
        )]));
    }
    if name.starts_with("pg_") {
        return Err(err!(
            SqlState::new(b"42939"),
            "unacceptable schema name \"{name}\""
        )
        .with_detail("The prefix \"pg_\" is reserved for system schemas."));
    }
    ctx.catalog.create_schema(ctx.txn, name, false)?;
    Ok(DdlOutcome::tag("CREATE SCHEMA"))
}

/// Result columns named by the statement's list, then by the query;
/// `unknown` becomes `text`, as PostgreSQL 15 does.
fn named_columns(
    shape: Vec<(String, DataType)>,
    names: &[String],
    too_many: &str,
) -> Result<Vec<Column>> {
    if names.len() > shape.len() {
        bail!(SqlState::SYNTAX_ERROR, "{too_many}");
    }
    let mut cols: Vec<Column> = Vec::with_capacity(shape.len());
    for (i, (n, ty)) in shape.into_iter().enumerate() {
        let name = names.get(i).cloned().unwrap_or(n);
        if cols.iter().any(|c| c.name == name) {
            bail!(
                SqlState::DUPLICATE_COLUMN,
                "column \"{name}\" specified more than once"
            );
        }
        let ty = if ty == DataType::Unknown {
            DataType::Text
        } else {
            ty
        };
        cols.push(Column::new(&name, ty));
    }
    Ok(cols)
}

pub(crate) fn create_view(ctx: &mut DdlContext<'_>, s: &ast::CreateView) -> Result<DdlOutcome> {
    let (_, name) = split_name(&s.name)?;
    let shape = ctx.services.describe_query(ctx.catalog, &s.query)?;
    let cols = named_columns(
        shape.columns,
        &s.columns,
        "CREATE VIEW specifies more column names than columns",
    )?;
    let mut notices = Vec::new();
    let reads_temp = shape.depends_on.iter().any(|o| {
        ctx.catalog
            .table(*o)
            .is_some_and(|t| t.temp || ctx.catalog.schema(t.schema).is_some_and(|s| s.temp))
    });
    let explicit_schema = split_name(&s.name)?.0.is_some();
    let temp = s.temporary || (reads_temp && !explicit_schema);
    if temp && !s.temporary {
        notices.push(Notice::info(format!(
            "view \"{name}\" will be a temporary view"
        )));
    }
    let (schema, temp) = creation_schema(ctx, &s.name, temp)?;
    if s.or_replace {
        if let Some(RelRef::Table(old)) = ctx.catalog.relation_in(schema, name) {
            if let Some(old) = ctx.catalog.table(old).filter(|t| t.is_view()) {
                check_view_replacement(
                    &old.visible_columns()
                        .map(|(_, c)| c.clone())
                        .collect::<Vec<_>>(),
                    &cols,
                )?;
            }
        }
    }
    let view = ctx.catalog.create_view(
        ctx.txn,
        schema,
        name,
        cols,
        &s.query.to_string(),
        shape.depends_on,
        s.or_replace,
    )?;
    if temp {
        ctx.catalog.update_table(ctx.txn, view.oid, |t| {
            t.temp = true;
            Ok(())
        })?;
    }
    Ok(DdlOutcome::tag("CREATE VIEW").with(notices))
}

/// CREATE OR REPLACE VIEW may only add columns at the end.
fn check_view_replacement(old: &[Column], new: &[Column]) -> Result<()> {
    if new.len() < old.len() {
        bail!(
            SqlState::INVALID_TABLE_DEFINITION,
            "cannot drop columns from view"
        );
    }
    for (o, n) in old.iter().zip(new) {
        if o.name != n.name {
            return Err(err!(
                SqlState::INVALID_TABLE_DEFINITION,
                "cannot change name of view column \"{}\" to \"{}\"",
                o.name,
                n.name
            )
            .with_hint(
                "Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.",
            ));
        }
        if o.ty != n.ty {
            bail!(
                SqlState::INVALID_TABLE_DEFINITION,
                "cannot change data type of view column \"{}\" from {} to {}",
                o.name,
                o.ty,
                n.ty
            );
        }
    }
    Ok(())
}

/// CREATE TABLE AS and SELECT INTO: the table from the query's columns,
/// filled by running it (tag `SELECT n`), or empty `WITH NO DATA`.
pub(crate) fn create_table_as(
    ctx: &mut DdlContext<'_>,
    s: &ast::CreateTableAs,
) -> Result<DdlOutcome> {
    let (_, name) = split_name(&s.name)?;
    let (schema, temp) = creation_schema(ctx, &s.name, s.temporary)?;
    if ctx.catalog.relation_in(schema, name).is_some() && s.if_not_exists {
        return Ok(DdlOutcome::tag("CREATE TABLE AS").with(vec![Notice::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists, skipping"),
        )]));
    }
    let shape = ctx.services.describe_query(ctx.catalog, &s.query)?;
    let cols = named_columns(
        shape.columns,
        &s.columns,
        "too many column names were specified",
    )?;
    let table = ctx
        .catalog
        .create_table(ctx.txn, schema, name, cols, temp)?;
    if !s.with_data {
        return Ok(DdlOutcome::tag("CREATE TABLE AS"));
    }
    let mut store = TableStore::new();
    let mut count = 0u64;
    ctx.services
        .run_query(ctx.catalog, ctx.txn, &s.query, &mut |txn, row| {
            store.insert(txn, &table, row)?;
            count += 1;
            Ok(())
        })?;
    Ok(DdlOutcome::tag(&format!("SELECT {count}")))
}

/// COMMENT ON … IS 'text' | NULL.
pub(crate) fn comment(ctx: &mut DdlContext<'_>, s: &ast::Comment) -> Result<DdlOutcome> {
    let target = match s.kind {
        ObjectKind::Schema => CommentTarget {
            oid: ctx.catalog.schema_oid(s.name.base())?,
            sub: 0,
        },
        ObjectKind::Column => {
            let parts = &s.name.0;
            if parts.len() < 2 {
                bail!(SqlState::SYNTAX_ERROR, "column name must be qualified");
            }
            let rel = ObjectName(parts[..parts.len() - 1].to_vec());
            let (schema, tname) = split_name(&rel)?;
            let t = ctx.catalog.lookup_table(schema, tname, ctx.search_path)?;
            let col = s.name.base();
            let c = t.column_index(col).ok_or_else(|| {
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{col}\" of relation \"{}\" does not exist",
                    t.name
                )
            })?;
            CommentTarget {
                oid: t.oid,
                sub: i32::from(t.columns[c].attnum),
            }
        }
        kind
        @ (ObjectKind::Table | ObjectKind::View | ObjectKind::Index | ObjectKind::Sequence) => {
            CommentTarget {
                oid: relation_of_kind(ctx, &s.name, kind)?,
                sub: 0,
            }
        }
        _ => bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "COMMENT ON this kind of object is not supported"
        ),
    };
    ctx.catalog
        .set_comment(ctx.txn, target, s.comment.as_deref())?;
    Ok(DdlOutcome::tag("COMMENT"))
}

/// The OID of the relation `name`, which must be of `kind`.
fn relation_of_kind(ctx: &DdlContext<'_>, name: &ObjectName, kind: ObjectKind) -> Result<Oid> {
    let (schema, n) = split_name(name)?;
    let Some((_, r)) = ctx.catalog.resolve(schema, n, ctx.search_path)? else {
        return Err(crate::catalog::undefined_relation(schema, n));
    };
    let (oid, actual) = match r {
        RelRef::Table(t) => {
            let view = ctx.catalog.table(t).is_some_and(|t| t.is_view());
            (
                t,
                if view {
                    ObjectKind::View
                } else {
                    ObjectKind::Table
                },
            )
        }
        RelRef::Index(_, i) => (i, ObjectKind::Index),
        RelRef::Sequence(s) => (s, ObjectKind::Sequence),
    };
    if actual != kind {
        bail!(
            SqlState::WRONG_OBJECT_TYPE,
            "\"{n}\" is not {}",
            kind_article(kind)
        );
    }
    Ok(oid)
}

pub(crate) fn kind_article(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::Table => "a table",
        ObjectKind::View => "a view",
        ObjectKind::Index => "an index",
        ObjectKind::Sequence => "a sequence",
        ObjectKind::Type => "a type",
        _ => "an object of that kind",
    }
}
