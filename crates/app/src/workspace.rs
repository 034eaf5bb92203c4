//! The files a user has opened and what Blastmap made of them.
//!
//! Pure: opening files is a value transition (`Workspace` → `Workspace`) that reruns ingest,
//! analysis and layout. The page keeps one immutable [`Analysis`] behind an `Rc`, so Yew
//! compares it by pointer and re-renders only when it changed.

use std::rc::Rc;

use blastmap_analysis::permissions::Permissions;
use blastmap_analysis::radius::{Coverage, Reach};
use blastmap_analysis::rules::{self, Context, Finding};
use blastmap_analysis::{AccessGraph, Environment, Environments, NodeKey};
use blastmap_ingest::{Diagnostic, FileReport, Severity, SourceFile, load_with, sample};
use blastmap_layout::{Folding, layout};
use blastmap_model::Inventory;

use crate::scene::Scene;
use crate::settings::{MAPPING_FILE_NAME, Settings};

/// One opened file.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenFile {
    /// Its name.
    pub name: String,
    /// Its bytes.
    pub bytes: Rc<[u8]>,
    /// Why the browser could not read it, if it could not.
    pub read_error: Option<String>,
}

impl OpenFile {
    /// A file that was read.
    pub fn read(name: String, bytes: Vec<u8>) -> OpenFile {
        OpenFile { name, bytes: Rc::from(bytes), read_error: None }
    }

    /// A file the browser could not read.
    pub fn unreadable(name: String, error: String) -> OpenFile {
        OpenFile { name, bytes: Rc::from(Vec::new()), read_error: Some(error) }
    }
}

/// Counts shown in the header.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
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

/// What Blastmap made of the open files: an immutable snapshot, compared by identity.
pub struct Analysis {
    /// Per-file reports, in the order opened.
    pub files: Vec<FileReport>,
    /// The report on the settings' environment mapping, when it states anything.
    pub mapping: Option<FileReport>,
    /// Header counts.
    pub summary: Summary,
    /// The merged inventory.
    pub inventory: Inventory,
    /// Its access graph; node and edge indices are those of [`Analysis::scene`].
    pub access: AccessGraph,
    /// What each scope covers, for blast radii.
    pub coverage: Coverage,
    /// The environment of every scope.
    pub environments: Environments,
    /// Findings, most serious first.
    pub findings: Vec<Finding>,
    /// The picture.
    pub scene: Scene,
    /// Nodes and edges of the access graph.
    pub graph_size: (usize, usize),
}

