//! One plan for statements that differ only in their numeric literals.
//!
//! Clients that do not prepare statements (pgbench's default simple
//! protocol, scripts, many ORMs) send `SELECT abalance FROM
//! pgbench_accounts WHERE aid = 12345` with a new number every time. The
//! plan cache is keyed by the statement, so each of those would be bound
//! and optimized afresh. [`shape_of`] turns such a statement into its
//! *shape* — the same tree with each eligible literal replaced by a
//! parameter `$n` of the literal's own type (`int4`, `int8` or `numeric`,
//! as the binder would type it) — and the literal values. The shape is a
//! plan-cache key like any prepared statement's, so every statement of
//! that shape shares one plan, run with its own values.
//!
//! A literal and a parameter of the same type bind alike except where the
//! binder folds a constant: coercing it to another type (`int2col = 5`
//! converts the 5 while binding, so an out-of-range value fails before any
//! row is read). So the rewrite is narrow, and checked:
//!
//! - Only single-table statements without subqueries, joins, grouping,
//!   ordering or limits are shaped: the plan then cannot depend on a
//!   literal's value (the access path rule treats constants and
//!   parameters alike; estimates only order joins).
//! - Only literals whose meaning does not depend on being constant are
//!   replaced: an operand of a comparison whose other side is a column
//!   (in WHERE, under AND/OR/NOT), an operand of `+ - *` beside a column
//!   in an UPDATE's SET, the whole value of a SET item or of an INSERT's
//!   VALUES item.
//! - Statements that already hold a parameter are left alone (a `$1`
//!   the client wrote must still fail as it would).
//! - [`literals_bind_as_constants`] checks the plan made from a shape:
//!   every parameter kept its type and none was cast. A shape whose plan
//!   fails that check, or does not bind at all, is run as written, so
//!   errors and results are exactly those of the statement itself.

use crate::ast::{
    BinaryOp, Expr, Literal, Query, Select, SelectItem, SetExpr, Statement, TableRef, UnaryOp,
};
use crate::binder::number_literal;
use crate::plan::{Plan, ScalarExpr};
use crate::types::{DataType, Value};

/// A statement's shape and the literal values taken out of it.
pub(super) struct Shape {
    pub statement: Statement,
    pub values: Vec<Value>,
    pub types: Vec<DataType>,
}

/// The shape of `stmt`, when it has one with at least one literal taken
/// out (see the module docs).
pub(super) fn shape_of(stmt: &Statement) -> Option<Shape> {
    if !eligible(stmt) {
        return None;
    }
    let mut statement = stmt.clone();
    let mut taken = Taken::default();
    for_each_slot(&mut statement, &mut |e| taken.take(e))?;
    if taken.values.is_empty() || taken.failed {
        return None;
    }
    Some(Shape {
        statement,
        values: taken.values,
        types: taken.types,
    })
}

/// Calls `f` on each place of an eligible statement where a literal may
/// be taken out, in the order of the text (`None`: not a kind of
/// statement that is shaped).
pub(super) fn for_each_slot(stmt: &mut Statement, f: &mut dyn FnMut(&mut Expr)) -> Option<()> {
    let mut slots = Slots { f };
    match stmt {
        Statement::Query(q) => {
            let SetExpr::Select(s) = &mut q.body else {
                return None;
            };
            if let Some(w) = &mut s.where_clause {
                slots.in_condition(w);
            }
        }
        Statement::Update(u) => {
            for a in &mut u.assignments {
                slots.in_assignment(&mut a.value);
            }
            if let Some(w) = &mut u.where_clause {
                slots.in_condition(w);
            }
        }
        Statement::Delete(d) => {
            if let Some(w) = &mut d.where_clause {
                slots.in_condition(w);
            }
        }
        Statement::Insert(i) => {
            let SetExpr::Values(rows) = &mut i.source.as_mut()?.body else {
                return None;
            };
            rows.iter_mut().flatten().for_each(&mut *slots.f);
        }
        _ => return None,
    }
    Some(())
}

/// Whether a plan made from a shape whose parameters have `types` treats
/// each parameter as the literal it stands for would be treated: its type
/// unchanged, never under a cast, and no subquery anywhere.
pub(super) fn literals_bind_as_constants(plan: &Plan, types: &[DataType]) -> bool {
    let mut ok = true;
    let mut check = |e: &ScalarExpr| {
        e.visit(&mut |x| match x {
            ScalarExpr::Param { index, data_type } => {
                ok &= types.get(*index) == Some(data_type);
            }
            ScalarExpr::Cast { expr, .. } => {
                ok &= !matches!(**expr, ScalarExpr::Param { .. });
            }
            ScalarExpr::Subquery { .. } => ok = false,
            _ => {}
        });
    };
    walk_plan(plan, &mut check);
    ok
}

fn walk_plan(plan: &Plan, f: &mut dyn FnMut(&ScalarExpr)) {
    crate::exec::walk::node_exprs(&plan.node, f);
    for input in plan.inputs() {
        walk_plan(input, f);
    }
}

