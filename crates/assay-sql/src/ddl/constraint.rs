//! Adding constraints (CREATE TABLE and ALTER TABLE ADD CONSTRAINT):
//! PRIMARY KEY, UNIQUE, CHECK and FOREIGN KEY, named as PostgreSQL names
//! them and checked against the rows already there.

use assay_storage::{bail, err, Error, Result, SqlState};

use super::names::{choose_constraint_name, choose_relation_name, name_addition};
use super::rows::all_rows;
use super::{DdlContext, ExprRole, INVALID_FOREIGN_KEY};
use crate::ast::{self, Expr, ReferentialAction};
use crate::catalog::{ConstraintKind, FkAction, FkMatch, ForeignKey, Oid, Table, TableKind};
use crate::types::{can_coerce_implicitly, format_value, DataType, Settings, Value};

/// Where a constraint is being added: CREATE TABLE reports a repeated
/// CHECK name differently from ALTER TABLE.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Create,
    Alter,
}

fn table(ctx: &DdlContext<'_>, oid: Oid) -> Result<std::sync::Arc<Table>> {
    ctx.catalog.table(oid).cloned().ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_TABLE,
            "relation with OID {oid} does not exist"
        )
    })
}

fn constraint_exists(t: &Table, name: &str) -> Error {
    err!(
        SqlState::DUPLICATE_OBJECT,
        "constraint \"{name}\" for relation \"{}\" already exists",
        t.name
    )
}

/// Positions of the key columns, or `column "x" named in key does not exist`.
fn key_columns(t: &Table, cols: &[String]) -> Result<Vec<usize>> {
    cols.iter()
        .map(|c| {
            t.column_index(c).ok_or_else(|| {
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{c}\" named in key does not exist"
                )
            })
        })
        .collect()
}

/// Rewords a duplicate found while building a unique index as PostgreSQL
/// does (`could not create unique index … Key (a)=(1) is duplicated.`).
pub(crate) fn build_error(e: Error, index: &str) -> Error {
    if e.code() != SqlState::UNIQUE_VIOLATION {
        return e;
    }
    let mut out = err!(
        SqlState::UNIQUE_VIOLATION,
        "could not create unique index \"{index}\""
    );
    if let Some(d) = e.detail() {
        out = out.with_detail(d.replace(" already exists.", " is duplicated."));
    }
    out
}

/// Checks that no row has a NULL in column `c`.
/// Fails with 23502 if a row has NULL in one of `cols`; the error names the
/// first such column in `cols`' order. One pass over the table.
pub(crate) fn check_no_nulls(ctx: &DdlContext<'_>, t: &Table, cols: &[usize]) -> Result<()> {
    let mut found = vec![false; cols.len()];
    let mut scan = crate::table::TableScan::new(t);
    let mut row = Vec::new();
    // Only the key columns are decoded.
    let mut wanted = vec![false; t.columns.len()];
    for &c in cols {
        if let Some(w) = wanted.get_mut(c) {
            *w = true;
        }
    }
    while !found.first().copied().unwrap_or(true) && scan.next(ctx.txn)? {
        row.clear();
        scan.some_of_row_into(ctx.txn, Some(&wanted), &mut row)?;
        for (seen, &c) in found.iter_mut().zip(cols) {
            *seen |= row.get(c).is_none_or(|v| v.is_null());
        }
    }
    if let Some((_, &c)) = found.iter().zip(cols).find(|(seen, _)| **seen) {
        bail!(
            SqlState::NOT_NULL_VIOLATION,
            "column \"{}\" of relation \"{}\" contains null values",
            t.columns[c].name,
            t.name
        );
    }
    Ok(())
}

pub(crate) fn add_primary_key(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    name: Option<&str>,
    cols: &[String],
) -> Result<()> {
    let t = table(ctx, oid)?;
    if t.primary_key.is_some() {
        bail!(
            SqlState::INVALID_TABLE_DEFINITION,
            "multiple primary keys for table \"{}\" are not allowed",
            t.name
        );
    }
    let idx = key_columns(&t, cols)?;
    let name = match name {
        Some(n) if t.constraint(n).is_some() => return Err(constraint_exists(&t, n)),
        Some(n) => n.to_string(),
        None => choose_relation_name(ctx.catalog, t.schema, &t.name, None, "pkey", true, &[]),
    };
    // The re-keying pass that adds the key checks for NULLs as
    // `check_no_nulls` would (see `table::rewrite_table`).
    ctx.catalog
        .add_primary_key(ctx.txn, oid, Some(&name), &idx)
        .map_err(|e| build_error(e, &name))?;
    Ok(())
}

