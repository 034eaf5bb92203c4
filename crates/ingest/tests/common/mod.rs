//! Helpers shared by the ingest test files.

use blastmap_ingest::{Loaded, Severity};

/// Every error diagnostic of every file, as printed.
pub fn errors(loaded: &Loaded) -> Vec<String> {
    loaded
        .files
        .iter()
        .flat_map(|f| &f.diagnostics)
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect()
}
