//! Made-up files in the shapes real exports take (`tests/fixtures/*.json`), each loaded on its
//! own and compared with a reviewed snapshot of what Blastmap read: format, counts,
//! diagnostics, and the model, line by line.
#![cfg(not(target_arch = "wasm32"))]

use std::fmt::Write;

use blastmap_ingest::{Loaded, SourceFile, load};
use blastmap_model::{AttachedIdentity, Inventory, IsolationScope, Key};

fn describe(loaded: &Loaded) -> String {
    let mut out = String::new();
    for report in &loaded.files {
        let _ = writeln!(out, "format: {}", report.format.map_or("not recognised", |f| f.label()));
        let _ = writeln!(out, "counts: {:?}", report.counts);
        for d in &report.diagnostics {
            let _ = writeln!(out, "{}: {} {}", d.severity.as_str(), d.path, d.message);
        }
    }
    let inv = &loaded.inventory;
    let t = |k: Key| inv.text(k).to_owned();
    let o = |k: Option<Key>| k.map_or("-".to_owned(), t);
    for r in inv.resources() {
        let tags: Vec<String> = r.tags.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            out,
            "resource {} name={} type={} kind={} region={} tags=[{}]",
            t(r.id),
            r.name,
            r.resource_type,
            r.kind.as_deref().unwrap_or("-"),
            r.region.as_deref().unwrap_or("-"),
            tags.join(",")
        );
    }
    for i in inv.identities() {
        let scope = match i.isolation_scope {
            IsolationScope::None => "None",
            IsolationScope::Regional => "Regional",
            IsolationScope::Unknown => "unknown",
        };
        let _ = writeln!(
            out,
            "identity {} principal={} client={} tenant={} isolation={scope} restrictions={:?}",
            t(i.id),
            o(i.principal_id),
            o(i.client_id),
            o(i.tenant_id),
            i.assignment_restrictions
        );
    }
    for a in inv.attachments() {
        let identity = match a.identity {
            AttachedIdentity::System { principal_id } => format!("system principal={}", o(principal_id)),
            AttachedIdentity::User(id) => format!("user {}", t(id)),
        };
        let _ = writeln!(out, "attachment {} -> {identity} ({:?})", t(a.source), a.role);
    }
    for p in inv.principals() {
        let _ = writeln!(out, "principal {} {:?} {:?}", t(p.id), p.kind, p.display_name);
    }
    for m in inv.memberships() {
        let _ = writeln!(out, "membership {} has member {}", t(m.group), t(m.member));
    }
    for d in inv.role_definitions() {
        let _ = writeln!(
            out,
            "role definition {} {:?} builtin={} permissions={:?}",
            t(d.id),
            d.name,
            d.builtin,
            d.permissions
        );
    }
    for a in inv.role_assignments() {
        let _ = writeln!(
            out,
            "role assignment {} scope={} principal={} type={:?} name={:?} role={} label={:?} condition={:?}",
            inv.assignment_id(a.id),
            t(a.scope),
            t(a.principal),
            a.principal_type,
            a.principal_name,
            t(a.role_definition),
            a.role_name,
            a.condition
        );
    }
    for s in inv.scopes() {
        let tags: Vec<String> = s.tags.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            out,
            "scope {} {:?} name={:?} parent={} tags=[{}]",
            t(s.id),
            s.level,
            s.name,
            o(s.parent),
            tags.join(",")
        );
    }
    for p in inv.access_policies() {
        let _ = writeln!(
            out,
            "access policy vault={} object={} keys={:?} secrets={:?} certificates={:?} storage={:?}",
            t(p.vault),
            t(p.object_id),
            p.keys,
            p.secrets,
            p.certificates,
            p.storage
        );
    }
    for c in inv.federated_credentials() {
        let _ = writeln!(
            out,
            "federated credential {} identity={} issuer={} subject={:?}",
            c.name,
            t(c.identity),
            c.issuer,
            c.subject
        );
    }
    out
}

fn check(name: &str) {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).expect("fixture");
    let loaded = load(&[SourceFile { name, bytes: &bytes }]);
    insta::assert_snapshot!(name, describe(&loaded));
}

#[test]
fn fixtures() {
    let mut names: Vec<String> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
        .expect("fixtures folder")
        .map(|e| e.expect("entry"))
        // Sub-folders hold other tests' fixtures (`terraform/`).
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 12);
    for name in names {
        check(&name);
    }
}

#[test]
fn paged_files_merge_by_id_and_identities_complete_across_formats() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let read = |n: &str| std::fs::read(format!("{dir}{n}")).expect("fixture");
    let (a, b, c) = (
        read("arg-az-graph-query.json"),
        read("powershell-get-azuserassignedidentity.json"),
        read("graph-managed-identities.json"),
    );
    let loaded = load(&[
        SourceFile { name: "a", bytes: &a },
        SourceFile { name: "b", bytes: &b },
        SourceFile { name: "c", bytes: &c },
    ]);
    let inv: &Inventory = &loaded.inventory;
    // id-app is named in four places (ARG resources, ARG identity row, PowerShell, Graph) in
    // three spellings of its id, and is one identity.
    assert_eq!(inv.identities().len(), 1);
    let identity = &inv.identities()[0];
    assert_eq!(identity.isolation_scope, IsolationScope::Regional);
    let resource = inv.resource(identity.id).expect("the identity is a resource");
    assert_eq!(resource.region.as_deref(), Some("westeurope"), "the first region read is kept");
    let conflict = loaded.files[1].diagnostics.iter().find(|d| d.message.contains("region")).expect("a conflict");
    assert!(
        conflict.message.contains("\"northeurope\" here but \"westeurope\" in an earlier input"),
        "{}",
        conflict.message
    );
}