pub(crate) fn add_unique(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    name: Option<&str>,
    cols: &[String],
) -> Result<()> {
    let t = table(ctx, oid)?;
    let idx = key_columns(&t, cols)?;
    let name = match name {
        Some(n) => {
            // PostgreSQL's index_create checks the relation name first.
            if ctx.catalog.relation_in(t.schema, n).is_some() {
                bail!(SqlState::DUPLICATE_TABLE, "relation \"{n}\" already exists");
            }
            n.to_string()
        }
        None => {
            let names: Vec<String> = idx.iter().map(|&c| t.columns[c].name.clone()).collect();
            choose_relation_name(
                ctx.catalog,
                t.schema,
                &t.name,
                Some(&name_addition(&names)),
                "key",
                true,
                &[],
            )
        }
    };
    ctx.catalog
        .add_unique(ctx.txn, oid, Some(&name), &idx)
        .map_err(|e| build_error(e, &name))?;
    Ok(())
}

/// CHECK: binds the expression (it must be boolean), names it after its
/// one column (`t_a_check`) or the table (`t_check`), and checks the rows.
pub(crate) fn add_check(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    name: Option<&str>,
    expr: &Expr,
    stage: Stage,
) -> Result<()> {
    let t = table(ctx, oid)?;
    let sql = expr.to_string();
    let ty = ctx
        .services
        .bind_expression(ctx.catalog, &t, &sql, ExprRole::Check)?;
    if ty != DataType::Bool && ty != DataType::Unknown {
        bail!(
            SqlState::DATATYPE_MISMATCH,
            "argument of CHECK must be type boolean, not type {ty}"
        );
    }
    let name = match name {
        Some(n) if t.constraint(n).is_some() => {
            return Err(match stage {
                Stage::Create => err!(
                    SqlState::DUPLICATE_OBJECT,
                    "check constraint \"{n}\" already exists"
                ),
                Stage::Alter => constraint_exists(&t, n),
            })
        }
        Some(n) => n.to_string(),
        None => {
            let cols = super::exprs::column_refs(expr);
            let col = (cols.len() == 1).then(|| cols[0].as_str());
            choose_constraint_name(ctx.catalog, t.schema, &t.name, col, "check", &[])
        }
    };
    for row in all_rows(ctx.txn, &t)? {
        let v = ctx
            .services
            .eval_expression(ctx.catalog, ctx.txn, &t, &sql, &row)?;
        if v == Value::Bool(false) {
            bail!(
                SqlState::CHECK_VIOLATION,
                "check constraint \"{name}\" of relation \"{}\" is violated by some row",
                t.name
            );
        }
    }
    ctx.catalog.add_constraint(
        ctx.txn,
        oid,
        Some(&name),
        ConstraintKind::Check { sql },
        None,
    )?;
    Ok(())
}

fn action(a: Option<ReferentialAction>) -> FkAction {
    match a {
        None | Some(ReferentialAction::NoAction) => FkAction::NoAction,
        Some(ReferentialAction::Restrict) => FkAction::Restrict,
        Some(ReferentialAction::Cascade) => FkAction::Cascade,
        Some(ReferentialAction::SetNull) => FkAction::SetNull,
        Some(ReferentialAction::SetDefault) => FkAction::SetDefault,
    }
}

fn fk_columns(t: &Table, cols: &[String]) -> Result<Vec<usize>> {
    cols.iter()
        .map(|c| {
            t.column_index(c).ok_or_else(|| {
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{c}\" referenced in foreign key constraint does not exist"
                )
            })
        })
        .collect()
}

/// Whether `cols` (as a set) are exactly a primary key or a plain unique
/// index of `t`.
fn has_unique_on(t: &Table, cols: &[usize]) -> bool {
    let mut want = cols.to_vec();
    want.sort_unstable();
    t.indexes
        .iter()
        .filter(|i| i.unique && i.is_simple())
        .any(|i| {
            let mut have: Vec<usize> = i
                .parts
                .iter()
                .filter_map(|p| match p.expr {
                    crate::catalog::IndexExpr::Column(c) => Some(c),
                    _ => None,
                })
                .collect();
            have.sort_unstable();
            have == want
        })
}

fn types_compatible(a: &DataType, b: &DataType) -> bool {
    a.without_typmod() == b.without_typmod()
        || can_coerce_implicitly(a, b)
        || can_coerce_implicitly(b, a)
}

