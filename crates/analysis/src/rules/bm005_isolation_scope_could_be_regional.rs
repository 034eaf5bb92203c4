//! **BM005 isolation-scope-could-be-regional** (low).
//!
//! *What:* a user-assigned identity with isolation scope `None` (or not exported) whose sources
//! all sit in its own region.
//!
//! *Why (seed 000):* "Setting the isolation scope to Regional ensures that the managed identity
//! usage is tightly scoped ... reducing the blast radius if the identity is ever compromised";
//! here nothing would break, so the setting is free protection.
//!
//! *Fix:* set `isolationScope` to `Regional`.

use super::{Context, Finding, Severity, evidence_of, identities_with_sources, in_id_order, subjects_of};
use blastmap_model::IsolationScope;

/// Rule id.
pub const ID: &str = "BM005";
/// Rule name.
pub const NAME: &str = "isolation-scope-could-be-regional";

/// Finds identities that could be regional at no cost.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    identities_with_sources(inventory)
        .into_iter()
        .filter(|s| s.identity.isolation_scope != IsolationScope::Regional && !s.sources.is_empty())
        .filter_map(|s| {
            let region = s.region()?;
            if !s.sources.iter().all(|r| r.region.as_deref() == Some(region)) {
                return None;
            }
            let name = s.name();
            let id = inventory.text(s.identity.id);
            let setting = match s.identity.isolation_scope {
                IsolationScope::None => "None",
                _ => "not exported (so None)",
            };
            let sources = in_id_order(inventory, s.sources);
            let (subjects, subjects_omitted) = subjects_of(id.to_owned(), &sources, |r| inventory.text(r.id).to_owned());
            Some(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Low,
                title: format!("{name} could be regional"),
                subjects,
                message: format!(
                    "{name} is usable from any region (isolation scope {setting}) though all {} of its sources are in \
                     {region}: making it regional costs nothing and keeps it from being attached elsewhere.",
                    sources.len()
                ),
                evidence: evidence_of(&sources, |r| format!("{} ({region}) uses {name}", r.name)),
                fix: format!(
                    "Set its isolation scope to Regional: `az rest --method patch --url \"https://management.azure.com{id}?api-version=2024-11-30\" --body '{{\"properties\": {{\"isolationScope\": \"Regional\"}}}}'`."
                ),
                reach: sources.len(),
                subjects_omitted,
            })
        })
        .collect()
}
