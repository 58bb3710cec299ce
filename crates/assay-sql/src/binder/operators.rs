//! Operators: PostgreSQL's operator type resolution for arithmetic, `||`,
//! comparisons and the predicates built on them (LIKE, IN, BETWEEN, IS …).

use assay_storage::{err, Error, Result, SqlState};

use super::errors::{at, unsupported, AMBIGUOUS_FUNCTION};
use super::expr::{expr_pos, ExprCtx};
use super::{Binder, Typed};
use crate::ast::{self, BoolTest, Expr, Quantifier};
use crate::functions::{lookup as lookup_operand, lookup_operator};
use crate::plan::{CmpOp, LikeKind, ScalarExpr};
use crate::types::{common_type, BinaryOp, DataType, TypeCategory};

/// PostgreSQL points these errors at the operator, whose position the AST
/// does not record yet: they carry no position rather than a wrong one.
fn operator_error(l: &DataType, symbol: &str, r: &DataType, _pos: Option<u32>) -> Error {
    err!(SqlState::UNDEFINED_FUNCTION, "operator does not exist: {} {} {}", l, symbol, r).with_hint(
        "No operator matches the given name and argument types. You might need to add explicit type casts.",
    )
}

pub fn cmp_op(op: &ast::BinaryOp) -> Option<(CmpOp, &'static str)> {
    Some(match op {
        ast::BinaryOp::Eq => (CmpOp::Eq, "="),
        ast::BinaryOp::NotEq => (CmpOp::NotEq, "<>"),
        ast::BinaryOp::Lt => (CmpOp::Lt, "<"),
        ast::BinaryOp::LtEq => (CmpOp::LtEq, "<="),
        ast::BinaryOp::Gt => (CmpOp::Gt, ">"),
        ast::BinaryOp::GtEq => (CmpOp::GtEq, ">="),
        _ => return None,
    })
}

fn arith_op(op: &ast::BinaryOp) -> Option<BinaryOp> {
    Some(match op {
        ast::BinaryOp::Add => BinaryOp::Add,
        ast::BinaryOp::Sub => BinaryOp::Sub,
        ast::BinaryOp::Mul => BinaryOp::Mul,
        ast::BinaryOp::Div => BinaryOp::Div,
        ast::BinaryOp::Mod => BinaryOp::Mod,
        ast::BinaryOp::Concat => BinaryOp::Concat,
        _ => return None,
    })
}

fn numeric_rank(t: &DataType) -> Option<u8> {
    Some(match t {
        DataType::Int2 => 1,
        DataType::Int4 => 2,
        DataType::Int8 => 3,
        DataType::Numeric(_) => 4,
        DataType::Float4 => 5,
        DataType::Float8 => 6,
        _ => return None,
    })
}

fn is_int(t: &DataType) -> bool {
    matches!(t, DataType::Int2 | DataType::Int4 | DataType::Int8)
}

fn is_stringish(t: &DataType) -> bool {
    matches!(t.category(), TypeCategory::String | TypeCategory::Unknown)
}

