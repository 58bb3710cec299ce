//! The connection's thread on its own socket, without the reactor.
//!
//! The reactor task reads the client's messages and writes the answers the
//! connection's thread hands it (`outbox.rs`). Each query then costs two
//! thread hand-offs (reactor to thread, thread to reactor), each a wake-up
//! on the path of the query, and on a busy two-core machine a context
//! switch: a transaction holding the write lock holds it that much longer.
//! So on a plain TCP socket the thread holds a duplicate of the socket
//! ([`DirectSocket`]) and, once the reactor has handed it a batch of
//! messages, *owns* the socket, as a PostgreSQL backend owns its own:
//!
//! - it writes each answer itself, and
//! - reads the client's next messages itself ([`DirectSocket::next_frames`]),
//!   waiting for them up to [`OWN_READ_WINDOW`];
//! - when none come in that time (the client is idle), or the reactor asks
//!   for the socket back ([`Ownership::reclaim`]: a termination, a server
//!   shutdown), it hands the socket back with the bytes it read past the
//!   last whole message, and the reactor reads again: idle timeouts,
//!   notifications while idle and termination stay the reactor's.
//!
//! While the thread owns the socket the reactor does not read it; it looks
//! every [`PEER_CHECK`] whether the client closed its side
//! ([`DirectSocket::peer_closed`]), so a statement whose client went away
//! still stops. Bytes stay in order: the thread writes directly only when
//! the reactor has written everything handed to it before
//! ([`Outbox::drained`](crate::outbox::Outbox::drained)). TLS connections
//! always go through the reactor (the TLS stream's state lives there).

use std::io::{ErrorKind, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use assay_storage::Error;
use bytes::{Buf, BytesMut};

use crate::frame;
use crate::response::Output;

/// How long the thread waits for its client's next message before handing
/// the socket back to the reactor.
pub(crate) const OWN_READ_WINDOW: Duration = Duration::from_millis(5);
/// How often the reactor looks whether a client closed its side while the
/// thread owns the socket.
pub(crate) const PEER_CHECK: Duration = Duration::from_millis(100);

/// Which side reads the socket; shared by the reactor and the thread.
#[derive(Default)]
pub(crate) struct Ownership {
    /// Set by the reactor: hand the socket back at the next chance.
    reclaim: AtomicBool,
}

impl Ownership {
    pub fn new() -> Arc<Ownership> {
        Arc::new(Ownership::default())
    }

    /// Asks the thread to hand the socket back.
    pub fn reclaim(&self) {
        self.reclaim.store(true, Ordering::Release);
    }

    /// The socket is back with the reactor.
    pub fn returned(&self) {
        self.reclaim.store(false, Ordering::Release);
    }

    fn reclaimed(&self) -> bool {
        self.reclaim.load(Ordering::Acquire)
    }
}

/// What the thread's own read found.
pub(crate) enum Next {
    Frames(Vec<BytesMut>),
    /// No whole message in time, or the reactor asked: hand back.
    HandBack,
    /// The client closed the connection (or it failed).
    Closed,
    /// The bytes are not a valid message stream.
    Fatal(Error),
}

/// A duplicate of the connection's plain TCP socket. It shares the
/// reactor's non-blocking mode: waits go through `poll`.
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

    pub fn try_clone(&self) -> Option<DirectSocket> {
        self.0.try_clone().ok().map(DirectSocket)
    }

    /// Waits up to `wait` for `events` on the socket; true when they (or
    /// an error or hang-up) came.
    #[cfg(unix)]
    fn wait_for(&self, events: libc::c_short, wait: Option<Duration>) -> bool {
        use std::os::fd::AsRawFd;
        let mut fd = libc::pollfd {
            fd: self.0.as_raw_fd(),
            events,
            revents: 0,
        };
        let ms = wait.map_or(-1, |w| w.as_millis().clamp(1, i32::MAX as u128) as i32);
        // SAFETY: one valid pollfd, for the length given.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        n > 0
    }

    #[cfg(not(unix))]
    fn wait_for(&self, _: i16, wait: Option<Duration>) -> bool {
        std::thread::sleep(wait.unwrap_or(Duration::from_millis(1)));
        true
    }

    /// Writes as much of `out`'s bytes as the socket takes without waiting
    /// and removes them from `out`. An error is left for the reactor to
    /// meet on its own write.
    pub fn write_some(&mut self, out: &mut Output) {
        while !out.buf.is_empty() {
            match self.0.write(&out.buf) {
                Ok(0) => return,
                Ok(n) => out.buf.advance(n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    /// Writes all of `bytes`, waiting for room as needed.
    pub fn write_all(&mut self, mut bytes: &[u8]) -> std::io::Result<()> {
        while !bytes.is_empty() {
            match self.0.write(bytes) {
                Ok(0) => return Err(ErrorKind::WriteZero.into()),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    self.wait_for(libc_events::OUT, None);
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The next whole messages, read into `unread` (which keeps the bytes
    /// of a message not yet whole), waiting up to [`OWN_READ_WINDOW`].
    pub fn next_frames(&mut self, unread: &mut BytesMut, ownership: &Ownership) -> Next {
        let deadline = Instant::now() + OWN_READ_WINDOW;
        let mut chunk = [0u8; 8192];
        loop {
            match frame::messages(unread) {
                Ok(frames) if !frames.is_empty() => return Next::Frames(frames),
                Ok(_) => {}
                Err(e) => return Next::Fatal(e),
            }
            match self.0.read(&mut chunk) {
                Ok(0) => return Next::Closed,
                Ok(n) => {
                    unread.extend_from_slice(&chunk[..n]);
                    continue;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(_) => return Next::Closed,
            }
            let now = Instant::now();
            if ownership.reclaimed() || now >= deadline {
                return Next::HandBack;
            }
            self.wait_for(libc_events::IN, Some(deadline - now));
        }
    }

    /// Whether the client has closed its side (with nothing left unread).
    pub fn peer_closed(&self) -> bool {
        let mut byte = [0u8; 1];
        match self.0.peek(&mut byte) {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted),
        }
    }
}

/// `poll` event bits.
#[cfg(unix)]
mod libc_events {
    pub const IN: libc::c_short = libc::POLLIN;
    pub const OUT: libc::c_short = libc::POLLOUT;
}

#[cfg(not(unix))]
mod libc_events {
    pub const IN: i16 = 1;
    pub const OUT: i16 = 4;
}
