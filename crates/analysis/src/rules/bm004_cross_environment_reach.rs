//! **BM004 cross-environment-reach** (critical when prod is reached, else high).
//!
//! *What:* a source in one environment reaches a resource in a later one (dev → uat, dev →
//! prod, uat → prod), following every pivot; the finding carries the path, edge by edge.
//!
//! *Why (seed 001):* "a compromised DEV compute instance ... may obtain an access token capable
//! of accessing production-level resources". A lower environment is easier to compromise
//! (looser access, less monitoring), so its reach into a higher one is the real risk.
//!
//! *Decision:* reaching an *earlier* environment (prod → dev) is not reported: a prod
//! compromise is already the worst case, and prod pipelines legitimately read dev artefacts.
//! Environments are ordered dev < test < uat < prod; unknown ones are left out.

use std::borrow::Cow;

use blastmap_model::Resource;
use rustc_hash::FxHashMap;

use super::{Context, Finding, Severity, subjects_counted};
use crate::environment::Environment;
use crate::graph::NodeKind;

use crate::permissions::Access;
use crate::radius::{Grant, Mode, walk_grants};

/// Rule id.
pub const ID: &str = "BM004";
/// Rule name.
pub const NAME: &str = "cross-environment-reach";

/// How much an attacker wants a resource of this type, for choosing the example to show:
/// secrets, then data, then anything but identities and compute (which are stepping stones).
fn value(resource_type: &str) -> u8 {
    let t = resource_type.to_ascii_lowercase();
    if t.starts_with("microsoft.keyvault/") {
        3
    } else if ["microsoft.storage/", "microsoft.sql/", "microsoft.documentdb/", "microsoft.dbfor"]
        .iter()
        .any(|p| t.starts_with(p))
    {
        2
    } else if t.starts_with("microsoft.managedidentity/") || crate::execution::code_execution(&t).is_some() {
        0
    } else {
        1
    }
}

/// A candidate example: data stores before identities and compute, then the strongest access,
/// then the shortest explanation, then the id (resources are numbered in id order).
type Example = (u8, Access, std::cmp::Reverse<usize>, std::cmp::Reverse<u32>);

/// How many values [`value`] gives.
const VALUES: usize = 4;

