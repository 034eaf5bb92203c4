//! Terraform plans and state: hand-written files in `tests/fixtures/terraform/`, modelled on the
//! azurerm examples in `shared/corpus/terraform` (resources, references and modules as those
//! configurations write them), and the corpus plan read in place.
//!
//! Each file is described by what a person checks in a design review: which identity each
//! source carries, and which identity (or principal) each role assignment grants what to.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use blastmap_ingest::{DeploymentContext, Format, Loaded, Severity, SourceFile, load, load_with};
use blastmap_model::{AttachedIdentity, AttachmentRole, Inventory, IsolationScope, Key, arm, builtin_role};

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> Loaded {
    let bytes = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform").join(name));
    load(&[SourceFile { name, bytes: &bytes }])
}

/// A resource's name as the file spells it, else the last segment of its id.
fn name(inv: &Inventory, id: Key) -> String {
    inv.resource(id).map_or_else(|| arm::last_segment(inv.text(id)).to_owned(), |r| r.name.clone())
}

/// Who holds a principal id: a user-assigned identity, a source's system-assigned identity, or
/// nobody this file describes.
fn holder(inv: &Inventory, principal: Key) -> String {
    if let Some(identity) = inv.identities().iter().find(|i| i.principal_id == Some(principal)) {
        return format!("identity {}", name(inv, identity.id));
    }
    let system =
        inv.attachments().iter().find(|a| a.identity == AttachedIdentity::System { principal_id: Some(principal) });
    match system {
        Some(a) => format!("system identity of {}", name(inv, a.source)),
        None => format!("principal {}", inv.text(principal)),
    }
}

/// `Reader on tfvmrastorage01 <- system identity of example-vm`, one per role assignment.
fn grants(loaded: &Loaded) -> Vec<String> {
    let inv = &loaded.inventory;
    inv.role_assignments()
        .iter()
        .map(|a| {
            let guid = inv.text(a.role_definition);
            let role = builtin_role(guid)
                .map(|r| r.name.to_owned())
                .or_else(|| inv.role_definition(a.role_definition).map(|d| d.name.clone()))
                .unwrap_or_else(|| guid.to_owned());
            format!("{role} on {} <- {}", name(inv, a.scope), holder(inv, a.principal))
        })
        .collect()
}

/// `example-vm -> system`, `aks-shop -> aks-shop-agentpool (kubelet)`, one per attachment.
fn attachments(loaded: &Loaded) -> Vec<String> {
    let inv = &loaded.inventory;
    inv.attachments()
        .iter()
        .map(|a| {
            let identity = match a.identity {
                AttachedIdentity::System { .. } => "system".to_owned(),
                AttachedIdentity::User(id) => name(inv, id),
            };
            let role = match &a.role {
                AttachmentRole::Resource => String::new(),
                AttachmentRole::Kubelet => " (kubelet)".to_owned(),
                AttachmentRole::Addon(addon) => format!(" (add-on {addon})"),
            };
            format!("{} -> {identity}{role}", name(inv, a.source))
        })
        .collect()
}

fn diagnostics(loaded: &Loaded, severity: Severity) -> Vec<String> {
    loaded.files.iter().flat_map(|f| &f.diagnostics).filter(|d| d.severity == severity).map(|d| d.to_string()).collect()
}

struct Case {
    file: &'static str,
    format: Format,
    attachments: &'static [&'static str],
    grants: &'static [&'static str],
    /// Warnings expected, each by a part of its text.
    warnings: &'static [&'static str],
}

const SUBSCRIPTION: &str = "6a2f3c1e-8d4b-4f7a-9c2e-1b5d7e9f0a34";

