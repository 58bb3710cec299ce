//! Rewriting bound expressions: mapping them from a node's input row onto
//! an Aggregate's or Window's output row.

use assay_storage::{err, Result};

use super::errors::{at, GROUPING_ERROR};
use super::expr::{AGG_MARK, GROUPING_MARK, WIN_MARK};
use super::scope::Scope;
use crate::plan::{ScalarExpr, SubqueryKind};

type Rule<'a> = dyn FnMut(&ScalarExpr) -> Result<Option<ScalarExpr>> + 'a;

/// Rebuilds `e` top-down: where `f` gives a replacement it is used as is,
/// elsewhere the children are rewritten. Subquery plans are not entered.
pub fn transform(e: ScalarExpr, f: &mut Rule) -> Result<ScalarExpr> {
    if let Some(r) = f(&e)? {
        return Ok(r);
    }
    use ScalarExpr::*;
    let bx = |e: Box<ScalarExpr>, f: &mut Rule| -> Result<Box<ScalarExpr>> {
        Ok(Box::new(transform(*e, f)?))
    };
    let list = |l: Vec<ScalarExpr>, f: &mut Rule| -> Result<Vec<ScalarExpr>> {
        l.into_iter().map(|e| transform(e, f)).collect()
    };
    Ok(match e {
        Column(_) | Outer { .. } | Const { .. } | Param { .. } => e,
        Cast { expr, from, to } => Cast {
            expr: bx(expr, f)?,
            from,
            to,
        },
        Not(e) => Not(bx(e, f)?),
        And(l) => And(list(l, f)?),
        Or(l) => Or(list(l, f)?),
        Compare { op, left, right } => Compare {
            op,
            left: bx(left, f)?,
            right: bx(right, f)?,
        },
        Binary {
            op,
            left,
            right,
            data_type,
        } => Binary {
            op,
            left: bx(left, f)?,
            right: bx(right, f)?,
            data_type,
        },
        Negate { expr, data_type } => Negate {
            expr: bx(expr, f)?,
            data_type,
        },
        IsNull { expr, negated } => IsNull {
            expr: bx(expr, f)?,
            negated,
        },
        IsBool {
            expr,
            value,
            negated,
        } => IsBool {
            expr: bx(expr, f)?,
            value,
            negated,
        },
        IsDistinctFrom {
            left,
            right,
            negated,
        } => IsDistinctFrom {
            left: bx(left, f)?,
            right: bx(right, f)?,
            negated,
        },
        Like {
            kind,
            negated,
            expr,
            pattern,
            escape,
        } => Like {
            kind,
            negated,
            expr: bx(expr, f)?,
            pattern: bx(pattern, f)?,
            escape: escape.map(|e| bx(e, f)).transpose()?,
        },
        InList {
            expr,
            list: l,
            negated,
        } => InList {
            expr: bx(expr, f)?,
            list: list(l, f)?,
            negated,
        },
        Case {
            operand,
            whens,
            else_result,
            data_type,
        } => Case {
            operand: operand.map(|e| bx(e, f)).transpose()?,
            whens: whens
                .into_iter()
                .map(|(w, t)| Ok((transform(w, f)?, transform(t, f)?)))
                .collect::<Result<_>>()?,
            else_result: else_result.map(|e| bx(e, f)).transpose()?,
            data_type,
        },
        Coalesce { args, data_type } => Coalesce {
            args: list(args, f)?,
            data_type,
        },
        NullIf {
            left,
            right,
            data_type,
        } => NullIf {
            left: bx(left, f)?,
            right: bx(right, f)?,
            data_type,
        },
        MinMax {
            greatest,
            args,
            data_type,
        } => MinMax {
            greatest,
            args: list(args, f)?,
            data_type,
        },
        Function { func, args } => Function {
            func,
            args: list(args, f)?,
        },
        Subquery {
            plan,
            kind,
            data_type,
        } => {
            let kind = match kind {
                SubqueryKind::Any { lhs, op } => SubqueryKind::Any {
                    lhs: bx(lhs, f)?,
                    op,
                },
                SubqueryKind::All { lhs, op } => SubqueryKind::All {
                    lhs: bx(lhs, f)?,
                    op,
                },
                SubqueryKind::RowIn { lhs, negated } => SubqueryKind::RowIn {
                    lhs: list(lhs, f)?,
                    negated,
                },
                k => k,
            };
            Subquery {
                plan,
                kind,
                data_type,
            }
        }
        Array {
            elements,
            data_type,
        } => Array {
            elements: list(elements, f)?,
            data_type,
        },
        Subscript {
            expr,
            index,
            data_type,
        } => Subscript {
            expr: bx(expr, f)?,
            index: bx(index, f)?,
            data_type,
        },
    })
}

