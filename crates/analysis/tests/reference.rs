//! Reach numbers checked against an independent, naive implementation: a plain breadth-first
//! search over an explicit graph built straight from the inventory, in which every role
//! assignment (and Key Vault access policy) is an edge to each resource its scope covers (found
//! by comparing id prefixes) and every pivot is an edge. It shares no graph, index or walk with
//! the engine; it asks only the tested `permissions` module whether a role grants an action, and
//! the execution table which actions run code.
//!
//! For every start node of small generated tenants (and the sample), both radii must count the
//! same resources, whether the engine counts one start at a time or all at once.

use std::collections::{HashMap, HashSet, VecDeque};

use blastmap_analysis::execution::{code_execution, write_action};
use blastmap_analysis::permissions::{Permissions, Plane, role_permissions};
use blastmap_analysis::radius::{Coverage, Mode, Reach, reach};
use blastmap_analysis::{AccessGraph, NodeKey};
use blastmap_ingest::{Loaded, SourceFile, load, sample::load_sample};
use blastmap_model::{AttachedIdentity, Inventory, Key, RoleAssignment};

const ROLE_ASSIGNMENTS_WRITE: &str = "Microsoft.Authorization/roleAssignments/write";
const ASSIGN_IDENTITY: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
const WRITE_FEDERATED_CREDENTIALS: &str =
    "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write";

/// Where an attacker can stand.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
enum Actor {
    /// A source or user-assigned identity, by ARM id.
    Arm(Key),
    /// The system-assigned identity of a source.
    System(Key),
    /// Any other principal, by object id.
    Principal(Key),
    /// The subject of a federated credential.
    Pipeline(Key),
}

#[derive(Copy, Clone, PartialEq, Eq)]
enum Move {
    Membership,
    UseIdentity,
    Pivot,
}

struct Naive {
    moves: HashMap<Actor, Vec<(Actor, Move)>>,
    /// Resource indexes each actor's own assignments cover.
    covers: HashMap<Actor, HashSet<usize>>,
}

/// Whether `scope` covers the resource `id`: the root covers all, a management group covers
/// the subscriptions below it, any other scope its own id and the ids that extend it.
fn covers(inventory: &Inventory, scope: &str, id: &str) -> bool {
    if scope == "/" || id == scope || id.starts_with(&format!("{scope}/")) {
        return true;
    }
    let Some(subscription) = id.split('/').nth(2) else { return false };
    let mut group = inventory.keys.get(&format!("/subscriptions/{subscription}")).and_then(|k| inventory.scope(k));
    let mut hops = 0;
    while let Some(parent) = group.and_then(|g| g.parent) {
        if inventory.text(parent) == scope {
            return true;
        }
        group = inventory.scope(parent);
        hops += 1;
        if hops > 16 {
            return false;
        }
    }
    false
}

impl Naive {
    fn build(inventory: &Inventory) -> Naive {
        let permissions = Permissions::new(inventory);
        let resources: Vec<&str> = inventory.resources().iter().map(|r| inventory.text(r.id)).collect();
        let mut actor_of: HashMap<Key, Actor> = HashMap::new();
        for identity in inventory.identities() {
            if let Some(p) = identity.principal_id {
                actor_of.insert(p, Actor::Arm(identity.id));
            }
        }
        let mut moves: HashMap<Actor, Vec<(Actor, Move)>> = HashMap::new();
        let mut takeable: HashSet<Key> = inventory.identities().iter().map(|i| i.id).collect();
        for attachment in inventory.attachments() {
            takeable.insert(attachment.source);
            let identity = match attachment.identity {
                AttachedIdentity::User(id) => Actor::Arm(id),
                AttachedIdentity::System { principal_id } => {
                    if let Some(p) = principal_id {
                        actor_of.insert(p, Actor::System(attachment.source));
                    }
                    Actor::System(attachment.source)
                }
            };
            moves.entry(Actor::Arm(attachment.source)).or_default().push((identity, Move::UseIdentity));
        }
        let actor = |principal: Key| actor_of.get(&principal).copied().unwrap_or(Actor::Principal(principal));
        for membership in inventory.memberships() {
            moves.entry(actor(membership.member)).or_default().push((actor(membership.group), Move::Membership));
        }
        for credential in inventory.federated_credentials() {
            moves
                .entry(Actor::Pipeline(credential.id))
                .or_default()
                .push((Actor::Arm(credential.identity), Move::UseIdentity));
        }
        let grants =
            |a: &RoleAssignment, action: &str| permissions.role_grants(a.role_definition, action, Plane::Control);
        let grants_plane =
            |a: &RoleAssignment, action: &str, plane: Plane| permissions.role_grants(a.role_definition, action, plane);
        let mut held: HashMap<Key, Vec<&RoleAssignment>> = HashMap::new();
        for a in inventory.role_assignments() {
            held.entry(a.principal).or_default().push(a);
        }
        let mut covered: HashMap<Actor, HashSet<usize>> = HashMap::new();
        for (&holder, assignments) in &held {
            let me = actor(holder);
            for a in assignments {
                let scope = inventory.text(a.scope);
                let under: Vec<usize> =
                    (0..resources.len()).filter(|&i| covers(inventory, scope, resources[i])).collect();
                covered.entry(me).or_default().extend(under.iter().copied());
                let self_grant =
                    role_permissions(inventory, a.role_definition).is_some() && grants(a, ROLE_ASSIGNMENTS_WRITE);
                if self_grant {
                    for &i in &under {
                        let id = inventory.resources()[i].id;
                        if takeable.contains(&id) {
                            moves.entry(me).or_default().push((Actor::Arm(id), Move::Pivot));
                        }
                    }
                }
            }
            // Running code on a source: some way of its type whose actions all come from
            // assignments of this holder that cover the source.
            for source in inventory.sources() {
                let text = inventory.text(source);
                let resource_type = inventory
                    .resource(source)
                    .map(|r| r.resource_type.clone())
                    .or_else(|| blastmap_model::arm::resource_type(text))
                    .unwrap_or_default();
                let Some(row) = code_execution(&resource_type) else { continue };
                let above: Vec<&&RoleAssignment> =
                    assignments.iter().filter(|a| covers(inventory, inventory.text(a.scope), text)).collect();
                let can = row
                    .ways
                    .iter()
                    .any(|way| way.iter().all(|&(plane, action)| above.iter().any(|a| grants_plane(a, action, plane))));
                if can {
                    moves.entry(me).or_default().push((Actor::Arm(source), Move::Pivot));
                }
            }
            // Taking a user-assigned identity: a federated credential, or assign/action on it plus
            // write on any compute resource under a scope the holder holds a role on.
            let writes_compute = assignments.iter().any(|a| {
                inventory.resources().iter().any(|r| {
                    code_execution(&r.resource_type).is_some_and(|row| {
                        covers(inventory, inventory.text(a.scope), inventory.text(r.id))
                            && grants(a, &write_action(row.resource_type))
                    })
                })
            });
            for identity in inventory.identities() {
                if me == Actor::Arm(identity.id) {
                    continue;
                }
                let text = inventory.text(identity.id);
                let above: Vec<&&RoleAssignment> =
                    assignments.iter().filter(|a| covers(inventory, inventory.text(a.scope), text)).collect();
                let federate = above.iter().any(|a| grants(a, WRITE_FEDERATED_CREDENTIALS));
                let attach = writes_compute && above.iter().any(|a| grants(a, ASSIGN_IDENTITY));
                if federate || attach {
                    moves.entry(me).or_default().push((Actor::Arm(identity.id), Move::Pivot));
                }
            }
        }
        // A Key Vault access policy that grants anything reaches its vault.
        for policy in inventory.access_policies() {
            let grants_any =
                [&policy.keys, &policy.secrets, &policy.certificates, &policy.storage].iter().any(|l| !l.is_empty());
            let vault = resources.iter().position(|&r| r == inventory.text(policy.vault));
            if let (true, Some(vault)) = (grants_any, vault) {
                covered.entry(actor(policy.object_id)).or_default().insert(vault);
            }
        }
        Naive { moves, covers: covered }
    }

