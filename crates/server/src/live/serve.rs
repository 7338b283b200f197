//! Starting the server: `serve(listener, state, shutdown)` is what `baton serve` and the
//! tests both run.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;

use crate::live::hub::Hub;
use crate::live::limits::Limits;
use crate::live::metrics::Metrics;
use crate::live::state::{AppState, SiteEntry};
use crate::store::sqlite::SqliteStore;

/// Serves until `shutdown` resolves, checking for trigger drift hourly meanwhile.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let drift = tokio::spawn(crate::review::drift::watch(
        Arc::clone(&state.store),
        Arc::clone(&state.site.site),
    ));
    let app = crate::live::http::app(state);
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await;
    drift.abort();
    served
}

/// What `baton serve` is told: its arguments, and the limits (which tests set).
#[derive(Debug, Clone, clap::Args)]
pub struct ServeOptions {
    /// The site config file.
    #[arg(long, default_value = "site.json")]
    pub config: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Directory for the database.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// File holding the secret that signs visitor profile tokens (HS256); also read from
    /// the `BATON_JWT_SECRET` environment variable.
    #[arg(long)]
    pub jwt_secret_file: Option<PathBuf>,
    /// Built agent workspace to serve at /console.
    #[arg(long)]
    pub console: Option<PathBuf>,
    /// Built visitor widget to serve at /widget (the iframe `/baton.js` injects).
    #[arg(long)]
    pub widget: Option<PathBuf>,
    /// Directory to serve at /static (demo pages).
    #[arg(long = "static")]
    pub static_dir: Option<PathBuf>,
    /// Demo mode: serve the demo shop's API (`/demo/api/…`) and take backdated outcome
    /// beacons (`baton simulate`'s history). Off on a real site.
    #[arg(long)]
    pub demo: bool,
    /// Limits on what clients may send and hold.
    #[arg(skip)]
    pub limits: Limits,
}

impl ServeOptions {
    /// Options for the config file `config` and the data directory `data`, the rest as
    /// `baton serve` defaults them.
    pub fn new(config: impl Into<PathBuf>, data: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            config: config.into(),
            addr: "127.0.0.1:8080".to_owned(),
            data: data.into(),
            jwt_secret_file: None,
            console: None,
            widget: None,
            static_dir: None,
            demo: false,
            limits: Limits::default(),
        }
    }

    /// The profile-token secret: the file's content (trimmed), else `BATON_JWT_SECRET`, else
    /// none (then no token verifies). A secret shorter than [`MIN_SECRET_BYTES`] is refused:
    /// an empty one would let anyone sign, a short one can be guessed.
    pub fn secret(&self) -> Result<Option<Vec<u8>>, StartError> {
        let (secret, from) = match (&self.jwt_secret_file, std::env::var("BATON_JWT_SECRET")) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).map_err(|source| StartError::Read {
                    path: path.clone(),
                    source,
                })?;
                (
                    text.trim().as_bytes().to_vec(),
                    format!("`{}`", path.display()),
                )
            }
            (None, Ok(secret)) if !secret.is_empty() => {
                (secret.into_bytes(), "BATON_JWT_SECRET".to_owned())
            }
            _ => return Ok(None),
        };
        if secret.len() < MIN_SECRET_BYTES {
            return Err(StartError::WeakSecret {
                from,
                bytes: secret.len(),
            });
        }
        Ok(Some(secret))
    }
}

/// The shortest profile-token secret accepted, bytes: HS256's key should be at least as long
/// as its hash (32 bytes).
pub const MIN_SECRET_BYTES: usize = 32;

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
    /// The profile-token secret is empty or too short to be safe.
    #[error(
        "the profile-token secret in {from} is {bytes} bytes; use at least {MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -hex 32`)"
    )]
    WeakSecret {
        /// Where it came from.
        from: String,
        /// Its length.
        bytes: usize,
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

/// Loads the config and the secret, opens the store and builds the state.
pub async fn state(options: ServeOptions) -> Result<AppState, StartError> {
    let site = load_site(&options.config, options.secret()?)?;
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
        console_dir: options.console,
        widget_dir: options.widget,
        static_dir: options.static_dir,
        demo: options.demo,
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
