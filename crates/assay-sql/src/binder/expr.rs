//! Expression binding: names, literals, parameters, casts, boolean logic and
//! the conditional expressions (CASE, COALESCE, NULLIF, GREATEST, LEAST).

use assay_storage::{err, Result, SqlState};

use super::errors::{at, unsupported};
use super::rows;
use super::scope::{missing_column, missing_relation, Found, Scope};
use super::typename::resolve_type_with;
use super::{Binder, Typed};
use crate::ast::{self, Expr, Literal, UnaryOp};
use crate::plan::{AggCall, ScalarExpr, WindowCall};
use crate::types::{DataType, Numeric, Value};

/// Placeholder depths of `ScalarExpr::Outer` for calls collected while
/// binding, replaced by `rewrite` once the Aggregate/Window layout is known.
pub const AGG_MARK: usize = usize::MAX;
pub const WIN_MARK: usize = usize::MAX - 1;
pub const GROUPING_MARK: usize = usize::MAX - 2;

/// What an expression may contain where it is being bound.
pub(crate) struct ExprCtx<'s> {
    pub scope: &'s Scope,
    /// The clause, for errors: "WHERE", "JOIN conditions", …
    pub clause: &'static str,
    pub allow_aggs: bool,
    pub allow_windows: bool,
    pub aggs: Vec<AggCall>,
    /// Source position of each collected aggregate call.
    pub agg_positions: Vec<Option<u32>>,
    pub windows: Vec<WindowCall>,
    /// `grouping(…)` calls: the group-key positions of their arguments.
    pub groupings: Vec<Vec<usize>>,
    /// Group keys (over the input), for `grouping()`.
    pub group_keys: Vec<String>,
    pub in_agg: bool,
    /// Every column of `scope` referenced, with its position, in source
    /// order (for GROUP BY errors, which point at the first ungrouped one).
    pub column_refs: Vec<(usize, Option<u32>)>,
    pub named_windows: &'s [ast::NamedWindow],
}

impl<'s> ExprCtx<'s> {
    pub fn new(scope: &'s Scope, clause: &'static str) -> ExprCtx<'s> {
        ExprCtx {
            scope,
            clause,
            allow_aggs: false,
            allow_windows: false,
            aggs: Vec::new(),
            agg_positions: Vec::new(),
            windows: Vec::new(),
            groupings: Vec::new(),
            group_keys: Vec::new(),
            in_agg: false,
            column_refs: Vec::new(),
            named_windows: &[],
        }
    }
}

/// The leftmost source position of an expression, as `exprLocation` gives.
pub fn expr_pos(e: &Expr) -> Option<u32> {
    match e {
        Expr::Column { pos, .. } | Expr::Literal { pos, .. } | Expr::Param { pos, .. } => pos.get(),
        Expr::Cast { expr, pos, .. } => expr_pos(expr).or(pos.get()),
        Expr::Function(f) => f.pos.get(),
        Expr::Unary { expr, .. } => expr_pos(expr),
        Expr::Binary { left, right, .. } | Expr::IsDistinctFrom { left, right, .. } => {
            expr_pos(left).or_else(|| expr_pos(right))
        }
        Expr::Like { expr, .. }
        | Expr::IsNull { expr, .. }
        | Expr::IsBool { expr, .. }
        | Expr::Between { expr, .. }
        | Expr::InList { expr, .. }
        | Expr::InSubquery { expr, .. }
        | Expr::Subscript { expr, .. }
        | Expr::Field { expr, .. }
        | Expr::Collate { expr, .. }
        | Expr::AtTimeZone { expr, .. } => expr_pos(expr),
        Expr::Quantified { left, .. } | Expr::QuantifiedSubquery { left, .. } => expr_pos(left),
        Expr::Case { operand, whens, .. } => operand
            .as_deref()
            .and_then(expr_pos)
            .or_else(|| whens.first().and_then(|w| expr_pos(&w.0))),
        Expr::Coalesce(list)
        | Expr::Greatest(list)
        | Expr::Least(list)
        | Expr::Array(list)
        | Expr::Row(list) => list.iter().find_map(expr_pos),
        Expr::NullIf(a, b) => expr_pos(a).or_else(|| expr_pos(b)),
        _ => None,
    }
}

