//! Command-line interface: the arguments, and which command runs for them. The commands
//! themselves live below: the config tools in [`crate::tools`], the database commands in
//! [`crate::run`].
//!
//! [`run`] takes the parsed [`Cli`] and explicit input/output streams and returns the exit
//! code, so tests run every command in-process. Exit codes: 0 success, 1 the config has
//! problems (or a scripted chat failed), 2 bad usage or unreadable input.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::live::serve::ServeOptions;
use crate::tools::{Failure, load, terminal, write_output};

/// Baton: hand website visitors from a bot to a person without making them repeat anything.
#[derive(Debug, Parser)]
#[command(name = "baton", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the human-chat server: widget socket, agent workspace, public config.
    Serve(Box<ServeOptions>),
    /// Manage agent logins.
    Agent {
        /// What to do.
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// Validate a site config; print a summary, or every problem with its path and position.
    Check {
        /// The config file.
        config: PathBuf,
    },
    /// Print the JSON Schema of the config format.
    Schema {
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw the customer journey of a config.
    Flowchart {
        /// The config file.
        config: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ChartFormat::Svg)]
        format: ChartFormat,
    },
    /// Chat with the bot in the terminal, running the same engine as the widget.
    Try {
        /// The config file.
        config: PathBuf,
        /// Read visitor lines and /commands from this file and print one JSON object per
        /// output line.
        #[arg(long)]
        script: Option<PathBuf>,
        /// Visitor id (picks experiment variants).
        #[arg(long, default_value = "visitor-1")]
        visitor: String,
        /// Page path the chat opens on (for page-specific entries).
        #[arg(long)]
        page: Option<String>,
    },
    /// Write the review report of a period: one self-contained HTML page with charts, or its
    /// JSON twin. Every figure is defined in docs/metrics.md.
    Report {
        /// The site config (names the triggers and experiments to report on).
        #[arg(long, default_value = "site.json")]
        config: PathBuf,
        /// The period, and where the answer goes.
        #[command(flatten)]
        read: Reading,
    },
    /// Re-run a period's stored conversations under a proposed config and under the one in
    /// use, and report per trigger which would now escalate that did not, and the reverse.
    Replay {
        /// The proposed config.
        #[arg(long)]
        config: PathBuf,
        /// The config in use.
        #[arg(long, default_value = "site.json")]
        current: PathBuf,
        /// The period, and where the answer goes.
        #[command(flatten)]
        read: Reading,
    },
    /// Drive a running server with synthetic conversations (deterministic for a seed): outcome
    /// beacons, handoffs, and an agent who claims, replies, closes and sometimes flags.
    Simulate {
        /// The server, e.g. `http://127.0.0.1:8080`.
        #[arg(long)]
        url: String,
        /// The config the server runs (the journeys are played through it).
        #[arg(long, default_value = "site.json")]
        config: PathBuf,
        /// How many conversations.
        #[arg(long, default_value_t = 2000)]
        conversations: u64,
        /// Spread their starts over this many past days.
        #[arg(long, default_value_t = 30)]
        days: u64,
        /// The seed: the same seed gives the same conversations.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The agent who answers; the password is the first line of standard input.
        #[arg(long)]
        agent: String,
    },
}

/// The stored period `baton report` and `baton replay` read, and where their answer goes.
#[derive(Debug, Args)]
pub struct Reading {
    /// Directory of the database.
    #[arg(long, default_value = "data")]
    pub data: PathBuf,
    /// Conversations that started this long ago or later: `90d`, `36h`, or a date
    /// (`2026-09-01`, UTC).
    #[arg(long, default_value = "30d")]
    pub since: String,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Write JSON, for tools, instead of the page or text.
    #[arg(long)]
    pub json: bool,
}

/// `baton agent …`.
#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Create an agent login. The password is read from the first line of standard input
    /// with `--password-stdin`; otherwise a random one is made and printed once.
    Add {
        /// Login and display name.
        name: String,
        /// Directory of the database.
        #[arg(long, default_value = "data")]
        data: PathBuf,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Flowchart output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChartFormat {
    /// A standalone SVG picture.
    Svg,
    /// Mermaid `flowchart` text.
    Mermaid,
}

/// Runs a command. Never panics on bad input: every failure is a message on `err` and a
/// non-zero exit code.
pub fn run(
    cli: Cli,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> ExitCode {
    let result = match cli.command {
        Command::Serve(options) => crate::run::serve_command(*options).map_err(Failure::Usage),
        Command::Agent {
            command:
                AgentCommand::Add {
                    name,
                    data,
                    password_stdin,
                },
        } => {
            crate::run::add_agent(&name, &data, password_stdin, input, out).map_err(Failure::Usage)
        }
        Command::Check { config } => crate::tools::check::check(&config, out, err),
        Command::Schema { output } => write_output(output.as_deref(), &baton_core::config::schema_json(), out),
        Command::Flowchart {
            config,
            output,
            format,
        } => load(&config, err).and_then(|site| {
            let journey = crate::tools::journey::of(&site);
            let text = match format {
                ChartFormat::Svg => baton_flowchart::svg(&journey),
                ChartFormat::Mermaid => baton_flowchart::mermaid(&journey),
            };
            write_output(output.as_deref(), &text, out)
        }),
        Command::Try {
            config,
            script,
            visitor,
            page,
        } => load(&config, err).and_then(|site| match script {
            Some(path) => terminal::run_script(site, &visitor, page, &path, out, err),
            None => terminal::run_interactive(site, &visitor, page, input, out, err),
        }),
        Command::Report { config, read } => load(&config, err).and_then(|site| {
            let text = crate::run::report(&site, &read.data, &read.since, read.json)
                .map_err(Failure::Usage)?;
            write_output(read.output.as_deref(), &text, out)
        }),
        Command::Replay {
            config,
            current,
            read,
        } => load(&current, err).and_then(|current| {
            let proposed = load(&config, err)?;
            if proposed.id != current.id {
                return Err(Failure::Usage(format!(
                    "the proposed config is for site `{}`, the one in use for `{}`",
                    proposed.id, current.id
                )));
            }
            let text =
                crate::run::replay(&current, &proposed, &read.data, &read.since, read.json, err)
                    .map_err(Failure::Usage)?;
            write_output(read.output.as_deref(), &text, out)
        }),
        Command::Simulate {
            url,
            config,
            conversations,
            days,
            seed,
            agent,
        } => load(&config, err).and_then(|site| {
            let mut password = String::new();
            input
                .read_line(&mut password)
                .map_err(|e| Failure::Usage(format!("cannot read the password: {e}")))?;
            let plan = crate::review::simulate::Plan {
                url: url.trim_end_matches('/').to_owned(),
                conversations,
                days: days.max(1),
                seed,
                agent,
                password: password.trim_end_matches(['\n', '\r']).to_owned(),
            };
            let mut bar = crate::tools::progress::Bar::new("simulating", err);
            let tally =
                crate::review::simulate::run(&site, &plan, crate::clock::now(), |done, total| {
                    bar.update(done, total);
                });
            bar.finish();
            let tally = tally.map_err(Failure::Usage)?;
            let text = format!(
                "{} conversations: {} resolved by the bot, {} left open, {} escalated ({} rated, {} flagged)\n",
                conversations, tally.resolved, tally.open, tally.escalated, tally.rated, tally.flagged
            );
            write_output(None, &text, out)
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Invalid) => ExitCode::from(1),
        Err(Failure::Usage(message)) => {
            // Nothing more can be reported if stderr itself is gone.
            let _ = writeln!(err, "error: {message}");
            ExitCode::from(2)
        }
    }
}
