//! The binder: from Assay's AST to a typed [`Plan`](crate::plan::Plan).
//!
//! Binding resolves every name (tables through the [`CatalogView`], columns
//! through [`Scope`]s, functions through [`crate::functions::lookup`]),
//! chooses operators and casts with PostgreSQL's rules, and lays the
//! clauses of a query out as plan operators:
//!
//! ```text
//! FROM (Scan/Join/…) → Filter(WHERE) → Aggregate(GROUP BY) → Filter(HAVING)
//!   → Window → Project(targets + hidden ORDER BY keys) → Distinct → Sort
//!   → Limit → Project(drop hidden keys)
//! ```
//!
//! Expressions are bound over the input row of the operator that evaluates
//! them; aggregate and window calls are first collected with placeholders
//! and then rewritten to the Aggregate/Window output columns
//! ([`rewrite`]). Correlated references are [`ScalarExpr::Outer`]: the
//! binder keeps the scopes of enclosing queries on a stack, and the right
//! side of a LATERAL join sees its left side the same way (depth 1).
//!
//! [`ScalarExpr::Outer`]: crate::plan::ScalarExpr::Outer

mod catalog;
mod coerce;
mod dml;
mod errors;
mod expr;
mod from;
mod func;
mod generated;
mod jsonb_subscript;
mod names;
mod operators;
mod params;
mod query;
mod rewrite;
mod row_value;
mod rows;
mod scope;
mod select;
mod srf_zip;
mod subquery;
mod typename;
mod within_group;

#[cfg(test)]
mod tests;

pub use catalog::{
    table_info, CatalogView, ColumnInfo, MemoryCatalog, SessionCatalog, TableInfo, UniqueIndexInfo,
};
pub(crate) use expr::number_literal;
pub use params::declared_param_types;
pub use scope::{Scope, ScopeColumn};
pub use typename::resolve_type_with;

use assay_storage::Result;

use crate::ast::{self, Statement};
use crate::plan::{Plan, ScalarExpr};
use crate::types::{DataType, Settings};

/// A bound statement: its plan and the types inferred for its parameters
/// (`$1` is `param_types[0]`; text where nothing constrained one).
#[derive(Clone, Debug)]
pub struct BoundPlan {
    pub plan: Plan,
    pub param_types: Vec<DataType>,
}

/// A bound expression with its type and the source position it came from.
#[derive(Clone, Debug)]
pub(crate) struct Typed {
    pub expr: ScalarExpr,
    pub ty: DataType,
    pub pos: Option<u32>,
}

impl Typed {
    pub fn new(expr: ScalarExpr, ty: DataType, pos: Option<u32>) -> Typed {
        Typed { expr, ty, pos }
    }
}

/// A common table expression visible by name.
#[derive(Clone, Debug)]
pub(crate) struct CteBinding {
    pub name: String,
    pub plan: Plan,
}

/// Binds statements against a catalog. One binder binds one statement (its
/// parameter types accumulate), though it may be reused after
/// [`Binder::reset`].
pub struct Binder<'a> {
    catalog: &'a dyn CatalogView,
    settings: Settings,
    params: Vec<DataType>,
    /// Scopes of the enclosing queries, innermost last.
    outer: Vec<Scope>,
    ctes: Vec<CteBinding>,
    next_worktable: usize,
    /// Work tables a recursive term has referenced: a `WITH RECURSIVE`
    /// query whose second term never reads its own name is an ordinary one.
    worktables_read: Vec<usize>,
    /// Recursive terms being bound: (work table, outer scopes at its
    /// start). A reference from deeper is inside an expression subquery.
    recursive_terms: Vec<(usize, usize)>,
    /// Views being expanded (to stop a view referring to itself).
    view_depth: usize,
    /// The address of the statement's own WITH clause, the one place a
    /// data-modifying WITH item may be (0: none).
    top_with: usize,
    /// Data-modifying WITH items bound so far: (work table, name, plan),
    /// in order (see `PlanNode::WithModifying`).
    modifying: Vec<(usize, String, Plan)>,
    /// Views the statement read (expanded into their queries, so the plan
    /// no longer names them): a view over them depends on them.
    views_read: Vec<u32>,
}

