//! The catalog of built-in functions: one [`FunctionDef`] per signature.

use std::collections::HashMap;
use std::sync::OnceLock;

use assay_storage::Result;

use super::aggregate::Accumulator;
use super::context::EvalContext;
use super::resolve::Resolved;
use super::setof::RowIter;
use super::window::WindowRow;
use crate::types::{DataType, Settings, Value};

/// Whether a call may be evaluated ahead of time (`pg_proc.provolatile`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    /// Same arguments, same result, forever: may be folded at plan time.
    Immutable,
    /// Same result within one statement (reads settings or the clock).
    Stable,
    /// Must be evaluated on every call.
    Volatile,
}

/// What kind of function a definition is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Scalar,
    Aggregate,
    Window,
    SetReturning,
}

/// A declared parameter type.
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Type(DataType),
    /// Any type; all `AnyElement`s and the elements of all `AnyArray`s of a
    /// call are cast to their common type.
    AnyElement,
    /// Any array type (see `AnyElement`).
    AnyArray,
    /// Like `AnyElement`, but not an array.
    AnyNonArray,
    /// `"any"`: the argument is passed as it is, uncast.
    Any,
}

/// A declared result type.
#[derive(Clone, Debug, PartialEq)]
pub enum Ret {
    Type(DataType),
    /// The call's resolved element type.
    AnyElement,
    /// An array of the call's resolved element type.
    AnyArray,
}

/// A scalar function: argument values (already cast) to a value.
pub type ScalarFn = fn(&Resolved, &[Value], &mut EvalContext<'_>) -> Result<Value>;
/// Makes a fresh accumulator for one group.
pub type AggregateFn = fn(&Resolved, &Settings) -> Box<dyn Accumulator>;
/// Evaluates a window function at one row of a sorted partition.
pub type WindowFn = fn(&WindowRow<'_>) -> Result<Value>;
/// Starts a set-returning function.
pub type SetFn = fn(&Resolved, &[Value], &mut EvalContext<'_>) -> Result<RowIter>;

/// How a function is evaluated.
#[derive(Clone, Copy, Debug)]
pub enum Implementation {
    Scalar(ScalarFn),
    Aggregate(AggregateFn),
    Window(WindowFn),
    SetReturning(SetFn),
}

/// One built-in function signature (a `pg_proc` row).
#[derive(Clone, Debug)]
pub struct FunctionDef {
    /// Position in the catalog: a stable id for plans and caches.
    pub id: u32,
    pub name: &'static str,
    pub params: Vec<Param>,
    /// The last parameter repeats zero or more times (`VARIADIC`).
    pub variadic: bool,
    pub ret: Ret,
    pub volatility: Volatility,
    /// NULL in any argument gives NULL without a call (scalars only).
    pub strict: bool,
    pub implementation: Implementation,
    /// Output columns of a set-returning function with more than one.
    pub columns: &'static [(&'static str, DataType)],
}

impl FunctionDef {
    pub fn kind(&self) -> FunctionKind {
        match self.implementation {
            Implementation::Scalar(_) => FunctionKind::Scalar,
            Implementation::Aggregate(_) => FunctionKind::Aggregate,
            Implementation::Window(_) => FunctionKind::Window,
            Implementation::SetReturning(_) => FunctionKind::SetReturning,
        }
    }
}

/// Shorthand type codes for the tables in each family's `register`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum T {
    Bool,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    Bpchar,
    Bytea,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Interval,
    Uuid,
    Json,
    Jsonb,
    VarBit,
    TextArray,
    Int4Array,
    Float8Array,
    IntervalArray,
    // The catalog's types (see `crate::system`).
    Oid,
    Name,
    NameArray,
    RegClass,
    RegType,
    /// `record`: any row value.
    Record,
    AnyElement,
    AnyArray,
    AnyNonArray,
    Any,
}

impl T {
    pub(crate) fn data_type(self) -> DataType {
        match self {
            T::Bool => DataType::Bool,
            T::Int2 => DataType::Int2,
            T::Int4 => DataType::Int4,
            T::Int8 => DataType::Int8,
            T::Float4 => DataType::Float4,
            T::Float8 => DataType::Float8,
            T::Numeric => DataType::Numeric(None),
            T::Text => DataType::Text,
            T::Bpchar => DataType::Bpchar(None),
            T::Bytea => DataType::Bytea,
            T::Date => DataType::Date,
            T::Time => DataType::Time(None),
            T::Timestamp => DataType::Timestamp(None),
            T::TimestampTz => DataType::TimestampTz(None),
            T::Interval => DataType::Interval(None),
            T::Uuid => DataType::Uuid,
            T::VarBit => DataType::VarBit(None),
            T::Json => DataType::Json,
            T::Jsonb => DataType::Jsonb,
            T::TextArray => DataType::Array(Box::new(DataType::Text)),
            T::Int4Array => DataType::Array(Box::new(DataType::Int4)),
            T::Float8Array => DataType::Array(Box::new(DataType::Float8)),
            T::IntervalArray => DataType::Array(Box::new(DataType::Interval(None))),
            T::Oid => DataType::Oid,
            T::Name => DataType::Name,
            T::NameArray => DataType::Array(Box::new(DataType::Name)),
            T::RegClass => DataType::Reg(crate::types::RegKind::Class),
            T::RegType => DataType::Reg(crate::types::RegKind::Type),
            T::Record => DataType::Record(None),
            // Polymorphic codes never reach here from `param`/`ret`.
            T::AnyElement | T::AnyArray | T::AnyNonArray | T::Any => DataType::Unknown,
        }
    }

