//! AzureHound output: `{"data": [{"kind": "AZVM", "data": {...}}, ...], "meta": {"type": "azure"}}`.
//!
//! Each item wraps the same ARM and Graph objects the other exports carry (AzureHound v3
//! upper-cases ids, which interning folds away), so items are unwrapped and handed to the
//! common record reader. ARM role assignments come in per-scope lists that also repeat every
//! assignment inherited from above; they are the same assignment by id, and the inventory keeps
//! one. Kinds derived from the others (`AZVMContributor`, ...) and Entra directory roles are not
//! Azure RBAC and are counted, not read.

use std::collections::BTreeMap;

use blastmap_model::Membership;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::export;
use crate::sink::Sink;

#[derive(Deserialize)]
struct Item<'a> {
    #[serde(borrow)]
    kind: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RoleAssignments<'a> {
    #[serde(borrow, default)]
    role_assignments: Vec<Wrapped<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wrapped<'a> {
    #[serde(borrow)]
    role_assignment: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupMembers<'a> {
    #[serde(borrow)]
    group_id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    members: Vec<Member<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Member<'a> {
    #[serde(borrow)]
    group_member: Option<&'a RawValue>,
}

/// The kinds that wrap one ARM or Graph object the common reader understands.
const OBJECT_KINDS: [&str; 15] = [
    "AZVM",
    "AZVMScaleSet",
    "AZWebApp",
    "AZFunctionApp",
    "AZLogicApp",
    "AZAutomationAccount",
    "AZContainerRegistry",
    "AZManagedCluster",
    "AZKeyVault",
    "AZStorageAccount",
    "AZServicePrincipal",
    "AZUser",
    "AZGroup",
    "AZResourceGroup",
    "AZSubscription",
];

/// True for an AzureHound envelope.
pub fn sniff(meta: Option<&RawValue>) -> bool {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(rename = "type")]
        kind: Option<String>,
    }
    meta.and_then(|raw| serde_json::from_str::<Meta>(raw.get()).ok())
        .and_then(|m| m.kind)
        .is_some_and(|k| k.eq_ignore_ascii_case("azure"))
}

/// Reads the items of an AzureHound file.
pub fn read(text: &str, items: &[&RawValue], sink: &mut Sink<'_>) {
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    for (index, raw) in items.iter().enumerate() {
        let path = format!("/data/{index}");
        let item = match serde_json::from_str::<Item<'_>>(raw.get()) {
            Ok(Item { kind, data: Some(data) }) => (kind, data),
            Ok(Item { kind, data: None }) => {
                *skipped.entry(kind.into_owned()).or_default() += 1;
                continue;
            }
            Err(error) => {
                sink.error(&path, format!("skipped: {}", crate::json_error_in(text, raw.get(), &error)));
                continue;
            }
        };
        let (kind, data) = item;
        let data_path = format!("{path}/data");
        if OBJECT_KINDS.contains(&kind.as_ref()) {
            if kind == "AZSubscription" || kind == "AZResourceGroup" {
                // Scopes, not resources: their ids name them; nothing to read.
                continue;
            }
            let graph_type = match kind.as_ref() {
                "AZUser" => Some("#microsoft.graph.user"),
                "AZGroup" => Some("#microsoft.graph.group"),
                "AZServicePrincipal" => Some("#microsoft.graph.servicePrincipal"),
                _ => None,
            };
            export::read_one(text, data, &data_path, graph_type, sink);
        } else if kind.starts_with("AZ") && kind.ends_with("RoleAssignment") && kind != "AZRoleAssignment" {
            read_role_assignments(text, data, &data_path, sink);
        } else if kind == "AZGroupMember" {
            read_group_members(text, data, &data_path, sink);
        } else {
            *skipped.entry(kind.into_owned()).or_default() += 1;
        }
    }
    if !skipped.is_empty() {
        let kinds: Vec<String> = skipped.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        sink.info("/data", format!("not Azure RBAC, or derived from other items, so not read: {}", kinds.join(", ")));
    }
}

fn read_role_assignments(text: &str, data: &RawValue, path: &str, sink: &mut Sink<'_>) {
    let Ok(list) = serde_json::from_str::<RoleAssignments<'_>>(data.get()) else {
        sink.error(path, "a role assignment list without `roleAssignments`; skipped".to_owned());
        return;
    };
    for (index, wrapped) in list.role_assignments.iter().enumerate() {
        if let Some(raw) = wrapped.role_assignment {
            export::read_one(text, raw, &format!("{path}/roleAssignments/{index}/roleAssignment"), None, sink);
        }
    }
}

fn read_group_members(text: &str, data: &RawValue, path: &str, sink: &mut Sink<'_>) {
    let Ok(list) = serde_json::from_str::<GroupMembers<'_>>(data.get()) else {
        sink.error(path, "a group member list without `groupId`; skipped".to_owned());
        return;
    };
    let Some(group_id) = list.group_id else { return };
    let group = sink.inventory.key(&group_id);
    for (index, member) in list.members.iter().enumerate() {
        let Some(raw) = member.group_member else { continue };
        let member_path = format!("{path}/members/{index}/groupMember");
        #[derive(Deserialize)]
        struct Id<'a> {
            #[serde(borrow)]
            id: Option<std::borrow::Cow<'a, str>>,
        }
        let Some(id) = serde_json::from_str::<Id<'_>>(raw.get()).ok().and_then(|m| m.id) else { continue };
        export::read_one(text, raw, &member_path, None, sink);
        let member = sink.inventory.key(&id);
        sink.add_membership(Membership { group, member });
    }
}
