//! The rules on seed 001's design (they fire) and on its fix (they stay silent).

use blastmap_analysis::rules::{Severity, analyze};
use blastmap_ingest::sample::load_sample;
use blastmap_ingest::{SourceFile, load};

#[test]
fn seed_001_fires_bm001_bm002_bm004_and_bm016() {
    let loaded = load_sample();
    let findings = analyze(&loaded.inventory);
    let summary: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {} {} [reach {}]", f.rule, f.severity.as_str(), f.title, f.reach))
        .collect();
    insta::assert_snapshot!(summary.join("\n"));
    // Sorted: severity first, then reach.
    assert!(findings.windows(2).all(|w| (w[0].severity, w[0].reach) >= (w[1].severity, w[1].reach)));
    let dev_to_prod =
        findings.iter().find(|f| f.rule == "BM004" && f.title.starts_with("app-orders-dev (dev)")).unwrap();
    assert_eq!(dev_to_prod.severity, Severity::Critical);
    assert_eq!(
        dev_to_prod.evidence,
        ["kv-orders-prod: app-orders-dev can use id-orders → id-orders holds Contributor on subscription 9e3b8c55"]
    );
    let shared = findings.iter().find(|f| f.rule == "BM001").unwrap();
    assert_eq!(
        shared.subjects[0],
        "/subscriptions/9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c/resourcegroups/rg-identity-prod/providers/microsoft.managedidentity/userassignedidentities/id-orders"
    );
    assert!(findings.iter().all(|f| f.subjects.iter().all(|s| *s == s.to_lowercase())), "subjects are lower-cased ids");
}

/// Seed 001's recommended design: one identity per environment, roles on resource groups,
/// one owner.
const FIXED: &str = r#"{"schema": "blastmap/inventory/v1",
  "resources": [
    {"id": "/subscriptions/d/resourceGroups/rg-orders-dev/providers/Microsoft.Web/sites/app-orders-dev", "tags": {"env": "dev", "owner": "team-orders"},
     "identity": {"userAssigned": ["/subscriptions/d/resourceGroups/rg-orders-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-dev"]}},
    {"id": "/subscriptions/p/resourceGroups/rg-orders-prod/providers/Microsoft.Web/sites/app-orders-prod", "tags": {"env": "prod", "owner": "team-orders"},
     "identity": {"userAssigned": ["/subscriptions/p/resourceGroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-prod"]}},
    {"id": "/subscriptions/p/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod", "tags": {"env": "prod"}},
    {"id": "/subscriptions/d/resourceGroups/rg-orders-dev/providers/Microsoft.KeyVault/vaults/kv-orders-dev", "tags": {"env": "dev"}}
  ],
  "identities": [
    {"id": "/subscriptions/d/resourceGroups/rg-orders-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-dev", "tags": {"env": "dev", "owner": "team-orders"}, "principalId": "00000000-0000-4000-8000-00000000000d"},
    {"id": "/subscriptions/p/resourceGroups/rg-orders-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders-prod", "tags": {"env": "prod", "owner": "team-orders"}, "principalId": "00000000-0000-4000-8000-00000000000f"}
  ],
  "roleAssignments": [
    {"scope": "/subscriptions/d/resourceGroups/rg-orders-dev/providers/Microsoft.KeyVault/vaults/kv-orders-dev", "principalId": "00000000-0000-4000-8000-00000000000d", "roleDefinitionId": "4633458b-17de-408a-b874-0445c86b69e6"},
    {"scope": "/subscriptions/p/resourceGroups/rg-orders-prod/providers/Microsoft.KeyVault/vaults/kv-orders-prod", "principalId": "00000000-0000-4000-8000-00000000000f", "roleDefinitionId": "4633458b-17de-408a-b874-0445c86b69e6"}
  ]}"#;

#[test]
fn the_fixed_design_is_silent() {
    let loaded = load(&[SourceFile { name: "fixed.json", bytes: FIXED.as_bytes() }]);
    assert_eq!(loaded.files[0].diagnostics, vec![]);
    let findings = analyze(&loaded.inventory);
    assert_eq!(findings, vec![], "{:#?}", findings.iter().map(|f| &f.title).collect::<Vec<_>>());
}

/// One case per region and host rule, and near misses that must stay silent: a Regional
/// identity at home (id-e), an unused identity a pipeline trusts (id-g), a host with two
/// user-assigned identities and a system-assigned one (app9).
#[test]
fn region_and_host_rules_fire_exactly_where_they_should() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/regions-and-hosts.json")).unwrap();
    let loaded = load(&[SourceFile { name: "regions-and-hosts.json", bytes: &bytes }]);
    assert_eq!(loaded.files[0].diagnostics, vec![]);
    let mut found: Vec<String> =
        analyze(&loaded.inventory).iter().map(|f| format!("{} {} {}", f.rule, f.severity.as_str(), f.title)).collect();
    found.sort();
    assert_eq!(
        found,
        [
            "BM005 low id-a could be regional",
            "BM006 medium id-b is used across regions",
            "BM007 high id-c is Regional but used outside westeurope",
            "BM009 medium id-f is unused",
            "BM010 low app8 carries 2 user-assigned identities",
            "BM014 medium id-g trusts 1 external subject",
            "BM019 low id-d is in westeurope, its sources are not",
        ]
    );
}

