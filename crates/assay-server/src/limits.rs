//! Connection limits: the server's `--max-connections` (FATAL 53300
//! `sorry, too many clients already`) and each role's `CONNECTION LIMIT`
//! (`too many connections for role "x"`, superusers exempt), as
//! PostgreSQL enforces them. A connection holds its [`Slot`]s until it
//! ends.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use assay_storage::{err, Error, SqlState};

/// The connections in use, in all and by role.
pub(crate) struct Limits {
    max: usize,
    counts: Mutex<Counts>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    by_role: HashMap<String, usize>,
}

/// One connection's place in the counts, given back when dropped.
pub(crate) struct Slot {
    limits: Arc<Limits>,
    role: Option<String>,
}

fn too_many(message: String) -> Error {
    Error::new(SqlState::new(b"53300"), message)
}

impl Limits {
    pub fn new(max: usize) -> Arc<Limits> {
        Arc::new(Limits {
            max,
            counts: Mutex::new(Counts::default()),
        })
    }

    pub fn max(&self) -> usize {
        self.max
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        // Counts are changed by single statements: a poisoned lock is fine.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A new connection, before it authenticates.
    pub fn connect(self: &Arc<Self>) -> Result<Slot, Error> {
        let mut counts = self.lock();
        if counts.total >= self.max {
            return Err(too_many("sorry, too many clients already".into()));
        }
        counts.total += 1;
        Ok(Slot {
            limits: self.clone(),
            role: None,
        })
    }
}

impl Slot {
    /// The connection logged in as `role`, whose `CONNECTION LIMIT` is
    /// `limit` (-1: none; superusers have none).
    pub fn login(&mut self, role: &str, limit: i32, superuser: bool) -> Result<(), Error> {
        let mut counts = self.limits.lock();
        let n = counts.by_role.get(role).copied().unwrap_or(0);
        if !superuser && limit >= 0 && n >= limit as usize {
            return Err(err!(
                SqlState::new(b"53300"),
                "too many connections for role \"{role}\""
            ));
        }
        counts.by_role.insert(role.to_string(), n + 1);
        self.role = Some(role.to_string());
        Ok(())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.limits.lock();
        counts.total = counts.total.saturating_sub(1);
        if let Some(role) = self.role.take() {
            if let Some(n) = counts.by_role.get_mut(&role) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    counts.by_role.remove(&role);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_limits() {
        let limits = Limits::new(2);
        let mut a = limits.connect().unwrap();
        a.login("app", 1, false).unwrap();
        let mut b = limits.connect().unwrap();
        let e = b.login("app", 1, false).unwrap_err();
        assert_eq!(e.message(), "too many connections for role \"app\"");
        b.login("root", 0, true).unwrap();
        let e = limits.connect().err().unwrap();
        assert_eq!(e.code().as_str(), "53300");
        assert_eq!(e.message(), "sorry, too many clients already");
        drop(a);
        let mut c = limits.connect().unwrap();
        c.login("app", 1, false).unwrap();
    }
}
