//! `cargo xtask …`: set-up, build, demo, test and bench for Baton in one place.
//!
//! Every command first installs what it needs and is missing (the wasm32 target, rustfmt and
//! clippy; for `test` and `demo` also trunk, wasm-bindgen-cli, binaryen's wasm-opt, Debian's
//! Chromium and the npm test dependencies), so a fresh machine needs nothing but Rust, Node
//! and apt. Commands are idempotent and cheap when everything is already there.
//!
//! - `cargo xtask test`  — fmt check, clippy (deny warnings), all tests, the release builds
//!   of the agent workspace and the visitor widget, and the browser tests in headless
//!   Chromium.
//! - `cargo xtask demo [ADDR]` — check and draw the example config, create the demo agent,
//!   and run `baton serve` on it (default 127.0.0.1:8080) until Ctrl-C.
//! - `cargo xtask simulate [--conversations N] [--days D] [--seed S]` — start `baton serve`
//!   on the demo's data and drive it with synthetic conversations (`baton simulate`), so
//!   the review and Insights have something to show. `demo` does this once, on its first run.
//! - `cargo xtask bench` — criterion benchmarks (a Markdown table of medians), the server
//!   benchmarks (handoff latency, relay throughput vs a bare echo, idle sockets), the floods
//!   (bad logins, handoffs), then the widget's bytes and timings in headless Chromium.
//! - `cargo xtask fuzz [SECONDS] [--runs N] [TARGET…]` — coverage-guided fuzzing of frame
//!   parsing, config compiling, the redactor and token verification (see `fuzz.rs`).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

mod fuzz;

type Result<T = ()> = std::result::Result<T, String>;

const WASM: &str = "wasm32-unknown-unknown";
const EXAMPLE: &str = "static/demo-shop.json";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(),
        Some("demo") => demo(&args[1..]),
        Some("bench") => bench(&args[1..]),
        Some("setup") => setup(),
        Some("simulate") => simulate(&args[1..]),
        Some("fuzz") => fuzz::fuzz(&args[1..]),
        Some("help") | None => {
            println!("usage: cargo xtask <test|demo|simulate|bench|fuzz|setup>");
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
    setup_web()?;
    setup_browser()?;
    step("cargo fmt --check");
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    step("cargo clippy (warnings denied)");
    run("cargo", &clippy(&["--workspace", "--all-targets"]))?;
    // The UI code of the console and the widget only exists for wasm32 (the widget's run
    // also checks that baton-core builds there without its default features, so it is a run
    // of its own).
    run("cargo", &clippy(&["-p", "baton-console", "--target", WASM]))?;
    run(
        "cargo",
        &clippy(&[
            "-p",
            "baton-widget",
            "-p",
            "baton-wasm-bench",
            "--target",
            WASM,
        ]),
    )?;
    step("cargo test");
    run("cargo", &["test", "--workspace"])?;
    build_console()?;
    build_widget()?;
    step("browser tests: headless Chromium against a real baton serve");
    run("cargo", &["build", "-p", "baton-server", "--bin", "baton"])?;
    run("npm", &["test"])?;
    println!("\nall checks passed");
    Ok(())
}

/// `cargo clippy {what} -- -D warnings`.
fn clippy<'a>(what: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["clippy"];
    args.extend_from_slice(what);
    args.extend_from_slice(&["--", "-D", "warnings"]);
    args
}
const TRUNK_VERSION: &str = "0.21.14";
const WASM_BINDGEN_VERSION: &str = "0.2.130";
const BINARYEN_VERSION: &str = "132.0.0";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether `program --version` runs and mentions `version`.
fn has_version(program: &str, version: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains(version))
}

fn binaryen_bin() -> PathBuf {
    root().join("target/tools/binaryen/node_modules/.bin")
}

/// Installs what the web build needs: trunk, wasm-bindgen-cli and binaryen's wasm-opt at the
/// versions that work together (../shared/TOOLCHAIN.md).
fn setup_web() -> Result {
    step("set-up: web build tools");
    if has_version("trunk", TRUNK_VERSION) {
        println!("trunk {TRUNK_VERSION}: present");
    } else {
        run(
            "cargo",
            &["install", "trunk", "--version", TRUNK_VERSION, "--locked"],
        )?;
    }
    if has_version("wasm-bindgen", WASM_BINDGEN_VERSION) {
        println!("wasm-bindgen {WASM_BINDGEN_VERSION}: present");
    } else {
        // Not --locked: the crates mirror lags one of its locked dependencies.
        run(
            "cargo",
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                WASM_BINDGEN_VERSION,
            ],
        )?;
    }
    let wasm_opt = binaryen_bin().join("wasm-opt");
    if has_version(&wasm_opt.to_string_lossy(), "132") {
        println!("wasm-opt 132: present");
    } else {
        let prefix = root().join("target/tools/binaryen");
        let package = format!("binaryen@{BINARYEN_VERSION}");
        run(
            "npm",
            &[
                "install",
                "--no-save",
                "--no-audit",
                "--no-fund",
                "--prefix",
                &prefix.to_string_lossy(),
                &package,
            ],
        )?;
    }
    Ok(())
}

