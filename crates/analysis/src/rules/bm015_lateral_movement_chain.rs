//! **BM015 lateral-movement-chain** (high).
//!
//! *What:* an identity can run code on a source that carries another identity, take another
//! identity over, or attach it, and that identity reaches more than the first one does: the
//! chain, hop by hop.
//!
//! *Why (seed 001):* "Identity used for automation pipelines: lateral movement". An identity's
//! real reach is the largest reach of anything it can become.
//!
//! *Fix:* break the hop: remove the role that runs code (or writes federated credentials, or
//! assigns identities) where the target identity lives.

use petgraph::visit::EdgeRef;

use super::{Context, Finding, Severity, subject_id};
use crate::graph::{EdgeKind, NodeKind};
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM015";
/// Rule name.
pub const NAME: &str = "lateral-movement-chain";

/// Finds identities that can become a more powerful identity.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let is_identity =
        |n: petgraph::graph::NodeIndex| matches!(g[n].kind, NodeKind::UserAssignedIdentity | NodeKind::SystemIdentity);
    let mut findings = Vec::new();
    let reach_of = |node| ctx.reach.count(node, Mode::Direct);
    for from in g.node_indices().filter(|&n| is_identity(n)) {
        let own = reach_of(from);
        // One hop: straight to an identity, or to a source and on to its identities.
        let mut hops: Vec<(petgraph::graph::NodeIndex, Vec<String>)> = Vec::new();
        for edge in g.edges(from) {
            let reason = edge.weight().reason.clone();
            match edge.weight().kind {
                EdgeKind::TakesOver | EdgeKind::CanAttach => {
                    hops.extend(ctx.access.taken(edge.id()).map(|to| (to, vec![reason.clone()])));
                }
                EdgeKind::Controls => {
                    for source in ctx.access.taken(edge.id()) {
                        for next in g.edges(source).filter(|e| e.weight().kind == EdgeKind::CanUse) {
                            hops.push((next.target(), vec![reason.clone(), next.weight().reason.clone()]));
                        }
                    }
                }
                _ => {}
            }
        }
        hops.sort_by_key(|(to, chain)| (*to, chain.len()));
        hops.dedup_by_key(|(to, _)| *to);
        for (to, chain) in hops {
            if to == from {
                continue;
            }
            let theirs = reach_of(to);
            if theirs <= own {
                continue;
            }
            let (a, b) = (&g[from].label, &g[to].label);
            findings.push(Finding {
                rule: ID,
                name: NAME,
                severity: Severity::High,
                title: format!("{a} can become {b}"),
                subjects: vec![subject_id(ctx.inventory, ctx.access, from), subject_id(ctx.inventory, ctx.access, to)],
                message: format!("{a} reaches {own} resources itself, but can become {b}, which reaches {theirs}."),
                evidence: vec![chain.join(" → ")],
                fix: format!("Remove the grant behind the first hop ({}).", chain[0]),
                reach: theirs,
                subjects_omitted: 0,
            });
        }
    }
    findings
}