/// Finds sources that reach a later environment.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let g = &ctx.access.graph;
    let coverage = ctx.coverage;
    // Resources are numbered in id order: per number, its resource and environment;
    // per environment, how many of the first n are in it, so that whether a radius (runs of
    // numbers) crosses, and how many it reaches there, is a few subtractions.
    // Placed from one pass over the resources (a table lookup each) rather than looked up by
    // key per number (a hash lookup each).
    let mut resources: Vec<Option<&Resource>> = vec![None; coverage.len()];
    for resource in inventory.resources() {
        if let Some(slot) = coverage.number(resource.id).and_then(|at| resources.get_mut(at as usize)) {
            *slot = Some(resource);
        }
    }
    let envs: Vec<Environment> = resources
        .iter()
        .map(|r| r.map_or(Environment::Unknown, |r| ctx.environments.of_resource(inventory, r)))
        .collect();
    let mut below: Vec<[u32; Environment::ALL.len()]> = vec![[0; Environment::ALL.len()]];
    for &env in &envs {
        let mut next = below[below.len() - 1];
        next[env as usize] += 1;
        below.push(next);
    }
    let count_in = |runs: &[(u32, u32)], to: Environment| -> usize {
        runs.iter().map(|&(lo, hi)| (below[hi as usize][to as usize] - below[lo as usize][to as usize]) as usize).sum()
    };
    // Per environment and value, the numbers of its resources in order: the first one a grant
    // covers is found by a search per run, not by visiting what the grant covers.
    let mut values: FxHashMap<&str, u8> = FxHashMap::default();
    let mut by_class: Vec<Vec<u32>> = vec![Vec::new(); Environment::ALL.len() * VALUES];
    for (at, (&env, resource)) in envs.iter().zip(&resources).enumerate() {
        let (Some(resource), Ok(at)) = (resource, u32::try_from(at)) else { continue };
        if env == Environment::Unknown {
            continue;
        }
        let value = *values.entry(resource.resource_type.as_str()).or_insert_with_key(|t| value(t));
        if let Some(class) = by_class.get_mut(env as usize * VALUES + value as usize) {
            class.push(at);
        }
    }
    // The first of `numbers` (sorted) inside `runs` (sorted, disjoint).
    let first_in = |numbers: &[u32], runs: &[(u32, u32)]| {
        runs.iter()
            .find_map(|&(lo, hi)| numbers.get(numbers.partition_point(|&at| at < lo)).copied().filter(|&at| at < hi))
    };
    // Per scope (by key index), 0 or one more than where its first resource of the highest
    // value per environment is in `firsts`: a scope covers the same for every source, so it is
    // searched once.
    let mut first_slot: Vec<u32> = vec![0; inventory.keys.len()];
    let mut firsts: Vec<[Option<(u8, u32)>; Environment::ALL.len()]> = Vec::new();
    let mut findings = Vec::new();
    for node in g.node_indices().filter(|&n| g[n].kind == NodeKind::Source) {
        let from = g[node].environment;
        if from == Environment::Unknown {
            continue;
        }
        let runs = ctx.reach.runs(node, Mode::Transitive);
        let later: Vec<(Environment, usize)> = Environment::ALL
            .into_iter()
            .filter(|&to| to != Environment::Unknown && to > from)
            .map(|to| (to, count_in(runs, to)))
            .filter(|&(_, n)| n > 0)
            .collect();
        if later.is_empty() {
            continue;
        }
        let source_id = match g[node].key {
            crate::graph::NodeKey::Arm(k) => inventory.text(k).to_owned(),
            _ => continue,
        };
        // Per later environment, the example a reviewer should see, and the grant that shows
        // it. A resource's access and path length are those of its strongest grant, so the best
        // (resource, grant) pair gives the example; per grant that is the first resource of its
        // highest value it covers. The first grant to give the best pair is the example's
        // strongest: an earlier or nearer one covering it would give a pair as good or better.
        let mut examples: [Option<(Example, Grant)>; Environment::ALL.len()] = [None; Environment::ALL.len()];
        let ways = walk_grants(ctx.access, node, Mode::Transitive, |grant| {
            let Some(slot) = first_slot.get_mut(grant.scope.index()) else { return };
            if *slot == 0 {
                let runs = coverage.runs(grant.scope);
                firsts.push(Environment::ALL.map(|to| {
                    (0..VALUES).rev().find_map(|value| {
                        let numbers = by_class.get(to as usize * VALUES + value)?;
                        first_in(numbers, runs).map(|at| (value as u8, at))
                    })
                }));
                *slot = u32::try_from(firsts.len()).unwrap_or(u32::MAX);
            }
            let Some(first) = firsts.get(*slot as usize - 1) else { return };
            for &(to, _) in &later {
                let Some((value, at)) = first[to as usize] else { continue };
                let candidate = (value, grant.access, std::cmp::Reverse(grant.depth), std::cmp::Reverse(at));
                let best = &mut examples[to as usize];
                if best.is_none_or(|(best, _)| candidate > best) {
                    *best = Some((candidate, grant));
                }
            }
        });
        let source = &g[node].label;
        for (to, reached) in later {
            let Some(((_, example_access, _, std::cmp::Reverse(example)), grant)) = examples[to as usize] else {
                continue;
            };
            let example = resources[example as usize];
            let example_name = example.map_or("", |r| r.name.as_str());
            let path: Vec<Cow<str>> = ways.path(&grant).iter().map(|&e| ctx.access.reason(e)).collect();
            // The first resources reached there, in id order, as subjects.
            let ids = runs
                .iter()
                .filter(|&&(lo, hi)| below[hi as usize][to as usize] > below[lo as usize][to as usize])
                .flat_map(|&(lo, hi)| lo..hi)
                .filter(|&at| envs[at as usize] == to)
                .filter_map(|at| resources[at as usize].map(|r| inventory.text(r.id).to_owned()));
            let (subjects, subjects_omitted) = subjects_counted(source_id.clone(), ids, reached);
            let first_step = path.first().map_or("", |step| step.as_ref());
            findings.push(Finding {
                rule: ID,
                name: NAME,
                severity: if to == Environment::Prod { Severity::Critical } else { Severity::High },
                title: format!("{source} ({}) reaches {} {} resources", from.as_str(), reached, to.as_str()),
                subjects,
                message: format!(
                    "{source} in {} reaches {} resources in {}, {example_name} with {} access among them: a compromise \
                     in {} is a compromise in {}.",
                    from.as_str(),
                    reached,
                    to.as_str(),
                    example_access.as_str(),
                    from.as_str(),
                    to.as_str()
                ),
                evidence: vec![format!("{}: {}", example_name, path.join(" → "))],
                fix: format!(
                    "Cut the path where it crosses: give {} its own identities, or remove the grant that reaches {} \
                     (first step: {first_step}).",
                    from.as_str(),
                    to.as_str()
                ),
                reach: reached,
                subjects_omitted,
            });
        }
    }
    findings
}
