//! Built-in functions — a STAND-IN for the `functions` branch.
//!
//! The executor branch needs the types `plan/` refers to before the real
//! module lands; this file mirrors that branch's public API (same names,
//! same fields) with no built-in catalog. On merge, take the `functions`
//! branch's version of every file in this folder. `WindowRow` is the shape
//! the executor fills in (see `exec/ops/window.rs`).

use std::fmt;

use assay_storage::{bail, Result, SqlState};

use crate::types::{DataType, Settings, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FunctionKind {
    Scalar,
    Aggregate,
    Window,
    SetReturning,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Type(DataType),
    AnyElement,
    AnyArray,
    Any,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Ret {
    Type(DataType),
    AnyElement,
    AnyArray,
}

pub type ScalarFn = fn(&Resolved, &[Value], &mut EvalContext<'_>) -> Result<Value>;
pub type AggregateFn = fn(&Resolved) -> Box<dyn Accumulator>;
pub type WindowFn = fn(&WindowRow<'_>) -> Result<Value>;
pub type SetFn = fn(&Resolved, &[Value], &mut EvalContext<'_>) -> Result<RowIter>;

#[derive(Clone, Copy)]
pub enum Implementation {
    Scalar(ScalarFn),
    Aggregate(AggregateFn),
    Window(WindowFn),
    SetReturning(SetFn),
}

#[derive(Clone)]
pub struct FunctionDef {
    pub id: u32,
    pub name: &'static str,
    pub params: Vec<Param>,
    pub variadic: bool,
    pub ret: Ret,
    pub volatility: Volatility,
    pub strict: bool,
    pub implementation: Implementation,
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

/// One group's running state of an aggregate.
pub trait Accumulator {
    fn update(&mut self, args: &[Value]) -> Result<()>;
    fn finish(&self) -> Result<Value>;
}

pub type RowIter = Box<dyn Iterator<Item = Result<Vec<Value>>>>;

/// Per-statement evaluation state the executor passes to every call.
pub struct EvalContext<'a> {
    pub settings: &'a Settings,
    pub transaction_start: i64,
    pub statement_start: i64,
    pub clock: &'a dyn Fn() -> i64,
    pub rng: &'a mut Prng,
}

#[derive(Clone, Debug)]
pub struct Prng {
    s: u64,
}

impl Prng {
    pub fn new(seed: u64) -> Prng {
        Prng { s: seed | 1 }
    }
    pub fn next_u64(&mut self) -> u64 {
        self.s ^= self.s << 13;
        self.s ^= self.s >> 7;
        self.s ^= self.s << 17;
        self.s
    }
}

/// What a window function sees at one row of a sorted partition.
pub struct WindowRow<'a> {
    /// The call's argument values for every row of the partition:
    /// `args[i][r]` is argument `i` at row `r`.
    pub args: &'a [Vec<Value>],
    /// The current row, 0-based within the partition.
    pub row: usize,
    /// Rows in the partition.
    pub partition_len: usize,
    /// The current row's peer group (rows equal under ORDER BY):
    /// `peers.start..peers.end`, and its 0-based number among groups.
    pub peers: std::ops::Range<usize>,
    pub peer_group: usize,
    /// The frame's rows in order, as ranges (EXCLUDE may split it).
    pub frame: &'a [std::ops::Range<usize>],
}

#[derive(Clone)]
pub struct Resolved {
    pub def: &'static FunctionDef,
    pub arg_types: Vec<DataType>,
    pub return_type: DataType,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.def.name)
    }
}

impl Resolved {
    pub fn eval(&self, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
        let Implementation::Scalar(f) = self.def.implementation else {
            bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a scalar function",
                self.def.name
            );
        };
        if self.def.strict && args.iter().any(Value::is_null) {
            return Ok(Value::Null);
        }
        f(self, args, ctx)
    }

    pub fn accumulator(&self) -> Result<Box<dyn Accumulator>> {
        match self.def.implementation {
            Implementation::Aggregate(f) => Ok(f(self)),
            _ => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not an aggregate function",
                self.def.name
            ),
        }
    }

    pub fn eval_window(&self, row: &WindowRow<'_>) -> Result<Value> {
        match self.def.implementation {
            Implementation::Window(f) => f(row),
            _ => bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a window function",
                self.def.name
            ),
        }
    }

    pub fn rows(&self, args: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
        let Implementation::SetReturning(f) = self.def.implementation else {
            bail!(
                SqlState::FEATURE_NOT_SUPPORTED,
                "{} is not a set-returning function",
                self.def.name
            );
        };
        if self.def.strict && args.iter().any(Value::is_null) {
            return Ok(Box::new(std::iter::empty()));
        }
        f(self, args, ctx)
    }

    pub fn columns(&self) -> Vec<(String, DataType)> {
        if self.def.columns.is_empty() {
            vec![(self.def.name.to_string(), self.return_type.clone())]
        } else {
            self.def
                .columns
                .iter()
                .map(|(n, t)| (n.to_string(), t.clone()))
                .collect()
        }
    }
}

/// Pattern matching used by LIKE and SIMILAR TO.
pub mod pattern {
    use assay_storage::{bail, Result, SqlState};

    /// `s LIKE pattern` (`ILIKE` when `case_insensitive`).
    pub fn like(
        s: &str,
        pattern: &str,
        escape: Option<char>,
        case_insensitive: bool,
    ) -> Result<bool> {
        let (s, p) = if case_insensitive {
            (s.to_lowercase(), pattern.to_lowercase())
        } else {
            (s.to_string(), pattern.to_string())
        };
        let t: Vec<char> = s.chars().collect();
        let p: Vec<char> = p.chars().collect();
        matches(&t, &p, escape)
    }

    fn matches(t: &[char], p: &[char], escape: Option<char>) -> Result<bool> {
        let Some((&c, rest)) = p.split_first() else {
            return Ok(t.is_empty());
        };
        if Some(c) == escape {
            let Some((&lit, rest)) = rest.split_first() else {
                bail!(
                    SqlState::new(b"22025"),
                    "LIKE pattern must not end with escape character"
                );
            };
            return Ok(t.first() == Some(&lit) && matches(&t[1..], rest, escape)?);
        }
        match c {
            '%' => {
                for i in 0..=t.len() {
                    if matches(&t[i..], rest, escape)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            '_' => Ok(!t.is_empty() && matches(&t[1..], rest, escape)?),
            _ => Ok(t.first() == Some(&c) && matches(&t[1..], rest, escape)?),
        }
    }

    /// `s SIMILAR TO pattern` (only `%` and `_` in this stand-in).
    pub fn similar_to(s: &str, pattern: &str, escape: Option<char>) -> Result<bool> {
        like(s, pattern, escape, false)
    }
}