/// An integer or decimal literal with the type PostgreSQL gives it.
pub fn number_literal(s: &str) -> Result<(Value, DataType)> {
    if let Ok(v) = s.parse::<i64>() {
        return Ok(match i32::try_from(v) {
            Ok(v) => (Value::Int4(v), DataType::Int4),
            Err(_) => (Value::Int8(v), DataType::Int8),
        });
    }
    let n = Numeric::parse(s)?;
    Ok((Value::numeric(n), DataType::Numeric(None)))
}

impl Binder<'_> {
    pub(crate) fn bind_expr(&mut self, e: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        let pos = expr_pos(e);
        match e {
            Expr::Column { names, pos } => self.bind_column(names, pos.get(), cx),
            Expr::Literal { value, pos } => self.bind_literal(value, pos.get()),
            Expr::Param { index, pos } => {
                let idx = (*index as usize).saturating_sub(1);
                if *index == 0 || idx > 65535 {
                    return Err(at(
                        err!(
                            super::errors::UNDEFINED_PARAMETER,
                            "there is no parameter ${}",
                            index
                        ),
                        pos.get(),
                    ));
                }
                if self.params.len() <= idx {
                    self.params.resize(idx + 1, DataType::Unknown);
                }
                let ty = self.params[idx].clone();
                Ok(Typed::new(
                    ScalarExpr::Param {
                        index: idx,
                        data_type: ty.clone(),
                    },
                    ty,
                    pos.get(),
                ))
            }
            Expr::Default => Err(err!(
                SqlState::SYNTAX_ERROR,
                "DEFAULT is not allowed in this context"
            )),
            Expr::Unary { op, expr } => self.bind_unary(*op, expr, cx),
            Expr::Binary { op, left, right } if rows::is_row(left) || rows::is_row(right) => {
                self.bind_row_comparison(op, left, right, cx)
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } if rows::is_row(left) || rows::is_row(right) => {
                self.bind_row_distinct(left, right, *negated, cx)
            }
            Expr::InList {
                expr,
                list,
                negated,
            } if rows::is_row(expr) => self.bind_row_in_list(expr, list, *negated, cx),
            Expr::InSubquery {
                expr,
                query,
                negated,
            } if rows::is_row(expr) => self.bind_row_in_subquery(expr, query, *negated, cx),
            Expr::Binary { op, left, right } => self.bind_binary(op, left, right, cx),
            Expr::Like { .. }
            | Expr::IsNull { .. }
            | Expr::IsBool { .. }
            | Expr::IsDistinctFrom { .. }
            | Expr::Between { .. }
            | Expr::InList { .. }
            | Expr::Quantified { .. } => self.bind_predicate(e, cx),
            Expr::InSubquery { .. }
            | Expr::QuantifiedSubquery { .. }
            | Expr::Exists { .. }
            | Expr::Subquery { .. }
            | Expr::ArraySubquery(_) => self.bind_subquery_expr(e, cx),
            Expr::Case {
                operand,
                whens,
                else_result,
            } => self.bind_case(operand.as_deref(), whens, else_result.as_deref(), cx),
            Expr::Cast {
                expr,
                type_name,
                pos,
            } => {
                let to = resolve_type_with(type_name, &|s, n| self.catalog.type_named(s, n))?;
                // `ARRAY[]::int[]`: the cast gives the empty array its type.
                if matches!(expr.as_ref(), Expr::Array(items) if items.is_empty())
                    && matches!(to, DataType::Array(_))
                {
                    let empty = Value::Array(std::sync::Arc::new(crate::types::Array::empty()));
                    return Ok(Typed::new(
                        ScalarExpr::constant(empty, to.clone()),
                        to,
                        pos.get(),
                    ));
                }
                let inner = self.bind_expr(expr, cx)?;
                self.cast_explicit(inner, &to, pos.get())
            }
            Expr::Coalesce(args) => {
                let (args, ty) = self.bind_common(args, "COALESCE", cx)?;
                Ok(Typed::new(
                    ScalarExpr::Coalesce {
                        args,
                        data_type: ty.clone(),
                    },
                    ty,
                    pos,
                ))
            }
            Expr::Greatest(args) | Expr::Least(args) => {
                let greatest = matches!(e, Expr::Greatest(_));
                let (args, ty) =
                    self.bind_common(args, if greatest { "GREATEST" } else { "LEAST" }, cx)?;
                Ok(Typed::new(
                    ScalarExpr::MinMax {
                        greatest,
                        args,
                        data_type: ty.clone(),
                    },
                    ty,
                    pos,
                ))
            }
            Expr::NullIf(a, b) => {
                let l = self.bind_expr(a, cx)?;
                let r = self.bind_expr(b, cx)?;
                let (l, r) = self.unify_for_compare(l, r, "=")?;
                let ty = l.ty.clone();
                let expr = ScalarExpr::NullIf {
                    left: Box::new(l.expr),
                    right: Box::new(r.expr),
                    data_type: ty.clone(),
                };
                Ok(Typed::new(expr, ty, pos))
            }
            Expr::Array(items) => self.bind_array(items, cx, pos),
            Expr::Subscript { expr, subscript } => {
                let base = self.bind_expr(expr, cx)?;
                if base.ty == DataType::Jsonb {
                    return self.bind_jsonb_subscript(base, subscript, cx);
                }
                let elem = match &base.ty {
                    DataType::Array(elem) => Some(elem.clone()),
                    // Subscripted from 0, which their values carry.
                    DataType::Int2Vector | DataType::OidVector => {
                        base.ty.element().cloned().map(Box::new)
                    }
                    _ => None,
                };
                let Some(elem) = elem else {
                    return Err(at(
                        err!(
                            SqlState::DATATYPE_MISMATCH,
                            "cannot subscript type {} because it does not support subscripting",
                            base.ty
                        ),
                        pos,
                    ));
                };
                let ast::Subscript::Index(i) = subscript.as_ref() else {
                    return Err(unsupported("array slices"));
                };
                let idx = self.bind_expr(i, cx)?;
                let idx = self
                    .coerce_implicit(idx.clone(), &DataType::Int4)?
                    .ok_or_else(|| {
                        at(
                            err!(
                                SqlState::DATATYPE_MISMATCH,
                                "array subscript must have type integer"
                            ),
                            idx.pos,
                        )
                    })?;
                let expr = ScalarExpr::Subscript {
                    expr: Box::new(base.expr),
                    index: Box::new(idx.expr),
                    data_type: (*elem).clone(),
                };
                Ok(Typed::new(expr, *elem, pos))
            }
            Expr::Collate { expr, .. } => self.bind_expr(expr, cx),
            Expr::Function(call) => self.bind_function(call, cx),
            Expr::Grouping(args) => self.bind_grouping(args, cx),
            Expr::Extract { .. }
            | Expr::Position { .. }
            | Expr::Substring { .. }
            | Expr::Trim { .. }
            | Expr::Overlay { .. }
            | Expr::AtTimeZone { .. }
            | Expr::SqlValue { .. } => self.bind_special_function(e, cx),
            Expr::Row(items) => self.bind_row_value(items, pos, cx),
            Expr::Field { expr, field } => self.bind_field_selection(expr, field, pos, cx),
        }
    }

    fn bind_column(
        &mut self,
        names: &[String],
        pos: Option<u32>,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        if let [t, star] = names {
            if star == "*" {
                if let Some(row) = self.bind_whole_row(t, pos, cx)? {
                    return Ok(row);
                }
            }
        }
        let (relation, name) = match names {
            [c] => (None, c.as_str()),
            [t, c] => (Some(t.as_str()), c.as_str()),
            [_, t, c] => (Some(t.as_str()), c.as_str()),
            _ => {
                return Err(at(
                    err!(
                        SqlState::SYNTAX_ERROR,
                        "improper qualified name (too many dotted names)"
                    ),
                    pos,
                ))
            }
        };
        if let Found::Here(i) = cx.scope.resolve(relation, name, pos)? {
            let ty = cx.scope.columns[i].data_type.clone();
            cx.column_refs.push((i, pos));
            return Ok(Typed::new(
                with_full_type(ScalarExpr::Column(i), &ty),
                ty,
                pos,
            ));
        }
        if relation.is_none() {
            if let Some(row) = self.bind_whole_row(name, pos, cx)? {
                return Ok(row);
            }
        }
        let mut relation_seen = relation.is_none_or(|r| cx.scope.has_relation(r));
        for (d, scope) in self.outer.iter().rev().enumerate() {
            relation_seen |= relation.is_some_and(|r| scope.has_relation(r));
            if let Found::Here(i) = scope.resolve(relation, name, pos)? {
                let ty = scope.columns[i].data_type.clone();
                let index = grouped_outer_index(scope, i, pos)?;
                return Ok(Typed::new(
                    ScalarExpr::Outer {
                        depth: d + 1,
                        index,
                    },
                    ty,
                    pos,
                ));
            }
        }
        if let (Some(r), false) = (relation, relation_seen) {
            return Err(missing_relation(r, pos));
        }
        let mut scopes: Vec<&Scope> = vec![cx.scope];
        scopes.extend(self.outer.iter().rev());
        Err(missing_column(&scopes, relation, name, pos))
    }

    fn bind_literal(&mut self, value: &Literal, pos: Option<u32>) -> Result<Typed> {
        let (v, ty) = match value {
            Literal::Number(s) => number_literal(s).map_err(|e| at(e, pos))?,
            Literal::String(s) => (Value::text(s), DataType::Unknown),
            Literal::Boolean(b) => (Value::Bool(*b), DataType::Bool),
            Literal::Null => (Value::Null, DataType::Unknown),
            Literal::BitString { hex, digits } => (
                crate::types::bit::bit_literal(*hex, digits).map_err(|e| at(e, pos))?,
                DataType::Bit(None),
            ),
        };
        Ok(Typed::new(ScalarExpr::constant(v, ty.clone()), ty, pos))
    }

    fn bind_unary(&mut self, op: UnaryOp, inner: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        if let (
            UnaryOp::Minus,
            Expr::Literal {
                value: Literal::Number(s),
                pos,
            },
        ) = (op, inner)
        {
            return self.bind_literal(&Literal::Number(format!("-{s}")), pos.get());
        }
        let t = self.bind_expr(inner, cx)?;
        match op {
            UnaryOp::Not => {
                let t = self.coerce_bool(t, "NOT")?;
                Ok(Typed::new(
                    ScalarExpr::Not(Box::new(t.expr)),
                    DataType::Bool,
                    t.pos,
                ))
            }
            UnaryOp::Minus | UnaryOp::Plus => {
                let t = if t.ty == DataType::Unknown {
                    self.cast_to(t, &DataType::Float8, false)?
                } else {
                    t
                };
                let ok = matches!(
                    t.ty,
                    DataType::Int2
                        | DataType::Int4
                        | DataType::Int8
                        | DataType::Float4
                        | DataType::Float8
                        | DataType::Numeric(_)
                        | DataType::Interval(_)
                );
                let symbol = if op == UnaryOp::Minus { "-" } else { "+" };
                if !ok {
                    return Err(no_prefix_operator(symbol, &t));
                }
                if op == UnaryOp::Plus {
                    return Ok(t);
                }
                let ty = t.ty.without_typmod();
                Ok(Typed::new(
                    ScalarExpr::Negate {
                        expr: Box::new(t.expr),
                        data_type: ty.clone(),
                    },
                    ty,
                    t.pos,
                ))
            }
            UnaryOp::BitNot => self.bind_prefix_operator("~", t),
            UnaryOp::Abs => self.bind_prefix_operator("@", t),
            UnaryOp::SquareRoot => self.bind_prefix_operator("|/", t),
            UnaryOp::CubeRoot => self.bind_prefix_operator("||/", t),
        }
    }

    /// AND/OR chains, flattened.
    pub(crate) fn bind_logic(
        &mut self,
        and: bool,
        left: &Expr,
        right: &Expr,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let name = if and { "AND" } else { "OR" };
        let mut items = Vec::new();
        let mut pos = None;
        for side in [left, right] {
            let t = self.bind_expr(side, cx)?;
            let t = self.coerce_bool(t, name)?;
            pos = pos.or(t.pos);
            match (and, t.expr) {
                (true, ScalarExpr::And(list)) | (false, ScalarExpr::Or(list)) => items.extend(list),
                (_, e) => items.push(e),
            }
        }
        let expr = if and {
            ScalarExpr::And(items)
        } else {
            ScalarExpr::Or(items)
        };
        Ok(Typed::new(expr, DataType::Bool, pos))
    }

    /// Binds a list and casts it to the common type.
    pub(crate) fn bind_common(
        &mut self,
        args: &[Expr],
        context: &str,
        cx: &mut ExprCtx,
    ) -> Result<(Vec<ScalarExpr>, DataType)> {
        let mut items = Vec::with_capacity(args.len());
        for a in args {
            items.push(self.bind_expr(a, cx)?);
        }
        let (items, ty) = self.coerce_common(items, context)?;
        Ok((items.into_iter().map(|t| t.expr).collect(), ty))
    }

    fn bind_case(
        &mut self,
        operand: Option<&Expr>,
        whens: &[(Expr, Expr)],
        else_result: Option<&Expr>,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let pos = operand
            .and_then(expr_pos)
            .or_else(|| whens.first().and_then(|w| expr_pos(&w.0)));
        // ELSE comes first, as in PostgreSQL's type resolution for CASE.
        let mut results = Vec::new();
        if let Some(e) = else_result {
            results.push(self.bind_expr(e, cx)?);
        }
        for (_, then) in whens {
            results.push(self.bind_expr(then, cx)?);
        }
        let (mut results, ty) = self.coerce_common(results, "CASE")?;
        let else_expr = if else_result.is_some() {
            Some(Box::new(results.remove(0).expr))
        } else {
            None
        };
        let (operand, conditions) = match operand {
            Some(op) => {
                let o = self.bind_expr(op, cx)?;
                let mut items = vec![o];
                for (w, _) in whens {
                    items.push(self.bind_expr(w, cx)?);
                }
                let (mut items, _) = self.coerce_common(items, "CASE/WHEN")?;
                let o = items.remove(0);
                (
                    Some(Box::new(o.expr)),
                    items.into_iter().map(|t| t.expr).collect::<Vec<_>>(),
                )
            }
            None => {
                let mut conds = Vec::new();
                for (w, _) in whens {
                    let c = self.bind_expr(w, cx)?;
                    conds.push(self.coerce_bool(c, "CASE/WHEN")?.expr);
                }
                (None, conds)
            }
        };
        let whens = conditions
            .into_iter()
            .zip(results.into_iter().map(|t| t.expr))
            .collect();
        let expr = ScalarExpr::Case {
            operand,
            whens,
            else_result: else_expr,
            data_type: ty.clone(),
        };
        Ok(Typed::new(expr, ty, pos))
    }

    fn bind_array(&mut self, items: &[Expr], cx: &mut ExprCtx, pos: Option<u32>) -> Result<Typed> {
        if items.is_empty() {
            return Err(at(
                err!(
                    SqlState::new(b"42P18"),
                    "cannot determine type of empty array"
                )
                .with_hint("Explicitly cast to the desired type, for example ARRAY[]::integer[]."),
                pos,
            ));
        }
        let (elements, elem) = self.bind_common(items, "ARRAY", cx)?;
        // A nested ARRAY[ARRAY[…]] is a multi-dimensional array of the same type.
        let ty = match elem {
            DataType::Array(_) => elem,
            e => DataType::Array(Box::new(e)),
        };
        Ok(Typed::new(
            ScalarExpr::Array {
                elements,
                data_type: ty.clone(),
            },
            ty,
            pos,
        ))
    }
}

