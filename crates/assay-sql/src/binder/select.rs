//! SELECT: targets and `*`, WHERE, GROUP BY (with grouping sets), HAVING,
//! windows, DISTINCT [ON] and ORDER BY, laid out as plan operators.

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::errors::{at, unsupported, AMBIGUOUS_COLUMN, INVALID_COLUMN_REFERENCE};
use super::expr::{expr_pos, ExprCtx};
use super::func::sort_order;
use super::names::column_name;
use super::rewrite::{to_grouped, to_windowed, transform, GroupedLayout};
use super::scope::{missing_relation, Found, Scope, ScopeColumn};
use super::Binder;
use crate::ast::{self, Distinct, Expr, GroupByItem, Literal, SelectItem, SortBy};
use crate::functions::{lookup_kind, FunctionKind};
use crate::plan::{Field, JoinAlgorithm, JoinKind, Plan, PlanNode, ScalarExpr, Schema, SortKey};
use crate::types::DataType;

/// Per grouping set, the positions of the group keys it contains.
type GroupingSets = Vec<Vec<usize>>;

/// A bound target: over the FROM scope until the layout is final.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub expr: ScalarExpr,
    pub ty: DataType,
    pub name: String,
    #[allow(dead_code)]
    pub pos: Option<u32>,
}

/// A SELECT bound up to its sort: the plan yields the visible targets
/// followed by hidden ORDER BY columns.
pub(crate) struct SelectPlan {
    pub plan: Plan,
    pub visible: usize,
    pub sort: Vec<SortKey>,
}

fn int_literal(e: &Expr) -> Option<i64> {
    match e {
        Expr::Literal {
            value: Literal::Number(s),
            ..
        } => s.parse().ok(),
        _ => None,
    }
}

fn key_of(e: &ScalarExpr) -> String {
    format!("{e:?}")
}

/// Shifts references to the FROM row into references to the depth-1 outer
/// row (for the right side of a lateral join), deepening other outer refs.
fn to_lateral(e: ScalarExpr) -> Result<ScalarExpr> {
    transform(e, &mut |x| match x {
        ScalarExpr::Column(i) => Ok(Some(ScalarExpr::Outer {
            depth: 1,
            index: *i,
        })),
        ScalarExpr::Outer { depth, index } if *depth < usize::MAX - 8 => {
            Ok(Some(ScalarExpr::Outer {
                depth: depth + 1,
                index: *index,
            }))
        }
        _ => Ok(None),
    })
}

