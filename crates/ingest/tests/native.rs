//! Blastmap's own format: the built-in sample, hand-written designs, bad input, round trips.

use blastmap_ingest::{Format, Loaded, Severity, SourceFile, load, native, sample};
use blastmap_model::{AttachedIdentity, IsolationScope, PrincipalKind};

fn fixture(path: &str) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    std::fs::read(format!("{root}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Compares two written documents line by line, naming the first difference (whole documents
/// in a failure message are unreadable).
fn assert_same_document(actual: &str, expected: &str) {
    let difference = actual.lines().zip(expected.lines()).enumerate().find(|(_, (a, e))| a != e);
    if let Some((line, (a, e))) = difference {
        panic!("documents differ at line {}:\n  got      {a}\n  expected {e}", line + 1);
    }
    assert_eq!(actual.lines().count(), expected.lines().count(), "documents differ in length");
}

fn load_one(name: &str, bytes: &[u8]) -> Loaded {
    load(&[SourceFile { name, bytes }])
}

#[test]
fn the_built_in_sample_loads_whole() {
    let loaded = sample::load_sample();
    let report = &loaded.files[0];
    assert_eq!(report.format, Some(Format::BlastmapInventory));
    assert_eq!(report.diagnostics, vec![], "the sample must load cleanly");
    let inv = &loaded.inventory;
    assert_eq!(inv.resources().len(), 12 + 4, "12 resources and 4 user-assigned identities");
    assert_eq!(inv.identities().len(), 4);
    assert_eq!(inv.role_assignments().len(), 11);
    assert_eq!(inv.federated_credentials().len(), 1);
    let id_orders = inv
        .keys
        .get("/subscriptions/9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c/resourcegroups/rg-identity-prod/providers/microsoft.managedidentity/userassignedidentities/id-orders")
        .expect("id-orders is interned");
    let users = inv.attachments().iter().filter(|a| a.identity == AttachedIdentity::User(id_orders)).count();
    assert_eq!(users, 4, "id-orders is shared by four apps");
    assert_eq!(inv.identity(id_orders).unwrap().isolation_scope, IsolationScope::None);
    let group = inv.principals().iter().find(|p| p.kind == PrincipalKind::Group).unwrap();
    assert_eq!(group.display_name.as_deref(), Some("sg-ops-oncall"));
    assert_eq!(inv.memberships().len(), 1);
}

#[test]
fn invalid_json_is_reported_with_its_line_and_nothing_else_is_lost() {
    let sample = sample::JSON.as_bytes();
    let invalid = fixture("tests/fixtures/invalid.json");
    let loaded = load(&[
        SourceFile { name: "invalid.json", bytes: &invalid },
        SourceFile { name: "inventory.json", bytes: sample },
    ]);
    let bad = &loaded.files[0];
    assert_eq!(bad.format, None);
    assert_eq!(bad.diagnostics.len(), 1);
    let message = bad.diagnostics[0].to_string();
    assert!(message.starts_with("error: invalid.json: not valid JSON: "), "{message}");
    assert!(message.contains("line 5"), "{message}");
    assert_eq!(loaded.files[1].diagnostics, vec![]);
    assert_eq!(loaded.inventory.resources().len(), 16);
}

#[test]
fn one_bad_element_costs_only_itself() {
    let loaded = load_one("partly-bad.json", &fixture("tests/fixtures/partly-bad.json"));
    let report = &loaded.files[0];
    let lines: Vec<String> = report.diagnostics.iter().map(ToString::to_string).collect();
    let expected = [
        "warning: partly-bad.json at /surprise: unknown top-level key \"surprise\" ignored",
        "error: partly-bad.json at /resources/1: skipped: invalid type: integer `42`, expected a string (line 6, column 13)",
        "error: partly-bad.json at /resources/2: \"not-an-arm-id\" is not an ARM resource id; object skipped",
        "warning: partly-bad.json at /identities/0/isolationScope: unknown isolation scope \"sometimes\"; treated as unknown",
        "error: partly-bad.json at /roleAssignments/1/scope: \"nowhere\" is not a scope; object skipped",
    ];
    assert_eq!(lines, expected);
    let inv = &loaded.inventory;
    // The identity named in a resource's map (lower case) and in `identities` (upper case) is one.
    assert_eq!(inv.identities().len(), 1);
    assert_eq!(inv.resources().len(), 2);
    assert_eq!(inv.resources()[0].region.as_deref(), Some("westeurope"), "\"West Europe\" is normalised");
    assert_eq!(inv.role_assignments().len(), 1);
    let principal = inv.identities()[0].principal_id.unwrap();
    assert_eq!(inv.role_assignments()[0].principal, principal, "GUIDs compare case-insensitively");
}

#[test]
fn writing_and_reading_again_gives_the_same_model() {
    let first = sample::load_sample();
    let written = native::write(&first.inventory);
    let second = load_one("written.json", written.as_bytes());
    assert_eq!(second.files[0].diagnostics, vec![]);
    assert_same_document(&native::write(&second.inventory), &written);
    let (a, b) = (&first.inventory, &second.inventory);
    assert_eq!(a.resources().len(), b.resources().len());
    assert_eq!(a.attachments().len(), b.attachments().len());
    assert_eq!(a.role_assignments().len(), b.role_assignments().len());
    assert_eq!(a.principals().len(), b.principals().len());
    assert_eq!(a.memberships().len(), b.memberships().len());
    assert_eq!(a.federated_credentials().len(), b.federated_credentials().len());
}

#[test]
fn every_kind_of_object_survives_a_round_trip() {
    let hound = fixture("crates/ingest/tests/fixtures/azurehound-v3.json");
    let aks = fixture("crates/ingest/tests/fixtures/az-aks-list.json");
    let first = load(&[
        SourceFile { name: "sample", bytes: sample::JSON.as_bytes() },
        SourceFile { name: "hound", bytes: &hound },
        SourceFile { name: "aks", bytes: &aks },
    ]);
    let written = native::write(&first.inventory);
    let second = load_one("written.json", written.as_bytes());
    assert_eq!(second.files[0].diagnostics, vec![]);
    assert_same_document(&native::write(&second.inventory), &written);
    let (a, b) = (&first.inventory, &second.inventory);
    assert_eq!(b.access_policies().len(), 1);
    let policy = |inv: &blastmap_model::Inventory| {
        let p = &inv.access_policies()[0];
        (inv.text(p.vault).to_owned(), inv.text(p.object_id).to_owned(), p.secrets.clone())
    };
    assert_eq!(policy(a), policy(b));
    assert_eq!(a.memberships().len(), b.memberships().len());
    assert_eq!(a.attachments().len(), b.attachments().len(), "kubelet and add-on identities included");
    assert_eq!(a.role_assignments().len(), b.role_assignments().len());
}

#[test]
fn odd_files_are_reported_never_fatal() {
    let unclosed = "[".repeat(100_000);
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let late_schema = format!(
        r#"{{"contentVersion": "{}", "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "resources": []}}"#,
        "1".repeat(5000)
    );
    let cases: [(&str, &[u8], &str); 8] = [
        ("empty.json", b"", "the file is empty"),
        ("blank.json", b" \n\t", "the file is empty"),
        ("scalar.json", b"42", "a single JSON value, not an object or array"),
        ("unclosed.json", unclosed.as_bytes(), "not valid JSON: EOF while parsing a list at line 1 column 100000"),
        ("deep.json", deep.as_bytes(), "not a recognised export: a JSON array of 1 elements"),
        ("latin1.json", b"{\"name\": \"caf\xe9\"}", "the encoding is damaged"),
        ("template.json", late_schema.as_bytes(), "looks like an ARM template"),
        (
            "other.json",
            br#"[{"a": 1, "b": 2}]"#,
            "not a recognised export: a JSON array of 1 elements; the first has keys a, b",
        ),
    ];
    for (name, bytes, expected) in cases {
        let loaded = load_one(name, bytes);
        let diagnostics = &loaded.files[0].diagnostics;
        assert_eq!(diagnostics.len(), 1, "{name}: {diagnostics:?}");
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert!(diagnostics[0].message.contains(expected), "{name}: {}", diagnostics[0].message);
    }
}

#[test]
fn a_list_cut_short_keeps_what_came_before_the_cut() {
    let text = r#"[{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/a", "type": "Microsoft.Web/sites"},
                  {"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/b", "ty"#;
    let loaded = load_one("cut.json", text.as_bytes());
    let messages: Vec<String> = loaded.files[0].diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "error: cut.json: not valid JSON: EOF while parsing a string at line 2 column 98",
            "warning: cut.json: the objects before this point were read",
        ]
    );
    assert_eq!(loaded.inventory.resources().len(), 1);
    assert_eq!(loaded.files[0].read_as(), "read in part");
    assert_eq!(load_one("empty.json", b"").files[0].read_as(), "nothing read");
}

#[test]
fn powershell_utf16_output_reads_like_utf8() {
    let utf8 = sample::JSON.as_bytes();
    let text = sample::JSON.replace('\n', "\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let a = load_one("utf8.json", utf8);
    let b = load_one("utf16.json", &utf16);
    assert_eq!(b.files[0].diagnostics, vec![]);
    assert_eq!(native::write(&a.inventory), native::write(&b.inventory));
}
