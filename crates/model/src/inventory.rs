//! The canonical inventory and its building blocks.

use std::borrow::Cow;
use std::collections::hash_map::Entry;

use rustc_hash::FxHashMap as HashMap;
use uuid::Uuid;

use crate::environment::{Environment, EnvironmentMapping};
use crate::keys::{self, Key, Keys};

/// Where an object was read: the input file and the JSON path inside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// Index of the input file, as given to the importer.
    pub file: u32,
    /// JSON Pointer to the object inside the file (`/value/3`).
    pub path: JsonPath,
}

impl Origin {
    /// The object at `path` of file `file`.
    pub fn new(file: u32, path: &str) -> Self {
        Origin { file, path: JsonPath::new(path) }
    }
}

/// A JSON Pointer. Every record of a top-level array (the big exports: a hundred thousand
/// resources, twice as many role assignments) is at `/{index}`, kept as the index alone and
/// written out only when shown; any other path is kept as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonPath {
    /// `/{index}`: an element of the top-level array.
    Element(u32),
    /// Any other path.
    Text(Box<str>),
}

impl JsonPath {
    /// The path written as `path`.
    pub fn new(path: &str) -> Self {
        // Only the canonical spelling of an index (no sign, no leading zero) reads back as itself.
        let index = path
            .strip_prefix('/')
            .filter(|digits| digits == &"0" || (!digits.starts_with('0') && digits.bytes().all(|b| b.is_ascii_digit())))
            .and_then(|digits| digits.parse().ok());
        match index {
            Some(index) => JsonPath::Element(index),
            None => JsonPath::Text(path.into()),
        }
    }
}

impl std::fmt::Display for JsonPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            JsonPath::Element(index) => write!(f, "/{index}"),
            JsonPath::Text(path) => f.write_str(path),
        }
    }
}

impl PartialEq<&str> for JsonPath {
    fn eq(&self, other: &&str) -> bool {
        *self == JsonPath::new(other)
    }
}

/// Tags as `(name, value)` pairs in input order. Names keep their case; lookups ignore it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    /// The value of the first tag whose name equals `name`, ignoring case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// True when there are no tags.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An ARM resource of any type, user-assigned identities included.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    /// The lower-cased ARM id.
    pub id: Key,
    /// The name as the export spells it.
    pub name: String,
    /// The type in ARM casing when known (`Microsoft.Web/sites`), else as read.
    pub resource_type: String,
    /// `kind` (`app`, `functionapp,linux`, ...), when the export has it.
    pub kind: Option<String>,
    /// The normalised region (`westeurope`), when known.
    pub region: Option<String>,
    /// Tags.
    pub tags: Tags,
    /// Where it was read first.
    pub origin: Origin,
    /// Known only because another object names it (a consumer's identity map, a Graph
    /// `alternativeNames` entry): its name and type come from the id alone. A record of the
    /// resource itself replaces it.
    pub implied: bool,
}

impl Resource {
    /// A resource known only by its id, named by `origin`.
    pub fn implied(id: Key, text: &str, origin: Origin) -> Resource {
        Resource {
            id,
            name: crate::arm::last_segment(text).to_owned(),
            resource_type: crate::arm::resource_type(text).unwrap_or_default(),
            kind: None,
            region: None,
            tags: Tags::default(),
            origin,
            implied: true,
        }
    }
}

/// `properties.isolationScope` of a user-assigned identity.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum IsolationScope {
    /// Usable by sources in any region (the default).
    None,
    /// Usable only by sources in the identity's own region.
    Regional,
    /// The export does not say (older API versions lack the property).
    #[default]
    Unknown,
}

/// The identity-specific facts of a user-assigned managed identity. Its name, region and tags
/// are those of the [`Resource`] with the same id.
#[derive(Clone, Debug, PartialEq)]
pub struct UserAssignedIdentity {
    /// The identity's ARM id (also a resource).
    pub id: Key,
    /// Object id of its service principal: the key role assignments use.
    pub principal_id: Option<Key>,
    /// Application (client) id.
    pub client_id: Option<Key>,
    /// Home tenant.
    pub tenant_id: Option<Key>,
    /// Isolation scope.
    pub isolation_scope: IsolationScope,
    /// `assignmentRestrictions.providers`, when set.
    pub assignment_restrictions: Option<Vec<String>>,
}

impl UserAssignedIdentity {
    /// An identity known only by its ARM id.
    pub fn new(id: Key) -> Self {
        Self {
            id,
            principal_id: None,
            client_id: None,
            tenant_id: None,
            isolation_scope: IsolationScope::Unknown,
            assignment_restrictions: None,
        }
    }
}

