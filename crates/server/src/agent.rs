//! `/ws/agent`: the agent workspace's socket.
//!
//! The first frame must be `login` with a session token from `POST /api/login`; nothing
//! else is read before it. Then the agent gets the queue and its changes, claims tickets
//! (receiving the whole ticket: thread, why it escalated, sentiment, summary, scripts, KB
//! links), replies, closes, flags misfires and transfers.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::WebSocket;
use axum::extract::{State, WebSocketUpgrade};
use axum::response::Response;
use baton_core::protocol::{
    AgentFrame, BrandVoiceView, Frame, KbLinkView, MessageView, QueueItem, ServerToAgent,
    TicketView,
};
use baton_core::queue::{QUEUE_NAME_RULE, queue_key, valid_queue_name};
use baton_core::template::Values;
use baton_core::text::fold;
use baton_core::transcript::Author;
use tokio::sync::broadcast;

use crate::hub::{self, Live, QueueEvent};
use crate::metrics::{Metrics, SocketGauge};
use crate::socket::{self, AbortOnDrop, Bucket, Frames, Incoming, Outbox, Refusal, close};
use crate::state::{AppState, now};
use crate::store::{AgentRow, Claim, NewMessage, Status, StoreError, StoredMessage, Ticket};

/// How long a new socket has to log in.
const LOGIN_WITHIN: Duration = Duration::from_secs(10);

/// Upgrades to an agent socket.
pub async fn upgrade(State(state): State<AppState>, ws: WebSocketUpgrade) -> Response {
    let limits = &state.limits;
    socket::sized(ws, limits).on_upgrade(move |socket| run(state, socket))
}

async fn run(state: AppState, socket: WebSocket) {
    let metrics = Arc::clone(&state.metrics);
    let _open = SocketGauge::open(&metrics.agent_sockets);
    let (out, mut stream) = socket::split(socket);
    let limits = state.limits.clone();
    let agent = match socket::next(&mut stream, &out, limits.ping, LOGIN_WITHIN).await {
        Incoming::Text(text) => login(&state, &text).await,
        Incoming::Gone => return,
        Incoming::Idle | Incoming::Nothing => None,
    };
    let Some(agent) = agent else {
        Metrics::inc(&metrics.frames_rejected);
        out.send(ServerToAgent::Error {
            code: "login".to_owned(),
            message: "log in first: send {\"v\":1,\"type\":\"login\",\"token\":…}".to_owned(),
        })
        .await;
        out.close(close::POLICY, "login required").await;
        socket::drain(&mut stream).await;
        return;
    };
    let _online = state.hub.agent_online();
    let mut session = Session {
        bucket: Bucket::new(limits.burst * 5, limits.per_second * 5.0),
        state,
        out: out.clone(),
        agent,
        pumps: HashMap::new(),
        queue: None,
    };
    session.start().await;
    socket::serve_frames(
        &mut session,
        &mut stream,
        &out,
        limits.ping,
        limits.idle,
        &metrics.frames_rejected,
    )
    .await;
    drop(session);
    out.finish().await;
}

async fn login(state: &AppState, text: &str) -> Option<AgentRow> {
    let Ok(Frame {
        body: AgentFrame::Login { token },
        ..
    }) = serde_json::from_str::<Frame<AgentFrame>>(text)
    else {
        return None;
    };
    let hash = crate::secret::token_hash(&token);
    state.store.session_agent(&hash, now()).await.ok().flatten()
}

struct Session {
    state: AppState,
    out: Outbox,
    agent: AgentRow,
    pumps: HashMap<String, AbortOnDrop>,
    queue: Option<AbortOnDrop>,
    bucket: Bucket,
}

/// A ticket as the queue lists it.
pub fn queue_item(ticket: &Ticket) -> QueueItem {
    QueueItem {
        ticket: ticket.id.clone(),
        queue: ticket.queue.clone(),
        priority: ticket.priority,
        reason: ticket.handoff.escalation.reason.explain(),
        created_at: ticket.created_at,
        name: ticket.handoff.profile.display_name().map(str::to_owned),
        verified: ticket.verified,
        offline: ticket.status == Status::Offline,
    }
}

