//! `POST /api/outcome`: the widget's beacon saying how a conversation the bot kept stands.
//! The body is checked like a handoff (site, sizes), redacted again with the site's rules,
//! and merged into the conversation's record; see [`crate::store::Store::record_conversation`].

use crate::live::addresses::{Address, Spend};
use crate::live::throttle::Busy;
use axum::body::Bytes;
use axum::extract::State;
use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use baton_core::outcome::{Outcome, OutcomeReport};
use baton_core::protocol::PROTOCOL_VERSION;
use baton_core::replay::rerun;
use baton_core::{Millis, Site};

use crate::clock::now;
use crate::live::error::AppError;
use crate::live::intake::MAX_ENTRIES;
use crate::live::metrics::Metrics;
use crate::live::state::AppState;
use crate::store::ConversationRecord;

/// Longest visitor id accepted, bytes.
const MAX_VISITOR_BYTES: usize = 128;
/// How far ahead of the server's clock a start time may be (clocks drift), ms.
const CLOCK_SLACK: Millis = 5 * 60 * 1000;
/// How long ago a reported conversation may have started, ms: a day. A conversation kept in
/// the browser longer than that is not reported; past days (and the drift baselines built
/// from them) cannot be backfilled. `baton serve --demo` lifts it for `baton simulate`.
pub const MAX_AGE: Millis = 24 * 3600 * 1000;

/// Why a beacon was refused; the message goes back to the sender.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BadReport {
    /// Not JSON of the right shape.
    #[error("not an outcome report: {0}")]
    Shape(String),
    /// Another protocol version.
    #[error("protocol version {0} is not supported (this server speaks {PROTOCOL_VERSION})")]
    Version(u8),
    /// For another site.
    #[error("this server serves site `{0}`")]
    WrongSite(String),
    /// `escalated` comes only from a handoff.
    #[error("a beacon reports `open` or `resolved`; escalations arrive as handoffs")]
    Escalated,
    /// Empty or over-long visitor id.
    #[error("the visitor id must be 1 to {MAX_VISITOR_BYTES} bytes")]
    Visitor,
    /// A start time in the future.
    #[error("`started_at` is in the future")]
    Future,
    /// A start time too long ago.
    #[error("`started_at` is more than a day ago")]
    Stale,
    /// From a page of another site.
    #[error("this origin may not report for this site")]
    Origin,
    /// Too many entries or an entry too long.
    #[error("the transcript has more than {MAX_ENTRIES} entries or a message over {0} bytes")]
    Transcript(usize),
    /// A rating outside 1–5, a comment too long, or a rating of an unfinished conversation.
    #[error("a rating is 1 to 5, with a comment of at most {0} bytes, on a resolved conversation")]
    Csat(usize),
}

/// Parses and checks a beacon body received at `now`, returning the record to store and
/// whether the widget claimed other experiment variants. The record holds the server's own
/// variants and the server's own trace (a re-run of the visitor's lines): what the widget
/// claims fired counts for no figure. `backdated` accepts a start of any age (demo mode).
pub fn accept(
    body: &[u8],
    site: &Arc<Site>,
    message_bytes: usize,
    now: Millis,
    backdated: bool,
) -> Result<(ConversationRecord, bool), BadReport> {
    let mut report: OutcomeReport =
        serde_json::from_slice(body).map_err(|e| BadReport::Shape(e.to_string()))?;
    if report.v != PROTOCOL_VERSION {
        return Err(BadReport::Version(report.v));
    }
    if report.site != site.id {
        return Err(BadReport::WrongSite(site.id.clone()));
    }
    if report.outcome == Outcome::Escalated {
        return Err(BadReport::Escalated);
    }
    if report.visitor.is_empty() || report.visitor.len() > MAX_VISITOR_BYTES {
        return Err(BadReport::Visitor);
    }
    if report.started_at > now.saturating_add(CLOCK_SLACK) {
        return Err(BadReport::Future);
    }
    if !backdated && report.started_at < now.saturating_sub(MAX_AGE) {
        return Err(BadReport::Stale);
    }
    let entries = &report.transcript.entries;
    if entries.len() > MAX_ENTRIES || entries.iter().any(|e| e.text.len() > message_bytes) {
        return Err(BadReport::Transcript(message_bytes));
    }
    let comment_too_long = report
        .csat_comment
        .as_ref()
        .is_some_and(|c| c.len() > message_bytes);
    let rated = report.csat.is_some() || report.csat_comment.is_some();
    if comment_too_long
        || report.csat.is_some_and(|s| !(1..=5).contains(&s))
        || (rated && (report.csat.is_none() || report.outcome != Outcome::Resolved))
    {
        return Err(BadReport::Csat(message_bytes));
    }
    report.transcript = report.transcript.redacted(&site.redactor);
    report.csat_comment = report
        .csat_comment
        .filter(|c| !c.trim().is_empty())
        .map(|c| site.redactor.redact(&c).into_owned());
    let mismatch =
        crate::live::intake::assign_variants(&mut report.variants, site, &report.visitor);
    let untrusted = BTreeMap::new();
    let chat = rerun(
        site,
        &report.visitor,
        report.started_at,
        &untrusted,
        &report.transcript,
    );
    report.trace = chat.firings().to_vec();
    Ok((ConversationRecord::reported(report, now), mismatch))
}

