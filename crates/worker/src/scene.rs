//! What the canvas shows, in world units: boxes, lines, lanes and bands, and the hit-testing
//! that maps a point back to a node.
//!
//! The worker builds it from the access graph and its layout and sends it whole in the
//! snapshot; the page draws it (its renderer and viewport are the app's).

use blastmap_analysis::{AccessGraph, EdgeKind, Environment, NodeKind};
use blastmap_layout::Layout;

use serde::{Deserialize, Serialize};

/// Width of a node box in world units.
pub const NODE_WIDTH: f32 = 200.0;
/// Height of a node box in world units.
pub const NODE_HEIGHT: f32 = 30.0;

/// How a node is drawn.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NodeStyle {
    /// A person, group or app that can act.
    Actor,
    /// A resource carrying identities.
    Source,
    /// A user-assigned identity.
    Identity,
    /// A system-assigned identity.
    SystemIdentity,
    /// A scope roles are held on.
    Target,
}

impl NodeStyle {
    /// Every style, in the order palettes list them.
    pub const ALL: [NodeStyle; 5] =
        [NodeStyle::Actor, NodeStyle::Source, NodeStyle::Identity, NodeStyle::SystemIdentity, NodeStyle::Target];

    fn of(kind: NodeKind) -> Self {
        match kind {
            NodeKind::Principal(_) | NodeKind::Pipeline => NodeStyle::Actor,
            NodeKind::Source => NodeStyle::Source,
            NodeKind::UserAssignedIdentity => NodeStyle::Identity,
            NodeKind::SystemIdentity => NodeStyle::SystemIdentity,
            NodeKind::Target(_) => NodeStyle::Target,
        }
    }
}

/// How an edge is drawn.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EdgeStyle {
    /// A source uses an identity.
    Uses,
    /// A role held on a scope.
    Role,
    /// Any edge whose ends lie in different environments: the warning colour.
    CrossEnvironment,
}

/// A node box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneNode {
    /// Centre.
    pub x: f32,
    /// Centre.
    pub y: f32,
    /// Style.
    pub style: NodeStyle,
    /// Label.
    pub label: String,
    /// The environment lane it is drawn in: its own, or its neighbours' when it has none (a
    /// person shows in the lane of what they reach). What people see is what they filter by.
    #[serde(with = "crate::wire::EnvironmentDef")]
    pub lane: Environment,
}

/// An edge between two nodes (indices into [`Scene::nodes`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneEdge {
    /// Start node.
    pub from: usize,
    /// End node.
    pub to: usize,
    /// Style.
    pub style: EdgeStyle,
}

/// A labelled horizontal band (an environment lane or a region band).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneBand {
    /// Top edge.
    pub top: f32,
    /// Height.
    pub height: f32,
    /// Its title.
    pub title: String,
}

/// Everything the canvas shows.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Scene {
    /// Node boxes.
    pub nodes: Vec<SceneNode>,
    /// Edges.
    pub edges: Vec<SceneEdge>,
    /// Environment lanes.
    pub lanes: Vec<SceneBand>,
    /// Region bands.
    pub bands: Vec<SceneBand>,
    /// Column titles with their centre x.
    pub columns: Vec<(f32, String)>,
    /// World width.
    pub width: f32,
    /// World height.
    pub height: f32,
    /// How many edges cross environments.
    pub cross_environment_edges: usize,
}

impl Scene {
    /// Builds the scene of a laid-out access graph.
    pub fn new(access: &AccessGraph, layout: &Layout) -> Scene {
        let g = &access.graph;
        let nodes: Vec<SceneNode> = g
            .node_indices()
            .map(|n| {
                let at = layout.nodes[n.index()];
                SceneNode {
                    x: at.x,
                    y: at.y,
                    style: NodeStyle::of(g[n].kind),
                    label: g[n].label.clone(),
                    lane: at.lane,
                }
            })
            .collect();
        let lane_of = |i: usize| layout.nodes[i].lane;
        let edges: Vec<SceneEdge> = g
            .raw_edges()
            .iter()
            .map(|e| {
                let (from, to) = (e.source().index(), e.target().index());
                let crosses = lane_of(from) != lane_of(to)
                    && lane_of(from) != Environment::Unknown
                    && lane_of(to) != Environment::Unknown;
                let style = match (crosses, e.weight.kind) {
                    (true, _) => EdgeStyle::CrossEnvironment,
                    (false, EdgeKind::CanUse) => EdgeStyle::Uses,
                    (false, _) => EdgeStyle::Role,
                };
                SceneEdge { from, to, style }
            })
            .collect();
        let lanes = layout
            .lanes
            .iter()
            .map(|l| SceneBand { top: l.top, height: l.height, title: l.environment.as_str().to_uppercase() })
            .collect();
        let bands = layout
            .bands
            .iter()
            .map(|b| SceneBand {
                top: b.top,
                height: b.height,
                title: b.region.clone().unwrap_or_else(|| "no region".to_owned()),
            })
            .collect();
        let columns = layout.columns.iter().map(|span| (span.centre(), span.column.title().to_owned())).collect();
        let cross_environment_edges = edges.iter().filter(|e| e.style == EdgeStyle::CrossEnvironment).count();
        Scene {
            nodes,
            edges,
            lanes,
            bands,
            columns,
            width: layout.width,
            height: layout.height,
            cross_environment_edges,
        }
    }

    /// The shown node under a world point, if any (`hidden` is per node; empty hides none).
    pub fn hit(&self, x: f32, y: f32, hidden: &[bool]) -> Option<usize> {
        self.nodes.iter().enumerate().position(|(i, n)| {
            !hidden.get(i).copied().unwrap_or(false)
                && (n.x - x).abs() <= NODE_WIDTH / 2.0
                && (n.y - y).abs() <= NODE_HEIGHT / 2.0
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scene() -> Scene {
        Scene {
            nodes: vec![
                SceneNode { x: 100.0, y: 50.0, style: NodeStyle::Source, label: "a".into(), lane: Environment::Dev },
                SceneNode { x: 400.0, y: 50.0, style: NodeStyle::Identity, label: "b".into(), lane: Environment::Dev },
            ],
            width: 1000.0,
            height: 500.0,
            ..Scene::default()
        }
    }

    #[test]
    fn hit_testing_finds_the_box_under_a_point() {
        let s = scene();
        assert_eq!(s.hit(100.0, 50.0, &[]), Some(0));
        assert_eq!(s.hit(100.0 + NODE_WIDTH / 2.0 - 1.0, 50.0 + NODE_HEIGHT / 2.0 - 1.0, &[]), Some(0));
        assert_eq!(s.hit(400.0, 60.0, &[]), Some(1));
        assert_eq!(s.hit(250.0, 50.0, &[]), None);
        assert_eq!(s.hit(100.0, 80.0, &[]), None);
        assert_eq!(s.hit(100.0, 50.0, &[true, false]), None, "hidden nodes cannot be hit");
    }
}
