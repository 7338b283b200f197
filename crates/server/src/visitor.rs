//! `/ws/visitor`: the widget's socket after a handoff.
//!
//! A socket says `hello` (new, or resuming with the token from `welcome` and the last
//! sequence number it holds), then sends one `handoff` and chat `message`s. Every message is
//! stored before anyone sees it; the sender's own message comes back with its id as the
//! acknowledgement. A retried handoff or message (same id) is found, not stored again.

use std::sync::Arc;

use tokio::sync::mpsc;

use axum::extract::ws::WebSocket;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use baton_core::protocol::{Frame, ServerToVisitor, VisitorFrame};
use baton_core::queue::queue_key;
use baton_core::sentiment;
use baton_core::transcript::Author;

use crate::hub::{self, Live, QueueEvent};
use crate::intake;
use crate::metrics::{Metrics, SocketGauge};
use crate::socket::{self, AbortOnDrop, Bucket, Frames, Outbox, Refusal, close};
use crate::state::{AppState, now};
use crate::store::{NewMessage, NewTicket, Status, StoredMessage, Ticket};

/// Upgrades to a visitor socket if the page's origin may embed the widget.
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !origin_allowed(&state, &headers) {
        Metrics::inc(&state.metrics.frames_rejected);
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open a chat for this site",
        )
            .into_response();
    }
    let limits = &state.limits;
    socket::sized(ws, limits).on_upgrade(move |socket| run(state, socket))
}

/// Browsers always send `Origin` on websocket handshakes; it must be one of the site's
/// origins or the server's own. Clients that send none are not browsers and gain nothing a
/// browser page could not.
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let own = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| {
            origin == format!("http://{host}") || origin == format!("https://{host}")
        });
    own || state.site.site.origins.iter().any(|o| o == origin)
}

struct Session {
    state: AppState,
    out: Outbox,
    ticket: Option<Ticket>,
    pump: Option<AbortOnDrop>,
    /// Messages on their way to the store, in order (see [`write_messages`]).
    writer: Option<mpsc::Sender<Pending>>,
    bucket: Bucket,
}

/// A visitor message accepted from the socket, not yet stored (so not yet acknowledged).
struct Pending {
    id: String,
    text: String,
    at: baton_core::Millis,
    sentiment: f32,
}

/// Most messages committed in one transaction.
const BATCH: usize = 256;

/// Stores a socket's messages in arrival order, every message waiting at that moment in one
/// transaction, and relays each new one after the commit. The socket keeps reading while a
/// commit is in flight; the acknowledgement is the stored message coming back through the
/// room. Ends when the socket is gone and the queue is empty.
async fn write_messages(
    state: AppState,
    ticket: String,
    mut queue: mpsc::Receiver<Pending>,
    out: Outbox,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let new: Vec<NewMessage<'_>> = batch
            .iter()
            .map(|p| NewMessage {
                ticket: &ticket,
                client_id: &p.id,
                author: Author::Visitor,
                text: &p.text,
                at: p.at,
                sentiment: Some(p.sentiment),
            })
            .collect();
        match state.store.append_messages(&new).await {
            Ok(stored) => {
                Metrics::inc(&state.metrics.visitor_commits);
                for (message, inserted) in stored {
                    // A retry of a stored message is not relayed again: this socket follows
                    // the ticket, so the stored copy (the acknowledgement) reached the client
                    // in the backlog already or is about to.
                    if inserted {
                        Metrics::inc(&state.metrics.visitor_messages);
                        state.hub.publish(&ticket, Live::Message(message));
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "storing visitor messages failed");
                Metrics::inc(&state.metrics.frames_rejected);
                // Not acknowledged, so the widget sends them again.
                out.send(ServerToVisitor::Error {
                    code: "internal".to_owned(),
                    message: "the server could not store that; please retry".to_owned(),
                })
                .await;
            }
        }
        batch.clear();
    }
}

