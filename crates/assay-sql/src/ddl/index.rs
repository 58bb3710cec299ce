//! CREATE [UNIQUE] INDEX: columns and expressions with their orders,
//! INCLUDE, partial indexes, PostgreSQL's default names.

use assay_storage::{bail, err, Result, SqlState};

use super::constraint::build_error;
use super::names::{choose_relation_name, index_column_names, name_addition};
use super::objects::split_name;
use super::{DdlContext, DdlOutcome, ExprRole, Notice};
use crate::ast::{self, Expr, SortOrder};
use crate::catalog::{IndexDef, IndexExpr, IndexPart, KeyOrder, Table};

fn column(t: &Table, name: &str) -> Result<usize> {
    t.column_index(name).ok_or_else(|| {
        err!(
            SqlState::UNDEFINED_COLUMN,
            "column \"{name}\" does not exist"
        )
    })
}

pub(crate) fn create_index(ctx: &mut DdlContext<'_>, s: &ast::CreateIndex) -> Result<DdlOutcome> {
    let (schema, tname) = split_name(&s.table)?;
    let t = ctx
        .catalog
        .lookup_table(schema, tname, ctx.search_path)?
        .clone();
    if t.is_view() {
        return Err(err!(
            SqlState::WRONG_OBJECT_TYPE,
            "cannot create index on relation \"{}\"",
            t.name
        )
        .with_detail("This operation is not supported for views."));
    }
    if let Some(m) = s.method.as_deref().filter(|m| *m != "btree") {
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "access method \"{m}\" is not supported"
        );
    }
    if let Some(n) = &s.name {
        if s.if_not_exists && ctx.catalog.relation_in(t.schema, n).is_some() {
            return Ok(DdlOutcome::tag("CREATE INDEX").with(vec![Notice::new(
                SqlState::DUPLICATE_TABLE,
                format!("relation \"{n}\" already exists, skipping"),
            )]));
        }
    }
    let mut parts = Vec::with_capacity(s.columns.len());
    for k in &s.columns {
        let expr = match &k.expr {
            Expr::Column { names, .. } if names.len() == 1 => {
                IndexExpr::Column(column(&t, &names[0])?)
            }
            e => {
                let sql = e.to_string();
                let ty = ctx
                    .services
                    .bind_expression(ctx.catalog, &t, &sql, ExprRole::IndexKey)?;
                IndexExpr::Expression { sql, ty }
            }
        };
        let descending = match &k.order {
            SortOrder::Default | SortOrder::Asc => false,
            SortOrder::Desc => true,
            SortOrder::Using(op) => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "ordering by operator {op} is not supported in an index"
            ),
        };
        let order = KeyOrder {
            descending,
            nulls_first: k.nulls_first.unwrap_or(descending),
        };
        parts.push(IndexPart { expr, order });
    }
    let include = s
        .include
        .iter()
        .map(|c| column(&t, c))
        .collect::<Result<Vec<_>>>()?;
    let predicate = match &s.predicate {
        Some(p) => {
            let sql = p.to_string();
            ctx.services
                .bind_expression(ctx.catalog, &t, &sql, ExprRole::IndexPredicate)?;
            Some(sql)
        }
        None => None,
    };
    let name = match &s.name {
        Some(n) => n.clone(),
        None => {
            let include_exprs: Vec<Expr> = s
                .include
                .iter()
                .map(|c| Expr::Column {
                    names: vec![c.clone()],
                    pos: Default::default(),
                })
                .collect();
            let exprs: Vec<&Expr> = s
                .columns
                .iter()
                .map(|k| &k.expr)
                .chain(include_exprs.iter())
                .collect();
            let cols = index_column_names(&exprs);
            choose_relation_name(
                ctx.catalog,
                t.schema,
                &t.name,
                Some(&name_addition(&cols)),
                "idx",
                false,
                &[],
            )
        }
    };
    let def = IndexDef {
        name: Some(name.clone()),
        unique: s.unique,
        parts,
        include,
        predicate,
    };
    ctx.catalog
        .create_index(ctx.txn, t.oid, def, ctx.services)
        .map_err(|e| build_error(e, &name))?;
    Ok(DdlOutcome::tag("CREATE INDEX"))
}
