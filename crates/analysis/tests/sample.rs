//! The built-in sample (seed 001: one identity shared by dev, uat and prod) as an access graph.

use blastmap_analysis::{AccessGraph, EdgeKind, Environment, NodeKind};
use blastmap_ingest::sample::load_sample as sample;
use petgraph::graph::EdgeIndex;
use petgraph::visit::EdgeRef;

#[test]
fn the_shared_identity_is_used_from_three_environments() {
    let loaded = sample();
    let access = AccessGraph::build(&loaded.inventory);
    let g = &access.graph;
    let id_orders = g.node_indices().find(|&n| g[n].label == "id-orders").unwrap();
    let mut users: Vec<(String, Environment)> = g
        .edges_directed(id_orders, petgraph::Direction::Incoming)
        .filter(|e| e.weight().kind == EdgeKind::CanUse)
        .map(|e| (g[e.source()].label.clone(), g[e.source()].environment))
        .collect();
    users.sort();
    assert_eq!(
        users,
        vec![
            ("app-orders-dev".to_owned(), Environment::Dev),
            ("app-orders-prod".to_owned(), Environment::Prod),
            ("app-orders-uat".to_owned(), Environment::Uat),
            ("func-sync-dev".to_owned(), Environment::Dev),
        ]
    );
    let mut roles: Vec<String> = g
        .edges(id_orders)
        .filter(|e| e.weight().kind == EdgeKind::HasRole)
        .map(|e| access.reason(e.id()).into_owned())
        .collect();
    roles.sort();
    assert_eq!(
        roles,
        vec![
            "id-orders holds AcrPull on acrplatformprod",
            "id-orders holds Contributor on subscription 9e3b8c55",
            "id-orders holds Key Vault Secrets User on kv-orders-dev",
            "id-orders holds Key Vault Secrets User on kv-orders-prod",
            "id-orders holds Storage Blob Data Contributor on stordersprod",
        ]
    );
}

#[test]
fn role_names_come_from_the_guid_not_from_the_label() {
    let design = r#"{"schema": "blastmap/inventory/v1",
        "identities": [{"id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-x", "principalId": "11111111-0000-4000-8000-000000000001"}],
        "roleAssignments": [{"scope": "/subscriptions/s/resourceGroups/rg", "principalId": "11111111-0000-4000-8000-000000000001",
            "roleDefinitionId": "d73bb868-a0df-4d4d-bd69-98a00b01fccb", "roleName": "Virtual Machine Contributor"}]}"#;
    let loaded =
        blastmap_ingest::load(&[blastmap_ingest::SourceFile { name: "design.json", bytes: design.as_bytes() }]);
    let access = AccessGraph::build(&loaded.inventory);
    let reason = access.reason(EdgeIndex::new(0));
    assert_eq!(reason, "id-x holds Classic Virtual Machine Contributor on rg");
}

#[test]
fn every_kind_of_node_is_present_with_its_environment() {
    let loaded = sample();
    let access = AccessGraph::build(&loaded.inventory);
    let g = &access.graph;
    let find = |label: &str| g.node_weights().find(|n| n.label == label).unwrap_or_else(|| panic!("{label}"));
    assert_eq!(find("vm-report").kind, NodeKind::Source);
    assert_eq!(find("vm-report").environment, Environment::Prod, "tag Environment=Production");
    assert_eq!(find("vm-report (system)").kind, NodeKind::SystemIdentity);
    assert_eq!(find("alice@contoso.com").kind, NodeKind::Principal(blastmap_model::PrincipalKind::User));
    assert_eq!(find("rg-orders-dev").environment, Environment::Dev, "from the resource group's name");
    assert_eq!(find("subscription 9e3b8c55").environment, Environment::Prod, "the subscription's resources agree");
    assert_eq!(find("rg-orders-uat").kind, NodeKind::Target(blastmap_model::arm::ScopeLevel::ResourceGroup));
    // The orphaned assignment's principal is known only by its object id.
    assert!(g.node_weights().any(|n| n.label == "d3adbeef-0000-4000-8000-000000000000"));
}

#[test]
fn every_edge_of_the_sample_with_its_reason() {
    let loaded = sample();
    let access = AccessGraph::build(&loaded.inventory);
    let g = &access.graph;
    let mut lines: Vec<String> = g
        .edge_indices()
        .zip(g.raw_edges())
        .map(|(at, e)| {
            format!(
                "{:<10} {:<28} -> {:<28} {}",
                e.weight.kind.as_str(),
                g[e.source()].label,
                g[e.target()].label,
                access.reason(at)
            )
        })
        .collect();
    lines.sort();
    insta::assert_snapshot!(lines.join("\n"));
}