/// Installs what the browser tests need: Debian's Chromium and the npm test dependencies.
fn setup_browser() -> Result {
    step("set-up: browser tests");
    if Path::new(CHROMIUM).exists() {
        println!("chromium: present");
    } else {
        run("apt-get", &["update", "-qq"])?;
        run("apt-get", &["install", "-y", "-qq", "chromium"])?;
    }
    if root().join("node_modules/playwright-core").exists() {
        println!("npm test dependencies: present");
    } else {
        run("npm", &["ci", "--no-audit", "--no-fund"])?;
    }
    Ok(())
}

/// Builds the agent workspace (release, wasm-opt 132) into crates/console/dist.
fn build_console() -> Result {
    step("agent workspace: trunk build --release");
    run("cargo", &["fetch"])?;
    trunk_build("crates/console")
}

/// Builds the visitor widget (release, wasm-opt 132) from the repository root (its
/// Trunk.toml and index.html sit beside the root Cargo.toml, the widget package) into dist.
fn build_widget() -> Result {
    step("visitor widget: trunk build --release");
    run("cargo", &["fetch"])?;
    trunk_build(".")
}

/// The cargo profile of every web build: built for size (the root release profile stays tuned
/// for the server; `baton-text` is built for speed by a package override), in Cargo.toml.
const WASM_PROFILE: &str = "wasm-release";

