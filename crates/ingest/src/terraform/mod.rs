//! Importer for Terraform: `terraform show -json` of a plan or of state, and raw
//! `terraform.tfstate` (version 4).
//!
//! # What is read
//!
//! * **Plans**: `planned_values` (root and child modules, recursively), `resource_changes`
//!   (`after`, with `after_unknown` saying what apply will decide), `prior_state` (for data
//!   sources read at plan time and resources left unchanged), `configuration` (root module,
//!   `module_calls` and module outputs, with each expression's `references`) and `variables`.
//!   A resource the plan deletes is not read: a plan is shown as it will be after apply, so
//!   `before` (what exists now) is never read either. A replaced resource is read as `after`.
//! * **State** (`terraform show -json` without a plan): `values.root_module` and its children.
//! * **Raw state** (`terraform.tfstate` v4): `resources[].instances[].attributes` of
//!   `mode: managed` resources, the instance address built from `module`, type, name and
//!   `index_key`.
//!
//! Every instance of an `azurerm_*` resource is translated into the ARM-shaped object az or the
//! REST API would show once it is deployed, and handed to the same importer as exports
//! ([`crate::export`]), so Terraform's resources, identities, attachments and role assignments
//! are built by the code that builds everyone else's:
//!
//! * `azurerm_user_assigned_identity` (managed or data): the identity, with `principal_id`,
//!   `client_id`, `tenant_id` and `isolation_scope` (an empty `isolation_scope` is Azure's
//!   default, `None`; a provider without the attribute leaves it unknown).
//! * The `identity` block of every resource: system-assigned (with its principal id) and
//!   user-assigned (`identity_ids`). AKS clusters also carry `kubelet_identity` and the add-on
//!   identities (`oms_agent`, `ingress_application_gateway`, `key_vault_secrets_provider`,
//!   `web_app_routing`, `aci_connector_linux`).
//! * `azurerm_role_assignment`: `scope`, `principal_id`, `principal_type`, `condition` and the
//!   role, from `role_definition_id` when it is known; otherwise `role_definition_name` resolved
//!   to a GUID through the built-in catalog (case-insensitively) or a role definition of the same
//!   file, and reported when it resolves to neither. A name is never trusted over an id.
//! * `azurerm_role_definition` (permissions, assignable scopes),
//!   `azurerm_federated_identity_credential` (`user_assigned_identity_id`, or `parent_id` before
//!   azurerm 4), `azurerm_key_vault_access_policy` and the inline `access_policy` blocks of
//!   `azurerm_key_vault`, resource groups and subscriptions (managed or data) as scopes.
//! * Every other `azurerm_*` resource, its ARM type and `kind` from its id or from a table
//!   ([`types`]), so that analysis sees `azurerm_linux_function_app` as a `Microsoft.Web/sites`
//!   of kind `functionapp,linux`.
//!
//! Each object's origin is the file and the JSON path of the instance's values
//! (`/planned_values/root_module/child_modules/0/resources/3/values`).
//!
//! # Values known only after apply
//!
//! An unknown attribute is first resolved through the configuration: the expression's most
//! specific reference (`azurerm_user_assigned_identity.x.principal_id`, not the bare
//! `azurerm_user_assigned_identity.x` Terraform lists too) is followed into the resource it
//! names, through module outputs (`module.m.principal_id`) and module arguments
//! (`var.principal_id` inside a module), in the module instance of the referrer; with several
//! instances (`count`, `for_each`) an explicit key picks one, else the referrer's own key. A
//! reference that ends at a resource (all a plan's JSON keeps of `x[each.key].id`, the key being
//! computed) stands for what the argument takes: the `id` for scopes and ids, the principal id for
//! `principal_id` and `object_id`. The first reference that resolves wins (a conditional names
//! both branches). When the value it reaches is itself unknown, a placeholder stands for it,
//! built from that resource alone so that both sides (the identity and the assignment naming
//! it) share it:
//!
//! * an id: `/subscriptions/{s}/resourceGroups/{rg}/providers/{ARM type}/{name}` (a child under
//!   its parent's id; a resource group `/subscriptions/{s}/resourceGroups/{name}`), where `{s}`
//!   is the deployment context's subscription, else the one subscription the file's known ids
//!   name, else the literal `{subscriptionId}`; an unknown resource group is
//!   `{resourceGroupName}` and an unknown name `{<address>}`. Types not in the table use the
//!   provider `Terraform.azurerm/<type>`;
//! * a principal or object id, and an AKS cluster's OIDC issuer: `terraform:<address>.<attribute>`
//!   (`terraform:azurerm_linux_web_app.app.identity[0].principal_id`);
//! * a custom role's GUID: `terraform:<address>`; a role named by a `role_definition_name` that
//!   resolves to no role: `terraform:role:<name>`;
//! * the identities AKS creates: their real naming, `MC_{rg}_{cluster}_{location}` (or
//!   `node_resource_group`) and `{cluster}-agentpool`, `omsagent-{cluster}`, ...
//!
//! An unknown that resolves to nothing is reported (a warning naming the resource address and
//! the JSON path): an assignment whose principal stays unlinked keeps its own placeholder
//! principal, one whose scope is unknown is skipped.
//!
//! # Not supported
//!
//! Locals, `each`/`count` expressions and function results (a plan's JSON does not describe
//! them), references into whole resources other than for the arguments above, `dynamic` blocks in the
//! configuration, providers other than azurerm (azuread principals and groups are not read),
//! data sources in raw state files, `moved` and `import` blocks, and the `before` side of a plan.

