//! The `blastmap` binary as scripts use it.

use std::process::Command;

fn blastmap(args: &[&str]) -> (i32, String, String) {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../");
    let output =
        Command::new(env!("CARGO_BIN_EXE_blastmap")).current_dir(root).args(args).output().expect("blastmap runs");
    let text = |b: Vec<u8>| String::from_utf8(b).expect("output is UTF-8");
    (output.status.code().unwrap_or(-1), text(output.stdout), text(output.stderr))
}

#[test]
fn inspect_names_each_file_its_format_counts_and_diagnostics() {
    let (code, out, err) = blastmap(&["inspect", "web/sample/inventory.json", "tests/fixtures/invalid.json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "");
    let expected = "\
web/sample/inventory.json: Blastmap inventory (blastmap/inventory/v1)
  16 resources, 4 user-assigned identities, 6 attachments, 3 principals, 0 role definitions, 11 role assignments, 1 federated credential, 0 access policies, 0 scopes
tests/fixtures/invalid.json: nothing read
  0 resources, 0 user-assigned identities, 0 attachments, 0 principals, 0 role definitions, 0 role assignments, 0 federated credentials, 0 access policies, 0 scopes
  error: not valid JSON: expected `,` or `}` at line 5 column 3
merged: 16 resources, 4 user-assigned identities, 6 attachments, 7 principals, 0 role definitions, 11 role assignments, 1 federated credential, 0 access policies, 0 scopes
";
    assert_eq!(out, expected);
}

#[test]
fn inventory_output_loads_again_as_the_same_model() {
    let (code, first, _) = blastmap(&["inventory", "web/sample/inventory.json", "tests/fixtures/design-small.json"]);
    assert_eq!(code, 0);
    let path = std::env::temp_dir().join(format!("blastmap-roundtrip-{}.json", std::process::id()));
    std::fs::write(&path, &first).unwrap();
    let (code, second, err) = blastmap(&["inventory", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(first, second);
    assert!(first.starts_with("{\n  \"schema\": \"blastmap/inventory/v1\""));
}

#[test]
fn unreadable_input_and_bad_usage_exit_2() {
    let (code, out, err) = blastmap(&["inspect", "no/such/file.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.starts_with("blastmap: cannot read no/such/file.json: "), "{err}");
    let (code, _, _) = blastmap(&["inspect"]);
    assert_eq!(code, 2);
}

const APP_ORDERS_DEV: &str = "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-orders-dev/providers/Microsoft.Web/sites/APP-ORDERS-DEV";

#[test]
fn radius_from_one_source_as_json() {
    let (code, out, err) =
        blastmap(&["radius", "--format", "json", "--from", APP_ORDERS_DEV, "web/sample/inventory.json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let entry = &json["radius"][0];
    assert_eq!(entry["from"], APP_ORDERS_DEV.to_lowercase(), "ids come out lower-cased");
    assert_eq!((entry["direct"].as_u64(), entry["transitive"].as_u64()), (Some(12), Some(12)));
    let reached = entry["reached"].as_array().expect("reached is listed with --from");
    assert_eq!(reached.len(), 12);
    let vault = reached.iter().find(|r| r["id"].as_str().unwrap().ends_with("/kv-orders-prod")).unwrap();
    assert_eq!(vault["access"], "control-write");
    let kinds: Vec<&str> = vault["path"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["CanUse", "HasRole"]);
}

#[test]
fn radius_of_everything_largest_first() {
    let (code, out, _) = blastmap(&["radius", "--all", "--format", "json", "web/sample/inventory.json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entries = json["radius"].as_array().unwrap();
    assert_eq!(entries.len(), 15, "every node but the 9 targets");
    assert_eq!(entries[0]["name"], "alice@contoso.com");
    assert_eq!((entries[0]["direct"].as_u64(), entries[0]["transitive"].as_u64()), (Some(4), Some(15)));
    assert!(entries.iter().all(|e| e.get("reached").is_none()), "reached only with --list");
    assert!(entries.windows(2).all(|w| w[0]["transitive"].as_u64() >= w[1]["transitive"].as_u64()));
}

#[test]
fn radius_of_an_unknown_id_is_a_usage_error() {
    let (code, out, err) =
        blastmap(&["radius", "--from", "/subscriptions/x/resourceGroups/y", "web/sample/inventory.json"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("is not a resource, identity or principal of the inputs"), "{err}");
    let (code, _, _) = blastmap(&["radius", "web/sample/inventory.json"]);
    assert_eq!(code, 2, "--from or --all is required");
}

#[test]
fn analyze_as_json_follows_the_contract() {
    let (code, out, err) = blastmap(&["analyze", "--format", "json", "tests/fixtures/design-small.json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let summary = &json["summary"];
    assert_eq!(summary["userAssignedIdentities"], 1);
    assert_eq!(summary["systemAssignedIdentities"], 1);
    assert_eq!(summary["sources"], 2);
    assert_eq!(summary["resources"], 4);
    assert_eq!(summary["roleAssignments"], 2);
    assert_eq!(summary["findings"]["critical"], 1);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "BM004");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["title"], "app-billing-dev (dev) reaches 1 prod resources");
    assert_eq!(
        finding["subjects"][0],
        "/subscriptions/aaaaaaaa-1111-4111-8111-111111111111/resourcegroups/rg-billing-dev/providers/microsoft.web/sites/app-billing-dev"
    );
    for key in ["message", "evidence", "fix"] {
        assert!(!finding[key].is_null(), "{key}");
    }
}

#[test]
fn analyze_as_text_counts_in_words_and_most_serious_first() {
    let (code, out, err) = blastmap(&["analyze", "web/sample/inventory.json"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let head: Vec<&str> = out.lines().take(4).collect();
    assert_eq!(
        head,
        [
            "4 user-assigned identities, 1 system-assigned identity, 5 sources, 16 resources, 11 role assignments, 7 principals",
            "findings: 3 critical, 7 high, 7 medium, 1 low",
            "",
            "CRITICAL",
        ]
    );
    let (_, json, _) = blastmap(&["analyze", "--format", "json", "web/sample/inventory.json"]);
    let order: Vec<usize> = ["\"critical\"", "\"high\"", "\"medium\"", "\"low\"", "\"info\""]
        .iter()
        .map(|key| json.find(key).expect("every severity is counted"))
        .collect();
    assert!(order.is_sorted(), "the summary counts severities most serious first: {order:?}");
}

#[test]
fn analyze_fails_on_a_threshold() {
    let (code, _, _) = blastmap(&["analyze", "--fail-on", "high", "tests/fixtures/design-small.json"]);
    assert_eq!(code, 1, "a critical finding is at or above high");
    let empty = std::env::temp_dir().join(format!("blastmap-empty-{}.json", std::process::id()));
    std::fs::write(&empty, r#"{"schema": "blastmap/inventory/v1"}"#).unwrap();
    let (code, out, _) = blastmap(&["analyze", "--fail-on", "info", empty.to_str().unwrap()]);
    std::fs::remove_file(&empty).unwrap();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("findings: none"));
    let (code, _, err) = blastmap(&["analyze", "--fail-on", "severe", "tests/fixtures/design-small.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("is not one of critical, high, medium, low, info"), "{err}");
}

#[test]
fn exposure_names_who_reaches_a_target_and_how() {
    let kv = "/subscriptions/P/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-prod";
    let fixture = "crates/analysis/tests/fixtures/pivots.json";
    let (code, out, err) = blastmap(&["exposure", "--format", "json", "--to", kv, fixture]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let entry = &json["exposure"][0];
    assert_eq!(entry["to"], kv.to_lowercase());
    let exposers: Vec<(&str, &str, bool)> = entry["exposers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["access"].as_str().unwrap(), e["direct"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        exposers,
        [
            ("id-team", "data-read", true),
            ("app-team", "data-read", true),
            ("uaa-user", "data-read", false),
            ("group-two", "read", true),
            ("group-one", "read", true),
            ("member", "read", true),
        ]
    );
    let takeover = &entry["exposers"][2]["path"];
    assert_eq!(takeover[0]["kind"], "GrantsSelf");
    assert_eq!(takeover[1]["reason"], "id-team holds Key Vault Secrets User on kv-prod");

    let (code, _, err) = blastmap(&["exposure", "--to", "/subscriptions/nowhere", fixture]);
    assert_eq!(code, 2);
    assert!(err.contains("/subscriptions/nowhere is not a resource or scope of the inputs"), "{err}");
}

#[test]
fn a_design_is_analysed_in_its_deployment_context() {
    let design = "crates/ingest/tests/fixtures/arm/shared-identity-dev-prod.json";
    let rules = |out: &str| -> Vec<String> {
        let json: serde_json::Value = serde_json::from_str(out).unwrap();
        json["findings"].as_array().unwrap().iter().map(|f| f["rule"].as_str().unwrap().to_owned()).collect()
    };
    let (code, out, err) = blastmap(&["analyze", "--format", "json", design]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rules(&out), ["BM004", "BM001", "BM002", "BM003", "BM005", "BM016"]);
    assert!(
        out.contains("/subscriptions/{subscriptionid}/resourcegroups/{resourcegroup}/"),
        "placeholders, not guesses"
    );

    // Deployed to one production resource group: its apps are prod, whatever their names say.
    let args = ["analyze", "--format", "json", "--subscription", "11111111-2222-4333-8444-555555555555"];
    let (code, out, err) =
        blastmap(&[&args[..], &["--resource-group", "rg-shop", "--environment", "production", design]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(rules(&out), ["BM002", "BM003", "BM005", "BM016"]);
    assert!(out.contains("/subscriptions/11111111-2222-4333-8444-555555555555/resourcegroups/rg-shop/"));

    let (code, _, err) = blastmap(&["analyze", "--environment", "someday", design]);
    assert_eq!(code, 2);
    assert!(err.contains("--environment \"someday\" is not dev, test, uat or prod"), "{err}");
}

#[test]
fn key_vault_access_policies_reach_their_vault() {
    let vault = "/subscriptions/p/resourceGroups/rg-secrets/providers/Microsoft.KeyVault/vaults/kv-secrets";
    let fixture = "crates/analysis/tests/fixtures/pivots.json";
    let (code, out, err) = blastmap(&["exposure", "--format", "json", "--to", vault, fixture]);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let by_name = |name: &str| {
        let exposers = json["exposure"][0]["exposers"].as_array().unwrap();
        exposers.iter().find(|e| e["name"] == name).cloned().unwrap_or_else(|| panic!("{name} reaches {vault}"))
    };
    assert_eq!(by_name("policy-reader")["access"], "data-read", "get and list read");
    assert_eq!(by_name("id-shared")["access"], "data-write", "set writes");
    assert_eq!(
        by_name("id-shared")["path"][0]["reason"],
        "id-shared has an access policy on kv-secrets (secrets: Get, Set)"
    );
    // Whoever can attach id-shared gets its policy too.
    assert_eq!(by_name("operator")["direct"], false);
}
