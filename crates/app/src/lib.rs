//! The Blastmap web app: drop exports, see who can reach what.
//!
//! A Yew front end over the same pure core as the CLI. The page holds the open files and one
//! immutable analysis of them ([`workspace`]); what it draws is a [`scene::Scene`] in world
//! units, turned into pixels by a [`render::Renderer`] (Canvas 2D today) through a
//! [`scene::Viewport`]. Hit-testing and viewport maths are plain Rust, tested natively.
//!
//! WebAssembly rules: no threads, no blocking, no file system, no network. Files arrive as
//! bytes from the drop zone or the file picker, and nothing ever leaves the page.

pub mod components;
pub mod query;
pub mod render;
pub mod rows;
pub mod scene;
pub mod selection;
pub mod text;
pub mod ui;
pub mod workspace;

/// Mounts the app on the page's `<body>`.
pub fn start() {
    yew::Renderer::<components::App>::new().render();
}
