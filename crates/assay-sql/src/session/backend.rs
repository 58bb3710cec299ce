//! A session's part in what the sessions of one database share: its
//! notifications and advisory locks.
//!
//! The [`Backend`] is the session-side handle on the engine's
//! [`NotificationHub`](super::notify::NotificationHub) and
//! [`LockTable`](super::advisory::LockTable). Functions reach it while a
//! statement runs (through the `SystemContext`), so it changes its state
//! through `&self`; the session calls it at the boundaries of statements
//! and transactions:
//!
//! - a statement starts: `start_statement` (the `lock_timeout` to use);
//! - a transaction commits: `before_commit`, then `end_transaction(true)`
//!   — the pending LISTENs apply, then the notifications go out, then the
//!   transaction's advisory locks are released;
//! - a transaction rolls back: `end_transaction(false)` (nothing goes out);
//! - `SAVEPOINT` / `ROLLBACK TO`: `savepoint` / `rollback_to`;
//! - the session ends: `Drop` releases everything it held.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use assay_storage::{Result, SqlState};

use super::activity::{ActivityRegistry, BackendActivity};
use super::advisory::{AdvisoryKey, LockLevel, LockMode, LockOwner, LockRow, WaitLimits};
use super::notify::{check_notification, ListenAction, Notification, NotifyMark, PendingNotify};
use super::{Engine, Notice};
use crate::exec::Interrupt;

/// The session's handle on shared notification and lock state.
pub struct Backend {
    engine: Arc<Engine>,
    owner: Arc<LockOwner>,
    interrupt: Arc<Interrupt>,
    /// `lock_timeout` of the running statement, in milliseconds.
    lock_timeout_ms: AtomicU64,
    transaction: Mutex<TransactionState>,
    /// Warnings raised by functions, for the statement's result.
    notices: Mutex<Vec<Notice>>,
    /// What `pg_stat_activity` shows of this session (`activity.rs`).
    activity: Arc<BackendActivity>,
    /// The server's registry, once the session registered in it.
    registry: Mutex<Option<Arc<ActivityRegistry>>>,
}

/// What the current transaction did that its end settles.
#[derive(Default)]
struct TransactionState {
    notify: PendingNotify,
    /// Transaction-level locks taken, in order (for ROLLBACK TO).
    locks: Vec<(AdvisoryKey, LockMode)>,
    /// Per open savepoint: the notify mark and the number of locks.
    savepoints: Vec<(NotifyMark, usize)>,
}

impl Backend {
    pub(super) fn new(engine: Arc<Engine>, session: u32, interrupt: Arc<Interrupt>) -> Backend {
        let owner = Arc::new(LockOwner::new(session));
        let activity =
            BackendActivity::new(owner.clone(), interrupt.clone(), super::run::now_micros());
        Backend {
            engine,
            owner,
            interrupt,
            lock_timeout_ms: AtomicU64::new(0),
            transaction: Mutex::new(TransactionState::default()),
            notices: Mutex::new(Vec::new()),
            activity: Arc::new(activity),
            registry: Mutex::new(None),
        }
    }

    /// This session's `pg_stat_activity` entry.
    pub fn activity(&self) -> &Arc<BackendActivity> {
        &self.activity
    }

