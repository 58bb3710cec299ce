//! Scalar expressions.

use super::{ObjectName, Pos, Query, SortBy, TypeName};

/// A value expression.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Expr {
    /// A column reference `a`, `t.a` or `s.t.a` (which part is what is the
    /// binder's call; `t.f` may also be a field of a composite column).
    Column {
        names: Vec<String>,
        pos: Pos,
    },
    /// A constant as written.
    Literal {
        value: Literal,
        pos: Pos,
    },
    /// A parameter `$n` (1-based).
    Param {
        index: u32,
        pos: Pos,
    },
    /// `DEFAULT` in `VALUES` or `SET col = DEFAULT`.
    Default,
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `[NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e]`.
    Like {
        kind: LikeKind,
        negated: bool,
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<Box<Expr>>,
    },
    IsNull {
        expr: Box<Expr>,
        negated: bool,
    },
    /// `IS [NOT] TRUE | FALSE | UNKNOWN`.
    IsBool {
        expr: Box<Expr>,
        value: BoolTest,
        negated: bool,
    },
    IsDistinctFrom {
        left: Box<Expr>,
        right: Box<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
        symmetric: bool,
    },
    InList {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    InSubquery {
        expr: Box<Expr>,
        query: Box<Query>,
        negated: bool,
    },
    /// `left op ANY|ALL (array expression)`.
    Quantified {
        op: BinaryOp,
        quantifier: Quantifier,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `left op ANY|ALL (subquery)`.
    QuantifiedSubquery {
        op: BinaryOp,
        quantifier: Quantifier,
        left: Box<Expr>,
        query: Box<Query>,
    },
    Exists {
        query: Box<Query>,
    },
    /// A scalar subquery `(SELECT …)`.
    Subquery {
        query: Box<Query>,
    },
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        else_result: Option<Box<Expr>>,
    },
    /// `CAST(e AS t)`, `e::t` and typed literals such as `DATE '2024-01-01'`.
    Cast {
        expr: Box<Expr>,
        type_name: TypeName,
        pos: Pos,
    },
    Function(Box<FunctionCall>),
    /// `ARRAY[…]`.
    Array(Vec<Expr>),
    /// `ARRAY(subquery)`.
    ArraySubquery(Box<Query>),
    /// `ROW(…)` or `(a, b, …)`.
    Row(Vec<Expr>),
    /// `e[i]` or `e[lo:hi]`.
    Subscript {
        expr: Box<Expr>,
        subscript: Box<Subscript>,
    },
    /// `(e).field`.
    Field {
        expr: Box<Expr>,
        field: String,
    },
    AtTimeZone {
        expr: Box<Expr>,
        zone: Box<Expr>,
    },
    Collate {
        expr: Box<Expr>,
        collation: ObjectName,
    },
    Coalesce(Vec<Expr>),
    NullIf(Box<Expr>, Box<Expr>),
    Greatest(Vec<Expr>),
    Least(Vec<Expr>),
    /// `EXTRACT(field FROM e)`; the field is lower-cased.
    Extract {
        field: String,
        expr: Box<Expr>,
    },
    /// `POSITION(needle IN haystack)`.
    Position {
        needle: Box<Expr>,
        haystack: Box<Expr>,
    },
    /// `SUBSTRING(e FROM f FOR n)`.
    Substring {
        expr: Box<Expr>,
        from: Option<Box<Expr>>,
        count: Option<Box<Expr>>,
    },
    /// `TRIM([BOTH|LEADING|TRAILING] [chars] FROM e)`.
    Trim {
        side: TrimSide,
        chars: Option<Box<Expr>>,
        expr: Box<Expr>,
    },
    /// `OVERLAY(e PLACING p FROM f [FOR n])`.
    Overlay {
        expr: Box<Expr>,
        placing: Box<Expr>,
        from: Box<Expr>,
        count: Option<Box<Expr>>,
    },
    /// `GROUPING(a, b)`.
    Grouping(Vec<Expr>),
    /// A keyword value function: `CURRENT_TIMESTAMP(3)`, `CURRENT_USER`, …
    /// (`name` lower-cased).
    SqlValue {
        name: String,
        precision: Option<i64>,
    },
}

