//! What the canvas shows, in world units: boxes, lines, lanes and bands, and the hit-testing
//! that maps a point back to a node.
//!
//! The worker builds it from the access graph and its layout and sends it whole in the
//! snapshot; the page draws it (its renderer and viewport are the app's).

use blastmap_analysis::{AccessGraph, EdgeKind, Environment, NodeKind};
use blastmap_layout::{Folding, Layout};
use rustc_hash::FxHashSet;
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
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

/// Several nodes folded into one box (a resource group's, a subscription's, people); a click
/// unfolds it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SceneAggregate {
    /// Centre.
    pub x: f32,
    /// Centre.
    pub y: f32,
    /// Style (its members').
    pub style: NodeStyle,
    /// The group's name.
    pub label: String,
    /// Its members, in label order (indices into [`Scene::nodes`]).
    pub members: Vec<u32>,
    /// The lane it is drawn in.
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
    /// Whether it is drawn when not lit: false for an edge inside an aggregate, or one that
    /// repeats the line of an earlier edge between the same boxes (folded nodes share theirs).
    pub drawn: bool,
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
    /// Folded groups.
    pub aggregates: Vec<SceneAggregate>,
    /// Per node: the aggregate it is folded into (index into `aggregates`), if any.
    pub folded: Vec<Option<u32>>,
    /// How many groups the user unfolded.
    pub unfolded: usize,
    /// Whether the user opened every group: nothing folds.
    pub all_open: bool,
}

/// What lies under a point of the picture.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Hit {
    /// A node (index into [`Scene::nodes`]).
    Node(usize),
    /// An aggregate (index into [`Scene::aggregates`]).
    Aggregate(usize),
}

impl Scene {
    /// Builds the scene of an access graph laid out with `folding`.
    pub fn new(access: &AccessGraph, layout: &Layout, folding: &Folding) -> Scene {
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
        // The box an end is drawn in: its own, or its aggregate's.
        let drawn_as = |i: usize| layout.folded[i].map_or(Hit::Node(i), |a| Hit::Aggregate(a as usize));
        // Hashed fast (no untrusted keys here): a tenant has hundreds of thousands of edges.
        let mut lines: FxHashSet<(Hit, Hit, EdgeStyle)> = FxHashSet::default();
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
                let ends = (drawn_as(from), drawn_as(to));
                let drawn = ends.0 != ends.1 && lines.insert((ends.0, ends.1, style));
                SceneEdge { from, to, style, drawn }
            })
            .collect();
        let aggregates = layout
            .aggregates
            .iter()
            .map(|a| SceneAggregate {
                x: a.placement.x,
                y: a.placement.y,
                style: a.members.first().map_or(NodeStyle::Target, |&n| NodeStyle::of(g[n].kind)),
                label: a.label.clone(),
                members: a.members.iter().map(|n| n.index() as u32).collect(),
                lane: a.placement.lane,
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
            aggregates,
            folded: layout.folded.clone(),
            unfolded: folding.expanded.len(),
            all_open: folding.above == usize::MAX,
        }
    }

    /// Whether node `i` is folded into an aggregate (and so not drawn on its own).
    pub fn is_folded(&self, i: usize) -> bool {
        self.folded.get(i).copied().flatten().is_some()
    }

    /// Whether aggregate `a` shows: some member of it is not hidden (`hidden` is per node).
    pub fn aggregate_shows(&self, a: &SceneAggregate, hidden: &[bool]) -> bool {
        a.members.iter().any(|&m| !hidden.get(m as usize).copied().unwrap_or(false))
    }

    /// The shown node or aggregate under a world point, if any (`hidden` is per node; empty
    /// hides none).
    pub fn hit(&self, x: f32, y: f32, hidden: &[bool]) -> Option<Hit> {
        let under = |nx: f32, ny: f32| (nx - x).abs() <= NODE_WIDTH / 2.0 && (ny - y).abs() <= NODE_HEIGHT / 2.0;
        let node = self
            .nodes
            .iter()
            .enumerate()
            .position(|(i, n)| !hidden.get(i).copied().unwrap_or(false) && !self.is_folded(i) && under(n.x, n.y));
        node.map(Hit::Node).or_else(|| {
            self.aggregates.iter().position(|a| under(a.x, a.y) && self.aggregate_shows(a, hidden)).map(Hit::Aggregate)
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
        assert_eq!(s.hit(100.0, 50.0, &[]), Some(Hit::Node(0)));
        assert_eq!(s.hit(100.0 + NODE_WIDTH / 2.0 - 1.0, 50.0 + NODE_HEIGHT / 2.0 - 1.0, &[]), Some(Hit::Node(0)));
        assert_eq!(s.hit(400.0, 60.0, &[]), Some(Hit::Node(1)));
        assert_eq!(s.hit(250.0, 50.0, &[]), None);
        assert_eq!(s.hit(100.0, 80.0, &[]), None);
        assert_eq!(s.hit(100.0, 50.0, &[true, false]), None, "hidden nodes cannot be hit");
    }

    #[test]
    fn a_folded_node_is_hit_as_its_aggregate() {
        let mut s = scene();
        s.folded = vec![None, Some(0)];
        s.aggregates = vec![SceneAggregate {
            x: 400.0,
            y: 50.0,
            style: NodeStyle::Identity,
            label: "rg".into(),
            members: vec![1],
            lane: Environment::Dev,
        }];
        assert_eq!(s.hit(400.0, 50.0, &[]), Some(Hit::Aggregate(0)));
        assert_eq!(s.hit(100.0, 50.0, &[]), Some(Hit::Node(0)));
        assert_eq!(s.hit(400.0, 50.0, &[false, true]), None, "an aggregate of hidden nodes cannot be hit");
    }
}
