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
