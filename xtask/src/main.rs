//! `cargo xtask`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `serve`: install what is missing, build, and serve the app on http://127.0.0.1:8080.
//! - `test`: install what is missing (Chromium included), then formatting, lints, native tests,
//!   browser unit tests, the release build and the end-to-end tests; the last line counts them.
//! - `gen`: write a deterministic synthetic tenant as az CLI export files.
//! - `bench`: speed and memory of the core (natively) and of the app (headless Chromium),
//!   printed next to their floors and goals.
//! - `profile`: where one load's time goes in the app, function by function (a build that keeps
//!   its function names, under Chromium's sampling profiler).
//!
//! Every install step is skipped when the exact pinned version is already there, so a second
//! run costs seconds.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod roles;
mod setup;
mod test;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Blastmap's build, test and data tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Set up, build and serve the app (with its built-in sample) on http://127.0.0.1:8080.
    Serve {
        /// Serve an optimised build (as CI tests it) instead of a debug build.
        #[arg(long)]
        release: bool,
    },
    /// Set up and run every test: fmt, clippy, native, browser unit and end-to-end.
    Test,
    /// Print speed and memory figures on a generated tenant: the core natively (release build),
    /// then the app in headless Chromium (release build of dist/).
    Bench {
        /// How many resources the generated tenant has.
        #[arg(long, default_value_t = 100_000)]
        resources: usize,
        /// Random seed of the generated tenant.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many resources the tenant has whose graph is drawn while zooming (about 5,000 nodes).
        #[arg(long, default_value_t = 4_000)]
        frame_resources: usize,
    },
    /// Profile one load of a generated tenant in headless Chromium, from the drop to the first
    /// drawn graph: the functions the worker and the page spent their time in. Builds the app
    /// into target/profile/ with its function names kept (no wasm-opt, no stripping).
    Profile {
        /// How many resources the generated tenant has.
        #[arg(long, default_value_t = 100_000)]
        resources: usize,
        /// Random seed of the generated tenant.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// How many functions to list per thread.
        #[arg(long, default_value_t = 25)]
        top: usize,
        /// Also list who calls this function (as the profile names it); may be repeated.
        #[arg(long)]
        callers: Vec<String>,
    },
    /// Regenerate the built-in role catalog from shared/corpus/reference/azure-builtin-roles.json.
    Roles,
    /// Write a deterministic synthetic tenant as the files `az ... list` would export.
    Gen {
        /// How many resources (user-assigned identities included).
        #[arg(long, default_value_t = 1000)]
        resources: usize,
        /// Random seed: the same seed writes the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output directory.
        #[arg(long, default_value = "target/gen")]
        out: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = setup::workspace_root();
    if let Err(error) = std::env::set_current_dir(&root) {
        eprintln!("xtask: cannot enter {}: {error}", root.display());
        return ExitCode::FAILURE;
    }
    let result = match cli.task {
        Task::Serve { release } => serve(release),
        Task::Test => test::run(),
        Task::Roles => roles::generate(),
        Task::Bench { resources, seed, frame_resources } => bench(resources, seed, frame_resources),
        Task::Profile { resources, seed, top, callers } => profile(resources, seed, top, &callers),
        Task::Gen { resources, seed, out } => generate(resources, seed, &out),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn bench(resources: usize, seed: u64, frame_resources: usize) -> Result<ExitCode, String> {
    let (count, seed_text) = (resources.to_string(), seed.to_string());
    setup::run(&mut setup::cargo(["run", "--release", "--locked", "-p", "blastmap-bench", "--", &count, &seed_text]))?;
    setup::tools(setup::Browser::Needed)?;
    setup::run(&mut setup::trunk(["build", "--release"]))?;
    let large = PathBuf::from(format!("target/bench/tenant-{resources}-{seed}"));
    let frame = PathBuf::from(format!("target/bench/tenant-{frame_resources}-{seed}"));
    generate(resources, seed, &large)?;
    generate(frame_resources, seed, &frame)?;
    let mut node = std::process::Command::new("node");
    node.arg("tests/bench/app.bench.mjs").arg(&large).arg(&frame).env("PATH", setup::path());
    setup::run(&mut node)?;
    Ok(ExitCode::SUCCESS)
}

fn profile(resources: usize, seed: u64, top: usize, callers: &[String]) -> Result<ExitCode, String> {
    setup::tools(setup::Browser::Needed)?;
    // trunk takes each module's wasm-opt level from the page it builds, so the profiled build
    // is made from a copy of index.html that asks for none and keeps the names; the copy lives
    // beside the original (its links are relative) only for the build.
    const OPTIMISED: &str = r#"data-wasm-opt="s""#;
    let page = std::fs::read_to_string("index.html").map_err(|e| format!("cannot read index.html: {e}"))?;
    if !page.contains(OPTIMISED) {
        return Err(format!("index.html no longer says {OPTIMISED}; update `cargo xtask profile`"));
    }
    let named = "index.profile.html";
    std::fs::write(named, page.replace(OPTIMISED, r#"data-wasm-opt="0" data-keep-debug"#))
        .map_err(|e| format!("cannot write {named}: {e}"))?;
    let dist = "target/profile/dist";
    let mut build = setup::trunk(["build", "--release=true", "--dist", dist, named]);
    // Its own target directory, so that neither build undoes the other's.
    build.env("CARGO_TARGET_DIR", "target/profile/cargo").env("CARGO_PROFILE_RELEASE_STRIP", "none");
    let built = setup::run(&mut build);
    let removed = std::fs::remove_file(named);
    built?;
    removed.map_err(|e| format!("cannot remove {named}: {e}"))?;
    let tenant = PathBuf::from(format!("target/bench/tenant-{resources}-{seed}"));
    generate(resources, seed, &tenant)?;
    let mut node = std::process::Command::new("node");
    node.arg("tests/bench/profile.mjs").arg(dist).arg(&tenant).arg(top.to_string()).arg(callers.join(","));
    setup::run(node.env("PATH", setup::path()))?;
    Ok(ExitCode::SUCCESS)
}

fn serve(release: bool) -> Result<ExitCode, String> {
    setup::tools(setup::Browser::NotNeeded)?;
    println!("\nServing Blastmap on http://127.0.0.1:8080/ (Ctrl-C stops)");
    let mut trunk = setup::trunk(["serve"]);
    if release {
        trunk.arg("--release");
    }
    let status = trunk.status().map_err(|e| format!("cannot run trunk: {e}"))?;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn generate(resources: usize, seed: u64, out: &std::path::Path) -> Result<ExitCode, String> {
    let started = std::time::Instant::now();
    let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources, seed });
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut bytes = 0;
    for file in &generated.files {
        let path = out.join(file.name);
        std::fs::write(&path, &file.bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        bytes += file.bytes.len();
        println!("{:>12} bytes  {}", file.bytes.len(), path.display());
    }
    let c = &generated.counts;
    println!(
        "{} resources, {} user-assigned identities, {} sources, {} role assignments, {} custom roles, \
         {} subscriptions; {:.1} MB in {:.2} s (seed {seed})",
        c.resources,
        c.user_assigned_identities,
        c.sources,
        c.role_assignments,
        c.custom_roles,
        c.subscriptions,
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}
