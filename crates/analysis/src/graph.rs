//! The access graph: who can use which identity, and which scopes each identity holds roles on.
//!
//! Nodes are the things an attacker can stand on (people and pipelines, source resources,
//! identities) and the scopes roles are held on. Edges are the seven ways access flows
//! (`shared/reference/attack-semantics.md` §3); each carries a reason a person can read.

use std::borrow::Cow;

use rustc_hash::FxHashMap as Map;

use blastmap_model::{
    AccessPolicy, AttachedIdentity, Inventory, Key, Membership, PrincipalKind, RoleAssignment, arm, builtin_role,
};
use petgraph::graph::{DiGraph, EdgeIndex, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::environment::{Environment, Environments};
use crate::execution::{CODE_EXECUTION, write_action};
use crate::permissions::{Access, Permissions, Plane, ScopeChains, role_permissions};

const ROLE_ASSIGNMENTS_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";
const ASSIGN_IDENTITY: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
const WRITE_FEDERATED_CREDENTIALS: &str =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write";

/// What a node is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A directory principal that is not a managed identity: a person, group or app.
    Principal(PrincipalKind),
    /// A resource with at least one identity attached.
    Source,
    /// A user-assigned managed identity (also a resource).
    UserAssignedIdentity,
    /// The system-assigned identity of a source.
    SystemIdentity,
    /// A scope a role is held on: a resource, resource group, subscription, management group or root.
    Target(arm::ScopeLevel),
    /// An external workload trusted through a federated credential (a pipeline, a cluster's
    /// service account): whoever controls it signs in as the identity.
    Pipeline,
}

/// How a node is identified.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum NodeKey {
    /// An ARM id: a source, a user-assigned identity, or a target scope.
    Arm(Key),
    /// A directory object known only by its object id.
    Principal(Key),
    /// The system-assigned identity of the source with this ARM id.
    System(Key),
    /// The external subject of the federated credential with this id.
    Federated(Key),
}

/// A node of the access graph.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Identity of the node.
    pub key: NodeKey,
    /// What it is.
    pub kind: NodeKind,
    /// A short name for people.
    pub label: String,
    /// Its environment.
    pub environment: Environment,
    /// Its region, when it has one.
    pub region: Option<String>,
}

/// The ways access flows.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EdgeKind {
    /// Code on a source can obtain tokens of an attached identity.
    CanUse,
    /// A principal holds a role on a scope (or is a member of a group).
    HasRole,
    /// A principal can run code on a source, and so holds its identities.
    Controls,
    /// A principal can write role assignments at a scope, and so grant itself anything there.
    GrantsSelf,
    /// A principal can attach a user-assigned identity to compute it controls.
    CanAttach,
    /// A principal can add a federated credential to a user-assigned identity.
    TakesOver,
    /// An external issuer and subject are trusted to sign in as a user-assigned identity.
    Federates,
}

impl EdgeKind {
    /// The name used in documents and output.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::CanUse => "CanUse",
            EdgeKind::HasRole => "HasRole",
            EdgeKind::Controls => "Controls",
            EdgeKind::GrantsSelf => "GrantsSelf",
            EdgeKind::CanAttach => "CanAttach",
            EdgeKind::TakesOver => "TakesOver",
            EdgeKind::Federates => "Federates",
        }
    }
}

/// An edge with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// How access flows along it.
    pub kind: EdgeKind,
    /// Why, in words ([`AccessGraph::reason`] reads it): "app-orders-dev can use id-orders".
    pub reason: Reason,
    /// For edges that grant permissions on their target and everything under it (a role, a
    /// self-grant), how much.
    pub access: Option<Access>,
    /// For edges that hand over what lies under their target scope (running code, attaching or
    /// federating an identity, granting oneself a role), which of it: see [`AccessGraph::taken`].
    pub takes: Takes,
}

/// Why an edge is there. A role assignment's sentence ("id-x holds Reader on rg") is made from
/// the labels at the edge's ends when it is read: a tenant has hundreds of thousands of them,
/// and making each when the graph was built was ~40% of reading the assignments. So is a take
/// edge's (tens of thousands at 100,000 resources; made when built, they were a quarter of the
/// take edges' time, natively, and more in WebAssembly, on the way to the app's first picture).
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    /// The sentence.
    Text(String),
    /// "{from} holds {role} on {to}", the role by its number in [`AccessGraph::role_name`].
    Holds(u32),
    /// A take edge's sentence, "{from} can run code on {to} ({role} on {scope} grants {actions};
    /// ...)": what it takes is the edge's, the roles and scopes that grant it are these.
    Takes(Box<Grants>),
}

/// The roles behind a take edge: for each assignment that grants some of the actions needed
/// (here or above), its role (numbered as in [`AccessGraph::role_name`]), the node of its scope,
/// and how many of `actions` it grants, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Grants {
    by: Box<[(u32, NodeIndex, u32)]>,
    actions: Box<[&'static str]>,
}

/// What an edge hands over under its target scope, or what a node counts as when handed over:
/// user-assigned identities, sources of any type, or sources of the types that run code (one
/// per row of the execution table). One edge per holder and scope stands for what would be
/// an edge per resource: a Contributor on a subscription controls every source in it.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Takes(u32);

impl Takes {
    /// Nothing.
    pub const NOTHING: Takes = Takes(0);
    /// User-assigned identities.
    pub const IDENTITIES: Takes = Takes(1);
    /// Sources of any type (a self-grant makes the holder owner of all of them).
    pub const SOURCES: Takes = Takes(2);

    /// Sources of the type of row `row` of [`crate::execution::CODE_EXECUTION`].
    pub fn code_on(row: usize) -> Takes {
        Takes(4 << row)
    }

    /// Both.
    pub fn with(self, other: Takes) -> Takes {
        Takes(self.0 | other.0)
    }

