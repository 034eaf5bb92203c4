//! Tests of the synthetic tenant: determinism, counts, the exact az CLI shapes,
//! referential integrity, and the presence of every risky pattern at 2,000 resources.
//!
//! Every check reads the generated JSON files, as Blastmap will, not the generator's
//! internals.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use blastmap_synth::{FILE_NAMES, Generated, TenantSpec, generate};
use serde_json::Value;

/// The parsed export files of one generated tenant.
struct Parsed {
    generated: Generated,
    identities: Vec<Value>,
    resources: Vec<Value>,
    assignments: Vec<Value>,
    definitions: Vec<Value>,
}

impl Parsed {
    fn new(resources: usize, seed: u64) -> Self {
        let generated = generate(&TenantSpec { resources, seed });
        let array = |name: &str| -> Vec<Value> {
            let file = generated.files.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("missing {name}"));
            match serde_json::from_slice(&file.bytes) {
                Ok(Value::Array(items)) => items,
                other => panic!("{name} is not a JSON array: {other:?}"),
            }
        };
        Self {
            identities: array("az-identity-list.json"),
            resources: array("az-resource-list.json"),
            assignments: array("az-role-assignment-list.json"),
            definitions: array("az-role-definition-list.json"),
            generated,
        }
    }

    fn file(&self, name: &str) -> &[u8] {
        &self.generated.files.iter().find(|f| f.name == name).expect("file present").bytes
    }

    /// Lower-cased UAMI id → its `az identity list` object.
    fn uamis(&self) -> HashMap<String, &Value> {
        self.identities.iter().map(|i| (lower(&i["id"]), i)).collect()
    }

    /// Lower-cased resource id → its `az resource list` object.
    fn resource_index(&self) -> HashMap<String, &Value> {
        self.resources.iter().map(|r| (lower(&r["id"]), r)).collect()
    }

    /// Resources that carry an identity block.
    fn sources(&self) -> impl Iterator<Item = &Value> {
        self.resources.iter().filter(|r| !r["identity"].is_null())
    }

    /// Lower-cased UAMI id → the sources it is attached to.
    fn consumers(&self) -> HashMap<String, Vec<&Value>> {
        let mut map: HashMap<String, Vec<&Value>> = HashMap::new();
        for s in self.sources() {
            if let Some(keys) = s["identity"]["userAssignedIdentities"].as_object() {
                for k in keys.keys() {
                    map.entry(k.to_lowercase()).or_default().push(s);
                }
            }
        }
        map
    }

    /// principalIds of every managed identity (user-assigned and system-assigned).
    fn identity_principals(&self) -> HashSet<String> {
        let mut set: HashSet<String> = self.identities.iter().map(|i| str_of(&i["principalId"]).to_string()).collect();
        for s in self.sources() {
            if let Some(p) = s["identity"]["principalId"].as_str() {
                set.insert(p.to_string());
            }
        }
        set
    }

    /// principalId → environment of the UAMI's resource group.
    fn uami_env_by_principal(&self) -> HashMap<String, &'static str> {
        self.identities
            .iter()
            .filter_map(|i| {
                let env = env_of_rg(str_of(&i["resourceGroup"]))?;
                Some((str_of(&i["principalId"]).to_string(), env))
            })
            .collect()
    }

    /// Lower-cased ids of every subscription and resource group holding resources.
    fn container_scopes(&self) -> (HashSet<String>, HashSet<String>) {
        let mut subs = HashSet::new();
        let mut rgs = HashSet::new();
        for r in &self.resources {
            let id = str_of(&r["id"]);
            let sub = sub_of(id);
            subs.insert(format!("/subscriptions/{sub}"));
            rgs.insert(format!("/subscriptions/{sub}/resourcegroups/{}", str_of(&r["resourceGroup"])));
        }
        (subs.into_iter().map(|s| s.to_lowercase()).collect(), rgs.into_iter().map(|s| s.to_lowercase()).collect())
    }
}

fn small() -> &'static Parsed {
    static CELL: OnceLock<Parsed> = OnceLock::new();
    CELL.get_or_init(|| Parsed::new(200, 11))
}

fn medium() -> &'static Parsed {
    static CELL: OnceLock<Parsed> = OnceLock::new();
    CELL.get_or_init(|| Parsed::new(2000, 7))
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn lower(v: &Value) -> String {
    str_of(v).to_lowercase()
}

/// The subscription GUID of an ARM id.
fn sub_of(id: &str) -> &str {
    id.split('/').nth(2).unwrap_or_default()
}

