//! Advisory locks: the lock table one database's sessions share.
//!
//! An advisory lock is a key (a `bigint`, or two `int`s) locked in share or
//! exclusive mode, by a session (held until unlocked or the session ends)
//! or by a transaction (held until it commits or rolls back). The
//! [`LockTable`] on the `Engine` keeps, per key, who holds it in which mode
//! — each session's session-level and transaction-level holds counted
//! separately, as locking twice needs unlocking twice — and who waits.
//!
//! **Conflicts.** Exclusive conflicts with everything, share only with
//! exclusive; a session never conflicts with itself. A request also waits
//! behind an earlier conflicting waiter, unless the requester already holds
//! the key, so that a stream of share locks cannot starve an exclusive one.
//!
//! **Waiting** happens on a condition variable that every release
//! signals, in short slices between which the waiter looks at its
//! session's interrupt (a cancel request or `statement_timeout`, 57014) and
//! at `lock_timeout` (55P03). A waiter that would close a cycle of waiting
//! sessions fails at once with 40P01 instead (PostgreSQL looks after
//! `deadlock_timeout` and picks whichever waiter looks first; here it is
//! always the session whose wait would complete the cycle).

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use assay_storage::{bail, err, Result, SqlState};

use crate::exec::Interrupt;

/// How long a waiter sleeps before looking at its interrupt again.
const WAIT_SLICE: Duration = Duration::from_millis(10);

/// A lock's key as `pg_locks` shows it: `classid`, `objid`, `objsubid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AdvisoryKey {
    pub classid: u32,
    pub objid: u32,
    /// 1 for a `bigint` key, 2 for a pair of `int`s.
    pub objsubid: u16,
}

impl AdvisoryKey {
    /// The key of `pg_advisory_lock(bigint)`: high and low halves.
    pub fn from_i64(key: i64) -> AdvisoryKey {
        AdvisoryKey {
            classid: (key >> 32) as u32,
            objid: key as u32,
            objsubid: 1,
        }
    }

    /// The key of `pg_advisory_lock(int, int)`.
    pub fn from_pair(a: i32, b: i32) -> AdvisoryKey {
        AdvisoryKey {
            classid: a as u32,
            objid: b as u32,
            objsubid: 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockMode {
    Share,
    Exclusive,
}

impl LockMode {
    fn conflicts(self, other: LockMode) -> bool {
        self == LockMode::Exclusive || other == LockMode::Exclusive
    }

    /// The mode's name in `pg_locks` and messages.
    pub fn name(self) -> &'static str {
        match self {
            LockMode::Share => "ShareLock",
            LockMode::Exclusive => "ExclusiveLock",
        }
    }
}

/// Whether a hold lasts for the session or for the transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockLevel {
    Session,
    Transaction,
}

/// Who a session is, as the lock table shows it: its process id and its
/// current (virtual) transaction number.
#[derive(Debug)]
pub struct LockOwner {
    pub session: u32,
    pub pid: AtomicI32,
    pub local_transaction: AtomicU64,
}

impl LockOwner {
    pub fn new(session: u32) -> LockOwner {
        LockOwner {
            session,
            pid: AtomicI32::new(session as i32),
            local_transaction: AtomicU64::new(1),
        }
    }

    pub fn pid(&self) -> i32 {
        self.pid.load(Ordering::Relaxed)
    }

    /// `pg_locks.virtualtransaction`.
    pub fn virtual_transaction(&self) -> String {
        format!(
            "{}/{}",
            self.session,
            self.local_transaction.load(Ordering::Relaxed)
        )
    }
}

/// What a waiter checks between slices.
pub struct WaitLimits<'a> {
    pub interrupt: &'a Interrupt,
    /// `lock_timeout`; zero waits as long as the interrupt allows.
    pub lock_timeout: Duration,
    /// The clock the interrupt's deadline is on (µs since 2000-01-01).
    pub clock: &'a dyn Fn() -> i64,
}

