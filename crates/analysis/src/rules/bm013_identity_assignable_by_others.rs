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

use blastmap_model::Key;
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;

use super::{Context, Finding, Severity, evidence_counted, subject_id, subjects_counted};
use crate::graph::{Edge, EdgeKind, Node, NodeKey, NodeKind, Takes};
use crate::permissions::ScopeChains;
use crate::radius::Mode;

/// Rule id.
pub const ID: &str = "BM013";
/// Rule name.
pub const NAME: &str = "identity-assignable-by-others";

type Graph = DiGraph<Node, Edge>;

/// Holders with the attach edge that says why, by holder.
type Holders = Vec<(NodeIndex, EdgeIndex)>;

/// Adds to `holders` those of `edges` (attach edges into one scope, in the order
/// `AccessGraph::takers` meets them) not yet there, when they take what the identity counts as.
fn add_holders(g: &Graph, holders: &mut Holders, edges: &[EdgeIndex], counts_as: Takes) {
    for &edge in edges.iter().filter(|&&e| g[e].takes.meets(counts_as)) {
        let Some((holder, _)) = g.edge_endpoints(edge) else { continue };
        if let Err(at) = holders.binary_search_by_key(&holder, |&(h, _)| h) {
            holders.insert(at, (holder, edge));
        }
    }
}

/// Finds identities others can attach to themselves.
pub fn check(ctx: &Context<'_>) -> Vec<Finding> {
    let g = &ctx.access.graph;
    // Per scope, its incoming attach edges in the order `AccessGraph::takers` meets them:
    // petgraph lists a node's edges most recent first.
    let mut attach_into: FxHashMap<NodeIndex, Vec<EdgeIndex>> = FxHashMap::default();
    for edge in g.edge_references().filter(|e| e.weight().kind == EdgeKind::CanAttach) {
        attach_into.entry(edge.target()).or_default().push(edge.id());
    }
    for edges in attach_into.values_mut() {
        edges.reverse();
    }
    let into = |scope: Key| ctx.access.node(NodeKey::Arm(scope)).and_then(|n| attach_into.get(&n));
    // Each holder once, with its first attach edge over the scopes above an identity: found
    // once per chain of scopes (identities in one resource group share theirs), each chain from
    // the one above it.
    let mut over: FxHashMap<Takes, FxHashMap<Vec<Key>, Holders>> = FxHashMap::default();
    // Identities in one resource group share the scopes above it: each parent is read once.
    let mut scope_chains = ScopeChains::new(ctx.inventory);
    let mut findings = Vec::new();
    for identity in g.node_indices().filter(|&n| g[n].kind == NodeKind::UserAssignedIdentity) {
        let NodeKey::Arm(id) = g[identity].key else { continue };
        let counts_as = ctx.access.counts_as(identity);
        if counts_as.is_empty() {
            continue;
        }
        let mut above = scope_chains.above_key(id).to_vec();
        let own = if above.last() == Some(&id) { above.pop() } else { None };
        let chains = over.entry(counts_as).or_default();
        let known = (0..=above.len()).rev().find(|&k| k == 0 || chains.contains_key(&above[..k])).unwrap_or(0);
        for k in known + 1..=above.len() {
            let mut holders = chains.get(&above[..k - 1]).cloned().unwrap_or_default();
            if let Some(edges) = into(above[k - 1]) {
                add_holders(g, &mut holders, edges, counts_as);
            }
            chains.insert(above[..k].to_vec(), holders);
        }
        let empty = Holders::new();
        let from_above = chains.get(above.as_slice()).unwrap_or(&empty);
        let mut with_own;
        let mut holders = from_above;
        if let Some(edges) = own.and_then(into) {
            with_own = from_above.clone();
            add_holders(g, &mut with_own, edges, counts_as);
            holders = &with_own;
        }
        let itself = holders.binary_search_by_key(&identity, |&(h, _)| h).is_ok();
        let count = holders.len() - usize::from(itself);
        if count == 0 {
            continue;
        }
        // Names and ids only for those shown: a subscription's Contributors are many.
        let others = || holders.iter().filter(move |&&(holder, _)| holder != identity);
        let name = &g[identity].label;
        let named: Vec<&str> = others().take(NAMED).map(|&(h, _)| g[h].label.as_str()).collect();
        let who = match count - named.len() {
            0 => named.join(", "),
            others => format!("{} and {others} others", named.join(", ")),
        };
        let ids = others().map(|&(h, _)| subject_id(ctx.inventory, ctx.access, h));
        let (subjects, subjects_omitted) =
            subjects_counted(subject_id(ctx.inventory, ctx.access, identity), ids, count);
        let evidence = evidence_counted(others().map(|&(_, edge)| ctx.access.reason(edge).into_owned()), count);
        findings.push(Finding {
            rule: ID,
            name: NAME,
            severity: Severity::Medium,
            title: format!("{name} can be attached by {}", super::count(count, "other principal", "other principals")),
            subjects,
            message: format!("{who} can attach {name} to compute they control and use everything it holds."),
            evidence,
            fix: format!(
                "Remove assign rights on {name} (Managed Identity Operator, Contributor or Owner over it) from principals \
                 that do not deploy its workload."
            ),
            reach: ctx.reach.count(identity, Mode::Direct),
            subjects_omitted,
        });
    }
    findings
}

/// Holders named in a finding's sentence; the rest are counted.
const NAMED: usize = 5;
