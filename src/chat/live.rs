//! The conversation with a person, from the handover on: the socket's frames both ways and
//! what the visitor sends the team (messages typed, an email address left).

use std::sync::Arc;

use baton_core::Millis;
use baton_core::conversation::Event;
use baton_core::protocol::{ErrorCode, ServerToVisitor, VisitorFrame};

use super::{Chat, Line, Notice, Saved, Stage, Wire, system};

impl Chat {
    /// The visitor is typing in a live chat: a `typing` frame for the agent, at most one
    /// every 2 s.
    pub fn typing(&mut self, now: Millis) {
        let live = self
            .saved
            .handover
            .as_ref()
            .is_some_and(|h| matches!(h.stage, Stage::Live { .. }));
        if live && now.saturating_sub(self.typing_sent) > 2_000 {
            self.typing_sent = now;
            if self.connected {
                self.outgoing.push(Wire::encode(&VisitorFrame::Typing));
            }
        }
    }

    /// Whether the chat needs its socket: from the handover on.
    pub fn wants_socket(&self) -> bool {
        self.saved.handover.as_ref().is_some_and(|h| match h.stage {
            Stage::Lost => false,
            // A closed chat needs the socket only to send what is left (a rating, an
            // address): no page view of a finished conversation opens one for nothing.
            Stage::Closed => !h.later.is_empty() || !h.outbox.is_empty(),
            _ => true,
        })
    }

    /// Whether the next socket carries the handoff (never acknowledged yet): it is opened as
    /// `/ws/visitor?handoff`, the one kind of socket the server lets send a frame that large.
    pub fn sends_handoff(&self) -> bool {
        self.saved
            .handover
            .as_ref()
            .is_some_and(|h| h.resume.is_none() && h.handoff.is_some())
    }

    /// Whether the conversation with a person is over (closed, or unknown to the server), so
    /// the visitor may start a new one.
    pub fn ended(&self) -> bool {
        self.saved
            .handover
            .as_ref()
            .is_some_and(|h| matches!(h.stage, Stage::Closed | Stage::Lost))
    }

    /// After an ended conversation, starts a new one for the same visitor: a fresh engine,
    /// greeted again on the last page it knew, with the profile the host page gave (its token
    /// and attributes) kept, and a handoff id of its own (the secret one with a count).
    /// Nothing happens before the end.
    pub(super) fn start_over(&mut self, now: Millis) {
        if !self.ended() {
            return;
        }
        let profiles: Vec<Event> = self
            .saved
            .events
            .iter()
            .filter(|l| matches!(l.event, Event::Profile { .. }))
            .map(|l| l.event.clone())
            .collect();
        let page = self.conversation.page().map(str::to_owned);
        let visitor = self.saved.visitor.clone();
        let fresh = Saved {
            version: self.saved.version,
            visitor: visitor.clone(),
            saved_at: now,
            ..Saved::default()
        };
        let restarts = self.restarts + 1;
        let handoff_id = format!("{}-{restarts}", self.handoff_base);
        let site = Arc::clone(self.conversation.site());
        let token = self.token.take();
        *self = Chat::restore(site, &visitor, self.handoff_base.clone(), fresh, now);
        self.token = token;
        self.handoff_id = handoff_id;
        self.restarts = restarts;
        self.open(page, now);
        for profile in profiles {
            self.feed(profile, now);
        }
    }

    /// The socket opened. [`Chat::poll`] then hands out `hello`, the handoff if it was never
    /// acknowledged, then everything still unacknowledged, in that order, before anything sent
    /// later.
    pub fn on_open(&mut self) {
        self.changed();
        self.connected = true;
        let site = self.conversation.site().id.clone();
        // Signed now: the saved frame never holds the token (the host page gives it again
        // on every page view). Without a token the saved frame goes as it was made.
        let pending = self.sends_handoff();
        let signed = self.saved.handover.as_ref().and_then(|h| {
            let token = self.token.clone().filter(|_| pending)?;
            self.handoff_frame(&h.id, Some(token))
        });
        let Some(handover) = &mut self.saved.handover else {
            return;
        };
        // Anything queued for the socket before this one opened is in the outbox anyway.
        self.outgoing.clear();
        self.outgoing.push(Wire::encode(&VisitorFrame::Hello {
            site,
            resume: handover.resume.clone(),
            last_seq: handover.last_seq,
        }));
        if handover.resume.is_none()
            && let Some(handoff) = signed.or_else(|| handover.handoff.clone())
        {
            self.outgoing.push(handoff);
        }
        self.outgoing.extend(handover.outbox.iter().map(|o| {
            Wire::encode(&VisitorFrame::Message {
                id: o.id.clone(),
                text: o.text.clone(),
            })
        }));
    }

