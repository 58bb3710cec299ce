//! Coercion: casting a bound expression to the type its context needs,
//! including the resolution of unknown-typed literals and parameters.

use assay_storage::{err, Result, SqlState};

use super::errors::{at, not_boolean};
use super::{Binder, Typed};
use crate::plan::ScalarExpr;
use crate::types::{cast_context, common_type, parse_value, CastContext, DataType, Value};

impl Binder<'_> {
    /// Whether `from` may become `to` in a context allowing `level`.
    pub(crate) fn can_coerce(from: &DataType, to: &DataType, level: CastContext) -> bool {
        cast_context(from, to).is_some_and(|c| c <= level)
    }

    /// Casts `t` to `to` (the caller checked that the cast is allowed).
    /// Unknown literals are converted now, with the literal's position on
    /// a bad input; unknown parameters take the type.
    pub(crate) fn cast_to(&mut self, t: Typed, to: &DataType, explicit: bool) -> Result<Typed> {
        let pos = t.pos;
        if t.ty == DataType::Unknown {
            match t.expr {
                ScalarExpr::Const {
                    value: Value::Null, ..
                } => {
                    return Ok(Typed::new(
                        ScalarExpr::constant(Value::Null, to.clone()),
                        to.clone(),
                        pos,
                    ))
                }
                ScalarExpr::Const {
                    value: Value::Text(s),
                    ..
                } if crate::system::cast_needs_catalog(&DataType::Unknown, to) => {
                    // A name read as a `reg*` value: looked up when run.
                    return Ok(Typed::new(
                        ScalarExpr::Cast {
                            expr: Box::new(ScalarExpr::constant(Value::Text(s), DataType::Text)),
                            from: DataType::Text,
                            to: to.clone(),
                        },
                        to.clone(),
                        pos,
                    ));
                }
                ScalarExpr::Const {
                    value: Value::Text(s),
                    ..
                } => {
                    let v = parse_value(&s, to, &self.settings).map_err(|e| at(e, pos))?;
                    // The input function reads the text without the type's
                    // length; the length is applied after, as the cast or
                    // assignment does it (and without a position).
                    let base = to.without_typmod();
                    let v = match (to == &base, explicit) {
                        (true, _) => v,
                        (false, true) => crate::types::cast(&v, &base, to, &self.settings)?,
                        (false, false) => crate::types::assign(&v, &base, to, &self.settings)?,
                    };
                    return Ok(Typed::new(
                        ScalarExpr::constant(v, to.clone()),
                        to.clone(),
                        pos,
                    ));
                }
                ScalarExpr::Param { index, .. } => {
                    if let Some(slot) = self.params.get_mut(index) {
                        *slot = to.clone();
                    }
                    return Ok(Typed::new(
                        ScalarExpr::Param {
                            index,
                            data_type: to.clone(),
                        },
                        to.clone(),
                        pos,
                    ));
                }
                expr => {
                    return Ok(Typed::new(
                        ScalarExpr::Cast {
                            expr: Box::new(expr),
                            from: DataType::Unknown,
                            to: to.clone(),
                        },
                        to.clone(),
                        pos,
                    ))
                }
            }
        }
        if t.ty == *to || (!explicit && t.ty.without_typmod() == to.without_typmod()) {
            return Ok(t);
        }
        // Constants are converted now, as PostgreSQL's planner folds them
        // (and, like the planner's, its errors carry no position); casts
        // that read the catalog (reg* types) wait for the executor.
        let folds = !crate::system::cast_needs_catalog(&t.ty, to);
        if let (true, ScalarExpr::Const { value, .. }) = (folds, &t.expr) {
            let v = if explicit {
                crate::types::cast(value, &t.ty, to, &self.settings)?
            } else {
                crate::types::assign(value, &t.ty, to, &self.settings)?
            };
            return Ok(Typed::new(
                ScalarExpr::constant(v, to.clone()),
                to.clone(),
                pos,
            ));
        }
        Ok(Typed::new(
            ScalarExpr::Cast {
                expr: Box::new(t.expr),
                from: t.ty,
                to: to.clone(),
            },
            to.clone(),
            pos,
        ))
    }

    /// Implicit coercion, or `None` when no implicit cast exists.
    pub(crate) fn coerce_implicit(&mut self, t: Typed, to: &DataType) -> Result<Option<Typed>> {
        if !Self::can_coerce(&t.ty, to, CastContext::Implicit) {
            return Ok(None);
        }
        self.cast_to(t, to, false).map(Some)
    }

    /// A condition: must be boolean (unknown literals are read as boolean).
    pub(crate) fn coerce_bool(&mut self, t: Typed, construct: &str) -> Result<Typed> {
        if t.ty == DataType::Bool {
            return Ok(t);
        }
        if t.ty == DataType::Unknown {
            return self.cast_to(t, &DataType::Bool, false);
        }
        Err(not_boolean(construct, &t.ty, t.pos))
    }

    /// Storing into a column of type `to` (INSERT, UPDATE SET): assignment
    /// casts allowed, PostgreSQL's error otherwise.
    pub(crate) fn coerce_assign(&mut self, t: Typed, to: &DataType, column: &str) -> Result<Typed> {
        if !Self::can_coerce(&t.ty, to, CastContext::Assignment) {
            return Err(at(
                err!(
                    SqlState::DATATYPE_MISMATCH,
                    "column \"{}\" is of type {} but expression is of type {}",
                    column,
                    to,
                    t.ty
                )
                .with_hint("You will need to rewrite or cast the expression."),
                t.pos,
            ));
        }
        if t.ty.without_typmod() == to.without_typmod() && t.ty != DataType::Unknown {
            // Length and precision checks are the executor's (`types::assign`).
            return Ok(t);
        }
        self.cast_to(t, to, false)
    }

    /// Casts a list of expressions to their common type (`context` names
    /// the construct in errors: CASE, COALESCE, UNION, VALUES, …).
    pub(crate) fn coerce_common(
        &mut self,
        items: Vec<Typed>,
        context: &str,
    ) -> Result<(Vec<Typed>, DataType)> {
        let types: Vec<DataType> = items.iter().map(|t| t.ty.clone()).collect();
        let ty = common_type(&types, context).map_err(|e| at(e, mismatch_pos(&items)))?;
        let mut out = Vec::with_capacity(items.len());
        for t in items {
            out.push(self.cast_to(t, &ty, false)?);
        }
        Ok((out, ty))
    }

    /// An expression that ends up in a result column: unknown becomes text.
    pub(crate) fn resolve_unknown(&mut self, t: Typed) -> Result<Typed> {
        if t.ty == DataType::Unknown {
            self.cast_to(t, &DataType::Text, false)
        } else {
            Ok(t)
        }
    }

    /// An explicit cast (`CAST`, `::`, typed literal).
    pub(crate) fn cast_explicit(
        &mut self,
        t: Typed,
        to: &DataType,
        pos: Option<u32>,
    ) -> Result<Typed> {
        if !Self::can_coerce(&t.ty, to, CastContext::Explicit) {
            return Err(at(
                err!(
                    SqlState::CANNOT_COERCE,
                    "cannot cast type {} to {}",
                    t.ty,
                    to
                ),
                pos.or(t.pos),
            ));
        }
        let inner_pos = t.pos;
        let mut r = self.cast_to(t, to, true)?;
        r.pos = inner_pos.or(pos);
        Ok(r)
    }
}

/// Where PostgreSQL's `select_common_type` reports a mismatch: the first
/// item whose type category differs from the first known type's.
pub(crate) fn mismatch_pos(items: &[Typed]) -> Option<u32> {
    let mut known = items.iter().filter(|t| t.ty != DataType::Unknown);
    let first = known.next()?;
    known
        .find(|t| t.ty.category() != first.ty.category())
        .and_then(|t| t.pos)
        .or(first.pos)
}
