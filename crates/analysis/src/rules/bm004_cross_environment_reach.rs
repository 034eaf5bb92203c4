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

use std::collections::BTreeMap;

use super::{Context, Finding, Severity};
use crate::environment::Environment;
use crate::graph::NodeKind;
use blastmap_model::Key;

use crate::permissions::Access;
use crate::radius::{Mode, explore};

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

/// The resources a source reaches in one later environment, and the one to show.
struct Crossing {
    reached: Vec<Key>,
    example: Example,
}

/// A candidate example: data stores before identities and compute, then the strongest access,
/// then the shortest explanation, then the id.
#[derive(Copy, Clone)]
struct Example {
    value: u8,
    access: Access,
    depth: usize,
    key: Key,
}

impl Example {
    fn beats(&self, other: &Example, inventory: &blastmap_model::Inventory) -> bool {
        (self.value, self.access, std::cmp::Reverse(self.depth))
            .cmp(&(other.value, other.access, std::cmp::Reverse(other.depth)))
            .then_with(|| inventory.text(other.key).cmp(inventory.text(self.key)))
            .is_gt()
    }
}

/// Finds sources that reach a later environment.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let g = &ctx.access.graph;
    // Resources are numbered in id order; per environment, how many of the first n are in it,
    // so that whether a radius (runs of numbers) crosses is a few subtractions, and only the
    // sources that cross are explored for their example path.
    let mut below: Vec<[u32; Environment::ALL.len()]> = vec![[0; Environment::ALL.len()]];
    for at in 0..ctx.coverage.len() {
        let mut next = below[below.len() - 1];
        let resource =
            u32::try_from(at).ok().and_then(|at| ctx.coverage.resource(at)).and_then(|k| inventory.resource(k));
        let env = resource.map_or(Environment::Unknown, |r| ctx.environments.of_resource(inventory, r));
        next[env as usize] += 1;
        below.push(next);
    }
    let crosses = |runs: &[(u32, u32)], from: Environment| {
        Environment::ALL
            .iter()
            .filter(|&&to| to != Environment::Unknown && to > from)
            .any(|&to| runs.iter().any(|&(lo, hi)| below[hi as usize][to as usize] > below[lo as usize][to as usize]))
    };
    let mut findings = Vec::new();
    for node in g.node_indices().filter(|&n| g[n].kind == NodeKind::Source) {
        let from = g[node].environment;
        if from == Environment::Unknown || !crosses(ctx.reach.runs(node, Mode::Transitive), from) {
            continue;
        }
        // Per later environment: how many resources, and the example a reviewer should see
        // (data stores before identities and compute, then the strongest access, then the
        // shortest explanation, then the id).
        let exploration = explore(ctx.access, ctx.coverage, node, Mode::Transitive);
        let mut by_env: BTreeMap<Environment, Crossing> = BTreeMap::new();
        for (key, access, depth) in exploration.reached() {
            let Some(resource) = inventory.resource(key) else { continue };
            let to = ctx.environments.of_resource(inventory, resource);
            if to == Environment::Unknown || to <= from {
                continue;
            }
            let candidate = Example { value: value(&resource.resource_type), access, depth, key };
            let crossing = by_env.entry(to).or_insert_with(|| Crossing { reached: Vec::new(), example: candidate });
            crossing.reached.push(key);
            if candidate.beats(&crossing.example, inventory) {
                crossing.example = candidate;
            }
        }
        let source = &g[node].label;
        let source_id = match g[node].key {
            crate::graph::NodeKey::Arm(k) => inventory.text(k).to_owned(),
            _ => continue,
        };
        for (to, Crossing { mut reached, example: Example { access: example_access, key: example, .. } }) in by_env {
            reached.sort_by(|a, b| inventory.text(*a).cmp(inventory.text(*b)));
            let example_name = inventory.resource(example).map_or("", |r| r.name.as_str());
            let path: Vec<&str> = exploration.path(example).iter().map(|&e| g[e].reason.as_str()).collect();
            let mut subjects = vec![source_id.clone()];
            subjects.extend(reached.iter().map(|r| inventory.text(*r).to_owned()));
            let first_step = path.first().copied().unwrap_or_default();
            findings.push(Finding {
                rule: ID,
                name: NAME,
                severity: if to == Environment::Prod { Severity::Critical } else { Severity::High },
                title: format!("{source} ({}) reaches {} {} resources", from.as_str(), reached.len(), to.as_str()),
                subjects,
                message: format!(
                    "{source} in {} reaches {} resources in {}, {example_name} with {} access among them: a compromise \
                     in {} is a compromise in {}.",
                    from.as_str(),
                    reached.len(),
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
                reach: reached.len(),
                subjects_omitted: 0,
            });
        }
    }
    findings
}
