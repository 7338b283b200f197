//! `baton simulate`: a deterministic traffic generator that drives a real `baton serve` like
//! a crowd of widgets and one agent would. Each synthetic visitor runs a scripted journey
//! through the real engine with the site's config at a start time spread over past days;
//! the widget's part goes over the real endpoints — an outcome beacon for conversations the
//! bot kept, a handoff on `/ws/visitor?handoff` for escalations — and the agent's part over
//! `/ws/agent`: claim, reply, close, sometimes a misfire flag; the visitor rates the chat.
//! The same seed gives the same conversations, so tests and demos can rely on the mix.
//!
//! Ticket times (created, first reply, closed) are the server's own clock: the simulated agent
//! answers within a second, so reply and resolution times of simulated data mean nothing.

use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use baton_core::conversation::{Conversation, Event, Output};
use baton_core::outcome::OutcomeReport;
use baton_core::protocol::{AgentFrame, Frame, Handoff, Misfire, VisitorFrame};
use baton_core::{Millis, Site};
use serde_json::Value;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::review::insights::DAY;

/// SplitMix64: a small, fast generator whose stream depends only on the seed.
#[derive(Debug, Clone)]
pub struct Seeded(u64);

impl Seeded {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..1`.
    pub fn chance(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64().checked_rem(n).unwrap_or(0)
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Server base URL, `http://host:port`.
    pub url: String,
    /// Conversations to generate.
    pub conversations: u64,
    /// Spread their starts over this many days before now.
    pub days: u64,
    /// The seed.
    pub seed: u64,
    /// Agent login.
    pub agent: String,
    /// Agent password.
    pub password: String,
}

/// What was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tally {
    /// Conversations the bot resolved (beacon `resolved`).
    pub resolved: u64,
    /// Conversations left open (beacon `open`).
    pub open: u64,
    /// Conversations handed over (a ticket each).
    pub escalated: u64,
    /// Conversations rated by the visitor: tickets, and journeys the bot resolved.
    pub rated: u64,
    /// Tickets flagged as a misfire.
    pub flagged: u64,
}

/// One visitor action of a script.
#[derive(Debug, Clone, Copy)]
enum Step {
    Choose(usize),
    Say(&'static str),
}

/// Journeys with their weights (percent). Messages of mild frustration escalate only where
/// an experiment's variant lowered the `angry` threshold, so experiments have an effect to
/// find.
const SCRIPTS: &[(u64, &[Step])] = &[
    (
        30,
        &[
            Step::Choose(2),
            Step::Say("how long does shipping take?"),
            Step::Choose(1),
        ],
    ),
    (
        18,
        &[Step::Choose(0), Step::Say("AB123456"), Step::Choose(1)],
    ),
    (
        12,
        &[
            Step::Choose(2),
            Step::Say("can I return shoes I wore once?"),
        ],
    ),
    (10, &[Step::Say("can I talk to a human please")]),
    (
        10,
        &[
            Step::Choose(2),
            // Sentiment -0.46: below the `sensitive` variant's -0.35, above the control's -0.5.
            Step::Say("the parcel is late, which is a shame"),
        ],
    ),
    (
        7,
        &[Step::Say(
            "this is useless and awful, I am furious about my order",
        )],
    ),
    (
        5,
        &[Step::Say("I will talk to my lawyer about this charge")],
    ),
    (
        8,
        &[
            Step::Choose(2),
            Step::Say("blorp"),
            Step::Say("zzzz qqq"),
            Step::Say("fnord wibble"),
        ],
    ),
];

/// Plays one script through the engine; answers site API calls as the demo shop would.
fn play(site: &Arc<Site>, visitor: &str, start: Millis, script: &[Step]) -> Conversation {
    let mut chat = Conversation::new(Arc::clone(site), visitor);
    let mut at = start;
    chat.handle(Event::Start { page: None }, at);
    for step in script {
        if chat.escalation().is_some() || chat.ended() {
            break;
        }
        at += 4_000;
        let event = match *step {
            Step::Choose(index) => Event::Choice { index },
            Step::Say(text) => Event::Text { text: text.into() },
        };
        let mut outputs = chat.handle(event, at);
        // A site call the journey makes: answered at once, as the demo shop's API does.
        while let Some(id) = outputs.iter().find_map(|o| match o {
            Output::Fetch(request) => Some(request.id),
            _ => None,
        }) {
            at += 300;
            let outcome = Ok(serde_json::json!({"status": "shipped", "eta": "Friday"}));
            outputs = chat.handle(Event::FetchResult { id, outcome }, at);
        }
    }
    chat
}

fn pick_script(rng: &mut Seeded) -> &'static [Step] {
    let total: u64 = SCRIPTS.iter().map(|(w, _)| w).sum();
    let mut roll = rng.below(total);
    for (weight, script) in SCRIPTS {
        if roll < *weight {
            return script;
        }
        roll -= weight;
    }
    SCRIPTS[0].1
}