/// One row of `pg_locks`.
#[derive(Clone, Debug)]
pub struct LockRow {
    pub key: AdvisoryKey,
    pub mode: LockMode,
    pub pid: i32,
    pub virtual_transaction: String,
    pub granted: bool,
    /// When the waiter started waiting (µs since 2000-01-01).
    pub wait_start: Option<i64>,
}

struct Hold {
    owner: Arc<LockOwner>,
    mode: LockMode,
    session_count: u32,
    transaction_count: u32,
}

struct Waiter {
    owner: Arc<LockOwner>,
    mode: LockMode,
    since: i64,
}

#[derive(Default)]
struct Entry {
    holds: Vec<Hold>,
    waiters: Vec<Waiter>,
}

impl Entry {
    fn holds_any(&self, session: u32) -> bool {
        self.holds.iter().any(|h| h.owner.session == session)
    }

    /// Sessions that keep `session` from taking `mode` now: conflicting
    /// holders, and conflicting waiters queued before it.
    fn blockers(&self, session: u32, mode: LockMode) -> Vec<Arc<LockOwner>> {
        let mut out: Vec<Arc<LockOwner>> = self
            .holds
            .iter()
            .filter(|h| h.owner.session != session && h.mode.conflicts(mode))
            .map(|h| h.owner.clone())
            .collect();
        if !self.holds_any(session) {
            let ahead = self
                .waiters
                .iter()
                .take_while(|w| w.owner.session != session);
            for w in ahead {
                if w.mode.conflicts(mode) && !out.iter().any(|o| o.session == w.owner.session) {
                    out.push(w.owner.clone());
                }
            }
        }
        out
    }

    fn grant(&mut self, owner: &Arc<LockOwner>, mode: LockMode, level: LockLevel) {
        let at = self
            .holds
            .iter()
            .position(|h| h.owner.session == owner.session && h.mode == mode);
        let hold = match at {
            Some(i) => &mut self.holds[i],
            None => {
                self.holds.push(Hold {
                    owner: owner.clone(),
                    mode,
                    session_count: 0,
                    transaction_count: 0,
                });
                self.holds.last_mut().expect("just pushed")
            }
        };
        match level {
            LockLevel::Session => hold.session_count += 1,
            LockLevel::Transaction => hold.transaction_count += 1,
        }
    }

    fn is_empty(&self) -> bool {
        self.holds.is_empty() && self.waiters.is_empty()
    }
}

/// The advisory locks of one database.
#[derive(Default)]
pub struct LockTable {
    entries: Mutex<HashMap<AdvisoryKey, Entry>>,
    released: Condvar,
}