/// Which identity a source resource carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AttachedIdentity {
    /// Its system-assigned identity, with the principal id when the export has it.
    System {
        /// Object id of the system-assigned service principal.
        principal_id: Option<Key>,
    },
    /// A user-assigned identity, by ARM id.
    User(Key),
}

/// How an identity is attached to its source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AttachmentRole {
    /// The resource's own `identity` block.
    Resource,
    /// An AKS kubelet identity (`identityProfile.kubeletidentity`).
    Kubelet,
    /// An AKS add-on identity (`addonProfiles.<name>.identity`).
    Addon(String),
}

/// An identity attached to a source resource: code on the source can obtain its tokens.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Attachment {
    /// The source resource.
    pub source: Key,
    /// The identity.
    pub identity: AttachedIdentity,
    /// How it is attached.
    pub role: AttachmentRole,
}

/// What kind of directory object a principal is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum PrincipalKind {
    /// A person.
    User,
    /// A security group.
    Group,
    /// A group from another tenant.
    ForeignGroup,
    /// An application's service principal.
    ServicePrincipal,
    /// A managed identity's service principal.
    ManagedIdentity,
    /// A device.
    Device,
    /// Not known (or reported `Unknown`: typically deleted).
    #[default]
    Unknown,
}

impl PrincipalKind {
    /// Reads the spellings exports use (`User`, `ServicePrincipal`, `Unknown`, any case).
    pub fn parse(text: &str) -> Self {
        // Compared in place, not lower-cased: every role assignment has one.
        [Self::User, Self::Group, Self::ForeignGroup, Self::ServicePrincipal, Self::ManagedIdentity, Self::Device]
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(text))
            .unwrap_or(Self::Unknown)
    }

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
            Self::ForeignGroup => "ForeignGroup",
            Self::ServicePrincipal => "ServicePrincipal",
            Self::ManagedIdentity => "ManagedIdentity",
            Self::Device => "Device",
            Self::Unknown => "Unknown",
        }
    }
}

/// A directory object that can hold roles.
#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    /// Object id.
    pub id: Key,
    /// Kind.
    pub kind: PrincipalKind,
    /// Display name or UPN.
    pub display_name: Option<String>,
}

/// One permission block of a role definition.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Permission {
    /// Control-plane action patterns granted.
    pub actions: Vec<String>,
    /// Patterns removed from `actions` (not a deny).
    pub not_actions: Vec<String>,
    /// Data-plane action patterns granted.
    pub data_actions: Vec<String>,
    /// Patterns removed from `data_actions`.
    pub not_data_actions: Vec<String>,
}

/// A role definition, built-in or custom, keyed by its GUID.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleDefinition {
    /// The role's GUID (the trailing segment of any of its ids).
    pub id: Key,
    /// `roleName`.
    pub name: String,
    /// Built-in (same GUID in every tenant) rather than custom.
    pub builtin: bool,
    /// Permission blocks.
    pub permissions: Vec<Permission>,
    /// Where it may be assigned.
    pub assignable_scopes: Vec<Key>,
}

/// A role assignment's id. Nearly every one reads `{scope}/providers/Microsoft.Authorization/
/// roleAssignments/{GUID}`, and is kept as the key of that scope and the GUID: interning 200,000
/// such ids (each unique, some 230 bytes long) took two fifths of all interning (126 of 308 ms),
/// most of it by crowding the other ids out of the cache, and the model 40 MB (169 against
/// 130 MB; measured at 100,000 resources).
/// [`Inventory::assignment_id`] writes the id out again; any other id is interned.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AssignmentId {
    /// `{at}/providers/microsoft.authorization/roleassignments/{name}`.
    Named {
        /// The scope the id names (the assignment's scope, in every export seen).
        at: Key,
        /// The GUID, written out lower-cased and hyphenated.
        name: Uuid,
    },
    /// Any other id, interned.
    Other(Key),
}

/// What joins a role assignment's scope and GUID in its id (compared ignoring case).
const ASSIGNMENT_INFIX: &str = "/providers/microsoft.authorization/roleassignments/";