/// Where the grouped query's values sit in the Aggregate's output.
pub struct GroupedLayout<'a> {
    /// `Debug` renderings of the group keys (structural equality).
    pub keys: &'a [String],
    pub n_aggs: usize,
    /// Per `grouping()` call, its key positions; with grouping sets, the
    /// Aggregate's last column is the index of the row's set.
    pub groupings: &'a [Vec<usize>],
    pub sets: Option<&'a [Vec<usize>]>,
    /// For errors: the input scope and where its columns were referenced.
    pub scope: &'a Scope,
    pub column_refs: &'a [(usize, Option<u32>)],
}

/// Maps an expression over the Aggregate's input onto its output: group
/// keys and aggregate placeholders become output columns; any other input
/// column is PostgreSQL's "must appear in the GROUP BY clause" error.
pub fn to_grouped(e: ScalarExpr, layout: &GroupedLayout) -> Result<ScalarExpr> {
    let nkeys = layout.keys.len();
    transform(e, &mut |x| {
        if !matches!(x, ScalarExpr::Const { .. } | ScalarExpr::Param { .. }) {
            let key = format!("{x:?}");
            if let Some(k) = layout.keys.iter().position(|g| *g == key) {
                return Ok(Some(ScalarExpr::Column(k)));
            }
        }
        match x {
            ScalarExpr::Outer {
                depth: AGG_MARK,
                index,
            } => Ok(Some(ScalarExpr::Column(nkeys + index))),
            ScalarExpr::Outer {
                depth: GROUPING_MARK,
                index,
            } => Ok(Some(grouping_value(layout, *index, nkeys))),
            ScalarExpr::Column(c) => {
                let col = &layout.scope.columns[*c];
                let name = match &col.relation {
                    Some(r) => format!("{}.{}", r, col.name),
                    None => col.name.clone(),
                };
                let pos = layout
                    .column_refs
                    .iter()
                    .find(|r| r.0 == *c)
                    .and_then(|r| r.1);
                Err(at(
                    err!(
                        GROUPING_ERROR,
                        "column \"{}\" must appear in the GROUP BY clause or be used in an aggregate function",
                        name
                    ),
                    pos,
                ))
            }
            _ => Ok(None),
        }
    })
}

/// `grouping(a, b, …)`: a bit per argument, set when that key is absent
/// from the row's grouping set (a constant without grouping sets).
fn grouping_value(layout: &GroupedLayout, index: usize, nkeys: usize) -> ScalarExpr {
    use crate::types::{DataType, Value};
    let args = &layout.groupings[index];
    let bits = |present: &dyn Fn(usize) -> bool| -> i32 {
        args.iter()
            .fold(0, |acc, k| (acc << 1) | i32::from(!present(*k)))
    };
    let Some(sets) = layout.sets else {
        return ScalarExpr::constant(Value::Int4(0), DataType::Int4);
    };
    let set_col = ScalarExpr::Column(nkeys + layout.n_aggs);
    let whens = sets
        .iter()
        .enumerate()
        .map(|(i, set)| {
            (
                ScalarExpr::constant(Value::Int4(i as i32), DataType::Int4),
                ScalarExpr::constant(Value::Int4(bits(&|k| set.contains(&k))), DataType::Int4),
            )
        })
        .collect();
    ScalarExpr::Case {
        operand: Some(Box::new(set_col)),
        whens,
        else_result: None,
        data_type: DataType::Int4,
    }
}

/// Replaces window placeholders by the Window node's output columns.
pub fn to_windowed(e: ScalarExpr, base: usize) -> Result<ScalarExpr> {
    transform(e, &mut |x| match x {
        ScalarExpr::Outer {
            depth: WIN_MARK,
            index,
        } => Ok(Some(ScalarExpr::Column(base + index))),
        _ => Ok(None),
    })
}
