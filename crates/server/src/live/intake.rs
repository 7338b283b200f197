//! Turning a widget's handoff into a ticket the server trusts: verify the profile token,
//! re-run the triggers over the transcript with the same engine, set queue and priority
//! from the server's own result, and note where the widget's claim differs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use baton_core::conversation::{Escalation, Event, Reason};
use baton_core::protocol::{ErrorCode, Handoff};
use baton_core::queue::Priority;
use baton_core::redact::Redactor;
use baton_core::transcript::{Author, Entry};
use baton_core::trigger::{Action, Firing};
use baton_core::{Millis, Site, sentiment};

use crate::live::frames::{MAX_ID_BYTES, valid_id};
use crate::live::limits::Limits;
use crate::live::state::SiteEntry;
use crate::live::token;
use crate::store::{NewTicket, Status};

/// Most transcript entries a handoff may carry.
pub const MAX_ENTRIES: usize = 1_000;

/// What the server concluded from a handoff.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Whether the profile token verified.
    pub verified: bool,
    /// Profile attributes the server trusts (from the token; empty when unverified).
    pub trusted: BTreeMap<String, serde_json::Value>,
    /// The server's re-run.
    pub server_trace: Vec<Firing>,
    /// Where the widget's claim and the re-run differ.
    pub disagreement: Option<String>,
    /// Queue to route to.
    pub queue: String,
    /// Priority before waiting time.
    pub priority: Priority,
    /// The server's sentiment per transcript entry (visitor free text only).
    pub sentiments: Vec<Option<f32>>,
    /// Why the token was refused, for the log.
    pub token_error: Option<token::TokenError>,
    /// Per transcript entry: a bot line the re-run did not produce (the widget's claim).
    pub unconfirmed: Vec<bool>,
}

/// A handoff the server will not take.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejected {
    /// The handoff's id is empty or too long.
    #[error("a handoff needs an id of 1–{MAX_ID_BYTES} characters")]
    Id,
    /// For another site.
    #[error("this server serves site `{0}`")]
    WrongSite(String),
    /// Transcript too long.
    #[error("the transcript has more than {MAX_ENTRIES} entries")]
    TooLong,
    /// A message over the size limit.
    #[error("a transcript message is longer than {0} bytes")]
    MessageTooLong(usize),
    /// A line that claims to be an agent's or Baton's own: before the handover only the
    /// visitor and the bot speak, and the server will not store words in anyone else's name.
    #[error("a handoff transcript holds only visitor and bot lines (entry {0} is not)")]
    ForeignLine(usize),
}

impl Rejected {
    /// The error frame's code: a bad id is a bad frame, the rest a bad handoff.
    pub fn code(&self) -> ErrorCode {
        match self {
            Rejected::Id => ErrorCode::BadFrame,
            _ => ErrorCode::BadHandoff,
        }
    }
}

/// A handoff taken in: the ticket to store, and what the server noticed on the way.
#[derive(Debug)]
pub struct Admission {
    /// The ticket, routed by the server's own assessment.
    pub ticket: NewTicket,
    /// Why the profile token was refused, if it was (for the log).
    pub token_error: Option<token::TokenError>,
    /// Whether the widget claimed other experiment variants than the server assigns.
    pub variant_mismatch: bool,
}

/// Where a new ticket starts, and what identifies it; chosen by the caller (the ids are
/// random, the status depends on who is online).
#[derive(Debug)]
pub struct Opening {
    /// The ticket's id.
    pub ticket: String,
    /// The visitor's resume token.
    pub resume: String,
    /// `queued`, or `offline` when nobody can answer.
    pub status: Status,
    /// When the handoff arrived.
    pub at: Millis,
}