/// A role assignment: a principal holds a role at a scope.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleAssignment {
    /// The assignment's id (or its GUID when only that is known).
    pub id: AssignmentId,
    /// The scope, lower-cased (`/` for the root).
    pub scope: Key,
    /// Object id of the principal.
    pub principal: Key,
    /// The principal type the export reports; `None` when it reports none (AzureHound,
    /// templates). `Some(Unknown)` is Azure PowerShell's mark of a deleted principal.
    pub principal_type: Option<PrincipalKind>,
    /// `principalName` as exported: `Some("")` means the directory no longer knows the principal.
    pub principal_name: Option<String>,
    /// GUID of the role definition.
    pub role_definition: Key,
    /// The role name the export printed: a label for humans, never trusted over the GUID.
    pub role_name: Option<String>,
    /// ABAC condition, when set.
    pub condition: Option<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// A federated identity credential: an external issuer and subject trusted by a UAMI.
#[derive(Clone, Debug, PartialEq)]
pub struct FederatedCredential {
    /// Its ARM id.
    pub id: Key,
    /// The user-assigned identity that trusts it.
    pub identity: Key,
    /// Its name.
    pub name: String,
    /// Issuer URL.
    pub issuer: String,
    /// Subject, absent for claims-matching (flexible) credentials.
    pub subject: Option<String>,
    /// `claimsMatchingExpression.value`, for flexible credentials.
    pub claims_expression: Option<String>,
    /// Audiences.
    pub audiences: Vec<String>,
    /// Where it was read.
    pub origin: Origin,
}

/// A scope above resources: a management group, subscription or resource group. Their ids
/// say where they sit only partly: a subscription's management group, and every name a
/// person would recognise, come from exports of the scopes themselves.
#[derive(Clone, Debug, PartialEq)]
pub struct Scope {
    /// The scope's ARM id.
    pub id: Key,
    /// Its level.
    pub level: crate::arm::ScopeLevel,
    /// Its display name (a subscription's "Contoso Prod"), when known.
    pub name: Option<String>,
    /// The management group above it (for subscriptions and management groups), when known.
    pub parent: Option<Key>,
    /// Tags (resource groups and subscriptions carry them).
    pub tags: Tags,
}

/// A Key Vault access policy: vault-level data-plane permissions granted outside RBAC (vaults
/// not switched to the RBAC permission model).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessPolicy {
    /// The vault.
    pub vault: Key,
    /// The principal's object id.
    pub object_id: Key,
    /// Key permissions (`get`, `decrypt`, `all`, ...).
    pub keys: Vec<String>,
    /// Secret permissions.
    pub secrets: Vec<String>,
    /// Certificate permissions.
    pub certificates: Vec<String>,
    /// Storage permissions.
    pub storage: Vec<String>,
}

/// A group membership edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Membership {
    /// The group's object id.
    pub group: Key,
    /// The member's object id.
    pub member: Key,
}

/// A field that two inputs set to different values; the first value read is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The object's id.
    pub id: String,
    /// The field.
    pub field: &'static str,
    /// The value kept (read first).
    pub kept: String,
    /// The value ignored.
    pub ignored: String,
    /// Where the ignored value was read.
    pub origin: Origin,
}

/// The merged inventory of everything the inputs describe.
///
/// Objects are keyed by lower-cased id. Adding an object that is already present completes
/// the fields it lacked; a field that disagrees keeps its first value and is recorded in
/// [`Inventory::conflicts`].
#[derive(Debug, Default)]
pub struct Inventory {
    /// The interner of every id in the inventory.
    pub keys: Keys,
    resources: Vec<Resource>,
    resource_index: DenseIndex,
    identities: Vec<UserAssignedIdentity>,
    identity_index: HashMap<Key, usize>,
    principals: Vec<Principal>,
    principal_index: HashMap<Key, usize>,
    role_definitions: Vec<RoleDefinition>,
    role_definition_index: HashMap<Key, usize>,
    role_assignments: Vec<RoleAssignment>,
    role_assignment_index: HashMap<AssignmentId, u32>,
    federated_credentials: Vec<FederatedCredential>,
    federated_credential_index: HashMap<Key, usize>,
    attachments: Vec<Attachment>,
    attachment_index: HashMap<Attachment, ()>,
    memberships: Vec<Membership>,
    membership_index: HashMap<Membership, ()>,
    access_policies: Vec<AccessPolicy>,
    access_policy_index: HashMap<(Key, Key), usize>,
    scopes: Vec<Scope>,
    scope_index: HashMap<Key, usize>,
    conflicts: Vec<Conflict>,
    environment_mapping: EnvironmentMapping,
}

/// Where each resource sits in its list, by key. Keys are dense and every resource has its own
/// (resource ids are most of the keys), so a table indexed by key costs less than a hash map of
/// them and finds a resource without hashing.
#[derive(Debug, Default)]
struct DenseIndex(Vec<u32>);

