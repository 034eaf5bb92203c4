//! Blast radius and exposure: what a compromised node reaches, and how.
//!
//! The attacker stands on a node and moves along the edges that hand over an identity or a
//! resource's code: `CanUse`, `Federates` and group membership lead to their target; the take
//! edges (`Controls`, `CanAttach`, `TakesOver`, `GrantsSelf`) lead to every source or identity
//! under their target scope that they take ([`AccessGraph::taken`]). Having a role *on*
//! something (`HasRole`, say Managed Identity Operator on an identity) does not move the
//! attacker there: it is reach, covering the role's scope and every resource under it, with the
//! role's access class. `GrantsSelf` is both: the holder reaches everything under the scope with
//! control-plane write, and takes every source and user-assigned identity there (grant yourself
//! Owner, then act).
//!
//! The **direct** radius follows no pivot after the start's own identities: only `CanUse`,
//! `Federates` and membership. The **transitive** radius follows all of them. Each reached
//! resource keeps its strongest access class and the shortest path (in edges) that explains it.
//! Reach counts distinct ARM resources of the inventory, user-assigned identities included
//! (spec §5).

use std::collections::VecDeque;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;

use blastmap_model::{Inventory, Key, compare_texts};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::graph::{AccessGraph, EdgeKind, NodeKey, Takes};
use crate::permissions::{Access, ScopeChains, scopes_above};

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

/// What each scope covers, indexed once per inventory.
///
/// Resources are numbered in id order, and what a scope covers is kept as runs of consecutive
/// numbers: a subscription, resource group or resource covers the ids that extend its own, one
/// run; a management group one run per subscription. A reach count is then the size of a union
/// of a few runs, however many resources they hold.
pub struct Coverage {
    order: Vec<Key>,
    /// Per key (by [`Key::index`]), one more than its resource number; 0 for none. Tables by key
    /// rather than hash maps: every resource is a scope, so both have an entry per resource.
    position: Vec<u32>,
    /// Per key, one more than where its runs are in `runs`; 0 for none.
    slot: Vec<u32>,
    runs: Vec<Runs>,
}

/// A scope's runs: most scopes are resources without children, one run of one resource.
enum Runs {
    One((u32, u32)),
    Many(Vec<(u32, u32)>),
}

impl Runs {
    fn as_slice(&self) -> &[(u32, u32)] {
        match self {
            Runs::One(run) => std::slice::from_ref(run),
            Runs::Many(runs) => runs,
        }
    }

    /// Adds resource number `at`, the highest yet.
    fn add(&mut self, at: u32) {
        match self {
            Runs::One(run) if run.1 == at => run.1 = at + 1,
            Runs::One(run) => {
                let first = *run;
                *self = Runs::Many(vec![first, (at, at + 1)]);
            }
            Runs::Many(runs) => match runs.last_mut() {
                Some(run) if run.1 == at => run.1 = at + 1,
                _ => runs.push((at, at + 1)),
            },
        }
    }
}

/// The access graph and what each scope covers, which radii read: built at once, as neither
/// needs the other (on two threads where there is a spare core).
pub fn graph_and_coverage(inventory: &Inventory) -> (AccessGraph, Coverage) {
    blastmap_model::threads::join(|| AccessGraph::build(inventory), || Coverage::new(inventory))
}

impl Coverage {
    /// Indexes which resources every scope covers (management groups included).
    pub fn new(inventory: &Inventory) -> Self {
        let mut by_text: Vec<(&str, Key)> =
            inventory.resources().iter().map(|r| (inventory.text(r.id), r.id)).collect();
        // Ids are unique, so any sort gives this order; in WebAssembly the unstable one took
        // 68 ms where the stable one took 90–153 ms (natively they are level).
        by_text.sort_unstable_by(|a, b| compare_texts(a.0, b.0));
        let order: Vec<Key> = by_text.into_iter().map(|(_, key)| key).collect();
        let keys = inventory.keys.len();
        let mut position = vec![0u32; keys];
        let mut slot = vec![0u32; keys];
        let mut runs: Vec<Runs> = Vec::new();
        let mut chains = ScopeChains::new(inventory);
        for (at, &resource) in order.iter().enumerate() {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            if let Some(entry) = position.get_mut(resource.index()) {
                *entry = at.saturating_add(1);
            }
            // Numbers come in increasing order, so each scope's runs are sorted as they grow.
            for &scope in chains.above_key(resource) {
                let Some(entry) = slot.get_mut(scope.index()) else { continue };
                match entry.checked_sub(1).and_then(|index| runs.get_mut(index as usize)) {
                    Some(runs) => runs.add(at),
                    None => {
                        runs.push(Runs::One((at, at + 1)));
                        *entry = u32::try_from(runs.len()).unwrap_or(u32::MAX);
                    }
                }
            }
        }
        Coverage { order, position, slot, runs }
    }