/// Checks, redacts and assesses the handoff `id` for `entry`'s site: the pure part of taking
/// a handoff in, from the frame to the ticket to store. The widget redacts already; a client
/// that does not is not trusted to, nor with its experiment variants.
pub fn admit(
    id: &str,
    mut handoff: Handoff,
    entry: &SiteEntry,
    limits: &Limits,
    opening: Opening,
) -> Result<Admission, Rejected> {
    if !valid_id(id) {
        return Err(Rejected::Id);
    }
    let site = &entry.site;
    check(&handoff, site, limits.message_bytes)?;
    handoff.redact(&site.redactor);
    let variant_mismatch = assign_variants(&mut handoff.variants, site, &handoff.visitor);
    let lifetime = limits.token_lifetime.as_secs();
    let assessment = assess(
        &handoff,
        site,
        entry.secret.as_deref(),
        opening.at,
        lifetime,
    );
    // The raw token is a bearer credential: checked, it is not kept (agents see whether it
    // verified, never the token).
    handoff.token = None;
    for (entry, unconfirmed) in handoff
        .transcript
        .entries
        .iter_mut()
        .zip(&assessment.unconfirmed)
    {
        entry.unconfirmed = *unconfirmed;
    }
    Ok(Admission {
        ticket: NewTicket {
            id: opening.ticket,
            site: site.id.clone(),
            handoff_id: id.to_owned(),
            resume_token: opening.resume,
            queue: assessment.queue,
            priority: assessment.priority,
            status: opening.status,
            handoff,
            verified: assessment.verified,
            server_trace: assessment.server_trace,
            disagreement: assessment.disagreement,
            created_at: opening.at,
            sentiments: assessment.sentiments,
        },
        token_error: assessment.token_error,
        variant_mismatch,
    })
}

/// Checks a handoff's shape.
pub fn check(handoff: &Handoff, site: &Site, message_bytes: usize) -> Result<(), Rejected> {
    if handoff.site != site.id {
        return Err(Rejected::WrongSite(site.id.clone()));
    }
    if handoff.transcript.entries.len() > MAX_ENTRIES {
        return Err(Rejected::TooLong);
    }
    if handoff
        .transcript
        .entries
        .iter()
        .any(|e| e.text.len() > message_bytes)
    {
        return Err(Rejected::MessageTooLong(message_bytes));
    }
    if let Some(at) = handoff
        .transcript
        .entries
        .iter()
        .position(|e| !matches!(e.from, Author::Visitor | Author::Bot))
    {
        return Err(Rejected::ForeignLine(at));
    }
    Ok(())
}

/// Assesses a handoff at `now`.
pub fn assess(
    handoff: &Handoff,
    site: &Arc<Site>,
    secret: Option<&[u8]>,
    now: Millis,
    token_lifetime_secs: u64,
) -> Assessment {
    let (trusted, token_error) = match (&handoff.token, secret) {
        (Some(token), Some(secret)) => {
            match token::verify(token, secret, &site.id, now / 1000, token_lifetime_secs) {
                Ok(claims) => (claims, None),
                Err(e) => (BTreeMap::new(), Some(e)),
            }
        }
        (Some(_), None) => (BTreeMap::new(), Some(token::TokenError::Signature)),
        (None, _) => (BTreeMap::new(), None),
    };
    let verified = handoff.token.is_some() && token_error.is_none();
    let (server_trace, escalation, said) = rerun(handoff, site, &trusted, now);
    let unconfirmed = unconfirmed_lines(&handoff.transcript.entries, &said, &site.redactor);
    let disagreement = compare(
        &handoff.trace,
        &handoff.escalation.reason,
        &server_trace,
        escalation.as_ref(),
    );
    let sentiments = handoff
        .transcript
        .entries
        .iter()
        .map(|e| {
            (e.from == Author::Visitor && e.sentiment.is_some()).then(|| sentiment::score(&e.text))
        })
        .collect::<Vec<_>>();
    let (queue, priority) = route(escalation.as_ref(), &server_trace, &sentiments);
    Assessment {
        verified,
        trusted,
        server_trace,
        disagreement,
        queue,
        priority,
        sentiments,
        token_error,
        unconfirmed,
    }
}