/// FOREIGN KEY (`cols`) REFERENCES …, with PostgreSQL's checks.
pub(crate) fn add_foreign_key(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    name: Option<&str>,
    cols: &[String],
    fk: &ast::ForeignKey,
) -> Result<()> {
    let t = table(ctx, oid)?;
    let (schema, rname) = super::objects::split_name(&fk.table)?;
    let r = ctx
        .catalog
        .lookup_table(schema, rname, ctx.search_path)?
        .clone();
    if let TableKind::View { .. } = r.kind {
        bail!(
            SqlState::WRONG_OBJECT_TYPE,
            "referenced relation \"{}\" is not a table",
            r.name
        );
    }
    let own = fk_columns(&t, cols)?;
    let refs = if fk.columns.is_empty() {
        r.primary_key.clone().ok_or_else(|| {
            err!(
                SqlState::UNDEFINED_OBJECT,
                "there is no primary key for referenced table \"{}\"",
                r.name
            )
        })?
    } else {
        let refs = fk_columns(&r, &fk.columns)?;
        if refs.iter().enumerate().any(|(i, c)| refs[..i].contains(c)) {
            bail!(
                INVALID_FOREIGN_KEY,
                "foreign key referenced-columns list must not contain duplicates"
            );
        }
        if !has_unique_on(&r, &refs) {
            bail!(
                INVALID_FOREIGN_KEY,
                "there is no unique constraint matching given keys for referenced table \"{}\"",
                r.name
            );
        }
        refs
    };
    if own.len() != refs.len() {
        bail!(
            INVALID_FOREIGN_KEY,
            "number of referencing and referenced columns for foreign key disagree"
        );
    }
    let name = match name {
        Some(n) if t.constraint(n).is_some() => return Err(constraint_exists(&t, n)),
        Some(n) => n.to_string(),
        None => {
            let names: Vec<String> = own.iter().map(|&c| t.columns[c].name.clone()).collect();
            choose_constraint_name(
                ctx.catalog,
                t.schema,
                &t.name,
                Some(&name_addition(&names)),
                "fkey",
                &[],
            )
        }
    };
    for (&a, &b) in own.iter().zip(&refs) {
        let (ta, tb) = (&t.columns[a].ty, &r.columns[b].ty);
        if !types_compatible(ta, tb) {
            return Err(err!(
                SqlState::DATATYPE_MISMATCH,
                "foreign key constraint \"{name}\" cannot be implemented"
            )
            .with_detail(format!(
                "Key columns \"{}\" and \"{}\" are of incompatible types: {} and {}.",
                t.columns[a].name,
                r.columns[b].name,
                ta.without_typmod(),
                tb.without_typmod()
            )));
        }
    }
    let match_type = match fk.match_kind {
        Some(ast::MatchKind::Full) => FkMatch::Full,
        Some(ast::MatchKind::Partial) => FkMatch::Partial,
        _ => FkMatch::Simple,
    };
    let def = ForeignKey {
        columns: own,
        ref_table: r.oid,
        ref_columns: refs,
        on_delete: action(fk.on_delete),
        on_update: action(fk.on_update),
        match_type,
    };
    validate_foreign_key(ctx, &t, &r, &def, &name)?;
    ctx.catalog.add_constraint(
        ctx.txn,
        oid,
        Some(&name),
        ConstraintKind::ForeignKey(def),
        None,
    )?;
    Ok(())
}

fn key_text(v: &Value) -> String {
    format_value(v, &Settings::default()).unwrap_or_default()
}

/// Every referencing row (without NULLs in the key, MATCH SIMPLE) must
/// find its key in the referenced table.
fn validate_foreign_key(
    ctx: &DdlContext<'_>,
    t: &Table,
    r: &Table,
    fk: &ForeignKey,
    name: &str,
) -> Result<()> {
    let rows = all_rows(ctx.txn, t)?;
    if rows.is_empty() {
        return Ok(());
    }
    let parent: std::collections::HashSet<Vec<String>> = if r.oid == t.oid {
        rows.iter()
            .map(|row| fk.ref_columns.iter().map(|&c| key_text(&row[c])).collect())
            .collect()
    } else {
        all_rows(ctx.txn, r)?
            .iter()
            .map(|row| fk.ref_columns.iter().map(|&c| key_text(&row[c])).collect())
            .collect()
    };
    for row in &rows {
        let vals: Vec<&Value> = fk.columns.iter().map(|&c| &row[c]).collect();
        if vals.iter().any(|v| v.is_null()) {
            continue;
        }
        let key: Vec<String> = vals.iter().map(|v| key_text(v)).collect();
        if !parent.contains(&key) {
            let cols: Vec<&str> = fk
                .columns
                .iter()
                .map(|&c| t.columns[c].name.as_str())
                .collect();
            return Err(err!(
                SqlState::FOREIGN_KEY_VIOLATION,
                "insert or update on table \"{}\" violates foreign key constraint \"{name}\"",
                t.name
            )
            .with_detail(format!(
                "Key ({})=({}) is not present in table \"{}\".",
                cols.join(", "),
                key.join(", "),
                r.name
            )));
        }
    }
    Ok(())
}

/// Adds one table constraint.
pub(crate) fn add_table_constraint(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    c: &ast::TableConstraint,
    stage: Stage,
) -> Result<()> {
    let name = c.name.as_deref();
    match &c.kind {
        ast::TableConstraintKind::PrimaryKey { columns, .. } => {
            add_primary_key(ctx, oid, name, columns)
        }
        ast::TableConstraintKind::Unique { columns, .. } => add_unique(ctx, oid, name, columns),
        ast::TableConstraintKind::Check(e) => add_check(ctx, oid, name, e, stage),
        ast::TableConstraintKind::ForeignKey {
            columns,
            references,
        } => add_foreign_key(ctx, oid, name, columns, references),
    }
}
