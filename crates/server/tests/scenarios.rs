//! Conversation scenarios: one file per conversation under `tests/scenarios/`, all run by
//! one loop through the same engine and script reader as `baton try`.
//!
//! A scenario file is a `baton try` script with expectations under each input line:
//!
//! ```text
//! # what this scenario shows                  comment
//! config small/turns.json                     config, relative to tests/scenarios (default: the demo shop)
//! variant anger-threshold=sensitive           pick a visitor id that runs this variant
//! page /orders/                               page the chat opens on
//! > I want to talk to my lawyer               a visitor line or /command, as in `baton try`
//! long 10240 where is my order                a visitor message: the text repeated to N bytes
//! say Order AB123456 is                       a bot message containing this text
//! choices Where is my order? | Something else a bot message offering these buttons, in order
//! fired legal                                 trigger `legal` fired…
//! evidence keyword `lawyer` in message 3      …with an explanation containing this
//! escalate escalations high                   handed over to this queue at this priority
//! offer souring                               a person was offered by this trigger
//! capture order_id = AB123456                 a field was captured
//! fetch GET http://127.0.0.1:8080/…           a site API call was asked for
//! end csat                                    the journey ended (`csat` or `no-csat`)
//! ignored empty message                       the input was ignored for this reason
//! sentiment < -0.5                            the line's sentiment score is below (or `>` above)
//! ```
//!
//! Expectations under an input line must appear in that order among what the line
//! produced; `evidence` and `choices` describe the record matched just before them. Firings, offers, escalations and ends are strict: one that is not expected
//! fails the scenario, so "this must not fire" is written by expecting nothing.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use baton_core::conversation::Output;
use baton_core::trigger::Firing;
use baton_server::tools::chat::{Chat, Record, Step};

fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

fn demo_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../static/demo-shop.json")
}

#[derive(Debug)]
struct Scenario {
    config: PathBuf,
    variant: Option<(String, String)>,
    page: Option<String>,
    turns: Vec<Turn>,
}

#[derive(Debug)]
struct Turn {
    line: usize,
    input: Option<String>,
    expect: Vec<(usize, Expect)>,
}

#[derive(Debug)]
enum Expect {
    Say(String),
    Choices(Vec<String>),
    Fired(String),
    Evidence(String),
    Escalate(String, String),
    Offer(String),
    Capture(String, String),
    Fetch(String),
    End(bool),
    Ignored(String),
    SentimentBelow(f32),
    SentimentAbove(f32),
}

fn parse(path: &Path) -> Scenario {
    let text = std::fs::read_to_string(path).unwrap();
    let mut scenario = Scenario {
        config: demo_config(),
        variant: None,
        page: None,
        // Turn 0 holds expectations about the opening (greeting, start node).
        turns: vec![Turn {
            line: 0,
            input: None,
            expect: vec![],
        }],
    };
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let at = || format!("{}:{n}", path.display());
        let expect = match word {
            "config" => {
                scenario.config = scenarios_dir().join(rest);
                continue;
            }
            "variant" => {
                let (e, v) = rest
                    .split_once('=')
                    .unwrap_or_else(|| panic!("{}: variant EXP=VARIANT", at()));
                scenario.variant = Some((e.to_owned(), v.to_owned()));
                continue;
            }
            "page" => {
                scenario.page = Some(rest.to_owned());
                continue;
            }
            ">" => {
                scenario.turns.push(Turn {
                    line: n,
                    input: Some(rest.to_owned()),
                    expect: vec![],
                });
                continue;
            }
            "long" => {
                let (size, unit) = rest
                    .split_once(' ')
                    .unwrap_or_else(|| panic!("{}: long N TEXT", at()));
                let size: usize = size.parse().unwrap();
                let mut message = unit.repeat(size / unit.len() + 1);
                message.truncate(size);
                scenario.turns.push(Turn {
                    line: n,
                    input: Some(message),
                    expect: vec![],
                });
                continue;
            }
            "say" => Expect::Say(rest.to_owned()),
            "choices" => Expect::Choices(rest.split(" | ").map(str::to_owned).collect()),
            "fired" => Expect::Fired(rest.to_owned()),
            "evidence" => Expect::Evidence(rest.to_owned()),
            "escalate" => {
                let (queue, priority) = rest
                    .split_once(' ')
                    .unwrap_or_else(|| panic!("{}: escalate QUEUE PRIORITY", at()));
                Expect::Escalate(queue.to_owned(), priority.to_owned())
            }
            "offer" => Expect::Offer(rest.to_owned()),
            "capture" => {
                let (field, value) = rest
                    .split_once(" = ")
                    .unwrap_or_else(|| panic!("{}: capture FIELD = VALUE", at()));
                Expect::Capture(field.to_owned(), value.to_owned())
            }
            "fetch" => Expect::Fetch(rest.to_owned()),
            "end" => Expect::End(rest == "csat"),
            "ignored" => Expect::Ignored(rest.to_owned()),
            "sentiment" => {
                let (op, value) = rest
                    .split_once(' ')
                    .unwrap_or_else(|| panic!("{}: sentiment < N", at()));
                let value: f32 = value.parse().unwrap();
                match op {
                    "<" => Expect::SentimentBelow(value),
                    ">" => Expect::SentimentAbove(value),
                    other => panic!("{}: unknown comparison `{other}`", at()),
                }
            }
            other => panic!("{}: unknown directive `{other}`", at()),
        };
        scenario.turns.last_mut().unwrap().expect.push((n, expect));
    }
    scenario
}

