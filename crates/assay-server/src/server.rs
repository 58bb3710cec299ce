//! Accepting connections, and the reactor side of each one: the socket
//! reads and writes, and a hand-off of whole messages to the connection's
//! thread, which answers each batch with the bytes to write back.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{mpsc, Arc};

use assay_storage::{Error, SqlState};
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc as async_mpsc, watch};
use tokio::task::JoinSet;

use crate::cancel::{secret_key, CancelKeys};
use crate::connection::Connection;
use crate::databases::Databases;
use crate::frame;
use crate::notify::{wake_through, Inbox};
use crate::response::Output;
use crate::startup::{negotiate, Startup};

/// Where the server keeps its databases and where it listens.
#[derive(Clone, Debug)]
pub struct Config {
    /// Each database is the file `<data_dir>/<name>.assay`.
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
}

/// A server bound to its address, not yet accepting.
pub struct Server {
    listener: TcpListener,
    databases: Arc<Databases>,
    next_pid: AtomicI32,
    cancels: Arc<CancelKeys>,
}

/// Binds to `config.listen` and serves until `shutdown` completes.
pub async fn serve(config: Config, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    Server::bind(config).await?.run(shutdown).await
}

impl Server {
    /// Opens the data directory (creating it and its `postgres` database
    /// if needed) and binds the listening socket.
    pub async fn bind(config: Config) -> io::Result<Server> {
        let dir = config.data_dir.clone();
        let databases = tokio::task::spawn_blocking(move || Databases::open(&dir))
            .await
            .map_err(io::Error::other)?
            .map_err(|e| io::Error::other(e.to_string()))?;
        let listener = TcpListener::bind(config.listen).await?;
        Ok(Server {
            listener,
            databases: Arc::new(databases),
            next_pid: AtomicI32::new(1),
            cancels: Arc::new(CancelKeys::default()),
        })
    }

    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until `shutdown` completes; then stops
    /// accepting, ends idle connections with FATAL 57P01, lets busy ones
    /// finish their statement, and returns once all are gone.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> io::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let mut connections = JoinSet::new();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = &mut shutdown => break,
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        let _ = stream.set_nodelay(true);
                        let pid = self.next_pid.fetch_add(1, Ordering::Relaxed);
                        connections.spawn(connection(
                            stream,
                            self.databases.clone(),
                            pid,
                            self.cancels.clone(),
                            stopped.clone(),
                        ));
                    }
                    // Out of file descriptors and the like: wait, go on.
                    Err(_) => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        drop(self.listener);
        let _ = stop.send(true);
        while connections.join_next().await.is_some() {}
        // Every session is gone (open transactions rolled back): copy the
        // logs home so the files stand alone.
        let databases = self.databases.clone();
        let _ = tokio::task::spawn_blocking(move || databases.checkpoint_all()).await;
        Ok(())
    }
}

