//! Writes the tenant as the four JSON files the az CLI would print.
//!
//! Each file is a JSON array of objects whose keys are in alphabetical order (az
//! prints with `sort_keys`), pretty-printed with two-space indentation. The output
//! structs declare their fields alphabetically and borrow from the tenant; the arrays
//! are streamed with `collect_seq`, so no JSON tree is ever built.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::catalog::{CUSTOM_TEMPLATES, MANAGEMENT_GROUP};
use crate::rng::Stamp;
use crate::tenant::{Assignment, Case, Principal, Res, RoleRef, Scope, Sku, Tags, Tenant};

/// Serializes `value` as az does: two-space pretty JSON and a final newline.
fn to_bytes<T: Serialize>(value: &T, capacity: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(capacity);
    // Writing to a Vec cannot fail, and every map key here is a string.
    if serde_json::to_writer_pretty(&mut out, value).is_err() {
        out.clear();
        out.extend_from_slice(b"[]");
    }
    out.push(b'\n');
    out
}

/// A JSON array streamed from rows made on demand (`Serialize` takes `&self`, so the
/// iterator is rebuilt by the closure rather than consumed).
struct Streamed<F>(F);

impl<F, I> Serialize for Streamed<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// `az resource list`.
pub(crate) fn resource_list(t: &Tenant) -> Vec<u8> {
    to_bytes(&Streamed(|| t.resources.iter().map(|r| resource_out(t, r))), t.resources.len() * 900)
}

/// `az identity list`.
pub(crate) fn identity_list(t: &Tenant) -> Vec<u8> {
    let rows = || {
        t.uamis.iter().map(|u| {
            let r = &t.resources[u.res];
            IdentityOut {
                client_id: &u.client_id,
                id: t.res_id(u.res, Case::LowerRg),
                isolation_scope: u.isolation,
                location: r.location,
                name: &r.name,
                principal_id: &u.principal_id,
                resource_group: &t.rgs[r.rg].name,
                system_data: u.system_data.as_ref().map(|d| SystemDataOut {
                    created_at: d.created_at.arm(),
                    created_by: &d.created_by,
                    created_by_type: d.created_by_type,
                    last_modified_at: d.modified_at.arm(),
                    last_modified_by: &d.created_by,
                    last_modified_by_type: d.created_by_type,
                }),
                tags: TagsOut { tags: &r.tags, null_as_empty: true },
                tenant_id: &t.tenant_id,
                kind: "Microsoft.ManagedIdentity/userAssignedIdentities",
            }
        })
    };
    to_bytes(&Streamed(rows), t.uamis.len() * 800)
}

/// `az role assignment list --all`.
pub(crate) fn role_assignment_list(t: &Tenant) -> Vec<u8> {
    to_bytes(&Streamed(|| t.assignments.iter().map(|a| AssignmentRow(t, a))), t.assignments.len() * 1300)
}

/// One role assignment, turned into its output object while serializing (the object
/// borrows the scope string built here).
struct AssignmentRow<'a>(&'a Tenant, &'a Assignment);

impl Serialize for AssignmentRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (t, a) = (self.0, self.1);
        let (scope, rg_name, sub) = match a.scope {
            Scope::Root => ("/".to_string(), None, 0),
            Scope::Mg => (format!("/providers/Microsoft.Management/managementGroups/{MANAGEMENT_GROUP}"), None, 0),
            Scope::Sub(s) => (format!("/subscriptions/{}", t.subs[s].id), None, s),
            Scope::Rg(rg) => (t.rg_id(rg, a.case), Some(t.rg_name(rg, a.case)), t.rgs[rg].sub),
            Scope::Res(r) => {
                let rg = t.resources[r].rg;
                (t.res_id(r, a.case), Some(t.rg_name(rg, a.case)), t.rgs[rg].sub)
            }
        };
        // At the root the id is "/providers/...", not "//providers/...".
        let prefix = if scope == "/" { "" } else { scope.as_str() };
        let (role_guid, role_name) = match a.role {
            RoleRef::BuiltIn(b) => (b.guid, b.name),
            RoleRef::Custom(c) => {
                let role = &t.custom_roles[c];
                (role.guid.as_str(), CUSTOM_TEMPLATES[role.template].name)
            }
        };
        let (principal_id, principal_name, principal_type) = principal_fields(t, &a.principal);
        let created_by = match &a.created_by {
            Some(p) => principal_fields(t, p).0,
            None => "",
        };
        RoleAssignmentOut {
            condition: a.condition,
            condition_version: a.condition.map(|_| "2.0"),
            created_by,
            created_on: a.created.az(),
            delegated_managed_identity_resource_id: None,
            description: a.description,
            id: Cat([prefix, "/providers/Microsoft.Authorization/roleAssignments/", &a.guid]),
            name: &a.guid,
            principal_id,
            principal_name,
            principal_type,
            resource_group: rg_name.as_deref(),
            role_definition_id: Cat([
                "/subscriptions/",
                &t.subs[sub].id,
                "/providers/Microsoft.Authorization/roleDefinitions/",
                role_guid,
            ]),
            role_definition_name: role_name,
            scope: &scope,
            kind: "Microsoft.Authorization/roleAssignments",
            updated_by: created_by,
            updated_on: a.created.az(),
        }
        .serialize(s)
    }
}

