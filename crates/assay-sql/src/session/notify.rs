//! LISTEN / NOTIFY: the notification hub one database's sessions share.
//!
//! A session that runs `LISTEN ch` (once its transaction commits) is a
//! *listener* of `ch` in the [`NotificationHub`] on its [`Engine`]. A
//! `NOTIFY ch, 'payload'` (or `pg_notify`) is only queued in the sending
//! transaction ([`PendingNotify`]); when that transaction commits, its
//! notifications are appended to the queue of every session then listening
//! on the channel — the sender's own included, as PostgreSQL delivers
//! self-notifications — and each such session's *waker* is called, so a
//! wire connection sitting idle can send them at once. A rolled-back
//! transaction's notifications are dropped. Within one transaction a
//! notification equal to one already queued (same channel and payload) is
//! folded into it, and the survivors keep their order.
//!
//! Sessions read their queue with `Session::take_notifications`. A queue
//! is bounded ([`QUEUE_CAPACITY`] bytes); a commit that would overflow a
//! listener's queue fails with 54000, as PostgreSQL's does when its queue
//! is full, and `pg_notification_queue_usage()` reports how full the
//! fullest queue is.
//!
//! [`Engine`]: super::Engine

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use assay_storage::{bail, Result, SqlState};

/// Bytes of notifications one listener may have waiting.
pub const QUEUE_CAPACITY: usize = 64 << 20;
/// A payload must be shorter than this many bytes.
const PAYLOAD_LIMIT: usize = 8000;
/// A channel name is an identifier: at most this many bytes.
const CHANNEL_LIMIT: usize = 63;

/// One notification as a listener receives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    /// The sending session's process id (`pg_backend_pid()`).
    pub pid: i32,
    pub channel: String,
    pub payload: String,
}

impl Notification {
    /// What the notification occupies in a queue.
    fn size(&self) -> usize {
        self.channel.len() + self.payload.len() + 16
    }
}

/// Called when notifications arrive for a session (from the committing
/// session's thread, with the hub locked: it must only signal).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The listeners of one database and their queues.
#[derive(Default)]
pub struct NotificationHub {
    sessions: Mutex<HashMap<u32, Listener>>,
}

#[derive(Default)]
struct Listener {
    /// Channels in the order they were first listened to.
    channels: Vec<String>,
    queue: VecDeque<Notification>,
    queued_bytes: usize,
    waker: Option<Waker>,
}

/// A change to a session's channels, applied when its transaction commits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ListenAction {
    Listen(String),
    Unlisten(String),
    UnlistenAll,
}

impl NotificationHub {
    fn sessions(&self) -> MutexGuard<'_, HashMap<u32, Listener>> {
        self.sessions.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Has `waker` called whenever notifications arrive for `session`.
    pub fn set_waker(&self, session: u32, waker: Waker) {
        self.sessions().entry(session).or_default().waker = Some(waker);
    }

    /// Applies a committed transaction's LISTEN / UNLISTEN, in order.
    pub fn apply(&self, session: u32, actions: &[ListenAction]) {
        if actions.is_empty() {
            return;
        }
        let mut sessions = self.sessions();
        let listener = sessions.entry(session).or_default();
        for action in actions {
            match action {
                ListenAction::Listen(ch) => {
                    if !listener.channels.contains(ch) {
                        listener.channels.push(ch.clone());
                    }
                }
                ListenAction::Unlisten(ch) => listener.channels.retain(|c| c != ch),
                ListenAction::UnlistenAll => listener.channels.clear(),
            }
        }
    }

    /// The channels `session` listens on (`pg_listening_channels()`).
    pub fn channels(&self, session: u32) -> Vec<String> {
        self.sessions()
            .get(&session)
            .map(|l| l.channels.clone())
            .unwrap_or_default()
    }

    /// Fails with 54000 if delivering `notifications` would overflow a
    /// listener's queue (checked before the sender commits).
    pub fn check_room(&self, notifications: &[Notification]) -> Result<()> {
        if notifications.is_empty() {
            return Ok(());
        }
        let sessions = self.sessions();
        for listener in sessions.values() {
            let incoming: usize = notifications
                .iter()
                .filter(|n| listener.channels.contains(&n.channel))
                .map(Notification::size)
                .sum();
            if listener.queued_bytes + incoming > QUEUE_CAPACITY {
                bail!(
                    SqlState::new(b"54000"),
                    "too many notifications in the NOTIFY queue"
                );
            }
        }
        Ok(())
    }

    /// Delivers a committed transaction's notifications to every session
    /// listening on their channels, and wakes those sessions.
    pub fn publish(&self, notifications: &[Notification]) {
        if notifications.is_empty() {
            return;
        }
        let mut sessions = self.sessions();
        for listener in sessions.values_mut() {
            let mut arrived = false;
            for n in notifications {
                if listener.channels.contains(&n.channel) {
                    listener.queued_bytes += n.size();
                    listener.queue.push_back(n.clone());
                    arrived = true;
                }
            }
            if let (true, Some(waker)) = (arrived, &listener.waker) {
                waker();
            }
        }
    }

    /// Takes the notifications waiting for `session`, oldest first.
    pub fn take(&self, session: u32) -> Vec<Notification> {
        let mut sessions = self.sessions();
        let Some(listener) = sessions.get_mut(&session) else {
            return Vec::new();
        };
        listener.queued_bytes = 0;
        listener.queue.drain(..).collect()
    }

