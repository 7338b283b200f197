//! Any token, and tokens correctly signed over any claims: verified or refused, never a
//! panic; a token signed with another secret never verifies.
#![no_main]

use baton_server::live::token::{sign, verify};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"a-fuzzing-secret-of-at-least-32-bytes";
const NOW: u64 = 1_767_225_600;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    match mode % 3 {
        // Raw text as a token.
        0 => {
            let _ = verify(&text, SECRET, "shop", NOW, 86_400);
        }
        // Any JSON claims, signed: the claim checks run.
        1 => {
            if let Ok(claims) = serde_json::from_str::<serde_json::Value>(&text) {
                let token = sign(&claims, SECRET);
                let _ = verify(&token, SECRET, "shop", NOW, 86_400);
                assert!(
                    verify(
                        &token,
                        b"another-secret-also-32-bytes-long!!",
                        "shop",
                        NOW,
                        86_400
                    )
                    .is_err()
                );
            }
        }
        // A valid token with the fuzz input spliced in.
        _ => {
            let claims = serde_json::json!({"aud": "shop", "exp": NOW + 600, "tier": "vip"});
            let token = sign(&claims, SECRET);
            let cut = usize::from(mode) % (token.len() + 1);
            let spliced = format!("{}{}{}", &token[..cut], text, &token[cut..]);
            if verify(&spliced, SECRET, "shop", NOW, 86_400).is_ok() {
                assert_eq!(spliced, token, "only the signed token itself verifies");
            }
        }
    }
});
