//! Authentication, on the reactor, between the StartupMessage and the
//! session: who the client says it is, and proof of it.
//!
//! The cluster's roles (see `assay_sql::catalog` roles) decide:
//!
//! * an unknown role is refused (FATAL 28000 `role "x" does not exist`);
//! * a role with a stored password proves it with the exchange its secret
//!   allows: SCRAM-SHA-256 (SASL, RFC 5802/7677: AuthenticationSASL, then
//!   SASLContinue with the salt and iterations, then SASLFinal with the
//!   server's signature) for a SCRAM secret, md5 (AuthenticationMD5Password
//!   with a 4-byte salt) for an md5 one — only SCRAM under
//!   [`AuthPolicy::Scram`];
//! * a role without a password is trusted on a loopback connection and
//!   refused from elsewhere;
//! * [`AuthPolicy::Trust`] trusts every role, as pg_hba's `trust`.
//!
//! A failed proof, an expired `VALID UNTIL` or a missing password is FATAL
//! 28P01 `password authentication failed for user "x"`; a NOLOGIN role is
//! FATAL 28000 `role "x" is not permitted to log in`.

use std::str::FromStr;

use assay_sql::catalog::password::{self, Secret};
use assay_sql::catalog::{Role, RoleSet};
use assay_storage::{err, Error, SqlState};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use bytes::{Buf, Bytes, BytesMut};
use pgwire::messages::startup::Authentication;
use pgwire::messages::PgWireBackendMessage;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::frame;
use crate::response::Output;
use crate::tls::Stream;

const SCRAM: &str = "SCRAM-SHA-256";

/// Who must prove their identity with a password.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AuthPolicy {
    /// Roles with a password authenticate with it (SCRAM-SHA-256, or md5
    /// when that is how it is stored); roles without one are trusted on
    /// loopback connections only.
    #[default]
    Password,
    /// As `Password`, but only SCRAM-SHA-256: md5-stored passwords fail.
    Scram,
    /// No passwords are asked for (pg_hba's `trust`).
    Trust,
}

impl FromStr for AuthPolicy {
    type Err = String;

    fn from_str(s: &str) -> Result<AuthPolicy, String> {
        match s {
            "password" => Ok(AuthPolicy::Password),
            "scram" | "scram-sha-256" => Ok(AuthPolicy::Scram),
            "trust" => Ok(AuthPolicy::Trust),
            _ => Err(format!(
                "invalid authentication policy \"{s}\" (trust, password or scram)"
            )),
        }
    }
}

fn failed(user: &str) -> Error {
    err!(
        SqlState::new(b"28P01"),
        "password authentication failed for user \"{user}\""
    )
}

fn protocol(message: impl Into<String>) -> Error {
    Error::new(SqlState::PROTOCOL_VIOLATION, message.into())
}

/// Authenticates `user`: `Ok(Some(role))` when the client may go on,
/// `Ok(None)` when it went away mid-exchange (as psql does to ask for a
/// password), `Err` for the FATAL error to send.
pub(crate) async fn authenticate(
    stream: &mut Box<dyn Stream>,
    buf: &mut BytesMut,
    roles: &RoleSet,
    user: &str,
    policy: AuthPolicy,
    loopback: bool,
) -> Result<Option<Role>, Error> {
    let Some(role) = roles.by_name(user) else {
        return Err(err!(
            SqlState::new(b"28000"),
            "role \"{user}\" does not exist"
        ));
    };
    let mut exchange = Exchange { stream, buf };
    let proved = match (policy, role.password.as_deref()) {
        (AuthPolicy::Trust, _) => true,
        (_, None) if loopback => true,
        (_, None) => return Err(failed(user)),
        (_, Some(stored)) => {
            let proved = match password::parse_secret(stored) {
                Some(Secret::Scram(secret)) => exchange.scram(&secret).await?,
                Some(Secret::Md5(hex)) if policy != AuthPolicy::Scram => exchange.md5(&hex).await?,
                _ => exchange.refuse().await?,
            };
            let Some(ok) = proved else {
                return Ok(None);
            };
            if !ok || expired(role) {
                return Err(failed(user));
            }
            true
        }
    };
    debug_assert!(proved);
    if !role.login {
        return Err(err!(
            SqlState::new(b"28000"),
            "role \"{user}\" is not permitted to log in"
        ));
    }
    Ok(Some(role.clone()))
}

