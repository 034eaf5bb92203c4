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
//! A tenant's cells hold thousands of nodes. A cell with more rows than [`Folding::above`]
//! folds each large group of its members (a resource group, else a subscription, for
//! resources; a principal kind for actors) into one [`Aggregate`] row, at the finest level
//! that brings the cell under the limit; the user unfolds a group by naming it in
//! [`Folding::expanded`]. What stays too tall wraps into sub-columns.
//!
//! Pure: no I/O, no browser. Units are abstract "world" units the renderer scales.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use blastmap_analysis::{AccessGraph, Environment, Node, NodeKey, NodeKind, scope_label};
use blastmap_model::{Inventory, PrincipalKind, arm, compare_texts};
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

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

/// A group of nodes that can fold into one row: the members of one cell (lane, region band,
/// column) under one container (a resource group or subscription, by its lower-cased id; for
/// actors, a principal kind). Opening it opens that box only, not the container's other cells.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    /// The lane of its cell.
    pub lane: Environment,
    /// The region band of its cell.
    pub region: Option<String>,
    /// The column of its cell.
    pub column: Column,
    /// The container's lower-cased scope id, or the plural name of a principal kind.
    pub container: String,
}

/// What folds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Folding {
    /// A cell with more rows than this folds its groups (`usize::MAX`: nothing folds).
    pub above: usize,
    /// Groups the user unfolded: their members show one by one (or, for a subscription, by
    /// resource group).
    pub expanded: BTreeSet<GroupKey>,
}

impl Default for Folding {
    fn default() -> Self {
        Folding { above: FOLD_ABOVE, expanded: BTreeSet::new() }
    }
}

impl Folding {
    /// Every node on its own row.
    pub fn none() -> Self {
        Folding { above: usize::MAX, expanded: BTreeSet::new() }
    }
}

/// Cells up to this many rows show every node; larger ones fold their groups. A tenant then
/// reads as an overview of groups (a few rows per region band, not hundreds), opened where the
/// reviewer looks; a design the size of the sample never folds.
pub const FOLD_ABOVE: usize = 16;
/// A group folds only when it has at least this many members: folding two nodes hides more
/// than it saves.
const FOLD_AT_LEAST: usize = 3;

/// Several nodes drawn as one row.
#[derive(Clone, Debug, PartialEq)]
pub struct Aggregate {
    /// The group it folds.
    pub group: GroupKey,
    /// The container's name for people (`rg-orders-prod`, a subscription's display name, `people`).
    pub label: String,
    /// The nodes it stands for, in label order.
    pub members: Vec<NodeIndex>,
    /// Where it is drawn.
    pub placement: Placement,
}

/// The whole picture.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    /// One placement per graph node, indexed by `NodeIndex::index()`; a folded node is placed
    /// where its aggregate is.
    pub nodes: Vec<Placement>,
    /// The aggregate each node is folded into (an index into `aggregates`), if any.
    pub folded: Vec<Option<u32>>,
    /// Folded groups, in placement order.
    pub aggregates: Vec<Aggregate>,
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

/// A (lane, region, column) cell; the region borrowed from its nodes.
type Cell<'g> = (Environment, Option<&'g str>, Column);
/// A region band of a lane.
type BandKey<'g> = (Environment, Option<&'g str>);

/// One row of a cell: a node, or a folded group (an index into the layout's folds).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Row {
    Node(NodeIndex),
    Fold(usize),
}

/// A group folded into one row, before it is placed.
struct Fold {
    group: GroupKey,
    label: String,
    members: Vec<NodeIndex>,
}