/// Marks each bot line of `entries` the server's replay did not say: the replay's lines
/// (redacted as the handoff's are) are matched in order, so a line counts once and only
/// where it fits the conversation. Visitor lines are the visitor's own words: never marked.
fn unconfirmed_lines(entries: &[Entry], said: &[String], redactor: &Redactor) -> Vec<bool> {
    let said: Vec<String> = said
        .iter()
        .map(|line| redactor.redact(line).into_owned())
        .collect();
    let mut next = 0;
    entries
        .iter()
        .map(|entry| {
            if entry.from != Author::Bot {
                return false;
            }
            match said[next.min(said.len())..]
                .iter()
                .position(|line| *line == entry.text)
            {
                Some(at) => {
                    next += at + 1;
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// Replays the visitor's side of the transcript through the engine: only signed profile
/// attributes count, so an unsigned "tier: vip" cannot buy priority. Timers due by `now`
/// fire last (a `seconds_over` limit that ran out after the visitor's last line). Returns the
/// firings, the escalation the server itself reached, if any, and what its bot said.
fn rerun(
    handoff: &Handoff,
    site: &Arc<Site>,
    trusted: &BTreeMap<String, serde_json::Value>,
    now: Millis,
) -> (Vec<Firing>, Option<Escalation>, Vec<String>) {
    let mut chat = baton_core::replay::rerun(
        site,
        &handoff.visitor,
        handoff.started_at,
        trusted,
        &handoff.transcript,
    );
    if chat.escalation().is_none() {
        chat.handle(Event::Timer, now);
    }
    let said = chat
        .transcript()
        .entries
        .iter()
        .filter(|e| e.from == Author::Bot)
        .map(|e| e.text.clone())
        .collect();
    (chat.firings().to_vec(), chat.escalation().cloned(), said)
}

/// Replaces the experiment variants a widget claims for `visitor` with the server's own
/// assignment (the same hash, so an honest widget on the same config agrees); `true` when
/// they differed: a config changed in between, or the widget is not honest.
pub fn assign_variants(
    claimed: &mut Vec<baton_core::experiment::Assignment>,
    site: &Site,
    visitor: &str,
) -> bool {
    let own = baton_core::experiment::assignments(&site.experiments, visitor);
    let differed = *claimed != own;
    *claimed = own;
    differed
}

/// Where the widget's claim and the server's re-run differ: triggers only one side fired,
/// and a reason for the handover the server did not reach itself.
fn compare(
    claimed: &[Firing],
    claimed_reason: &Reason,
    server: &[Firing],
    escalation: Option<&Escalation>,
) -> Option<String> {
    let claimed: BTreeSet<&str> = claimed.iter().map(|f| f.trigger.as_str()).collect();
    let server: BTreeSet<&str> = server.iter().map(|f| f.trigger.as_str()).collect();
    let only_widget: Vec<String> = claimed
        .difference(&server)
        .map(|t| format!("`{t}`"))
        .collect();
    let only_server: Vec<String> = server
        .difference(&claimed)
        .map(|t| format!("`{t}`"))
        .collect();
    let mut parts = Vec::new();
    if !only_widget.is_empty() {
        parts.push(format!(
            "the widget reported {} but the server's re-run did not fire {}",
            only_widget.join(", "),
            if only_widget.len() == 1 { "it" } else { "them" }
        ));
    }
    if !only_server.is_empty() {
        parts.push(format!(
            "the server's re-run also fired {}",
            only_server.join(", ")
        ));
    }
    match escalation {
        None => parts.push(format!(
            "the widget handed over ({}) but the server's re-run did not",
            claimed_reason.explain()
        )),
        Some(e) if cause(&e.reason) != cause(claimed_reason) => parts.push(format!(
            "the widget handed over ({}) where the server's re-run handed over ({})",
            claimed_reason.explain(),
            e.reason.explain()
        )),
        Some(_) => {}
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// What a handover was for, without its evidence: the trigger, or the flow node.
fn cause(reason: &Reason) -> (&'static str, &str) {
    match reason {
        Reason::Trigger { firing } => ("trigger", &firing.trigger),
        Reason::AcceptedOffer { firing } => ("offer", &firing.trigger),
        Reason::Flow { node } => ("node", node),
    }
}

/// Queue and priority from what the server verified: the escalation its own re-run reached
/// (the strongest escalating trigger it fired, if the run stopped short of one), else the
/// `general` queue at `normal` priority — never a queue or priority the widget merely claims
/// (its reason is kept as its claim, and a disagreement). Very negative sentiment raises
/// normal and low priority to high.
fn route(
    escalation: Option<&Escalation>,
    server: &[Firing],
    sentiments: &[Option<f32>],
) -> (String, Priority) {
    let strongest = || {
        server
            .iter()
            .filter_map(|f| match &f.action {
                Action::Escalate { queue, priority } => Some((queue.clone(), *priority)),
                Action::Offer { .. } => None,
            })
            .max_by_key(|(_, p)| *p)
    };
    let (queue, mut priority) = escalation
        .map(|e| (e.queue.clone(), e.priority))
        .or_else(strongest)
        .unwrap_or_else(|| ("general".to_owned(), Priority::Normal));
    let lowest = sentiments.iter().flatten().copied().fold(0.0_f32, f32::min);
    if lowest < -0.5 && priority < Priority::High {
        priority = Priority::High;
    }
    (queue, priority)
}
