//! The messages between the page and the worker, and their codec: the one wire format of the web
//! app, defined here and nowhere else.
//!
//! Every message is [postcard](https://docs.rs/postcard) bytes carried in a `Uint8Array` whose
//! buffer is transferred, not copied. The page sends [`ToWorker`]; the bytes of each file of a
//! load, which the page has the browser read, travel beside their header as a transferred
//! `ArrayBuffer`, so the worker parses one file while the browser still reads the next (a
//! worker busy parsing would stall its own reads). The worker sends [`FromWorker`]:
//! progress while it loads, then a [`Snapshot`] of what the page draws and lists, then (the
//! rules run after the first picture is sent) the nodes' ids and the findings, then answers to
//! the page's questions, each tagged with the question's id so the page can drop stale ones.
//!
//! Types of the core (environments, kinds, access classes) carry no serde derive (the model
//! knows no format), so this module mirrors them with serde's remote derives; a variant added
//! there fails to compile here until the wire knows it.

use blastmap_analysis::permissions::Access;
use blastmap_analysis::radius::Mode;
use blastmap_analysis::rules::Severity;
use blastmap_analysis::{Environment, NodeKind};
use blastmap_ingest::Counts;
use blastmap_model::PrincipalKind;
use blastmap_model::arm::ScopeLevel;
use serde::{Deserialize, Serialize};

use crate::scene::Scene;

/// What the page asks of the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start a load; its files follow, one [`ToWorker::File`] each.
    Load(Load),
    /// File `index` of the load under way, its bytes beside this message as a transferred
    /// `ArrayBuffer`; files come in the order the browser finishes reading them.
    File(FileHeader),
    /// A question about the loaded analysis.
    Ask {
        /// Chosen by the page; the answer carries it back.
        id: u32,
        /// The question.
        question: Question,
    },
    /// Unfold this aggregate of the picture (an index into [`Scene::aggregates`]).
    Unfold(u32),
    /// Fold every group again.
    FoldAll,
    /// Open every group.
    OpenAll,
}

/// A load: the built-in sample, if asked, then `files` files, which follow.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Load {
    /// Whether to read the built-in sample (before the files, if any).
    pub sample: bool,
    /// The settings, as a `blastmap/settings/v1` document.
    pub settings: String,
    /// How many files follow.
    pub files: u32,
}

/// One file of a load, whose bytes travel beside the message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileHeader {
    /// Its place among the load's files (0 for the first opened).
    pub index: u32,
    /// Its name.
    pub name: String,
    /// Why the browser could not read it; no bytes come then.
    pub unreadable: Option<String>,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has started and takes messages.
    Ready,
    /// How far a load has got.
    Progress(Progress),
    /// A load is done: what the page draws and lists of it, all but the findings.
    Loaded(Box<Snapshot>),
    /// The lower-cased id of every node of the load (see [`NodeFacts`]), after
    /// [`FromWorker::Loaded`] and the rules: the first picture does not need them, and the page
    /// decodes them once it has drawn.
    Ids(Vec<String>),
    /// The findings of the load, once the rules have run (after [`FromWorker::Loaded`], so the
    /// page draws the graph without waiting for them).
    Findings(Vec<Finding>),
    /// The answer to a question.
    Answer {
        /// The question's id.
        id: u32,
        /// The answer.
        answer: Answer,
    },
    /// The picture after an unfold or fold: the same graph, so node and edge indices hold.
    Scene(Box<Scene>),
}

/// How far a load has got.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Progress {
    /// Reading and parsing files: the browser reads them all at once, and the worker parses
    /// each, in order, once it and the files before it are read.
    Files {
        /// Files read (the sample counts as read from the start).
        read: u32,
        /// Files parsed, from the first.
        parsed: u32,
        /// Files in the load.
        total: u32,
        /// Whether file `parsed` (counting from 0) is being parsed; else the worker waits for
        /// it to be read.
        parsing: bool,
    },
    /// Every file is parsed; the analysis is at this step.
    Step(Step),
}

