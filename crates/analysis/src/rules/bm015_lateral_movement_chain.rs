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

use std::borrow::Cow;

use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;

use super::{Context, Finding, Severity, subject_id};
use crate::graph::{EdgeKind, NodeKind, Takes};
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM015";
/// Rule name.
pub const NAME: &str = "lateral-movement-chain";

/// One hop to an identity: the edge taken, and for a source, the edge that uses its identity.
#[derive(Copy, Clone)]
struct Hop {
    to: NodeIndex,
    first: EdgeIndex,
    then: Option<EdgeIndex>,
}

/// Finds identities that can become a more powerful identity.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    let is_identity = |n: NodeIndex| matches!(g[n].kind, NodeKind::UserAssignedIdentity | NodeKind::SystemIdentity);
    // Each node's direct reach, counted once however many identities can become it.
    let mut reach: Vec<Option<usize>> = vec![None; g.node_count()];
    let mut reach_of =
        |node: NodeIndex| *reach[node.index()].get_or_insert_with(|| ctx.reach.count(node, Mode::Direct));
    // What a scope's take edges of one kind hand over, listed once for all who hold them.
    let mut taken: FxHashMap<(NodeIndex, Takes), Vec<NodeIndex>> = FxHashMap::default();
    let mut findings = Vec::new();
    for from in g.node_indices().filter(|&n| is_identity(n)) {
        let own = reach_of(from);
        // One hop: straight to an identity, or to a source and on to its identities.
        let mut hops: Vec<Hop> = Vec::new();
        for edge in g.edges(from) {
            let kind = edge.weight().kind;
            if !matches!(kind, EdgeKind::TakesOver | EdgeKind::CanAttach | EdgeKind::Controls) {
                continue;
            }
            let under = taken
                .entry((edge.target(), edge.weight().takes))
                .or_insert_with(|| ctx.access.taken(edge.id()).collect());
            let first = edge.id();
            if kind == EdgeKind::Controls {
                for &source in under.iter() {
                    for next in g.edges(source).filter(|e| e.weight().kind == EdgeKind::CanUse) {
                        hops.push(Hop { to: next.target(), first, then: Some(next.id()) });
                    }
                }
            } else {
                hops.extend(under.iter().map(|&to| Hop { to, first, then: None }));
            }
        }
        // Only hops to an identity that reaches more are findings: the rest are dropped before
        // sorting, which does not change which way to a kept identity is shown.
        hops.retain(|hop| hop.to != from && reach_of(hop.to) > own);
        // The shortest way to each identity, the first found among equals.
        hops.sort_by_key(|hop| (hop.to, hop.then.is_some()));
        hops.dedup_by_key(|hop| hop.to);
        for Hop { to, first, then } in hops {
            let theirs = reach_of(to);
            let chain: Vec<Cow<str>> = std::iter::once(first).chain(then).map(|e| ctx.access.reason(e)).collect();
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
