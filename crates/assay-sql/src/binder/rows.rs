//! Row constructors in comparisons: `(a, b) < (1, 2)`, `ROW(a, b) IS
//! DISTINCT FROM ROW(c, d)`, `(a, b) IN ((1, 2), (3, 4))` and `(a, b) IN
//! (SELECT x, y …)`.
//!
//! PostgreSQL compares two rows column by column, and each of these forms
//! means a combination of the column comparisons, which is what they bind
//! to (no row value is ever made):
//!
//! - `=` is every pair equal (`a = x AND b = y`), `<>` some pair unequal;
//!   SQL's three-valued AND and OR give PostgreSQL's NULL rules (false if a
//!   pair differs, else NULL if a pair has a NULL, else true).
//! - `<`, `<=`, `>`, `>=` order rows by their first unequal pair:
//!   `(a, b) < (x, y)` is `a < x OR (a = x AND b < y)`. A NULL in the pair
//!   that decides makes the answer NULL, as PostgreSQL's left-to-right
//!   comparison stopping at the first unequal or NULL pair does.
//! - `IS DISTINCT FROM` is some pair distinct, `IS NOT DISTINCT FROM` every
//!   pair not distinct.
//! - `IN (list)` is some item's row equal, `NOT IN` every item's row
//!   unequal.
//! - `IN (subquery)` compares with each row of the subquery
//!   ([`SubqueryKind::RowIn`]).
//!
//! The column expressions of a row are bound once per comparison they
//! appear in, so a volatile function in one runs more than once.

use assay_storage::{err, Result, SqlState};

use super::expr::{expr_pos, ExprCtx};
use super::row_value::{is_record, record_distinct};
use super::subquery::check_subquery_width;
use super::{Binder, Typed};
use crate::ast::{BinaryOp, Expr, Query};
use crate::plan::{ScalarExpr, SubqueryKind};
use crate::types::DataType;

/// The items of a row constructor: `ROW(a, b)` or `(a, b)`.
pub(super) fn row_items(e: &Expr) -> Option<&[Expr]> {
    match e {
        Expr::Row(items) => Some(items),
        _ => None,
    }
}

/// A row compared with a value that is not a row.
fn not_a_row(l: &Typed, r: &Typed) -> assay_storage::Error {
    let other = if is_record(l) { &r.ty } else { &l.ty };
    err!(
        SqlState::UNDEFINED_FUNCTION,
        "operator does not exist: record = {}",
        other
    )
}

fn unequal_rows() -> assay_storage::Error {
    err!(
        SqlState::SYNTAX_ERROR,
        "unequal number of entries in row expressions"
    )
}

fn binary(op: BinaryOp, left: &Expr, right: &Expr) -> Expr {
    Expr::Binary {
        op,
        left: Box::new(left.clone()),
        right: Box::new(right.clone()),
    }
}

fn join(op: BinaryOp, terms: Vec<Expr>) -> Option<Expr> {
    terms.into_iter().reduce(|acc, t| Expr::Binary {
        op: op.clone(),
        left: Box::new(acc),
        right: Box::new(t),
    })
}

/// The column comparisons `left op right` stands for, as an expression.
fn comparison(op: &BinaryOp, left: &[Expr], right: &[Expr]) -> Result<Expr> {
    if left.len() != right.len() {
        return Err(unequal_rows());
    }
    let pairs = left.iter().zip(right);
    let combined = match op {
        BinaryOp::Eq => join(
            BinaryOp::And,
            pairs.map(|(l, r)| binary(BinaryOp::Eq, l, r)).collect(),
        ),
        BinaryOp::NotEq => join(
            BinaryOp::Or,
            pairs.map(|(l, r)| binary(BinaryOp::NotEq, l, r)).collect(),
        ),
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
            let strict = match op {
                BinaryOp::Lt | BinaryOp::LtEq => BinaryOp::Lt,
                _ => BinaryOp::Gt,
            };
            // From the last pair back: (a op x) for the last, then
            // (a strict x) OR (a = x AND rest) for each earlier pair.
            let mut rest: Option<Expr> = None;
            for (l, r) in pairs.rev() {
                rest = Some(match rest {
                    None => binary(op.clone(), l, r),
                    Some(rest) => Expr::Binary {
                        op: BinaryOp::Or,
                        left: Box::new(binary(strict.clone(), l, r)),
                        right: Box::new(Expr::Binary {
                            op: BinaryOp::And,
                            left: Box::new(binary(BinaryOp::Eq, l, r)),
                            right: Box::new(rest),
                        }),
                    },
                });
            }
            rest
        }
        _ => {
            return Err(err!(
                SqlState::UNDEFINED_FUNCTION,
                "operator does not exist: record {op} record"
            ))
        }
    };
    // A row has at least one column (the parser makes `()` no row).
    combined.ok_or_else(unequal_rows)
}