/// The environment a resource-group name carries (`rg-orders-prd`, `MC_rg-x-dev_...`).
fn env_of_rg(rg: &str) -> Option<&'static str> {
    let rg = rg.to_lowercase();
    let name = rg.strip_prefix("mc_").map_or(rg.as_str(), |rest| rest.split('_').next().unwrap_or_default());
    let last = name.rsplit('-').next()?;
    match last {
        "dev" => Some("dev"),
        "uat" => Some("uat"),
        "prod" | "prd" => Some("prod"),
        _ => None,
    }
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')))
}

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap_or_else(|| panic!("expected an object, got {v}")).keys().map(String::as_str).collect()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

/// Checks az's layout: two-space indentation and keys sorted inside every object.
fn assert_az_layout(name: &str, text: &str) {
    assert!(text.ends_with("]\n"), "{name}: must end with a newline");
    if text.trim() == "[]" {
        return;
    }
    assert!(text.starts_with("[\n  {\n    \""), "{name}: not 2-space pretty JSON");
    let mut last: BTreeMap<usize, &str> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        assert!(indent % 2 == 0, "{name}:{n}: odd indentation");
        if let Some(rest) = trimmed.strip_prefix('"')
            && let Some(end) = rest.find("\": ")
        {
            let key = &rest[..end];
            if let Some(prev) = last.get(&indent) {
                assert!(*prev < key, "{name}:{}: key {key:?} after {prev:?} is not in az order", n + 1);
            }
            last.insert(indent, key);
        }
        let opens = trimmed.ends_with('{') || trimmed.ends_with('[');
        let closes = trimmed.starts_with('}') || trimmed.starts_with(']');
        if opens || closes {
            last.retain(|&i, _| i <= indent);
        }
    }
}

// ---------------------------------------------------------------------------------
// Determinism and counts
// ---------------------------------------------------------------------------------

#[test]
fn same_seed_gives_byte_identical_files() {
    let a = generate(&TenantSpec { resources: 200, seed: 3 });
    let b = generate(&TenantSpec { resources: 200, seed: 3 });
    assert_eq!(a.counts, b.counts);
    assert_eq!(a.files.len(), b.files.len());
    for (x, y) in a.files.iter().zip(&b.files) {
        assert_eq!(x.name, y.name);
        assert!(x.bytes == y.bytes, "{} differs between two runs", x.name);
    }
}

#[test]
fn another_seed_gives_other_files() {
    let a = generate(&TenantSpec { resources: 200, seed: 3 });
    let b = generate(&TenantSpec { resources: 200, seed: 4 });
    for (x, y) in a.files.iter().zip(&b.files) {
        assert_ne!(x.bytes, y.bytes, "{} is the same for two seeds", x.name);
    }
}

#[test]
fn files_are_the_four_az_exports() {
    let p = small();
    let names: Vec<&str> = p.generated.files.iter().map(|f| f.name).collect();
    assert_eq!(names, FILE_NAMES.to_vec());
    assert_eq!(
        names,
        [
            "az-identity-list.json",
            "az-resource-list.json",
            "az-role-assignment-list.json",
            "az-role-definition-list.json",
        ]
    );
}

fn assert_counts_true_to_files(p: &Parsed, n: usize) {
    let c = p.generated.counts;
    assert_eq!(p.resources.len(), n, "az resource list must hold exactly N");
    assert_eq!(c.resources, n);
    assert_eq!(c.user_assigned_identities, p.identities.len());
    let uami_resources =
        p.resources.iter().filter(|r| r["type"] == "Microsoft.ManagedIdentity/userAssignedIdentities").count();
    assert_eq!(c.user_assigned_identities, uami_resources);
    assert_eq!(c.sources, p.sources().count());
    assert_eq!(c.role_assignments, p.assignments.len());
    assert_eq!(c.custom_roles, p.definitions.len());
    if n >= 50 {
        let subs: HashSet<&str> = p.resources.iter().map(|r| sub_of(str_of(&r["id"]))).collect();
        assert_eq!(c.subscriptions, subs.len());
    }
}

#[test]
fn counts_are_true_to_the_files() {
    assert_counts_true_to_files(small(), 200);
    assert_counts_true_to_files(medium(), 2000);
}

#[test]
fn tiny_and_odd_sizes_are_exact_and_valid() {
    for n in [0, 1, 2, 3, 5, 9, 50, 333] {
        let p = Parsed::new(n, 99);
        assert_counts_true_to_files(&p, n);
        for f in &p.generated.files {
            let text = std::str::from_utf8(&f.bytes).expect("UTF-8");
            assert_az_layout(f.name, text);
        }
    }
}