    /// The resource numbered `at` (resources are numbered in id order).
    pub fn resource(&self, at: u32) -> Option<Key> {
        self.order.get(at as usize).copied()
    }

    /// The number of a resource (resources are numbered in id order).
    pub fn number(&self, resource: Key) -> Option<u32> {
        self.position.get(resource.index()).and_then(|at| at.checked_sub(1))
    }

    /// How many resources are numbered.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when the inventory has no resources.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// How many resources lie under (or at) `scope`.
    pub fn count(&self, scope: Key) -> usize {
        size(self.runs(scope))
    }

    /// What `scope` covers, as sorted, disjoint runs of resource numbers.
    pub fn runs(&self, scope: Key) -> &[(u32, u32)] {
        let slot = self.slot.get(scope.index()).and_then(|at| at.checked_sub(1));
        slot.and_then(|at| self.runs.get(at as usize)).map_or(&[], Runs::as_slice)
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

/// A grant met while walking: its scope, access, and the edge from the node at `depth`.
struct Met {
    scope: Key,
    access: Access,
    depth: usize,
    tail: NodeIndex,
    grant: EdgeIndex,
}

/// The nodes reached, each with the edge that first reached it and its distance from the start:
/// a table by node index rather than a hash map, since a transitive walk can reach much of the
/// graph and hashing each node cost more than the rest of the walk.
struct Parents {
    /// Per node, 0 when not reached, else one more than the index of the edge that reached it
    /// (or `u32::MAX` for the start).
    edge: Vec<u32>,
    depth: Vec<u32>,
}

impl Parents {
    const START: u32 = u32::MAX;

    fn new(nodes: usize, start: NodeIndex) -> Self {
        let mut parents = Parents { edge: vec![0; nodes], depth: vec![0; nodes] };
        if let Some(edge) = parents.edge.get_mut(start.index()) {
            *edge = Self::START;
        }
        parents
    }

    /// Keeps `edge` as the way to `node` if it has none yet; true if it had none.
    fn reach(&mut self, node: NodeIndex, edge: EdgeIndex, depth: usize) -> bool {
        match (self.edge.get_mut(node.index()), self.depth.get_mut(node.index())) {
            (Some(slot @ 0), Some(at)) => {
                *slot = u32::try_from(edge.index()).map_or(Self::START, |e| e.saturating_add(1));
                *at = u32::try_from(depth).unwrap_or(u32::MAX);
                true
            }
            _ => false,
        }
    }

    /// The edge that first reached `node`, if it was reached by one (not the start).
    fn edge(&self, node: NodeIndex) -> Option<EdgeIndex> {
        match self.edge.get(node.index()).copied() {
            Some(0 | Self::START) | None => None,
            Some(edge) => Some(EdgeIndex::new(edge as usize - 1)),
        }
    }

    fn depth(&self, node: NodeIndex) -> usize {
        self.depth.get(node.index()).map_or(0, |&depth| depth as usize)
    }
}

/// How many distinct resources `start` reaches: the size of the union of the runs its grants
/// cover, without visiting the resources.
pub fn reach(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> usize {
    let mut scopes: Vec<Key> = Vec::new();
    walk(access, start, mode, |met| scopes.push(met.scope));
    scopes.sort_unstable();
    scopes.dedup();
    union_size(scopes.iter().map(|&s| coverage.runs(s)))
}

/// How many resources the union of `runs` holds; sorts them in place.
fn sorted_union_size(runs: &mut [(u32, u32)]) -> usize {
    runs.sort_unstable();
    let (mut count, mut end) = (0usize, 0u32);
    for &(lo, hi) in runs.iter() {
        let lo = lo.max(end);
        if hi > lo {
            count += (hi - lo) as usize;
            end = hi;
        }
    }
    count
}

/// Sorts runs and merges those that overlap or touch, in place.
fn merged(mut runs: Vec<(u32, u32)>) -> Vec<(u32, u32)> {
    runs.sort_unstable();
    let mut kept = 0usize;
    for at in 0..runs.len() {
        let (lo, hi) = runs[at];
        match kept.checked_sub(1).and_then(|last| runs.get_mut(last)) {
            Some(last) if lo <= last.1 => last.1 = last.1.max(hi),
            _ => {
                runs[kept] = (lo, hi);
                kept += 1;
            }
        }
    }
    runs.truncate(kept);
    runs.shrink_to_fit();
    runs
}

fn size(runs: &[(u32, u32)]) -> usize {
    runs.iter().map(|&(lo, hi)| (hi - lo) as usize).sum()
}

/// Unions of runs, some of them shared: what a node reaches is often exactly what one other
/// node reaches (a source and its one identity), and is then kept once.
#[derive(Default)]
struct Unions {
    /// Per member (component or node), where its union is in `kept`.
    of: Vec<u32>,
    kept: Vec<Vec<(u32, u32)>>,
}

impl Unions {
    fn get(&self, member: usize) -> &[(u32, u32)] {
        self.of.get(member).and_then(|&at| self.kept.get(at as usize)).map_or(&[], Vec::as_slice)
    }

    /// Gives the next member `runs`, merged.
    fn push(&mut self, runs: Vec<(u32, u32)>) {
        self.of.push(u32::try_from(self.kept.len()).unwrap_or(u32::MAX));
        self.kept.push(merged(runs));
    }

    /// Gives the next member the union of member `other`.
    fn push_same_as(&mut self, other: usize) {
        let at = self.of.get(other).copied().unwrap_or(u32::MAX);
        self.of.push(at);
    }
}

/// The union of runs each node reaches along `moves` (plus its own), for every node: strongly
/// connected components first (everyone in a cycle of pivots reaches the same), then each
/// component once, from the sinks up, as its own runs and its successors' unions.
fn unions<'o>(moves: &DiGraph<(), ()>, own: impl Fn(usize) -> &'o [(u32, u32)]) -> (Vec<usize>, Unions) {
    let components = petgraph::algo::tarjan_scc(moves);
    let mut component_of = vec![0usize; moves.node_count()];
    for (at, component) in components.iter().enumerate() {
        for &node in component {
            component_of[node.index()] = at;
        }
    }
    // Tarjan's order is reverse topological: every successor's union is ready.
    let mut union = Unions { of: Vec::with_capacity(components.len()), kept: Vec::new() };
    let mut merged_in = vec![usize::MAX; components.len()];
    let mut successors: Vec<usize> = Vec::new();
    for (at, component) in components.iter().enumerate() {
        successors.clear();
        let mut own_runs = 0;
        for &node in component {
            own_runs += own(node.index()).len();
            for next in moves.neighbors(node) {
                let other = component_of[next.index()];
                if other != at && merged_in[other] != at {
                    merged_in[other] = at;
                    successors.push(other);
                }
            }
        }
        match (own_runs, successors.as_slice()) {
            (0, &[only]) => union.push_same_as(only),
            _ => {
                let mut runs = Vec::with_capacity(own_runs);
                for &node in component {
                    runs.extend_from_slice(own(node.index()));
                }
                for &other in &successors {
                    runs.extend_from_slice(union.get(other));
                }
                union.push(runs);
            }
        }
    }
    (component_of, union)
}

/// What every node reaches, in both radii, as runs of resource numbers ([`Coverage`]),
/// computed together: the work is shared across starts (a scope's resources are counted as
/// runs, a cycle of pivots once, and what a node reaches is reused by every node that reaches
/// it), so it costs about one walk of the graph, not one per start. Equal to [`reach`] node by
/// node.
pub struct Reach {
    /// Per node, the direct radius.
    direct: Unions,
    /// Per node, its component of the transitive move graph.
    component: Vec<usize>,
    /// Per component, the transitive radius of its nodes.
    union: Unions,
}

impl Reach {
    /// Computes the radii of every node.
    pub fn new(access: &AccessGraph, coverage: &Coverage) -> Self {
        let g = &access.graph;
        let nodes = g.node_count();
        // One pass over the edges: each node's own grants (what each scope covers looked up
        // once per scope node), and the moves, by kind.
        let mut covers: Vec<Option<&[(u32, u32)]>> = vec![None; nodes];
        let mut own: Vec<Vec<(u32, u32)>> = vec![Vec::new(); nodes];
        let mut members: DiGraph<(), ()> = DiGraph::with_capacity(nodes, 0);
        for _ in 0..nodes {
            members.add_node(());
        }
        let mut from_start: Vec<(NodeIndex, NodeIndex)> = Vec::new();
        let mut takes: Vec<EdgeIndex> = Vec::new();
        for (at, edge) in g.raw_edges().iter().enumerate() {
            let (from, to) = (edge.source(), edge.target());
            if edge.weight.access.is_some() {
                let runs = covers.get_mut(to.index()).map(|covers| {
                    *covers.get_or_insert_with(|| match g[to].key {
                        NodeKey::Arm(scope) => coverage.runs(scope),
                        _ => &[],
                    })
                });
                if let (Some(runs), Some(own)) = (runs, own.get_mut(from.index())) {
                    own.extend_from_slice(runs);
                }
            }
            match step(&edge.weight) {
                Step::Always => {
                    members.add_edge(from, to, ());
                }
                Step::FromStart => from_start.push((from, to)),
                Step::Take => takes.push(EdgeIndex::new(at)),
                Step::Never => {}
            }
        }
        let own: Vec<Vec<(u32, u32)>> = own.into_iter().map(merged).collect();
        let own_runs = |node: usize| own.get(node).map_or(&[][..], Vec::as_slice);

        // Direct: a node holds its own grants and its groups' (membership moves always); a start
        // also holds what its identities and federations hold with their groups.
        let (group_component, group_union) = unions(&members, own_runs);
        // A node without identities holds what its groups hold: the same union, kept once.
        let held = |node: NodeIndex| {
            let component = group_component.get(node.index()).copied().unwrap_or(usize::MAX);
            group_union.of.get(component).copied().unwrap_or(u32::MAX)
        };
        let held: Vec<u32> = g.node_indices().map(held).collect();
        let mut direct = Unions { of: Vec::with_capacity(nodes), kept: group_union.kept };
        from_start.sort_unstable();
        let mut next = from_start.iter().peekable();
        for node in g.node_indices() {
            let runs_of = |node: NodeIndex| {
                held.get(node.index()).and_then(|&at| direct.kept.get(at as usize)).map_or(&[][..], Vec::as_slice)
            };
            let mut runs: Option<Vec<(u32, u32)>> = None;
            while let Some(&(_, to)) = next.next_if(|(from, _)| *from == node) {
                runs.get_or_insert_with(|| runs_of(node).to_vec()).extend_from_slice(runs_of(to));
            }
            match runs {
                Some(runs) => direct.push(runs),
                None => direct.of.push(held.get(node.index()).copied().unwrap_or(u32::MAX)),
            }
        }

        // Transitive: every move; a take edge reaches what it takes under its scope through one
        // shared node per scope and kind of take.
        let mut moves = members;
        for (from, to) in from_start {
            moves.add_edge(from, to, ());
        }
        let mut taken_through: HashMap<(NodeIndex, Takes), NodeIndex> = HashMap::default();
        for edge in takes {
            let Some((from, to)) = g.edge_endpoints(edge) else { continue };
            let takes = g[edge].takes;
            let through = *taken_through.entry((to, takes)).or_insert_with(|| {
                let through = moves.add_node(());
                for taken in access.taken(edge) {
                    moves.add_edge(through, taken, ());
                }
                through
            });
            moves.add_edge(from, through, ());
        }
        let (mut component, union) = unions(&moves, own_runs);
        component.truncate(nodes);
        Reach { direct, component, union }
    }

    /// The resources `node` reaches, as sorted, disjoint runs of resource numbers.
    pub fn runs(&self, node: NodeIndex, mode: Mode) -> &[(u32, u32)] {
        match mode {
            Mode::Direct => self.direct.get(node.index()),
            Mode::Transitive => self.component.get(node.index()).map_or(&[], |&c| self.union.get(c)),
        }
    }

    /// How many resources `node` reaches.
    pub fn count(&self, node: NodeIndex, mode: Mode) -> usize {
        size(self.runs(node, mode))
    }
}

/// How many resources the union of several radii (as runs) holds.
pub fn union_size<'r>(radii: impl IntoIterator<Item = &'r [(u32, u32)]>) -> usize {
    union_size_with(&mut Vec::new(), radii)
}

/// [`union_size`] with `buffer` for the work: for callers that ask once per holder.
pub fn union_size_with<'r>(buffer: &mut Vec<(u32, u32)>, radii: impl IntoIterator<Item = &'r [(u32, u32)]>) -> usize {
    buffer.clear();
    buffer.extend(radii.into_iter().flatten().copied());
    sorted_union_size(buffer)
}

