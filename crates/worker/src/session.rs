//! What the worker holds: the analysis of the files of one load (inventory, access graph,
//! coverage, environments, findings), and the answers to the page's questions about it.
//!
//! Pure: [`Analysis::load`] reruns ingest, analysis and layout, reporting each step, and
//! [`Analysis::run_rules`] the rules, apart, so the page can draw the picture before the
//! findings are known; [`Analysis::snapshot`], [`Analysis::ids`], [`Analysis::wire_findings`]
//! and [`Analysis::answer`] are what the page receives. A load never fails: a file that could not be
//! read becomes a diagnostic in its place.

use std::cell::OnceCell;
use std::rc::Rc;

use blastmap_analysis::permissions::Permissions;
use blastmap_analysis::radius::{Coverage, Reach};
use blastmap_analysis::rules::{self, Context};
use blastmap_analysis::{AccessGraph, EdgeKind, Environments, NodeKey, scope_label};
use blastmap_ingest::{ByteSource, Diagnostic, FileReport, Loader, Severity, SourceFile, sample};
use blastmap_layout::{Folding, GroupKey, layout};
use blastmap_model::{Inventory, arm};
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use rustc_hash::FxHashMap;

use crate::scene::Scene;
use crate::selection::{self, Highlight, Row};
use crate::settings::{MAPPING_FILE_NAME, Settings};
use crate::wire::{
    self, Answer, Facts, FindingAnswer, Group, Lit, NodeAnswer, Progress, Question, Snapshot, Step, Subject,
    Subscription, Summary,
};

/// Rows of a radius or exposure sent with their paths; the groups count the rest.
pub const ROWS_LISTED: usize = 200;

/// One file of a load.
#[derive(Clone, Debug)]
pub struct OpenFile {
    /// Its name.
    pub name: String,
    /// Its bytes, or why they could not be read.
    pub bytes: Result<FileBytes, String>,
}

impl OpenFile {
    /// The built-in sample.
    pub fn sample() -> OpenFile {
        OpenFile::here(sample::NAME, sample::JSON.as_bytes().to_vec())
    }

    /// A file whose bytes are in the worker's memory.
    pub fn here(name: &str, bytes: Vec<u8>) -> OpenFile {
        OpenFile { name: name.to_owned(), bytes: Ok(FileBytes::Here(bytes)) }
    }
}

/// Where a file's bytes are.
#[derive(Clone)]
pub enum FileBytes {
    /// In the worker's memory.
    Here(Vec<u8>),
    /// Elsewhere (the browser's memory, for a file the page sent): copied in as it is read,
    /// a piece at a time where it can be (see `Loader::read_from`).
    There(Rc<dyn ByteSource>),
}

impl FileBytes {
    /// Copies the bytes into the worker's memory, if they are elsewhere.
    fn bring_here(&mut self) {
        if let FileBytes::There(source) = self {
            *self = FileBytes::Here(source.to_vec());
        }
    }

    /// The bytes in the worker's memory: none while they are elsewhere.
    pub fn here(&self) -> &[u8] {
        match self {
            FileBytes::Here(bytes) => bytes,
            FileBytes::There(_) => &[],
        }
    }
}

impl std::fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileBytes::Here(bytes) => write!(f, "{} bytes here", bytes.len()),
            FileBytes::There(source) => write!(f, "{} bytes there", source.size()),
        }
    }
}

/// What Blastmap made of the files of one load.
pub struct Analysis {
    /// Per-file reports, in the order opened.
    pub files: Vec<FileReport>,
    /// The report on the settings' environment mapping, when it states anything.
    pub mapping: Option<FileReport>,
    /// The merged inventory.
    pub inventory: Inventory,
    /// Its access graph; node and edge indices are those of [`Analysis::scene`].
    pub access: AccessGraph,
    /// What each scope covers, for blast radii: made on first use (the rules' or a question's),
    /// since the first picture does not need it.
    coverage: OnceCell<Coverage>,
    /// The environment of every scope.
    pub environments: Environments,
    /// Findings, most serious first; none until [`Analysis::run_rules`].
    pub findings: Vec<rules::Finding>,
    /// The picture.
    pub scene: Scene,
    /// Which groups the picture folds and which the user unfolded.
    pub folding: Folding,
    /// The group each of the scene's aggregates folds.
    groups: Vec<GroupKey>,
}