    fn param(self) -> Param {
        match self {
            T::AnyElement => Param::AnyElement,
            T::AnyArray => Param::AnyArray,
            T::AnyNonArray => Param::AnyNonArray,
            T::Any => Param::Any,
            t => Param::Type(t.data_type()),
        }
    }

    fn ret(self) -> Ret {
        match self {
            T::AnyElement | T::AnyNonArray | T::Any => Ret::AnyElement,
            T::AnyArray => Ret::AnyArray,
            t => Ret::Type(t.data_type()),
        }
    }
}

/// Collects definitions; each family's `register` adds its own.
pub(crate) struct Builder {
    defs: Vec<FunctionDef>,
}

impl Builder {
    pub(crate) fn add(
        &mut self,
        name: &'static str,
        params: &[T],
        ret: T,
        implementation: Implementation,
    ) -> &mut FunctionDef {
        let id = self.defs.len() as u32;
        let strict = matches!(
            implementation,
            Implementation::Scalar(_) | Implementation::SetReturning(_)
        );
        self.defs.push(FunctionDef {
            id,
            name,
            params: params.iter().map(|t| t.param()).collect(),
            variadic: false,
            ret: ret.ret(),
            volatility: Volatility::Immutable,
            strict,
            implementation,
            columns: &[],
        });
        self.defs.last_mut().expect("just pushed")
    }

    /// An immutable, strict scalar function.
    pub(crate) fn scalar(
        &mut self,
        name: &'static str,
        params: &[T],
        ret: T,
        f: ScalarFn,
    ) -> &mut FunctionDef {
        self.add(name, params, ret, Implementation::Scalar(f))
    }

    pub(crate) fn aggregate(
        &mut self,
        name: &'static str,
        params: &[T],
        ret: T,
        f: AggregateFn,
    ) -> &mut FunctionDef {
        self.add(name, params, ret, Implementation::Aggregate(f))
    }

    pub(crate) fn window(
        &mut self,
        name: &'static str,
        params: &[T],
        ret: T,
        f: WindowFn,
    ) -> &mut FunctionDef {
        self.add(name, params, ret, Implementation::Window(f))
    }

    pub(crate) fn set_returning(
        &mut self,
        name: &'static str,
        params: &[T],
        ret: T,
        f: SetFn,
    ) -> &mut FunctionDef {
        self.add(name, params, ret, Implementation::SetReturning(f))
    }
}

impl FunctionDef {
    pub(crate) fn stable(&mut self) -> &mut Self {
        self.volatility = Volatility::Stable;
        self
    }
    pub(crate) fn volatile(&mut self) -> &mut Self {
        self.volatility = Volatility::Volatile;
        self
    }
    pub(crate) fn lenient(&mut self) -> &mut Self {
        self.strict = false;
        self
    }
    pub(crate) fn variadic(&mut self) -> &mut Self {
        self.variadic = true;
        self
    }
    pub(crate) fn columns(&mut self, cols: &'static [(&'static str, DataType)]) -> &mut Self {
        self.columns = cols;
        self
    }
}

/// Every built-in function signature (`pg_proc`), in a stable order.
pub fn definitions() -> Vec<&'static FunctionDef> {
    // `$`-named functions are the binder's own (row values), not SQL's.
    let mut defs: Vec<&'static FunctionDef> = catalog()
        .by_name
        .values()
        .flatten()
        .filter(|d| !d.name.contains('$'))
        .collect();
    defs.sort_by_key(|d| d.id);
    defs
}

/// Whether several built-ins share this name.
pub fn is_overloaded(name: &str) -> bool {
    catalog()
        .by_name
        .get(name)
        .is_some_and(|defs| defs.len() > 1)
}

pub(crate) struct Catalog {
    pub(crate) by_name: HashMap<&'static str, Vec<FunctionDef>>,
}

/// The built-in catalog, built once.
pub(crate) fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let mut b = Builder { defs: Vec::new() };
        super::string::register(&mut b);
        super::record::register(&mut b);
        super::json_populate::register(&mut b);
        super::bytea::register(&mut b);
        super::bit::register(&mut b);
        super::unicode_escape::register(&mut b);
        super::pattern::register(&mut b);
        super::regexp_search::register(&mut b);
        super::math::register(&mut b);
        super::math_numeric::register(&mut b);
        super::math_operators::register(&mut b);
        super::math_trig::register(&mut b);
        super::number_format::register(&mut b);
        super::datetime::register(&mut b);
        super::extract::register(&mut b);
        super::datetime_format::register(&mut b);
        super::json::register(&mut b);
        super::array::register(&mut b);
        super::array_contain::register(&mut b);
        super::aggregate::register(&mut b);
        super::aggregate_regression::register(&mut b);
        super::aggregate_ordered::register(&mut b);
        super::window::register(&mut b);
        super::setof::register(&mut b);
        super::sequence::register(&mut b);
        super::system::register(&mut b);
        super::advisory::register(&mut b);
        super::notify::register(&mut b);
        super::config::register(&mut b);
        crate::system::register(&mut b);
        super::type_functions::register(&mut b);
        let mut by_name: HashMap<&'static str, Vec<FunctionDef>> = HashMap::new();
        for def in b.defs {
            by_name.entry(def.name).or_default().push(def);
        }
        Catalog { by_name }
    })
}
