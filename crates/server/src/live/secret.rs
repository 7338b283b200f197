//! Random ids and bearer tokens, and the hashes tokens are stored under.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// `bytes` random bytes from the operating system, base64url.
///
/// # Errors
/// When the operating system has no randomness to give (never on a working machine).
pub fn random_token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A new random id with a prefix, e.g. `t_3JpX…` (96 random bits).
pub fn random_id(prefix: &str) -> Result<String, getrandom::Error> {
    Ok(format!("{prefix}_{}", random_token(12)?))
}

/// SHA-256 of a token, hex: sessions are stored by hash so a copy of the database cannot be
/// replayed as logins.
pub fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