const CASES: &[Case] = &[
    Case {
        // vm-scale-set/linux/user-assigned-identity: `identity_ids` names the identity, whose id
        // apply decides; both share one placeholder id.
        file: "vmss-user-assigned-identity.plan.json",
        format: Format::TerraformPlan,
        attachments: &["tfvmss-vmss -> tfvmss-vmssidentity"],
        grants: &[],
        warnings: &[],
    },
    Case {
        // virtual-machines/windows/vm-role-assignment: `identity[0].principal_id` of the VM.
        file: "vm-role-assignment.plan.json",
        format: Format::TerraformPlan,
        attachments: &["example-vm -> system"],
        grants: &["Reader on tfvmrastorage01 <- system identity of example-vm"],
        warnings: &[],
    },
    Case {
        // app-service/function-azure-RBAC-role-assignment: legacy `identity.0.principal_id`,
        // the role from a variable, the scope from `data.azurerm_subscription`.
        file: "function-rbac.plan.json",
        format: Format::TerraformPlan,
        attachments: &["tffunc-LFA -> system"],
        grants: &["Reader on 6a2f3c1e-8d4b-4f7a-9c2e-1b5d7e9f0a34 <- system identity of tffunc-LFA"],
        warnings: &[],
    },
    Case {
        // A module creates the identity; its outputs feed a web app, a role assignment and
        // another module's arguments.
        file: "module-output.plan.json",
        format: Format::TerraformPlan,
        attachments: &["app-orders-prod -> id-orders"],
        grants: &[
            "Key Vault Secrets User on kv-orders-prod <- identity id-orders",
            // Inside a module, through its arguments: `var.principal_id` is `module.identity.principal_id`.
            "Reader on rg-orders-prod <- identity id-orders",
        ],
        warnings: &[],
    },
    Case {
        // kubernetes/aci_connector_linux, plus AcrPull for the kubelet and a workload identity.
        file: "aks-workload-identity.plan.json",
        format: Format::TerraformPlan,
        attachments: &[
            "aks-shop -> system",
            "aks-shop -> aks-shop-agentpool (kubelet)",
            "aks-shop -> aciconnectorlinux-aks-shop (add-on aciConnectorLinux)",
            "aks-shop -> ingressapplicationgateway-aks-shop (add-on ingressApplicationGateway)",
            "aks-shop -> omsagent-aks-shop (add-on omsagent)",
        ],
        grants: &[
            "AcrPull on crshop <- identity aks-shop-agentpool",
            "Network Contributor on aci-subnet <- identity aciconnectorlinux-aks-shop",
            "Storage Blob Data Contributor on rg-shop <- identity id-shop-cart",
        ],
        warnings: &[],
    },
    Case {
        file: "key-vault-access-policy.plan.json",
        format: Format::TerraformPlan,
        attachments: &[],
        grants: &[],
        warnings: &[],
    },
    Case {
        // One identity for a dev and a prod app (`for_each`), Contributor on the subscription.
        file: "shared-identity-dev-prod.plan.json",
        format: Format::TerraformPlan,
        attachments: &["app-orders-dev -> id-orders-shared", "app-orders-prod -> id-orders-shared"],
        grants: &["Contributor on 6a2f3c1e-8d4b-4f7a-9c2e-1b5d7e9f0a34 <- identity id-orders-shared"],
        warnings: &[],
    },
    Case {
        // `for_each` pairs instances by key (`x[each.key].id` leaves only `x` in the plan's
        // references: the argument says which attribute); explicit keys pick one.
        file: "for-each.plan.json",
        format: Format::TerraformPlan,
        attachments: &["app-blue -> id-blue", "app-green -> id-green"],
        grants: &[
            "Website Contributor on app-blue <- identity id-blue",
            "Website Contributor on app-green <- identity id-green",
            "Monitoring Reader on rg-colours <- identity id-blue",
            "Monitoring Reader on rg-colours <- identity id-batch-1",
        ],
        warnings: &[],
    },
    Case {
        file: "state.json",
        format: Format::TerraformState,
        attachments: &["func-payments-prod -> system", "func-payments-prod -> id-payments"],
        grants: &[
            "Payments Blob Reader on rg-payments-prod <- identity id-payments",
            "Storage Blob Data Contributor on stpaymentsprod <- system identity of func-payments-prod",
        ],
        warnings: &[],
    },
    Case {
        // `count` instances; the data source is not read; ids in three spellings are one.
        file: "terraform.tfstate",
        format: Format::TerraformStateFile,
        attachments: &["vm-batch-0 -> id-batch-worker", "vm-batch-1 -> id-batch-worker"],
        grants: &["Storage Queue Data Contributor on rg-batch-test <- identity id-batch-worker"],
        warnings: &[],
    },
    Case {
        // A crafted file whose names refer to each other's ids: resolution stops, ids stay short.
        file: "cycle.plan.json",
        format: Format::TerraformPlan,
        attachments: &["{azurerm_linux_web_app.a} -> system"],
        grants: &["Owner on {azurerm_linux_web_app.b} <- principal terraform:azurerm_role_assignment.r.principal_id"],
        warnings: &["azurerm_role_assignment.r: principal_id is known only after apply"],
    },
];

