//! Where each node of the access graph is drawn.
//!
//! The picture should read like the question it answers. Lanes run across the page, one per
//! environment (dev, test, uat, prod, unknown); inside a lane, nodes are banded by region.
//! Columns run left to right the way an attack flows: people and pipelines who can act →
//! source resources → identities → targets. An edge that leaves its lane (dev → prod) is
//! then visibly a long diagonal, which is exactly what a reviewer should notice.
//!
//! Ranks are known from node kinds, so no rank assignment or cycle breaking is needed: only
//! the order inside each (lane, region, column) cell, found by a few barycenter sweeps
//! (Sugiyama's third phase). That is O(E) per sweep and deterministic: ties break on labels.
//!
//! Pure: no I/O, no browser. Units are abstract "world" units the renderer scales.

use std::collections::{BTreeMap, HashMap};

use blastmap_analysis::{AccessGraph, Environment, NodeKind};
use petgraph::Direction;
use petgraph::graph::NodeIndex;

/// Horizontal distance between columns.
pub const COLUMN_WIDTH: f32 = 260.0;
/// Vertical distance between rows.
pub const ROW_HEIGHT: f32 = 44.0;
/// Space above the first row of a region band (room for its title).
pub const BAND_PADDING: f32 = 30.0;
/// Space between lanes.
pub const LANE_GAP: f32 = 16.0;
/// How many barycenter sweeps order the columns.
const SWEEPS: usize = 4;

/// The four columns, left to right.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    /// People, groups, apps and pipelines that can act.
    Actors,
    /// Resources that carry identities.
    Sources,
    /// Managed identities.
    Identities,
    /// Scopes on which roles are held.
    Targets,
}

impl Column {
    /// All columns in order.
    pub const ALL: [Column; 4] = [Column::Actors, Column::Sources, Column::Identities, Column::Targets];

    /// The column of a node kind.
    pub fn of(kind: NodeKind) -> Column {
        match kind {
            NodeKind::Principal(_) | NodeKind::Pipeline => Column::Actors,
            NodeKind::Source => Column::Sources,
            NodeKind::UserAssignedIdentity | NodeKind::SystemIdentity => Column::Identities,
            NodeKind::Target(_) => Column::Targets,
        }
    }

    /// Heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Column::Actors => "people & pipelines",
            Column::Sources => "sources",
            Column::Identities => "identities",
            Column::Targets => "targets",
        }
    }
}

/// Where a column is drawn: its left edge and width (several sub-columns wide when its cells
/// are wrapped).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct ColumnSpan {
    /// The column.
    pub column: Column,
    /// Left edge.
    pub left: f32,
    /// Width.
    pub width: f32,
}

impl ColumnSpan {
    /// The centre, where the column's title goes.
    pub fn centre(&self) -> f32 {
        self.left + self.width / 2.0
    }
}

/// A node's place.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Placement {
    /// Centre, world units.
    pub x: f32,
    /// Centre, world units.
    pub y: f32,
    /// Its column.
    pub column: Column,
    /// The environment lane it is drawn in (its own, or its neighbours' when it has none).
    pub lane: Environment,
}

/// A horizontal band of one environment.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// The environment.
    pub environment: Environment,
    /// Top edge.
    pub top: f32,
    /// Height.
    pub height: f32,
}

/// A region band inside a lane.
#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    /// The lane's environment.
    pub environment: Environment,
    /// Region name, or `None` for nodes without one (scopes, principals).
    pub region: Option<String>,
    /// Top edge.
    pub top: f32,
    /// Height.
    pub height: f32,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    /// One placement per graph node, indexed by `NodeIndex::index()`.
    pub nodes: Vec<Placement>,
    /// Lanes, top to bottom.
    pub lanes: Vec<Lane>,
    /// Region bands, top to bottom.
    pub bands: Vec<Band>,
    /// The four columns, left to right.
    pub columns: Vec<ColumnSpan>,
    /// Total width.
    pub width: f32,
    /// Total height.
    pub height: f32,
}

type Cell = (Environment, Option<String>, Column);

