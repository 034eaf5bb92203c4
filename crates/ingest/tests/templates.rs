//! ARM templates as designs: every template of `shared/corpus/arm` (read in place) loads
//! without an error, and for many of them the identities, attachments and role assignments the
//! design holds are the ones read, linked by the placeholder principal ids.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use blastmap_ingest::{DeploymentContext, Format, Loaded, Loader, SourceFile, load, load_with, native};
use blastmap_model::{AttachedIdentity, Environment, Inventory, Key};
use common::errors;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/arm")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Vec<u8> {
    read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/arm").join(name))
}

fn load_template(name: &str) -> Loaded {
    let bytes = read(&corpus().join(name));
    let loaded = load(&[SourceFile { name, bytes: &bytes }]);
    assert_eq!(errors(&loaded), Vec::<String>::new(), "{name}");
    assert_eq!(loaded.files[0].format, Some(Format::ArmTemplate), "{name}");
    loaded
}

/// The principal ids the inventory's identities have (user-assigned and system-assigned).
fn identity_principals(inv: &Inventory) -> Vec<Key> {
    let users = inv.identities().iter().filter_map(|i| i.principal_id);
    let systems = inv.attachments().iter().filter_map(|a| match a.identity {
        AttachedIdentity::System { principal_id } => principal_id,
        AttachedIdentity::User(_) => None,
    });
    users.chain(systems).collect()
}

/// Role assignments whose principal is an identity of the inventory.
fn linked_assignments(inv: &Inventory) -> usize {
    let principals = identity_principals(inv);
    inv.role_assignments().iter().filter(|a| principals.contains(&a.principal)).count()
}

fn role_of(inv: &Inventory, index: usize) -> &str {
    inv.text(inv.role_assignments()[index].role_definition)
}

const CONTRIBUTOR: &str = "b24988ac-6180-42a0-ab88-20f7382dd24c";
const READER: &str = "acdd72a7-3385-48ef-bd42-f606fba81ae7";

#[test]
fn every_corpus_template_loads_without_an_error() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("shared/corpus/arm")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 63);
    let (mut identities, mut attachments, mut assignments, mut linked) = (0, 0, 0, 0);
    for path in &names {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let loaded = load_template(name);
        let inv = &loaded.inventory;
        identities += inv.identities().len();
        attachments += inv.attachments().len();
        assignments += inv.role_assignments().len();
        linked += linked_assignments(inv);
    }
    // Without parameter values; the figures of the commit that wrote this test.
    assert_eq!((identities, attachments, assignments, linked), (21, 20, 32, 20));
}

/// `(file, user-assigned identities, attachments, role assignments, of them linked to an
/// identity of the template, role definitions)`.
const CASES: &[(&str, usize, usize, usize, usize, usize)] = &[
    ("quickstart__rbac-managedidentity__azuredeploy.json", 1, 0, 1, 1, 0),
    ("quickstart__rbac-builtinrole-resourcegroup__azuredeploy.json", 0, 0, 1, 0, 0),
    ("quickstart__rbac-builtinrole-multiplevms__azuredeploy.json", 0, 0, 2, 0, 0),
    ("quickstart__rbac-managedidentity-maps__azuredeploy.json", 1, 0, 1, 1, 0),
    ("bicep-samples__101_create-managedidentity-rbac_main.json", 1, 0, 1, 1, 0),
    ("bicep-samples__101_create-managedidentity-rbac_main.symbolicnames.json", 1, 0, 1, 1, 0),
    ("bicep-samples__301_web-app-managed-identity-sql-db_main.json", 1, 1, 1, 1, 0),
    ("bicep-samples__301_web-app-managed-identity-sql-db_main.symbolicnames.json", 1, 1, 1, 1, 0),
    ("bicep-samples__101_custom-role-definition-assignment_main.json", 0, 0, 1, 0, 1),
    ("bicep-samples__101_storage-static-website_main.json", 1, 1, 1, 1, 0),
    ("bicep-samples__201_aci-wordpress_main.json", 1, 2, 1, 1, 0),
    ("bicep-samples__101_cyclecloud_main.json", 1, 1, 1, 1, 0),
    (
        "bicep-samples__201_avd-backplane-with-network-and-storage-and-monitoring_avd-image-builder-module.json",
        1,
        2,
        2,
        2,
        1,
    ),
    ("bicep-samples__201_avd-backplane-with-network-and-storage-and-monitoring_avd-sig-module.json", 1, 0, 1, 1, 1),
    ("bicep-decompiler__keysinproperties.json", 1, 1, 1, 1, 0),
    ("docs-json-samples__deployment-script_deploymentscript-keyvault-mi.json", 1, 1, 1, 1, 0),
    ("enterprise-scale__deployPrerequisites.json", 1, 1, 1, 1, 0),
    ("enterprise-scale__avnmConfiguration.json", 1, 1, 1, 1, 0),
    ("bicep-samples__101_create-rg-lock-role-assignment_main.json", 0, 0, 1, 0, 0),
];

