//! The layout of the built-in sample.

use blastmap_analysis::{AccessGraph, Environment, NodeKey};
use blastmap_ingest::sample::load_sample;
use blastmap_layout::{Aggregate, Column, Folding, Layout, ROW_HEIGHT, layout};
use blastmap_model::{Inventory, arm};

fn sample() -> (Inventory, AccessGraph) {
    let inventory = load_sample().inventory;
    let access = AccessGraph::build(&inventory);
    (inventory, access)
}

fn tenant(resources: usize, seed: u64) -> (Inventory, AccessGraph) {
    let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources, seed });
    let files: Vec<_> =
        tenant.files.iter().map(|f| blastmap_ingest::SourceFile { name: f.name, bytes: &f.bytes }).collect();
    let inventory = blastmap_ingest::load(&files).inventory;
    let access = AccessGraph::build(&inventory);
    (inventory, access)
}

/// Every node and every aggregate lies in its column's span and its lane, and no two rows share
/// a spot.
fn assert_rows_apart(picture: &Layout) {
    let mut spots = std::collections::HashSet::new();
    let rows = picture
        .nodes
        .iter()
        .zip(&picture.folded)
        .filter(|(_, folded)| folded.is_none())
        .map(|(p, _)| p)
        .chain(picture.aggregates.iter().map(|a| &a.placement));
    for p in rows {
        let span = picture.columns.iter().find(|c| c.column == p.column).expect("its column");
        assert!(p.x > span.left && p.x < span.left + span.width, "{p:?} outside {span:?}");
        let lane = picture.lanes.iter().find(|l| l.environment == p.lane).expect("its lane");
        assert!(p.y > lane.top && p.y < lane.top + lane.height, "{p:?} outside its lane");
        assert!(spots.insert((p.x as i64, p.y as i64)), "two rows at {p:?}");
    }
}

#[test]
fn lanes_columns_and_no_overlap() {
    let (inventory, access) = sample();
    let picture = layout(&inventory, &access, &Folding::default());
    assert!(picture.aggregates.is_empty(), "a small design folds nothing");
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
    let ((a, access_a), (b, access_b)) = (sample(), sample());
    assert_eq!(layout(&a, &access_a, &Folding::default()), layout(&b, &access_b, &Folding::default()));
}

/// Unfolded, a tenant's cells hold hundreds of nodes: they wrap into sub-columns, so the
/// picture stays about as wide as it is tall, nodes stay in their column's span and lane, and
/// none overlap.
#[test]
fn tall_cells_wrap_into_sub_columns() {
    let (inventory, access) = tenant(3000, 4);
    let picture = layout(&inventory, &access, &Folding::none());
    assert!(access.graph.node_count() > 2000);
    assert!(picture.aggregates.is_empty() && picture.folded.iter().all(Option::is_none));
    assert!(picture.width > 4.0 * blastmap_layout::COLUMN_WIDTH, "some column wraps");
    assert!(picture.height < 4.0 * picture.width, "{} high, {} wide", picture.height, picture.width);
    assert_rows_apart(&picture);
    assert_eq!(layout(&inventory, &access, &Folding::none()), picture, "deterministic");
}

/// Folded, a tenant's large cells become a few aggregates, one per resource group (or
/// subscription, or actor kind): each stands for its members, which all lie in its container
/// and are drawn where it is; small cells and small groups stay unfolded.
#[test]
fn large_groups_fold_into_aggregates() {
    let (inventory, access) = tenant(3000, 4);
    let g = &access.graph;
    let picture = layout(&inventory, &access, &Folding::default());
    assert!(!picture.aggregates.is_empty());
    let shown = picture.folded.iter().filter(|f| f.is_none()).count() + picture.aggregates.len();
    assert!(shown * 4 < g.node_count(), "{shown} rows for {} nodes", g.node_count());
    let mut folded = 0;
    for (index, aggregate) in picture.aggregates.iter().enumerate() {
        assert!(aggregate.members.len() >= 3, "{aggregate:?}");
        folded += aggregate.members.len();
        for &n in &aggregate.members {
            assert_eq!(picture.folded[n.index()], Some(index as u32));
            assert_eq!(picture.nodes[n.index()], aggregate.placement);
            let inside = match g[n].key {
                NodeKey::Arm(id) | NodeKey::System(id) => {
                    inventory.text(id).starts_with(&format!("{}/", aggregate.group.container))
                }
                _ => !aggregate.group.container.starts_with('/'),
            };
            assert!(inside, "{} not in {}", g[n].label, aggregate.group.container);
        }
        if let Some(group) = arm::resource_group(&aggregate.group.container) {
            assert_eq!(aggregate.label, group);
        }
    }
    assert_eq!(folded, picture.folded.iter().filter(|f| f.is_some()).count(), "each node folds once");
    assert_rows_apart(&picture);
}

/// Expanding a group shows its members (a subscription's, by resource group) and leaves every
/// other aggregate as it was.
#[test]
fn an_expanded_group_unfolds() {
    let (inventory, access) = tenant(3000, 4);
    let folded = layout(&inventory, &access, &Folding::default());
    let opened = folded.aggregates.iter().max_by_key(|a| a.members.len()).unwrap();
    let mut folding = Folding::default();
    folding.expanded.insert(opened.group.clone());
    let picture = layout(&inventory, &access, &folding);
    assert!(picture.aggregates.iter().all(|a| a.group != opened.group));
    for &n in &opened.members {
        let finer = picture.folded[n.index()].map(|a| &picture.aggregates[a as usize]);
        assert!(finer.is_none_or(|a| a.group.container.len() > opened.group.container.len()));
    }
    let others = |picture: &Layout| -> Vec<Aggregate> {
        picture.aggregates.iter().filter(|a| a.members.iter().all(|m| !opened.members.contains(m))).cloned().collect()
    };
    let (before, after) = (others(&folded), others(&picture));
    assert_eq!(before.len(), folded.aggregates.len() - 1);
    let groups = |all: &[Aggregate]| all.iter().map(|a| (a.group.clone(), a.members.clone())).collect::<Vec<_>>();
    assert!(groups(&before).iter().all(|g| groups(&after).contains(g)), "the other aggregates stay");
    assert_rows_apart(&picture);
}
