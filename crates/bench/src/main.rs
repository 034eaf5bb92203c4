//! `blastmap-bench`: speed and memory figures, printed, never asserted.
//!
//! Timed tests flake on a busy machine; figures printed side by side with a floor measured in
//! the same run do not. The floor is the bare `serde_json` parse of the same bytes into
//! `IgnoredAny`: no importer can read JSON faster than reading it at all. Ingest is measured
//! against it (goal: 2×), split into decoding, reading elements into records and importing
//! them, and so are the two whole commands, `blastmap analyze` and `blastmap radius --all`
//! (goal: 3×, ingest included), phase by phase.
//!
//! Usage: `blastmap-bench [RESOURCES] [SEED] [ingest]` (run by `cargo xtask bench`, release
//! build); `ingest` stops after ingest.

#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use blastmap_analysis::permissions::Permissions;
use blastmap_analysis::radius::{Coverage, Mode, Reach, graph_and_coverage};
use blastmap_analysis::rules::{self, Context, RULES, ranked};
use blastmap_analysis::{AccessGraph, Environments};
use blastmap_ingest::{SourceFile, load};
use blastmap_layout::{Folding, layout};
use blastmap_model::threads;
use peak_alloc::PeakAlloc;
use serde::de::IgnoredAny;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// Runs are repeated and the fastest kept: the others measure the machine, not the code.
const RUNS: usize = 3;

