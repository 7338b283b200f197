//! Socket frames, checked: the text of a frame in, a [`Checked`] frame or a typed
//! [`Rejection`] out, by pure functions that know no socket, store or hub (as mini-redis'
//! `Command::from_frame`). The sessions in `visitor` and `agent` apply what comes out.
//!
//! What can be known from the frame and the [`Limits`] alone is checked here: the JSON, the
//! protocol version, ids, sizes, blank text, ratings, queue names, email addresses. A
//! handoff is checked whole by `intake::admit` (it needs the site); whether a conversation
//! or a ticket is there is the session's to know.

use baton_core::protocol::{AgentFrame, ErrorCode, Frame, PROTOCOL_VERSION, VisitorFrame};
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

/// A frame that passed [`parse_visitor`] or [`parse_agent`]: only they make one, so a
/// session that takes a `Checked` frame knows its ids, sizes and names are within limits.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<T>(T);

impl<T> Checked<T> {
    /// The frame.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Parses and checks a visitor frame. A handoff is checked whole by `intake::admit`, with
/// the site, so that it is counted as a handoff received even when it is refused.
pub fn parse_visitor(text: &str, limits: &Limits) -> Result<Checked<VisitorFrame>, Rejection> {
    let frame = decode::<VisitorFrame>(text, "a visitor frame")?;
    match &frame {
        VisitorFrame::Message { id, text } => message(id, text, limits)?,
        VisitorFrame::Csat { score, comment, .. } => {
            if !(1..=5).contains(score)
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
        }
        VisitorFrame::Hello { .. } | VisitorFrame::Handoff { .. } | VisitorFrame::Typing => {}
    }
    Ok(Checked(frame))
}

/// Parses and checks an agent frame.
pub fn parse_agent(text: &str, limits: &Limits) -> Result<Checked<AgentFrame>, Rejection> {
    let frame = decode::<AgentFrame>(text, "an agent frame")?;
    match &frame {
        AgentFrame::Message { id, text, .. } => message(id, text, limits)?,
        AgentFrame::Close { resolution, .. } => {
            if resolution.len() > limits.message_bytes {
                return Err(Rejection::answer(
                    ErrorCode::BadFrame,
                    format!(
                        "the resolution is longer than {}",
                        size(limits.message_bytes)
                    ),
                ));
            }
        }
        AgentFrame::Transfer { queue, .. } => {
            if !valid_queue_name(queue) {
                return Err(Rejection::answer(ErrorCode::BadFrame, QUEUE_NAME_RULE));
            }
        }
        AgentFrame::Login { .. }
        | AgentFrame::Claim { .. }
        | AgentFrame::FlagMisfire { .. }
        | AgentFrame::Typing { .. } => {}
    }
    Ok(Checked(frame))
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
