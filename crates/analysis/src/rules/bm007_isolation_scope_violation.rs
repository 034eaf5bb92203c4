//! **BM007 isolation-scope-violation** (high).
//!
//! *What:* a user-assigned identity set to isolation scope `Regional` is attached to a source
//! in another region.
//!
//! *Why (seed 000):* a Regional identity "can only be assigned to source resources in the
//! same region". The inventory contradicts the setting: either the export is stale, or the
//! protection everyone relies on is not in force.
//!
//! *Fix:* find out which is true; detach the identity from the other region's sources and give
//! them their own.

use super::{Context, Finding, Severity, count, evidence_of, identities_with_sources, in_id_order, subjects_of};
use blastmap_model::IsolationScope;

/// Rule id.
pub const ID: &str = "BM007";
/// Rule name.
pub const NAME: &str = "isolation-scope-violation";

/// Finds Regional identities attached outside their region.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    identities_with_sources(inventory)
        .into_iter()
        .filter(|s| s.identity.isolation_scope == IsolationScope::Regional)
        .filter_map(|s| {
            let (home, away, _) = s.away()?;
            if away.is_empty() {
                return None;
            }
            let name = s.name();
            let away = in_id_order(inventory, away);
            let (subjects, subjects_omitted) =
                subjects_of(inventory.text(s.identity.id).to_owned(), &away, |r| inventory.text(r.id).to_owned());
            Some(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::High,
                title: format!("{name} is Regional but used outside {home}"),
                subjects,
                message: format!(
                    "{name} is set to Regional ({home}) yet {} in other regions carry it: the export \
                     contradicts the setting, so the isolation may not be what it claims.",
                    count(away.len(), "source", "sources")
                ),
                evidence: evidence_of(&away, |r| {
                    format!("{} ({}) uses {name} (Regional, {home})", r.name, r.region.as_deref().unwrap_or("?"))
                }),
                fix: format!(
                    "Check the identity's current isolation scope, then detach it from sources outside {home} and give them \
                     an identity in their own region: `az identity show --ids {}`.",
                    inventory.text(s.identity.id)
                ),
                reach: away.len(),
                subjects_omitted,
            })
        })
        .collect()
}