type Socket = WebSocket<MaybeTlsStream<TcpStream>>;

/// Generates `plan.conversations` conversations against the server; `progress(done, total)`
/// after each.
pub fn run(
    site: &Arc<Site>,
    plan: &Plan,
    now: Millis,
    mut progress: impl FnMut(usize, usize),
) -> Result<Tally, String> {
    let http = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(10))
        .build();
    let token = login(&http, plan)?;
    let ws_url = plan.url.replacen("http", "ws", 1);
    // The agent works in a few tabs, each within the server's per-socket frame rate.
    let mut agents = Vec::new();
    for _ in 0..AGENT_SOCKETS {
        let mut socket = connect(&format!("{ws_url}/ws/agent"))?;
        send(
            &mut socket,
            &AgentFrame::Login {
                token: token.clone(),
            },
        )?;
        until(&mut socket, |f| f["type"] == "welcome")?;
        agents.push(Paced::new(socket));
    }
    let mut rng = Seeded::new(plan.seed);
    let mut tally = Tally::default();
    let mut visitors: Vec<String> = Vec::new();
    let total = usize::try_from(plan.conversations).unwrap_or(usize::MAX);
    let span = plan.days.max(1) * DAY;
    for n in 0..plan.conversations {
        // One in seven is a returning visitor.
        let visitor = if !visitors.is_empty() && rng.below(7) == 0 {
            let index = rng.below(visitors.len() as u64) as usize;
            visitors[index].clone()
        } else {
            let id = format!("sim-{}-{n}", plan.seed);
            visitors.push(id.clone());
            id
        };
        // Starts spread over the period, none in the last hour (so none is still "open").
        let start = now - 3_600_000 - rng.below(span - 3_600_000);
        let script = pick_script(&mut rng);
        let chat = play(site, &visitor, start, script);
        match Handoff::of(&chat, None) {
            Some(handoff) => {
                let agent = &mut agents[(n % AGENT_SOCKETS as u64) as usize];
                hand_over(
                    agent,
                    &ws_url,
                    &format!("sim-h-{n}"),
                    handoff,
                    &mut rng,
                    &mut tally,
                )?;
                tally.escalated += 1;
            }
            None => {
                let mut report = OutcomeReport::of(&chat).ok_or("a conversation did not start")?;
                if chat.ended() {
                    tally.resolved += 1;
                    // The demo's goodbye asks for a rating: three in five give one.
                    if rng.below(5) < 3 {
                        report.csat = Some(3 + rng.below(3) as u8);
                        tally.rated += 1;
                    }
                } else {
                    tally.open += 1;
                }
                let body = serde_json::to_string(&report).map_err(|e| e.to_string())?;
                http.post(&format!("{}/api/outcome", plan.url))
                    .set("Content-Type", "application/json")
                    .send_string(&body)
                    .map_err(|e| format!("the outcome beacon failed: {e}"))?;
            }
        }
        progress(usize::try_from(n + 1).unwrap_or(usize::MAX), total);
    }
    for mut agent in agents {
        let _ = agent.socket.close(None);
        let _ = agent.socket.flush();
    }
    Ok(tally)
}

/// Agent sockets the simulated agent uses in turn.
const AGENT_SOCKETS: usize = 4;
/// Frames a second each agent socket sends at most: under the server's limit of 25.
const AGENT_RATE: f64 = 20.0;

/// An agent socket that keeps to [`AGENT_RATE`] (a token bucket of one second's frames).
struct Paced {
    socket: Socket,
    tokens: f64,
    last: Instant,
}

impl Paced {
    fn new(socket: Socket) -> Paced {
        Paced {
            socket,
            tokens: AGENT_RATE,
            last: Instant::now(),
        }
    }

    fn send(&mut self, frame: &AgentFrame) -> Result<(), String> {
        let now = Instant::now();
        self.tokens = (self.tokens + now.duration_since(self.last).as_secs_f64() * AGENT_RATE)
            .min(AGENT_RATE);
        self.last = now;
        if self.tokens < 1.0 {
            std::thread::sleep(Duration::from_secs_f64((1.0 - self.tokens) / AGENT_RATE));
            self.tokens = 1.0;
            self.last = Instant::now();
        }
        self.tokens -= 1.0;
        send(&mut self.socket, frame)
    }
}

