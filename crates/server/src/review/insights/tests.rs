//! Facts with answers worked out by hand (see the comments), and experiments generated with
//! fixed seeds.

use baton_core::Millis;
use baton_core::experiment::Assignment;
use baton_core::outcome::Outcome;
use baton_core::protocol::Misfire;
use baton_core::transcript::{Author, Entry, Transcript};
use baton_core::trigger::Firing;
use serde_json::json;

use super::*;
use crate::store::{ConversationRecord, Status, Ticket};

/// 2026-10-01T00:00:00Z.
const S: Millis = 1_790_812_800_000;
const H: Millis = 3600 * 1000;
const MIN: Millis = 60 * 1000;

fn site() -> Site {
    baton_core::compile(
        r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
        "flow": {"start": "bye", "nodes": [{"id": "bye", "type": "end", "text": "Bye"}]},
        "triggers": [
          {"id": "legal", "when": {"keywords": ["lawyer"]}},
          {"id": "angry", "when": {"sentiment_below": -0.5}}
        ],
        "experiments": [{"id": "exp", "variants": [
          {"id": "a", "weight": 50},
          {"id": "b", "weight": 50, "overrides": [{"trigger": "angry", "threshold": -0.3}]}
        ]}]}"#,
    )
    .expect("valid config")
}

fn firing(trigger: &str, at: Millis) -> Firing {
    serde_json::from_value(json!({
        "trigger": trigger, "kind": "keywords", "evidence": [],
        "action": {"type": "escalate", "queue": "general", "priority": "normal"}, "at": at
    }))
    .expect("a firing")
}

/// A conversation with one scored visitor message at `start + 30 s`.
fn conversation(
    visitor: &str,
    start: Millis,
    outcome: Outcome,
    trace: &[&str],
    sentiment: f32,
    variant: &str,
) -> ConversationRecord {
    ConversationRecord {
        site: "shop".into(),
        visitor: visitor.into(),
        started_at: start,
        last_seen_at: start + MIN,
        outcome,
        ticket: None,
        variants: vec![Assignment {
            experiment: "exp".into(),
            variant: variant.into(),
        }],
        trace: trace.iter().map(|t| firing(t, start + 30_000)).collect(),
        transcript: Transcript {
            entries: vec![Entry {
                from: Author::Visitor,
                text: "hello".into(),
                at: start + 30_000,
                sentiment: Some(sentiment),
                unconfirmed: false,
            }],
        },
        csat: None,
        csat_comment: None,
    }
}

struct TicketFacts {
    first_reply: Option<Millis>,
    closed: Option<Millis>,
    csat: Option<u8>,
    misfire: Option<Misfire>,
    cause: &'static str,
}

/// Escalates `c` with a ticket created at its start; times in `facts` are after creation.
fn escalate(c: &mut ConversationRecord, id: &str, facts: TicketFacts) -> Ticket {
    c.outcome = Outcome::Escalated;
    c.ticket = Some(id.into());
    let handoff = serde_json::from_value(json!({
        "site": "shop", "visitor": c.visitor, "transcript": [], "profile": {"attributes": {}},
        "escalation": {"reason": {"by": "accepted_offer", "firing": firing(facts.cause, c.started_at)},
                       "queue": "general", "priority": "normal"},
        "trace": [], "fields": {},
        "summary": {"intent": null, "path": [], "fields": {}, "triggers": [],
                    "sentiment": {"messages": 0, "first": null, "last": null, "min": null,
                                  "mean": null, "direction": "unknown"}},
        "variants": [], "started_at": c.started_at
    }))
    .expect("a handoff");
    let created = c.started_at;
    Ticket {
        id: id.into(),
        site: "shop".into(),
        resume_token: String::new(),
        queue: "general".into(),
        priority: baton_core::queue::Priority::Normal,
        status: if facts.closed.is_some() {
            Status::Closed
        } else {
            Status::Queued
        },
        handoff,
        verified: false,
        server_trace: vec![],
        disagreement: None,
        created_at: created,
        claimed_at: None,
        claimed_by: None,
        first_reply_at: facts.first_reply.map(|d| created + d),
        closed_at: facts.closed.map(|d| created + d),
        resolution: None,
        csat: facts.csat,
        csat_comment: None,
        misfire: facts.misfire,
        email: None,
    }
}

