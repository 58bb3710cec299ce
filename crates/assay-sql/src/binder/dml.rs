//! INSERT (column lists, defaults, multi-row VALUES, INSERT … SELECT,
//! ON CONFLICT with EXCLUDED, RETURNING), UPDATE (SET, FROM) and DELETE
//! (USING).

use assay_storage::{err, Result, SqlState};

use super::catalog::TableInfo;
use super::errors::{
    at, unsupported, DUPLICATE_COLUMN, INVALID_COLUMN_REFERENCE, UNDEFINED_COLUMN,
};
use super::expr::{expr_pos, ExprCtx};
use super::from::{join_plans, scan_plan, table_scope};
use super::generated::{insert_into_generated, update_generated, GENERATED_ALWAYS};
use super::names::column_name;
use super::scope::{missing_relation, Scope};
use super::{parse_expr, Binder, Typed};
use crate::ast::{self, Expr, SelectItem, SetExpr};
use crate::catalog::IdentityKind;
use crate::plan::{
    Assignment, Field, JoinKind, OnConflict, Plan, PlanNode, ScalarExpr, Schema, TableRef,
};
use crate::types::{DataType, Value};

impl Binder<'_> {
    fn target_table(&mut self, name: &ast::ObjectName) -> Result<TableInfo> {
        let schema = if name.0.len() >= 2 {
            Some(name.0[name.0.len() - 2].as_str())
        } else {
            None
        };
        match self.catalog.table(schema, name.base())? {
            Some(t) if t.view_sql.is_some() => Err(err!(
                SqlState::new(b"55000"),
                "cannot change view \"{}\"",
                t.name
            )),
            Some(t) => Ok(t),
            None => Err(err!(
                SqlState::UNDEFINED_TABLE,
                "relation \"{}\" does not exist",
                name
            )),
        }
    }

    /// The default of column `i` (its catalog SQL text bound), or NULL.
    fn column_default(&mut self, table: &TableInfo, i: usize) -> Result<ScalarExpr> {
        let col = &table.columns[i];
        // A generated column has no default: its value is computed once
        // the row is built (`compute_generated`).
        let Some(sql) = &col.default else {
            return Ok(ScalarExpr::constant(Value::Null, col.data_type.clone()));
        };
        let e = parse_expr(sql)?;
        let empty = Scope::new();
        let mut cx = ExprCtx::new(&empty, "DEFAULT expressions");
        let outer = std::mem::take(&mut self.outer);
        let t = self.bind_expr(&e, &mut cx);
        self.outer = outer;
        let t = self.coerce_assign(t?, &col.data_type, &col.name)?;
        Ok(t.expr)
    }

    /// RETURNING targets over `scope`.
    fn bind_returning(
        &mut self,
        items: &[SelectItem],
        scope: &Scope,
    ) -> Result<(Vec<ScalarExpr>, Schema)> {
        let mut exprs = Vec::new();
        let mut fields = Vec::new();
        for item in items {
            match item {
                SelectItem::Expr { expr, alias } => {
                    let mut cx = ExprCtx::new(scope, "RETURNING");
                    let t = self.bind_expr(expr, &mut cx)?;
                    let t = self.resolve_unknown(t)?;
                    fields.push(Field::new(
                        alias.clone().unwrap_or_else(|| column_name(expr)),
                        t.ty,
                    ));
                    exprs.push(t.expr);
                }
                SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => {
                    let rel = match item {
                        SelectItem::QualifiedWildcard(n) => {
                            if !scope.has_relation(n.base()) {
                                return Err(missing_relation(n.base(), None));
                            }
                            Some(n.base())
                        }
                        _ => None,
                    };
                    for (i, c) in scope.columns.iter().enumerate() {
                        if c.in_star && rel.is_none_or(|r| c.relation.as_deref() == Some(r)) {
                            fields.push(Field::new(c.name.clone(), c.data_type.clone()));
                            exprs.push(ScalarExpr::Column(i));
                        }
                    }
                }
            }
        }
        Ok((exprs, Schema::new(fields)))
    }

    fn column_position(table: &TableInfo, name: &str, relation: &str) -> Result<usize> {
        table.column_index(name).ok_or_else(|| {
            err!(
                UNDEFINED_COLUMN,
                "column \"{}\" of relation \"{}\" does not exist",
                name,
                relation
            )
        })
    }

    pub(crate) fn bind_insert(&mut self, ins: &ast::Insert) -> Result<Plan> {
        let saved = self.ctes.len();
        let r = self.bind_insert_inner(ins);
        self.ctes.truncate(saved);
        r
    }

    fn bind_insert_inner(&mut self, ins: &ast::Insert) -> Result<Plan> {
        if let Some(w) = &ins.with {
            self.bind_with_clause(w)?;
        }
        let table = self.target_table(&ins.table)?;
        let relation = ins.alias.clone().unwrap_or_else(|| table.name.clone());
        // Target columns.
        let targets: Vec<usize> = if ins.columns.is_empty() {
            (0..table.columns.len())
                .filter(|i| !table.columns[*i].dropped)
                .collect()
        } else {
            let mut out = Vec::new();
            for c in &ins.columns {
                let i = Self::column_position(&table, c, &table.name)?;
                if out.contains(&i) {
                    return Err(err!(
                        DUPLICATE_COLUMN,
                        "column \"{}\" specified more than once",
                        c
                    ));
                }
                out.push(i);
            }
            out
        };
        let input = match ins.source.as_deref() {
            None => {
                let row = (0..table.columns.len())
                    .map(|i| self.column_default(&table, i))
                    .collect::<Result<_>>()?;
                Plan::new(PlanNode::Values { rows: vec![row] }, table_schema(&table))
            }
            Some(q) => match (
                &q.body,
                q.with.is_none() && q.order_by.is_empty() && q.limit.is_none(),
            ) {
                (SetExpr::Values(rows), true) => self.insert_values(
                    &table,
                    &targets,
                    rows,
                    ins.columns.is_empty(),
                    ins.overriding,
                )?,
                _ => {
                    self.insert_select(&table, &targets, q, ins.columns.is_empty(), ins.overriding)?
                }
            },
        };
        let input = self.compute_generated(&table, input)?;
        let scope = table_scope(&table, &relation);
        let on_conflict = match &ins.on_conflict {
            Some(oc) => Some(self.bind_on_conflict(&table, &relation, oc)?),
            None => None,
        };
        let (returning, schema) = self.bind_returning(&ins.returning, &scope)?;
        let node = PlanNode::Insert {
            table: TableRef {
                oid: table.oid,
                name: table.name.clone(),
            },
            input: Box::new(input),
            on_conflict,
            returning,
        };
        Ok(Plan::new(node, schema))
    }

    /// A WITH on INSERT, UPDATE or DELETE binds as a query's does.
    fn bind_with_clause(&mut self, w: &ast::With) -> Result<()> {
        self.bind_with(w)
    }

    fn too_many(extra: Option<&Expr>) -> assay_storage::Error {
        at(
            err!(
                SqlState::SYNTAX_ERROR,
                "INSERT has more expressions than target columns"
            ),
            extra.and_then(expr_pos),
        )
    }

    fn insert_values(
        &mut self,
        table: &TableInfo,
        targets: &[usize],
        rows: &[Vec<Expr>],
        implicit: bool,
        overriding: Option<ast::Overriding>,
    ) -> Result<Plan> {
        let empty = Scope::new();
        let mut out_rows = Vec::with_capacity(rows.len());
        for row in rows {
            if row.len() > targets.len() {
                return Err(Self::too_many(row.get(targets.len())));
            }
            if row.len() < targets.len() && !implicit {
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "INSERT has more target columns than expressions"
                ));
            }
            let mut full: Vec<Option<ScalarExpr>> = vec![None; table.columns.len()];
            for (e, &col) in row.iter().zip(targets) {
                let c = &table.columns[col];
                let default = matches!(e, Expr::Default) || !keeps_value(table, col, overriding)?;
                full[col] = Some(if default {
                    self.column_default(table, col)?
                } else {
                    let mut cx = ExprCtx::new(&empty, "VALUES");
                    let t = self.bind_expr(e, &mut cx)?;
                    self.coerce_assign(t, &c.data_type, &c.name)?.expr
                });
            }
            let mut values = Vec::with_capacity(full.len());
            for (i, v) in full.into_iter().enumerate() {
                values.push(match v {
                    Some(v) => v,
                    None => self.column_default(table, i)?,
                });
            }
            out_rows.push(values);
        }
        Ok(Plan::new(
            PlanNode::Values { rows: out_rows },
            table_schema(table),
        ))
    }

    fn insert_select(
        &mut self,
        table: &TableInfo,
        targets: &[usize],
        q: &ast::Query,
        implicit: bool,
        overriding: Option<ast::Overriding>,
    ) -> Result<Plan> {
        let source = self.bind_query(q, false)?;
        // Unknown literals of the source take their target column's type
        // (converted now when they are constants).
        let types: Vec<crate::types::DataType> = source
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| match (&f.data_type, targets.get(i)) {
                (crate::types::DataType::Unknown, Some(&col)) => {
                    table.columns[col].data_type.clone()
                }
                (t, _) => t.clone(),
            })
            .collect();
        let source = self.cast_plan_columns(source, &types)?;
        let n = source.schema.len();
        if n > targets.len() {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "INSERT has more expressions than target columns"
            ));
        }
        if n < targets.len() && !implicit {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "INSERT has more target columns than expressions"
            ));
        }
        let mut full: Vec<Option<ScalarExpr>> = vec![None; table.columns.len()];
        for (i, &col) in targets.iter().take(n).enumerate() {
            let c = &table.columns[col];
            if !keeps_value(table, col, overriding)? {
                continue;
            }
            let t = Typed::new(
                ScalarExpr::Column(i),
                source.schema.fields[i].data_type.clone(),
                None,
            );
            full[col] = Some(self.coerce_assign(t, &c.data_type, &c.name)?.expr);
        }
        let mut exprs = Vec::with_capacity(full.len());
        for (i, v) in full.into_iter().enumerate() {
            exprs.push(match v {
                Some(v) => v,
                None => self.column_default(table, i)?,
            });
        }
        Ok(Plan::new(
            PlanNode::Project {
                input: Box::new(source),
                exprs,
            },
            table_schema(table),
        ))
    }

    fn bind_on_conflict(
        &mut self,
        table: &TableInfo,
        relation: &str,
        oc: &ast::OnConflict,
    ) -> Result<OnConflict> {
        let index = match &oc.target {
            None => None,
            Some(ast::ConflictTarget::Constraint(name)) => Some(
                table
                    .unique_indexes
                    .iter()
                    .find(|u| u.name == *name)
                    .map(|u| u.oid)
                    .ok_or_else(|| {
                        err!(
                            SqlState::UNDEFINED_OBJECT,
                            "constraint \"{}\" for table \"{}\" does not exist",
                            name,
                            table.name
                        )
                    })?,
            ),
            Some(ast::ConflictTarget::Columns(cols)) => {
                let mut wanted = Vec::new();
                for c in cols {
                    wanted.push(Self::column_position(table, c, &table.name)?);
                }
                wanted.sort_unstable();
                wanted.dedup();
                let found = table.unique_indexes.iter().find(|u| {
                    let mut k = u.columns.clone();
                    k.sort_unstable();
                    k == wanted
                });
                Some(found.map(|u| u.oid).ok_or_else(|| {
                    err!(
                        INVALID_COLUMN_REFERENCE,
                        "there is no unique or exclusion constraint matching the ON CONFLICT specification"
                    )
                })?)
            }
        };
        let Some(update) = &oc.update else {
            return Ok(OnConflict::Nothing { index });
        };
        let Some(index) = index else {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "ON CONFLICT DO UPDATE requires inference specification or constraint name"
            )
            .with_hint("For example, ON CONFLICT (column_name)."));
        };
        // The existing row, then the proposed one as EXCLUDED.
        let scope = table_scope(table, relation).concat(table_scope(table, "excluded"));
        let mut assignments =
            self.bind_assignments(table, &update.assignments, &scope, "UPDATE")?;
        self.assign_generated(table, &mut assignments)?;
        let predicate = match &update.where_clause {
            Some(w) => {
                let mut cx = ExprCtx::new(&scope, "WHERE");
                let t = self.bind_expr(w, &mut cx)?;
                Some(self.coerce_bool(t, "WHERE")?.expr)
            }
            None => None,
        };
        Ok(OnConflict::Update {
            index,
            assignments,
            predicate,
        })
    }

    /// `SET col = expr, (a, b) = (x, y)` over `scope`.
    fn bind_assignments(
        &mut self,
        table: &TableInfo,
        items: &[ast::Assignment],
        scope: &Scope,
        clause: &'static str,
    ) -> Result<Vec<Assignment>> {
        let mut out: Vec<Assignment> = Vec::new();
        for a in items {
            let values: Vec<&Expr> = match (&a.value, a.columns.len()) {
                (Expr::Row(list), n) if list.len() == n => list.iter().collect(),
                (_, 1) => vec![&a.value],
                (Expr::Row(list), n) => {
                    let msg = if list.len() > n {
                        "more expressions"
                    } else {
                        "fewer expressions"
                    };
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "number of columns does not match number of values ({})",
                        msg
                    ));
                }
                (Expr::Subquery { query }, n) => {
                    let fields = self.bind_row_subquery(query, n, scope)?;
                    self.assign_fields(table, &a.columns, fields, &mut out)?;
                    continue;
                }
                (other, _) => {
                    return Err(at(
                        err!(
                            SqlState::SYNTAX_ERROR,
                            "source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression"
                        ),
                        expr_pos(other),
                    ))
                }
            };
            for (path, value) in a.columns.iter().zip(values) {
                let col = Self::target_column(table, path, &out)?;
                let c = &table.columns[col];
                let value = if c.generated.is_some() {
                    if !matches!(value, Expr::Default) {
                        return Err(update_generated(&c.name));
                    }
                    // Computed below, with the new values of the others.
                    continue;
                } else if matches!(value, Expr::Default) {
                    self.column_default(table, col)?
                } else if c.identity == Some(IdentityKind::Always) {
                    return Err(err!(
                        GENERATED_ALWAYS,
                        "column \"{}\" can only be updated to DEFAULT",
                        c.name
                    )
                    .with_detail(format!(
                        "Column \"{}\" is an identity column defined as GENERATED ALWAYS.",
                        c.name
                    )));
                } else {
                    let mut cx = ExprCtx::new(scope, clause);
                    let t = self.bind_expr(value, &mut cx)?;
                    self.coerce_assign(t, &c.data_type, &c.name)?.expr
                };
                out.push(Assignment { column: col, value });
            }
        }
        Ok(out)
    }

    /// `(a, b) = (SELECT x, y …)`: one expression per column, each reading
    /// its field of the sub-SELECT's single row.
    fn bind_row_subquery(
        &mut self,
        query: &crate::ast::Query,
        columns: usize,
        scope: &Scope,
    ) -> Result<Vec<(ScalarExpr, DataType)>> {
        static NEXT_GROUP: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        self.outer.push(scope.clone());
        let plan = self.bind_query(query, true);
        self.outer.pop();
        let plan = plan?;
        if plan.schema.len() != columns {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "number of columns does not match number of values"
            ));
        }
        let group = NEXT_GROUP.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(plan
            .schema
            .fields
            .iter()
            .enumerate()
            .map(|(field, f)| {
                let expr = ScalarExpr::Subquery {
                    plan: Box::new(plan.clone()),
                    kind: crate::plan::SubqueryKind::RowField { group, field },
                    data_type: f.data_type.clone(),
                };
                (expr, f.data_type.clone())
            })
            .collect())
    }

    /// The column an assignment names: a plain column of the table, not
    /// assigned already in this SET list.
    fn target_column(table: &TableInfo, path: &[String], out: &[Assignment]) -> Result<usize> {
        let name = path.first().map(String::as_str).unwrap_or("");
        if path.len() > 1 {
            return Err(unsupported("assigning to a field or subscript"));
        }
        let col = Self::column_position(table, name, &table.name)?;
        if out.iter().any(|x| x.column == col) {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "multiple assignments to same column \"{}\"",
                name
            ));
        }
        Ok(col)
    }

    /// Assigns already bound values to the named columns.
    fn assign_fields(
        &mut self,
        table: &TableInfo,
        columns: &[Vec<String>],
        fields: Vec<(ScalarExpr, DataType)>,
        out: &mut Vec<Assignment>,
    ) -> Result<()> {
        for (path, (expr, ty)) in columns.iter().zip(fields) {
            let col = Self::target_column(table, path, out)?;
            let c = &table.columns[col];
            if c.generated.is_some() {
                return Err(update_generated(&c.name));
            }
            let typed = Typed::new(expr, ty, None);
            let value = self.coerce_assign(typed, &c.data_type, &c.name)?.expr;
            out.push(Assignment { column: col, value });
        }
        Ok(())
    }

    /// The rows an UPDATE or DELETE touches: the table, joined with the
    /// FROM/USING items, filtered by WHERE.
    fn dml_source(
        &mut self,
        table: &TableInfo,
        relation: &str,
        from: &[ast::TableRef],
        where_clause: Option<&Expr>,
    ) -> Result<(Plan, Scope)> {
        // The target's scan also yields each row's key, named `ctid`, right
        // after the table's columns: UPDATE and DELETE find rows by it. The
        // scope does not see it; a projection moves it after any FROM
        // columns so that positions match the scope.
        let width = table.columns.len();
        let mut plan = scan_plan(table, relation);
        if let PlanNode::Scan { projection, .. } = &mut plan.node {
            *projection = Some((0..=width).collect());
        }
        plan.schema.fields.push(Field::new("ctid", DataType::Bytea));
        let mut scope = table_scope(table, relation);
        if !from.is_empty() {
            // Scope positions count the table's columns only, which the
            // projection below restores.
            let (fp, fs) = self.bind_from(from)?;
            (plan, scope) = join_plans(plan, scope, fp, fs, JoinKind::Inner, None, false)?;
        }
        let total = plan.schema.len();
        let mut order: Vec<usize> = (0..width).chain(width + 1..total).collect();
        order.push(width);
        let fields = order
            .iter()
            .map(|&i| plan.schema.fields[i].clone())
            .collect();
        let exprs = order.into_iter().map(ScalarExpr::Column).collect();
        plan = Plan::new(
            PlanNode::Project {
                input: Box::new(plan),
                exprs,
            },
            Schema::new(fields),
        );
        if let Some(w) = where_clause {
            let mut cx = ExprCtx::new(&scope, "WHERE");
            let t = self.bind_expr(w, &mut cx)?;
            let t = self.coerce_bool(t, "WHERE")?;
            let schema = plan.schema.clone();
            plan = Plan::new(
                PlanNode::Filter {
                    input: Box::new(plan),
                    predicate: t.expr,
                },
                schema,
            );
        }
        Ok((plan, scope))
    }

    pub(crate) fn bind_update(&mut self, u: &ast::Update) -> Result<Plan> {
        let saved = self.ctes.len();
        let r = (|| {
            if let Some(w) = &u.with {
                self.bind_with_clause(w)?;
            }
            current_of_here(u.current_of.as_deref())?;
            let table = self.target_table(&u.table)?;
            let relation = u.alias.clone().unwrap_or_else(|| table.name.clone());
            let (input, scope) =
                self.dml_source(&table, &relation, &u.from, u.where_clause.as_ref())?;
            let mut assignments =
                self.bind_assignments(&table, &u.assignments, &scope, "UPDATE")?;
            let input = self.evaluate_once(&table, input, &mut assignments);
            self.assign_generated(&table, &mut assignments)?;
            let (returning, schema) = self.bind_returning(&u.returning, &scope)?;
            let node = PlanNode::Update {
                table: TableRef {
                    oid: table.oid,
                    name: table.name.clone(),
                },
                input: Box::new(input),
                assignments: assignments.into(),
                returning,
            };
            Ok(Plan::new(node, schema))
        })();
        self.ctes.truncate(saved);
        r
    }

    pub(crate) fn bind_delete(&mut self, d: &ast::Delete) -> Result<Plan> {
        let saved = self.ctes.len();
        let r = (|| {
            if let Some(w) = &d.with {
                self.bind_with_clause(w)?;
            }
            current_of_here(d.current_of.as_deref())?;
            let table = self.target_table(&d.table)?;
            let relation = d.alias.clone().unwrap_or_else(|| table.name.clone());
            let (input, scope) =
                self.dml_source(&table, &relation, &d.using, d.where_clause.as_ref())?;
            let (returning, schema) = self.bind_returning(&d.returning, &scope)?;
            let node = PlanNode::Delete {
                table: TableRef {
                    oid: table.oid,
                    name: table.name.clone(),
                },
                input: Box::new(input),
                returning,
            };
            Ok(Plan::new(node, schema))
        })();
        self.ctes.truncate(saved);
        r
    }
}

