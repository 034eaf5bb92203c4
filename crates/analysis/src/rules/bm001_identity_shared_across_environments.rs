//! **BM001 identity-shared-across-environments** (high).
//!
//! *What:* a user-assigned identity is attached to sources in two or more environments.
//!
//! *Why (seed 001):* "any compromised lower-tier environment such as DEV may obtain an access
//! token capable of accessing production-level resources if those permissions are assigned to
//! the shared identity": the trust boundary becomes the identity, not the environment.
//!
//! *Fix:* one identity per environment (`id-orders-dev`, `-uat`, `-prod`), each attached only
//! to its environment's sources and granted only its environment's roles.

use std::collections::BTreeMap;

use super::{Context, Finding, Severity, evidence_of, sources_by_identity, subjects_of};
use crate::environment::Environment;
use crate::graph::NodeKey;
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM001";
/// Rule name.
pub const NAME: &str = "identity-shared-across-environments";

/// Finds the identities used from several environments.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let attached = sources_by_identity(inventory);
    let mut findings = Vec::new();
    for identity in inventory.identities() {
        let Some(attached) = attached.get(&identity.id) else { continue };
        let mut by_env: BTreeMap<Environment, Vec<&str>> = BTreeMap::new();
        let mut sources = Vec::new();
        for &key in attached {
            let Some(source) = inventory.resource(key) else { continue };
            let env = ctx.environments.of_resource(inventory, source);
            if env != Environment::Unknown && !sources.contains(&key) {
                by_env.entry(env).or_default().push(&source.name);
                sources.push(key);
            }
        }
        if by_env.len() < 2 {
            continue;
        }
        let name = inventory.resource(identity.id).map_or("", |r| r.name.as_str());
        let envs: Vec<&str> = by_env.keys().map(|e| e.as_str()).collect();
        let uses: Vec<(Environment, &str)> =
            by_env.iter().flat_map(|(env, names)| names.iter().map(|n| (*env, *n))).collect();
        let evidence = evidence_of(&uses, |(env, n)| format!("{n} ({}) uses {name}", env.as_str()));
        let (subjects, subjects_omitted) =
            subjects_of(inventory.text(identity.id).to_owned(), &sources, |s| inventory.text(*s).to_owned());
        let rg = blastmap_model::arm::resource_group(inventory.text(identity.id)).unwrap_or("<resource group>");
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: Severity::High,
            title: format!("{name} is used from {}", envs.join(", ")),
            subjects,
            message: format!(
                "{name} is attached to sources in {}: code in any of them gets the same token, so the least \
                 protected environment decides who holds the others' access.",
                envs.join(", ")
            ),
            evidence,
            fix: format!(
                "Give each environment its own identity, attach it only to that environment's sources and grant it \
                 only that environment's roles; then detach {name} from the others. For example: \
                 `az identity create --resource-group {rg} --name {name}-{}`.",
                envs[0]
            ),
            reach: ctx.access.node(NodeKey::Arm(identity.id)).map_or(0, |n| ctx.reach.count(n, Mode::Transitive)),
            subjects_omitted,
        });
    }
    findings
}