#[test]
fn proportions_at_2000() {
    let p = medium();
    let c = p.generated.counts;
    let n = 2000;
    assert!(
        (n * 7 / 100..=n * 14 / 100).contains(&c.user_assigned_identities),
        "UAMIs: {}",
        c.user_assigned_identities
    );
    assert!((n * 12 / 100..=n * 18 / 100).contains(&c.sources), "sources: {}", c.sources);
    assert!((n * 18 / 10..=n * 22 / 10).contains(&c.role_assignments), "role assignments: {}", c.role_assignments);
    assert!((3..=10).contains(&c.custom_roles));
    assert_eq!(c.subscriptions, 3);

    let source_types: BTreeSet<&str> = p.sources().map(|s| str_of(&s["type"])).collect();
    for t in [
        "Microsoft.Web/sites",
        "Microsoft.Compute/virtualMachines",
        "Microsoft.Compute/virtualMachineScaleSets",
        "Microsoft.ContainerService/managedClusters",
        "Microsoft.Logic/workflows",
        "Microsoft.Automation/automationAccounts",
        "Microsoft.App/containerApps",
    ] {
        assert!(source_types.contains(t), "no source of type {t}");
    }
    let site_kinds: BTreeSet<&str> =
        p.sources().filter(|s| s["type"] == "Microsoft.Web/sites").map(|s| str_of(&s["kind"])).collect();
    for k in ["app", "functionapp", "app,linux"] {
        assert!(site_kinds.contains(k), "no site of kind {k}");
    }
    let all_types: BTreeSet<&str> = p.resources.iter().map(|r| str_of(&r["type"])).collect();
    for t in [
        "Microsoft.KeyVault/vaults",
        "Microsoft.Storage/storageAccounts",
        "Microsoft.Sql/servers",
        "Microsoft.Sql/servers/databases",
        "Microsoft.ContainerRegistry/registries",
        "Microsoft.ServiceBus/namespaces",
        "Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.Network/virtualNetworks",
        "Microsoft.Web/serverFarms",
    ] {
        assert!(all_types.contains(t), "no target of type {t}");
    }
    let identity_types: BTreeSet<&str> = p.sources().map(|s| str_of(&s["identity"]["type"])).collect();
    assert_eq!(identity_types, set(&["SystemAssigned", "SystemAssigned, UserAssigned", "UserAssigned"]));

    // Environments, regions and resource-group sizes.
    let mut per_rg: HashMap<&str, usize> = HashMap::new();
    for r in &p.resources {
        *per_rg.entry(str_of(&r["resourceGroup"])).or_default() += 1;
    }
    let mut app_sizes: Vec<usize> = per_rg.iter().filter(|(rg, _)| rg.starts_with("rg-")).map(|(_, &n)| n).collect();
    app_sizes.sort_unstable();
    let median = app_sizes[app_sizes.len() / 2];
    assert!((30..=80).contains(&median), "median group size {median}");
    let envs: BTreeSet<&str> = per_rg.keys().filter_map(|rg| env_of_rg(rg)).collect();
    assert_eq!(envs, set(&["dev", "prod", "uat"]));
    assert!(per_rg.keys().all(|rg| env_of_rg(rg).is_some()), "every group name carries its environment");
    let regions: BTreeSet<&str> =
        p.resources.iter().map(|r| str_of(&r["location"])).filter(|l| *l != "global").collect();
    assert_eq!(regions, set(&["eastus", "northeurope", "swedencentral", "westeurope"]));
    let prod_regions: BTreeSet<&str> = p
        .resources
        .iter()
        .filter(|r| env_of_rg(str_of(&r["resourceGroup"])) == Some("prod"))
        .map(|r| str_of(&r["location"]))
        .collect();
    assert!(!prod_regions.contains("eastus"), "prod stays in Europe");
}

