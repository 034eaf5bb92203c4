//! What a selection lights up, and the paths that explain it: the worker's side of a question.
//!
//! Selecting a node shows its blast radius (what it reaches, directly or transitively) or its
//! exposure (who reaches it); selecting a finding shows its subjects and the paths between
//! them. The result is a [`Highlight`] over the scene's nodes and edges (whose indices are the
//! access graph's) and, for a node, the rows of the side panel. Pure Rust, tested natively.

use blastmap_analysis::permissions::Access;
use blastmap_analysis::radius::{self, Mode};
use blastmap_analysis::rules::Finding;
use blastmap_analysis::{AccessGraph, Environment, NodeKey};
use blastmap_model::Key;
use petgraph::graph::{EdgeIndex, NodeIndex};

use crate::session::Analysis;
use crate::wire::{Direction, Lit};

/// Which nodes and edges a selection lights, one flag per node and edge of the graph. Empty
/// vectors mean nothing is selected: everything is drawn as usual. The worker computes it; the
/// page rebuilds it from the indices of a [`Lit`] (the wire carries indices, not flags).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Highlight {
    /// Per node: lit (true) or dimmed.
    pub nodes: Vec<bool>,
    /// Per edge: lit (true) or dimmed.
    pub edges: Vec<bool>,
    /// Nodes drawn with a ring: the selected node, or a finding's subjects.
    pub marked: Vec<usize>,
}

impl Highlight {
    /// Nothing selected.
    pub fn none() -> Highlight {
        Highlight::default()
    }

    /// What `lit` lights, over `nodes` nodes and `edges` edges (indices beyond them are ignored).
    pub fn from_lit(lit: &Lit, nodes: usize, edges: usize) -> Highlight {
        let flags = |indices: &[u32], len: usize| {
            let mut flags = vec![false; len];
            for &i in indices {
                if let Some(flag) = flags.get_mut(i as usize) {
                    *flag = true;
                }
            }
            flags
        };
        Highlight {
            nodes: flags(&lit.nodes, nodes),
            edges: flags(&lit.edges, edges),
            marked: lit.marked.iter().map(|&n| n as usize).filter(|&n| n < nodes).collect(),
        }
    }

    /// Whether a selection dims the rest.
    pub fn is_active(&self) -> bool {
        !self.nodes.is_empty()
    }

    /// The nodes lit.
    pub fn lit(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes.iter().enumerate().filter(|(_, lit)| **lit).map(|(node, _)| node)
    }

    /// How many nodes are lit.
    pub fn lit_nodes(&self) -> usize {
        self.lit().count()
    }

    fn of(access: &AccessGraph) -> Highlight {
        Highlight {
            nodes: vec![false; access.graph.node_count()],
            edges: vec![false; access.graph.edge_count()],
            marked: Vec::new(),
        }
    }

    fn light_path(&mut self, access: &AccessGraph, path: &[EdgeIndex]) {
        for &edge in path {
            if let (Some(lit), Some((from, to))) = (self.edges.get_mut(edge.index()), access.graph.edge_endpoints(edge))
            {
                *lit = true;
                self.light_node(from.index());
                self.light_node(to.index());
            }
        }
    }

    fn light_node(&mut self, node: usize) {
        if let Some(lit) = self.nodes.get_mut(node) {
            *lit = true;
        }
    }
}

/// One line of the side panel: a resource reached (radius) or a node that reaches the
/// selected one (exposure), with how strongly and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Its lower-cased id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its environment.
    pub environment: Environment,
    /// Its region, when known.
    pub region: Option<String>,
    /// The strongest access on the way.
    pub access: Access,
    /// The edges that explain it, from the start.
    pub path: Vec<EdgeIndex>,
}

/// What selecting a node shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selected {
    /// What stands out in the graph.
    pub highlight: Highlight,
    /// The side panel's rows, grouped: environment (prod first), region, then strongest access.
    pub rows: Vec<Row>,
    /// Why there are no rows, when a question does not apply to the node.
    pub not_applicable: Option<&'static str>,
}

/// Environments in the order that matters to a reviewer: production first.
const CONCERN: [Environment; 5] =
    [Environment::Prod, Environment::Uat, Environment::Test, Environment::Dev, Environment::Unknown];

fn concern(environment: Environment) -> usize {
    CONCERN.iter().position(|&e| e == environment).unwrap_or(CONCERN.len())
}

