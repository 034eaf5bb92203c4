//! Blast radius and exposure: what a compromised node reaches, and how.
//!
//! The attacker stands on a node and moves along the edges that hand over an identity or a
//! resource's code: `CanUse`, `Controls`, `CanAttach`, `TakesOver`, `Federates`, and group
//! membership. Having a role *on* something (`HasRole`, say Managed Identity Operator on an
//! identity) does not move the attacker there: it is reach, covering the role's scope and every
//! resource under it, with the role's access class. `GrantsSelf` is both: the holder reaches
//! everything under the scope with control-plane write, and can take every source and
//! user-assigned identity there (grant yourself Owner, then act).
//!
//! The **direct** radius follows no pivot after the start's own identities: only `CanUse`,
//! `Federates` and membership. The **transitive** radius follows all of them. Each reached
//! resource keeps its strongest access class and the shortest path (in edges) that explains it.
//! Reach counts distinct ARM resources of the inventory, user-assigned identities included
//! (spec §5).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use blastmap_model::{Inventory, Key};
use petgraph::graph::{EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::graph::{AccessGraph, EdgeKind, NodeKey, NodeKind};
use crate::permissions::{Access, Permissions};

/// A resource reached, how strongly, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Reached {
    /// The resource.
    pub resource: Key,
    /// The strongest access reached.
    pub access: Access,
    /// The edges from the start to the grant that covers the resource, in order.
    pub path: Vec<EdgeIndex>,
}

/// Which radius.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// No pivots after the start's own identities.
    Direct,
    /// Every pivot.
    Transitive,
}

/// The resources under each scope, indexed once per inventory.
pub struct Coverage {
    under: HashMap<Key, Vec<Key>>,
}

impl Coverage {
    /// Indexes which resources every scope covers (management groups included).
    pub fn new(inventory: &Inventory, permissions: &Permissions<'_>) -> Self {
        let mut under: HashMap<Key, Vec<Key>> = HashMap::new();
        for resource in inventory.resources() {
            for scope in permissions.scopes_above(inventory.text(resource.id)) {
                under.entry(scope).or_default().push(resource.id);
            }
        }
        Coverage { under }
    }

    /// The resources under (or at) `scope`.
    pub fn under(&self, scope: Key) -> &[Key] {
        self.under.get(&scope).map_or(&[], Vec::as_slice)
    }
}

/// How a resource was reached: the grant edge, and how far from the start its tail is.
#[derive(Copy, Clone)]
struct Best {
    access: Access,
    depth: usize,
    tail: NodeIndex,
    grant: EdgeIndex,
}

/// What a search found: the best grant per resource, and the edge that first reached each node.
struct Search {
    best: HashMap<Key, Best>,
    parent: HashMap<NodeIndex, (Option<EdgeIndex>, usize)>,
}

/// How many distinct resources `start` reaches (the radius without its paths).
pub fn reach(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> usize {
    search(access, coverage, start, mode).best.len()
}

/// The blast radius of `start`, sorted by resource key.
pub fn radius(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> Vec<Reached> {
    let g = &access.graph;
    let Search { best, parent } = search(access, coverage, start, mode);
    let path_to = |mut node: NodeIndex| {
        let mut path = Vec::new();
        while let Some(&(Some(edge), _)) = parent.get(&node) {
            path.push(edge);
            match g.edge_endpoints(edge) {
                Some((from, _)) => node = from,
                None => break,
            }
        }
        path.reverse();
        path
    };
    let mut reached: Vec<Reached> = best
        .into_iter()
        .map(|(resource, b)| {
            let mut path = path_to(b.tail);
            path.push(b.grant);
            Reached { resource, access: b.access, path }
        })
        .collect();
    reached.sort_by_key(|r| r.resource);
    reached
}

fn search(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> Search {
    let g = &access.graph;
    // Breadth-first, so the first way to a node is a shortest one: keep only that edge and depth.
    let mut parent: HashMap<NodeIndex, (Option<EdgeIndex>, usize)> = HashMap::from([(start, (None, 0))]);
    let mut queue = VecDeque::from([start]);
    let mut best: HashMap<Key, Best> = HashMap::new();
    while let Some(node) = queue.pop_front() {
        let depth = parent[&node].1;
        for edge in g.edges(node) {
            let weight = edge.weight();
            // Reach: everything under the edge's target, with the edge's access.
            if let (Some(class), NodeKey::Arm(scope)) = (weight.access, g[edge.target()].key) {
                for &resource in coverage.under(scope) {
                    let candidate = Best { access: class, depth: depth + 1, tail: node, grant: edge.id() };
                    match best.entry(resource) {
                        Entry::Vacant(slot) => {
                            slot.insert(candidate);
                        }
                        Entry::Occupied(mut slot) => {
                            let old = slot.get();
                            if class > old.access || (class == old.access && candidate.depth < old.depth) {
                                slot.insert(candidate);
                            }
                        }
                    }
                }
            }
            let membership = weight.kind == EdgeKind::HasRole && weight.access.is_none();
            let moves = match weight.kind {
                EdgeKind::CanUse | EdgeKind::Federates => mode == Mode::Transitive || node == start,
                EdgeKind::HasRole => membership,
                EdgeKind::Controls | EdgeKind::CanAttach | EdgeKind::TakesOver => mode == Mode::Transitive,
                EdgeKind::GrantsSelf => false,
            };
            let mut visit = |target: NodeIndex| {
                if let Entry::Vacant(slot) = parent.entry(target) {
                    slot.insert((Some(edge.id()), depth + 1));
                    queue.push_back(target);
                }
            };
            if moves {
                visit(edge.target());
            }
            if weight.kind == EdgeKind::GrantsSelf
                && mode == Mode::Transitive
                && let NodeKey::Arm(scope) = g[edge.target()].key
            {
                // Owner of the scope at will: every source and identity under it.
                for &resource in coverage.under(scope) {
                    if let Some(taken) = access.node(NodeKey::Arm(resource))
                        && matches!(g[taken].kind, NodeKind::Source | NodeKind::UserAssignedIdentity)
                    {
                        visit(taken);
                    }
                }
            }
        }
    }
    Search { best, parent }
}