/// Lays out the whole access graph, folding large groups as `folding` says.
pub fn layout(inventory: &Inventory, access: &AccessGraph, folding: &Folding) -> Layout {
    let g = &access.graph;
    let neighbours = Neighbours::of(access);
    let lanes = lanes(access, &neighbours);
    // Group nodes into (lane, region, column) cells, each sorted by label first. Hashed, then
    // ordered once: a tree of cells compares each node's region text on the way down, and in
    // WebAssembly a text compares one byte at a time.
    let mut by_cell: FxHashMap<Cell<'_>, Vec<NodeIndex>> = FxHashMap::default();
    for n in g.node_indices() {
        let node = &g[n];
        by_cell.entry((lanes[n.index()], node.region.as_deref(), Column::of(node.kind))).or_default().push(n);
    }
    let cells: BTreeMap<Cell<'_>, Vec<NodeIndex>> = by_cell.into_iter().collect();
    let expanded: HashSet<(Cell<'_>, &str)> = folding
        .expanded
        .iter()
        .map(|group| ((group.lane, group.region.as_deref(), group.column), group.container.as_str()))
        .collect();
    let mut folds: Vec<Fold> = Vec::new();
    // In node order, which is close to the order the ids were interned in: read in label order,
    // each node and its id's text would be a cache miss at a tenant's size.
    let containers: Vec<[Option<&str>; 2]> = g.node_indices().map(|n| containers(inventory, &g[n])).collect();
    let mut cells: BTreeMap<Cell<'_>, Vec<Row>> = cells
        .into_iter()
        .map(|(cell, mut members)| {
            sort_by_label(&mut members, |&n| g[n].label.as_str());
            let rows = fold_cell(inventory, &containers, cell, members, folding.above, &expanded, &mut folds);
            (cell, rows)
        })
        .collect();
    let label = |row: &Row| match *row {
        Row::Node(n) => g[n].label.as_str(),
        Row::Fold(f) => folds[f].label.as_str(),
    };
    for rows in cells.values_mut() {
        sort_by_label(rows, label);
    }
    // Rows within each cell: barycenter sweeps over the neighbours' global row positions. A
    // folded node sits on its group's row.
    let mut row_of: Vec<f32> = vec![0.0; g.node_count()];
    let assign_rows = |cells: &BTreeMap<Cell<'_>, Vec<Row>>, row_of: &mut Vec<f32>| {
        let mut base = 0.0;
        let mut last_band: Option<BandKey<'_>> = None;
        let mut band_rows = 0usize;
        for ((env, region, _), rows) in cells {
            let band = (*env, *region);
            if last_band.as_ref() != Some(&band) {
                base += band_rows as f32 + 1.0;
                band_rows = 0;
                last_band = Some(band);
            }
            for (at, row) in rows.iter().enumerate() {
                for &n in members(row, &folds) {
                    row_of[n.index()] = base + at as f32;
                }
            }
            band_rows = band_rows.max(rows.len());
        }
    };
    assign_rows(&cells, &mut row_of);
    for _ in 0..SWEEPS {
        for rows in cells.values_mut() {
            let barycenter = |row: &Row| {
                let (sum, count) = members(row, &folds)
                    .iter()
                    .flat_map(|&n| neighbours.of_node(n))
                    .fold((0.0, 0usize), |(s, c), &m| (s + row_of[m as usize], c + 1));
                if count == 0 { row_of[members(row, &folds)[0].index()] } else { sum / count as f32 }
            };
            let mut keyed: Vec<(f32, Row)> = rows.iter().map(|row| (barycenter(row), *row)).collect();
            keyed.sort_by(|a, b| {
                a.0.total_cmp(&b.0).then_with(|| compare_texts(label(&a.1), label(&b.1))).then(a.1.cmp(&b.1))
            });
            *rows = keyed.into_iter().map(|(_, row)| row).collect();
        }
        assign_rows(&cells, &mut row_of);
    }
    place(g.node_count(), &cells, folds)
}

/// Sorts `items` by their labels, ties by the items themselves. Keyed once by the labels' first
/// eight bytes, whole labels compared only where those tie: comparing through the graph reads
/// two node records and two label texts per comparison, a cache miss each at a tenant's size.
fn sort_by_label<'a, T: Ord + Copy>(items: &mut Vec<T>, label: impl Fn(&T) -> &'a str) {
    let mut keyed: Vec<(u64, &str, T)> =
        items.iter().map(|item| (label_prefix(label(item)), label(item), *item)).collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_texts(a.1, b.1)).then(a.2.cmp(&b.2)));
    *items = keyed.into_iter().map(|(_, _, item)| item).collect();
}

