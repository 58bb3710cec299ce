//! SQL text for expressions and type names.
//!
//! Printing is conservative: any operand that is not atomic is wrapped in
//! parentheses, so the text parses back into the same tree whatever the
//! operator precedences are.

use std::fmt::{self, Display, Formatter, Write};

use super::ident::{ident_list, Ident};
use super::*;

/// Writes items separated by `, `.
pub(super) struct Commas<'a, T>(pub &'a [T]);

impl<T: Display> Display for Commas<'_, T> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (i, item) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{item}")?;
        }
        Ok(())
    }
}

/// Writes a string constant with its quotes doubled.
pub(super) fn quote_str(f: &mut Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('\'')?;
    for c in s.chars() {
        if c == '\'' {
            f.write_char('\'')?;
        }
        f.write_char(c)?;
    }
    f.write_char('\'')
}

/// An operand: printed bare when atomic, else parenthesised.
pub(super) struct Operand<'a>(pub &'a Expr);

impl Display for Operand<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if self.0.is_atomic() {
            write!(f, "{}", self.0)
        } else {
            write!(f, "({})", self.0)
        }
    }
}

impl Expr {
    fn is_atomic(&self) -> bool {
        match self {
            Expr::Literal {
                value: Literal::Number(n),
                ..
            } => !n.starts_with('-'),
            Expr::Column { .. }
            | Expr::Literal { .. }
            | Expr::Param { .. }
            | Expr::Default
            | Expr::Function(_)
            | Expr::Case { .. }
            | Expr::Cast { .. }
            | Expr::Array(_)
            | Expr::ArraySubquery(_)
            | Expr::Row(_)
            | Expr::Subquery { .. }
            | Expr::Exists { .. }
            | Expr::Coalesce(_)
            | Expr::NullIf(..)
            | Expr::Greatest(_)
            | Expr::Least(_)
            | Expr::Extract { .. }
            | Expr::Position { .. }
            | Expr::Substring { .. }
            | Expr::Trim { .. }
            | Expr::Overlay { .. }
            | Expr::Grouping(_)
            | Expr::SqlValue { .. }
            | Expr::Field { .. }
            | Expr::Subscript { .. } => true,
            _ => false,
        }
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Column { names, .. } => {
                for (i, n) in names.iter().enumerate() {
                    if i > 0 {
                        f.write_char('.')?;
                    }
                    write!(f, "{}", Ident(n))?;
                }
                Ok(())
            }
            Expr::Literal { value, .. } => write!(f, "{value}"),
            Expr::Param { index, .. } => write!(f, "${index}"),
            Expr::Default => f.write_str("DEFAULT"),
            Expr::Unary { op, expr } => {
                let sym = match op {
                    UnaryOp::Plus => "+",
                    UnaryOp::Minus => "-",
                    UnaryOp::Not => "NOT ",
                    UnaryOp::BitNot => "~ ",
                    UnaryOp::Abs => "@ ",
                    UnaryOp::SquareRoot => "|/ ",
                    UnaryOp::CubeRoot => "||/ ",
                };
                write!(f, "{sym}{}", Operand(expr))
            }
            Expr::Binary { op, .. } => {
                // A left-leaning chain of one associative operator prints
                // without parentheses (and without recursion): `a + b + c`.
                let chain = matches!(
                    op,
                    BinaryOp::And | BinaryOp::Or | BinaryOp::Add | BinaryOp::Mul | BinaryOp::Concat
                );
                let mut rights = Vec::new();
                let mut cur = self;
                while let Expr::Binary { op: o, left, right } = cur {
                    if !rights.is_empty() && (!chain || o != op) {
                        break;
                    }
                    rights.push(right);
                    cur = left;
                }
                write!(f, "{}", Operand(cur))?;
                for right in rights.iter().rev() {
                    write!(f, " {op} {}", Operand(right))?;
                }
                Ok(())
            }
            Expr::Like {
                kind,
                negated,
                expr,
                pattern,
                escape,
            } => {
                let word = match kind {
                    LikeKind::Like => "LIKE",
                    LikeKind::ILike => "ILIKE",
                    LikeKind::SimilarTo => "SIMILAR TO",
                };
                let not = if *negated { "NOT " } else { "" };
                write!(f, "{} {not}{word} {}", Operand(expr), Operand(pattern))?;
                if let Some(e) = escape {
                    write!(f, " ESCAPE {}", Operand(e))?;
                }
                Ok(())
            }
            Expr::IsNull { expr, negated } => {
                write!(f, "{} IS {}NULL", Operand(expr), not(*negated))
            }
            Expr::IsBool {
                expr,
                value,
                negated,
            } => {
                let v = match value {
                    BoolTest::True => "TRUE",
                    BoolTest::False => "FALSE",
                    BoolTest::Unknown => "UNKNOWN",
                };
                write!(f, "{} IS {}{v}", Operand(expr), not(*negated))
            }
            Expr::IsDistinctFrom {
                left,
                right,
                negated,
            } => {
                write!(
                    f,
                    "{} IS {}DISTINCT FROM {}",
                    Operand(left),
                    not(*negated),
                    Operand(right)
                )
            }
            Expr::Between {
                expr,
                low,
                high,
                negated,
                symmetric,
            } => {
                let sym = if *symmetric { "SYMMETRIC " } else { "" };
                write!(
                    f,
                    "{} {}BETWEEN {sym}{} AND {}",
                    Operand(expr),
                    not(*negated),
                    Operand(low),
                    Operand(high)
                )
            }
            Expr::InList {
                expr,
                list,
                negated,
            } => {
                write!(
                    f,
                    "{} {}IN ({})",
                    Operand(expr),
                    not(*negated),
                    Commas(list)
                )
            }
            Expr::InSubquery {
                expr,
                query,
                negated,
            } => {
                write!(f, "{} {}IN ({query})", Operand(expr), not(*negated))
            }
            Expr::Quantified {
                op,
                quantifier,
                left,
                right,
            } => {
                write!(f, "{} {op} {quantifier}({right})", Operand(left))
            }
            Expr::QuantifiedSubquery {
                op,
                quantifier,
                left,
                query,
            } => {
                write!(f, "{} {op} {quantifier}({query})", Operand(left))
            }
            Expr::Exists { query } => write!(f, "EXISTS ({query})"),
            Expr::Subquery { query } => write!(f, "({query})"),
            Expr::Case {
                operand,
                whens,
                else_result,
            } => {
                f.write_str("CASE")?;
                if let Some(o) = operand {
                    write!(f, " {}", Operand(o))?;
                }
                for (w, t) in whens {
                    write!(f, " WHEN {w} THEN {t}")?;
                }
                if let Some(e) = else_result {
                    write!(f, " ELSE {e}")?;
                }
                f.write_str(" END")
            }
            Expr::Cast {
                expr, type_name, ..
            } => write!(f, "CAST({expr} AS {type_name})"),
            Expr::Function(call) => write!(f, "{call}"),
            Expr::Array(items) => write!(f, "ARRAY[{}]", Commas(items)),
            Expr::ArraySubquery(q) => write!(f, "ARRAY({q})"),
            Expr::Row(items) => write!(f, "ROW({})", Commas(items)),
            Expr::Subscript { expr, subscript } => {
                match expr.as_ref() {
                    Expr::Column { .. } | Expr::Subscript { .. } => write!(f, "{expr}")?,
                    _ => write!(f, "({expr})")?,
                }
                match subscript.as_ref() {
                    Subscript::Index(i) => write!(f, "[{i}]"),
                    Subscript::Slice(lo, hi) => {
                        f.write_char('[')?;
                        if let Some(lo) = lo {
                            write!(f, "{lo}")?;
                        }
                        f.write_char(':')?;
                        if let Some(hi) = hi {
                            write!(f, "{hi}")?;
                        }
                        f.write_char(']')
                    }
                }
            }
            Expr::Field { expr, field } => write!(f, "({expr}).{}", Ident(field)),
            Expr::AtTimeZone { expr, zone } => {
                write!(f, "{} AT TIME ZONE {}", Operand(expr), Operand(zone))
            }
            Expr::Collate { expr, collation } => {
                write!(f, "{} COLLATE {collation}", Operand(expr))
            }
            Expr::Coalesce(items) => write!(f, "COALESCE({})", Commas(items)),
            Expr::NullIf(a, b) => write!(f, "NULLIF({a}, {b})"),
            Expr::Greatest(items) => write!(f, "GREATEST({})", Commas(items)),
            Expr::Least(items) => write!(f, "LEAST({})", Commas(items)),
            Expr::Extract { field, expr } => write!(f, "EXTRACT({field} FROM {expr})"),
            Expr::Position { needle, haystack } => {
                write!(f, "POSITION({} IN {})", Operand(needle), Operand(haystack))
            }
            Expr::Substring { expr, from, count } => {
                write!(f, "SUBSTRING({expr}")?;
                if let Some(from) = from {
                    write!(f, " FROM {from}")?;
                }
                if let Some(count) = count {
                    write!(f, " FOR {count}")?;
                }
                f.write_char(')')
            }
            Expr::Trim {
                side: TrimSide::Both,
                chars: None,
                expr,
            } => write!(f, "TRIM({expr})"),
            Expr::Trim { side, chars, expr } => {
                let side = match side {
                    TrimSide::Both => "BOTH",
                    TrimSide::Leading => "LEADING",
                    TrimSide::Trailing => "TRAILING",
                };
                write!(f, "TRIM({side} ")?;
                if let Some(c) = chars {
                    write!(f, "{} ", Operand(c))?;
                }
                write!(f, "FROM {expr})")
            }
            Expr::Overlay {
                expr,
                placing,
                from,
                count,
            } => {
                write!(f, "OVERLAY({expr} PLACING {placing} FROM {from}")?;
                if let Some(c) = count {
                    write!(f, " FOR {c}")?;
                }
                f.write_char(')')
            }
            Expr::Grouping(items) => write!(f, "GROUPING({})", Commas(items)),
            Expr::SqlValue { name, precision } => {
                f.write_str(&name.to_uppercase())?;
                if let Some(p) = precision {
                    write!(f, "({p})")?;
                }
                Ok(())
            }
        }
    }
}

