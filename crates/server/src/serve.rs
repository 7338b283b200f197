//! Starting the server: `serve(listener, state, shutdown)` is what `baton serve` and the
//! tests both run.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::hub::Hub;
use crate::metrics::Metrics;
use crate::state::{AppState, Limits, SiteEntry};
use crate::store::sqlite::SqliteStore;

/// Serves until `shutdown` resolves, checking for trigger drift hourly meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let drift = tokio::spawn(crate::drift::watch(
        Arc::clone(&state.store),
        Arc::clone(&state.site.site),
    ));
    let app = crate::http::app(state);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    drift.abort();
    served
}

/// Everything needed to build [`AppState`].
#[derive(Debug, Clone)]
pub struct Options {
    /// The site config file.
    pub config: PathBuf,
    /// Directory of the SQLite database.
    pub data: PathBuf,
    /// Profile-token secret.
    pub secret: Option<Vec<u8>>,
    /// Built agent workspace.
    pub console_dir: Option<PathBuf>,
    /// Built visitor widget.
    pub widget_dir: Option<PathBuf>,
    /// Files for `/static`.
    pub static_dir: Option<PathBuf>,
    /// Limits.
    pub limits: Limits,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The config file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The config has problems.
    #[error("`{path}` has problems:\n{error}")]
    Config {
        /// File.
        path: PathBuf,
        /// Problems.
        error: baton_core::ConfigError,
    },
    /// The database could not be opened.
    #[error("cannot open the database in `{path}`: {source}")]
    Store {
        /// Directory.
        path: PathBuf,
        /// Cause.
        source: crate::store::StoreError,
    },
}

/// Loads the config, opens the store and builds the state.
pub async fn state(options: Options) -> Result<AppState, StartError> {
    let site = load_site(&options.config, options.secret)?;
    let store = SqliteStore::open(&options.data)
        .await
        .map_err(|source| StartError::Store {
            path: options.data.clone(),
            source,
        })?;
    Ok(AppState {
        site: Arc::new(site),
        store: Arc::new(store),
        hub: Arc::new(Hub::default()),
        metrics: Arc::new(Metrics::default()),
        limits: options.limits,
        console_dir: options.console_dir,
        widget_dir: options.widget_dir,
        static_dir: options.static_dir,
    })
}

/// Reads and compiles the site config, and derives the public copy served to widgets.
pub fn load_site(path: &Path, secret: Option<Vec<u8>>) -> Result<SiteEntry, StartError> {
    let source = std::fs::read_to_string(path).map_err(|source| StartError::Read {
        path: path.to_owned(),
        source,
    })?;
    let site = baton_core::compile(&source).map_err(|error| StartError::Config {
        path: path.to_owned(),
        error,
    })?;
    // The file compiled, so it is a JSON object; agent aids are for agents only, and the
    // drift settings for the server only (the webhook URL may hold a secret).
    let mut public_config: serde_json::Value = serde_json::from_str(&source).unwrap_or_default();
    if let Some(object) = public_config.as_object_mut() {
        object.remove("agent_aids");
        object.remove("drift");
        object.remove("$schema");
    }
    Ok(SiteEntry {
        site: Arc::new(site),
        public_config,
        secret,
    })
}