/// Whether an INSERT stores the value it gives column `col` (as
/// PostgreSQL's rewriter decides): `OVERRIDING USER VALUE` replaces the
/// values of identity columns by their sequence's, and a column `GENERATED
/// ALWAYS` refuses a given value unless `OVERRIDING SYSTEM VALUE` says so.
fn keeps_value(table: &TableInfo, col: usize, overriding: Option<ast::Overriding>) -> Result<bool> {
    let c = &table.columns[col];
    if c.generated.is_some() {
        // Even OVERRIDING SYSTEM VALUE gives a generated column no value.
        return Err(insert_into_generated(&c.name));
    }
    match (c.identity, overriding) {
        (None, _) => Ok(true),
        (Some(_), Some(ast::Overriding::User)) => Ok(false),
        (Some(IdentityKind::Always), None) => Err(err!(
            GENERATED_ALWAYS,
            "cannot insert a non-DEFAULT value into column \"{}\"",
            c.name
        )
        .with_detail(format!(
            "Column \"{}\" is an identity column defined as GENERATED ALWAYS.",
            c.name
        ))
        .with_hint("Use OVERRIDING SYSTEM VALUE to override.")),
        (Some(_), _) => Ok(true),
    }
}

fn table_schema(t: &TableInfo) -> Schema {
    Schema::new(
        t.columns
            .iter()
            .map(|c| Field::new(c.name.clone(), c.data_type.clone()))
            .collect(),
    )
}

/// `WHERE CURRENT OF` is the session's to run (it knows the cursors); a
/// statement reaching the binder with it is one the session does not run
/// (in `PREPARE`, `EXPLAIN`, a `WITH` query).
fn current_of_here(cursor: Option<&str>) -> Result<()> {
    match cursor {
        Some(_) => Err(err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "WHERE CURRENT OF is not supported here"
        )),
        None => Ok(()),
    }
}