/// The steps of a load after reading, in order, up to the first picture (the rules run after
/// it).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    /// Building the access graph.
    Graph,
    /// Placing the nodes.
    Layout,
    /// Sending the picture to the page.
    Sending,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 3] = [Step::Graph, Step::Layout, Step::Sending];

    /// What a person reads while it runs.
    pub fn label(self) -> &'static str {
        match self {
            Step::Graph => "Building the access graph",
            Step::Layout => "Laying out the picture",
            Step::Sending => "Drawing",
        }
    }
}

/// What the page draws and lists of an analysis; everything else stays in the worker.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// One report per open file, in the order opened.
    pub files: Vec<FileReport>,
    /// The report on the settings' environment mapping, when it states anything.
    pub mapping: Option<FileReport>,
    /// Header counts.
    pub summary: Summary,
    /// The picture; its node and edge indices are the worker's graph's.
    pub scene: Scene,
    /// Per node of the scene: what lists, search and filters need.
    pub nodes: Vec<NodeFacts>,
    /// Every subscription a node lies in, sorted by name; nodes name theirs by index.
    pub subscriptions: Vec<Subscription>,
}

impl Snapshot {
    /// The environment lane node `node` is drawn in.
    pub fn lane(&self, node: usize) -> Environment {
        self.scene.nodes.get(node).map_or(Environment::Unknown, |n| n.lane)
    }

    /// The lower-cased id of the subscription node `node` lies in (`""` for none).
    pub fn subscription_of(&self, node: usize) -> &str {
        let index = self.nodes.get(node).map_or(usize::MAX, |n| n.subscription as usize);
        self.subscriptions.get(index).map_or("", |s| s.id.as_str())
    }
}

/// Counts shown in the header.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// User-assigned identities.
    pub user_assigned_identities: usize,
    /// Resources that carry at least one identity.
    pub sources: usize,
    /// Resources (UAMIs included).
    pub resources: usize,
    /// Role assignments.
    pub role_assignments: usize,
    /// Error diagnostics across files.
    pub errors: usize,
    /// Warning diagnostics across files.
    pub warnings: usize,
}

/// What loading one file gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    /// The file's name as given.
    pub name: String,
    /// What the file was read as, for people: its format, or "nothing read" or "read in part".
    pub read_as: String,
    /// Objects read.
    #[serde(with = "CountsDef")]
    pub counts: Counts,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

/// A problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// How serious.
    #[serde(with = "DiagnosticSeverityDef")]
    pub severity: blastmap_ingest::Severity,
    /// JSON Pointer to the place; empty for the whole file.
    pub path: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl From<blastmap_ingest::FileReport> for FileReport {
    fn from(report: blastmap_ingest::FileReport) -> FileReport {
        let read_as = report.read_as().to_owned();
        FileReport {
            name: report.name,
            read_as,
            counts: report.counts,
            diagnostics: report
                .diagnostics
                .into_iter()
                .map(|d| Diagnostic { severity: d.severity, path: d.path, message: d.message })
                .collect(),
        }
    }
}

/// What the page knows of a node besides how it is drawn and its id (which follows the
/// snapshot in [`FromWorker::Ids`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeFacts {
    /// What it is.
    #[serde(with = "NodeKindDef")]
    pub kind: NodeKind,
    /// Its own environment (the scene has the lane it is drawn in).
    #[serde(with = "EnvironmentDef")]
    pub environment: Environment,
    /// Its region, when known.
    pub region: Option<String>,
    /// Its subscription: an index into [`Snapshot::subscriptions`].
    pub subscription: u32,
}

/// A subscription, as the filter offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    /// Its lower-cased GUID; `""` stands for nodes in none (people, groups, the root).
    pub id: String,
    /// Its name for people: its display name when an export gives one.
    pub name: String,
}