/// `az role definition list --custom-role-only true`.
pub(crate) fn role_definition_list(t: &Tenant) -> Vec<u8> {
    let first_sub = t.subs.first().map_or("", |s| s.id.as_str());
    let list: Vec<RoleDefinitionOut<'_>> = t
        .custom_roles
        .iter()
        .map(|c| {
            let tpl = &CUSTOM_TEMPLATES[c.template];
            let by = t.users[c.created_by].object_id.as_str();
            RoleDefinitionOut {
                assignable_scopes: &c.assignable,
                created_by: by,
                created_on: c.created.az(),
                description: tpl.description,
                id: format!("/subscriptions/{first_sub}/providers/Microsoft.Authorization/roleDefinitions/{}", c.guid),
                name: &c.guid,
                permissions: [PermissionOut {
                    actions: tpl.actions,
                    condition: None,
                    condition_version: None,
                    data_actions: tpl.data_actions,
                    not_actions: tpl.not_actions,
                    not_data_actions: &[],
                }],
                role_name: tpl.name,
                role_type: "CustomRole",
                system_data: None,
                kind: "Microsoft.Authorization/roleDefinitions",
                updated_by: by,
                updated_on: c.updated.az(),
            }
        })
        .collect();
    to_bytes(&list, 4096 + list.len() * 1500)
}

/// principalId, principalName (as the CLI fills it from Graph) and principalType.
fn principal_fields<'a>(t: &'a Tenant, p: &'a Principal) -> (&'a str, &'a str, &'static str) {
    match p {
        Principal::Uami(u) => {
            let x = &t.uamis[*u];
            (&x.principal_id, &x.client_id, "ServicePrincipal")
        }
        Principal::System(s) => match t.resources[*s].identity.as_ref().and_then(|i| i.system.as_ref()) {
            Some(sys) => (&sys.principal_id, &sys.client_id, "ServicePrincipal"),
            None => ("", "", "ServicePrincipal"),
        },
        Principal::User(u) => (&t.users[*u].object_id, &t.users[*u].name, "User"),
        Principal::Group(g) => (&t.groups[*g].object_id, &t.groups[*g].name, "Group"),
        Principal::App(a) => (&t.apps_sps[*a].object_id, &t.apps_sps[*a].name, "ServicePrincipal"),
        Principal::Orphan(id, ty) => (id, "", ty),
    }
}

fn resource_out<'a>(t: &'a Tenant, r: &'a Res) -> ResourceOut<'a> {
    let identity = r.identity.as_ref().map(|i| {
        let user = if i.user.is_empty() {
            None
        } else {
            let mut map = BTreeMap::new();
            for a in &i.user {
                let u = &t.uamis[a.uami];
                map.insert(
                    t.res_id(u.res, a.case),
                    UserAssignedOut { client_id: &u.client_id, principal_id: &u.principal_id },
                );
            }
            Some(map)
        };
        let (principal_id, tenant_id) = match &i.system {
            Some(s) => (Some(s.principal_id.as_str()), Some(t.tenant_id.as_str())),
            None => (None, i.ua_tenant.then_some(t.tenant_id.as_str())),
        };
        IdentityBlockOut { principal_id, tenant_id, kind: i.type_str(), user_assigned_identities: user }
    });
    ResourceOut {
        changed_time: r.changed.az(),
        created_time: r.created.az(),
        extended_location: None,
        id: &r.id,
        identity,
        kind: r.az_kind,
        location: r.location,
        managed_by: r.managed_by.map(|m| t.resources[m].id.as_str()),
        name: &r.name,
        plan: None,
        properties: None,
        provisioning_state: "Succeeded",
        resource_group: &t.rgs[r.rg].name,
        sku: r.sku.as_ref().map(SkuOut),
        tags: TagsOut { tags: &r.tags, null_as_empty: false },
        kind_type: r.kind.arm_type(),
    }
}