fn sort_rows(rows: &mut [Row]) {
    rows.sort_by(|a, b| {
        (concern(a.environment), a.region.is_none(), &a.region, std::cmp::Reverse(a.access), &a.name, &a.id).cmp(&(
            concern(b.environment),
            b.region.is_none(),
            &b.region,
            std::cmp::Reverse(b.access),
            &b.name,
            &b.id,
        ))
    });
}

/// The rows of one environment and region, as the side panel groups them.
pub fn groups(rows: &[Row]) -> Vec<(Environment, Option<&str>, &[Row])> {
    let mut groups: Vec<(Environment, Option<&str>, &[Row])> = Vec::new();
    let mut start = 0;
    for end in 1..=rows.len() {
        let boundary = end == rows.len()
            || (rows[end].environment, &rows[end].region) != (rows[start].environment, &rows[start].region);
        if boundary {
            groups.push((rows[start].environment, rows[start].region.as_deref(), &rows[start..end]));
            start = end;
        }
    }
    groups
}

/// The name, environment and region of a resource, from the graph when it is a node there.
fn describe(analysis: &Analysis, resource: Key) -> (String, Environment, Option<String>) {
    let inventory = &analysis.inventory;
    match analysis.access.node(NodeKey::Arm(resource)) {
        Some(node) => {
            let node = &analysis.access.graph[node];
            (node.label.clone(), node.environment, node.region.clone())
        }
        None => {
            let record = inventory.resource(resource);
            (
                record.map_or_else(|| blastmap_analysis::scope_label(inventory.text(resource)), |r| r.name.clone()),
                analysis.environments.of_scope(inventory, resource),
                record.and_then(|r| r.region.clone()),
            )
        }
    }
}

/// The blast radius of `node`: every resource it reaches, each with the path that explains it.
pub fn radius(analysis: &Analysis, node: usize, mode: Mode) -> Selected {
    let access = &analysis.access;
    let mut highlight = Highlight::of(access);
    highlight.light_node(node);
    highlight.marked.push(node);
    if node >= access.graph.node_count() {
        return Selected { highlight, ..Selected::default() };
    }
    let exploration = radius::explore(access, analysis.coverage(), NodeIndex::new(node), mode);
    let mut rows: Vec<Row> = exploration
        .reached()
        .map(|(resource, class, _)| {
            let (name, environment, region) = describe(analysis, resource);
            let path = exploration.path(resource);
            highlight.light_path(access, &path);
            if let Some(at) = access.node(NodeKey::Arm(resource)) {
                highlight.light_node(at.index());
            }
            Row { id: analysis.inventory.text(resource).to_owned(), name, environment, region, access: class, path }
        })
        .collect();
    sort_rows(&mut rows);
    Selected { highlight, rows, not_applicable: None }
}

/// The exposure of `node`: every node whose radius holds it, each with its path.
pub fn exposure(analysis: &Analysis, node: usize, mode: Mode) -> Selected {
    let access = &analysis.access;
    let mut highlight = Highlight::of(access);
    highlight.light_node(node);
    highlight.marked.push(node);
    let target = match access.graph.node_weight(NodeIndex::new(node)).map(|n| n.key) {
        Some(NodeKey::Arm(key)) => key,
        _ => {
            return Selected {
                highlight,
                rows: Vec::new(),
                not_applicable: Some("Exposure is asked of resources and scopes; this node is not one."),
            };
        }
    };
    let exposers = radius::exposure(&analysis.inventory, access, target, mode);
    let mut rows: Vec<Row> = exposers
        .into_iter()
        .map(|exposer| {
            highlight.light_path(access, &exposer.path);
            highlight.light_node(exposer.node.index());
            let at = &access.graph[exposer.node];
            Row {
                id: blastmap_analysis::rules::subject_id(&analysis.inventory, access, exposer.node),
                name: at.label.clone(),
                environment: analysis.lane(exposer.node.index()),
                region: at.region.clone(),
                access: exposer.access,
                path: exposer.path,
            }
        })
        .collect();
    sort_rows(&mut rows);
    Selected { highlight, rows, not_applicable: None }
}

/// A node's selection, in the direction asked.
pub fn select(analysis: &Analysis, node: usize, mode: Mode, direction: Direction) -> Selected {
    match direction {
        Direction::Radius => radius(analysis, node, mode),
        Direction::Exposure => exposure(analysis, node, mode),
    }
}

