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
use petgraph::visit::EdgeRef;

use super::{Context, Finding, Severity, subject_id};
use crate::graph::EdgeKind;
use crate::radius::{Mode, reach};

/// Rule id.
pub const ID: &str = "BM013";
/// Rule name.
pub const NAME: &str = "identity-assignable-by-others";

/// Finds identities others can attach to themselves.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let mut by_identity: BTreeMap<NodeIndex, Vec<(NodeIndex, String)>> = BTreeMap::new();
    for edge in g.edge_references().filter(|e| e.weight().kind == EdgeKind::CanAttach) {
        by_identity.entry(edge.target()).or_default().push((edge.source(), edge.weight().reason.clone()));
    }
    by_identity
        .into_iter()
        .map(|(identity, holders)| {
            let name = &g[identity].label;
            let who: Vec<&str> = holders.iter().map(|(h, _)| g[*h].label.as_str()).collect();
            let mut subjects = vec![subject_id(ctx.inventory, ctx.access, identity)];
            subjects.extend(holders.iter().map(|(h, _)| subject_id(ctx.inventory, ctx.access, *h)));
            Finding {
                rule: ID,
                name: NAME,
                severity: Severity::Medium,
                title: format!("{name} can be attached by {} other principal(s)", holders.len()),
                subjects,
                message: format!(
                    "{} can attach {name} to compute they control and use everything it holds.",
                    who.join(", ")
                ),
                evidence: holders.into_iter().map(|(_, reason)| reason).collect(),
                fix: format!(
                    "Remove assign rights on {name} (Managed Identity Operator, Contributor or Owner over it) from principals \
                     that do not deploy its workload."
                ),
                reach: reach(ctx.access, ctx.coverage, identity, Mode::Direct),
            }
        })
        .collect()
}