#[test]
fn names_and_tags_carry_the_environment() {
    let p = medium();
    let env_keys = ["env", "Env", "environment", "Environment", "stage"];
    let mut tagged = 0;
    let mut untagged = 0;
    let mut key_styles = BTreeSet::new();
    let mut owners = 0;
    for r in &p.resources {
        let rg = str_of(&r["resourceGroup"]);
        if rg.starts_with("MC_") {
            continue;
        }
        let env = env_of_rg(rg).expect("group carries env");
        let name = str_of(&r["name"]).to_lowercase();
        let token = if env == "prod" && rg.ends_with("-prd") { "prd" } else { env };
        let ty = str_of(&r["type"]);
        if !ty.ends_with("privateDnsZones") && !ty.ends_with("/disks") && !ty.ends_with("/databases") {
            assert!(name.contains(token), "{name} does not carry {token}");
        }
        match r["tags"].as_object() {
            Some(tags) if !tags.is_empty() => {
                if let Some(k) = env_keys.iter().find(|k| tags.contains_key(**k)) {
                    tagged += 1;
                    key_styles.insert(*k);
                }
                if tags.contains_key("owner") || tags.contains_key("Owner") || tags.contains_key("team") {
                    owners += 1;
                }
            }
            _ => untagged += 1,
        }
    }
    let total = p.resources.len();
    assert!(tagged * 2 > total, "most resources carry an env tag: {tagged}/{total}");
    assert!(owners * 2 > total, "most resources carry an owner/team tag: {owners}/{total}");
    assert!(untagged > 0, "some resources carry no tags");
    assert!(key_styles.len() >= 3, "env tag keys vary: {key_styles:?}");
    let mut values = BTreeSet::new();
    for r in &p.resources {
        if let Some(tags) = r["tags"].as_object() {
            for k in env_keys {
                if let Some(v) = tags.get(k) {
                    values.insert(str_of(v));
                }
            }
        }
    }
    assert!(values.iter().any(|v| v.chars().any(char::is_uppercase)), "value case varies");
}

// ---------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------

#[test]
fn every_file_is_sorted_two_space_json() {
    for p in [small(), medium()] {
        for name in FILE_NAMES {
            let text = std::str::from_utf8(p.file(name)).expect("UTF-8");
            assert_az_layout(name, text);
        }
    }
}

#[test]
fn identity_list_has_the_cli_shape() {
    let required = set(&[
        "clientId",
        "id",
        "location",
        "name",
        "principalId",
        "resourceGroup",
        "systemData",
        "tags",
        "tenantId",
        "type",
    ]);
    let p = medium();
    let mut scopes = BTreeSet::new();
    let mut tenants = HashSet::new();
    for i in &p.identities {
        let mut k = keys(i);
        if k.remove("isolationScope") {
            scopes.insert(str_of(&i["isolationScope"]).to_string());
        } else {
            scopes.insert("(missing)".to_string());
        }
        assert_eq!(k, required, "identity keys");
        assert_eq!(i["type"], "Microsoft.ManagedIdentity/userAssignedIdentities");
        for f in ["clientId", "principalId", "tenantId"] {
            assert!(is_guid(str_of(&i[f])), "{f} is not a lower-case GUID: {}", i[f]);
        }
        tenants.insert(str_of(&i["tenantId"]));
        let id = str_of(&i["id"]);
        let rg = str_of(&i["resourceGroup"]);
        assert!(
            id.contains(&format!("/resourcegroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/")),
            "the MSI provider writes /resourcegroups/ in lower case: {id}"
        );
        assert!(id.ends_with(&format!("/{}", str_of(&i["name"]))));
        assert!(i["tags"].is_object(), "tags is an object");
        if let Some(sd) = i["systemData"].as_object() {
            assert!(sd.contains_key("createdAt") && sd.contains_key("lastModifiedByType"));
        }
    }
    assert_eq!(tenants.len(), 1, "one tenant");
    assert_eq!(scopes, ["(missing)", "None", "Regional"].iter().map(|s| s.to_string()).collect());
}