async fn connection(
    mut stream: TcpStream,
    databases: Arc<Databases>,
    pid: i32,
    cancels: Arc<CancelKeys>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut buf = BytesMut::with_capacity(8192);
    let startup = tokio::select! {
        s = negotiate(&mut stream, &mut buf) => s,
        _ = stopped.changed() => return,
    };
    let (parameters, minor) = match startup {
        Ok(Startup::Session { parameters, minor }) => (parameters, minor),
        Ok(Startup::Cancel { pid, secret }) => {
            cancels.cancel(pid, &secret);
            return;
        }
        Ok(Startup::Closed) => return,
        Err(e) => {
            let mut out = Output::default();
            out.fatal(&e);
            let _ = stream.write_all(&out.buf).await;
            return;
        }
    };
    let (to_worker, inbox) = mpsc::channel::<Inbox>();
    // The session's notification waker holds this weakly (see notify.rs).
    let to_worker = Arc::new(to_worker);
    let wake = Arc::downgrade(&to_worker);
    // Bounded: a COPY TO streaming faster than the client reads waits.
    let (outbox, mut from_worker) = async_mpsc::channel::<Output>(4);
    let spawned = std::thread::Builder::new()
        .name(format!("assay-conn-{pid}"))
        .spawn({
            let cancels = cancels.clone();
            move || {
                let channels = WorkerChannels {
                    inbox,
                    wake,
                    outbox,
                };
                worker(databases, parameters, minor, pid, cancels, channels)
            }
        });
    if spawned.is_err() {
        let mut out = Output::default();
        out.fatal(&Error::new(
            SqlState::new(b"53000"),
            "could not start a thread for the connection",
        ));
        let _ = stream.write_all(&out.buf).await;
        return;
    }
    // Lock step: the thread answers every batch of messages (and the
    // startup) with one Output. While it works, the socket is still read,
    // so a client that goes away stops its statement.
    'connection: loop {
        let out = tokio::select! {
            out = from_worker.recv() => match out {
                Some(out) => out,
                None => break,
            },
            read = stream.read_buf(&mut buf) => match read {
                Ok(0) | Err(_) => {
                    cancels.client_gone(pid);
                    break 'connection;
                }
                Ok(_) => continue,
            },
        };
        if stream.write_all(&out.buf).await.is_err() || out.close {
            break;
        }
        if out.more || out.unsolicited {
            continue;
        }
        let frames = loop {
            match frame::messages(&mut buf) {
                Ok(frames) if !frames.is_empty() => break frames,
                Ok(_) => {}
                Err(e) => {
                    let mut out = Output::default();
                    out.fatal(&e);
                    let _ = stream.write_all(&out.buf).await;
                    break 'connection;
                }
            }
            tokio::select! {
                read = stream.read_buf(&mut buf) => match read {
                    Ok(0) | Err(_) => break 'connection,
                    Ok(_) => {}
                },
                // Notifications while idle.
                out = from_worker.recv() => match out {
                    Some(out) => {
                        if stream.write_all(&out.buf).await.is_err() || out.close {
                            break 'connection;
                        }
                    }
                    None => break 'connection,
                },
                _ = stopped.changed() => {
                    let mut out = Output::default();
                    out.fatal(&Error::new(
                        SqlState::new(b"57P01"),
                        "terminating connection due to administrator command",
                    ));
                    let _ = stream.write_all(&out.buf).await;
                    break 'connection;
                }
            }
        };
        if to_worker.send(Inbox::Frames(frames)).is_err() {
            break;
        }
    }
    let _ = stream.shutdown().await;
    // The thread ends when its inbox closes, dropping the session (an open
    // transaction rolls back); the connection is over only then, so a
    // shutdown that waits for connections finds every session gone.
    drop(to_worker);
    while from_worker.recv().await.is_some() {}
}

/// How the connection's thread talks to its reactor task.
struct WorkerChannels {
    inbox: mpsc::Receiver<Inbox>,
    /// The inbox's sender, for the notification waker.
    wake: std::sync::Weak<mpsc::Sender<Inbox>>,
    outbox: async_mpsc::Sender<Output>,
}

/// The connection's thread: owns the session, answers message batches,
/// and sends notifications that arrive while it is idle.
fn worker(
    databases: Arc<Databases>,
    parameters: BTreeMap<String, String>,
    minor: u16,
    pid: i32,
    cancels: Arc<CancelKeys>,
    channels: WorkerChannels,
) {
    let WorkerChannels {
        inbox,
        wake,
        outbox,
    } = channels;
    let mut out = Output::default();
    let key = (pid, secret_key(pid));
    let connection = Connection::start(databases, &parameters, minor, key, &mut out);
    if outbox.blocking_send(out).is_err() {
        return;
    }
    let Some(mut connection) = connection else {
        return;
    };
    let _registration = cancels.register(pid, key.1, connection.session.interrupt_handle());
    connection.outbox = Some(outbox.clone());
    wake_through(&connection, wake);
    while let Ok(message) = inbox.recv() {
        let frames = match message {
            Inbox::Frames(frames) => frames,
            Inbox::Notifications => {
                if let Some(out) = connection.idle_notifications() {
                    if outbox.blocking_send(out).is_err() {
                        break;
                    }
                }
                continue;
            }
        };
        for frame in frames {
            let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                connection.handle(frame);
            }));
            if handled.is_err() {
                connection.out.fatal(&Error::new(
                    SqlState::INTERNAL_ERROR,
                    "internal error: the connection's thread panicked",
                ));
            }
            if connection.out.close {
                break;
            }
        }
        let out = std::mem::take(&mut connection.out);
        let close = out.close;
        if outbox.blocking_send(out).is_err() || close {
            break;
        }
    }
}