/// The handler: 204 once stored, 400 with the reason otherwise.
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    address: Address,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    // Counted before anything is read: a flood costs a lookup, not a re-run.
    if !state.addresses.spend(address, Spend::Beacon) {
        Metrics::inc(&state.metrics.address_refusals);
        return Err(AppError::Busy(Busy::Address));
    }
    let refused = |e: BadReport| {
        Metrics::inc(&state.metrics.frames_rejected);
        AppError::BadRequest(e.to_string())
    };
    if !state.origin_allowed(&headers) {
        return Err(refused(BadReport::Origin));
    }
    let site = &state.site.site;
    let limit = state.limits.message_bytes;
    let (record, mismatch) = accept(&body, site, limit, now(), state.demo).map_err(refused)?;
    if mismatch {
        Metrics::inc(&state.metrics.variant_mismatches);
    }
    state.store.record_conversation(&record).await?;
    Metrics::inc(&state.metrics.outcomes);
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Arc<Site> {
        Arc::new(
            baton_core::compile(
                r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
            "flow": {"start": "bye", "nodes": [{"id": "bye", "type": "end", "text": "Bye"}]}}"#,
            )
            .expect("valid config"),
        )
    }

    fn body(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
        let mut v = serde_json::json!({
            "v": 1, "site": "shop", "visitor": "v1", "started_at": 1_000,
            "outcome": "resolved", "variants": [], "trace": [],
            "transcript": [{"from": "visitor", "text": "mail me at ana@example.com", "at": 1_500}]
        });
        edit(&mut v);
        serde_json::to_vec(&v).expect("serializes")
    }

    #[test]
    fn accepts_a_report_and_redacts_it_again() {
        let (record, mismatch) =
            accept(&body(|_| {}), &site(), 100, 2_000, false).expect("accepted");
        assert!(!mismatch, "no experiments, none claimed");
        assert_eq!(record.outcome, Outcome::Resolved);
        assert_eq!(record.last_seen_at, 1_500, "its last message");
        assert_eq!(record.transcript.entries[0].text, "mail me at [email]");
    }

    #[test]
    fn a_rating_of_a_resolved_conversation_is_kept_redacted() {
        let rated = body(|v| {
            v["csat"] = 4.into();
            v["csat_comment"] = "quick! reach me at ana@example.com".into();
        });
        let (record, _) = accept(&rated, &site(), 100, 2_000, false).expect("accepted");
        assert_eq!(record.csat, Some(4));
        assert_eq!(
            record.csat_comment.as_deref(),
            Some("quick! reach me at [email]")
        );
    }

    #[test]
    fn the_variants_stored_are_the_servers_own() {
        let site = Arc::new(
            baton_core::compile(
                r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
            "flow": {"start": "bye", "nodes": [{"id": "bye", "type": "end", "text": "Bye"}]},
            "triggers": [{"id": "angry", "when": {"sentiment_below": -0.5}}],
            "experiments": [{"id": "exp", "variants": [
              {"id": "a", "weight": 50},
              {"id": "b", "weight": 50, "overrides": [{"trigger": "angry", "threshold": -0.3}]}
            ]}]}"#,
            )
            .expect("valid config"),
        );
        let own = baton_core::experiment::assignments(&site.experiments, "v1");
        let other = if own[0].variant == "a" { "b" } else { "a" };
        let claim =
            body(|v| v["variants"] = serde_json::json!([{"experiment": "exp", "variant": other}]));
        let (record, mismatch) = accept(&claim, &site, 100, 2_000, false).expect("accepted");
        assert!(mismatch);
        assert_eq!(record.variants, own);
        let honest = body(|v| v["variants"] = serde_json::to_value(&own).expect("JSON"));
        assert!(
            !accept(&honest, &site, 100, 2_000, false)
                .expect("accepted")
                .1
        );
    }

    #[test]
    fn refuses_what_it_cannot_trust_with_a_reason() {
        let cases: Vec<(Vec<u8>, BadReport)> = vec![
            (body(|v| v["v"] = 2.into()), BadReport::Version(2)),
            (
                body(|v| v["site"] = "other".into()),
                BadReport::WrongSite("shop".into()),
            ),
            (
                body(|v| v["outcome"] = "escalated".into()),
                BadReport::Escalated,
            ),
            (body(|v| v["visitor"] = "".into()), BadReport::Visitor),
            (
                body(|v| v["started_at"] = 10_000_000.into()),
                BadReport::Future,
            ),
            (
                body(|v| v["transcript"][0]["text"] = "x".repeat(101).into()),
                BadReport::Transcript(100),
            ),
            (body(|v| v["csat"] = 6.into()), BadReport::Csat(100)),
            (
                body(|v| v["csat_comment"] = "no score".into()),
                BadReport::Csat(100),
            ),
            (
                body(|v| {
                    v["csat"] = 4.into();
                    v["outcome"] = "open".into();
                }),
                BadReport::Csat(100),
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(
                accept(&body, &site(), 100, 2_000, false).map(|r| r.0),
                Err(expected)
            );
        }
        assert!(matches!(
            accept(b"{not json", &site(), 100, 2_000, false),
            Err(BadReport::Shape(_))
        ));
    }
}
