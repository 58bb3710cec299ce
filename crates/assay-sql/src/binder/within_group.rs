//! `f(direct args) WITHIN GROUP (ORDER BY x)`: ordered-set aggregates.
//!
//! Such a call is bound as the aggregate call `f(direct args, x ORDER BY
//! x)`: the ordered expressions join the arguments (after the direct
//! ones) and the WITHIN GROUP keys become the call's ORDER BY, so the
//! executor sorts each group's rows before feeding them (see
//! `functions/aggregate_ordered.rs`). Only the ordered-set aggregates take
//! WITHIN GROUP, and they take nothing else: PostgreSQL's errors for the
//! other combinations are given here.

use assay_storage::{err, Error, Result, SqlState};

use super::errors::at;
use super::expr::ExprCtx;
use super::{Binder, Typed};
use crate::ast::{FunctionArg, FunctionCall};
use crate::functions::aggregate_ordered::{HYPOTHETICAL_SET, ORDERED_SET};

/// Whether `name` is an ordered-set aggregate (called with WITHIN GROUP;
/// a call of another aggregate with WITHIN GROUP is refused once its
/// arguments resolve, as PostgreSQL does).
pub(super) fn is_ordered_set(name: &str) -> bool {
    ORDERED_SET.contains(&name)
}

impl Binder<'_> {
    /// Binds a call written with WITHIN GROUP.
    pub(super) fn bind_within_group(
        &mut self,
        call: &FunctionCall,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let pos = call.pos.get();
        let name = call.name.base();
        if call.distinct {
            return Err(at(
                err!(
                    SqlState::SYNTAX_ERROR,
                    "cannot use DISTINCT with WITHIN GROUP"
                ),
                pos,
            ));
        }
        if !call.order_by.is_empty() {
            return Err(at(
                err!(
                    SqlState::SYNTAX_ERROR,
                    "cannot use multiple ORDER BY clauses with WITHIN GROUP"
                ),
                pos,
            ));
        }
        if call.over.is_some() {
            return Err(at(
                err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "OVER is not supported for ordered-set aggregate {}",
                    name
                ),
                pos,
            ));
        }
        if HYPOTHETICAL_SET.contains(&name) && call.args.len() != call.within_group.len() {
            return Err(self.hypothetical_arity(call, cx)?);
        }
        let mut plain = call.clone();
        plain
            .args
            .extend(call.within_group.iter().map(|k| FunctionArg {
                name: None,
                value: k.expr.clone(),
            }));
        plain.order_by = std::mem::take(&mut plain.within_group);
        self.bind_aggregate_call(&plain, cx, true)
    }

    /// PostgreSQL's error for a hypothetical-set call whose direct
    /// arguments do not pair with its ordering columns.
    fn hypothetical_arity(&mut self, call: &FunctionCall, cx: &mut ExprCtx) -> Result<Error> {
        let mut types = Vec::new();
        for e in call
            .args
            .iter()
            .map(|a| &a.value)
            .chain(call.within_group.iter().map(|k| &k.expr))
        {
            types.push(self.bind_expr(e, cx)?.ty.to_string());
        }
        let name = call.name.base();
        Ok(at(
            err!(
                SqlState::UNDEFINED_FUNCTION,
                "function {}({}) does not exist",
                name,
                types.join(", ")
            )
            .with_hint(format!(
                "To use the hypothetical-set aggregate {}, the number of hypothetical direct arguments (here {}) must match the number of ordering columns (here {}).",
                name,
                call.args.len(),
                call.within_group.len()
            )),
            call.pos.get(),
        ))
    }
}