    /// What the two share.
    pub fn and(self, other: Takes) -> Takes {
        Takes(self.0 & other.0)
    }

    /// This without `other`.
    pub fn without(self, other: Takes) -> Takes {
        Takes(self.0 & !other.0)
    }

    /// Whether the two share anything.
    pub fn meets(self, other: Takes) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether it hands over nothing.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The execution-table rows it names.
    pub fn rows(self) -> impl Iterator<Item = usize> {
        (0..CODE_EXECUTION.len()).filter(move |&row| self.meets(Takes::code_on(row)))
    }
}

/// The access graph of an inventory.
#[derive(Debug, Default)]
pub struct AccessGraph {
    /// Nodes and edges.
    pub graph: DiGraph<Node, Edge>,
    /// The nodes of ARM ids, by [`Key::index`]: one more than the node's index, 0 for none.
    /// A table rather than a hash map: most nodes are ARM ids, looked up once per assignment.
    arm: Vec<u32>,
    /// The other nodes.
    index: Map<NodeKey, NodeIndex>,
    by_principal_id: Map<Key, NodeIndex>,
    /// For every scope (by [`Key::index`]), one more than where its entry is in `under`; 0 for
    /// a scope with nothing under it.
    under_slot: Vec<u32>,
    /// The sources and user-assigned identities of the inventory at or under a scope.
    under: Vec<Vec<NodeIndex>>,
    /// What each node counts as when handed over, by node index (nothing past the end).
    counts_as: Vec<Takes>,
    /// The names of the roles of `HasRole` edges, by [`Reason::Holds`] number.
    role_names: Vec<String>,
}

impl AccessGraph {
    /// Builds the graph of an inventory.
    pub fn build(inventory: &Inventory) -> Self {
        Self::build_with(inventory, &Environments::new(inventory), &Permissions::new(inventory))
    }

    /// Builds the graph from indexes the caller keeps for other uses too (the rules read them),
    /// so that they are made once.
    pub fn build_with(inventory: &Inventory, environments: &Environments, permissions: &Permissions<'_>) -> Self {
        // Every assignment and attachment is an edge, and most nodes are sources, identities
        // and the scopes roles are held on: reserved once rather than grown by copying.
        let edges = inventory.role_assignments().len()
            + inventory.attachments().len()
            + inventory.memberships().len()
            + inventory.access_policies().len()
            + inventory.federated_credentials().len();
        let nodes = inventory.resources().len() + inventory.attachments().len() + inventory.principals().len();
        let mut builder = Builder {
            inventory,
            environments,
            permissions,
            graph: AccessGraph {
                graph: DiGraph::with_capacity(nodes, edges),
                arm: vec![0; inventory.keys.len()],
                by_principal_id: Map::with_capacity_and_hasher(
                    inventory.identities().len() + inventory.attachments().len(),
                    Default::default(),
                ),
                ..AccessGraph::default()
            },
            chains: ScopeChains::new(inventory),
            role_names: Map::default(),
            name_numbers: Map::default(),
            compute_under: vec![Takes::NOTHING; inventory.keys.len()],
            present_under: vec![Takes::NOTHING; inventory.keys.len()],
        };
        builder.identities();
        builder.attachments();
        builder.takeable();
        builder.role_assignments();
        builder.access_policies();
        builder.memberships();
        builder.takeovers();
        builder.federations();
        builder.graph
    }

