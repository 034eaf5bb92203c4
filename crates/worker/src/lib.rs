//! The Blastmap web worker: the core's side of the web app, off the page's main thread.
//!
//! The page sends the worker its files and settings ([`wire::ToWorker`]); the worker reads
//! them, analyses them ([`session::Analysis`]), and sends back progress, then a
//! [`wire::Snapshot`] of what the page draws and lists (the [`scene::Scene`], node facts,
//! findings, file reports), then answers the page's questions (a node's radius or exposure
//! with its paths and facts, what a finding lights). The inventory and the access graph never
//! leave the worker.
//!
//! This library is pure and tested natively, but for [`browser`], a file's bytes still in the
//! browser's memory; the binary (`src/main.rs`) is the message loop in a
//! `DedicatedWorkerGlobalScope`, the only other code here that knows the browser. The page
//! depends on the library for the wire types and the scene.

pub mod browser;
pub mod scene;
pub mod selection;
pub mod session;
pub mod settings;
pub mod wire;
