//! The two front ends of `baton try`: a script run that prints one JSON object per output
//! line, and a chat in the terminal for people.

use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;

use baton_core::Site;
use baton_core::conversation::Output;

use super::chat::{Chat, Record, Step};
use super::{Failure, read};

/// `baton try --script`: every line of the file at `path` as the visitor's, one JSON object
/// per output line.
pub fn run_script(
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

/// `baton try`: a chat in the terminal, read from `input`.
pub fn run_interactive(
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