fn login(http: &ureq::Agent, plan: &Plan) -> Result<String, String> {
    let body = serde_json::json!({"name": plan.agent, "password": plan.password}).to_string();
    let answer: Value = http
        .post(&format!("{}/api/login", plan.url))
        .set("Content-Type", "application/json")
        .send_string(&body)
        .map_err(|e| format!("cannot log in as `{}`: {e}", plan.agent))?
        .into_string()
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    answer["token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "the login answer has no token".to_owned())
}

fn connect(url: &str) -> Result<Socket, String> {
    let (socket, _) = tungstenite::connect(url).map_err(|e| format!("cannot open {url}: {e}"))?;
    if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| e.to_string())?;
    }
    Ok(socket)
}

fn send<T: serde::Serialize>(socket: &mut Socket, body: &T) -> Result<(), String> {
    let text = serde_json::to_string(&Frame::new(body)).map_err(|e| e.to_string())?;
    socket
        .send(Message::text(text))
        .map_err(|e| format!("the socket failed: {e}"))
}

/// Reads frames until one satisfies `pick`; errors on a closed socket or a 10 s silence.
fn until(socket: &mut Socket, pick: impl Fn(&Value) -> bool) -> Result<Value, String> {
    loop {
        let message = socket
            .read()
            .map_err(|e| format!("waiting for the server: {e}"))?;
        if let Message::Close(Some(frame)) = &message {
            return Err(format!(
                "the server closed the socket: {} ({})",
                frame.reason, frame.code
            ));
        }
        if let Message::Text(text) = message {
            let frame: Value = serde_json::from_str(&text).unwrap_or_default();
            if pick(&frame) {
                return Ok(frame);
            }
            if frame["type"] == "error" {
                return Err(format!("the server refused: {}", frame["message"]));
            }
        }
    }
}

/// The visitor hands over; the agent claims, replies and closes; the visitor rates; now and
/// then the agent flags a misfire.
fn hand_over(
    agent: &mut Paced,
    ws_url: &str,
    id: &str,
    handoff: Handoff,
    rng: &mut Seeded,
    tally: &mut Tally,
) -> Result<(), String> {
    let site = handoff.site.clone();
    let sensitive = handoff.variants.iter().any(|v| v.variant == "sensitive");
    // As the widget does: a socket that carries a handoff asks for its frame allowance.
    let mut visitor = connect(&format!("{ws_url}/ws/visitor?handoff"))?;
    send(
        &mut visitor,
        &VisitorFrame::Hello {
            site,
            resume: None,
            last_seq: 0,
        },
    )?;
    send(
        &mut visitor,
        &VisitorFrame::Handoff {
            id: id.to_owned(),
            handoff: Box::new(handoff),
        },
    )?;
    let welcome = until(&mut visitor, |f| f["type"] == "welcome")?;
    let ticket = welcome["conversation"]
        .as_str()
        .ok_or("the welcome has no conversation id")?
        .to_owned();
    agent.send(&AgentFrame::Claim {
        ticket: ticket.clone(),
    })?;
    until(&mut agent.socket, |f| {
        f["type"] == "ticket" && f["view"]["ticket"] == ticket.as_str()
    })?;
    let reply = format!("{id}-a");
    agent.send(&AgentFrame::Message {
        ticket: ticket.clone(),
        id: reply.clone(),
        text: "Hello, I'm looking into it now.".into(),
    })?;
    until(&mut agent.socket, |f| {
        f["type"] == "message" && f["id"] == reply.as_str()
    })?;
    agent.send(&AgentFrame::Close {
        ticket: ticket.clone(),
        resolution: "answered".into(),
    })?;
    until(&mut visitor, |f| f["type"] == "closed")?;
    // Four in five rate; visitors of the sensitive variant, handed over sooner, rate higher.
    if rng.below(5) != 0 {
        let score = if sensitive {
            4 + rng.below(2) as u8
        } else {
            2 + rng.below(4) as u8
        };
        send(
            &mut visitor,
            &VisitorFrame::Csat {
                id: Some(format!("{id}-c")),
                score,
                comment: None,
            },
        )?;
        tally.rated += 1;
    }
    if rng.below(10) == 0 {
        agent.send(&AgentFrame::FlagMisfire {
            ticket,
            kind: Misfire::Needless,
        })?;
        tally.flagged += 1;
    }
    let _ = visitor.close(None);
    // Let the close and the rating reach the server before the socket is dropped.
    let _ = visitor.flush();
    Ok(())
}
