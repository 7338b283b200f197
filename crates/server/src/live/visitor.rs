//! `/ws/visitor`: the widget's socket after a handoff.
//!
//! A socket says `hello` (new, or resuming with the token from `welcome` and the last
//! sequence number it holds), then sends one `handoff` and chat `message`s.
//!
//! A socket reads frames of a chat message's size ([`Limits::chat_frame_bytes`]). The large
//! allowance a handoff's transcript needs ([`Limits::frame_bytes`]) is granted only to a
//! socket opened as `/ws/visitor?handoff`, for one frame, and paid for up front from the
//! address's handoffs: no socket holds the server to more than one large frame, and a
//! flood of them costs the address its handoffs before any is read.
//!
//! [`Limits::chat_frame_bytes`]: crate::live::limits::Limits::chat_frame_bytes
//! [`Limits::frame_bytes`]: crate::live::limits::Limits::frame_bytes
//!
//! Every message is
//! stored before anyone sees it; the sender's own message comes back with its id as the
//! acknowledgement. A retried handoff or message (same id) is found, not stored again.

use std::sync::Arc;

use tokio::sync::mpsc;

use axum::extract::ws::WebSocket;
use axum::extract::{RawQuery, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use baton_core::protocol::{ErrorCode, Handoff, ServerToVisitor, VisitorFrame};
use baton_core::sentiment;
use baton_core::transcript::Author;

use crate::clock::now;
use crate::live::addresses::{Address, Held, Hold, Spend};
use crate::live::frames::{Checked, Rejection, parse_visitor};
use crate::live::hub::{self, Live, QueueEvent};
use crate::live::intake;
use crate::live::metrics::{Metrics, SocketGauge};
use crate::live::socket::{self, AbortOnDrop, Bucket, Frames, Outbox, Refusal, close};
use crate::live::state::AppState;
use crate::live::views::{position, queue_item, waiting_count};
use crate::store::{NewMessage, Status, StoreError, StoredMessage, Ticket};

/// Upgrades to a visitor socket if the page's origin may embed the widget and its address
/// holds fewer than [`Limits::address_sockets`] already; `?handoff` asks for the handoff's
/// frame allowance and spends one of the address's handoffs (429 when none is left).
///
/// [`Limits::address_sockets`]: crate::live::limits::Limits::address_sockets
pub async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    address: Address,
    RawQuery(query): RawQuery,
    ws: WebSocketUpgrade,
) -> Response {
    if !state.origin_allowed(&headers) {
        Metrics::inc(&state.metrics.frames_rejected);
        return (
            StatusCode::FORBIDDEN,
            "this origin may not open a chat for this site",
        )
            .into_response();
    }
    let Some(held) = state.addresses.hold(address, Hold::Socket) else {
        return refused(&state, "10", "too many chats open from this address");
    };
    let for_handoff = query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|p| p == "handoff" || p.starts_with("handoff="))
    });
    if for_handoff && !state.addresses.spend(address, Spend::Handoff) {
        return refused(
            &state,
            "5",
            "too many handoffs from this address; try again later",
        );
    }
    let limits = &state.limits;
    let largest = if for_handoff {
        limits.frame_bytes
    } else {
        limits.chat_frame_bytes()
    };
    socket::sized(ws, limits, largest)
        .on_upgrade(move |socket| run(state, socket, address, held, for_handoff))
}

/// A 429 for an address over one of its limits, counted.
fn refused(state: &AppState, retry_after: &'static str, why: &'static str) -> Response {
    Metrics::inc(&state.metrics.address_refusals);
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(axum::http::header::RETRY_AFTER, retry_after)],
        why,
    )
        .into_response()
}

struct Session {
    state: AppState,
    out: Outbox,
    ticket: Option<Ticket>,
    pump: Option<AbortOnDrop>,
    /// Messages on their way to the store, in order (see [`write_messages`]).
    writer: Option<mpsc::Sender<Pending>>,
    bucket: Bucket,
    /// The client's address, which handoffs are counted against.
    address: Address,
    /// Opened as `?handoff` and not used yet: one frame larger than a chat frame may come.
    large_frame: bool,
    /// Opened as `?handoff`: the socket's first handoff is paid for.
    handoff_paid: bool,
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
                    code: ErrorCode::Internal,
                    message: "the server could not store that; please retry".to_owned(),
                })
                .await;
            }
        }
        batch.clear();
    }
}

