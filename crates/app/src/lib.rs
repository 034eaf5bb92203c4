//! The Blastmap web app: drop exports, see who can reach what.
//!
//! A Yew front end over the same pure core as the CLI, which runs in a Web Worker
//! (`blastmap-worker`): the page holds the open files' handles and the snapshot the worker made
//! of them ([`workspace`]), and asks the worker about selections ([`selection`]). What it draws
//! is a [`scene::Scene`] in world units, turned into pixels by a [`render::Renderer`] (Canvas 2D
//! today) through a [`scene::Viewport`]. Viewport maths, filters and search are plain Rust,
//! tested natively.
//!
//! WebAssembly rules: no threads, no blocking, no file system, no network. Files dropped or
//! picked go to the worker as handles, and nothing ever leaves the page.

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