    /// Why `edge` is there, in words: "app-orders-dev can use id-orders" (empty for no edge).
    pub fn reason(&self, edge: EdgeIndex) -> Cow<'_, str> {
        let Some(weight) = self.graph.edge_weight(edge) else { return Cow::Borrowed("") };
        match &weight.reason {
            Reason::Text(text) => Cow::Borrowed(text),
            Reason::Holds(role) => {
                let (from, to) = self.graph.edge_endpoints(edge).unwrap_or((NodeIndex::end(), NodeIndex::end()));
                let label = |node: NodeIndex| self.graph.node_weight(node).map_or("", |n| n.label.as_str());
                Cow::Owned([label(from), " holds ", self.role_name(*role), " on ", label(to)].concat())
            }
            Reason::Takes(grants) => Cow::Owned(self.take_reason(edge, weight, grants)),
        }
    }

    /// The sentence of take edge `edge`.
    fn take_reason(&self, edge: EdgeIndex, weight: &Edge, grants: &Grants) -> String {
        let (from, to) = self.graph.edge_endpoints(edge).unwrap_or((NodeIndex::end(), NodeIndex::end()));
        let label = |node: NodeIndex| self.graph.node_weight(node).map_or("", |n| n.label.as_str());
        let target = label(to);
        let only_itself = match self.graph.node_weight(to).map(|n| n.key) {
            Some(NodeKey::Arm(scope)) => self.under_scope(scope) == [to],
            _ => false,
        };
        let mut reason = String::new();
        reason.push_str(label(from));
        reason.push(' ');
        let what: [&str; 3] = match weight.kind {
            EdgeKind::GrantsSelf => ["can grant itself any role on ", target, ""],
            EdgeKind::TakesOver if only_itself => ["can add a federated credential to ", target, " and sign in as it"],
            EdgeKind::TakesOver => [
                "can add a federated credential to the user-assigned identities under ",
                target,
                " and sign in as them",
            ],
            EdgeKind::CanAttach if only_itself => ["can attach ", target, " to compute it may write and use it"],
            EdgeKind::CanAttach => {
                ["can attach the user-assigned identities under ", target, " to compute it may write and use them"]
            }
            _ if only_itself => ["can run code on ", target, ""],
            _ => {
                reason.push_str("can run code on the ");
                for (at, row) in weight.takes.rows().enumerate() {
                    if at > 0 {
                        reason.push_str(", ");
                    }
                    reason.push_str(CODE_EXECUTION[row].noun);
                }
                [" under ", target, ""]
            }
        };
        what.iter().for_each(|part| reason.push_str(part));
        reason.push_str(" (");
        let mut actions = grants.actions.iter();
        for (at, &(role, scope, count)) in grants.by.iter().enumerate() {
            if at > 0 {
                reason.push_str("; ");
            }
            reason.push_str(self.role_name(role));
            reason.push_str(" on ");
            reason.push_str(label(scope));
            reason.push_str(" grants ");
            for (at, action) in actions.by_ref().take(count as usize).enumerate() {
                if at > 0 {
                    reason.push_str(", ");
                }
                reason.push_str(action);
            }
        }
        reason.push(')');
        reason
    }

    /// The name of the role numbered `role` in a [`Reason::Holds`].
    pub fn role_name(&self, role: u32) -> &str {
        self.role_names.get(role as usize).map_or("", String::as_str)
    }

    /// What `edge` hands over: the sources and identities under its target scope that it takes.
    pub fn taken(&self, edge: EdgeIndex) -> impl Iterator<Item = NodeIndex> + '_ {
        let takes = self.graph.edge_weight(edge).map_or(Takes::NOTHING, |e| e.takes);
        let scope = self.graph.edge_endpoints(edge).map(|(_, to)| self.graph[to].key);
        let under = match (takes.is_empty(), scope) {
            (false, Some(NodeKey::Arm(scope))) => self.under_scope(scope),
            _ => &[],
        };
        under.iter().copied().filter(move |&node| self.counts_as(node).meets(takes))
    }

    /// The take edges that hand over `node`: those into the scopes above it (`above`, as
    /// [`scopes_above`] gives them) that take what it counts as.
    pub fn takers<'s>(&'s self, node: NodeIndex, above: &'s [Key]) -> impl Iterator<Item = EdgeIndex> + 's {
        let counts_as = self.counts_as(node);
        above
            .iter()
            .filter(move |_| !counts_as.is_empty())
            .filter_map(|&scope| self.node(NodeKey::Arm(scope)))
            .flat_map(|scope| self.graph.edges_directed(scope, petgraph::Direction::Incoming))
            .filter(move |edge| edge.weight().takes.meets(counts_as))
            .map(|edge| edge.id())
    }

    /// The sources and user-assigned identities at or under `scope`.
    pub fn under_scope(&self, scope: Key) -> &[NodeIndex] {
        let slot = self.under_slot.get(scope.index()).and_then(|at| at.checked_sub(1));
        slot.and_then(|at| self.under.get(at as usize)).map_or(&[], Vec::as_slice)
    }

    /// What a node counts as when handed over (nothing for nodes that are not taken).
    pub fn counts_as(&self, node: NodeIndex) -> Takes {
        self.counts_as.get(node.index()).copied().unwrap_or_default()
    }

    /// The node with this key.
    pub fn node(&self, key: NodeKey) -> Option<NodeIndex> {
        match key {
            NodeKey::Arm(id) => {
                let at = self.arm.get(id.index()).and_then(|at| at.checked_sub(1))?;
                Some(NodeIndex::new(at as usize))
            }
            _ => self.index.get(&key).copied(),
        }
    }

    /// The node that acts for this principal (object) id: a user-assigned identity, a
    /// system-assigned identity, or a principal.
    pub fn node_of_principal(&self, principal_id: Key) -> Option<NodeIndex> {
        self.by_principal_id.get(&principal_id).copied()
    }
}

struct Builder<'a> {
    inventory: &'a Inventory,
    environments: &'a Environments,
    permissions: &'a Permissions<'a>,
    graph: AccessGraph,
    chains: ScopeChains<'a>,
    /// Each role's name as its GUID decides it, once per role (`None`: the GUID does not).
    role_names: Map<Key, Option<&'a str>>,
    /// The number of each name in [`AccessGraph::role_name`].
    name_numbers: Map<Cow<'a, str>, u32>,
    /// For every scope (by [`Key::index`]), the types of compute (rows of the execution table)
    /// at or under it.
    compute_under: Vec<Takes>,
    /// For every scope (by [`Key::index`]), what the sources and identities at or under it
    /// count as.
    present_under: Vec<Takes>,
}

/// The name of an assignment's role for people: the GUID decides (the inventory's definition,
/// then the built-in catalog); the export's label only when neither knows the role.
pub fn role_name(inventory: &Inventory, assignment: &RoleAssignment) -> String {
    let guid = inventory.text(assignment.role_definition);
    inventory
        .role_definition(assignment.role_definition)
        .map(|d| d.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| builtin_role(guid).map(|r| r.name.to_owned()))
        .or_else(|| assignment.role_name.clone())
        .unwrap_or_else(|| format!("role {guid}"))
}

