//! **BM002 broad-scope-assignment** (high when the role is privileged, else medium).
//!
//! *What:* a managed identity holds a role at subscription, management-group or root scope.
//!
//! *Why (seeds 001, 002):* "Subscription-wide RBAC assignment: broad privilege scope";
//! "making the managed identity a contributor on an Azure subscription when it's not needed
//! increases the security blast radius associated with the identity". Everything that can use
//! the identity holds the role on everything under the scope.
//!
//! *Fix:* assign the role at the resource group or the resources the workload needs.

use blastmap_model::arm::{self, ScopeLevel};

use super::{Context, Finding, Severity, identity_principals};
use crate::graph::{NodeKey, NodeKind, role_name};
use crate::permissions::{Access, role_permissions};

/// Rule id.
pub const ID: &str = "BM002";
/// Rule name.
pub const NAME: &str = "broad-scope-assignment";

/// Finds managed identities holding roles over whole subscriptions, management groups or the tenant.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let g = &ctx.access.graph;
    let identities = identity_principals(ctx);
    let mut findings = Vec::new();
    for assignment in inventory.role_assignments() {
        let Some(&Some((node, subject))) = identities.get(assignment.principal.index()) else { continue };
        // The graph knows the level of the scopes it made targets; only other scopes are read as text.
        let scope_node = ctx.access.node(NodeKey::Arm(assignment.scope));
        let level = match scope_node.map(|n| g[n].kind) {
            Some(NodeKind::Target(level)) => Some(level),
            _ => arm::level(inventory.text(assignment.scope)),
        };
        if !matches!(level, Some(ScopeLevel::Root | ScopeLevel::ManagementGroup | ScopeLevel::Subscription)) {
            continue;
        }
        let scope_text = inventory.text(assignment.scope);
        let access = role_permissions(inventory, assignment.role_definition).map_or(Access::Read, Access::of);
        let privileged = access == Access::ControlWrite;
        let role = role_name(inventory, assignment);
        let scope = scope_node.map_or_else(|| scope_text.to_owned(), |n| g[n].label.clone());
        let covered = ctx.coverage.count(assignment.scope);
        let who = &g[node].label;
        let principal = inventory.text(assignment.principal);
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: if privileged { Severity::High } else { Severity::Medium },
            title: format!("{who} holds {role} on {scope}"),
            subjects: vec![inventory.text(subject).to_owned(), scope_text.to_owned()],
            message: format!(
                "{who} holds {role} on {scope} ({covered} resources in the inventory): whatever can use the identity \
                 can {} everything there.",
                if privileged { "change" } else { "read" }
            ),
            evidence: vec![format!("role assignment {}", inventory.assignment_id(assignment.id))],
            fix: format!(
                "Grant {role} only where the workload needs it, then remove the broad assignment: \
                 `az role assignment create --assignee-object-id {principal} --assignee-principal-type ServicePrincipal \
                 --role \"{role}\" --scope <resource group or resource id>` and \
                 `az role assignment delete --ids {}`.",
                inventory.assignment_id(assignment.id)
            ),
            reach: covered,
            subjects_omitted: 0,
        });
    }
    findings
}