/// Seven conversations over ten days, each outcome and flag represented once or twice.
fn facts() -> (Facts, Window) {
    let window = Window {
        since: S,
        until: S + 10 * DAY,
    };
    let mut c1 = conversation("v1", S + H, Outcome::Open, &["legal"], -0.2, "a");
    let t1 = escalate(
        &mut c1,
        "t1",
        TicketFacts {
            first_reply: Some(2 * MIN),
            closed: Some(10 * MIN),
            csat: Some(5),
            misfire: None,
            cause: "legal",
        },
    );
    let mut c2 = conversation("v2", S + 2 * H, Outcome::Open, &["legal"], -0.4, "a");
    let t2 = escalate(
        &mut c2,
        "t2",
        TicketFacts {
            first_reply: Some(4 * MIN),
            closed: Some(20 * MIN),
            csat: Some(2),
            misfire: Some(Misfire::Needless),
            cause: "legal",
        },
    );
    let mut c3 = conversation("v3", S + DAY, Outcome::Open, &["angry"], -0.8, "b");
    let t3 = escalate(
        &mut c3,
        "t3",
        TicketFacts {
            first_reply: None,
            closed: None,
            csat: None,
            misfire: Some(Misfire::TooLate),
            cause: "angry",
        },
    );
    let mut c4 = conversation("v1", S + 3 * DAY, Outcome::Resolved, &[], 0.3, "b");
    c4.csat = Some(4);
    let c5 = conversation("v4", S + 3 * DAY, Outcome::Open, &[], 0.0, "a");
    let mut c6 = conversation("v5", S + 10 * DAY - 10 * MIN, Outcome::Open, &[], 0.0, "b");
    c6.last_seen_at = S + 10 * DAY - 5 * MIN;
    let c7 = conversation("v6", S + 4 * DAY, Outcome::Resolved, &["angry"], -0.6, "b");
    // Outside the window: ignored.
    let c8 = conversation("v7", S - 1, Outcome::Resolved, &["legal"], 0.0, "a");
    let facts = Facts {
        conversations: vec![c1, c2, c3, c4, c5, c6, c7, c8],
        tickets: vec![t1, t2, t3],
        alerts: vec![],
    };
    (facts, window)
}

#[test]
fn overview_matches_the_hand_computed_figures() {
    let (facts, window) = facts();
    let report = compute(&site(), &facts, window);
    let f = &report.overview;
    // c1–c7; c8 started before the window.
    assert_eq!(f.conversations, 7);
    // Escalated c1 c2 c3; resolved c4 c7; abandoned c5 (last seen 10 days before the end);
    // open c6 (seen 5 minutes before the end).
    assert_eq!(
        f.outcomes,
        Outcomes {
            escalated: 3,
            resolved: 2,
            abandoned: 1,
            open: 1
        }
    );
    assert_eq!((f.escalation_rate.count, f.escalation_rate.of), (3, 6));
    assert_eq!(f.escalation_rate.value, Some(0.5));
    assert_eq!(
        (f.bot_resolution_rate.count, f.bot_resolution_rate.of),
        (2, 6)
    );
    // t1 and t2 answered; t3 unanswered for 9 days: decided, failed.
    assert_eq!(
        (
            f.escalation_success_rate.count,
            f.escalation_success_rate.of
        ),
        (2, 3)
    );
    // Ratings 5 and 2 of tickets t1 and t2, and 4 of c4, which the bot resolved.
    assert_eq!((f.csat.ratings, f.csat.from_bot), (3, 1));
    let mean = f.csat.mean.expect("rated");
    assert!((mean - 11.0 / 3.0).abs() < 1e-12, "{mean}");
    assert_eq!(f.csat.histogram, [0, 1, 0, 1, 1]);
    assert_eq!((f.csat.satisfied.count, f.csat.satisfied.of), (2, 3));
    // Replies after 2 and 4 minutes; closes after 10 and 20 (nearest rank: ceil(0.5·2) = 1st).
    assert_eq!(
        f.first_reply,
        Durations {
            count: 2,
            median_ms: Some(2 * MIN),
            p90_ms: Some(4 * MIN)
        }
    );
    assert_eq!(
        f.resolution,
        Durations {
            count: 2,
            median_ms: Some(10 * MIN),
            p90_ms: Some(20 * MIN)
        }
    );
    // Eligible (finished, 7 days passed by the end): c1 c2 c3 c4 c5; c7 started on day 4.
    // Only c1 was followed by the same visitor (c4, 3 days later).
    assert_eq!((f.repeat_contacts.count, f.repeat_contacts.of), (1, 5));
}

