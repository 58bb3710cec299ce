//! Row values: `ROW(a, b)` and `(a, b)` outside a comparison, a whole-row
//! reference (`t`, `t.*` as a function argument), and field selection
//! `(r).f`.
//!
//! A row value binds to a call of the internal `$row` function whose
//! result type is the row's [`RecordType`]: anonymous (`record`, fields
//! `f1`, `f2`, …) for a constructor, the table's composite type (named
//! by the table, OID of the table) for a base table's row, and an
//! anonymous record with the columns' names for any other range variable.
//! `(r).f` binds to `$field(r, i)` typed as field `i`. Unknown literals in
//! a constructor become text, as PostgreSQL resolves them.

use std::sync::Arc;

use assay_storage::{err, Result, SqlState};

use super::errors::at;
use super::expr::{with_full_type, ExprCtx};
use super::{Binder, Typed};
use crate::ast::Expr;
use crate::functions::record::{DISTINCT, FIELD, IS_NULL, ROW, WHOLE_ROW};
use crate::functions::{internal_function, Resolved};
use crate::plan::ScalarExpr;
use crate::types::record::RECORD_OID;
use crate::types::{DataType, RecordField, RecordType, Value};

impl Binder<'_> {
    /// `ROW(items)` as a value.
    pub(super) fn bind_row_value(
        &mut self,
        items: &[Expr],
        pos: Option<u32>,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let mut bound = Vec::with_capacity(items.len());
        for item in items {
            let t = self.bind_expr(item, cx)?;
            let t = if t.ty == DataType::Unknown {
                self.cast_to(t, &DataType::Text, false)?
            } else {
                t
            };
            bound.push(t);
        }
        let ty = RecordType::anonymous(bound.iter().map(|t| t.ty.clone()).collect());
        Ok(make_row(
            bound.into_iter().map(|t| t.expr).collect(),
            ty,
            pos,
        ))
    }

    /// The whole row of range variable `relation`, if it is one.
    pub(super) fn bind_whole_row(
        &mut self,
        relation: &str,
        pos: Option<u32>,
        cx: &mut ExprCtx,
    ) -> Result<Option<Typed>> {
        if !cx.scope.has_relation(relation) {
            return Ok(None);
        }
        let mut fields = Vec::new();
        let mut exprs = Vec::new();
        for (i, c) in cx.scope.columns.iter().enumerate() {
            if c.relation.as_deref() == Some(relation) && c.in_star {
                fields.push(RecordField {
                    name: c.name.clone(),
                    ty: c.data_type.clone(),
                });
                exprs.push(with_full_type(ScalarExpr::Column(i), &c.data_type));
                cx.column_refs.push((i, pos));
            }
        }
        let table_type = cx
            .scope
            .row_types
            .iter()
            .find(|(r, t)| r == relation && t.fields == fields)
            .map(|(_, t)| (**t).clone());
        let ty = match table_type {
            Some(t) => t,
            None => RecordType {
                oid: RECORD_OID,
                name: None,
                fields,
            },
        };
        let mut row = make_row(exprs, ty, pos);
        if let ScalarExpr::Function { func, args } = row.expr {
            let whole = Resolved {
                def: internal_function(WHOLE_ROW),
                ..(*func).clone()
            };
            row.expr = ScalarExpr::Function {
                func: Arc::new(whole),
                args,
            };
        }
        Ok(Some(row))
    }

    /// `(expr).field`.
    pub(super) fn bind_field_selection(
        &mut self,
        expr: &Expr,
        field: &str,
        pos: Option<u32>,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        let base = self.bind_expr(expr, cx)?;
        let record = match &base.ty {
            DataType::Record(Some(t)) => t.clone(),
            DataType::Record(None) => {
                return Err(at(
                    err!(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "could not identify column \"{}\" in record data type",
                        field
                    ),
                    pos,
                ))
            }
            other => {
                return Err(at(
                    err!(
                        SqlState::DATATYPE_MISMATCH,
                        "column notation .{} applied to type {}, which is not a composite type",
                        field,
                        other
                    ),
                    pos,
                ))
            }
        };
        let Some(i) = record.field_index(field) else {
            return Err(at(
                err!(
                    SqlState::UNDEFINED_COLUMN,
                    "column \"{}\" not found in data type {}",
                    field,
                    DataType::Record(Some(record.clone()))
                ),
                pos,
            ));
        };
        let ty = record.fields[i].ty.clone();
        let func = Resolved {
            def: internal_function(FIELD),
            arg_types: vec![base.ty.clone(), DataType::Int4],
            return_type: ty.clone(),
        };
        let args = vec![
            base.expr,
            ScalarExpr::constant(Value::Int4(i as i32), DataType::Int4),
        ];
        Ok(Typed::new(
            ScalarExpr::Function {
                func: Arc::new(func),
                args,
            },
            ty,
            pos,
        ))
    }
}

/// A `$row` call building a record of type `ty` from `exprs`.
pub(super) fn make_row(exprs: Vec<ScalarExpr>, ty: RecordType, pos: Option<u32>) -> Typed {
    let data_type = DataType::Record(Some(Arc::new(ty)));
    let arg_types = match &data_type {
        DataType::Record(Some(t)) => t.fields.iter().map(|f| f.ty.clone()).collect(),
        _ => Vec::new(),
    };
    let func = Resolved {
        def: internal_function(ROW),
        arg_types,
        return_type: data_type.clone(),
    };
    Typed::new(
        ScalarExpr::Function {
            func: Arc::new(func),
            args: exprs,
        },
        data_type,
        pos,
    )
}

/// A call of one of the binder's own functions, typed `ty`.
fn internal_call(name: &str, args: Vec<Typed>, ty: DataType, pos: Option<u32>) -> Typed {
    let func = Resolved {
        def: internal_function(name),
        arg_types: args.iter().map(|a| a.ty.clone()).collect(),
        return_type: ty.clone(),
    };
    Typed::new(
        ScalarExpr::Function {
            func: Arc::new(func),
            args: args.into_iter().map(|a| a.expr).collect(),
        },
        ty,
        pos,
    )
}

/// `l IS [NOT] DISTINCT FROM r` between two row values.
pub(super) fn record_distinct(l: Typed, r: Typed, negated: bool) -> Typed {
    let pos = l.pos;
    let flag = Typed::new(
        ScalarExpr::constant(Value::Bool(negated), DataType::Bool),
        DataType::Bool,
        None,
    );
    internal_call(DISTINCT, vec![l, r, flag], DataType::Bool, pos)
}

/// `r IS [NOT] NULL` of a row value.
pub(super) fn record_is_null(r: Typed, negated: bool) -> Typed {
    let pos = r.pos;
    let flag = Typed::new(
        ScalarExpr::constant(Value::Bool(negated), DataType::Bool),
        DataType::Bool,
        None,
    );
    internal_call(IS_NULL, vec![r, flag], DataType::Bool, pos)
}

pub(super) fn is_record(t: &Typed) -> bool {
    matches!(t.ty, DataType::Record(_))
}