#[test]
fn plans_and_state_link_assignments_and_sources_to_their_identities() {
    for case in CASES {
        let loaded = fixture(case.file);
        assert_eq!(loaded.files[0].format, Some(case.format), "{}", case.file);
        assert_eq!(diagnostics(&loaded, Severity::Error), Vec::<String>::new(), "{}", case.file);
        assert_eq!(attachments(&loaded), case.attachments, "{}", case.file);
        assert_eq!(grants(&loaded), case.grants, "{}", case.file);
        let warnings = diagnostics(&loaded, Severity::Warning);
        assert_eq!(warnings.len(), case.warnings.len(), "{}: {warnings:#?}", case.file);
        for (warning, expected) in warnings.iter().zip(case.warnings) {
            assert!(warning.contains(expected), "{}: {warning}", case.file);
        }
    }
}

#[test]
fn placeholders_follow_the_documented_scheme() {
    let loaded = fixture("vm-role-assignment.plan.json");
    let inv = &loaded.inventory;
    let vm = "/subscriptions/{subscriptionid}/resourcegroups/example-resources/providers/microsoft.compute/virtualmachines/example-vm";
    assert!(inv.keys.get(vm).and_then(|k| inv.resource(k)).is_some(), "ARM-like id from name and resource group");
    let principal = "terraform:azurerm_windows_virtual_machine.example.identity[0].principal_id";
    assert_eq!(inv.text(inv.role_assignments()[0].principal), principal);
    let info = diagnostics(&loaded, Severity::Info);
    assert!(info.iter().any(|d| d.contains("ids not yet known use /subscriptions/{subscriptionId}")), "{info:?}");
    // A subscription the file names (here through `data.azurerm_subscription`) replaces it.
    let shared = fixture("shared-identity-dev-prod.plan.json");
    let app = format!(
        "/subscriptions/{SUBSCRIPTION}/resourcegroups/rg-orders-dev/providers/microsoft.web/sites/app-orders-dev"
    );
    let app = shared.inventory.keys.get(&app).and_then(|k| shared.inventory.resource(k)).expect("the dev app");
    assert_eq!((app.resource_type.as_str(), app.kind.as_deref()), ("Microsoft.Web/sites", Some("app,linux")));
    assert_eq!(app.tags.get("env"), Some("dev"));
    // The AKS kubelet identity is where AKS puts it.
    let aks = fixture("aks-workload-identity.plan.json");
    let kubelet = "/subscriptions/{subscriptionid}/resourcegroups/mc_rg-shop_aks-shop_westeurope/providers/microsoft.managedidentity/userassignedidentities/aks-shop-agentpool";
    assert!(aks.inventory.keys.get(kubelet).and_then(|k| aks.inventory.identity(k)).is_some());
}

#[test]
fn origins_point_into_the_plan() {
    let loaded = fixture("module-output.plan.json");
    let inv = &loaded.inventory;
    let identity = inv.resource(inv.identities()[0].id).expect("the identity is a resource");
    assert_eq!(identity.origin.path, "/planned_values/root_module/child_modules/0/resources/0/values");
    assert_eq!(inv.role_assignments()[0].origin.path, "/planned_values/root_module/resources/4/values");
    let state = fixture("terraform.tfstate");
    assert_eq!(state.inventory.role_assignments()[0].origin.path, "/resources/3/instances/0/attributes");
}

