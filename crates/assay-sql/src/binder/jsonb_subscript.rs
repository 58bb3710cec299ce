//! `jsonb` subscripting in expressions: `j['key']`, `j[0]`, `j['a'][1]`.
//!
//! A subscript is an integer or text; each one is one step of a path, so
//! `j[s]` is bound as `jsonb_extract_path(j, s::text)`: a key in an object,
//! an element (negative counts from the end) in an array, else NULL.

use assay_storage::{err, Result, SqlState};

use super::errors::at;
use super::expr::{expr_pos, ExprCtx};
use super::{Binder, Typed};
use crate::ast::{self, Expr};
use crate::types::{DataType, TypeCategory};

impl Binder<'_> {
    pub(crate) fn bind_jsonb_subscript(
        &mut self,
        base: Typed,
        subscript: &ast::Subscript,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let index = match subscript {
            ast::Subscript::Index(i) => i,
            ast::Subscript::Slice(lower, upper) => {
                let pos = upper.as_ref().or(lower.as_ref()).and_then(expr_pos);
                return Err(at(
                    err!(
                        SqlState::DATATYPE_MISMATCH,
                        "jsonb subscript does not support slices"
                    ),
                    pos,
                ));
            }
        };
        let pos = expr_pos(index);
        let step = self.bind_jsonb_subscript_step(index, cx)?;
        let Some(step) = step else {
            return Err(at(
                err!(
                    SqlState::DATATYPE_MISMATCH,
                    "subscript type {} is not supported",
                    self.bind_expr(index, cx)?.ty
                )
                .with_hint("jsonb subscript must be coercible to either integer or text."),
                pos,
            ));
        };
        let bpos = base.pos;
        let call = self.call_scalar("jsonb_extract_path", vec![base, step], bpos)?;
        Ok(call)
    }

    /// The subscript as text, or `None` for a type that is neither an
    /// integer nor text.
    fn bind_jsonb_subscript_step(
        &mut self,
        index: &Expr,
        cx: &mut ExprCtx,
    ) -> Result<Option<Typed>> {
        let t = self.bind_expr(index, cx)?;
        let ok = matches!(t.ty, DataType::Int2 | DataType::Int4 | DataType::Unknown)
            || t.ty.category() == TypeCategory::String;
        if !ok {
            return Ok(None);
        }
        let explicit = t.ty != DataType::Unknown;
        Ok(Some(self.cast_to(t, &DataType::Text, explicit)?))
    }
}
