//! **BM008 orphaned-role-assignment** (medium).
//!
//! *What:* a role assignment whose principal is gone: `principalName` exported as `""` (the az
//! CLI's sign that the directory no longer knows it) or `ObjectType: Unknown` (Azure
//! PowerShell's).
//!
//! *Why (seed 002):* "Role assignments aren't automatically deleted when either system-assigned
//! or user-assigned managed identities are deleted"; they count against the subscription's
//! limit and make every review noisier.
//!
//! *Decision:* the issue's third signal (an unknown principal id "with a complete principal
//! list") is not used: no export here proves its principal list complete, and a false orphan
//! invites deleting a live assignment. The finding says "appears", because it is inferred.

use super::{Context, Finding, Severity};
use crate::graph::role_name;
use blastmap_model::PrincipalKind;

/// Rule id.
pub const ID: &str = "BM008";
/// Rule name.
pub const NAME: &str = "orphaned-role-assignment";

/// Finds assignments whose principal appears to be deleted.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    inventory
        .role_assignments()
        .iter()
        .filter_map(|a| {
            let sign = if a.principal_name.as_deref() == Some("") {
                "the export names its principal \"\" (the directory no longer knows it)"
            } else if a.principal_type == Some(PrincipalKind::Unknown) {
                "the export reports its principal as ObjectType Unknown"
            } else {
                return None;
            };
            let id = inventory.assignment_id(a.id);
            let principal = inventory.text(a.principal);
            let role = role_name(inventory, a);
            let scope = inventory.text(a.scope);
            Some(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Medium,
                title: format!("{role} on {} appears orphaned", blastmap_model::arm::last_segment(scope)),
                subjects: vec![id.to_string(), principal.to_owned()],
                message: format!("The assignment of {role} to {principal} on {scope} appears orphaned: {sign}."),
                evidence: vec![format!("role assignment {id}")],
                fix: format!("Confirm the principal is gone (`az ad sp show --id {principal}`), then `az role assignment delete --ids {id}`."),
                reach: ctx.coverage.count(a.scope),
                subjects_omitted: 0,
            })
        })
        .collect()
}
