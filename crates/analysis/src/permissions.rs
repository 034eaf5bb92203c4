//! Effective permissions: which role assignments let a principal perform an action on a scope.
//!
//! Azure RBAC, as `shared/reference/attack-semantics.md` §2 states it and as this module
//! evaluates it:
//!
//! - A role grants action A when, in one of its permission blocks, some `actions` pattern
//!   matches A and no `notActions` pattern of the same block does (data actions likewise, with
//!   `dataActions` and `notDataActions`). `notActions` subtracts; it is **not a deny**: another
//!   assignment, or another block, can still grant A.
//! - Patterns match case-insensitively, and `*` matches any run of characters, `/` included:
//!   `Microsoft.Web/sites/*` covers `Microsoft.Web/sites/slots/write`.
//! - An assignment at scope S applies to S and everything under it: the tenant root `/`, then
//!   management groups (their hierarchy comes from the inventory's scopes), subscriptions,
//!   resource groups, resources and child resources.
//! - A principal holds the roles of every group it belongs to, directly or through nested
//!   groups; cycles in membership are harmless.
//! - An assignment with an ABAC condition still counts, but is marked conditional, so that
//!   results depending on it can say so.
//!
//! Built-in roles are evaluated by their actions exactly like custom roles: a role is looked up
//! by GUID in the inventory, then in the built-in catalog. A role known by neither grants
//! nothing (and is reported elsewhere).

use std::collections::VecDeque;
use std::sync::{Mutex, PoisonError};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use blastmap_model::{Inventory, Key, Permission, RoleAssignment, arm, builtin_role};

/// Whether an action pattern matches an action: case-insensitive, `*` matching any run of
/// characters (including `/` and the empty run), and a whole `/*/` segment also matching no
/// segment at all.
///
/// Decision: built-in roles depend on that last rule. Managed Identity Operator ("Read and
/// Assign User Assigned Identity") lists `…/userAssignedIdentities/*/assign/action` and
/// `…/*/read`, while the operations are `…/userAssignedIdentities/assign/action` and `…/read`;
/// a plain glob would say the role cannot assign identities, hiding exactly the risk seed 002
/// and 004 describe.
pub fn action_matches(pattern: &str, action: &str) -> bool {
    if glob(pattern.as_bytes(), action.as_bytes()) {
        return true;
    }
    // Try each `/*/` collapsed to `/` (patterns rarely hold more than one; a few at most).
    let segments: Vec<usize> = pattern.match_indices("/*/").map(|(at, _)| at).take(4).collect();
    (1u32..1 << segments.len()).any(|mask| {
        let mut collapsed = Vec::with_capacity(pattern.len());
        let mut from = 0;
        for (bit, &at) in segments.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                collapsed.extend_from_slice(&pattern.as_bytes()[from..=at]);
                from = at + 3;
            }
        }
        collapsed.extend_from_slice(&pattern.as_bytes()[from..]);
        glob(&collapsed, action.as_bytes())
    })
}

/// Case-insensitive glob where `*` matches any run of bytes, in linear time (backtracking only
/// to the last star).
fn glob(p: &[u8], a: &[u8]) -> bool {
    let (mut pi, mut ai) = (0, 0);
    // Where the last `*` was, and how much of the action it has swallowed so far.
    let mut star: Option<(usize, usize)> = None;
    while ai < a.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ai));
            pi += 1;
        } else if pi < p.len() && p[pi].eq_ignore_ascii_case(&a[ai]) {
            pi += 1;
            ai += 1;
        } else if let Some((star_at, swallowed)) = star {
            // Let the last `*` swallow one more character and retry after it.
            pi = star_at + 1;
            ai = swallowed + 1;
            star = Some((star_at, swallowed + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

/// How much a role lets its holder do, from least to most.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Access {
    /// Control-plane reads only (or nothing that matters): access is access.
    Read,
    /// Data-plane reads (secrets, blobs, rows).
    DataRead,
    /// Data-plane writes, deletes or actions.
    DataWrite,
    /// Control-plane writes, deletes or actions: the resource itself can be changed.
    ControlWrite,
}

impl Access {
    /// The name used in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::DataRead => "data-read",
            Access::DataWrite => "data-write",
            Access::ControlWrite => "control-write",
        }
    }

    /// The strongest access a role's permission blocks give, judged by their patterns: any
    /// control-plane pattern that is not a read is a control-plane write (`*`, `*/write`,
    /// `.../runCommand/action`); data patterns likewise split into reads and writes.
    pub fn of(permissions: &[Permission]) -> Access {
        let mut strongest = Access::Read;
        for block in permissions {
            if block.actions.iter().any(|a| !control_reads(a)) {
                return Access::ControlWrite;
            }
            if block.data_actions.iter().any(|a| data_writes(a)) {
                strongest = strongest.max(Access::DataWrite);
            } else if !block.data_actions.is_empty() {
                strongest = strongest.max(Access::DataRead);
            }
        }
        strongest
    }
}