#[test]
fn an_identity_holding_roles_through_a_group() {
    let design = |group_has_role: bool| {
        let role = if group_has_role {
            r#", "roleAssignments": [{"scope": "/subscriptions/s/resourceGroups/rg", "principalId": "00000000-0000-4000-8000-0000000000b1", "roleDefinitionId": "acdd72a7-3385-48ef-bd42-f606fba81ae7"}]"#
        } else {
            ""
        };
        format!(
            r#"{{"schema": "blastmap/inventory/v1",
              "resources": [{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/app", "tags": {{"env": "dev"}},
                "identity": {{"userAssigned": ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x"]}}}}],
              "identities": [{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x", "principalId": "00000000-0000-4000-8000-0000000000a1", "isolationScope": "Regional"}}],
              "principals": [{{"id": "00000000-0000-4000-8000-0000000000b1", "type": "Group", "displayName": "sg-readers", "members": ["00000000-0000-4000-8000-0000000000a1"]}}]{role}}}"#
        )
    };
    let rules = |json: String| -> Vec<&'static str> {
        let loaded = load(&[SourceFile { name: "design.json", bytes: json.as_bytes() }]);
        assert_eq!(loaded.files[0].diagnostics, vec![]);
        analyze(&loaded.inventory).iter().map(|f| f.rule).collect()
    };
    assert_eq!(rules(design(true)), ["BM011"]);
    assert_eq!(rules(design(false)), Vec::<&str>::new(), "membership of a group without roles is harmless");
}

#[test]
fn duplicated_system_identities_and_foreign_tenants() {
    let vm = |n: u32, principal: &str| {
        format!(
            r#"{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm{n}", "region": "westeurope", "tags": {{"env": "dev", "owner": "ops"}},
               "identity": {{"systemAssigned": true, "principalId": "{principal}"}}}}"#
        )
    };
    let reader = |principal: &str| {
        format!(
            r#"{{"scope": "/subscriptions/s/resourceGroups/rg", "principalId": "{principal}", "roleDefinitionId": "acdd72a7-3385-48ef-bd42-f606fba81ae7"}}"#
        )
    };
    let principals = [
        "00000000-0000-4000-8000-000000000001",
        "00000000-0000-4000-8000-000000000002",
        "00000000-0000-4000-8000-000000000003",
    ];
    let identity = |n: &str, tenant: &str| {
        format!(
            r#"{{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{n}", "region": "westeurope", "tenantId": "{tenant}", "isolationScope": "Regional"}}"#
        )
    };
    let home = "11111111-1111-4111-8111-111111111111";
    let foreign = "22222222-2222-4222-8222-222222222222";
    let design = |vms: usize| {
        format!(
            r#"{{"schema": "blastmap/inventory/v1", "resources": [{}], "roleAssignments": [{}],
               "identities": [{}, {}, {}, {}],
               "federatedCredentials": [{{"identity": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-a", "name": "aks",
                 "issuer": "https://westeurope.oic.prod-aks.azure.com/{foreign}/7c1c7e2a-0000-4000-8000-000000000000/", "subject": "system:serviceaccount:ns:sa"}}]}}"#,
            (0..vms).map(|i| vm(i as u32, principals[i])).collect::<Vec<_>>().join(","),
            (0..vms).map(|i| reader(principals[i])).collect::<Vec<_>>().join(","),
            identity("id-a", home),
            identity("id-b", home),
            identity("id-c", home),
            identity("id-x", foreign)
        )
    };
    let found = |json: String| -> Vec<String> {
        let loaded = load(&[SourceFile { name: "design.json", bytes: json.as_bytes() }]);
        assert_eq!(loaded.files[0].diagnostics, vec![]);
        let mut titles: Vec<String> = analyze(&loaded.inventory)
            .iter()
            .filter(|f| matches!(f.rule, "BM017" | "BM018"))
            .map(|f| format!("{} {}", f.rule, f.title))
            .collect();
        titles.sort();
        titles
    };
    assert_eq!(
        found(design(3)),
        [
            "BM017 3 sources repeat the same 1 role assignment",
            format!("BM018 id-a trusts an issuer of tenant {foreign}").as_str(),
            format!("BM018 id-x belongs to tenant {foreign}").as_str(),
        ]
    );
    assert!(!found(design(2)).iter().any(|t| t.starts_with("BM017")), "two copies are not yet worth a finding");
}

/// A tenant's findings stay readable: subjects beyond the first few are counted, not listed,
/// and long evidence ends with how much more there is.
#[test]
fn long_findings_name_some_subjects_and_count_the_rest() {
    use blastmap_analysis::rules::{EVIDENCE_SHOWN, SUBJECTS_SHOWN};
    let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 3000, seed: 2 });
    let files: Vec<_> = tenant.files.iter().map(|f| SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let findings = analyze(&load(&files).inventory);
    assert!(findings.iter().all(|f| f.subjects.len() <= SUBJECTS_SHOWN && f.evidence.len() <= EVIDENCE_SHOWN + 1));
    let capped = findings.iter().find(|f| f.subjects_omitted > 0).expect("some finding has more subjects than shown");
    assert_eq!(capped.subjects.len(), SUBJECTS_SHOWN);
    let long =
        findings.iter().find(|f| f.evidence.len() == EVIDENCE_SHOWN + 1).expect("some finding has long evidence");
    assert!(long.evidence.last().unwrap().starts_with("and "), "{:?}", long.evidence.last());
    // BM013's evidence is one line per holder, as are its subjects after the identity: the last
    // line counts the holders not shown, once.
    let holders = findings
        .iter()
        .find(|f| f.rule == "BM013" && f.evidence.len() == EVIDENCE_SHOWN + 1)
        .expect("some identity has more holders than shown");
    let all = holders.subjects.len() - 1 + holders.subjects_omitted;
    assert_eq!(holders.evidence.last().unwrap(), &format!("and {} more", all - EVIDENCE_SHOWN));
}