/// A load under way. Its files arrive in any order (the browser reads them all at once, the
/// small ones first); each is parsed as soon as it and every file before it have arrived, so
/// parsing overlaps the browser's reading and the files are still read in their order (which
/// decides what wins when two disagree). [`Loading::finish`] reads what had to wait for every
/// file (designs), then analyses everything up to the picture.
pub struct Loading {
    loader: Loader,
    settings: Settings,
    /// Every file of the load, in order, once it has arrived; unreadable ones are reported in
    /// their place.
    files: Vec<Option<OpenFile>>,
    /// How many have arrived.
    arrived: usize,
    /// How many, from the first, have been handed to the loader.
    parsed: usize,
}

impl Loading {
    /// A load of `files` files (the sample counted, if read) with `settings`.
    pub fn new(settings: &Settings, files: usize) -> Self {
        Loading {
            loader: Loader::new(&settings.context()),
            settings: settings.clone(),
            files: vec![None; files],
            arrived: 0,
            parsed: 0,
        }
    }

    /// Takes file `index`, then parses every file that now has all those before it (unless
    /// they must wait for the others), telling `progress` as each parse starts, or, when none
    /// can start, that the load waits for the next file to be read. An index outside the load,
    /// or one that has arrived already, is ignored.
    pub fn arrive(&mut self, index: usize, file: OpenFile, mut progress: impl FnMut(Progress)) {
        match self.files.get_mut(index) {
            Some(slot @ None) => *slot = Some(file),
            _ => return,
        }
        self.arrived += 1;
        let total = self.files.len();
        while let Some(Some(file)) = self.files.get_mut(self.parsed) {
            let (read, parsed) = (self.arrived, self.parsed);
            if let Ok(bytes) = &mut file.bytes {
                let reading = |_| {
                    progress(Progress::Files {
                        read: count(read),
                        parsed: count(parsed),
                        total: count(total),
                        parsing: true,
                    });
                };
                // Once read, its bytes are done with: the model read from the next file can take
                // their memory (which WebAssembly never gives back) rather than grow it. A file
                // still in the browser's memory is copied in a piece at a time where it can be.
                let kept = match bytes {
                    FileBytes::Here(here) => {
                        self.loader.read(&SourceFile { name: &file.name, bytes: here }, reading);
                        std::mem::take(here)
                    }
                    FileBytes::There(source) => {
                        self.loader.read_from(&file.name, source.as_ref(), reading).unwrap_or_default()
                    }
                };
                // A design, and the files after it, wait for the end, with their bytes.
                *bytes = FileBytes::Here(if self.loader.is_waiting() { kept } else { Vec::new() });
            }
            self.parsed += 1;
        }
        if !self.is_complete() {
            let (read, parsed, total) = (count(self.arrived), count(self.parsed), count(total));
            progress(Progress::Files { read, parsed, total, parsing: false });
        }
    }

    /// Whether every file has arrived.
    pub fn is_complete(&self) -> bool {
        self.arrived == self.files.len()
    }

