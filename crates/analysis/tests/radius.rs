//! Blast radius on the built-in sample (seed 001), checked against figures worked out by hand.

use blastmap_analysis::permissions::Access;
use blastmap_analysis::radius::{Coverage, Mode, exposure, radius};
use blastmap_analysis::{AccessGraph, NodeKey};
use blastmap_ingest::sample::load_sample;

#[test]
fn seed_001_a_compromised_dev_app_reaches_prod() {
    let loaded = load_sample();
    let inventory = &loaded.inventory;
    let access = AccessGraph::build(inventory);
    let coverage = Coverage::new(inventory);
    let node = |id: &str| access.node(NodeKey::Arm(inventory.keys.get(id).unwrap())).unwrap();
    let app_dev = node(
        "/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-orders-dev/providers/Microsoft.Web/sites/app-orders-dev",
    );
    let names = |reached: &[blastmap_analysis::radius::Reached]| -> Vec<String> {
        reached.iter().map(|r| inventory.resource(r.resource).unwrap().name.clone()).collect()
    };

    let direct = radius(&access, &coverage, app_dev, Mode::Direct);
    // Through id-orders: all 11 resources of the prod subscription (Contributor there) and kv-orders-dev.
    assert_eq!(direct.len(), 12, "{:?}", names(&direct));
    let kv_prod = inventory.keys.get("/subscriptions/9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c/resourcegroups/rg-orders-prod/providers/microsoft.keyvault/vaults/kv-orders-prod").unwrap();
    let reached = direct.iter().find(|r| r.resource == kv_prod).unwrap();
    assert_eq!(reached.access, Access::ControlWrite, "Contributor on the subscription beats Secrets User on the vault");
    let steps: Vec<String> = reached.path.iter().map(|&e| access.reason(e).into_owned()).collect();
    assert_eq!(steps, ["app-orders-dev can use id-orders", "id-orders holds Contributor on subscription 9e3b8c55"]);
    let kv_dev = inventory.keys.get("/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourcegroups/rg-orders-dev/providers/microsoft.keyvault/vaults/kv-orders-dev").unwrap();
    assert_eq!(direct.iter().find(|r| r.resource == kv_dev).unwrap().access, Access::DataRead);

    let transitive = radius(&access, &coverage, app_dev, Mode::Transitive);
    assert_eq!(transitive.len(), 12, "pivots lead nowhere new: {:?}", names(&transitive));
}

#[test]
fn people_who_run_code_inherit_identities() {
    let loaded = load_sample();
    let inventory = &loaded.inventory;
    let access = AccessGraph::build(inventory);
    let coverage = Coverage::new(inventory);
    let alice = access.node_of_principal(inventory.keys.get("4f0c8a1e-6b2d-4e3f-9a8b-7c6d5e4f3a2b").unwrap()).unwrap();
    // Website Contributor on rg-orders-dev: its four resources.
    assert_eq!(radius(&access, &coverage, alice, Mode::Direct).len(), 4);
    // Running code on app-orders-dev hands her id-orders, and with it the prod subscription.
    let transitive = radius(&access, &coverage, alice, Mode::Transitive);
    assert_eq!(transitive.len(), 4 + 11);
    let reasons: Vec<String> = transitive
        .iter()
        .find(|r| inventory.resource(r.resource).unwrap().name == "stordersprod")
        .unwrap()
        .path
        .iter()
        .map(|&e| access.reason(e).into_owned())
        .collect();
    // Either dev app will do (both are two steps); the path names the one it took, consistently.
    let app = reasons[1].strip_suffix(" can use id-orders").expect("second step uses id-orders");
    assert!(["app-orders-dev", "func-sync-dev"].contains(&app), "{reasons:?}");
    assert_eq!(
        reasons[0],
        "alice@contoso.com can run code on the web and function apps under rg-orders-dev (Website Contributor on \
         rg-orders-dev grants Microsoft.Web/sites/write)"
    );
    assert_eq!(reasons.len(), 3, "{reasons:?}");

    // Managed Identity Operator on id-orders, without write on any compute: reach, not use.
    let group = access.node_of_principal(inventory.keys.get("2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e").unwrap()).unwrap();
    let operator = radius(&access, &coverage, group, Mode::Transitive);
    assert_eq!(operator.len(), 1);
    assert_eq!(inventory.resource(operator[0].resource).unwrap().name, "id-orders");
    // bob holds it through the group.
    let bob = access.node_of_principal(inventory.keys.get("8e9f0a1b-2c3d-4e5f-a6b7-c8d9e0f1a2b3").unwrap()).unwrap();
    assert_eq!(radius(&access, &coverage, bob, Mode::Direct).len(), 1);
}

