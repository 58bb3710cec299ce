//! TLS: the server's certificate and key (PEM files) made into a rustls
//! acceptor, which [`startup`](crate::startup) uses when a client's
//! SSLRequest asks for encryption.
//!
//! rustls runs with its `ring` provider and its safe defaults (TLS 1.2 and
//! 1.3); no client certificates are asked for. Channel binding
//! (`SCRAM-SHA-256-PLUS`) is not offered, so clients authenticate with
//! plain SCRAM-SHA-256 over the encrypted connection.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_rustls::TlsAcceptor;

/// Where the server's certificate chain and private key are.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    /// PEM certificate chain, the server's certificate first.
    pub cert: PathBuf,
    /// PEM private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// A connection's byte stream: the socket, or TLS over it.
pub(crate) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// Reads the files and builds the acceptor; errors name the file.
pub(crate) fn acceptor(files: &TlsFiles) -> io::Result<TlsAcceptor> {
    let certs = read_certs(&files.cert)?;
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| bad_file(&files.key, "private key", e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(io::Error::other)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "could not load server certificate \"{}\" and key \"{}\": {e}",
                    files.cert.display(),
                    files.key.display()
                ),
            )
        })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

fn read_certs(path: &Path) -> io::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| bad_file(path, "certificate", e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad_file(path, "certificate", e))?;
    if certs.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("no certificate in \"{}\"", path.display()),
        ));
    }
    Ok(certs)
}

fn bad_file(path: &Path, what: &str, e: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("could not read {what} file \"{}\": {e}", path.display()),
    )
}