/// The union of several radii as sorted, disjoint runs: for callers that union the same radii
/// for many holders, so that it is done once.
pub fn union<'r>(radii: impl IntoIterator<Item = &'r [(u32, u32)]>) -> Vec<(u32, u32)> {
    merged(radii.into_iter().flatten().copied().collect())
}

/// What a search from one start found: each resource's strongest grant, and the shortest way
/// to every node, so that a path is built only for the resources that are shown.
pub struct Exploration<'g> {
    access: &'g AccessGraph,
    coverage: &'g Coverage,
    /// Per resource number, 0 or one more than the index of its entry in `best`: a dense
    /// table, so that covering a subscription costs no hashing per resource.
    slot: Vec<u32>,
    best: Vec<(u32, Best)>,
    parent: Parents,
}

impl Exploration<'_> {
    /// Every resource reached, with its strongest access and the length of its path.
    pub fn reached(&self) -> impl Iterator<Item = (Key, Access, usize)> + '_ {
        self.best.iter().filter_map(|&(at, b)| Some((self.coverage.resource(at)?, b.access, b.depth)))
    }

    /// How many resources are reached.
    pub fn len(&self) -> usize {
        self.best.len()
    }

    /// True when nothing is reached.
    pub fn is_empty(&self) -> bool {
        self.best.is_empty()
    }

    /// The shortest path that explains `resource`'s access, edge by edge.
    pub fn path(&self, resource: Key) -> Vec<EdgeIndex> {
        let entry = self.coverage.number(resource).and_then(|at| self.slot.get(at as usize)).copied().unwrap_or(0);
        let Some(&(_, best)) = entry.checked_sub(1).and_then(|i| self.best.get(i as usize)) else { return Vec::new() };
        path_to(self.access, &self.parent, best.tail, best.grant)
    }
}

