//! The start of a connection, on the reactor: SSL and GSSAPI encryption
//! requests are refused (the client may go on in plain text), then the
//! StartupMessage or a CancelRequest arrives.

use std::collections::BTreeMap;

use assay_storage::{err, Error, SqlState};
use bytes::BytesMut;
use pgwire::messages::startup::SecretKey;
use pgwire::messages::{
    DecodeContext, PgWireFrontendMessage, ProtocolVersion, SslNegotiationMetaMessage,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::frame;

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

/// Reads packets until the StartupMessage or a CancelRequest. `buf` keeps
/// whatever the client sent after it.
pub(crate) async fn negotiate<S>(stream: &mut S, buf: &mut BytesMut) -> Result<Startup, Error>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    loop {
        let mut packet = loop {
            if let Some(p) = frame::startup_packet(buf)? {
                break p;
            }
            match stream.read_buf(buf).await {
                Ok(0) | Err(_) => return Ok(Startup::Closed),
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
            SslNegotiationMetaMessage::PostgresSsl(_) | SslNegotiationMetaMessage::PostgresGss(_),
        )) = message
        {
            // Encryption is not offered yet: 'N', and the client goes on.
            if stream.write_all(b"N").await.is_err() {
                return Ok(Startup::Closed);
            }
            continue;
        }
        ctx.awaiting_frontend_ssl = false;
        match PgWireFrontendMessage::decode(&mut packet, &ctx) {
            Ok(Some(PgWireFrontendMessage::CancelRequest(c))) => {
                let secret = match c.secret_key {
                    SecretKey::I32(k) => k.to_be_bytes().to_vec(),
                    SecretKey::Bytes(b) => b.to_vec(),
                };
                return Ok(Startup::Cancel { pid: c.pid, secret });
            }
            Ok(Some(PgWireFrontendMessage::Startup(startup))) => {
                return Ok(Startup::Session {
                    parameters: startup.parameters,
                    minor,
                })
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
