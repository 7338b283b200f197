//! Starting the server: `serve(listener, state, shutdown)` is what `baton serve` and the
//! tests both run.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::Request;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::ServiceExt;

use crate::live::addresses::{Address, Addresses, Hold};
use crate::live::hub::Hub;
use crate::live::limits::Limits;
use crate::live::metrics::Metrics;
use crate::live::state::{AppState, SiteEntry};
use crate::live::throttle::LoginGate;
use crate::store::sqlite::SqliteStore;

/// Serves until `shutdown` resolves, checking for trigger drift hourly meanwhile.
///
/// Connections are served by hyper directly rather than through `axum::serve`, for what it
/// does not set: a client must send a request's headers within [`Limits::header_read`] of
/// connecting or of its previous response (slowloris, and idle keep-alive connections), and
/// one address holds at most [`Limits::address_connections`] connections at once (the
/// excess is closed on accept, before a byte is read).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let drift = tokio::spawn(crate::review::drift::watch(
        Arc::clone(&state.store),
        Arc::clone(&state.site.site),
    ));
    let addresses = Arc::clone(&state.addresses);
    // Behind a proxy every connection is the proxy's: only requests are counted then.
    let per_peer = addresses.header.is_none();
    let metrics = Arc::clone(&state.metrics);
    // HTTP/1.1 only: browsers speak it to a plain-HTTP server, and a TLS proxy in front
    // speaks it to its upstream. (hyper's HTTP/1-or-2 detection reads the first bytes
    // before any timeout runs: a client that connects and sends nothing would be held
    // forever.)
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(state.limits.header_read);
    let app = crate::live::http::app(state);
    // Shutdown: `stop` tells every connection to finish its request and close; each holds
    // a `done` receiver until it has, so the sender's `closed()` is all of them finished.
    let (stop, stopping) = tokio::sync::watch::channel(());
    let (done, finished) = tokio::sync::watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to close.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let held = if per_peer {
            match addresses.hold(Address::of(peer.ip()), Hold::Connection) {
                Some(held) => Some(held),
                None => {
                    Metrics::inc(&metrics.address_refusals);
                    continue;
                }
            }
        } else {
            None
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                request.map(axum::body::Body::new)
            });
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .with_upgrades();
        let mut stopping = stopping.clone();
        let finished = finished.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            // An error here is the client's doing (reset, timeout, bad request).
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(held);
            drop(finished);
        });
    }
    drop(listener);
    let _ = stop.send(());
    drop(finished);
    done.closed().await;
    drift.abort();
    Ok(())
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
    /// Demo mode: serve the demo shop's API (`/demo/api/…`), take backdated outcome beacons
    /// and lift the per-address limits (`baton simulate`'s history, from one machine). Off
    /// on a real site.
    #[arg(long)]
    pub demo: bool,
    /// Behind a reverse proxy: the header it writes the client's address into (e.g.
    /// `X-Forwarded-For`; the last address in it counts). The per-address limits then count
    /// that address, and connections are not counted per peer (every peer is the proxy).
    /// Only set it behind a proxy that always writes the header: otherwise clients choose
    /// their own address.
    #[arg(long, value_parser = parse_header_name)]
    pub client_address_header: Option<axum::http::HeaderName>,
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
            client_address_header: None,
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

/// A header name as `--client-address-header` takes it.
fn parse_header_name(text: &str) -> Result<axum::http::HeaderName, String> {
    axum::http::HeaderName::from_bytes(text.trim().as_bytes())
        .map_err(|_| format!("`{text}` is not a header name"))
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
    let address_limits = if options.demo {
        options.limits.clone().without_address_limits()
    } else {
        options.limits.clone()
    };
    let addresses = Addresses::new(address_limits, options.client_address_header);
    Ok(AppState {
        logins: Arc::new(logins),
        addresses: Arc::new(addresses),
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
