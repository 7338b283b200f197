//! Socket frames as commands: the text of a frame in, a checked command or a typed
//! [`Rejection`] out, by pure functions that know no socket, store or hub (as mini-redis'
//! `Command::from_frame`). The sessions in `visitor` and `agent` apply what comes out.
//!
//! What can be known from the frame and the [`Limits`] alone is checked here: the JSON, the
//! protocol version, ids, sizes, blank text, ratings, queue names, email addresses. A
//! handoff is checked whole by `intake::admit` (it needs the site); whether a conversation
//! or a ticket is there is the session's to know.

use baton_core::protocol::{
    AgentFrame, ErrorCode, Frame, Handoff, Misfire, PROTOCOL_VERSION, VisitorFrame,
};
use baton_core::queue::{QUEUE_NAME_RULE, valid_queue_name};
use serde::de::DeserializeOwned;

use crate::live::limits::Limits;
use crate::live::socket::close;

/// Longest client-chosen id (a message's or a handoff's), bytes.
pub const MAX_ID_BYTES: usize = 128;

/// Longest email address (RFC 5321's path limit), bytes.
pub const MAX_EMAIL_BYTES: usize = 254;

/// Why a frame is not applied.
#[derive(Debug, Clone, PartialEq)]
pub enum Rejection {
    /// Answer with an `error` frame; the socket stays open.
    Answer {
        /// The stable code.
        code: ErrorCode,
        /// For people.
        message: String,
    },
    /// Close the socket with this code (RFC 6455) and reason.
    Close {
        /// Close code.
        code: u16,
        /// Short reason.
        reason: String,
    },
}

impl Rejection {
    /// An `error` frame answer.
    pub fn answer(code: ErrorCode, message: impl Into<String>) -> Rejection {
        Rejection::Answer {
            code,
            message: message.into(),
        }
    }

    fn close(code: u16, reason: impl Into<String>) -> Rejection {
        Rejection::Close {
            code,
            reason: reason.into(),
        }
    }
}

/// A visitor frame, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum VisitorCommand {
    /// Start or resume (see [`VisitorFrame::Hello`]).
    Hello {
        /// The site the widget belongs to.
        site: String,
        /// A resume token from an earlier `welcome`.
        resume: Option<String>,
        /// The last sequence number the widget holds.
        last_seq: u64,
    },
    /// Hand the conversation over. Checked whole by `intake::admit`, with the site, so it
    /// is counted as a handoff received even when it is refused.
    Handoff {
        /// The widget's id of the handoff (a retry repeats it).
        id: String,
        /// What the widget hands over, not yet checked against the site.
        handoff: Box<Handoff>,
    },
    /// A chat message with a valid id and some text, within the size limit.
    Message {
        /// Client id.
        id: String,
        /// Text.
        text: String,
    },
    /// The visitor is typing.
    Typing,
    /// A rating of 1–5 with an optional comment within the size limit.
    Csat {
        /// Score.
        score: u8,
        /// Comment.
        comment: Option<String>,
    },
    /// A plausible email address to be answered at.
    LeaveEmail {
        /// The address.
        email: String,
    },
}

/// An agent frame, checked.
#[derive(Debug, Clone, PartialEq)]
pub enum AgentCommand {
    /// Log in with a session token.
    Login {
        /// The token from `POST /api/login`.
        token: String,
    },
    /// Take a ticket.
    Claim {
        /// Ticket id.
        ticket: String,
    },
    /// A reply with a valid id and some text, within the size limit.
    Message {
        /// Ticket id.
        ticket: String,
        /// Client id.
        id: String,
        /// Text.
        text: String,
    },
    /// Close a ticket with a resolution within the size limit.
    Close {
        /// Ticket id.
        ticket: String,
        /// What resolved it.
        resolution: String,
    },
    /// Judge the ticket's escalation.
    FlagMisfire {
        /// Ticket id.
        ticket: String,
        /// How it misfired.
        kind: Misfire,
    },
    /// The agent is typing.
    Typing {
        /// Ticket id.
        ticket: String,
    },
    /// Hand the ticket to a valid queue.
    Transfer {
        /// Ticket id.
        ticket: String,
        /// Queue name.
        queue: String,
    },
}