fn not(negated: bool) -> &'static str {
    if negated {
        "NOT "
    } else {
        ""
    }
}

impl Display for Literal {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Number(n) => f.write_str(n),
            Literal::String(s) => quote_str(f, s),
            Literal::BitString { hex, digits } => {
                write!(f, "{}'{digits}'", if *hex { "X" } else { "B" })
            }
            Literal::Boolean(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            Literal::Null => f.write_str("NULL"),
        }
    }
}

impl Display for BinaryOp {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let s = match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Mod => "%",
            BinaryOp::Pow => "^",
            BinaryOp::Concat => "||",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::LtEq => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::GtEq => ">=",
            BinaryOp::And => "AND",
            BinaryOp::Or => "OR",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitOr => "|",
            BinaryOp::BitXor => "#",
            BinaryOp::ShiftLeft => "<<",
            BinaryOp::ShiftRight => ">>",
            BinaryOp::RegexMatch {
                case_insensitive,
                negated,
            } => match (negated, case_insensitive) {
                (false, false) => "~",
                (false, true) => "~*",
                (true, false) => "!~",
                (true, true) => "!~*",
            },
            BinaryOp::JsonGet { text, path } => match (path, text) {
                (false, false) => "->",
                (false, true) => "->>",
                (true, false) => "#>",
                (true, true) => "#>>",
            },
            BinaryOp::Contains => "@>",
            BinaryOp::ContainedBy => "<@",
            BinaryOp::JsonHasKey => "?",
            BinaryOp::JsonHasAny => "?|",
            BinaryOp::JsonHasAll => "?&",
            BinaryOp::Overlap => "&&",
            BinaryOp::Other(op) => op,
        };
        f.write_str(s)
    }
}

