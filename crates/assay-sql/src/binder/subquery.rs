//! Subqueries in expressions: scalar, EXISTS, ARRAY(…), IN and op ANY/ALL.
//! The enclosing query's row is visible to them as `ScalarExpr::Outer`.

use assay_storage::{err, Result, SqlState};

use super::errors::{at, unsupported};
use super::expr::{expr_pos, ExprCtx};
use super::operators::cmp_op;
use super::{Binder, Typed};
use crate::ast::{Expr, Quantifier, Query};
use crate::plan::{CmpOp, Plan, ScalarExpr, SubqueryKind};
use crate::types::DataType;

impl Binder<'_> {
    /// Binds a subquery with the current scope as its depth-1 outer row.
    pub(super) fn bind_correlated(&mut self, q: &Query, cx: &ExprCtx) -> Result<Plan> {
        self.outer.push(cx.scope.clone());
        let plan = self.bind_query(q, true);
        self.outer.pop();
        plan
    }

    pub(crate) fn bind_subquery_expr(&mut self, e: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        let pos = expr_pos(e);
        match e {
            Expr::Subquery { query } => {
                let plan = self.bind_correlated(query, cx)?;
                if plan.schema.len() != 1 {
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "subquery must return only one column"
                    ));
                }
                let ty = plan.schema.fields[0].data_type.clone();
                let expr = ScalarExpr::Subquery {
                    plan: Box::new(plan),
                    kind: SubqueryKind::Scalar,
                    data_type: ty.clone(),
                };
                Ok(Typed::new(expr, ty, pos))
            }
            Expr::Exists { query } => {
                let plan = self.bind_correlated(query, cx)?;
                let expr = ScalarExpr::Subquery {
                    plan: Box::new(plan),
                    kind: SubqueryKind::Exists,
                    data_type: DataType::Bool,
                };
                Ok(Typed::new(expr, DataType::Bool, pos))
            }
            Expr::ArraySubquery(query) => {
                let plan = self.bind_correlated(query, cx)?;
                if plan.schema.len() != 1 {
                    return Err(err!(
                        SqlState::SYNTAX_ERROR,
                        "subquery must return only one column"
                    ));
                }
                let elem = plan.schema.fields[0].data_type.clone();
                let ty = match elem {
                    DataType::Array(_) => elem,
                    e => DataType::Array(Box::new(e)),
                };
                let expr = ScalarExpr::Subquery {
                    plan: Box::new(plan),
                    kind: SubqueryKind::Array,
                    data_type: ty.clone(),
                };
                Ok(Typed::new(expr, ty, pos))
            }
            Expr::InSubquery {
                expr,
                query,
                negated,
            } => {
                let (op, all) = if *negated {
                    (CmpOp::NotEq, true)
                } else {
                    (CmpOp::Eq, false)
                };
                self.bind_quantified(expr, query, op, if *negated { "<>" } else { "=" }, all, cx)
            }
            Expr::QuantifiedSubquery {
                op,
                quantifier,
                left,
                query,
            } => {
                let Some((cmp, symbol)) = cmp_op(op) else {
                    return Err(at(unsupported("this operator with ANY/ALL"), pos));
                };
                self.bind_quantified(left, query, cmp, symbol, *quantifier == Quantifier::All, cx)
            }
            _ => Err(at(unsupported("this subquery form"), pos)),
        }
    }

    fn bind_quantified(
        &mut self,
        left: &Expr,
        query: &Query,
        op: CmpOp,
        symbol: &str,
        all: bool,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let lhs = self.bind_expr(left, cx)?;
        let pos = lhs.pos;
        let plan = self.bind_correlated(query, cx)?;
        check_subquery_width(&plan, 1)?;
        let col_ty = plan.schema.fields[0].data_type.clone();
        let probe = Typed::new(ScalarExpr::Column(0), col_ty.clone(), None);
        let (lhs, probe) = self.unify_for_compare(lhs, probe, symbol)?;
        let plan = if probe.ty != col_ty {
            self.cast_plan_columns(plan, std::slice::from_ref(&probe.ty))?
        } else {
            plan
        };
        let lhs = Box::new(lhs.expr);
        let kind = if all {
            SubqueryKind::All { lhs, op }
        } else {
            SubqueryKind::Any { lhs, op }
        };
        let expr = ScalarExpr::Subquery {
            plan: Box::new(plan),
            kind,
            data_type: DataType::Bool,
        };
        Ok(Typed::new(expr, DataType::Bool, pos))
    }
}

/// A quantified subquery must yield as many columns as its left side has:
/// PostgreSQL's `subquery has too many (few) columns` otherwise.
pub(super) fn check_subquery_width(plan: &crate::plan::Plan, width: usize) -> Result<()> {
    if plan.schema.len() == width {
        return Ok(());
    }
    let msg = if plan.schema.len() > width {
        "subquery has too many columns"
    } else {
        "subquery has too few columns"
    };
    // PostgreSQL points at the operator, which the AST does not locate.
    Err(err!(SqlState::SYNTAX_ERROR, "{}", msg))
}