impl Session {
    async fn error(&self, code: &str, message: impl Into<String>) {
        Metrics::inc(&self.state.metrics.frames_rejected);
        self.out
            .send(ServerToAgent::Error {
                code: code.to_owned(),
                message: message.into(),
            })
            .await;
    }

    async fn internal(&self, error: StoreError) {
        tracing::error!(error = %error, "storage failed on an agent socket");
        self.error("internal", "the server could not do that; please retry")
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
        if let Ok(woken) = self.state.store.wake_offline().await
            && woken > 0
        {
            tracing::info!(tickets = woken, "offline tickets queued for an agent");
        }
        self.snapshot().await;
        let state = self.state.clone();
        let out = self.out.clone();
        self.queue = Some(AbortOnDrop(tokio::spawn(follow_queue(state, out, updates))));
    }

    async fn snapshot(&self) {
        match queue_snapshot(&self.state).await {
            Ok(items) => {
                self.out.send(ServerToAgent::QueueSnapshot { items }).await;
            }
            Err(e) => self.internal(e).await,
        }
    }

    async fn handle(&mut self, text: &str) -> Result<(), Refusal> {
        if !self.bucket.take() {
            return Err((close::POLICY, "too many frames, slow down"));
        }
        let frame: Frame<AgentFrame> = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(e) => {
                self.error("bad_frame", format!("not an agent frame: {e}"))
                    .await;
                return Ok(());
            }
        };
        match frame.body {
            AgentFrame::Login { .. } => {}
            AgentFrame::Claim { ticket } => self.claim(&ticket).await,
            AgentFrame::Message { ticket, id, text } => {
                return self.message(&ticket, &id, &text).await;
            }
            AgentFrame::Close { ticket, resolution } => self.close(&ticket, &resolution).await,
            AgentFrame::FlagMisfire { ticket, kind } => {
                // The agent who has (or closed) the ticket judges its escalation.
                match self.state.store.ticket(&ticket).await {
                    Ok(Some(t)) if t.claimed_by.as_deref() == Some(&self.agent.name) => {
                        if let Err(e) = self.state.store.flag_misfire(&ticket, kind).await {
                            self.internal(e).await;
                        }
                    }
                    Ok(_) => {
                        self.error("not_yours", "only the agent who took a ticket can flag it")
                            .await
                    }
                    Err(e) => self.internal(e).await,
                }
            }
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
        Ok(())
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
                self.state
                    .hub
                    .publish_queue(QueueEvent::Remove(id.to_owned()));
                tracing::info!(ticket = %id, agent = %self.agent.name, "claimed");
            }
            Ok(Claim::AlreadyYours) => {}
            Ok(Claim::Taken) => return self.error("taken", "another agent has this ticket").await,
            Ok(Claim::Unavailable) => {
                return self
                    .error("unavailable", "no open ticket has this id")
                    .await;
            }
            Err(e) => return self.internal(e).await,
        }
        let view = match ticket_view(&self.state, id).await {
            Ok(Some(view)) => view,
            Ok(None) => return self.error("unavailable", "no ticket has this id").await,
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

    async fn message(&mut self, ticket: &str, id: &str, text: &str) -> Result<(), Refusal> {
        if text.len() > self.state.limits.message_bytes {
            return Err((close::TOO_BIG, "message longer than 16 KB"));
        }
        if id.is_empty()
            || id.len() > 128
            || id.starts_with("transcript:")
            || text.trim().is_empty()
        {
            self.error(
                "bad_frame",
                "a message needs an id of 1–128 characters and some text",
            )
            .await;
            return Ok(());
        }
        match self.holds(ticket).await {
            Ok(true) => {}
            Ok(false) => {
                self.error("not_yours", "claim the ticket before replying")
                    .await;
                return Ok(());
            }
            Err(e) => {
                self.internal(e).await;
                return Ok(());
            }
        }
        let new = NewMessage {
            ticket,
            client_id: id,
            author: Author::Agent,
            text,
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
        Ok(())
    }

    async fn close(&mut self, ticket: &str, resolution: &str) {
        if resolution.len() > self.state.limits.message_bytes {
            return self
                .error("bad_frame", "the resolution is longer than 16 KB")
                .await;
        }
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
                self.error("not_yours", "only the agent holding a ticket can close it")
                    .await
            }
            Err(e) => self.internal(e).await,
        }
    }

    async fn transfer(&mut self, ticket: &str, queue: &str) {
        if !valid_queue_name(queue) {
            return self.error("bad_frame", QUEUE_NAME_RULE).await;
        }
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
                    self.state
                        .hub
                        .publish_queue(QueueEvent::Upsert(queue_item(&t)));
                }
            }
            Ok(false) => {
                self.error(
                    "not_yours",
                    "only the agent holding a ticket can transfer it",
                )
                .await
            }
            Err(e) => self.internal(e).await,
        }
    }
}

