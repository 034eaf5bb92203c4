//! The layout of the built-in sample.

use blastmap_analysis::{AccessGraph, Environment};
use blastmap_ingest::sample::load_sample;
use blastmap_layout::{Column, ROW_HEIGHT, layout};

fn sample_graph() -> AccessGraph {
    AccessGraph::build(&load_sample().inventory)
}

#[test]
fn lanes_columns_and_no_overlap() {
    let access = sample_graph();
    let picture = layout(&access);
    let g = &access.graph;
    let lanes: Vec<Environment> = picture.lanes.iter().map(|l| l.environment).collect();
    assert_eq!(lanes, vec![Environment::Dev, Environment::Uat, Environment::Prod]);
    let at = |label: &str| {
        let n = g.node_indices().find(|&n| g[n].label == label).unwrap_or_else(|| panic!("{label}"));
        picture.nodes[n.index()]
    };
    assert_eq!(at("alice@contoso.com").column, Column::Actors);
    assert_eq!(at("alice@contoso.com").lane, Environment::Dev, "alice acts on a dev resource group");
    assert_eq!(at("d3adbeef-0000-4000-8000-000000000000").lane, Environment::Uat, "its only role is on a uat group");
    assert_eq!(at("bob@contoso.com").lane, Environment::Prod, "a member of a group acting in prod");
    assert_eq!(at("app-orders-dev").column, Column::Sources);
    assert_eq!(at("id-orders").column, Column::Identities);
    assert_eq!(at("kv-orders-prod").column, Column::Targets);
    assert!(at("app-orders-dev").x < at("id-orders").x && at("id-orders").x < at("kv-orders-prod").x);
    assert!(at("app-orders-dev").y < at("app-orders-uat").y && at("app-orders-uat").y < at("app-orders-prod").y);
    // Every node lies inside its lane, and no two nodes share a spot.
    for (i, p) in picture.nodes.iter().enumerate() {
        let lane = picture.lanes.iter().find(|l| l.environment == p.lane).unwrap();
        assert!(p.y > lane.top && p.y < lane.top + lane.height, "node {i} outside its lane");
        for q in &picture.nodes[i + 1..] {
            assert!((p.x - q.x).abs() > 1.0 || (p.y - q.y).abs() >= ROW_HEIGHT - 0.01, "overlap at {p:?}");
        }
    }
}

#[test]
fn the_same_input_gives_the_same_picture() {
    assert_eq!(layout(&sample_graph()), layout(&sample_graph()));
}

/// A tenant's cells hold hundreds of nodes: they wrap into sub-columns, so the picture stays
/// about as wide as it is tall, nodes stay in their column's span and lane, and none overlap.
#[test]
fn tall_cells_wrap_into_sub_columns() {
    let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 3000, seed: 4 });
    let files: Vec<_> =
        tenant.files.iter().map(|f| blastmap_ingest::SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let access = AccessGraph::build(&blastmap_ingest::load(&files).inventory);
    let picture = layout(&access);
    assert!(access.graph.node_count() > 2000);
    assert!(picture.width > 4.0 * blastmap_layout::COLUMN_WIDTH, "some column wraps");
    assert!(picture.height < 4.0 * picture.width, "{} high, {} wide", picture.height, picture.width);
    let mut spots = std::collections::HashSet::new();
    for p in &picture.nodes {
        let span = picture.columns.iter().find(|c| c.column == p.column).unwrap();
        assert!(p.x > span.left && p.x < span.left + span.width, "{p:?} outside {span:?}");
        let lane = picture.lanes.iter().find(|l| l.environment == p.lane).unwrap();
        assert!(p.y > lane.top && p.y < lane.top + lane.height, "{p:?} outside its lane");
        assert!(spots.insert((p.x as i64, p.y as i64)), "two nodes at {p:?}");
    }
    assert_eq!(layout(&access), picture, "deterministic");
}
