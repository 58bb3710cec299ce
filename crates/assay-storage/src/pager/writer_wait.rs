//! Waiting for the write lock on a caller's terms.
//!
//! By default a writer that finds the write lock taken waits up to the
//! pager's busy timeout and then fails with "database is locked". A SQL
//! session has its own terms: its `lock_timeout` (with PostgreSQL's error
//! for it) and its cancel flag and statement deadline, which must be able to
//! stop the wait. A [`WriterWait`] carries those terms to
//! [`Pager::begin_waiting`] and [`Transaction::upgrade_waiting`]; the wait
//! goes in slices, calling [`WriterWait::check`] between them.

use std::time::{Duration, Instant};

use super::{locked, Pager, Transaction, TxnMode};
use crate::{Error, Result};

/// How long between two looks at [`WriterWait::check`].
const WAIT_SLICE: Duration = Duration::from_millis(10);

/// A writer's terms for waiting for the write lock.
pub struct WriterWait<'a> {
    /// The longest wait, and the error when it passes; `None` waits up to
    /// the pager's busy timeout ("database is locked").
    pub timeout: Option<(Duration, fn() -> Error)>,
    /// Called between slices of waiting; an error ends the wait with it.
    pub check: &'a dyn Fn() -> Result<()>,
}

impl Pager {
    /// Starts a transaction, waiting for the write lock (if `mode` takes
    /// it) on `wait`'s terms.
    pub fn begin_waiting(
        self: &std::sync::Arc<Self>,
        mode: TxnMode,
        wait: &WriterWait<'_>,
    ) -> Result<Transaction> {
        Transaction::begin_waiting(self.clone(), mode, Some(wait))
    }

    /// Takes the write lock, waiting on `wait`'s terms (or up to the busy
    /// timeout when `None`).
    pub(super) fn lock_writer_waiting(&self, wait: Option<&WriterWait<'_>>) -> Result<()> {
        let mut held = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        if !*held {
            *held = true;
            return Ok(());
        }
        let (timeout, timed_out): (Duration, fn() -> Error) = match wait.and_then(|w| w.timeout) {
            Some(t) => t,
            None => (self.options.busy_timeout, locked),
        };
        // Single-threaded targets cannot wait for another thread.
        if timeout.is_zero() || cfg!(target_arch = "wasm32") {
            return Err(timed_out());
        }
        let deadline = Instant::now() + timeout;
        while *held {
            if let Some(w) = wait {
                // The check may take time; release the lock meanwhile.
                drop(held);
                (w.check)()?;
                held = self.writer.lock().unwrap_or_else(|e| e.into_inner());
                if !*held {
                    break;
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(timed_out());
            }
            let slice = match wait {
                Some(_) => (deadline - now).min(WAIT_SLICE),
                None => deadline - now,
            };
            held = self
                .writer_released
                .wait_timeout(held, slice)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        *held = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    use super::*;
    use crate::vfs::MemoryVfs;
    use crate::{err, PagerOptions, SqlState};

    fn pager() -> Arc<Pager> {
        let options = PagerOptions {
            // Long: the tests' own terms must end the waits.
            busy_timeout: Duration::from_secs(600),
            ..PagerOptions::default()
        };
        Pager::open(&MemoryVfs::new(), "db", options).unwrap()
    }

    fn gave_up() -> Error {
        err!(SqlState::LOCK_NOT_AVAILABLE, "gave up")
    }

    #[test]
    fn the_callers_timeout_and_error_replace_the_busy_timeout() {
        let pager = pager();
        let _holder = pager.begin(TxnMode::Immediate).unwrap();
        let checks = AtomicU32::new(0);
        let check = || {
            checks.fetch_add(1, Ordering::Relaxed);
            Ok(())
        };
        let wait = WriterWait {
            timeout: Some((Duration::from_millis(30), gave_up)),
            check: &check,
        };
        let e = pager
            .begin_waiting(TxnMode::Immediate, &wait)
            .err()
            .unwrap();
        assert_eq!(e.message(), "gave up");
        assert!(checks.load(Ordering::Relaxed) >= 1);
        let mut deferred = pager.begin(TxnMode::Deferred).unwrap();
        let e = deferred.upgrade_waiting(&wait).unwrap_err();
        assert_eq!(e.message(), "gave up");
    }

    #[test]
    fn a_failing_check_ends_the_wait_with_its_error() {
        let pager = pager();
        let holder = pager.begin(TxnMode::Immediate).unwrap();
        let check = || Err(err!(SqlState::QUERY_CANCELED, "stop"));
        let wait = WriterWait {
            timeout: None,
            check: &check,
        };
        let e = pager
            .begin_waiting(TxnMode::Immediate, &wait)
            .err()
            .unwrap();
        assert_eq!(e.code(), SqlState::QUERY_CANCELED);
        // Once the lock is free, no wait and no check.
        drop(holder);
        let mut txn = pager.begin_waiting(TxnMode::Deferred, &wait).unwrap();
        txn.upgrade_waiting(&wait).unwrap();
        assert!(txn.is_writing());
    }
}