#[test]
fn identities_attachments_and_assignments_of_corpus_templates() {
    for &(name, identities, attachments, assignments, linked, definitions) in CASES {
        let loaded = load_template(name);
        let inv = &loaded.inventory;
        let found = (
            inv.identities().len(),
            inv.attachments().len(),
            inv.role_assignments().len(),
            linked_assignments(inv),
            inv.role_definitions().iter().filter(|d| !d.builtin).count(),
        );
        assert_eq!(found, (identities, attachments, assignments, linked, definitions), "{name}");
    }
}

#[test]
fn a_role_assignment_names_its_identity_through_reference() {
    let loaded = load_template("quickstart__rbac-managedidentity__azuredeploy.json");
    let inv = &loaded.inventory;
    let identity = &inv.identities()[0];
    let assignment = &inv.role_assignments()[0];
    assert_eq!(Some(assignment.principal), identity.principal_id);
    assert_eq!(role_of(inv, 0), CONTRIBUTOR);
    assert_eq!(inv.text(assignment.scope), "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}");
    assert_eq!(assignment.origin.path, "/resources/1", "the path of the declaration in the template");
    assert_eq!(
        inv.text(identity.id),
        "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/providers/microsoft.managedidentity/userassignedidentities/{parameters('managedidentityname')}"
    );
}

#[test]
fn symbolic_names_give_the_same_design_as_the_classic_form() {
    let describe = |name: &str| {
        let loaded = load_template(name);
        let inv = &loaded.inventory;
        let mut ids: Vec<String> = inv.resources().iter().map(|r| inv.text(r.id).to_owned()).collect();
        ids.extend(inv.role_assignments().iter().map(|a| format!("{} {}", inv.text(a.principal), inv.text(a.scope))));
        ids.sort();
        ids
    };
    for stem in [
        "bicep-samples__101_create-managedidentity-rbac_main",
        "bicep-samples__301_web-app-managed-identity-sql-db_main",
    ] {
        assert_eq!(describe(&format!("{stem}.json")), describe(&format!("{stem}.symbolicnames.json")), "{stem}");
    }
}

#[test]
fn multi_line_expressions_scope_assignments_to_each_vm() {
    let loaded = load_template("quickstart__rbac-builtinrole-multiplevms__azuredeploy.json");
    let inv = &loaded.inventory;
    let scopes: Vec<&str> = inv.role_assignments().iter().map(|a| inv.text(a.scope)).collect();
    assert_eq!(
        scopes,
        [
            "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/providers/microsoft.compute/virtualmachines/{parameters('virtualmachinename1')}",
            "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/providers/microsoft.compute/virtualmachines/{parameters('virtualmachinename2')}",
        ]
    );
    assert!(inv.role_assignments().iter().all(|a| inv.text(a.principal) == "{parameters('principalid')}"));
}

#[test]
fn the_multi_line_quickstart_with_parameters_resolves_its_role() {
    let template = read(&corpus().join("quickstart__rbac-builtinrole-multiplevms__azuredeploy.json"));
    let parameters =
        br#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"principalId": {"value": "44444444-4444-4444-4444-444444444444"},
                       "builtInRoleType": {"value": "Reader"},
                       "virtualMachineName1": {"value": "vm-a"}, "virtualMachineName2": {"value": "vm-b"}}}"#;
    let context = DeploymentContext {
        subscription_id: Some("00000000-0000-0000-0000-0000000000aa".to_owned()),
        resource_group: Some("rg-vms".to_owned()),
        ..DeploymentContext::default()
    };
    let loaded = load_with(
        &[
            SourceFile { name: "params.json", bytes: parameters },
            SourceFile { name: "azuredeploy.json", bytes: &template },
        ],
        &context,
    );
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    assert_eq!(inv.role_assignments().len(), 2);
    assert_eq!(role_of(inv, 0), READER);
    assert_eq!(inv.text(inv.role_assignments()[0].principal), "44444444-4444-4444-4444-444444444444");
    assert_eq!(
        inv.text(inv.role_assignments()[1].scope),
        "/subscriptions/00000000-0000-0000-0000-0000000000aa/resourcegroups/rg-vms/providers/microsoft.compute/virtualmachines/vm-b"
    );
}