fn no_prefix_operator(symbol: &str, t: &Typed) -> assay_storage::Error {
    at(
        err!(SqlState::UNDEFINED_FUNCTION, "operator does not exist: {} {}", symbol, t.ty).with_hint(
            "No operator matches the given name and argument type. You might need to add an explicit type cast.",
        ),
        t.pos,
    )
}

/// A column of an enclosing query seen from its subquery: when that query
/// is grouped its row is the Aggregate's, so the column must be a key.
fn grouped_outer_index(scope: &Scope, i: usize, pos: Option<u32>) -> Result<usize> {
    let Some(map) = &scope.group_map else {
        return Ok(i);
    };
    map.get(i).copied().flatten().ok_or_else(|| {
        let c = &scope.columns[i];
        let shown = match &c.relation {
            Some(r) => format!("{}.{}", r, c.name),
            None => c.name.clone(),
        };
        at(
            err!(
                super::errors::GROUPING_ERROR,
                "subquery uses ungrouped column \"{}\" from outer query",
                shown
            ),
            pos,
        )
    })
}

/// A composite column read from a table holds records that name only
/// their type's OID (see `types/record.rs`); a cast to the column's own
/// type puts the fields' names back.
pub(super) fn with_full_type(e: ScalarExpr, ty: &DataType) -> ScalarExpr {
    match ty {
        DataType::Record(Some(t)) if t.oid != crate::types::record::RECORD_OID => {
            ScalarExpr::Cast {
                expr: Box::new(e),
                from: ty.clone(),
                to: ty.clone(),
            }
        }
        _ => e,
    }
}