mod resolve;
mod source;
mod types;

use std::collections::BTreeMap;

use blastmap_model::{AccessPolicy, BuiltinRole, arm, builtin_roles};
use serde_json::{Map, Value, json};

use crate::TopObject;
use crate::report::Format;
use crate::sink::Sink;
use resolve::{Eval, Resolver, Text};
use source::{Instance, Source, tokenize};
use types::{AKS_IDENTITIES, arm_type};

/// The Terraform format of a top-level object, if it is one.
pub fn sniff(top: &TopObject<'_>) -> Option<Format> {
    let has = |key: &str| top.contains_key(key);
    if has("format_version") && has("terraform_version") {
        if has("planned_values") || has("resource_changes") || has("configuration") {
            return Some(Format::TerraformPlan);
        }
        if has("values") {
            return Some(Format::TerraformState);
        }
    }
    let version_4 = top.get("version").is_some_and(|raw| raw.get().trim() == "4");
    let resources = top.get("resources").and_then(|raw| serde_json::from_str::<Vec<TopObject<'_>>>(raw.get()).ok());
    match resources {
        Some(resources) if version_4 && resources.iter().all(|r| r.contains_key("instances")) => {
            Some(Format::TerraformStateFile)
        }
        _ => None,
    }
}

/// Reads a file [`sniff`] recognised. `subscription` is the deployment's, when known.
pub fn read(top: &TopObject<'_>, format: Format, subscription: Option<&str>, sink: &mut Sink<'_>) -> Format {
    let mut parse = |key: &str| -> Option<Value> {
        let raw = top.get(key)?;
        serde_json::from_str(raw.get())
            .map_err(|error| sink.error(&format!("/{key}"), format!("not read: {error}")))
            .ok()
    };
    let (planned, changes, prior, values, resources) =
        (parse("planned_values"), parse("resource_changes"), parse("prior_state"), parse("values"), parse("resources"));
    let (configuration, variables) = (parse("configuration"), parse("variables"));
    let mut source = Source::default();
    let mut problems: Vec<(String, String)> = Vec::new();
    match format {
        Format::TerraformPlan => {
            if let Some(module) = descend(planned.as_ref(), &["root_module"]) {
                source.read_module(module, "/planned_values/root_module", &mut problems);
            }
            if let Some(changes) = changes.as_ref().and_then(Value::as_array) {
                source.read_changes(changes, &mut problems);
            }
            if let Some(module) = descend(prior.as_ref(), &["values", "root_module"]) {
                source.read_module(module, "/prior_state/values/root_module", &mut problems);
            }
        }
        Format::TerraformState => match descend(values.as_ref(), &["root_module"]) {
            Some(module) => source.read_module(module, "/values/root_module", &mut problems),
            None => problems.push(("/values".to_owned(), "no root_module: nothing to read".to_owned())),
        },
        _ => {
            if let Some(resources) = resources.as_ref().and_then(Value::as_array) {
                source.read_state_file(resources, &mut problems);
            }
        }
    }
    if let Some(module) = descend(configuration.as_ref(), &["root_module"]) {
        source.read_configuration(module, Vec::new());
    }
    source.variables = variables.as_ref().and_then(Value::as_object);
    for (path, message) in problems {
        sink.warning(&path, message);
    }
    let resolver = Resolver::new(&source, subscription.map(str::to_owned));
    let mut skipped = Skipped::default();
    for at in 0..source.instances.len() {
        import(&resolver, at, &mut skipped, sink);
    }
    skipped.report(sink);
    if !source.deleted.is_empty() {
        let n = source.deleted.len();
        sink.info(
            "/resource_changes",
            format!("{n} resources this plan deletes are not read: it is shown as after apply"),
        );
    }
    if resolver.used_unknown_subscription.get() {
        sink.info(
            "",
            format!(
                "the file names no single subscription: ids not yet known use /subscriptions/{}",
                resolve::UNKNOWN_SUBSCRIPTION
            ),
        );
    }
    if sink.counts.total() == 0 {
        sink.warning("", "no Azure resource, identity or role assignment in this file".to_owned());
    }
    format
}

fn descend<'v>(value: Option<&'v Value>, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value?, |node, key| node.get(key))
}