#[test]
fn resource_list_has_the_cli_shape() {
    let required = set(&[
        "changedTime",
        "createdTime",
        "extendedLocation",
        "id",
        "identity",
        "kind",
        "location",
        "managedBy",
        "name",
        "plan",
        "properties",
        "provisioningState",
        "resourceGroup",
        "sku",
        "tags",
        "type",
    ]);
    let p = medium();
    let tenant = str_of(&p.identities[0]["tenantId"]).to_string();
    let ids = p.resource_index();
    let mut with_sku = 0;
    for r in &p.resources {
        assert_eq!(keys(r), required);
        assert!(r["properties"].is_null(), "az resource list prints properties: null");
        let id = str_of(&r["id"]);
        let rg = str_of(&r["resourceGroup"]);
        assert!(is_guid(sub_of(id)), "subscription GUID in {id}");
        assert!(id.starts_with(&format!("/subscriptions/{}/resourceGroups/{rg}/providers/", sub_of(id))), "{id}");
        let name = str_of(&r["name"]);
        let last = name.rsplit('/').next().unwrap_or_default();
        assert!(id.ends_with(&format!("/{last}")), "{id} vs {name}");
        assert!(r["tags"].is_null() || r["tags"].is_object());
        if let Some(m) = r["managedBy"].as_str() {
            assert!(ids.contains_key(&m.to_lowercase()), "managedBy {m} exists");
        }
        if let Some(sku) = r["sku"].as_object() {
            with_sku += 1;
            let k: BTreeSet<&str> = sku.keys().map(String::as_str).collect();
            assert_eq!(k, set(&["capacity", "family", "model", "name", "size", "tier"]));
        }
        if r["type"] == "Microsoft.Sql/servers/databases" {
            let server = id.split("/databases/").next().unwrap_or_default().to_lowercase();
            assert!(ids.contains_key(&server), "database {id} has its server");
        }
        let identity = &r["identity"];
        if identity.is_null() {
            continue;
        }
        assert_eq!(keys(identity), set(&["principalId", "tenantId", "type", "userAssignedIdentities"]));
        let ty = str_of(&identity["type"]);
        let system = ty.contains("SystemAssigned");
        let user = ty.contains("UserAssigned");
        assert!(system || user, "identity type {ty}");
        assert_eq!(identity["principalId"].is_string(), system, "{ty}");
        if system {
            assert!(is_guid(str_of(&identity["principalId"])));
            assert_eq!(str_of(&identity["tenantId"]), tenant);
        }
        match identity["userAssignedIdentities"].as_object() {
            Some(map) => {
                assert!(user && !map.is_empty(), "{ty}");
                for v in map.values() {
                    assert_eq!(keys(v), set(&["clientId", "principalId"]));
                }
            }
            None => assert!(!user, "{ty} without a map"),
        }
    }
    assert!(with_sku > 0);
}

#[test]
fn role_assignment_list_has_the_cli_shape() {
    let required = set(&[
        "condition",
        "conditionVersion",
        "createdBy",
        "createdOn",
        "delegatedManagedIdentityResourceId",
        "description",
        "id",
        "name",
        "principalId",
        "principalName",
        "principalType",
        "roleDefinitionId",
        "roleDefinitionName",
        "scope",
        "type",
        "updatedBy",
        "updatedOn",
    ]);
    let builtins: HashMap<&str, &str> = [
        ("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner"),
        ("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor"),
        ("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader"),
        ("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User"),
        ("ba92f5b4-2d11-453d-a403-e96b0029c9fe", "Storage Blob Data Contributor"),
        ("2a2b9908-6ea1-4ae2-8e65-a410df84e7d1", "Storage Blob Data Reader"),
        ("7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull"),
        ("de139f84-1756-47ae-9be6-808fbbe84772", "Website Contributor"),
        ("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor"),
        ("f1a07417-d97a-45cb-824c-7a7467783830", "Managed Identity Operator"),
        ("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator"),
        ("f353d9bd-d4a6-484e-a77a-8050b599b867", "Automation Contributor"),
        ("87a39d53-fc1b-424a-814c-f7e04687dc9e", "Logic App Contributor"),
    ]
    .into_iter()
    .collect();
    let p = medium();
    let custom: HashMap<&str, &str> =
        p.definitions.iter().map(|d| (str_of(&d["name"]), str_of(&d["roleName"]))).collect();
    let mut seen_builtins = HashSet::new();
    let mut types = BTreeSet::new();
    for a in &p.assignments {
        let mut k = keys(a);
        let scope = str_of(&a["scope"]);
        let in_rg = scope.to_lowercase().contains("/resourcegroups/");
        assert_eq!(k.remove("resourceGroup"), in_rg, "resourceGroup iff in a group: {scope}");
        assert_eq!(k, required);
        assert_eq!(a["type"], "Microsoft.Authorization/roleAssignments");
        let name = str_of(&a["name"]);
        assert!(is_guid(name));
        let expected_id = if scope == "/" {
            format!("/providers/Microsoft.Authorization/roleAssignments/{name}")
        } else {
            format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}")
        };
        assert_eq!(str_of(&a["id"]), expected_id);
        if in_rg {
            let rg = str_of(&a["resourceGroup"]);
            assert!(scope.split('/').nth(4) == Some(rg), "{rg} in {scope}");
        }
        let def = str_of(&a["roleDefinitionId"]);
        let parts: Vec<&str> = def.split('/').collect();
        assert_eq!(parts.len(), 7, "{def}");
        assert!(
            parts[1] == "subscriptions"
                && is_guid(parts[2])
                && parts[3] == "providers"
                && parts[4] == "Microsoft.Authorization"
                && parts[5] == "roleDefinitions"
                && is_guid(parts[6]),
            "{def}"
        );
        let role_name = str_of(&a["roleDefinitionName"]);
        if let Some(expected) = builtins.get(parts[6]) {
            assert_eq!(role_name, *expected, "built-in role names match their GUIDs");
            seen_builtins.insert(parts[6]);
        } else if let Some(expected) = custom.get(parts[6]) {
            assert_eq!(role_name, *expected);
        }
        let ty = str_of(&a["principalType"]);
        types.insert(ty);
        assert!(is_guid(str_of(&a["principalId"])));
        let principal_name = str_of(&a["principalName"]);
        if ty == "User" && !principal_name.is_empty() {
            assert!(principal_name.contains('@'), "a UPN: {principal_name}");
        }
        if ty == "ServicePrincipal" && !principal_name.is_empty() {
            assert!(is_guid(principal_name), "an appId: {principal_name}");
        }
        assert!(a["createdOn"].as_str().is_some_and(|s| s.ends_with("+00:00")));
    }
    assert_eq!(types, set(&["Group", "ServicePrincipal", "User"]));
    assert_eq!(seen_builtins.len(), builtins.len(), "every listed built-in role is used");
}