impl Binder<'_> {
    pub(crate) fn bind_select(
        &mut self,
        s: &ast::Select,
        order_by: &[SortBy],
        resolve_unknowns: bool,
    ) -> Result<SelectPlan> {
        if s.into.is_some() {
            return Err(unsupported("SELECT INTO"));
        }
        let (mut plan, mut scope) = self.bind_from(&s.from)?;
        if let Some(w) = &s.where_clause {
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
        // Set-returning functions at the top of a target: a lateral
        // FunctionScan joined after WHERE (several run in lockstep, see
        // `srf_zip`).
        let mut srf_columns: Vec<(usize, usize)> = Vec::new();
        let items = self.expand_targets(&s.targets, &scope)?;
        let mut srfs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if let TargetItem::Expr(Expr::Function(call), _) = item {
                if call.over.is_some() || !s.group_by.is_empty() {
                    continue;
                }
                if let Some((p, ss)) = self.try_srf_target(call, &scope)? {
                    srfs.push((i, p, ss));
                }
            }
        }
        if !srfs.is_empty() {
            let (p, ss, columns) = super::srf_zip::zip(srfs);
            srf_columns = columns
                .into_iter()
                .map(|(i, c)| (i, scope.columns.len() + c))
                .collect();
            let schema = plan.schema.concat(&p.schema);
            let node = PlanNode::Join {
                left: Box::new(plan),
                right: Box::new(p),
                kind: JoinKind::Inner,
                condition: None,
                algorithm: JoinAlgorithm::NestedLoop,
                lateral: true,
            };
            plan = Plan::new(node, schema);
            scope = scope.concat(ss);
        }
        let scope = scope;

        // GROUP BY keys.
        let (mut keys, sets) = self.bind_group_by(&s.group_by, &items, &scope)?;
        // Whether the query is grouped decides what its subqueries see of
        // its row, so it is settled before the targets are bound.
        let grouped_syntax = !s.group_by.is_empty()
            || s.having.is_some()
            || s.targets
                .iter()
                .any(|t| matches!(t, SelectItem::Expr { expr, .. } if has_aggregate(expr)))
            || order_by.iter().any(|k| has_aggregate(&k.expr));
        let mut target_scope = scope.clone();
        if grouped_syntax {
            let map = (0..scope.columns.len())
                .map(|c| {
                    keys.iter()
                        .position(|k| matches!(k, ScalarExpr::Column(i) if *i == c))
                })
                .collect();
            target_scope.group_map = Some(map);
        }
        let mut cx = ExprCtx::new(&target_scope, "SELECT");
        cx.named_windows = &s.windows;
        cx.group_keys = keys.iter().map(key_of).collect();
        cx.allow_aggs = true;
        cx.allow_windows = true;
        // Targets.
        let mut targets = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let t = match item {
                TargetItem::Column(c, name) => {
                    cx.column_refs.push((*c, None));
                    Target {
                        expr: ScalarExpr::Column(*c),
                        ty: scope.columns[*c].data_type.clone(),
                        name: name.clone(),
                        pos: None,
                    }
                }
                TargetItem::Expr(e, name) => {
                    if let Some((_, col)) = srf_columns.iter().find(|(ti, _)| *ti == i) {
                        let ty = scope.columns[*col].data_type.clone();
                        Target {
                            expr: ScalarExpr::Column(*col),
                            ty,
                            name: name.clone(),
                            pos: expr_pos(e),
                        }
                    } else {
                        let t = self.bind_expr(e, &mut cx)?;
                        let t = if resolve_unknowns {
                            self.resolve_unknown(t)?
                        } else {
                            t
                        };
                        Target {
                            expr: t.expr,
                            ty: t.ty,
                            name: name.clone(),
                            pos: t.pos,
                        }
                    }
                }
            };
            targets.push(t);
        }
        // HAVING.
        cx.clause = "HAVING";
        cx.allow_windows = false;
        let having = match &s.having {
            Some(h) => {
                let t = self.bind_expr(h, &mut cx)?;
                Some(self.coerce_bool(t, "HAVING")?.expr)
            }
            None => None,
        };
        // ORDER BY and DISTINCT ON (they may add hidden targets).
        cx.clause = "ORDER BY";
        cx.allow_windows = true;
        let visible = targets.len();
        // Only plain DISTINCT needs its ORDER BY among the outputs.
        let distinct = matches!(s.distinct, Some(Distinct::Distinct));
        let mut sort = Vec::new();
        for k in order_by {
            let idx =
                self.order_target(&k.expr, &mut targets, &items, &mut cx, distinct, "ORDER BY")?;
            let (descending, nulls_first) = sort_order(k)?;
            sort.push(SortKey {
                expr: ScalarExpr::Column(idx),
                descending,
                nulls_first,
            });
        }
        let distinct_on = match &s.distinct {
            Some(Distinct::On(exprs)) => {
                let mut on = Vec::new();
                for e in exprs {
                    on.push(self.order_target(
                        e,
                        &mut targets,
                        &items,
                        &mut cx,
                        false,
                        "DISTINCT ON",
                    )?);
                }
                Some(on)
            }
            _ => None,
        };

        // Columns of a table grouped by its whole primary key are grouped
        // by too (they are functionally dependent on it): as extra keys,
        // which make the same groups.
        if sets.is_none() {
            for c in dependent_columns(&scope, &keys, &cx.column_refs) {
                let key = ScalarExpr::Column(c);
                cx.group_keys.push(key_of(&key));
                keys.push(key);
            }
        }

        // Aggregation.
        let grouped = !keys.is_empty()
            || !cx.aggs.is_empty()
            || having.is_some()
            || sets.is_some()
            || !cx.groupings.is_empty();
        let mut having = having;
        let mut windows = std::mem::take(&mut cx.windows);
        if grouped {
            let key_strings = cx.group_keys.clone();
            let layout = GroupedLayout {
                keys: &key_strings,
                n_aggs: cx.aggs.len(),
                groupings: &cx.groupings,
                sets: sets.as_deref(),
                scope: &scope,
                column_refs: &cx.column_refs,
            };
            for t in &mut targets {
                t.expr = to_grouped(t.expr.clone(), &layout)?;
            }
            if let Some(h) = having.take() {
                having = Some(to_grouped(h, &layout)?);
            }
            for w in &mut windows {
                w.args = w
                    .args
                    .drain(..)
                    .map(|a| to_grouped(a, &layout))
                    .collect::<Result<_>>()?;
                w.partition_by = w
                    .partition_by
                    .drain(..)
                    .map(|a| to_grouped(a, &layout))
                    .collect::<Result<_>>()?;
                for k in &mut w.order_by {
                    k.expr = to_grouped(k.expr.clone(), &layout)?;
                }
            }
            let mut fields: Vec<Field> = keys
                .iter()
                .map(|k| Field::new(key_name(k, &scope), self.type_in(k, &scope)))
                .collect();
            for a in &cx.aggs {
                fields.push(Field::new(a.func.def.name, a.data_type.clone()));
            }
            if sets.is_some() {
                fields.push(Field::new("grouping_set", DataType::Int4));
            }
            let node = PlanNode::Aggregate {
                input: Box::new(plan),
                group_by: keys.clone(),
                grouping_sets: sets.clone(),
                aggregates: std::mem::take(&mut cx.aggs),
                sorted: false,
            };
            plan = Plan::new(node, Schema::new(fields));
            if let Some(h) = having {
                let schema = plan.schema.clone();
                plan = Plan::new(
                    PlanNode::Filter {
                        input: Box::new(plan),
                        predicate: h,
                    },
                    schema,
                );
            }
        }
        if !windows.is_empty() {
            let base = plan.schema.len();
            let mut fields = plan.schema.fields.clone();
            for w in &windows {
                fields.push(Field::new(w.func.def.name, w.data_type.clone()));
            }
            plan = Plan::new(
                PlanNode::Window {
                    input: Box::new(plan),
                    calls: windows,
                },
                Schema::new(fields),
            );
            for t in &mut targets {
                t.expr = to_windowed(t.expr.clone(), base)?;
            }
        }
        // Projection.
        let fields = targets
            .iter()
            .map(|t| {
                Field::new(
                    t.name.clone(),
                    if t.ty == DataType::Unknown && resolve_unknowns {
                        DataType::Text
                    } else {
                        t.ty.clone()
                    },
                )
            })
            .collect();
        let exprs = targets.into_iter().map(|t| t.expr).collect();
        plan = Plan::new(
            PlanNode::Project {
                input: Box::new(plan),
                exprs,
            },
            Schema::new(fields),
        );
        // DISTINCT and the sort.
        match (distinct_on, distinct) {
            (Some(on), _) => {
                for (i, k) in on.iter().enumerate() {
                    if let Some(s) = sort.get(i) {
                        if !matches!(s.expr, ScalarExpr::Column(c) if c == *k) {
                            return Err(err!(
                                INVALID_COLUMN_REFERENCE,
                                "SELECT DISTINCT ON expressions must match initial ORDER BY expressions"
                            ));
                        }
                    }
                }
                let mut keys = sort.clone();
                for k in &on {
                    if !keys
                        .iter()
                        .any(|s| matches!(s.expr, ScalarExpr::Column(c) if c == *k))
                    {
                        keys.push(SortKey {
                            expr: ScalarExpr::Column(*k),
                            descending: false,
                            nulls_first: false,
                        });
                    }
                }
                let schema = plan.schema.clone();
                plan = Plan::new(
                    PlanNode::Sort {
                        input: Box::new(plan),
                        keys,
                        limit: None,
                    },
                    schema.clone(),
                );
                let on = on.into_iter().map(ScalarExpr::Column).collect();
                plan = Plan::new(
                    PlanNode::Distinct {
                        input: Box::new(plan),
                        on: Some(on),
                    },
                    schema,
                );
                sort.clear();
            }
            (None, true) => {
                let schema = plan.schema.clone();
                plan = Plan::new(
                    PlanNode::Distinct {
                        input: Box::new(plan),
                        on: None,
                    },
                    schema,
                );
            }
            (None, false) => {}
        }
        Ok(SelectPlan {
            plan,
            visible,
            sort,
        })
    }

    fn type_in(&self, e: &ScalarExpr, scope: &Scope) -> DataType {
        expr_type(e, scope)
    }

    /// Binds `f(...)` when it is a set-returning function, as a FunctionScan
    /// over the FROM row.
    fn try_srf_target(
        &mut self,
        call: &ast::FunctionCall,
        scope: &Scope,
    ) -> Result<Option<(Plan, Scope)>> {
        let mut cx = ExprCtx::new(scope, "SELECT");
        let mut args = Vec::new();
        for a in &call.args {
            match self.bind_expr(&a.value, &mut cx) {
                Ok(t) => args.push(t),
                Err(_) => return Ok(None),
            }
        }
        let types: Vec<DataType> = args.iter().map(|a| a.ty.clone()).collect();
        let Ok(resolved) = lookup_kind(call.name.base(), &types, FunctionKind::SetReturning) else {
            return Ok(None);
        };
        let mut bound = Vec::new();
        for (a, t) in args.into_iter().zip(resolved.arg_types.clone()) {
            bound.push(to_lateral(self.cast_to(a, &t, false)?.expr)?);
        }
        let cols = resolved.columns();
        if let DataType::Record(Some(t)) = resolved.return_type.clone() {
            if cols.len() != 1 || t.fields.len() == 1 {
                return Ok(Some(composite_srf_target(resolved, bound, t)));
            }
        }
        if cols.len() != 1 {
            return Err(at(
                unsupported("multi-column set-returning functions in a target list"),
                call.pos.get(),
            ));
        }
        // In a target list the column is named after the function, even
        // when it has a named output column (`jsonb_array_elements`).
        let (name, ty) = (resolved.def.name.to_string(), cols[0].1.clone());
        let schema = Schema::new(vec![Field::new(name.clone(), ty.clone())]);
        let node = PlanNode::FunctionScan {
            func: Arc::new(resolved),
            name: name.clone(),
            args: bound,
            ordinality: false,
        };
        let scope = Scope {
            columns: vec![ScopeColumn {
                relation: None,
                name,
                data_type: ty,
                unqualified: false,
                in_star: false,
            }],
            relations: Vec::new(),
            group_map: None,
            table_keys: Vec::new(),
            row_types: Vec::new(),
        };
        Ok(Some((Plan::new(node, schema), scope)))
    }

    /// `*`, `t.*` and expressions, with their output names.
    fn expand_targets<'q>(
        &mut self,
        targets: &'q [SelectItem],
        scope: &Scope,
    ) -> Result<Vec<TargetItem<'q>>> {
        let mut out = Vec::new();
        for t in targets {
            match t {
                SelectItem::Expr { expr, alias } => {
                    let name = alias.clone().unwrap_or_else(|| column_name(expr));
                    out.push(TargetItem::Expr(expr, name));
                }
                SelectItem::Wildcard => {
                    if scope.relations.is_empty() {
                        return Err(err!(
                            SqlState::SYNTAX_ERROR,
                            "SELECT * with no tables specified is not valid"
                        ));
                    }
                    for (i, c) in scope.columns.iter().enumerate() {
                        if c.in_star {
                            out.push(TargetItem::Column(i, c.name.clone()));
                        }
                    }
                }
                SelectItem::QualifiedWildcard(name) => {
                    let rel = name.base();
                    if !scope.has_relation(rel) {
                        return Err(missing_relation(rel, None));
                    }
                    for (i, c) in scope.columns.iter().enumerate() {
                        if c.relation.as_deref() == Some(rel) {
                            out.push(TargetItem::Column(i, c.name.clone()));
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// GROUP BY: the distinct key expressions (over the FROM row) and, with
    /// ROLLUP/CUBE/GROUPING SETS, the key positions of each set.
    fn bind_group_by(
        &mut self,
        items: &[GroupByItem],
        targets: &[TargetItem],
        scope: &Scope,
    ) -> Result<(Vec<ScalarExpr>, Option<GroupingSets>)> {
        let mut keys: Vec<ScalarExpr> = Vec::new();
        let mut key_strings: Vec<String> = Vec::new();
        let mut sets: Vec<Vec<usize>> = vec![vec![]];
        let mut has_sets = false;
        for item in items {
            let mut bind_list = |this: &mut Self, list: &[Expr]| -> Result<Vec<usize>> {
                let mut out = Vec::new();
                for e in list {
                    let k = this.bind_group_key(e, targets, scope)?;
                    let s = key_of(&k);
                    let idx = match key_strings.iter().position(|x| *x == s) {
                        Some(i) => i,
                        None => {
                            keys.push(k);
                            key_strings.push(s);
                            keys.len() - 1
                        }
                    };
                    if !out.contains(&idx) {
                        out.push(idx);
                    }
                }
                Ok(out)
            };
            let item_sets: Vec<Vec<usize>> = match item {
                GroupByItem::Expr(e) => vec![bind_list(self, std::slice::from_ref(e))?],
                GroupByItem::Empty => {
                    has_sets = true;
                    vec![vec![]]
                }
                GroupByItem::Rollup(lists) => {
                    has_sets = true;
                    let bound: Vec<Vec<usize>> = lists
                        .iter()
                        .map(|l| bind_list(self, l))
                        .collect::<Result<_>>()?;
                    (0..=bound.len())
                        .rev()
                        .map(|n| bound[..n].concat())
                        .collect()
                }
                GroupByItem::Cube(lists) => {
                    has_sets = true;
                    let bound: Vec<Vec<usize>> = lists
                        .iter()
                        .map(|l| bind_list(self, l))
                        .collect::<Result<_>>()?;
                    let n = bound.len();
                    let mut subsets: Vec<u32> = (0..(1u32 << n.min(12))).collect();
                    // Larger sets first; among equals, earlier elements first.
                    subsets.sort_by_key(|m| {
                        (
                            std::cmp::Reverse(m.count_ones()),
                            (0..n).map(|i| m & (1 << i) == 0).collect::<Vec<_>>(),
                        )
                    });
                    subsets
                        .into_iter()
                        .map(|m| {
                            (0..n)
                                .filter(|i| m & (1 << i) != 0)
                                .flat_map(|i| bound[i].clone())
                                .collect()
                        })
                        .collect()
                }
                GroupByItem::GroupingSets(lists) => {
                    has_sets = true;
                    lists
                        .iter()
                        .map(|l| bind_list(self, l))
                        .collect::<Result<_>>()?
                }
            };
            let mut next = Vec::new();
            for a in &sets {
                for b in &item_sets {
                    let mut s = a.clone();
                    s.extend(b.iter().filter(|k| !a.contains(k)));
                    next.push(s);
                }
            }
            sets = next;
        }
        Ok((keys, has_sets.then_some(sets)))
    }

    /// One GROUP BY expression: an ordinal, an output-column name (when no
    /// FROM column has it), or an expression over the FROM row.
    fn bind_group_key(
        &mut self,
        e: &Expr,
        targets: &[TargetItem],
        scope: &Scope,
    ) -> Result<ScalarExpr> {
        let mut cx = ExprCtx::new(scope, "GROUP BY");
        if let Some(n) = int_literal(e) {
            let Some(t) = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| targets.get(i))
            else {
                return Err(at(
                    err!(
                        INVALID_COLUMN_REFERENCE,
                        "GROUP BY position {} is not in select list",
                        n
                    ),
                    expr_pos(e),
                ));
            };
            return match t {
                TargetItem::Column(c, _) => Ok(ScalarExpr::Column(*c)),
                TargetItem::Expr(te, _) => Ok(self.resolve_unknown_bound(te, &mut cx)?),
            };
        }
        if let Expr::Column { names, pos } = e {
            if names.len() == 1 && scope.resolve(None, &names[0], pos.get())? == Found::Missing {
                if let Some(TargetItem::Expr(te, _)) = targets.iter().find(|t| t.name() == names[0])
                {
                    return self.resolve_unknown_bound(te, &mut cx);
                }
            }
        }
        self.resolve_unknown_bound(e, &mut cx)
    }

    fn resolve_unknown_bound(&mut self, e: &Expr, cx: &mut ExprCtx) -> Result<ScalarExpr> {
        let t = self.bind_expr(e, cx)?;
        Ok(self.resolve_unknown(t)?.expr)
    }

    /// An ORDER BY (or DISTINCT ON) item as a target position: an ordinal,
    /// an output-column name, or an expression (added as a hidden target
    /// unless it equals one; not allowed with DISTINCT).
    fn order_target(
        &mut self,
        e: &Expr,
        targets: &mut Vec<Target>,
        items: &[TargetItem],
        cx: &mut ExprCtx,
        distinct: bool,
        clause: &str,
    ) -> Result<usize> {
        let visible = items.len();
        if let Some(n) = int_literal(e) {
            return usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .filter(|i| *i < visible)
                .ok_or_else(|| {
                    at(
                        err!(
                            INVALID_COLUMN_REFERENCE,
                            "{} position {} is not in select list",
                            clause,
                            n
                        ),
                        expr_pos(e),
                    )
                });
        }
        if let Expr::Column { names, pos } = e {
            if names.len() == 1 {
                let matches: Vec<usize> = (0..visible)
                    .filter(|i| items[*i].name() == names[0])
                    .collect();
                if let Some(first) = matches.first() {
                    let k0 = key_of(&targets[*first].expr);
                    if matches.iter().any(|i| key_of(&targets[*i].expr) != k0) {
                        return Err(at(
                            err!(AMBIGUOUS_COLUMN, "{} \"{}\" is ambiguous", clause, names[0]),
                            pos.get(),
                        ));
                    }
                    return Ok(*first);
                }
            }
        }
        let t = self.bind_expr(e, cx)?;
        let t = self.resolve_unknown(t)?;
        let k = key_of(&t.expr);
        if let Some(i) = targets.iter().position(|x| key_of(&x.expr) == k) {
            return Ok(i);
        }
        if distinct {
            return Err(at(
                err!(
                    INVALID_COLUMN_REFERENCE,
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list"
                ),
                expr_pos(e),
            ));
        }
        targets.push(Target {
            name: column_name(e),
            expr: t.expr,
            ty: t.ty,
            pos: t.pos,
        });
        Ok(targets.len() - 1)
    }
}

/// A target before binding.
pub(crate) enum TargetItem<'q> {
    Expr(&'q Expr, String),
    /// A column of the FROM scope (from `*` expansion).
    Column(usize, String),
}

impl TargetItem<'_> {
    fn name(&self) -> &str {
        match self {
            TargetItem::Expr(_, n) | TargetItem::Column(_, n) => n,
        }
    }
}

fn key_name(e: &ScalarExpr, scope: &Scope) -> String {
    match e {
        ScalarExpr::Column(i) => scope.columns[*i].name.clone(),
        _ => "?column?".to_string(),
    }
}

/// The type of a bound expression over `scope`.
pub(crate) fn expr_type(e: &ScalarExpr, scope: &Scope) -> DataType {
    e.data_type(&|i| scope.columns.get(i).map(|c| c.data_type.clone()))
        .unwrap_or(DataType::Unknown)
}

/// Whether an expression calls an aggregate outside any subquery or window
/// (`f(*)` or a name with an aggregate of that arity), before binding.
fn has_aggregate(e: &Expr) -> bool {
    let mut found = false;
    e.walk(&mut |x| {
        if let Expr::Function(call) = x {
            if call.over.is_none() {
                let types = vec![DataType::Unknown; call.args.len()];
                let agg = call.star
                    || match lookup_kind(call.name.base(), &types, FunctionKind::Aggregate) {
                        Ok(_) => true,
                        Err(e) => e.code().as_str() == "42725",
                    };
                found |= agg;
            }
        }
    });
    found
}

/// The columns `refs` reads that are not group keys but belong to a table
/// whose whole primary key is among the plain column keys.
fn dependent_columns(
    scope: &Scope,
    keys: &[ScalarExpr],
    refs: &[(usize, Option<u32>)],
) -> Vec<usize> {
    let is_key = |c: usize| {
        keys.iter()
            .any(|k| matches!(k, ScalarExpr::Column(i) if *i == c))
    };
    let mut out: Vec<usize> = Vec::new();
    for &(c, _) in refs {
        if is_key(c) || out.contains(&c) {
            continue;
        }
        let dependent = scope
            .table_keys
            .iter()
            .any(|(key, range)| range.contains(&c) && key.iter().all(|&k| is_key(k)));
        if dependent {
            out.push(c);
        }
    }
    out
}

/// A set-returning function of a composite type in a target list: its
/// rows' fields made back into one record column.
fn composite_srf_target(
    resolved: crate::functions::Resolved,
    bound: Vec<ScalarExpr>,
    ty: Arc<crate::types::RecordType>,
) -> (Plan, Scope) {
    let name = resolved.def.name.to_string();
    let fields: Vec<Field> = resolved
        .columns()
        .into_iter()
        .map(|(n, t)| Field::new(n, t))
        .collect();
    let width = fields.len();
    let scan = Plan::new(
        PlanNode::FunctionScan {
            func: Arc::new(resolved),
            name: name.clone(),
            args: bound,
            ordinality: false,
        },
        Schema::new(fields),
    );
    let record = super::row_value::make_row(
        (0..width).map(ScalarExpr::Column).collect(),
        (*ty).clone(),
        None,
    );
    let data_type = record.ty.clone();
    let plan = Plan::new(
        PlanNode::Project {
            input: Box::new(scan),
            exprs: vec![record.expr],
        },
        Schema::new(vec![Field::new(name.clone(), data_type.clone())]),
    );
    let scope = Scope {
        columns: vec![ScopeColumn {
            relation: None,
            name,
            data_type,
            unqualified: false,
            in_star: false,
        }],
        ..Scope::default()
    };
    (plan, scope)
}
