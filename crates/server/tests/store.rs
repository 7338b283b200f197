//! The SQLite store: the batched append (consecutive sequence numbers, retries recognised by
//! client id inside a batch and across batches, runs of different authors in one batch) and
//! the count of tickets ahead in the queue.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use baton_core::queue::Priority;
use baton_core::transcript::Author;
use baton_server::store::sqlite::SqliteStore;
use baton_server::store::{NewMessage, NewTicket, Status, Store};

fn message<'a>(ticket: &'a str, id: &'a str, author: Author, text: &'a str) -> NewMessage<'a> {
    NewMessage {
        ticket,
        client_id: id,
        author,
        text,
        at: 5_000,
        sentiment: Some(0.0),
    }
}

#[tokio::test]
async fn batches_number_messages_without_gaps_and_recognise_retries() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let handoff = common::handoff("store-visitor", &["I want to talk to a human"], None);
    let (ticket, created) = store
        .create_ticket(NewTicket {
            id: "t1".into(),
            site: "demo-shop".into(),
            handoff_id: "h1".into(),
            resume_token: "r1".into(),
            queue: "support".into(),
            priority: Priority::Normal,
            status: Status::Queued,
            sentiments: vec![None; handoff.transcript.len()],
            handoff,
            verified: false,
            server_trace: Vec::new(),
            disagreement: None,
            created_at: 1_000,
        })
        .await
        .unwrap();
    assert!(created);
    let base = store.messages_after("t1", 0).await.unwrap().len() as u64;
    assert!(base > 0, "the transcript is stored as messages 1..n");

    // A repeat inside one batch is a retry of its first occurrence.
    let first = store
        .append_messages(&[
            message("t1", "a", Author::Visitor, "one"),
            message("t1", "b", Author::Visitor, "two"),
            message("t1", "a", Author::Visitor, "one"),
        ])
        .await
        .unwrap();
    let seqs: Vec<(u64, bool)> = first.iter().map(|(m, new)| (m.seq, *new)).collect();
    assert_eq!(
        seqs,
        [(base + 1, true), (base + 2, true), (base + 1, false)]
    );

    // A retry across batches returns the stored row; the next new message follows on.
    let second = store
        .append_messages(&[
            message("t1", "b", Author::Visitor, "two"),
            message("t1", "c", Author::Visitor, "three"),
        ])
        .await
        .unwrap();
    assert_eq!((second[0].0.seq, second[0].1), (base + 2, false));
    assert_eq!(second[0].0.text, "two");
    assert_eq!((second[1].0.seq, second[1].1), (base + 3, true));

    // Client ids are unique per author: the agent's "c" is a different message, and the
    // first agent message sets the first-reply time.
    assert_eq!(ticket.first_reply_at, None);
    let third = store
        .append_messages(&[
            message("t1", "c", Author::Agent, "hello"),
            message("t1", "d", Author::Visitor, "four"),
        ])
        .await
        .unwrap();
    assert_eq!((third[0].0.seq, third[0].1), (base + 4, true));
    assert_eq!(third[0].0.author, Author::Agent);
    assert_eq!((third[1].0.seq, third[1].1), (base + 5, true));
    let ticket = store.ticket("t1").await.unwrap().unwrap();
    assert_eq!(ticket.first_reply_at, Some(5_000));

    let all = store.messages_after("t1", 0).await.unwrap();
    let numbers: Vec<u64> = all.iter().map(|m| m.seq).collect();
    assert_eq!(numbers, (1..=base + 5).collect::<Vec<_>>());
    let texts: Vec<&str> = all[base as usize..]
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, ["one", "two", "three", "hello", "four"]);
}

#[tokio::test]
async fn the_count_ahead_in_the_queue_follows_the_queue_key() {
    use baton_core::queue::queue_key;
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let minute = 60_000;
    // (id, priority, created_at in minutes, status)
    let tickets = [
        ("a", Priority::Normal, 100, Status::Queued),
        ("b", Priority::Urgent, 115, Status::Queued),
        ("c", Priority::Low, 60, Status::Offline),
        ("d", Priority::High, 105, Status::Queued),
        ("e", Priority::Urgent, 10, Status::Claimed),
        ("f", Priority::Normal, 101, Status::Queued),
    ];
    for (id, priority, at, status) in tickets {
        let handoff = common::handoff(&format!("v-{id}"), &["talk to a human"], None);
        store
            .create_ticket(NewTicket {
                id: id.into(),
                site: "demo-shop".into(),
                handoff_id: format!("h-{id}"),
                resume_token: format!("r-{id}"),
                queue: "general".into(),
                priority,
                status,
                sentiments: vec![None; handoff.transcript.len()],
                handoff,
                verified: false,
                server_trace: Vec::new(),
                disagreement: None,
                created_at: at * minute,
            })
            .await
            .unwrap();
    }
    let open = store.open_tickets().await.unwrap();
    for ticket in &open {
        let by_hand = open
            .iter()
            .filter(|t| matches!(t.status, Status::Queued | Status::Offline) && t.id != ticket.id)
            .filter(|t| {
                queue_key(t.priority, t.created_at) < queue_key(ticket.priority, ticket.created_at)
            })
            .count() as u64;
        assert_eq!(
            store.waiting_ahead(ticket).await.unwrap(),
            by_hand,
            "{}",
            ticket.id
        );
    }
    // Urgent at minute 115 counts as minute 85: only `c`, waiting since minute 60 (five and a
    // half priority steps), is ahead of it; a claimed ticket is never ahead.
    let b = open.iter().find(|t| t.id == "b").unwrap();
    assert_eq!(store.waiting_ahead(b).await.unwrap(), 1);
    let f = open.iter().find(|t| t.id == "f").unwrap();
    assert_eq!(
        store.waiting_ahead(f).await.unwrap(),
        4,
        "b, d, c and a come first"
    );
    // The agents' queue, read without the handoffs, lists what the whole tickets would.
    let mut waiting: Vec<&baton_server::store::Ticket> = open
        .iter()
        .filter(|t| matches!(t.status, Status::Queued | Status::Offline))
        .collect();
    waiting.sort_by_key(|t| queue_key(t.priority, t.created_at));
    let expected: Vec<_> = waiting
        .into_iter()
        .map(baton_server::live::views::queue_item)
        .collect();
    let all = baton_server::live::views::queue_head(&store, 50)
        .await
        .unwrap();
    let listed = all.items;
    assert_eq!(listed, expected);
    assert_eq!((all.waiting, all.any_offline), (5, true));
    // The head of it: the most urgent, the count of all, and whether any waits offline.
    let head = baton_server::live::views::queue_head(&store, 2)
        .await
        .unwrap();
    assert_eq!(head.items, expected[..2]);
    assert_eq!((head.waiting, head.any_offline), (5, true));
    let none = baton_server::live::views::queue_head(&store, 0)
        .await
        .unwrap();
    assert_eq!(
        (none.items.len(), none.waiting, none.any_offline),
        (0, 5, true)
    );
    // Once the offline ticket is queued, none waits offline.
    assert_eq!(store.wake_offline().await.unwrap(), 1);
    assert!(
        !baton_server::live::views::queue_head(&store, 2)
            .await
            .unwrap()
            .any_offline
    );
    // b and d tie at minute 85; the older ticket comes first.
    assert_eq!(
        listed.iter().map(|i| i.ticket.as_str()).collect::<Vec<_>>(),
        ["c", "d", "b", "a", "f"]
    );
}