#[test]
fn the_same_plan_twice_is_one_design() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform/aks-workload-identity.plan.json");
    let bytes = read(&path);
    let once = fixture("aks-workload-identity.plan.json");
    let twice = load(&[SourceFile { name: "a", bytes: &bytes }, SourceFile { name: "b", bytes: &bytes }]);
    let sizes = |inv: &Inventory| {
        (inv.resources().len(), inv.identities().len(), inv.attachments().len(), inv.role_assignments().len())
    };
    assert_eq!(sizes(&twice.inventory), sizes(&once.inventory));
    assert!(twice.inventory.conflicts().is_empty());
}

#[test]
fn identities_credentials_and_access_policies() {
    let state = fixture("state.json");
    let inv = &state.inventory;
    assert_eq!(inv.identities()[0].isolation_scope, IsolationScope::Regional);
    let role =
        inv.role_definition(inv.keys.get("4d5e6f70-8192-4a3b-9c4d-5e6f708192a3").expect("custom role")).expect("read");
    assert_eq!((role.name.as_str(), role.builtin), ("Payments Blob Reader", false));
    assert_eq!(
        role.permissions[0].data_actions,
        ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"]
    );
    let credential = &inv.federated_credentials()[0];
    assert_eq!(name(inv, credential.identity), "id-payments");
    assert_eq!(credential.subject.as_deref(), Some("repo:contoso/payments:environment:prod"));
    assert_eq!(credential.audiences, ["api://AzureADTokenExchange"]);

    // At plan time the issuer is the cluster's, known only after apply.
    let aks = fixture("aks-workload-identity.plan.json");
    let credential = &aks.inventory.federated_credentials()[0];
    assert_eq!(name(&aks.inventory, credential.identity), "id-shop-cart");
    assert_eq!(credential.issuer, "terraform:azurerm_kubernetes_cluster.shop.oidc_issuer_url");

    let vault = fixture("key-vault-access-policy.plan.json");
    let inv = &vault.inventory;
    let policies: Vec<(String, String, Vec<String>)> = inv
        .access_policies()
        .iter()
        .map(|p| (name(inv, p.vault), holder(inv, p.object_id), p.secrets.clone()))
        .collect();
    let secrets = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        policies,
        [
            (
                "kv-billing".to_owned(),
                "principal 5f3c9a2e-0d7b-4c1e-8a6f-2b9d4e7c1a05".to_owned(),
                secrets(&["Get", "List", "Set", "Delete"])
            ),
            ("kv-billing".to_owned(), "identity id-billing".to_owned(), secrets(&["Get"])),
        ]
    );
}

#[test]
fn bad_input_gives_diagnostics_never_a_panic() {
    let truncated = fixture("truncated.plan.json");
    assert_eq!(truncated.files[0].format, None);
    assert!(diagnostics(&truncated, Severity::Error)[0].contains("not valid JSON"));

    let nulls = fixture("nulls.plan.json");
    assert_eq!(nulls.files[0].format, Some(Format::TerraformPlan));
    assert!(diagnostics(&nulls, Severity::Warning)[0].contains("no Azure resource"));

    let odd = fixture("odd-shapes.plan.json");
    let warnings = diagnostics(&odd, Severity::Warning);
    let expected = [
        "/planned_values/root_module/resources/0: a resource without type, name or values",
        "/planned_values/root_module/resources/1: a resource without type, name or values",
        "/resource_changes/0: a resource change without",
        "/resource_changes/1: a resource change without",
        "resources/2/values/identity: azurerm_linux_web_app.a: identity is not a list of blocks",
        "resources/3/values/identity/0/identity_ids: azurerm_linux_web_app.b: identity_ids is not a list",
        "/resource_changes/2/change/after/scope: azurerm_role_assignment.r: scope is known only after apply",
        "/resource_changes/3/change/after/principal_id: azurerm_role_assignment.s: principal_id is known only",
        "azurerm_role_assignment.mislabelled: \"owner\" is the built-in role 8e3af657-a8ff-443c-a75c-2fe8c4bcb635 but \
         role_definition_id names acdd72a7-3385-48ef-bd42-f606fba81ae7; the id is used",
    ];
    assert_eq!(warnings.len(), expected.len(), "{warnings:#?}");
    for (warning, expected) in warnings.iter().zip(expected) {
        assert!(warning.contains(expected), "{warning}");
    }
    let info = diagnostics(&odd, Severity::Info).join("\n");
    for expected in
        ["ids that are not ARM resource ids: azurerm_key_vault_secret (1)", "other providers: random_string (1)"]
    {
        assert!(info.contains(expected), "{info}");
    }
    assert!(info.contains("1 resources this plan deletes are not read"), "{info}");
    assert!(odd.inventory.identities().is_empty(), "the deleted identity is not read");
    assert!(grants(&odd).contains(&"Reader on rg <- principal 44444444-4444-4444-4444-444444444444".to_owned()));

    let state = fixture("bad.tfstate");
    assert_eq!(state.files[0].format, Some(Format::TerraformStateFile));
    let errors = diagnostics(&state, Severity::Error);
    assert!(
        errors[0].contains("/resources/0/instances/1/attributes: \"not-an-arm-id\" is not an ARM resource id"),
        "{errors:?}"
    );
    let warnings = diagnostics(&state, Severity::Warning);
    assert!(
        warnings.iter().any(|w| w.contains("/resources/0/instances/0: an instance without attributes")),
        "{warnings:?}"
    );
}