/// The statement kinds and clauses that are shaped at all.
fn eligible(stmt: &Statement) -> bool {
    match stmt {
        Statement::Query(q) => simple_query(q).is_some_and(|s| {
            s.distinct.is_none()
                && s.into.is_none()
                && s.group_by.is_empty()
                && s.having.is_none()
                && s.windows.is_empty()
                && one_table(&s.from)
                && items_plain(&s.targets)
                && s.where_clause.as_ref().is_none_or(plain)
        }),
        Statement::Update(u) => {
            u.with.is_none()
                && u.from.is_empty()
                && items_plain(&u.returning)
                && u.assignments.iter().all(|a| plain(&a.value))
                && u.where_clause.as_ref().is_none_or(plain)
        }
        Statement::Delete(d) => {
            d.with.is_none()
                && d.using.is_empty()
                && items_plain(&d.returning)
                && d.where_clause.as_ref().is_none_or(plain)
        }
        Statement::Insert(i) => {
            i.with.is_none()
                && i.on_conflict.is_none()
                && items_plain(&i.returning)
                && i.source.as_deref().is_some_and(|q| {
                    bare(q)
                        && matches!(&q.body, SetExpr::Values(rows)
                            if rows.iter().flatten().all(plain))
                })
        }
        _ => false,
    }
}

/// The SELECT of a query that has nothing around it.
fn simple_query(q: &Query) -> Option<&Select> {
    match &q.body {
        SetExpr::Select(s) if bare(q) => Some(s),
        _ => None,
    }
}

/// No WITH, ORDER BY, LIMIT, OFFSET or locking clause.
fn bare(q: &Query) -> bool {
    q.with.is_none()
        && q.order_by.is_empty()
        && q.limit.is_none()
        && q.offset.is_none()
        && q.locking.is_empty()
}

fn one_table(from: &[TableRef]) -> bool {
    matches!(from, [TableRef::Table { .. }])
}

fn items_plain(items: &[SelectItem]) -> bool {
    items.iter().all(|item| match item {
        SelectItem::Expr { expr, .. } => plain(expr),
        SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => true,
    })
}

/// No parameter, no subquery, and nothing the expression walk does not
/// enter (window and ordered-aggregate clauses).
fn plain(e: &Expr) -> bool {
    let mut ok = true;
    e.walk(&mut |x| match x {
        Expr::Param { .. }
        | Expr::Exists { .. }
        | Expr::Subquery { .. }
        | Expr::InSubquery { .. }
        | Expr::QuantifiedSubquery { .. }
        | Expr::ArraySubquery(_) => ok = false,
        Expr::Function(f) => {
            ok &= f.over.is_none() && f.order_by.is_empty() && f.within_group.is_empty();
        }
        _ => {}
    });
    ok
}

/// The places literals may be taken from (see [`for_each_slot`]).
struct Slots<'f> {
    f: &'f mut dyn FnMut(&mut Expr),
}

impl Slots<'_> {
    /// A search condition: through AND, OR and NOT to comparisons of a
    /// column with a value.
    fn in_condition(&mut self, e: &mut Expr) {
        match e {
            Expr::Binary {
                op: BinaryOp::And | BinaryOp::Or,
                left,
                right,
            } => {
                self.in_condition(left);
                self.in_condition(right);
            }
            Expr::Unary {
                op: UnaryOp::Not,
                expr,
            } => self.in_condition(expr),
            Expr::Binary {
                op:
                    BinaryOp::Eq
                    | BinaryOp::NotEq
                    | BinaryOp::Lt
                    | BinaryOp::LtEq
                    | BinaryOp::Gt
                    | BinaryOp::GtEq,
                left,
                right,
            } => self.beside_column(left, right),
            _ => {}
        }
    }

    /// A SET value: the whole value, or an operand of `+`, `-` or `*`
    /// beside a column.
    fn in_assignment(&mut self, e: &mut Expr) {
        match e {
            Expr::Binary {
                op: BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul,
                left,
                right,
            } => self.beside_column(left, right),
            other => (self.f)(other),
        }
    }

    fn beside_column(&mut self, left: &mut Expr, right: &mut Expr) {
        if matches!(left, Expr::Column { .. }) {
            (self.f)(right);
        } else if matches!(right, Expr::Column { .. }) {
            (self.f)(left);
        }
    }
}

/// The literals taken out so far, numbered from `$1`.
#[derive(Default)]
struct Taken {
    values: Vec<Value>,
    types: Vec<DataType>,
    /// A literal that does not read as a number: leave the statement to
    /// the binder, which reports it.
    failed: bool,
}

impl Taken {
    /// Replaces `e` by the next parameter if it is a number, signed or
    /// not (`-5` is one literal to the binder, as to PostgreSQL).
    fn take(&mut self, e: &mut Expr) {
        let (text, pos) = match e {
            Expr::Literal {
                value: Literal::Number(n),
                pos,
            } => (std::borrow::Cow::Borrowed(n.as_str()), *pos),
            Expr::Unary {
                op: UnaryOp::Minus,
                expr,
            } => match &**expr {
                Expr::Literal {
                    value: Literal::Number(n),
                    pos,
                } => (std::borrow::Cow::Owned(format!("-{n}")), *pos),
                _ => return,
            },
            _ => return,
        };
        let Ok((value, ty)) = number_literal(&text) else {
            self.failed = true;
            return;
        };
        self.values.push(value);
        self.types.push(ty);
        *e = Expr::Param {
            index: self.values.len() as u32,
            pos,
        };
    }
}

#[cfg(test)]
#[path = "shapes_tests.rs"]
mod tests;
