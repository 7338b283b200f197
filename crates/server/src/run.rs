//! The commands that use the database: `baton serve`, `baton agent add`, `baton report` and
//! `baton replay`. They own a tokio runtime; the rest of the CLI stays synchronous.

use std::io::{BufRead, Write};
use std::path::Path;

use tokio::net::TcpListener;

use crate::live::serve::{ServeOptions, serve, state};
use crate::store::sqlite::SqliteStore;
use crate::store::{AgentRow, Store, StoreError};

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))
}

/// Runs the server until Ctrl-C or SIGTERM.
pub fn serve_command(options: ServeOptions) -> Result<(), String> {
    runtime()?.block_on(async move {
        let addr = options.addr.clone();
        let state = state(options).await.map_err(|e| e.to_string())?;
        let listener = TcpListener::bind(&addr)
            .await
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        // The first line on stdout is the address: scripts and tests read it (with port 0).
        println!("baton: listening on http://{local}");
        let _ = std::io::stdout().flush();
        tracing::info!(addr = %local, site = %state.site.site.id, "serving");
        serve(listener, state, shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    })
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}

/// Creates an agent login.
pub fn add_agent(
    name: &str,
    data: &Path,
    password_stdin: bool,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
) -> Result<(), String> {
    if name.trim().is_empty() || name.len() > 64 || name.chars().any(char::is_control) {
        return Err("an agent name is 1–64 printable characters".to_owned());
    }
    let (password, generated) = if password_stdin {
        let mut line = String::new();
        input
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let password = line.trim_end_matches(['\n', '\r']).to_owned();
        if password.chars().count() < 8 {
            return Err("the password must be at least 8 characters".to_owned());
        }
        (password, false)
    } else {
        (
            crate::live::secret::random_token(12).map_err(|e| e.to_string())?,
            true,
        )
    };
    let hash = crate::live::auth::hash_password(&password)?;
    let id = crate::live::secret::random_id("a").map_err(|e| e.to_string())?;
    runtime()?.block_on(async {
        let store = SqliteStore::open(data).await.map_err(|e| e.to_string())?;
        let agent = AgentRow {
            id,
            name: name.to_owned(),
            password_hash: hash,
        };
        match store.add_agent(agent, crate::clock::now()).await {
            Ok(()) => Ok(()),
            Err(StoreError::Exists(name)) => Err(format!("an agent named `{name}` already exists")),
            Err(e) => Err(e.to_string()),
        }
    })?;
    writeln!(out, "agent `{name}` added").map_err(|e| e.to_string())?;
    if generated {
        writeln!(
            out,
            "password: {password}  (shown once; keep it somewhere safe)"
        )
        .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The period from `since` to now, once the database in `data` is known to exist: a report
/// never creates one.
fn period(data: &Path, since: &str) -> Result<crate::review::insights::Window, String> {
    let now = crate::clock::now();
    let since = crate::review::insights::parse_since(since, now)?;
    if !data.join("baton.db").exists() {
        return Err(format!(
            "no database in `{}` (give the directory `baton serve --data` uses)",
            data.display()
        ));
    }
    Ok(crate::review::insights::Window { since, until: now })
}

/// Opens the store in `data` and reads from it with `read`, on a runtime of its own.
fn read_store<T>(
    data: &Path,
    read: impl AsyncFnOnce(&SqliteStore) -> Result<T, StoreError>,
) -> Result<T, String> {
    runtime()?
        .block_on(async {
            let store = SqliteStore::open(data).await?;
            read(&store).await
        })
        .map_err(|e| e.to_string())
}

/// Pretty JSON with a final newline.
fn pretty(value: &impl serde::Serialize) -> Result<String, String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}

/// `baton report`: the report of conversations since `since` (see
/// [`crate::review::insights::parse_since`]), as HTML or JSON.
pub fn report(
    site: &baton_core::Site,
    data: &Path,
    since: &str,
    json: bool,
) -> Result<String, String> {
    let window = period(data, since)?;
    let facts = read_store(data, async |store| {
        crate::review::insights::load(store, &site.id, window).await
    })?;
    let report = crate::review::insights::compute(site, &facts, window);
    if json {
        pretty(&report)
    } else {
        Ok(crate::review::insights::html::render(&report))
    }
}

/// `baton replay`: the period's conversations under `current` and `proposed`, as text or
/// JSON, with a progress bar on `err`.
pub fn replay(
    current: &std::sync::Arc<baton_core::Site>,
    proposed: &std::sync::Arc<baton_core::Site>,
    data: &Path,
    since: &str,
    json: bool,
    err: &mut dyn Write,
) -> Result<String, String> {
    let window = period(data, since)?;
    let conversations = read_store(data, async |store| {
        store
            .conversations(&current.id, window.since, window.until)
            .await
    })?;
    let mut bar = crate::tools::progress::Bar::new("replaying", err);
    let comparison =
        crate::review::replay::compare(current, proposed, &conversations, |done, total| {
            bar.update(done, total);
        });
    bar.finish();
    if json {
        pretty(&comparison)
    } else {
        Ok(crate::review::replay::render(&comparison))
    }
}