fn matches(expect: &Expect, record: &Record) -> bool {
    match (expect, record) {
        (Expect::Say(text), Record::Output(Output::Say { text: said, .. })) => {
            said.contains(text.as_str())
        }
        (Expect::Choices(want), Record::Output(Output::Say { choices, .. })) => choices == want,
        (Expect::Fired(id), Record::Output(Output::Fired(f))) => &f.trigger == id,
        (Expect::Evidence(text), Record::Output(Output::Fired(f))) => {
            f.explain().contains(text.as_str())
        }
        (Expect::Escalate(queue, priority), Record::Output(Output::Escalate(e))) => {
            &e.queue == queue && format!("{:?}", e.priority).eq_ignore_ascii_case(priority)
        }
        (Expect::Offer(id), Record::Output(Output::Offer { trigger })) => trigger == id,
        (Expect::Capture(field, value), Record::Output(Output::Capture { field: f, value: v })) => {
            f == field && v == value
        }
        (Expect::Fetch(text), Record::Output(Output::Fetch(request))) => {
            let verb = if request.body.is_some() {
                "POST"
            } else {
                "GET"
            };
            format!("{verb} {}", request.url) == *text
        }
        (Expect::End(csat), Record::Output(Output::End { csat: c })) => c == csat,
        (Expect::Ignored(reason), Record::Output(Output::Ignored { reason: r })) => {
            r.contains(reason.as_str())
        }
        (Expect::SentimentBelow(limit), Record::Sentiment { score, .. }) => score < limit,
        (Expect::SentimentAbove(limit), Record::Sentiment { score, .. }) => score > limit,
        _ => false,
    }
}

/// Records that must each be expected.
fn is_strict(record: &Record) -> Option<String> {
    match record {
        Record::Output(Output::Fired(Firing { trigger, .. })) => Some(format!("fired {trigger}")),
        Record::Output(Output::Offer { trigger }) => Some(format!("offer {trigger}")),
        Record::Output(Output::Escalate(e)) => {
            Some(format!("escalate {} {:?}", e.queue, e.priority))
        }
        Record::Output(Output::End { csat }) => Some(format!("end csat={csat}")),
        Record::Output(Output::Ignored { reason }) => Some(format!("ignored {reason}")),
        _ => None,
    }
}

fn is_strict_expectation(expect: &Expect) -> bool {
    matches!(
        expect,
        Expect::Fired(_)
            | Expect::Offer(_)
            | Expect::Escalate(..)
            | Expect::End(_)
            | Expect::Ignored(_)
    )
}

fn visitor_for(site: &baton_core::Site, variant: &Option<(String, String)>) -> String {
    let Some((experiment, wanted)) = variant else {
        return "visitor-1".to_owned();
    };
    let e = site
        .experiments
        .iter()
        .find(|e| &e.id == experiment)
        .expect("experiment exists");
    (0..10_000)
        .map(|i| format!("visitor-{i}"))
        .find(|v| e.variants.get(e.assign(v)).is_some_and(|x| &x.id == wanted))
        .expect("some visitor runs the variant")
}

fn run(path: &Path) -> Result<(), String> {
    let scenario = parse(path);
    let source = std::fs::read_to_string(&scenario.config)
        .map_err(|e| format!("{}: {e}", scenario.config.display()))?;
    let site = Arc::new(baton_core::compile(&source).map_err(|e| e.to_string())?);
    let visitor = visitor_for(&site, &scenario.variant);
    let (mut chat, opening) = Chat::start(Arc::clone(&site), &visitor, scenario.page.clone());
    for turn in &scenario.turns {
        let records = match &turn.input {
            None => opening.clone(),
            Some(input) => match chat.line(input) {
                Ok(Step::Continue(records)) => records,
                Ok(Step::Quit) => return Ok(()),
                Err(e) => return Err(format!("line {}: {e}", turn.line)),
            },
        };
        let mut from: usize = 0;
        for (n, expect) in &turn.expect {
            // Evidence and buttons describe the record the previous expectation matched.
            let start = match expect {
                Expect::Evidence(_) | Expect::Choices(_) => from.saturating_sub(1),
                _ => from,
            };
            match records.iter().skip(start).position(|r| matches(expect, r)) {
                Some(offset) => from = start + offset + 1,
                None => {
                    return Err(format!(
                        "line {n}: expected {expect:?} after line {}, got:\n{}",
                        turn.line,
                        pretty(&records)
                    ));
                }
            }
        }
        for record in &records {
            if let Some(what) = is_strict(record) {
                let expected = turn
                    .expect
                    .iter()
                    .any(|(_, e)| is_strict_expectation(e) && matches(e, record));
                if !expected {
                    return Err(format!(
                        "line {}: unexpected `{what}`; got:\n{}",
                        turn.line,
                        pretty(&records)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn pretty(records: &[Record]) -> String {
    records
        .iter()
        .map(|r| format!("  {}", serde_json::to_string(r).unwrap_or_default()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_scenario() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "scenario"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "found only {} scenarios", paths.len());
    let failures: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            run(p)
                .err()
                .map(|e| format!("{}: {e}", p.file_name().unwrap().to_string_lossy()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n\n{}",
        failures.len(),
        paths.len(),
        failures.join("\n\n")
    );
}
