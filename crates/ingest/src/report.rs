//! What loading said about each file: its format, what it held, and its diagnostics.

use std::fmt;

/// How serious a diagnostic is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something was not read: an object, or the whole file.
    Error,
    /// Read, but doubtful or partly ignored.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem, located: the file, the JSON path inside it, and a plain sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// The file's name as given.
    pub file: String,
    /// JSON Pointer to the place (`/resources/3/identity`); empty for the whole file.
    pub path: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.path.is_empty() { String::new() } else { format!(" at {}", self.path) };
        write!(f, "{}: {}{}: {}", self.severity.as_str(), self.file, place, self.message)
    }
}

/// The formats Blastmap recognises, by content.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Blastmap's own `blastmap/inventory/v1`.
    BlastmapInventory,
    /// Blastmap's environment mapping, `blastmap/environments/v1`.
    EnvironmentMapping,
    /// A JSON array of objects: az CLI output, `Search-AzGraph` or `ConvertTo-Json`.
    JsonArray,
    /// A REST list, `{"value": [...]}`: ARM or Microsoft Graph.
    RestList,
    /// An Azure Resource Graph result: `az graph query` or the REST body.
    ResourceGraph,
    /// An Azure Resource Graph result in the old table form (`columns` and `rows`).
    ResourceGraphTable,
    /// A REST API specification example (`parameters` and `responses`).
    RestExample,
    /// One object: `az ... show`, a REST GET.
    SingleObject,
    /// A map from role GUIDs to role names.
    RoleNames,
    /// AzureHound output (`{"data": [{"kind", "data"}], "meta": {"type": "azure"}}`).
    AzureHound,
    /// An ARM deployment template (a design: hand-written, exported or compiled from Bicep).
    ArmTemplate,
    /// An ARM parameter file (`deploymentParameters.json`), applied to its template.
    ArmParameters,
    /// `terraform show -json` of a plan.
    TerraformPlan,
    /// `terraform show -json` of state.
    TerraformState,
    /// A raw `terraform.tfstate` (version 4).
    TerraformStateFile,
}

impl Format {
    /// A name for people.
    pub fn label(self) -> &'static str {
        match self {
            Format::BlastmapInventory => "Blastmap inventory (blastmap/inventory/v1)",
            Format::EnvironmentMapping => "environment mapping (blastmap/environments/v1)",
            Format::JsonArray => "JSON list (az CLI, Search-AzGraph or ConvertTo-Json)",
            Format::RestList => "REST list (ARM or Microsoft Graph)",
            Format::ResourceGraph => "Azure Resource Graph result",
            Format::ResourceGraphTable => "Azure Resource Graph result (table form)",
            Format::RestExample => "REST API example",
            Format::SingleObject => "single object (az show or REST GET)",
            Format::RoleNames => "role names by GUID",
            Format::AzureHound => "AzureHound export",
            Format::ArmTemplate => "ARM template (design)",
            Format::ArmParameters => "ARM parameter file",
            Format::TerraformPlan => "Terraform plan (terraform show -json)",
            Format::TerraformState => "Terraform state (terraform show -json)",
            Format::TerraformStateFile => "Terraform state file (terraform.tfstate v4)",
        }
    }
}

/// How many objects of each kind a file held (before merging with other files).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Resources, user-assigned identities included.
    pub resources: usize,
    /// User-assigned identities.
    pub identities: usize,
    /// Identities attached to sources.
    pub attachments: usize,
    /// Principals.
    pub principals: usize,
    /// Group memberships.
    pub memberships: usize,
    /// Role definitions.
    pub role_definitions: usize,
    /// Role assignments.
    pub role_assignments: usize,
    /// Federated identity credentials.
    pub federated_credentials: usize,
    /// Key Vault access policies.
    pub access_policies: usize,
    /// Management groups, subscriptions and resource groups.
    pub scopes: usize,
}

impl Counts {
    /// Every object counted.
    pub fn total(&self) -> usize {
        self.resources
            + self.attachments
            + self.principals
            + self.memberships
            + self.role_definitions
            + self.role_assignments
            + self.federated_credentials
            + self.access_policies
            + self.scopes
    }
}

/// What loading one file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReport {
    /// The file's name as given.
    pub name: String,
    /// The format recognised, if any.
    pub format: Option<Format>,
    /// Objects read.
    pub counts: Counts,
    /// Problems found.
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    /// What the file was read as, for people: its format, or, without one, whether anything
    /// was read (a list cut short keeps what came before the cut).
    pub fn read_as(&self) -> &'static str {
        match self.format {
            Some(format) => format.label(),
            None if self.counts.total() > 0 => "read in part",
            None => "nothing read",
        }
    }
}
