//! System information and generators: `pg_typeof`, `version`,
//! `gen_random_uuid`.

use assay_storage::Result;

use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use crate::types::Value;

pub(crate) fn register(b: &mut Builder) {
    // pg_typeof returns regtype; its text is what clients see.
    b.scalar("pg_typeof", &[T::Any], T::Text, pg_typeof)
        .lenient()
        .stable();
    b.scalar("gen_random_uuid", &[], T::Uuid, gen_random_uuid)
        .volatile();
    b.scalar("version", &[], T::Text, version).stable();
    // Sleeps in the executor, which can interrupt it (exec::interrupt).
    b.scalar("pg_sleep", &[T::Float8], T::Text, pg_sleep_outside_executor)
        .volatile();
}

fn pg_sleep_outside_executor(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Err(assay_storage::err!(
        assay_storage::SqlState::FEATURE_NOT_SUPPORTED,
        "pg_sleep can only run in a statement"
    ))
}

/// PostgreSQL's version string, with Assay's name, so that tools reading
/// the leading `PostgreSQL 15.18` see the version Assay follows.
fn version(_: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(&format!(
        "PostgreSQL 15.18 (Assay {}) on {}-{}, 64-bit",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::ARCH,
        std::env::consts::OS
    )))
}

fn pg_typeof(r: &Resolved, _: &[Value], _: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::text(&r.arg_types[0].without_typmod().to_string()))
}

/// A version 4 (random) UUID.
fn gen_random_uuid(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let mut u = [0u8; 16];
    u[..8].copy_from_slice(&ctx.rng.next_u64().to_le_bytes());
    u[8..].copy_from_slice(&ctx.rng.next_u64().to_le_bytes());
    u[6] = (u[6] & 0x0f) | 0x40;
    u[8] = (u[8] & 0x3f) | 0x80;
    Ok(Value::Uuid(u))
}
