//! Queries: WITH (CTEs, recursive ones through RecursiveUnion), set
//! operations with UNION type resolution, VALUES, ORDER BY, LIMIT/OFFSET.

use assay_storage::{err, Result, SqlState};

use super::errors::{at, INVALID_COLUMN_REFERENCE};
use super::expr::{expr_pos, ExprCtx};
use super::func::sort_order;
use super::scope::Scope;
use super::select::SelectPlan;
use super::{Binder, CteBinding, Typed};
use crate::ast::{self, Expr, Literal, SetExpr, SortBy};
use crate::plan::{Field, Plan, PlanNode, ScalarExpr, Schema, SetOpKind, SortKey};
use crate::types::{common_type, DataType};

impl Binder<'_> {
    /// Binds a query; `resolve_unknowns` turns unknown-typed output columns
    /// into text (everywhere but set-operation branches and INSERT sources).
    pub(crate) fn bind_query(&mut self, q: &ast::Query, resolve_unknowns: bool) -> Result<Plan> {
        let saved = self.ctes.len();
        let result = self.bind_query_inner(q, resolve_unknowns);
        self.ctes.truncate(saved);
        result
    }

    fn bind_query_inner(&mut self, q: &ast::Query, resolve_unknowns: bool) -> Result<Plan> {
        if let Some(with) = &q.with {
            self.bind_with(with)?;
        }
        let SelectPlan {
            plan,
            visible,
            sort,
        } = match &q.body {
            SetExpr::Select(s) => self.bind_select(s, &q.order_by, resolve_unknowns)?,
            body => {
                let plan = self.bind_set_expr(body, resolve_unknowns)?;
                let visible = plan.schema.len();
                let sort = self.bind_output_order(&plan, &q.order_by)?;
                SelectPlan {
                    plan,
                    visible,
                    sort,
                }
            }
        };
        self.finish_query(plan, visible, sort, q)
    }

    /// Sort, LIMIT/OFFSET, and the projection that drops hidden columns.
    fn finish_query(
        &mut self,
        mut plan: Plan,
        visible: usize,
        sort: Vec<SortKey>,
        q: &ast::Query,
    ) -> Result<Plan> {
        if !sort.is_empty() {
            let schema = plan.schema.clone();
            plan = Plan::new(
                PlanNode::Sort {
                    input: Box::new(plan),
                    keys: sort.clone(),
                    limit: None,
                },
                schema,
            );
        }
        if q.with_ties && sort.is_empty() {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "WITH TIES cannot be specified without ORDER BY clause"
            ));
        }
        if q.limit.is_some() || q.offset.is_some() {
            let limit = q
                .limit
                .as_ref()
                .map(|e| self.bind_limit(e, "LIMIT"))
                .transpose()?;
            let offset = q
                .offset
                .as_ref()
                .map(|e| self.bind_limit(e, "OFFSET"))
                .transpose()?;
            let with_ties = if q.with_ties { sort } else { Vec::new() };
            let schema = plan.schema.clone();
            plan = Plan::new(
                PlanNode::Limit {
                    input: Box::new(plan),
                    limit,
                    offset,
                    with_ties,
                },
                schema,
            );
        }
        if plan.schema.len() > visible {
            let exprs = (0..visible).map(ScalarExpr::Column).collect();
            let schema = Schema::new(plan.schema.fields[..visible].to_vec());
            plan = Plan::new(
                PlanNode::Project {
                    input: Box::new(plan),
                    exprs,
                },
                schema,
            );
        }
        Ok(plan)
    }

    fn bind_limit(&mut self, e: &Expr, clause: &'static str) -> Result<ScalarExpr> {
        let empty = Scope::new();
        let mut cx = ExprCtx::new(&empty, clause);
        let t = self.bind_expr(e, &mut cx)?;
        // No column of the query (an uncorrelated subquery is fine).
        let mut variables = false;
        t.expr.visit(&mut |x| {
            variables |= matches!(x, ScalarExpr::Column(_) | ScalarExpr::Outer { .. })
        });
        if variables {
            return Err(at(
                err!(
                    INVALID_COLUMN_REFERENCE,
                    "argument of {} must not contain variables",
                    clause
                ),
                t.pos,
            ));
        }
        let pos = t.pos;
        let ty = t.ty.clone();
        match self.coerce_implicit(t, &DataType::Int8)? {
            Some(t) => Ok(t.expr),
            None => Err(at(
                err!(
                    SqlState::DATATYPE_MISMATCH,
                    "argument of {} must be type bigint, not type {}",
                    clause,
                    ty
                ),
                pos,
            )),
        }
    }

    /// ORDER BY over a set operation's or VALUES' output columns.
    fn bind_output_order(&mut self, plan: &Plan, order_by: &[SortBy]) -> Result<Vec<SortKey>> {
        let scope = Scope::of_schema(&plan.schema, None);
        let mut keys = Vec::new();
        for k in order_by {
            let (descending, nulls_first) = sort_order(k)?;
            let expr = match &k.expr {
                Expr::Literal {
                    value: Literal::Number(n),
                    ..
                } => {
                    let i: usize = n.parse().unwrap_or(0);
                    if i == 0 || i > plan.schema.len() {
                        return Err(at(
                            err!(
                                INVALID_COLUMN_REFERENCE,
                                "ORDER BY position {} is not in select list",
                                n
                            ),
                            expr_pos(&k.expr),
                        ));
                    }
                    ScalarExpr::Column(i - 1)
                }
                e => {
                    let mut cx = ExprCtx::new(&scope, "ORDER BY");
                    let t = self.bind_expr(e, &mut cx)?;
                    self.resolve_unknown(t)?.expr
                }
            };
            keys.push(SortKey {
                expr,
                descending,
                nulls_first,
            });
        }
        Ok(keys)
    }

    pub(crate) fn bind_set_expr(&mut self, body: &SetExpr, resolve_unknowns: bool) -> Result<Plan> {
        match body {
            SetExpr::Select(s) => {
                let sp = self.bind_select(s, &[], resolve_unknowns)?;
                Ok(sp.plan)
            }
            SetExpr::Values(rows) => self.bind_values(rows),
            SetExpr::Query(q) => self.bind_query(q, resolve_unknowns),
            SetExpr::Modify(_) => Err(modifying_not_at_top()),
            SetExpr::SetOp {
                op,
                all,
                left,
                right,
            } => {
                let (kind, name) = match op {
                    ast::SetOp::Union => (SetOpKind::Union, "UNION"),
                    ast::SetOp::Intersect => (SetOpKind::Intersect, "INTERSECT"),
                    ast::SetOp::Except => (SetOpKind::Except, "EXCEPT"),
                };
                let l = self.bind_set_expr(left, false)?;
                let r = self.bind_set_expr(right, false)?;
                let positions = target_positions(right);
                let (l, r) = self.unify_branches(l, r, name, &positions)?;
                let schema = l.schema.clone();
                Ok(Plan::new(
                    PlanNode::SetOp {
                        kind,
                        all: *all,
                        left: Box::new(l),
                        right: Box::new(r),
                    },
                    schema,
                ))
            }
        }
    }

    /// Casts two branches to their per-column common types.
    fn unify_branches(
        &mut self,
        l: Plan,
        r: Plan,
        name: &str,
        positions: &[Option<u32>],
    ) -> Result<(Plan, Plan)> {
        if l.schema.len() != r.schema.len() {
            return Err(at(
                err!(
                    SqlState::SYNTAX_ERROR,
                    "each {} query must have the same number of columns",
                    name
                ),
                positions.first().copied().flatten(),
            ));
        }
        let mut types = Vec::new();
        for (i, (a, b)) in l.schema.fields.iter().zip(&r.schema.fields).enumerate() {
            let t = common_type(&[a.data_type.clone(), b.data_type.clone()], name)
                .map_err(|e| at(e, positions.get(i).copied().flatten()))?;
            types.push(t);
        }
        let l = self.cast_plan_columns(l, &types)?;
        let mut r = self.cast_plan_columns(r, &types)?;
        for (f, lf) in r.schema.fields.iter_mut().zip(&l.schema.fields) {
            f.name = lf.name.clone();
        }
        Ok((l, r))
    }

    /// Casts a plan's output columns to `types`, folding casts of constant
    /// (and unknown-literal) columns of a Project or Values in place.
    pub(crate) fn cast_plan_columns(&mut self, mut plan: Plan, types: &[DataType]) -> Result<Plan> {
        if plan
            .schema
            .fields
            .iter()
            .zip(types)
            .all(|(f, t)| f.data_type == *t)
        {
            return Ok(plan);
        }
        let froms: Vec<DataType> = plan
            .schema
            .fields
            .iter()
            .map(|f| f.data_type.clone())
            .collect();
        let cast_row = |this: &mut Self, row: &mut Vec<ScalarExpr>| -> Result<()> {
            for (i, e) in row.iter_mut().enumerate() {
                let t = Typed::new(
                    std::mem::replace(e, ScalarExpr::Column(0)),
                    froms[i].clone(),
                    None,
                );
                *e = this.cast_to(t, &types[i], false)?.expr;
            }
            Ok(())
        };
        match &mut plan.node {
            PlanNode::Project { exprs, .. } => cast_row(self, exprs)?,
            PlanNode::Values { rows } => {
                for row in rows.iter_mut() {
                    cast_row(self, row)?;
                }
            }
            _ => {
                let mut exprs: Vec<ScalarExpr> = (0..types.len()).map(ScalarExpr::Column).collect();
                cast_row(self, &mut exprs)?;
                let schema = plan.schema.clone();
                plan = Plan::new(
                    PlanNode::Project {
                        input: Box::new(plan),
                        exprs,
                    },
                    schema,
                );
            }
        }
        for (f, t) in plan.schema.fields.iter_mut().zip(types) {
            f.data_type = t.clone();
        }
        Ok(plan)
    }

    /// `VALUES (…), (…)`: per-column common types, columns `column1`, ….
    pub(crate) fn bind_values(&mut self, rows: &[Vec<Expr>]) -> Result<Plan> {
        let width = rows.first().map_or(0, Vec::len);
        let empty = Scope::new();
        let mut bound: Vec<Vec<Typed>> = Vec::new();
        for row in rows {
            if row.len() != width {
                return Err(at(
                    err!(
                        SqlState::SYNTAX_ERROR,
                        "VALUES lists must all be the same length"
                    ),
                    row.first().and_then(expr_pos),
                ));
            }
            let mut cx = ExprCtx::new(&empty, "VALUES");
            let mut out = Vec::new();
            for e in row {
                if matches!(e, Expr::Default) {
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "DEFAULT is not allowed in this context"
                    ));
                }
                out.push(self.bind_expr(e, &mut cx)?);
            }
            bound.push(out);
        }
        let mut types = Vec::new();
        for c in 0..width {
            let col: Vec<DataType> = bound.iter().map(|r| r[c].ty.clone()).collect();
            types.push(
                common_type(&col, "VALUES")
                    .map_err(|e| at(e, bound.iter().find_map(|r| r[c].pos)))?,
            );
        }
        let mut out_rows = Vec::new();
        for row in bound {
            let mut out = Vec::new();
            for (c, t) in row.into_iter().enumerate() {
                out.push(self.cast_to(t, &types[c], false)?.expr);
            }
            out_rows.push(out);
        }
        let fields = types
            .iter()
            .enumerate()
            .map(|(i, t)| Field::new(format!("column{}", i + 1), t.clone()))
            .collect();
        Ok(Plan::new(
            PlanNode::Values { rows: out_rows },
            Schema::new(fields),
        ))
    }

    pub(crate) fn bind_with(&mut self, with: &ast::With) -> Result<()> {
        for cte in &with.ctes {
            if self
                .ctes
                .iter()
                .rev()
                .take(with.ctes.len())
                .any(|c| c.name == cte.name)
            {
                return Err(err!(
                    SqlState::new(b"42712"),
                    "WITH query name \"{}\" specified more than once",
                    cte.name
                ));
            }
            if with.recursive
                && !cte.query.locking.is_empty()
                && matches!(cte.query.body, SetExpr::SetOp { .. })
            {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "FOR UPDATE/SHARE in a recursive query is not implemented"
                ));
            }
            if let SetExpr::Modify(stmt) = &cte.query.body {
                let plan = self.bind_modifying_cte(with, cte, stmt)?;
                self.ctes.push(CteBinding {
                    name: cte.name.clone(),
                    plan,
                });
                continue;
            }
            let plan = match (&cte.query.body, with.recursive) {
                (
                    SetExpr::SetOp {
                        op: ast::SetOp::Union,
                        all,
                        left,
                        right,
                    },
                    true,
                ) if cte.query.order_by.is_empty() && cte.query.limit.is_none() => {
                    self.bind_recursive_cte(cte, *all, left, right)?
                }
                _ => {
                    let plan = self.bind_query(&cte.query, true)?;
                    rename_columns(plan, &cte.columns, &cte.name)?
                }
            };
            self.ctes.push(CteBinding {
                name: cte.name.clone(),
                plan,
            });
        }
        Ok(())
    }

    /// A data-modifying WITH item (`d AS (DELETE … RETURNING *)`): its
    /// statement is kept to run before the statement it belongs to (see
    /// `PlanNode::WithModifying`), and references to it read its RETURNING
    /// rows, as a work table. Only the statement's own WITH may hold one.
    fn bind_modifying_cte(
        &mut self,
        with: &ast::With,
        cte: &ast::Cte,
        stmt: &ast::Statement,
    ) -> Result<Plan> {
        if self.top_with != with as *const ast::With as usize {
            return Err(modifying_not_at_top());
        }
        let plan = match stmt {
            ast::Statement::Insert(i) => self.bind_insert(i)?,
            ast::Statement::Update(u) => self.bind_update(u)?,
            ast::Statement::Delete(d) => self.bind_delete(d)?,
            _ => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "this statement is not supported in WITH"
                ))
            }
        };
        let plan = if plan.schema.fields.is_empty() {
            plan
        } else {
            rename_columns(plan, &cte.columns, &cte.name)?
        };
        let id = self.next_worktable;
        self.next_worktable += 1;
        let schema = plan.schema.clone();
        self.modifying.push((id, cte.name.clone(), plan));
        Ok(Plan::new(PlanNode::WorkTable { id }, schema))
    }

    /// The data-modifying WITH item with work table `id`, if it has no
    /// RETURNING clause (a reference to it is an error).
    pub(crate) fn modifying_without_returning(&self, id: usize) -> bool {
        self.modifying
            .iter()
            .any(|(m, _, plan)| *m == id && plan.schema.fields.is_empty())
    }

    fn bind_recursive_cte(
        &mut self,
        cte: &ast::Cte,
        all: bool,
        left: &SetExpr,
        right: &SetExpr,
    ) -> Result<Plan> {
        let anchor = self.bind_set_expr(left, true)?;
        let anchor = rename_columns(anchor, &cte.columns, &cte.name)?;
        let id = self.next_worktable;
        self.next_worktable += 1;
        let work = Plan::new(PlanNode::WorkTable { id }, anchor.schema.clone());
        self.ctes.push(CteBinding {
            name: cte.name.clone(),
            plan: work,
        });
        self.recursive_terms.push((id, self.outer.len()));
        let recursive = self.bind_set_expr(right, false);
        self.recursive_terms.pop();
        self.ctes.pop();
        let recursive = recursive?;
        if !self.worktables_read.contains(&id) {
            // Not self-referencing after all: an ordinary UNION.
            let plan = self.bind_query(&cte.query, true)?;
            return rename_columns(plan, &cte.columns, &cte.name);
        }
        if recursive.schema.len() != anchor.schema.len() {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "each UNION query must have the same number of columns"
            ));
        }
        let types: Vec<DataType> = anchor
            .schema
            .fields
            .iter()
            .map(|f| f.data_type.clone())
            .collect();
        for (i, (a, r)) in types.iter().zip(&recursive.schema.fields).enumerate() {
            if r.data_type != DataType::Unknown
                && !Self::can_coerce(&r.data_type, a, crate::types::CastContext::Implicit)
            {
                return Err(err!(
                    SqlState::DATATYPE_MISMATCH,
                    "recursive query \"{}\" column {} has type {} in non-recursive term but type {} overall",
                    cte.name,
                    i + 1,
                    a,
                    r.data_type
                )
                .with_hint("Cast the output of the non-recursive term to the correct type."));
            }
        }
        let mut recursive = self.cast_plan_columns(recursive, &types)?;
        recursive.schema = anchor.schema.clone();
        let schema = anchor.schema.clone();
        Ok(Plan::new(
            PlanNode::RecursiveUnion {
                id,
                anchor: Box::new(anchor),
                recursive: Box::new(recursive),
                all,
            },
            schema,
        ))
    }
}