/// A constant as written in the text.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Literal {
    /// An integer or decimal number, e.g. `42`, `-7`, `1.5e3`.
    Number(String),
    /// A string constant (quotes removed, escapes applied).
    String(String),
    /// `B'0101'` (binary digits) or `X'1F'` (hex digits).
    BitString {
        hex: bool,
        digits: String,
    },
    Boolean(bool),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Plus,
    Minus,
    Not,
    /// `~`
    BitNot,
    /// `@`
    Abs,
    /// `|/`
    SquareRoot,
    /// `||/`
    CubeRoot,
}

/// Binary operators. `Other` keeps any operator PostgreSQL users may define.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Concat,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    BitAnd,
    BitOr,
    BitXor,
    ShiftLeft,
    ShiftRight,
    /// `~`, `~*`, `!~`, `!~*`
    RegexMatch {
        case_insensitive: bool,
        negated: bool,
    },
    /// `->`, `->>`, `#>`, `#>>`
    JsonGet {
        text: bool,
        path: bool,
    },
    /// `@>`
    Contains,
    /// `<@`
    ContainedBy,
    /// `?`
    JsonHasKey,
    /// `?|`
    JsonHasAny,
    /// `?&`
    JsonHasAll,
    /// `&&`
    Overlap,
    /// Any other operator, by its symbol.
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LikeKind {
    Like,
    ILike,
    SimilarTo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BoolTest {
    True,
    False,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TrimSide {
    Both,
    Leading,
    Trailing,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Subscript {
    Index(Expr),
    Slice(Option<Expr>, Option<Expr>),
}

/// A function call, aggregate or window function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionCall {
    pub name: ObjectName,
    pub args: Vec<FunctionArg>,
    /// `count(*)`.
    pub star: bool,
    pub distinct: bool,
    /// `ORDER BY` inside the argument list (`string_agg(x, ',' ORDER BY y)`).
    pub order_by: Vec<SortBy>,
    /// `WITHIN GROUP (ORDER BY …)`.
    pub within_group: Vec<SortBy>,
    pub filter: Option<Box<Expr>>,
    pub over: Option<WindowRef>,
    pub pos: Pos,
}

impl FunctionCall {
    /// A plain call `name(args)`.
    pub fn new(name: ObjectName, args: Vec<Expr>) -> FunctionCall {
        FunctionCall {
            name,
            args: args
                .into_iter()
                .map(|value| FunctionArg { name: None, value })
                .collect(),
            star: false,
            distinct: false,
            order_by: Vec::new(),
            within_group: Vec::new(),
            filter: None,
            over: None,
            pos: Pos::default(),
        }
    }
}

/// An argument, optionally named (`name => value`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FunctionArg {
    pub name: Option<String>,
    pub value: Expr,
}

/// `OVER w` or `OVER (…)`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum WindowRef {
    Named(String),
    Spec(WindowSpec),
}

/// A window specification.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct WindowSpec {
    /// An existing window this one refines: `OVER (w ORDER BY …)`.
    pub base: Option<String>,
    pub partition_by: Vec<Expr>,
    pub order_by: Vec<SortBy>,
    pub frame: Option<WindowFrame>,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct WindowFrame {
    pub units: FrameUnits,
    pub start: FrameBound,
    /// `None` without `BETWEEN`: the end is `CURRENT ROW`.
    pub end: Option<FrameBound>,
    pub exclusion: Option<FrameExclusion>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameUnits {
    Rows,
    Range,
    Groups,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FrameBound {
    UnboundedPreceding,
    Preceding(Box<Expr>),
    CurrentRow,
    Following(Box<Expr>),
    UnboundedFollowing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameExclusion {
    CurrentRow,
    Group,
    Ties,
    NoOthers,
}
