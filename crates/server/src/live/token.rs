//! Signed visitor profiles: HS256 JWTs from the site's backend.
//!
//! A site that wants its visitor attributes trusted (a VIP tier, a customer id) signs them
//! with a secret shared with Baton: `{"aud": "<site id>", "exp": <unix seconds>, ...claims}`,
//! HS256. [`verify`] accepts a token only when the header says HS256, the signature matches
//! (compared in constant time), `aud` is the site id, `exp` is in the future, `nbf` and
//! `iat` (when given) are not, and the token lives no longer than the server allows — each
//! time with [`LEEWAY_SECS`] for clocks that differ. Everything else — a forged, expired,
//! not yet valid, too long-lived, wrong-audience or malformed token — is refused with a
//! reason for the log, and the profile is then shown to agents as unverified.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;

/// Longest token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// How far the site's clock and this server's may differ, seconds.
pub const LEEWAY_SECS: u64 = 60;

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TokenError {
    /// Not three base64url parts of JSON, or too long.
    #[error("malformed token")]
    Malformed,
    /// `alg` is not HS256 (`none` and asymmetric algorithms are refused).
    #[error("unsupported algorithm")]
    Algorithm,
    /// The signature does not match.
    #[error("bad signature")]
    Signature,
    /// `exp` is missing or past.
    #[error("expired or without exp")]
    Expired,
    /// `aud` is missing or another site's.
    #[error("wrong audience")]
    Audience,
    /// `nbf` or `iat` is in the future.
    #[error("not valid yet")]
    NotYet,
    /// `exp` is further from `iat` (or, without `iat`, from now) than the server allows.
    #[error("lives longer than allowed")]
    Lifetime,
}

/// Verifies `token` for site `audience` at `now_secs`, allowing tokens that live at most
/// `max_lifetime_secs`, and returns its claims other than the registered ones (`aud`, `exp`,
/// `iat`, `nbf`, `iss`, `sub`, `jti` stay out of the profile).
pub fn verify(
    token: &str,
    secret: &[u8],
    audience: &str,
    now_secs: u64,
    max_lifetime_secs: u64,
) -> Result<BTreeMap<String, Value>, TokenError> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    let header: Value = decode_json(header)?;
    if header.get("alg").and_then(Value::as_str) != Some("HS256") {
        return Err(TokenError::Algorithm);
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| TokenError::Malformed)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| TokenError::Signature)?;
    mac.update(
        token
            .get(..token.len() - signature_len(token))
            .unwrap_or("")
            .as_bytes(),
    );
    mac.verify_slice(&signature)
        .map_err(|_| TokenError::Signature)?;
    let claims: Value = decode_json(payload)?;
    let Value::Object(claims) = claims else {
        return Err(TokenError::Malformed);
    };
    let Some(exp) = claims
        .get("exp")
        .and_then(Value::as_u64)
        .filter(|exp| exp.saturating_add(LEEWAY_SECS) > now_secs)
    else {
        return Err(TokenError::Expired);
    };
    let time = |name: &str| match claims.get(name) {
        None => Ok(None),
        Some(value) => value.as_u64().map(Some).ok_or(TokenError::Malformed),
    };
    let (nbf, iat) = (time("nbf")?, time("iat")?);
    let soon = now_secs.saturating_add(LEEWAY_SECS);
    if nbf.is_some_and(|t| t > soon) || iat.is_some_and(|t| t > soon) {
        return Err(TokenError::NotYet);
    }
    if exp.saturating_sub(iat.unwrap_or(now_secs)) > max_lifetime_secs.saturating_add(LEEWAY_SECS) {
        return Err(TokenError::Lifetime);
    }
    let audience_ok = match claims.get("aud") {
        Some(Value::String(aud)) => aud == audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(audience)),
        _ => false,
    };
    if !audience_ok {
        return Err(TokenError::Audience);
    }
    Ok(claims
        .into_iter()
        .filter(|(k, _)| {
            !matches!(
                k.as_str(),
                "aud" | "exp" | "iat" | "nbf" | "iss" | "sub" | "jti"
            )
        })
        .collect())
}

/// Length of `.signature` at the end of the token, so the signed part is what precedes it.
fn signature_len(token: &str) -> usize {
    token
        .rfind('.')
        .map_or(token.len(), |dot| token.len() - dot)
}

fn decode_json(part: &str) -> Result<Value, TokenError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)
}