    /// Reads what waited (designs, the files after them, and the settings' environment
    /// mapping), then builds the access graph and lays it out, telling `progress` as each
    /// waiting file's parsing and each step starts.
    ///
    /// Call it once [`Loading::is_complete`]; a file that never arrived is left out.
    pub fn finish(self, mut progress: impl FnMut(Progress)) -> Analysis {
        let Loading { loader, settings, files, .. } = self;
        let mut files: Vec<OpenFile> = files.into_iter().flatten().collect();
        files.iter_mut().filter_map(|f| f.bytes.as_mut().ok()).for_each(FileBytes::bring_here);
        let total = files.len();
        let mut readable: Vec<(usize, SourceFile<'_>)> = files
            .iter()
            .enumerate()
            .filter_map(|(at, f)| {
                f.bytes.as_ref().ok().map(|bytes| (at, SourceFile { name: &f.name, bytes: bytes.here() }))
            })
            .collect();
        // The mapping is read as one more file, as the CLI reads it, so its mistakes are
        // reported like any file's. Last, so the open files' reports keep their indices; it is
        // the settings, not a file the person opened, so its parsing is not counted.
        let mapping_file = settings.mapping_file();
        if let Some(mapping) = &mapping_file {
            readable.push((files.len(), SourceFile { name: MAPPING_FILE_NAME, bytes: mapping.as_bytes() }));
        }
        let sources: Vec<SourceFile<'_>> = readable.iter().map(|&(_, file)| file).collect();
        let mut loaded = loader.finish(&sources, |index| {
            if let Some(&(at, _)) = readable.get(index).filter(|(at, _)| *at < total) {
                progress(Progress::Files { read: count(total), parsed: count(at), total: count(total), parsing: true });
            }
        });
        let mapping = if mapping_file.is_some() { loaded.files.pop() } else { None };
        let mut reports = std::mem::take(&mut loaded.files).into_iter();
        // One report per open file, in the order opened; unreadable files report why.
        let files = files
            .iter()
            .filter_map(|file| match &file.bytes {
                Ok(_) => reports.next(),
                Err(error) => Some(FileReport {
                    name: file.name.clone(),
                    format: None,
                    counts: Default::default(),
                    diagnostics: vec![Diagnostic {
                        severity: Severity::Error,
                        file: file.name.clone(),
                        path: String::new(),
                        message: format!("the browser could not read this file: {error}"),
                    }],
                }),
            })
            .collect();
        let inventory = loaded.inventory;
        progress(Progress::Step(Step::Graph));
        let environments = Environments::new(&inventory);
        let access = AccessGraph::build_with(&inventory, &environments, &Permissions::new(&inventory));
        progress(Progress::Step(Step::Layout));
        let mut analysis = Analysis {
            files,
            mapping,
            inventory,
            access,
            coverage: OnceCell::new(),
            environments,
            findings: Vec::new(),
            scene: Scene::default(),
            folding: Folding::default(),
            groups: Vec::new(),
        };
        analysis.lay_out();
        analysis
    }
}

/// A count for the wire.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Analysis {
    /// Reads `files` with `settings` and analyses them up to the picture, telling `progress` as
    /// each file's parsing and each later step starts; the findings wait for
    /// [`Analysis::run_rules`]. The same as giving the files one by one to a [`Loading`].
    pub fn load(files: &[OpenFile], settings: &Settings, mut progress: impl FnMut(Progress)) -> Analysis {
        let mut loading = Loading::new(settings, files.len());
        for (index, file) in files.iter().enumerate() {
            loading.arrive(index, file.clone(), &mut progress);
        }
        loading.finish(progress)
    }

    /// Runs the rules: the findings, most serious first.
    pub fn run_rules(&mut self) {
        // Permissions borrow the inventory, so they are made again rather than kept from the
        // graph's build; they are indexes over the assignments, cheap next to the rules.
        let permissions = Permissions::new(&self.inventory);
        let coverage = self.coverage();
        let reach = Reach::new(&self.access, coverage);
        let findings = rules::run(&Context {
            inventory: &self.inventory,
            access: &self.access,
            environments: &self.environments,
            permissions: &permissions,
            coverage,
            reach: &reach,
        });
        self.findings = findings;
    }

    /// What each scope covers, for blast radii.
    pub fn coverage(&self) -> &Coverage {
        self.coverage.get_or_init(|| Coverage::new(&self.inventory))
    }

    /// Unfolds aggregate `aggregate` of the scene; false (and nothing changes) when there is no
    /// such aggregate.
    pub fn unfold(&mut self, aggregate: usize) -> bool {
        let Some(group) = self.groups.get(aggregate) else { return false };
        self.folding.expanded.insert(group.clone());
        self.lay_out();
        true
    }

    /// Folds every group again.
    pub fn fold_all(&mut self) {
        self.folding = Folding::default();
        self.lay_out();
    }

    /// Opens every group: each node on its own.
    pub fn open_all(&mut self) {
        self.folding = Folding::none();
        self.lay_out();
    }

    /// Lays the graph out again, as folded as `folding` says.
    fn lay_out(&mut self) {
        let picture = layout(&self.inventory, &self.access, &self.folding);
        self.scene = Scene::new(&self.access, &picture, &self.folding);
        self.groups = picture.aggregates.into_iter().map(|a| a.group).collect();
    }

    /// The built-in sample, analysed with `settings`, findings included.
    pub fn sample(settings: &Settings) -> Analysis {
        let mut analysis = Analysis::load(&[OpenFile::sample()], settings, |_| {});
        analysis.run_rules();
        analysis
    }

    /// The environment lane node `node` is drawn in (see [`crate::scene::SceneNode::lane`]).
    pub fn lane(&self, node: usize) -> blastmap_analysis::Environment {
        self.scene.nodes.get(node).map_or(blastmap_analysis::Environment::Unknown, |n| n.lane)
    }

    /// The node a finding names by its lower-cased id: the resource, principal or pipeline
    /// with that id, else the system-assigned identity of the source with that id.
    pub fn node_of_id(&self, id: &str) -> Option<usize> {
        let key = self.inventory.keys.get(id)?;
        [NodeKey::Arm(key), NodeKey::Principal(key), NodeKey::Federated(key), NodeKey::System(key)]
            .into_iter()
            .find_map(|k| self.access.node(k))
            .map(|n| n.index())
    }

