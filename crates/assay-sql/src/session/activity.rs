//! Who is connected and what they are doing: the server-wide session
//! registry behind `pg_stat_activity`, `pg_stat_ssl`, the `virtualxid` rows
//! of `pg_locks`, and `pg_cancel_backend` / `pg_terminate_backend`.
//!
//! Every session has a [`BackendActivity`] (held by its [`Backend`]),
//! which the session keeps current at a few points only, so that the cost
//! is one uncontended mutex per query:
//!
//! - a query arrives (`Session::set_query_text`): `active`, its text and
//!   start time, and the transaction's start when it opens one;
//! - the session waits for the client again (`Session::report_idle`, which
//!   a server calls before ReadyForQuery): `idle`, `idle in transaction`
//!   or `idle in transaction (aborted)`, waiting on `Client`/`ClientRead`;
//! - a wait for an advisory lock begins and ends (`Lock`/`advisory`).
//!
//! A wire server makes one [`ActivityRegistry`] and gives it to every
//! engine it opens ([`Engine::set_activity`](super::Engine::set_activity));
//! each connection registers its session at login
//! ([`Session::register_activity`](super::Session::register_activity)) with
//! the client's address, its TLS parameters and a way to end the
//! connection, and the entry leaves when the session is dropped. So
//! `pg_stat_activity` lists every session of the server, in every
//! database, as PostgreSQL's does. An embedded engine has no registry:
//! each session sees its own row only.
//!
//! Signals: a cancel sets the target's interrupt, so its running statement
//! fails with 57014 (an idle session forgets it, as PostgreSQL's does); a
//! terminate also calls the hook the server registered, which sends FATAL
//! 57P01 and closes the connection. Who may signal whom is PostgreSQL
//! 15's rule: a superuser's session only by a superuser, any other by a
//! member of its role or of `pg_signal_backend`.

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use assay_storage::{err, Result, SqlState};

use super::advisory::LockOwner;
use super::Notice;
use crate::catalog::{Oid, RoleSet};
use crate::exec::Interrupt;

/// What `pg_stat_activity.state` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendState {
    Active,
    Idle,
    IdleInTransaction,
    IdleInTransactionAborted,
}

impl BackendState {
    pub fn name(self) -> &'static str {
        match self {
            BackendState::Active => "active",
            BackendState::Idle => "idle",
            BackendState::IdleInTransaction => "idle in transaction",
            BackendState::IdleInTransactionAborted => "idle in transaction (aborted)",
        }
    }

    /// From ReadyForQuery's transaction status (`I`, `T`, `E`).
    fn idle(transaction_status: char) -> BackendState {
        match transaction_status {
            'T' => BackendState::IdleInTransaction,
            'E' => BackendState::IdleInTransactionAborted,
            _ => BackendState::Idle,
        }
    }
}

/// Where a client connected from, and how.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// `client_addr`: NULL for a client that is not on TCP.
    pub addr: Option<std::net::IpAddr>,
    pub port: Option<i32>,
    /// The TLS session's parameters, for an encrypted connection.
    pub ssl: Option<SslInfo>,
}

/// One TLS connection's parameters, as `pg_stat_ssl` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SslInfo {
    /// `TLSv1.2`, `TLSv1.3`.
    pub version: String,
    pub cipher: String,
    /// The cipher's key size in bits.
    pub bits: i32,
}

/// What ends a connection from outside (the server's hook).
pub type Terminator = Box<dyn Fn() + Send + Sync>;

/// Signals `pg_cancel_backend` and `pg_terminate_backend` send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    Cancel,
    Terminate,
}

/// One session's entry.
pub struct BackendActivity {
    owner: Arc<LockOwner>,
    interrupt: Arc<Interrupt>,
    backend_start: i64,
    inner: Mutex<Inner>,
    terminate: Mutex<Option<Terminator>>,
}

#[derive(Clone)]
struct Inner {
    datname: String,
    usesysid: Oid,
    usename: String,
    superuser: bool,
    client: ClientInfo,
    application_name: String,
    state: BackendState,
    query: String,
    query_start: Option<i64>,
    xact_start: Option<i64>,
    state_change: Option<i64>,
    wait: Option<(&'static str, &'static str)>,
}

/// One row of `pg_stat_activity` (and what `pg_stat_ssl` and `pg_locks`
/// take from it).
#[derive(Clone, Debug)]
pub struct ActivityRow {
    pub pid: i32,
    pub datname: String,
    pub usesysid: Oid,
    pub usename: String,
    pub application_name: String,
    pub client: ClientInfo,
    pub backend_start: i64,
    pub xact_start: Option<i64>,
    pub query_start: Option<i64>,
    pub state_change: Option<i64>,
    pub state: BackendState,
    /// `wait_event_type`, `wait_event`.
    pub wait: Option<(&'static str, &'static str)>,
    pub query: String,
    /// `pg_locks.virtualtransaction` of the session's transaction.
    pub virtual_transaction: String,
}