/// Files handed over one by one (as the web app's worker gets them) are read at once up to the
/// first design; that design and every file after it wait for `finish`, which pairs the
/// parameter file that comes before its template. The inventory is `load`'s.
#[test]
fn files_read_one_by_one_wait_from_the_first_design_on() {
    let template = read(&corpus().join("quickstart__rbac-builtinrole-multiplevms__azuredeploy.json"));
    let parameters =
        br#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
        "parameters": {"principalId": {"value": "44444444-4444-4444-4444-444444444444"}}}"#;
    let export = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/az-aks-list.json"));
    let files = [
        SourceFile { name: "aks.json", bytes: &export },
        SourceFile { name: "params.json", bytes: parameters },
        SourceFile { name: "azuredeploy.json", bytes: &template },
        SourceFile { name: "aks-again.json", bytes: &export },
    ];
    let context = DeploymentContext::default();
    let mut loader = Loader::new(&context);
    let mut read_at_once = Vec::new();
    for file in &files {
        loader.read(file, |index| read_at_once.push(index));
    }
    assert_eq!(read_at_once, [0], "the export before the first design is read as it comes");
    let mut read_at_finish = Vec::new();
    let loaded = loader.finish(&files, |index| read_at_finish.push(index));
    assert_eq!(read_at_finish, [1, 2, 3]);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let formats: Vec<Option<Format>> = loaded.files.iter().map(|f| f.format).collect();
    assert_eq!(formats[1..3], [Some(Format::ArmParameters), Some(Format::ArmTemplate)]);
    let inv = &loaded.inventory;
    assert_eq!(inv.role_assignments().len(), 2);
    assert!(inv.role_assignments().iter().all(|a| inv.text(a.principal) == "44444444-4444-4444-4444-444444444444"));
    assert_eq!(native::write(inv), native::write(&load(&files).inventory), "the same inventory as load's");
}

