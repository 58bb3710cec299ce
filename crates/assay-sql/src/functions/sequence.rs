//! Sequence functions: `nextval`, `currval`, `setval`, `lastval`.
//!
//! They read and write a sequence's state in storage and the session's
//! `currval` memory, which an [`EvalContext`] cannot reach, so the executor
//! evaluates them itself (see `exec::eval`, which recognises
//! [`is_sequence_function`]) through its table access. The catalog entries
//! here give them PostgreSQL's signatures (a `regclass` argument is read as
//! text) and volatility; their bodies are reached only by a caller that did
//! not go through the executor.

use assay_storage::{err, Result, SqlState};

use super::registry::{Builder, T};
use super::{EvalContext, Resolved};
use crate::types::Value;

/// Whether `name` is one of the sequence functions the executor runs.
pub fn is_sequence_function(name: &str) -> bool {
    matches!(name, "nextval" | "currval" | "setval" | "lastval")
}

fn outside_executor(r: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Err(err!(
        SqlState::FEATURE_NOT_SUPPORTED,
        "{}() can only be evaluated by the executor",
        r.def.name
    ))
}

pub(crate) fn register(b: &mut Builder) {
    use T::*;
    b.scalar("nextval", &[RegClass], Int8, outside_executor)
        .volatile();
    b.scalar("currval", &[RegClass], Int8, outside_executor)
        .volatile();
    b.scalar("setval", &[RegClass, Int8], Int8, outside_executor)
        .volatile();
    b.scalar("setval", &[RegClass, Int8, Bool], Int8, outside_executor)
        .volatile();
    b.scalar("lastval", &[], Int8, outside_executor).volatile();
}