impl DenseIndex {
    const ABSENT: u32 = u32::MAX;

    fn get(&self, key: Key) -> Option<usize> {
        self.0.get(key.index()).filter(|&&at| at != Self::ABSENT).map(|&at| at as usize)
    }

    /// Records that `key` sits at `at`, or returns where it already sits.
    fn insert_new(&mut self, key: Key, at: usize) -> Option<usize> {
        if let Some(existing) = self.get(key) {
            return Some(existing);
        }
        if self.0.len() <= key.index() {
            self.0.resize(key.index() + 1, Self::ABSENT);
        }
        self.0[key.index()] = u32::try_from(at).unwrap_or(Self::ABSENT);
        None
    }
}

/// Fills `slot` from `incoming` when empty; records a conflict when both are set and differ.
fn complete(
    slot: &mut Option<String>,
    incoming: Option<String>,
    field: &'static str,
    conflict: &mut dyn FnMut(&'static str, String, String),
) {
    match (slot.as_ref(), incoming) {
        (None, incoming) => *slot = incoming,
        (Some(kept), Some(new)) if *kept != new => conflict(field, kept.clone(), new),
        _ => {}
    }
}

impl Inventory {
    /// An empty inventory.
    pub fn new() -> Self {
        Self::default()
    }

    /// States the environment of a scope. A scope stated twice keeps its first environment;
    /// the second is recorded as a conflict.
    pub fn add_environment_scope(&mut self, scope: Key, environment: Environment, origin: Origin) {
        match self.environment_mapping.of_scope(scope) {
            None => self.environment_mapping.scopes.push((scope, environment, origin)),
            Some(kept) if kept != environment => self.conflicts.push(Conflict {
                id: self.keys.text(scope).to_owned(),
                field: "environment",
                kept: kept.as_str().to_owned(),
                ignored: environment.as_str().to_owned(),
                origin,
            }),
            Some(_) => {}
        }
    }

    /// Adds a tag name that states an environment (compared without case).
    pub fn add_environment_tag_name(&mut self, name: &str) {
        let names = &mut self.environment_mapping.tag_names;
        if !names.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            names.push(name.to_owned());
        }
    }

    /// Adds a word (tag value or name token) that means an environment; the first meaning wins.
    pub fn add_environment_word(&mut self, word: &str, environment: Environment) {
        let lower = word.to_ascii_lowercase();
        let words = &mut self.environment_mapping.words;
        if !words.iter().any(|(w, _)| *w == lower) {
            words.push((lower, environment));
        }
    }

    /// What the user said about environments.
    pub fn environment_mapping(&self) -> &EnvironmentMapping {
        &self.environment_mapping
    }

    /// Interns an id.
    pub fn key(&mut self, raw: &str) -> Key {
        self.keys.intern(raw)
    }

    /// The lower-cased text of a key.
    pub fn text(&self, key: Key) -> &str {
        self.keys.text(key)
    }

    /// The id of a role assignment read as `raw` (any case), which names `scope` (interned
    /// already) in every export seen; see [`AssignmentId`].
    pub fn assignment_key(&mut self, raw: &str, scope: Key) -> AssignmentId {
        let named = raw
            .len()
            .checked_sub(ASSIGNMENT_INFIX.len() + 36)
            .and_then(|cut| {
                Some((
                    raw.get(..cut)?,
                    raw.get(cut..cut + ASSIGNMENT_INFIX.len())?,
                    raw.get(cut + ASSIGNMENT_INFIX.len()..)?,
                ))
            })
            .filter(|(_, infix, _)| keys::equals_lowered(ASSIGNMENT_INFIX.as_bytes(), infix.as_bytes()))
            .and_then(|(at, _, name)| Some((at, Uuid::try_parse(name).ok()?)));
        match named {
            Some((at, name)) => {
                let same = keys::equals_lowered(self.text(scope).as_bytes(), at.as_bytes());
                let at = if same { scope } else { self.key(at) };
                AssignmentId::Named { at, name }
            }
            None => AssignmentId::Other(self.key(raw)),
        }
    }

    /// The lower-cased text of a role assignment's id.
    pub fn assignment_id(&self, id: AssignmentId) -> Cow<'_, str> {
        match id {
            AssignmentId::Named { at, name } => {
                Cow::Owned(format!("{}{ASSIGNMENT_INFIX}{}", self.text(at), name.hyphenated()))
            }
            AssignmentId::Other(key) => Cow::Borrowed(self.text(key)),
        }
    }

    /// Adds a resource, or completes the one with the same id.
    pub fn add_resource(&mut self, resource: Resource) {
        let Some(at) = self.resource_index.insert_new(resource.id, self.resources.len()) else {
            self.resources.push(resource);
            return;
        };
        let existing = &mut self.resources[at];
        if resource.implied {
            return;
        }
        if existing.implied {
            *existing = resource;
            return;
        }
        let id = self.keys.text(resource.id).to_owned();
        let mut conflicts = Vec::new();
        let origin = &resource.origin;
        let mut record = |field, kept, ignored| {
            conflicts.push(Conflict { id: id.clone(), field, kept, ignored, origin: origin.clone() })
        };
        complete(&mut existing.kind, resource.kind, "kind", &mut record);
        complete(&mut existing.region, resource.region, "region", &mut record);
        if existing.tags.is_empty() {
            existing.tags = resource.tags;
        }
        if existing.name.is_empty() {
            existing.name = resource.name;
        }
        // A generic type read from an id is completed by the real one.
        if !existing.resource_type.contains('/') {
            existing.resource_type = resource.resource_type;
        }
        self.conflicts.extend(conflicts);
    }

    /// Adds a user-assigned identity, or completes the one with the same id. Its principal id,
    /// when known, is a managed-identity principal. (Its name is the identity resource's; a copy
    /// here could go stale when a reference is replaced by the identity's own record.)
    pub fn add_identity(&mut self, identity: UserAssignedIdentity, origin: &Origin) {
        if let Some(principal) = identity.principal_id {
            self.add_principal(Principal { id: principal, kind: PrincipalKind::ManagedIdentity, display_name: None });
        }
        let at = match self.identity_index.entry(identity.id) {
            Entry::Occupied(slot) => *slot.get(),
            Entry::Vacant(slot) => {
                slot.insert(self.identities.len());
                self.identities.push(identity);
                return;
            }
        };
        let keys = &self.keys;
        let existing = &mut self.identities[at];
        let mut conflicts = Vec::new();
        let mut check = |field, kept: Option<Key>, incoming: Option<Key>| {
            if let (Some(kept), Some(incoming)) = (kept, incoming)
                && kept != incoming
            {
                conflicts.push(Conflict {
                    id: keys.text(identity.id).to_owned(),
                    field,
                    kept: keys.text(kept).to_owned(),
                    ignored: keys.text(incoming).to_owned(),
                    origin: origin.clone(),
                });
            }
        };
        check("principalId", existing.principal_id, identity.principal_id);
        check("clientId", existing.client_id, identity.client_id);
        check("tenantId", existing.tenant_id, identity.tenant_id);
        existing.principal_id = existing.principal_id.or(identity.principal_id);
        existing.client_id = existing.client_id.or(identity.client_id);
        existing.tenant_id = existing.tenant_id.or(identity.tenant_id);
        if existing.isolation_scope == IsolationScope::Unknown {
            existing.isolation_scope = identity.isolation_scope;
        }
        if existing.assignment_restrictions.is_none() {
            existing.assignment_restrictions = identity.assignment_restrictions;
        }
        self.conflicts.extend(conflicts);
    }

    /// Adds a principal, or completes the one with the same object id.
    pub fn add_principal(&mut self, principal: Principal) {
        let at = match self.principal_index.entry(principal.id) {
            Entry::Occupied(slot) => *slot.get(),
            Entry::Vacant(slot) => {
                slot.insert(self.principals.len());
                self.principals.push(principal);
                return;
            }
        };
        let existing = &mut self.principals[at];
        // A specific kind beats a generic one: a managed identity is also a service principal.
        let specific = |k: PrincipalKind| match k {
            PrincipalKind::Unknown => 0,
            PrincipalKind::ServicePrincipal => 1,
            _ => 2,
        };
        if specific(principal.kind) > specific(existing.kind) {
            existing.kind = principal.kind;
        }
        if existing.display_name.as_deref().is_none_or(str::is_empty) {
            existing.display_name = principal.display_name;
        }
    }

    /// Adds a role definition; a definition already present (by GUID) is kept.
    pub fn add_role_definition(&mut self, definition: RoleDefinition) {
        if let Some(&at) = self.role_definition_index.get(&definition.id) {
            let existing = &mut self.role_definitions[at];
            if existing.permissions.is_empty() {
                *existing = definition;
            }
            return;
        }
        self.role_definition_index.insert(definition.id, self.role_definitions.len());
        self.role_definitions.push(definition);
    }

    /// Adds a role assignment; one already present (by id) is completed.
    pub fn add_role_assignment(&mut self, assignment: RoleAssignment) {
        let next = u32::try_from(self.role_assignments.len()).unwrap_or(u32::MAX);
        let at = match self.role_assignment_index.entry(assignment.id) {
            Entry::Vacant(place) => {
                place.insert(next);
                self.role_assignments.push(assignment);
                return;
            }
            Entry::Occupied(found) => *found.get() as usize,
        };
        let existing = &mut self.role_assignments[at];
        if existing.principal_type.is_none() {
            existing.principal_type = assignment.principal_type;
        }
        if existing.principal_name.is_none() {
            existing.principal_name = assignment.principal_name;
        }
        if existing.role_name.is_none() {
            existing.role_name = assignment.role_name;
        }
        if existing.condition.is_none() {
            existing.condition = assignment.condition;
        }
    }

    /// Adds a federated credential; one already present (by id) is kept.
    pub fn add_federated_credential(&mut self, credential: FederatedCredential) {
        if self.federated_credential_index.contains_key(&credential.id) {
            return;
        }
        self.federated_credential_index.insert(credential.id, self.federated_credentials.len());
        self.federated_credentials.push(credential);
    }

    /// Records that `source` carries `identity` (once).
    pub fn add_attachment(&mut self, attachment: Attachment) {
        // A system-assigned identity seen first without, then with, its principal id is one.
        if let AttachedIdentity::System { principal_id: Some(p) } = attachment.identity {
            let bare = Attachment { identity: AttachedIdentity::System { principal_id: None }, ..attachment.clone() };
            if self.attachment_index.remove(&bare).is_some() {
                if let Some(slot) = self.attachments.iter_mut().find(|a| **a == bare) {
                    slot.identity = AttachedIdentity::System { principal_id: Some(p) };
                }
                self.attachment_index.insert(attachment, ());
                return;
            }
        }
        if let AttachedIdentity::System { principal_id: None } = attachment.identity {
            let has_known = self.attachments.iter().any(|a| {
                a.source == attachment.source
                    && a.role == attachment.role
                    && matches!(a.identity, AttachedIdentity::System { principal_id: Some(_) })
            });
            if has_known {
                return;
            }
        }
        if self.attachment_index.insert(attachment.clone(), ()).is_none() {
            self.attachments.push(attachment);
        }
    }

    /// Adds a scope, or completes the one with the same id.
    pub fn add_scope(&mut self, scope: Scope) {
        let Some(&at) = self.scope_index.get(&scope.id) else {
            self.scope_index.insert(scope.id, self.scopes.len());
            self.scopes.push(scope);
            return;
        };
        let existing = &mut self.scopes[at];
        if existing.name.is_none() {
            existing.name = scope.name;
        }
        if existing.parent.is_none() {
            existing.parent = scope.parent;
        }
        if existing.tags.is_empty() {
            existing.tags = scope.tags;
        }
    }

    /// Every scope read (management groups, subscriptions, resource groups).
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }

    /// The scope with this id.
    pub fn scope(&self, id: Key) -> Option<&Scope> {
        self.scope_index.get(&id).map(|&at| &self.scopes[at])
    }

    /// Adds a Key Vault access policy; a later policy for the same vault and principal
    /// replaces an earlier one (a vault holds one policy per principal).
    pub fn add_access_policy(&mut self, policy: AccessPolicy) {
        match self.access_policy_index.get(&(policy.vault, policy.object_id)) {
            Some(&at) => self.access_policies[at] = policy,
            None => {
                self.access_policy_index.insert((policy.vault, policy.object_id), self.access_policies.len());
                self.access_policies.push(policy);
            }
        }
    }

    /// Records that `member` belongs to `group` (once).
    pub fn add_membership(&mut self, membership: Membership) {
        if self.membership_index.insert(membership, ()).is_none() {
            self.memberships.push(membership);
        }
    }

    /// Every resource, user-assigned identities included, in the order first read.
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    /// The resource with this id.
    pub fn resource(&self, id: Key) -> Option<&Resource> {
        self.resource_index.get(id).map(|at| &self.resources[at])
    }

    /// Every user-assigned identity.
    pub fn identities(&self) -> &[UserAssignedIdentity] {
        &self.identities
    }

    /// The user-assigned identity with this ARM id.
    pub fn identity(&self, id: Key) -> Option<&UserAssignedIdentity> {
        self.identity_index.get(&id).map(|&at| &self.identities[at])
    }

    /// Every principal.
    pub fn principals(&self) -> &[Principal] {
        &self.principals
    }

    /// The principal with this object id.
    pub fn principal(&self, id: Key) -> Option<&Principal> {
        self.principal_index.get(&id).map(|&at| &self.principals[at])
    }

    /// Every role definition.
    pub fn role_definitions(&self) -> &[RoleDefinition] {
        &self.role_definitions
    }

    /// The role definition with this GUID.
    pub fn role_definition(&self, id: Key) -> Option<&RoleDefinition> {
        self.role_definition_index.get(&id).map(|&at| &self.role_definitions[at])
    }

    /// Every role assignment.
    pub fn role_assignments(&self) -> &[RoleAssignment] {
        &self.role_assignments
    }

    /// Every federated credential.
    pub fn federated_credentials(&self) -> &[FederatedCredential] {
        &self.federated_credentials
    }

    /// Every attachment of an identity to a source.
    pub fn attachments(&self) -> &[Attachment] {
        &self.attachments
    }

    /// Every source resource (one that carries at least one identity), each once, in key order.
    pub fn sources(&self) -> Vec<Key> {
        let mut sources: Vec<Key> = self.attachments.iter().map(|a| a.source).collect();
        sources.sort_unstable();
        sources.dedup();
        sources
    }

    /// Every group membership.
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// Every Key Vault access policy.
    pub fn access_policies(&self) -> &[AccessPolicy] {
        &self.access_policies
    }

    /// Fields on which inputs disagreed, with the value kept.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(file: u32) -> Origin {
        Origin::new(file, "")
    }

    #[test]
    fn assignment_ids_read_back_lower_cased() {
        let mut inventory = Inventory::new();
        let scope = inventory.key("/subscriptions/S1/resourceGroups/RG");
        let root = inventory.key("/");
        let keys_before = inventory.keys.len();
        let guid = "7F3C2A10-0B4E-4C7A-9D1E-5A6B7C8D9E0F";
        let cases = [
            (
                format!("/subscriptions/s1/resourcegroups/rg/providers/Microsoft.Authorization/roleAssignments/{guid}"),
                scope,
            ),
            (format!("/providers/Microsoft.Authorization/roleAssignments/{guid}"), root),
            // Another scope than the assignment's, a GUID without hyphens, no GUID at all.
            (format!("/subscriptions/S2/providers/Microsoft.Authorization/roleAssignments/{guid}"), scope),
            (
                "/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/7f3c2a100b4e4c7a9d1e5a6b7c8d9e0f"
                    .to_owned(),
                scope,
            ),
            ("/subscriptions/s1/providers/Microsoft.Authorization/roleAssignments/p:r".to_owned(), scope),
            ("7f3c2a10-0b4e-4c7a-9d1e-5a6b7c8d9e0f".to_owned(), scope),
            ("/providers/Microsoft.Authorization/roleAssignments/ümlaut-0b4e-4c7a-9d1e-5a6b7c8d9e0".to_owned(), scope),
        ];
        for (raw, scope) in &cases {
            let id = inventory.assignment_key(raw, *scope);
            assert_eq!(inventory.assignment_id(id), raw.to_lowercase(), "{raw}");
            assert_eq!(inventory.assignment_key(&raw.to_uppercase(), *scope), id, "{raw} in upper case");
        }
        let named = inventory.assignment_key(&cases[0].0, scope);
        assert!(matches!(named, AssignmentId::Named { at, .. } if at == scope), "{named:?}");
        // The root's id names "" (the root is "/"), the third another scope, the last four are odd.
        assert_eq!(inventory.keys.len(), keys_before + 6, "only other scopes and odd ids are interned");
    }

    #[test]
    fn json_paths_read_back_as_written() {
        for path in ["", "/", "/0", "/7", "/42", "/007", "/-1", "/+1", "/1a", "/value/3", "/4294967296"] {
            assert_eq!(JsonPath::new(path).to_string(), path);
        }
        assert_eq!(JsonPath::new("/42"), JsonPath::Element(42));
        assert_eq!(JsonPath::new("/4294967296"), JsonPath::Text("/4294967296".into()), "beyond u32");
        assert_eq!(JsonPath::new("/value/3"), "/value/3");
    }

    fn resource(inv: &mut Inventory, id: &str, region: Option<&str>) -> Resource {
        Resource {
            id: inv.key(id),
            name: crate::arm::last_segment(id).to_owned(),
            resource_type: crate::arm::resource_type(id).unwrap_or_default(),
            kind: None,
            region: region.map(str::to_owned),
            tags: Tags::default(),
            origin: origin(0),
            implied: false,
        }
    }

    #[test]
    fn the_same_resource_from_two_files_is_one_completed_object() {
        let mut inv = Inventory::new();
        let a = resource(&mut inv, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/App", None);
        let mut b = resource(
            &mut inv,
            "/SUBSCRIPTIONS/s/resourcegroups/RG/providers/microsoft.web/sites/app",
            Some("westeurope"),
        );
        b.kind = Some("app".into());
        inv.add_resource(a);
        inv.add_resource(b);
        assert_eq!(inv.resources().len(), 1);
        let merged = &inv.resources()[0];
        assert_eq!(merged.region.as_deref(), Some("westeurope"));
        assert_eq!(merged.kind.as_deref(), Some("app"));
        assert_eq!(merged.name, "App");
        assert!(inv.conflicts().is_empty());
    }

    #[test]
    fn conflicting_fields_keep_the_first_value_and_say_so() {
        let mut inv = Inventory::new();
        let a = resource(
            &mut inv,
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app",
            Some("westeurope"),
        );
        let mut b =
            resource(&mut inv, "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", Some("eastus"));
        b.origin = origin(1);
        inv.add_resource(a);
        inv.add_resource(b);
        assert_eq!(inv.resources()[0].region.as_deref(), Some("westeurope"));
        let conflict = &inv.conflicts()[0];
        assert_eq!(conflict.field, "region");
        assert_eq!(conflict.origin.file, 1);
        assert!(conflict.kept.contains("westeurope") && conflict.ignored.contains("eastus"));
    }

    #[test]
    fn a_record_of_the_resource_replaces_one_implied_by_a_reference() {
        let mut inv = Inventory::new();
        let text = "/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ID-A";
        let id = inv.key(text);
        inv.add_resource(Resource::implied(id, text, origin(0)));
        let mut real = resource(&mut inv, &text.replace("ID-A", "id-a"), Some("westeurope"));
        real.origin = origin(1);
        inv.add_resource(real);
        inv.add_resource(Resource::implied(id, text, origin(2)));
        let merged = inv.resource(id).unwrap();
        assert_eq!((merged.name.as_str(), merged.implied, merged.origin.file), ("id-a", false, 1));
        assert!(inv.conflicts().is_empty());
    }

    #[test]
    fn identity_fields_complete_across_inputs() {
        let mut inv = Inventory::new();
        let id = inv
            .key("/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a");
        let principal = inv.key("11111111-1111-1111-1111-111111111111");
        inv.add_identity(UserAssignedIdentity::new(id), &origin(0));
        inv.add_identity(
            UserAssignedIdentity {
                principal_id: Some(principal),
                isolation_scope: IsolationScope::Regional,
                ..UserAssignedIdentity::new(id)
            },
            &origin(1),
        );
        let merged = inv.identity(id).unwrap();
        assert_eq!(merged.principal_id, Some(principal));
        assert_eq!(merged.isolation_scope, IsolationScope::Regional);
        assert_eq!(inv.identities().len(), 1);
    }

    #[test]
    fn a_system_identity_learns_its_principal_id_once() {
        let mut inv = Inventory::new();
        let source = inv.key("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm");
        let p = inv.key("22222222-2222-2222-2222-222222222222");
        let bare = Attachment {
            source,
            identity: AttachedIdentity::System { principal_id: None },
            role: AttachmentRole::Resource,
        };
        let known = Attachment { identity: AttachedIdentity::System { principal_id: Some(p) }, ..bare.clone() };
        inv.add_attachment(bare.clone());
        inv.add_attachment(known.clone());
        inv.add_attachment(bare);
        inv.add_attachment(known.clone());
        assert_eq!(inv.attachments(), &[known]);
    }

    #[test]
    fn a_managed_identity_kind_beats_service_principal() {
        let mut inv = Inventory::new();
        let id = inv.key("33333333-3333-3333-3333-333333333333");
        inv.add_principal(Principal { id, kind: PrincipalKind::ManagedIdentity, display_name: None });
        inv.add_principal(Principal { id, kind: PrincipalKind::ServicePrincipal, display_name: Some("x".into()) });
        let p = inv.principal(id).unwrap();
        assert_eq!(p.kind, PrincipalKind::ManagedIdentity);
        assert_eq!(p.display_name.as_deref(), Some("x"));
    }
}
