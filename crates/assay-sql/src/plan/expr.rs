//! Bound scalar expressions.
//!
//! A [`ScalarExpr`] is evaluated against one input row (a slice of values)
//! plus, for correlated subqueries, the rows of enclosing queries. Every
//! operand has already been cast to the type its operator needs, so
//! evaluation never resolves types: the binder did (PostgreSQL's operator
//! and function resolution), inserting explicit `Cast` nodes.

use std::sync::Arc;

use super::Plan;
use crate::functions::Resolved;
use crate::types::{BinaryOp, DataType, Value};

/// Comparison operators; both sides have one type (or the binder chose a
/// comparison across numeric types, which `types::compare` supports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LikeKind {
    Like,
    ILike,
    SimilarTo,
}

/// How a subquery's rows become one value.
#[derive(Clone, Debug)]
pub enum SubqueryKind {
    /// `(SELECT x …)`: the single value, NULL if no row, error if several.
    Scalar,
    /// `EXISTS (…)`.
    Exists,
    /// `ARRAY(SELECT …)`.
    Array,
    /// `lhs op ANY (…)` (`IN` is `= ANY`), with SQL's NULL rules.
    Any { lhs: Box<ScalarExpr>, op: CmpOp },
    /// `lhs op ALL (…)` (`NOT IN` is `<> ALL`).
    All { lhs: Box<ScalarExpr>, op: CmpOp },
    /// `(a, b) IN (SELECT x, y …)` (`NOT IN` when `negated`): the row
    /// `lhs` against each row of the subquery, column by column, with
    /// SQL's NULL rules (see `binder/rows.rs`).
    RowIn { lhs: Vec<ScalarExpr>, negated: bool },
    /// Column `field` of the one row of a multiple-column SET's sub-SELECT
    /// (`SET (a, b) = (SELECT …)`): NULL if no row, an error if several.
    /// The columns of one sub-SELECT share `group`, so a correlated one
    /// runs once per row, not once per column.
    RowField { group: usize, field: usize },
}

/// A bound, typed expression over an input row.
#[derive(Clone, Debug)]
pub enum ScalarExpr {
    /// The input row's column at this position.
    Column(usize),
    /// Column `index` of the row of the query `depth` levels out (1 = the
    /// query immediately enclosing this subquery).
    Outer {
        depth: usize,
        index: usize,
    },
    Const {
        value: Value,
        data_type: DataType,
    },
    /// Statement parameter `$n` as position n - 1.
    Param {
        index: usize,
        data_type: DataType,
    },
    Cast {
        expr: Box<ScalarExpr>,
        from: DataType,
        to: DataType,
    },
    Not(Box<ScalarExpr>),
    And(Vec<ScalarExpr>),
    Or(Vec<ScalarExpr>),
    Compare {
        op: CmpOp,
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
    },
    /// Arithmetic and `||` through `types::binary_op`.
    Binary {
        op: BinaryOp,
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
        data_type: DataType,
    },
    Negate {
        expr: Box<ScalarExpr>,
        data_type: DataType,
    },
    IsNull {
        expr: Box<ScalarExpr>,
        negated: bool,
    },
    /// `IS [NOT] TRUE` (`value = Some(true)`), `FALSE`, `UNKNOWN` (`None`).
    IsBool {
        expr: Box<ScalarExpr>,
        value: Option<bool>,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
        negated: bool,
    },
    Like {
        kind: LikeKind,
        negated: bool,
        expr: Box<ScalarExpr>,
        pattern: Box<ScalarExpr>,
        escape: Option<Box<ScalarExpr>>,
    },
    InList {
        expr: Box<ScalarExpr>,
        list: Vec<ScalarExpr>,
        negated: bool,
    },
    Case {
        operand: Option<Box<ScalarExpr>>,
        whens: Vec<(ScalarExpr, ScalarExpr)>,
        else_result: Option<Box<ScalarExpr>>,
        data_type: DataType,
    },
    Coalesce {
        args: Vec<ScalarExpr>,
        data_type: DataType,
    },
    NullIf {
        left: Box<ScalarExpr>,
        right: Box<ScalarExpr>,
        data_type: DataType,
    },
    /// GREATEST (`greatest = true`) or LEAST.
    MinMax {
        greatest: bool,
        args: Vec<ScalarExpr>,
        data_type: DataType,
    },
    /// A call of a scalar function resolved by `functions::lookup`; the
    /// arguments are already cast to `func.arg_types`.
    Function {
        func: Arc<Resolved>,
        args: Vec<ScalarExpr>,
    },
    Subquery {
        plan: Box<Plan>,
        kind: SubqueryKind,
        data_type: DataType,
    },
    /// `ARRAY[…]`.
    Array {
        elements: Vec<ScalarExpr>,
        data_type: DataType,
    },
    /// `e[i]` (1-based, NULL when out of bounds).
    Subscript {
        expr: Box<ScalarExpr>,
        index: Box<ScalarExpr>,
        data_type: DataType,
    },
}