/// Counts from runs of covered ids, one start at a time and for all starts at once, must equal
/// the exhaustive walk over resources, for every node, both radii, on the sample and on
/// generated tenants.
#[test]
fn counting_by_runs_agrees_with_the_exhaustive_walk() {
    use blastmap_analysis::radius::reach;
    let generated: Vec<_> = [(600, 11), (2000, 5)]
        .into_iter()
        .map(|(resources, seed)| blastmap_synth::generate(&blastmap_synth::TenantSpec { resources, seed }))
        .collect();
    let mut inventories = vec![load_sample()];
    for tenant in &generated {
        let files: Vec<_> =
            tenant.files.iter().map(|f| blastmap_ingest::SourceFile { name: f.name, bytes: &f.bytes }).collect();
        inventories.push(blastmap_ingest::load(&files));
    }
    for loaded in &inventories {
        let inventory = &loaded.inventory;
        let access = AccessGraph::build(inventory);
        let coverage = Coverage::new(inventory);
        let all = blastmap_analysis::radius::Reach::new(&access, &coverage);
        let mut nonzero = 0;
        for node in access.graph.node_indices() {
            for mode in [Mode::Direct, Mode::Transitive] {
                let exhaustive = radius(&access, &coverage, node, mode).len();
                let label = &access.graph[node].label;
                assert_eq!(reach(&access, &coverage, node, mode), exhaustive, "{label} {mode:?}");
                let shared = all.count(node, mode);
                assert_eq!(shared, exhaustive, "{label} {mode:?}, counted for all nodes at once");
                nonzero += usize::from(exhaustive > 0);
            }
        }
        assert!(nonzero > 10, "the comparison must cover real reach ({nonzero} non-empty radii)");
    }
}

/// Exposure is the reverse of the radius: a node exposes a resource exactly when the resource
/// is in the node's radius, with the same access and a path of the same length, for every
/// resource and node of the sample and of generated tenants, in both modes.
#[test]
fn exposure_is_the_radius_read_backwards() {
    let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 700, seed: 23 });
    let files: Vec<_> =
        generated.files.iter().map(|f| blastmap_ingest::SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let pivots = blastmap_ingest::SourceFile { name: "pivots.json", bytes: include_bytes!("fixtures/pivots.json") };
    for loaded in [load_sample(), blastmap_ingest::load(&[pivots]), blastmap_ingest::load(&files)] {
        let inventory = &loaded.inventory;
        let access = AccessGraph::build(inventory);
        let coverage = Coverage::new(inventory);
        for mode in [Mode::Direct, Mode::Transitive] {
            let mut forward = std::collections::BTreeSet::new();
            for node in access.graph.node_indices() {
                for r in radius(&access, &coverage, node, mode) {
                    forward.insert((r.resource, node.index(), r.access, r.path.len()));
                }
            }
            let mut backward = std::collections::BTreeSet::new();
            for resource in inventory.resources() {
                for e in exposure(inventory, &access, resource.id, mode) {
                    let path_ends_at_grant = e.path.last().is_some_and(|&g| access.graph[g].access.is_some());
                    assert!(path_ends_at_grant, "{mode:?} path of {} ends at a grant", access.graph[e.node].label);
                    backward.insert((resource.id, e.node.index(), e.access, e.path.len()));
                }
            }
            assert!(forward.len() > 10, "{} pairs", forward.len());
            assert_eq!(forward, backward, "{mode:?}");
        }
    }
}
