//! CREATE TABLE: columns from type names (serial and identity columns
//! with their owned sequences), column and table constraints.

use assay_storage::{bail, err, Result, SqlState};

use super::constraint::{self, Stage};
use super::names::choose_relation_name;
use super::objects::{creation_schema, split_name};
use super::sequence::{identity_options, serial_options};
use super::{DdlContext, DdlOutcome, ExprRole, Notice};
use crate::ast::{self, ColumnConstraintKind as K, TableConstraint, TableConstraintKind as TK};
use crate::catalog::{Column, Identity, IdentityKind, Oid, SequenceOptions, Table};
use crate::types::{cast_context, DataType};

/// A type name as written to a type (`int` is `integer`, `[]` makes an
/// array; a base name `char` was written `"char"`, since bare `char` is
/// `bpchar` by now).
pub(crate) fn resolve_type(t: &ast::TypeName) -> Result<DataType> {
    let base = t.base();
    let mut spelled = match base {
        "char" if t.modifiers.is_empty() => "\"char\"".to_string(),
        _ => base.to_string(),
    };
    if let Some(fields) = &t.interval_fields {
        spelled = format!("{spelled} {fields}");
    }
    if !t.modifiers.is_empty() {
        let mods: Vec<String> = t.modifiers.iter().map(i64::to_string).collect();
        spelled = format!("{spelled}({})", mods.join(","));
    }
    let ty = DataType::parse(&spelled)?;
    Ok(if t.is_array() && !matches!(ty, DataType::Array(_)) {
        DataType::Array(Box::new(ty))
    } else {
        ty
    })
}

/// The integer type of `serial`, `bigserial`, `smallserial` (and their
/// `serialN` spellings).
pub(crate) fn serial_type(t: &ast::TypeName) -> Option<DataType> {
    if t.is_array() || !t.modifiers.is_empty() || t.names.len() > 2 {
        return None;
    }
    if t.names.len() == 2 && t.names[0] != "pg_catalog" {
        return None;
    }
    match t.base() {
        "serial" | "serial4" => Some(DataType::Int4),
        "bigserial" | "serial8" => Some(DataType::Int8),
        "smallserial" | "serial2" => Some(DataType::Int2),
        _ => None,
    }
}

/// A column definition, read: the catalog column plus what must be
/// created once the table exists.
pub(crate) struct ColumnPlan {
    pub column: Column,
    pub serial: bool,
    pub identity: Option<(IdentityKind, Vec<ast::SequenceOption>)>,
    pub default: Option<ast::Expr>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<ast::Expr>,
    /// Column constraints as table constraints on this column.
    pub constraints: Vec<TableConstraint>,
}

fn both(what: &str, table: &str, column: &str) -> assay_storage::Error {
    err!(
        SqlState::SYNTAX_ERROR,
        "both {what} and generation expression specified for column \"{column}\" of table \"{table}\""
    )
}