/// A grant met on a walk: the edge, the scope it covers, its access, and how many edges the
/// shortest way to it has, itself included.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Grant {
    /// The grant edge.
    pub edge: EdgeIndex,
    /// Its target scope.
    pub scope: Key,
    /// Its access class.
    pub access: Access,
    /// The length of the shortest path from the start through it.
    pub depth: usize,
}

/// The shortest way from one start to every node a walk reached, for the paths of the grants
/// [`walk_grants`] reported.
pub struct Ways<'g> {
    access: &'g AccessGraph,
    parent: Parents,
}

impl Ways<'_> {
    /// The shortest path that ends with `grant`, edge by edge.
    pub fn path(&self, grant: &Grant) -> Vec<EdgeIndex> {
        let tail = self.access.graph.edge_endpoints(grant.edge).map(|(from, _)| from);
        tail.map_or_else(Vec::new, |tail| path_to(self.access, &self.parent, tail, grant.edge))
    }
}

/// Walks from `start`, calling `on_grant` for every grant met (nearest first; the first met of
/// a resource's highest access, then least depth, is its strongest), without filling in what
/// the grants cover: for callers that pick a few resources of a radius by searching runs.
pub fn walk_grants<'g>(
    access: &'g AccessGraph,
    start: NodeIndex,
    mode: Mode,
    mut on_grant: impl FnMut(Grant),
) -> Ways<'g> {
    let parent = walk(access, start, mode, |met| {
        on_grant(Grant { edge: met.grant, scope: met.scope, access: met.access, depth: met.depth });
    });
    Ways { access, parent }
}

