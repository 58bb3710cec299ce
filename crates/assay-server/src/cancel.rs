//! Cancel requests. Each session gets a process id and a random secret
//! key (sent in BackendKeyData); a client that wants a running statement
//! stopped opens a new connection and sends CancelRequest with both. When
//! they match, the session's interrupt is set and its statement fails with
//! 57014 at the executor's next look. A wrong key is ignored silently, as
//! PostgreSQL does.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};

use assay_sql::exec::Interrupt;

/// The live sessions' keys and interrupts, by process id.
#[derive(Default)]
pub(crate) struct CancelKeys {
    sessions: Mutex<HashMap<i32, (i32, Arc<Interrupt>)>>,
}

/// A number clients must quote to cancel this connection's queries.
pub(crate) fn secret_key(pid: i32) -> i32 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_i32(pid);
    hasher.finish() as i32
}

impl CancelKeys {
    /// Makes the session `pid` cancellable by whoever knows `secret`.
    pub fn register(
        self: &Arc<Self>,
        pid: i32,
        secret: i32,
        interrupt: Arc<Interrupt>,
    ) -> Registration {
        if let Ok(mut map) = self.sessions.lock() {
            map.insert(pid, (secret, interrupt));
        }
        Registration {
            keys: self.clone(),
            pid,
        }
    }

    /// Acts on a CancelRequest.
    pub fn cancel(&self, pid: i32, secret: &[u8]) {
        let Ok(map) = self.sessions.lock() else {
            return;
        };
        if let Some((key, interrupt)) = map.get(&pid) {
            if key.to_be_bytes().as_slice() == secret {
                interrupt.cancel();
            }
        }
    }
}

impl CancelKeys {
    /// The client of session `pid` went away: stop its statement, as
    /// nobody will read the result (its transaction then rolls back).
    pub fn client_gone(&self, pid: i32) {
        if let Ok(map) = self.sessions.lock() {
            if let Some((_, interrupt)) = map.get(&pid) {
                interrupt.cancel();
            }
        }
    }
}

/// Keeps a session registered until dropped (the connection ended).
pub(crate) struct Registration {
    keys: Arc<CancelKeys>,
    pid: i32,
}

impl Drop for Registration {
    fn drop(&mut self) {
        if let Ok(mut map) = self.keys.sessions.lock() {
            map.remove(&self.pid);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_right_key_cancels() {
        let keys = Arc::new(CancelKeys::default());
        let interrupt = Arc::new(Interrupt::new());
        let registration = keys.register(7, 42, interrupt.clone());
        let now = || 0;
        keys.cancel(7, &43i32.to_be_bytes());
        keys.cancel(8, &42i32.to_be_bytes());
        assert!(interrupt.check(&now).is_ok());
        keys.cancel(7, &42i32.to_be_bytes());
        assert!(interrupt.check(&now).is_err());
        drop(registration);
        assert!(keys.sessions.lock().unwrap().is_empty());
    }
}
