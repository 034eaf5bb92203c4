//! **BM009 unused-user-assigned-identity** (medium when it still holds roles, else low).
//!
//! *What:* a user-assigned identity attached to nothing and trusted by no federated credential.
//!
//! *Why (seeds 002, 003):* "You need to manually delete a user-assigned identity when it's no
//! longer required"; its role assignments outlive its use, and anyone who can attach it
//! inherits them.
//!
//! *Fix:* delete it, or its role assignments if it is kept for later.

use super::{Context, Finding, Severity, count, evidence_of, identities_with_sources};

/// Rule id.
pub const ID: &str = "BM009";
/// Rule name.
pub const NAME: &str = "unused-user-assigned-identity";

/// Finds identities nothing uses.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let federated: rustc_hash::FxHashSet<_> = inventory.federated_credentials().iter().map(|c| c.identity).collect();
    identities_with_sources(inventory)
        .into_iter()
        .filter(|s| s.sources.is_empty())
        .filter(|s| !federated.contains(&s.identity.id))
        .map(|s| {
            let name = s.name();
            let id = inventory.text(s.identity.id);
            let roles: Vec<_> = match s.identity.principal_id {
                Some(principal) => ctx.permissions.held_by(principal).to_vec(),
                None => Vec::new(),
            };
            let (severity, message) = if roles.is_empty() {
                (Severity::Low, format!("{name} is attached to nothing and trusted by no pipeline."))
            } else {
                (
                    Severity::Medium,
                    format!(
                        "{name} is attached to nothing and trusted by no pipeline, yet holds {}: whoever \
                         can attach it gets them.",
                        count(roles.len(), "role assignment", "role assignments")
                    ),
                )
            };
            Finding {
                rule: ID,
                name: NAME,
                severity,
                title: format!("{name} is unused"),
                subjects: vec![id.to_owned()],
                message,
                evidence: evidence_of(&roles, |a| format!("role assignment {}", inventory.assignment_id(a.id))),
                fix: format!("Delete it if nothing needs it: `az identity delete --ids {id}`."),
                reach: roles.iter().map(|a| ctx.coverage.count(a.scope)).sum(),
                subjects_omitted: 0,
            }
        })
        .collect()
}