/// `name(c1, c2)` of a CTE: renames the first columns.
fn rename_columns(mut plan: Plan, columns: &[String], name: &str) -> Result<Plan> {
    if columns.len() > plan.schema.len() {
        return Err(err!(
            INVALID_COLUMN_REFERENCE,
            "WITH query \"{}\" has {} columns available but {} columns specified",
            name,
            plan.schema.len(),
            columns.len()
        ));
    }
    for (f, c) in plan.schema.fields.iter_mut().zip(columns) {
        f.name = c.clone();
    }
    Ok(plan)
}

/// Source positions of a set-operation branch's output expressions.
fn target_positions(body: &SetExpr) -> Vec<Option<u32>> {
    match body {
        SetExpr::Select(s) => s
            .targets
            .iter()
            .map(|t| match t {
                ast::SelectItem::Expr { expr, .. } => expr_pos(expr),
                _ => None,
            })
            .collect(),
        SetExpr::Values(rows) => rows
            .first()
            .map(|r| r.iter().map(expr_pos).collect())
            .unwrap_or_default(),
        SetExpr::SetOp { left, .. } => target_positions(left),
        SetExpr::Query(q) => target_positions(&q.body),
        SetExpr::Modify(_) => Vec::new(),
    }
}

fn modifying_not_at_top() -> assay_storage::Error {
    err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "WITH clause containing a data-modifying statement must be at the top level"
    )
}
