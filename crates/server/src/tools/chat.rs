//! The terminal chat behind `baton try`: the widget's engine, a virtual clock, and a reader
//! for visitor lines and `/commands`.
//!
//! Time is virtual so runs are repeatable: the chat starts at [`START`], every visitor line
//! takes one second, and `/wait N` moves the clock on N seconds, delivering the timers the
//! engine asked for on the way.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use baton_core::conversation::{Conversation, Event, Output};
use baton_core::{Millis, Site};
use serde::Serialize;
use serde_json::Value;

/// Virtual time of the first event: 2026-01-01T00:00:00Z.
pub const START: Millis = 1_767_225_600_000;

/// Virtual time one visitor line takes.
const LINE_MS: Millis = 1_000;

/// One thing to print.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// The visitor's line, with its transcript index.
    Visitor {
        /// Transcript index.
        message: usize,
        /// What they typed.
        text: String,
    },
    /// The sentiment score of the visitor's line.
    Sentiment {
        /// Transcript index.
        message: usize,
        /// Score in -1..1.
        score: f32,
    },
    /// What the engine did.
    #[serde(untagged)]
    Output(Output),
}

/// A visitor line that could not be understood as a command.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LineError {
    /// `/something` that is not a command.
    #[error(
        "unknown command `{0}`: try /choose N, /profile {{json}}, /wait SECONDS, /page PATH, /fetch {{json}}, /fetch-error REASON, /quit"
    )]
    UnknownCommand(String),
    /// A command with a bad argument.
    #[error("{command}: {reason}")]
    BadArgument {
        /// The command.
        command: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// What a line asked for.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Go on reading.
    Continue(Vec<Record>),
    /// `/quit`.
    Quit,
}

/// A chat in progress.
pub struct Chat {
    conversation: Conversation,
    now: Millis,
    wakes: BTreeSet<Millis>,
    pending_fetch: Option<u32>,
}

impl Chat {
    /// Starts a chat on `page` and returns it with the bot's opening records.
    pub fn start(site: Arc<Site>, visitor: &str, page: Option<String>) -> (Chat, Vec<Record>) {
        let mut chat = Chat {
            conversation: Conversation::new(site, visitor),
            now: START,
            wakes: BTreeSet::new(),
            pending_fetch: None,
        };
        let records = chat.feed(Event::Start { page });
        (chat, records)
    }

    /// The conversation so far.
    pub fn conversation(&self) -> &Conversation {
        &self.conversation
    }

    /// Handles one input line: a visitor message or a `/command`.
    pub fn line(&mut self, line: &str) -> Result<Step, LineError> {
        let Some(command) = line.strip_prefix('/') else {
            return Ok(Step::Continue(self.say(line)));
        };
        let (name, arg) = command
            .split_once(char::is_whitespace)
            .unwrap_or((command, ""));
        let arg = arg.trim();
        let records = match name {
            "quit" | "exit" => return Ok(Step::Quit),
            "choose" => {
                let n: usize = arg
                    .parse()
                    .map_err(|_| bad("/choose", format!("`{arg}` is not a button number")))?;
                let index = n
                    .checked_sub(1)
                    .ok_or_else(|| bad("/choose", "buttons are numbered from 1".into()))?;
                let mut records = self.wait(LINE_MS);
                let message = self.conversation.transcript().len();
                let outputs = self.feed(Event::Choice { index });
                // A pressed button is the visitor's line too: show its label.
                if let Some(entry) = self.conversation.transcript().entries.get(message) {
                    records.push(Record::Visitor {
                        message,
                        text: entry.text.clone(),
                    });
                }
                records.extend(outputs);
                records
            }
            "profile" => {
                let attributes: BTreeMap<String, Value> = serde_json::from_str(arg)
                    .map_err(|e| bad("/profile", format!("expected a JSON object: {e}")))?;
                self.feed(Event::Profile {
                    attributes,
                    verified: false,
                })
            }
            "wait" => {
                let seconds: f64 = arg
                    .parse()
                    .map_err(|_| bad("/wait", format!("`{arg}` is not a number of seconds")))?;
                if !(0.0..=31_536_000.0).contains(&seconds) {
                    return Err(bad("/wait", "give 0 to 31536000 seconds".into()));
                }
                self.wait((seconds * 1000.0) as Millis)
            }
            "page" => self.feed(Event::Page {
                path: arg.to_owned(),
            }),
            "fetch" => {
                let answer: Value = serde_json::from_str(arg)
                    .map_err(|e| bad("/fetch", format!("expected JSON: {e}")))?;
                self.answer_fetch(Ok(answer))?
            }
            "fetch-error" => self.answer_fetch(Err(if arg.is_empty() {
                "failed".into()
            } else {
                arg.to_owned()
            }))?,
            other => return Err(LineError::UnknownCommand(other.to_owned())),
        };
        Ok(Step::Continue(records))
    }

    fn say(&mut self, text: &str) -> Vec<Record> {
        let mut records = self.wait(LINE_MS);
        let index = self.conversation.transcript().len();
        records.push(Record::Visitor {
            message: index,
            text: text.to_owned(),
        });
        let outputs = self.feed(Event::Text {
            text: text.to_owned(),
        });
        if let Some(score) = self
            .conversation
            .transcript()
            .entries
            .get(index)
            .and_then(|e| e.sentiment)
        {
            records.push(Record::Sentiment {
                message: index,
                score,
            });
        }
        records.extend(outputs);
        records
    }

    fn answer_fetch(&mut self, outcome: Result<Value, String>) -> Result<Vec<Record>, LineError> {
        let id = self.pending_fetch.ok_or_else(|| {
            bad(
                "/fetch",
                "the bot is not waiting for a site API answer".into(),
            )
        })?;
        Ok(self.feed(Event::FetchResult { id, outcome }))
    }

    /// Moves the clock on by `ms`, delivering due timers in order.
    fn wait(&mut self, ms: Millis) -> Vec<Record> {
        let until = self.now.saturating_add(ms);
        let mut records = Vec::new();
        while let Some(&at) = self.wakes.first() {
            if at > until {
                break;
            }
            self.wakes.remove(&at);
            self.now = self.now.max(at);
            records.extend(self.feed(Event::Timer));
        }
        self.now = until;
        records
    }

    fn feed(&mut self, event: Event) -> Vec<Record> {
        let outputs = self.conversation.handle(event, self.now);
        let mut records = Vec::with_capacity(outputs.len());
        for output in outputs {
            match &output {
                Output::WakeAt { at } => {
                    self.wakes.insert(*at);
                }
                Output::Fetch(request) => self.pending_fetch = Some(request.id),
                _ => {}
            }
            records.push(Record::Output(output));
        }
        records
    }
}

fn bad(command: &'static str, reason: String) -> LineError {
    LineError::BadArgument { command, reason }
}