/// Whether the role's `VALID UNTIL` has passed.
fn expired(role: &Role) -> bool {
    let Some(until) = role.valid_until else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_micros() as i64)
        .unwrap_or(0);
    // PostgreSQL's epoch is 2000-01-01, 946684800 s after Unix's.
    until < now - 946_684_800_000_000
}

/// The messages of one authentication exchange.
struct Exchange<'a> {
    stream: &'a mut Box<dyn Stream>,
    buf: &'a mut BytesMut,
}

impl Exchange<'_> {
    async fn send(&mut self, auth: Authentication) -> Result<bool, Error> {
        let mut out = Output::default();
        out.send(PgWireBackendMessage::Authentication(auth));
        let sent = self.stream.write_all(&out.buf).await.is_ok();
        Ok(sent && self.stream.flush().await.is_ok())
    }

    /// The client's next message, which must be a password message (`p`);
    /// `None` when the client went away.
    async fn receive(&mut self, what: &str) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(mut message) = frame::next_message(self.buf)? {
                let kind = message[0];
                if kind != b'p' {
                    return Err(protocol(format!(
                        "expected {what} response, got message type {kind}"
                    )));
                }
                message.advance(5);
                return Ok(Some(message.freeze()));
            }
            match self.stream.read_buf(self.buf).await {
                Ok(0) | Err(_) => return Ok(None),
                Ok(_) => {}
            }
        }
    }

    /// A stored password no exchange can check: ask for one (so the
    /// client's answer looks like any failure), then fail.
    async fn refuse(&mut self) -> Result<Option<bool>, Error> {
        Ok(self.md5_challenge().await?.map(|_| false))
    }

    async fn md5(&mut self, stored_hex: &str) -> Result<Option<bool>, Error> {
        let Some((salt, body)) = self.md5_challenge().await? else {
            return Ok(None);
        };
        let response = cstring(&body).ok_or_else(|| protocol("invalid password packet size"))?;
        Ok(Some(password::verify_md5_response(
            stored_hex, &salt, response,
        )))
    }

    /// Asks for an md5-hashed password with a fresh salt; the salt and the
    /// client's answer, or `None` if the client went away.
    async fn md5_challenge(&mut self) -> Result<Option<([u8; 4], bytes::Bytes)>, Error> {
        let mut salt = [0u8; 4];
        password::random_bytes(&mut salt);
        if !self
            .send(Authentication::MD5Password(salt.to_vec()))
            .await?
        {
            return Ok(None);
        }
        Ok(self.receive("password").await?.map(|body| (salt, body)))
    }

    async fn scram(&mut self, secret: &password::ScramSecret) -> Result<Option<bool>, Error> {
        if !self
            .send(Authentication::SASL(vec![SCRAM.to_string()]))
            .await?
        {
            return Ok(None);
        }
        let Some(body) = self.receive("SASL").await? else {
            return Ok(None);
        };
        let (mechanism, first) = sasl_initial(&body)?;
        if mechanism != SCRAM {
            return Err(protocol(
                "client selected an invalid SASL authentication mechanism",
            ));
        }
        let first = ClientFirst::parse(first)?;
        let mut random = [0u8; 18];
        password::random_bytes(&mut random);
        let nonce = format!("{}{}", first.nonce, BASE64.encode(random));
        let server_first = format!(
            "r={nonce},s={},i={}",
            secret.salt_base64(),
            secret.iterations
        );
        let continued = Authentication::SASLContinue(Bytes::from(server_first.clone()));
        if !self.send(continued).await? {
            return Ok(None);
        }
        let Some(body) = self.receive("SASL").await? else {
            return Ok(None);
        };
        let last = std::str::from_utf8(&body).map_err(|_| malformed("not UTF-8"))?;
        let (without_proof, proof) = last
            .rsplit_once(",p=")
            .ok_or_else(|| malformed("the proof is missing"))?;
        let mut attrs = without_proof.split(',');
        let binding = attrs
            .next()
            .and_then(|a| a.strip_prefix("c="))
            .ok_or_else(|| malformed("the channel binding is missing"))?;
        if BASE64.decode(binding).ok().as_deref() != Some(first.gs2_header.as_bytes()) {
            return Err(malformed("unexpected channel-binding data"));
        }
        if attrs.next().and_then(|a| a.strip_prefix("r=")) != Some(nonce.as_str()) {
            return Err(malformed("the nonce does not match"));
        }
        let proof = BASE64
            .decode(proof)
            .map_err(|_| malformed("the proof is not base64"))?;
        let auth_message = format!("{},{server_first},{without_proof}", first.bare);
        let Some(signature) = password::verify_scram_proof(secret, auth_message.as_bytes(), &proof)
        else {
            return Ok(Some(false));
        };
        let last = format!("v={}", BASE64.encode(signature));
        if !self
            .send(Authentication::SASLFinal(Bytes::from(last)))
            .await?
        {
            return Ok(None);
        }
        Ok(Some(true))
    }
}

