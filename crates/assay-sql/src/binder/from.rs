//! FROM: tables, views, CTE references, derived tables, set-returning
//! functions and joins, each giving a plan and the scope of its columns.

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::catalog::TableInfo;
use super::errors::{at, DUPLICATE_ALIAS};
use super::expr::ExprCtx;
use super::scope::{shift_table_keys, Found, Scope, ScopeColumn};
use super::{Binder, Typed};
use crate::ast::{self, Alias, JoinCondition};
use crate::functions::{lookup_kind, FunctionKind};
use crate::plan::{
    Access, CmpOp, Field, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, Schema, TableRef,
};
use crate::types::{DataType, Value};

/// The scope of a table's columns under a range-variable name.
pub fn table_scope(t: &TableInfo, relation: &str) -> Scope {
    Scope {
        columns: t
            .columns
            .iter()
            .map(|c| ScopeColumn {
                // A dropped column keeps its slot but cannot be named.
                relation: (!c.dropped).then(|| relation.to_string()),
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                unqualified: !c.dropped,
                in_star: !c.dropped,
            })
            .collect(),
        relations: vec![relation.to_string()],
        group_map: None,
        table_keys: t
            .primary_key
            .iter()
            .map(|key| (key.clone(), 0..t.columns.len()))
            .collect(),
        row_types: vec![(relation.to_string(), std::sync::Arc::new(t.row_type()))],
    }
}

/// A full scan of a table.
pub fn scan_plan(t: &TableInfo, relation: &str) -> Plan {
    let schema = Schema::new(
        t.columns
            .iter()
            .map(|c| Field {
                name: c.name.clone(),
                data_type: c.data_type.clone(),
                relation: Some(relation.to_string()),
                nullable: !c.not_null,
            })
            .collect(),
    );
    let node = PlanNode::Scan {
        table: TableRef {
            oid: t.oid,
            name: t.name.clone(),
        },
        access: Access::Full,
        filter: None,
        projection: None,
        columns: None,
    };
    Plan::new(node, schema)
}

/// Applies `AS alias(c1, c2)` to a scope: the relation name and the first
/// column names.
fn apply_alias(mut scope: Scope, alias: Option<&Alias>, default: &str) -> Result<Scope> {
    if alias.is_some_and(|a| !a.column_types.is_empty()) {
        return Err(column_definitions_not_allowed());
    }
    let name = alias.map_or(default, |a| a.name.as_str()).to_string();
    if let Some(a) = alias {
        if a.columns.len() > scope.columns.len() {
            return Err(err!(
                SqlState::new(b"42P10"),
                "table \"{}\" has {} columns available but {} columns specified",
                a.name,
                scope.columns.len(),
                a.columns.len()
            ));
        }
        for (c, n) in scope.columns.iter_mut().zip(&a.columns) {
            c.name = n.clone();
        }
    }
    for c in &mut scope.columns {
        // A join's hidden columns (the inputs' copies of a USING column)
        // are not columns of the alias: `j.id` is the merged one.
        let hidden = !c.in_star && !c.unqualified;
        c.relation = (!hidden).then(|| name.clone());
    }
    scope.relations = vec![name];
    Ok(scope)
}

fn relabel(mut plan: Plan, scope: &Scope) -> Plan {
    for (f, c) in plan.schema.fields.iter_mut().zip(&scope.columns) {
        f.name = c.name.clone();
        f.relation = c.relation.clone();
    }
    plan
}

