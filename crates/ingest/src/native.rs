//! Blastmap's own inventory format, `blastmap/inventory/v1`: read and written.
//!
//! It is the canonical model as JSON, simple enough for an architect to sketch a design by
//! hand (see `docs/inventory-format.md` and its JSON Schema). Every array is optional. Each
//! element is read on its own, so one bad element costs only itself.
//!
//! The environment mapping (which scopes, tag names and words mean dev, uat, prod) is the
//! inventory's `environments` object, or a file of its own, `blastmap/environments/v1`, so
//! that a team can keep one mapping beside its exports.

use std::borrow::Cow;
use std::collections::BTreeMap;

use blastmap_model::{
    AccessPolicy, AttachedIdentity, Attachment, AttachmentRole, FederatedCredential, Inventory, IsolationScope,
    Membership, Permission, Principal, PrincipalKind, Resource, RoleAssignment, RoleDefinition, Scope, Tags,
    UserAssignedIdentity, arm,
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::sink::Sink;
use crate::{Format, TopObject};

/// The value of `schema` this module reads and writes.
pub const SCHEMA: &str = "blastmap/inventory/v1";

/// The `schema` of a file holding only an environment mapping.
pub const ENVIRONMENTS_SCHEMA: &str = "blastmap/environments/v1";

type Str<'a> = Cow<'a, str>;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceJson<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    name: Option<Str<'a>>,
    #[serde(borrow, default, rename = "type", skip_serializing_if = "Option::is_none")]
    resource_type: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    kind: Option<Str<'a>>,
    #[serde(borrow, default)]
    region: Option<Str<'a>>,
    #[serde(borrow, default)]
    tags: BTreeMap<Str<'a>, Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    identity: Option<IdentityBlock<'a>>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct IdentityBlock<'a> {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    system_assigned: bool,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    principal_id: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    user_assigned: Vec<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    kubelet: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "BTreeMap::is_empty")]
    addons: BTreeMap<Str<'a>, Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IdentityJson<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    name: Option<Str<'a>>,
    #[serde(borrow, default, rename = "type", skip_serializing_if = "Option::is_none")]
    resource_type: Option<Str<'a>>,
    #[serde(borrow, default)]
    region: Option<Str<'a>>,
    #[serde(borrow, default)]
    tags: BTreeMap<Str<'a>, Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    principal_id: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    client_id: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    tenant_id: Option<Str<'a>>,
    #[serde(borrow, default)]
    isolation_scope: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    assignment_restrictions: Option<Vec<Str<'a>>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PrincipalJson<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, rename = "type", default)]
    kind: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    display_name: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    members: Vec<Str<'a>>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct PermissionJson<'a> {
    #[serde(borrow, default)]
    actions: Vec<Str<'a>>,
    #[serde(borrow, default)]
    not_actions: Vec<Str<'a>>,
    #[serde(borrow, default)]
    data_actions: Vec<Str<'a>>,
    #[serde(borrow, default)]
    not_data_actions: Vec<Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleDefinitionJson<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, default)]
    name: Option<Str<'a>>,
    #[serde(default)]
    built_in: bool,
    #[serde(borrow, default)]
    permissions: Vec<PermissionJson<'a>>,
    #[serde(borrow, default)]
    assignable_scopes: Vec<Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleAssignmentJson<'a> {
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    scope: Str<'a>,
    #[serde(borrow)]
    principal_id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    principal_type: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    principal_name: Option<Str<'a>>,
    #[serde(borrow)]
    role_definition_id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    role_name: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    condition: Option<Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ScopeJson<'a> {
    #[serde(borrow)]
    id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    name: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    parent: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<Str<'a>, Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccessPolicyJson<'a> {
    #[serde(borrow)]
    vault: Str<'a>,
    #[serde(borrow)]
    object_id: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    keys: Vec<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    secrets: Vec<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    certificates: Vec<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    storage: Vec<Str<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FederatedCredentialJson<'a> {
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    id: Option<Str<'a>>,
    #[serde(borrow)]
    identity: Str<'a>,
    #[serde(borrow)]
    name: Str<'a>,
    #[serde(borrow)]
    issuer: Str<'a>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    subject: Option<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    claims_matching_expression: Option<Str<'a>>,
    #[serde(borrow, default)]
    audiences: Vec<Str<'a>>,
}