/// What was not read, by reason and type, told once per file.
#[derive(Default)]
struct Skipped(BTreeMap<&'static str, BTreeMap<String, usize>>);

impl Skipped {
    fn add(&mut self, reason: &'static str, tf_type: &str) {
        *self.0.entry(reason).or_default().entry(tf_type.to_owned()).or_default() += 1;
    }

    fn report(self, sink: &mut Sink<'_>) {
        for (reason, types) in self.0 {
            let list: Vec<String> = types.iter().map(|(t, n)| format!("{t} ({n})")).collect();
            sink.info("", format!("not read, {reason}: {}", list.join(", ")));
        }
    }
}

/// Reports that an attribute (at `pointer` in the instance's values) is known only after apply
/// and that nothing resolves it, and what follows.
fn unresolved(sink: &mut Sink<'_>, instance: &Instance<'_>, pointer: &str, consequence: &str) {
    let attribute = pointer.rsplit('/').next().unwrap_or(pointer);
    sink.warning(
        &format!("{}/{pointer}", instance.path),
        format!(
            "{}: {attribute} is known only after apply and the configuration names nothing Blastmap can resolve; \
             {consequence}",
            instance.address
        ),
    );
}

fn known<'v>(resolver: &Resolver<'_, 'v>, at: usize, path: &str) -> Option<&'v Value> {
    match resolver.eval(at, &tokenize(path)) {
        Eval::Known(value) => Some(value),
        _ => None,
    }
}

fn known_text(resolver: &Resolver<'_, '_>, at: usize, path: &str) -> Option<String> {
    known(resolver, at, path).and_then(Value::as_str).map(str::to_owned)
}

fn text(resolver: &Resolver<'_, '_>, at: usize, path: &str) -> Option<Text> {
    resolver.text(at, &tokenize(path))
}

/// Sets `key` when there is a value.
fn put(object: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), value.into());
    }
}

/// Hands an ARM-shaped object to the export importer.
fn submit(object: Map<String, Value>, path: &str, sink: &mut Sink<'_>) {
    if let Ok(raw) = serde_json::value::to_raw_value(&Value::Object(object)) {
        crate::export::read_one("", &raw, path, None, sink);
    }
}

