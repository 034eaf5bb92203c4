//! What an Azure inventory lets an attacker reach, and how.
//!
//! The question Blastmap answers is "if this is compromised, what can be reached, and why?".
//! This crate turns a merged [`blastmap_model::Inventory`] into an [`AccessGraph`] whose
//! edges are the ways access flows in Azure (an attached identity can be used by code on its
//! source; a role assignment grants actions on a scope and everything under it; ...), each
//! with a reason a person can read, and infers the [`Environment`] of everything so that
//! crossings (dev reaching prod) stand out.
//!
//! It does no I/O, knows no file or wire format, and runs the same natively and in the
//! browser (single-threaded).

mod environment;
pub mod execution;
mod graph;
pub mod permissions;
pub mod radius;
pub mod rules;

pub use environment::{Environment, Environments};
pub use graph::{AccessGraph, Edge, EdgeKind, Node, NodeKey, NodeKind, Reason, scope_label};