/// The `schema` of a top-level object, when it names a Blastmap inventory or environment
/// mapping (of any version).
pub fn schema_of<'a>(top: &TopObject<'a>) -> Option<String> {
    let raw = top.get("schema")?;
    let schema: String = serde_json::from_str(raw.get()).ok()?;
    (schema.starts_with("blastmap/inventory/") || schema.starts_with("blastmap/environments/")).then_some(schema)
}

/// An environment mapping: `{"scopes": {id: env}, "tagNames": [...], "words": {word: env}}`.
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EnvironmentsJson<'a> {
    #[serde(borrow, default, skip_serializing_if = "BTreeMap::is_empty")]
    scopes: BTreeMap<Str<'a>, Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "Vec::is_empty")]
    tag_names: Vec<Str<'a>>,
    #[serde(borrow, default, skip_serializing_if = "BTreeMap::is_empty")]
    words: BTreeMap<Str<'a>, Str<'a>>,
}

/// Reads an environment mapping found at `path` (`/environments` in an inventory, or the whole
/// file).
fn read_environments(raw: &RawValue, path: &str, sink: &mut Sink<'_>) {
    let json: EnvironmentsJson<'_> = match serde_json::from_str(raw.get()) {
        Ok(json) => json,
        Err(error) => {
            sink.error(path, format!("not an environment mapping ({error}); ignored"));
            return;
        }
    };
    let environment = |sink: &mut Sink<'_>, at: &str, word: &str| {
        let found = blastmap_model::Environment::from_word(word);
        if found.is_none() {
            sink.error(at, format!("{word:?} is not an environment (dev, test, uat, prod or a synonym); ignored"));
        }
        found
    };
    for (word, meaning) in &json.words {
        let at = format!("{path}/words/{}", pointer_token(word));
        if let Some(env) = environment(sink, &at, meaning) {
            sink.inventory.add_environment_word(word, env);
        }
    }
    for name in &json.tag_names {
        sink.inventory.add_environment_tag_name(name);
    }
    for (scope, meaning) in &json.scopes {
        let at = format!("{path}/scopes/{}", pointer_token(scope));
        // A bare subscription id is a subscription.
        let id = if crate::is_guid(scope) { format!("/subscriptions/{scope}") } else { scope.to_string() };
        let (Some(key), Some(env)) = (sink.scope(&at, &id), environment(sink, &at, meaning)) else { continue };
        let origin = sink.origin(&at);
        sink.inventory.add_environment_scope(key, env, origin);
    }
}

fn environments_json(inventory: &Inventory) -> Option<EnvironmentsJson<'_>> {
    let mapping = inventory.environment_mapping();
    let as_str = |env: blastmap_model::Environment| Cow::Borrowed(env.as_str());
    (!mapping.is_empty()).then(|| EnvironmentsJson {
        scopes: mapping.scopes.iter().map(|&(k, env, _)| (Cow::Borrowed(inventory.text(k)), as_str(env))).collect(),
        tag_names: mapping.tag_names.iter().map(|n| Cow::Borrowed(n.as_str())).collect(),
        words: mapping.words.iter().map(|(w, env)| (Cow::Borrowed(w.as_str()), as_str(*env))).collect(),
    })
}

