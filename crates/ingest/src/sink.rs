//! Where importers put what they read: the shared inventory, plus this file's report.

use blastmap_model::{
    AccessPolicy, AssignmentId, Attachment, FederatedCredential, Inventory, Key, Membership, Origin, Principal,
    Resource, RoleAssignment, RoleDefinition, Scope, UserAssignedIdentity, arm,
};

use std::fmt::Display;

use crate::report::{Counts, Diagnostic, Severity};

/// The inventory being built, seen from one input file: every object added is counted for the
/// file's report and every problem is located in the file.
pub struct Sink<'a> {
    /// The merged inventory of all files.
    pub inventory: &'a mut Inventory,
    file_index: u32,
    file_name: &'a str,
    pub(crate) counts: Counts,
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Identities this file described, each counted once however often it is named.
    identities_seen: rustc_hash::FxHashSet<Key>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(inventory: &'a mut Inventory, file_index: u32, file_name: &'a str) -> Self {
        Sink {
            inventory,
            file_index,
            file_name,
            counts: Counts::default(),
            diagnostics: Vec::new(),
            identities_seen: Default::default(),
        }
    }

    /// Where an object at `path` of this file comes from.
    pub fn origin(&self, path: &str) -> Origin {
        Origin::new(self.file_index, path)
    }

    fn diagnostic(&mut self, severity: Severity, path: &str, message: String) {
        self.diagnostics.push(Diagnostic { severity, file: self.file_name.to_owned(), path: path.to_owned(), message });
    }

    /// Reports that something at `path` was not read.
    pub fn error(&mut self, path: &str, message: String) {
        self.diagnostic(Severity::Error, path, message);
    }

    /// Reports something worth knowing at `path`.
    pub fn info(&mut self, path: &str, message: String) {
        self.diagnostic(Severity::Info, path, message);
    }

    /// Reports something doubtful at `path`.
    pub fn warning(&mut self, path: &str, message: String) {
        self.diagnostic(Severity::Warning, path, message);
    }

    /// Interns `id` if it is an ARM resource id; reports it otherwise.
    pub fn arm_id(&mut self, path: &str, id: &str) -> Option<Key> {
        if arm::level(id) == Some(arm::ScopeLevel::Resource) {
            Some(self.inventory.key(id.trim_end_matches('/')))
        } else {
            self.error(path, format!("{id:?} is not an ARM resource id; object skipped"));
            None
        }
    }

    /// Interns `scope` if it is a scope (root, management group, subscription, resource group
    /// or resource); reports it at `path` otherwise. (The path is written out only then: it is
    /// one more allocation per role assignment.)
    pub fn scope(&mut self, path: impl Display, scope: &str) -> Option<Key> {
        match arm::level(scope) {
            Some(arm::ScopeLevel::Root) => Some(self.inventory.key("/")),
            Some(_) => Some(self.inventory.key(scope.trim_end_matches('/'))),
            None => {
                self.error(&path.to_string(), format!("{scope:?} is not a scope; object skipped"));
                None
            }
        }
    }

    /// The id of a role assignment of `principal` holding `role` at `scope`. Hand-written designs
    /// and templates may leave the id out: one principal holds one role once per scope, so
    /// those three name it.
    pub fn assignment_key(&mut self, id: Option<&str>, scope: Key, principal: &str, role: &str) -> AssignmentId {
        match id {
            Some(id) => self.inventory.assignment_key(id, scope),
            None => {
                let scope = self.inventory.text(scope).trim_end_matches('/');
                let id = format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{principal}:{role}");
                AssignmentId::Other(self.inventory.key(&id))
            }
        }
    }

    /// Adds a resource.
    pub fn add_resource(&mut self, resource: Resource) {
        self.counts.resources += 1;
        self.inventory.add_resource(resource);
    }

    /// Adds a user-assigned identity.
    pub fn add_identity(&mut self, identity: UserAssignedIdentity, origin: &Origin) {
        if self.identities_seen.insert(identity.id) {
            self.counts.identities += 1;
        }
        self.inventory.add_identity(identity, origin);
    }

    /// Adds an attachment of an identity to a source.
    pub fn add_attachment(&mut self, attachment: Attachment) {
        self.counts.attachments += 1;
        self.inventory.add_attachment(attachment);
    }

    /// Adds a principal.
    pub fn add_principal(&mut self, principal: Principal) {
        self.counts.principals += 1;
        self.inventory.add_principal(principal);
    }

    /// Adds a group membership.
    pub fn add_membership(&mut self, membership: Membership) {
        self.counts.memberships += 1;
        self.inventory.add_membership(membership);
    }

    /// Adds a role definition.
    pub fn add_role_definition(&mut self, definition: RoleDefinition) {
        self.counts.role_definitions += 1;
        self.inventory.add_role_definition(definition);
    }

    /// Adds a role assignment.
    pub fn add_role_assignment(&mut self, assignment: RoleAssignment) {
        self.counts.role_assignments += 1;
        self.inventory.add_role_assignment(assignment);
    }

    /// Adds a scope (management group, subscription, resource group).
    pub fn add_scope(&mut self, scope: Scope) {
        self.counts.scopes += 1;
        self.inventory.add_scope(scope);
    }

    /// Adds a Key Vault access policy.
    pub fn add_access_policy(&mut self, policy: AccessPolicy) {
        self.counts.access_policies += 1;
        self.inventory.add_access_policy(policy);
    }

    /// Adds a federated credential.
    pub fn add_federated_credential(&mut self, credential: FederatedCredential) {
        self.counts.federated_credentials += 1;
        self.inventory.add_federated_credential(credential);
    }
}