impl LockTable {
    fn entries(&self) -> MutexGuard<'_, HashMap<AdvisoryKey, Entry>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes `key` in `mode`, waiting while others hold it (`limits`), or
    /// returning `false` at once if `limits` is `None` (the `try_`
    /// functions).
    pub fn acquire(
        &self,
        owner: &Arc<LockOwner>,
        key: AdvisoryKey,
        mode: LockMode,
        level: LockLevel,
        limits: Option<&WaitLimits<'_>>,
    ) -> Result<bool> {
        let mut entries = self.entries();
        let entry = entries.entry(key).or_default();
        if entry.blockers(owner.session, mode).is_empty() {
            entry.grant(owner, mode, level);
            return Ok(true);
        }
        let Some(limits) = limits else {
            if entry.is_empty() {
                entries.remove(&key);
            }
            return Ok(false);
        };
        // Single-threaded targets cannot wait for another session.
        if cfg!(target_arch = "wasm32") {
            if entry.is_empty() {
                entries.remove(&key);
            }
            return Err(lock_timeout_error());
        }
        entry.waiters.push(Waiter {
            owner: owner.clone(),
            mode,
            since: (limits.clock)(),
        });
        if let Some(cycle) = find_cycle(&entries, owner.session) {
            self.stop_waiting(&mut entries, key, owner.session);
            return Err(err!(SqlState::new(b"40P01"), "deadlock detected")
                .with_detail(cycle)
                .with_hint("See server log for query details."));
        }
        let started = Instant::now();
        loop {
            let entry = entries.entry(key).or_default();
            if entry.blockers(owner.session, mode).is_empty() {
                entry.waiters.retain(|w| w.owner.session != owner.session);
                entry.grant(owner, mode, level);
                // Those queued behind this waiter may go now.
                self.released.notify_all();
                return Ok(true);
            }
            let mut slice = WAIT_SLICE;
            let stop = match limits.interrupt.check(limits.clock) {
                Err(e) => Some(e),
                Ok(()) if !limits.lock_timeout.is_zero() => {
                    let left = limits.lock_timeout.saturating_sub(started.elapsed());
                    slice = slice.min(left);
                    left.is_zero().then(lock_timeout_error)
                }
                Ok(()) => None,
            };
            if let Some(e) = stop {
                self.stop_waiting(&mut entries, key, owner.session);
                return Err(e);
            }
            entries = self
                .released
                .wait_timeout(entries, slice)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn stop_waiting(
        &self,
        entries: &mut HashMap<AdvisoryKey, Entry>,
        key: AdvisoryKey,
        session: u32,
    ) {
        if let Some(entry) = entries.get_mut(&key) {
            entry.waiters.retain(|w| w.owner.session != session);
            if entry.is_empty() {
                entries.remove(&key);
            }
        }
        self.released.notify_all();
    }

    /// Drops one session-level hold of `key` in `mode`; `false` if the
    /// session has none.
    pub fn release(&self, session: u32, key: AdvisoryKey, mode: LockMode) -> bool {
        let mut entries = self.entries();
        let Some(entry) = entries.get_mut(&key) else {
            return false;
        };
        let Some(hold) = entry
            .holds
            .iter_mut()
            .find(|h| h.owner.session == session && h.mode == mode && h.session_count > 0)
        else {
            return false;
        };
        hold.session_count -= 1;
        self.tidy(&mut entries);
        true
    }

    /// Drops every hold of `session` at `level` (all of them for `None`:
    /// the session ended).
    pub fn release_all(&self, session: u32, level: Option<LockLevel>) {
        let mut entries = self.entries();
        for entry in entries.values_mut() {
            for hold in entry.holds.iter_mut() {
                if hold.owner.session != session {
                    continue;
                }
                if level != Some(LockLevel::Transaction) {
                    hold.session_count = 0;
                }
                if level != Some(LockLevel::Session) {
                    hold.transaction_count = 0;
                }
            }
        }
        self.tidy(&mut entries);
    }

    /// Drops one transaction-level hold taken after a savepoint that is
    /// rolled back.
    pub fn release_transaction_hold(&self, session: u32, key: AdvisoryKey, mode: LockMode) {
        let mut entries = self.entries();
        let hold = entries.get_mut(&key).and_then(|e| {
            e.holds
                .iter_mut()
                .find(|h| h.owner.session == session && h.mode == mode && h.transaction_count > 0)
        });
        if let Some(hold) = hold {
            hold.transaction_count -= 1;
            self.tidy(&mut entries);
        }
    }

    /// Removes holds with no count left and empty entries, and wakes the
    /// waiters.
    fn tidy(&self, entries: &mut HashMap<AdvisoryKey, Entry>) {
        entries.retain(|_, e| {
            e.holds
                .retain(|h| h.session_count > 0 || h.transaction_count > 0);
            !e.is_empty()
        });
        self.released.notify_all();
    }

    /// Every hold and wait, for `pg_locks`.
    pub fn rows(&self) -> Vec<LockRow> {
        let entries = self.entries();
        let mut rows = Vec::new();
        for (key, entry) in entries.iter() {
            for h in &entry.holds {
                rows.push(LockRow {
                    key: *key,
                    mode: h.mode,
                    pid: h.owner.pid(),
                    virtual_transaction: h.owner.virtual_transaction(),
                    granted: true,
                    wait_start: None,
                });
            }
            for w in &entry.waiters {
                rows.push(LockRow {
                    key: *key,
                    mode: w.mode,
                    pid: w.owner.pid(),
                    virtual_transaction: w.owner.virtual_transaction(),
                    granted: false,
                    wait_start: Some(w.since),
                });
            }
        }
        rows.sort_by(|a, b| {
            (a.key, !a.granted, a.pid, a.mode.name()).cmp(&(
                b.key,
                !b.granted,
                b.pid,
                b.mode.name(),
            ))
        });
        rows
    }
}

/// PostgreSQL's error when `lock_timeout` passes.
pub fn lock_timeout_error() -> assay_storage::Error {
    err!(
        SqlState::LOCK_NOT_AVAILABLE,
        "canceling statement due to lock timeout"
    )
}

/// What one session waits for, in a deadlock report.
struct WaitEdge {
    pid: i32,
    mode: LockMode,
    key: AdvisoryKey,
    blocker_pid: i32,
}

impl fmt::Display for WaitEdge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Process {} waits for {} on advisory lock [{},{},{},{}]; blocked by process {}.",
            self.pid,
            self.mode.name(),
            // The lock table does not know its database's name; the DETAIL
            // shows the OID PostgreSQL gives `postgres`.
            super::database_oid("postgres"),
            self.key.classid,
            self.key.objid,
            self.key.objsubid,
            self.blocker_pid
        )
    }
}

