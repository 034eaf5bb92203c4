//! **BM011 group-granted-identity-permission** (low).
//!
//! *What:* a managed identity holds a role through a group.
//!
//! *Why (seeds 002, 004):* "the back-end services for managed identities maintain a cache per
//! resource URI for around 24 hours ... it can take several hours for changes to a managed
//! identity's group or role membership to take effect": removing the identity from the group
//! does not revoke its access for hours.
//!
//! *Fix:* assign the role to the identity directly, then remove it from the group.

use super::{Context, Finding, Severity, count, evidence_of, subject_id};
use crate::graph::{EdgeKind, NodeKind};
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

/// Rule id.
pub const ID: &str = "BM011";
/// Rule name.
pub const NAME: &str = "group-granted-identity-permission";

/// Finds identities that hold roles through groups.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let mut findings = Vec::new();
    for edge in g.edge_references() {
        let (member, group) = (edge.source(), edge.target());
        let membership = edge.weight().kind == EdgeKind::HasRole && edge.weight().access.is_none();
        if !membership || !matches!(g[member].kind, NodeKind::UserAssignedIdentity | NodeKind::SystemIdentity) {
            continue;
        }
        // The membership, then the group's roles.
        let shown: Vec<EdgeIndex> = std::iter::once(edge.id())
            .chain(
                g.edges(group)
                    .filter(|e| e.weight().kind == EdgeKind::HasRole && e.weight().access.is_some())
                    .map(|e| e.id()),
            )
            .collect();
        let roles = shown.len() - 1;
        if roles == 0 {
            continue;
        }
        let (who, via) = (&g[member].label, &g[group].label);
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: Severity::Low,
            title: format!("{who} holds roles through {via}"),
            subjects: vec![subject_id(ctx.inventory, ctx.access, member), subject_id(ctx.inventory, ctx.access, group)],
            message: format!(
                "{who} holds {} through the group {via}: removing it from the group takes hours to take effect, \
                 because managed-identity tokens are cached for about 24 hours.",
                count(roles, "role", "roles")
            ),
            evidence: evidence_of(&shown, |&e| ctx.access.reason(e).into_owned()),
            fix: format!("Assign the roles to {who} directly, then remove it from {via}."),
            reach: 0,
            subjects_omitted: 0,
        });
    }
    findings
}