    /// Whether notifications wait for `session`.
    pub fn has_pending(&self, session: u32) -> bool {
        self.sessions()
            .get(&session)
            .is_some_and(|l| !l.queue.is_empty())
    }

    /// The fraction of the fullest queue in use
    /// (`pg_notification_queue_usage()`).
    pub fn usage(&self) -> f64 {
        let fullest = self
            .sessions()
            .values()
            .map(|l| l.queued_bytes)
            .max()
            .unwrap_or(0);
        fullest as f64 / QUEUE_CAPACITY as f64
    }

    /// Forgets a session that ended: its channels and its queue.
    pub fn leave(&self, session: u32) {
        self.sessions().remove(&session);
    }
}

/// What a transaction will do to the hub when it commits.
#[derive(Default, Debug)]
pub struct PendingNotify {
    pub actions: Vec<ListenAction>,
    pub notifications: Vec<Notification>,
    /// (channel, payload) of `notifications`, for folding duplicates.
    seen: HashSet<(String, String)>,
}

/// How much a [`PendingNotify`] held at a savepoint.
#[derive(Clone, Copy, Debug, Default)]
pub struct NotifyMark {
    actions: usize,
    notifications: usize,
}

impl PendingNotify {
    /// Queues a notification unless an equal one is already queued.
    pub fn notify(&mut self, n: Notification) {
        if self.seen.insert((n.channel.clone(), n.payload.clone())) {
            self.notifications.push(n);
        }
    }

    pub fn mark(&self) -> NotifyMark {
        NotifyMark {
            actions: self.actions.len(),
            notifications: self.notifications.len(),
        }
    }

    /// Forgets what was queued after `mark` (ROLLBACK TO SAVEPOINT).
    pub fn rollback_to(&mut self, mark: NotifyMark) {
        self.actions.truncate(mark.actions);
        if self.notifications.len() > mark.notifications {
            self.notifications.truncate(mark.notifications);
            self.seen = self
                .notifications
                .iter()
                .map(|n| (n.channel.clone(), n.payload.clone()))
                .collect();
        }
    }

    /// Empties the pending state, returning it.
    pub fn take(&mut self) -> (Vec<ListenAction>, Vec<Notification>) {
        self.seen.clear();
        (
            std::mem::take(&mut self.actions),
            std::mem::take(&mut self.notifications),
        )
    }
}

/// Checks a channel name and payload as PostgreSQL's `Async_Notify` does.
pub fn check_notification(channel: &str, payload: &str) -> Result<()> {
    if channel.is_empty() {
        bail!(
            SqlState::INVALID_PARAMETER_VALUE,
            "channel name cannot be empty"
        );
    }
    if channel.len() > CHANNEL_LIMIT {
        bail!(SqlState::INVALID_PARAMETER_VALUE, "channel name too long");
    }
    if payload.len() >= PAYLOAD_LIMIT {
        bail!(SqlState::INVALID_PARAMETER_VALUE, "payload string too long");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(channel: &str, payload: &str) -> Notification {
        Notification {
            pid: 7,
            channel: channel.into(),
            payload: payload.into(),
        }
    }

    #[test]
    fn duplicates_fold_and_savepoints_forget() {
        let mut p = PendingNotify::default();
        p.notify(note("a", "1"));
        p.notify(note("a", "1"));
        p.notify(note("b", "1"));
        let mark = p.mark();
        p.notify(note("c", ""));
        p.actions.push(ListenAction::Listen("c".into()));
        p.rollback_to(mark);
        p.notify(note("b", "1"));
        p.notify(note("c", ""));
        let (actions, notes) = p.take();
        assert!(actions.is_empty());
        let got: Vec<_> = notes.iter().map(|n| n.channel.as_str()).collect();
        assert_eq!(got, ["a", "b", "c"]);
    }

    #[test]
    fn only_listeners_of_the_channel_receive() {
        let hub = NotificationHub::default();
        let woken = Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counter = woken.clone();
        hub.set_waker(
            1,
            Arc::new(move || {
                counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }),
        );
        hub.apply(1, &[ListenAction::Listen("a".into())]);
        hub.apply(2, &[ListenAction::Listen("b".into())]);
        hub.publish(&[note("a", "x"), note("c", "y")]);
        assert_eq!(hub.take(1), vec![note("a", "x")]);
        assert!(hub.take(2).is_empty());
        assert_eq!(woken.load(std::sync::atomic::Ordering::Relaxed), 1);
        hub.apply(1, &[ListenAction::UnlistenAll]);
        hub.publish(&[note("a", "x")]);
        assert!(!hub.has_pending(1));
    }

    #[test]
    fn names_and_payloads_are_checked() {
        let e = check_notification("", "").unwrap_err();
        assert_eq!(e.message(), "channel name cannot be empty");
        assert!(check_notification(&"c".repeat(63), &"p".repeat(7999)).is_ok());
        let e = check_notification(&"c".repeat(64), "").unwrap_err();
        assert_eq!(e.message(), "channel name too long");
        let e = check_notification("c", &"p".repeat(8000)).unwrap_err();
        assert_eq!(e.code().as_str(), "22023");
    }
}