#[test]
fn copy_loops_deploy_one_resource_per_index() {
    let loaded = load_template("bicep-decompiler__201-vm-copy-index-loops.json");
    let inv = &loaded.inventory;
    let mut names: Vec<&str> = inv.resources().iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(inv.resources().len(), 12);
    for expected in ["myvm0", "myvm1", "myvm2", "nic0", "nic2"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
}

#[test]
fn nested_deployments_pass_parameters_in_and_outputs_out() {
    let loaded = load_template("enterprise-scale__deployPrerequisites.json");
    let inv = &loaded.inventory;
    let identity = &inv.identities()[0];
    assert!(inv.text(identity.id).contains("/resourcegroups/rg-alz-prereqs-{parameters('location')}/"));
    let groups: Vec<&str> = inv.scopes().iter().map(|s| inv.text(s.id)).collect();
    assert_eq!(
        groups,
        [
            "/subscriptions/{parameters('managementsubscriptionid')}/resourcegroups/rg-alz-prereqs-{parameters('location')}"
        ],
        "the subscription template creates its group"
    );
    let assignment = &inv.role_assignments()[0];
    // The assignment reads the identity's principal from the nested deployment's outputs.
    assert_eq!(Some(assignment.principal), identity.principal_id);
    let attachment = &inv.attachments()[0];
    assert_eq!(attachment.identity, AttachedIdentity::User(identity.id), "the script uses the identity by output id");
    let script = inv.resource(attachment.source).map(|r| r.origin.path.to_string());
    assert_eq!(script.as_deref(), Some("/resources/2/properties/template/resources/0/properties/template/resources/0"));
}

#[test]
fn the_legacy_child_form_assigns_on_its_parent() {
    let loaded = load_template("quickstart__rbac-managedidentity-maps__azuredeploy.json");
    let inv = &loaded.inventory;
    let assignment = &inv.role_assignments()[0];
    assert_eq!(
        inv.text(assignment.scope),
        "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/providers/microsoft.maps/accounts/{parameters('mapsaccountname')}"
    );
    assert_eq!(Some(assignment.principal), inv.identities()[0].principal_id);
}

#[test]
fn custom_roles_are_read_and_assigned_by_guid() {
    let loaded = load_template("bicep-samples__101_custom-role-definition-assignment_main.json");
    let inv = &loaded.inventory;
    let custom = inv.role_definitions().iter().find(|d| !d.builtin).expect("the custom role");
    assert_eq!(inv.role_assignments()[0].role_definition, custom.id);
    assert!(!custom.permissions.is_empty());
}

#[test]
fn access_policies_name_the_identity() {
    let loaded = load_template("docs-json-samples__deployment-script_deploymentscript-keyvault-mi.json");
    let inv = &loaded.inventory;
    assert_eq!(inv.access_policies().len(), 2);
    let principal = inv.identities()[0].principal_id;
    assert!(inv.access_policies().iter().any(|p| Some(p.object_id) == principal));
}

#[test]
fn an_avm_module_with_parameters_attaches_identities_and_assigns_roles() {
    let template = read(&corpus().join("avm__res_app_container-app.json"));
    let parameters = fixture("avm-container-app.parameters.json");
    // The parameter file comes first: pairing does not depend on the order.
    let loaded = load(&[
        SourceFile { name: "avm-container-app.parameters.json", bytes: &parameters },
        SourceFile { name: "avm__res_app_container-app.json", bytes: &template },
    ]);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    assert_eq!(loaded.files[0].format, Some(Format::ArmParameters));
    assert!(loaded.files[0].diagnostics.iter().any(|d| d.message.contains("for avm__res_app_container-app.json")));
    assert!(loaded.files[1].diagnostics.iter().any(|d| d.message.contains("from avm-container-app.parameters.json")));
    let inv = &loaded.inventory;
    let app = "/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/providers/microsoft.app/containerapps/ca-orders-prod";
    let app_key = inv.keys.get(app).expect("the container app");
    let mut kinds: Vec<String> = inv
        .attachments()
        .iter()
        .filter(|a| a.source == app_key)
        .map(|a| match a.identity {
            AttachedIdentity::System { principal_id } => {
                format!("system {}", principal_id.map_or("-", |p| inv.text(p)))
            }
            AttachedIdentity::User(id) => format!("user {}", inv.text(id)),
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, [
        format!("system {{principalid of {app}}}"),
        "user /subscriptions/00000000-0000-0000-0000-0000000000aa/resourcegroups/rg-identities/providers/microsoft.managedidentity/userassignedidentities/id-orders".to_owned(),
    ]);
    let assignments: Vec<(&str, &str, &str)> = inv
        .role_assignments()
        .iter()
        .map(|a| (inv.text(a.scope), inv.text(a.principal), inv.text(a.role_definition)))
        .collect();
    assert_eq!(
        assignments,
        [
            (app, "11111111-1111-1111-1111-111111111111", CONTRIBUTOR),
            (app, "22222222-2222-2222-2222-222222222222", READER),
        ]
    );
}

#[test]
fn an_avm_identity_module_with_parameters_trusts_its_federated_credential() {
    let template = read(&corpus().join("avm__res_managed-identity_user-assigned-identity.json"));
    let parameters = fixture("avm-user-assigned-identity.parameters.json");
    let loaded = load(&[
        SourceFile { name: "identity.json", bytes: &template },
        SourceFile { name: "identity.parameters.json", bytes: &parameters },
    ]);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    let identity = &inv.identities()[0];
    assert!(inv.text(identity.id).ends_with("/userassignedidentities/id-deployer"));
    let credential = &inv.federated_credentials()[0];
    assert_eq!(credential.identity, identity.id);
    assert_eq!(credential.subject.as_deref(), Some("repo:contoso/infra:ref:refs/heads/main"));
    let assignment = &inv.role_assignments()[0];
    assert_eq!(assignment.scope, identity.id, "Managed Identity Operator on the identity itself");
    assert_eq!(role_of(inv, 0), "f1a07417-d97a-45cb-824c-7a7467783830");
}

#[test]
fn parameter_files_go_to_the_template_they_fit_best() {
    let identity = read(&corpus().join("avm__res_managed-identity_user-assigned-identity.json"));
    let app = read(&corpus().join("avm__res_app_container-app.json"));
    let identity_parameters = fixture("avm-user-assigned-identity.parameters.json");
    let unrelated =
        br#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
                         "parameters": {"nothingDeclaresThis": {"value": 1}}}"#;
    let loaded = load(&[
        SourceFile { name: "identity.parameters.json", bytes: &identity_parameters },
        SourceFile { name: "app.json", bytes: &app },
        SourceFile { name: "unrelated.parameters.json", bytes: unrelated },
        SourceFile { name: "identity.json", bytes: &identity },
    ]);
    let said = |index: usize| -> Vec<String> {
        loaded.files[index].diagnostics.iter().map(|d| format!("{}: {}", d.severity.as_str(), d.message)).collect()
    };
    assert!(
        said(0).contains(
            &"info: the values of 3 parameters for identity.json, the best fit of the 2 templates given".to_owned()
        ),
        "{:?}",
        said(0)
    );
    assert!(said(2).iter().any(|m| m.starts_with("warning: a parameter file, but no template")), "{:?}", said(2));
    assert!(loaded.inventory.identities().iter().any(|i| loaded.inventory.text(i.id).ends_with("/id-deployer")));
}

#[test]
fn a_shared_identity_design_and_its_deployment_context() {
    let template = fixture("shared-identity-dev-prod.json");
    let context = DeploymentContext {
        subscription_id: Some("00000000-0000-0000-0000-0000000000bb".to_owned()),
        resource_group: Some("rg-shop".to_owned()),
        location: None,
        environment: Some("prod".to_owned()),
    };
    let loaded = load_with(&[SourceFile { name: "shop.json", bytes: &template }], &context);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    assert_eq!(inv.identities().len(), 1);
    let users: Vec<Key> = inv
        .attachments()
        .iter()
        .filter_map(|a| match a.identity {
            AttachedIdentity::User(id) => Some(id),
            AttachedIdentity::System { .. } => None,
        })
        .collect();
    assert_eq!(users, [inv.identities()[0].id; 2], "both apps use the one identity");
    let assignment = &inv.role_assignments()[0];
    assert_eq!(inv.text(assignment.scope), "/subscriptions/00000000-0000-0000-0000-0000000000bb");
    assert_eq!(Some(assignment.principal), inv.identities()[0].principal_id);
    assert_eq!(role_of(inv, 0), CONTRIBUTOR);
    let group =
        inv.keys.get("/subscriptions/00000000-0000-0000-0000-0000000000bb/resourcegroups/rg-shop").expect("the group");
    assert_eq!(inv.environment_mapping().of_scope(group), Some(Environment::Prod));
    // No location in the context: the template's default location is used.
    assert!(inv.resources().iter().all(|r| r.region.as_deref() == Some("westeurope")));
}

#[test]
fn access_policies_added_by_a_child_resource_are_read() {
    let template = br#"{
      "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
      "resources": [
        {"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "apiVersion": "2023-01-31", "name": "id-reader"},
        {"type": "Microsoft.KeyVault/vaults/accessPolicies", "apiVersion": "2023-07-01", "name": "kv-app/add",
         "properties": {"accessPolicies": [{
           "tenantId": "[subscription().tenantId]",
           "objectId": "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', 'id-reader')).principalId]",
           "permissions": {"secrets": ["get", "list"]}}]}}
      ]
    }"#;
    let loaded = load(&[SourceFile { name: "kv.json", bytes: template }]);
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    let policy = &inv.access_policies()[0];
    assert!(inv.text(policy.vault).ends_with("/providers/microsoft.keyvault/vaults/kv-app"));
    assert_eq!(Some(policy.object_id), inv.identities()[0].principal_id);
    assert_eq!(policy.secrets, ["get", "list"]);
}

#[test]
fn a_template_saved_as_utf16_by_powershell_is_read() {
    let text = String::from_utf8(fixture("shared-identity-dev-prod.json")).expect("UTF-8");
    let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(text.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let loaded = load(&[SourceFile { name: "shop.json", bytes: &utf16 }]);
    assert_eq!(loaded.files[0].format, Some(Format::ArmTemplate));
    assert_eq!(errors(&loaded), Vec::<String>::new());
    assert_eq!(loaded.inventory.attachments().len(), 2);
}
