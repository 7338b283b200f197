//! What a [`Chat`] asks the browser to do, handed out one at a time by [`Chat::poll`] (the
//! shape of str0m's `poll_output`): after every change the shell calls `poll` until it returns
//! `None` and carries out each [`Effect`] as it comes.
//!
//! The order is part of the contract:
//! - the `resolved` beacon comes before the save, so the record that it went is saved with it
//!   (a reload must not report the conversation twice);
//! - the save comes before anything leaves the widget (notices to the host page, frames, site
//!   API calls): a host page's handler may navigate away, and what the visitor said must
//!   survive that;
//! - frames go out in the order they were queued: `hello`, the unacknowledged handoff and
//!   messages, then [`Handover::later`](super::Handover::later); taking a frame out of
//!   `later` asks for another save, so a reload does not send it twice;
//! - timers last: they only ever point at the state as it now is.

use baton_core::Millis;
use baton_core::conversation::FetchRequest;

use super::{Chat, Notice, Wire};

/// One thing the browser should do for the chat.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// POST this outcome report (JSON) to `/api/outcome` as a beacon.
    Beacon(String),
    /// Write [`Chat::saved`] to storage.
    Save,
    /// Tell the host page's `Baton.on` handlers.
    Notify(Notice),
    /// Send this frame on the open socket.
    Send(Wire),
    /// The chat needs its socket and has none open: connect, unless already connecting or
    /// waiting to retry.
    Connect,
    /// Call the site API and answer with [`Chat::fetched`].
    Fetch(FetchRequest),
    /// Call [`Chat::tick`] at this time (ms since the Unix epoch), replacing the timer set
    /// before; `None`: no timer.
    WakeAt(Option<Millis>),
    /// The agent is typing: call [`Chat::stop_typing`] in 5 s unless this comes again first.
    AgentTyping,
}

/// The effects that follow from the state rather than from a queue: each is handed out once
/// after a change.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Due {
    pub(super) save: bool,
    connect: bool,
    wake: bool,
    typing: bool,
}

impl Chat {
    /// The next thing to do, or `None` when everything asked for since the last change has
    /// been handed out. Each effect comes once: the shell loops until `None`.
    pub fn poll(&mut self) -> Option<Effect> {
        if let Some(body) = self.take_beacon(false) {
            return Some(Effect::Beacon(body));
        }
        if std::mem::take(&mut self.due.save) {
            return Some(Effect::Save);
        }
        if let Some(notice) = first(&mut self.notices) {
            return Some(Effect::Notify(notice));
        }
        if let Some(frame) = self.next_frame() {
            return Some(Effect::Send(frame));
        }
        if std::mem::take(&mut self.due.connect) && self.wants_socket() && !self.connected {
            return Some(Effect::Connect);
        }
        if let Some(request) = self.take_fetch() {
            return Some(Effect::Fetch(request));
        }
        if std::mem::take(&mut self.due.wake) {
            return Some(Effect::WakeAt(self.next_wake()));
        }
        if std::mem::take(&mut self.due.typing) && self.agent_typing {
            return Some(Effect::AgentTyping);
        }
        None
    }

    /// Something happened: the state-derived effects are due again.
    pub(super) fn changed(&mut self) {
        self.due = Due {
            save: true,
            connect: true,
            wake: true,
            typing: true,
        };
    }

    /// The next frame for the open socket: queued ones first, then [`Handover::later`].
    fn next_frame(&mut self) -> Option<Wire> {
        if let Some(frame) = first(&mut self.outgoing) {
            return Some(frame);
        }
        if !self.connected || !self.wants_socket() {
            return None;
        }
        let later = &mut self.saved.handover.as_mut()?.later;
        if later.is_empty() {
            return None;
        }
        // Out of the saved record once handed out: save again.
        self.due.save = true;
        Some(later.remove(0))
    }
}

/// Takes the oldest of a short queue (a few entries: a `VecDeque` cost 0.7 KB brotli of wasm
/// for nothing).
fn first<T>(queue: &mut Vec<T>) -> Option<T> {
    (!queue.is_empty()).then(|| queue.remove(0))
}