/// Whether a control action pattern only reads: `.../read`, `get…` and `list…` actions
/// (except those that hand out keys, credentials or secrets, which give the resource away), and
/// user-delegation keys (which sign read SAS tokens for what the holder may already read).
fn control_reads(pattern: &str) -> bool {
    let lower = pattern.to_ascii_lowercase();
    if lower.ends_with('*') {
        return false;
    }
    let verb = lower.trim_end_matches("/action").rsplit('/').next().unwrap_or("");
    let hands_out_secrets = ["key", "credential", "secret"].iter().any(|s| verb.contains(s));
    verb == "read"
        || verb.starts_with("get")
        || verb == "generateuserdelegationkey"
        || (verb.starts_with("list") && !hands_out_secrets)
}

/// Whether a data action pattern changes data. Data-plane reads are often named as actions
/// (`secrets/getSecret/action`, `blobs/read`), so the verb decides, and a wildcard counts as a
/// write (it covers the writes).
fn data_writes(pattern: &str) -> bool {
    let lower = pattern.to_ascii_lowercase();
    if lower.ends_with('*') {
        return true;
    }
    let verb = lower.trim_end_matches("/action").rsplit('/').next().unwrap_or("");
    const WRITES: [&str; 14] = [
        "write", "delete", "set", "create", "update", "purge", "import", "restore", "add", "move", "modify", "recover",
        "send", "upload",
    ];
    WRITES.iter().any(|w| verb.contains(w))
}

/// Whether a control-plane action or a data action is asked about.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Plane {
    /// `actions` / `notActions`.
    Control,
    /// `dataActions` / `notDataActions`.
    Data,
}

/// Whether permission blocks grant `action` on `plane`.
pub fn grants(permissions: &[Permission], action: &str, plane: Plane) -> bool {
    permissions.iter().any(|block| {
        let (allowed, removed) = match plane {
            Plane::Control => (&block.actions, &block.not_actions),
            Plane::Data => (&block.data_actions, &block.not_data_actions),
        };
        allowed.iter().any(|p| action_matches(p, action)) && !removed.iter().any(|p| action_matches(p, action))
    })
}

/// The permission blocks of the role with this GUID: the inventory's definition, else the
/// built-in catalog's.
pub fn role_permissions(inventory: &Inventory, role: Key) -> Option<&[Permission]> {
    inventory
        .role_definition(role)
        .filter(|d| !d.permissions.is_empty())
        .map(|d| d.permissions.as_slice())
        .or_else(|| builtin_role(inventory.text(role)).map(|r| r.permissions.as_slice()))
}

/// An assignment that grants what was asked.
#[derive(Copy, Clone, Debug)]
pub struct Grant<'a> {
    /// The assignment.
    pub assignment: &'a RoleAssignment,
    /// The group through which the principal holds it, when not directly.
    pub via_group: Option<Key>,
    /// Whether the assignment carries an ABAC condition (the grant may not hold).
    pub conditional: bool,
}