/// A finding, as the page lists it. What explains it (its message, evidence and fix) comes
/// with the answer to [`Question::Finding`] when it is opened: at 100,000 resources the rules
/// find 27,000 findings, and with their explanations and every subject's id the list was 84 MB:
/// 0.72 s of the worker's time to build and send, 0.15 s of the page's to decode (measured
/// 2026-12-07); without them it is 4 MB.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable rule id (`BM001`).
    pub rule: String,
    /// Rule name.
    pub name: String,
    /// Severity.
    #[serde(with = "SeverityDef")]
    pub severity: Severity,
    /// A short title.
    pub title: String,
    /// What it is about, most important first.
    pub subjects: Vec<Subject>,
}

/// What a finding is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Subject {
    /// Something the graph draws: its node, whose id the page has from [`FromWorker::Ids`].
    Node(u32),
    /// Something it does not draw (a resource under a scope the graph shows).
    Other {
        /// Its lower-cased id.
        id: String,
        /// Its name, when it is a resource.
        name: Option<String>,
    },
}

impl Subject {
    /// The node drawn for it, if any.
    pub fn node(&self) -> Option<usize> {
        match *self {
            Subject::Node(node) => Some(node as usize),
            Subject::Other { .. } => None,
        }
    }
}

/// Which way a node's access is read.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// What the node reaches: its blast radius.
    Radius,
    /// Who reaches the node.
    Exposure,
}

/// A question about the loaded analysis.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Question {
    /// A node's blast radius or exposure, with its facts.
    Node {
        /// The node's index.
        node: u32,
        /// Direct or transitive.
        #[serde(with = "ModeDef")]
        mode: Mode,
        /// Radius or exposure.
        direction: Direction,
    },
    /// What a finding lights (its subjects and the paths between them), and what explains it.
    Finding(u32),
}

/// The answer to a [`Question`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Answer {
    /// About a node.
    Node(Box<NodeAnswer>),
    /// What a finding lights, and what explains it.
    Finding(Box<FindingAnswer>),
}

/// What a finding lights, and what explains it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingAnswer {
    /// Its subjects and the paths between them.
    pub lit: Lit,
    /// One sentence that explains it.
    pub message: String,
    /// The assignments, attachments or paths that show it.
    pub evidence: Vec<String>,
    /// What to change.
    pub fix: String,
}

/// Which nodes and edges a selection lights, by index.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lit {
    /// Lit nodes.
    pub nodes: Vec<u32>,
    /// Lit edges.
    pub edges: Vec<u32>,
    /// Nodes drawn with a ring: the selected node, or a finding's subjects in order.
    pub marked: Vec<u32>,
}

/// A node's radius or exposure, and its facts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeAnswer {
    /// What it lights.
    pub lit: Lit,
    /// What it reaches (or who reaches it), grouped by environment (production first) and region.
    pub groups: Vec<Group>,
    /// Why there are no groups, when the question does not apply to the node.
    pub not_applicable: Option<String>,
    /// What the node is.
    pub facts: Facts,
}

impl NodeAnswer {
    /// How many resources (or nodes) in all, listed or not.
    pub fn total(&self) -> usize {
        self.groups.iter().map(|g| g.total).sum()
    }
}

/// The rows of one environment and region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The environment.
    #[serde(with = "EnvironmentDef")]
    pub environment: Environment,
    /// The region; `None` for none.
    pub region: Option<String>,
    /// How many rows the group has in all.
    pub total: usize,
    /// The rows listed (the first [`crate::session::ROWS_LISTED`] of the answer, in order).
    pub rows: Vec<Row>,
}

/// One resource reached (or one node that reaches), with how strongly and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Its lower-cased id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// The strongest access on the way.
    #[serde(with = "AccessDef")]
    pub access: Access,
    /// The path that explains it, one sentence per edge.
    pub steps: Vec<String>,
}