/// The operand types to cast to and the result type of an arithmetic
/// operator on known (non-unknown) types, or `None` if no operator exists.
fn arith_signature(
    op: BinaryOp,
    l: &DataType,
    r: &DataType,
) -> Option<(DataType, DataType, DataType)> {
    use BinaryOp::*;
    use DataType as T;
    let (lb, rb) = (l.without_typmod(), r.without_typmod());
    let same = |t: T| Some((t.clone(), t.clone(), t));
    let bits = |t: &DataType| matches!(t, T::Bit(_) | T::VarBit(_));
    if op == Concat && bits(&lb) && bits(&rb) {
        return same(T::VarBit(None));
    }
    if let (Some(a), Some(b), false) = (numeric_rank(&lb), numeric_rank(&rb), op == Concat) {
        let top = a.max(b);
        return match top {
            1..=3 => {
                let t = if a >= b { lb } else { rb };
                Some((l.clone(), r.clone(), t))
            }
            4 => Some((T::Numeric(None), T::Numeric(None), T::Numeric(None))),
            _ if op == Mod => None,
            5 if a == b => Some((T::Float4, T::Float4, T::Float4)),
            _ => Some((T::Float8, T::Float8, T::Float8)),
        };
    }
    match (op, &lb, &rb) {
        (Add, T::Date, t) if is_int(t) => Some((T::Date, T::Int4, T::Date)),
        (Add, t, T::Date) if is_int(t) => Some((T::Int4, T::Date, T::Date)),
        (Sub, T::Date, t) if is_int(t) => Some((T::Date, T::Int4, T::Date)),
        (Sub, T::Date, T::Date) => Some((T::Date, T::Date, T::Int4)),
        (Add, T::Date, T::Interval(_)) => Some((T::Date, T::Interval(None), T::Timestamp(None))),
        (Add, T::Interval(_), T::Date) => Some((T::Interval(None), T::Date, T::Timestamp(None))),
        (Sub, T::Date, T::Interval(_)) => Some((T::Date, T::Interval(None), T::Timestamp(None))),
        (Add, T::Date, T::Time(_)) => Some((T::Date, T::Time(None), T::Timestamp(None))),
        (Add, T::Time(_), T::Date) => Some((T::Time(None), T::Date, T::Timestamp(None))),
        (Add | Sub, T::Timestamp(_) | T::TimestampTz(_) | T::Time(_), T::Interval(_)) => {
            Some((lb.clone(), T::Interval(None), lb))
        }
        (Add, T::Interval(_), T::Timestamp(_) | T::TimestampTz(_) | T::Time(_)) => {
            Some((T::Interval(None), rb.clone(), rb))
        }
        (Sub, T::Time(_), T::Time(_)) => Some((T::Time(None), T::Time(None), T::Interval(None))),
        (
            Sub,
            T::Timestamp(_) | T::TimestampTz(_) | T::Date,
            T::Timestamp(_) | T::TimestampTz(_) | T::Date,
        ) => {
            let c = common_type(&[lb.clone(), rb.clone()], "").ok()?;
            let c = if c == T::Date { T::Timestamp(None) } else { c };
            Some((c.clone(), c, T::Interval(None)))
        }
        (Add | Sub, T::Interval(_), T::Interval(_)) => same(T::Interval(None)),
        (Mul | Div, T::Interval(_), t) if numeric_rank(t).is_some() => {
            Some((T::Interval(None), T::Float8, T::Interval(None)))
        }
        (Mul, t, T::Interval(_)) if numeric_rank(t).is_some() => {
            Some((T::Float8, T::Interval(None), T::Interval(None)))
        }
        (Concat, T::Bytea, T::Bytea) => same(T::Bytea),
        (Concat, T::Jsonb, T::Jsonb) => same(T::Jsonb),
        (Concat, T::Array(a), T::Array(b)) => {
            let e = common_type(&[(**a).clone(), (**b).clone()], "").ok()?;
            let t = T::Array(Box::new(e));
            same(t)
        }
        (Concat, T::Array(a), e) if common_type(&[(**a).clone(), e.clone()], "").ok()? == **a => {
            Some((lb.clone(), (**a).clone(), lb.clone()))
        }
        (Concat, e, T::Array(a)) if common_type(&[(**a).clone(), e.clone()], "").ok()? == **a => {
            Some(((**a).clone(), rb.clone(), rb.clone()))
        }
        // text || text, and anynonarray || text (the other side as text).
        (Concat, a, b) if is_stringish(a) || is_stringish(b) => {
            if matches!(a, T::Array(_)) || matches!(b, T::Array(_)) {
                return None;
            }
            same(T::Text)
        }
        _ => None,
    }
}

