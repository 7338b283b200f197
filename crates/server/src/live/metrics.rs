//! Prometheus metrics: counters and gauges kept in atomics, rendered as text at `/metrics`.
//! Labels are fixed names, never user input, so the metric set cannot grow without bound.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// The server's metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Handoff frames received (including retries).
    pub handoffs: AtomicU64,
    /// Tickets created.
    pub tickets_created: AtomicU64,
    /// Messages stored, by visitors.
    pub visitor_messages: AtomicU64,
    /// Messages stored, by agents.
    pub agent_messages: AtomicU64,
    /// Transactions that stored visitor messages (messages / commits = batch size).
    pub visitor_commits: AtomicU64,
    /// Frames refused (bad JSON, too large, rate limited, not allowed).
    pub frames_rejected: AtomicU64,
    /// Visitor sockets open now.
    pub visitor_sockets: AtomicI64,
    /// Agent sockets open now.
    pub agent_sockets: AtomicI64,
    /// Profile tokens that failed verification.
    pub tokens_rejected: AtomicU64,
    /// Handoffs where the server's re-run disagreed with the widget.
    pub disagreements: AtomicU64,
    /// Outcome beacons stored.
    pub outcomes: AtomicU64,
    /// Handoffs and beacons whose claimed experiment variants differed from the server's.
    pub variant_mismatches: AtomicU64,
    /// Connections, sockets, handoffs, beacons and logins refused because their address was
    /// over its limit.
    pub address_refusals: AtomicU64,
}

impl Metrics {
    /// Adds one to a counter.
    pub fn inc(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let counters = [
            (
                "baton_handoffs_total",
                "Handoff frames received, retries included.",
                &self.handoffs,
            ),
            (
                "baton_tickets_created_total",
                "Tickets created.",
                &self.tickets_created,
            ),
            (
                "baton_visitor_messages_total",
                "Visitor messages stored.",
                &self.visitor_messages,
            ),
            (
                "baton_agent_messages_total",
                "Agent messages stored.",
                &self.agent_messages,
            ),
            (
                "baton_visitor_commits_total",
                "Transactions that stored visitor messages (one per batch).",
                &self.visitor_commits,
            ),
            (
                "baton_frames_rejected_total",
                "Websocket frames refused.",
                &self.frames_rejected,
            ),
            (
                "baton_tokens_rejected_total",
                "Profile tokens that failed verification.",
                &self.tokens_rejected,
            ),
            (
                "baton_outcomes_total",
                "Outcome beacons stored.",
                &self.outcomes,
            ),
            (
                "baton_variant_mismatches_total",
                "Handoffs and beacons that claimed other experiment variants than the server assigns.",
                &self.variant_mismatches,
            ),
            (
                "baton_trigger_disagreements_total",
                "Handoffs whose server re-run disagreed with the widget.",
                &self.disagreements,
            ),
            (
                "baton_address_refusals_total",
                "Connections, sockets, handoffs, beacons and logins refused: their address was over its limit.",
                &self.address_refusals,
            ),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        let gauges = [
            (
                "baton_visitor_sockets",
                "Visitor websockets open.",
                &self.visitor_sockets,
            ),
            (
                "baton_agent_sockets",
                "Agent websockets open.",
                &self.agent_sockets,
            ),
        ];
        for (name, help, value) in gauges {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}",
                value.load(Ordering::Relaxed)
            );
        }
        out
    }
}

/// Counts a socket as open until dropped.
#[derive(Debug)]
pub struct SocketGauge<'a>(&'a AtomicI64);

impl<'a> SocketGauge<'a> {
    /// Counts one more open socket.
    pub fn open(gauge: &'a AtomicI64) -> SocketGauge<'a> {
        gauge.fetch_add(1, Ordering::Relaxed);
        SocketGauge(gauge)
    }
}

impl Drop for SocketGauge<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}