/// If `start`'s wait closes a cycle of sessions each waiting for the
/// next, the report of that cycle (PostgreSQL's DETAIL lines).
fn find_cycle(entries: &HashMap<AdvisoryKey, Entry>, start: u32) -> Option<String> {
    // Each session waits for at most one key.
    let mut waiting: HashMap<u32, (AdvisoryKey, LockMode, i32)> = HashMap::new();
    for (key, entry) in entries {
        for w in &entry.waiters {
            waiting.insert(w.owner.session, (*key, w.mode, w.owner.pid()));
        }
    }
    let mut path = Vec::new();
    let mut visited = Vec::new();
    if walk(entries, &waiting, start, start, &mut path, &mut visited) {
        let lines: Vec<String> = path.iter().map(WaitEdge::to_string).collect();
        return Some(lines.join("\n"));
    }
    None
}

/// Depth-first search of the waits-for graph from `at` back to `start`.
fn walk(
    entries: &HashMap<AdvisoryKey, Entry>,
    waiting: &HashMap<u32, (AdvisoryKey, LockMode, i32)>,
    start: u32,
    at: u32,
    path: &mut Vec<WaitEdge>,
    visited: &mut Vec<u32>,
) -> bool {
    let Some(&(key, mode, pid)) = waiting.get(&at) else {
        return false;
    };
    if visited.contains(&at) {
        return false;
    }
    visited.push(at);
    let Some(entry) = entries.get(&key) else {
        return false;
    };
    for blocker in entry.blockers(at, mode) {
        path.push(WaitEdge {
            pid,
            mode,
            key,
            blocker_pid: blocker.pid(),
        });
        if blocker.session == start || walk(entries, waiting, start, blocker.session, path, visited)
        {
            return true;
        }
        path.pop();
    }
    false
}