fn import(resolver: &Resolver<'_, '_>, at: usize, skipped: &mut Skipped, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let tf_type = instance.tf_type.as_str();
    if !tf_type.starts_with("azurerm_") {
        skipped.add("other providers", tf_type);
        return;
    }
    match (instance.data, tf_type) {
        (false, "azurerm_role_assignment") => role_assignment(resolver, at, sink),
        (false, "azurerm_role_definition") => role_definition(resolver, at, sink),
        (false, "azurerm_federated_identity_credential") => federated_credential(resolver, at, sink),
        (false, "azurerm_key_vault_access_policy") => {
            let vault = text(resolver, at, "key_vault_id").map(|t| t.value);
            access_policy(resolver, at, "", "", vault.as_deref(), sink);
        }
        (_, "azurerm_resource_group") => resource_group(resolver, at, sink),
        (_, "azurerm_subscription") => subscription(resolver, at, sink),
        (_, "azurerm_user_assigned_identity") => identity(resolver, at, sink),
        // Other data sources serve references only.
        (true, _) => {}
        (false, _) => resource(resolver, at, skipped, sink),
    }
}

/// Name, location and tags, as every ARM object has them.
fn common(resolver: &Resolver<'_, '_>, at: usize, id: String, arm_type: Option<&str>) -> Map<String, Value> {
    let mut object = Map::new();
    object.insert("id".to_owned(), id.into());
    put(&mut object, "type", arm_type);
    put(&mut object, "name", known_text(resolver, at, "name"));
    put(&mut object, "location", known_text(resolver, at, "location"));
    put(&mut object, "tags", known(resolver, at, "tags").filter(|t| t.is_object()).cloned());
    object
}

fn identity(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let Some(id) = text(resolver, at, "id") else { return unresolved(sink, instance, "id", "skipped") };
    let mut object = common(resolver, at, id.value, Some("Microsoft.ManagedIdentity/userAssignedIdentities"));
    put(&mut object, "principalId", text(resolver, at, "principal_id").map(|t| t.value));
    put(&mut object, "clientId", known_text(resolver, at, "client_id"));
    put(&mut object, "tenantId", known_text(resolver, at, "tenant_id"));
    // Present but empty: Azure's default, usable from any region.
    let isolation = instance.values.get("isolation_scope").and_then(Value::as_str);
    put(&mut object, "isolationScope", isolation.map(|s| if s.is_empty() { "None" } else { s }));
    submit(object, &instance.path, sink);
}

fn resource(resolver: &Resolver<'_, '_>, at: usize, skipped: &mut Skipped, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let mapped = arm_type(&instance.tf_type);
    let has_identity = known(resolver, at, "identity[0]").is_some();
    let id = match text(resolver, at, "id") {
        Some(Text { value, placeholder_of: None }) if arm::level(&value) == Some(arm::ScopeLevel::Resource) => value,
        Some(Text { placeholder_of: None, .. }) => {
            return skipped.add("ids that are not ARM resource ids", &instance.tf_type);
        }
        Some(Text { value, .. }) if mapped.is_some() || has_identity => value,
        Some(_) => return skipped.add("types Blastmap does not map to ARM whose id apply decides", &instance.tf_type),
        None => return unresolved(sink, instance, "id", "skipped"),
    };
    let vault = (instance.tf_type == "azurerm_key_vault").then(|| id.clone());
    let mut object = common(resolver, at, id, mapped.map(|t| t.arm));
    put(
        &mut object,
        "kind",
        known_text(resolver, at, "kind").or_else(|| mapped.and_then(|t| t.kind).map(str::to_owned)),
    );
    put(&mut object, "identity", identity_block(resolver, at, sink));
    if instance.tf_type == "azurerm_kubernetes_cluster" {
        aks_identities(resolver, at, &mut object);
    }
    submit(object, &instance.path, sink);
    let policies = known(resolver, at, "access_policy").and_then(Value::as_array).map_or(0, Vec::len);
    for index in 0..policies {
        let (prefix, pointer) = (format!("access_policy[{index}]."), format!("access_policy/{index}/"));
        access_policy(resolver, at, &prefix, &pointer, vault.as_deref(), sink);
    }
}

