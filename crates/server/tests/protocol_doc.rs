//! Every example frame in docs/protocol.md parses as the type its code block names, and
//! every frame type has an example.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use baton_core::protocol::{AgentFrame, Frame, ServerToAgent, ServerToVisitor, VisitorFrame};

fn blocks() -> Vec<(String, String)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/protocol.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        match &mut current {
            None => {
                if let Some(info) = line.trim_start().strip_prefix("```json ") {
                    current = Some((info.trim().to_owned(), String::new()));
                }
            }
            Some((kind, body)) => {
                if line.trim_start().starts_with("```") {
                    out.push((kind.clone(), std::mem::take(body)));
                    current = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
    body: &str,
    seen: &mut BTreeSet<String>,
) {
    let frame: Frame<T> = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e} in\n{body}"));
    assert_eq!(frame.v, 1, "{body}");
    let json = serde_json::to_value(&frame).unwrap();
    seen.insert(json["type"].as_str().unwrap().to_owned());
}

#[test]
fn every_documented_frame_parses_and_every_frame_is_documented() {
    let (mut visitor, mut to_visitor, mut agent, mut to_agent) = (
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
        BTreeSet::new(),
    );
    for (kind, body) in blocks() {
        match kind.as_str() {
            "visitor" => check::<VisitorFrame>(&body, &mut visitor),
            "server-to-visitor" => check::<ServerToVisitor>(&body, &mut to_visitor),
            "agent" => check::<AgentFrame>(&body, &mut agent),
            "server-to-agent" => check::<ServerToAgent>(&body, &mut to_agent),
            other => panic!("unknown example kind `{other}`"),
        }
    }
    let set = |names: &[&str]| {
        names
            .iter()
            .map(|s| (*s).to_owned())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        visitor,
        set(&[
            "hello",
            "handoff",
            "message",
            "typing",
            "csat",
            "leave_email"
        ])
    );
    assert_eq!(
        to_visitor,
        set(&[
            "welcome",
            "queued",
            "agent_joined",
            "message",
            "typing",
            "agent_left",
            "closed",
            "error"
        ])
    );
    assert_eq!(
        agent,
        set(&[
            "login",
            "claim",
            "message",
            "close",
            "flag_misfire",
            "transfer",
            "typing"
        ])
    );
    assert_eq!(
        to_agent,
        set(&[
            "welcome",
            "ticket",
            "closed",
            "typing",
            "queue_snapshot",
            "queue_update",
            "queue_remove",
            "queue_count",
            "message",
            "error"
        ])
    );
}