#[test]
fn role_definitions_are_assigned_custom_roles() {
    let required = set(&[
        "assignableScopes",
        "createdBy",
        "createdOn",
        "description",
        "id",
        "name",
        "permissions",
        "roleName",
        "roleType",
        "systemData",
        "type",
        "updatedBy",
        "updatedOn",
    ]);
    for p in [small(), medium()] {
        assert!((3..=10).contains(&p.definitions.len()));
        let mut all_actions = Vec::new();
        let mut with_not_actions = 0;
        for d in &p.definitions {
            assert_eq!(keys(d), required);
            assert_eq!(d["roleType"], "CustomRole");
            assert_eq!(d["type"], "Microsoft.Authorization/roleDefinitions");
            let name = str_of(&d["name"]);
            assert!(is_guid(name));
            assert!(str_of(&d["id"]).ends_with(&format!("/providers/Microsoft.Authorization/roleDefinitions/{name}")));
            assert!(!d["assignableScopes"].as_array().expect("array").is_empty());
            let perms = d["permissions"].as_array().expect("permissions");
            assert!(!perms.is_empty());
            for perm in perms {
                for k in ["actions", "notActions", "dataActions", "notDataActions"] {
                    assert!(perm[k].is_array(), "{k}");
                }
                for a in perm["actions"].as_array().expect("actions") {
                    all_actions.push(str_of(a).to_string());
                }
                if !perm["notActions"].as_array().expect("notActions").is_empty() {
                    with_not_actions += 1;
                }
            }
            let assigned = p
                .assignments
                .iter()
                .any(|a| str_of(&a["roleDefinitionId"]).ends_with(name) && a["roleDefinitionName"] == d["roleName"]);
            assert!(assigned, "custom role {} is assigned", d["roleName"]);
        }
        assert!(all_actions.iter().any(|a| a == "Microsoft.Compute/virtualMachines/runCommand/action"));
        assert!(all_actions.iter().any(|a| a == "*/read"));
        assert!(all_actions.iter().any(|a| a == "Microsoft.Web/sites/*"));
        assert!(with_not_actions > 0);
    }
}

// ---------------------------------------------------------------------------------
// Referential integrity
// ---------------------------------------------------------------------------------

#[test]
fn every_identity_is_also_a_resource() {
    for p in [small(), medium()] {
        let resources = p.resource_index();
        for i in &p.identities {
            let id = lower(&i["id"]);
            let r = resources.get(&id).unwrap_or_else(|| panic!("{id} missing from az resource list"));
            assert_eq!(r["type"], "Microsoft.ManagedIdentity/userAssignedIdentities");
            assert_eq!(r["name"], i["name"]);
            assert_eq!(r["location"], i["location"]);
            assert_eq!(r["resourceGroup"], i["resourceGroup"]);
        }
        let principals: HashSet<&str> = p.identities.iter().map(|i| str_of(&i["principalId"])).collect();
        assert_eq!(principals.len(), p.identities.len(), "principalIds are unique");
    }
}

