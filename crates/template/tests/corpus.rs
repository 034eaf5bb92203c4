//! The corpus templates (`shared/corpus/arm`, read in place), as written and mutated: no
//! panic, no error, whatever the expressions say.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use blastmap_template::{Context, Severity, expand};

fn templates() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/arm");
    let mut found: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("shared/corpus/arm")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), text)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn every_template_expands_without_an_error() {
    let templates = templates();
    assert_eq!(templates.len(), 63);
    let mut resources = 0;
    for (name, text) in &templates {
        let expansion = expand(text, &[], &Context::default());
        let errors: Vec<_> = expansion.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        resources += expansion.resources.len();
    }
    assert_eq!(resources, 176, "resources deployed by the 63 templates without parameter values");
}

/// Replacements that keep the JSON valid but make the expressions wrong in every way ARM
/// could meet: wrong functions, wrong types, loops out of range, lookups of what is not there.
const MUTATIONS: &[(&str, &str)] = &[
    ("[parameters(", "[variables("),
    ("reference(", "listKeys("),
    ("copyIndex()", "copyIndex('nosuchloop', 5000)"),
    ("createArray(", "createObject("),
    ("length(", "last("),
    ("resourceGroup()", "subscription()"),
    ("tryGet(", "coalesce("),
    ("lambda(", "createArray("),
    ("'", "''"),
    ("(", "(("),
    ("[", "[["),
    ("\"count\": \"[", "\"count\": \"[mul(1000000, "),
];

#[test]
fn mutated_templates_never_panic() {
    for (name, text) in templates() {
        for (from, to) in MUTATIONS {
            let mutated = text.replace(from, to);
            let expansion = expand(&mutated, &[], &Context::default());
            assert!(expansion.resources.len() <= 20_000, "{name} with {from:?} → {to:?}");
        }
    }
}
