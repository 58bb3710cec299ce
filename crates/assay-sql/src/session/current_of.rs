//! `UPDATE … WHERE CURRENT OF cursor` and `DELETE … WHERE CURRENT OF
//! cursor`: changing the row a cursor stands on.
//!
//! A cursor whose query is a simple scan of one table — the scan, under
//! any filters and projections, with no join, sort, grouping, set
//! operation or limit: PostgreSQL's "simply updatable" cursor — also reads
//! each row's key (the `ctid` column that UPDATE and DELETE find rows by,
//! see `plan::PlanNode::Scan`) as a hidden last column ([`with_row_key`]).
//! FETCH strips it from the rows it returns and remembers the key of the
//! row the cursor then stands on (`cursors.rs`).
//!
//! The statement is planned without its `WHERE`, as if it touched every
//! row, and its input is then narrowed to the row whose key is the
//! cursor's ([`restrict_to_row`]). Errors are PostgreSQL's: a cursor that
//! does not exist (34000), one not simply updatable for the statement's
//! table, not on a row, or held from a previous transaction (24000).
//!
//! Not supported: a cursor moved by MOVE without SCROLL (its rows are not
//! read, so the key is not known: 0A000), and `WHERE CURRENT OF` inside
//! `PREPARE`, `EXPLAIN` or a `WITH` query.

use assay_storage::{err, Result, SqlState};

use super::{Session, StatementResult};
use crate::ast::Statement;
use crate::catalog::{Catalog, Oid};
use crate::plan::{CmpOp, Field, Plan, PlanNode, ScalarExpr};
use crate::types::{DataType, Value};

/// The name UPDATE and DELETE give the row key column.
const KEY: &str = "ctid";

/// The table a cursor's rows come from, and the key of its current row.
#[derive(Clone, Debug)]
pub(super) struct CursorKey {
    pub table: Oid,
    /// The key of the row the cursor stands on, when known.
    pub current: Option<Vec<u8>>,
}

/// `plan` reading each row's key as a last, extra column, when it is a
/// simply updatable scan of one table; the table's OID.
pub(super) fn with_row_key(plan: &Plan, catalog: &Catalog) -> Option<(Plan, Oid)> {
    let mut plan = plan.clone();
    let table = add_key(&mut plan, catalog)?;
    Some((plan, table))
}

fn key_field() -> Field {
    Field::new(KEY, DataType::Bytea)
}

fn add_key(plan: &mut Plan, catalog: &Catalog) -> Option<Oid> {
    let table = match &mut plan.node {
        PlanNode::Scan {
            table, projection, ..
        } => {
            let width = catalog.table(table.oid)?.columns.len();
            let mut columns = projection.take().unwrap_or_else(|| (0..width).collect());
            columns.push(width);
            *projection = Some(columns);
            table.oid
        }
        PlanNode::Filter { input, .. } => add_key(input, catalog)?,
        PlanNode::Project { input, exprs } => {
            let table = add_key(input, catalog)?;
            exprs.push(ScalarExpr::Column(input.schema.len() - 1));
            table
        }
        _ => return None,
    };
    plan.schema.fields.push(key_field());
    Some(table)
}

/// Narrows an UPDATE or DELETE plan to the row whose key is `key`.
fn restrict_to_row(plan: &mut Plan, key: Vec<u8>) -> Result<()> {
    let (PlanNode::Update { input, .. } | PlanNode::Delete { input, .. }) = &mut plan.node else {
        return Err(err!(SqlState::INTERNAL_ERROR, "not an UPDATE or DELETE"));
    };
    let Some(at) = input
        .schema
        .fields
        .iter()
        .position(|f| f.name == KEY && f.data_type == DataType::Bytea)
    else {
        return Err(err!(SqlState::INTERNAL_ERROR, "the rows carry no key"));
    };
    let schema = input.schema.clone();
    let source = std::mem::replace(input.as_mut(), Plan::new(PlanNode::Empty, schema.clone()));
    let predicate = ScalarExpr::Compare {
        op: CmpOp::Eq,
        left: Box::new(ScalarExpr::Column(at)),
        right: Box::new(ScalarExpr::constant(
            Value::Bytea(key.into()),
            DataType::Bytea,
        )),
    };
    **input = Plan::new(
        PlanNode::Filter {
            input: Box::new(source),
            predicate,
        },
        schema,
    );
    Ok(())
}

/// The table an UPDATE or DELETE plan changes.
fn target(plan: &Plan) -> Result<(Oid, String)> {
    match &plan.node {
        PlanNode::Update { table, .. } | PlanNode::Delete { table, .. } => {
            Ok((table.oid, table.name.clone()))
        }
        _ => Err(err!(SqlState::INTERNAL_ERROR, "not an UPDATE or DELETE")),
    }
}

impl Session {
    /// Runs an UPDATE or DELETE `WHERE CURRENT OF cursor`.
    pub(super) fn run_current_of(
        &mut self,
        stmt: &Statement,
        param_types: &[crate::types::DataType],
        params: &[Value],
    ) -> Result<StatementResult> {
        let (cursor, plain) = match stmt {
            Statement::Update(u) => {
                let mut plain = u.clone();
                (plain.current_of.take(), Statement::Update(plain))
            }
            Statement::Delete(d) => {
                let mut plain = d.clone();
                (plain.current_of.take(), Statement::Delete(plain))
            }
            _ => (None, stmt.clone()),
        };
        let Some(cursor) = cursor else {
            return Err(err!(SqlState::INTERNAL_ERROR, "no cursor named"));
        };
        let (plan, params) = self.with_env(|env, _, cache| {
            let (plan, params) = env.plan_with_values(cache, &plain, param_types, params)?;
            Ok((plan, params.into_owned()))
        })?;
        let (table, name) = target(&plan)?;
        let key = self.current_row_key(&cursor, table, &name)?;
        let mut plan = (*plan).clone();
        restrict_to_row(&mut plan, key)?;
        self.with_env(|env, txn, _| env.run_to_result(txn, &plan, &params))
    }
}
