//! `cargo xtask …`: set-up, build, demo, test and bench for Baton in one place.
//!
//! Every command first installs what it needs and is missing (today: the wasm32 target and
//! the rustfmt/clippy components), so a fresh machine needs nothing but Rust. Commands are
//! idempotent and cheap when everything is already there.
//!
//! - `cargo xtask test`  — fmt check, clippy (deny warnings), all tests, wasm32 builds.
//! - `cargo xtask demo`  — check, flowchart and a scripted chat on the example config.
//! - `cargo xtask bench` — criterion benchmarks; prints a Markdown table of medians.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

type Result<T = ()> = std::result::Result<T, String>;

const WASM: &str = "wasm32-unknown-unknown";
const EXAMPLE: &str = "static/demo-shop.json";
const DEMO_SCRIPT: &str = "static/demo-script.txt";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("demo") => demo(),
        Some("bench") => bench(&args[1..]),
        Some("setup") => setup(),
        Some("help") | None => {
            println!("usage: cargo xtask <test|demo|bench|setup>");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`; try `cargo xtask help`")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    // xtask/ sits in the workspace root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn step(title: &str) {
    println!("\n==> {title}");
}

fn run(program: &str, args: &[&str]) -> Result {
    let status = Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

fn output(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .current_dir(root())
        .output()
        .map_err(|e| format!("cannot start `{program}`: {e}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Installs what is missing: the wasm32 target and the rustfmt/clippy components.
fn setup() -> Result {
    step("set-up");
    let targets = output("rustup", &["target", "list", "--installed"])?;
    if targets.lines().any(|t| t.trim() == WASM) {
        println!("{WASM} target: present");
    } else {
        run("rustup", &["target", "add", WASM])?;
    }
    let components = output("rustup", &["component", "list", "--installed"])?;
    for component in ["rustfmt", "clippy"] {
        if components.lines().any(|c| c.starts_with(component)) {
            println!("{component}: present");
        } else {
            run("rustup", &["component", "add", component])?;
        }
    }
    Ok(())
}

fn test() -> Result {
    setup()?;
    step("cargo fmt --check");
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    step("cargo clippy (warnings denied)");
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    step("cargo test");
    run("cargo", &["test", "--workspace"])?;
    step("wasm32 builds: baton-core and the widget");
    run("cargo", &["build", "-p", "baton-core", "--target", WASM])?;
    run("cargo", &["build", "-p", "baton-widget", "--target", WASM])?;
    println!("\nall checks passed");
    Ok(())
}

fn demo() -> Result {
    setup()?;
    step("building baton");
    run(
        "cargo",
        &["build", "--quiet", "-p", "baton-server", "--bin", "baton"],
    )?;
    let baton = root().join("target/debug/baton");
    let baton = baton.to_string_lossy();
    let out_dir = root().join("target/demo");
    std::fs::create_dir_all(&out_dir)
        .map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
    let svg = out_dir.join("journey.svg");
    let mermaid = out_dir.join("journey.mmd");
    step(&format!("baton check {EXAMPLE}"));
    run(&baton, &["check", EXAMPLE])?;
    step("baton flowchart");
    run(
        &baton,
        &["flowchart", EXAMPLE, "-o", &svg.to_string_lossy()],
    )?;
    run(
        &baton,
        &[
            "flowchart",
            EXAMPLE,
            "--format",
            "mermaid",
            "-o",
            &mermaid.to_string_lossy(),
        ],
    )?;
    println!(
        "journey drawn: {}\n               {}",
        svg.display(),
        mermaid.display()
    );
    step(&format!("baton try {EXAMPLE} --script {DEMO_SCRIPT}"));
    run(&baton, &["try", EXAMPLE, "--script", DEMO_SCRIPT])?;
    println!("\nChat yourself: {baton} try {EXAMPLE}");
    Ok(())
}

fn bench(extra: &[String]) -> Result {
    setup()?;
    step("criterion benchmarks (baton-core)");
    let mut args = vec!["bench", "-p", "baton-core", "--bench", "triggers", "--"];
    args.extend(extra.iter().map(String::as_str));
    run("cargo", &args)?;
    step("medians (paste into BENCHMARKS.md)");
    print_medians(&root().join("target/criterion"));
    Ok(())
}

/// Prints `| benchmark | median |` rows from criterion's `estimates.json` files.
fn print_medians(dir: &Path) {
    let mut rows = Vec::new();
    collect_estimates(dir, dir, &mut rows);
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    println!("| benchmark | median |\n|---|---|");
    for (name, ns) in rows {
        println!("| {name} | {} |", human_time(ns));
    }
}

fn collect_estimates(base: &Path, dir: &Path, rows: &mut Vec<(String, f64)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.ends_with("new") {
            let estimates = path.join("estimates.json");
            if let Some(ns) = std::fs::read_to_string(&estimates)
                .ok()
                .and_then(|s| median_ns(&s))
            {
                let name = dir
                    .strip_prefix(base)
                    .unwrap_or(dir)
                    .to_string_lossy()
                    .into_owned();
                rows.push((name, ns));
            }
        } else if path.is_dir() && !path.ends_with("report") {
            collect_estimates(base, &path, rows);
        }
    }
}

/// The median point estimate (ns) from criterion's estimates.json, found by key to avoid a
/// JSON dependency in xtask.
fn median_ns(json: &str) -> Option<f64> {
    let after = &json[json.find("\"median\"")?..];
    let value = &after[after.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

fn human_time(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}
