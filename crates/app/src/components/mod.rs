//! The page's components, one per file.

mod analyst;
mod app;
mod details;
mod files;
mod findings;
mod graph;
mod header;
mod legend;
mod search;
mod settings;
mod table;
mod theme;
mod toolbar;
mod visible_rows;

pub use app::App;

/// Marks a moment of a load on the page's performance timeline (`blastmap: …`), where the app
/// bench reads it, beside the worker's marks, to say where a load's time goes.
fn mark(what: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        // A mark fails only on a name the timeline reserves; these are not.
        let _ = performance.mark(&format!("blastmap: {what}"));
    }
}