    /// What the page draws and lists, all but the findings.
    pub fn snapshot(&self) -> Snapshot {
        let inventory = &self.inventory;
        let g = &self.access.graph;
        let diagnostics = self.files.iter().chain(&self.mapping).flat_map(|f| &f.diagnostics);
        let summary = Summary {
            user_assigned_identities: inventory.identities().len(),
            sources: inventory.sources().len(),
            resources: inventory.resources().len(),
            role_assignments: inventory.role_assignments().len(),
            errors: diagnostics.clone().filter(|d| d.severity == Severity::Error).count(),
            warnings: diagnostics.filter(|d| d.severity == Severity::Warning).count(),
        };
        // Each node's subscription numbered as first met (a tenant's nodes name a few
        // subscriptions many times: one hash each), then renumbered in the order listed.
        let mut met: FxHashMap<&str, u32> = FxHashMap::default();
        let first_met: Vec<u32> = g
            .node_indices()
            .map(|n| {
                let next = met.len() as u32;
                *met.entry(self.subscription_of(n)).or_insert(next)
            })
            .collect();
        let subscriptions = self.subscriptions(met.keys().copied());
        let mut listed_at = vec![0u32; met.len()];
        for (at, subscription) in subscriptions.iter().enumerate() {
            if let Some(&first) = met.get(subscription.id.as_str()) {
                listed_at[first as usize] = at as u32;
            }
        }
        let nodes = g
            .node_indices()
            .zip(first_met)
            .map(|(n, first)| wire::NodeFacts {
                kind: g[n].kind,
                environment: g[n].environment,
                region: g[n].region.clone(),
                subscription: listed_at[first as usize],
            })
            .collect();
        Snapshot {
            files: self.files.iter().cloned().map(wire::FileReport::from).collect(),
            mapping: self.mapping.clone().map(wire::FileReport::from),
            summary,
            scene: self.scene.clone(),
            nodes,
            subscriptions,
        }
    }

    /// The lower-cased id of every node, in node order (for a system-assigned identity, its
    /// source's).
    pub fn ids(&self) -> Vec<String> {
        self.access.graph.node_indices().map(|n| rules::subject_id(&self.inventory, &self.access, n)).collect()
    }

    /// The findings as the page lists them, each subject named by its node when it has one.
    pub fn wire_findings(&self) -> Vec<wire::Finding> {
        let inventory = &self.inventory;
        self.findings
            .iter()
            .map(|f| wire::Finding {
                rule: f.rule.to_owned(),
                name: f.name.to_owned(),
                severity: f.severity,
                title: f.title.clone(),
                subjects: f
                    .subjects
                    .iter()
                    .map(|id| match self.node_of_id(id) {
                        Some(node) => Subject::Node(node as u32),
                        None => Subject::Other {
                            id: id.clone(),
                            name: inventory.keys.get(id).and_then(|k| inventory.resource(k)).map(|r| r.name.clone()),
                        },
                    })
                    .collect(),
            })
            .collect()
    }

    /// The subscription a node lies in (`""` for people, groups and scopes above subscriptions);
    /// lower-cased, as the model interns every id.
    fn subscription_of(&self, node: NodeIndex) -> &str {
        match self.access.graph[node].key {
            NodeKey::Arm(k) | NodeKey::System(k) | NodeKey::Federated(k) => {
                arm::subscription_id(self.inventory.text(k)).unwrap_or_default()
            }
            NodeKey::Principal(_) => "",
        }
    }

