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

/// The blast radius of `start`, sorted by resource key.
pub fn radius(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> Vec<Reached> {
    let g = &access.graph;
    let mut path_to: HashMap<NodeIndex, Vec<EdgeIndex>> = HashMap::from([(start, Vec::new())]);
    let mut queue = VecDeque::from([start]);
    let mut best: HashMap<Key, Reached> = HashMap::new();
    let mut record = |resource: Key, class: Access, path: &[EdgeIndex]| {
        let better = match best.get(&resource) {
            None => true,
            Some(old) => class > old.access || (class == old.access && path.len() < old.path.len()),
        };
        if better {
            best.insert(resource, Reached { resource, access: class, path: path.to_vec() });
        }
    };
    while let Some(node) = queue.pop_front() {
        let here = path_to[&node].clone();
        for edge in g.edges(node) {
            let mut path = here.clone();
            path.push(edge.id());
            let weight = edge.weight();
            // Reach: everything under the edge's target, with the edge's access.
            if let (Some(class), NodeKey::Arm(scope)) = (weight.access, g[edge.target()].key) {
                for &resource in coverage.under(scope) {
                    record(resource, class, &path);
                }
            }
            let membership = weight.kind == EdgeKind::HasRole && weight.access.is_none();
            let moves = match weight.kind {
                EdgeKind::CanUse | EdgeKind::Federates => mode == Mode::Transitive || node == start,
                EdgeKind::HasRole => membership,
                EdgeKind::Controls | EdgeKind::CanAttach | EdgeKind::TakesOver => mode == Mode::Transitive,
                EdgeKind::GrantsSelf => false,
            };
            let mut next = Vec::new();
            if moves {
                next.push(edge.target());
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
                        next.push(taken);
                    }
                }
            }
            for target in next {
                if let Entry::Vacant(slot) = path_to.entry(target) {
                    slot.insert(path.clone());
                    queue.push_back(target);
                }
            }
        }
    }
    let mut reached: Vec<Reached> = best.into_values().collect();
    reached.sort_by_key(|r| r.resource);
    reached
}