/// The key an advisory lock function's arguments name: one `bigint`, or
/// two `int`s.
pub fn advisory_key(values: &[crate::types::Value]) -> Result<AdvisoryKey> {
    use crate::types::Value;
    match values {
        [Value::Int8(k)] => Ok(AdvisoryKey::from_i64(*k)),
        [Value::Int4(a), Value::Int4(b)] => Ok(AdvisoryKey::from_pair(*a, *b)),
        other => bail!(
            SqlState::DATATYPE_MISMATCH,
            "advisory lock key must be bigint or two integers, got {other:?}"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(session: u32) -> Arc<LockOwner> {
        Arc::new(LockOwner::new(session))
    }

    #[test]
    fn keys_encode_as_postgres_shows_them() {
        let k = AdvisoryKey::from_i64(4294967298);
        assert_eq!((k.classid, k.objid, k.objsubid), (1, 2, 1));
        let k = AdvisoryKey::from_i64(-1);
        assert_eq!((k.classid, k.objid), (u32::MAX, u32::MAX));
        let k = AdvisoryKey::from_pair(2, -3);
        assert_eq!((k.classid, k.objid, k.objsubid), (2, u32::MAX - 2, 2));
    }

    #[test]
    fn holds_are_counted_and_modes_conflict() {
        let t = LockTable::default();
        let (a, b) = (owner(1), owner(2));
        let k = AdvisoryKey::from_i64(1);
        let s = LockLevel::Session;
        assert!(t.acquire(&a, k, LockMode::Exclusive, s, None).unwrap());
        assert!(t.acquire(&a, k, LockMode::Exclusive, s, None).unwrap());
        assert!(t.acquire(&a, k, LockMode::Share, s, None).unwrap());
        assert!(!t.acquire(&b, k, LockMode::Share, s, None).unwrap());
        assert!(t.release(1, k, LockMode::Exclusive));
        assert!(!t.acquire(&b, k, LockMode::Share, s, None).unwrap());
        assert!(t.release(1, k, LockMode::Exclusive));
        assert!(!t.release(1, k, LockMode::Exclusive));
        // a still holds share: b may share too, but not take exclusive.
        assert!(t.acquire(&b, k, LockMode::Share, s, None).unwrap());
        assert!(!t.acquire(&b, k, LockMode::Exclusive, s, None).unwrap());
        t.release_all(1, None);
        assert!(t.acquire(&b, k, LockMode::Exclusive, s, None).unwrap());
        assert_eq!(t.rows().len(), 2);
        t.release_all(2, Some(LockLevel::Transaction));
        assert_eq!(t.rows().len(), 2);
        t.release_all(2, Some(LockLevel::Session));
        assert!(t.rows().is_empty());
    }

    #[test]
    fn a_waiter_closing_a_cycle_fails_with_a_deadlock() {
        let t = Arc::new(LockTable::default());
        let (a, b) = (owner(1), owner(2));
        let (k1, k2) = (AdvisoryKey::from_i64(1), AdvisoryKey::from_i64(2));
        let s = LockLevel::Session;
        t.acquire(&a, k1, LockMode::Exclusive, s, None).unwrap();
        t.acquire(&b, k2, LockMode::Exclusive, s, None).unwrap();
        let waiter = {
            let (t, a) = (t.clone(), a.clone());
            std::thread::spawn(move || {
                let interrupt = Interrupt::new();
                let clock = || 0i64;
                let limits = WaitLimits {
                    interrupt: &interrupt,
                    lock_timeout: Duration::ZERO,
                    clock: &clock,
                };
                t.acquire(&a, k2, LockMode::Exclusive, s, Some(&limits))
            })
        };
        // Wait until a is queued on k2.
        while !t.rows().iter().any(|r| !r.granted) {
            std::thread::yield_now();
        }
        let interrupt = Interrupt::new();
        let clock = || 0i64;
        let limits = WaitLimits {
            interrupt: &interrupt,
            lock_timeout: Duration::ZERO,
            clock: &clock,
        };
        let e = t
            .acquire(&b, k1, LockMode::Exclusive, s, Some(&limits))
            .unwrap_err();
        assert_eq!(e.code().as_str(), "40P01");
        assert_eq!(
            e.detail(),
            Some(
                "Process 2 waits for ExclusiveLock on advisory lock [5,0,1,1]; blocked by process 1.\n\
                 Process 1 waits for ExclusiveLock on advisory lock [5,0,2,1]; blocked by process 2."
            )
        );
        t.release_all(2, None);
        assert!(waiter.join().unwrap().unwrap());
    }
}
