//! Evaluating a bound [`ScalarExpr`] over one row, with SQL's three-valued
//! logic: NULL is "unknown", comparisons with it are unknown, `AND` is
//! false if any side is false, `OR` true if any side is true.

use std::cmp::Ordering;
use std::sync::Arc;

use assay_storage::{bail, err, Result, SqlState};

use super::context::ExecContext;
use super::subquery::eval_subquery;
use crate::functions::pattern;
use crate::plan::{CmpOp, LikeKind, ScalarExpr};
use crate::types::{binary_op, cast, compare, negate, Array, ArrayDim, DataType, Value};

/// Evaluates `expr` over `row`.
pub fn eval(expr: &ScalarExpr, row: &[Value], ctx: &mut ExecContext<'_>) -> Result<Value> {
    use ScalarExpr as E;
    Ok(match expr {
        E::Column(i) => match row.get(*i) {
            Some(v) => v.clone(),
            None => bail!(
                SqlState::INTERNAL_ERROR,
                "column {} out of range of a row of {}",
                i,
                row.len()
            ),
        },
        E::Outer { depth, index } => outer(ctx, *depth, *index)?,
        E::Const { value, .. } => value.clone(),
        E::Param { index, .. } => match ctx.params.get(*index) {
            Some(v) => v.clone(),
            None => bail!(
                SqlState::new(b"42P02"),
                "there is no parameter ${}",
                index + 1
            ),
        },
        E::Cast { expr, from, to } => {
            let v = eval(expr, row, ctx)?;
            if v.is_null() {
                v
            } else if crate::system::cast_needs_catalog(from, to) {
                crate::system::catalog_cast(&v, from, to, ctx.system, ctx.settings)?
            } else {
                cast(&v, from, to, ctx.settings)?
            }
        }
        E::Not(e) => match eval(e, row, ctx)? {
            Value::Bool(b) => Value::Bool(!b),
            _ => Value::Null,
        },
        E::And(list) => {
            let mut unknown = false;
            for e in list {
                match eval(e, row, ctx)? {
                    Value::Bool(false) => return Ok(Value::Bool(false)),
                    Value::Bool(true) => {}
                    _ => unknown = true,
                }
            }
            if unknown {
                Value::Null
            } else {
                Value::Bool(true)
            }
        }
        E::Or(list) => {
            let mut unknown = false;
            for e in list {
                match eval(e, row, ctx)? {
                    Value::Bool(true) => return Ok(Value::Bool(true)),
                    Value::Bool(false) => {}
                    _ => unknown = true,
                }
            }
            if unknown {
                Value::Null
            } else {
                Value::Bool(false)
            }
        }
        E::Compare { op, left, right } => {
            let l = eval(left, row, ctx)?;
            let r = eval(right, row, ctx)?;
            compare_values(*op, &l, &r)
        }
        E::Binary {
            op, left, right, ..
        } => {
            let l = eval(left, row, ctx)?;
            let r = eval(right, row, ctx)?;
            binary_op(*op, &l, &r, ctx.settings)?
        }
        E::Negate { expr, .. } => negate(&eval(expr, row, ctx)?)?,
        E::IsNull { expr, negated } => Value::Bool(eval(expr, row, ctx)?.is_null() != *negated),
        E::IsBool {
            expr,
            value,
            negated,
        } => {
            let v = eval(expr, row, ctx)?;
            let is = match value {
                Some(b) => v == Value::Bool(*b),
                None => v.is_null(),
            };
            Value::Bool(is != *negated)
        }
        E::IsDistinctFrom {
            left,
            right,
            negated,
        } => {
            let l = eval(left, row, ctx)?;
            let r = eval(right, row, ctx)?;
            let distinct = match (l.is_null(), r.is_null()) {
                (true, true) => false,
                (false, false) => compare(&l, &r) != Ordering::Equal,
                _ => true,
            };
            Value::Bool(distinct != *negated)
        }
        E::Like {
            kind,
            negated,
            expr,
            pattern,
            escape,
        } => eval_like(*kind, *negated, expr, pattern, escape.as_deref(), row, ctx)?,
        E::InList {
            expr,
            list,
            negated,
        } => {
            let v = eval(expr, row, ctx)?;
            if v.is_null() {
                return Ok(Value::Null);
            }
            let mut unknown = false;
            for e in list {
                let item = eval(e, row, ctx)?;
                if item.is_null() {
                    unknown = true;
                } else if compare(&v, &item) == Ordering::Equal {
                    return Ok(Value::Bool(!*negated));
                }
            }
            if unknown {
                Value::Null
            } else {
                Value::Bool(*negated)
            }
        }
        E::Case {
            operand,
            whens,
            else_result,
            ..
        } => {
            let subject = match operand {
                Some(e) => Some(eval(e, row, ctx)?),
                None => None,
            };
            for (when, then) in whens {
                let w = eval(when, row, ctx)?;
                let hit = match &subject {
                    Some(s) => !s.is_null() && !w.is_null() && compare(s, &w) == Ordering::Equal,
                    None => w == Value::Bool(true),
                };
                if hit {
                    return eval(then, row, ctx);
                }
            }
            match else_result {
                Some(e) => eval(e, row, ctx)?,
                None => Value::Null,
            }
        }
        E::Coalesce { args, .. } => {
            for e in args {
                let v = eval(e, row, ctx)?;
                if !v.is_null() {
                    return Ok(v);
                }
            }
            Value::Null
        }
        E::NullIf { left, right, .. } => {
            let l = eval(left, row, ctx)?;
            let r = eval(right, row, ctx)?;
            if !l.is_null() && !r.is_null() && compare(&l, &r) == Ordering::Equal {
                Value::Null
            } else {
                l
            }
        }
        E::MinMax { greatest, args, .. } => {
            let mut best = Value::Null;
            for e in args {
                let v = eval(e, row, ctx)?;
                if v.is_null() {
                    continue;
                }
                let better = best.is_null()
                    || match compare(&v, &best) {
                        Ordering::Greater => *greatest,
                        Ordering::Less => !*greatest,
                        Ordering::Equal => false,
                    };
                if better {
                    best = v;
                }
            }
            best
        }
        E::Function { func, args } => {
            let mut values = Vec::with_capacity(args.len());
            for a in args {
                let v = eval(a, row, ctx)?;
                if func.def.strict && v.is_null() {
                    return Ok(Value::Null);
                }
                values.push(v);
            }
            if crate::functions::is_sequence_function(func.def.name) {
                ctx.tables.sequence_function(func.def.name, &values)?
            } else if func.def.name == "pg_sleep" {
                super::interrupt::pg_sleep(&values[0], ctx)?
            } else {
                func.eval(&values, &mut ctx.eval_context())?
            }
        }
        E::Subquery { plan, kind, .. } => eval_subquery(plan, kind, row, ctx)?,
        E::Array {
            elements,
            data_type,
        } => {
            let mut items = Vec::with_capacity(elements.len());
            for e in elements {
                items.push(eval(e, row, ctx)?);
            }
            build_array(items, data_type)?
        }
        E::Subscript { expr, index, .. } => {
            let a = eval(expr, row, ctx)?;
            let i = eval(index, row, ctx)?;
            subscript(&a, &i)?
        }
    })
}

