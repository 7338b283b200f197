//! The config tools beside the server: `baton check`'s summary ([`check`]), the chat behind
//! `baton try` ([`chat`], and [`terminal`] for its two front ends), the journey as a graph
//! for `baton flowchart` ([`journey`], drawn by `baton-flowchart`) and the progress bar of the
//! long commands ([`progress`]). Here too: reading a config and reporting its problems, the
//! way every command does.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use baton_core::{ConfigError, Site};

pub mod chat;
pub mod check;
pub mod journey;
pub mod progress;
pub mod terminal;

/// Why a command failed: what `cli::run` turns into an exit code.
#[derive(Debug)]
pub enum Failure {
    /// The input was read but is wrong; details were already written.
    Invalid,
    /// The command could not run: unreadable file, bad arguments, broken output.
    Usage(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Usage(format!("cannot write output: {e}"))
    }
}

pub fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read `{}`: {e}", path.display())))
}

/// Reads and compiles a config, printing its problems on failure.
pub fn load(path: &Path, err: &mut dyn Write) -> Result<Arc<Site>, Failure> {
    let source = read(path)?;
    baton_core::compile(&source).map(Arc::new).map_err(|e| {
        let _ = report(path, &e, err);
        Failure::Invalid
    })
}

fn report(path: &Path, error: &ConfigError, err: &mut dyn Write) -> std::io::Result<()> {
    let n = error.problems.len();
    writeln!(
        err,
        "{}: {n} problem{}",
        path.display(),
        if n == 1 { "" } else { "s" }
    )?;
    for problem in &error.problems {
        writeln!(err, "  {problem}")?;
    }
    Ok(())
}

/// Writes `text` to the file at `path`, or to `out` without one.
pub fn write_output(path: Option<&Path>, text: &str, out: &mut dyn Write) -> Result<(), Failure> {
    match path {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Usage(format!("cannot write `{}`: {e}", path.display()))),
        None => Ok(out.write_all(text.as_bytes())?),
    }
}