/// Waiting tickets, most urgent first.
pub async fn queue_snapshot(state: &AppState) -> Result<Vec<QueueItem>, StoreError> {
    let mut open: Vec<Ticket> = state
        .store
        .open_tickets()
        .await?
        .into_iter()
        .filter(|t| matches!(t.status, Status::Queued | Status::Offline))
        .collect();
    open.sort_by_key(|t| queue_key(t.priority, t.created_at));
    Ok(open.iter().map(queue_item).collect())
}

async fn follow_queue(state: AppState, out: Outbox, mut updates: broadcast::Receiver<QueueEvent>) {
    loop {
        let frame = match updates.recv().await {
            Ok(QueueEvent::Upsert(item)) => ServerToAgent::QueueUpdate { item },
            Ok(QueueEvent::Remove(ticket)) => ServerToAgent::QueueRemove { ticket },
            Err(broadcast::error::RecvError::Lagged(_)) => match queue_snapshot(&state).await {
                Ok(items) => ServerToAgent::QueueSnapshot { items },
                Err(_) => continue,
            },
            Err(broadcast::error::RecvError::Closed) => return,
        };
        if !out.send(frame).await {
            return;
        }
    }
}

/// The whole ticket for the workspace.
pub async fn ticket_view(state: &AppState, id: &str) -> Result<Option<TicketView>, StoreError> {
    let Some(ticket) = state.store.ticket(id).await? else {
        return Ok(None);
    };
    let messages = state.store.messages_after(id, 0).await?;
    let site = &state.site.site;
    let handoff = &ticket.handoff;
    let mut firings = handoff.trace.clone();
    firings.extend(ticket.server_trace.iter().cloned());
    let values = Values {
        fields: &handoff.fields,
        profile: &handoff.profile.attributes,
    };
    let scripts = site.aids.suggest_scripts(&firings, &values);
    let folded: Vec<String> = messages
        .iter()
        .filter(|m| m.author == Author::Visitor)
        .map(|m| fold(&m.text))
        .collect();
    let kb = site
        .aids
        .kb_links(folded.iter().map(String::as_str))
        .into_iter()
        .map(|l| KbLinkView {
            title: l.title.clone(),
            url: l.url.clone(),
        })
        .collect();
    let brand_voice = site.aids.brand_voice.as_ref().map(|v| BrandVoiceView {
        tone: v.tone.clone(),
        dos: v.dos.clone(),
        donts: v.donts.clone(),
    });
    Ok(Some(TicketView {
        ticket: ticket.id.clone(),
        queue: ticket.queue.clone(),
        priority: ticket.priority,
        created_at: ticket.created_at,
        reason: handoff.escalation.reason.explain(),
        handoff: handoff.clone(),
        verified: ticket.verified,
        server_trace: ticket.server_trace.clone(),
        disagreement: ticket.disagreement.clone(),
        messages: messages.into_iter().map(message_view).collect(),
        scripts,
        kb,
        brand_voice,
    }))
}

fn message_view(m: StoredMessage) -> MessageView {
    MessageView {
        seq: m.seq,
        from: m.author,
        text: m.text,
        at: m.at,
        sentiment: m.sentiment,
        id: (m.author == Author::Agent).then_some(m.client_id),
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
