//! The advisory lock functions: `pg_advisory_lock` and its family, in
//! session and transaction flavours, share and exclusive, waiting and
//! `try_`. They act on the session's `Backend` (see `session::advisory`
//! for the lock table itself).

use assay_storage::{err, Result, SqlState};

use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::session::{AdvisoryKey, Backend, LockLevel, LockMode};
use crate::types::Value;

pub(crate) fn register(b: &mut Builder) {
    for key in [&[T::Int8][..], &[T::Int4, T::Int4][..]] {
        b.scalar("pg_advisory_lock", key, T::Text, lock_session)
            .volatile();
        b.scalar("pg_advisory_lock_shared", key, T::Text, lock_session_shared)
            .volatile();
        b.scalar("pg_advisory_xact_lock", key, T::Text, lock_xact)
            .volatile();
        b.scalar(
            "pg_advisory_xact_lock_shared",
            key,
            T::Text,
            lock_xact_shared,
        )
        .volatile();
        b.scalar("pg_try_advisory_lock", key, T::Bool, try_session)
            .volatile();
        b.scalar(
            "pg_try_advisory_lock_shared",
            key,
            T::Bool,
            try_session_shared,
        )
        .volatile();
        b.scalar("pg_try_advisory_xact_lock", key, T::Bool, try_xact)
            .volatile();
        b.scalar(
            "pg_try_advisory_xact_lock_shared",
            key,
            T::Bool,
            try_xact_shared,
        )
        .volatile();
        b.scalar("pg_advisory_unlock", key, T::Bool, unlock)
            .volatile();
        b.scalar("pg_advisory_unlock_shared", key, T::Bool, unlock_shared)
            .volatile();
    }
    b.scalar("pg_advisory_unlock_all", &[], T::Text, unlock_all)
        .volatile();
}

/// The session's backend, which only a statement run by a session has.
pub(crate) fn backend<'a>(ctx: &EvalContext<'a>, function: &str) -> Result<&'a Backend> {
    ctx.system.and_then(|s| s.backend).ok_or_else(|| {
        err!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "{function} can only run in a session's statement"
        )
    })
}

/// Takes a lock: `void` for the waiting functions, whether it was granted
/// for the `try_` ones.
fn take(
    args: &[Value],
    ctx: &mut EvalContext<'_>,
    mode: LockMode,
    level: LockLevel,
    try_only: bool,
) -> Result<Value> {
    let key = crate::session::advisory_key(args)?;
    let granted = backend(ctx, "pg_advisory_lock")?.lock(key, mode, level, try_only)?;
    Ok(if try_only {
        Value::Bool(granted)
    } else {
        Value::text("")
    })
}

fn lock_session(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Exclusive, LockLevel::Session, false)
}

fn lock_session_shared(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Share, LockLevel::Session, false)
}

fn lock_xact(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Exclusive, LockLevel::Transaction, false)
}

fn lock_xact_shared(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Share, LockLevel::Transaction, false)
}

fn try_session(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Exclusive, LockLevel::Session, true)
}

fn try_session_shared(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Share, LockLevel::Session, true)
}

fn try_xact(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Exclusive, LockLevel::Transaction, true)
}

fn try_xact_shared(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    take(a, ctx, LockMode::Share, LockLevel::Transaction, true)
}

fn release(args: &[Value], ctx: &mut EvalContext<'_>, mode: LockMode) -> Result<Value> {
    let key: AdvisoryKey = crate::session::advisory_key(args)?;
    let released = backend(ctx, "pg_advisory_unlock")?.unlock(key, mode);
    Ok(Value::Bool(released))
}

fn unlock(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    release(a, ctx, LockMode::Exclusive)
}

fn unlock_shared(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    release(a, ctx, LockMode::Share)
}

fn unlock_all(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    backend(ctx, "pg_advisory_unlock_all")?.unlock_all();
    Ok(Value::text(""))
}
