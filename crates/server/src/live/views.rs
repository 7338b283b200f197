//! What agents see of stored tickets: the queue's items in the queue's order, and the whole
//! ticket with its thread and the agent aids. Both sockets use the queue's items (a new
//! handoff is announced to agents as one).

use baton_core::Site;
use baton_core::protocol::{BrandVoiceView, KbLinkView, MessageView, QueueItem, TicketView};
use baton_core::template::Values;
use baton_core::text::fold;
use baton_core::transcript::Author;

use crate::store::{Status, Store, StoreError, StoredMessage, Ticket};

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

/// The head of the queue as an agent is shown it.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// The most urgent waiting tickets, most urgent first.
    pub items: Vec<QueueItem>,
    /// How many wait in all.
    pub waiting: u64,
    /// Whether any waits offline.
    pub any_offline: bool,
}

/// The `limit` most urgent waiting tickets, most urgent first, read without their handoffs,
/// how many wait in all and whether any waits offline: what an agent's view of the queue
/// is made of, in one read.
pub async fn queue_head(store: &dyn Store, limit: usize) -> Result<Head, StoreError> {
    let waiting = store.waiting(limit).await?;
    let items = waiting
        .head
        .into_iter()
        .map(|t| QueueItem {
            reason: t
                .reason
                .map_or_else(|| "no reason recorded".to_owned(), |r| r.explain()),
            ticket: t.id,
            queue: t.queue,
            priority: t.priority,
            created_at: t.created_at,
            name: t.name,
            verified: t.verified,
            offline: t.status == Status::Offline,
        })
        .collect();
    Ok(Head {
        items,
        waiting: waiting.count,
        any_offline: waiting.any_offline,
    })
}

/// How many tickets wait, for a queue event; 0 when the store cannot say (the workspace
/// then counts the tickets it lists, and the next event or read corrects it).
pub async fn waiting_count(store: &dyn Store) -> u64 {
    store.waiting_count().await.unwrap_or(0)
}

/// The whole ticket for the workspace.
pub async fn ticket_view(
    store: &dyn Store,
    site: &Site,
    id: &str,
) -> Result<Option<TicketView>, StoreError> {
    let Some(ticket) = store.ticket(id).await? else {
        return Ok(None);
    };
    let messages = store.messages_after(id, 0).await?;
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
        messages: messages
            .into_iter()
            .map(|m| {
                // The handed-over transcript is stored as messages 1..=n.
                let unconfirmed = usize::try_from(m.seq)
                    .ok()
                    .and_then(|seq| handoff.transcript.entries.get(seq.checked_sub(1)?))
                    .is_some_and(|e| e.unconfirmed);
                MessageView {
                    unconfirmed,
                    ..message_view(m)
                }
            })
            .collect(),
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
        unconfirmed: false,
    }
}

/// The ticket's place in the queue (1 = next), counting the waiting tickets ahead of it;
/// 1 when the store cannot say.
pub async fn position(store: &dyn Store, ticket: &Ticket) -> u32 {
    store.waiting_ahead(ticket).await.map_or(1, |ahead| {
        u32::try_from(ahead.saturating_add(1)).unwrap_or(u32::MAX)
    })
}