    /// The server's session registry, once this session is in it.
    pub(super) fn registry(&self) -> Option<Arc<ActivityRegistry>> {
        self.registry
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Enters the session in `registry` (at most once).
    pub(super) fn join_registry(&self, registry: Arc<ActivityRegistry>) {
        let mut slot = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        if slot.is_none() {
            registry.add(self.activity.clone());
            *slot = Some(registry);
        }
    }

    pub(super) fn push_notice(&self, notice: Notice) {
        self.notices
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(notice);
    }

    fn transaction(&self) -> MutexGuard<'_, TransactionState> {
        self.transaction.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn session(&self) -> u32 {
        self.owner.session
    }

    /// The process id clients see (`pg_backend_pid()`, the sender of
    /// notifications).
    pub fn pid(&self) -> i32 {
        self.owner.pid()
    }

    pub(super) fn set_pid(&self, pid: i32) {
        self.owner.pid.store(pid, Ordering::Relaxed);
    }

    pub(super) fn start_statement(&self, lock_timeout_ms: u64) {
        self.lock_timeout_ms
            .store(lock_timeout_ms, Ordering::Relaxed);
    }

    pub(super) fn take_notices(&self) -> Vec<Notice> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|e| e.into_inner()))
    }

    // ---- notifications ----------------------------------------------------

    /// `NOTIFY channel, payload` / `pg_notify`: queued until commit.
    pub fn notify(&self, channel: &str, payload: &str) -> Result<()> {
        check_notification(channel, payload)?;
        self.transaction().notify.notify(Notification {
            pid: self.pid(),
            channel: channel.to_string(),
            payload: payload.to_string(),
        });
        Ok(())
    }

    /// `LISTEN` / `UNLISTEN`: applied at commit.
    pub fn listen(&self, action: ListenAction) {
        self.transaction().notify.actions.push(action);
    }

    /// `pg_listening_channels()`: the channels as of the last commit.
    pub fn listening_channels(&self) -> Vec<String> {
        self.engine.notifications().channels(self.session())
    }

    /// `pg_notification_queue_usage()`.
    pub fn queue_usage(&self) -> f64 {
        self.engine.notifications().usage()
    }

    /// Notifications delivered to this session, oldest first.
    pub fn take_notifications(&self) -> Vec<Notification> {
        self.engine.notifications().take(self.session())
    }

    pub fn has_notifications(&self) -> bool {
        self.engine.notifications().has_pending(self.session())
    }

    // ---- advisory locks ---------------------------------------------------

    /// Takes an advisory lock, waiting for it unless `try_only` (then
    /// `false` says it is taken by someone else).
    pub fn lock(
        &self,
        key: AdvisoryKey,
        mode: LockMode,
        level: LockLevel,
        try_only: bool,
    ) -> Result<bool> {
        let clock = super::run::now_micros;
        let limits = WaitLimits {
            interrupt: &self.interrupt,
            lock_timeout: Duration::from_millis(self.lock_timeout_ms.load(Ordering::Relaxed)),
            clock: &clock,
        };
        let limits = (!try_only).then_some(&limits);
        if !try_only {
            self.activity.set_wait(Some(("Lock", "advisory")));
        }
        let granted = self
            .engine
            .locks()
            .acquire(&self.owner, key, mode, level, limits);
        if !try_only {
            self.activity.set_wait(None);
        }
        let granted = granted?;
        if granted && level == LockLevel::Transaction {
            self.transaction().locks.push((key, mode));
        }
        Ok(granted)
    }

    /// `pg_advisory_unlock[_shared]`: `false`, with PostgreSQL's warning,
    /// when the session holds no such session-level lock.
    pub fn unlock(&self, key: AdvisoryKey, mode: LockMode) -> bool {
        let released = self.engine.locks().release(self.session(), key, mode);
        if !released {
            self.notices
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Notice::warning(
                    SqlState::new(b"01000"),
                    format!("you don't own a lock of type {}", mode.name()),
                ));
        }
        released
    }

    /// `pg_advisory_unlock_all()`: the session-level locks.
    pub fn unlock_all(&self) {
        self.engine
            .locks()
            .release_all(self.session(), Some(LockLevel::Session));
    }

    /// Every advisory lock of the database (`pg_locks`).
    pub fn lock_rows(&self) -> Vec<LockRow> {
        self.engine.locks().rows()
    }

    // ---- transaction boundaries -------------------------------------------

    /// Checks, before the transaction commits, that its notifications fit
    /// the listeners' queues.
    pub(super) fn before_commit(&self) -> Result<()> {
        let transaction = self.transaction();
        self.engine
            .notifications()
            .check_room(&transaction.notify.notifications)
    }

    /// Settles the transaction: on commit its LISTENs apply and its
    /// notifications go out; either way its advisory locks are released.
    pub(super) fn end_transaction(&self, committed: bool) {
        let mut transaction = self.transaction();
        let (actions, notifications) = transaction.notify.take();
        let had_locks = !transaction.locks.is_empty();
        transaction.locks.clear();
        transaction.savepoints.clear();
        drop(transaction);
        if committed {
            let hub = self.engine.notifications();
            hub.apply(self.session(), &actions);
            hub.publish(&notifications);
        }
        if had_locks {
            self.engine
                .locks()
                .release_all(self.session(), Some(LockLevel::Transaction));
        }
        self.owner.local_transaction.fetch_add(1, Ordering::Relaxed);
    }

    pub(super) fn savepoint(&self) {
        let mut transaction = self.transaction();
        let mark = (transaction.notify.mark(), transaction.locks.len());
        transaction.savepoints.push(mark);
    }

    /// RELEASE of the savepoint at `depth` (0 is the outermost): what it
    /// guarded now belongs to the enclosing one.
    pub(super) fn release_savepoint(&self, depth: usize) {
        self.transaction().savepoints.truncate(depth);
    }

    /// ROLLBACK TO the savepoint at `depth`: the notifications, LISTENs
    /// and transaction locks taken since are undone; the savepoint stays.
    pub(super) fn rollback_to(&self, depth: usize) {
        let mut transaction = self.transaction();
        let Some(&(mark, locks)) = transaction.savepoints.get(depth) else {
            return;
        };
        transaction.savepoints.truncate(depth + 1);
        transaction.notify.rollback_to(mark);
        let undone: Vec<_> = transaction.locks.drain(locks..).collect();
        drop(transaction);
        for (key, mode) in undone {
            self.engine
                .locks()
                .release_transaction_hold(self.session(), key, mode);
        }
    }

    /// Has `waker` called when notifications arrive for this session.
    pub fn set_notification_waker(&self, waker: super::notify::Waker) {
        self.engine.notifications().set_waker(self.session(), waker);
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        if let Some(registry) = self.registry() {
            registry.remove(self.pid());
        }
        self.engine.locks().release_all(self.session(), None);
        self.engine.notifications().leave(self.session());
    }
}

