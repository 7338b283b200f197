#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::protocol::{QueueItem, ServerToAgent};
use baton_core::queue::Priority;

use super::{Changes, Window};
use crate::live::hub::QueueEvent;

use baton_core::fixtures::queue_item as item;

fn tickets(window: &Window) -> Vec<&str> {
    window.shown().iter().map(|i| i.ticket.as_str()).collect()
}

fn upsert(item: QueueItem, waiting: u64) -> QueueEvent {
    QueueEvent::Upsert { item, waiting }
}

fn remove(ticket: &str, waiting: u64) -> QueueEvent {
    QueueEvent::Remove {
        ticket: ticket.into(),
        waiting,
    }
}

/// A window of 3 over a queue of 10 (created 1..=10 at normal priority): shows 1, 2, 3.
fn full() -> Window {
    let mut window = Window::new(3);
    let head = (1..=3)
        .rev()
        .map(|n| item(&n.to_string(), Priority::Normal, n))
        .collect();
    let snapshot = window.reset(head, 10);
    let ServerToAgent::QueueSnapshot { items, waiting } = snapshot else {
        panic!("a snapshot");
    };
    assert_eq!(waiting, 10);
    assert_eq!(items.len(), 3);
    window
}

#[test]
fn a_snapshot_is_the_head_in_the_queues_order_and_the_count() {
    let window = full();
    assert_eq!(tickets(&window), ["1", "2", "3"]);
    let mut small = Window::new(2);
    let snapshot = small.reset(
        vec![
            item("a", Priority::Normal, 5),
            item("b", Priority::Urgent, 9),
            item("c", Priority::Normal, 1),
        ],
        0,
    );
    assert_eq!(
        tickets(&small),
        ["b", "c"],
        "urgent first, then the oldest; cut at 2"
    );
    // A count below what is listed is never shown.
    assert!(matches!(
        snapshot,
        ServerToAgent::QueueSnapshot { waiting: 2, .. }
    ));
}

#[test]
fn a_ticket_behind_a_full_head_changes_only_the_count() {
    let mut window = full();
    let changes = window.apply(upsert(item("11", Priority::Normal, 11), 11));
    assert_eq!(
        changes,
        Changes {
            frames: vec![ServerToAgent::QueueCount { waiting: 11 }],
            reread: false,
        }
    );
    assert_eq!(tickets(&window), ["1", "2", "3"]);
}

#[test]
fn a_more_urgent_ticket_enters_and_pushes_the_last_one_out() {
    let mut window = full();
    let urgent = item("u", Priority::Urgent, 50);
    let changes = window.apply(upsert(urgent.clone(), 11));
    assert_eq!(
        changes.frames,
        vec![
            ServerToAgent::QueueUpdate {
                item: urgent,
                waiting: 11
            },
            ServerToAgent::QueueRemove {
                ticket: "3".into(),
                waiting: 11
            },
        ]
    );
    assert!(!changes.reread);
    assert_eq!(tickets(&window), ["u", "1", "2"]);
}

#[test]
fn a_change_to_a_shown_ticket_replaces_it_in_place() {
    let mut window = full();
    let mut changed = item("2", Priority::Normal, 2);
    changed.name = Some("Ada".into());
    let changes = window.apply(upsert(changed, 10));
    assert_eq!(changes.frames.len(), 1);
    assert_eq!(tickets(&window), ["1", "2", "3"]);
    assert_eq!(window.shown()[1].name.as_deref(), Some("Ada"));
}

#[test]
fn claiming_a_shown_ticket_while_more_wait_asks_for_a_fresh_read() {
    let mut window = full();
    let changes = window.apply(remove("2", 9));
    assert_eq!(
        changes.frames,
        vec![ServerToAgent::QueueRemove {
            ticket: "2".into(),
            waiting: 9
        }]
    );
    assert!(changes.reread, "ticket 4 belongs in the list now");
    assert_eq!(tickets(&window), ["1", "3"]);
}

#[test]
fn claims_outside_the_view_change_the_count_and_a_short_queue_needs_no_read() {
    let mut window = full();
    let changes = window.apply(remove("7", 9));
    assert_eq!(
        changes.frames,
        vec![ServerToAgent::QueueCount { waiting: 9 }]
    );
    assert!(!changes.reread);

    let mut short = Window::new(5);
    short.reset(vec![item("a", Priority::Normal, 1)], 1);
    let changes = short.apply(upsert(item("b", Priority::Normal, 2), 2));
    assert!(matches!(
        changes.frames.as_slice(),
        [ServerToAgent::QueueUpdate { waiting: 2, .. }]
    ));
    assert!(!changes.reread);
    let changes = short.apply(remove("a", 1));
    assert!(!changes.reread, "everything waiting is shown");
    assert_eq!(tickets(&short), ["b"]);
}