/// A finding's subjects, lit and marked, with the paths from its first subject to the others
/// (a transitive radius) and the edges between any two subjects.
pub fn finding(analysis: &Analysis, finding: &Finding) -> Highlight {
    let access = &analysis.access;
    let mut highlight = Highlight::of(access);
    let subjects: Vec<usize> = finding.subjects.iter().filter_map(|id| analysis.node_of_id(id)).collect();
    for &node in &subjects {
        highlight.light_node(node);
        // In the finding's order: the first subject is what it is about, and the graph centres on it.
        if !highlight.marked.contains(&node) {
            highlight.marked.push(node);
        }
    }
    if let Some(&first) = subjects.first() {
        let exploration = radius::explore(access, analysis.coverage(), NodeIndex::new(first), Mode::Transitive);
        for id in finding.subjects.iter().skip(1) {
            if let Some(key) = analysis.inventory.keys.get(id) {
                let path = exploration.path(key);
                highlight.light_path(access, &path);
            }
        }
    }
    let mut is_subject = vec![false; access.graph.node_count()];
    for &node in &subjects {
        is_subject[node] = true;
    }
    for edge in access.graph.edge_indices() {
        if let Some((from, to)) = access.graph.edge_endpoints(edge)
            && is_subject[from.index()]
            && is_subject[to.index()]
        {
            highlight.light_path(access, &[edge]);
        }
    }
    highlight
}