async fn run(state: AppState, socket: WebSocket, address: Address, held: Held, for_handoff: bool) {
    // The address's place is given back when the socket ends.
    let _held = held;
    let metrics = Arc::clone(&state.metrics);
    let _open = SocketGauge::open(&metrics.visitor_sockets);
    let (out, stream) = socket::split(socket);
    let limits = state.limits.clone();
    let session = Session {
        bucket: Bucket::new(limits.burst, limits.per_second),
        state,
        out: out.clone(),
        ticket: None,
        pump: None,
        writer: None,
        address,
        large_frame: for_handoff,
        handoff_paid: for_handoff,
    };
    socket::serve_frames(session, stream, &out, &limits, &metrics.frames_rejected).await;
}

impl Session {
    async fn error(&self, code: ErrorCode, message: impl Into<String>) {
        Metrics::inc(&self.state.metrics.frames_rejected);
        self.out
            .send(ServerToVisitor::Error {
                code,
                message: message.into(),
            })
            .await;
    }

    /// Parses a frame and applies it; a frame that does not parse is answered or closes the
    /// socket, as its [`Rejection`] says.
    async fn handle(&mut self, text: &str) -> Result<(), Refusal> {
        if !self.bucket.take() {
            return Err((close::POLICY, "too many messages, slow down".to_owned()));
        }
        let chat_frame = self.state.limits.chat_frame_bytes();
        if text.len() > chat_frame && !std::mem::take(&mut self.large_frame) {
            return Err((
                close::TOO_BIG,
                format!(
                    "a frame over {} is a handoff's, once, on a socket opened with ?handoff",
                    crate::live::frames::size(chat_frame)
                ),
            ));
        }
        match parse_visitor(text, &self.state.limits) {
            Ok(frame) => self.apply(frame).await,
            Err(Rejection::Answer { code, message }) => {
                self.error(code, message).await;
                Ok(())
            }
            Err(Rejection::Close { code, reason }) => Err((code, reason)),
        }
    }

    async fn apply(&mut self, frame: Checked<VisitorFrame>) -> Result<(), Refusal> {
        match frame.into_inner() {
            VisitorFrame::Hello {
                site,
                resume,
                last_seq,
            } => return self.hello(&site, resume.as_deref(), last_seq).await,
            VisitorFrame::Handoff { id, handoff } => {
                // A `?handoff` socket paid for its first handoff when it opened.
                let paid = std::mem::take(&mut self.handoff_paid);
                if !paid && !self.state.addresses.spend(self.address, Spend::Handoff) {
                    Metrics::inc(&self.state.metrics.address_refusals);
                    // The widget keeps the handoff and sends it again on its next socket.
                    return Err((
                        close::POLICY,
                        "too many handoffs from this address; try again later".to_owned(),
                    ));
                }
                self.handoff(&id, *handoff).await;
            }
            VisitorFrame::Message { id, text } => self.message(id, &text).await,
            VisitorFrame::Typing => {
                if let Some(ticket) = &self.ticket {
                    self.state.hub.publish(
                        &ticket.id,
                        Live::Typing {
                            from: Author::Visitor,
                        },
                    );
                }
            }
            VisitorFrame::Csat { score, comment, .. } => self.csat(score, comment.as_deref()).await,
            VisitorFrame::LeaveEmail { email } => self.leave_email(&email).await,
        }
        Ok(())
    }