/// Id, type, tags, identities and role assignments of a node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Its lower-cased id.
    pub id: String,
    /// Its ARM resource type, when it is a resource.
    pub resource_type: Option<String>,
    /// Its tags (or its scope's), in order.
    pub tags: Vec<(String, String)>,
    /// The identities it can use.
    pub identities: Vec<String>,
    /// Who can use it.
    pub used_by: Vec<String>,
    /// The roles it holds, each with its access class.
    pub roles_held: Vec<String>,
    /// The roles held on it.
    pub roles_on_it: Vec<String>,
}

/// Encodes a message.
pub fn encode<T: Serialize>(message: &T) -> Vec<u8> {
    // Serialising into a growable buffer fails only on types serde cannot describe, and every
    // type here is plain data.
    postcard::to_allocvec(message).unwrap_or_default()
}

/// Decodes a message; `None` when the bytes are not one (never from our own encoder).
pub fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> Option<T> {
    postcard::from_bytes(bytes).ok()
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Environment")]
pub(crate) enum EnvironmentDef {
    Dev,
    Test,
    Uat,
    Prod,
    Unknown,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "NodeKind")]
enum NodeKindDef {
    Principal(#[serde(with = "PrincipalKindDef")] PrincipalKind),
    Source,
    UserAssignedIdentity,
    SystemIdentity,
    Target(#[serde(with = "ScopeLevelDef")] ScopeLevel),
    Pipeline,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "PrincipalKind")]
enum PrincipalKindDef {
    User,
    Group,
    ForeignGroup,
    ServicePrincipal,
    ManagedIdentity,
    Device,
    Unknown,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "ScopeLevel")]
enum ScopeLevelDef {
    Root,
    ManagementGroup,
    Subscription,
    ResourceGroup,
    Resource,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Access")]
enum AccessDef {
    Read,
    DataRead,
    DataWrite,
    ControlWrite,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Mode")]
enum ModeDef {
    Direct,
    Transitive,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Severity")]
enum SeverityDef {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "blastmap_ingest::Severity")]
enum DiagnosticSeverityDef {
    Error,
    Warning,
    Info,
}

#[derive(Serialize, Deserialize)]
#[serde(remote = "Counts")]
struct CountsDef {
    resources: usize,
    identities: usize,
    attachments: usize,
    principals: usize,
    memberships: usize,
    role_definitions: usize,
    role_assignments: usize,
    federated_credentials: usize,
    access_policies: usize,
    scopes: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let question = ToWorker::Ask {
            id: 7,
            question: Question::Node { node: 3, mode: Mode::Direct, direction: Direction::Exposure },
        };
        assert_eq!(decode::<ToWorker>(&encode(&question)), Some(question));
        let load = ToWorker::Load(Load { sample: true, settings: "{}".into(), files: 2 });
        assert_eq!(decode::<ToWorker>(&encode(&load)), Some(load));
        let file =
            ToWorker::File(FileHeader { index: 1, name: "b.json".into(), unreadable: Some("NotReadableError".into()) });
        assert_eq!(decode::<ToWorker>(&encode(&file)), Some(file));
        let answer = FromWorker::Answer {
            id: 7,
            answer: Answer::Node(Box::new(NodeAnswer {
                groups: vec![Group {
                    environment: Environment::Prod,
                    region: Some("westeurope".into()),
                    total: 1,
                    rows: vec![Row {
                        id: "/x".into(),
                        name: "x".into(),
                        access: Access::DataWrite,
                        steps: vec!["a can use x".into()],
                    }],
                }],
                ..NodeAnswer::default()
            })),
        };
        assert_eq!(decode::<FromWorker>(&encode(&answer)), Some(answer));
    }

    #[test]
    fn bytes_that_are_no_message_decode_to_none() {
        assert_eq!(decode::<ToWorker>(&[]), None);
        assert_eq!(decode::<ToWorker>(&[200, 1, 2]), None);
    }
}
