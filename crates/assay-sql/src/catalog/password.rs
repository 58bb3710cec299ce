//! Role passwords as PostgreSQL stores and checks them.
//!
//! A password is never stored as given. By default it becomes a SCRAM-
//! SHA-256 secret (RFC 5802/7677), written as PostgreSQL writes it:
//! `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64
//! parts), from which a server can check a client's proof without knowing
//! the password. With `password_encryption = md5` it becomes `md5` followed
//! by the hex MD5 of password and user name. A password given already in
//! one of these forms is stored as it is (dumps restore roles that way).
//!
//! The server side of both exchanges (SCRAM's proof and signature, md5's
//! salted double hash) is here too, so that the wire server and the
//! catalog agree on the formats.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use md5::{Digest as _, Md5};
use sha2::Sha256;

/// PostgreSQL 15's iteration count for new SCRAM secrets.
pub const SCRAM_ITERATIONS: u32 = 4096;
/// Length of a new secret's salt, as PostgreSQL makes them.
const SALT_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// How a stored password is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Secret {
    /// `md5` + hex(md5(password || user)); the hex part is kept.
    Md5(String),
    Scram(ScramSecret),
}

/// The parts of a SCRAM-SHA-256 secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScramSecret {
    pub iterations: u32,
    pub salt: Vec<u8>,
    pub stored_key: [u8; KEY_LEN],
    pub server_key: [u8; KEY_LEN],
}

impl ScramSecret {
    /// The secret's text, as `pg_authid.rolpassword` shows it.
    pub fn encode(&self) -> String {
        format!(
            "SCRAM-SHA-256${}:{}${}:{}",
            self.iterations,
            BASE64.encode(&self.salt),
            BASE64.encode(self.stored_key),
            BASE64.encode(self.server_key)
        )
    }

    /// The salt as the server-first-message sends it.
    pub fn salt_base64(&self) -> String {
        BASE64.encode(&self.salt)
    }
}

/// Reads a stored password; `None` if it is neither form (a plain text
/// password, which PostgreSQL no longer stores).
pub fn parse_secret(stored: &str) -> Option<Secret> {
    if is_md5(stored) {
        return Some(Secret::Md5(stored[3..].to_string()));
    }
    parse_scram(stored).map(Secret::Scram)
}

fn is_md5(s: &str) -> bool {
    s.len() == 35
        && s.starts_with("md5")
        && s[3..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn parse_scram(s: &str) -> Option<ScramSecret> {
    let rest = s.strip_prefix("SCRAM-SHA-256$")?;
    let (params, keys) = rest.split_once('$')?;
    let (iterations, salt) = params.split_once(':')?;
    let (stored, server) = keys.split_once(':')?;
    let iterations: u32 = iterations.parse().ok().filter(|&i| i > 0)?;
    let salt = BASE64.decode(salt).ok()?;
    let stored_key = BASE64.decode(stored).ok()?.try_into().ok()?;
    let server_key = BASE64.decode(server).ok()?.try_into().ok()?;
    Some(ScramSecret {
        iterations,
        salt,
        stored_key,
        server_key,
    })
}

/// Whether a password given to CREATE/ALTER ROLE is already stored form.
pub fn is_encrypted(password: &str) -> bool {
    parse_secret(password).is_some()
}

/// `md5` + hex(md5(password || user)), PostgreSQL's md5 form.
pub fn md5_secret(password: &str, user: &str) -> String {
    let mut h = Md5::new();
    h.update(password.as_bytes());
    h.update(user.as_bytes());
    format!("md5{}", hex(&h.finalize()))
}

/// A new SCRAM-SHA-256 secret with a random salt.
pub fn scram_secret(password: &str) -> String {
    let mut salt = [0u8; SALT_LEN];
    random_bytes(&mut salt);
    scram_secret_with(password, &salt, SCRAM_ITERATIONS).encode()
}

/// The SCRAM secret of a password for a given salt and iteration count.
pub fn scram_secret_with(password: &str, salt: &[u8], iterations: u32) -> ScramSecret {
    let salted = salted_password(password.as_bytes(), salt, iterations);
    let client_key = hmac(&salted, b"Client Key");
    ScramSecret {
        iterations,
        salt: salt.to_vec(),
        stored_key: sha256(&client_key),
        server_key: hmac(&salted, b"Server Key"),
    }
}

/// RFC 5802's Hi(): PBKDF2 with HMAC-SHA-256, one block.
fn salted_password(password: &[u8], salt: &[u8], iterations: u32) -> [u8; KEY_LEN] {
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac(password, &first);
    let mut out = u;
    for _ in 1..iterations {
        u = hmac(password, &u);
        for (o, b) in out.iter_mut().zip(u) {
            *o ^= b;
        }
    }
    out
}

/// HMAC-SHA-256.
pub fn hmac(key: &[u8], data: &[u8]) -> [u8; KEY_LEN] {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
        <Hmac<Sha256> as Mac>::new_from_slice(&[]).expect("an empty HMAC key is valid")
    });
    mac.update(data);
    mac.finalize().into_bytes().into()
}