impl BackendActivity {
    pub(super) fn new(owner: Arc<LockOwner>, interrupt: Arc<Interrupt>, now: i64) -> Self {
        BackendActivity {
            owner,
            interrupt,
            backend_start: now,
            inner: Mutex::new(Inner {
                datname: String::new(),
                usesysid: 0,
                usename: String::new(),
                superuser: false,
                client: ClientInfo::default(),
                application_name: String::new(),
                state: BackendState::Idle,
                query: String::new(),
                query_start: None,
                xact_start: None,
                state_change: Some(now),
                wait: None,
            }),
            terminate: Mutex::new(None),
        }
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn pid(&self) -> i32 {
        self.owner.pid()
    }

    /// Who the session is (set at login).
    pub(super) fn identify(
        &self,
        database: &str,
        role: Option<&crate::catalog::Role>,
        user: &str,
        client: ClientInfo,
        terminate: Option<Terminator>,
    ) {
        let mut inner = self.inner();
        inner.datname = database.to_string();
        inner.usename = user.to_string();
        inner.usesysid = role.map_or(0, |r| r.oid);
        inner.superuser = role.is_some_and(|r| r.superuser);
        inner.client = client;
        drop(inner);
        *self.terminate.lock().unwrap_or_else(|p| p.into_inner()) = terminate;
    }

    /// A query arrives; `in_transaction` says whether a transaction was
    /// already open (else the query's own starts now).
    pub(super) fn start_query(&self, text: &str, in_transaction: bool, now: i64) {
        let mut inner = self.inner();
        inner.query.clear();
        inner.query.push_str(text);
        inner.query_start = Some(now);
        if !in_transaction || inner.xact_start.is_none() {
            inner.xact_start = Some(now);
        }
        if inner.state != BackendState::Active {
            inner.state = BackendState::Active;
            inner.state_change = Some(now);
        }
        inner.wait = None;
    }

    /// The session waits for its client, in the transaction state
    /// `transaction_status` (`I`, `T` or `E`).
    pub(super) fn idle(&self, transaction_status: char, application_name: &str, now: i64) {
        let state = BackendState::idle(transaction_status);
        let mut inner = self.inner();
        if inner.state != state {
            inner.state = state;
            inner.state_change = Some(now);
        }
        if state == BackendState::Idle {
            inner.xact_start = None;
        }
        inner.wait = Some(("Client", "ClientRead"));
        if inner.application_name != application_name {
            inner.application_name.clear();
            inner.application_name.push_str(application_name);
        }
    }

    /// Sets (or, with `None`, clears) what the session waits for.
    pub(super) fn set_wait(&self, wait: Option<(&'static str, &'static str)>) {
        self.inner().wait = wait;
    }

    pub fn row(&self) -> ActivityRow {
        let inner = self.inner().clone();
        ActivityRow {
            pid: self.pid(),
            datname: inner.datname,
            usesysid: inner.usesysid,
            usename: inner.usename,
            application_name: inner.application_name,
            client: inner.client,
            backend_start: self.backend_start,
            xact_start: inner.xact_start,
            query_start: inner.query_start,
            state_change: inner.state_change,
            state: inner.state,
            wait: inner.wait,
            query: inner.query,
            virtual_transaction: self.owner.virtual_transaction(),
        }
    }

    /// Sends `signal` on behalf of `actor` (the current role), with
    /// PostgreSQL 15's permission checks.
    fn signal(&self, signal: Signal, actor: Oid, roles: &RoleSet) -> Result<()> {
        let (target, target_superuser) = {
            let inner = self.inner();
            (inner.usesysid, inner.superuser)
        };
        let actor_superuser = roles.get(actor).is_some_and(|r| r.superuser);
        if !actor_superuser {
            let (superuser_only, membership) = match signal {
                Signal::Cancel => (
                    "must be a superuser to cancel superuser query",
                    "must be a member of the role whose query is being canceled or member of pg_signal_backend",
                ),
                Signal::Terminate => (
                    "must be a superuser to terminate superuser process",
                    "must be a member of the role whose process is being terminated or member of pg_signal_backend",
                ),
            };
            if target_superuser {
                return Err(err!(SqlState::new(b"42501"), "{superuser_only}"));
            }
            let signal_role = roles.by_name("pg_signal_backend").map(|r| r.oid);
            let member = actor == target
                || roles.is_member(actor, target)
                || signal_role.is_some_and(|r| roles.is_member(actor, r));
            if !member {
                return Err(err!(SqlState::new(b"42501"), "{membership}"));
            }
        }
        match signal {
            Signal::Cancel => self.interrupt.cancel(),
            Signal::Terminate => {
                let terminate = self.terminate.lock().unwrap_or_else(|p| p.into_inner());
                let Some(terminate) = terminate.as_ref() else {
                    return Err(err!(
                        SqlState::FEATURE_NOT_SUPPORTED,
                        "an embedded session cannot be terminated"
                    ));
                };
                // A statement it is running stops too.
                self.interrupt.cancel();
                terminate();
            }
        }
        Ok(())
    }
}

/// Every session of a server, by process id.
#[derive(Default)]
pub struct ActivityRegistry {
    backends: Mutex<BTreeMap<i32, Arc<BackendActivity>>>,
    /// Signalled when a session leaves (`pg_terminate_backend`'s wait).
    left: Condvar,
}

impl ActivityRegistry {
    pub fn new() -> Arc<ActivityRegistry> {
        Arc::new(ActivityRegistry::default())
    }