/// A JSON Pointer reference token: `~` and `/` escaped (RFC 6901).
fn pointer_token(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

/// The inventory's keys besides `schema`: its arrays and the environment mapping.
const KEYS: [&str; 9] = [
    "environments",
    "resources",
    "identities",
    "principals",
    "roleDefinitions",
    "roleAssignments",
    "federatedCredentials",
    "accessPolicies",
    "scopes",
];

/// Reads a Blastmap inventory or environment mapping into the sink, and says which it was.
pub fn read(text: &str, top: &TopObject<'_>, schema: &str, sink: &mut Sink<'_>) -> Format {
    if schema.starts_with("blastmap/environments/") {
        if schema != ENVIRONMENTS_SCHEMA {
            sink.warning("/schema", format!("schema {schema:?} is not {ENVIRONMENTS_SCHEMA:?}; reading it as that"));
        }
        let rest: BTreeMap<&str, &RawValue> =
            top.iter().filter(|(k, _)| *k != "schema" && *k != "$schema").map(|(k, v)| (k.as_str(), *v)).collect();
        match serde_json::value::to_raw_value(&rest) {
            Ok(raw) => read_environments(&raw, "", sink),
            Err(error) => sink.error("", format!("not an environment mapping ({error})")),
        }
        return Format::EnvironmentMapping;
    }
    if schema != SCHEMA {
        sink.warning("/schema", format!("schema {schema:?} is not {SCHEMA:?}; reading it as {SCHEMA}"));
    }
    for key in top.keys().filter(|k| *k != "schema" && *k != "$schema" && !KEYS.contains(&k.as_str())) {
        sink.warning(&format!("/{key}"), format!("unknown top-level key {key:?} ignored"));
    }
    let elements = |sink: &mut Sink<'_>, name: &str| -> Vec<&RawValue> {
        let Some(raw) = top.get(name) else { return Vec::new() };
        serde_json::from_str(raw.get()).unwrap_or_else(|_| {
            sink.error(&format!("/{name}"), format!("{name} must be an array; ignored"));
            Vec::new()
        })
    };
    let resources = elements(sink, "resources");
    for_each(text, sink, "resources", &resources, read_resource);
    let identities = elements(sink, "identities");
    for_each(text, sink, "identities", &identities, read_identity);
    let principals = elements(sink, "principals");
    for_each(text, sink, "principals", &principals, read_principal);
    let role_definitions = elements(sink, "roleDefinitions");
    for_each(text, sink, "roleDefinitions", &role_definitions, read_role_definition);
    let role_assignments = elements(sink, "roleAssignments");
    for_each(text, sink, "roleAssignments", &role_assignments, read_role_assignment);
    let federated_credentials = elements(sink, "federatedCredentials");
    for_each(text, sink, "federatedCredentials", &federated_credentials, read_federated_credential);
    let access_policies = elements(sink, "accessPolicies");
    for_each(text, sink, "accessPolicies", &access_policies, read_access_policy);
    let scopes = elements(sink, "scopes");
    for_each(text, sink, "scopes", &scopes, read_scope);
    if let Some(raw) = top.get("environments") {
        read_environments(raw, "/environments", sink);
    }
    Format::BlastmapInventory
}

fn read_scope(sink: &mut Sink<'_>, path: &str, json: ScopeJson<'_>) {
    let Some(level) = arm::level(&json.id).filter(|l| !matches!(l, arm::ScopeLevel::Resource | arm::ScopeLevel::Root))
    else {
        sink.error(
            &format!("{path}/id"),
            format!("{:?} is not a management group, subscription or resource group; skipped", json.id),
        );
        return;
    };
    let id = sink.inventory.key(&json.id);
    let parent = match json.parent.as_deref() {
        Some(parent) if arm::level(parent) == Some(arm::ScopeLevel::ManagementGroup) => {
            Some(sink.inventory.key(parent))
        }
        Some(parent) => {
            sink.warning(&format!("{path}/parent"), format!("{parent:?} is not a management group; ignored"));
            None
        }
        None => None,
    };
    sink.add_scope(Scope { id, level, name: json.name.map(Cow::into_owned), parent, tags: tags(json.tags) });
}

fn read_access_policy(sink: &mut Sink<'_>, path: &str, json: AccessPolicyJson<'_>) {
    let Some(vault) = sink.arm_id(&format!("{path}/vault"), &json.vault) else { return };
    let owned = |v: Vec<Str<'_>>| v.into_iter().map(Cow::into_owned).collect();
    let policy = AccessPolicy {
        vault,
        object_id: sink.inventory.key(&json.object_id),
        keys: owned(json.keys),
        secrets: owned(json.secrets),
        certificates: owned(json.certificates),
        storage: owned(json.storage),
    };
    sink.add_access_policy(policy);
}

