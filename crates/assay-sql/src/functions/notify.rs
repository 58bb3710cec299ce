//! `pg_notify`, `pg_listening_channels` and `pg_notification_queue_usage`,
//! on the session's `Backend` (see `session::notify` for the hub).

use assay_storage::Result;

use super::advisory::backend;
use super::context::EvalContext;
use super::registry::{Builder, T};
use super::resolve::Resolved;
use super::setof::RowIter;
use crate::types::Value;

pub(crate) fn register(b: &mut Builder) {
    // Not strict: a NULL channel is an error, a NULL payload empty.
    b.scalar("pg_notify", &[T::Text, T::Text], T::Text, pg_notify)
        .lenient()
        .volatile();
    b.set_returning("pg_listening_channels", &[], T::Text, listening_channels)
        .stable();
    b.scalar("pg_notification_queue_usage", &[], T::Float8, queue_usage)
        .volatile();
}

fn pg_notify(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let text = |v: &Value| match v {
        Value::Text(s) => s.to_string(),
        _ => String::new(),
    };
    backend(ctx, "pg_notify")?.notify(&text(&a[0]), &text(&a[1]))?;
    Ok(Value::text(""))
}

fn listening_channels(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<RowIter> {
    let channels = backend(ctx, "pg_listening_channels")?.listening_channels();
    Ok(Box::new(
        channels.into_iter().map(|c| Ok(vec![Value::text(&c)])),
    ))
}

fn queue_usage(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    Ok(Value::Float8(
        backend(ctx, "pg_notification_queue_usage")?.queue_usage(),
    ))
}