impl<'a> Binder<'a> {
    pub fn new(catalog: &'a dyn CatalogView, settings: Settings) -> Binder<'a> {
        Binder {
            catalog,
            settings,
            params: Vec::new(),
            outer: Vec::new(),
            ctes: Vec::new(),
            next_worktable: 0,
            worktables_read: Vec::new(),
            recursive_terms: Vec::new(),
            view_depth: 0,
            top_with: 0,
            modifying: Vec::new(),
            views_read: Vec::new(),
        }
    }

    /// The views the bound statements read (see `views_read`).
    pub fn views_read(&self) -> &[u32] {
        &self.views_read
    }

    /// Declares parameter types (from `PREPARE p(int, text)` or a client's
    /// Parse message); `Unknown` leaves a parameter to be inferred.
    pub fn with_param_types(mut self, types: Vec<DataType>) -> Binder<'a> {
        self.params = types;
        self
    }

    /// Forgets parameter types and state from the previous statement.
    pub fn reset(&mut self) {
        self.params.clear();
        self.outer.clear();
        self.ctes.clear();
    }

    /// Binds a query or DML statement. Other statements (DDL, utilities)
    /// are not bound here: the answer is `None` and they go to their own
    /// executors. `EXPLAIN` binds the statement it explains.
    pub fn bind_statement(&mut self, stmt: &Statement) -> Result<Option<BoundPlan>> {
        let top_with = match stmt {
            Statement::Query(q) => q.with.as_ref(),
            Statement::Insert(i) => i.with.as_ref(),
            Statement::Update(u) => u.with.as_ref(),
            Statement::Delete(d) => d.with.as_ref(),
            _ => None,
        };
        self.top_with = top_with.map_or(0, |w| w as *const ast::With as usize);
        self.modifying.clear();
        let plan = match stmt {
            Statement::Query(q) => self.bind_top_query(q)?,
            Statement::Insert(i) => self.bind_insert(i)?,
            Statement::Update(u) => self.bind_update(u)?,
            Statement::Delete(d) => self.bind_delete(d)?,
            Statement::Explain { statement, .. } => return self.bind_statement(statement),
            Statement::DeclareCursor(c) => self.bind_top_query(&c.query)?,
            _ => return Ok(None),
        };
        // Each data-modifying WITH item runs before the statement, in order.
        let mut plan = plan;
        for (id, name, cte) in std::mem::take(&mut self.modifying).into_iter().rev() {
            let schema = plan.schema.clone();
            let node = crate::plan::PlanNode::WithModifying {
                id,
                name,
                cte: Box::new(cte),
                input: Box::new(plan),
            };
            plan = Plan::new(node, schema);
        }
        let param_types = self
            .params
            .iter()
            .map(|t| {
                if *t == DataType::Unknown {
                    DataType::Text
                } else {
                    t.clone()
                }
            })
            .collect();
        Ok(Some(BoundPlan { plan, param_types }))
    }

    /// Binds a top-level query (unknown-typed outputs become text).
    pub fn bind_top_query(&mut self, q: &ast::Query) -> Result<Plan> {
        self.bind_query(q, true)
    }

    /// Binds an expression over the columns of one table: CHECK
    /// constraints, column defaults, index expressions. `table` may be
    /// `None` for expressions that see no columns (defaults).
    pub fn bind_standalone_expr(
        &mut self,
        table: Option<&TableInfo>,
        sql: &str,
    ) -> Result<(ScalarExpr, DataType)> {
        let expr = parse_expr(sql)?;
        let scope = match table {
            Some(t) => from::table_scope(t, &t.name),
            None => Scope::new(),
        };
        let mut cx = expr::ExprCtx::new(&scope, "DEFAULT expressions");
        let t = self.bind_expr(&expr, &mut cx)?;
        let t = self.resolve_unknown(t)?;
        Ok((t.expr, t.ty))
    }
}

pub(crate) use crate::parser::parse_expr;