    fn backends(&self) -> MutexGuard<'_, BTreeMap<i32, Arc<BackendActivity>>> {
        self.backends.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn add(&self, activity: Arc<BackendActivity>) {
        self.backends().insert(activity.pid(), activity);
    }

    pub(super) fn remove(&self, pid: i32) {
        self.backends().remove(&pid);
        self.left.notify_all();
    }

    fn find(&self, pid: i32) -> Option<Arc<BackendActivity>> {
        self.backends().get(&pid).cloned()
    }

    /// Every session's row, by process id.
    pub fn rows(&self) -> Vec<ActivityRow> {
        let backends: Vec<_> = self.backends().values().cloned().collect();
        backends.iter().map(|b| b.row()).collect()
    }

    /// Waits up to `timeout` for session `pid` to leave; whether it did.
    fn wait_gone(&self, pid: i32, timeout: Duration) -> bool {
        let backends = self.backends();
        let (backends, _) = self
            .left
            .wait_timeout_while(backends, timeout, |b| b.contains_key(&pid))
            .unwrap_or_else(|p| p.into_inner());
        !backends.contains_key(&pid)
    }
}

impl super::Backend {
    /// `pg_cancel_backend(pid)` / `pg_terminate_backend(pid, timeout_ms)`
    /// by the role `actor`: `false`, with PostgreSQL's warning, when no
    /// session has that pid (or a terminated one outlives the timeout).
    pub fn signal_backend(
        &self,
        pid: i32,
        signal: Signal,
        timeout_ms: i64,
        actor: Oid,
        roles: &RoleSet,
    ) -> Result<bool> {
        if timeout_ms < 0 {
            return Err(err!(
                SqlState::INVALID_PARAMETER_VALUE,
                "\"timeout\" must not be negative"
            ));
        }
        let registry = self.registry();
        let target = match &registry {
            Some(r) => r.find(pid),
            None => (pid == self.pid()).then(|| self.activity().clone()),
        };
        let Some(target) = target else {
            self.warn(format!("PID {pid} is not a PostgreSQL backend process"));
            return Ok(false);
        };
        target.signal(signal, actor, roles)?;
        if signal == Signal::Terminate && timeout_ms > 0 && pid != self.pid() {
            let gone = registry
                .is_some_and(|r| r.wait_gone(pid, Duration::from_millis(timeout_ms as u64)));
            if !gone {
                self.warn(format!(
                    "backend with PID {pid} did not terminate within {timeout_ms} milliseconds"
                ));
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Every session `pg_stat_activity` lists: the server's, or this one.
    pub fn activity_rows(&self) -> Vec<ActivityRow> {
        match self.registry() {
            Some(r) => r.rows(),
            None => vec![self.activity().row()],
        }
    }

    fn warn(&self, message: String) {
        self.push_notice(Notice::warning(SqlState::new(b"01000"), message));
    }
}

/// The session's side: registering, and reporting what it does.
impl super::Session {
    /// Enters the session in its server's registry (when the engine has
    /// one) as the client `client`, with `terminate` as the way to end its
    /// connection. A server calls this once the session's database, user,
    /// pid and startup settings are set.
    pub fn register_activity(&mut self, client: ClientInfo, terminate: Option<Terminator>) {
        let roles = self.engine.roles().ok();
        let role = roles.as_ref().and_then(|r| r.by_name(&self.user));
        let activity = self.backend.activity();
        activity.identify(&self.database, role, &self.user, client, terminate);
        self.report_idle();
        if let Some(registry) = self.engine.activity() {
            self.backend.join_registry(registry.clone());
        }
    }

    /// The session now waits for its client (a server calls this before
    /// ReadyForQuery).
    pub fn report_idle(&self) {
        let application_name = self.settings.raw("application_name").unwrap_or_default();
        self.backend.activity().idle(
            self.transaction_status(),
            application_name,
            super::run::now_micros(),
        );
    }

    /// A query with this text starts.
    pub(super) fn report_query(&self, text: &str) {
        let activity = self.backend.activity();
        activity.start_query(text, self.block.is_some(), super::run::now_micros());
    }
}
