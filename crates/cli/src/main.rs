//! `blastmap`: the Blastmap core on the command line, for terminals and CI pipelines.
//!
//! Reads the same files the web app takes, with the same code. Standard output carries only
//! the requested output; messages go to standard error. Exit status: 0 success, 2 usage error
//! or unreadable input.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

mod analyze;
mod radius;

use blastmap_analysis::AccessGraph;
use blastmap_analysis::radius::graph_and_coverage;
use blastmap_analysis::rules::Severity;
use blastmap_ingest::{Counts, DeploymentContext, FileReport, Loaded, Loader, SourceFile, native};
use blastmap_model::Environment;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "blastmap", version, about = "The blast radius of Azure managed identities")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    deployment: Deployment,
}

/// Where a design (an ARM template, a Terraform plan) is deployed. Unset values stay marked
/// placeholders (`{subscriptionId}`), never invented ones.
#[derive(clap::Args, Default)]
struct Deployment {
    /// The subscription id templates deploy to.
    #[arg(long, global = true, value_name = "ID")]
    subscription: Option<String>,
    /// The resource group resource-group templates deploy to.
    #[arg(long, global = true, value_name = "NAME")]
    resource_group: Option<String>,
    /// The default location (`resourceGroup().location`).
    #[arg(long, global = true, value_name = "REGION")]
    location: Option<String>,
    /// The environment the deployment is (dev, test, uat, prod).
    #[arg(long, global = true, value_name = "ENV")]
    environment: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Per file: the format recognised, the objects read, and every diagnostic.
    Inspect {
        /// Input files (exports, templates, Blastmap inventories).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the merged inventory of all inputs as `blastmap/inventory/v1`.
    Inventory {
        /// Input files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Findings: the risky patterns of the rule catalog, most serious first.
    Analyze {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// Exit 1 when a finding is at or above this severity (critical, high, medium, low, info).
        #[arg(long, value_parser = parse_severity)]
        fail_on: Option<Severity>,
        /// Input files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// What a compromised source, identity, principal or pipeline reaches, directly and
    /// transitively, with the path that explains each resource.
    #[command(group(clap::ArgGroup::new("start").required(true).args(["from", "all"])))]
    Radius {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A resource id, identity id, or principal object id (repeatable).
        #[arg(long)]
        from: Vec<String>,
        /// Every source, identity, principal and pipeline.
        #[arg(long)]
        all: bool,
        /// With --all: list what each reaches, not only how much.
        #[arg(long)]
        list: bool,
        /// Input files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Who reaches a target (a resource or scope), directly or by pivoting, with the path that
    /// explains each.
    Exposure {
        /// Output format.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
        /// A resource or scope id (repeatable).
        #[arg(long, required = true)]
        to: Vec<String>,
        /// Input files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// How results are printed.
#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// For people.
    Text,
    /// For programs.
    Json,
}

/// Exit status on success.
const SUCCESS: u8 = 0;
/// Exit status for usage errors and unreadable input.
const USAGE: u8 = 2;
/// Exit status when a finding is at or above `--fail-on`.
const FINDINGS: u8 = 1;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (Command::Inspect { files }
    | Command::Inventory { files }
    | Command::Radius { files, .. }
    | Command::Exposure { files, .. }
    | Command::Analyze { files, .. }) = &cli.command;
    let Deployment { subscription, resource_group, location, environment } = cli.deployment;
    if let Some(word) = &environment
        && Environment::from_word(word).is_none()
    {
        eprintln!("blastmap: --environment {word:?} is not dev, test, uat or prod (or a synonym)");
        return ExitCode::from(USAGE);
    }
    let context = DeploymentContext { subscription_id: subscription, resource_group, location, environment };
    let progress = Progress::new();
    let loaded = match load(files, &context, &progress) {
        Ok(loaded) => loaded,
        Err(message) => {
            progress.clear();
            eprintln!("blastmap: {message}");
            return ExitCode::from(USAGE);
        }
    };
    progress.clear();
    // Diagnostics go first, to standard error, except where JSON output carries them.
    let json_carries_diagnostics = matches!(cli.command, Command::Analyze { format: OutputFormat::Json, .. });
    if !matches!(cli.command, Command::Inspect { .. }) && !json_carries_diagnostics {
        report_diagnostics(&loaded);
    }
    progress.say("analysing");
    // Output is streamed, not built whole first: a tenant's findings are ~90 MB of JSON.
    let mut out = Output { progress: Some(&progress), stdout: std::io::BufWriter::new(std::io::stdout().lock()) };
    let mut status = SUCCESS;
    // Kept, not freed, to the end (see the exit below).
    let (findings, access);
    let outcome = match cli.command {
        Command::Inspect { .. } => write(&mut out, &inspect(&loaded)),
        Command::Analyze { format, fail_on, .. } => {
            findings = blastmap_analysis::rules::analyze(&loaded.inventory);
            if fail_on.is_some_and(|threshold| findings.iter().any(|f| f.severity >= threshold)) {
                status = FINDINGS;
            }
            analyze::write(&mut out, &loaded, &findings, format == OutputFormat::Json);
            Ok(())
        }
        Command::Radius { format, from, all, list, .. } => {
            let starts = if all { radius::Starts::All } else { radius::Starts::Ids(from) };
            let coverage;
            (access, coverage) = graph_and_coverage(&loaded.inventory);
            radius::run(&mut out, &loaded.inventory, &access, &coverage, starts, list, format == OutputFormat::Json)
        }
        Command::Exposure { format, to, .. } => {
            access = AccessGraph::build(&loaded.inventory);
            radius::run_exposure(&mut out, &loaded.inventory, &access, &to, format == OutputFormat::Json)
        }
        Command::Inventory { .. } => write(&mut out, &(native::write(&loaded.inventory) + "\n")),
    };
    if let Err(message) = outcome {
        progress.clear();
        eprintln!("blastmap: {message}");
        return ExitCode::from(USAGE);
    }
    // A closed pipe (`blastmap inventory … | head`) is not an error worth a message.
    let _ = out.flush();
    drop(out);
    // The inventory, graph and findings are millions of small allocations that the system
    // reclaims at once on exit; freeing them one by one first cost ~5% of a large run.
    std::process::exit(i32::from(status))
}

/// Standard output, buffered; the progress line is erased before the first byte.
struct Output<'p> {
    /// Until the first byte.
    progress: Option<&'p Progress>,
    stdout: std::io::BufWriter<std::io::StdoutLock<'static>>,
}

impl Write for Output<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(progress) = self.progress.take() {
            progress.clear();
        }
        self.stdout.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stdout.flush()
    }
}

/// Writes `value` as pretty JSON and a line break; write errors (a closed pipe) end it quietly.
fn write_json(out: &mut impl Write, value: &impl serde::Serialize) {
    let _ = serde_json::to_writer_pretty(&mut *out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| out.write_all(b"\n"));
}

/// Writes `text`; a closed pipe is not an error worth a message (see `main`).
fn write(out: &mut impl Write, text: &str) -> Result<(), String> {
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

/// What a long run is doing, on standard error, only when a person is watching it: one line,
/// rewritten in place with the time so far, erased before anything else is printed.
struct Progress {
    started: Option<std::time::Instant>,
}

impl Progress {
    fn new() -> Self {
        Progress { started: std::io::stderr().is_terminal().then(std::time::Instant::now) }
    }

    fn say(&self, what: &str) {
        if let Some(started) = self.started {
            eprint!("\r\x1b[2Kblastmap: {what}… ({:.1} s)", started.elapsed().as_secs_f64());
        }
    }

    /// Erases the line, so that other messages start clean.
    fn clear(&self) {
        if self.started.is_some() {
            eprint!("\r\x1b[2K");
        }
    }
}

fn parse_severity(text: &str) -> Result<Severity, String> {
    Severity::parse(text).ok_or_else(|| format!("{text:?} is not one of critical, high, medium, low, info"))
}

/// Diagnostics go to standard error, so that standard output holds only the requested output.
fn report_diagnostics(loaded: &Loaded) {
    for report in &loaded.files {
        for diagnostic in &report.diagnostics {
            eprintln!("{diagnostic}");
        }
    }
}

/// Reads and loads the files at `paths`. A thread of its own reads them from disk, in order, and
/// hands each over as it is read, so that parsing one overlaps reading the next (the core has no
/// threads; ingest's `Loader` takes files one at a time). A file that cannot be read stops the
/// load: the command would otherwise answer for less than it was given.
fn load(paths: &[PathBuf], context: &DeploymentContext, progress: &Progress) -> Result<Loaded, String> {
    // One file read ahead at most: reading keeps just ahead of parsing rather than competing
    // with it for the machine to the last file. (Every file is kept to the end all the same:
    // designs wait for `finish`.)
    let (sender, received) = std::sync::mpsc::sync_channel::<Result<(String, Vec<u8>), String>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            for path in paths {
                let read = std::fs::read(path)
                    .map(|bytes| (path.display().to_string(), bytes))
                    .map_err(|e| format!("cannot read {}: {e}", path.display()));
                let failed = read.is_err();
                // The receiver hangs up only once it has given up on the load.
                if sender.send(read).is_err() || failed {
                    break;
                }
            }
        });
        let say = |index: usize, name: &str, bytes: &[u8]| {
            let megabytes = bytes.len() as f64 / 1e6;
            progress.say(&format!("parsing file {} of {}, {name} ({megabytes:.1} MB)", index + 1, paths.len()));
        };
        let mut loader = Loader::new(context);
        let mut inputs: Vec<(String, Vec<u8>)> = Vec::with_capacity(paths.len());
        for read in received {
            let (name, bytes) = read?;
            loader.read(&SourceFile { name: &name, bytes: &bytes }, |index| say(index, &name, &bytes));
            inputs.push((name, bytes));
        }
        let sources: Vec<SourceFile<'_>> =
            inputs.iter().map(|(name, bytes)| SourceFile { name: name.as_str(), bytes: bytes.as_slice() }).collect();
        Ok(loader.finish(&sources, |index| {
            if let Some(file) = sources.get(index) {
                say(index, file.name, file.bytes);
            }
        }))
    })
}

