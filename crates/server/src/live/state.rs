//! What every request and socket shares: the site, the store, the hub, limits, metrics.

use std::path::PathBuf;
use std::sync::Arc;

use axum::http::{HeaderMap, header};
use baton_core::Site;

use crate::live::hub::Hub;
use crate::live::limits::Limits;
use crate::live::metrics::Metrics;
use crate::live::throttle::LoginGate;
use crate::store::Store;

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
    /// Built visitor widget (`dist`), served at `/widget` for the loader's iframe.
    pub widget_dir: Option<PathBuf>,
    /// Files served at `/static` (loader, demo page).
    pub static_dir: Option<PathBuf>,
    /// Demo mode: the demo shop's API is served, and outcome beacons may be backdated (the
    /// simulated history of `baton simulate`).
    pub demo: bool,
    /// What a login may cost (concurrent hashes, failures per name).
    pub logins: Arc<LoginGate>,
    /// What one client address may hold and spend.
    pub addresses: Arc<crate::live::addresses::Addresses>,
    /// The hash of the token that reads `/metrics`; `None`: `/metrics` is served only in
    /// demo mode.
    pub metrics_token: Option<String>,
}

impl axum::extract::FromRef<AppState> for Arc<crate::live::addresses::Addresses> {
    fn from_ref(state: &AppState) -> Self {
        Arc::clone(&state.addresses)
    }
}

impl AppState {
    /// Whether a request may act for the site: browsers send `Origin` on websocket handshakes
    /// and on POSTs; it must be one of the site's origins or the server's own. Clients that send none are not browsers and gain nothing a
    /// browser page could not.
    pub fn origin_allowed(&self, headers: &HeaderMap) -> bool {
        let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
            return true;
        };
        let own = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .is_some_and(|host| {
                origin == format!("http://{host}") || origin == format!("https://{host}")
            });
        own || self.site.site.origins.iter().any(|o| o == origin)
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("site", &self.site.site.id)
            .finish_non_exhaustive()
    }
}