impl Binder<'_> {
    /// Binds the column comparisons a row form stands for, as a boolean
    /// placed where the row form's left side is.
    fn bind_rewritten(&mut self, expr: &Expr, at: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        let t = self.bind_expr(expr, cx)?;
        Ok(Typed::new(t.expr, DataType::Bool, expr_pos(at)))
    }

    /// `(a, b) op (x, y)`.
    pub(super) fn bind_row_comparison(
        &mut self,
        op: &BinaryOp,
        left: &Expr,
        right: &Expr,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let (Some(l), Some(r)) = (row_items(left), row_items(right)) else {
            return self.bind_row_value_comparison(op, left, right, cx);
        };
        let expr = comparison(op, l, r)?;
        self.bind_rewritten(&expr, left, cx)
    }

    /// A row constructor compared with a row value that is not one
    /// (`ROW(1, 'a') = t.p`): PostgreSQL's `record` operators, which —
    /// unlike a comparison of two constructors — take two NULL fields as
    /// equal and order NULL after any value, as sorting does.
    fn bind_row_value_comparison(
        &mut self,
        op: &BinaryOp,
        left: &Expr,
        right: &Expr,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let (l, r) = (self.bind_expr(left, cx)?, self.bind_expr(right, cx)?);
        let Some((cmp, _)) = super::operators::cmp_op(op) else {
            return Err(not_a_row(&l, &r));
        };
        if !is_record(&l) || !is_record(&r) {
            return Err(not_a_row(&l, &r));
        }
        let pos = l.pos;
        let expr = crate::plan::ScalarExpr::Compare {
            op: cmp,
            left: Box::new(l.expr),
            right: Box::new(r.expr),
        };
        Ok(Typed::new(expr, DataType::Bool, pos))
    }

    /// `(a, b) IS [NOT] DISTINCT FROM (x, y)`.
    pub(super) fn bind_row_distinct(
        &mut self,
        left: &Expr,
        right: &Expr,
        negated: bool,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let (Some(l), Some(r)) = (row_items(left), row_items(right)) else {
            let (l, r) = (self.bind_expr(left, cx)?, self.bind_expr(right, cx)?);
            if !is_record(&l) || !is_record(&r) {
                return Err(not_a_row(&l, &r));
            }
            return Ok(record_distinct(l, r, negated));
        };
        if l.len() != r.len() {
            return Err(unequal_rows());
        }
        let terms = l
            .iter()
            .zip(r)
            .map(|(a, b)| Expr::IsDistinctFrom {
                left: Box::new(a.clone()),
                right: Box::new(b.clone()),
                negated,
            })
            .collect();
        let combine = if negated { BinaryOp::And } else { BinaryOp::Or };
        let expr = join(combine, terms).ok_or_else(unequal_rows)?;
        self.bind_rewritten(&expr, left, cx)
    }

    /// `(a, b) [NOT] IN ((1, 2), (3, 4))`.
    pub(super) fn bind_row_in_list(
        &mut self,
        row: &Expr,
        list: &[Expr],
        negated: bool,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let items = row_items(row).unwrap_or_default();
        let (op, combine) = if negated {
            (BinaryOp::NotEq, BinaryOp::And)
        } else {
            (BinaryOp::Eq, BinaryOp::Or)
        };
        let mut terms = Vec::with_capacity(list.len());
        for item in list {
            let Some(other) = row_items(item) else {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "IN with a row on its left takes row constructors only"
                ));
            };
            terms.push(comparison(&op, items, other)?);
        }
        let expr = join(combine, terms).ok_or_else(unequal_rows)?;
        self.bind_rewritten(&expr, row, cx)
    }

    /// `(a, b) [NOT] IN (SELECT x, y …)`: each column of the row against
    /// the subquery's column at its place, the types unified pair by pair.
    pub(super) fn bind_row_in_subquery(
        &mut self,
        row: &Expr,
        query: &Query,
        negated: bool,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let items = row_items(row).unwrap_or_default();
        let pos = expr_pos(row);
        let plan = self.bind_correlated(query, cx)?;
        check_subquery_width(&plan, items.len())?;
        let symbol = if negated { "<>" } else { "=" };
        let mut lhs = Vec::with_capacity(items.len());
        let mut types = Vec::with_capacity(items.len());
        let mut cast = false;
        for (i, item) in items.iter().enumerate() {
            let l = self.bind_expr(item, cx)?;
            let col_ty = plan.schema.fields[i].data_type.clone();
            let probe = Typed::new(ScalarExpr::Column(i), col_ty.clone(), None);
            let (l, probe) = self.unify_for_compare(l, probe, symbol)?;
            cast |= probe.ty != col_ty;
            types.push(probe.ty);
            lhs.push(l.expr);
        }
        let plan = if cast {
            self.cast_plan_columns(plan, &types)?
        } else {
            plan
        };
        let expr = ScalarExpr::Subquery {
            plan: Box::new(plan),
            kind: SubqueryKind::RowIn { lhs, negated },
            data_type: DataType::Bool,
        };
        Ok(Typed::new(expr, DataType::Bool, pos))
    }
}

/// Whether `e` is a row constructor (the forms above bind through this
/// module).
pub(super) fn is_row(e: &Expr) -> bool {
    row_items(e).is_some()
}