fn inspect(loaded: &Loaded) -> String {
    let mut out = String::new();
    for report in &loaded.files {
        out.push_str(&describe(report));
    }
    let inventory = &loaded.inventory;
    let merged = Counts {
        resources: inventory.resources().len(),
        identities: inventory.identities().len(),
        attachments: inventory.attachments().len(),
        principals: inventory.principals().len(),
        memberships: inventory.memberships().len(),
        role_definitions: inventory.role_definitions().len(),
        role_assignments: inventory.role_assignments().len(),
        federated_credentials: inventory.federated_credentials().len(),
        access_policies: inventory.access_policies().len(),
        scopes: inventory.scopes().len(),
    };
    out.push_str(&format!("merged: {}\n", counts(&merged)));
    out
}

/// What a file (or the merged inventory) holds, as one line of words.
fn counts(c: &Counts) -> String {
    [
        count(c.resources, "resource", "resources"),
        count(c.identities, "user-assigned identity", "user-assigned identities"),
        count(c.attachments, "attachment", "attachments"),
        count(c.principals, "principal", "principals"),
        count(c.role_definitions, "role definition", "role definitions"),
        count(c.role_assignments, "role assignment", "role assignments"),
        count(c.federated_credentials, "federated credential", "federated credentials"),
        count(c.access_policies, "access policy", "access policies"),
        count(c.scopes, "scope", "scopes"),
    ]
    .join(", ")
}

/// `1 scope`, `3 scopes`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

fn describe(report: &FileReport) -> String {
    let mut out = format!("{}: {}\n  {}\n", report.name, report.read_as(), counts(&report.counts));
    for diagnostic in &report.diagnostics {
        let place = if diagnostic.path.is_empty() { String::new() } else { format!(" at {}", diagnostic.path) };
        out.push_str(&format!("  {}{place}: {}\n", diagnostic.severity.as_str(), diagnostic.message));
    }
    out
}