/// Parses and checks a visitor frame.
pub fn parse_visitor(text: &str, limits: &Limits) -> Result<VisitorCommand, Rejection> {
    Ok(match decode::<VisitorFrame>(text, "a visitor frame")? {
        VisitorFrame::Hello {
            site,
            resume,
            last_seq,
        } => VisitorCommand::Hello {
            site,
            resume,
            last_seq,
        },
        VisitorFrame::Handoff { id, handoff } => VisitorCommand::Handoff { id, handoff },
        VisitorFrame::Message { id, text } => {
            message(&id, &text, limits)?;
            VisitorCommand::Message { id, text }
        }
        VisitorFrame::Typing => VisitorCommand::Typing,
        VisitorFrame::Csat { score, comment, .. } => {
            if !(1..=5).contains(&score)
                || comment
                    .as_ref()
                    .is_some_and(|c| c.len() > limits.message_bytes)
            {
                return Err(Rejection::answer(
                    ErrorCode::BadFrame,
                    format!(
                        "a rating is 1 to 5, with an optional comment up to {}",
                        size(limits.message_bytes)
                    ),
                ));
            }
            VisitorCommand::Csat { score, comment }
        }
        VisitorFrame::LeaveEmail { email } => {
            let plausible = email.len() <= MAX_EMAIL_BYTES
                && email
                    .split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
            if !plausible {
                return Err(Rejection::answer(
                    ErrorCode::BadEmail,
                    "that does not look like an email address",
                ));
            }
            VisitorCommand::LeaveEmail { email }
        }
    })
}

/// Parses and checks an agent frame.
pub fn parse_agent(text: &str, limits: &Limits) -> Result<AgentCommand, Rejection> {
    Ok(match decode::<AgentFrame>(text, "an agent frame")? {
        AgentFrame::Login { token } => AgentCommand::Login { token },
        AgentFrame::Claim { ticket } => AgentCommand::Claim { ticket },
        AgentFrame::Message { ticket, id, text } => {
            message(&id, &text, limits)?;
            AgentCommand::Message { ticket, id, text }
        }
        AgentFrame::Close { ticket, resolution } => {
            if resolution.len() > limits.message_bytes {
                return Err(Rejection::answer(
                    ErrorCode::BadFrame,
                    format!(
                        "the resolution is longer than {}",
                        size(limits.message_bytes)
                    ),
                ));
            }
            AgentCommand::Close { ticket, resolution }
        }
        AgentFrame::FlagMisfire { ticket, kind } => AgentCommand::FlagMisfire { ticket, kind },
        AgentFrame::Typing { ticket } => AgentCommand::Typing { ticket },
        AgentFrame::Transfer { ticket, queue } => {
            if !valid_queue_name(&queue) {
                return Err(Rejection::answer(ErrorCode::BadFrame, QUEUE_NAME_RULE));
            }
            AgentCommand::Transfer { ticket, queue }
        }
    })
}

/// The JSON and the protocol version of a frame; `what` names the frame set for the
/// error ("a visitor frame").
fn decode<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, Rejection> {
    let frame: Frame<T> = serde_json::from_str(text)
        .map_err(|e| Rejection::answer(ErrorCode::BadFrame, format!("not {what}: {e}")))?;
    if frame.v != PROTOCOL_VERSION {
        return Err(Rejection::answer(
            ErrorCode::Version,
            format!(
                "protocol version {} is not supported, use {PROTOCOL_VERSION}",
                frame.v
            ),
        ));
    }
    Ok(frame.body)
}

/// The one rule for a chat message, from either side: within the size limit (else the
/// socket closes with 1009), an id of 1–[`MAX_ID_BYTES`] bytes that does not pose as a
/// transcript entry, and some text.
fn message(id: &str, text: &str, limits: &Limits) -> Result<(), Rejection> {
    if text.len() > limits.message_bytes {
        return Err(Rejection::close(
            close::TOO_BIG,
            format!("message longer than {}", size(limits.message_bytes)),
        ));
    }
    if !valid_id(id) || id.starts_with("transcript:") || text.trim().is_empty() {
        return Err(Rejection::answer(
            ErrorCode::BadFrame,
            format!("a message needs an id of 1–{MAX_ID_BYTES} characters and some text"),
        ));
    }
    Ok(())
}

/// 1–[`MAX_ID_BYTES`] bytes.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_ID_BYTES
}

/// A byte limit for people: "16 KB" when it is a whole number of KB, else "1000 bytes".
pub fn size(bytes: usize) -> String {
    if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests;
