//! Asynchronous notifications on the wire: NotificationResponse messages.
//!
//! A connection's session hears of notifications in two ways. At the end
//! of each round of messages, when no transaction is open, whatever has
//! arrived is sent just before ReadyForQuery, as PostgreSQL does. And while
//! the connection sits idle, waiting for its client, the engine calls the
//! session's *waker* when notifications arrive: the waker puts a
//! [`Inbox::Notifications`] message in the connection thread's inbox (the
//! same queue that brings it the client's frames), and the thread, if the
//! session is idle, sends them as an unsolicited [`Output`] that the
//! reactor writes at once. The waker holds the inbox's sender weakly, so
//! the inbox still closes when the reactor lets go of its side.

use std::sync::{mpsc, Arc, Weak};

use bytes::BytesMut;
use pgwire::messages::response::NotificationResponse;
use pgwire::messages::PgWireBackendMessage;

use crate::connection::Connection;
use crate::response::Output;

/// What the connection's thread receives.
pub(crate) enum Inbox {
    /// Whole frontend messages from the client, and when the thread is to
    /// read the socket itself from now on, the bytes read past them (see
    /// direct.rs).
    Frames(Vec<BytesMut>, Option<BytesMut>),
    /// Notifications arrived for the session.
    Notifications,
}

/// Has the session wake its thread (through `inbox`) when notifications
/// arrive for it.
pub(crate) fn wake_through(connection: &Connection, inbox: Weak<mpsc::Sender<Inbox>>) {
    connection.session.set_notification_waker(Arc::new(move || {
        if let Some(sender) = inbox.upgrade() {
            let _ = sender.send(Inbox::Notifications);
        }
    }));
}

impl Connection {
    /// Appends a NotificationResponse for each notification that arrived,
    /// unless a transaction (or a COPY) is in progress: those wait for its
    /// end, as in PostgreSQL.
    pub(crate) fn send_notifications(&mut self, out: &mut Output) {
        if self.session.transaction_status() != 'I' || self.copy.is_some() {
            return;
        }
        for n in self.session.take_notifications() {
            out.send(PgWireBackendMessage::NotificationResponse(
                NotificationResponse::new(n.pid, n.channel, n.payload),
            ));
        }
    }

    /// The notifications to send while the connection is idle, as an
    /// unsolicited output; `None` if there are none to send now.
    pub(crate) fn idle_notifications(&mut self) -> Option<Output> {
        let mut out = Output {
            unsolicited: true,
            ..Output::default()
        };
        self.send_notifications(&mut out);
        (!out.buf.is_empty()).then_some(out)
    }
}
