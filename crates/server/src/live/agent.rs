//! `/ws/agent`: the agent workspace's socket.
//!
//! The first frame must be `login` with a session token from `POST /api/login`; nothing
//! else is read before it. Then the agent gets the queue and its changes, claims tickets
//! (receiving the whole ticket: thread, why it escalated, sentiment, summary, scripts, KB
//! links), replies, closes, flags misfires and transfers.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::ws::WebSocket;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use baton_core::protocol::{AgentFrame, ErrorCode, Misfire, ServerToAgent};
use baton_core::transcript::Author;
use tokio::sync::broadcast;

use crate::clock::now;
use crate::live::frames::{Checked, Rejection, parse_agent};
use crate::live::hub::{self, Live, QueueEvent};
use crate::live::metrics::{Metrics, SocketGauge};
use crate::live::socket::{self, AbortOnDrop, Bucket, Frames, Incoming, Outbox, Refusal, close};
use crate::live::state::AppState;
use crate::live::views::{queue_head, queue_item, ticket_view, waiting_count};
use crate::live::window::Window;
use crate::store::{AgentRow, Claim, NewMessage, Status, StoreError};

/// Upgrades to an agent socket. An agent sends nothing larger than a chat message, so no
/// frame above [`crate::live::limits::Limits::chat_frame_bytes`] is ever read.
pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let limits = &state.limits;
    socket::sized(ws, limits, limits.chat_frame_bytes())
        .on_upgrade(move |socket| run(state, socket))
}

async fn run(state: AppState, socket: WebSocket) {
    let metrics = Arc::clone(&state.metrics);
    let _open = SocketGauge::open(&metrics.agent_sockets);
    let (out, mut stream) = socket::split(socket);
    let limits = state.limits.clone();
    let agent = match socket::next(&mut stream, &out, limits.ping, limits.login_within).await {
        Incoming::Text(text) => login(&state, &text).await,
        Incoming::Gone => return,
        Incoming::Idle | Incoming::Nothing => None,
    };
    let Some((agent, hash)) = agent else {
        Metrics::inc(&metrics.frames_rejected);
        out.send(ServerToAgent::Error {
            code: ErrorCode::Login,
            message: "log in first: send {\"v\":1,\"type\":\"login\",\"token\":…}".to_owned(),
        })
        .await;
        out.close(close::POLICY, "login required").await;
        socket::drain(&mut stream).await;
        return;
    };
    let _online = state.hub.agent_online();
    let _watch = AbortOnDrop(tokio::spawn(watch_session(
        state.clone(),
        out.clone(),
        hash,
    )));
    let mut session = Session {
        bucket: Bucket::new(limits.agent_burst, limits.agent_per_second),
        state,
        out: out.clone(),
        agent,
        pumps: HashMap::new(),
        queue: None,
    };
    session.start().await;
    socket::serve_frames(session, stream, &out, &limits, &metrics.frames_rejected).await;
}

/// The agent of a `login` frame, and its session's token hash.
async fn login(state: &AppState, text: &str) -> Option<(AgentRow, String)> {
    let Ok(AgentFrame::Login { token }) = parse_agent(text, &state.limits).map(Checked::into_inner)
    else {
        return None;
    };
    let hash = crate::live::secret::token_hash(&token);
    let agent = state
        .store
        .session_agent(&hash, now())
        .await
        .ok()
        .flatten()?;
    Some((agent, hash))
}

/// Re-checks the session every `Limits::session_check`; once it has ended (expired or
/// logged out) the socket is closed with 1008.
async fn watch_session(state: AppState, out: Outbox, hash: String) {
    let every = state.limits.session_check;
    loop {
        tokio::time::sleep(every).await;
        match state.store.session_agent(&hash, now()).await {
            Ok(Some(_)) => {}
            Ok(None) => {
                out.close(close::POLICY, "session ended").await;
                return;
            }
            // A store hiccup is not a logout: check again next time.
            Err(e) => tracing::warn!(error = %e, "could not re-check an agent session"),
        }
    }
}

struct Session {
    state: AppState,
    out: Outbox,
    agent: AgentRow,
    pumps: HashMap<String, AbortOnDrop>,
    queue: Option<AbortOnDrop>,
    bucket: Bucket,
}

impl Session {
    async fn error(&self, code: ErrorCode, message: impl Into<String>) {
        Metrics::inc(&self.state.metrics.frames_rejected);
        self.out
            .send(ServerToAgent::Error {
                code,
                message: message.into(),
            })
            .await;
    }

    async fn internal(&self, error: StoreError) {
        tracing::error!(error = %error, "storage failed on an agent socket");
        self.error(
            ErrorCode::Internal,
            "the server could not do that; please retry",
        )
        .await;
    }