    /// The subscriptions `ids` (each once) with a name for people (its display name when an
    /// export gives one), sorted by name, "no subscription" last.
    fn subscriptions<'s>(&self, ids: impl Iterator<Item = &'s str>) -> Vec<Subscription> {
        let inventory = &self.inventory;
        let mut named: Vec<Subscription> = ids
            .map(|id| {
                let scope = format!("/subscriptions/{id}");
                let name = match id {
                    "" => "no subscription".to_owned(),
                    _ => inventory
                        .keys
                        .get(&scope)
                        .and_then(|k| inventory.scope(k))
                        .and_then(|s| s.name.clone())
                        .unwrap_or_else(|| scope_label(&scope)),
                };
                Subscription { id: id.to_owned(), name }
            })
            .collect();
        named.sort_by(|a, b| (a.id.is_empty(), &a.name, &a.id).cmp(&(b.id.is_empty(), &b.name, &b.id)));
        named
    }

    /// The answer to `question`; a node or finding outside the analysis lights nothing.
    pub fn answer(&self, question: &Question) -> Answer {
        match *question {
            Question::Node { node, mode, direction } => {
                let node = node as usize;
                let selected = selection::select(self, node, mode, direction);
                Answer::Node(Box::new(NodeAnswer {
                    lit: lit(&selected.highlight),
                    groups: self.groups(&selected.rows),
                    not_applicable: selected.not_applicable.map(str::to_owned),
                    facts: self.facts(node),
                }))
            }
            Question::Finding(at) => {
                Answer::Finding(Box::new(self.findings.get(at as usize).map_or_else(FindingAnswer::default, |f| {
                    FindingAnswer {
                        lit: lit(&selection::finding(self, f)),
                        message: f.message.clone(),
                        evidence: f.evidence.clone(),
                        fix: f.fix.clone(),
                    }
                })))
            }
        }
    }

    /// Rows grouped by environment and region, the first [`ROWS_LISTED`] with their paths
    /// read as sentences.
    fn groups(&self, rows: &[Row]) -> Vec<Group> {
        let mut listed = 0;
        selection::groups(rows)
            .into_iter()
            .map(|(environment, region, rows)| {
                let room = ROWS_LISTED.saturating_sub(listed);
                listed += rows.len().min(room);
                Group {
                    environment,
                    region: region.map(str::to_owned),
                    total: rows.len(),
                    rows: rows
                        .iter()
                        .take(room)
                        .map(|row| wire::Row {
                            id: row.id.clone(),
                            name: row.name.clone(),
                            access: row.access,
                            steps: selection::explain(&self.access, &row.path),
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Id, type, tags, identities and role assignments of a node.
    fn facts(&self, node: usize) -> Facts {
        let g = &self.access.graph;
        let at = NodeIndex::new(node);
        let Some(weight) = g.node_weight(at) else { return Facts::default() };
        let inventory = &self.inventory;
        let arm = match weight.key {
            NodeKey::Arm(key) => Some(key),
            _ => None,
        };
        let resource = arm.and_then(|key| inventory.resource(key));
        let tags = resource.map(|r| &r.tags).or_else(|| arm.and_then(|key| inventory.scope(key)).map(|s| &s.tags));
        let linked = |direction: petgraph::Direction, kinds: &[EdgeKind], granting: bool| -> Vec<String> {
            g.edges_directed(at, direction)
                .filter(|e| kinds.contains(&e.weight().kind) && e.weight().access.is_some() == granting)
                .map(|e| {
                    let other = if direction == Outgoing { e.target() } else { e.source() };
                    match e.weight().access {
                        Some(class) => format!("{} ({})", self.access.reason(e.id()), class.as_str()),
                        None => g[other].label.clone(),
                    }
                })
                .collect()
        };
        Facts {
            id: rules::subject_id(inventory, &self.access, at),
            resource_type: resource.map(|r| r.resource_type.clone()),
            tags: tags.map(|t| t.0.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default(),
            identities: linked(Outgoing, &[EdgeKind::CanUse], false),
            used_by: linked(Incoming, &[EdgeKind::CanUse], false),
            roles_held: linked(Outgoing, &[EdgeKind::HasRole], true),
            roles_on_it: linked(Incoming, &[EdgeKind::HasRole], true),
        }
    }
}

/// A highlight as the indices it lights.
fn lit(highlight: &Highlight) -> Lit {
    let on = |flags: &[bool]| flags.iter().enumerate().filter(|&(_, &lit)| lit).map(|(i, _)| i as u32).collect();
    Lit {
        nodes: on(&highlight.nodes),
        edges: on(&highlight.edges),
        marked: highlight.marked.iter().map(|&n| n as u32).collect(),
    }
}

#[cfg(test)]
mod tests {
    use blastmap_analysis::Environment;
    use blastmap_analysis::radius::Mode;

    use super::*;
    use crate::wire::{Direction, FromWorker};

    fn file(name: &str, text: &str) -> OpenFile {
        OpenFile::here(name, text.as_bytes().to_vec())
    }

    /// A load given every file, in order, and how many bytes of each it holds in the worker's
    /// memory after.
    fn arrived(files: &[OpenFile]) -> (Loading, Vec<usize>) {
        let mut loading = Loading::new(&Settings::default(), files.len());
        for (index, f) in files.iter().enumerate() {
            loading.arrive(index, f.clone(), |_| {});
        }
        let held = loading
            .files
            .iter()
            .map(|f| f.as_ref().and_then(|f| f.bytes.as_ref().ok()).map_or(0, |bytes| bytes.here().len()))
            .collect();
        (loading, held)
    }

    fn load(files: &[OpenFile]) -> Analysis {
        Analysis::load(files, &Settings::default(), |_| {})
    }

    #[test]
    fn the_sample_is_analysed_cleanly_and_its_snapshot_survives_the_wire() {
        let mut steps = Vec::new();
        let mut a = Analysis::load(&[OpenFile::sample()], &Settings::default(), |s| steps.push(s));
        let expected = [
            Progress::Files { read: 1, parsed: 0, total: 1, parsing: true },
            Progress::Step(Step::Graph),
            Progress::Step(Step::Layout),
        ];
        assert_eq!(steps, expected, "each file's parsing, then every step but sending (the page's)");
        assert!(a.findings.is_empty(), "the rules run after the picture");
        a.run_rules();
        let findings = a.wire_findings();
        assert!(findings.iter().any(|f| f.rule == "BM001"), "dev and uat apps share a prod identity");
        assert!(findings.iter().flat_map(|f| &f.subjects).any(|s| matches!(s, Subject::Node(_))));
        let message = FromWorker::Findings(findings);
        assert_eq!(wire::decode::<FromWorker>(&wire::encode(&message)), Some(message));
        // What explains a finding comes when it is opened.
        let Answer::Finding(first) = a.answer(&Question::Finding(0)) else { panic!("a finding answer") };
        let f = &a.findings[0];
        assert_eq!((&first.message, &first.evidence, &first.fix), (&f.message, &f.evidence, &f.fix));
        assert!(!first.evidence.is_empty() && !first.lit.marked.is_empty());
        let snapshot = a.snapshot();
        let s = snapshot.summary;
        assert_eq!((s.user_assigned_identities, s.sources, s.errors, s.warnings), (4, 5, 0, 0));
        assert!(snapshot.scene.cross_environment_edges >= 2, "dev and uat apps use a prod identity");
        assert_eq!(snapshot.nodes.len(), snapshot.scene.nodes.len());
        let ids = a.ids();
        assert_eq!(ids.len(), snapshot.nodes.len());
        let vault = snapshot.scene.nodes.iter().position(|n| n.label == "kv-orders-prod").expect("the vault");
        assert!(ids[vault].ends_with("/providers/microsoft.keyvault/vaults/kv-orders-prod"), "{}", ids[vault]);
        assert_eq!(wire::decode::<Snapshot>(&wire::encode(&snapshot)), Some(snapshot));
    }

    /// The browser finishes reading small files first: each file is parsed as soon as it and
    /// every file before it have arrived, and the analysis is the one of the files in order.
    #[test]
    fn files_arriving_out_of_order_are_parsed_in_order_as_soon_as_they_can_be() {
        let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 400, seed: 2 });
        let files: Vec<OpenFile> = tenant.files.iter().map(|f| OpenFile::here(f.name, f.bytes.clone())).collect();
        assert_eq!(files.len(), 4);
        let mut steps = Vec::new();
        let mut loading = Loading::new(&Settings::default(), files.len());
        for index in [3, 0, 2, 1] {
            assert!(!loading.is_complete());
            loading.arrive(index, files[index].clone(), |p| steps.push(p));
        }
        loading.arrive(2, files[2].clone(), |p| steps.push(p));
        assert!(loading.is_complete());
        let parsing = |read, parsed| Progress::Files { read, parsed, total: 4, parsing: true };
        let waiting = |read, parsed| Progress::Files { read, parsed, total: 4, parsing: false };
        let expected =
            [waiting(1, 0), parsing(2, 0), waiting(2, 1), waiting(3, 1), parsing(4, 1), parsing(4, 2), parsing(4, 3)];
        assert_eq!(steps, expected, "a parse starts once the files before it are in; a file arriving twice is ignored");
        let out_of_order = loading.finish(|_| {});
        assert_eq!(out_of_order.snapshot(), load(&files).snapshot());
    }

    /// Files the page sent stay in the browser's memory until read, and are copied in a piece
    /// at a time; designs are copied whole, to wait for the end. The analysis is the same.
    #[test]
    fn files_in_the_browsers_memory_are_read_as_files_here() {
        /// Bytes kept out of the load's own, as the browser keeps a file the page sent.
        struct Elsewhere(Vec<u8>);
        impl ByteSource for Elsewhere {
            fn size(&self) -> usize {
                self.0.as_slice().size()
            }
            fn copy_to(&self, offset: usize, into: &mut [u8]) {
                self.0.as_slice().copy_to(offset, into);
            }
        }
        let elsewhere = |f: &OpenFile| OpenFile {
            name: f.name.clone(),
            bytes: Ok(FileBytes::There(Rc::new(Elsewhere(f.bytes.as_ref().unwrap().here().to_vec())))),
        };
        let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 400, seed: 2 });
        let design = include_str!("../../ingest/tests/fixtures/arm/shared-identity-dev-prod.json");
        let mut here: Vec<OpenFile> = tenant.files.iter().map(|f| OpenFile::here(f.name, f.bytes.clone())).collect();
        here.extend([file("design.json", design), OpenFile::sample()]);
        let there: Vec<OpenFile> = here.iter().map(elsewhere).collect();
        let (loading, held) = arrived(&there);
        assert_eq!(held[..4], [0; 4], "lists read, none held");
        assert!(held[4] > 0 && held[5] > 0, "a design, and what follows it, copied in to wait for the end");
        let a = loading.finish(|_| {});
        let b = load(&here);
        assert_eq!(a.snapshot(), b.snapshot());
        assert_eq!(format!("{:?}", a.files), format!("{:?}", b.files));
    }

    /// A tenant's picture folds its large groups; an aggregate opens on request (its members
    /// then show on their own or in finer groups, the graph's indices unchanged) and folds again.
    #[test]
    fn a_tenant_folds_and_an_aggregate_unfolds() {
        let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 3000, seed: 4 });
        let files: Vec<OpenFile> = tenant.files.iter().map(|f| OpenFile::here(f.name, f.bytes.clone())).collect();
        let mut a = load(&files);
        let folded = a.scene.clone();
        assert!(!folded.aggregates.is_empty() && folded.unfolded == 0);
        let drawn = folded.edges.iter().filter(|e| e.drawn).count();
        assert!(drawn * 2 < folded.edges.len(), "{drawn} of {} edges drawn", folded.edges.len());
        let (at, largest) = folded.aggregates.iter().enumerate().max_by_key(|(_, g)| g.members.len()).expect("one");
        assert!(a.unfold(at));
        assert_eq!((a.scene.nodes.len(), a.scene.edges.len()), (folded.nodes.len(), folded.edges.len()));
        assert_eq!(a.scene.unfolded, 1);
        for &m in &largest.members {
            let now = a.scene.folded[m as usize].map(|g| a.scene.aggregates[g as usize].members.len());
            assert!(now.is_none_or(|n| n < largest.members.len()), "member {m} folded as before");
        }
        assert!(!a.unfold(a.scene.aggregates.len()), "no such aggregate");
        a.fold_all();
        assert_eq!(a.scene, folded);
        a.open_all();
        assert!(a.scene.all_open && a.scene.aggregates.is_empty() && a.scene.folded.iter().all(Option::is_none));
        a.fold_all();
        assert_eq!(a.scene, folded);
        let snapshot = a.snapshot();
        assert_eq!(wire::decode::<Snapshot>(&wire::encode(&snapshot)), Some(snapshot));
    }

    #[test]
    fn an_unreadable_file_says_why_in_its_place() {
        let a = load(&[
            OpenFile { name: "locked.json".into(), bytes: Err("NotReadableError".into()) },
            file("b.json", r#"{"schema": "blastmap/inventory/v1"}"#),
        ]);
        let snapshot = a.snapshot();
        let names: Vec<&str> = snapshot.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["locked.json", "b.json"]);
        assert_eq!(snapshot.files[0].diagnostics[0].message, "the browser could not read this file: NotReadableError");
        assert_eq!(snapshot.summary.errors, 1);
    }

    #[test]
    fn a_file_read_lets_its_bytes_go_and_designs_keep_theirs_for_the_end() {
        let design = include_str!("../../ingest/tests/fixtures/arm/shared-identity-dev-prod.json");
        let files = [OpenFile::sample(), file("design.json", design), OpenFile::sample()];
        let (loading, kept) = arrived(&files);
        assert_eq!(kept[0], 0, "read, so let go");
        assert!(kept[1] > 0 && kept[2] > 0, "a design, and what follows it, wait for the end");
        let a = loading.finish(|_| {});
        assert!(a.files.iter().all(|f| f.format.is_some()), "every file read, each once: {:?}", a.files);
        assert_eq!(a.files[0].counts.resources, a.files[2].counts.resources);
    }

    #[test]
    fn settings_deploy_designs_and_their_mapping_is_reported_beside_the_files() {
        let design = include_str!("../../ingest/tests/fixtures/arm/shared-identity-dev-prod.json");
        let files = [file("design.json", design)];
        let rules = |a: &Analysis| a.findings.iter().map(|f| f.rule).collect::<Vec<_>>();
        let mut a = load(&files);
        a.run_rules();
        assert!(rules(&a).contains(&"BM001"), "dev and prod apps share an identity");
        assert_eq!(a.mapping, None, "no mapping, no report");

        let subscription = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
        let mut settings = Settings::default();
        settings.deployment.subscription_id = subscription.to_owned();
        settings.deployment.environment = Some(Environment::Prod);
        settings.mapping.words = vec![crate::settings::Row { key: "sbx".to_owned(), environment: Environment::Dev }];
        let mut a = Analysis::load(&files, &settings, |_| {});
        a.run_rules();
        assert!(!rules(&a).contains(&"BM001"), "the whole deployment is prod");
        let prefix = format!("/subscriptions/{subscription}/");
        assert!(a.inventory.identities().iter().all(|i| a.inventory.text(i.id).starts_with(&prefix)));
        assert_eq!(a.files.len(), 1, "the open files keep their reports");
        let mapping = a.mapping.as_ref().expect("the mapping is reported");
        assert_eq!((mapping.name.as_str(), mapping.diagnostics.len()), (MAPPING_FILE_NAME, 0));
    }

    #[test]
    fn subscriptions_are_named_and_nodes_point_at_theirs() {
        let a = Analysis::sample(&Settings::default());
        let snapshot = a.snapshot();
        let prod = "9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c";
        assert!(snapshot.subscriptions.iter().any(|s| s.id == prod), "{:?}", snapshot.subscriptions);
        let last = snapshot.subscriptions.last().map(|s| (s.id.as_str(), s.name.as_str()));
        assert_eq!(last, Some(("", "no subscription")));
        let vault = snapshot.scene.nodes.iter().position(|n| n.label == "kv-orders-prod").expect("the vault");
        assert_eq!(snapshot.subscription_of(vault), prod);
        let alice = snapshot.scene.nodes.iter().position(|n| n.label == "alice@contoso.com").expect("alice");
        assert_eq!(snapshot.subscription_of(alice), "", "people are in no subscription");
    }

    #[test]
    fn a_node_answer_groups_its_rows_and_lists_the_first_with_their_paths() {
        let a = Analysis::sample(&Settings::default());
        let app = a.scene.nodes.iter().position(|n| n.label == "app-orders-dev").expect("the app") as u32;
        let question = Question::Node { node: app, mode: Mode::Transitive, direction: Direction::Radius };
        let Answer::Node(answer) = a.answer(&question) else { panic!("a node answer") };
        assert_eq!(answer.total(), 12, "as `blastmap radius` says");
        assert_eq!(answer.groups[0].environment, Environment::Prod, "prod first");
        let vault = answer.groups.iter().flat_map(|g| &g.rows).find(|r| r.name == "kv-orders-dev").expect("listed");
        assert_eq!(
            vault.steps,
            ["app-orders-dev can use id-orders", "which holds Key Vault Secrets User on kv-orders-dev"]
        );
        assert_eq!(answer.lit.marked, [app]);
        assert_eq!(answer.facts.identities, ["id-orders"]);
        assert_eq!(answer.facts.resource_type.as_deref(), Some("Microsoft.Web/sites"));

        let outside = a.answer(&Question::Node { node: 10_000, mode: Mode::Direct, direction: Direction::Exposure });
        let Answer::Node(outside) = outside else { panic!("a node answer") };
        assert_eq!((outside.total(), outside.facts), (0, Facts::default()));
        assert_eq!(a.answer(&Question::Finding(10_000)), Answer::Finding(Box::default()));
    }

    #[test]
    fn a_long_answer_lists_only_the_first_rows_but_counts_them_all() {
        let rows: Vec<Row> = (0..ROWS_LISTED + 50)
            .map(|i| Row {
                id: format!("/r/{i}"),
                name: format!("r{i}"),
                environment: if i % 2 == 0 { Environment::Prod } else { Environment::Dev },
                region: None,
                access: blastmap_analysis::permissions::Access::Read,
                path: Vec::new(),
            })
            .collect();
        let a = Analysis::sample(&Settings::default());
        let mut sorted = rows;
        sorted.sort_by_key(|r| r.environment != Environment::Prod);
        let groups = a.groups(&sorted);
        assert_eq!(groups.iter().map(|g| g.total).sum::<usize>(), ROWS_LISTED + 50);
        assert_eq!(groups.iter().map(|g| g.rows.len()).sum::<usize>(), ROWS_LISTED);
    }
}