/// Signs claims as an HS256 JWT: what a site's backend does. Used by tests and the demo.
pub fn sign(claims: &Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let signature = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        Err(_) => String::new(),
    };
    format!("{signing_input}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SECRET: &[u8] = b"site-secret";
    const DAY: u64 = 24 * 3600;
    const NOW: u64 = 1_800_000_000;

    fn token(claims: Value) -> String {
        sign(&claims, SECRET)
    }

    #[test]
    fn accepts_a_valid_token_and_keeps_only_profile_claims() {
        let t = token(json!({"aud": "demo-shop", "exp": NOW + 60, "tier": "vip", "name": "Ana"}));
        let claims = verify(&t, SECRET, "demo-shop", NOW, DAY).unwrap();
        assert_eq!(claims.get("tier"), Some(&json!("vip")));
        assert!(!claims.contains_key("exp") && !claims.contains_key("aud"));
    }

    #[test]
    fn refuses_forged_expired_wrong_audience_and_malformed_tokens() {
        let good = json!({"aud": "demo-shop", "exp": NOW + 60, "tier": "vip"});
        let forged = sign(&good, b"another-secret");
        assert_eq!(
            verify(&forged, SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Signature)
        );
        let expired =
            token(json!({"aud": "demo-shop", "exp": NOW - LEEWAY_SECS - 1, "tier": "vip"}));
        assert_eq!(
            verify(&expired, SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Expired)
        );
        let no_exp = token(json!({"aud": "demo-shop", "tier": "vip"}));
        assert_eq!(
            verify(&no_exp, SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Expired)
        );
        let other_site = token(json!({"aud": "other", "exp": NOW + 60}));
        assert_eq!(
            verify(&other_site, SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Audience)
        );
        for bad in ["", "a.b", "a.b.c.d", "!!.??.**", &"x".repeat(10_000)] {
            assert_eq!(
                verify(bad, SECRET, "demo-shop", NOW, DAY),
                Err(TokenError::Malformed),
                "{bad:.20}"
            );
        }
        // alg=none with an empty signature is refused before any signature check.
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(good.to_string())
        );
        assert_eq!(
            verify(&none, SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Algorithm)
        );
        // A valid signature over a payload that was then swapped fails.
        let mut parts: Vec<String> = token(good).split('.').map(str::to_owned).collect();
        parts[1] = URL_SAFE_NO_PAD
            .encode(json!({"aud": "demo-shop", "exp": NOW + 60, "tier": "gold"}).to_string());
        assert_eq!(
            verify(&parts.join("."), SECRET, "demo-shop", NOW, DAY),
            Err(TokenError::Signature)
        );
    }

    #[test]
    fn times_are_checked_with_a_little_leeway_and_a_longest_life() {
        let check = |claims: Value| verify(&token(claims), SECRET, "demo-shop", NOW, DAY);
        // A site clock a little behind or ahead is fine.
        assert!(check(json!({"aud": "demo-shop", "exp": NOW - 30})).is_ok());
        assert!(check(json!({"aud": "demo-shop", "exp": NOW + 60, "nbf": NOW + 30})).is_ok());
        assert!(check(json!({"aud": "demo-shop", "exp": NOW + 60, "iat": NOW + 30})).is_ok());
        // Not yet valid, or issued in the future.
        assert_eq!(
            check(json!({"aud": "demo-shop", "exp": NOW + 9_000, "nbf": NOW + 3_600})),
            Err(TokenError::NotYet)
        );
        assert_eq!(
            check(json!({"aud": "demo-shop", "exp": NOW + 9_000, "iat": NOW + 3_600})),
            Err(TokenError::NotYet)
        );
        assert_eq!(
            check(json!({"aud": "demo-shop", "exp": NOW + 60, "nbf": "soon"})),
            Err(TokenError::Malformed)
        );
        // A token for ten years is refused, with or without `iat`.
        let decade = 10 * 365 * DAY;
        assert_eq!(
            check(json!({"aud": "demo-shop", "exp": NOW + decade})),
            Err(TokenError::Lifetime)
        );
        assert_eq!(
            check(json!({"aud": "demo-shop", "iat": NOW - 60, "exp": NOW + decade})),
            Err(TokenError::Lifetime)
        );
        assert!(
            check(json!({"aud": "demo-shop", "iat": NOW - 60, "exp": NOW + DAY - 120})).is_ok()
        );
    }
}
