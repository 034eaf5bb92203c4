//! The canonical inventory of an Azure tenant, as Blastmap understands it.
//!
//! Every importer in `blastmap-ingest` translates its format into these types, and every
//! analysis in `blastmap-analysis` reads only these types. The model is deliberately plain:
//! records with public fields, keyed by [`Key`]s, which are interned, lower-cased ids. Azure
//! compares ARM ids and GUIDs case-insensitively and real exports disagree on case, so
//! lower-casing once at the door makes every later comparison an integer comparison and keeps
//! a tenant of 100,000 resources and 200,000 role assignments small in memory.
//!
//! The [`Inventory`] merges: the same object read from two files (an identity from
//! `az identity list` and again from a resource's `userAssignedIdentities` map) is one object
//! whose fields are completed from both. When two inputs disagree on a field, the first value
//! read wins and the disagreement is kept in [`Inventory::conflicts`] so the user is told.
//!
//! All built-in role definitions ship inside the model ([`builtin_role`]), so roles named only
//! by GUID are evaluated by their actions like any custom role.
//!
//! This crate does no I/O and knows no input format (the role catalog is its own data).

pub mod arm;
mod builtin;
mod environment;
mod inventory;
mod keys;
pub mod threads;

pub use builtin::{BuiltinRole, builtin_role, builtin_roles};
pub use environment::{Environment, EnvironmentMapping};
pub use inventory::{
    AccessPolicy, AssignmentId, AttachedIdentity, Attachment, AttachmentRole, Conflict, FederatedCredential, Inventory,
    IsolationScope, JsonPath, Membership, Origin, Permission, Principal, PrincipalKind, Resource, RoleAssignment,
    RoleDefinition, Scope, Tags, UserAssignedIdentity,
};
pub use keys::{Key, Keys, compare_texts};
