//! `cargo xtask fuzz [SECONDS] [--runs N] [TARGET…]`: coverage-guided fuzzing (cargo-fuzz,
//! libFuzzer) of what a stranger controls — socket frames, config files, the redactor's
//! input, profile tokens — each target for SECONDS (default 60) or until it has run N
//! inputs (`--runs` alone: no time limit), from the seed corpora committed in
//! `fuzz/corpus/<target>`. New inputs libFuzzer finds go to `target/fuzz/corpus/<target>`
//! (kept between runs, never committed); a crash stops the run with libFuzzer's report and
//! the input in `fuzz/artifacts/<target>/`. Ends with a Markdown table of each target's
//! executions, for BENCHMARKS.md.

use std::process::Command;

use crate::{Result, root, run, step};

/// cargo-fuzz from crates.io, installed into `target/tools` on first use.
const CARGO_FUZZ_VERSION: &str = "0.13.2";

/// The targets, in `fuzz/fuzz_targets`.
const TARGETS: [&str; 4] = ["frames", "config", "redact", "token"];

pub fn fuzz(args: &[String]) -> Result {
    let mut seconds: Option<u64> = None;
    let mut runs: Option<u64> = None;
    let mut chosen: Vec<&str> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let number = |s: Option<&String>, what: &str| -> Result<u64> {
            let s = s.ok_or_else(|| format!("{what} needs a number"))?;
            s.parse()
                .map_err(|_| format!("`{s}` is not a number ({what})"))
        };
        match arg.as_str() {
            "--runs" => runs = Some(number(args.next(), "--runs")?),
            target if TARGETS.contains(&target) => chosen.push(target),
            other => {
                seconds = Some(number(Some(arg), "seconds").map_err(|_| {
                    format!(
                        "`{other}` is neither a number of seconds, --runs N, nor a target ({})",
                        TARGETS.join(", ")
                    )
                })?)
            }
        }
    }
    // Neither: a minute each. `--runs` alone: as long as it takes.
    let seconds = seconds.unwrap_or(if runs.is_some() { 0 } else { 60 });
    if chosen.is_empty() {
        chosen = TARGETS.to_vec();
    }
    let tools = root().join("target/tools/cargo-fuzz");
    let cargo_fuzz = tools.join("bin/cargo-fuzz");
    step("set-up: cargo-fuzz");
    if crate::has_version(&cargo_fuzz.to_string_lossy(), CARGO_FUZZ_VERSION) {
        println!("cargo-fuzz {CARGO_FUZZ_VERSION}: present");
    } else {
        run(
            "cargo",
            &[
                "install",
                "cargo-fuzz",
                "--version",
                CARGO_FUZZ_VERSION,
                "--locked",
                "--root",
                &tools.to_string_lossy(),
            ],
        )?;
    }
    let mut rows = Vec::new();
    for target in chosen {
        step(&format!("fuzz {target}"));
        let found = root().join("target/fuzz/corpus").join(target);
        std::fs::create_dir_all(&found).map_err(|e| format!("{}: {e}", found.display()))?;
        let seeds = root().join("fuzz/corpus").join(target);
        let max_time = format!("-max_total_time={seconds}");
        let max_runs = format!(
            "-runs={}",
            runs.map_or(-1, |r| i64::try_from(r).unwrap_or(i64::MAX))
        );
        let started = std::time::Instant::now();
        let out = Command::new(&cargo_fuzz)
            .current_dir(root())
            // libFuzzer's instrumentation flags are unstable ones: the stable compiler takes
            // them with this, so no nightly toolchain is needed. No sanitizer: safe Rust.
            .env("RUSTC_BOOTSTRAP", "1")
            .env("CARGO_TARGET_DIR", root().join("target/fuzz/build"))
            .args(["fuzz", "run", "--sanitizer", "none", "--release", target])
            .arg(&found)
            .arg(&seeds)
            .args([
                "--",
                &max_time,
                &max_runs,
                "-print_final_stats=1",
                "-max_len=65536",
            ])
            .output()
            .map_err(|e| format!("cannot start cargo-fuzz: {e}"))?;
        let log = String::from_utf8_lossy(&out.stderr);
        // Ctrl-C (or a SIGINT) stops a target early: libFuzzer still prints its figures, and
        // the table says how far each target got; the run ends there.
        let interrupted = log.contains("run interrupted");
        if !out.status.success() && !interrupted {
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            return Err(format!("fuzzing {target} failed:\n{}", tail.join("\n")));
        }
        let stat = |name: &str| {
            log.lines()
                .find_map(|l| l.strip_prefix(&format!("stat::{name}:")))
                .map(|v| v.trim().to_owned())
                .unwrap_or_else(|| "?".into())
        };
        rows.push((
            target,
            started.elapsed().as_secs(),
            stat("number_of_executed_units"),
            stat("average_exec_per_sec"),
            stat("new_units_added"),
        ));
        if interrupted {
            println!("interrupted: the targets after {target} did not run");
            break;
        }
    }
    println!("\n| target | seconds | executions | per second | new inputs | crashes |");
    println!("|---|---|---|---|---|---|");
    for (target, took, runs, rate, new) in rows {
        println!("| {target} | {took} | {runs} | {rate} | {new} | 0 |");
    }
    Ok(())
}