/// Lays out the whole access graph.
pub fn layout(access: &AccessGraph) -> Layout {
    let g = &access.graph;
    let lanes = lanes(access);
    // Group nodes into (lane, region, column) cells, each sorted by label first.
    let mut cells: BTreeMap<Cell, Vec<NodeIndex>> = BTreeMap::new();
    for n in g.node_indices() {
        let node = &g[n];
        cells.entry((lanes[n.index()], node.region.clone(), Column::of(node.kind))).or_default().push(n);
    }
    for members in cells.values_mut() {
        members.sort_by(|&a, &b| g[a].label.cmp(&g[b].label).then(a.cmp(&b)));
    }
    // Rows within each cell: barycenter sweeps over the neighbours' global row positions.
    let mut row_of: Vec<f32> = vec![0.0; g.node_count()];
    let assign_rows = |cells: &BTreeMap<Cell, Vec<NodeIndex>>, row_of: &mut Vec<f32>| {
        let mut base = 0.0;
        let mut last_band: Option<(Environment, Option<String>)> = None;
        let mut band_rows = 0usize;
        for ((env, region, _), members) in cells {
            let band = (*env, region.clone());
            if last_band.as_ref() != Some(&band) {
                base += band_rows as f32 + 1.0;
                band_rows = 0;
                last_band = Some(band);
            }
            for (row, &n) in members.iter().enumerate() {
                row_of[n.index()] = base + row as f32;
            }
            band_rows = band_rows.max(members.len());
        }
    };
    assign_rows(&cells, &mut row_of);
    for _ in 0..SWEEPS {
        for members in cells.values_mut() {
            let barycenter = |n: NodeIndex| {
                let (sum, count) = g
                    .neighbors_directed(n, Direction::Outgoing)
                    .chain(g.neighbors_directed(n, Direction::Incoming))
                    .fold((0.0, 0usize), |(s, c), m| (s + row_of[m.index()], c + 1));
                if count == 0 { row_of[n.index()] } else { sum / count as f32 }
            };
            let mut keyed: Vec<(f32, NodeIndex)> = members.iter().map(|&n| (barycenter(n), n)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| g[a.1].label.cmp(&g[b.1].label)).then(a.1.cmp(&b.1)));
            *members = keyed.into_iter().map(|(_, n)| n).collect();
        }
        assign_rows(&cells, &mut row_of);
    }
    place(access, &cells, &lanes)
}

/// How many rows a cell may have before it wraps into another sub-column. Small pictures never
/// wrap; a tenant's does, at the row count that makes the picture about as wide as a screen
/// (3:2) instead of a strip thousands of rows high: every band is as tall as its tallest cell
/// (up to the limit), every column as wide as its widest cell needs.
fn rows_per_cell(cells: &BTreeMap<Cell, Vec<NodeIndex>>) -> usize {
    let mut band_rows: BTreeMap<(Environment, Option<String>), usize> = BTreeMap::new();
    let mut column_rows: BTreeMap<Column, usize> = BTreeMap::new();
    for ((env, region, column), members) in cells {
        let band = band_rows.entry((*env, region.clone())).or_default();
        *band = (*band).max(members.len());
        let widest = column_rows.entry(*column).or_default();
        *widest = (*widest).max(members.len());
    }
    let tallest = band_rows.values().copied().max().unwrap_or(0);
    let shape = |limit: usize| {
        let height: f32 = band_rows.values().map(|&rows| BAND_PADDING + rows.min(limit) as f32 * ROW_HEIGHT).sum();
        let width: f32 = column_rows.values().map(|&rows| rows.div_ceil(limit).max(1) as f32 * COLUMN_WIDTH).sum();
        (height * 1.5).max(width)
    };
    let mut best = (shape(tallest.max(1)), tallest.max(MIN_ROWS_PER_CELL));
    let mut limit = MIN_ROWS_PER_CELL;
    while limit < tallest {
        let candidate = (shape(limit), limit);
        if candidate.0 < best.0 {
            best = candidate;
        }
        limit += limit / 8 + 1;
    }
    best.1
}

/// Cells up to this many rows never wrap (the sample, any small design).
const MIN_ROWS_PER_CELL: usize = 24;