/// The first eight bytes of `label` as a number that orders as the texts do (a shorter label is
/// padded with zeros, and so comes first, as it does among texts).
fn label_prefix(label: &str) -> u64 {
    let mut bytes = [0u8; 8];
    let head = &label.as_bytes()[..label.len().min(8)];
    bytes[..head.len()].copy_from_slice(head);
    u64::from_be_bytes(bytes)
}

/// Every node's neighbours (both directions) back to back: the sweeps read them many times,
/// and petgraph's per-node edge lists are a cache miss per edge.
struct Neighbours {
    starts: Vec<u32>,
    nodes: Vec<u32>,
}

impl Neighbours {
    /// Each node's neighbours in petgraph's order (its outgoing edges' targets, then its
    /// incoming edges' sources, each newest first), read off the edge list in one sequential
    /// pass: following petgraph's per-node edge lists is a cache miss per edge.
    fn of(access: &AccessGraph) -> Neighbours {
        let g = &access.graph;
        let edges = g.raw_edges();
        // Per node: where its outgoing and its incoming neighbours are written next.
        let mut out_at = vec![0u32; g.node_count()];
        let mut in_at = vec![0u32; g.node_count()];
        for edge in edges {
            out_at[edge.source().index()] += 1;
            in_at[edge.target().index()] += 1;
        }
        let mut starts = Vec::with_capacity(g.node_count() + 1);
        let mut total = 0u32;
        for (outgoing, incoming) in out_at.iter_mut().zip(in_at.iter_mut()) {
            starts.push(total);
            let (out_count, in_count) = (*outgoing, *incoming);
            *outgoing = total;
            *incoming = total + out_count;
            total += out_count + in_count;
        }
        starts.push(total);
        let mut nodes = vec![0u32; total as usize];
        for edge in edges.iter().rev() {
            let (source, target) = (edge.source().index(), edge.target().index());
            nodes[out_at[source] as usize] = u32::try_from(target).unwrap_or(u32::MAX);
            out_at[source] += 1;
            nodes[in_at[target] as usize] = u32::try_from(source).unwrap_or(u32::MAX);
            in_at[target] += 1;
        }
        Neighbours { starts, nodes }
    }

    fn of_node(&self, n: NodeIndex) -> &[u32] {
        &self.nodes[self.starts[n.index()] as usize..self.starts[n.index() + 1] as usize]
    }
}

/// The nodes a row stands for.
fn members<'f>(row: &'f Row, folds: &'f [Fold]) -> &'f [NodeIndex] {
    match row {
        Row::Node(n) => std::slice::from_ref(n),
        Row::Fold(f) => &folds[*f].members,
    }
}

/// The containers a node can fold into, finest first: its resource group and subscription (for
/// resources, identities and scopes below a subscription), or its kind (for actors).
fn containers<'a>(inventory: &'a Inventory, node: &Node) -> [Option<&'a str>; 2] {
    match (node.kind, node.key) {
        (NodeKind::Principal(kind), _) => [Some(actors_of_kind(kind)), None],
        (NodeKind::Pipeline, _) => [Some("pipelines"), None],
        (_, NodeKey::Arm(id) | NodeKey::System(id)) => {
            let id = inventory.text(id);
            let above = |scope: Option<&'a str>| scope.filter(|scope| scope.len() < id.len());
            [above(arm::resource_group_scope(id)), above(arm::subscription_scope(id))]
        }
        _ => [None, None],
    }
}