/// A Terraform `identity` block as ARM writes it.
fn identity_block(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) -> Option<Value> {
    let instance = resolver.source.instances.get(at)?;
    let Some(block) = known(resolver, at, "identity[0]") else {
        if known(resolver, at, "identity").is_some_and(|i| !i.is_array()) {
            let message = format!("{}: identity is not a list of blocks; ignored", instance.address);
            sink.warning(&format!("{}/identity", instance.path), message);
        }
        return None;
    };
    let kinds = block.get("type").and_then(Value::as_str).unwrap_or("");
    let mut identity = Map::new();
    identity.insert("type".to_owned(), kinds.into());
    if kinds.split(',').any(|k| k.trim().eq_ignore_ascii_case("SystemAssigned")) {
        put(&mut identity, "principalId", text(resolver, at, "identity[0].principal_id").map(|t| t.value));
    }
    if known(resolver, at, "identity[0].identity_ids").is_some_and(|i| !i.is_array()) {
        let message = format!("{}: identity_ids is not a list; ignored", instance.address);
        sink.warning(&format!("{}/identity/0/identity_ids", instance.path), message);
    }
    let (ids, unresolved_ids) = resolver.texts(at, &tokenize("identity[0].identity_ids"));
    if unresolved_ids {
        unresolved(sink, instance, "identity/0/identity_ids", "user-assigned identities not attached");
    }
    if !ids.is_empty() {
        let map: Map<String, Value> = ids.into_iter().map(|id| (id, json!({}))).collect();
        identity.insert("userAssignedIdentities".to_owned(), Value::Object(map));
    }
    Some(Value::Object(identity))
}

/// The kubelet and add-on identities of an AKS cluster, as ARM's `identityProfile` and
/// `addonProfiles`. An identity block apply will fill counts as there.
fn aks_identities(resolver: &Resolver<'_, '_>, at: usize, object: &mut Map<String, Value>) {
    let present = |path: &str| match resolver.eval(at, &tokenize(path)) {
        Eval::Known(Value::Array(items)) => !items.is_empty(),
        Eval::Known(_) => false,
        Eval::Placeholder { .. } | Eval::Missing => resolver.unknown(at, &tokenize(path)),
    };
    let mut profile = Map::new();
    let mut addons = Map::new();
    for entry in AKS_IDENTITIES {
        let base = match entry.identity {
            None => format!("{}[0]", entry.block),
            Some(inner) => format!("{}[0].{inner}", entry.block),
        };
        if !present(entry.block) || (entry.identity.is_some() && !present(&base)) {
            continue;
        }
        let base = if entry.identity.is_some() { format!("{base}[0]") } else { base };
        let mut identity = Map::new();
        put(
            &mut identity,
            "resourceId",
            text(resolver, at, &format!("{base}.user_assigned_identity_id")).map(|t| t.value),
        );
        put(&mut identity, "objectId", text(resolver, at, &format!("{base}.object_id")).map(|t| t.value));
        put(&mut identity, "clientId", known_text(resolver, at, &format!("{base}.client_id")));
        match entry.addon {
            None => profile.insert("kubeletidentity".to_owned(), Value::Object(identity)),
            Some(addon) => addons.insert(addon.to_owned(), json!({ "identity": identity })),
        };
    }
    if !profile.is_empty() {
        object.insert("identityProfile".to_owned(), Value::Object(profile));
    }
    if !addons.is_empty() {
        object.insert("addonProfiles".to_owned(), Value::Object(addons));
    }
}

fn role_assignment(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let (path, address) = (&instance.path, &instance.address);
    let Some(scope) = text(resolver, at, "scope") else {
        return match known(resolver, at, "scope") {
            Some(value) => {
                sink.warning(&format!("{path}/scope"), format!("{address}: the scope {value} is not a string; skipped"))
            }
            None => unresolved(sink, instance, "scope", "skipped"),
        };
    };
    let Some(principal) = text(resolver, at, "principal_id") else { return };
    if principal.placeholder_of == Some(at) {
        unresolved(sink, instance, "principal_id", &format!("kept as the placeholder principal {}", principal.value));
    }
    let Some((role, label)) = role(resolver, at, sink) else { return };
    let mut object = Map::new();
    object.insert("type".to_owned(), "Microsoft.Authorization/roleAssignments".into());
    let name = known_text(resolver, at, "name");
    let id = known_text(resolver, at, "id").or_else(|| {
        name.map(|n| {
            format!("{}/providers/Microsoft.Authorization/roleAssignments/{n}", scope.value.trim_end_matches('/'))
        })
    });
    put(&mut object, "id", id);
    object.insert("scope".to_owned(), scope.value.into());
    object.insert("principalId".to_owned(), principal.value.into());
    object.insert(
        "roleDefinitionId".to_owned(),
        format!("/providers/Microsoft.Authorization/roleDefinitions/{role}").into(),
    );
    put(&mut object, "roleDefinitionName", label);
    put(&mut object, "principalType", known_text(resolver, at, "principal_type"));
    put(&mut object, "condition", known_text(resolver, at, "condition"));
    submit(object, path, sink);
}

