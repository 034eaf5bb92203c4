//! **BM019 identity-region-mismatch** (low).
//!
//! *What:* a user-assigned identity that has sources, none of them in its own region.
//!
//! *Why (seed 000):* "Match managed identity region to compute resources": an identity away
//! from all its sources cannot be made Regional without breaking them, and fails with a region
//! they do not depend on.
//!
//! *Fix:* recreate the identity in the sources' region, set it to Regional, and move the
//! sources to it.
//!
//! *Decision:* a Regional identity whose sources are all elsewhere is BM007's finding (the
//! setting is contradicted), not this one's.

use blastmap_model::IsolationScope;

use super::{Context, Finding, Severity, evidence_of, identities_with_sources, in_id_order, subjects_of};

/// Rule id.
pub const ID: &str = "BM019";
/// Rule name.
pub const NAME: &str = "identity-region-mismatch";

/// Finds identities whose sources are all elsewhere.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    identities_with_sources(inventory)
        .into_iter()
        .filter(|s| s.identity.isolation_scope != IsolationScope::Regional)
        .filter_map(|s| {
            let (home, away, known) = s.away()?;
            if away.is_empty() || away.len() < known {
                return None;
            }
            let (name, id) = (s.name(), inventory.text(s.identity.id));
            // Every source of known region is away: the first region listed is the first away.
            let sources = in_id_order(inventory, s.sources);
            let regions: Vec<&str> = sources.iter().filter_map(|r| r.region.as_deref()).collect();
            let (subjects, subjects_omitted) = subjects_of(id.to_owned(), &sources, |r| inventory.text(r.id).to_owned());
            Some(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Low,
                title: format!("{name} is in {home}, its sources are not"),
                subjects,
                message: format!(
                    "{name} lives in {home} but every one of its {} sources is elsewhere: it cannot be made Regional, and \
                     it depends on a region its workload does not run in.",
                    sources.len()
                ),
                evidence: evidence_of(&sources, |r| {
                    format!("{} ({}) uses {name} ({home})", r.name, r.region.as_deref().unwrap_or("?"))
                }),
                fix: format!(
                    "Create the identity in the sources' region with isolation scope Regional and move the sources to it: \
                     `az identity create --resource-group <rg> --name {name} --location {}`.",
                    regions[0]
                ),
                reach: sources.len(),
                subjects_omitted,
            })
        })
        .collect()
}