/// The group name of actors of a kind.
fn actors_of_kind(kind: PrincipalKind) -> &'static str {
    match kind {
        PrincipalKind::User => "people",
        PrincipalKind::Group => "groups",
        PrincipalKind::ForeignGroup => "foreign groups",
        PrincipalKind::ServicePrincipal => "apps",
        PrincipalKind::ManagedIdentity => "managed identities",
        PrincipalKind::Device => "devices",
        PrincipalKind::Unknown => "unknown principals",
    }
}

/// A container's name for people: a resource group's name, a subscription's display name (else
/// its id), or an actor group's name.
fn container_label(inventory: &Inventory, container: &str) -> String {
    if let Some(group) = arm::resource_group(container) {
        return group.to_owned();
    }
    match arm::subscription_id(container) {
        Some(_) => inventory
            .keys
            .get(container)
            .and_then(|key| inventory.scope(key))
            .and_then(|scope| scope.name.clone())
            .unwrap_or_else(|| scope_label(container)),
        None => container.to_owned(),
    }
}

/// A cell's rows: its members one by one when they fit under `above`; else its groups folded,
/// at the finest level (resource group before subscription) that fits, or else the one that
/// leaves fewer rows. Expanded groups and groups too small to fold show their members (an
/// expanded subscription, by resource group).
fn fold_cell<'a>(
    inventory: &'a Inventory,
    containers: &[[Option<&'a str>; 2]],
    cell: Cell<'_>,
    members: Vec<NodeIndex>,
    above: usize,
    expanded: &HashSet<(Cell<'_>, &str)>,
    folds: &mut Vec<Fold>,
) -> Vec<Row> {
    if members.len() <= above {
        return members.into_iter().map(Row::Node).collect();
    }
    let (lane, region, column) = cell;
    let chains: Vec<[Option<&'a str>; 2]> = members.iter().map(|&n| containers[n.index()]).collect();
    let grouped_at = |level: usize, expanded: &HashSet<(Cell<'_>, &str)>| {
        let mut groups: FxHashMap<&'a str, Vec<NodeIndex>> = FxHashMap::default();
        let mut single = Vec::new();
        for (&n, chain) in members.iter().zip(&chains) {
            let group = chain[..=level].iter().rev().flatten().find(|&&c| !expanded.contains(&(cell, c)));
            match group {
                Some(container) => groups.entry(container).or_default().push(n),
                None => single.push(n),
            }
        }
        groups.retain(|_, members| {
            let folds = members.len() >= FOLD_AT_LEAST;
            if !folds {
                single.append(members);
            }
            folds
        });
        (groups, single)
    };
    let rows = |(groups, single): &(FxHashMap<&str, Vec<NodeIndex>>, Vec<NodeIndex>)| groups.len() + single.len();
    // The level is chosen as if nothing were expanded, so that opening one group never
    // refolds the others.
    let nothing = HashSet::new();
    let (finest, coarser) = (rows(&grouped_at(0, &nothing)), rows(&grouped_at(1, &nothing)));
    let level = usize::from(finest > above && coarser < finest);
    let (groups, single) = grouped_at(level, expanded);
    let mut groups: Vec<(&str, Vec<NodeIndex>)> = groups.into_iter().collect();
    groups.sort_unstable_by_key(|&(container, _)| container);
    let mut out: Vec<Row> = single.into_iter().map(Row::Node).collect();
    for (container, members) in groups {
        out.push(Row::Fold(folds.len()));
        folds.push(Fold {
            group: GroupKey { lane, region: region.map(str::to_owned), column, container: container.to_owned() },
            label: container_label(inventory, container),
            members,
        });
    }
    out
}

/// How many rows a cell may have before it wraps into another sub-column. Small pictures never
/// wrap; a tenant's does, at the row count that makes the picture about as wide as a screen
/// (3:2) instead of a strip thousands of rows high: every band is as tall as its tallest cell
/// (up to the limit), every column as wide as its widest cell needs.
fn rows_per_cell(cells: &BTreeMap<Cell<'_>, Vec<Row>>) -> usize {
    let mut band_rows: BTreeMap<BandKey<'_>, usize> = BTreeMap::new();
    let mut column_rows: BTreeMap<Column, usize> = BTreeMap::new();
    for ((env, region, column), rows) in cells {
        let band = band_rows.entry((*env, *region)).or_default();
        *band = (*band).max(rows.len());
        let widest = column_rows.entry(*column).or_default();
        *widest = (*widest).max(rows.len());
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
fn place(node_count: usize, cells: &BTreeMap<Cell<'_>, Vec<Row>>, folds: Vec<Fold>) -> Layout {
    let mut folds: Vec<Option<Fold>> = folds.into_iter().map(Some).collect();
    let limit = rows_per_cell(cells);
    // Each column is as many sub-columns wide as its tallest cell needs.
    let mut wide: BTreeMap<Column, usize> = Column::ALL.iter().map(|&c| (c, 1)).collect();
    for ((_, _, column), rows) in cells {
        let needed = rows.len().div_ceil(limit).max(1);
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
        nodes: vec![Placement { x: 0.0, y: 0.0, column: Column::Actors, lane: Environment::Unknown }; node_count],
        folded: vec![None; node_count],
        width: left,
        columns,
        ..Layout::default()
    };
    let mut bands: BTreeMap<BandKey<'_>, usize> = BTreeMap::new();
    for ((env, region, _), rows) in cells {
        let band = bands.entry((*env, *region)).or_default();
        *band = (*band).max(rows.len().min(limit));
    }
    let mut band_top: HashMap<BandKey<'_>, f32> = HashMap::new();
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
        layout.bands.push(Band { environment: *env, region: region.map(str::to_owned), top: y, height });
        band_top.insert((*env, *region), y);
        y += height;
    }
    if let Some(lane) = layout.lanes.last_mut() {
        lane.height = y - lane.top;
    }
    layout.height = y;
    for ((env, region, column), rows) in cells {
        let top = band_top.get(&(*env, *region)).copied().unwrap_or(0.0) + BAND_PADDING;
        let left = layout.columns[*column as usize].left;
        // Down each sub-column in order, then the next: the sweeps' order reads top to bottom.
        for (at, row) in rows.iter().enumerate() {
            let (sub, line) = (at / limit, at % limit);
            let placement = Placement {
                x: left + (sub as f32 + 0.5) * COLUMN_WIDTH,
                y: top + (line as f32 + 0.5) * ROW_HEIGHT,
                column: *column,
                lane: *env,
            };
            match *row {
                Row::Node(n) => layout.nodes[n.index()] = placement,
                Row::Fold(f) => {
                    let Some(fold) = folds[f].take() else { continue };
                    let index = u32::try_from(layout.aggregates.len()).unwrap_or(u32::MAX);
                    for &n in &fold.members {
                        layout.nodes[n.index()] = placement;
                        layout.folded[n.index()] = Some(index);
                    }
                    layout.aggregates.push(Aggregate {
                        group: fold.group,
                        label: fold.label,
                        members: fold.members,
                        placement,
                    });
                }
            }
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
fn lanes(access: &AccessGraph, neighbours: &Neighbours) -> Vec<Environment> {
    let g = &access.graph;
    let mut lanes: Vec<Environment> = g.node_indices().map(|n| g[n].environment).collect();
    for _ in 0..LANE_ROUNDS {
        let previous = lanes.clone();
        let mut changed = false;
        for n in g.node_indices().filter(|n| previous[n.index()] == Environment::Unknown) {
            let mut votes = [0usize; Environment::ALL.len()];
            for &m in neighbours.of_node(n) {
                let lane = previous[m as usize];
                if lane != Environment::Unknown {
                    votes[lane as usize] += 1;
                }
            }
            // The most votes; on a tie the later lane (prod over dev): the riskier reading.
            let winner = Environment::ALL
                .iter()
                .zip(votes)
                .filter(|&(_, count)| count > 0)
                .max_by_key(|&(&env, count)| (count, env));
            if let Some((&env, _)) = winner {
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