    async fn hello(
        &mut self,
        site: &str,
        resume: Option<&str>,
        last_seq: u64,
    ) -> Result<(), Refusal> {
        if site != self.state.site.site.id {
            return Err((close::POLICY, "this server serves another site".to_owned()));
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
                    ErrorCode::UnknownConversation,
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

    /// Takes a handoff in: stored as a ticket (or found, for a retry), announced to agents,
    /// acknowledged with `welcome` and `queued`, then followed.
    async fn handoff(&mut self, id: &str, handoff: Handoff) {
        Metrics::inc(&self.state.metrics.handoffs);
        let at = now();
        let (Ok(ticket), Ok(resume)) = (
            crate::live::secret::random_id("t"),
            crate::live::secret::random_token(24),
        ) else {
            return self
                .error(
                    ErrorCode::Internal,
                    "the server could not create a conversation",
                )
                .await;
        };
        let opening = intake::Opening {
            ticket,
            resume,
            status: if self.answering(at) {
                Status::Queued
            } else {
                Status::Offline
            },
            at,
        };
        let transcript_len = handoff.transcript.entries.len() as u64;
        let limits = &self.state.limits;
        let admission = match intake::admit(id, handoff, &self.state.site, limits, opening) {
            Ok(admission) => admission,
            Err(e) => return self.error(e.code(), e.to_string()).await,
        };
        self.count(&admission);
        let (ticket, created) = match self.state.store.create_ticket(admission.ticket).await {
            Ok(result) => result,
            Err(e) => return self.internal(e).await,
        };
        // Subscribed before agents can see the ticket: a claim that comes at once still
        // reaches this socket as `agent_joined`.
        let room = self.state.hub.subscribe(&ticket.id);
        if created {
            Metrics::inc(&self.state.metrics.tickets_created);
            tracing::info!(ticket = %ticket.id, queue = %ticket.queue, priority = ?ticket.priority, "ticket created");
            let waiting = waiting_count(self.state.store.as_ref()).await;
            self.state.hub.publish_queue(QueueEvent::Upsert {
                item: queue_item(&ticket),
                waiting,
            });
        }
        self.welcome(&ticket).await;
        let position = position(self.state.store.as_ref(), &ticket).await;
        let agents_online = self.answering(now());
        self.out
            .send(ServerToVisitor::Queued {
                position,
                agents_online,
            })
            .await;
        // The widget holds the transcript it sent; deliver from there on.
        self.follow_room(ticket, transcript_len, room);
    }

    /// Counts (and logs) what the intake noticed.
    fn count(&self, admission: &intake::Admission) {
        let metrics = &self.state.metrics;
        if admission.variant_mismatch {
            Metrics::inc(&metrics.variant_mismatches);
        }
        if let Some(reason) = &admission.token_error {
            Metrics::inc(&metrics.tokens_rejected);
            tracing::info!(reason = %reason, "profile token refused; profile shown as unverified");
        }
        if admission.ticket.disagreement.is_some() {
            Metrics::inc(&metrics.disagreements);
        }
    }

    /// Whether someone can answer now: an agent is online and it is within business hours.
    fn answering(&self, at: baton_core::Millis) -> bool {
        self.state.hub.agents_online() > 0 && self.state.site.site.hours.is_open(at)
    }

    async fn message(&mut self, id: String, text: &str) {
        if self.ticket.is_none() {
            return self
                .error(
                    ErrorCode::NoConversation,
                    "send a handoff (or resume) before messages",
                )
                .await;
        }
        let pending = Pending {
            id,
            text: self.state.site.site.redactor.redact(text).into_owned(),
            at: now(),
            sentiment: sentiment::score(text),
        };
        let queued = match &self.writer {
            Some(writer) => writer.send(pending).await.is_ok(),
            None => false,
        };
        if !queued {
            self.error(
                ErrorCode::Internal,
                "the server could not store that; please retry",
            )
            .await;
        }
    }

    async fn csat(&mut self, score: u8, comment: Option<&str>) {
        let Some(ticket) = &self.ticket else {
            return self
                .error(ErrorCode::NoConversation, "nothing to rate yet")
                .await;
        };
        // Redacted again: the widget does, but a client that does not is not trusted to.
        let redactor = &self.state.site.site.redactor;
        let comment = comment.map(|c| redactor.redact(c));
        if let Err(e) = self
            .state
            .store
            .rate(&ticket.id, score, comment.as_deref())
            .await
        {
            self.internal(e).await;
        }
    }

    async fn leave_email(&mut self, email: &str) {
        let Some(ticket) = &self.ticket else {
            return self
                .error(ErrorCode::NoConversation, "send a handoff first")
                .await;
        };
        // The address is kept (an agent answers there); a card number in it is not.
        let email = baton_core::redact::Redactor::cards_only(email);
        if let Err(e) = self.state.store.leave_email(&ticket.id, &email).await {
            self.internal(e).await;
        }
    }

    async fn internal(&self, error: StoreError) {
        tracing::error!(error = %error, "storage failed on a visitor socket");
        self.error(
            ErrorCode::Internal,
            "the server could not store that; please retry",
        )
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