#[test]
fn user_assigned_keys_refer_to_existing_identities() {
    for p in [small(), medium()] {
        let uamis = p.uamis();
        let resources = p.resource_index();
        let mut keys_total = 0;
        let mut differently_cased = 0;
        for s in p.sources() {
            let Some(map) = s["identity"]["userAssignedIdentities"].as_object() else {
                continue;
            };
            for (key, value) in map {
                keys_total += 1;
                let uami = uamis.get(&key.to_lowercase()).unwrap_or_else(|| panic!("{key} is not a known identity"));
                assert_eq!(value["principalId"], uami["principalId"], "{key}");
                assert_eq!(value["clientId"], uami["clientId"], "{key}");
                let resource_id = str_of(&resources[&key.to_lowercase()]["id"]);
                if resource_id != key {
                    differently_cased += 1;
                }
            }
        }
        assert!(keys_total > 0);
        if p.resources.len() >= 2000 {
            assert!(
                differently_cased > 0 && differently_cased * 3 < keys_total,
                "some, not most, keys differ in case from the identity's id: {differently_cased}/{keys_total}"
            );
        }
    }
}

#[test]
fn role_assignment_scopes_exist() {
    for p in [small(), medium()] {
        let resources = p.resource_index();
        let (subs, rgs) = p.container_scopes();
        let mg = "/providers/microsoft.management/managementgroups/mg-platform";
        let mut levels: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &p.assignments {
            let scope = lower(&a["scope"]);
            let level = if scope == "/" {
                "root"
            } else if scope == mg {
                "management group"
            } else if subs.contains(&scope) {
                "subscription"
            } else if rgs.contains(&scope) {
                "resource group"
            } else if resources.contains_key(&scope) {
                "resource"
            } else {
                panic!("scope {scope} exists nowhere")
            };
            *levels.entry(level).or_default() += 1;
        }
        let total = p.assignments.len();
        assert!(levels["resource"] + levels["resource group"] > total * 3 / 4, "{levels:?}");
        assert!(levels["subscription"] > 0 && levels["subscription"] < total / 10, "{levels:?}");
        assert!(levels["root"] > 0 && levels["root"] < 10, "{levels:?}");
        assert!(levels["management group"] > 0 && levels["management group"] < 20, "{levels:?}");
    }
}

#[test]
fn managed_identity_assignments_name_their_client_ids() {
    let p = medium();
    let by_principal: HashMap<&str, &str> =
        p.identities.iter().map(|i| (str_of(&i["principalId"]), str_of(&i["clientId"]))).collect();
    let mut checked = 0;
    for a in &p.assignments {
        if let Some(client) = by_principal.get(str_of(&a["principalId"])) {
            assert_eq!(a["principalType"], "ServicePrincipal");
            assert_eq!(str_of(&a["principalName"]), *client);
            checked += 1;
        }
    }
    assert!(checked > p.identities.len(), "UAMIs hold roles: {checked}");
}

// ---------------------------------------------------------------------------------
// Risky patterns at N = 2000
// ---------------------------------------------------------------------------------

#[test]
fn orphaned_assignments_point_to_nothing() {
    for p in [small(), medium()] {
        let identities = p.identity_principals();
        let known: HashSet<&str> =
            p.assignments.iter().filter(|a| a["principalName"] != "").map(|a| str_of(&a["principalId"])).collect();
        let orphans: Vec<&Value> = p.assignments.iter().filter(|a| a["principalName"] == "").collect();
        assert!(orphans.len() >= 2, "orphaned assignments exist");
        assert!(orphans.len() * 50 < p.assignments.len() + 100, "only a few");
        for o in &orphans {
            let id = str_of(&o["principalId"]);
            assert!(!identities.contains(id), "orphan {id} is a live identity");
            assert!(!known.contains(id), "orphan {id} is a live principal");
            assert!(
                ["User", "Group", "ServicePrincipal"].contains(&str_of(&o["principalType"])),
                "orphans keep their original principalType"
            );
        }
    }
}

#[test]
fn some_identities_are_shared_across_dev_uat_and_prod() {
    let p = medium();
    let consumers = p.consumers();
    let shared = consumers
        .values()
        .filter(|sources| {
            let envs: BTreeSet<&str> = sources.iter().filter_map(|s| env_of_rg(str_of(&s["resourceGroup"]))).collect();
            envs.len() == 3
        })
        .count();
    assert!(shared >= 1, "a UAMI used in dev, uat and prod");
    assert!(shared * 20 < p.identities.len(), "a small share: {shared}");
}

