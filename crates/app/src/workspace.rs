//! The files a user has opened, the settings they are read with, and what the worker made of
//! them.
//!
//! Pure: opening and closing files are value transitions (`Workspace` → `Workspace`); each new
//! workspace is sent to a worker as one load ([`Workspace::load`]), and its [`Analysis`] comes
//! back as a snapshot, its findings after it. The page keeps one immutable [`Analysis`] behind an
//! `Rc`, so Yew compares it by pointer and re-renders only when it changed.

use std::ops::Deref;
use std::rc::Rc;

use blastmap_worker::scene::Scene;
use blastmap_worker::settings::Settings;
use blastmap_worker::wire::{Finding, Load, Snapshot};

/// A file handle the page keeps (a browser `File`; names in tests): each load has the browser
/// read it and hands the bytes to the worker.
pub trait Named {
    /// The file's name.
    fn name(&self) -> String;
}

/// The open files and the settings they are read with.
#[derive(Clone, Debug, PartialEq)]
pub struct Workspace<F> {
    /// Open files, in the order opened (the sample is none of them).
    pub files: Vec<F>,
    /// Whether the built-in sample is open (replaced by the first files a user opens).
    pub is_sample: bool,
    /// The deployment context and environment mapping in use.
    pub settings: Settings,
}

impl<F: Named + Clone> Workspace<F> {
    /// The built-in sample, read with `settings`.
    pub fn sample_with(settings: Settings) -> Workspace<F> {
        Workspace { files: Vec::new(), is_sample: true, settings }
    }

    /// How many files are open, the sample counted.
    pub fn file_count(&self) -> usize {
        self.files.len() + usize::from(self.is_sample)
    }

    /// The same files, read with `settings`.
    pub fn with_settings(&self, settings: Settings) -> Workspace<F> {
        Workspace { settings, ..self.clone() }
    }

    /// Adds files; a file with the same name as an open one replaces it. Opening files
    /// replaces the built-in sample.
    pub fn open(&self, incoming: Vec<F>) -> Workspace<F> {
        let mut files = self.files.clone();
        for file in incoming {
            match files.iter_mut().find(|f| f.name() == file.name()) {
                Some(slot) => *slot = file,
                None => files.push(file),
            }
        }
        Workspace { files, is_sample: false, settings: self.settings.clone() }
    }

    /// Closes the file at `index` (as the file panel lists them: the sample first).
    pub fn close(&self, index: usize) -> Workspace<F> {
        let mut files = self.files.clone();
        match index.checked_sub(usize::from(self.is_sample)) {
            None => return Workspace { is_sample: false, ..self.clone() },
            Some(at) if at < files.len() => {
                files.remove(at);
            }
            Some(_) => {}
        }
        Workspace { files, ..self.clone() }
    }

    /// The load message for a worker; the files follow it.
    pub fn load(&self) -> Load {
        Load { sample: self.is_sample, settings: self.settings.to_json(), files: self.files.len() as u32 }
    }
}

/// What the worker made of a workspace: an immutable snapshot and its findings, compared by
/// identity.
pub struct Analysis {
    /// Shared with the analyses that add the ids and the findings to it, which arrive after it.
    snapshot: Rc<Snapshot>,
    /// Per node, its lower-cased id; `None` until the worker has sent them.
    ids: Option<Rc<[String]>>,
    /// Most serious first; `None` while the worker is still running the rules.
    findings: Option<Rc<[Finding]>>,
    /// Which load it comes from: an unfold changes the picture, not the load, so what depends
    /// on the load alone (the selection, the fitted view) keys on this.
    pub load: u32,
}

/// Two analyses are equal when they are the same snapshot: one is never changed in place, and
/// comparing pictures by value would cost more than rendering them.
impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Deref for Analysis {
    type Target = Snapshot;

    fn deref(&self) -> &Snapshot {
        &self.snapshot
    }
}

