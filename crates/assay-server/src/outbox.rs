//! How a connection's thread gets its answers to the client.
//!
//! The reactor task owns the socket: it reads the client's messages and
//! writes whatever the thread sends it through a channel ([`Outbox`]).
//! Each answer handed over that way costs a thread hand-off before the
//! client sees it, on the path of every query. So when the connection is a
//! plain TCP socket, the thread also holds a duplicate of it
//! ([`DirectSocket`]) and writes an answer itself — as far as the socket
//! takes it without waiting — before handing the (usually empty) rest to
//! the reactor, which then only writes what is left and goes back to
//! reading. Bytes stay in order because the thread writes directly only
//! when the reactor has written everything handed to it before
//! ([`Outbox::unwritten`] counts what is still on its way), and the
//! reactor writes nothing of its own meanwhile but a FATAL error, after
//! which the connection ends. TLS connections always go through the
//! reactor (the TLS stream's state lives there).

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Buf;
use tokio::sync::mpsc;

use crate::response::Output;

/// The thread's side of the channel to the reactor.
#[derive(Clone)]
pub(crate) struct Outbox {
    sender: mpsc::Sender<Output>,
    /// Outputs sent and not yet written by the reactor.
    unwritten: Arc<AtomicUsize>,
}

/// The reactor's side: receives outputs and reports them written.
pub(crate) struct OutboxReceiver {
    receiver: mpsc::Receiver<Output>,
    unwritten: Arc<AtomicUsize>,
}

/// A channel of `capacity` outputs from the thread to the reactor.
pub(crate) fn outbox(capacity: usize) -> (Outbox, OutboxReceiver) {
    let (sender, receiver) = mpsc::channel(capacity);
    let unwritten = Arc::new(AtomicUsize::new(0));
    (
        Outbox {
            sender,
            unwritten: unwritten.clone(),
        },
        OutboxReceiver {
            receiver,
            unwritten,
        },
    )
}

impl Outbox {
    /// Hands `out` to the reactor, waiting while the channel is full.
    pub fn blocking_send(&self, out: Output) -> Result<(), ()> {
        self.unwritten.fetch_add(1, Ordering::AcqRel);
        self.sender.blocking_send(out).map_err(|_| ())
    }

    /// Hands an answer to the reactor: at once while the channel has room
    /// (the usual case: the reactor waits for each answer), else waiting.
    pub fn send_answer(&self, out: Output) -> Result<(), ()> {
        self.unwritten.fetch_add(1, Ordering::AcqRel);
        match self.sender.try_send(out) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(out)) => {
                self.sender.blocking_send(out).map_err(|_| ())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => Err(()),
        }
    }

    /// Whether everything handed to the reactor has been written.
    pub fn drained(&self) -> bool {
        self.unwritten.load(Ordering::Acquire) == 0
    }
}

impl OutboxReceiver {
    pub async fn recv(&mut self) -> Option<Output> {
        self.receiver.recv().await
    }

    /// Called once an output from [`OutboxReceiver::recv`] is written.
    pub fn written(&self) {
        self.unwritten.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A duplicate of the connection's plain TCP socket, for the thread's own
/// writes. The socket is non-blocking (the reactor's): a write that would
/// wait is left to the reactor.
pub(crate) struct DirectSocket(std::net::TcpStream);

impl DirectSocket {
    /// Duplicates `stream`'s descriptor (`None` where that is not possible).
    pub fn duplicate(stream: &tokio::net::TcpStream) -> Option<DirectSocket> {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            let fd = stream.as_fd().try_clone_to_owned().ok()?;
            Some(DirectSocket(std::net::TcpStream::from(fd)))
        }
        #[cfg(not(unix))]
        {
            let _ = stream;
            None
        }
    }

    /// Writes as much of `out`'s bytes as the socket takes without waiting
    /// and removes them from `out`. An error is left for the reactor to
    /// meet on its own write.
    pub fn write_some(&mut self, out: &mut Output) {
        while !out.buf.is_empty() {
            match self.0.write(&out.buf) {
                Ok(0) => return,
                Ok(n) => out.buf.advance(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }
}
