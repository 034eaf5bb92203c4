//! The access graph: who can use which identity, and which scopes each identity holds roles on.
//!
//! Nodes are the things an attacker can stand on (people and pipelines, source resources,
//! identities) and the scopes roles are held on. Edges are the seven ways access flows
//! (`shared/reference/attack-semantics.md` §3); each carries a reason a person can read.

use rustc_hash::FxHashMap as Map;

use blastmap_model::{AttachedIdentity, Inventory, Key, Membership, PrincipalKind, RoleAssignment, arm, builtin_role};
use petgraph::graph::{DiGraph, NodeIndex};

use crate::environment::{Environment, Environments};
use crate::execution::{code_execution, write_action};
use crate::permissions::{Access, Permissions, Plane, role_permissions};

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
    /// Why, in words: "app-orders-dev can use id-orders".
    pub reason: String,
    /// For edges that grant permissions on their target and everything under it (a role, a
    /// self-grant, running code), how much.
    pub access: Option<Access>,
}

/// The access graph of an inventory.
#[derive(Debug, Default)]
pub struct AccessGraph {
    /// Nodes and edges.
    pub graph: DiGraph<Node, Edge>,
    index: Map<NodeKey, NodeIndex>,
    by_principal_id: Map<Key, NodeIndex>,
}

