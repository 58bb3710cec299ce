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

use assay_sql::session::ClientInfo;
use assay_storage::{err, Error, SqlState};
use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::auth::{authenticate, AuthPolicy};
use crate::cancel::{secret_key, CancelKeys};
use crate::connection::{Connection, Login};
use crate::databases::Databases;
use crate::direct::{DirectSocket, Next, Ownership, PEER_CHECK};
use crate::frame;
use crate::limits::{Limits, Slot};
use crate::notify::{wake_through, Inbox};
use crate::outbox::{outbox, Outbox};
use crate::response::Output;
use crate::startup::{negotiate, Negotiated, Startup};
use crate::tls::{self, Stream, TlsFiles};

/// Where the server keeps its databases, where it listens, and how it
/// admits clients. [`Config::new`] gives PostgreSQL's defaults for the
/// rest: password authentication (trust for passwordless roles on
/// loopback), no TLS, 100 connections.
#[derive(Clone, Debug)]
pub struct Config {
    /// Each database is the file `<data_dir>/<name>.assay`.
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub auth: AuthPolicy,
    /// The certificate and key that let clients ask for TLS.
    pub tls: Option<TlsFiles>,
    /// Refuse connections that are not encrypted (pg_hba `hostssl` only).
    pub tls_required: bool,
    /// `max_connections`: more concurrent clients get FATAL 53300.
    pub max_connections: usize,
}

impl Config {
    pub fn new(data_dir: PathBuf, listen: SocketAddr) -> Config {
        Config {
            data_dir,
            listen,
            auth: AuthPolicy::default(),
            tls: None,
            tls_required: false,
            max_connections: 100,
        }
    }
}

/// A server bound to its address, not yet accepting.
pub struct Server {
    listener: TcpListener,
    databases: Arc<Databases>,
    next_pid: AtomicI32,
    cancels: Arc<CancelKeys>,
    admission: Arc<Admission>,
}

/// What every connection's admission reads: TLS, policy, limits.
struct Admission {
    tls: Option<TlsAcceptor>,
    tls_required: bool,
    auth: AuthPolicy,
    limits: Arc<Limits>,
}

/// Binds to `config.listen` and serves until `shutdown` completes.
pub async fn serve(config: Config, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    Server::bind(config).await?.run(shutdown).await
}