/// The path to `tail` (as `parent` kept it), then `grant`.
fn path_to(access: &AccessGraph, parent: &Parents, tail: NodeIndex, grant: EdgeIndex) -> Vec<EdgeIndex> {
    let mut path = vec![grant];
    let mut node = tail;
    while let Some(edge) = parent.edge(node) {
        path.push(edge);
        match access.graph.edge_endpoints(edge) {
            Some((from, _)) => node = from,
            None => break,
        }
    }
    path.reverse();
    path
}

/// Explores from `start`: what it reaches, keeping the way back.
pub fn explore<'g>(access: &'g AccessGraph, coverage: &'g Coverage, start: NodeIndex, mode: Mode) -> Exploration<'g> {
    let mut slot = vec![0u32; coverage.len()];
    let mut best: Vec<(u32, Best)> = Vec::new();
    let parent = walk(access, start, mode, |met| {
        let candidate = Best { access: met.access, depth: met.depth, tail: met.tail, grant: met.grant };
        for &(lo, hi) in coverage.runs(met.scope) {
            for at in lo..hi {
                let Some(entry) = slot.get_mut(at as usize) else { continue };
                match entry.checked_sub(1).and_then(|i| best.get_mut(i as usize)) {
                    None => {
                        best.push((at, candidate));
                        *entry = u32::try_from(best.len()).unwrap_or(u32::MAX);
                    }
                    Some((_, old)) => {
                        if met.access > old.access || (met.access == old.access && met.depth < old.depth) {
                            *old = candidate;
                        }
                    }
                }
            }
        }
    });
    Exploration { access, coverage, slot, best, parent }
}

