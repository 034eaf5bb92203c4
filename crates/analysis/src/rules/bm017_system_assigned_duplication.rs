//! **BM017 system-assigned-duplication** (info).
//!
//! *What:* three or more sources whose system-assigned identities hold identical role sets.
//!
//! *Why (seed 002):* "When a user-assigned identity is associated with the four virtual
//! machines, only two role assignments are required, compared to eight with system-assigned
//! identities": N copies of R assignments drift apart and are reviewed N times.
//!
//! *Fix:* one user-assigned identity for the group, with the R assignments once.

use std::collections::BTreeMap;

use blastmap_model::{AttachedIdentity, Key};

use super::{Context, Finding, Severity, count, evidence_of};

/// Rule id.
pub const ID: &str = "BM017";
/// Rule name.
pub const NAME: &str = "system-assigned-duplication";

/// Finds groups of system-assigned identities with the same roles.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let mut groups: BTreeMap<Vec<(Key, Key)>, Vec<Key>> = BTreeMap::new();
    for attachment in inventory.attachments() {
        let AttachedIdentity::System { principal_id: Some(principal) } = attachment.identity else { continue };
        let held = ctx.permissions.held_by(principal);
        if held.is_empty() {
            continue;
        }
        let mut roles: Vec<(Key, Key)> = held.iter().map(|a| (a.role_definition, a.scope)).collect();
        roles.sort();
        roles.dedup();
        groups.entry(roles).or_default().push(attachment.source);
    }
    groups
        .into_iter()
        .filter(|(_, sources)| sources.len() >= 3)
        .map(|(roles, sources)| {
            let names: Vec<String> =
                sources.iter().map(|s| inventory.resource(*s).map_or_else(|| inventory.text(*s).to_owned(), |r| r.name.clone())).collect();
            Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Info,
                title: format!(
                    "{} sources repeat the same {}",
                    sources.len(),
                    count(roles.len(), "role assignment", "role assignments")
                ),
                subjects: sources.iter().map(|s| inventory.text(*s).to_owned()).collect(),
                message: format!(
                    "{} each have a system-assigned identity with the same {}: one user-assigned \
                     identity would need {} instead of {}.",
                    names.join(", "),
                    count(roles.len(), "role assignment", "role assignments"),
                    roles.len(),
                    roles.len() * sources.len()
                ),
                evidence: evidence_of(&roles, |(role, scope)| {
                    format!("role {} on {}", inventory.text(*role), inventory.text(*scope))
                }),
                fix: "Create one user-assigned identity for these sources, grant it the roles once, attach it, and turn off \
                      their system-assigned identities: `az identity create --resource-group <rg> --name <name>`."
                    .to_owned(),
                reach: sources.len(),
                subjects_omitted: 0,
            }
        })
        .collect()
}