fn malformed(detail: &str) -> Error {
    protocol("malformed SCRAM message").with_detail(detail.to_string())
}

/// A NUL-terminated string at the start of `body`.
fn cstring(body: &[u8]) -> Option<&str> {
    let end = body.iter().position(|&b| b == 0)?;
    std::str::from_utf8(&body[..end]).ok()
}

/// SASLInitialResponse: mechanism (C string), then length-prefixed data.
fn sasl_initial(body: &[u8]) -> Result<(&str, &str), Error> {
    let bad = || protocol("invalid SASL initial response");
    let mechanism = cstring(body).ok_or_else(bad)?;
    let rest = &body[mechanism.len() + 1..];
    let len: [u8; 4] = rest
        .get(..4)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(bad)?;
    let len = i32::from_be_bytes(len);
    let data = usize::try_from(len)
        .ok()
        .and_then(|n| rest.get(4..4 + n))
        .ok_or_else(bad)?;
    let data = std::str::from_utf8(data).map_err(|_| malformed("not UTF-8"))?;
    Ok((mechanism, data))
}

/// The client-first-message: `gs2-header client-first-message-bare`.
struct ClientFirst<'a> {
    /// `n,,` or `y,,` (with an authzid, if any): echoed back in `c=`.
    gs2_header: &'a str,
    /// `n=user,r=nonce[,…]`, part of the signed message.
    bare: &'a str,
    nonce: &'a str,
}

impl<'a> ClientFirst<'a> {
    fn parse(message: &'a str) -> Result<ClientFirst<'a>, Error> {
        match message.as_bytes().first() {
            Some(b'n') | Some(b'y') => {}
            Some(b'p') => {
                return Err(malformed(
                    "the client selected SCRAM-SHA-256 but asked for channel binding",
                ))
            }
            _ => return Err(malformed("unexpected channel-binding flag")),
        }
        let Some(second_comma) = message.match_indices(',').nth(1).map(|(i, _)| i) else {
            return Err(malformed("the GS2 header is incomplete"));
        };
        let (gs2_header, bare) = message.split_at(second_comma + 1);
        let mut attrs = bare.split(',');
        if !attrs.next().is_some_and(|a| a.starts_with("n=")) {
            return Err(malformed("the user name is missing"));
        }
        let nonce = attrs
            .next()
            .and_then(|a| a.strip_prefix("r="))
            .filter(|n| !n.is_empty() && n.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b','))
            .ok_or_else(|| malformed("the nonce is missing or invalid"))?;
        Ok(ClientFirst {
            gs2_header,
            bare,
            nonce,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_first_message() {
        let first = ClientFirst::parse("n,,n=,r=rOprNGfwEbeRWgbNEkqO").unwrap();
        assert_eq!(first.gs2_header, "n,,");
        assert_eq!(first.bare, "n=,r=rOprNGfwEbeRWgbNEkqO");
        assert_eq!(first.nonce, "rOprNGfwEbeRWgbNEkqO");
        assert!(ClientFirst::parse("y,,n=u,r=abc").is_ok());
        assert!(ClientFirst::parse("p=tls-server-end-point,,n=,r=abc").is_err());
        assert!(ClientFirst::parse("n,,n=,r=").is_err());
        assert!(ClientFirst::parse("n,,x=,r=a").is_err());
        assert!(ClientFirst::parse("n").is_err());
    }

    #[test]
    fn sasl_initial_response() {
        let mut body = b"SCRAM-SHA-256\0".to_vec();
        body.extend_from_slice(&5i32.to_be_bytes());
        body.extend_from_slice(b"n,,ab");
        assert_eq!(sasl_initial(&body).unwrap(), ("SCRAM-SHA-256", "n,,ab"));
        body.truncate(body.len() - 1);
        assert!(sasl_initial(&body).is_err());
        assert!(sasl_initial(b"SCRAM").is_err());
        assert!(sasl_initial(b"SCRAM\0\xff\xff\xff\xff").is_err());
    }

    #[test]
    fn policies() {
        assert_eq!("trust".parse(), Ok(AuthPolicy::Trust));
        assert_eq!("scram-sha-256".parse(), Ok(AuthPolicy::Scram));
        assert!("md4".parse::<AuthPolicy>().is_err());
    }
}