impl<'a> Builder<'a> {
    /// [`role_name`], each role's name looked up once.
    fn role_name(&mut self, assignment: &'a RoleAssignment) -> Cow<'a, str> {
        let inventory = self.inventory;
        let role = assignment.role_definition;
        let known = *self.role_names.entry(role).or_insert_with(|| {
            inventory
                .role_definition(role)
                .map(|d| d.name.as_str())
                .filter(|n| !n.is_empty())
                .or_else(|| builtin_role(inventory.text(role)).map(|r| r.name))
        });
        match known.or(assignment.role_name.as_deref()) {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(format!("role {}", inventory.text(role))),
        }
    }

    /// The number of role name `name` in [`AccessGraph::role_name`].
    fn name_number(&mut self, name: Cow<'a, str>) -> u32 {
        if let Some(&number) = self.name_numbers.get(&name) {
            return number;
        }
        let number = u32::try_from(self.graph.role_names.len()).unwrap_or(u32::MAX);
        self.graph.role_names.push(name.clone().into_owned());
        self.name_numbers.insert(name, number);
        number
    }

    fn add(&mut self, key: NodeKey, make: impl FnOnce(&Self) -> Node) -> NodeIndex {
        if let Some(at) = self.graph.node(key) {
            return at;
        }
        let node = make(self);
        let at = self.graph.graph.add_node(node);
        match key {
            NodeKey::Arm(id) => {
                if let Some(slot) = self.graph.arm.get_mut(id.index()) {
                    *slot = u32::try_from(at.index() + 1).unwrap_or(0);
                }
            }
            _ => {
                self.graph.index.insert(key, at);
            }
        }
        at
    }

    fn arm_node(&mut self, id: Key, kind: NodeKind) -> NodeIndex {
        self.add(NodeKey::Arm(id), |b| {
            let resource = b.inventory.resource(id);
            Node {
                key: NodeKey::Arm(id),
                kind,
                label: resource
                    .map(|r| r.name.clone())
                    .or_else(|| b.inventory.scope(id).and_then(|s| s.name.clone()))
                    .unwrap_or_else(|| scope_label(b.inventory.text(id))),
                environment: match resource {
                    Some(resource) => b.environments.of_resource(b.inventory, resource),
                    None => b.environments.of_scope(b.inventory, id),
                },
                region: resource.and_then(|r| r.region.clone()),
            }
        })
    }

    fn identities(&mut self) {
        for identity in self.inventory.identities() {
            let at = self.arm_node(identity.id, NodeKind::UserAssignedIdentity);
            if let Some(principal) = identity.principal_id {
                self.graph.by_principal_id.insert(principal, at);
            }
        }
    }

    fn attachments(&mut self) {
        for attachment in self.inventory.attachments() {
            let source = self.arm_node(attachment.source, NodeKind::Source);
            let identity = match attachment.identity {
                AttachedIdentity::User(id) => self.arm_node(id, NodeKind::UserAssignedIdentity),
                AttachedIdentity::System { principal_id } => {
                    let key = NodeKey::System(attachment.source);
                    let at = self.add(key, |b| {
                        let source = &b.graph.graph[source];
                        Node {
                            key,
                            kind: NodeKind::SystemIdentity,
                            label: format!("{} (system)", source.label),
                            ..source.clone()
                        }
                    });
                    if let Some(principal) = principal_id {
                        self.graph.by_principal_id.insert(principal, at);
                    }
                    at
                }
            };
            let reason = Reason::Text([self.label(source), " can use ", self.label(identity)].concat());
            let edge = Edge { kind: EdgeKind::CanUse, reason, access: None, takes: Takes::NOTHING };
            self.graph.graph.update_edge(source, identity, edge);
        }
    }

    /// The node that acts for a principal id, created as a principal node when no identity
    /// claims it.
    fn principal_node(&mut self, id: Key, assignment: Option<&RoleAssignment>) -> NodeIndex {
        if let Some(&at) = self.graph.by_principal_id.get(&id) {
            return at;
        }
        let principal = self.inventory.principal(id);
        let kind = principal.map(|p| p.kind).or(assignment.and_then(|a| a.principal_type)).unwrap_or_default();
        let label = principal
            .and_then(|p| p.display_name.clone())
            .or_else(|| assignment.and_then(|a| a.principal_name.clone()).filter(|n| !n.is_empty()))
            .unwrap_or_else(|| self.inventory.text(id).to_owned());
        let key = NodeKey::Principal(id);
        let at = self.add(key, |_| Node {
            key,
            kind: NodeKind::Principal(kind),
            label,
            environment: Environment::Unknown,
            region: None,
        });
        self.graph.by_principal_id.insert(id, at);
        at
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, kind: EdgeKind, reason: Reason, takes: Takes) {
        let access = (kind == EdgeKind::GrantsSelf).then_some(Access::ControlWrite);
        self.graph.graph.add_edge(from, to, Edge { kind, reason, access, takes });
    }

    fn label(&self, at: NodeIndex) -> &str {
        &self.graph.graph[at].label
    }

    /// Members hold their groups' roles: member → group, for every group that holds one, itself
    /// or through a group it belongs to. A group gains its node when it joins one that has a
    /// node, so memberships are read again until nothing changes (once per level of nesting).
    fn memberships(&mut self) {
        let mut pending: Vec<&Membership> = self.inventory.memberships().iter().collect();
        loop {
            let before = pending.len();
            pending.retain(|membership| {
                let Some(&group) = self.graph.by_principal_id.get(&membership.group) else { return true };
                let member = self.principal_node(membership.member, None);
                let reason = [self.label(member), " is a member of ", self.label(group)].concat();
                self.edge(member, group, EdgeKind::HasRole, Reason::Text(reason), Takes::NOTHING);
                false
            });
            if pending.len() == before {
                break;
            }
        }
    }

    /// Key Vault access policies (vaults not on the RBAC permission model) grant the vault's
    /// data plane as a data role would, so each is a `HasRole` edge to the vault with the access
    /// it gives. (Decision: the spec's edge kinds have no other home for them; BloodHound draws
    /// them as AZGetSecrets and the like.)
    fn access_policies(&mut self) {
        for policy in self.inventory.access_policies() {
            let Some(access) = policy_access(policy) else { continue };
            let holder = self.principal_node(policy.object_id, None);
            let vault = match self.graph.node(NodeKey::Arm(policy.vault)) {
                Some(at) => at,
                None => self.arm_node(policy.vault, NodeKind::Target(arm::ScopeLevel::Resource)),
            };
            let granted: Vec<String> = [
                ("keys", &policy.keys),
                ("secrets", &policy.secrets),
                ("certificates", &policy.certificates),
                ("storage", &policy.storage),
            ]
            .iter()
            .filter(|(_, list)| !list.is_empty())
            .map(|(what, list)| format!("{what}: {}", list.join(", ")))
            .collect();
            let reason = format!(
                "{} has an access policy on {} ({})",
                self.label(holder),
                self.label(vault),
                granted.join("; ")
            );
            let edge = Edge {
                kind: EdgeKind::HasRole,
                reason: Reason::Text(reason),
                access: Some(access),
                takes: Takes::NOTHING,
            };
            self.graph.graph.add_edge(holder, vault, edge);
        }
    }

    /// Indexes what can be handed over: every source and user-assigned identity of the
    /// inventory, what it counts as, and the scopes it lies under.
    fn takeable(&mut self) {
        let inventory = self.inventory;
        self.graph.counts_as = vec![Takes::NOTHING; self.graph.graph.node_count()];
        self.graph.under_slot = vec![0; inventory.keys.len()];
        for resource in inventory.resources() {
            let row = CODE_EXECUTION.iter().position(|r| r.resource_type.eq_ignore_ascii_case(&resource.resource_type));
            let node = self.graph.node(NodeKey::Arm(resource.id));
            let counts_as = match node.map(|node| self.graph.graph[node].kind) {
                Some(NodeKind::UserAssignedIdentity) => Takes::IDENTITIES,
                Some(NodeKind::Source) => row.map_or(Takes::SOURCES, |row| Takes::SOURCES.with(Takes::code_on(row))),
                _ => Takes::NOTHING,
            };
            if row.is_none() && counts_as.is_empty() {
                continue;
            }
            let above = self.chains.above_key(resource.id);
            if let Some(row) = row {
                // Compute, with or without an identity, is where an identity can be attached.
                for &scope in above {
                    if let Some(compute) = self.compute_under.get_mut(scope.index()) {
                        *compute = compute.with(Takes::code_on(row));
                    }
                }
            }
            let Some(node) = node.filter(|_| !counts_as.is_empty()) else { continue };
            self.graph.counts_as[node.index()] = counts_as;
            for &scope in above {
                let Some(slot) = self.graph.under_slot.get_mut(scope.index()) else { continue };
                match slot.checked_sub(1).and_then(|at| self.graph.under.get_mut(at as usize)) {
                    Some(under) => under.push(node),
                    None => {
                        self.graph.under.push(vec![node]);
                        *slot = u32::try_from(self.graph.under.len()).unwrap_or(0);
                    }
                }
                if let Some(present) = self.present_under.get_mut(scope.index()) {
                    *present = present.with(counts_as);
                }
            }
        }
    }

    /// What lies at or under `scope`, by what it counts as.
    fn present_under(&self, scope: Key) -> Takes {
        self.present_under.get(scope.index()).copied().unwrap_or_default()
    }

    /// The take edges: for each holder and each scope it holds roles on, what the roles held
    /// there and above let it make its own under that scope (seeds 002 and 004):
    /// `GrantsSelf` (role assignment write: everything), `Controls` (running code on the source
    /// types of the execution table, every action of one way granted), `TakesOver` (adding a
    /// federated credential to identities) and `CanAttach` (assigning identities, given write
    /// on some compute anywhere). A scope gets an edge only for what no scope above it in the
    /// same holder's roles already gives, and only for what lies under it.
    fn takeovers(&mut self) {
        let actions = Actions::new();
        let assignments = self.inventory.role_assignments();
        // One read of the assignments, in order, into what the take edges need of them: who
        // holds what where, each role's grants decided once, each scope's facts looked up once.
        let mut of_role: Map<Key, u128> = Map::default();
        // Per scope (by key index), one more than the number of its facts; 0 for none yet.
        let mut slot_of: Vec<u32> = vec![0; self.inventory.keys.len()];
        let mut scopes: Vec<ScopeFacts> = Vec::new();
        let mut held: Vec<Held> = Vec::with_capacity(assignments.len());
        for (at, a) in assignments.iter().enumerate() {
            let bits = *of_role
                .entry(a.role_definition)
                .or_insert_with(|| actions.granted_by(self.permissions, a.role_definition));
            let Some(entry) = slot_of.get_mut(a.scope.index()) else { continue };
            if *entry == 0 {
                scopes.push(ScopeFacts {
                    scope: a.scope,
                    chain: (0, 0),
                    compute: self.compute_under.get(a.scope.index()).copied().unwrap_or_default(),
                    present: self.present_under(a.scope),
                });
                *entry = u32::try_from(scopes.len()).unwrap_or(u32::MAX);
            }
            let slot = *entry - 1;
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            held.push(Held { holder: a.principal, at, scope: a.scope, slot, bits });
        }
        // The scopes above each, asked for in the order the scopes' ids were first read: a
        // resource group's resources come together there, so most share the chain asked for just
        // before and their texts lie side by side (in the assignments' order, each would be a
        // lookup and a cache miss).
        let mut by_key: Vec<usize> = (0..scopes.len()).collect();
        by_key.sort_unstable_by_key(|&slot| scopes[slot].scope);
        let mut chains: Vec<Key> = Vec::with_capacity(4 * scopes.len());
        for slot in by_key {
            let chain = self.chains.above_key(scopes[slot].scope);
            chains.extend_from_slice(chain);
            scopes[slot].chain = (chains.len() - chain.len(), chains.len());
        }
        // By holder, each holder's in the order of the inventory.
        held.sort_unstable_by_key(|h| (h.holder, h.at));
        let facts = |slot: u32| scopes.get(slot as usize);
        let above_of = |slot: u32| facts(slot).and_then(|f| chains.get(f.chain.0..f.chain.1)).unwrap_or(&[]);
        let mut at: Vec<HeldAt> = Vec::new();
        let mut parents: Vec<usize> = Vec::new();
        let mut mine: Vec<usize> = Vec::new();
        let mut given: Vec<[Takes; 4]> = Vec::new();
        // Per holder, reused: its assignments by scope, and its scopes.
        let mut by_scope: Vec<(Key, usize)> = Vec::new();
        let mut held_scopes: Vec<(Key, u128, u32)> = Vec::new();
        for held in held.chunk_by(|a, b| a.holder == b.holder) {
            if held.iter().all(|h| h.bits == 0) {
                continue;
            }
            by_scope.clear();
            by_scope.extend(held.iter().enumerate().map(|(at, h)| (h.scope, at)));
            by_scope.sort_unstable();
            let holding = Holding { held, by_scope: &by_scope };
            // Each scope the holder holds a role on, what its roles grant there, and the number
            // of its facts.
            held_scopes.clear();
            for &(scope, place) in holding.by_scope {
                let h = &held[place];
                match held_scopes.last_mut() {
                    Some((last, granted, _)) if *last == scope => *granted |= h.bits,
                    _ => held_scopes.push((scope, h.bits, h.slot)),
                }
            }
            let held_at = |scope: Key| held_scopes.binary_search_by_key(&scope, |&(s, ..)| s).ok();
            // For each scope the holder holds a role on: what its roles there and above grant,
            // and which of its other scopes lie above it; the highest scopes first.
            at.clear();
            parents.clear();
            for (index, &(scope, _, slot)) in held_scopes.iter().enumerate() {
                let above = above_of(slot);
                let granted = above.iter().filter_map(|&s| held_at(s)).fold(0, |all, i| all | held_scopes[i].1);
                mine.clear();
                mine.extend(above.iter().filter_map(|&s| held_at(s)).filter(|&i| i != index));
                mine.sort_unstable();
                mine.dedup();
                let from = parents.len();
                parents.extend_from_slice(&mine);
                at.push(HeldAt { index, scope, slot, granted, above, parents: (from, parents.len()) });
            }
            // Parents first: a scope's parents are its parents' parents and more.
            at.sort_by_key(|h| (h.parents.1 - h.parents.0, h.scope));
            let writes_compute = at.iter().any(|h| {
                let compute = facts(h.slot).map_or(Takes::NOTHING, |f| f.compute);
                actions.compute_written(h.granted).meets(compute)
            });
            // What each held scope gives, by kind of take edge.
            given.clear();
            given.resize(held_scopes.len(), [Takes::NOTHING; 4]);
            for here in &at {
                let granted = here.granted;
                let abilities = [
                    (
                        EdgeKind::GrantsSelf,
                        actions.may(granted, ROLE_ASSIGNMENTS_WRITE).then_some(Takes::IDENTITIES.with(Takes::SOURCES)),
                    ),
                    (EdgeKind::Controls, Some(actions.code_runs(granted))),
                    (
                        EdgeKind::TakesOver,
                        actions.may(granted, WRITE_FEDERATED_CREDENTIALS).then_some(Takes::IDENTITIES),
                    ),
                    (
                        EdgeKind::CanAttach,
                        (writes_compute && actions.may(granted, ASSIGN_IDENTITY)).then_some(Takes::IDENTITIES),
                    ),
                ];
                for (way, (kind, takes)) in abilities.into_iter().enumerate() {
                    let Some(takes) = takes.filter(|t| !t.is_empty()) else { continue };
                    given[here.index][way] = takes;
                    let from_above = parents[here.parents.0..here.parents.1]
                        .iter()
                        .fold(Takes::NOTHING, |all, &p| all.with(given[p][way]));
                    let new = takes.without(from_above);
                    // A self-grant also grants (everything under its scope); the others only take,
                    // so they name only what lies under the scope.
                    let present = facts(here.slot).map_or(Takes::NOTHING, |f| f.present);
                    let new = if kind == EdgeKind::GrantsSelf { new } else { new.and(present) };
                    if !new.is_empty() {
                        self.take_edge(&holding, here, kind, new, &actions);
                    }
                }
            }
        }
    }

    /// Adds one take edge, with the roles that make it in its reason.
    fn take_edge(&mut self, holding: &Holding<'_>, here: &HeldAt<'_>, kind: EdgeKind, takes: Takes, actions: &Actions) {
        let HeldAt { scope, granted, above, .. } = *here;
        let assignments = self.inventory.role_assignments();
        let needed: Vec<(&'static str, usize)> = match kind {
            EdgeKind::GrantsSelf => actions.numbered(ROLE_ASSIGNMENTS_WRITE),
            EdgeKind::TakesOver => actions.numbered(WRITE_FEDERATED_CREDENTIALS),
            EdgeKind::CanAttach => actions.numbered(ASSIGN_IDENTITY),
            _ => takes.rows().filter_map(|row| actions.way_granted(row, granted)).flatten().copied().collect(),
        };
        // Each action by the first assignment (here or above) that grants it, grouped by
        // assignment: "Owner on subscription 9e3b8c55 grants A, B".
        let here_and_above = holding.places_at(above);
        let mut why: Vec<(&'a RoleAssignment, Vec<&'static str>)> = Vec::new();
        for (action, index) in needed {
            let first = here_and_above.iter().map(|&place| &holding.held[place]).find(|h| h.bits & (1 << index) != 0);
            let Some(assignment) = first.and_then(|h| assignments.get(h.at as usize)) else {
                continue;
            };
            match why.iter_mut().find(|(a, _)| std::ptr::eq(*a, assignment)) {
                Some((_, granted)) => granted.push(action),
                None => why.push((assignment, vec![action])),
            }
        }
        let holder = holding.held.first();
        let holder_node = match holder {
            Some(h) => self.principal_node(h.holder, assignments.get(h.at as usize)),
            None => return,
        };
        let scope_node = self.scope_node(scope);
        // The sentence is made when it is read: most take edges are never explained.
        let mut by = Vec::with_capacity(why.len());
        let mut granting = Vec::new();
        for (assignment, granted) in why {
            let name = self.role_name(assignment);
            let role = self.name_number(name);
            let at = self.scope_node(assignment.scope);
            by.push((role, at, u32::try_from(granted.len()).unwrap_or(u32::MAX)));
            granting.extend(granted);
        }
        let grants = Grants { by: by.into(), actions: granting.into() };
        self.edge(holder_node, scope_node, kind, Reason::Takes(Box::new(grants)), takes);
    }

    /// The node of `scope`, made a target node if it has none yet.
    fn scope_node(&mut self, scope: Key) -> NodeIndex {
        match self.graph.node(NodeKey::Arm(scope)) {
            Some(at) => at,
            None => {
                let level = arm::level(self.inventory.text(scope)).unwrap_or(arm::ScopeLevel::Resource);
                self.arm_node(scope, NodeKind::Target(level))
            }
        }
    }

    /// Federates: each federated credential trusts an external subject to sign in as its identity.
    fn federations(&mut self) {
        for credential in self.inventory.federated_credentials() {
            let Some(identity_node) = self.graph.node(NodeKey::Arm(credential.identity)) else { continue };
            let subject = credential
                .subject
                .clone()
                .or_else(|| credential.claims_expression.as_ref().map(|c| format!("claims {c}")))
                .unwrap_or_default();
            let issuer = credential.issuer.trim_start_matches("https://").trim_end_matches('/');
            let label = format!("{issuer}: {subject}");
            let key = NodeKey::Federated(credential.id);
            let environment = self.graph.graph[identity_node].environment;
            let node = self.add(key, |_| Node { key, kind: NodeKind::Pipeline, label, environment, region: None });
            let reason = format!(
                "a token from {} for {subject} signs in as {} (federated credential {})",
                credential.issuer,
                self.label(identity_node),
                credential.name
            );
            self.edge(node, identity_node, EdgeKind::Federates, Reason::Text(reason), Takes::NOTHING);
        }
    }

    fn role_assignments(&mut self) {
        // Name and access class per role, decided once: tenants hold many assignments of few roles.
        let mut roles: Map<Key, (u32, Access)> = Map::default();
        for assignment in self.inventory.role_assignments() {
            let holder = self.principal_node(assignment.principal, Some(assignment));
            let target = self.scope_node(assignment.scope);
            let (role, access) = match roles.get(&assignment.role_definition) {
                Some(&known) => known,
                None => {
                    // A role nobody can look up still counts as reach: access is access.
                    let access =
                        role_permissions(self.inventory, assignment.role_definition).map_or(Access::Read, Access::of);
                    let name = self.role_name(assignment);
                    let known = (self.name_number(name), access);
                    roles.insert(assignment.role_definition, known);
                    known
                }
            };
            let edge = Edge {
                kind: EdgeKind::HasRole,
                reason: Reason::Holds(role),
                access: Some(access),
                takes: Takes::NOTHING,
            };
            self.graph.graph.add_edge(holder, target, edge);
        }
    }
}

/// Key Vault access-policy permissions that change what the vault holds; the others (`get`,
/// `list`, `decrypt`, `sign`, ...) read it or use it.
const POLICY_WRITES: [&str; 18] = [
    "all",
    "set",
    "delete",
    "purge",
    "recover",
    "restore",
    "import",
    "update",
    "create",
    "managecontacts",
    "manageissuers",
    "setissuers",
    "deleteissuers",
    "regeneratekey",
    "setsas",
    "deletesas",
    "rotate",
    "setrotationpolicy",
];

/// The access an access policy gives on its vault, if any.
fn policy_access(policy: &AccessPolicy) -> Option<Access> {
    let all = [&policy.keys, &policy.secrets, &policy.certificates, &policy.storage];
    let mut permissions = all.iter().flat_map(|list| list.iter());
    if permissions.clone().any(|p| POLICY_WRITES.iter().any(|w| p.eq_ignore_ascii_case(w))) {
        Some(Access::DataWrite)
    } else {
        permissions.next().map(|_| Access::DataRead)
    }
}

/// What the take edges need to know of a scope roles are held on.
struct ScopeFacts {
    /// The scope.
    scope: Key,
    /// Where its `scopes_above` are in the list of them all.
    chain: (usize, usize),
    /// The types of compute at or under it.
    compute: Takes,
    /// What the sources and identities at or under it count as.
    present: Takes,
}

/// A role assignment as the take edges read it.
struct Held {
    holder: Key,
    /// Its place in the inventory's assignments.
    at: u32,
    /// Its scope, and the number of the scope's [`ScopeFacts`] (the key is kept here too, so
    /// that sorting a holder's scopes reads no facts).
    scope: Key,
    slot: u32,
    /// What its role grants, as [`Actions`] bits.
    bits: u128,
}

/// A scope a holder holds a role on, as the take edges see it.
#[derive(Clone, Copy)]
struct HeldAt<'c> {
    /// Its place among the holder's scopes, in key order.
    index: usize,
    scope: Key,
    slot: u32,
    /// What the holder's roles here and above grant, as [`Actions`] bits.
    granted: u128,
    /// The scopes whose assignments apply here (`scopes_above`).
    above: &'c [Key],
    /// Where the holder's other scopes among `above` (by `index`) are in the list of them all.
    parents: (usize, usize),
}

