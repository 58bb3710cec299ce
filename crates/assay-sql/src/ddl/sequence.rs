//! CREATE/ALTER SEQUENCE, and the sequences behind serial and identity
//! columns.

use assay_storage::{bail, err, Result, SqlState};

use super::create_table::resolve_type;
use super::objects::{creation_schema, split_name};
use super::{DdlContext, DdlOutcome, Notice};
use crate::ast::{self, ObjectName, SequenceOption as O};
use crate::catalog::{Oid, RelRef, SequenceOptions};
use crate::types::DataType;

fn number(s: &str) -> Result<i64> {
    s.trim().parse::<i64>().map_err(|_| {
        err!(
            SqlState::NUMERIC_VALUE_OUT_OF_RANGE,
            "value \"{s}\" is out of range for type bigint"
        )
    })
}

fn redundant() -> assay_storage::Error {
    err!(SqlState::SYNTAX_ERROR, "conflicting or redundant options")
}

fn set<T>(slot: &mut Option<T>, v: T) -> Result<()> {
    if slot.is_some() {
        return Err(redundant());
    }
    *slot = Some(v);
    Ok(())
}

/// Reads the options as written; `sequence_schema` is where the sequence
/// is (an OWNED BY table must be there too).
fn read_options(
    ctx: &DdlContext<'_>,
    opts: &[O],
    sequence_schema: Option<Oid>,
) -> Result<SequenceOptions> {
    let mut o = SequenceOptions::default();
    for opt in opts {
        match opt {
            O::As(t) => set(&mut o.ty, resolve_type(t)?)?,
            O::IncrementBy(n) => set(&mut o.increment, number(n)?)?,
            O::MinValue(v) => set(&mut o.min, v.as_deref().map(number).transpose()?)?,
            O::MaxValue(v) => set(&mut o.max, v.as_deref().map(number).transpose()?)?,
            O::StartWith(n) => set(&mut o.start, number(n)?)?,
            O::Restart(v) => set(&mut o.restart, v.as_deref().map(number).transpose()?)?,
            O::Cache(n) => set(&mut o.cache, number(n)?)?,
            O::Cycle(c) => set(&mut o.cycle, *c)?,
            O::OwnedBy(None) => set(&mut o.owned_by, None)?,
            O::OwnedBy(Some(name)) => {
                let owner = owned_by(ctx, name, sequence_schema)?;
                set(&mut o.owned_by, Some(owner))?
            }
        }
    }
    Ok(o)
}

fn owned_by(
    ctx: &DdlContext<'_>,
    name: &ObjectName,
    sequence_schema: Option<Oid>,
) -> Result<(Oid, usize)> {
    let parts = &name.0;
    if parts.len() < 2 {
        return Err(err!(SqlState::SYNTAX_ERROR, "invalid OWNED BY option")
            .with_hint("Specify OWNED BY table.column or OWNED BY NONE."));
    }
    let rel = ObjectName(parts[..parts.len() - 1].to_vec());
    let (schema, tname) = split_name(&rel)?;
    let t = ctx.catalog.lookup_table(schema, tname, ctx.search_path)?;
    if sequence_schema.is_some_and(|s| s != t.schema) {
        bail!(
            SqlState::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "sequence must be in same schema as table it is linked to"
        );
    }
    let col = name.base();
    let c = t.column_index(col).ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_COLUMN,
            "column \"{col}\" of relation \"{}\" does not exist",
            t.name
        )
    })?;
    Ok((t.oid, c))
}

/// A serial column's sequence: `AS` the column's type.
pub(crate) fn serial_options(ty: &DataType) -> SequenceOptions {
    SequenceOptions {
        ty: Some(ty.clone()),
        ..SequenceOptions::default()
    }
}

/// An identity column's sequence: its options, `AS` the column's type.
pub(crate) fn identity_options(
    ctx: &DdlContext<'_>,
    ty: &DataType,
    opts: &[O],
) -> Result<SequenceOptions> {
    if !matches!(ty, DataType::Int2 | DataType::Int4 | DataType::Int8) {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "identity column type must be smallint, integer, or bigint"
        );
    }
    let mut o = read_options(ctx, opts, None)?;
    o.ty = Some(ty.clone());
    Ok(o)
}

pub(crate) fn create_sequence(
    ctx: &mut DdlContext<'_>,
    s: &ast::CreateSequence,
) -> Result<DdlOutcome> {
    let (_, name) = split_name(&s.name)?;
    let (schema, temp) = creation_schema(ctx, &s.name, s.temporary)?;
    if s.if_not_exists && ctx.catalog.relation_in(schema, name).is_some() {
        return Ok(DdlOutcome::tag("CREATE SEQUENCE").with(vec![Notice::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists, skipping"),
        )]));
    }
    let options = read_options(ctx, &s.options, Some(schema))?;
    if options.restart.is_some() {
        bail!(
            SqlState::SYNTAX_ERROR,
            "RESTART option not allowed in CREATE SEQUENCE"
        );
    }
    ctx.catalog
        .create_sequence(ctx.txn, schema, name, &options, temp)?;
    Ok(DdlOutcome::tag("CREATE SEQUENCE"))
}

pub(crate) fn alter_sequence(
    ctx: &mut DdlContext<'_>,
    s: &ast::AlterSequence,
) -> Result<DdlOutcome> {
    let (schema, name) = split_name(&s.name)?;
    let found = match ctx.catalog.resolve(schema, name, ctx.search_path) {
        Ok(f) => f,
        Err(e) if s.if_exists && e.code() == SqlState::INVALID_SCHEMA_NAME => None,
        Err(e) => return Err(e),
    };
    let oid = match found {
        Some((_, RelRef::Sequence(oid))) => oid,
        Some(_) => bail!(SqlState::WRONG_OBJECT_TYPE, "\"{name}\" is not a sequence"),
        None if s.if_exists => {
            let shown = s.name.to_string();
            return Ok(
                DdlOutcome::tag("ALTER SEQUENCE").with(vec![Notice::info(format!(
                    "relation \"{shown}\" does not exist, skipping"
                ))]),
            );
        }
        None => return Err(crate::catalog::undefined_relation(schema, name)),
    };
    let seq_schema = ctx.catalog.sequence(oid).map(|q| q.schema);
    let options = read_options(ctx, &s.options, seq_schema)?;
    ctx.catalog.alter_sequence(ctx.txn, oid, &options)?;
    Ok(DdlOutcome::tag("ALTER SEQUENCE"))
}
