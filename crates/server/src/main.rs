//! The `baton` binary: boots and hands over to [`baton_server::cli`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = baton_server::cli::Cli::parse();
    // Logs go to stderr; message bodies and secrets are never logged.
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BATON_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // Unlocked handles: the server logs to stderr from worker threads, so main must not hold
    // the stdout/stderr locks for the life of the process.
    let mut stdin = std::io::stdin().lock();
    baton_server::cli::run(
        cli,
        &mut stdin,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    )
}