/// One object of `az resource list`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResourceOut<'a> {
    changed_time: Stamp,
    created_time: Stamp,
    extended_location: Option<()>,
    id: &'a str,
    identity: Option<IdentityBlockOut<'a>>,
    kind: Option<&'static str>,
    location: &'a str,
    managed_by: Option<&'a str>,
    name: &'a str,
    plan: Option<()>,
    properties: Option<()>,
    provisioning_state: &'static str,
    resource_group: &'a str,
    sku: Option<SkuOut<'a>>,
    tags: TagsOut<'a>,
    #[serde(rename = "type")]
    kind_type: &'static str,
}

/// A resource's `identity` block.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityBlockOut<'a> {
    principal_id: Option<&'a str>,
    tenant_id: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    user_assigned_identities: Option<BTreeMap<String, UserAssignedOut<'a>>>,
}

/// A value of the `userAssignedIdentities` map.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserAssignedOut<'a> {
    client_id: &'a str,
    principal_id: &'a str,
}

/// A string written as the concatenation of its parts, without allocating.
struct Cat<'a, const N: usize>([&'a str; N]);

impl<const N: usize> std::fmt::Display for Cat<'_, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|part| f.write_str(part))
    }
}

impl<const N: usize> Serialize for Cat<'_, N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A SKU with every key az prints.
struct SkuOut<'a>(&'a Sku);

impl Serialize for SkuOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let k = self.0;
        let mut m = s.serialize_map(Some(6))?;
        m.serialize_entry("capacity", &k.capacity)?;
        m.serialize_entry("family", &k.family)?;
        m.serialize_entry("model", &None::<&str>)?;
        m.serialize_entry("name", k.name)?;
        m.serialize_entry("size", &k.size)?;
        m.serialize_entry("tier", &k.tier)?;
        m.end()
    }
}

/// Tags as `null`, `{}` or a sorted map.
struct TagsOut<'a> {
    tags: &'a Tags,
    null_as_empty: bool,
}

impl Serialize for TagsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.tags {
            Tags::Null if !self.null_as_empty => s.serialize_none(),
            Tags::Null | Tags::Empty => s.serialize_map(Some(0))?.end(),
            Tags::Map(pairs) => {
                let mut m = s.serialize_map(Some(pairs.len()))?;
                for (k, v) in pairs {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
    }
}

/// One object of `az identity list` (properties flattened by the CLI).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityOut<'a> {
    client_id: &'a str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    isolation_scope: Option<&'static str>,
    location: &'a str,
    name: &'a str,
    principal_id: &'a str,
    resource_group: &'a str,
    system_data: Option<SystemDataOut<'a>>,
    tags: TagsOut<'a>,
    tenant_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// ARM's `systemData`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SystemDataOut<'a> {
    created_at: Stamp,
    created_by: &'a str,
    created_by_type: &'static str,
    last_modified_at: Stamp,
    last_modified_by: &'a str,
    last_modified_by_type: &'static str,
}

/// One object of `az role assignment list --all`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleAssignmentOut<'a> {
    condition: Option<&'static str>,
    condition_version: Option<&'static str>,
    created_by: &'a str,
    created_on: Stamp,
    delegated_managed_identity_resource_id: Option<&'a str>,
    description: Option<&'static str>,
    id: Cat<'a, 3>,
    name: &'a str,
    principal_id: &'a str,
    principal_name: &'a str,
    principal_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_group: Option<&'a str>,
    role_definition_id: Cat<'a, 4>,
    role_definition_name: &'a str,
    scope: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    updated_by: &'a str,
    updated_on: Stamp,
}

/// One object of `az role definition list`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleDefinitionOut<'a> {
    assignable_scopes: &'a [String],
    created_by: &'a str,
    created_on: Stamp,
    description: &'static str,
    id: String,
    name: &'a str,
    permissions: [PermissionOut; 1],
    role_name: &'static str,
    role_type: &'static str,
    system_data: Option<()>,
    #[serde(rename = "type")]
    kind: &'static str,
    updated_by: &'a str,
    updated_on: Stamp,
}

/// One permission block of a role definition.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PermissionOut {
    actions: &'static [&'static str],
    condition: Option<()>,
    condition_version: Option<()>,
    data_actions: &'static [&'static str],
    not_actions: &'static [&'static str],
    not_data_actions: &'static [&'static str],
}