impl AccessGraph {
    /// Builds the graph of an inventory.
    pub fn build(inventory: &Inventory) -> Self {
        let environments = Environments::new(inventory);
        let permissions = Permissions::new(inventory);
        let mut builder = Builder {
            inventory,
            environments: &environments,
            permissions: &permissions,
            graph: AccessGraph::default(),
        };
        builder.identities();
        builder.attachments();
        builder.role_assignments();
        builder.memberships();
        builder.code_execution();
        builder.self_grants();
        builder.identity_takeover();
        builder.federations();
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
    permissions: &'a Permissions<'a>,
    graph: AccessGraph,
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
            self.graph.graph.update_edge(source, identity, Edge { kind: EdgeKind::CanUse, reason, access: None });
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

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, kind: EdgeKind, reason: String) {
        let access = match kind {
            EdgeKind::GrantsSelf | EdgeKind::Controls => Some(Access::ControlWrite),
            _ => None,
        };
        self.graph.graph.add_edge(from, to, Edge { kind, reason, access });
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
                let reason = format!("{} is a member of {}", self.label(member), self.label(group));
                self.edge(member, group, EdgeKind::HasRole, reason);
                false
            });
            if pending.len() == before {
                break;
            }
        }
    }

    /// The assignments that apply at `target`, grouped by the principal holding them.
    fn held_above(&self, target: &str) -> Vec<(Key, Vec<&'a RoleAssignment>)> {
        let mut above = self.permissions.assignments_above(target);
        above.sort_by_key(|a| (a.principal, a.id));
        let mut grouped: Vec<(Key, Vec<&RoleAssignment>)> = Vec::new();
        for assignment in above {
            match grouped.last_mut() {
                Some((holder, held)) if *holder == assignment.principal => held.push(assignment),
                _ => grouped.push((assignment.principal, vec![assignment])),
            }
        }
        grouped
    }

    /// The first of `held` whose role grants `action`.
    fn granting(&self, held: &[&'a RoleAssignment], action: &str, plane: Plane) -> Option<&'a RoleAssignment> {
        held.iter().copied().find(|a| self.permissions.role_grants(a.role_definition, action, plane))
    }

    /// Controls: who can run code on each source, and so holds its identities (seed 002).
    fn code_execution(&mut self) {
        for source in self.inventory.sources() {
            let text = self.inventory.text(source).to_owned();
            let resource_type = self
                .inventory
                .resource(source)
                .map(|r| r.resource_type.clone())
                .or_else(|| arm::resource_type(&text))
                .unwrap_or_default();
            let Some(row) = code_execution(&resource_type) else { continue };
            let Some(&source_node) = self.graph.index.get(&NodeKey::Arm(source)) else { continue };
            for (holder, held) in self.held_above(&text) {
                let way = row.ways.iter().find_map(|way| {
                    way.iter()
                        .map(|(plane, action)| self.granting(&held, action, *plane).map(|a| (a, *action)))
                        .collect::<Option<Vec<_>>>()
                });
                let Some(way) = way else { continue };
                let holder_node = self.principal_node(holder, None);
                let why: Vec<String> = way
                    .iter()
                    .map(|(assignment, action)| {
                        let scope = self.scope_name(assignment.scope);
                        format!("{} on {scope} grants {action}", role_name(self.inventory, assignment))
                    })
                    .collect();
                let reason = format!(
                    "{} can run code on {} ({})",
                    self.label(holder_node),
                    self.label(source_node),
                    why.join("; ")
                );
                self.edge(holder_node, source_node, EdgeKind::Controls, reason);
            }
        }
    }

    fn scope_name(&self, scope: Key) -> String {
        match self.graph.index.get(&NodeKey::Arm(scope)) {
            Some(&at) => self.label(at).to_owned(),
            None => scope_label(self.inventory.text(scope)),
        }
    }

    /// GrantsSelf: whoever may write role assignments at a scope can give itself any role there.
    fn self_grants(&mut self) {
        let mut found = Vec::new();
        for (holder, held) in self.permissions.holders() {
            for assignment in held {
                let Some(permissions) = role_permissions(self.inventory, assignment.role_definition) else { continue };
                if crate::permissions::grants(permissions, ROLE_ASSIGNMENTS_WRITE, Plane::Control) {
                    found.push((holder, *assignment));
                }
            }
        }
        found.sort_by_key(|(holder, a)| (*holder, a.id));
        for (holder, assignment) in found {
            let Some(&scope) = self.graph.index.get(&NodeKey::Arm(assignment.scope)) else { continue };
            let holder_node = self.principal_node(holder, Some(assignment));
            let reason = format!(
                "{} can grant itself any role on {} ({} grants {ROLE_ASSIGNMENTS_WRITE})",
                self.label(holder_node),
                self.label(scope),
                role_name(self.inventory, assignment)
            );
            self.edge(holder_node, scope, EdgeKind::GrantsSelf, reason);
        }
    }

    /// CanAttach and TakesOver: who can make a user-assigned identity its own, by attaching it
    /// to compute it can write (seed 004's FAQ: assign/action on the identity plus write on the
    /// compute), or by adding a federated credential it controls.
    fn identity_takeover(&mut self) {
        // One compute resource per type (of the types code runs on) under each scope, with the
        // action that writes it: whether a role may write "some compute" depends only on type.
        let mut compute_under: Map<Key, Vec<(String, Key)>> = Map::default();
        for resource in self.inventory.resources() {
            let Some(row) = code_execution(&resource.resource_type) else { continue };
            for scope in self.permissions.scopes_above(self.inventory.text(resource.id)) {
                let types = compute_under.entry(scope).or_default();
                if !types.iter().any(|(action, _)| action.starts_with(row.resource_type)) {
                    types.push((write_action(row.resource_type), resource.id));
                }
            }
        }
        // Whether a holder may write some compute does not depend on the identity: ask once.
        let mut writable: Map<Key, Option<Key>> = Map::default();
        for identity in self.inventory.identities() {
            let text = self.inventory.text(identity.id).to_owned();
            let Some(&identity_node) = self.graph.index.get(&NodeKey::Arm(identity.id)) else { continue };
            for (holder, held) in self.held_above(&text) {
                let holder_node = self.principal_node(holder, None);
                if holder_node == identity_node {
                    continue;
                }
                if let Some(grant) = self.granting(&held, WRITE_FEDERATED_CREDENTIALS, Plane::Control) {
                    let reason = format!(
                        "{} can add a federated credential to {} and sign in as it ({} on {} grants {WRITE_FEDERATED_CREDENTIALS})",
                        self.label(holder_node),
                        self.label(identity_node),
                        role_name(self.inventory, grant),
                        self.scope_name(grant.scope)
                    );
                    self.edge(holder_node, identity_node, EdgeKind::TakesOver, reason);
                }
                let Some(assign) = self.granting(&held, ASSIGN_IDENTITY, Plane::Control) else { continue };
                let compute =
                    *writable.entry(holder).or_insert_with(|| self.compute_writable_by(holder, &compute_under));
                let Some(compute) = compute else { continue };
                let reason = format!(
                    "{} can attach {} to {} and use it ({} on {} grants {ASSIGN_IDENTITY})",
                    self.label(holder_node),
                    self.label(identity_node),
                    self.inventory.resource(compute).map_or("a compute resource", |r| r.name.as_str()),
                    role_name(self.inventory, assign),
                    self.scope_name(assign.scope)
                );
                self.edge(holder_node, identity_node, EdgeKind::CanAttach, reason);
            }
        }
    }

    /// Some compute resource `holder` may write (create or reconfigure), if any.
    fn compute_writable_by(&self, holder: Key, compute_under: &Map<Key, Vec<(String, Key)>>) -> Option<Key> {
        let held = self.permissions.held_by(holder);
        held.iter().find_map(|assignment| {
            compute_under.get(&assignment.scope).into_iter().flatten().find_map(|(write, compute)| {
                self.permissions.role_grants(assignment.role_definition, write, Plane::Control).then_some(*compute)
            })
        })
    }

    /// Federates: each federated credential trusts an external subject to sign in as its identity.
    fn federations(&mut self) {
        for credential in self.inventory.federated_credentials() {
            let Some(&identity_node) = self.graph.index.get(&NodeKey::Arm(credential.identity)) else { continue };
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
            self.edge(node, identity_node, EdgeKind::Federates, reason);
        }
    }

    fn role_assignments(&mut self) {
        for assignment in self.inventory.role_assignments() {
            let holder = self.principal_node(assignment.principal, Some(assignment));
            let level = arm::level(self.inventory.text(assignment.scope)).unwrap_or(arm::ScopeLevel::Resource);
            let target = match self.graph.index.get(&NodeKey::Arm(assignment.scope)) {
                Some(&at) => at,
                None => self.arm_node(assignment.scope, NodeKind::Target(level)),
            };
            let role = role_name(self.inventory, assignment);
            let reason =
                format!("{} holds {role} on {}", self.graph.graph[holder].label, self.graph.graph[target].label);
            // A role nobody can look up still counts as reach: access is access.
            let access = role_permissions(self.inventory, assignment.role_definition).map_or(Access::Read, Access::of);
            self.graph.graph.add_edge(holder, target, Edge { kind: EdgeKind::HasRole, reason, access: Some(access) });
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