#[test]
fn some_identities_are_used_in_another_region() {
    let p = medium();
    let uamis = p.uamis();
    let mut attachments = 0;
    let mut cross = 0;
    let mut regional_violations = 0;
    for (id, sources) in p.consumers() {
        let uami = uamis[&id];
        for s in sources {
            attachments += 1;
            if s["location"] != uami["location"] {
                cross += 1;
                if uami["isolationScope"] == "Regional" {
                    regional_violations += 1;
                }
            }
        }
    }
    assert!(cross > 0, "cross-region attachments exist");
    assert!(cross * 5 < attachments, "a small share: {cross}/{attachments}");
    assert!(regional_violations > 0, "some break a Regional isolation scope");
}

#[test]
fn some_identities_hold_subscription_wide_write() {
    let p = medium();
    let identities = p.identity_principals();
    let (subs, _) = p.container_scopes();
    let wide = p
        .assignments
        .iter()
        .filter(|a| {
            identities.contains(str_of(&a["principalId"]))
                && subs.contains(&lower(&a["scope"]))
                && ["Contributor", "Owner"].contains(&str_of(&a["roleDefinitionName"]))
        })
        .count();
    assert!(wide >= 1, "an identity with Contributor/Owner on a subscription");
    assert!(wide * 50 < p.identities.len() * 5, "a small share: {wide}");
}

#[test]
fn some_people_can_run_code_on_sources() {
    let p = medium();
    let sources: HashSet<String> = p.sources().map(|s| lower(&s["id"])).collect();
    let source_groups: HashSet<String> = p
        .sources()
        .map(|s| {
            let id = str_of(&s["id"]);
            format!("/subscriptions/{}/resourcegroups/{}", sub_of(id), str_of(&s["resourceGroup"])).to_lowercase()
        })
        .collect();
    let mut by_role: BTreeMap<&str, usize> = BTreeMap::new();
    for a in &p.assignments {
        let ty = str_of(&a["principalType"]);
        let role = str_of(&a["roleDefinitionName"]);
        let scope = lower(&a["scope"]);
        if ["User", "Group"].contains(&ty)
            && ["Website Contributor", "Virtual Machine Contributor", "Contributor"].contains(&role)
            && (sources.contains(&scope) || source_groups.contains(&scope))
        {
            *by_role.entry(role).or_default() += 1;
        }
    }
    for role in ["Website Contributor", "Virtual Machine Contributor", "Contributor"] {
        assert!(by_role.get(role).is_some_and(|&n| n > 0), "{role}: {by_role:?}");
    }
    let total: usize = by_role.values().sum();
    assert!(total * 5 < p.assignments.len(), "a minority of grants: {total}");
}

#[test]
fn some_users_operate_identities() {
    let p = medium();
    let uamis = p.uamis();
    let operators = p
        .assignments
        .iter()
        .filter(|a| {
            let scope = lower(&a["scope"]);
            a["principalType"] == "User"
                && a["roleDefinitionName"] == "Managed Identity Operator"
                && (uamis.contains_key(&scope) || uamis.keys().any(|u| u.starts_with(&format!("{scope}/providers/"))))
        })
        .count();
    assert!(operators >= 1, "users with Managed Identity Operator on UAMIs");
    assert!(operators * 10 < p.identities.len(), "a small share: {operators}");
}

#[test]
fn some_identities_are_unused() {
    for p in [small(), medium()] {
        let consumers = p.consumers();
        let unused = p.identities.iter().filter(|i| !consumers.contains_key(&lower(&i["id"]))).count();
        assert!(unused >= 1, "a UAMI attached to nothing");
        assert!(unused * 4 < p.identities.len(), "a minority: {unused}/{}", p.identities.len());
    }
}

#[test]
fn some_dev_identities_reach_prod_key_vaults() {
    let p = medium();
    let env_of = p.uami_env_by_principal();
    let resources = p.resource_index();
    let reaching = p
        .assignments
        .iter()
        .filter(|a| {
            let from = env_of.get(str_of(&a["principalId"]));
            let target = resources.get(&lower(&a["scope"]));
            from == Some(&"dev")
                && target.is_some_and(|r| {
                    r["type"] == "Microsoft.KeyVault/vaults" && env_of_rg(str_of(&r["resourceGroup"])) == Some("prod")
                })
        })
        .count();
    assert!(reaching >= 1, "a dev identity holds a role on a prod key vault");
}

#[test]
fn some_hosts_have_several_user_identities_and_no_system_one() {
    let p = medium();
    let ambiguous = p
        .sources()
        .filter(|s| {
            s["identity"]["type"] == "UserAssigned"
                && s["identity"]["userAssignedIdentities"].as_object().is_some_and(|m| m.len() >= 2)
        })
        .count();
    assert!(ambiguous >= 1);
}