/// Evaluates a condition: `Some(b)`, or `None` for NULL.
pub fn eval_bool(
    expr: &ScalarExpr,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Option<bool>> {
    match eval(expr, row, ctx)? {
        Value::Bool(b) => Ok(Some(b)),
        Value::Null => Ok(None),
        other => bail!(
            SqlState::DATATYPE_MISMATCH,
            "argument of WHERE must be type boolean, not {:?}",
            other
        ),
    }
}

/// Whether a WHERE-like condition holds (NULL does not).
#[inline]
pub fn eval_predicate(expr: &ScalarExpr, row: &[Value], ctx: &mut ExecContext<'_>) -> Result<bool> {
    Ok(eval_bool(expr, row, ctx)? == Some(true))
}

/// Evaluates each expression of a list into a new row.
pub fn eval_row(
    exprs: &[ScalarExpr],
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(exprs.len());
    for e in exprs {
        out.push(eval(e, row, ctx)?);
    }
    Ok(out)
}

fn outer(ctx: &ExecContext<'_>, depth: usize, index: usize) -> Result<Value> {
    let n = ctx.outer.len();
    if depth == 0 || depth > n {
        bail!(
            SqlState::INTERNAL_ERROR,
            "outer reference {} levels up, but only {} enclosing rows",
            depth,
            n
        );
    }
    match ctx.outer[n - depth].get(index) {
        Some(v) => Ok(v.clone()),
        None => bail!(
            SqlState::INTERNAL_ERROR,
            "outer column {} out of range",
            index
        ),
    }
}

/// `l op r` with NULL giving NULL.
pub fn compare_values(op: CmpOp, l: &Value, r: &Value) -> Value {
    if l.is_null() || r.is_null() {
        return Value::Null;
    }
    Value::Bool(cmp_holds(op, compare(l, r)))
}

pub(crate) fn cmp_holds(op: CmpOp, ord: Ordering) -> bool {
    match op {
        CmpOp::Eq => ord == Ordering::Equal,
        CmpOp::NotEq => ord != Ordering::Equal,
        CmpOp::Lt => ord == Ordering::Less,
        CmpOp::LtEq => ord != Ordering::Greater,
        CmpOp::Gt => ord == Ordering::Greater,
        CmpOp::GtEq => ord != Ordering::Less,
    }
}

fn eval_like(
    kind: LikeKind,
    negated: bool,
    expr: &ScalarExpr,
    pattern: &ScalarExpr,
    escape: Option<&ScalarExpr>,
    row: &[Value],
    ctx: &mut ExecContext<'_>,
) -> Result<Value> {
    let s = eval(expr, row, ctx)?;
    let p = eval(pattern, row, ctx)?;
    let esc = match escape {
        Some(e) => match eval(e, row, ctx)? {
            Value::Null => return Ok(Value::Null),
            v => {
                let text = v.as_str().unwrap_or_default().to_string();
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (None, _) => None,
                    (Some(c), None) => Some(c),
                    _ => {
                        return Err(err!(SqlState::new(b"22025"), "invalid escape string")
                            .with_hint("Escape string must be empty or one character."));
                    }
                }
            }
        },
        None => Some('\\'),
    };
    let (Some(s), Some(p)) = (s.as_str(), p.as_str()) else {
        return Ok(Value::Null);
    };
    let hit = match kind {
        LikeKind::Like => pattern::like(s, p, esc, false)?,
        LikeKind::ILike => pattern::like(s, p, esc, true)?,
        LikeKind::SimilarTo => pattern::similar_to(s, p, esc)?,
    };
    Ok(Value::Bool(hit != negated))
}