impl Binder<'_> {
    /// Binds a FROM list (items are cross-joined); an empty list is one
    /// row of no columns.
    pub(crate) fn bind_from(&mut self, items: &[ast::TableRef]) -> Result<(Plan, Scope)> {
        let mut acc: Option<(Plan, Scope)> = None;
        for item in items {
            let (plan, scope) = self.bind_table_ref(item, acc.as_ref().map(|a| &a.1))?;
            acc = Some(match acc {
                None => (plan, scope),
                Some((lp, ls)) => {
                    let lateral = is_lateral(item);
                    join_plans(lp, ls, plan, scope, JoinKind::Inner, None, lateral)?
                }
            });
        }
        Ok(acc.unwrap_or_else(|| {
            (
                Plan::new(PlanNode::Values { rows: vec![vec![]] }, Schema::default()),
                Scope::new(),
            )
        }))
    }

    /// Binds one FROM item; `left` is what precedes it (visible to LATERAL
    /// items as the depth-1 outer row).
    fn bind_table_ref(
        &mut self,
        item: &ast::TableRef,
        left: Option<&Scope>,
    ) -> Result<(Plan, Scope)> {
        match item {
            ast::TableRef::Table { name, alias } => self.bind_named_table(name, alias.as_ref()),
            ast::TableRef::Subquery {
                lateral,
                query,
                alias,
            } => {
                let Some(alias) = alias else {
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "subquery in FROM must have an alias"
                    )
                    .with_hint("For example, FROM (SELECT ...) [AS] foo."));
                };
                let plan = self.with_lateral(*lateral, left, |b| b.bind_query(query, true))?;
                let scope = apply_alias(
                    Scope::of_schema(&plan.schema, None),
                    Some(alias),
                    &alias.name,
                )?;
                Ok((relabel(plan, &scope), scope))
            }
            ast::TableRef::Function {
                call,
                ordinality,
                alias,
                ..
            } => self.with_lateral(true, left, |b| {
                b.bind_function_scan(call, *ordinality, alias.as_ref())
            }),
            ast::TableRef::Join { join, alias } => {
                let (plan, scope) = self.bind_join(join, left)?;
                match alias {
                    Some(a) => {
                        let scope = apply_alias(scope, Some(a), &a.name)?;
                        Ok((relabel(plan, &scope), scope))
                    }
                    None => Ok((plan, scope)),
                }
            }
        }
    }

    fn with_lateral<T>(
        &mut self,
        lateral: bool,
        left: Option<&Scope>,
        f: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        match (lateral, left) {
            (true, Some(l)) => {
                self.outer.push(l.clone());
                let r = f(self);
                self.outer.pop();
                r
            }
            _ => f(self),
        }
    }

    fn bind_named_table(
        &mut self,
        name: &ast::ObjectName,
        alias: Option<&Alias>,
    ) -> Result<(Plan, Scope)> {
        let base = name.base();
        if name.0.len() == 1 {
            if let Some(cte) = self.ctes.iter().rev().find(|c| c.name == base) {
                let plan = cte.plan.clone();
                if let PlanNode::WorkTable { id } = plan.node {
                    if self.modifying_without_returning(id) {
                        return Err(err!(
                            SqlState::FEATURE_NOT_SUPPORTED,
                            "WITH query \"{}\" does not have a RETURNING clause",
                            base
                        ));
                    }
                    let depth = self.recursive_terms.iter().find(|t| t.0 == id);
                    if depth.is_some_and(|&(_, depth)| self.outer.len() > depth) {
                        return Err(err!(
                            SqlState::new(b"42P19"),
                            "recursive reference to query \"{}\" must not appear within a subquery",
                            base
                        ));
                    }
                    self.worktables_read.push(id);
                }
                let scope = apply_alias(Scope::of_schema(&plan.schema, None), alias, base)?;
                return Ok((relabel(plan, &scope), scope));
            }
        }
        let schema = if name.0.len() >= 2 {
            Some(name.0[name.0.len() - 2].as_str())
        } else {
            None
        };
        let Some(table) = self.catalog.table(schema, base)? else {
            return Err(err!(
                SqlState::UNDEFINED_TABLE,
                "relation \"{}\" does not exist",
                name
            ));
        };
        if let Some(sql) = &table.view_sql {
            if self.view_depth > 32 {
                return Err(err!(
                    SqlState::new(b"42P17"),
                    "infinite recursion detected in rules for relation \"{}\"",
                    base
                ));
            }
            let stmts = crate::parser::parse(sql)?;
            let [ast::Statement::Query(q)] = stmts.as_slice() else {
                return Err(err!(
                    SqlState::INTERNAL_ERROR,
                    "view \"{}\" is not a query",
                    base
                ));
            };
            // A view sees no outer query and no CTE of the referencing query.
            let outer = std::mem::take(&mut self.outer);
            let ctes = std::mem::take(&mut self.ctes);
            self.view_depth += 1;
            let plan = self.bind_query(q, true);
            self.view_depth -= 1;
            self.outer = outer;
            self.ctes = ctes;
            let mut plan = plan?;
            // Only the statement's own references (not those inside a view).
            if self.view_depth == 0 && !self.views_read.contains(&table.oid) {
                self.views_read.push(table.oid);
            }
            // The view's columns are named as the catalog has them
            // (`CREATE VIEW v (a, b) AS …`, `ALTER VIEW … RENAME COLUMN`).
            let named = table.columns.iter().filter(|c| !c.dropped);
            for (f, c) in plan.schema.fields.iter_mut().zip(named) {
                f.name.clone_from(&c.name);
            }
            let scope = apply_alias(Scope::of_schema(&plan.schema, None), alias, base)?;
            return Ok((relabel(plan, &scope), scope));
        }
        let relation = alias.map_or(base, |a| a.name.as_str());
        let scope = apply_alias(table_scope(&table, relation), alias, base)?;
        Ok((relabel(scan_plan(&table, relation), &scope), scope))
    }

    pub(super) fn bind_function_scan(
        &mut self,
        call: &ast::FunctionCall,
        ordinality: bool,
        alias: Option<&Alias>,
    ) -> Result<(Plan, Scope)> {
        if call.name.base() == "unnest" && call.args.len() > 1 {
            let plan = self.bind_multi_unnest(call, ordinality)?;
            let scope = apply_alias(Scope::of_schema(&plan.schema, None), alias, "unnest")?;
            return Ok((relabel(plan, &scope), scope));
        }
        let pos = call.pos.get();
        let empty = Scope::new();
        let mut cx = ExprCtx::new(&empty, "functions in FROM");
        let mut args = Vec::new();
        for a in &call.args {
            args.push(self.bind_expr(&a.value, &mut cx)?);
        }
        let name = call.name.base();
        let record = crate::functions::json_record::RECORD_FUNCTIONS.contains(&name);
        let definitions = alias.is_some_and(|a| !a.column_types.is_empty());
        match (record, definitions) {
            (true, true) if ordinality => {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "WITH ORDINALITY cannot be used with a column definition list"
                )
                .with_hint("Put the column definition list inside ROWS FROM()."))
            }
            (true, true) => {
                return self.bind_record_function(name, args, alias, pos);
            }
            (true, false) => {
                return Err(at(
                    err!(
                        SqlState::SYNTAX_ERROR,
                        "a column definition list is required for functions returning \"record\""
                    ),
                    pos,
                ))
            }
            (false, true) => return Err(column_definitions_not_allowed()),
            (false, false) => {}
        }
        let name = crate::functions::json_populate::from_clause_name(name).unwrap_or(name);
        let (resolved, bound) = self.resolve_set_returning(name, args, pos)?;
        let name = name.trim_end_matches("$rows");
        let mut fields: Vec<Field> = resolved
            .columns()
            .into_iter()
            .map(|(n, t)| Field::new(n, t))
            .collect();
        // A one-column function's column is named after the alias, unless
        // the function names its column (`jsonb_array_elements`: `value`).
        let named = !resolved.def.columns.is_empty();
        if let (Some(a), 1, false) = (alias, fields.len(), named) {
            if a.columns.is_empty() {
                fields[0].name = a.name.clone();
            }
        }
        if ordinality {
            fields.push(Field::new("ordinality", DataType::Int8));
        }
        let node = PlanNode::FunctionScan {
            func: Arc::new(resolved),
            name: name.to_string(),
            args: bound,
            ordinality,
        };
        let plan = Plan::new(node, Schema::new(fields));
        let scope = apply_alias(Scope::of_schema(&plan.schema, None), alias, name)?;
        Ok((relabel(plan, &scope), scope))
    }

    /// The set-returning function `name` for `args`, and the arguments cast
    /// to its parameter types.
    fn resolve_set_returning(
        &mut self,
        name: &str,
        args: Vec<Typed>,
        pos: Option<u32>,
    ) -> Result<(crate::functions::Resolved, Vec<ScalarExpr>)> {
        let types: Vec<DataType> = args.iter().map(|a| a.ty.clone()).collect();
        let resolved =
            lookup_kind(name, &types, FunctionKind::SetReturning).map_err(|e| at(e, pos))?;
        let mut bound = Vec::with_capacity(args.len());
        for (a, t) in args.into_iter().zip(resolved.arg_types.clone()) {
            bound.push(self.cast_to(a, &t, false)?.expr);
        }
        Ok((resolved, bound))
    }

    /// `json_to_record(j) AS x(a int, b text)` and the other functions of
    /// `functions/json_record.rs`: the declared columns' names and kinds
    /// go to the function as two more arguments, and its text columns are
    /// cast to the declared types.
    fn bind_record_function(
        &mut self,
        name: &str,
        mut args: Vec<Typed>,
        alias: Option<&Alias>,
        pos: Option<u32>,
    ) -> Result<(Plan, Scope)> {
        let alias = alias.ok_or_else(column_definitions_not_allowed)?;
        let catalog = self.catalog;
        let types = alias
            .column_types
            .iter()
            .map(|t| super::typename::resolve_type_with(t, &|s, n| catalog.type_named(s, n)))
            .collect::<Result<Vec<_>>>()?;
        let text_array = |items: Vec<Value>| {
            let array = Value::Array(Arc::new(crate::types::Array::from_items(items)));
            let ty = DataType::Array(Box::new(DataType::Text));
            Typed::new(ScalarExpr::constant(array, ty.clone()), ty, None)
        };
        let names = alias.columns.iter().map(|c| Value::text(c)).collect();
        let kinds = types
            .iter()
            .map(|t| {
                Value::text(match t {
                    DataType::Json | DataType::Jsonb | DataType::Record(_) => "j",
                    DataType::Array(_) => "a",
                    _ => "t",
                })
            })
            .collect();
        args.push(text_array(names));
        args.push(text_array(kinds));
        let (resolved, bound) = self.resolve_set_returning(name, args, pos)?;
        let mut fields: Vec<Field> = alias
            .columns
            .iter()
            .map(|c| Field::new(c.clone(), DataType::Text))
            .collect();
        // (WITH ORDINALITY and a column definition list are refused above.)
        let node = PlanNode::FunctionScan {
            func: Arc::new(resolved),
            name: name.to_string(),
            args: bound,
            ordinality: false,
        };
        let scan = Plan::new(node, Schema::new(fields.clone()));
        let mut exprs = Vec::with_capacity(fields.len());
        for (i, f) in fields.iter_mut().enumerate() {
            let column = Typed::new(ScalarExpr::Column(i), f.data_type.clone(), None);
            let expr = match types.get(i) {
                Some(DataType::Text) | None => column.expr,
                Some(ty @ DataType::Record(_)) => {
                    f.data_type = ty.clone();
                    self.populate_from_json_text(column, ty)?.expr
                }
                Some(ty) => {
                    f.data_type = ty.clone();
                    self.cast_explicit(column, ty, None)?.expr
                }
            };
            exprs.push(expr);
        }
        let plan = Plan::new(
            PlanNode::Project {
                input: Box::new(scan),
                exprs,
            },
            Schema::new(fields),
        );
        let untyped = Alias {
            column_types: Vec::new(),
            ..alias.clone()
        };
        let scope = apply_alias(Scope::of_schema(&plan.schema, None), Some(&untyped), name)?;
        Ok((relabel(plan, &scope), scope))
    }

    /// A composite column of a column definition list: the member's JSON
    /// text made into a record as `json_populate_record` does.
    fn populate_from_json_text(&mut self, column: Typed, ty: &DataType) -> Result<Typed> {
        let json = self.cast_explicit(column, &DataType::Json, None)?;
        let base = Typed::new(
            ScalarExpr::constant(Value::Null, ty.clone()),
            ty.clone(),
            None,
        );
        let resolved =
            crate::functions::lookup("json_populate_record", &[ty.clone(), DataType::Json])?;
        Ok(Typed::new(
            ScalarExpr::Function {
                func: Arc::new(resolved),
                args: vec![base.expr, json.expr],
            },
            ty.clone(),
            None,
        ))
    }

    fn bind_join(&mut self, join: &ast::Join, outer_left: Option<&Scope>) -> Result<(Plan, Scope)> {
        let (lp, ls) = self.bind_table_ref(&join.left, outer_left)?;
        let kind = match join.kind {
            ast::JoinKind::Inner | ast::JoinKind::Cross => JoinKind::Inner,
            ast::JoinKind::Left => JoinKind::Left,
            ast::JoinKind::Right => JoinKind::Right,
            ast::JoinKind::Full => JoinKind::Full,
        };
        let (rp, rs) = if matches!(kind, JoinKind::Right | JoinKind::Full) {
            // The left side is in scope but must not be referenced.
            self.bind_table_ref(&join.right, None)
                .map_err(|e| invalid_lateral_reference(e, &ls))?
        } else {
            self.bind_table_ref(&join.right, Some(&ls))?
        };
        let lateral = is_lateral(&join.right);
        match &join.condition {
            JoinCondition::None => join_plans(lp, ls, rp, rs, kind, None, lateral),
            JoinCondition::On(e) => {
                let scope = concat_scopes(ls.clone(), rs.clone())?;
                let mut cx = ExprCtx::new(&scope, "JOIN conditions");
                let t = self.bind_expr(e, &mut cx)?;
                let cond = self.coerce_bool(t, "JOIN/ON")?;
                join_plans(lp, ls, rp, rs, kind, Some(cond.expr), lateral)
            }
            JoinCondition::Using(cols) => {
                self.join_using(lp, ls, rp, rs, kind, cols.clone(), lateral)
            }
            JoinCondition::Natural => {
                let cols: Vec<String> = ls
                    .columns
                    .iter()
                    .filter(|c| {
                        c.in_star && rs.columns.iter().any(|r| r.in_star && r.name == c.name)
                    })
                    .map(|c| c.name.clone())
                    .collect();
                self.join_using(lp, ls, rp, rs, kind, cols, lateral)
            }
        }
    }

    /// `USING (cols)`: equality on each pair, then a projection that puts
    /// the merged columns first (COALESCE of both sides for FULL joins).
    #[allow(clippy::too_many_arguments)]
    fn join_using(
        &mut self,
        lp: Plan,
        ls: Scope,
        rp: Plan,
        rs: Scope,
        kind: JoinKind,
        cols: Vec<String>,
        lateral: bool,
    ) -> Result<(Plan, Scope)> {
        let nl = ls.columns.len();
        let mut conds = Vec::new();
        let mut merged = Vec::new();
        for name in &cols {
            let find = |s: &Scope, side: &str| -> Result<usize> {
                match s.resolve(None, name, None)? {
                    Found::Here(i) => Ok(i),
                    Found::Missing => Err(err!(
                        SqlState::new(b"42703"),
                        "column \"{}\" specified in USING clause does not exist in {} table",
                        name,
                        side
                    )),
                }
            };
            let li = find(&ls, "left")?;
            let ri = find(&rs, "right")?;
            let l = super::Typed::new(
                ScalarExpr::Column(li),
                ls.columns[li].data_type.clone(),
                None,
            );
            let r = super::Typed::new(
                ScalarExpr::Column(nl + ri),
                rs.columns[ri].data_type.clone(),
                None,
            );
            let (l, r) = self.unify_for_compare(l, r, "=")?;
            let ty = l.ty.clone();
            let value = match kind {
                JoinKind::Right => r.expr.clone(),
                JoinKind::Full => ScalarExpr::Coalesce {
                    args: vec![l.expr.clone(), r.expr.clone()],
                    data_type: ty.clone(),
                },
                _ => l.expr.clone(),
            };
            conds.push(ScalarExpr::Compare {
                op: CmpOp::Eq,
                left: Box::new(l.expr),
                right: Box::new(r.expr),
            });
            merged.push((name.clone(), ty, value, li, ri));
        }
        let cond = match conds.len() {
            0 => None,
            1 => conds.pop(),
            _ => Some(ScalarExpr::And(conds)),
        };
        let (plan, scope) = join_plans(lp, ls, rp, rs, kind, cond, lateral)?;
        let mut exprs: Vec<ScalarExpr> = merged.iter().map(|m| m.2.clone()).collect();
        let mut columns: Vec<ScopeColumn> = merged
            .iter()
            .map(|m| ScopeColumn {
                relation: None,
                name: m.0.clone(),
                data_type: m.1.clone(),
                unqualified: true,
                in_star: true,
            })
            .collect();
        for (i, c) in scope.columns.iter().enumerate() {
            let hidden = merged.iter().any(|m| m.3 == i || nl + m.4 == i);
            exprs.push(ScalarExpr::Column(i));
            columns.push(ScopeColumn {
                unqualified: c.unqualified && !hidden,
                in_star: c.in_star && !hidden,
                ..c.clone()
            });
        }
        let scope = Scope {
            columns,
            relations: scope.relations,
            group_map: None,
            // The merged columns come first.
            table_keys: shift_table_keys(scope.table_keys, merged.len()),
            row_types: scope.row_types,
        };
        let plan = Plan::new(
            PlanNode::Project {
                input: Box::new(plan),
                exprs,
            },
            scope.schema(),
        );
        Ok((plan, scope))
    }
}