/// Every scope whose assignments apply at `target` (an ARM id or scope, any case): the
/// root, the management groups above its subscription, and every scope in its own id. It needs
/// only the inventory (ids and the management groups' parents), no index.
pub fn scopes_above(inventory: &Inventory, target: &str) -> Vec<Key> {
    let own: Vec<&str> = if arm::level(target) == Some(arm::ScopeLevel::ManagementGroup) {
        vec![target]
    } else {
        arm::scopes_of(target)
    };
    let mut out = scopes_outside(inventory, own.first().copied());
    out.extend(own.into_iter().filter_map(|s| inventory.keys.get(s)));
    out
}

/// The scopes above the outermost scope of an id (`first`, as [`arm::scopes_of`] gives it):
/// the root, then the management groups from the first that `first` names as its parent, up to
/// the top.
fn scopes_outside(inventory: &Inventory, first: Option<&str>) -> Vec<Key> {
    let mut out: Vec<Key> = inventory.keys.get("/").into_iter().collect();
    let mut groups = Vec::new();
    let mut next = first.and_then(|s| inventory.keys.get(s)).and_then(|k| inventory.scope(k)).and_then(|s| s.parent);
    while let Some(group) = next {
        if groups.contains(&group) {
            break;
        }
        groups.push(group);
        next = inventory.scope(group).and_then(|s| s.parent);
    }
    out.extend(groups.into_iter().rev());
    out
}

/// [`scopes_above`] for many ids: an id's scopes are its parent scope's and its own, so the ids
/// under one parent (a resource group's resources) read the parent's once, and an id costs one
/// parse and a lookup or two instead of a lookup per scope.
pub struct ScopeChains<'i> {
    inventory: &'i Inventory,
    /// `scopes_above` of every parent scope met so far, by its text.
    parents: HashMap<&'i str, Vec<Key>>,
    /// The answer to the last question.
    last: Vec<Key>,
    /// The nearest parent of the last id asked about and the length of its chain (a prefix of
    /// `last`): ids come grouped (a resource group's resources together), so the next id's
    /// parent is most often the same, and then needs no lookup.
    recent: Option<(&'i str, usize)>,
}

impl<'i> ScopeChains<'i> {
    /// No scope read yet.
    pub fn new(inventory: &'i Inventory) -> Self {
        ScopeChains { inventory, parents: HashMap::default(), last: Vec::new(), recent: None }
    }

    /// `scopes_above(inventory, inventory.text(id))`.
    pub fn above_key(&mut self, id: Key) -> &[Key] {
        self.chain(self.inventory.text(id), Some(id))
    }

    /// `scopes_above(inventory, id)`.
    pub fn above(&mut self, id: &'i str) -> &[Key] {
        self.chain(id, None)
    }

    /// `key` is the key of `id` when the caller knows it.
    fn chain(&mut self, id: &'i str, key: Option<Key>) -> &[Key] {
        let inventory = self.inventory;
        let own = arm::scopes_of(id);
        // An id of one scope or none (a subscription, a management group, whose own scope is its
        // id as given, or an id outside the ARM tree) has no parent to share.
        let Some((&last, parents)) = own.split_last().filter(|(_, parents)| !parents.is_empty()) else {
            self.recent = None;
            self.last = scopes_above(inventory, id);
            return &self.last;
        };
        let own_key = match key {
            Some(key) if last.len() == id.len() => Some(key),
            _ => inventory.keys.get(last),
        };
        let nearest = parents.last().copied().unwrap_or_default();
        if let Some((_, len)) = self.recent.filter(|&(recent, _)| recent == nearest) {
            self.last.truncate(len);
            self.last.extend(own_key);
            return &self.last;
        }
        // The nearest parent already known, then each one below it: scopes_of(parent) is a
        // prefix of scopes_of(id), so its chain is a prefix of this one.
        let known = parents.iter().rposition(|p| self.parents.contains_key(p));
        let mut chain = std::mem::take(&mut self.last);
        chain.clear();
        match known.and_then(|at| self.parents.get(parents[at])) {
            Some(known) => chain.extend_from_slice(known),
            None => chain.extend(scopes_outside(inventory, own.first().copied())),
        }
        for &parent in &parents[known.map_or(0, |at| at + 1)..] {
            chain.extend(inventory.keys.get(parent));
            self.parents.insert(parent, chain.clone());
        }
        self.recent = Some((nearest, chain.len()));
        chain.extend(own_key);
        self.last = chain;
        &self.last
    }
}