#[test]
fn days_and_triggers_match_the_hand_computed_figures() {
    let (facts, window) = facts();
    let report = compute(&site(), &facts, window);
    assert_eq!(report.days.len(), 10);
    assert_eq!(report.days[0].date, "2026-10-01");
    assert_eq!(report.days[9].date, "2026-10-10");
    let escalated: Vec<u64> = report.days.iter().map(|d| d.outcomes.escalated).collect();
    assert_eq!(escalated, [2, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(report.days[3].outcomes.resolved, 1);
    assert_eq!(report.days[3].outcomes.abandoned, 1);
    assert_eq!(report.days[9].outcomes.open, 1);

    let ids: Vec<&str> = report.triggers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["legal", "angry"]);
    let legal = &report.triggers[0];
    assert_eq!((legal.fire_rate.count, legal.fire_rate.of), (2, 7));
    assert_eq!(
        (legal.escalations, legal.needless, legal.too_late),
        (2, 1, 0)
    );
    assert_eq!((legal.precision.count, legal.precision.of), (1, 2));
    let mean = legal.sentiment_at_fire.expect("scored");
    assert!((mean - -0.3).abs() < 1e-6, "{mean}");
    assert_eq!(legal.daily[0], 2);
    let angry = &report.triggers[1];
    assert_eq!((angry.fire_rate.count, angry.escalations), (2, 1));
    assert_eq!((angry.needless, angry.too_late), (0, 1));
    assert_eq!(angry.precision.value, Some(1.0));
    let mean = angry.sentiment_at_fire.expect("scored");
    assert!((mean - -0.7).abs() < 1e-6, "{mean}");
    assert_eq!(angry.daily, [0, 1, 0, 0, 1, 0, 0, 0, 0, 0]);

    let exp = &report.experiments[0];
    let a = &exp.variants[0].figures;
    let b = &exp.variants[1].figures;
    // a: c1 c2 (escalated), c5 (abandoned); b: c3 (escalated), c4 c7 (resolved), c6 (open).
    assert_eq!((a.escalation_rate.count, a.escalation_rate.of), (2, 3));
    assert_eq!((b.escalation_rate.count, b.escalation_rate.of), (1, 3));
    assert!(!exp.verdict.significant);
    assert!(
        exp.verdict
            .summary
            .starts_with("Not yet: variant `a` has 3"),
        "{}",
        exp.verdict.summary
    );
}

/// 2,000 visitors split by the real assignment hash; each escalates with its arm's rate.
fn experiment_run(seed: u64, rate_a: f64, rate_b: f64) -> ExperimentReport {
    let site = site();
    let experiment = &site.experiments[0];
    let mut rng = crate::review::simulate::Seeded::new(seed);
    let conversations = (0..2_000)
        .map(|i| {
            let visitor = format!("visitor-{i}");
            let arm = experiment.assign(&visitor);
            let rate = if arm == 0 { rate_a } else { rate_b };
            let outcome = if rng.chance() < rate {
                Outcome::Escalated
            } else {
                Outcome::Resolved
            };
            let variant = &experiment.variants[arm].id;
            conversation(&visitor, S + i * MIN, outcome, &[], 0.0, variant)
        })
        .collect();
    let facts = Facts {
        conversations,
        ..Facts::default()
    };
    let window = Window {
        since: S,
        until: S + 10 * DAY,
    };
    compute(&site, &facts, window).experiments.remove(0)
}

#[test]
fn an_experiment_with_a_real_effect_is_detected_and_one_without_is_not() {
    for seed in [1, 2, 3] {
        let effect = experiment_run(seed, 0.30, 0.20);
        assert!(effect.verdict.significant, "{}", effect.verdict.summary);
        assert!(
            effect
                .verdict
                .summary
                .starts_with("Significant: `b` escalates"),
            "{}",
            effect.verdict.summary
        );
        assert!(effect.verdict.test.contains("two-proportion z-test"));

        let none = experiment_run(seed, 0.25, 0.25);
        assert!(!none.verdict.significant, "{}", none.verdict.summary);
        assert!(none.verdict.summary.starts_with("Not yet"));
    }
}

#[test]
fn days_are_calendar_days_whatever_the_hour_of_since() {
    let window = Window {
        since: S + 12 * H,
        until: S + 2 * DAY + H,
    };
    let (facts, _) = facts();
    let report = compute(&site(), &facts, window);
    let dates: Vec<&str> = report.days.iter().map(|d| d.date.as_str()).collect();
    assert_eq!(dates, ["2026-10-01", "2026-10-02", "2026-10-03"]);
    // c3 started at midnight of day 1: the second day, not the first.
    assert_eq!(report.days[1].outcomes.escalated, 1);
}

#[test]
fn dates_are_utc_calendar_days() {
    assert_eq!(date(0), "1970-01-01");
    assert_eq!(date(S), "2026-10-01");
    assert_eq!(date(951_782_400_000), "2000-02-29");
}

#[test]
fn since_takes_lengths_and_dates() {
    let now = S + 100 * DAY;
    assert_eq!(parse_since("90d", now), Ok(S + 10 * DAY));
    assert_eq!(parse_since("36h", now), Ok(now - 36 * H));
    assert_eq!(parse_since("2026-10-01", now), Ok(S));
    assert_eq!(parse_since("2000-02-29", now), Ok(951_782_400_000));
    for bad in [
        "",
        "d",
        "-3d",
        "ninety",
        "2026-02-30",
        "2026-13-01",
        "26-10-01x",
    ] {
        let e = parse_since(bad, now).expect_err(bad);
        assert!(e.contains("like `90d`"), "{e}");
    }
}

#[test]
fn an_empty_window_reports_no_rates_and_renders() {
    let window = Window {
        since: S,
        until: S + DAY,
    };
    let report = compute(&site(), &Facts::default(), window);
    assert_eq!(report.overview.escalation_rate.value, None);
    assert_eq!(report.overview.csat.mean, None);
    let page = html::render(&report);
    assert!(page.starts_with("<!doctype html>") && page.contains("<svg"));
}

#[test]
fn the_page_escapes_what_the_data_says() {
    let (mut facts, window) = facts();
    facts.conversations[0].trace[0].trigger = "<script>alert(1)</script>".into();
    let page = html::render(&compute(&site(), &facts, window));
    assert!(!page.contains("<script>"));
    assert!(page.contains("&lt;script&gt;"));
}

#[test]
fn the_page_lists_drift_alerts_open_and_closed() {
    let (mut facts, window) = facts();
    let alert = |trigger: &str, direction, closed_day| crate::store::Alert {
        id: 1,
        trigger: trigger.into(),
        direction,
        opened_day: S + 2 * DAY,
        last_day: S + 4 * DAY,
        observed: 31,
        expected: 10.2,
        p: 2.5e-7,
        closed_day,
    };
    facts.alerts = vec![
        alert("angry", crate::store::Direction::TooOften, None),
        alert(
            "legal",
            crate::store::Direction::TooRarely,
            Some(S + 5 * DAY),
        ),
    ];
    let report = compute(&site(), &facts, window);
    assert_eq!(report.alerts.len(), 2);
    let page = html::render(&report);
    assert!(page.contains(
        "<code>angry</code></th><td>too often</td><td>2026-10-03</td><td>2026-10-05</td>"
    ));
    assert!(page.contains("closed 2026-10-06"));
    assert!(!page.contains("No trigger fired unusually"));
}
