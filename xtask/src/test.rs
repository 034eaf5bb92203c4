//! `cargo xtask test`: every layer, one closing count.
//!
//! Layers: formatting and lints (checks), native tests, browser unit tests (wasm-bindgen-test
//! in headless Chromium), the release build, and end-to-end tests (playwright-core driving
//! Chromium against `dist/` served under a sub-path). Output streams as it comes; the counts
//! are read from each runner's own summary lines. The last line is `N passed, M failed`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use crate::setup::{self, Browser, cargo, trunk};

/// Counts of one layer.
#[derive(Default, Debug, PartialEq, Eq)]
struct Tally {
    passed: usize,
    failed: usize,
}

/// Runs a stage, echoing its output, and returns whether it succeeded and what it printed.
fn stage(name: &str, command: &mut Command) -> (bool, String, f64) {
    println!("\n[xtask] {name}\n");
    let started = Instant::now();
    let child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => return (false, format!("cannot start {:?}: {error}", command.get_program()), 0.0),
    };
    let stderr = child.stderr.take().map(|stderr| {
        std::thread::spawn(move || {
            let mut text = String::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("{line}");
                text.push_str(&line);
                text.push('\n');
            }
            text
        })
    });
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            print!("{line}");
            output.push_str(&line);
            line.clear();
        }
        let _ = reader.read_to_string(&mut output);
    }
    if let Some(text) = stderr.and_then(|h| h.join().ok()) {
        output.push_str(&text);
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, output, started.elapsed().as_secs_f64())
}

/// Sums cargo's `test result: ok. 6 passed; 0 failed; ...` lines.
fn cargo_tally(output: &str) -> Tally {
    let mut tally = Tally::default();
    for line in output.lines().filter_map(|l| l.trim().strip_prefix("test result: ")) {
        for part in line.split([';', '.']).map(str::trim) {
            if let Some(n) = part.strip_suffix(" passed").and_then(|n| n.trim().parse::<usize>().ok()) {
                tally.passed += n;
            }
            if let Some(n) = part.strip_suffix(" failed").and_then(|n| n.trim().parse::<usize>().ok()) {
                tally.failed += n;
            }
        }
    }
    tally
}

/// Reads node's TAP summary: `# pass 3` and `# fail 0`.
fn tap_tally(output: &str) -> Tally {
    let count = |prefix: &str| {
        output.lines().filter_map(|l| l.strip_prefix(prefix)).filter_map(|n| n.trim().parse::<usize>().ok()).sum()
    };
    Tally { passed: count("# pass "), failed: count("# fail ") }
}

/// A layer that failed without saying how many tests failed (it did not build) counts one failure.
fn settle(ok: bool, mut tally: Tally) -> Tally {
    if !ok && tally.failed == 0 {
        tally.failed = 1;
    }
    tally
}

pub fn run() -> Result<ExitCode, String> {
    setup::tools(Browser::Needed)?;
    let root = setup::workspace_root();
    let mut checks: Vec<(&str, bool, f64)> = Vec::new();
    let mut layers: Vec<(&str, Tally, f64)> = Vec::new();

    let (ok, _, secs) = stage("cargo fmt --check", &mut cargo(["fmt", "--all", "--check"]));
    checks.push(("fmt", ok, secs));
    let (ok, _, secs) = stage(
        "cargo clippy -D warnings",
        &mut cargo(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]),
    );
    checks.push(("clippy", ok, secs));

    // --no-fail-fast: a failing test binary must not hide the counts of the others.
    let (ok, out, secs) = stage("native tests", &mut cargo(["test", "--workspace", "--locked", "--no-fail-fast"]));
    layers.push(("native", settle(ok, cargo_tally(&out)), secs));

    let mut browser = cargo([
        "test",
        "-p",
        "blastmap-app",
        "--target",
        "wasm32-unknown-unknown",
        "--locked",
        "--no-fail-fast",
        "--test",
        "browser",
    ]);
    browser
        // Debuginfo in wasm test builds costs a third of their build time and buys nothing here.
        .env("CARGO_PROFILE_DEV_DEBUG", "0")
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", root.join("webdriver.json"))
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    let (ok, out, secs) = stage("browser unit tests (headless Chromium)", &mut browser);
    layers.push(("browser", settle(ok, cargo_tally(&out)), secs));

    let (built, _, secs) = stage("trunk build --release", &mut trunk(["build", "--release"]));
    checks.push(("release build", built, secs));
    if built {
        // The worker's end-to-end tests load a generated tenant (`generatedTenant` in
        // tests/e2e/harness.mjs, same path); written here so that they need not run cargo.
        let tenant = std::path::Path::new("target/gen/tenant-20000-1");
        if !tenant.join("az-role-assignment-list.json").exists() {
            crate::generate(20_000, 1, tenant)?;
        }
        let mut files: Vec<String> = std::fs::read_dir("tests/e2e")
            .map_err(|e| format!("cannot list tests/e2e: {e}"))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        files.sort();
        let mut node = Command::new("node");
        node.arg("--test").arg("--test-reporter=tap").args(&files).env("PATH", setup::path());
        let (ok, out, secs) = stage("end-to-end tests (playwright-core + Chromium)", &mut node);
        layers.push(("end-to-end", settle(ok, tap_tally(&out)), secs));
    } else {
        layers.push(("end-to-end", Tally { passed: 0, failed: 1 }, 0.0));
    }

    println!("\n[xtask] summary\n");
    for (name, ok, secs) in &checks {
        println!("  check {name:<14} {:<6} {secs:>7.1} s", if *ok { "ok" } else { "FAILED" });
    }
    let (mut passed, mut failed) = (0, 0);
    for (name, tally, secs) in &layers {
        println!("  layer {name:<14} {:>5} passed {:>4} failed {secs:>7.1} s", tally.passed, tally.failed);
        passed += tally.passed;
        failed += tally.failed;
    }
    let failed_checks = checks.iter().filter(|(_, ok, _)| !ok).count();
    failed += failed_checks;
    let empty_layer = layers.iter().any(|(_, t, _)| t.passed + t.failed == 0);
    if empty_layer {
        println!("  a layer ran no test");
        failed += 1;
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_summaries_are_summed() {
        let out = "test result: ok. 6 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
                   noise\n\
                   test result: FAILED. 4 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.14s\n";
        assert_eq!(cargo_tally(out), Tally { passed: 10, failed: 2 });
    }

    #[test]
    fn tap_summaries_are_read() {
        let out = "ok 1 - loads\n# tests 3\n# suites 0\n# pass 2\n# fail 1\n# cancelled 0\n";
        assert_eq!(tap_tally(out), Tally { passed: 2, failed: 1 });
    }

    #[test]
    fn a_layer_that_did_not_build_counts_one_failure() {
        assert_eq!(settle(false, Tally::default()), Tally { passed: 0, failed: 1 });
        assert_eq!(settle(true, Tally { passed: 3, failed: 0 }), Tally { passed: 3, failed: 0 });
        assert_eq!(settle(false, Tally { passed: 3, failed: 2 }), Tally { passed: 3, failed: 2 });
    }
}