/// The role's GUID (or placeholder) and the name to show, from `role_definition_id` when it is
/// known, else from `role_definition_name` through the built-in catalog or this file's roles.
fn role(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) -> Option<(String, Option<String>)> {
    let instance = resolver.source.instances.get(at)?;
    let label = known_text(resolver, at, "role_definition_name");
    if let Some(id) = text(resolver, at, "role_definition_id") {
        // A custom role's Terraform id is `{role id}|{scope}`.
        let guid = arm::last_segment(id.value.split('|').next().unwrap_or_default()).to_owned();
        let named = label.as_deref().and_then(builtin_named);
        if let (Some(name), Some(named)) = (&label, named)
            && !named.id.eq_ignore_ascii_case(&guid)
        {
            sink.warning(
                &format!("{}/role_definition_name", instance.path),
                format!(
                    "{}: {name:?} is the built-in role {} but role_definition_id names {guid}; the id is used",
                    instance.address, named.id
                ),
            );
        }
        return Some((guid, label));
    }
    let Some(name) = label else {
        let message =
            format!("{}: neither role_definition_id nor role_definition_name is known; skipped", instance.address);
        sink.warning(&format!("{}/role_definition_id", instance.path), message);
        return None;
    };
    if let Some(builtin) = builtin_named(&name) {
        return Some((builtin.id.to_owned(), Some(name)));
    }
    let defined = (0..resolver.source.instances.len()).find(|&other| {
        resolver.source.instances.get(other).is_some_and(|i| i.tf_type == "azurerm_role_definition")
            && known_text(resolver, other, "name").is_some_and(|n| n.eq_ignore_ascii_case(&name))
    });
    if let Some(guid) = defined.and_then(|other| text(resolver, other, "role_definition_id")) {
        return Some((guid.value, Some(name)));
    }
    sink.warning(
        &format!("{}/role_definition_name", instance.path),
        format!(
            "{}: {name:?} is not a built-in role and no role definition in this file has that name; kept with an \
             unresolved role",
            instance.address
        ),
    );
    Some((format!("terraform:role:{}", name.replace('/', "%2F")), Some(name)))
}

/// The built-in role with this name, in any case (as Azure matches `role_definition_name`).
fn builtin_named(name: &str) -> Option<&'static BuiltinRole> {
    builtin_roles().iter().find(|r| r.name.eq_ignore_ascii_case(name))
}

fn role_definition(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let (Some(guid), Some(id)) =
        (text(resolver, at, "role_definition_id"), text(resolver, at, "role_definition_resource_id"))
    else {
        return unresolved(sink, instance, "role_definition_id", "skipped");
    };
    let blocks = known(resolver, at, "permissions").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let permissions: Vec<Value> = blocks
        .iter()
        .map(|block| {
            let list = |key: &str| block.get(key).filter(|v| v.is_array()).cloned().unwrap_or_else(|| json!([]));
            json!({
                "actions": list("actions"),
                "notActions": list("not_actions"),
                "dataActions": list("data_actions"),
                "notDataActions": list("not_data_actions"),
            })
        })
        .collect();
    let (scopes, unresolved_scopes) = resolver.texts(at, &tokenize("assignable_scopes"));
    if unresolved_scopes {
        unresolved(sink, instance, "assignable_scopes", "left out");
    }
    let mut object = Map::new();
    object.insert("id".to_owned(), id.value.into());
    object.insert("name".to_owned(), guid.value.into());
    object.insert("type".to_owned(), "Microsoft.Authorization/roleDefinitions".into());
    object.insert("roleType".to_owned(), "CustomRole".into());
    put(&mut object, "roleName", known_text(resolver, at, "name"));
    object.insert("permissions".to_owned(), permissions.into());
    object.insert("assignableScopes".to_owned(), scopes.into());
    submit(object, &instance.path, sink);
}