impl Analysis {
    /// The snapshot of load `load`, its ids and findings still to come.
    pub fn new(snapshot: Snapshot, load: u32) -> Analysis {
        Analysis { snapshot: Rc::new(snapshot), ids: None, findings: None, load }
    }

    /// The same analysis with its nodes' ids.
    pub fn with_ids(&self, ids: Vec<String>) -> Analysis {
        Analysis { ids: Some(ids.into()), findings: self.findings.clone(), ..self.same_load() }
    }

    /// The same analysis with its findings.
    pub fn with_findings(&self, findings: Vec<Finding>) -> Analysis {
        Analysis { ids: self.ids.clone(), findings: Some(findings.into()), ..self.same_load() }
    }

    /// The same snapshot and load, with neither ids nor findings.
    fn same_load(&self) -> Analysis {
        Analysis { snapshot: Rc::clone(&self.snapshot), ids: None, findings: None, load: self.load }
    }

    /// The same load drawn as `scene` (after an unfold or fold).
    pub fn redrawn(&self, scene: Scene) -> Analysis {
        let s = &self.snapshot;
        let snapshot = Snapshot {
            files: s.files.clone(),
            mapping: s.mapping.clone(),
            summary: s.summary,
            scene,
            nodes: s.nodes.clone(),
            subscriptions: s.subscriptions.clone(),
        };
        Analysis {
            snapshot: Rc::new(snapshot),
            ids: self.ids.clone(),
            findings: self.findings.clone(),
            load: self.load,
        }
    }

    /// The lower-cased id of node `node`, once the worker has sent the ids.
    pub fn id(&self, node: usize) -> Option<&str> {
        self.ids.as_ref()?.get(node).map(String::as_str)
    }

    /// The findings, most serious first (none while they are still being looked for).
    pub fn findings(&self) -> &[Finding] {
        self.findings.as_deref().unwrap_or_default()
    }

    /// Whether the worker is still looking for the findings.
    pub fn findings_pending(&self) -> bool {
        self.findings.is_none()
    }

    /// Nodes and edges of the picture.
    pub fn graph_size(&self) -> (usize, usize) {
        (self.scene.nodes.len(), self.scene.edges.len())
    }
}

/// The built-in sample as the worker sends it, for tests of what the page does with it.
#[cfg(test)]
pub(crate) fn sample() -> Analysis {
    let sample = blastmap_worker::session::Analysis::sample(&Settings::default());
    Analysis::new(sample.snapshot(), 1).with_ids(sample.ids()).with_findings(sample.wire_findings())
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Named for &str {
        fn name(&self) -> String {
            (*self).to_owned()
        }
    }

    #[test]
    fn opening_files_replaces_the_sample_then_adds_and_replaces_by_name() {
        let w = Workspace::<&str>::sample_with(Settings::default());
        assert_eq!((w.file_count(), w.load().sample), (1, true));
        let w = w.open(vec!["a.json"]);
        assert!(!w.is_sample && !w.load().sample);
        let w = w.open(vec!["b.json", "a.json"]);
        assert_eq!(w.files, ["a.json", "b.json"]);
        assert_eq!(w.close(0).files, ["b.json"]);
        assert_eq!(w.close(7).files, ["a.json", "b.json"], "an index outside the list closes nothing");
    }

    #[test]
    fn closing_the_sample_leaves_nothing_open_and_settings_outlive_files() {
        let mut settings = Settings::default();
        settings.deployment.location = "westeurope".to_owned();
        let w = Workspace::<&str>::sample_with(Settings::default()).with_settings(settings.clone());
        let closed = w.close(0);
        assert_eq!((closed.file_count(), closed.settings.clone()), (0, settings.clone()));
        let restored = Settings::default().import(&closed.open(vec!["x.json"]).load().settings);
        assert_eq!(restored, Ok(settings), "the worker reads the settings the page holds");
    }
}