/// `trunk build --release` in `dir` with the [`WASM_PROFILE`] (`--release` still has trunk
/// run wasm-opt).
fn trunk_build(dir: &str) -> Result {
    let path = format!(
        "{}:{}",
        binaryen_bin().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let status = Command::new("trunk")
        .args(["build", "--release", "--cargo-profile", WASM_PROFILE])
        .current_dir(root().join(dir))
        .env("PATH", path)
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("CARGO_TARGET_DIR", root().join("target"))
        .status()
        .map_err(|e| format!("cannot start trunk: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("trunk build in {dir} failed ({status})"))
}

fn demo(args: &[String]) -> Result {
    setup()?;
    let addr = args.first().map_or("127.0.0.1:8080", String::as_str);
    let baton = build_baton()?;
    let demo = root().join("target/demo");
    let data = demo.join("data");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    step(&format!("baton check {EXAMPLE}"));
    run(&baton, &["check", EXAMPLE])?;
    step("baton flowchart");
    let svg = demo.join("journey.svg");
    run(
        &baton,
        &["flowchart", EXAMPLE, "-o", &svg.to_string_lossy()],
    )?;
    println!("journey drawn: {}", svg.display());
    setup_web()?;
    build_console()?;
    build_widget()?;
    let console = console_dist();
    let fresh = !data.join("baton.db").exists();
    step("demo agent");
    add_demo_agent(&baton, &data)?;
    if fresh {
        step("a month of synthetic conversations, so Insights has data (first run only)");
        simulate_into(&baton, &data, &["--conversations", "1500"])?;
    }
    let secret = demo.join("jwt-secret");
    std::fs::write(&secret, "demo-secret-of-the-baton-demo-shop-only\n")
        .map_err(|e| format!("cannot write {}: {e}", secret.display()))?;
    step("baton serve");
    println!(
        "  agent workspace  http://{addr}/console   (log in as `demo`, password `{DEMO_PASSWORD}`)"
    );
    if console.is_none() {
        println!("                   (not built yet: the server explains how to build it)");
    }
    let port = addr.rsplit(':').next().unwrap_or("8080");
    println!(
        "  demo shop        http://localhost:{port}/static/shop.html   (the chat widget, embedded from {addr})"
    );
    println!("  site config      http://{addr}/api/config");
    println!("  metrics          http://{addr}/metrics");
    println!("  data             {}", data.display());
    println!("  profile tokens   HS256, secret in {}", secret.display());
    println!("  chat in a terminal: {baton} try {EXAMPLE}");
    println!("  stop with Ctrl-C\n");
    let mut serve = vec![
        "serve".to_owned(),
        "--config".to_owned(),
        EXAMPLE.to_owned(),
        "--addr".to_owned(),
        addr.to_owned(),
        "--data".to_owned(),
        data.to_string_lossy().into_owned(),
        "--static".to_owned(),
        "static".to_owned(),
        "--widget".to_owned(),
        "dist".to_owned(),
        "--demo".to_owned(),
        "--jwt-secret-file".to_owned(),
        secret.to_string_lossy().into_owned(),
    ];
    if let Some(dir) = console {
        serve.push("--console".to_owned());
        serve.push(dir.to_string_lossy().into_owned());
    }
    let serve: Vec<&str> = serve.iter().map(String::as_str).collect();
    run(&baton, &serve)
}

const DEMO_PASSWORD: &str = "demo-password";

/// Builds the `baton` binary (debug) and returns its path.
fn build_baton() -> Result<String> {
    step("building baton");
    run(
        "cargo",
        &["build", "--quiet", "-p", "baton-server", "--bin", "baton"],
    )?;
    Ok(root()
        .join("target/debug/baton")
        .to_string_lossy()
        .into_owned())
}

/// `cargo xtask simulate`: synthetic traffic into the demo's database.
fn simulate(args: &[String]) -> Result {
    let baton = build_baton()?;
    let data = root().join("target/demo/data");
    std::fs::create_dir_all(&data).map_err(|e| format!("cannot create {}: {e}", data.display()))?;
    add_demo_agent(&baton, &data)?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    simulate_into(&baton, &data, &args)
}

/// Starts `baton serve` on `data` at a free port, runs `baton simulate` against it with
/// `args`, and stops the server.
fn simulate_into(baton: &str, data: &Path, args: &[&str]) -> Result {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;
    let mut server = Command::new(baton)
        .args([
            "serve",
            "--config",
            EXAMPLE,
            "--addr",
            "127.0.0.1:0",
            "--demo",
            "--data",
        ])
        .arg(data)
        .current_dir(root())
        .env("BATON_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start baton serve: {e}"))?;
    let mut first = String::new();
    if let Some(stdout) = server.stdout.take() {
        let _ = BufReader::new(stdout).read_line(&mut first);
    }
    let result = match first.trim().strip_prefix("baton: listening on ") {
        Some(url) => {
            let mut child = Command::new(baton)
                .args([
                    "simulate", "--url", url, "--config", EXAMPLE, "--agent", "demo",
                ])
                .args(args)
                .current_dir(root())
                .stdin(Stdio::piped())
                .spawn()
                .map_err(|e| format!("cannot start baton simulate: {e}"))?;
            if let Some(mut stdin) = child.stdin.take() {
                writeln!(stdin, "{DEMO_PASSWORD}").map_err(|e| e.to_string())?;
            }
            let status = child.wait().map_err(|e| e.to_string())?;
            status
                .success()
                .then_some(())
                .ok_or_else(|| format!("`baton simulate` failed ({status})"))
        }
        None => Err(format!("baton serve did not start: {first}")),
    };
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// Creates the `demo` agent unless it exists.
fn add_demo_agent(baton: &str, data: &Path) -> Result {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(baton)
        .args(["agent", "add", "demo", "--password-stdin", "--data"])
        .arg(data)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start baton: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{DEMO_PASSWORD}").map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        println!("agent `demo` added");
        Ok(())
    } else if stderr.contains("already exists") {
        println!("agent `demo`: present");
        Ok(())
    } else {
        Err(format!("cannot add the demo agent: {stderr}"))
    }
}

/// The built agent workspace, if any.
fn console_dist() -> Option<PathBuf> {
    let dist = root().join("crates/console/dist");
    dist.join("index.html").exists().then_some(dist)
}

fn bench(extra: &[String]) -> Result {
    setup()?;
    step("criterion benchmarks (baton-core)");
    let mut args = vec!["bench", "-p", "baton-core", "--bench", "triggers", "--"];
    args.extend(extra.iter().map(String::as_str));
    run("cargo", &args)?;
    step("medians (paste into BENCHMARKS.md)");
    print_medians(&root().join("target/criterion"));
    step("server benchmarks (baton-server): latency, relay throughput, idle sockets");
    run(
        "cargo",
        &["bench", "-p", "baton-server", "--bench", "relay"],
    )?;
    step("floods (baton-server): bad logins, handoffs from many addresses");
    run(
        "cargo",
        &["bench", "-p", "baton-server", "--bench", "flood"],
    )?;
    step("widget benchmarks: bytes, main-thread work, open → usable (headless Chromium)");
    setup_web()?;
    setup_browser()?;
    build_console()?;
    build_widget()?;
    run("cargo", &["build", "-p", "baton-server", "--bin", "baton"])?;
    run("node", &["tests/bench/widget.mjs"])?;
    step("the escalation engine in the browser (wasm built like the widget)");
    trunk_build("crates/wasm-bench")?;
    run("node", &["tests/bench/wasm.mjs"])?;
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
