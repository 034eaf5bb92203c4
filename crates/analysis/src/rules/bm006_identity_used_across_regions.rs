//! **BM006 identity-used-across-regions** (medium).
//!
//! *What:* a user-assigned identity with isolation scope `None` (or not exported) attached to
//! sources outside its own region.
//!
//! *Why (seed 000):* "Without isolation, a token issued in one region could be used to access
//! resources in another"; an outage or compromise in one region reaches every other region the
//! identity serves.
//!
//! *Fix:* one identity per region, each set to `Regional`.

use std::collections::BTreeSet;

use super::{Context, Finding, Severity, evidence_of, identities_with_sources, in_id_order, subjects_of};
use blastmap_model::IsolationScope;

/// Rule id.
pub const ID: &str = "BM006";
/// Rule name.
pub const NAME: &str = "identity-used-across-regions";

/// Finds non-regional identities used outside their region.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    identities_with_sources(inventory)
        .into_iter()
        .filter(|s| s.identity.isolation_scope != IsolationScope::Regional)
        .filter_map(|s| {
            let (home, away, known) = s.away()?;
            // All sources elsewhere is BM019's finding.
            if away.is_empty() || away.len() == known {
                return None;
            }
            let regions: BTreeSet<&str> = s.sources.iter().filter_map(|r| r.region.as_deref()).collect();
            let name = s.name();
            let away = in_id_order(inventory, away);
            let (subjects, subjects_omitted) =
                subjects_of(inventory.text(s.identity.id).to_owned(), &away, |r| inventory.text(r.id).to_owned());
            Some(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Medium,
                title: format!("{name} is used across regions"),
                subjects,
                message: format!(
                    "{name} lives in {home} and is used from {} by sources in other regions: its tokens cross \
                     regions, and so does any compromise or outage of it.",
                    regions.into_iter().collect::<Vec<_>>().join(", ")
                ),
                evidence: evidence_of(&away, |r| {
                    format!("{} ({}) uses {name} ({home})", r.name, r.region.as_deref().unwrap_or("?"))
                }),
                fix: format!(
                    "Create one identity per region for these sources, set each to Regional, and detach {name} from \
                     sources outside {home}: `az identity create --resource-group <rg> --name {name}-<region> --location <region>`."
                ),
                reach: away.len(),
                subjects_omitted,
            })
        })
        .collect()
}