/// LISTEN, NOTIFY and the session's side of the transaction boundaries.
impl super::Session {
    /// The session's handle on notifications and advisory locks.
    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// Sets the process id clients know this session by (a wire server's
    /// BackendKeyData); notifications it sends carry it.
    pub fn set_pid(&mut self, pid: i32) {
        self.backend.set_pid(pid);
    }

    /// Notifications delivered to this session since the last call, oldest
    /// first (PostgreSQL's NotificationResponse messages).
    pub fn take_notifications(&self) -> Vec<Notification> {
        self.backend.take_notifications()
    }

    /// Has `waker` called (from another session's thread) whenever
    /// notifications arrive for this session.
    pub fn set_notification_waker(&self, waker: super::notify::Waker) {
        self.backend.set_notification_waker(waker);
    }

    /// Ends the transaction for the settings (SET LOCAL) and for the
    /// backend (notifications, transaction locks).
    pub(super) fn end_transaction(&mut self, committed: bool) {
        self.settings.end_transaction(committed);
        self.end_authorization(committed);
        self.backend.end_transaction(committed);
        let advanced = self.sequences.end_transaction(committed);
        if !advanced.is_empty() {
            self.keep_sequence_values(&advanced);
        }
    }

    /// After a rollback, writes again the sequence states the transaction
    /// advanced (sequences are not transactional; see
    /// `catalog/sequence.rs`), in a transaction of its own. Best effort: the
    /// rollback has happened whatever this meets (a lock it cannot get in
    /// time, a full disk), and then only values no commit stored are
    /// handed out again.
    fn keep_sequence_values(&mut self, advanced: &[crate::catalog::SequenceAdvance]) {
        let interrupt = self.interrupt.clone();
        let check = move || interrupt.check(&super::run::now_micros);
        let wait = assay_storage::pager::WriterWait {
            timeout: self.writer_timeout(),
            check: &check,
        };
        let kept = (|| {
            let mut txn = self
                .engine
                .pager()
                .begin_waiting(assay_storage::TxnMode::Immediate, &wait)?;
            crate::catalog::reapply_sequences(&mut txn, advanced, true)?;
            txn.commit()
        })();
        // The catalog check must look again (a commit moved the snapshot).
        self.catalog_checked = None;
        let _ = kept;
    }

    /// `LISTEN`, `UNLISTEN` and `NOTIFY`: queued in the open block, or, outside
    /// one, a transaction of their own.
    pub(super) fn listen_statement(
        &mut self,
        stmt: &crate::ast::Statement,
    ) -> Result<super::StatementResult> {
        use crate::ast::Statement;
        let tag = match stmt {
            Statement::Listen(channel) => {
                self.backend.listen(ListenAction::Listen(channel.clone()));
                "LISTEN"
            }
            Statement::Unlisten(Some(channel)) => {
                self.backend.listen(ListenAction::Unlisten(channel.clone()));
                "UNLISTEN"
            }
            Statement::Unlisten(None) => {
                self.backend.listen(ListenAction::UnlistenAll);
                "UNLISTEN"
            }
            Statement::Notify { channel, payload } => {
                self.backend
                    .notify(channel, payload.as_deref().unwrap_or(""))?;
                "NOTIFY"
            }
            _ => return Err(super::no_block()),
        };
        if self.block.is_none() {
            let committed = self.backend.before_commit();
            self.backend.end_transaction(committed.is_ok());
            committed?;
        }
        Ok(super::StatementResult::command(tag))
    }
}

impl super::Session {
    /// How long a statement waits for the storage write lock another
    /// session's transaction holds: `lock_timeout` (then 55P03, as for any
    /// lock), else as long as `statement_timeout` lets it (57014 from the
    /// interrupt), else the pager's busy timeout ("database is locked").
    pub(super) fn writer_timeout(&self) -> Option<(Duration, fn() -> assay_storage::Error)> {
        let lock = self.settings.lock_timeout_ms();
        if lock > 0 {
            return Some((
                Duration::from_millis(lock),
                super::advisory::lock_timeout_error,
            ));
        }
        let statement = self.settings.statement_timeout_ms();
        // The interrupt's deadline, which started with the statement,
        // passes first; this bound only ends the wait.
        (statement > 0).then(|| {
            (
                Duration::from_millis(statement.saturating_add(1000)),
                super::advisory::lock_timeout_error as fn() -> assay_storage::Error,
            )
        })
    }
}
