//! Stopping a running statement from outside: a user's cancel request
//! (another thread sets a flag) or the statement timeout (a deadline on
//! the session's clock). The executor looks every
//! [`CANCEL_CHECK_INTERVAL`](super::CANCEL_CHECK_INTERVAL) rows, so a look
//! costs one atomic load, and a clock read only while a deadline is set.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use assay_storage::{bail, Result, SqlState};

/// A session's interrupt state, shared with whoever may cancel it.
#[derive(Debug, Default)]
pub struct Interrupt {
    cancel: AtomicBool,
    /// µs since 2000-01-01 UTC after which the statement fails; 0 for none.
    deadline: AtomicI64,
}

impl Interrupt {
    pub fn new() -> Interrupt {
        Interrupt::default()
    }

    /// Asks the running statement to stop (57014, "due to user request").
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// Starts a statement: forgets an old cancel request and sets the
    /// deadline (`None` for no timeout).
    pub fn start_statement(&self, deadline: Option<i64>) {
        self.cancel.store(false, Ordering::Relaxed);
        self.deadline
            .store(deadline.unwrap_or(0), Ordering::Relaxed);
    }

    /// Ends a statement: no deadline until the next one.
    pub fn end_statement(&self) {
        self.deadline.store(0, Ordering::Relaxed);
    }

    /// Fails with 57014 if the statement was cancelled or ran past its
    /// deadline; `now` is read only while a deadline is set.
    pub fn check(&self, now: &dyn Fn() -> i64) -> Result<()> {
        if self.cancel.load(Ordering::Relaxed) {
            bail!(
                SqlState::QUERY_CANCELED,
                "canceling statement due to user request"
            );
        }
        let deadline = self.deadline.load(Ordering::Relaxed);
        if deadline != 0 && now() >= deadline {
            bail!(
                SqlState::QUERY_CANCELED,
                "canceling statement due to statement timeout"
            );
        }
        Ok(())
    }
}

/// `pg_sleep(seconds)`: sleeps in short slices, looking at the interrupt
/// between them, so a cancel or the statement timeout ends it early.
pub(crate) fn pg_sleep(
    seconds: &crate::types::Value,
    ctx: &super::ExecContext<'_>,
) -> Result<crate::types::Value> {
    use crate::types::Value;
    let seconds = match seconds {
        Value::Float8(s) => *s,
        Value::Null => return Ok(Value::Null),
        other => bail!(
            SqlState::DATATYPE_MISMATCH,
            "pg_sleep expects double precision, got {other:?}"
        ),
    };
    #[cfg(target_arch = "wasm32")]
    {
        let _ = (seconds, ctx);
        bail!(
            SqlState::FEATURE_NOT_SUPPORTED,
            "pg_sleep is not supported in the browser build"
        );
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let start = std::time::Instant::now();
        let total = std::time::Duration::from_secs_f64(seconds.clamp(0.0, 1e9));
        loop {
            ctx.check_cancel()?;
            let left = total.saturating_sub(start.elapsed());
            if left.is_zero() {
                return Ok(Value::text(""));
            }
            std::thread::sleep(left.min(std::time::Duration::from_millis(10)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_and_deadline() {
        let i = Interrupt::new();
        let now = || 100i64;
        assert!(i.check(&now).is_ok());
        i.cancel();
        let e = i.check(&now).unwrap_err();
        assert_eq!(e.message(), "canceling statement due to user request");
        i.start_statement(Some(50));
        let e = i.check(&now).unwrap_err();
        assert_eq!(e.code().as_str(), "57014");
        assert_eq!(e.message(), "canceling statement due to statement timeout");
        i.start_statement(Some(500));
        assert!(i.check(&now).is_ok());
        i.end_statement();
        assert!(i.check(&|| i64::MAX).is_ok());
    }
}