/// The blast radius of `start`, sorted by resource key, every resource with its path.
pub fn radius(access: &AccessGraph, coverage: &Coverage, start: NodeIndex, mode: Mode) -> Vec<Reached> {
    let exploration = explore(access, coverage, start, mode);
    let mut reached: Vec<Reached> = exploration
        .reached()
        .map(|(resource, access, _)| Reached { resource, access, path: exploration.path(resource) })
        .collect();
    reached.sort_by_key(|r| r.resource);
    reached
}

/// How an edge moves the attacker.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Step {
    /// Membership: a member acts as its groups.
    Always,
    /// Using an identity or signing in through a federation: always from the start (that is
    /// what "direct" means), elsewhere only transitively.
    FromStart,
    /// Running code, attaching or federating identities, granting oneself roles: transitively,
    /// to every source or identity under the target scope that the edge takes
    /// ([`AccessGraph::taken`]).
    Take,
    /// A role: reach, not a move.
    Never,
}

fn step(edge: &crate::graph::Edge) -> Step {
    match edge.kind {
        EdgeKind::HasRole if edge.access.is_none() => Step::Always,
        EdgeKind::HasRole => Step::Never,
        EdgeKind::CanUse | EdgeKind::Federates => Step::FromStart,
        EdgeKind::GrantsSelf | EdgeKind::Controls | EdgeKind::CanAttach | EdgeKind::TakesOver => Step::Take,
    }
}

/// Walks breadth-first from `start` (so the first way to a node is a shortest one), calling
/// `on_grant` for every grant edge leaving a node reached.
fn walk(access: &AccessGraph, start: NodeIndex, mode: Mode, mut on_grant: impl FnMut(Met)) -> Parents {
    let g = &access.graph;
    let mut parent = Parents::new(g.node_count(), start);
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        let depth = parent.depth(node);
        for edge in g.edges(node) {
            let weight = edge.weight();
            let target = g[edge.target()].key;
            // Reach: everything under the edge's target, with the edge's access.
            if let (Some(class), NodeKey::Arm(scope)) = (weight.access, target) {
                on_grant(Met { scope, access: class, depth: depth + 1, tail: node, grant: edge.id() });
            }
            let mut visit = |next: NodeIndex| {
                if parent.reach(next, edge.id(), depth + 1) {
                    queue.push_back(next);
                }
            };
            match step(weight) {
                Step::Always => visit(edge.target()),
                Step::FromStart if mode == Mode::Transitive || node == start => visit(edge.target()),
                Step::Take if mode == Mode::Transitive => access.taken(edge.id()).for_each(visit),
                Step::FromStart | Step::Take | Step::Never => {}
            }
        }
    }
    parent
}

/// A node whose radius holds a target: how strongly it reaches it, and the shortest path that
/// explains it.
#[derive(Clone, Debug, PartialEq)]
pub struct Exposer {
    /// The node (a principal, pipeline, source or identity).
    pub node: NodeIndex,
    /// The strongest access it reaches the target with.
    pub access: Access,
    /// The edges from the node to the grant that covers the target, in order.
    pub path: Vec<EdgeIndex>,
}

