//! sqlparser expressions → [`Expr`].

use assay_storage::{err, Result, SqlState};
use sqlparser::ast::{
    self as sp, AccessExpr, BinaryOperator, CastKind, DuplicateTreatment, FunctionArg as SpArg,
    FunctionArgExpr, FunctionArgumentClause, FunctionArguments, UnaryOperator, Value,
};

use super::source::{fold, object_name, start_of, unsupported};
use super::Tr;
use crate::ast::*;

/// Names that PostgreSQL's grammar reads as keyword value functions.
const SQL_VALUE_FUNCTIONS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_catalog",
    "current_schema",
];

/// The longest chain of binary operators accepted (`a + b + …`).
const MAX_CHAIN: usize = 10_000;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Tr<'_> {
    pub fn exprs(&self, es: &[sp::Expr]) -> Result<Vec<Expr>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    fn bexpr(&self, e: &sp::Expr) -> Result<Box<Expr>> {
        Ok(boxed(self.expr(e)?))
    }

    fn opt_bexpr(&self, e: &Option<Box<sp::Expr>>) -> Result<Option<Box<Expr>>> {
        e.as_deref().map(|e| self.bexpr(e)).transpose()
    }

    pub fn expr(&self, mut e: &sp::Expr) -> Result<Expr> {
        use sp::Expr as E;
        // Parentheses only group; unwrap them without recursing.
        while let E::Nested(inner) = e {
            e = inner;
        }
        Ok(match e {
            E::Identifier(id) => {
                let lower = id.value.to_ascii_lowercase();
                if id.quote_style.is_none() && lower == "default" {
                    Expr::Default
                } else if id.quote_style.is_none() && SQL_VALUE_FUNCTIONS.contains(&lower.as_str())
                {
                    Expr::SqlValue {
                        name: lower,
                        precision: None,
                    }
                } else {
                    Expr::Column {
                        names: vec![self.src.name_ident(id)?],
                        pos: self.src.pos(id.span.start),
                    }
                }
            }
            E::CompoundIdentifier(ids) if ids.len() > 4 => {
                let name: Vec<String> = ids.iter().map(fold).collect();
                return Err(err!(
                    SqlState::SYNTAX_ERROR,
                    "improper qualified name (too many dotted names): {}",
                    name.join(".")
                )
                .with_position(self.src.offset(ids[0].span.start)));
            }
            E::CompoundIdentifier(ids) => Expr::Column {
                names: ids
                    .iter()
                    .map(|id| self.src.name_ident(id))
                    .collect::<Result<_>>()?,
                pos: ids
                    .first()
                    .map(|i| self.src.pos(i.span.start))
                    .unwrap_or_default(),
            },
            E::CompoundFieldAccess { root, access_chain } => {
                let mut out = self.expr(root)?;
                for access in access_chain {
                    out = self.access(out, access)?;
                }
                out
            }
            E::IsNull(x) => Expr::IsNull {
                expr: self.bexpr(x)?,
                negated: false,
            },
            E::IsNotNull(x) => Expr::IsNull {
                expr: self.bexpr(x)?,
                negated: true,
            },
            E::IsTrue(x) => self.is_bool(x, BoolTest::True, false)?,
            E::IsNotTrue(x) => self.is_bool(x, BoolTest::True, true)?,
            E::IsFalse(x) => self.is_bool(x, BoolTest::False, false)?,
            E::IsNotFalse(x) => self.is_bool(x, BoolTest::False, true)?,
            E::IsUnknown(x) => self.is_bool(x, BoolTest::Unknown, false)?,
            E::IsNotUnknown(x) => self.is_bool(x, BoolTest::Unknown, true)?,
            E::IsDistinctFrom(a, b) => Expr::IsDistinctFrom {
                left: self.bexpr(a)?,
                right: self.bexpr(b)?,
                negated: false,
            },
            E::IsNotDistinctFrom(a, b) => Expr::IsDistinctFrom {
                left: self.bexpr(a)?,
                right: self.bexpr(b)?,
                negated: true,
            },
            E::InList {
                expr,
                list,
                negated,
            } => Expr::InList {
                expr: self.bexpr(expr)?,
                list: self.exprs(list)?,
                negated: *negated,
            },
            E::InSubquery {
                expr,
                subquery,
                negated,
            } => Expr::InSubquery {
                expr: self.bexpr(expr)?,
                query: Box::new(self.query(subquery)?),
                negated: *negated,
            },
            E::Between {
                expr,
                negated,
                low,
                high,
            } => Expr::Between {
                expr: self.bexpr(expr)?,
                low: self.bexpr(low)?,
                high: self.bexpr(high)?,
                negated: *negated,
                symmetric: self.symmetric.contains(&start_of(low.as_ref())),
            },
            E::BinaryOp { .. } => self.binary_chain(e)?,
            E::Like {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => self.like(LikeKind::Like, *negated, expr, pattern, escape_char)?,
            E::ILike {
                negated,
                any: false,
                expr,
                pattern,
                escape_char,
            } => self.like(LikeKind::ILike, *negated, expr, pattern, escape_char)?,
            E::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => self.like(LikeKind::SimilarTo, *negated, expr, pattern, escape_char)?,
            E::AnyOp {
                left,
                compare_op,
                right,
                ..
            } => self.quantified(Quantifier::Any, left, compare_op, right)?,
            E::AllOp {
                left,
                compare_op,
                right,
            } => self.quantified(Quantifier::All, left, compare_op, right)?,
            E::UnaryOp { op, expr } => self.unary(op, expr)?,
            E::Cast {
                kind,
                expr,
                data_type,
                format: None,
            } => {
                if matches!(kind, CastKind::TryCast | CastKind::SafeCast) {
                    return Err(unsupported("TRY_CAST"));
                }
                Expr::Cast {
                    expr: self.bexpr(expr)?,
                    type_name: self.type_name(data_type)?,
                    pos: self.src.pos(start_of(e)),
                }
            }
            E::AtTimeZone {
                timestamp,
                time_zone,
            } => Expr::AtTimeZone {
                expr: self.bexpr(timestamp)?,
                zone: self.bexpr(time_zone)?,
            },
            E::Extract {
                field,
                syntax: sp::ExtractSyntax::From,
                expr,
            } => Expr::Extract {
                field: datetime_field(field),
                expr: self.bexpr(expr)?,
            },
            E::Ceil { expr, field } | E::Floor { expr, field } => {
                let name = if matches!(e, E::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let mut args = vec![self.expr(expr)?];
                match field {
                    sp::CeilFloorKind::DateTimeField(sp::DateTimeField::NoDateTime) => {}
                    sp::CeilFloorKind::Scale(v) => args.push(self.value(v)?),
                    sp::CeilFloorKind::DateTimeField(_) => return Err(unsupported("CEIL TO")),
                }
                let mut call = FunctionCall::new(ObjectName::single(name), args);
                call.pos = self.src.pos(start_of(e));
                Expr::Function(Box::new(call))
            }
            E::Position { expr, r#in } => Expr::Position {
                needle: self.bexpr(expr)?,
                haystack: self.bexpr(r#in)?,
            },
            E::Substring {
                expr,
                substring_from,
                substring_for,
                special,
                shorthand,
            } => {
                if *special {
                    // `substring(a, 1, 2)` and `substr(a, 1, 2)` are
                    // ordinary calls (each names its column).
                    let mut args = vec![self.expr(expr)?];
                    for a in [substring_from, substring_for].into_iter().flatten() {
                        args.push(self.expr(a)?);
                    }
                    let name = if *shorthand { "substr" } else { "substring" };
                    let mut call = FunctionCall::new(ObjectName::single(name), args);
                    call.pos = self.src.pos(start_of(e));
                    Expr::Function(Box::new(call))
                } else {
                    Expr::Substring {
                        expr: self.bexpr(expr)?,
                        from: self.opt_bexpr(substring_from)?,
                        count: self.opt_bexpr(substring_for)?,
                    }
                }
            }
            E::Trim {
                trim_where,
                trim_what,
                expr,
                trim_characters: None,
            } => Expr::Trim {
                side: match trim_where {
                    Some(sp::TrimWhereField::Leading) => TrimSide::Leading,
                    Some(sp::TrimWhereField::Trailing) => TrimSide::Trailing,
                    _ => TrimSide::Both,
                },
                chars: self.opt_bexpr(trim_what)?,
                expr: self.bexpr(expr)?,
            },
            E::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => Expr::Overlay {
                expr: self.bexpr(expr)?,
                placing: self.bexpr(overlay_what)?,
                from: self.bexpr(overlay_from)?,
                count: self.opt_bexpr(overlay_for)?,
            },
            E::Collate { expr, collation } => Expr::Collate {
                expr: self.bexpr(expr)?,
                collation: object_name(collation)?,
            },
            E::Value(v) => self.value(v)?,
            E::TypedString(ts) => Expr::Cast {
                expr: boxed(self.value(&ts.value)?),
                type_name: self.type_name(&ts.data_type)?,
                pos: self.src.pos(start_of(e)),
            },
            E::Function(f) => self.function_expr(f)?,
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => Expr::Case {
                operand: self.opt_bexpr(operand)?,
                whens: conditions
                    .iter()
                    .map(|w| Ok((self.expr(&w.condition)?, self.expr(&w.result)?)))
                    .collect::<Result<_>>()?,
                else_result: self.opt_bexpr(else_result)?,
            },
            E::Exists { subquery, negated } => {
                let exists = Expr::Exists {
                    query: Box::new(self.query(subquery)?),
                };
                if *negated {
                    Expr::Unary {
                        op: UnaryOp::Not,
                        expr: boxed(exists),
                    }
                } else {
                    exists
                }
            }
            E::Subquery(q) => Expr::Subquery {
                query: Box::new(self.query(q)?),
            },
            E::Tuple(items) => Expr::Row(self.exprs(items)?),
            E::Array(a) => Expr::Array(self.exprs(&a.elem)?),
            E::Interval(iv) => self.interval(iv)?,
            E::GroupingSets(_) | E::Cube(_) | E::Rollup(_) => {
                return Err(self.src.syntax_error_at(start_of(e), start_of(e)));
            }
            E::Wildcard(tok) | E::QualifiedWildcard(_, tok) => {
                return Err(self.src.syntax_error_at(tok.0.span.start, tok.0.span.end));
            }
            other => return Err(unsupported(format!("expression \"{other}\""))),
        })
    }

    /// A chain such as `a OR b OR c …` is as deep as it is long; it is
    /// walked in a loop so that thousands of terms do not exhaust the stack.
    fn binary_chain(&self, e: &sp::Expr) -> Result<Expr> {
        let mut spine = Vec::new();
        let mut cur = e;
        while let sp::Expr::BinaryOp { left, op, right } = cur {
            spine.push((op, right));
            cur = left;
        }
        if spine.len() > MAX_CHAIN {
            return Err(err!(
                SqlState::STATEMENT_TOO_COMPLEX,
                "stack depth limit exceeded"
            )
            .with_hint("Simplify the statement: an expression has too many terms."));
        }
        let mut acc = self.expr(cur)?;
        for (op, right) in spine.into_iter().rev() {
            acc = match like_operator(op) {
                Some((kind, negated)) => Expr::Like {
                    kind,
                    negated,
                    expr: boxed(acc),
                    pattern: self.bexpr(right)?,
                    escape: None,
                },
                None => Expr::Binary {
                    op: self.binary_op(op)?,
                    left: boxed(acc),
                    right: self.bexpr(right)?,
                },
            };
        }
        Ok(acc)
    }

    fn is_bool(&self, x: &sp::Expr, value: BoolTest, negated: bool) -> Result<Expr> {
        Ok(Expr::IsBool {
            expr: self.bexpr(x)?,
            value,
            negated,
        })
    }

    fn like(
        &self,
        kind: LikeKind,
        negated: bool,
        expr: &sp::Expr,
        pattern: &sp::Expr,
        escape: &Option<Box<sp::Expr>>,
    ) -> Result<Expr> {
        Ok(Expr::Like {
            kind,
            negated,
            expr: self.bexpr(expr)?,
            pattern: self.bexpr(pattern)?,
            escape: self.opt_bexpr(escape)?,
        })
    }

    fn quantified(
        &self,
        quantifier: Quantifier,
        left: &sp::Expr,
        op: &BinaryOperator,
        right: &sp::Expr,
    ) -> Result<Expr> {
        let op = self.binary_op(op)?;
        let left = self.bexpr(left)?;
        Ok(match right {
            sp::Expr::Subquery(q) => Expr::QuantifiedSubquery {
                op,
                quantifier,
                left,
                query: Box::new(self.query(q)?),
            },
            _ => Expr::Quantified {
                op,
                quantifier,
                left,
                right: self.bexpr(right)?,
            },
        })
    }

    fn unary(&self, op: &UnaryOperator, expr: &sp::Expr) -> Result<Expr> {
        let op = match op {
            UnaryOperator::Plus => UnaryOp::Plus,
            UnaryOperator::Minus => {
                // PostgreSQL folds a minus into a numeric constant, so that
                // -2147483648 is an int4.
                return Ok(match self.expr(expr)? {
                    Expr::Literal {
                        value: Literal::Number(n),
                        pos,
                    } => {
                        let n = match n.strip_prefix('-') {
                            Some(pos) => pos.to_string(),
                            None => format!("-{n}"),
                        };
                        Expr::Literal {
                            value: Literal::Number(n),
                            pos,
                        }
                    }
                    other => Expr::Unary {
                        op: UnaryOp::Minus,
                        expr: boxed(other),
                    },
                });
            }
            UnaryOperator::Not => UnaryOp::Not,
            UnaryOperator::BitwiseNot => UnaryOp::BitNot,
            UnaryOperator::PGAbs => UnaryOp::Abs,
            UnaryOperator::PGSquareRoot => UnaryOp::SquareRoot,
            UnaryOperator::PGCubeRoot => UnaryOp::CubeRoot,
            other => return Err(unsupported(format!("prefix operator {other}"))),
        };
        Ok(Expr::Unary {
            op,
            expr: self.bexpr(expr)?,
        })
    }

    fn binary_op(&self, op: &BinaryOperator) -> Result<BinaryOp> {
        use BinaryOperator as B;
        Ok(match op {
            B::Plus => BinaryOp::Add,
            B::Minus => BinaryOp::Sub,
            B::Multiply => BinaryOp::Mul,
            B::Divide => BinaryOp::Div,
            B::Modulo => BinaryOp::Mod,
            B::PGExp => BinaryOp::Pow,
            B::StringConcat => BinaryOp::Concat,
            B::Eq => BinaryOp::Eq,
            B::NotEq => BinaryOp::NotEq,
            B::Lt => BinaryOp::Lt,
            B::LtEq => BinaryOp::LtEq,
            B::Gt => BinaryOp::Gt,
            B::GtEq => BinaryOp::GtEq,
            B::And => BinaryOp::And,
            B::Or => BinaryOp::Or,
            B::BitwiseAnd => BinaryOp::BitAnd,
            B::BitwiseOr => BinaryOp::BitOr,
            B::PGBitwiseXor => BinaryOp::BitXor,
            B::PGBitwiseShiftLeft => BinaryOp::ShiftLeft,
            B::PGBitwiseShiftRight => BinaryOp::ShiftRight,
            B::PGRegexMatch => BinaryOp::RegexMatch {
                case_insensitive: false,
                negated: false,
            },
            B::PGRegexIMatch => BinaryOp::RegexMatch {
                case_insensitive: true,
                negated: false,
            },
            B::PGRegexNotMatch => BinaryOp::RegexMatch {
                case_insensitive: false,
                negated: true,
            },
            B::PGRegexNotIMatch => BinaryOp::RegexMatch {
                case_insensitive: true,
                negated: true,
            },
            B::Arrow => BinaryOp::JsonGet {
                text: false,
                path: false,
            },
            B::LongArrow => BinaryOp::JsonGet {
                text: true,
                path: false,
            },
            B::HashArrow => BinaryOp::JsonGet {
                text: false,
                path: true,
            },
            B::HashLongArrow => BinaryOp::JsonGet {
                text: true,
                path: true,
            },
            B::AtArrow => BinaryOp::Contains,
            B::ArrowAt => BinaryOp::ContainedBy,
            B::Question => BinaryOp::JsonHasKey,
            B::QuestionPipe => BinaryOp::JsonHasAny,
            B::QuestionAnd => BinaryOp::JsonHasAll,
            B::PGOverlap => BinaryOp::Overlap,
            B::PGLikeMatch => BinaryOp::Other("~~".into()),
            B::PGILikeMatch => BinaryOp::Other("~~*".into()),
            B::PGNotLikeMatch => BinaryOp::Other("!~~".into()),
            B::PGNotILikeMatch => BinaryOp::Other("!~~*".into()),
            B::PGStartsWith => BinaryOp::Other("^@".into()),
            B::AtAt => BinaryOp::Other("@@".into()),
            B::HashMinus => BinaryOp::Other("#-".into()),
            B::AtQuestion => BinaryOp::Other("@?".into()),
            B::Custom(s) => BinaryOp::Other(s.clone()),
            // `OPERATOR(pg_catalog.~)` is the operator it names.
            B::PGCustomBinaryOperator(parts) => {
                let symbol = parts.last().map_or("", String::as_str);
                let regex = |case_insensitive, negated| BinaryOp::RegexMatch {
                    case_insensitive,
                    negated,
                };
                match symbol {
                    "~" => regex(false, false),
                    "~*" => regex(true, false),
                    "!~" => regex(false, true),
                    "!~*" => regex(true, true),
                    "=" => BinaryOp::Eq,
                    "<>" | "!=" => BinaryOp::NotEq,
                    "<" => BinaryOp::Lt,
                    "<=" => BinaryOp::LtEq,
                    ">" => BinaryOp::Gt,
                    ">=" => BinaryOp::GtEq,
                    "+" => BinaryOp::Add,
                    "-" => BinaryOp::Sub,
                    "*" => BinaryOp::Mul,
                    "/" => BinaryOp::Div,
                    "||" => BinaryOp::Concat,
                    s => BinaryOp::Other(s.to_string()),
                }
            }
            other => BinaryOp::Other(other.to_string()),
        })
    }

    pub fn value(&self, v: &sp::ValueWithSpan) -> Result<Expr> {
        let pos = self.src.pos(v.span.start);
        let value = match &v.value {
            Value::Number(n, _) => Literal::Number(n.clone()),
            Value::SingleQuotedString(s)
            | Value::EscapedStringLiteral(s)
            | Value::UnicodeStringLiteral(s)
            | Value::NationalStringLiteral(s) => Literal::String(s.clone()),
            Value::DollarQuotedString(d) => Literal::String(d.value.clone()),
            Value::HexStringLiteral(s) => Literal::BitString {
                hex: true,
                digits: s.clone(),
            },
            Value::SingleQuotedByteStringLiteral(s) => Literal::BitString {
                hex: false,
                digits: s.clone(),
            },
            Value::Boolean(b) => Literal::Boolean(*b),
            Value::Null => Literal::Null,
            Value::Placeholder(p) => {
                let index = p.strip_prefix('$').and_then(|n| n.parse::<u32>().ok());
                return match index {
                    Some(index) if index > 0 => Ok(Expr::Param { index, pos }),
                    Some(0) => Err(
                        err!(SqlState::UNDEFINED_PARAMETER, "there is no parameter $0")
                            .with_position(pos.0),
                    ),
                    _ => Err(self.src.syntax_error_at(v.span.start, v.span.end)),
                };
            }
            _ => return Err(self.src.syntax_error_at(v.span.start, v.span.end)),
        };
        Ok(Expr::Literal { value, pos })
    }

    fn interval(&self, iv: &sp::Interval) -> Result<Expr> {
        let mut type_name = TypeName::simple("interval");
        let fields = match (&iv.leading_field, &iv.last_field) {
            (Some(a), Some(b)) => Some(format!("{} to {}", datetime_field(a), datetime_field(b))),
            (Some(a), None) => Some(datetime_field(a)),
            _ => None,
        };
        type_name.interval_fields = fields;
        for p in [iv.leading_precision, iv.fractional_seconds_precision]
            .into_iter()
            .flatten()
        {
            type_name.modifiers.push(p as i64);
        }
        Ok(Expr::Cast {
            pos: self.src.pos(start_of(iv.value.as_ref())),
            expr: self.bexpr(&iv.value)?,
            type_name,
        })
    }

    fn access(&self, base: Expr, access: &AccessExpr) -> Result<Expr> {
        Ok(match access {
            AccessExpr::Dot(sp::Expr::Identifier(id)) => Expr::Field {
                expr: boxed(base),
                field: fold(id),
            },
            AccessExpr::Dot(other) => return Err(unsupported(format!("field access .{other}"))),
            AccessExpr::Subscript(sp::Subscript::Index { index }) => Expr::Subscript {
                expr: boxed(base),
                subscript: Box::new(Subscript::Index(self.expr(index)?)),
            },
            AccessExpr::Subscript(sp::Subscript::Slice {
                lower_bound,
                upper_bound,
                stride,
            }) => {
                if stride.is_some() {
                    return Err(unsupported("array slice stride"));
                }
                let lo = lower_bound.as_ref().map(|e| self.expr(e)).transpose()?;
                let hi = upper_bound.as_ref().map(|e| self.expr(e)).transpose()?;
                Expr::Subscript {
                    expr: boxed(base),
                    subscript: Box::new(Subscript::Slice(lo, hi)),
                }
            }
        })
    }

    /// A function call in expression position, where a few names are
    /// PostgreSQL keywords with their own node.
    fn function_expr(&self, f: &sp::Function) -> Result<Expr> {
        let name = object_name(&f.name)?;
        let plain = f.name.0.len() == 1
            && matches!(&f.name.0[0], sp::ObjectNamePart::Identifier(id) if id.quote_style.is_none());
        if plain {
            let n = name.base();
            match &f.args {
                FunctionArguments::None if SQL_VALUE_FUNCTIONS.contains(&n) => {
                    return Ok(Expr::SqlValue {
                        name: n.to_string(),
                        precision: None,
                    });
                }
                FunctionArguments::Subquery(q) if n == "array" => {
                    return Ok(Expr::ArraySubquery(Box::new(self.query(q)?)));
                }
                _ => {}
            }
            let special = ["coalesce", "nullif", "greatest", "least", "row", "grouping"];
            let is_time_value = SQL_VALUE_FUNCTIONS[..5].contains(&n);
            if (special.contains(&n) || is_time_value) && f.over.is_none() && f.filter.is_none() {
                let call = self.function(f)?;
                let simple = !call.star && !call.distinct && call.order_by.is_empty();
                let args: Vec<Expr> = call.args.into_iter().map(|a| a.value).collect();
                if simple {
                    match (n, args.as_slice()) {
                        ("coalesce", [_, ..]) => return Ok(Expr::Coalesce(args)),
                        ("greatest", [_, ..]) => return Ok(Expr::Greatest(args)),
                        ("least", [_, ..]) => return Ok(Expr::Least(args)),
                        ("row", _) => return Ok(Expr::Row(args)),
                        ("grouping", [_, ..]) => return Ok(Expr::Grouping(args)),
                        ("nullif", [a, b]) => {
                            return Ok(Expr::NullIf(boxed(a.clone()), boxed(b.clone())))
                        }
                        (
                            _,
                            [Expr::Literal {
                                value: Literal::Number(p),
                                ..
                            }],
                        ) if is_time_value => {
                            if let Ok(p) = p.parse::<i64>() {
                                return Ok(Expr::SqlValue {
                                    name: n.to_string(),
                                    precision: Some(p),
                                });
                            }
                        }
                        _ => {}
                    }
                }
                return Err(self
                    .src
                    .syntax_error_at(start_of(&f.name), start_of(&f.name)));
            }
        }
        Ok(Expr::Function(Box::new(self.function(f)?)))
    }

    /// A function call: arguments, DISTINCT, ORDER BY, FILTER, OVER.
    pub fn function(&self, f: &sp::Function) -> Result<FunctionCall> {
        let mut call = FunctionCall::new(object_name(&f.name)?, Vec::new());
        call.pos = self.src.pos(start_of(&f.name));
        if !matches!(f.parameters, FunctionArguments::None) || f.null_treatment.is_some() {
            return Err(unsupported("this function call syntax"));
        }
        match &f.args {
            FunctionArguments::None => {}
            FunctionArguments::Subquery(_) => {
                return Err(unsupported(
                    "a subquery as a function argument without parentheses",
                ))
            }
            FunctionArguments::List(list) => {
                call.distinct =
                    matches!(list.duplicate_treatment, Some(DuplicateTreatment::Distinct));
                for arg in &list.args {
                    match arg {
                        SpArg::Unnamed(FunctionArgExpr::Wildcard) if list.args.len() == 1 => {
                            call.star = true
                        }
                        // `t.*` as an argument is the row of `t`.
                        SpArg::Unnamed(FunctionArgExpr::QualifiedWildcard(prefix))
                            if prefix.0.len() == 1 =>
                        {
                            let mut names = self.src.relation_name(prefix)?.0;
                            names.push("*".to_string());
                            call.args.push(FunctionArg {
                                name: None,
                                value: Expr::Column {
                                    names,
                                    pos: Default::default(),
                                },
                            })
                        }
                        SpArg::Unnamed(FunctionArgExpr::Expr(e)) => call.args.push(FunctionArg {
                            name: None,
                            value: self.expr(e)?,
                        }),
                        SpArg::ExprNamed {
                            name: sp::Expr::Identifier(name),
                            arg: FunctionArgExpr::Expr(e),
                            ..
                        }
                        | SpArg::Named {
                            name,
                            arg: FunctionArgExpr::Expr(e),
                            ..
                        } => call.args.push(FunctionArg {
                            name: Some(fold(name)),
                            value: self.expr(e)?,
                        }),
                        _ => return Err(unsupported(format!("function argument {arg}"))),
                    }
                }
                for clause in &list.clauses {
                    match clause {
                        FunctionArgumentClause::OrderBy(items) => {
                            call.order_by = self.sort_list(items)?
                        }
                        other => return Err(unsupported(format!("{other} in a function call"))),
                    }
                }
            }
        }
        call.within_group = self.sort_list(&f.within_group)?;
        call.filter = self.opt_bexpr(&f.filter)?;
        call.over = match &f.over {
            None => None,
            Some(sp::WindowType::NamedWindow(id)) => Some(WindowRef::Named(fold(id))),
            Some(sp::WindowType::WindowSpec(spec)) => {
                Some(WindowRef::Spec(self.window_spec(spec)?))
            }
        };
        if call.star && (call.distinct || !call.order_by.is_empty()) {
            return Err(err!(
                SqlState::SYNTAX_ERROR,
                "syntax error at or near \"*\""
            ));
        }
        Ok(call)
    }

    pub fn window_spec(&self, spec: &sp::WindowSpec) -> Result<WindowSpec> {
        let frame = match &spec.window_frame {
            None => None,
            Some(fr) => Some(WindowFrame {
                exclusion: {
                    let n = self.frames.get();
                    self.frames.set(n + 1);
                    self.exclusions
                        .iter()
                        .find(|(at, _)| *at == n)
                        .map(|(_, x)| *x)
                },
                units: match fr.units {
                    sp::WindowFrameUnits::Rows => FrameUnits::Rows,
                    sp::WindowFrameUnits::Range => FrameUnits::Range,
                    sp::WindowFrameUnits::Groups => FrameUnits::Groups,
                },
                start: self.frame_bound(&fr.start_bound, true)?,
                end: fr
                    .end_bound
                    .as_ref()
                    .map(|b| self.frame_bound(b, false))
                    .transpose()?,
            }),
        };
        Ok(WindowSpec {
            base: spec.window_name.as_ref().map(fold),
            partition_by: self.exprs(&spec.partition_by)?,
            order_by: self.sort_list(&spec.order_by)?,
            frame,
        })
    }

    fn frame_bound(&self, b: &sp::WindowFrameBound, _start: bool) -> Result<FrameBound> {
        Ok(match b {
            sp::WindowFrameBound::CurrentRow => FrameBound::CurrentRow,
            sp::WindowFrameBound::Preceding(None) => FrameBound::UnboundedPreceding,
            sp::WindowFrameBound::Preceding(Some(e)) => FrameBound::Preceding(self.bexpr(e)?),
            sp::WindowFrameBound::Following(None) => FrameBound::UnboundedFollowing,
            sp::WindowFrameBound::Following(Some(e)) => FrameBound::Following(self.bexpr(e)?),
        })
    }

    pub fn sort_list(&self, items: &[sp::OrderByExpr]) -> Result<Vec<SortBy>> {
        items.iter().map(|o| self.sort_by(o)).collect()
    }

    pub fn sort_by(&self, o: &sp::OrderByExpr) -> Result<SortBy> {
        if o.with_fill.is_some() {
            return Err(unsupported("WITH FILL"));
        }
        Ok(SortBy {
            expr: self.expr(&o.expr)?,
            order: match &o.options.sort {
                None => SortOrder::Default,
                Some(sp::OrderBySort::Asc) => SortOrder::Asc,
                Some(sp::OrderBySort::Desc) => SortOrder::Desc,
                Some(sp::OrderBySort::Using(op)) => SortOrder::Using(op.to_string()),
            },
            nulls_first: o.options.nulls_first,
        })
    }
}

/// An EXTRACT or INTERVAL field, lower-cased.
fn datetime_field(f: &sp::DateTimeField) -> String {
    match f {
        sp::DateTimeField::Custom(id) => fold(id),
        other => other.to_string().to_ascii_lowercase(),
    }
}

/// `~~`, `~~*`, `!~~` and `!~~*` are how PostgreSQL spells LIKE, ILIKE and
/// their negations as operators: they become the same predicate.
fn like_operator(op: &BinaryOperator) -> Option<(LikeKind, bool)> {
    Some(match op {
        BinaryOperator::PGLikeMatch => (LikeKind::Like, false),
        BinaryOperator::PGNotLikeMatch => (LikeKind::Like, true),
        BinaryOperator::PGILikeMatch => (LikeKind::ILike, false),
        BinaryOperator::PGNotILikeMatch => (LikeKind::ILike, true),
        _ => return None,
    })
}
