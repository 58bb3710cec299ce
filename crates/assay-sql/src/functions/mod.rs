//! Built-in functions: the catalog the binder resolves calls against, and
//! the implementations the executor calls.
//!
//! A call's life goes:
//!
//! 1. **Binding.** The binder asks [`lookup`]`(name, arg_types)` (or
//!    [`lookup_kind`] when only aggregates or only set-returning functions
//!    are allowed). Resolution follows PostgreSQL's rules for functions
//!    (`func_select_candidate`): an exact match wins; otherwise the
//!    candidates reachable by implicit casts
//!    ([`can_coerce_implicitly`](crate::types::can_coerce_implicitly)) are
//!    narrowed by most exact matches, then by preferred types, then by the
//!    categories of `unknown` literals. Polymorphic parameters (`anyelement`,
//!    `anyarray`, which behave like PostgreSQL's `anycompatible` family) take
//!    the common type of their arguments; `"any"` parameters (`concat`,
//!    `format`, `json_build_object`, `pg_typeof`) take arguments as they are.
//!    The answer is a [`Resolved`]: the [`FunctionDef`] (its `id`, kind,
//!    [`Volatility`] and strictness), the type each argument must be cast to
//!    before the call (`arg_types`; for `"any"` parameters that is the
//!    argument's own type, `unknown` included: pass such literals as text),
//!    and the result type. Failures are
//!    PostgreSQL's: `function f(integer) does not exist` (42883, with its
//!    hint) and `function f(unknown) is not unique` (42725).
//! 2. **Folding.** A call of an [`Volatility::Immutable`] function on
//!    constants may be evaluated once at plan time; `Stable` ones (now(),
//!    to_char with a time zone) once per statement; `Volatile` ones
//!    (random(), clock_timestamp()) on every row.
//! 3. **Evaluation.** Scalars: [`Resolved::eval`] with the argument values
//!    and an [`EvalContext`] (settings, the statement's clocks, the random
//!    source). Strict functions return NULL for a NULL argument without
//!    being called. Evaluation is a call through a function pointer: no
//!    name is looked at per row.
//! 4. **Aggregates** ([`FunctionKind::Aggregate`]):
//!    [`Resolved::accumulator`] makes one [`Accumulator`] per group; the
//!    executor feeds it every row's argument values (NULLs included: each
//!    accumulator skips them as its PostgreSQL aggregate does) and calls
//!    `finish`. `count(*)` is `lookup("count", &[])`. `DISTINCT` is the
//!    executor's job: it feeds each distinct argument tuple once. Window
//!    frames evaluate aggregates by feeding an accumulator the frame's rows.
//! 5. **Window functions** ([`FunctionKind::Window`]): the executor sorts a
//!    partition, evaluates the arguments for every row, and calls
//!    [`Resolved::eval_window`] with a [`WindowRow`] giving the current
//!    row, its peer group and its frame.
//! 6. **Set-returning functions** ([`FunctionKind::SetReturning`]):
//!    [`Resolved::rows`] gives an iterator of rows; `columns` names their
//!    columns (one column named after the function for most).
//!
//! `coalesce`, `nullif`, `greatest` and `least` are expressions the binder
//! and executor handle (their type resolution is UNION's,
//! [`common_type`](crate::types::common_type)); `LIKE`, `ILIKE`, `SIMILAR
//! TO` and the regex operators are exposed in [`pattern`] for the
//! executor's operators.

mod advisory;
mod aggregate;
pub(crate) mod aggregate_ordered;
mod aggregate_regression;
mod args;
mod array;
mod array_contain;
mod bit;
mod bytea;
mod config;
mod context;
mod datetime;
mod datetime_format;
mod extract;
mod format;
mod json;
mod json_access;
mod json_modify;
pub(crate) mod json_populate;
pub(crate) mod json_record;
mod jsonpath;
mod math;
mod math_numeric;
mod math_operators;
mod math_trig;
mod notify;
mod number_format;
pub mod pattern;
pub(crate) mod record;
mod regexp_search;
pub(crate) mod registry;
mod resolve;
mod sequence;
mod setof;
mod string;
mod system;
mod type_functions;
mod unicode_escape;
mod window;

#[cfg(test)]
mod panic_free;
#[cfg(test)]
mod tests;

pub use aggregate::Accumulator;
pub use config::SettingChange;
pub use context::{EvalContext, Prng};
pub use registry::{
    definitions, is_overloaded, FunctionDef, FunctionKind, Implementation, Param, Ret, Volatility,
};
pub use resolve::{internal_function, lookup, lookup_kind, lookup_operator, Resolved};
pub use sequence::is_sequence_function;
pub use setof::RowIter;
pub use window::WindowRow;