/// An aggregate call of an `Aggregate` node.
#[derive(Clone, Debug)]
pub struct AggCall {
    pub func: Arc<Resolved>,
    pub args: Vec<ScalarExpr>,
    pub distinct: bool,
    pub filter: Option<ScalarExpr>,
    /// `ORDER BY` inside the call (`string_agg(x, ',' ORDER BY x)`).
    pub order_by: Vec<super::SortKey>,
    pub data_type: DataType,
}

/// A window function call of a `Window` node.
#[derive(Clone, Debug)]
pub struct WindowCall {
    /// A window function or an aggregate evaluated over the frame.
    pub func: Arc<Resolved>,
    pub args: Vec<ScalarExpr>,
    pub partition_by: Vec<ScalarExpr>,
    pub order_by: Vec<super::SortKey>,
    pub frame: WindowFrame,
    pub filter: Option<ScalarExpr>,
    pub data_type: DataType,
}

/// A window frame, as PostgreSQL defines it.
#[derive(Clone, Debug, PartialEq)]
pub struct WindowFrame {
    pub units: FrameUnits,
    pub start: FrameBound,
    pub end: FrameBound,
    pub exclude: FrameExclude,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameUnits {
    Rows,
    Range,
    Groups,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(Value),
    CurrentRow,
    Following(Value),
    UnboundedFollowing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameExclude {
    NoOthers,
    CurrentRow,
    Group,
    Ties,
}

impl WindowFrame {
    /// PostgreSQL's default: `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`.
    pub fn default_frame() -> WindowFrame {
        WindowFrame {
            units: FrameUnits::Range,
            start: FrameBound::UnboundedPreceding,
            end: FrameBound::CurrentRow,
            exclude: FrameExclude::NoOthers,
        }
    }
}

/// The shape of a walk over an expression's direct sub-expressions, for
/// [`ScalarExpr::visit`] and [`ScalarExpr::visit_mut`] alike.
macro_rules! visit_children {
    ($expr:expr, $f:ident, $visit:ident, $iter:ident) => {{
        let f = $f;
        use ScalarExpr::*;
        match $expr {
            Column(_) | Outer { .. } | Const { .. } | Param { .. } => {}
            Cast { expr, .. }
            | Not(expr)
            | Negate { expr, .. }
            | IsNull { expr, .. }
            | IsBool { expr, .. } => expr.$visit(f),
            And(list) | Or(list) => list.$iter().for_each(|e| e.$visit(f)),
            Compare { left, right, .. }
            | Binary { left, right, .. }
            | IsDistinctFrom { left, right, .. }
            | NullIf { left, right, .. } => {
                left.$visit(f);
                right.$visit(f);
            }
            Like {
                expr,
                pattern,
                escape,
                ..
            } => {
                expr.$visit(f);
                pattern.$visit(f);
                if let Some(e) = escape {
                    e.$visit(f);
                }
            }
            InList { expr, list, .. } => {
                expr.$visit(f);
                list.$iter().for_each(|e| e.$visit(f));
            }
            Case {
                operand,
                whens,
                else_result,
                ..
            } => {
                if let Some(e) = operand {
                    e.$visit(f);
                }
                for (w, t) in whens {
                    w.$visit(f);
                    t.$visit(f);
                }
                if let Some(e) = else_result {
                    e.$visit(f);
                }
            }
            Coalesce { args, .. }
            | MinMax { args, .. }
            | Function { args, .. }
            | Array { elements: args, .. } => args.$iter().for_each(|e| e.$visit(f)),
            Subquery { kind, .. } => match kind {
                SubqueryKind::Any { lhs, .. } | SubqueryKind::All { lhs, .. } => lhs.$visit(f),
                SubqueryKind::RowIn { lhs, .. } => lhs.$iter().for_each(|e| e.$visit(f)),
                _ => {}
            },
            Subscript { expr, index, .. } => {
                expr.$visit(f);
                index.$visit(f);
            }
        }
    }};
}

impl ScalarExpr {
    /// A constant of the given type.
    pub fn constant(value: Value, data_type: DataType) -> ScalarExpr {
        ScalarExpr::Const { value, data_type }
    }

    /// The expression's type, given the types of the input's columns;
    /// `None` for an outer reference (its type lives in another scope) or
    /// a column `column_type` does not know.
    pub fn data_type(&self, column_type: &dyn Fn(usize) -> Option<DataType>) -> Option<DataType> {
        use ScalarExpr::*;
        match self {
            Column(i) => column_type(*i),
            Const { data_type, .. } | Param { data_type, .. } => Some(data_type.clone()),
            Cast { to, .. } => Some(to.clone()),
            Binary { data_type, .. }
            | Negate { data_type, .. }
            | Case { data_type, .. }
            | Coalesce { data_type, .. }
            | NullIf { data_type, .. }
            | MinMax { data_type, .. }
            | Subquery { data_type, .. }
            | Array { data_type, .. }
            | Subscript { data_type, .. } => Some(data_type.clone()),
            Function { func, .. } => Some(func.return_type.clone()),
            Not(_)
            | And(_)
            | Or(_)
            | Compare { .. }
            | IsNull { .. }
            | IsBool { .. }
            | IsDistinctFrom { .. }
            | Like { .. }
            | InList { .. } => Some(DataType::Bool),
            Outer { .. } => None,
        }
    }

    /// Whether the expression refers to no input column and no outer row.
    pub fn is_constant(&self) -> bool {
        let mut constant = true;
        self.visit(&mut |e| {
            if matches!(
                e,
                ScalarExpr::Column(_) | ScalarExpr::Outer { .. } | ScalarExpr::Subquery { .. }
            ) {
                constant = false;
            }
        });
        constant
    }

    /// Calls `f` on this expression and every sub-expression (not entering
    /// subquery plans).
    pub fn visit(&self, f: &mut dyn FnMut(&ScalarExpr)) {
        f(self);
        visit_children!(self, f, visit, iter)
    }

    /// Calls `f` on each direct sub-expression (not on their own
    /// sub-expressions, nor inside subquery plans).
    pub fn children_mut(&mut self, f: &mut dyn FnMut(&mut ScalarExpr)) {
        visit_children!(self, f, call_mut, iter_mut)
    }

    fn call_mut(&mut self, f: &mut dyn FnMut(&mut ScalarExpr)) {
        f(self)
    }

    /// Calls `f` on each direct sub-expression.
    pub fn children(&self, f: &mut dyn FnMut(&ScalarExpr)) {
        visit_children!(self, f, call, iter)
    }

    fn call(&self, f: &mut dyn FnMut(&ScalarExpr)) {
        f(self)
    }

    /// Like [`ScalarExpr::visit`], with each expression mutable (`f` sees a
    /// node before its sub-expressions).
    pub fn visit_mut(&mut self, f: &mut dyn FnMut(&mut ScalarExpr)) {
        f(self);
        visit_children!(self, f, visit_mut, iter_mut)
    }
}
