//! The words of the queue, shared by the config, the server, the workspace and the wire:
//! priorities and their rank, the order tickets wait in, and what a queue may be called.
//!
//! ```
//! use baton_core::queue::{Priority, queue_key, valid_queue_name};
//!
//! // Ten minutes of waiting count as one priority step.
//! let minute = 60_000;
//! assert!(queue_key(Priority::High, 0) < queue_key(Priority::Normal, 0));
//! assert!(queue_key(Priority::Normal, 0) < queue_key(Priority::High, 11 * minute));
//! assert!(valid_queue_name("billing-eu") && !valid_queue_name("Billing"));
//! ```

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

use crate::Millis;

/// Ticket priority, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Can wait.
    Low,
    /// The default.
    Normal,
    /// Ahead of normal tickets.
    High,
    /// Ahead of everything.
    Urgent,
}

impl Priority {
    /// Every priority, lowest first.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The priority's rank: 0 for `low` up to 3 for `urgent` (what the store keeps).
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 0,
            Priority::Normal => 1,
            Priority::High => 2,
            Priority::Urgent => 3,
        }
    }

    /// The priority of a rank; ranks below 0 are `low`, above 3 `urgent`.
    pub fn from_rank(rank: i64) -> Priority {
        match rank {
            i64::MIN..=0 => Priority::Low,
            1 => Priority::Normal,
            2 => Priority::High,
            _ => Priority::Urgent,
        }
    }
}

/// How much waiting one priority step is worth: 10 minutes.
pub const PRIORITY_STEP_MS: Millis = 10 * 60 * 1000;

/// The queue's sort key (smaller is served first): priority first, then waiting time, where
/// every [`PRIORITY_STEP_MS`] of waiting counts as one priority step, so nobody waits forever
/// behind a stream of urgent tickets. `created_at` is when the ticket was queued (ms).
pub fn queue_key(priority: Priority, created_at: Millis) -> i64 {
    let step = i64::try_from(PRIORITY_STEP_MS).unwrap_or(i64::MAX);
    let created = i64::try_from(created_at).unwrap_or(i64::MAX);
    created.saturating_sub(priority.rank().saturating_mul(step))
}

/// Longest queue name, bytes.
pub const MAX_QUEUE_NAME: usize = 64;

/// What a valid queue name is, in words, for error messages.
pub const QUEUE_NAME_RULE: &str = "a queue name is 1–64 of a-z, 0-9, `-`, `_`";

/// Whether `name` is a valid queue name: 1–[`MAX_QUEUE_NAME`] bytes of `a-z`, `0-9`, `-`
/// and `_` (the same rule as site and trigger ids).
pub fn valid_queue_name(name: &str) -> bool {
    is_slug(name, MAX_QUEUE_NAME)
}

/// 1–`max` bytes of `a-z`, `0-9`, `-`, `_`.
pub(crate) fn is_slug(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_round_trip_and_clamp() {
        for p in Priority::ALL {
            assert_eq!(Priority::from_rank(p.rank()), p);
        }
        assert_eq!(Priority::from_rank(-7), Priority::Low);
        assert_eq!(Priority::from_rank(99), Priority::Urgent);
    }

    #[test]
    fn ten_minutes_of_waiting_are_one_step() {
        let step = PRIORITY_STEP_MS;
        let now = 100 * step;
        // An urgent ticket that just came in goes ahead of a normal one that waited 19 minutes…
        assert!(
            queue_key(Priority::Urgent, now) < queue_key(Priority::Normal, now - step * 19 / 10)
        );
        // …but not of one that waited 21.
        assert!(
            queue_key(Priority::Normal, now - step * 21 / 10) < queue_key(Priority::Urgent, now)
        );
        // Same priority: the longer wait first.
        assert!(queue_key(Priority::Low, 1) < queue_key(Priority::Low, 2));
    }

    #[test]
    fn queue_names() {
        assert!(valid_queue_name("vip"));
        assert!(valid_queue_name(&"a".repeat(64)));
        assert!(!valid_queue_name(&"a".repeat(65)));
        assert!(!valid_queue_name(""));
        assert!(!valid_queue_name("Sales"));
        assert!(!valid_queue_name("two words"));
    }
}