/// Reads one column definition with PostgreSQL's checks.
pub(crate) fn plan_column(
    ctx: &DdlContext<'_>,
    table: &str,
    def: &ast::ColumnDef,
) -> Result<ColumnPlan> {
    let serial = serial_type(&def.type_name);
    let ty = match &serial {
        Some(t) => t.clone(),
        None => ddl_type(ctx, &def.type_name)?,
    };
    let mut plan = ColumnPlan {
        column: Column::new(&def.name, ty),
        serial: serial.is_some(),
        identity: None,
        default: None,
        generated: None,
        constraints: Vec::new(),
    };
    let mut nullness: Option<bool> = None;
    let one = vec![def.name.clone()];
    for c in &def.constraints {
        let kind = match &c.kind {
            K::Null | K::NotNull => {
                let nn = matches!(c.kind, K::NotNull);
                if nullness.is_some_and(|x| x != nn) {
                    bail!(
                        SqlState::SYNTAX_ERROR,
                        "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{table}\"",
                        def.name
                    );
                }
                nullness = Some(nn);
                continue;
            }
            K::Default(e) => {
                if plan.generated.is_some() {
                    return Err(both("default", table, &def.name));
                }
                if plan.default.is_some() || plan.serial {
                    bail!(
                        SqlState::SYNTAX_ERROR,
                        "multiple default values specified for column \"{}\" of table \"{table}\"",
                        def.name
                    );
                }
                plan.default = Some(e.clone());
                continue;
            }
            K::Identity { always, options } => {
                if plan.generated.is_some() {
                    return Err(both("identity", table, &def.name));
                }
                if plan.identity.is_some() {
                    bail!(
                        SqlState::SYNTAX_ERROR,
                        "multiple identity specifications for column \"{}\" of table \"{table}\"",
                        def.name
                    );
                }
                let kind = if *always {
                    IdentityKind::Always
                } else {
                    IdentityKind::ByDefault
                };
                plan.identity = Some((kind, options.clone()));
                continue;
            }
            K::Generated(e) => {
                if plan.generated.is_some() {
                    bail!(
                        SqlState::SYNTAX_ERROR,
                        "multiple generation clauses specified for column \"{}\" of table \"{table}\"",
                        def.name
                    );
                }
                if plan.default.is_some() || plan.serial {
                    return Err(both("default", table, &def.name));
                }
                if plan.identity.is_some() {
                    return Err(both("identity", table, &def.name));
                }
                plan.generated = Some(e.clone());
                // `add_column_extras` checks it once every column of the
                // table exists (it may read any of them).
                plan.column.generated = Some(e.to_string());
                continue;
            }
            K::Collate(_) => continue,
            K::Check(e) => TK::Check(e.clone()),
            K::PrimaryKey => TK::PrimaryKey {
                columns: one.clone(),
                include: Vec::new(),
            },
            K::Unique => TK::Unique {
                columns: one.clone(),
                include: Vec::new(),
                nulls_distinct: true,
            },
            K::References(fk) => TK::ForeignKey {
                columns: one.clone(),
                references: fk.clone(),
            },
        };
        plan.constraints.push(TableConstraint {
            name: c.name.clone(),
            kind,
        });
    }
    if plan.identity.is_some() && (plan.default.is_some() || plan.serial) {
        bail!(
            SqlState::SYNTAX_ERROR,
            "both default and identity specified for column \"{}\" of table \"{table}\"",
            def.name
        );
    }
    if plan.identity.is_some() && nullness == Some(false) {
        bail!(
            SqlState::SYNTAX_ERROR,
            "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{table}\"",
            def.name
        );
    }
    plan.column.not_null = nullness == Some(true) || plan.serial || plan.identity.is_some();
    Ok(plan)
}

pub(crate) fn create_table(ctx: &mut DdlContext<'_>, s: &ast::CreateTable) -> Result<DdlOutcome> {
    let (_, name) = split_name(&s.name)?;
    let (schema, temp) = creation_schema(ctx, &s.name, s.temporary)?;
    if s.if_not_exists && ctx.catalog.relation_in(schema, name).is_some() {
        return Ok(DdlOutcome::tag("CREATE TABLE").with(vec![Notice::new(
            SqlState::DUPLICATE_TABLE,
            format!("relation \"{name}\" already exists, skipping"),
        )]));
    }
    let plans = s
        .columns
        .iter()
        .map(|c| plan_column(ctx, name, c))
        .collect::<Result<Vec<_>>>()?;
    let mut constraints: Vec<TableConstraint> = Vec::new();
    for p in &plans {
        constraints.extend(p.constraints.iter().cloned());
    }
    constraints.extend(s.constraints.iter().cloned());
    check_keys(name, &plans, &constraints)?;
    let columns: Vec<Column> = plans.iter().map(|p| p.column.clone()).collect();
    let table = ctx
        .catalog
        .create_table(ctx.txn, schema, name, columns, temp)?;
    for (i, p) in plans.iter().enumerate() {
        add_column_extras(ctx, table.oid, i, p)?;
    }
    // PostgreSQL creates CHECKs first, then keys, then foreign keys.
    let order = |c: &TableConstraint| match c.kind {
        TK::Check(_) => 0,
        TK::PrimaryKey { .. } => 1,
        TK::Unique { .. } => 2,
        TK::ForeignKey { .. } => 3,
    };
    let mut sorted: Vec<&TableConstraint> = constraints.iter().collect();
    sorted.sort_by_key(|c| order(c));
    for c in sorted {
        constraint::add_table_constraint(ctx, table.oid, c, Stage::Create)?;
    }
    Ok(DdlOutcome::tag("CREATE TABLE"))
}

/// The checks PostgreSQL makes on keys before creating anything.
fn check_keys(table: &str, plans: &[ColumnPlan], cons: &[TableConstraint]) -> Result<()> {
    let mut pk = false;
    for c in cons {
        let cols = match &c.kind {
            TK::PrimaryKey { columns, .. } => {
                if pk {
                    bail!(
                        SqlState::INVALID_TABLE_DEFINITION,
                        "multiple primary keys for table \"{table}\" are not allowed"
                    );
                }
                pk = true;
                columns
            }
            TK::Unique { columns, .. } => columns,
            _ => continue,
        };
        for col in cols {
            if !plans.iter().any(|p| &p.column.name == col) {
                bail!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{col}\" named in key does not exist"
                );
            }
        }
    }
    for (i, p) in plans.iter().enumerate() {
        if plans[..i].iter().any(|q| q.column.name == p.column.name) {
            bail!(
                SqlState::DUPLICATE_COLUMN,
                "column \"{}\" specified more than once",
                p.column.name
            );
        }
    }
    Ok(())
}

