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
  16 resources, 4 user-assigned identities, 6 attachments, 3 principals, 0 role definitions, 11 role assignments, 1 federated credentials, 0 access policies, 0 scopes
tests/fixtures/invalid.json: not recognised
  0 resources, 0 user-assigned identities, 0 attachments, 0 principals, 0 role definitions, 0 role assignments, 0 federated credentials, 0 access policies, 0 scopes
  error: not valid JSON: expected `,` or `}` at line 5 column 3
merged: 16 resources, 4 user-assigned identities, 6 attachments, 7 principals, 0 role definitions, 11 role assignments, 1 federated credentials, 0 access policies, 0 scopes
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
