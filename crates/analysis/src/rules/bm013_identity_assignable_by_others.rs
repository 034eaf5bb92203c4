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

use petgraph::graph::{EdgeIndex, NodeIndex};

use super::{Context, Finding, SUBJECTS_SHOWN, Severity, evidence_of, subject_id};
use crate::graph::{EdgeKind, NodeKey, NodeKind};
use crate::permissions::scopes_above;
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
        let above = scopes_above(ctx.inventory, ctx.inventory.text(id));
        // Each holder once, with its first attach edge over the identity, which says why.
        let mut holders: BTreeMap<NodeIndex, EdgeIndex> = BTreeMap::new();
        for edge in ctx.access.takers(identity, &above) {
            let Some((holder, _)) = g.edge_endpoints(edge) else { continue };
            if g[edge].kind == EdgeKind::CanAttach && holder != identity {
                holders.entry(holder).or_insert(edge);
            }
        }
        if holders.is_empty() {
            continue;
        }
        // Names and ids only for those shown: a subscription's Contributors are many.
        let holders: Vec<(NodeIndex, EdgeIndex)> = holders.into_iter().collect();
        let name = &g[identity].label;
        let named: Vec<&str> = holders.iter().take(NAMED).map(|&(h, _)| g[h].label.as_str()).collect();
        let who = match holders.len() - named.len() {
            0 => named.join(", "),
            others => format!("{} and {others} others", named.join(", ")),
        };
        let mut subjects = vec![subject_id(ctx.inventory, ctx.access, identity)];
        let listed = holders.iter().take(SUBJECTS_SHOWN - 1);
        subjects.extend(listed.map(|&(h, _)| subject_id(ctx.inventory, ctx.access, h)));
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: Severity::Medium,
            title: format!("{name} can be attached by {} other principal(s)", holders.len()),
            subjects_omitted: holders.len() + 1 - subjects.len(),
            subjects,
            message: format!("{who} can attach {name} to compute they control and use everything it holds."),
            evidence: evidence_of(&holders, |&(_, edge)| g[edge].reason.clone()),
            fix: format!(
                "Remove assign rights on {name} (Managed Identity Operator, Contributor or Owner over it) from principals \
                 that do not deploy its workload."
            ),
            reach: ctx.reach.count(identity, Mode::Direct),
        });
    }
    findings
}

/// Holders named in a finding's sentence; the rest are counted.
const NAMED: usize = 5;