impl Server {
    /// Opens the data directory (creating it and its `postgres` database
    /// if needed) and binds the listening socket.
    pub async fn bind(config: Config) -> io::Result<Server> {
        if config.tls_required && config.tls.is_none() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "requiring TLS needs a certificate and key",
            ));
        }
        let tls = config.tls.as_ref().map(tls::acceptor).transpose()?;
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
            admission: Arc::new(Admission {
                tls,
                tls_required: config.tls_required,
                auth: config.auth,
                limits: Limits::new(config.max_connections),
            }),
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
                    Ok((stream, peer)) => {
                        let _ = stream.set_nodelay(true);
                        let pid = self.next_pid.fetch_add(1, Ordering::Relaxed);
                        let direct = DirectSocket::duplicate(&stream);
                        connections.spawn(connection(
                            Box::new(stream),
                            direct,
                            peer,
                            self.admission.clone(),
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

#[allow(clippy::too_many_arguments)]
async fn connection(
    stream: Box<dyn Stream>,
    direct: Option<DirectSocket>,
    peer: SocketAddr,
    admission: Arc<Admission>,
    databases: Arc<Databases>,
    pid: i32,
    cancels: Arc<CancelKeys>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut buf = BytesMut::with_capacity(8192);
    let Negotiated {
        mut stream,
        encrypted,
        ssl,
        outcome,
    } = tokio::select! {
        s = negotiate(stream, admission.tls.as_ref(), &mut buf) => s,
        _ = stopped.changed() => return,
    };
    let (parameters, minor) = match outcome {
        Ok(Startup::Session { parameters, minor }) => (parameters, minor),
        Ok(Startup::Cancel { pid, secret }) => {
            cancels.cancel(pid, &secret);
            return;
        }
        Ok(Startup::Closed) => return,
        Err(e) => {
            fatal(&mut stream, &e).await;
            return;
        }
    };
    let admitted = tokio::select! {
        a = admit(&mut stream, &mut buf, peer, encrypted, &admission, &databases, &parameters) => a,
        _ = stopped.changed() => return,
    };
    let (mut login, _slot) = match admitted {
        Ok(Some(admitted)) => admitted,
        Ok(None) => return,
        Err(e) => {
            fatal(&mut stream, &e).await;
            return;
        }
    };
    login.client = ClientInfo {
        addr: Some(peer.ip()),
        port: Some(i32::from(peer.port())),
        ssl,
    };
    // pg_terminate_backend from another session.
    let terminated = login.terminate.clone();
    let (to_worker, inbox) = mpsc::channel::<Inbox>();
    // The session's notification waker holds this weakly (see notify.rs).
    let to_worker = Arc::new(to_worker);
    let wake = Arc::downgrade(&to_worker);
    // Bounded: a COPY TO streaming faster than the client reads waits.
    let (outbox, mut from_worker) = outbox(4);
    // A TLS stream is read and written by the reactor only.
    let direct = if encrypted { None } else { direct };
    // The reactor's look at the socket while the thread owns it.
    let watch = direct.as_ref().and_then(DirectSocket::try_clone);
    let direct = direct.filter(|_| watch.is_some());
    let ownership = Ownership::new();
    let spawned = std::thread::Builder::new()
        .name(format!("assay-conn-{pid}"))
        .spawn({
            let cancels = cancels.clone();
            let ownership = ownership.clone();
            move || {
                let channels = WorkerChannels {
                    inbox,
                    wake,
                    outbox,
                    direct,
                    ownership,
                };
                worker(databases, parameters, minor, login, pid, cancels, channels)
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
    // so a client that goes away stops its statement. On a plain TCP socket
    // the thread reads and writes the socket itself after a batch, until it
    // hands it back (`worker_reads`; see direct.rs).
    let mut worker_reads = false;
    let mut terminate = false;
    let mut stop = false;
    'connection: loop {
        let out = tokio::select! {
            out = from_worker.recv() => match out {
                Some(out) => out,
                None => break,
            },
            read = stream.read_buf(&mut buf), if !worker_reads => match read {
                Ok(0) | Err(_) => {
                    cancels.client_gone(pid);
                    break 'connection;
                }
                Ok(_) => continue,
            },
            _ = terminated.notified(), if !terminate => {
                if worker_reads {
                    terminate = true;
                    ownership.reclaim();
                    continue;
                }
                fatal(&mut stream, &administrator_command()).await;
                break 'connection;
            }
            _ = stopped.changed(), if worker_reads && !stop => {
                stop = true;
                ownership.reclaim();
                continue;
            }
            _ = tokio::time::sleep(PEER_CHECK), if worker_reads => {
                if watch.as_ref().is_some_and(DirectSocket::peer_closed) {
                    cancels.client_gone(pid);
                }
                continue;
            }
        };
        // A TLS stream buffers: flush every answer.
        let written = stream.write_all(&out.buf).await.is_ok() && stream.flush().await.is_ok();
        from_worker.written();
        if !written || out.close {
            break;
        }
        match out.hand_back {
            Some(unread) => {
                // The reactor reads again (`worker_reads` is set anew when
                // the next frames go to the thread).
                ownership.returned();
                buf.unsplit(unread);
            }
            None if worker_reads || out.more || out.unsolicited => continue,
            None => {}
        }
        if terminate || stop || *stopped.borrow() {
            fatal(&mut stream, &administrator_command()).await;
            break 'connection;
        }
        // Idle in a transaction block: the client has until then.
        let idle_deadline = out
            .idle_timeout
            .map(|limit| tokio::time::Instant::now() + limit);
        let frames = loop {
            match frame::messages(&mut buf) {
                Ok(frames) if !frames.is_empty() => break frames,
                Ok(_) => {}
                Err(e) => {
                    let mut out = Output::default();
                    out.fatal(&e);
                    let _ = stream.write_all(&out.buf).await;
                    let _ = stream.flush().await;
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
                        let written = stream.write_all(&out.buf).await.is_ok();
                        from_worker.written();
                        if !written || out.close {
                            break 'connection;
                        }
                    }
                    None => break 'connection,
                },
                _ = stopped.changed() => {
                    fatal(&mut stream, &administrator_command()).await;
                    break 'connection;
                }
                _ = terminated.notified() => {
                    fatal(&mut stream, &administrator_command()).await;
                    break 'connection;
                }
                _ = idle_expiry(idle_deadline) => {
                    // Ending the connection ends the session, which rolls
                    // its transaction back.
                    let mut out = Output::default();
                    out.fatal(&Error::new(
                        SqlState::new(b"25P03"),
                        "terminating connection due to idle-in-transaction timeout",
                    ));
                    let _ = stream.write_all(&out.buf).await;
                    let _ = stream.flush().await;
                    break 'connection;
                }
            }
        };
        // The thread takes the socket, with the bytes read past the frames.
        let rest = watch.is_some().then(|| std::mem::take(&mut buf));
        worker_reads = rest.is_some();
        if to_worker.send(Inbox::Frames(frames, rest)).is_err() {
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

/// Completes at `deadline`; never without one.
async fn idle_expiry(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

/// How the connection's thread talks to its reactor task.
struct WorkerChannels {
    inbox: mpsc::Receiver<Inbox>,
    /// The inbox's sender, for the notification waker.
    wake: std::sync::Weak<mpsc::Sender<Inbox>>,
    outbox: Outbox,
    /// The plain TCP socket, for reading and writing without hand-offs.
    direct: Option<DirectSocket>,
    ownership: Arc<Ownership>,
}

/// The connection's thread: owns the session, answers message batches,
/// and sends notifications that arrive while it is idle.
fn worker(
    databases: Arc<Databases>,
    parameters: BTreeMap<String, String>,
    minor: u16,
    login: Login,
    pid: i32,
    cancels: Arc<CancelKeys>,
    channels: WorkerChannels,
) {
    let WorkerChannels {
        inbox,
        wake,
        outbox,
        mut direct,
        ownership,
    } = channels;
    let mut out = Output::default();
    let key = (pid, secret_key(pid));
    let connection = Connection::start(databases, &parameters, minor, &login, key, &mut out);
    if outbox.blocking_send(out).is_err() {
        return;
    }
    let Some(mut connection) = connection else {
        return;
    };
    let _registration = cancels.register(pid, key.1, connection.session.interrupt_handle());
    connection.outbox = Some(outbox.clone());
    wake_through(&connection, wake);
    // The bytes read past the last whole message while the thread reads
    // the socket itself (see direct.rs); `None` while the reactor does.
    let mut own: Option<BytesMut> = None;
    let mut idle_timeout = None;
    loop {
        let frames = match (own.as_mut(), direct.as_mut()) {
            (Some(unread), Some(socket)) => match socket.next_frames(unread, &ownership) {
                Next::Frames(frames) => frames,
                Next::HandBack => {
                    let out = Output {
                        hand_back: own.take(),
                        idle_timeout,
                        ..Output::default()
                    };
                    if outbox.send_answer(out).is_err() {
                        break;
                    }
                    continue;
                }
                Next::Closed => {
                    // Nobody reads: nothing to write (the session ends).
                    break;
                }
                Next::Fatal(e) => {
                    let mut out = Output::default();
                    out.fatal(&e);
                    let _ = outbox.send_answer(out);
                    break;
                }
            },
            _ => match inbox.recv() {
                Ok(Inbox::Frames(frames, rest)) => {
                    own = rest;
                    frames
                }
                Ok(Inbox::Notifications) => {
                    if let Some(out) = connection.idle_notifications() {
                        if outbox.blocking_send(out).is_err() {
                            break;
                        }
                    }
                    continue;
                }
                Err(_) => break,
            },
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
        let mut out = std::mem::take(&mut connection.out);
        // Room for a typical answer, so filling it rarely reallocates.
        connection.out.buf.reserve(ANSWER_CAPACITY);
        let close = out.close;
        idle_timeout = out.idle_timeout;
        if let Some(socket) = direct.as_mut().filter(|_| !close && outbox.drained()) {
            if own.is_some() {
                // The thread owns the socket: the answer goes out whole.
                if socket.write_all(&out.buf).is_err() {
                    break;
                }
                continue;
            }
            // The client has its answer before the reactor hears of it;
            // the reactor writes whatever the socket did not take.
            socket.write_some(&mut out);
        }
        if outbox.send_answer(out).is_err() || close {
            break;
        }
    }
}

/// FATAL 57P01: the server shuts down, or `pg_terminate_backend`.
fn administrator_command() -> Error {
    Error::new(
        SqlState::new(b"57P01"),
        "terminating connection due to administrator command",
    )
}

/// Bytes reserved for each batch's answer.
const ANSWER_CAPACITY: usize = 512;

async fn fatal(stream: &mut Box<dyn Stream>, e: &Error) {
    let mut out = Output::default();
    out.fatal(e);
    let _ = stream.write_all(&out.buf).await;
    let _ = stream.flush().await;
}

/// Admits a client that sent its StartupMessage: encryption as required,
/// a free connection slot, authentication, the role's connection limit.
/// `Ok(None)`: the client went away.
async fn admit(
    stream: &mut Box<dyn Stream>,
    buf: &mut BytesMut,
    peer: SocketAddr,
    encrypted: bool,
    admission: &Admission,
    databases: &Arc<Databases>,
    parameters: &BTreeMap<String, String>,
) -> Result<Option<(Login, Slot)>, Error> {
    let user = parameters.get("user").cloned().unwrap_or_default();
    let database = parameters
        .get("database")
        .filter(|d| !d.is_empty())
        .unwrap_or(&user)
        .clone();
    if admission.tls_required && !encrypted {
        return Err(err!(
            SqlState::new(b"28000"),
            "no pg_hba.conf entry for host \"{}\", user \"{user}\", database \"{database}\", no encryption",
            peer.ip()
        ));
    }
    let mut slot = admission.limits.connect()?;
    let mut login = Login {
        superuser: true,
        tls_enabled: admission.tls.is_some(),
        max_connections: admission.limits.max(),
        client: ClientInfo::default(),
        terminate: Arc::new(Notify::new()),
    };
    if user.is_empty() {
        // The session's start reports the missing user name.
        return Ok(Some((login, slot)));
    }
    let roles = {
        let databases = databases.clone();
        tokio::task::spawn_blocking(move || databases.roles())
            .await
            .map_err(|e| Error::new(SqlState::INTERNAL_ERROR, e.to_string()))??
    };
    let loopback = peer.ip().is_loopback();
    let Some(role) = authenticate(stream, buf, &roles, &user, admission.auth, loopback).await?
    else {
        return Ok(None);
    };
    slot.login(&role.name, role.connection_limit, role.superuser)?;
    login.superuser = role.superuser;
    Ok(Some((login, slot)))
}