fn fastest<T>(mut run: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..RUNS {
        drop(last.take());
        let started = Instant::now();
        let value = run();
        best = best.min(started.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

/// How many threads the core's two-way steps (parsing beside importing, the rules) run on.
fn threads() -> &'static str {
    if threads::has_spare_core() { "on 2 threads" } else { "on 1 thread" }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    let mut args = std::env::args().skip(1);
    let resources = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources, seed });
    let bytes: usize = generated.files.iter().map(|f| f.bytes.len()).sum();
    let c = &generated.counts;
    println!(
        "tenant: {} resources, {} user-assigned identities, {} role assignments, seed {seed}; {:.1} MB of JSON in {} files",
        c.resources,
        c.user_assigned_identities,
        c.role_assignments,
        mb(bytes),
        generated.files.len()
    );

    let (floor, ()) = fastest(|| {
        for file in &generated.files {
            let parsed: Result<IgnoredAny, _> = serde_json::from_slice(&file.bytes);
            assert!(parsed.is_ok(), "{} parses", file.name);
        }
    });

    let sources: Vec<SourceFile<'_>> =
        generated.files.iter().map(|f| SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let started = Instant::now();
    let loaded = load(&sources);
    let first = started.elapsed();
    let peak = HEAP.peak_usage().saturating_sub(before);
    let kept = HEAP.current_usage().saturating_sub(before);
    let (ingest, loaded_again) = fastest(|| load(&sources));
    drop(loaded_again);
    let ingest = ingest.min(first);
    let (decoding, _) = fastest(|| sources.iter().filter(|f| blastmap_ingest::text::decode(f.bytes).is_ok()).count());
    let (reading, _) = fastest(|| blastmap_ingest::read_only(&sources));
    let diagnostics: usize = loaded.files.iter().map(|f| f.diagnostics.len()).sum();
    // The ids importing interns, in the order it meets them (a role assignment's own id is kept as
    // its scope and GUID, not interned): the interner's share of importing
    // (a fresh interner, so first mentions insert and later ones find).
    let inventory = &loaded.inventory;
    let ids: Vec<&str> = inventory
        .resources()
        .iter()
        .map(|r| r.id)
        .chain(inventory.role_assignments().iter().flat_map(|a| [a.scope, a.principal, a.role_definition]))
        .map(|key| inventory.text(key))
        .collect();
    let (interning, _) = fastest(|| {
        let mut fresh = blastmap_ingest::Inventory::new();
        ids.iter().map(|id| fresh.key(id)).count()
    });

    println!("floor  serde_json → IgnoredAny   {:>8.0} ms", floor.as_secs_f64() * 1e3);
    println!(
        "ingest blastmap_ingest::load      {:>8.0} ms   {:.2}× the floor (goal ≤ 2×), {}",
        ingest.as_secs_f64() * 1e3,
        ingest.as_secs_f64() / floor.as_secs_f64(),
        threads()
    );
    // Where ingest's time goes: what reading any element costs before it is imported (decoding
    // the bytes, parsing each element into a record), and what importing adds; on two threads
    // the importing overlaps the parsing, so the rest is less than importing alone.
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("       of which decoding (UTF-8 check)      {:>8.0} ms", ms(decoding));
    println!(
        "                reading into records       {:>8.0} ms   (alone, on one thread; with decoding {:.2}× the floor)",
        ms(reading.saturating_sub(decoding)),
        reading.as_secs_f64() / floor.as_secs_f64()
    );
    println!("                the rest, importing        {:>8.0} ms", ms(ingest.saturating_sub(reading)));
    println!(
        "                  of which interning ids   {:>8.0} ms   ({} ids of resources and role assignments)",
        ms(interning),
        ids.len()
    );
    println!(
        "memory peak heap during ingest    {:>8.1} MB   (model kept afterwards {:.1} MB; input {:.1} MB not counted; goal: model ≪ 300 MB)",
        mb(peak),
        mb(kept),
        mb(bytes)
    );
    println!(
        "model  {} resources, {} identities, {} role assignments, {} diagnostics",
        loaded.inventory.resources().len(),
        loaded.inventory.identities().len(),
        loaded.inventory.role_assignments().len(),
        diagnostics
    );
    if args.next().as_deref() == Some("ingest") {
        return;
    }
    analysis(&loaded.inventory, floor, ingest);
}

/// Times the analysis phases after ingest, and prints each whole command against the floor.
fn analysis(inventory: &blastmap_ingest::Inventory, floor: Duration, ingest: Duration) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let (index, (permissions, environments)) = fastest(|| (Permissions::new(inventory), Environments::new(inventory)));
    let (graph, access) = fastest(|| AccessGraph::build_with(inventory, &environments, &permissions));
    let (coverage_time, coverage) = fastest(|| Coverage::new(inventory));
    let (radii, reach) = fastest(|| Reach::new(&access, &coverage));
    let context = Context {
        inventory,
        access: &access,
        environments: &environments,
        permissions: &permissions,
        coverage: &coverage,
        reach: &reach,
    };
    // Each rule alone, and the ranking alone, to show where the rules' time goes; then the
    // rules as `blastmap analyze` runs them (on two threads where there are two cores).
    let mut per_rule: Vec<(&str, Duration)> = Vec::new();
    let mut found = Vec::new();
    for rule in RULES {
        let (time, findings) = fastest(|| (rule.check)(&context));
        per_rule.push((rule.id, time));
        found.extend(findings);
    }
    let started = Instant::now();
    let ranked_alone = ranked(found);
    let ranking = started.elapsed();
    drop(ranked_alone);
    let (rules, findings) = fastest(|| rules::run(&context));
    per_rule.sort_by_key(|(_, time)| std::cmp::Reverse(*time));
    let peak = HEAP.peak_usage().saturating_sub(before);
    println!(
        "graph  {} nodes, {} edges; {} findings; {} starts reach something",
        access.graph.node_count(),
        access.graph.edge_count(),
        findings.len(),
        access.graph.node_indices().filter(|&n| reach.count(n, Mode::Transitive) > 0).count()
    );
    let mut kinds: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for edge in access.graph.edge_weights() {
        *kinds.entry(edge.kind.as_str()).or_default() += 1;
    }
    let kinds: Vec<String> = kinds.iter().map(|(kind, n)| format!("{kind} {n}")).collect();
    println!("edges  {}", kinds.join(", "));
    println!("phase  access graph                {:>8.0} ms", ms(graph));
    println!("phase  permissions, environments   {:>8.0} ms", ms(index));
    println!("phase  coverage of scopes          {:>8.0} ms", ms(coverage_time));
    println!("phase  radius of every node        {:>8.0} ms", ms(radii));
    println!("phase  rules BM001–BM019           {:>8.0} ms   {}", ms(rules), threads());
    let slowest: Vec<String> = per_rule.iter().take(5).map(|(id, time)| format!("{id} {:.0} ms", ms(*time))).collect();
    println!("         slowest: {}; ranking {:.0} ms", slowest.join(", "), ms(ranking));
    println!("memory peak heap during analysis  {:>8.1} MB", mb(peak));
    for (how, folding) in [("folded", Folding::default()), ("unfolded", Folding::none())] {
        let (placing, picture) = fastest(|| layout(inventory, &access, &folding));
        let rows = picture.folded.iter().filter(|f| f.is_none()).count() + picture.aggregates.len();
        println!(
            "phase  layout, {how:<8}            {:>8.0} ms   {} nodes in {rows} rows ({} aggregates), {} bands",
            ms(placing),
            picture.nodes.len(),
            picture.aggregates.len(),
            picture.bands.len()
        );
    }
    // The whole commands after ingest, as the CLI runs them: steps that do not depend on each
    // other overlap on two threads, so these are less than the sum of the phases above.
    let (analyzing, _) = fastest(|| rules::analyze(inventory));
    let (radii_all, _) = fastest(|| {
        let (access, coverage) = graph_and_coverage(inventory);
        Reach::new(&access, &coverage)
    });
    for (command, total) in [("analyze", ingest + analyzing), ("radius --all", ingest + radii_all)] {
        println!(
            "total  blastmap {command:<13}     {:>8.0} ms   {:.2}× the floor (goal ≤ 3×), {}",
            ms(total),
            total.as_secs_f64() / floor.as_secs_f64(),
            threads()
        );
    }
}