impl Display for Quantifier {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantifier::Any => "ANY",
            Quantifier::All => "ALL",
        })
    }
}

impl Display for FunctionCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        if self.star {
            f.write_char('*')?;
        }
        if self.distinct {
            f.write_str("DISTINCT ")?;
        }
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if let Some(name) = &arg.name {
                write!(f, "{} => ", Ident(name))?;
            }
            write!(f, "{}", arg.value)?;
        }
        if !self.order_by.is_empty() {
            write!(f, " ORDER BY {}", Commas(&self.order_by))?;
        }
        f.write_char(')')?;
        if !self.within_group.is_empty() {
            write!(f, " WITHIN GROUP (ORDER BY {})", Commas(&self.within_group))?;
        }
        if let Some(filter) = &self.filter {
            write!(f, " FILTER (WHERE {filter})")?;
        }
        match &self.over {
            Some(WindowRef::Named(w)) => write!(f, " OVER {}", Ident(w)),
            Some(WindowRef::Spec(spec)) => write!(f, " OVER ({spec})"),
            None => Ok(()),
        }
    }
}

impl Display for WindowSpec {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut sep = "";
        if let Some(base) = &self.base {
            write!(f, "{}", Ident(base))?;
            sep = " ";
        }
        if !self.partition_by.is_empty() {
            write!(f, "{sep}PARTITION BY {}", Commas(&self.partition_by))?;
            sep = " ";
        }
        if !self.order_by.is_empty() {
            write!(f, "{sep}ORDER BY {}", Commas(&self.order_by))?;
            sep = " ";
        }
        if let Some(frame) = &self.frame {
            let units = match frame.units {
                FrameUnits::Rows => "ROWS",
                FrameUnits::Range => "RANGE",
                FrameUnits::Groups => "GROUPS",
            };
            match &frame.end {
                Some(end) => write!(f, "{sep}{units} BETWEEN {} AND {end}", frame.start)?,
                None => write!(f, "{sep}{units} {}", frame.start)?,
            }
            if let Some(ex) = frame.exclusion {
                f.write_str(match ex {
                    FrameExclusion::CurrentRow => " EXCLUDE CURRENT ROW",
                    FrameExclusion::Group => " EXCLUDE GROUP",
                    FrameExclusion::Ties => " EXCLUDE TIES",
                    FrameExclusion::NoOthers => " EXCLUDE NO OTHERS",
                })?;
            }
        }
        Ok(())
    }
}