    /// The socket closed; frames not handed out yet are dropped (the outbox and
    /// [`Handover::later`] keep what matters for the next [`Chat::on_open`]).
    pub fn on_close(&mut self) {
        self.connected = false;
        self.outgoing.clear();
    }

    /// A frame from the server.
    pub fn on_frame(&mut self, frame: ServerToVisitor) {
        self.changed();
        let Some(handover) = &mut self.saved.handover else {
            return;
        };
        match frame {
            ServerToVisitor::Welcome { resume, .. } => {
                handover.resume = Some(resume);
                handover.handoff = None;
                if handover.stage == Stage::Handing {
                    handover.stage = Stage::Queued { position: 1 };
                }
            }
            ServerToVisitor::Queued {
                position,
                agents_online,
            } => {
                if matches!(handover.stage, Stage::Handing | Stage::Queued { .. }) {
                    handover.stage = if agents_online {
                        Stage::Queued { position }
                    } else {
                        Stage::Offline
                    };
                }
            }
            ServerToVisitor::AgentJoined { name } => {
                let joined = format!("{name} joined the chat.");
                if handover.stage
                    != (Stage::Live {
                        agent: name.clone(),
                    })
                {
                    handover.lines.push(system(joined));
                }
                handover.stage = Stage::Live { agent: name };
            }
            ServerToVisitor::Message {
                seq,
                from,
                text,
                id,
                ..
            } => {
                if seq <= handover.last_seq {
                    return;
                }
                handover.last_seq = seq;
                if let Some(id) = id.as_deref()
                    && let Some(line) = handover
                        .lines
                        .iter_mut()
                        .find(|l| l.seq.is_none() && l.id.as_deref() == Some(id))
                {
                    line.seq = Some(seq);
                    handover.outbox.retain(|o| o.id != id);
                    return;
                }
                self.agent_typing = false;
                self.notices.push(Notice::Message {
                    from,
                    text: text.clone(),
                });
                handover.lines.push(Line {
                    from,
                    text,
                    seq: Some(seq),
                    id,
                });
            }
            ServerToVisitor::Typing => self.agent_typing = true,
            ServerToVisitor::AgentLeft => {
                handover.lines.push(system(
                    "You are back in the queue for the next person.".into(),
                ));
                handover.stage = Stage::Queued { position: 1 };
            }
            ServerToVisitor::Closed => {
                if handover.stage != Stage::Closed {
                    handover.lines.push(system(
                        "The chat was closed. Write again any time to start a new conversation."
                            .into(),
                    ));
                }
                handover.stage = Stage::Closed;
                self.agent_typing = false;
            }
            ServerToVisitor::Error { code, message } => match code {
                ErrorCode::UnknownConversation => {
                    handover.lines.push(system(
                        "This conversation can no longer be continued. Start a new one any time."
                            .into(),
                    ));
                    handover.stage = Stage::Lost;
                }
                // Not stored: the outbox sends it again on the next connection.
                ErrorCode::Internal => {}
                _ => handover.lines.push(system(message)),
            },
        }
    }

    /// The visitor left an email address while nobody could answer; `false` if it does not
    /// look like one (or one was left already). The frame waits in [`Handover::later`].
    pub fn leave_email(&mut self, email: &str) -> bool {
        self.changed();
        let Some(handover) = self.saved.handover.as_mut() else {
            return false;
        };
        // The address is kept as given (the team replies to it), but never a card number.
        let email = baton_core::redact::Redactor::cards_only(email.trim());
        if handover.email_left || !plausible_email(&email) {
            return false;
        }
        handover.email_left = true;
        handover.lines.push(system(format!(
            "Thanks — we will reply to {email} as soon as someone is available."
        )));
        handover.later.push(Wire::encode(&VisitorFrame::LeaveEmail {
            email: email.into_owned(),
        }));
        true
    }
}

/// The same rule the server applies: something@domain.tld, at most 254 bytes.
fn plausible_email(email: &str) -> bool {
    email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.starts_with('.'))
}