/// Parses each element as `T` and hands it on; an element that does not parse is reported and skipped.
fn for_each<'a, T: Deserialize<'a>>(
    text: &str,
    sink: &mut Sink<'_>,
    array: &str,
    elements: &[&'a RawValue],
    mut read: impl FnMut(&mut Sink<'_>, &str, T),
) {
    for (index, raw) in elements.iter().enumerate() {
        let path = format!("/{array}/{index}");
        match serde_json::from_str::<T>(raw.get()) {
            Ok(element) => read(sink, &path, element),
            Err(error) => sink.error(&path, format!("skipped: {}", crate::json_error_in(text, raw.get(), &error))),
        }
    }
}

fn tags(map: BTreeMap<Str<'_>, Str<'_>>) -> Tags {
    Tags(map.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
}

fn read_resource(sink: &mut Sink<'_>, path: &str, json: ResourceJson<'_>) {
    let Some(id) = sink.arm_id(path, &json.id) else { return };
    let origin = sink.origin(path);
    let resource = Resource {
        id,
        name: json.name.map_or_else(|| arm::last_segment(&json.id).to_owned(), Cow::into_owned),
        resource_type: json
            .resource_type
            .map(Cow::into_owned)
            .or_else(|| arm::resource_type(&json.id))
            .unwrap_or_default(),
        kind: json.kind.map(Cow::into_owned),
        region: json.region.as_deref().map(crate::normalize_region),
        tags: tags(json.tags),
        origin,
        implied: false,
    };
    let source = resource.id;
    sink.add_resource(resource);
    let Some(block) = json.identity else { return };
    if block.system_assigned || block.principal_id.is_some() {
        let principal_id = block.principal_id.map(|p| sink.inventory.key(&p));
        sink.add_attachment(Attachment {
            source,
            identity: AttachedIdentity::System { principal_id },
            role: AttachmentRole::Resource,
        });
    }
    let user = block.user_assigned.iter().map(|id| (id, AttachmentRole::Resource));
    let kubelet = block.kubelet.iter().map(|id| (id, AttachmentRole::Kubelet));
    let addons = block.addons.iter().map(|(name, id)| (id, AttachmentRole::Addon(name.clone().into_owned())));
    for (uami, role) in user.chain(kubelet).chain(addons).collect::<Vec<_>>() {
        let Some(identity) = sink.arm_id(&format!("{path}/identity"), uami) else { continue };
        sink.add_attachment(Attachment { source, identity: AttachedIdentity::User(identity), role });
    }
}

fn read_identity(sink: &mut Sink<'_>, path: &str, json: IdentityJson<'_>) {
    let Some(id) = sink.arm_id(path, &json.id) else { return };
    let origin = sink.origin(path);
    sink.add_resource(Resource {
        id,
        name: json.name.map_or_else(|| arm::last_segment(&json.id).to_owned(), Cow::into_owned),
        resource_type: json
            .resource_type
            .map_or_else(|| "Microsoft.ManagedIdentity/userAssignedIdentities".to_owned(), Cow::into_owned),
        kind: None,
        region: json.region.as_deref().map(crate::normalize_region),
        tags: tags(json.tags),
        origin: origin.clone(),
        implied: false,
    });
    let isolation_scope = match json.isolation_scope.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("regional") => IsolationScope::Regional,
        Some("none") => IsolationScope::None,
        None => IsolationScope::Unknown,
        Some(other) => {
            sink.warning(
                &format!("{path}/isolationScope"),
                format!("unknown isolation scope {other:?}; treated as unknown"),
            );
            IsolationScope::Unknown
        }
    };
    let key = |sink: &mut Sink<'_>, v: Option<Str<'_>>| v.map(|v| sink.inventory.key(&v));
    let identity = UserAssignedIdentity {
        principal_id: key(sink, json.principal_id),
        client_id: key(sink, json.client_id),
        tenant_id: key(sink, json.tenant_id),
        isolation_scope,
        assignment_restrictions: json.assignment_restrictions.map(|v| v.into_iter().map(Cow::into_owned).collect()),
        ..UserAssignedIdentity::new(id)
    };
    sink.add_identity(identity, &origin);
}

fn read_principal(sink: &mut Sink<'_>, _path: &str, json: PrincipalJson<'_>) {
    let id = sink.inventory.key(&json.id);
    let kind = json.kind.as_deref().map_or(PrincipalKind::Unknown, PrincipalKind::parse);
    sink.add_principal(Principal { id, kind, display_name: json.display_name.map(Cow::into_owned) });
    for member in &json.members {
        let member = sink.inventory.key(member);
        sink.add_membership(Membership { group: id, member });
    }
}

fn read_role_definition(sink: &mut Sink<'_>, _path: &str, json: RoleDefinitionJson<'_>) {
    let id = sink.inventory.key(arm::last_segment(&json.id));
    let permissions = json
        .permissions
        .into_iter()
        .map(|p| {
            let owned = |v: Vec<Str<'_>>| v.into_iter().map(Cow::into_owned).collect();
            Permission {
                actions: owned(p.actions),
                not_actions: owned(p.not_actions),
                data_actions: owned(p.data_actions),
                not_data_actions: owned(p.not_data_actions),
            }
        })
        .collect();
    let assignable_scopes = json.assignable_scopes.iter().map(|s| sink.inventory.key(s)).collect();
    sink.add_role_definition(RoleDefinition {
        id,
        name: json.name.map(Cow::into_owned).unwrap_or_default(),
        builtin: json.built_in,
        permissions,
        assignable_scopes,
    });
}

fn read_role_assignment(sink: &mut Sink<'_>, path: &str, json: RoleAssignmentJson<'_>) {
    let Some(scope) = sink.scope(format_args!("{path}/scope"), &json.scope) else { return };
    let role = arm::last_segment(&json.role_definition_id).to_owned();
    let id = sink.assignment_key(json.id.as_deref(), scope, &json.principal_id, &role);
    let assignment = RoleAssignment {
        id,
        scope,
        principal: sink.inventory.key(&json.principal_id),
        principal_type: json.principal_type.as_deref().map(PrincipalKind::parse),
        principal_name: json.principal_name.map(Cow::into_owned),
        role_definition: sink.inventory.key(&role),
        role_name: json.role_name.map(Cow::into_owned),
        condition: json.condition.map(Cow::into_owned),
        origin: sink.origin(path),
    };
    sink.add_role_assignment(assignment);
}

fn read_federated_credential(sink: &mut Sink<'_>, path: &str, json: FederatedCredentialJson<'_>) {
    let Some(identity) = sink.arm_id(&format!("{path}/identity"), &json.identity) else { return };
    let identity_text = sink.inventory.text(identity).to_owned();
    let id = match &json.id {
        Some(id) => sink.inventory.key(id),
        None => sink.inventory.key(&format!("{identity_text}/federatedIdentityCredentials/{}", json.name)),
    };
    let credential = FederatedCredential {
        id,
        identity,
        name: json.name.into_owned(),
        issuer: json.issuer.into_owned(),
        subject: json.subject.map(Cow::into_owned),
        claims_expression: json.claims_matching_expression.map(Cow::into_owned),
        audiences: json.audiences.into_iter().map(Cow::into_owned).collect(),
        origin: sink.origin(path),
    };
    sink.add_federated_credential(credential);
}

fn tags_json(tags: &Tags) -> BTreeMap<Str<'_>, Str<'_>> {
    tags.0.iter().map(|(k, v)| (Cow::Borrowed(k.as_str()), Cow::Borrowed(v.as_str()))).collect()
}

fn borrowed(strings: &[String]) -> Vec<Str<'_>> {
    strings.iter().map(|s| Cow::Borrowed(s.as_str())).collect()
}

/// Writes an inventory as `blastmap/inventory/v1` (pretty JSON, in inventory order).
pub fn write(inventory: &Inventory) -> String {
    let text = |k| Cow::Borrowed(inventory.text(k));
    let mut blocks: BTreeMap<usize, IdentityBlock<'_>> = BTreeMap::new();
    let position: std::collections::HashMap<_, _> =
        inventory.resources().iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    for attachment in inventory.attachments() {
        let Some(&at) = position.get(&attachment.source) else { continue };
        let block = blocks.entry(at).or_default();
        match (&attachment.identity, &attachment.role) {
            (AttachedIdentity::System { principal_id }, _) => {
                block.system_assigned = true;
                block.principal_id = principal_id.map(text);
            }
            (AttachedIdentity::User(id), AttachmentRole::Resource) => block.user_assigned.push(text(*id)),
            (AttachedIdentity::User(id), AttachmentRole::Kubelet) => block.kubelet = Some(text(*id)),
            (AttachedIdentity::User(id), AttachmentRole::Addon(name)) => {
                block.addons.insert(Cow::Borrowed(name.as_str()), text(*id));
            }
        }
    }
    let mut resources = Vec::new();
    let mut identities = Vec::new();
    for (at, resource) in inventory.resources().iter().enumerate() {
        if let Some(identity) = inventory.identity(resource.id) {
            identities.push(IdentityJson {
                id: text(resource.id),
                name: Some(Cow::Borrowed(&resource.name)),
                resource_type: Some(Cow::Borrowed(&resource.resource_type)),
                region: resource.region.as_deref().map(Cow::Borrowed),
                tags: tags_json(&resource.tags),
                principal_id: identity.principal_id.map(text),
                client_id: identity.client_id.map(text),
                tenant_id: identity.tenant_id.map(text),
                isolation_scope: match identity.isolation_scope {
                    IsolationScope::None => Some(Cow::Borrowed("None")),
                    IsolationScope::Regional => Some(Cow::Borrowed("Regional")),
                    IsolationScope::Unknown => None,
                },
                assignment_restrictions: identity
                    .assignment_restrictions
                    .as_ref()
                    .map(|v| v.iter().map(|s| Cow::Borrowed(s.as_str())).collect()),
            });
            if !blocks.contains_key(&at) {
                continue;
            }
        }
        resources.push(ResourceJson {
            id: text(resource.id),
            name: Some(Cow::Borrowed(&resource.name)),
            resource_type: Some(Cow::Borrowed(&resource.resource_type)),
            kind: resource.kind.as_deref().map(Cow::Borrowed),
            region: resource.region.as_deref().map(Cow::Borrowed),
            tags: tags_json(&resource.tags),
            identity: blocks.remove(&at),
        });
    }
    let mut members: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for m in inventory.memberships() {
        members.entry(m.group).or_default().push(text(m.member));
    }
    // Canonical order: reading `identities` creates their principals first, so input order
    // would not survive a round trip.
    let mut principals: Vec<_> = inventory.principals().iter().collect();
    principals.sort_by_key(|p| (p.kind, inventory.text(p.id)));
    let principals: Vec<_> = principals
        .into_iter()
        .map(|p| PrincipalJson {
            id: text(p.id),
            kind: Some(Cow::Borrowed(p.kind.as_str())),
            display_name: p.display_name.as_deref().map(Cow::Borrowed),
            members: members.remove(&p.id).unwrap_or_default(),
        })
        .collect();
    let role_definitions: Vec<_> = inventory
        .role_definitions()
        .iter()
        .map(|d| RoleDefinitionJson {
            id: text(d.id),
            name: Some(Cow::Borrowed(&d.name)),
            built_in: d.builtin,
            permissions: d
                .permissions
                .iter()
                .map(|p| PermissionJson {
                    actions: borrowed(&p.actions),
                    not_actions: borrowed(&p.not_actions),
                    data_actions: borrowed(&p.data_actions),
                    not_data_actions: borrowed(&p.not_data_actions),
                })
                .collect(),
            assignable_scopes: d.assignable_scopes.iter().map(|s| text(*s)).collect(),
        })
        .collect();
    let role_assignments: Vec<_> = inventory
        .role_assignments()
        .iter()
        .map(|a| RoleAssignmentJson {
            id: Some(inventory.assignment_id(a.id)),
            scope: text(a.scope),
            principal_id: text(a.principal),
            principal_type: a.principal_type.map(|k| Cow::Borrowed(k.as_str())),
            principal_name: a.principal_name.as_deref().map(Cow::Borrowed),
            role_definition_id: text(a.role_definition),
            role_name: a.role_name.as_deref().map(Cow::Borrowed),
            condition: a.condition.as_deref().map(Cow::Borrowed),
        })
        .collect();
    let federated_credentials: Vec<_> = inventory
        .federated_credentials()
        .iter()
        .map(|c| FederatedCredentialJson {
            id: Some(text(c.id)),
            identity: text(c.identity),
            name: Cow::Borrowed(&c.name),
            issuer: Cow::Borrowed(&c.issuer),
            subject: c.subject.as_deref().map(Cow::Borrowed),
            claims_matching_expression: c.claims_expression.as_deref().map(Cow::Borrowed),
            audiences: borrowed(&c.audiences),
        })
        .collect();
    let access_policies: Vec<_> = inventory
        .access_policies()
        .iter()
        .map(|p| AccessPolicyJson {
            vault: text(p.vault),
            object_id: text(p.object_id),
            keys: borrowed(&p.keys),
            secrets: borrowed(&p.secrets),
            certificates: borrowed(&p.certificates),
            storage: borrowed(&p.storage),
        })
        .collect();
    let scopes: Vec<_> = inventory
        .scopes()
        .iter()
        .map(|s| ScopeJson {
            id: text(s.id),
            name: s.name.as_deref().map(Cow::Borrowed),
            parent: s.parent.map(text),
            tags: tags_json(&s.tags),
        })
        .collect();
    let document = Written {
        schema: SCHEMA,
        resources,
        identities,
        principals,
        role_definitions,
        role_assignments,
        federated_credentials,
        access_policies,
        scopes,
        environments: environments_json(inventory),
    };
    // Serialising these plain structs with string keys cannot fail.
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Written<'a> {
    schema: &'static str,
    resources: Vec<ResourceJson<'a>>,
    identities: Vec<IdentityJson<'a>>,
    principals: Vec<PrincipalJson<'a>>,
    role_definitions: Vec<RoleDefinitionJson<'a>>,
    role_assignments: Vec<RoleAssignmentJson<'a>>,
    federated_credentials: Vec<FederatedCredentialJson<'a>>,
    access_policies: Vec<AccessPolicyJson<'a>>,
    scopes: Vec<ScopeJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    environments: Option<EnvironmentsJson<'a>>,
}
