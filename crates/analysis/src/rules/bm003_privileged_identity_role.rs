//! **BM003 privileged-identity-role** (high for role-assignment writes, medium for `*` writes).
//!
//! *What:* a managed identity holds a role that writes role assignments (Owner, User Access
//! Administrator, Role Based Access Control Administrator, or a custom role that does), or
//! grants every control-plane action (`*`: Contributor).
//!
//! *Why (seeds 001, 002):* "Assign roles such as Key Vault Secrets User ... instead of broader
//! roles such as Contributor, Owner". With role-assignment writes, anything that can use the
//! identity can grant itself anything at the scope.
//!
//! *Fix:* replace the role with the least-privileged built-in role the workload needs.

use blastmap_model::Key;
use rustc_hash::FxHashMap;

use super::{Context, Finding, Severity, identity_principals};
use crate::graph::{NodeKey, role_name};
use crate::permissions::{Plane, role_permissions};

/// Rule id.
pub const ID: &str = "BM003";
/// Rule name.
pub const NAME: &str = "privileged-identity-role";

/// Finds managed identities holding privileged roles.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let inventory = ctx.inventory;
    let g = &ctx.access.graph;
    // What each role grants, decided once: tenants hold many assignments of few roles.
    let mut decided: FxHashMap<Key, (bool, bool)> = FxHashMap::default();
    let mut names: FxHashMap<(Key, Option<&str>), String> = FxHashMap::default();
    let identities = identity_principals(ctx);
    let mut findings = Vec::new();
    for assignment in inventory.role_assignments() {
        let Some(&Some((node, subject))) = identities.get(assignment.principal.index()) else { continue };
        let role = assignment.role_definition;
        let (grants_roles, everything) = *decided.entry(role).or_insert_with(|| {
            let grants_roles =
                ctx.permissions.role_grants(role, "Microsoft.Authorization/roleAssignments/write", Plane::Control);
            let everything = role_permissions(inventory, role)
                .is_some_and(|blocks| blocks.iter().any(|b| b.actions.iter().any(|a| a == "*")));
            (grants_roles, everything)
        });
        if !grants_roles && !everything {
            continue;
        }
        let role = names
            .entry((assignment.role_definition, assignment.role_name.as_deref()))
            .or_insert_with(|| role_name(inventory, assignment));
        let who = &g[node].label;
        let scope = ctx
            .access
            .node(NodeKey::Arm(assignment.scope))
            .map_or_else(|| inventory.text(assignment.scope).to_owned(), |n| g[n].label.clone());
        let (severity, power) = if grants_roles {
            (Severity::High, "can grant any role, itself included")
        } else {
            (Severity::Medium, "can change anything but access")
        };
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity,
            title: format!("{who} holds {role}"),
            subjects: vec![inventory.text(subject).to_owned(), inventory.text(assignment.scope).to_owned()],
            message: format!("{who} holds {role} on {scope}: whatever can use it {power} there."),
            evidence: vec![format!("role assignment {}", inventory.assignment_id(assignment.id))],
            fix: format!(
                "Replace {role} with the least-privileged role the workload needs (for secrets, Key Vault Secrets User; for \
                 blobs, Storage Blob Data Reader or Contributor): `az role assignment delete --ids {}`.",
                inventory.assignment_id(assignment.id)
            ),
            reach: ctx.coverage.count(assignment.scope),
            subjects_omitted: 0,
        });
    }
    findings
}
