//! Installs what the build and the tests need, each step skipped when the pinned version is
//! already there. Nothing is downloaded but from the package registries (crates.io, npm,
//! Debian); trunk itself never downloads anything (Trunk.toml pins its tools, builds offline).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

/// trunk's version: 0.22 needs a newer rustc than this machine's.
const TRUNK_VERSION: &str = "0.21.14";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Whether the browser tests will run.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Browser {
    /// Install Chromium and ChromeDriver when missing.
    Needed,
    /// Leave them alone.
    NotNeeded,
}

/// The workspace root (the parent of this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn step(name: &str) {
    println!("\n[xtask] {name}");
}

/// Runs a command to completion, failing with a message naming it.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    if status.success() { Ok(()) } else { Err(format!("{command:?} failed ({status})")) }
}

/// The first line a command prints, or `None` when it cannot run.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).env("PATH", path()).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    output.status.success().then(|| text.lines().next().unwrap_or("").trim().to_owned())
}

/// PATH with npm's wasm-opt first (Debian's is too old) and cargo's binaries.
pub fn path() -> std::ffi::OsString {
    let root = workspace_root();
    let mut dirs = vec![root.join("node_modules/.bin")];
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.extend(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()));
    std::env::join_paths(dirs).unwrap_or_default()
}

/// A cargo command.
pub fn cargo<const N: usize>(args: [&str; N]) -> Command {
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
    command.args(args).env("PATH", path()).env("CARGO_TERM_COLOR", "never");
    command
}

/// A trunk command, offline, with tools from npm and cargo.
pub fn trunk<const N: usize>(args: [&str; N]) -> Command {
    let mut command = Command::new("trunk");
    command
        .args(args)
        .env("PATH", path())
        .env("TRUNK_OFFLINE", "true")
        .env("TRUNK_SKIP_VERSION_CHECK", "true")
        .env("TRUNK_COLOR", "never")
        // trunk reads NO_COLOR as a boolean flag: `NO_COLOR=1` is a usage error there.
        .env_remove("NO_COLOR");
    command
}

#[derive(Deserialize)]
struct Lock {
    package: Vec<LockedPackage>,
}

#[derive(Deserialize)]
struct LockedPackage {
    name: String,
    version: String,
}

#[derive(Deserialize)]
struct TrunkConfig {
    tools: TrunkTools,
}

#[derive(Deserialize)]
struct TrunkTools {
    wasm_bindgen: String,
    wasm_opt: String,
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))
}

/// The wasm-bindgen version every tool must match: Cargo.lock's, which Trunk.toml must pin too.
pub fn wasm_bindgen_version() -> Result<String, String> {
    let lock: Lock = toml::from_str(&read("Cargo.lock")?).map_err(|e| format!("Cargo.lock: {e}"))?;
    let locked = lock
        .package
        .into_iter()
        .find(|p| p.name == "wasm-bindgen")
        .map(|p| p.version)
        .ok_or("Cargo.lock has no wasm-bindgen: run `cargo generate-lockfile` and commit Cargo.lock")?;
    let trunk: TrunkConfig = toml::from_str(&read("Trunk.toml")?).map_err(|e| format!("Trunk.toml: {e}"))?;
    if trunk.tools.wasm_bindgen != locked {
        return Err(format!(
            "Trunk.toml pins wasm_bindgen = {:?} but Cargo.lock has wasm-bindgen {locked}; make them equal \
             (trunk would otherwise try to download a matching wasm-bindgen)",
            trunk.tools.wasm_bindgen
        ));
    }
    let npm_wasm_opt = trunk.tools.wasm_opt.trim_start_matches("version_").to_owned();
    let package = read("package.json")?;
    if !package.contains(&format!("\"binaryen\": \"{npm_wasm_opt}.0.0\"")) {
        return Err(format!(
            "Trunk.toml pins wasm_opt = {:?} but package.json does not pin binaryen {npm_wasm_opt}.0.0",
            trunk.tools.wasm_opt
        ));
    }
    Ok(locked)
}

/// Installs every tool the build needs (and the browser, when asked), then fetches crates so
/// that later builds can run offline.
pub fn tools(browser: Browser) -> Result<(), String> {
    let wasm_bindgen = wasm_bindgen_version()?;

    step("Rust target wasm32-unknown-unknown");
    let installed = first_line("rustc", &["--print", "sysroot"])
        .map(|sysroot| Path::new(&sysroot).join("lib/rustlib/wasm32-unknown-unknown").is_dir())
        .unwrap_or(false);
    if installed {
        println!("present");
    } else {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    step(&format!("trunk {TRUNK_VERSION}"));
    if first_line("trunk", &["--version"]).as_deref() == Some(&format!("trunk {TRUNK_VERSION}")) {
        println!("present");
    } else {
        // Without default features: no update check against crates.io; rustls: no OpenSSL headers.
        run(cargo(["install", "--locked", "trunk", "--version", TRUNK_VERSION, "--no-default-features"])
            .args(["--features", "rustls"]))?;
    }

    step(&format!("wasm-bindgen-cli {wasm_bindgen}"));
    let want = |tool: &str| first_line(tool, &["--version"]).as_deref() == Some(&format!("{tool} {wasm_bindgen}"));
    if want("wasm-bindgen") && want("wasm-bindgen-test-runner") {
        println!("present");
    } else {
        // `--locked` fails when the registry lacks a version the CLI's own lock file pins
        // (seen: webpki-roots 1.0.11); a fresh resolution then builds.
        let locked = run(&mut cargo(["install", "--locked", "wasm-bindgen-cli", "--version", &wasm_bindgen]));
        if locked.is_err() {
            run(&mut cargo(["install", "wasm-bindgen-cli", "--version", &wasm_bindgen]))?;
        }
    }

    step("npm packages (playwright-core, binaryen's wasm-opt)");
    let stamp = Path::new("node_modules/.package-lock.stamp");
    let lock = read("package-lock.json")?;
    if std::fs::read_to_string(stamp).ok().as_deref() == Some(lock.as_str()) {
        println!("up to date");
    } else {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
        std::fs::write(stamp, lock).map_err(|e| format!("cannot write {}: {e}", stamp.display()))?;
    }

    if browser == Browser::Needed {
        step("Chromium and ChromeDriver (Debian)");
        chromium()?;
    }

    step("crates (so that trunk can build offline)");
    run(&mut cargo(["fetch", "--locked"]))
}

fn chromium() -> Result<(), String> {
    let present = Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists();
    if !present {
        let root = first_line("id", &["-u"]).as_deref() == Some("0");
        if !root {
            return Err(format!(
                "{CHROMIUM} and {CHROMEDRIVER} are needed for the browser tests; install them as root with \
                 `apt-get update && apt-get install -y chromium chromium-driver`"
            ));
        }
        run(Command::new("apt-get").arg("update"))?;
        run(Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "fonts-liberation"])
            .env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    let version = |program: &str| {
        let line = first_line(program, &["--version"]).unwrap_or_default();
        line.split_whitespace().find(|w| w.contains('.')).unwrap_or("").to_owned()
    };
    let (browser, driver) = (version(CHROMIUM), version(CHROMEDRIVER));
    let major = |v: &str| v.split('.').next().unwrap_or("").to_owned();
    if major(&browser) != major(&driver) || browser.is_empty() {
        return Err(format!("chromium {browser:?} and chromedriver {driver:?} must have the same major version"));
    }
    println!("chromium {browser}, chromedriver {driver}");
    Ok(())
}
