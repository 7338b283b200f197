//! Drift alerts over 70 days of generated conversations in a real SQLite store, with a fixed
//! seed: a steady trigger raises nothing, a 3× jump raises exactly one "too often" alert that
//! closes when the jump ends, and a drop to zero raises exactly one "too rarely" alert that
//! stays open.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use baton_core::Millis;
use baton_core::outcome::Outcome;
use baton_core::transcript::Transcript;
use baton_core::trigger::Firing;
use baton_server::review::drift::{Alert, Direction, catch_up, check_day};
use baton_server::review::insights::DAY;
use baton_server::review::simulate::Seeded;
use baton_server::store::sqlite::SqliteStore;
use baton_server::store::{ConversationRecord, Store};

/// 2026-08-01T00:00:00Z.
const S: Millis = 1_785_542_400_000;
const PER_DAY: u64 = 100;

fn site() -> baton_core::Site {
    baton_core::compile(
        r#"{"version": 1, "site": {"id": "shop", "name": "Shop"},
        "flow": {"start": "bye", "nodes": [{"id": "bye", "type": "end", "text": "Bye"}]},
        "triggers": [
          {"id": "steady", "when": {"keywords": ["steady"]}},
          {"id": "jumpy", "when": {"keywords": ["jumpy"]}},
          {"id": "fading", "when": {"keywords": ["fading"]}}
        ]}"#,
    )
    .unwrap()
}

fn firing(trigger: &str, at: Millis) -> Firing {
    serde_json::from_value(serde_json::json!({
        "trigger": trigger, "kind": "keywords", "evidence": [],
        "action": {"type": "escalate", "queue": "general", "priority": "normal"}, "at": at
    }))
    .unwrap()
}

/// Each trigger fires in 10% of conversations, except `jumpy` at 30% on days 50–55 and
/// `fading` never from day 60 on.
fn rate(trigger: &str, day: u64) -> f64 {
    match trigger {
        "jumpy" if (50..=55).contains(&day) => 0.30,
        "fading" if day >= 60 => 0.0,
        _ => 0.10,
    }
}

async fn generate(store: &SqliteStore, days: u64) {
    let mut rng = Seeded::new(20_261_202);
    for day in 0..days {
        for i in 0..PER_DAY {
            let start = S + day * DAY + i * 60_000;
            let trace = ["steady", "jumpy", "fading"]
                .into_iter()
                .filter(|t| rng.chance() < rate(t, day))
                .map(|t| firing(t, start + 1_000))
                .collect();
            store
                .record_conversation(&ConversationRecord {
                    site: "shop".into(),
                    visitor: format!("v-{day}-{i}"),
                    started_at: start,
                    last_seen_at: start + 60_000,
                    outcome: Outcome::Resolved,
                    ticket: None,
                    variants: vec![],
                    trace,
                    transcript: Transcript::default(),
                    csat: None,
                    csat_comment: None,
                })
                .await
                .unwrap();
        }
    }
}

fn of<'a>(alerts: &'a [Alert], trigger: &str) -> Vec<&'a Alert> {
    alerts.iter().filter(|a| a.trigger == trigger).collect()
}

#[tokio::test]
async fn a_jump_and_a_drop_each_raise_one_alert_and_a_steady_trigger_none() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let site = site();
    generate(&store, 70).await;
    let mut opened = Vec::new();
    for day in 28..70 {
        opened.extend(check_day(&store, &site, S + day * DAY).await.unwrap());
    }
    let all = store.alerts("shop", 0).await.unwrap();
    assert_eq!(
        all.len(),
        opened.len(),
        "every alert was announced once: {all:?}"
    );
    assert!(of(&all, "steady").is_empty(), "{all:?}");

    let jumpy = of(&all, "jumpy");
    assert_eq!(jumpy.len(), 1, "one alert for the whole jump: {jumpy:?}");
    let jump = jumpy[0];
    assert_eq!(jump.direction, Direction::TooOften);
    assert_eq!(jump.opened_day, S + 50 * DAY);
    assert!(jump.last_day >= S + 54 * DAY, "{jump:?}");
    assert_eq!(
        jump.closed_day,
        Some(jump.last_day + DAY),
        "closed by the first normal day"
    );

    let fading = of(&all, "fading");
    assert_eq!(fading.len(), 1, "{fading:?}");
    let drop = fading[0];
    assert_eq!(drop.direction, Direction::TooRarely);
    assert_eq!(drop.opened_day, S + 60 * DAY);
    assert_eq!(drop.observed, 0);
    assert_eq!(drop.closed_day, None, "still not firing: still open");
}

#[tokio::test]
async fn catching_up_checks_each_day_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path()).await.unwrap();
    let site = site();
    generate(&store, 62).await;
    // First run: only the last complete day (day 61, where `fading` has stopped).
    let now = S + 62 * DAY + 3_600_000;
    let opened = catch_up(&store, &site, now).await.unwrap();
    assert_eq!(
        store.last_drift_day("shop").await.unwrap(),
        Some(S + 61 * DAY)
    );
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].trigger, "fading");
    // The same hour again: nothing new to check, nothing new opened.
    assert!(catch_up(&store, &site, now).await.unwrap().is_empty());
}