    fn reach(&self, start: Actor, mode: Mode) -> usize {
        let mut seen = HashSet::from([start]);
        let mut queue = VecDeque::from([start]);
        let mut reached: HashSet<usize> = HashSet::new();
        while let Some(at) = queue.pop_front() {
            reached.extend(self.covers.get(&at).into_iter().flatten().copied());
            for &(next, kind) in self.moves.get(&at).into_iter().flatten() {
                let allowed = match kind {
                    Move::Membership => true,
                    Move::UseIdentity => mode == Mode::Transitive || at == start,
                    Move::Pivot => mode == Mode::Transitive,
                };
                if allowed && seen.insert(next) {
                    queue.push_back(next);
                }
            }
        }
        reached.len()
    }
}

/// The sample, a design with one of every pivot (`fixtures/pivots.json`), and generated tenants.
pub fn tenants() -> Vec<Loaded> {
    let pivots = include_bytes!("fixtures/pivots.json");
    let mut loaded = vec![load_sample(), load(&[SourceFile { name: "pivots.json", bytes: pivots }])];
    for (resources, seed) in [(300, 3), (500, 17), (800, 29)] {
        let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources, seed });
        let files: Vec<_> = tenant.files.iter().map(|f| SourceFile { name: f.name, bytes: &f.bytes }).collect();
        loaded.push(load(&files));
    }
    loaded
}

#[test]
fn every_reach_count_equals_a_naive_breadth_first_search() {
    for loaded in tenants() {
        let inventory = &loaded.inventory;
        let naive = Naive::build(inventory);
        let access = AccessGraph::build(inventory);
        let coverage = Coverage::new(inventory);
        let all = Reach::new(&access, &coverage);
        let (mut starts, mut pivoting) = (0, 0);
        for node in access.graph.node_indices() {
            let start = match access.graph[node].key {
                NodeKey::Arm(k) => Actor::Arm(k),
                NodeKey::System(k) => Actor::System(k),
                NodeKey::Principal(k) => Actor::Principal(k),
                NodeKey::Federated(k) => Actor::Pipeline(k),
            };
            let label = &access.graph[node].label;
            let direct = naive.reach(start, Mode::Direct);
            let transitive = naive.reach(start, Mode::Transitive);
            assert_eq!(reach(&access, &coverage, node, Mode::Direct), direct, "direct radius of {label}");
            assert_eq!(reach(&access, &coverage, node, Mode::Transitive), transitive, "transitive radius of {label}");
            let shared = (all.count(node, Mode::Direct), all.count(node, Mode::Transitive));
            assert_eq!(shared, (direct, transitive), "radii of {label}, all at once");
            starts += 1;
            pivoting += usize::from(transitive > direct);
        }
        // A principal the engine has no node for must reach nothing.
        for principal in inventory.principals() {
            if access.node_of_principal(principal.id).is_none() {
                let label = principal.display_name.as_deref().unwrap_or_default();
                assert_eq!(naive.reach(Actor::Principal(principal.id), Mode::Transitive), 0, "{label} has no node");
            }
        }
        assert!(starts > 20 && pivoting > 0, "{starts} starts, {pivoting} of them gain by pivoting");
    }
}