/// Exposure, the reverse of [`radius`]: every node whose radius in `mode` holds `target` (any
/// ARM id: a resource, or a scope such as a subscription), sorted by access (strongest first),
/// then path length.
///
/// One breadth-first search backwards per access class, strongest first, from the grants
/// covering the target: the first class to reach a node is its strongest, and the search's
/// distance its shortest path, exactly as the forward walk would find them.
pub fn exposure(inventory: &Inventory, access: &AccessGraph, target: Key, mode: Mode) -> Vec<Exposer> {
    let g = &access.graph;
    let mut grants: Vec<(Access, EdgeIndex)> = scopes_above(inventory, inventory.text(target))
        .into_iter()
        .filter_map(|scope| access.node(NodeKey::Arm(scope)))
        .flat_map(|scope| g.edges_directed(scope, petgraph::Direction::Incoming))
        .filter_map(|edge| edge.weight().access.map(|class| (class, edge.id())))
        .collect();
    grants.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut found: HashMap<NodeIndex, Exposer> = HashMap::default();
    for class in grants.chunk_by(|a, b| a.0 == b.0) {
        let seeds = class.iter().map(|&(_, grant)| grant);
        backwards(inventory, access, seeds, mode, |node, path| {
            found.entry(node).or_insert_with(|| Exposer { node, access: class[0].0, path: path() });
        });
    }
    let mut exposers: Vec<Exposer> = found.into_values().collect();
    exposers.sort_by(|a, b| {
        (b.access, a.path.len(), &g[a.node].label, a.node).cmp(&(a.access, b.path.len(), &g[b.node].label, b.node))
    });
    exposers
}

/// Where the backward search stands: a node from which the forward walk can still go on, or
/// (direct radius only) a start that used its one identity step and can only be a start.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
enum Phase {
    Walking,
    StartOnly,
}

/// Searches backwards from `grants`, calling `on_reach(node, path)` for every node that reaches
/// one, nearest first; `path()` builds its forward path on demand.
fn backwards(
    inventory: &Inventory,
    access: &AccessGraph,
    grants: impl Iterator<Item = EdgeIndex>,
    mode: Mode,
    mut on_reach: impl FnMut(NodeIndex, &dyn Fn() -> Vec<EdgeIndex>),
) {
    let g = &access.graph;
    // For each state, the edge the forward walk takes from it, and the state that edge leads to
    // (none after the grant).
    let mut next: HashMap<(NodeIndex, Phase), (EdgeIndex, Option<NodeIndex>)> = HashMap::default();
    let mut queue: VecDeque<(NodeIndex, Phase)> = VecDeque::new();
    for grant in grants {
        let Some((tail, _)) = g.edge_endpoints(grant) else { continue };
        if let Entry::Vacant(slot) = next.entry((tail, Phase::Walking)) {
            slot.insert((grant, None));
            queue.push_back((tail, Phase::Walking));
        }
    }
    let path_from = |next: &HashMap<(NodeIndex, Phase), (EdgeIndex, Option<NodeIndex>)>, state: (NodeIndex, Phase)| {
        let mut path = Vec::new();
        let mut at = Some(state);
        while let Some(&(edge, to)) = at.and_then(|s| next.get(&s)) {
            path.push(edge);
            at = to.map(|node| (node, Phase::Walking));
        }
        path
    };
    while let Some(state @ (node, phase)) = queue.pop_front() {
        on_reach(node, &|| path_from(&next, state));
        if phase == Phase::StartOnly {
            continue;
        }
        let mut arrive = |from: NodeIndex, edge: EdgeIndex, phase: Phase| {
            if let Entry::Vacant(slot) = next.entry((from, phase)) {
                slot.insert((edge, Some(node)));
                queue.push_back((from, phase));
            }
        };
        for edge in g.edges_directed(node, petgraph::Direction::Incoming) {
            let phase = match (step(edge.weight()), mode) {
                (Step::Always, _) | (Step::FromStart, Mode::Transitive) => Phase::Walking,
                (Step::FromStart, Mode::Direct) => Phase::StartOnly,
                (Step::Take | Step::Never, _) => continue,
            };
            arrive(edge.source(), edge.id(), phase);
        }
        // Whoever takes it: the take edges into the scopes above it.
        if let (Mode::Transitive, false, NodeKey::Arm(id)) = (mode, access.counts_as(node).is_empty(), g[node].key) {
            let above = scopes_above(inventory, inventory.text(id));
            for edge in access.takers(node, &above) {
                if let Some((taker, _)) = g.edge_endpoints(edge) {
                    arrive(taker, edge, Phase::Walking);
                }
            }
        }
    }
}
