//! Function calls: scalar functions, aggregates (collected for the
//! Aggregate node), window functions (collected for the Window node),
//! `grouping()`, and the SQL-syntax functions (EXTRACT, SUBSTRING, TRIM, …).

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::errors::{
    at, error_at, unsupported, GROUPING_ERROR, WINDOWING_ERROR, WRONG_OBJECT_TYPE,
};
use super::expr::{expr_pos, ExprCtx, AGG_MARK, GROUPING_MARK, WIN_MARK};
use super::within_group::is_ordered_set;
use super::{Binder, Typed};
use crate::ast::{self, Expr, FunctionCall, TrimSide};
use crate::functions::{lookup, FunctionKind, Resolved};
use crate::plan::{
    AggCall, FrameBound, FrameExclude, FrameUnits, ScalarExpr, SortKey, WindowCall, WindowFrame,
};
use crate::types::{DataType, Value};

impl Binder<'_> {
    /// Casts bound arguments to a resolved function's parameter types.
    pub(crate) fn cast_args(
        &mut self,
        resolved: &Resolved,
        args: Vec<Typed>,
    ) -> Result<Vec<ScalarExpr>> {
        let mut out = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            match resolved.arg_types.get(i) {
                Some(t) if *t != a.ty => out.push(self.cast_to(a, t, false)?.expr),
                _ => out.push(self.resolve_unknown(a)?.expr),
            }
        }
        Ok(out)
    }

    /// Resolves and calls a scalar function on bound arguments.
    pub(crate) fn call_scalar(
        &mut self,
        name: &str,
        args: Vec<Typed>,
        pos: Option<u32>,
    ) -> Result<Typed> {
        let types: Vec<DataType> = args.iter().map(|a| a.ty.clone()).collect();
        let resolved = lookup(name, &types).map_err(|e| at(e, pos))?;
        let ty = resolved.return_type.clone();
        let args = self.cast_args(&resolved, args)?;
        Ok(Typed::new(
            ScalarExpr::Function {
                func: Arc::new(resolved),
                args,
            },
            ty,
            pos,
        ))
    }

    pub(crate) fn bind_function(&mut self, call: &FunctionCall, cx: &mut ExprCtx) -> Result<Typed> {
        if !call.within_group.is_empty() {
            return self.bind_within_group(call, cx);
        }
        self.bind_aggregate_call(call, cx, false)
    }

    /// Binds a call (of any kind: the name decides); `within_group` says
    /// it was written with WITHIN GROUP, now folded into its arguments and
    /// ORDER BY.
    pub(super) fn bind_aggregate_call(
        &mut self,
        call: &FunctionCall,
        cx: &mut ExprCtx,
        within_group: bool,
    ) -> Result<Typed> {
        let pos = call.pos.get();
        let name = call.name.base().to_string();
        let aggs_before = cx.aggs.len();
        let mut args = Vec::with_capacity(call.args.len());
        for a in &call.args {
            if a.name.is_some() {
                return Err(at(unsupported("named function arguments"), pos));
            }
            args.push(self.bind_expr(&a.value, cx)?);
        }
        let types: Vec<DataType> = args.iter().map(|a| a.ty.clone()).collect();
        let resolved = lookup(&name, &types).map_err(|e| at(e, pos))?;
        let kind = resolved.def.kind();
        if within_group && !is_ordered_set(&name) {
            return Err(at(
                err!(
                    WRONG_OBJECT_TYPE,
                    "{} is not an ordered-set aggregate, so it cannot have WITHIN GROUP",
                    name
                ),
                pos,
            ));
        }
        if !within_group && kind == FunctionKind::Aggregate && is_ordered_set(&name) {
            return Err(at(
                err!(
                    WRONG_OBJECT_TYPE,
                    "WITHIN GROUP is required for ordered-set aggregate {}",
                    name
                ),
                pos,
            ));
        }
        let is_agg_syntax =
            call.distinct || !call.order_by.is_empty() || call.filter.is_some() || call.star;
        if call.over.is_some() {
            return self.bind_window_call(call, resolved, args, cx);
        }
        match kind {
            FunctionKind::Aggregate => {}
            FunctionKind::Window => {
                return Err(at(
                    err!(
                        WRONG_OBJECT_TYPE,
                        "window function {} requires an OVER clause",
                        name
                    ),
                    pos,
                ))
            }
            _ if is_agg_syntax => {
                return Err(at(
                    err!(
                        WRONG_OBJECT_TYPE,
                        "{} specified, but {} is not an aggregate function",
                        if call.distinct {
                            "DISTINCT"
                        } else if call.filter.is_some() {
                            "FILTER"
                        } else {
                            "ORDER BY"
                        },
                        name
                    ),
                    pos,
                ))
            }
            FunctionKind::SetReturning => {
                return Err(at(
                    err!(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "set-returning functions are not allowed in {}",
                        cx.clause
                    ),
                    pos,
                ))
            }
            FunctionKind::Scalar => {
                let ty = resolved.return_type.clone();
                let args = self.cast_args(&resolved, args)?;
                return Ok(Typed::new(
                    ScalarExpr::Function {
                        func: Arc::new(resolved),
                        args,
                    },
                    ty,
                    pos,
                ));
            }
        }
        // An aggregate.
        if !cx.allow_aggs {
            return Err(at(
                err!(
                    GROUPING_ERROR,
                    "aggregate functions are not allowed in {}",
                    cx.clause
                ),
                pos,
            ));
        }
        if cx.aggs.len() > aggs_before {
            let inner = cx.agg_positions.get(aggs_before).copied().flatten();
            return Err(at(
                err!(GROUPING_ERROR, "aggregate function calls cannot be nested"),
                inner,
            ));
        }
        if cx.in_agg {
            return Err(at(
                err!(GROUPING_ERROR, "aggregate function calls cannot be nested"),
                pos,
            ));
        }
        let was_in_agg = std::mem::replace(&mut cx.in_agg, true);
        let filter = match &call.filter {
            Some(f) => {
                let t = self.bind_expr(f, cx)?;
                Some(self.coerce_bool(t, "FILTER")?.expr)
            }
            None => None,
        };
        let order_by = self.bind_sort_keys(&call.order_by, cx)?;
        cx.in_agg = was_in_agg;
        if cx.aggs.len() > aggs_before {
            let inner = cx.agg_positions.get(aggs_before).copied().flatten();
            return Err(at(
                err!(GROUPING_ERROR, "aggregate function calls cannot be nested"),
                inner,
            ));
        }
        let ty = resolved.return_type.clone();
        let args = self.cast_args(&resolved, args)?;
        let call = AggCall {
            func: Arc::new(resolved),
            args,
            distinct: call.distinct,
            filter,
            order_by,
            data_type: ty.clone(),
        };
        // The same call twice (in targets and HAVING) is computed once.
        let key = format!(
            "{:?}|{:?}|{}|{:?}|{:?}",
            call.func.def.id, call.args, call.distinct, call.filter, call.order_by
        );
        let index = match cx.aggs.iter().position(|a| {
            format!(
                "{:?}|{:?}|{}|{:?}|{:?}",
                a.func.def.id, a.args, a.distinct, a.filter, a.order_by
            ) == key
        }) {
            Some(i) => i,
            None => {
                cx.aggs.push(call);
                cx.agg_positions.push(pos);
                cx.aggs.len() - 1
            }
        };
        Ok(Typed::new(
            ScalarExpr::Outer {
                depth: AGG_MARK,
                index,
            },
            ty,
            pos,
        ))
    }

    /// Sort keys over the context's scope (aggregate ORDER BY, windows).
    pub(crate) fn bind_sort_keys(
        &mut self,
        keys: &[ast::SortBy],
        cx: &mut ExprCtx,
    ) -> Result<Vec<SortKey>> {
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let t = self.bind_expr(&k.expr, cx)?;
            let t = self.resolve_unknown(t)?;
            let (descending, nulls_first) = sort_order(k)?;
            out.push(SortKey {
                expr: t.expr,
                descending,
                nulls_first,
            });
        }
        Ok(out)
    }

    fn bind_window_call(
        &mut self,
        call: &FunctionCall,
        resolved: Resolved,
        args: Vec<Typed>,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let pos = call.pos.get();
        if !cx.allow_windows {
            return Err(at(
                err!(
                    WINDOWING_ERROR,
                    "window functions are not allowed in {}",
                    cx.clause
                ),
                pos,
            ));
        }
        if cx.in_agg {
            return Err(at(
                err!(
                    GROUPING_ERROR,
                    "aggregate function calls cannot contain window function calls"
                ),
                pos,
            ));
        }
        if !matches!(
            resolved.def.kind(),
            FunctionKind::Aggregate | FunctionKind::Window
        ) {
            return Err(at(
                err!(
                    WRONG_OBJECT_TYPE,
                    "OVER specified, but {} is not a window function nor an aggregate function",
                    call.name.base()
                ),
                pos,
            ));
        }
        if call.distinct {
            return Err(at(
                err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "DISTINCT is not implemented for window functions"
                ),
                pos,
            ));
        }
        let spec = match call.over.as_ref() {
            Some(ast::WindowRef::Named(n)) => self.named_window(n, cx, pos)?,
            Some(ast::WindowRef::Spec(s)) => self.merge_window(s, cx, pos)?,
            None => ast::WindowSpec::default(),
        };
        let mut partition_by = Vec::new();
        for p in &spec.partition_by {
            let t = self.bind_expr(p, cx)?;
            partition_by.push(self.resolve_unknown(t)?.expr);
        }
        let order_by = self.bind_sort_keys(&spec.order_by, cx)?;
        let frame = match &spec.frame {
            Some(f) => self.bind_frame(f, cx)?,
            None => WindowFrame::default_frame(),
        };
        let filter = match &call.filter {
            Some(f) => {
                let t = self.bind_expr(f, cx)?;
                Some(self.coerce_bool(t, "FILTER")?.expr)
            }
            None => None,
        };
        let ty = resolved.return_type.clone();
        let args = self.cast_args(&resolved, args)?;
        cx.windows.push(WindowCall {
            func: Arc::new(resolved),
            args,
            partition_by,
            order_by,
            frame,
            filter,
            data_type: ty.clone(),
        });
        Ok(Typed::new(
            ScalarExpr::Outer {
                depth: WIN_MARK,
                index: cx.windows.len() - 1,
            },
            ty,
            pos,
        ))
    }

    fn named_window(
        &mut self,
        name: &str,
        cx: &ExprCtx,
        pos: Option<u32>,
    ) -> Result<ast::WindowSpec> {
        cx.named_windows
            .iter()
            .find(|w| w.name == name)
            .map(|w| w.spec.clone())
            .ok_or_else(|| {
                at(
                    err!(
                        SqlState::UNDEFINED_OBJECT,
                        "window \"{}\" does not exist",
                        name
                    ),
                    pos,
                )
            })
    }

    /// `OVER (w ORDER BY …)`: a spec refining a named window.
    fn merge_window(
        &mut self,
        spec: &ast::WindowSpec,
        cx: &ExprCtx,
        pos: Option<u32>,
    ) -> Result<ast::WindowSpec> {
        let Some(base) = &spec.base else {
            return Ok(spec.clone());
        };
        let mut merged = self.named_window(base, cx, pos)?;
        if !spec.partition_by.is_empty() {
            return Err(at(
                err!(
                    WINDOWING_ERROR,
                    "cannot override PARTITION BY clause of window \"{}\"",
                    base
                ),
                pos,
            ));
        }
        if !spec.order_by.is_empty() {
            if !merged.order_by.is_empty() {
                return Err(at(
                    err!(
                        WINDOWING_ERROR,
                        "cannot override ORDER BY clause of window \"{}\"",
                        base
                    ),
                    pos,
                ));
            }
            merged.order_by = spec.order_by.clone();
        }
        if spec.frame.is_some() {
            merged.frame = spec.frame.clone();
        }
        Ok(merged)
    }

    fn bind_frame(&mut self, f: &ast::WindowFrame, cx: &mut ExprCtx) -> Result<WindowFrame> {
        let units = match f.units {
            ast::FrameUnits::Rows => FrameUnits::Rows,
            ast::FrameUnits::Range => FrameUnits::Range,
            ast::FrameUnits::Groups => FrameUnits::Groups,
        };
        let start = self.bind_bound(&f.start, cx)?;
        let end = match &f.end {
            Some(b) => self.bind_bound(b, cx)?,
            None => FrameBound::CurrentRow,
        };
        let exclude = match f.exclusion {
            None | Some(ast::FrameExclusion::NoOthers) => FrameExclude::NoOthers,
            Some(ast::FrameExclusion::CurrentRow) => FrameExclude::CurrentRow,
            Some(ast::FrameExclusion::Group) => FrameExclude::Group,
            Some(ast::FrameExclusion::Ties) => FrameExclude::Ties,
        };
        Ok(WindowFrame {
            units,
            start,
            end,
            exclude,
        })
    }

    fn bind_bound(&mut self, b: &ast::FrameBound, cx: &mut ExprCtx) -> Result<FrameBound> {
        let offset = |this: &mut Self, e: &Expr, cx: &mut ExprCtx| -> Result<Value> {
            let t = this.bind_expr(e, cx)?;
            match t.expr {
                ScalarExpr::Const { value, .. } => Ok(value),
                _ => Err(at(
                    err!(
                        WINDOWING_ERROR,
                        "argument of frame offset must not contain variables"
                    ),
                    expr_pos(e),
                )),
            }
        };
        Ok(match b {
            ast::FrameBound::UnboundedPreceding => FrameBound::UnboundedPreceding,
            ast::FrameBound::Preceding(e) => FrameBound::Preceding(offset(self, e, cx)?),
            ast::FrameBound::CurrentRow => FrameBound::CurrentRow,
            ast::FrameBound::Following(e) => FrameBound::Following(offset(self, e, cx)?),
            ast::FrameBound::UnboundedFollowing => FrameBound::UnboundedFollowing,
        })
    }

    /// `grouping(a, b)`: its arguments must be group keys.
    pub(crate) fn bind_grouping(&mut self, args: &[Expr], cx: &mut ExprCtx) -> Result<Typed> {
        let pos = args.first().and_then(expr_pos);
        if !cx.allow_aggs {
            return Err(at(
                err!(
                    GROUPING_ERROR,
                    "grouping operations are not allowed in {}",
                    cx.clause
                ),
                pos,
            ));
        }
        let mut keys = Vec::new();
        for a in args {
            let t = self.bind_expr(a, cx)?;
            let key = format!("{:?}", t.expr);
            let Some(k) = cx.group_keys.iter().position(|g| *g == key) else {
                return Err(at(
                    err!(GROUPING_ERROR, "arguments to GROUPING must be grouping expressions of the associated query level"),
                    t.pos,
                ));
            };
            keys.push(k);
        }
        cx.groupings.push(keys);
        Ok(Typed::new(
            ScalarExpr::Outer {
                depth: GROUPING_MARK,
                index: cx.groupings.len() - 1,
            },
            DataType::Int4,
            pos,
        ))
    }

    /// EXTRACT, POSITION, SUBSTRING, TRIM, OVERLAY, AT TIME ZONE and the
    /// keyword value functions, as calls of the functions they stand for.
    pub(crate) fn bind_special_function(&mut self, e: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        let pos = expr_pos(e);
        let text = |s: &str| {
            Typed::new(
                ScalarExpr::constant(Value::text(s), DataType::Unknown),
                DataType::Unknown,
                None,
            )
        };
        let (name, args): (&str, Vec<Typed>) = match e {
            Expr::Extract { field, expr } => {
                ("extract", vec![text(field), self.bind_expr(expr, cx)?])
            }
            Expr::Position { needle, haystack } => (
                "strpos",
                vec![self.bind_expr(haystack, cx)?, self.bind_expr(needle, cx)?],
            ),
            Expr::Substring { expr, from, count } => {
                let mut args = vec![self.bind_expr(expr, cx)?];
                match from {
                    Some(f) => args.push(self.bind_expr(f, cx)?),
                    None => args.push(Typed::new(
                        ScalarExpr::constant(Value::Int4(1), DataType::Int4),
                        DataType::Int4,
                        None,
                    )),
                }
                if let Some(c) = count {
                    args.push(self.bind_expr(c, cx)?);
                }
                ("substring", args)
            }
            Expr::Trim { side, chars, expr } => {
                let mut args = vec![self.bind_expr(expr, cx)?];
                if let Some(c) = chars {
                    args.push(self.bind_expr(c, cx)?);
                }
                let name = match side {
                    TrimSide::Both => "btrim",
                    TrimSide::Leading => "ltrim",
                    TrimSide::Trailing => "rtrim",
                };
                (name, args)
            }
            Expr::Overlay {
                expr,
                placing,
                from,
                count,
            } => {
                let mut args = vec![
                    self.bind_expr(expr, cx)?,
                    self.bind_expr(placing, cx)?,
                    self.bind_expr(from, cx)?,
                ];
                if let Some(c) = count {
                    args.push(self.bind_expr(c, cx)?);
                }
                ("overlay", args)
            }
            Expr::AtTimeZone { expr, zone } => (
                "timezone",
                vec![self.bind_expr(zone, cx)?, self.bind_expr(expr, cx)?],
            ),
            Expr::SqlValue { name, .. } => return self.bind_sql_value(name, pos),
            _ => return Err(unsupported("this expression")),
        };
        self.call_scalar(name, args, pos)
    }

    fn bind_sql_value(&mut self, name: &str, pos: Option<u32>) -> Result<Typed> {
        let now = |this: &mut Self| this.call_scalar("now", Vec::new(), pos);
        match name {
            "current_timestamp" => now(self),
            "current_date" | "localtimestamp" | "localtime" | "current_time" => {
                let to = match name {
                    "current_date" => DataType::Date,
                    "localtimestamp" => DataType::Timestamp(None),
                    _ => DataType::Time(None),
                };
                let t = now(self)?;
                self.cast_to(t, &to, true)
            }
            "current_user" | "user" | "session_user" | "current_role" | "current_catalog"
            | "current_schema" => match self.call_scalar(name, Vec::new(), pos) {
                Ok(t) => Ok(t),
                Err(_) => {
                    let v = if name == "current_schema" {
                        "public"
                    } else {
                        "postgres"
                    };
                    Ok(Typed::new(
                        ScalarExpr::constant(Value::text(v), DataType::Text),
                        DataType::Text,
                        pos,
                    ))
                }
            },
            _ => Err(error_at(
                SqlState::FEATURE_NOT_SUPPORTED,
                format!("{name} is not supported yet"),
                ast::Pos(pos.unwrap_or(0)),
            )),
        }
    }
}

/// `(descending, nulls_first)` of a sort key, with PostgreSQL's default
/// (NULLs sort as if larger than every value).
pub fn sort_order(k: &ast::SortBy) -> Result<(bool, bool)> {
    let descending = match &k.order {
        ast::SortOrder::Default | ast::SortOrder::Asc => false,
        ast::SortOrder::Desc => true,
        ast::SortOrder::Using(op) => match op.as_str() {
            "<" => false,
            ">" => true,
            _ => {
                return Err(at(
                    unsupported("ORDER BY USING with this operator"),
                    expr_pos(&k.expr),
                ))
            }
        },
    };
    Ok((descending, k.nulls_first.unwrap_or(descending)))
}