/// Turns ordered cells into coordinates, lanes and bands.
fn place(access: &AccessGraph, cells: &BTreeMap<Cell, Vec<NodeIndex>>, lanes_of: &[Environment]) -> Layout {
    let g = &access.graph;
    let limit = rows_per_cell(cells);
    // Each column is as many sub-columns wide as its tallest cell needs.
    let mut wide: BTreeMap<Column, usize> = Column::ALL.iter().map(|&c| (c, 1)).collect();
    for ((_, _, column), members) in cells {
        let needed = members.len().div_ceil(limit).max(1);
        wide.entry(*column).and_modify(|w| *w = (*w).max(needed));
    }
    let mut left = 0.0;
    let columns: Vec<ColumnSpan> = Column::ALL
        .iter()
        .map(|&column| {
            let width = wide[&column] as f32 * COLUMN_WIDTH;
            let span = ColumnSpan { column, left, width };
            left += width;
            span
        })
        .collect();
    let mut layout = Layout {
        nodes: vec![Placement { x: 0.0, y: 0.0, column: Column::Actors, lane: Environment::Unknown }; g.node_count()],
        width: left,
        columns,
        ..Layout::default()
    };
    let mut bands: BTreeMap<(Environment, Option<String>), usize> = BTreeMap::new();
    for ((env, region, _), members) in cells {
        let rows = bands.entry((*env, region.clone())).or_default();
        *rows = (*rows).max(members.len().min(limit));
    }
    let mut band_top: HashMap<(Environment, Option<String>), f32> = HashMap::new();
    let mut y = 0.0;
    let mut current_lane: Option<Environment> = None;
    for ((env, region), rows) in &bands {
        if current_lane != Some(*env) {
            if let Some(lane) = layout.lanes.last_mut() {
                lane.height = y - lane.top;
                y += LANE_GAP;
            }
            layout.lanes.push(Lane { environment: *env, top: y, height: 0.0 });
            current_lane = Some(*env);
        }
        let height = BAND_PADDING + *rows as f32 * ROW_HEIGHT;
        layout.bands.push(Band { environment: *env, region: region.clone(), top: y, height });
        band_top.insert((*env, region.clone()), y);
        y += height;
    }
    if let Some(lane) = layout.lanes.last_mut() {
        lane.height = y - lane.top;
    }
    layout.height = y;
    for ((env, region, column), members) in cells {
        let top = band_top.get(&(*env, region.clone())).copied().unwrap_or(0.0) + BAND_PADDING;
        let left = layout.columns[*column as usize].left;
        // Down each sub-column in order, then the next: the sweeps' order reads top to bottom.
        for (at, &n) in members.iter().enumerate() {
            let (sub, row) = (at / limit, at % limit);
            layout.nodes[n.index()] = Placement {
                x: left + (sub as f32 + 0.5) * COLUMN_WIDTH,
                y: top + (row as f32 + 0.5) * ROW_HEIGHT,
                column: *column,
                lane: lanes_of[n.index()],
            };
        }
    }
    layout
}

/// How many times lanes spread through nodes without an environment (a person in a group that
/// holds a role is two steps from any environment).
const LANE_ROUNDS: usize = 4;

/// The lane each node is drawn in: its own environment, or, when it has none (people, groups,
/// pipelines), the lane most of its neighbours are in, spreading a few steps. Each round reads
/// only the previous round's lanes, so the result does not depend on node order.
fn lanes(access: &AccessGraph) -> Vec<Environment> {
    let g = &access.graph;
    let mut lanes: Vec<Environment> = g.node_indices().map(|n| g[n].environment).collect();
    for _ in 0..LANE_ROUNDS {
        let previous = lanes.clone();
        let mut changed = false;
        for n in g.node_indices().filter(|n| previous[n.index()] == Environment::Unknown) {
            let mut votes: BTreeMap<Environment, usize> = BTreeMap::new();
            for m in g.neighbors_directed(n, Direction::Outgoing).chain(g.neighbors_directed(n, Direction::Incoming)) {
                if previous[m.index()] != Environment::Unknown {
                    *votes.entry(previous[m.index()]).or_default() += 1;
                }
            }
            // Most votes; on a tie the later lane (prod over dev): the riskier reading.
            if let Some((env, _)) = votes.into_iter().max_by_key(|&(env, count)| (count, env)) {
                lanes[n.index()] = env;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    lanes
}
