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

use assay_sql::session::SslInfo;
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

/// What `pg_stat_ssl` shows of an established TLS session: the protocol
/// and cipher under the names PostgreSQL's OpenSSL build reports
/// (`TLSv1.3`, `TLS_AES_256_GCM_SHA384`, `ECDHE-RSA-AES256-GCM-SHA384`),
/// and the cipher's key size.
pub(crate) fn session_info(conn: &rustls::ServerConnection) -> Option<SslInfo> {
    let version = match conn.protocol_version()? {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".to_string(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".to_string(),
        other => format!("{other:?}"),
    };
    let iana = conn.negotiated_cipher_suite()?.suite();
    let iana = iana
        .as_str()
        .map_or_else(|| format!("{iana:?}"), str::to_string);
    let bits = if iana.contains("AES_128") { 128 } else { 256 };
    Some(SslInfo {
        version,
        cipher: openssl_name(&iana),
        bits,
    })
}

/// OpenSSL's name of a cipher suite rustls names as IANA does.
fn openssl_name(iana: &str) -> String {
    if let Some(rest) = iana.strip_prefix("TLS13_") {
        return format!("TLS_{rest}");
    }
    let Some(rest) = iana.strip_prefix("TLS_") else {
        return iana.to_string();
    };
    let Some((kx, cipher)) = rest.split_once("_WITH_") else {
        return iana.to_string();
    };
    let cipher = match cipher {
        "AES_256_GCM_SHA384" => "AES256-GCM-SHA384",
        "AES_128_GCM_SHA256" => "AES128-GCM-SHA256",
        "CHACHA20_POLY1305_SHA256" => "CHACHA20-POLY1305",
        other => other,
    };
    format!("{}-{cipher}", kx.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::openssl_name;

    #[test]
    fn cipher_names_as_openssl_gives_them() {
        assert_eq!(
            openssl_name("TLS13_AES_256_GCM_SHA384"),
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(
            openssl_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            "ECDHE-RSA-AES128-GCM-SHA256"
        );
        assert_eq!(
            openssl_name("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            "ECDHE-ECDSA-CHACHA20-POLY1305"
        );
    }
}