/// One holder's assignments, as the take edges read them.
struct Holding<'h> {
    /// In the order of the inventory.
    held: &'h [Held],
    /// Each assignment's scope and place in `held`, sorted: a scope's assignments are one run,
    /// in the order held.
    by_scope: &'h [(Key, usize)],
}

impl Holding<'_> {
    /// The places in `held` of the assignments at the scopes `above`, in the order held: the
    /// first of them whose role grants an action is the one that explains it.
    fn places_at(&self, above: &[Key]) -> Vec<usize> {
        let mut places: Vec<usize> = above
            .iter()
            .flat_map(|&scope| {
                let from = self.by_scope.partition_point(|&(s, _)| s < scope);
                self.by_scope[from..].iter().take_while(move |&&(s, _)| s == scope).map(|&(_, at)| at)
            })
            .collect();
        places.sort_unstable();
        places
    }
}

/// The actions that hand things over, numbered, so that what a role grants of them is a set
/// of bits, decided once per role: tenants hold many assignments of few roles. Each way to run
/// code, and each compute type's write action, is a mask of those bits.
struct Actions {
    list: Vec<(Plane, String)>,
    /// Each action's number (the first, were one listed for both planes).
    number: Map<String, usize>,
    /// Per execution-table row, the mask of each way.
    ways: Vec<Vec<u128>>,
    /// Per execution-table row, its type's write action.
    writes: Vec<u128>,
    /// Per execution-table row and way, its actions with their numbers.
    way_actions: Vec<Vec<Vec<(&'static str, usize)>>>,
}

impl Actions {
    fn new() -> Self {
        let mut list: Vec<(Plane, String)> = [ROLE_ASSIGNMENTS_WRITE, ASSIGN_IDENTITY, WRITE_FEDERATED_CREDENTIALS]
            .into_iter()
            .map(|action| (Plane::Control, action.to_owned()))
            .collect();
        for row in CODE_EXECUTION {
            list.push((Plane::Control, write_action(row.resource_type)));
            for way in row.ways {
                list.extend(way.iter().map(|&(plane, action)| (plane, action.to_owned())));
            }
        }
        let mut seen = std::collections::HashSet::new();
        list.retain(|entry| seen.insert(entry.clone()));
        let bit = |action: &str| list.iter().position(|(_, a)| a == action).map_or(0, |at| 1u128 << at);
        let ways = CODE_EXECUTION
            .iter()
            .map(|row| row.ways.iter().map(|way| way.iter().fold(0, |mask, (_, action)| mask | bit(action))).collect())
            .collect();
        let writes = CODE_EXECUTION.iter().map(|row| bit(&write_action(row.resource_type))).collect();
        let mut number: Map<String, usize> = Map::default();
        for (at, (_, action)) in list.iter().enumerate() {
            number.entry(action.clone()).or_insert(at);
        }
        let way_actions = CODE_EXECUTION
            .iter()
            .map(|row| {
                let numbered = |&(_, action): &(Plane, &'static str)| Some((action, *number.get(action)?));
                row.ways.iter().map(|way| way.iter().filter_map(numbered).collect()).collect()
            })
            .collect();
        Actions { list, number, ways, writes, way_actions }
    }

    /// `action` with its number (none if it is not one of the actions).
    fn numbered(&self, action: &'static str) -> Vec<(&'static str, usize)> {
        self.number.get(action).map(|&at| (action, at)).into_iter().collect()
    }

    /// Which of the actions the role grants.
    fn granted_by(&self, permissions: &Permissions<'_>, role: Key) -> u128 {
        self.list
            .iter()
            .enumerate()
            .filter(|(_, (plane, action))| permissions.role_grants(role, action, *plane))
            .fold(0, |all, (at, _)| all | 1 << at)
    }

    /// Whether `granted` holds one of the three actions listed first.
    fn may(&self, granted: u128, action: &str) -> bool {
        let first = [ROLE_ASSIGNMENTS_WRITE, ASSIGN_IDENTITY, WRITE_FEDERATED_CREDENTIALS];
        first.iter().position(|a| *a == action).is_some_and(|at| granted & (1 << at) != 0)
    }

    /// The first way to run code on `row`'s type whose every action is granted.
    fn way_granted(&self, row: usize, granted: u128) -> Option<&[(&'static str, usize)]> {
        let way = self.ways[row].iter().position(|&mask| mask & !granted == 0)?;
        self.way_actions.get(row)?.get(way).map(Vec::as_slice)
    }

    /// The source types code can be run on.
    fn code_runs(&self, granted: u128) -> Takes {
        (0..CODE_EXECUTION.len())
            .filter(|&row| self.ways[row].iter().any(|&mask| mask & !granted == 0))
            .fold(Takes::NOTHING, |all, row| all.with(Takes::code_on(row)))
    }

    /// The source types that can be written (created or reconfigured, so given an identity).
    fn compute_written(&self, granted: u128) -> Takes {
        (0..CODE_EXECUTION.len())
            .filter(|&row| granted & self.writes[row] != 0)
            .fold(Takes::NOTHING, |all, row| all.with(Takes::code_on(row)))
    }
}

/// A short label for a scope that is not a known resource.
pub fn scope_label(id: &str) -> String {
    match arm::level(id) {
        Some(arm::ScopeLevel::Root) => "tenant root".to_owned(),
        Some(arm::ScopeLevel::Subscription) => format!("subscription {}", short_guid(arm::last_segment(id))),
        Some(arm::ScopeLevel::ManagementGroup) => format!("management group {}", short_guid(arm::last_segment(id))),
        _ => arm::last_segment(id).to_owned(),
    }
}

/// The first block of a GUID; other names whole.
fn short_guid(name: &str) -> &str {
    let looks_like_guid = name.len() == 36 && name.as_bytes().get(8) == Some(&b'-');
    if looks_like_guid { &name[..8] } else { name }
}

#[cfg(test)]
mod tests {
    use super::{Actions, scope_label};

    #[test]
    fn the_actions_that_hand_things_over_fit_one_mask() {
        assert!(Actions::new().list.len() <= 128, "masks are u128");
        assert!(crate::execution::CODE_EXECUTION.len() <= 30, "`Takes` is a u32 with two bits taken");
    }

    #[test]
    fn scope_labels() {
        assert_eq!(scope_label("/"), "tenant root");
        assert_eq!(scope_label("/subscriptions/9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c"), "subscription 9e3b8c55");
        assert_eq!(
            scope_label("/providers/microsoft.management/managementgroups/5987ec62-12a5-4f73-9d76-4c11c6f116f0"),
            "management group 5987ec62"
        );
        assert_eq!(
            scope_label("/providers/microsoft.management/managementgroups/mg-platform"),
            "management group mg-platform"
        );
        assert_eq!(scope_label("/subscriptions/s/resourcegroups/rg-app"), "rg-app");
    }
}