    /// Welcome, the queue (offline tickets wake up now an agent is here), queue updates.
    async fn start(&mut self) {
        self.out
            .send(ServerToAgent::Welcome {
                name: self.agent.name.clone(),
            })
            .await;
        let updates = self.state.hub.subscribe_queue();
        let mut window = Window::new(self.state.limits.queue_shown);
        let store = self.state.store.as_ref();
        // One read: the head, and whether offline tickets wait to be woken now an agent is
        // here (rarely: then they are woken and the head read again).
        let mut head = queue_head(store, window.limit()).await;
        if head.as_ref().is_ok_and(|h| h.any_offline) {
            match store.wake_offline().await {
                Ok(woken) => {
                    tracing::info!(tickets = woken, "offline tickets queued for an agent");
                    head = queue_head(store, window.limit()).await;
                }
                Err(e) => tracing::warn!(error = %e, "could not queue the offline tickets"),
            }
        }
        match head {
            Ok(head) => {
                self.out.send(window.reset(head.items, head.waiting)).await;
            }
            Err(e) => self.internal(e).await,
        }
        let state = self.state.clone();
        let out = self.out.clone();
        self.queue = Some(AbortOnDrop(tokio::spawn(follow_queue(
            state, out, updates, window,
        ))));
    }

    /// Parses a frame and applies it; a frame that does not parse is answered or closes the
    /// socket, as its [`Rejection`] says.
    async fn handle(&mut self, text: &str) -> Result<(), Refusal> {
        if !self.bucket.take() {
            return Err((close::POLICY, "too many frames, slow down".to_owned()));
        }
        match parse_agent(text, &self.state.limits) {
            Ok(frame) => self.apply(frame).await,
            Err(Rejection::Answer { code, message }) => self.error(code, message).await,
            Err(Rejection::Close { code, reason }) => return Err((code, reason)),
        }
        Ok(())
    }

    async fn apply(&mut self, frame: Checked<AgentFrame>) {
        match frame.into_inner() {
            AgentFrame::Login { .. } => {}
            AgentFrame::Claim { ticket } => self.claim(&ticket).await,
            AgentFrame::Message { ticket, id, text } => self.message(&ticket, &id, &text).await,
            AgentFrame::Close { ticket, resolution } => self.close(&ticket, &resolution).await,
            AgentFrame::FlagMisfire { ticket, kind } => self.flag_misfire(&ticket, kind).await,
            AgentFrame::Typing { ticket } => {
                if self.pumps.contains_key(&ticket) {
                    self.state.hub.publish(
                        &ticket,
                        Live::Typing {
                            from: Author::Agent,
                        },
                    );
                }
            }
            AgentFrame::Transfer { ticket, queue } => self.transfer(&ticket, &queue).await,
        }
    }

    /// The agent who has (or closed) the ticket judges its escalation.
    async fn flag_misfire(&mut self, ticket: &str, kind: Misfire) {
        match self.state.store.ticket(ticket).await {
            Ok(Some(t)) if t.claimed_by.as_deref() == Some(&self.agent.name) => {
                if let Err(e) = self.state.store.flag_misfire(ticket, kind).await {
                    self.internal(e).await;
                }
            }
            Ok(_) => {
                self.error(
                    ErrorCode::NotYours,
                    "only the agent who took a ticket can flag it",
                )
                .await
            }
            Err(e) => self.internal(e).await,
        }
    }

    async fn claim(&mut self, id: &str) {
        let store = Arc::clone(&self.state.store);
        match store.claim(id, &self.agent.name, now()).await {
            Ok(Claim::Claimed) => {
                self.state.hub.publish(
                    id,
                    Live::AgentJoined {
                        name: self.agent.name.clone(),
                    },
                );
                let waiting = waiting_count(self.state.store.as_ref()).await;
                self.state.hub.publish_queue(QueueEvent::Remove {
                    ticket: id.to_owned(),
                    waiting,
                });
                tracing::info!(ticket = %id, agent = %self.agent.name, "claimed");
            }
            Ok(Claim::AlreadyYours) => {}
            Ok(Claim::Taken) => {
                return self
                    .error(ErrorCode::Taken, "another agent has this ticket")
                    .await;
            }
            Ok(Claim::Unavailable) => {
                return self
                    .error(ErrorCode::Unavailable, "no open ticket has this id")
                    .await;
            }
            Err(e) => return self.internal(e).await,
        }
        let view = match ticket_view(self.state.store.as_ref(), &self.state.site.site, id).await {
            Ok(Some(view)) => view,
            Ok(None) => {
                return self
                    .error(ErrorCode::Unavailable, "no ticket has this id")
                    .await;
            }
            Err(e) => return self.internal(e).await,
        };
        let last = view.messages.last().map_or(0, |m| m.seq);
        self.out
            .send(ServerToAgent::Ticket {
                view: Box::new(view),
            })
            .await;
        self.follow(id, last);
    }