/// After the table exists: the column's DEFAULT (bound and checked), and
/// the sequence of a serial or identity column.
pub(crate) fn add_column_extras(
    ctx: &mut DdlContext<'_>,
    oid: Oid,
    col: usize,
    p: &ColumnPlan,
) -> Result<()> {
    let t = ctx.catalog.table(oid).cloned().ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_TABLE,
            "relation with OID {oid} does not exist"
        )
    })?;
    let cname = p.column.name.clone();
    if p.generated.is_some() {
        return check_generated(&t, col);
    }
    if let Some(e) = &p.default {
        let sql = e.to_string();
        check_default(ctx, &t, col, &sql)?;
        ctx.catalog.set_default(ctx.txn, oid, &cname, Some(&sql))?;
    }
    if !p.serial && p.identity.is_none() {
        return Ok(());
    }
    let seq_name = choose_relation_name(
        ctx.catalog,
        t.schema,
        &t.name,
        Some(&cname),
        "seq",
        false,
        &[],
    );
    let options: SequenceOptions = match &p.identity {
        Some((_, opts)) => identity_options(ctx, &p.column.ty, opts)?,
        None => serial_options(&p.column.ty),
    };
    let seq = ctx
        .catalog
        .create_sequence(ctx.txn, t.schema, &seq_name, &options, t.temp)?;
    ctx.catalog.alter_sequence(
        ctx.txn,
        seq.oid,
        &SequenceOptions {
            owned_by: Some(Some((oid, col))),
            ..SequenceOptions::default()
        },
    )?;
    match &p.identity {
        Some((kind, _)) => {
            let kind = *kind;
            ctx.catalog.update_table(ctx.txn, oid, |t| {
                t.columns[col].identity = Some(Identity {
                    kind,
                    sequence: seq.oid,
                });
                Ok(())
            })?;
        }
        None => {
            let shown = ctx.catalog.display_name(t.schema, &seq_name);
            let default = format!("nextval('{}'::regclass)", shown.replace('\'', "''"));
            ctx.catalog
                .set_default(ctx.txn, oid, &cname, Some(&default))?;
        }
    }
    Ok(())
}

/// Binds a generation expression (stored already as the column's default)
/// with PostgreSQL's checks, and checks that its type can be stored in the
/// column. It reads only the row and immutable functions: the binder needs
/// no catalog beyond the table.
fn check_generated(t: &Table, col: usize) -> Result<()> {
    let column = &t.columns[col];
    let info = crate::binder::table_info(t);
    let view = crate::binder::MemoryCatalog::new();
    let mut binder = crate::binder::Binder::new(&view, crate::types::Settings::default());
    let ty = binder.bind_generation_expr(&info, col)?.ty;
    assignable(column, &ty)
}

/// Whether a default (or generation) expression of type `ty` can be
/// stored in `column`: PostgreSQL's error if not.
fn assignable(column: &Column, ty: &DataType) -> Result<()> {
    let ok = *ty == DataType::Unknown
        || ty.without_typmod() == column.ty.without_typmod()
        || cast_context(ty, &column.ty).is_some_and(|c| c != crate::types::CastContext::Explicit);
    if !ok {
        return Err(err!(
            SqlState::DATATYPE_MISMATCH,
            "column \"{}\" is of type {} but default expression is of type {ty}",
            column.name,
            column.ty
        )
        .with_hint("You will need to rewrite or cast the expression."));
    }
    Ok(())
}

/// Binds a DEFAULT and checks that its type can be stored in the column.
pub(crate) fn check_default(
    ctx: &mut DdlContext<'_>,
    t: &Table,
    col: usize,
    sql: &str,
) -> Result<()> {
    let column = &t.columns[col];
    let ty = ctx
        .services
        .bind_expression(ctx.catalog, t, sql, ExprRole::Default { column })?;
    assignable(column, &ty)
}

/// A column's type: a built-in type, or a composite type or table row
/// type of the catalog.
pub(crate) fn ddl_type(ctx: &DdlContext<'_>, t: &ast::TypeName) -> Result<crate::types::DataType> {
    crate::binder::resolve_type_with(t, &|s, n| ctx.catalog.type_named(s, n, ctx.search_path))
}
