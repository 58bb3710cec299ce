//! The start of a connection, on the reactor: an SSLRequest is answered
//! `S` and the connection goes on in TLS when the server has a certificate
//! (`N` otherwise, and the client may go on in plain text); GSSAPI
//! encryption is refused; then the StartupMessage or a CancelRequest
//! arrives.

use std::collections::BTreeMap;

use assay_storage::{err, Error, SqlState};
use bytes::BytesMut;
use pgwire::messages::startup::SecretKey;
use pgwire::messages::{
    DecodeContext, PgWireFrontendMessage, ProtocolVersion, SslNegotiationMetaMessage,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;

use crate::frame;
use crate::tls::Stream;

/// How a connection's startup ended.
pub(crate) enum Startup {
    /// A session is wanted, with these parameters (`user`, `database`, …).
    /// `minor` is the protocol's minor version the client asked for.
    Session {
        parameters: BTreeMap<String, String>,
        minor: u16,
    },
    /// A CancelRequest for the session with this process id and key.
    Cancel { pid: i32, secret: Vec<u8> },
    /// The client went away.
    Closed,
}

/// The connection after its startup: its stream (TLS once negotiated),
/// whether it is encrypted, and how the startup ended.
pub(crate) struct Negotiated {
    pub stream: Box<dyn Stream>,
    pub encrypted: bool,
    /// The TLS session's parameters, once encrypted.
    pub ssl: Option<assay_sql::session::SslInfo>,
    pub outcome: Result<Startup, Error>,
}

/// Reads packets until the StartupMessage or a CancelRequest, upgrading to
/// TLS when asked and `tls` is given. `buf` keeps whatever the client sent
/// after the StartupMessage.
pub(crate) async fn negotiate(
    mut stream: Box<dyn Stream>,
    tls: Option<&TlsAcceptor>,
    buf: &mut BytesMut,
) -> Negotiated {
    let mut encrypted = false;
    let mut ssl = None;
    loop {
        let step = next_packet(&mut stream, buf, !encrypted && tls.is_some()).await;
        let outcome = match step {
            Ok(Packet::Upgrade) => {
                let Some(acceptor) = tls else {
                    continue;
                };
                // Bytes after the SSLRequest would have been sent in plain
                // text by a client that should be waiting for our answer.
                if !buf.is_empty() {
                    Err(err!(
                        SqlState::PROTOCOL_VIOLATION,
                        "received unencrypted data after SSL request"
                    ))
                } else {
                    match acceptor.accept(stream).await {
                        Ok(tls_stream) => {
                            ssl = crate::tls::session_info(tls_stream.get_ref().1);
                            stream = Box::new(tls_stream);
                            encrypted = true;
                            continue;
                        }
                        Err(_) => {
                            return Negotiated {
                                stream: Box::new(tokio::io::empty()),
                                encrypted,
                                ssl,
                                outcome: Ok(Startup::Closed),
                            }
                        }
                    }
                }
            }
            Ok(Packet::Done(startup)) => Ok(startup),
            Err(e) => Err(e),
        };
        return Negotiated {
            stream,
            encrypted,
            ssl,
            outcome,
        };
    }
}

/// What one startup packet led to.
enum Packet {
    /// The client asked for TLS and was told `S`.
    Upgrade,
    Done(Startup),
}

/// Reads one startup packet and answers encryption requests: `S` to an
/// SSLRequest when `offer_tls`, else `N`.
async fn next_packet(
    stream: &mut Box<dyn Stream>,
    buf: &mut BytesMut,
    offer_tls: bool,
) -> Result<Packet, Error> {
    loop {
        let mut packet = loop {
            if let Some(p) = frame::startup_packet(buf)? {
                break p;
            }
            match stream.read_buf(buf).await {
                Ok(0) | Err(_) => return Ok(Packet::Done(Startup::Closed)),
                Ok(_) => {}
            }
        };
        let major = u16::from_be_bytes([packet[4], packet[5]]);
        let minor = u16::from_be_bytes([packet[6], packet[7]]);
        let mut ctx = DecodeContext::new(ProtocolVersion::PROTOCOL3_0);
        ctx.awaiting_frontend_ssl = true;
        ctx.awaiting_frontend_startup = true;
        let message = PgWireFrontendMessage::decode(&mut packet.clone(), &ctx).map_err(invalid)?;
        if let Some(PgWireFrontendMessage::SslNegotiation(
            request @ (SslNegotiationMetaMessage::PostgresSsl(_)
            | SslNegotiationMetaMessage::PostgresGss(_)),
        )) = message
        {
            let ssl = matches!(request, SslNegotiationMetaMessage::PostgresSsl(_));
            let answer: &[u8] = if ssl && offer_tls { b"S" } else { b"N" };
            if stream.write_all(answer).await.is_err() || stream.flush().await.is_err() {
                return Ok(Packet::Done(Startup::Closed));
            }
            if ssl && offer_tls {
                return Ok(Packet::Upgrade);
            }
            // Refused: the client goes on in plain text (or gives up).
            continue;
        }
        ctx.awaiting_frontend_ssl = false;
        match PgWireFrontendMessage::decode(&mut packet, &ctx) {
            Ok(Some(PgWireFrontendMessage::CancelRequest(c))) => {
                let secret = match c.secret_key {
                    SecretKey::I32(k) => k.to_be_bytes().to_vec(),
                    SecretKey::Bytes(b) => b.to_vec(),
                };
                return Ok(Packet::Done(Startup::Cancel { pid: c.pid, secret }));
            }
            Ok(Some(PgWireFrontendMessage::Startup(startup))) => {
                return Ok(Packet::Done(Startup::Session {
                    parameters: startup.parameters,
                    minor,
                }))
            }
            _ if major != 3 => {
                return Err(err!(
                    SqlState::FEATURE_NOT_SUPPORTED,
                    "unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0"
                ))
            }
            Ok(_) => return Err(invalid("unexpected startup packet")),
            Err(e) => return Err(invalid(e)),
        }
    }
}

fn invalid(e: impl std::fmt::Display) -> Error {
    err!(
        SqlState::PROTOCOL_VIOLATION,
        "invalid startup packet layout: {e}"
    )
}
