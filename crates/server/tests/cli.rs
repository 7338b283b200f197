//! The `baton` commands, run in-process through `cli::run` with captured output.

// Test code: a broken fixture should fail loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use baton_server::cli::{Cli, run};
use clap::Parser;

struct Outcome {
    code: ExitCode,
    stdout: String,
    stderr: String,
}

fn baton(args: &[&str], stdin: &str) -> Outcome {
    let cli = Cli::try_parse_from(std::iter::once("baton").chain(args.iter().copied())).unwrap();
    let mut input = stdin.as_bytes();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(cli, &mut input, &mut out, &mut err);
    Outcome {
        code,
        stdout: String::from_utf8(out).unwrap(),
        stderr: String::from_utf8(err).unwrap(),
    }
}

fn manifest(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn example() -> String {
    manifest("../../static/demo-shop.json")
}

#[test]
fn check_accepts_the_example_with_a_summary() {
    let out = baton(&["check", &example()], "");
    assert_eq!(out.code, ExitCode::SUCCESS, "{}", out.stderr);
    insta::assert_snapshot!("check_example", out.stdout);
}

/// Every broken config gets a snapshot of its diagnostics and exit code 1.
#[test]
fn check_reports_every_broken_config_with_paths_and_positions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    for file in files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        let out = baton(&["check", &file.to_string_lossy()], "");
        assert_eq!(
            out.code,
            ExitCode::from(1),
            "{name}: expected exit 1, stdout: {}",
            out.stdout
        );
        assert!(
            out.stdout.is_empty(),
            "{name}: nothing on stdout for a broken config"
        );
        // The directory differs between machines; the diagnostics do not.
        let report = out
            .stderr
            .replace(&dir.to_string_lossy().into_owned(), "tests/broken");
        insta::assert_snapshot!(format!("check_{name}"), report);
    }
}

#[test]
fn unreadable_config_is_a_usage_error() {
    let out = baton(&["check", "/nonexistent/site.json"], "");
    assert_eq!(out.code, ExitCode::from(2));
    assert!(
        out.stderr
            .starts_with("error: cannot read `/nonexistent/site.json`"),
        "{}",
        out.stderr
    );
}

#[test]
fn published_schema_is_up_to_date() {
    let out = baton(&["schema"], "");
    let committed = std::fs::read_to_string(manifest("../../static/baton.schema.json")).unwrap();
    assert!(
        out.stdout == committed,
        "static/baton.schema.json is stale: run `cargo run -p baton-server --bin baton -- schema -o static/baton.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let props = &schema["properties"];
    for key in [
        "$schema",
        "version",
        "site",
        "flow",
        "triggers",
        "agent_aids",
        "redaction",
        "experiments",
    ] {
        assert!(props.get(key).is_some(), "schema lacks `{key}`");
    }
}

#[test]
fn flowchart_marks_entries_and_escalations() {
    let svg = baton(&["flowchart", &example()], "");
    assert_eq!(svg.code, ExitCode::SUCCESS, "{}", svg.stderr);
    assert!(svg.stdout.starts_with("<?xml"));
    for id in [
        "menu",
        "order_ask",
        "order_lookup",
        "reset_intro",
        "faq",
        "handoff_orders",
        "goodbye",
    ] {
        assert!(
            svg.stdout.contains(id),
            "node `{id}` is missing from the SVG"
        );
    }
    for id in ["handoff_orders", "handoff_accounts", "handoff_general"] {
        assert!(
            svg.stdout.contains(&format!("{id} (→ human agent)")),
            "escalation node `{id}` is marked"
        );
    }
    assert!(
        !svg.stdout.contains("menu (→ human agent)"),
        "only escalation nodes are marked"
    );
    assert!(
        svg.stdout.contains("page /account/*"),
        "the page entry is labelled"
    );

    let mermaid = baton(&["flowchart", &example(), "--format", "mermaid"], "");
    assert_eq!(mermaid.code, ExitCode::SUCCESS);
    insta::assert_snapshot!("flowchart_example_mermaid", mermaid.stdout);
}

#[test]
fn try_script_prints_one_json_object_per_line() {
    let out = baton(
        &[
            "try",
            &example(),
            "--script",
            &manifest("../../static/demo-script.txt"),
        ],
        "",
    );
    assert_eq!(out.code, ExitCode::SUCCESS, "{}", out.stderr);
    let records: Vec<serde_json::Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap())
        .collect();
    // Five visitor lines, one of them a button press (which has no sentiment).
    assert_eq!(kinds.iter().filter(|k| **k == "visitor").count(), 5);
    assert_eq!(kinds.iter().filter(|k| **k == "sentiment").count(), 4);
    assert!(kinds.contains(&"fetch") && kinds.contains(&"capture"));
    let escalation = records
        .iter()
        .find(|r| r["type"] == "escalate")
        .expect("the last line escalates");
    assert_eq!(escalation["reason"]["by"], "trigger");
    insta::assert_snapshot!("try_demo_script", out.stdout);
}

#[test]
fn try_script_stops_at_a_bad_line_with_its_number() {
    let dir = std::env::temp_dir().join(format!("baton-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("bad.txt");
    std::fs::write(&script, "hello\n/choose zero\n").unwrap();
    let out = baton(
        &["try", &example(), "--script", &script.to_string_lossy()],
        "",
    );
    assert_eq!(out.code, ExitCode::from(1));
    assert!(
        out.stderr
            .contains("bad.txt:2: /choose: `zero` is not a button number"),
        "{}",
        out.stderr
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn try_interactive_shows_replies_sentiment_and_firings() {
    let out = baton(
        &["try", &example()],
        "/choose 3\nI want to talk to a human\n",
    );
    assert_eq!(out.code, ExitCode::SUCCESS, "{}", out.stderr);
    assert!(out.stdout.contains("bot  › What can I help you with?"));
    assert!(out.stdout.contains("[1] Where is my order?"));
    assert!(out.stdout.contains("sentiment +0.00"));
    assert!(out.stdout.contains("trigger fired: `ask-for-human`"));
    assert!(out.stdout.contains("HANDED OVER to queue `general`"));
}
