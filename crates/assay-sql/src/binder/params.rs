//! Parameters given in SQL: the types `PREPARE name(type, …)` declares and
//! the arguments of `EXECUTE name(arg, …)`.

use assay_storage::{err, Result, SqlState};

use super::errors::at;
use super::expr::{expr_pos, ExprCtx};
use super::typename::resolve_type;
use super::{Binder, Scope};
use crate::ast::{Expr, TypeName};
use crate::plan::ScalarExpr;
use crate::types::{CastContext, DataType};

/// The types `PREPARE name(type, …)` declares; `unknown` leaves one to be
/// inferred from the statement, as in PostgreSQL.
pub fn declared_param_types(types: &[TypeName]) -> Result<Vec<DataType>> {
    types.iter().map(resolve_type).collect()
}

impl Binder<'_> {
    /// Binds `EXECUTE`'s arguments, each converted to its parameter's type
    /// the way a value is stored into a column of that type (PostgreSQL's
    /// `EvaluateParams`): unknown literals are read as that type, other
    /// values need an assignment cast.
    pub fn bind_execute_args(
        &mut self,
        args: &[Expr],
        types: &[DataType],
    ) -> Result<Vec<ScalarExpr>> {
        let scope = Scope::new();
        let mut out = Vec::with_capacity(args.len());
        for (i, (arg, ty)) in args.iter().zip(types).enumerate() {
            let mut cx = ExprCtx::new(&scope, "EXECUTE parameters");
            let bound = self.bind_expr(arg, &mut cx)?;
            if !Self::can_coerce(&bound.ty, ty, CastContext::Assignment) {
                return Err(at(
                    err!(
                        SqlState::DATATYPE_MISMATCH,
                        "parameter ${} of type {} cannot be coerced to the expected type {}",
                        i + 1,
                        bound.ty,
                        ty
                    )
                    .with_hint("You will need to rewrite or cast the expression."),
                    bound.pos.or_else(|| expr_pos(arg)),
                ));
            }
            let same = bound.ty == *ty && bound.ty != DataType::Unknown;
            out.push(if same {
                bound.expr
            } else {
                self.cast_to(bound, ty, false)?.expr
            });
        }
        Ok(out)
    }
}
