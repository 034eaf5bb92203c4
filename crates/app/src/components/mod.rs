//! The page's components, one per file.

mod app;
mod files;
mod graph;
mod header;
mod legend;

pub use app::App;
