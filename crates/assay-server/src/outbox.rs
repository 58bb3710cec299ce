//! The channel from a connection's thread to its reactor task: outputs
//! for the reactor to write, and a count of those not yet written, so the
//! thread writes to the socket itself (`direct.rs`) only when nothing it
//! handed over earlier is still on its way ([`Outbox::drained`]).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
