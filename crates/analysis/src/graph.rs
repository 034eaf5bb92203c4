//! The access graph: who can use which identity, and which scopes each identity holds roles on.
//!
//! Nodes are the things an attacker can stand on (people and pipelines, source resources,
//! identities) and the scopes roles are held on. Edges are the seven ways access flows
//! (`shared/reference/attack-semantics.md` §3); each carries a reason a person can read.

use std::collections::HashMap;

use blastmap_model::{AttachedIdentity, Inventory, Key, PrincipalKind, arm};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::environment::{Environment, Environments};

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
    /// Why, in words: "app-orders-dev can use id-orders".
    pub reason: String,
}

/// The access graph of an inventory.
#[derive(Debug, Default)]
pub struct AccessGraph {
    /// Nodes and edges.
    pub graph: DiGraph<Node, Edge>,
    index: HashMap<NodeKey, NodeIndex>,
    by_principal_id: HashMap<Key, NodeIndex>,
}

impl AccessGraph {
    /// Builds the graph of an inventory.
    pub fn build(inventory: &Inventory) -> Self {
        let environments = Environments::new(inventory);
        let mut builder = Builder { inventory, environments: &environments, graph: AccessGraph::default() };
        builder.identities();
        builder.attachments();
        builder.role_assignments();
        builder.graph
    }

    /// The node with this key.
    pub fn node(&self, key: NodeKey) -> Option<NodeIndex> {
        self.index.get(&key).copied()
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
    graph: AccessGraph,
}

impl Builder<'_> {
    fn add(&mut self, key: NodeKey, make: impl FnOnce(&Self) -> Node) -> NodeIndex {
        if let Some(&at) = self.graph.index.get(&key) {
            return at;
        }
        let node = make(self);
        let at = self.graph.graph.add_node(node);
        self.graph.index.insert(key, at);
        at
    }

    fn arm_node(&mut self, id: Key, kind: NodeKind) -> NodeIndex {
        self.add(NodeKey::Arm(id), |b| {
            let text = b.inventory.text(id);
            let resource = b.inventory.resource(id);
            Node {
                key: NodeKey::Arm(id),
                kind,
                label: resource
                    .map(|r| r.name.clone())
                    .or_else(|| b.inventory.scope(id).and_then(|s| s.name.clone()))
                    .unwrap_or_else(|| scope_label(text)),
                environment: b.environments.of_scope(b.inventory, id),
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
            let reason = format!("{} can use {}", self.graph.graph[source].label, self.graph.graph[identity].label);
            self.graph.graph.update_edge(source, identity, Edge { kind: EdgeKind::CanUse, reason });
        }
    }

    fn role_assignments(&mut self) {
        for assignment in self.inventory.role_assignments() {
            let holder = match self.graph.by_principal_id.get(&assignment.principal) {
                Some(&at) => at,
                None => {
                    let principal = self.inventory.principal(assignment.principal);
                    let kind = principal.map_or(assignment.principal_type, |p| p.kind);
                    let label = principal
                        .and_then(|p| p.display_name.clone())
                        .or_else(|| assignment.principal_name.clone().filter(|n| !n.is_empty()))
                        .unwrap_or_else(|| self.inventory.text(assignment.principal).to_owned());
                    let key = NodeKey::Principal(assignment.principal);
                    let at = self.add(key, |_| Node {
                        key,
                        kind: NodeKind::Principal(kind),
                        label,
                        environment: Environment::Unknown,
                        region: None,
                    });
                    self.graph.by_principal_id.insert(assignment.principal, at);
                    at
                }
            };
            let level = arm::level(self.inventory.text(assignment.scope)).unwrap_or(arm::ScopeLevel::Resource);
            let target = match self.graph.index.get(&NodeKey::Arm(assignment.scope)) {
                Some(&at) => at,
                None => self.arm_node(assignment.scope, NodeKind::Target(level)),
            };
            // The GUID decides: the inventory's definition, then the built-in catalog; the
            // export's label only when neither knows the role.
            let guid = self.inventory.text(assignment.role_definition);
            let role = self
                .inventory
                .role_definition(assignment.role_definition)
                .map(|d| d.name.clone())
                .filter(|n| !n.is_empty())
                .or_else(|| blastmap_model::builtin_role(guid).map(|r| r.name.to_owned()))
                .or_else(|| assignment.role_name.clone())
                .unwrap_or_else(|| format!("role {}", self.inventory.text(assignment.role_definition)));
            let reason =
                format!("{} holds {role} on {}", self.graph.graph[holder].label, self.graph.graph[target].label);
            self.graph.graph.add_edge(holder, target, Edge { kind: EdgeKind::HasRole, reason });
        }
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
    use super::scope_label;

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
