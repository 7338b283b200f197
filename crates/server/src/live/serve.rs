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
use crate::live::throttle::LoginGate;
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
    /// File holding the token a metrics scraper sends (`Authorization: Bearer …`) to read
    /// `/metrics`; without it `/metrics` is not served (except with `--demo`).
    #[arg(long)]
    pub metrics_token_file: Option<PathBuf>,
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
            metrics_token_file: None,
            demo: false,
            limits: Limits::default(),
        }
    }

    /// The profile-token secret: the file's content (trimmed), else `BATON_JWT_SECRET`, else
    /// none (then no token verifies). A secret shorter than [`MIN_SECRET_BYTES`] is refused:
    /// an empty one would let anyone sign, a short one can be guessed.
    pub fn secret(&self) -> Result<Option<Vec<u8>>, StartError> {
        let env = std::env::var("BATON_JWT_SECRET")
            .ok()
            .filter(|s| !s.is_empty());
        match (&self.jwt_secret_file, env) {
            (Some(path), _) => read_secret("profile-token secret", path).map(Some),
            (None, Some(secret)) => strong("profile-token secret", secret.into_bytes(), || {
                "BATON_JWT_SECRET".to_owned()
            })
            .map(Some),
            (None, None) => Ok(None),
        }
    }

    /// The hash of the metrics token from `--metrics-token-file`, if given.
    pub fn metrics_token(&self) -> Result<Option<String>, StartError> {
        let Some(path) = &self.metrics_token_file else {
            return Ok(None);
        };
        let token = read_secret("metrics token", path)?;
        Ok(Some(crate::live::secret::token_hash(
            &String::from_utf8_lossy(&token),
        )))
    }
}

/// The shortest secret accepted (the profile-token key, the metrics token), bytes: HS256's
/// key should be at least as long as its hash (32 bytes).
pub const MIN_SECRET_BYTES: usize = 32;

/// A secret from a file, trimmed, refused when shorter than [`MIN_SECRET_BYTES`].
fn read_secret(what: &'static str, path: &Path) -> Result<Vec<u8>, StartError> {
    let text = std::fs::read_to_string(path).map_err(|source| StartError::Read {
        path: path.to_owned(),
        source,
    })?;
    strong(what, text.trim().as_bytes().to_vec(), || {
        format!("`{}`", path.display())
    })
}

/// `secret`, unless it is shorter than [`MIN_SECRET_BYTES`]: an empty one would let anyone
/// in, a short one can be guessed.
fn strong(
    what: &'static str,
    secret: Vec<u8>,
    from: impl FnOnce() -> String,
) -> Result<Vec<u8>, StartError> {
    if secret.len() < MIN_SECRET_BYTES {
        return Err(StartError::WeakSecret {
            what,
            from: from(),
            bytes: secret.len(),
        });
    }
    Ok(secret)
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
    /// A secret is empty or too short to be safe.
    #[error(
        "the {what} in {from} is {bytes} bytes; use at least {MIN_SECRET_BYTES} random bytes (e.g. `openssl rand -hex 32`)"
    )]
    WeakSecret {
        /// Which secret.
        what: &'static str,
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
    let metrics_token = options.metrics_token()?;
    let store = SqliteStore::open(&options.data)
        .await
        .map_err(|source| StartError::Store {
            path: options.data.clone(),
            source,
        })?;
    let limits = &options.limits;
    let logins = LoginGate::new(
        limits.login_hashes,
        limits.login_failures,
        u64::try_from(limits.login_window.as_millis()).unwrap_or(u64::MAX),
    );
    Ok(AppState {
        logins: Arc::new(logins),
        site: Arc::new(site),
        store: Arc::new(store),
        hub: Arc::new(Hub::default()),
        metrics: Arc::new(Metrics::default()),
        limits: options.limits,
        console_dir: options.console,
        widget_dir: options.widget,
        static_dir: options.static_dir,
        demo: options.demo,
        metrics_token,
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