pub fn sha256(data: &[u8]) -> [u8; KEY_LEN] {
    let mut h = Sha256::new();
    sha2::Digest::update(&mut h, data);
    sha2::Digest::finalize(h).into()
}

/// Checks a SCRAM client proof against the secret: the proof XOR the
/// client signature must hash to the stored key. Returns the server
/// signature the client expects in the final message.
pub fn verify_scram_proof(
    secret: &ScramSecret,
    auth_message: &[u8],
    proof: &[u8],
) -> Option<[u8; KEY_LEN]> {
    if proof.len() != KEY_LEN {
        return None;
    }
    let signature = hmac(&secret.stored_key, auth_message);
    let mut client_key = [0u8; KEY_LEN];
    for (i, k) in client_key.iter_mut().enumerate() {
        *k = proof[i] ^ signature[i];
    }
    let matches = constant_time_eq(&sha256(&client_key), &secret.stored_key);
    matches.then(|| hmac(&secret.server_key, auth_message))
}

/// Checks an md5 PasswordMessage (`md5` + hex(md5(hex_secret || salt)))
/// against the stored md5 secret's hex part.
pub fn verify_md5_response(stored_hex: &str, salt: &[u8; 4], response: &str) -> bool {
    let mut h = Md5::new();
    h.update(stored_hex.as_bytes());
    h.update(salt);
    let expected = format!("md5{}", hex(&h.finalize()));
    constant_time_eq(expected.as_bytes(), response.as_bytes())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Fills `buf` from the system's random source (salts and nonces).
pub fn random_bytes(buf: &mut [u8]) {
    #[cfg(not(target_arch = "wasm32"))]
    if getrandom::fill(buf).is_ok() {
        return;
    }
    // No system source: hashes seeded per process and call. Salts need
    // to be unique rather than secret.
    use std::hash::BuildHasher;
    for (i, chunk) in buf.chunks_mut(8).enumerate() {
        let n = std::hash::RandomState::new().hash_one(i);
        chunk.copy_from_slice(&n.to_le_bytes()[..chunk.len()]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_postgres() {
        // SELECT 'md5' || md5('pwm1') in PostgreSQL.
        assert_eq!(
            md5_secret("pw", "m1"),
            "md57d0803bc1d6d6f94fc3260af3bf55457"
        );
        assert!(is_encrypted("md57d0803bc1d6d6f94fc3260af3bf55457"));
        assert!(!is_encrypted("md5aaaa"));
        assert!(!is_encrypted("MD57D0803BC1D6D6F94FC3260AF3BF55457"));
    }

    #[test]
    fn scram_secret_matches_postgres() {
        // CREATE ROLE … PASSWORD 'secret' in PostgreSQL 15, then the salt
        // of its rolpassword given to this function.
        let stored = "SCRAM-SHA-256$4096:ZRUh/Ok2iBbgwJ0kVrFfOQ==$\
            QEg29dvuk+wFuyxNbbzJ+KrRkUjBkbpmgpnT2qKIrG4=:\
            UqnN3RSRRLy2gy+XzjQB1FkImYqlEYhJ2Mnc1qOAEHU=";
        let Some(Secret::Scram(parsed)) = parse_secret(stored) else {
            panic!("not a SCRAM secret");
        };
        let made = scram_secret_with("secret", &parsed.salt, parsed.iterations);
        assert_eq!(made.encode(), stored);
    }

    #[test]
    fn scram_round_trip_and_bad_secrets() {
        let text = scram_secret("pw");
        let Some(Secret::Scram(s)) = parse_secret(&text) else {
            panic!("not a SCRAM secret: {text}");
        };
        assert_eq!(s.salt.len(), 16);
        assert_eq!(s.iterations, 4096);
        // A client proof computed from the password verifies.
        let salted = salted_password(b"pw", &s.salt, s.iterations);
        let client_key = hmac(&salted, b"Client Key");
        let auth = b"n=,r=abc,r=abcdef,s=xx,i=4096,c=biws,r=abcdef";
        let signature = hmac(&sha256(&client_key), auth);
        let proof: Vec<u8> = client_key
            .iter()
            .zip(signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server = verify_scram_proof(&s, auth, &proof).expect("proof verifies");
        assert_eq!(server, hmac(&hmac(&salted, b"Server Key"), auth));
        let mut wrong = proof.clone();
        wrong[0] ^= 1;
        assert!(verify_scram_proof(&s, auth, &wrong).is_none());
        for bad in [
            "SCRAM-SHA-256$4096:c2FsdA==$YWJj:ZGVm",
            "SCRAM-SHA-256$x:c2FsdA==$YWJj:ZGVm",
            "SCRAM-SHA-256$4096",
            "plain",
        ] {
            assert!(parse_secret(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn md5_challenge_response() {
        let stored = md5_secret("pw", "m1");
        let salt = [1, 2, 3, 4];
        let mut h = Md5::new();
        h.update(&stored.as_bytes()[3..]);
        h.update(salt);
        let response = format!("md5{}", hex(&h.finalize()));
        assert!(verify_md5_response(&stored[3..], &salt, &response));
        assert!(!verify_md5_response(&stored[3..], &[0; 4], &response));
    }
}
