//! The server's one clock. Everything below the live server and the commands takes time as
//! an argument; only they read it, here.

use std::time::{SystemTime, UNIX_EPOCH};

use baton_core::Millis;

/// Milliseconds since the Unix epoch, now. The server's one clock.
pub fn now() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
    })
}
