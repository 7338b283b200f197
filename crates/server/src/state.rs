//! What every request and socket shares: the site, the store, the hub, limits, metrics.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use baton_core::{Millis, Site};

use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::store::Store;

/// Limits on what clients may send and hold.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest chat message, bytes. Longer ones close the socket with 1009.
    pub message_bytes: usize,
    /// Largest websocket frame read at all (a handoff carries a transcript), bytes.
    pub frame_bytes: usize,
    /// Messages a visitor may send in a burst.
    pub burst: u32,
    /// Messages per second a visitor may keep sending after the burst.
    pub per_second: f64,
    /// Ping interval.
    pub ping: Duration,
    /// A socket silent this long (no frame, no pong) is closed.
    pub idle: Duration,
    /// How long an agent session lasts.
    pub session: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            message_bytes: 16 * 1024,
            frame_bytes: 512 * 1024,
            burst: 20,
            per_second: 5.0,
            ping: Duration::from_secs(20),
            idle: Duration::from_secs(60),
            session: Duration::from_secs(12 * 3600),
        }
    }
}

/// The site being served.
#[derive(Debug)]
pub struct SiteEntry {
    /// The compiled config.
    pub site: Arc<Site>,
    /// The config as served to widgets: the file without `agent_aids` and `drift`.
    pub public_config: serde_json::Value,
    /// Secret for verifying profile tokens (HS256); `None` means no token verifies.
    pub secret: Option<Vec<u8>>,
}

/// Shared server state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The site.
    pub site: Arc<SiteEntry>,
    /// Storage.
    pub store: Arc<dyn Store>,
    /// Live relay.
    pub hub: Arc<Hub>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Limits.
    pub limits: Limits,
    /// Built agent workspace (`crates/console/dist`), served at `/console`.
    pub console_dir: Option<PathBuf>,
    /// Built visitor widget (`widget/dist`), served at `/widget` for the loader's iframe.
    pub widget_dir: Option<PathBuf>,
    /// Files served at `/static` (loader, demo page).
    pub static_dir: Option<PathBuf>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("site", &self.site.site.id)
            .finish_non_exhaustive()
    }
}

/// Milliseconds since the Unix epoch, now. The server's one clock.
pub fn now() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| {
        Millis::try_from(d.as_millis()).unwrap_or(Millis::MAX)
    })
}
