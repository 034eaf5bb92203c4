//! **BM013 identity-assignable-by-others** (medium).
//!
//! *What:* principals who can attach a user-assigned identity to compute they can write
//! (`.../userAssignedIdentities/*/assign/action` on the identity plus write on some compute),
//! and so use it.
//!
//! *Why (seeds 002, 004):* "if Alice has permissions to assign the managed identity herself,
//! she can assign it to a different Azure resource and have access to all the permissions
//! available to the managed identity"; Managed Identity Operator grants the first half.
//!
//! *Fix:* remove assign rights on the identity from those who do not deploy its workload.

use std::collections::BTreeMap;

use petgraph::graph::NodeIndex;

use super::{Context, Finding, Severity, subject_id};
use crate::graph::{EdgeKind, NodeKey, NodeKind};
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM013";
/// Rule name.
pub const NAME: &str = "identity-assignable-by-others";

/// Finds identities others can attach to themselves.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let mut findings = Vec::new();
    for identity in g.node_indices().filter(|&n| g[n].kind == NodeKind::UserAssignedIdentity) {
        let NodeKey::Arm(id) = g[identity].key else { continue };
        let above = ctx.permissions.scopes_above(ctx.inventory.text(id));
        // One line per holder: its first attach edge over the identity says why.
        let mut holders: BTreeMap<NodeIndex, String> = BTreeMap::new();
        for edge in ctx.access.takers(identity, &above) {
            let (Some((holder, _)), Some(weight)) = (g.edge_endpoints(edge), g.edge_weight(edge)) else { continue };
            if weight.kind == EdgeKind::CanAttach && holder != identity {
                holders.entry(holder).or_insert_with(|| weight.reason.clone());
            }
        }
        if holders.is_empty() {
            continue;
        }
        let name = &g[identity].label;
        let who: Vec<&str> = holders.keys().map(|&h| g[h].label.as_str()).collect();
        let mut subjects = vec![subject_id(ctx.inventory, ctx.access, identity)];
        subjects.extend(holders.keys().map(|&h| subject_id(ctx.inventory, ctx.access, h)));
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: Severity::Medium,
            title: format!("{name} can be attached by {} other principal(s)", holders.len()),
            subjects,
            message: format!("{} can attach {name} to compute they control and use everything it holds.", who.join(", ")),
            evidence: holders.into_values().collect(),
            fix: format!(
                "Remove assign rights on {name} (Managed Identity Operator, Contributor or Owner over it) from principals \
                 that do not deploy its workload."
            ),
            reach: ctx.reach.count(identity, Mode::Direct),
            subjects_omitted: 0,
        });
    }
    findings
}
