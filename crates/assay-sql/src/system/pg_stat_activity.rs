//! The sessions of the server: `pg_stat_activity` and `pg_stat_ssl`, read
//! from the session registry (see `session/activity.rs`), and the
//! functions that act on other sessions: `pg_cancel_backend`,
//! `pg_terminate_backend`, and `ssl_is_used` (of PostgreSQL's `sslinfo`
//! extension).
//!
//! As in PostgreSQL, a role that is neither a superuser nor a member of a
//! session's role sees that session's identity but not what it does: its
//! `query` reads `<insufficient privilege>` and its state, times and client
//! are NULL.

use assay_storage::Result;

use super::rows::Rows;
use super::SystemContext;
use crate::catalog::Oid;
use crate::functions::registry::{Builder, T};
use crate::functions::{EvalContext, Resolved};
use crate::session::{ActivityRow, BackendState, Signal};
use crate::types::Value;

/// The sessions the caller can see, its own identity filled in where the
/// session never registered (an embedded engine).
fn sessions(sys: &SystemContext<'_>) -> Vec<ActivityRow> {
    let Some(backend) = sys.backend else {
        return Vec::new();
    };
    let mut rows = backend.activity_rows();
    for row in rows.iter_mut().filter(|r| r.pid == sys.pid) {
        if row.datname.is_empty() {
            row.datname = sys.database.to_string();
            row.usename = sys.session_user.to_string();
            row.usesysid = sys.role_oid(sys.session_user);
        }
        // It is running the statement that reads this.
        row.state = BackendState::Active;
        row.wait = None;
    }
    rows
}

/// Whether the current role may see what session `row` does.
fn may_see(sys: &SystemContext<'_>, row: &ActivityRow) -> bool {
    let roles = sys.catalog.roles();
    let me = sys.user_oid();
    roles.get(me).is_some_and(|r| r.superuser) || roles.is_member(me, row.usesysid)
}

fn time(t: Option<i64>) -> Value {
    t.map_or(Value::Null, Value::TimestampTz)
}

pub(super) fn pg_stat_activity(sys: &SystemContext<'_>, out: &mut Rows) {
    for s in sessions(sys) {
        let mut r = out.add();
        r.oid("datid", crate::session::database_oid(&s.datname))
            .text("datname", &s.datname)
            .i4("pid", s.pid)
            .set("leader_pid", Value::Null)
            .oid("usesysid", s.usesysid)
            .text("usename", &s.usename)
            .text("application_name", &s.application_name)
            .text("backend_type", "client backend")
            .set("backend_xid", Value::Null)
            .set("backend_xmin", Value::Null)
            .set("client_port", Value::Null);
        if !may_see(sys, &s) {
            r.set("backend_start", Value::Null)
                .text("query", "<insufficient privilege>");
            continue;
        }
        r.set("backend_start", Value::TimestampTz(s.backend_start))
            .set("xact_start", time(s.xact_start))
            .set("query_start", time(s.query_start))
            .set("state_change", time(s.state_change))
            .text("state", s.state.name())
            .text("query", &s.query);
        if let Some((kind, event)) = s.wait {
            r.text("wait_event_type", kind).text("wait_event", event);
        }
        if let Some(addr) = s.client.addr {
            r.text("client_addr", &addr.to_string());
        }
        if let Some(port) = s.client.port {
            r.i4("client_port", port);
        }
    }
}

pub(super) fn pg_stat_ssl(sys: &SystemContext<'_>, out: &mut Rows) {
    for s in sessions(sys) {
        let mut r = out.add();
        r.i4("pid", s.pid).bool("ssl", s.client.ssl.is_some());
        match &s.client.ssl {
            Some(ssl) => {
                r.text("version", &ssl.version)
                    .text("cipher", &ssl.cipher)
                    .i4("bits", ssl.bits);
            }
            None => {
                r.set("bits", Value::Null);
            }
        }
    }
}

/// The `virtualxid` lock of every session in a transaction: its
/// `virtualtransaction`, pid, and whether it is its own.
pub(super) fn transactions(sys: &SystemContext<'_>) -> Vec<(String, i32)> {
    sessions(sys)
        .into_iter()
        .filter(|s| s.state != BackendState::Idle)
        .map(|s| (s.virtual_transaction, s.pid))
        .collect()
}

pub(super) fn register(b: &mut Builder) {
    b.scalar("pg_cancel_backend", &[T::Int4], T::Bool, cancel_backend);
    b.scalar(
        "pg_terminate_backend",
        &[T::Int4],
        T::Bool,
        terminate_backend,
    );
    b.scalar(
        "pg_terminate_backend",
        &[T::Int4, T::Int8],
        T::Bool,
        terminate_backend,
    );
    b.scalar("ssl_is_used", &[], T::Bool, ssl_is_used).stable();
}

fn signal(a: &[Value], ctx: &mut EvalContext<'_>, signal: Signal) -> Result<Value> {
    let (Value::Int4(pid), timeout) = (&a[0], a.get(1)) else {
        return Ok(Value::Null);
    };
    let timeout = match timeout {
        Some(Value::Int8(t)) => *t,
        Some(Value::Null) => return Ok(Value::Null),
        _ => 0,
    };
    let what = match signal {
        Signal::Cancel => "pg_cancel_backend",
        Signal::Terminate => "pg_terminate_backend",
    };
    let sys = super::functions::system(ctx, what)?;
    let Some(backend) = sys.backend else {
        return Ok(Value::Bool(false));
    };
    let actor: Oid = sys.user_oid();
    let done = backend.signal_backend(*pid, signal, timeout, actor, sys.catalog.roles())?;
    Ok(Value::Bool(done))
}

fn cancel_backend(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    signal(a, ctx, Signal::Cancel)
}

fn terminate_backend(_: &Resolved, a: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    signal(a, ctx, Signal::Terminate)
}

/// `ssl_is_used()`: whether this session's connection is encrypted.
fn ssl_is_used(_: &Resolved, _: &[Value], ctx: &mut EvalContext<'_>) -> Result<Value> {
    let used = ctx
        .system
        .and_then(|s| s.backend)
        .is_some_and(|b| b.activity().row().client.ssl.is_some());
    Ok(Value::Bool(used))
}