fn federated_credential(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let (path, address) = (&instance.path, &instance.address);
    // azurerm 4 renamed `parent_id`; 5 keeps only `user_assigned_identity_id`.
    let identity = text(resolver, at, "user_assigned_identity_id").or_else(|| text(resolver, at, "parent_id"));
    let Some(identity) = identity else { return unresolved(sink, instance, "user_assigned_identity_id", "skipped") };
    let Some(name) = known_text(resolver, at, "name") else {
        return sink
            .warning(&format!("{path}/name"), format!("{address}: a federated credential without a name; skipped"));
    };
    let issuer = text(resolver, at, "issuer").map(|t| t.value).unwrap_or_else(|| {
        let placeholder = format!("terraform:{address}.issuer");
        unresolved(sink, instance, "issuer", &format!("kept as {placeholder}"));
        placeholder
    });
    let id = known_text(resolver, at, "id")
        .unwrap_or_else(|| format!("{}/federatedIdentityCredentials/{name}", identity.value.trim_end_matches('/')));
    let mut object = Map::new();
    object.insert("id".to_owned(), id.into());
    object.insert(
        "type".to_owned(),
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials".into(),
    );
    object.insert("name".to_owned(), name.into());
    object.insert("issuer".to_owned(), issuer.into());
    put(&mut object, "subject", text(resolver, at, "subject").map(|t| t.value));
    object.insert("audiences".to_owned(), resolver.texts(at, &tokenize("audience")).0.into());
    submit(object, path, sink);
}

/// An access policy: a `azurerm_key_vault_access_policy` (`prefix` and `pointer` empty) or a
/// vault's inline `access_policy` block (`access_policy[i].`, `access_policy/i/`).
fn access_policy(
    resolver: &Resolver<'_, '_>,
    at: usize,
    prefix: &str,
    pointer: &str,
    vault: Option<&str>,
    sink: &mut Sink<'_>,
) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let Some(vault) = vault else { return unresolved(sink, instance, "key_vault_id", "skipped") };
    let Some(vault) = sink.arm_id(&format!("{}/{pointer}key_vault_id", instance.path), vault) else { return };
    let Some(object_id) = text(resolver, at, &format!("{prefix}object_id")) else { return };
    if object_id.placeholder_of == Some(at) {
        let consequence = format!("kept as the placeholder principal {}", object_id.value);
        unresolved(sink, instance, &format!("{pointer}object_id"), &consequence);
    }
    let list = |key: &str| -> Vec<String> {
        known(resolver, at, &format!("{prefix}{key}"))
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let policy = AccessPolicy {
        vault,
        object_id: sink.inventory.key(&object_id.value),
        keys: list("key_permissions"),
        secrets: list("secret_permissions"),
        certificates: list("certificate_permissions"),
        storage: list("storage_permissions"),
    };
    sink.add_access_policy(policy);
}

fn resource_group(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    let Some(id) = text(resolver, at, "id") else { return unresolved(sink, instance, "id", "skipped") };
    submit(common(resolver, at, id.value, Some("Microsoft.Resources/resourceGroups")), &instance.path, sink);
}

fn subscription(resolver: &Resolver<'_, '_>, at: usize, sink: &mut Sink<'_>) {
    let Some(instance) = resolver.source.instances.get(at) else { return };
    // A managed `azurerm_subscription`'s id is its alias; the subscription is `subscription_id`.
    let Some(subscription) = known_text(resolver, at, "subscription_id") else {
        return unresolved(sink, instance, "subscription_id", "skipped");
    };
    let mut object = Map::new();
    object.insert("id".to_owned(), format!("/subscriptions/{subscription}").into());
    object.insert("type".to_owned(), "Microsoft.Resources/subscriptions".into());
    let name = known_text(resolver, at, "display_name").or_else(|| known_text(resolver, at, "subscription_name"));
    put(&mut object, "displayName", name);
    put(&mut object, "tags", known(resolver, at, "tags").filter(|t| t.is_object()).cloned());
    submit(object, &instance.path, sink);
}