async fn run(state: AppState, socket: WebSocket) {
    let metrics = Arc::clone(&state.metrics);
    let _open = SocketGauge::open(&metrics.visitor_sockets);
    let (out, mut stream) = socket::split(socket);
    let limits = state.limits.clone();
    let mut session = Session {
        bucket: Bucket::new(limits.burst, limits.per_second),
        state,
        out: out.clone(),
        ticket: None,
        pump: None,
        writer: None,
    };
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

impl Session {
    async fn error(&self, code: &str, message: impl Into<String>) {
        Metrics::inc(&self.state.metrics.frames_rejected);
        self.out
            .send(ServerToVisitor::Error {
                code: code.to_owned(),
                message: message.into(),
            })
            .await;
    }

    async fn handle(&mut self, text: &str) -> Result<(), Refusal> {
        if !self.bucket.take() {
            return Err((close::POLICY, "too many messages, slow down"));
        }
        let frame: Frame<VisitorFrame> = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(e) => {
                self.error("bad_frame", format!("not a visitor frame: {e}"))
                    .await;
                return Ok(());
            }
        };
        if frame.v != baton_core::protocol::PROTOCOL_VERSION {
            self.error(
                "version",
                format!("protocol version {} is not supported, use 1", frame.v),
            )
            .await;
            return Ok(());
        }
        match frame.body {
            VisitorFrame::Hello {
                site,
                resume,
                last_seq,
            } => self.hello(&site, resume.as_deref(), last_seq).await,
            VisitorFrame::Handoff { id, handoff } => self.handoff(&id, *handoff).await,
            VisitorFrame::Message { id, text } => self.message(&id, &text).await,
            VisitorFrame::Typing => {
                if let Some(ticket) = &self.ticket {
                    self.state.hub.publish(
                        &ticket.id,
                        Live::Typing {
                            from: Author::Visitor,
                        },
                    );
                }
                Ok(())
            }
            VisitorFrame::Csat { score, comment, .. } => self.csat(score, comment.as_deref()).await,
            VisitorFrame::LeaveEmail { email } => self.leave_email(&email).await,
        }
    }

    async fn hello(
        &mut self,
        site: &str,
        resume: Option<&str>,
        last_seq: u64,
    ) -> Result<(), Refusal> {
        if site != self.state.site.site.id {
            return Err((close::POLICY, "this server serves another site"));
        }
        let Some(token) = resume else {
            return Ok(());
        };
        match self.state.store.ticket_by_resume(token).await {
            Ok(Some(ticket)) => {
                self.welcome(&ticket).await;
                if let (Status::Claimed, Some(name)) = (ticket.status, &ticket.claimed_by) {
                    self.out
                        .send(ServerToVisitor::AgentJoined { name: name.clone() })
                        .await;
                }
                if ticket.status == Status::Closed {
                    self.out.send(ServerToVisitor::Closed).await;
                }
                self.follow(ticket, last_seq);
            }
            Ok(None) => {
                self.error(
                    "unknown_conversation",
                    "no conversation has this resume token",
                )
                .await
            }
            Err(e) => self.internal(e).await,
        }
        Ok(())
    }

    async fn welcome(&self, ticket: &Ticket) {
        self.out
            .send(ServerToVisitor::Welcome {
                conversation: ticket.id.clone(),
                resume: ticket.resume_token.clone(),
            })
            .await;
    }

    /// Starts delivering the ticket's messages after `after`, then live events.
    fn follow(&mut self, ticket: Ticket, after: u64) {
        let room = self.state.hub.subscribe(&ticket.id);
        self.follow_room(ticket, after, room);
    }

    /// [`Session::follow`] with a room subscribed earlier, so nothing published since the
    /// subscription (an agent joining right away) is missed.
    fn follow_room(
        &mut self,
        ticket: Ticket,
        after: u64,
        room: tokio::sync::broadcast::Receiver<Live>,
    ) {
        let store = Arc::clone(&self.state.store);
        let out = self.out.clone();
        let id = ticket.id.clone();
        let (writer, queue) = mpsc::channel(BATCH);
        tokio::spawn(write_messages(
            self.state.clone(),
            id.clone(),
            queue,
            out.clone(),
        ));
        self.writer = Some(writer);
        self.ticket = Some(ticket);
        self.pump = Some(AbortOnDrop(tokio::spawn(async move {
            if let Err(e) = hub::pump(&*store, room, &id, after, &out, to_visitor).await {
                tracing::error!(ticket = %id, error = %e, "visitor delivery stopped");
            }
        })));
    }

    async fn handoff(
        &mut self,
        id: &str,
        mut handoff: baton_core::protocol::Handoff,
    ) -> Result<(), Refusal> {
        Metrics::inc(&self.state.metrics.handoffs);
        if id.is_empty() || id.len() > 128 {
            self.error("bad_frame", "a handoff needs an id of 1–128 characters")
                .await;
            return Ok(());
        }
        let site = &self.state.site;
        if let Err(e) = intake::check(&handoff, &site.site, self.state.limits.message_bytes) {
            self.error("bad_handoff", e.to_string()).await;
            return Ok(());
        }
        // The widget redacts already; a client that does not is not trusted to. Nor is it
        // trusted with its experiment variants.
        handoff.redact(&site.site.redactor);
        if intake::assign_variants(&mut handoff.variants, &site.site, &handoff.visitor) {
            Metrics::inc(&self.state.metrics.variant_mismatches);
        }
        let at = now();
        let assessment = intake::assess(&handoff, &site.site, site.secret.as_deref(), at);
        if let Some(reason) = &assessment.token_error {
            Metrics::inc(&self.state.metrics.tokens_rejected);
            tracing::info!(reason = %reason, "profile token refused; profile shown as unverified");
        }
        if assessment.disagreement.is_some() {
            Metrics::inc(&self.state.metrics.disagreements);
        }
        let (Ok(ticket_id), Ok(resume)) = (
            crate::secret::random_id("t"),
            crate::secret::random_token(24),
        ) else {
            self.error("internal", "the server could not create a conversation")
                .await;
            return Ok(());
        };
        let transcript_len = handoff.transcript.entries.len() as u64;
        let status = if self.answering(at) {
            Status::Queued
        } else {
            Status::Offline
        };
        let new = NewTicket {
            id: ticket_id,
            site: site.site.id.clone(),
            handoff_id: id.to_owned(),
            resume_token: resume,
            queue: assessment.queue,
            priority: assessment.priority,
            status,
            handoff,
            verified: assessment.verified,
            server_trace: assessment.server_trace,
            disagreement: assessment.disagreement,
            created_at: at,
            sentiments: assessment.sentiments,
        };
        let (ticket, created) = match self.state.store.create_ticket(new).await {
            Ok(result) => result,
            Err(e) => {
                self.internal(e).await;
                return Ok(());
            }
        };
        // Subscribed before agents can see the ticket: a claim that comes at once still
        // reaches this socket as `agent_joined`.
        let room = self.state.hub.subscribe(&ticket.id);
        if created {
            Metrics::inc(&self.state.metrics.tickets_created);
            tracing::info!(ticket = %ticket.id, queue = %ticket.queue, priority = ?ticket.priority, "ticket created");
            self.state
                .hub
                .publish_queue(QueueEvent::Upsert(crate::agent::queue_item(&ticket)));
        }
        self.welcome(&ticket).await;
        let position = self.position(&ticket).await;
        let agents_online = self.answering(now());
        self.out
            .send(ServerToVisitor::Queued {
                position,
                agents_online,
            })
            .await;
        // The widget holds the transcript it sent; deliver from there on.
        self.follow_room(ticket, transcript_len, room);
        Ok(())
    }

    /// Whether someone can answer now: an agent is online and it is within business hours.
    fn answering(&self, at: baton_core::Millis) -> bool {
        self.state.hub.agents_online() > 0 && self.state.site.site.hours.is_open(at)
    }

    async fn position(&self, ticket: &Ticket) -> u32 {
        let mine = queue_key(ticket.priority, ticket.created_at);
        match self.state.store.open_tickets().await {
            Ok(open) => {
                let ahead = open
                    .iter()
                    .filter(|t| {
                        matches!(t.status, Status::Queued | Status::Offline) && t.id != ticket.id
                    })
                    .filter(|t| queue_key(t.priority, t.created_at) < mine)
                    .count();
                u32::try_from(ahead + 1).unwrap_or(u32::MAX)
            }
            Err(_) => 1,
        }
    }

    async fn message(&mut self, id: &str, text: &str) -> Result<(), Refusal> {
        if text.len() > self.state.limits.message_bytes {
            return Err((close::TOO_BIG, "message longer than 16 KB"));
        }
        if self.ticket.is_none() {
            self.error(
                "no_conversation",
                "send a handoff (or resume) before messages",
            )
            .await;
            return Ok(());
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
        let pending = Pending {
            id: id.to_owned(),
            text: self.state.site.site.redactor.redact(text).into_owned(),
            at: now(),
            sentiment: sentiment::score(text),
        };
        let queued = match &self.writer {
            Some(writer) => writer.send(pending).await.is_ok(),
            None => false,
        };
        if !queued {
            self.error("internal", "the server could not store that; please retry")
                .await;
        }
        Ok(())
    }

    async fn csat(&mut self, score: u8, comment: Option<&str>) -> Result<(), Refusal> {
        let Some(ticket) = &self.ticket else {
            self.error("no_conversation", "nothing to rate yet").await;
            return Ok(());
        };
        if !(1..=5).contains(&score)
            || comment.is_some_and(|c| c.len() > self.state.limits.message_bytes)
        {
            self.error(
                "bad_frame",
                "a rating is 1 to 5, with an optional comment up to 16 KB",
            )
            .await;
            return Ok(());
        }
        if let Err(e) = self.state.store.rate(&ticket.id, score, comment).await {
            self.internal(e).await;
        }
        Ok(())
    }

    async fn leave_email(&mut self, email: &str) -> Result<(), Refusal> {
        let Some(ticket) = &self.ticket else {
            self.error("no_conversation", "send a handoff first").await;
            return Ok(());
        };
        let plausible = email.len() <= 254
            && email
                .split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
        if !plausible {
            self.error("bad_email", "that does not look like an email address")
                .await;
            return Ok(());
        }
        if let Err(e) = self.state.store.leave_email(&ticket.id, email).await {
            self.internal(e).await;
        }
        Ok(())
    }

    async fn internal(&self, error: crate::store::StoreError) {
        tracing::error!(error = %error, "storage failed on a visitor socket");
        self.error("internal", "the server could not store that; please retry")
            .await;
    }
}

/// The frame a visitor sees for a live event.
fn to_visitor(live: Live) -> Option<ServerToVisitor> {
    Some(match live {
        Live::Message(StoredMessage {
            seq,
            author,
            text,
            at,
            client_id,
            ..
        }) => ServerToVisitor::Message {
            seq,
            from: author,
            text,
            id: (author == Author::Visitor).then_some(client_id),
            at,
        },
        Live::AgentJoined { name } => ServerToVisitor::AgentJoined { name },
        Live::AgentLeft => ServerToVisitor::AgentLeft,
        Live::Closed => ServerToVisitor::Closed,
        Live::Typing {
            from: Author::Agent,
        } => ServerToVisitor::Typing,
        Live::Typing { .. } => return None,
    })
}

impl Frames for Session {
    async fn frame(&mut self, text: &str) -> Result<(), Refusal> {
        self.handle(text).await
    }
}