/// Whether each role grants each action asked about, by role and plane.
type Decisions = HashMap<(Key, Plane), HashMap<Box<str>, bool>>;

/// Effective permissions over an inventory, with group memberships and assignments indexed.
pub struct Permissions<'a> {
    inventory: &'a Inventory,
    /// Assignments by principal object id.
    by_principal: HashMap<Key, Vec<&'a RoleAssignment>>,
    /// Assignments by scope.
    by_scope: HashMap<Key, Vec<&'a RoleAssignment>>,
    /// For each principal, every group it belongs to, transitively.
    groups: HashMap<Key, Vec<Key>>,
    /// Whether a role grants an action, remembered: tenants hold many assignments of few roles.
    /// Behind a lock, as rules may run on two threads.
    decided: Mutex<Decisions>,
}

impl<'a> Permissions<'a> {
    /// Indexes an inventory.
    pub fn new(inventory: &'a Inventory) -> Self {
        let mut by_principal: HashMap<Key, Vec<&RoleAssignment>> = HashMap::default();
        let mut by_scope: HashMap<Key, Vec<&RoleAssignment>> = HashMap::default();
        for assignment in inventory.role_assignments() {
            by_principal.entry(assignment.principal).or_default().push(assignment);
            by_scope.entry(assignment.scope).or_default().push(assignment);
        }
        let mut direct: HashMap<Key, Vec<Key>> = HashMap::default();
        for m in inventory.memberships() {
            direct.entry(m.member).or_default().push(m.group);
        }
        let groups = direct
            .keys()
            .map(|&member| {
                // Breadth-first over "is a member of", each group once: cycles end here.
                let mut seen: HashSet<Key> = HashSet::from_iter([member]);
                let mut queue: VecDeque<Key> = VecDeque::from([member]);
                let mut all = Vec::new();
                while let Some(next) = queue.pop_front() {
                    for &group in direct.get(&next).into_iter().flatten() {
                        if seen.insert(group) {
                            all.push(group);
                            queue.push_back(group);
                        }
                    }
                }
                (member, all)
            })
            .collect();
        Permissions { inventory, by_principal, by_scope, groups, decided: Mutex::new(HashMap::default()) }
    }

    /// Every group `principal` belongs to, directly or through nested groups.
    pub fn groups_of(&self, principal: Key) -> &[Key] {
        self.groups.get(&principal).map_or(&[], Vec::as_slice)
    }