    fn follow(&mut self, id: &str, after: u64) {
        let store = Arc::clone(&self.state.store);
        let room = self.state.hub.subscribe(id);
        let out = self.out.clone();
        let ticket = id.to_owned();
        let task = tokio::spawn(async move {
            let frame = |live: Live| to_agent(&ticket, live);
            if let Err(e) = hub::pump(&*store, room, &ticket, after, &out, frame).await {
                tracing::error!(ticket = %ticket, error = %e, "agent delivery stopped");
            }
        });
        self.pumps.insert(id.to_owned(), AbortOnDrop(task));
    }

    async fn holds(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.state.store.ticket(id).await?.is_some_and(|t| {
            t.status == Status::Claimed && t.claimed_by.as_deref() == Some(&self.agent.name)
        }))
    }

    async fn message(&mut self, ticket: &str, id: &str, text: &str) {
        match self.holds(ticket).await {
            Ok(true) => {}
            Ok(false) => {
                return self
                    .error(ErrorCode::NotYours, "claim the ticket before replying")
                    .await;
            }
            Err(e) => return self.internal(e).await,
        }
        // An agent may give the visitor an address or a phone number on purpose; a card
        // number is never kept, whoever typed it.
        let text = baton_core::redact::Redactor::cards_only(text);
        let new = NewMessage {
            ticket,
            client_id: id,
            author: Author::Agent,
            text: &text,
            at: now(),
            sentiment: None,
        };
        match self.state.store.append_message(new).await {
            Ok((stored, inserted)) => {
                if inserted {
                    Metrics::inc(&self.state.metrics.agent_messages);
                    self.state
                        .hub
                        .publish(ticket, Live::Message(stored.clone()));
                }
                // A socket following the ticket gets the message (its acknowledgement) from
                // the claim's view or the live feed; one that does not, gets it here.
                if !self.pumps.contains_key(ticket)
                    && let Some(frame) = to_agent(ticket, Live::Message(stored))
                {
                    self.out.send(frame).await;
                }
            }
            Err(e) => self.internal(e).await,
        }
    }

    async fn close(&mut self, ticket: &str, resolution: &str) {
        match self
            .state
            .store
            .close(ticket, &self.agent.name, resolution, now())
            .await
        {
            Ok(true) => {
                self.state.hub.publish(ticket, Live::Closed);
                tracing::info!(ticket = %ticket, "closed");
            }
            Ok(false) => {
                self.error(
                    ErrorCode::NotYours,
                    "only the agent holding a ticket can close it",
                )
                .await
            }
            Err(e) => self.internal(e).await,
        }
    }

    async fn transfer(&mut self, ticket: &str, queue: &str) {
        match self
            .state
            .store
            .transfer(ticket, &self.agent.name, queue)
            .await
        {
            Ok(true) => {
                self.pumps.remove(ticket);
                self.state.hub.publish(ticket, Live::AgentLeft);
                if let Ok(Some(t)) = self.state.store.ticket(ticket).await {
                    let waiting = waiting_count(self.state.store.as_ref()).await;
                    self.state.hub.publish_queue(QueueEvent::Upsert {
                        item: queue_item(&t),
                        waiting,
                    });
                }
            }
            Ok(false) => {
                self.error(
                    ErrorCode::NotYours,
                    "only the agent holding a ticket can transfer it",
                )
                .await
            }
            Err(e) => self.internal(e).await,
        }
    }
}

/// Keeps the agent's view of the queue: each change goes through its [`Window`]; the head is
/// read again when the window runs short or the socket fell behind the changes.
async fn follow_queue(
    state: AppState,
    out: Outbox,
    mut updates: broadcast::Receiver<QueueEvent>,
    mut window: Window,
) {
    loop {
        let (frames, reread) = match updates.recv().await {
            Ok(event) => {
                let changes = window.apply(event);
                (changes.frames, changes.reread)
            }
            Err(broadcast::error::RecvError::Lagged(_)) => (Vec::new(), true),
            Err(broadcast::error::RecvError::Closed) => return,
        };
        for frame in frames {
            if !out.send(frame).await {
                return;
            }
        }
        if reread
            && let Ok(head) = queue_head(state.store.as_ref(), window.limit()).await
            && !out.send(window.reset(head.items, head.waiting)).await
        {
            return;
        }
    }
}

fn to_agent(ticket: &str, live: Live) -> Option<ServerToAgent> {
    Some(match live {
        Live::Message(m) => ServerToAgent::Message {
            ticket: ticket.to_owned(),
            seq: m.seq,
            from: m.author,
            text: m.text,
            id: (m.author == Author::Agent).then_some(m.client_id),
            at: m.at,
            sentiment: m.sentiment,
        },
        Live::Closed => ServerToAgent::Closed {
            ticket: ticket.to_owned(),
        },
        Live::Typing {
            from: Author::Visitor,
        } => ServerToAgent::Typing {
            ticket: ticket.to_owned(),
        },
        Live::AgentJoined { .. } | Live::AgentLeft | Live::Typing { .. } => return None,
    })
}

impl Frames for Session {
    async fn frame(&mut self, text: &str) -> Result<(), Refusal> {
        self.handle(text).await
    }
}
