//! Agent passwords: argon2id hashes in PHC format.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};

/// A valid hash of a random password, verified against for unknown agent names so a login
/// takes the same time whether the name exists or not.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0xD0f5I0uU5b0pZ+7cYrWcYxgWJSh3Jm2Uo3gYDbJ5k";

/// Hashes a password (argon2id, default parameters).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches `hash`; a malformed hash never matches. One check with
/// memory of its own: the server's logins use [`verify_password_in`] on kept memory.
pub fn verify_password(password: &str, hash: &str) -> bool {
    verify_password_in(password, hash, &mut Vec::new())
}

/// Most memory a stored hash may ask a check for, in 1 KiB blocks (64 MiB): the hashes are
/// Baton's own (19 MiB), so a larger one is a corrupt row, refused rather than allocated.
const MAX_BLOCKS: usize = 64 * 1024;

/// [`verify_password`] in `memory`, which is kept and reused from one check to the next: a
/// thread that checks passwords all day holds one hash's memory, never more.
pub fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(version) => version.unwrap_or_default(),
        Err(_) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let blocks = params.block_count();
    if blocks > MAX_BLOCKS {
        return false;
    }
    memory.resize(blocks, Block::default());
    let mut out = vec![0u8; expected.len()];
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut out,
        &mut memory[..],
    );
    // Every byte compared, whatever differs first: the time says nothing about the hash.
    hashed.is_ok()
        && out
            .iter()
            .zip(expected.as_bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_fail() {
        let hash = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("anything", "not a hash"));
        // The same answers with memory kept between checks.
        let mut memory = Vec::new();
        assert!(verify_password_in("correct horse", &hash, &mut memory));
        assert!(!verify_password_in("wrong", &hash, &mut memory));
        assert!(!verify_password_in("anything", "not a hash", &mut memory));
        assert!(!verify_password_in(
            "correct horse",
            DUMMY_HASH,
            &mut memory
        ));
        assert_eq!(memory.len(), 19_456, "one hash's memory, reused");
        assert!(
            PasswordHash::new(DUMMY_HASH).is_ok(),
            "the dummy hash parses, so its check costs a real verify"
        );
    }
}