/// tfplan2md's test plan: role assignments in a module, known principals, an update, a
/// replacement, a deletion and roles named only by name.
#[test]
fn corpus_plan_role_assignments() {
    let relative = "terraform/tfplan2md__TestData__role-assignments.json";
    let bytes = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(relative));
    let loaded = load(&[SourceFile { name: relative, bytes: &bytes }]);
    assert_eq!(loaded.files[0].format, Some(Format::TerraformPlan));
    assert_eq!(diagnostics(&loaded, Severity::Error), Vec::<String>::new());
    assert_eq!(
        grants(&loaded),
        [
            "Reader on rg-tfplan2md-demo <- principal 11111111-1111-1111-1111-111111111111",
            "Storage Blob Data Reader on sttfplan2mdlogs-with-extended-name-1234567890 <- principal 22222222-2222-2222-2222-222222222222",
            "Storage Blob Data Contributor on sttfplan2mddata <- principal 33333333-3333-3333-3333-333333333333",
            "terraform:role:custom contributor long name 1234567890 on rg-production <- principal 33333333-3333-3333-3333-333333333333",
            "terraform:role:extremely verbose custom role name for long output validation 1234567890 on rg-long-names-example <- principal 99999999-9999-9999-9999-999999999999",
        ]
    );
    let inv = &loaded.inventory;
    let update = &inv.role_assignments()[2];
    assert_eq!(update.condition.as_deref(), Some("request.clientip != '10.0.0.0/24'"), "after, not before");
    let kinds: Vec<String> = inv.role_assignments().iter().map(|a| format!("{:?}", a.principal_type)).collect();
    assert_eq!(kinds, ["Some(User)", "Some(Group)", "Some(Group)", "Some(Group)", "Some(ServicePrincipal)"]);
    let warnings = diagnostics(&loaded, Severity::Warning);
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings.iter().all(|w| w.contains("is not a built-in role and no role definition in this file has that name"))
    );
    let info = diagnostics(&loaded, Severity::Info);
    assert!(info.iter().any(|d| d.contains("1 resources this plan deletes are not read")), "{info:?}");
}

#[test]
fn the_deployment_context_names_the_subscription_of_ids_apply_decides() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terraform/vm-role-assignment.plan.json");
    let bytes = read(&path);
    let context = DeploymentContext { subscription_id: Some(SUBSCRIPTION.to_owned()), ..DeploymentContext::default() };
    let loaded = load_with(&[SourceFile { name: "plan", bytes: &bytes }], &context);
    let inv = &loaded.inventory;
    let vm = format!(
        "/subscriptions/{SUBSCRIPTION}/resourcegroups/example-resources/providers/microsoft.compute/virtualmachines/example-vm"
    );
    assert!(inv.keys.get(&vm).and_then(|k| inv.resource(k)).is_some());
    assert!(diagnostics(&loaded, Severity::Info).iter().all(|d| !d.contains("{subscriptionId}")));
}