/// Two analyses are equal when they are the same snapshot: one is never changed in place, and
/// comparing graphs by value would cost more than rendering them.
impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Analysis {
    /// The environment lane node `node` is drawn in (see [`crate::scene::SceneNode::lane`]).
    pub fn lane(&self, node: usize) -> Environment {
        self.scene.nodes.get(node).map_or(Environment::Unknown, |n| n.lane)
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
}

/// The open files, the settings they are read with, and their analysis.
#[derive(Clone, PartialEq)]
pub struct Workspace {
    /// Open files.
    pub files: Vec<OpenFile>,
    /// Whether the files are the built-in sample (replaced by the first files a user opens).
    pub is_sample: bool,
    /// The deployment context and environment mapping in use.
    pub settings: Settings,
    /// The analysis of `files`.
    pub analysis: Rc<Analysis>,
}

impl Workspace {
    /// The built-in sample, analysed with no settings.
    pub fn sample() -> Workspace {
        Workspace::sample_with(Settings::default())
    }

    /// The built-in sample, analysed with `settings`.
    pub fn sample_with(settings: Settings) -> Workspace {
        let file = OpenFile::read(sample::NAME.to_owned(), sample::JSON.as_bytes().to_vec());
        Workspace { is_sample: true, ..Workspace::with_files(vec![file], settings) }
    }

    /// No files.
    pub fn empty() -> Workspace {
        Workspace::with_files(Vec::new(), Settings::default())
    }

    fn with_files(files: Vec<OpenFile>, settings: Settings) -> Workspace {
        let analysis = Rc::new(analyse(&files, &settings));
        Workspace { files, is_sample: false, settings, analysis }
    }

    /// The same files, read again with `settings`.
    pub fn with_settings(&self, settings: Settings) -> Workspace {
        Workspace { is_sample: self.is_sample, ..Workspace::with_files(self.files.clone(), settings) }
    }

    /// Adds files; a file with the same name as an open one replaces it. Opening files
    /// replaces the built-in sample.
    pub fn open(&self, incoming: Vec<OpenFile>) -> Workspace {
        let mut files = if self.is_sample { Vec::new() } else { self.files.clone() };
        for file in incoming {
            match files.iter_mut().find(|f| f.name == file.name) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
        Workspace::with_files(files, self.settings.clone())
    }

    /// Closes the file at `index`.
    pub fn close(&self, index: usize) -> Workspace {
        let mut files = self.files.clone();
        if index < files.len() {
            files.remove(index);
        }
        Workspace::with_files(files, self.settings.clone())
    }
}

fn analyse(files: &[OpenFile], settings: &Settings) -> Analysis {
    let mut readable: Vec<SourceFile<'_>> = files
        .iter()
        .filter(|f| f.read_error.is_none())
        .map(|f| SourceFile { name: &f.name, bytes: &f.bytes })
        .collect();
    // The mapping is read as one more file, as the CLI reads it, so its mistakes are reported
    // like any file's. Last, so the open files' reports keep their indices.
    let mapping_file = settings.mapping_file();
    if let Some(mapping) = &mapping_file {
        readable.push(SourceFile { name: MAPPING_FILE_NAME, bytes: mapping.as_bytes() });
    }
    let mut loaded = load_with(&readable, &settings.context());
    let mapping = if mapping_file.is_some() { loaded.files.pop() } else { None };
    let mut reports = std::mem::take(&mut loaded.files).into_iter();
    // One report per open file, in the order opened; unreadable files report why.
    loaded.files = files
        .iter()
        .filter_map(|file| match &file.read_error {
            None => reports.next(),
            Some(error) => Some(FileReport {
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
    let environments = Environments::new(&inventory);
    let permissions = Permissions::new(&inventory);
    let access = AccessGraph::build_with(&inventory, &environments, &permissions);
    let picture = layout(&inventory, &access, &Folding::none());
    let coverage = Coverage::new(&inventory);
    let reach = Reach::new(&access, &coverage);
    let findings = rules::run(&Context {
        inventory: &inventory,
        access: &access,
        environments: &environments,
        permissions: &permissions,
        coverage: &coverage,
        reach: &reach,
    });
    drop(permissions);
    let diagnostics = loaded.files.iter().chain(&mapping).flat_map(|f| &f.diagnostics);
    let summary = Summary {
        user_assigned_identities: inventory.identities().len(),
        sources: inventory.sources().len(),
        resources: inventory.resources().len(),
        role_assignments: inventory.role_assignments().len(),
        errors: diagnostics.clone().filter(|d| d.severity == Severity::Error).count(),
        warnings: diagnostics.filter(|d| d.severity == Severity::Warning).count(),
    };
    Analysis {
        files: loaded.files,
        mapping,
        summary,
        scene: Scene::new(&access, &picture),
        graph_size: (access.graph.node_count(), access.graph.edge_count()),
        inventory,
        access,
        coverage,
        environments,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> OpenFile {
        OpenFile::read(name.to_owned(), text.as_bytes().to_vec())
    }

    #[test]
    fn the_sample_is_analysed_cleanly() {
        let w = Workspace::sample();
        assert!(w.is_sample);
        let s = w.analysis.summary;
        assert_eq!((s.user_assigned_identities, s.sources, s.errors, s.warnings), (4, 5, 0, 0));
        assert!(w.analysis.scene.cross_environment_edges >= 2, "dev and uat apps use a prod identity");
    }

    #[test]
    fn opening_files_replaces_the_sample_then_adds_and_replaces_by_name() {
        let w = Workspace::sample().open(vec![file("a.json", "{")]);
        assert!(!w.is_sample);
        assert_eq!(w.files.len(), 1);
        assert_eq!(w.analysis.summary.errors, 1);
        let w = w.open(vec![file("b.json", r#"{"schema": "blastmap/inventory/v1"}"#), file("a.json", "[]")]);
        let names: Vec<&str> = w.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.json", "b.json"]);
        assert_eq!(w.analysis.files[0].diagnostics[0].message, "an empty list: nothing to read");
        assert_eq!((w.analysis.summary.errors, w.analysis.summary.warnings), (0, 1));
        let w = w.close(0);
        assert_eq!(w.files.len(), 1);
        assert_eq!(w.analysis.summary.errors, 0);
    }

    #[test]
    fn an_unreadable_file_says_why_in_its_place() {
        let w = Workspace::empty().open(vec![
            OpenFile::unreadable("locked.json".into(), "NotReadableError".into()),
            file("b.json", r#"{"schema": "blastmap/inventory/v1"}"#),
        ]);
        let names: Vec<&str> = w.analysis.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["locked.json", "b.json"]);
        assert_eq!(
            w.analysis.files[0].diagnostics[0].message,
            "the browser could not read this file: NotReadableError"
        );
        assert_eq!(w.analysis.summary.errors, 1);
    }

    #[test]
    fn settings_deploy_designs_and_their_mapping_is_reported_beside_the_files() {
        let design = include_str!("../../ingest/tests/fixtures/arm/shared-identity-dev-prod.json");
        let w = Workspace::empty().open(vec![file("design.json", design)]);
        let rules = |w: &Workspace| w.analysis.findings.iter().map(|f| f.rule).collect::<Vec<_>>();
        assert!(rules(&w).contains(&"BM001"), "dev and prod apps share an identity");
        assert_eq!(w.analysis.mapping, None, "no mapping, no report");

        let subscription = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
        let mut settings = Settings::default();
        settings.deployment.subscription_id = subscription.to_owned();
        settings.deployment.environment = Some(Environment::Prod);
        settings.mapping.words = vec![crate::settings::Row { key: "sbx".to_owned(), environment: Environment::Dev }];
        let w = w.with_settings(settings);
        assert!(!rules(&w).contains(&"BM001"), "the whole deployment is prod");
        let prefix = format!("/subscriptions/{subscription}/");
        assert!(w.analysis.inventory.identities().iter().all(|i| w.analysis.inventory.text(i.id).starts_with(&prefix)));
        assert_eq!(w.analysis.files.len(), 1, "the open files keep their reports");
        let mapping = w.analysis.mapping.as_ref().expect("the mapping is reported");
        assert_eq!((mapping.name.as_str(), mapping.diagnostics.len()), (MAPPING_FILE_NAME, 0));
        assert_eq!(w.open(vec![file("more.json", "[]")]).settings, w.settings, "settings outlive opening files");
    }
}
