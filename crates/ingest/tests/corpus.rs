//! Real files from `shared/corpus` (read in place) and a generated tenant: what each holds.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use std::path::{Path, PathBuf};

use blastmap_ingest::{Format, Loaded, SourceFile, load};
use blastmap_model::{AttachedIdentity, IsolationScope, PrincipalKind};
use common::errors;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
}

fn load_corpus(relative: &str) -> Loaded {
    let bytes = std::fs::read(corpus().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    load(&[SourceFile { name: relative, bytes: &bytes }])
}

#[test]
fn az_role_assignment_list_all() {
    let loaded = load_corpus("az-cli/nabilshams__az-role-assignment-list-all.json");
    assert_eq!(loaded.files[0].format, Some(Format::JsonArray));
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    assert_eq!(inv.role_assignments().len(), 44);
    let root = inv.keys.get("/").unwrap();
    assert_eq!(inv.role_assignments().iter().filter(|a| a.scope == root).count(), 2, "two at the tenant root");
    assert!(inv.role_assignments().iter().all(|a| a.principal_name.is_none()), "this export has no principalName");
    assert!(
        inv.role_assignments()
            .iter()
            .all(|a| matches!(a.principal_type, Some(PrincipalKind::User | PrincipalKind::ServicePrincipal)))
    );
}

#[test]
fn az_cognitiveservices_account_show() {
    let loaded = load_corpus("az-cli/nabilshams__az-cognitiveservices-account-show.json");
    assert_eq!(loaded.files[0].format, Some(Format::SingleObject));
    assert_eq!(errors(&loaded), Vec::<String>::new());
    let inv = &loaded.inventory;
    assert_eq!(inv.resources().len(), 2, "the account and the identity it names");
    assert_eq!(inv.attachments().len(), 1);
    let identity = &inv.identities()[0];
    assert_eq!(inv.text(identity.principal_id.unwrap()), "fed483b2-ec88-4f5b-bc36-3a66909b29c6");
    assert_eq!(inv.text(identity.client_id.unwrap()), "8cd74583-73a6-462a-b7bf-fa998efed791");
    assert_eq!(inv.attachments()[0].identity, AttachedIdentity::User(identity.id));
    let account = inv.resource(inv.attachments()[0].source).unwrap();
    assert_eq!(account.resource_type, "Microsoft.CognitiveServices/accounts");
    assert_eq!(account.region.as_deref(), Some("swedencentral"));
}

#[test]
fn rest_api_examples() {
    let cases: [(&str, usize, usize, usize, usize); 6] = [
        // file, identities, role assignments, role definitions, federated credentials
        ("rest-api/authorization__2022-04-01__GetRoleDefinitionById.json", 0, 0, 1, 0),
        ("rest-api/authorization__2022-04-01__RoleAssignments_ListForScope.json", 0, 1, 0, 0),
        ("rest-api/msi__2024-11-30__IdentityGet.json", 1, 0, 0, 0),
        ("rest-api/msi__2025-01-31-preview__IdentityCreate.json", 1, 0, 0, 0),
        ("rest-api/msi__2026-05-31__FederatedIdentityCredentialList.json", 0, 0, 0, 2),
        ("rest-api/msi__2026-05-31__IdentityListBySubscription.json", 1, 0, 0, 0),
    ];
    for (file, identities, assignments, definitions, credentials) in cases {
        let loaded = load_corpus(file);
        assert_eq!(loaded.files[0].format, Some(Format::RestExample), "{file}");
        assert_eq!(errors(&loaded), Vec::<String>::new(), "{file}");
        let inv = &loaded.inventory;
        let counts = (
            inv.identities().len(),
            inv.role_assignments().len(),
            inv.role_definitions().len(),
            inv.federated_credentials().len(),
        );
        assert_eq!(counts, (identities, assignments, definitions, credentials), "{file}");
    }
    let get = load_corpus("rest-api/msi__2024-11-30__IdentityGet.json");
    assert_eq!(get.inventory.identities()[0].isolation_scope, IsolationScope::None);
    let list = load_corpus("rest-api/msi__2026-05-31__IdentityListBySubscription.json");
    let identity = &list.inventory.identities()[0];
    assert_eq!(identity.isolation_scope, IsolationScope::Regional);
    assert_eq!(identity.assignment_restrictions.as_deref(), Some(&["Microsoft.Compute".to_owned()][..]));
    let fics = load_corpus("rest-api/msi__2026-05-31__FederatedIdentityCredentialList.json");
    let flexible = fics.inventory.federated_credentials().iter().find(|c| c.subject.is_none()).unwrap();
    assert_eq!(flexible.claims_expression.as_deref(), Some("claims['sub'] matches system:serviceaccount:ns:*"));
    let definition = &load_corpus("rest-api/authorization__2022-04-01__GetRoleDefinitionById.json").inventory;
    assert_eq!(definition.role_definitions()[0].permissions[0].data_actions, ["dataAction"]);
}

#[test]
fn reference_role_files() {
    let builtin = load_corpus("reference/azure-builtin-roles.json");
    assert_eq!(errors(&builtin), Vec::<String>::new());
    let roles = builtin.inventory.role_definitions();
    assert_eq!(roles.len(), 928);
    assert!(roles.iter().all(|r| r.builtin && !r.permissions.is_empty() && !r.name.is_empty()));
    let owner =
        builtin.inventory.role_definition(builtin.inventory.keys.get("8e3af657-a8ff-443c-a75c-2fe8c4bcb635").unwrap());
    assert_eq!(owner.unwrap().name, "Owner");
    let names = load_corpus("reference/tfplan2md__AzureRoleDefinitions.json");
    assert_eq!(names.files[0].format, Some(Format::RoleNames));
    assert_eq!(names.inventory.role_definitions().len(), 473);
}

#[test]
fn no_file_in_the_corpus_panics() {
    let mut stack = vec![corpus()];
    let mut seen = 0;
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            let loaded = load(&[SourceFile { name: &name, bytes: &bytes }]);
            assert_eq!(loaded.files.len(), 1);
            seen += 1;
        }
    }
    assert!(seen > 100, "read {seen} files");
}

#[test]
fn a_generated_tenant_loads_with_the_generators_counts() {
    let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 2000, seed: 7 });
    let files: Vec<SourceFile<'_>> =
        generated.files.iter().map(|f| SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let loaded = load(&files);
    for report in &loaded.files {
        assert_eq!(report.format, Some(Format::JsonArray), "{}", report.name);
        assert_eq!(report.diagnostics, vec![], "{}", report.name);
    }
    let c = generated.counts;
    let inv = &loaded.inventory;
    assert_eq!(inv.resources().len(), c.resources);
    assert_eq!(inv.identities().len(), c.user_assigned_identities);
    assert_eq!(inv.role_assignments().len(), c.role_assignments);
    assert_eq!(inv.role_definitions().len(), c.custom_roles);
    assert_eq!(inv.sources().len(), c.sources);
    assert!(inv.identities().iter().all(|i| i.principal_id.is_some()));
    let elements: usize = generated
        .files
        .iter()
        .map(|f| serde_json::from_slice::<Vec<serde::de::IgnoredAny>>(&f.bytes).map_or(0, |v| v.len()))
        .sum();
    assert_eq!(blastmap_ingest::read_only(&files), elements, "what the bench times as reading");
    let others =
        [SourceFile { name: "object", bytes: b"{\"value\": [{}]}" }, SourceFile { name: "bad", bytes: b"[\xff]" }];
    assert_eq!(blastmap_ingest::read_only(&others), 0, "only top-level arrays of text are counted");
}
