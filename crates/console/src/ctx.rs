//! What every part of the workspace reads from context: the state, the clock, the drafts and
//! the socket. Provided once by the app after login; components take it with
//! `expect_context::<Ctx>()`.

use std::collections::HashMap;

use baton_core::Millis;
use leptos::prelude::*;

use crate::socket::Socket;
use crate::state::Workspace;

/// What every part of the workspace reads.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    /// The state the socket feeds.
    pub ws: RwSignal<Workspace>,
    /// The clock, ticking every second (waiting times, the typing indicator).
    pub now: RwSignal<Millis>,
    /// Unsent replies per ticket, kept while another ticket is on screen.
    pub drafts: RwSignal<HashMap<String, String>>,
    /// Set by Claim: the next ticket to open takes the keyboard focus (the button is gone).
    pub focus_ticket: StoredValue<bool>,
    /// The agent socket: where the frames the state returns go.
    pub socket: Socket,
}