impl Binder<'_> {
    pub(crate) fn bind_binary(
        &mut self,
        op: &ast::BinaryOp,
        left: &Expr,
        right: &Expr,
        cx: &mut ExprCtx,
    ) -> Result<Typed> {
        match op {
            ast::BinaryOp::And => return self.bind_logic(true, left, right, cx),
            ast::BinaryOp::Or => return self.bind_logic(false, left, right, cx),
            _ => {}
        }
        let l = self.bind_expr(left, cx)?;
        let r = self.bind_expr(right, cx)?;
        if let Some((cmp, symbol)) = cmp_op(op) {
            let pos = l.pos;
            let (l, r) = self.unify_for_compare(l, r, symbol)?;
            let expr = ScalarExpr::Compare {
                op: cmp,
                left: Box::new(l.expr),
                right: Box::new(r.expr),
            };
            return Ok(Typed::new(expr, DataType::Bool, pos));
        }
        if let Some(aop) = arith_op(op) {
            return self.bind_arith(aop, l, r);
        }
        if let ast::BinaryOp::RegexMatch {
            case_insensitive,
            negated,
        } = op
        {
            return self.bind_regex(l, r, *case_insensitive, *negated);
        }
        let symbol = ast_symbol(op);
        // The array operators take `anyarray` twice: one element type.
        if let (DataType::Array(a), DataType::Array(b)) = (&l.ty, &r.ty) {
            if matches!(symbol.as_str(), "@>" | "<@" | "&&")
                && a.without_typmod() != b.without_typmod()
            {
                return Err(operator_error(&l.ty, &symbol, &r.ty, l.pos));
            }
        }
        self.bind_catalog_operator(&symbol, l, r)
    }

    /// An operator implemented as a catalog function named by its symbol
    /// (`^`, `&`, `|`, `#`, `<<`, `>>`): resolved like PostgreSQL's
    /// operators, where an `unknown` operand first takes the other
    /// operand's type.
    pub(crate) fn bind_catalog_operator(
        &mut self,
        symbol: &str,
        l: Typed,
        r: Typed,
    ) -> Result<Typed> {
        let pos = l.pos;
        let unknown = DataType::Unknown;
        let guess = match (&l.ty, &r.ty) {
            (a, b) if *a == unknown && *b != unknown => Some([b.clone(), b.clone()]),
            (a, b) if *b == unknown && *a != unknown => Some([a.clone(), a.clone()]),
            _ => None,
        };
        let exact = guess.and_then(|[a, b]| {
            lookup_operator(symbol, &a, &b)
                .ok()
                .filter(|res| res.arg_types == [a.without_typmod(), b.without_typmod()])
        });
        let resolved = match exact {
            Some(res) => res,
            None => lookup_operator(symbol, &l.ty, &r.ty)?,
        };
        let ty = resolved.return_type.clone();
        let args = self.cast_args(&resolved, vec![l, r])?;
        let expr = ScalarExpr::Function {
            func: std::sync::Arc::new(resolved),
            args,
        };
        Ok(Typed::new(expr, ty, pos))
    }

    /// A prefix operator implemented as a one-argument catalog function
    /// named by its symbol (`~`, `@`, `|/`, `||/`).
    pub(crate) fn bind_prefix_operator(&mut self, symbol: &str, t: Typed) -> Result<Typed> {
        let pos = t.pos;
        let resolved = match lookup_operand(symbol, std::slice::from_ref(&t.ty)) {
            Ok(res) => res,
            Err(e) if e.code() == SqlState::UNDEFINED_FUNCTION => {
                return Err(err!(
                    SqlState::UNDEFINED_FUNCTION,
                    "operator does not exist: {} {}",
                    symbol,
                    t.ty
                )
                .with_hint("No operator matches the given name and argument type. You might need to add an explicit type cast."));
            }
            Err(e) => return Err(e),
        };
        let ty = resolved.return_type.clone();
        let args = self.cast_args(&resolved, vec![t])?;
        let expr = ScalarExpr::Function {
            func: std::sync::Arc::new(resolved),
            args,
        };
        Ok(Typed::new(expr, ty, pos))
    }

    pub(crate) fn bind_arith(&mut self, op: BinaryOp, l: Typed, r: Typed) -> Result<Typed> {
        let pos = l.pos;
        let unknown = DataType::Unknown;
        // jsonb's `||` and `-` are catalog operators; other types sharing
        // the symbol (`jsonb || text`) fall through to the rules below.
        let json = |t: &DataType| matches!(t, DataType::Json | DataType::Jsonb);
        if matches!(op, BinaryOp::Concat | BinaryOp::Sub) && (json(&l.ty) || json(&r.ty)) {
            match self.bind_catalog_operator(op.symbol(), l.clone(), r.clone()) {
                Err(e) if e.code() == SqlState::UNDEFINED_FUNCTION => {}
                other => return other,
            }
        }
        let (lt, rt) = match (&l.ty, &r.ty) {
            (a, b) if *a == unknown && *b == unknown => {
                if op == BinaryOp::Concat {
                    (DataType::Text, DataType::Text)
                } else {
                    return Err(err!(AMBIGUOUS_FUNCTION, "operator is not unique: unknown {} unknown", op.symbol())
                        .with_hint("Could not choose a best candidate operator. You might need to add explicit type casts."));
                }
            }
            // An unknown operand is assumed to have the other operand's type
            // (text for `||` with a non-string, as anynonarray || text).
            (a, b) if *a == unknown => {
                let t = if op == BinaryOp::Concat && !matches!(b, DataType::Array(_)) {
                    DataType::Text
                } else {
                    b.without_typmod()
                };
                (t, b.clone())
            }
            (a, b) if *b == unknown => {
                let t = if op == BinaryOp::Concat && !matches!(a, DataType::Array(_)) {
                    DataType::Text
                } else {
                    a.without_typmod()
                };
                (a.clone(), t)
            }
            (a, b) => (a.clone(), b.clone()),
        };
        let Some((lc, rc, result)) = arith_signature(op, &lt, &rt) else {
            return Err(operator_error(&l.ty, op.symbol(), &r.ty, pos));
        };
        let l = self.cast_operand(l, &lc)?;
        let r = self.cast_operand(r, &rc)?;
        let expr = ScalarExpr::Binary {
            op,
            left: Box::new(l.expr),
            right: Box::new(r.expr),
            data_type: result.clone(),
        };
        Ok(Typed::new(expr, result, pos))
    }

    /// Casts an operand to the type its operator takes (integers of other
    /// widths stay: the operators mix widths themselves).
    fn cast_operand(&mut self, t: Typed, to: &DataType) -> Result<Typed> {
        if t.ty.without_typmod() == to.without_typmod() || (is_int(&t.ty) && is_int(to)) {
            return Ok(t);
        }
        self.cast_to(t, to, true)
    }

    /// Makes both sides of a comparison one type (PostgreSQL's operator
    /// resolution for `=`, `<`, … restricted to the types Assay has).
    pub(crate) fn unify_for_compare(
        &mut self,
        l: Typed,
        r: Typed,
        symbol: &str,
    ) -> Result<(Typed, Typed)> {
        let unknown = DataType::Unknown;
        match (&l.ty, &r.ty) {
            (a, b) if *a == unknown && *b == unknown => {
                let l = self.cast_to(l, &DataType::Text, false)?;
                let r = self.cast_to(r, &DataType::Text, false)?;
                return Ok((l, r));
            }
            (a, b) if *a == unknown => {
                let t = b.without_typmod();
                return Ok((self.cast_to(l, &t, false)?, r));
            }
            (a, b) if *b == unknown => {
                let t = a.without_typmod();
                return Ok((l, self.cast_to(r, &t, false)?));
            }
            (a, b) if a.without_typmod() == b.without_typmod() => return Ok((l, r)),
            (a, b) if is_int(a) && is_int(b) => return Ok((l, r)),
            _ => {}
        }
        // Strings of different types compare as text (there is no
        // varchar = text operator: both sides become text).
        if l.ty.category() == TypeCategory::String && r.ty.category() == TypeCategory::String {
            let l = self.cast_operand(l, &DataType::Text)?;
            let r = self.cast_operand(r, &DataType::Text)?;
            return Ok((l, r));
        }
        let same_category = l.ty.category() == r.ty.category();
        let target = if same_category {
            common_type(&[l.ty.clone(), r.ty.clone()], "").ok()
        } else if Self::can_coerce(&r.ty, &l.ty, crate::types::CastContext::Implicit) {
            Some(l.ty.without_typmod())
        } else if Self::can_coerce(&l.ty, &r.ty, crate::types::CastContext::Implicit) {
            Some(r.ty.without_typmod())
        } else {
            None
        };
        let Some(target) = target.filter(|t| *t != DataType::Unknown) else {
            return Err(operator_error(&l.ty, symbol, &r.ty, l.pos));
        };
        let l = self.cast_operand(l, &target)?;
        let r = self.cast_operand(r, &target)?;
        Ok((l, r))
    }

    fn bind_regex(
        &mut self,
        l: Typed,
        r: Typed,
        case_insensitive: bool,
        negated: bool,
    ) -> Result<Typed> {
        let symbol = match (case_insensitive, negated) {
            (false, false) => "~",
            (true, false) => "~*",
            (false, true) => "!~",
            (true, true) => "!~*",
        };
        if !is_stringish(&l.ty) || !is_stringish(&r.ty) {
            return Err(operator_error(&l.ty, symbol, &r.ty, l.pos));
        }
        let pos = l.pos;
        let mut args = vec![
            self.cast_to(l, &DataType::Text, false)?,
            self.cast_to(r, &DataType::Text, false)?,
        ];
        if case_insensitive {
            args.push(Typed::new(
                ScalarExpr::constant(crate::types::Value::text("i"), DataType::Text),
                DataType::Text,
                None,
            ));
        }
        let call = self.call_scalar("regexp_like", args, pos)?;
        Ok(if negated {
            Typed::new(ScalarExpr::Not(Box::new(call.expr)), DataType::Bool, pos)
        } else {
            call
        })
    }

    /// LIKE, IS [NOT] NULL/TRUE/…, IS DISTINCT FROM, BETWEEN, IN (list) and
    /// `op ANY/ALL (ARRAY[…])`.
    pub(crate) fn bind_predicate(&mut self, e: &Expr, cx: &mut ExprCtx) -> Result<Typed> {
        let pos = expr_pos(e);
        let bool_of = |expr: ScalarExpr| Typed::new(expr, DataType::Bool, pos);
        match e {
            Expr::Like {
                kind,
                negated,
                expr,
                pattern,
                escape,
            } => {
                let l = self.bind_expr(expr, cx)?;
                let p = self.bind_expr(pattern, cx)?;
                if *kind == ast::LikeKind::Like
                    && (l.ty == DataType::Bytea || p.ty == DataType::Bytea)
                {
                    // bytea LIKE is a catalog function (with an optional
                    // escape as its third argument).
                    let mut args = vec![l, p];
                    if let Some(x) = escape {
                        args.push(self.bind_expr(x, cx)?);
                    }
                    let name = if *negated { "byteanlike" } else { "bytealike" };
                    return self.call_scalar(name, args, pos);
                }
                let (kind, symbol) = match kind {
                    ast::LikeKind::Like => (LikeKind::Like, if *negated { "!~~" } else { "~~" }),
                    ast::LikeKind::ILike => {
                        (LikeKind::ILike, if *negated { "!~~*" } else { "~~*" })
                    }
                    ast::LikeKind::SimilarTo => {
                        (LikeKind::SimilarTo, if *negated { "!~" } else { "~" })
                    }
                };
                if !is_stringish(&l.ty) || !is_stringish(&p.ty) {
                    return Err(operator_error(&l.ty, symbol, &p.ty, l.pos));
                }
                let l = self.cast_to(l, &DataType::Text, false)?;
                let p = self.cast_to(p, &DataType::Text, false)?;
                let escape = match escape {
                    Some(x) => {
                        let t = self.bind_expr(x, cx)?;
                        Some(Box::new(self.cast_to(t, &DataType::Text, false)?.expr))
                    }
                    None => None,
                };
                let expr = ScalarExpr::Like {
                    kind,
                    negated: *negated,
                    expr: Box::new(l.expr),
                    pattern: Box::new(p.expr),
                    escape,
                };
                Ok(bool_of(expr))
            }
            Expr::IsNull { expr, negated } => {
                let t = self.bind_expr(expr, cx)?;
                if super::row_value::is_record(&t) {
                    return Ok(super::row_value::record_is_null(t, *negated));
                }
                Ok(bool_of(ScalarExpr::IsNull {
                    expr: Box::new(t.expr),
                    negated: *negated,
                }))
            }
            Expr::IsBool {
                expr,
                value,
                negated,
            } => {
                let (v, name) = match value {
                    BoolTest::True => (Some(true), "IS TRUE"),
                    BoolTest::False => (Some(false), "IS FALSE"),
                    BoolTest::Unknown => (None, "IS UNKNOWN"),
                };
                let name = match (negated, name) {
                    (true, "IS TRUE") => "IS NOT TRUE",
                    (true, "IS FALSE") => "IS NOT FALSE",
                    (true, _) => "IS NOT UNKNOWN",
                    (false, n) => n,
                };
                let t = self.bind_expr(expr, cx)?;
                let t = self.coerce_bool(t, name)?;
                Ok(bool_of(ScalarExpr::IsBool {
                    expr: Box::new(t.expr),
                    value: v,
                    negated: *negated,
                }))
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                let l = self.bind_expr(left, cx)?;
                let r = self.bind_expr(right, cx)?;
                let (l, r) = self.unify_for_compare(l, r, "=")?;
                Ok(bool_of(ScalarExpr::IsDistinctFrom {
                    left: Box::new(l.expr),
                    right: Box::new(r.expr),
                    negated: *negated,
                }))
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
                symmetric,
            } => {
                let x = self.bind_expr(expr, cx)?;
                let lo = self.bind_expr(low, cx)?;
                let hi = self.bind_expr(high, cx)?;
                let (x1, lo) = self.unify_for_compare(x.clone(), lo, ">=")?;
                let (x2, hi) = self.unify_for_compare(x, hi, "<=")?;
                let range = |a: &Typed, b: &Typed| {
                    ScalarExpr::And(vec![
                        ScalarExpr::Compare {
                            op: CmpOp::GtEq,
                            left: Box::new(x1.expr.clone()),
                            right: Box::new(a.expr.clone()),
                        },
                        ScalarExpr::Compare {
                            op: CmpOp::LtEq,
                            left: Box::new(x2.expr.clone()),
                            right: Box::new(b.expr.clone()),
                        },
                    ])
                };
                let mut test = range(&lo, &hi);
                if *symmetric {
                    test = ScalarExpr::Or(vec![test, range(&hi, &lo)]);
                }
                Ok(bool_of(if *negated {
                    ScalarExpr::Not(Box::new(test))
                } else {
                    test
                }))
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                let x = self.bind_expr(expr, cx)?;
                let mut items = Vec::with_capacity(list.len());
                for i in list {
                    items.push(self.bind_expr(i, cx)?);
                }
                let mut all = vec![x.clone()];
                all.extend(items.iter().cloned());
                let types: Vec<DataType> = all.iter().map(|t| t.ty.clone()).collect();
                if common_type(&types, "IN").is_ok() {
                    let (mut all, _) = self.coerce_common(all, "IN")?;
                    let x = all.remove(0);
                    let list = all.into_iter().map(|t| t.expr).collect();
                    return Ok(bool_of(ScalarExpr::InList {
                        expr: Box::new(x.expr),
                        list,
                        negated: *negated,
                    }));
                }
                // No common type: PostgreSQL compares one by one (and
                // reports the first missing operator).
                let mut tests = Vec::new();
                for i in items {
                    let (l, r) =
                        self.unify_for_compare(x.clone(), i, if *negated { "<>" } else { "=" })?;
                    let op = if *negated { CmpOp::NotEq } else { CmpOp::Eq };
                    tests.push(ScalarExpr::Compare {
                        op,
                        left: Box::new(l.expr),
                        right: Box::new(r.expr),
                    });
                }
                Ok(bool_of(if *negated {
                    ScalarExpr::And(tests)
                } else {
                    ScalarExpr::Or(tests)
                }))
            }
            Expr::Quantified {
                op,
                quantifier,
                left,
                right,
            } => {
                let Expr::Array(elems) = right.as_ref() else {
                    // `x op ANY (arr)` is `x op ANY (SELECT unnest(arr))`:
                    // the same three-valued result, one element at a time.
                    let unnest = ast::FunctionCall::new(
                        ast::ObjectName::single("unnest"),
                        vec![(**right).clone()],
                    );
                    let select = ast::Select {
                        distinct: None,
                        targets: vec![ast::SelectItem::Expr {
                            expr: Expr::Function(Box::new(unnest)),
                            alias: None,
                        }],
                        into: None,
                        from: Vec::new(),
                        where_clause: None,
                        group_by: Vec::new(),
                        having: None,
                        windows: Vec::new(),
                    };
                    let query = ast::Query::of(ast::SetExpr::Select(Box::new(select)));
                    let sub = Expr::QuantifiedSubquery {
                        op: op.clone(),
                        quantifier: *quantifier,
                        left: left.clone(),
                        query: Box::new(query),
                    };
                    return self.bind_expr(&sub, cx);
                };
                let Some((cmp, symbol)) = cmp_op(op) else {
                    return Err(at(unsupported("this operator with ANY/ALL"), pos));
                };
                let x = self.bind_expr(left, cx)?;
                let mut tests = Vec::new();
                for el in elems {
                    let r = self.bind_expr(el, cx)?;
                    let (l, r) = self.unify_for_compare(x.clone(), r, symbol)?;
                    tests.push(ScalarExpr::Compare {
                        op: cmp,
                        left: Box::new(l.expr),
                        right: Box::new(r.expr),
                    });
                }
                Ok(bool_of(match quantifier {
                    Quantifier::Any => ScalarExpr::Or(tests),
                    Quantifier::All => ScalarExpr::And(tests),
                }))
            }
            _ => Err(unsupported("this predicate")),
        }
    }
}

fn ast_symbol(op: &ast::BinaryOp) -> String {
    use ast::BinaryOp::*;
    match op {
        Pow => "^".into(),
        BitAnd => "&".into(),
        BitOr => "|".into(),
        BitXor => "#".into(),
        ShiftLeft => "<<".into(),
        ShiftRight => ">>".into(),
        JsonGet {
            text: false,
            path: false,
        } => "->".into(),
        JsonGet {
            text: true,
            path: false,
        } => "->>".into(),
        JsonGet {
            text: false,
            path: true,
        } => "#>".into(),
        JsonGet {
            text: true,
            path: true,
        } => "#>>".into(),
        Contains => "@>".into(),
        ContainedBy => "<@".into(),
        JsonHasKey => "?".into(),
        JsonHasAny => "?|".into(),
        JsonHasAll => "?&".into(),
        Overlap => "&&".into(),
        Other(s) => s.clone(),
        _ => "?".into(),
    }
}
