//! Command-line interface: argument parsing and the four config tools.
//!
//! [`run`] takes the parsed [`Cli`] and explicit input/output streams and returns the exit
//! code, so tests run every command in-process. Exit codes: 0 success, 1 the config has
//! problems (or a scripted chat failed), 2 bad usage or unreadable input.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use baton_core::conversation::Output;
use baton_core::flow::NodeKind;
use baton_core::trigger::Action;
use baton_core::{ConfigError, Site};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::live::serve::ServeOptions;
use crate::tools::chat::{Chat, Record, Step};

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
    Serve(ServeOptions),
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
        Command::Serve(options) => crate::run::serve_command(options).map_err(Failure::Usage),
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
        Command::Check { config } => check(&config, out, err),
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
            Some(path) => run_script(site, &visitor, page, &path, out, err),
            None => run_interactive(site, &visitor, page, input, out, err),
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

/// Why a command failed.
#[derive(Debug)]
enum Failure {
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

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure::Usage(format!("cannot read `{}`: {e}", path.display())))
}

/// Reads and compiles a config, printing its problems on failure.
fn load(path: &Path, err: &mut dyn Write) -> Result<Arc<Site>, Failure> {
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

fn check(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> Result<(), Failure> {
    let site = load(path, err)?;
    let nodes = &site.flow.nodes;
    let escalations = nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::Escalate(_)))
        .count();
    let offers = nodes
        .iter()
        .filter(|n| matches!(n.kind, NodeKind::OfferHuman(_)))
        .count();
    let escalating_triggers = site
        .triggers
        .iter()
        .filter(|t| matches!(t.action, Action::Escalate { .. }))
        .count();
    writeln!(out, "ok: {} ({})", site.id, site.name)?;
    writeln!(
        out,
        "  flow: {} nodes, {} entr{} besides the start, {escalations} escalation node{}, {offers} offer node{}",
        nodes.len(),
        site.flow.entries.len(),
        if site.flow.entries.len() == 1 {
            "y"
        } else {
            "ies"
        },
        plural(escalations),
        plural(offers),
    )?;
    writeln!(
        out,
        "  triggers: {} ({escalating_triggers} escalate, {} offer)",
        site.triggers.len(),
        site.triggers.len() - escalating_triggers
    )?;
    writeln!(
        out,
        "  faq: {} entr{}",
        site.faq.entries.len(),
        if site.faq.entries.len() == 1 {
            "y"
        } else {
            "ies"
        }
    )?;
    let variants: usize = site.experiments.iter().map(|e| e.variants.len()).sum();
    writeln!(
        out,
        "  experiments: {} ({variants} variants)",
        site.experiments.len()
    )?;
    writeln!(
        out,
        "  agent aids: {} scripts, {} KB links, brand voice {}",
        site.aids.scripts.len(),
        site.aids.kb.len(),
        if site.aids.brand_voice.is_some() {
            "set"
        } else {
            "not set"
        }
    )?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn write_output(path: Option<&Path>, text: &str, out: &mut dyn Write) -> Result<(), Failure> {
    match path {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Usage(format!("cannot write `{}`: {e}", path.display()))),
        None => Ok(out.write_all(text.as_bytes())?),
    }
}

fn run_script(
    site: Arc<Site>,
    visitor: &str,
    page: Option<String>,
    path: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let script = read(path)?;
    let (mut chat, opening) = Chat::start(site, visitor, page);
    print_json(&opening, out)?;
    for (number, line) in script.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match chat.line(line) {
            Ok(Step::Continue(records)) => print_json(&records, out)?,
            Ok(Step::Quit) => break,
            Err(e) => {
                let _ = writeln!(err, "{}:{}: {e}", path.display(), number + 1);
                return Err(Failure::Invalid);
            }
        }
    }
    Ok(())
}

fn print_json(records: &[Record], out: &mut dyn Write) -> Result<(), Failure> {
    for record in records {
        let line = serde_json::to_string(record).map_err(|e| Failure::Usage(e.to_string()))?;
        writeln!(out, "{line}")?;
    }
    Ok(())
}

fn run_interactive(
    site: Arc<Site>,
    visitor: &str,
    page: Option<String>,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    writeln!(
        out,
        "Chatting with {} as `{visitor}`. Type a message, or /choose N, /profile {{json}}, /wait SECONDS, /page PATH, /fetch {{json}}, /fetch-error REASON, /quit.",
        site.name
    )?;
    let (mut chat, opening) = Chat::start(site, visitor, page);
    print_human(&opening, out)?;
    let mut line = String::new();
    loop {
        write!(out, "you  › ")?;
        out.flush()?;
        line.clear();
        if input
            .read_line(&mut line)
            .map_err(|e| Failure::Usage(format!("cannot read input: {e}")))?
            == 0
        {
            writeln!(out)?;
            return Ok(());
        }
        match chat.line(line.trim_end_matches(['\n', '\r'])) {
            Ok(Step::Continue(records)) => print_human(&records, out)?,
            Ok(Step::Quit) => return Ok(()),
            Err(e) => writeln!(err, "  {e}")?,
        }
    }
}

fn print_human(records: &[Record], out: &mut dyn Write) -> Result<(), Failure> {
    for record in records {
        match record {
            // The visitor's own line is already on screen.
            Record::Visitor { .. } => {}
            Record::Sentiment { score, .. } => writeln!(out, "       sentiment {score:+.2}")?,
            Record::Output(output) => print_output(output, out)?,
        }
    }
    Ok(())
}

fn print_output(output: &Output, out: &mut dyn Write) -> std::io::Result<()> {
    match output {
        Output::Say { text, choices } => {
            writeln!(out, "bot  › {text}")?;
            if !choices.is_empty() {
                let buttons: Vec<String> = choices
                    .iter()
                    .enumerate()
                    .map(|(i, c)| format!("[{}] {c}", i + 1))
                    .collect();
                writeln!(out, "       {}", buttons.join("  "))?;
            }
        }
        Output::WakeAt { .. } => {}
        Output::Capture { field, value } => writeln!(out, "       captured {field} = {value}")?,
        Output::Fetch(request) => {
            let verb = if request.body.is_some() {
                "POST"
            } else {
                "GET"
            };
            writeln!(
                out,
                "       site API call: {verb} {} (answer with /fetch {{json}} or /fetch-error REASON)",
                request.url
            )?;
        }
        Output::Fired(firing) => writeln!(out, "       trigger fired: {}", firing.explain())?,
        Output::Offer { trigger } => {
            writeln!(out, "       offering a person (trigger `{trigger}`)")?
        }
        Output::Escalate(e) => writeln!(
            out,
            "       HANDED OVER to queue `{}` at {:?} priority: {}",
            e.queue,
            e.priority,
            e.reason.explain()
        )?,
        Output::End { csat } => {
            writeln!(
                out,
                "       journey ended{}",
                if *csat {
                    "; the visitor is asked for a rating"
                } else {
                    ""
                }
            )?;
        }
        Output::Ignored { reason } => writeln!(out, "       (ignored: {reason})")?,
    }
    Ok(())
}
