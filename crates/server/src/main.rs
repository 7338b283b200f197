//! The `baton` binary: boots and hands over to [`baton_server::cli`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = baton_server::cli::Cli::parse();
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    baton_server::cli::run(cli, &mut stdin.lock(), &mut stdout, &mut stderr)
}