    /// The assignments that let `principal` perform `action` on `target`, directly or through
    /// its groups.
    pub fn grants(&self, principal: Key, action: &str, plane: Plane, target: &str) -> Vec<Grant<'a>> {
        let above: HashSet<Key> = scopes_above(self.inventory, target).into_iter().collect();
        let holders = std::iter::once((principal, None)).chain(self.groups_of(principal).iter().map(|&g| (g, Some(g))));
        holders.flat_map(|(holder, via)| self.held(holder, via, action, plane, &above)).collect()
    }

    /// The assignments `holder` itself holds that grant `action` at a scope in `above`.
    pub fn held(
        &self,
        holder: Key,
        via_group: Option<Key>,
        action: &str,
        plane: Plane,
        above: &HashSet<Key>,
    ) -> Vec<Grant<'a>> {
        let mut out = Vec::new();
        for &assignment in self.by_principal.get(&holder).into_iter().flatten() {
            if above.contains(&assignment.scope) && self.role_grants(assignment.role_definition, action, plane) {
                out.push(Grant { assignment, via_group, conditional: assignment.condition.is_some() });
            }
        }
        out
    }

    /// Whether the role with this GUID grants `action` (unknown roles grant nothing).
    pub fn role_grants(&self, role: Key, action: &str, plane: Plane) -> bool {
        let mut decided = self.decided.lock().unwrap_or_else(PoisonError::into_inner);
        let known = decided.entry((role, plane)).or_default();
        if let Some(&granted) = known.get(action) {
            return granted;
        }
        let granted = role_permissions(self.inventory, role).is_some_and(|p| grants(p, action, plane));
        known.insert(action.into(), granted);
        granted
    }

    /// The assignments `holder` itself holds.
    pub fn held_by(&self, holder: Key) -> &[&'a RoleAssignment] {
        self.by_principal.get(&holder).map_or(&[], Vec::as_slice)
    }

    /// The assignments held at `target` or any scope above it.
    pub fn assignments_above(&self, target: &str) -> Vec<&'a RoleAssignment> {
        scopes_above(self.inventory, target)
            .iter()
            .flat_map(|s| self.by_scope.get(s).into_iter().flatten().copied())
            .collect()
    }

    /// Every principal (object id) that holds an assignment itself.
    pub fn holders(&self) -> impl Iterator<Item = (Key, &[&'a RoleAssignment])> {
        self.by_principal.iter().map(|(k, v)| (*k, v.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_any_run_including_slashes() {
        assert!(action_matches("*", "Microsoft.Compute/virtualMachines/write"));
        assert!(action_matches("Microsoft.Web/sites/*", "Microsoft.Web/sites/slots/write"));
        assert!(action_matches("Microsoft.Web/sites/*", "Microsoft.Web/sites/write"));
        assert!(!action_matches("Microsoft.Web/sites/*", "Microsoft.Web/serverfarms/write"));
        assert!(!action_matches("Microsoft.Web/sites/*", "Microsoft.Web/sites"));
        assert!(action_matches("*/read", "Microsoft.Compute/virtualMachines/read"));
        assert!(!action_matches("*/read", "Microsoft.Compute/virtualMachines/write"));
        assert!(!action_matches("*/read", "Microsoft.Compute/virtualMachines/readSomething/action"));
        let assign = "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action";
        assert!(action_matches(assign, "microsoft.managedidentity/userassignedidentities/assign/action"));
        assert!(action_matches(assign, "Microsoft.ManagedIdentity/userAssignedIdentities/x/assign/action"));
        assert!(!action_matches(assign, "Microsoft.ManagedIdentity/userAssignedIdentities/write"));
        assert!(action_matches(
            "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
            "Microsoft.ManagedIdentity/userAssignedIdentities/read"
        ));
        assert!(!action_matches("a/*/b/*/c", "a/c") && action_matches("a/*/b/*/c", "a/b/c"));
        assert!(action_matches("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write"));
        assert!(action_matches("a*b*c", "aXXbYYc") && !action_matches("a*b*c", "aXXbYY"));
    }

    #[test]
    fn scope_chains_are_scopes_above() {
        let mut inventory = Inventory::new();
        let group = |inventory: &mut Inventory, id: &str, parent: Option<&str>| {
            let id = inventory.key(id);
            let parent = parent.map(|p| inventory.key(p));
            let level = arm::level(inventory.text(id)).unwrap_or(arm::ScopeLevel::Resource);
            inventory.add_scope(blastmap_model::Scope { id, level, name: None, parent, tags: Default::default() });
        };
        let (top, platform) = (
            "/providers/Microsoft.Management/managementGroups/top",
            "/providers/Microsoft.Management/managementGroups/mg",
        );
        group(&mut inventory, "/", None);
        group(&mut inventory, top, None);
        group(&mut inventory, platform, Some(top));
        group(&mut inventory, "/subscriptions/S1", Some(platform));
        let rg = "/subscriptions/s1/resourceGroups/RG";
        let server = format!("{rg}/providers/Microsoft.Sql/servers/a");
        let ids = [
            format!("{server}/databases/b"),
            format!("{server}/databases/c/"),
            server.clone(),
            format!("{rg}/providers/Microsoft.Web/sites/w/slots/s"),
            format!("{rg}/providers/Microsoft.Web/sites/w"),
            rg.to_owned(),
            "/subscriptions/S1".to_owned(),
            "/subscriptions/s2/resourceGroups/rg".to_owned(),
            platform.to_owned(),
            format!("{platform}/"),
            format!("{platform}/providers/Microsoft.Authorization/roleAssignments/x"),
            "/".to_owned(),
            "not an id".to_owned(),
            String::new(),
        ];
        let keys: Vec<Key> = ids.iter().map(|id| inventory.key(id)).collect();
        inventory.key(&server);
        let mut chains = ScopeChains::new(&inventory);
        for (id, &key) in ids.iter().zip(&keys).chain(ids.iter().zip(&keys).rev()) {
            let expected = scopes_above(&inventory, id);
            assert_eq!(chains.above(id), expected, "{id}");
            assert_eq!(chains.above_key(key), scopes_above(&inventory, inventory.text(key)), "{id}");
        }
    }

    fn block(actions: &[&str], not_actions: &[&str]) -> Permission {
        let own = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect();
        Permission { actions: own(actions), not_actions: own(not_actions), ..Permission::default() }
    }

    #[test]
    fn not_actions_subtract_within_their_block_only() {
        let contributor = [block(&["*"], &["Microsoft.Authorization/*/Write"])];
        assert!(grants(&contributor, "Microsoft.Compute/virtualMachines/write", Plane::Control));
        assert!(!grants(&contributor, "Microsoft.Authorization/roleAssignments/write", Plane::Control));
        // Another block (or another role) still grants it: notActions is not a deny.
        let two_blocks = [contributor[0].clone(), block(&["Microsoft.Authorization/roleAssignments/write"], &[])];
        assert!(grants(&two_blocks, "Microsoft.Authorization/roleAssignments/write", Plane::Control));
        assert!(
            !grants(&contributor, "Microsoft.KeyVault/vaults/secrets/getSecret/action", Plane::Data),
            "data actions are separate"
        );
    }

    #[test]
    fn access_classes_of_built_in_roles() {
        let class = |guid: &str| Access::of(&builtin_role(guid).unwrap().permissions);
        assert_eq!(class("8e3af657-a8ff-443c-a75c-2fe8c4bcb635"), Access::ControlWrite, "Owner");
        assert_eq!(class("acdd72a7-3385-48ef-bd42-f606fba81ae7"), Access::Read, "Reader");
        assert_eq!(class("4633458b-17de-408a-b874-0445c86b69e6"), Access::DataRead, "Key Vault Secrets User");
        assert_eq!(class("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"), Access::DataRead, "Storage Blob Data Reader");
        assert_eq!(
            class("ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
            Access::ControlWrite,
            "Storage Blob Data Contributor writes containers"
        );
        assert_eq!(class("7f951dda-4ed3-4680-a7ca-43fe172d538d"), Access::Read, "AcrPull");
    }

    #[test]
    fn built_in_roles_are_evaluated_by_their_actions() {
        let inventory = Inventory::new();
        let mut inventory = inventory;
        let owner = inventory.key("8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
        let contributor = inventory.key("b24988ac-6180-42a0-ab88-20f7382dd24c");
        let secrets_user = inventory.key("4633458b-17de-408a-b874-0445c86b69e6");
        let write = "Microsoft.Authorization/roleAssignments/write";
        assert!(grants(role_permissions(&inventory, owner).unwrap(), write, Plane::Control));
        assert!(!grants(role_permissions(&inventory, contributor).unwrap(), write, Plane::Control));
        let operator = inventory.key("f1a07417-d97a-45cb-824c-7a7467783830");
        let assign = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
        assert!(grants(role_permissions(&inventory, operator).unwrap(), assign, Plane::Control));
        assert!(grants(role_permissions(&inventory, contributor).unwrap(), assign, Plane::Control));
        let reader = inventory.key("acdd72a7-3385-48ef-bd42-f606fba81ae7");
        assert!(!grants(role_permissions(&inventory, reader).unwrap(), assign, Plane::Control));
        let get_secret = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
        assert!(grants(role_permissions(&inventory, secrets_user).unwrap(), get_secret, Plane::Data));
        assert!(!grants(role_permissions(&inventory, contributor).unwrap(), get_secret, Plane::Data));
    }
}