/// `ARRAY[…]`: a one-dimensional array, or a multi-dimensional one when
/// the elements are themselves arrays of matching shape.
fn build_array(items: Vec<Value>, data_type: &DataType) -> Result<Value> {
    let nested = matches!(data_type.element(), Some(e) if e.element().is_none())
        && items.iter().any(|v| matches!(v, Value::Array(_)));
    if !nested {
        return Ok(Value::Array(Arc::new(Array::from_items(items))));
    }
    let mut dims: Option<Vec<ArrayDim>> = None;
    let mut flat = Vec::new();
    for item in &items {
        let Value::Array(a) = item else {
            bail!(
                SqlState::new(b"2202E"),
                "multidimensional arrays must have array expressions with matching dimensions"
            );
        };
        match &dims {
            None => dims = Some(a.dims.clone()),
            Some(d) if *d != a.dims => bail!(
                SqlState::new(b"2202E"),
                "multidimensional arrays must have array expressions with matching dimensions"
            ),
            _ => {}
        }
        flat.extend(a.items.iter().cloned());
    }
    let inner = dims.unwrap_or_default();
    if inner.is_empty() {
        return Ok(Value::Array(Arc::new(Array::empty())));
    }
    let mut all = vec![ArrayDim {
        len: items.len(),
        lower: 1,
    }];
    all.extend(inner);
    Ok(Value::Array(Arc::new(Array {
        dims: all,
        items: flat,
    })))
}

fn subscript(a: &Value, i: &Value) -> Result<Value> {
    let (Value::Array(arr), Some(i)) = (a, int_value(i)) else {
        return Ok(Value::Null);
    };
    if arr.dims.len() != 1 {
        return Ok(Value::Null);
    }
    let pos = i - arr.dims[0].lower as i64;
    Ok(usize::try_from(pos)
        .ok()
        .and_then(|p| arr.items.get(p))
        .cloned()
        .unwrap_or(Value::Null))
}

/// An integer value as i64 (NULL and non-integers give `None`).
pub(crate) fn int_value(v: &Value) -> Option<i64> {
    match v {
        Value::Int2(x) => Some(*x as i64),
        Value::Int4(x) => Some(*x as i64),
        Value::Int8(x) => Some(*x),
        Value::Numeric(n) => n.to_i64_rounded(),
        _ => None,
    }
}