/// A path as sentences, one per edge: each edge's reason, and where an edge goes on from where
/// the one before ended, its subject becomes "which" so the steps read as one sentence
/// ("app-orders-dev can use id-orders", "which holds Key Vault Secrets User on kv-orders-prod").
/// An edge that starts elsewhere starts under the scope the one before handed over (running
/// code on the apps of a resource group, then one of those apps): it begins with "there,".
pub fn explain(access: &AccessGraph, path: &[EdgeIndex]) -> Vec<String> {
    let g = &access.graph;
    let mut previous_end: Option<NodeIndex> = None;
    path.iter()
        .filter_map(|&edge| {
            let (from, to) = g.edge_endpoints(edge)?;
            let reason = access.reason(edge);
            let (first, continues) = (previous_end.is_none(), previous_end == Some(from));
            previous_end = Some(to);
            let subject = format!("{} ", g[from].label);
            Some(match reason.strip_prefix(&subject) {
                Some(rest) if continues => format!("which {rest}"),
                _ if !first && !continues => format!("there, {reason}"),
                _ => reason.into_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn node(analysis: &Analysis, label: &str) -> usize {
        analysis.access.graph.node_indices().find(|&n| analysis.access.graph[n].label == label).expect(label).index()
    }

    fn lit(analysis: &Analysis, highlight: &Highlight) -> Vec<String> {
        let mut labels: Vec<String> = analysis
            .access
            .graph
            .node_indices()
            .filter(|n| highlight.nodes[n.index()])
            .map(|n| analysis.access.graph[n].label.clone())
            .collect();
        labels.sort();
        labels
    }

    #[test]
    fn a_dev_app_lights_its_identity_and_the_prod_targets_it_reaches() {
        let a = &Analysis::sample(&Settings::default());
        let app = node(a, "app-orders-dev");
        let selected = radius(a, app, Mode::Transitive);
        assert_eq!(selected.highlight.marked, [app]);
        let lit = lit(a, &selected.highlight);
        for expected in ["app-orders-dev", "id-orders", "kv-orders-prod", "subscription 9e3b8c55", "kv-orders-dev"] {
            assert!(lit.contains(&expected.to_owned()), "{expected} lit: {lit:?}");
        }
        for dark in ["alice@contoso.com", "app-orders-uat", "func-sync-dev", "id-legacy-batch", "rg-orders-uat"] {
            assert!(!lit.contains(&dark.to_owned()), "{dark} dimmed: {lit:?}");
        }
        // Every lit edge joins two lit nodes.
        for edge in a.access.graph.edge_indices().filter(|e| selected.highlight.edges[e.index()]) {
            let (from, to) = a.access.graph.edge_endpoints(edge).unwrap();
            assert!(selected.highlight.nodes[from.index()] && selected.highlight.nodes[to.index()]);
        }
        // The CLI's figure for the same question (`blastmap radius --all`): 12 resources.
        assert_eq!(selected.rows.len(), 12);
        assert_eq!(selected.rows[0].environment, Environment::Prod, "prod comes first");
        let groups = groups(&selected.rows);
        let total: usize = groups.iter().map(|(_, _, rows)| rows.len()).sum();
        assert_eq!(total, 12);
        assert_eq!(groups.last().map(|g| g.0), Some(Environment::Dev));
    }

    #[test]
    fn direct_reaches_no_further_than_transitive_and_stops_at_pivots() {
        let a = &Analysis::sample(&Settings::default());
        let alice = node(a, "alice@contoso.com");
        let direct = radius(a, alice, Mode::Direct);
        let transitive = radius(a, alice, Mode::Transitive);
        assert_eq!((direct.rows.len(), transitive.rows.len()), (4, 15), "as `blastmap radius` says");
        let lit_nodes = Highlight::lit_nodes;
        assert!(lit_nodes(&direct.highlight) < lit_nodes(&transitive.highlight));
        assert!(!lit(a, &direct.highlight).contains(&"id-orders".to_owned()), "running code is a pivot");
    }

    #[test]
    fn a_path_reads_as_one_sentence() {
        let a = &Analysis::sample(&Settings::default());
        let selected = radius(a, node(a, "app-orders-dev"), Mode::Transitive);
        let vault = selected.rows.iter().find(|r| r.name == "kv-orders-dev").expect("kv-orders-dev reached");
        assert_eq!(
            explain(&a.access, &vault.path),
            ["app-orders-dev can use id-orders", "which holds Key Vault Secrets User on kv-orders-dev"]
        );
        let alice = radius(a, node(a, "alice@contoso.com"), Mode::Transitive);
        let prod = alice.rows.iter().find(|r| r.name == "app-orders-prod").expect("app-orders-prod reached");
        let steps = explain(&a.access, &prod.path);
        // Running code on the apps of a resource group hands over every app there: the next
        // step starts at one of them.
        assert_eq!(steps.len(), 3, "{steps:?}");
        assert!(
            steps[0].starts_with("alice@contoso.com can run code on the web and function apps under rg-orders-dev")
        );
        assert!(steps[1].starts_with("there, ") && steps[1].ends_with(" can use id-orders"), "{steps:?}");
        assert!(steps[2].starts_with("which "), "{steps:?}");
    }

    #[test]
    fn exposure_lists_who_reaches_a_prod_vault() {
        let a = &Analysis::sample(&Settings::default());
        let vault = node(a, "kv-orders-prod");
        let selected = exposure(a, vault, Mode::Transitive);
        let names: Vec<&str> = selected.rows.iter().map(|r| r.name.as_str()).collect();
        for expected in ["app-orders-dev", "app-orders-uat", "id-orders", "alice@contoso.com"] {
            assert!(names.contains(&expected), "{expected} reaches the vault: {names:?}");
        }
        assert!(lit(a, &selected.highlight).contains(&"app-orders-dev".to_owned()));
        let alice = node(a, "alice@contoso.com");
        let not_a_resource = exposure(a, alice, Mode::Transitive);
        assert!(not_a_resource.rows.is_empty() && not_a_resource.not_applicable.is_some());
    }

    #[test]
    fn a_finding_lights_its_subjects_and_the_paths_between_them() {
        let a = &Analysis::sample(&Settings::default());
        let index = a.findings.iter().position(|f| f.rule == "BM004").expect("a BM004 finding");
        let finding_highlight = finding(a, &a.findings[index]);
        let subjects: Vec<usize> = a.findings[index].subjects.iter().filter_map(|id| a.node_of_id(id)).collect();
        assert!(subjects.len() >= 2);
        assert_eq!(finding_highlight.marked, subjects);
        let lit = lit(a, &finding_highlight);
        assert!(lit.contains(&"id-orders".to_owned()), "the path from the dev app passes its identity: {lit:?}");
        assert!(finding_highlight.edges.iter().any(|&e| e));
    }

    #[test]
    fn an_index_outside_the_graph_selects_nothing_and_does_not_panic() {
        let a = Analysis::sample(&Settings::default());
        let selected = select(&a, 10_000, Mode::Transitive, Direction::Radius);
        assert!(selected.rows.is_empty());
        let selected = select(&a, 10_000, Mode::Transitive, Direction::Exposure);
        assert!(selected.rows.is_empty());
    }
}