fn is_lateral(item: &ast::TableRef) -> bool {
    matches!(
        item,
        ast::TableRef::Subquery { lateral: true, .. } | ast::TableRef::Function { .. }
    )
}

fn concat_scopes(l: Scope, r: Scope) -> Result<Scope> {
    if let Some(dup) = r.relations.iter().find(|n| l.has_relation(n)) {
        return Err(err!(
            DUPLICATE_ALIAS,
            "table name \"{}\" specified more than once",
            dup
        ));
    }
    Ok(l.concat(r))
}

/// A reference from the right side of a RIGHT or FULL join to the left
/// side: PostgreSQL's message instead of "missing FROM-clause entry".
fn invalid_lateral_reference(e: assay_storage::Error, left: &Scope) -> assay_storage::Error {
    let missing = e
        .message()
        .strip_prefix("missing FROM-clause entry for table \"")
        .and_then(|rest| rest.strip_suffix('"'));
    match missing {
        Some(table)
            if left
                .columns
                .iter()
                .any(|c| c.relation.as_deref() == Some(table)) =>
        {
            let mut out = err!(
                SqlState::UNDEFINED_TABLE,
                "invalid reference to FROM-clause entry for table \"{table}\""
            )
            .with_detail("The combining JOIN type must be INNER or LEFT for a LATERAL reference.");
            if let Some(p) = e.position() {
                out = out.with_position(p);
            }
            out
        }
        _ => e,
    }
}

/// A join of two bound items; its scope is the left's then the right's.
pub(crate) fn join_plans(
    lp: Plan,
    ls: Scope,
    rp: Plan,
    rs: Scope,
    kind: JoinKind,
    condition: Option<ScalarExpr>,
    lateral: bool,
) -> Result<(Plan, Scope)> {
    let scope = concat_scopes(ls, rs)?;
    let schema = lp.schema.concat(&rp.schema);
    let node = PlanNode::Join {
        left: Box::new(lp),
        right: Box::new(rp),
        kind,
        condition,
        algorithm: JoinAlgorithm::NestedLoop,
        lateral,
    };
    Ok((Plan::new(node, schema), scope))
}

fn column_definitions_not_allowed() -> assay_storage::Error {
    err!(
        SqlState::SYNTAX_ERROR,
        "a column definition list is only allowed for functions returning \"record\""
    )
}