impl Display for FrameBound {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            FrameBound::UnboundedPreceding => f.write_str("UNBOUNDED PRECEDING"),
            FrameBound::Preceding(e) => write!(f, "{} PRECEDING", Operand(e)),
            FrameBound::CurrentRow => f.write_str("CURRENT ROW"),
            FrameBound::Following(e) => write!(f, "{} FOLLOWING", Operand(e)),
            FrameBound::UnboundedFollowing => f.write_str("UNBOUNDED FOLLOWING"),
        }
    }
}

impl Display for SortBy {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.expr)?;
        sort_suffix(f, self)
    }
}

/// Writes the `ASC|DESC|USING op NULLS FIRST|LAST` part of a sort key.
pub(super) fn sort_suffix(f: &mut Formatter<'_>, s: &SortBy) -> fmt::Result {
    {
        match &s.order {
            SortOrder::Default => {}
            SortOrder::Asc => f.write_str(" ASC")?,
            SortOrder::Desc => f.write_str(" DESC")?,
            SortOrder::Using(op) => write!(f, " USING {op}")?,
        }
        match s.nulls_first {
            Some(true) => f.write_str(" NULLS FIRST"),
            Some(false) => f.write_str(" NULLS LAST"),
            None => Ok(()),
        }
    }
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        // Internal names print bare; anything else is quoted as needed
        // (`"char"` is not `char`, which means `bpchar(1)`).
        match self.names.as_slice() {
            [name] if BUILTIN_TYPES.contains(&name.as_str()) => f.write_str(name)?,
            names => write!(f, "{}", ObjectName(names.to_vec()))?,
        }
        if let Some(fields) = &self.interval_fields {
            write!(f, " {}", fields.to_uppercase())?;
        }
        if !self.modifiers.is_empty() {
            write!(f, "({})", Commas(&self.modifiers))?;
        }
        for bound in &self.array_bounds {
            match bound {
                Some(n) => write!(f, "[{n}]")?,
                None => f.write_str("[]")?,
            }
        }
        Ok(())
    }
}

const BUILTIN_TYPES: &[&str] = &[
    "int2",
    "int4",
    "int8",
    "float4",
    "float8",
    "numeric",
    "bool",
    "varchar",
    "bpchar",
    "text",
    "timestamp",
    "timestamptz",
    "time",
    "timetz",
    "interval",
    "date",
    "bytea",
    "bit",
    "varbit",
    "json",
    "jsonb",
    "uuid",
];

/// Writes `(a, b)` when the list is not empty.
pub(super) fn paren_idents(f: &mut Formatter<'_>, names: &[String]) -> fmt::Result {
    if names.is_empty() {
        return Ok(());
    }
    f.write_str(" (")?;
    ident_list(f, names)?;
    f.write_char(')')
}
