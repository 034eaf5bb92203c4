//! Expands an ARM template into the resources it would deploy.
//!
//! Architects review designs before anything is deployed, and the design of an Azure
//! deployment is an ARM template: hand-written, exported from the portal, or compiled from
//! Bicep. Blastmap analyses what a design *would* create, so this crate does what Azure
//! Resource Manager does with a template up to the point where it would call the resource
//! providers: it reads the text, evaluates every expression, expands loops and conditions and
//! nested deployments, and returns every resource with its evaluated id, name, type, location,
//! tags, kind, identity and properties ([`ExpandedResource`]), the JSON path of its
//! declaration in the file, and [`Diagnostic`]s for what could not be evaluated. It is pure:
//! text in, values out; no I/O, no clock, no randomness.
//!
//! # Reading
//!
//! ARM is more lenient than JSON: `//` and `/* */` comments, line breaks inside strings (the
//! quickstart `rbac-builtinrole-multiplevms` splits a `guid(...)` over three lines) and
//! trailing commas. JSON5 parsers, the nearest match, reject a raw line break inside a
//! string, so a small pre-pass ([`to_strict_json`]) rewrites the three for `serde_json`,
//! keeping line numbers. [`parse`] recognises templates and
//! parameter files by their `$schema` (resource group, subscription, management group and
//! tenant templates; `deploymentParameters.json`).
//!
//! # Expressions
//!
//! A string `"[...]"` is an expression, `"[[..."` a literal starting with `[`. The expression
//! language is tokenized and parsed into an [`Expr`] tree (calls, `.property`, `['property']`,
//! `[index]`) and evaluated against the deployment: parameters and variables (evaluated on
//! first use, so order does not matter, cycles are reported), copy indexes, lambda variables,
//! user-defined functions, the `resourceId` family, `resourceGroup()`, `subscription()`,
//! `tenant()`, `managementGroup()`, `deployment()`, `environment()` (the public cloud), and
//! `reference()` of resources in the template. `uniqueString` and `guid` are computed exactly
//! as ARM computes them (a 64-bit Murmur variant in base 32; a version-5 UUID in ARM's
//! namespace), so names built from them are the names a deployment would create. Property
//! names compare without case, as in ARM.
//!
//! # The unknown value
//!
//! Much of a deployment is known only when it runs: keys (`listKeys`), timestamps
//! (`utcNow`), runtime properties of resources, Key Vault secrets passed as parameters,
//! parameters of non-string types given no value. These evaluate to [`Value::Unknown`], which
//! carries what it stands for in template syntax. An unknown argument makes a function's
//! result unknown (`concat('a', unknown)` is unknown), except where the result does not depend
//! on it (`createArray(1, unknown)` is an array of two elements, `and(false, unknown)` is
//! false, `if` evaluates only the branch it takes). Property access on an unknown is unknown.
//! An unknown never drops a resource: its place in a string or id is shown as `{what}`, and
//! the resources whose identity or role assignment fields stay unknown are reported. A
//! template error (a missing variable, a type error, an unparsable expression) also becomes an
//! unknown value, with a warning at its JSON path.
//!
//! # Placeholders
//!
//! Values the deployment context does not give are placeholders, never invented values:
//! `{subscriptionId}`, `{resourceGroup}`, `{location}`, `{tenantId}`, `{managementGroup}` and
//! `{deploymentName}`, said once per template in an info diagnostic. A string parameter with
//! neither a value nor a default becomes `{parameters('name')}`, so that the ids built from it
//! keep their shape and `reference(parameters('name'))` still finds the resource it names;
//! other parameter types without a value are unknown, nullable ones are `null`.
//!
//! Identities get placeholder ids where Azure would assign real ones. The principal id of
//! the identity of resource `R` (a user-assigned identity, or a resource's system-assigned
//! identity) is `{principalId of r}` with `r` the lower-cased id of `R`; its client id is
//! `{clientId of r}` ([`principal_id_placeholder`], [`client_id_placeholder`]). The
//! expanded identity carries them (in `identity.principalId`, in each value of
//! `identity.userAssignedIdentities`, in a user-assigned identity's `properties`), and
//! `reference(R)` and `reference(R, ..., 'full').identity` return them, also for identities
//! the template does not declare. So a role assignment whose `principalId` is
//! `[reference(...).principalId]` names exactly the identity it grants, and an importer that
//! reads both links them.
//!
//! # Deployments
//!
//! Resources are declared as an array, or as an object keyed by symbolic name
//! (`languageVersion` 2.0, where `reference('msi')` and `reference('loop[2]')` name them).
//! Each declaration becomes its instances: `copy` loops (at most 800, ARM's own limit),
//! `condition` (false: not deployed, and nothing else of it evaluated), child resources nested
//! in `resources`. Ids come from the deployment's scope, a `scope` property (absolute, or
//! relative like `Microsoft.Compute/virtualMachines/vm`), or cross-scope `subscriptionId` and
//! `resourceGroup`; the legacy `<parent>/providers/Microsoft.Authorization/roleAssignments`
//! form becomes the extension resource it declares. `existing` resources are not deployed,
//! but their ids resolve and `reference()` reads them. Property `copy` arrays and variable
//! `copy` loops are expanded. A `Microsoft.Resources/deployments` with an inline template
//! (also one held in a variable, as Bicep's `loadJsonContent` leaves it) is expanded in its
//! own frame at its own scope: `inner` evaluation with the parameters it is passed (`null`
//! takes the default), `outer` with the parent's; its `outputs` are what
//! `reference(deployment).outputs.x.value` reads. Resource bodies are evaluated on demand,
//! so `reference()` works whatever the declaration order; `dependsOn` is not needed for it.
//!
//! # Limits
//!
//! A hostile template cannot hang or exhaust memory: expressions nest at most 64 levels,
//! lazy evaluations 200, nested deployments 16, built values 100; a template expands to at
//! most 20,000 resources; one expansion evaluates at most a million expression and JSON nodes
//! (the largest corpus template needs under 300,000); strings and collections stop at a
//! million bytes or elements; `sort` orders at most 2,000 elements.
//! Past a limit the value is unknown and a warning says which limit.
//!
//! # Not supported
//!
//! Linked templates (`templateLink`: the file is elsewhere, reported as unresolved),
//! template specs, the runtime values of resources (only what the template declares, plus the
//! identity placeholders), `list*` functions' results, date functions, `pickZones`,
//! `dependsOn` ordering (not needed), Bicep extensibility (`imports`, extension resources
//! of other providers), and the `what-if` semantics of `mode: Complete`.

mod deploy;
mod eval;
mod expr;
mod functions;
mod hash;
mod lenient;
mod value;

use std::collections::BTreeMap;

pub use expr::{Expr, parse as parse_expression};
pub use lenient::to_strict_json;
pub use value::{Lambda, Object, Value, placeholder};

/// Where and how the template is deployed: what `subscription()`, `resourceGroup()` and
/// default locations return. Unset fields become the placeholders [`SUBSCRIPTION_PLACEHOLDER`],
/// [`RESOURCE_GROUP_PLACEHOLDER`] and [`LOCATION_PLACEHOLDER`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    /// The subscription's id (a GUID).
    pub subscription_id: Option<String>,
    /// The resource group's name.
    pub resource_group: Option<String>,
    /// The location (`westeurope`).
    pub location: Option<String>,
}

/// The subscription id used when the context gives none.
pub const SUBSCRIPTION_PLACEHOLDER: &str = "{subscriptionId}";
/// The resource group name used when the context gives none.
pub const RESOURCE_GROUP_PLACEHOLDER: &str = "{resourceGroup}";
/// The location used when the context gives none.
pub const LOCATION_PLACEHOLDER: &str = "{location}";
/// The tenant id (never in the context: a design does not know it).
pub const TENANT_PLACEHOLDER: &str = "{tenantId}";
/// The management group a management-group template is deployed to.
pub const MANAGEMENT_GROUP_PLACEHOLDER: &str = "{managementGroup}";
/// The top-level deployment's name.
pub const DEPLOYMENT_PLACEHOLDER: &str = "{deploymentName}";

/// The principal (object) id given to the identity of the resource `resource_id`: a
/// user-assigned identity, or the system-assigned identity of any resource. `reference(...)`
/// returns it, and the expanded identity carries it, so a role assignment to
/// `reference(...).principalId` names the identity it means.
pub fn principal_id_placeholder(resource_id: &str) -> String {
    format!("{{principalId of {}}}", resource_id.trim_end_matches('/').to_ascii_lowercase())
}

/// The client (application) id of a user-assigned identity, as [`principal_id_placeholder`].
pub fn client_id_placeholder(resource_id: &str) -> String {
    format!("{{clientId of {}}}", resource_id.trim_end_matches('/').to_ascii_lowercase())
}

/// How serious a diagnostic is.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The template could not be read at all.
    Error,
    /// Something was not evaluated, or is doubtful.
    Warning,
    /// Worth knowing.
    Info,
}

/// A problem, at a JSON Pointer inside the template file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// JSON Pointer inside the template (`/resources/3/properties/principalId`).
    pub path: String,
    /// What happened, in a sentence.
    pub message: String,
}

/// One resource the template would deploy, evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpandedResource {
    /// JSON Pointer of its declaration in the template file (`/resources/2`, or
    /// `/resources/1/properties/template/resources/msi` inside a nested deployment). Every
    /// instance of a copy loop has its declaration's path.
    pub path: String,
    /// The symbolic name (languageVersion 2.0), when it has one.
    pub symbolic_name: Option<String>,
    /// The ARM id; unknown parts appear as placeholders (`{subscriptionId}`).
    pub id: String,
    /// The full name (`parent/child` for child resources).
    pub name: String,
    /// The full type (`Microsoft.Web/sites/config`).
    pub resource_type: String,
    /// `location`.
    pub location: Value,
    /// `tags`.
    pub tags: Value,
    /// `kind`.
    pub kind: Value,
    /// `identity`, with placeholder principal and client ids where Azure would assign them.
    pub identity: Value,
    /// `properties`.
    pub properties: Value,
}

/// What a template deploys.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Expansion {
    /// Every resource deployed, nested deployments' included, in evaluation order. Deployments
    /// themselves and `existing` resources are not in it.
    pub resources: Vec<ExpandedResource>,
    /// The id of the scope the template deploys to (`/subscriptions/{s}/resourceGroups/{rg}`,
    /// `/` for the tenant), placeholders included.
    pub scope: String,
    /// The template's outputs by name, as `{"type", "value"}` objects.
    pub outputs: Object,
    /// What could not be evaluated.
    pub diagnostics: Vec<Diagnostic>,
}

/// The scope a template deploys to, from its `$schema`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum TargetScope {
    /// `deploymentTemplate.json`.
    ResourceGroup,
    /// `subscriptionDeploymentTemplate.json`.
    Subscription,
    /// `managementGroupDeploymentTemplate.json`.
    ManagementGroup,
    /// `tenantDeploymentTemplate.json`.
    Tenant,
}

impl TargetScope {
    /// The scope a `$schema` URL names, if it names a deployment template.
    pub fn of_schema(schema: &str) -> Option<TargetScope> {
        let schema = schema.to_ascii_lowercase();
        Some(if schema.contains("subscriptiondeploymenttemplate") {
            TargetScope::Subscription
        } else if schema.contains("managementgroupdeploymenttemplate") {
            TargetScope::ManagementGroup
        } else if schema.contains("tenantdeploymenttemplate") {
            TargetScope::Tenant
        } else if schema.contains("deploymenttemplate") {
            TargetScope::ResourceGroup
        } else {
            return None;
        })
    }
}

/// A parsed template.
#[derive(Clone, Debug)]
pub struct Template {
    json: serde_json::Map<String, serde_json::Value>,
    /// Where it deploys.
    pub target: TargetScope,
}

/// A parsed parameter file (`deploymentParameters.json`): each parameter's entry,
/// `{"value": ...}` or `{"reference": {"keyVault": ..., "secretName": ...}}`.
#[derive(Clone, Debug, Default)]
pub struct Parameters {
    entries: BTreeMap<String, serde_json::Value>,
}

/// A file read as a template or a parameter file.
#[derive(Clone, Debug)]
pub enum Document {
    /// A deployment template.
    Template(Template),
    /// A parameter file.
    Parameters(Parameters),
}

/// True when `schema` names a deployment parameter file.
fn is_parameters_schema(schema: &str) -> bool {
    let schema = schema.to_ascii_lowercase();
    schema.contains("deploymentparameters")
}

/// Reads template or parameter-file text leniently (comments, line breaks in strings,
/// trailing commas). `Ok(None)`: valid JSON, but neither.
pub fn parse(text: &str) -> Result<Option<Document>, String> {
    let strict = to_strict_json(text);
    let json: serde_json::Value = serde_json::from_str(&strict).map_err(|e| e.to_string())?;
    let serde_json::Value::Object(map) = json else { return Ok(None) };
    let schema =
        map.iter().find(|(k, _)| k.eq_ignore_ascii_case("$schema")).and_then(|(_, v)| v.as_str()).unwrap_or("");
    if is_parameters_schema(schema) {
        let entries = match map.get("parameters") {
            Some(serde_json::Value::Object(p)) => p.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            _ => BTreeMap::new(),
        };
        return Ok(Some(Document::Parameters(Parameters { entries })));
    }
    Ok(TargetScope::of_schema(schema).map(|target| Document::Template(Template { json: map, target })))
}

impl Parameters {
    /// The names of the parameters it sets.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }
}

impl Template {
    /// The names of the parameters the template declares.
    pub fn parameter_names(&self) -> Vec<&str> {
        match self.json.get("parameters") {
            Some(serde_json::Value::Object(p)) => p.keys().map(String::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// How well `parameters` fits this template: the names both have, less the names only the
    /// parameter file has. Higher is better.
    pub fn fit(&self, parameters: &Parameters) -> i64 {
        let declared = self.parameter_names();
        parameters.names().fold(0, |score, name| {
            if declared.iter().any(|d| d.eq_ignore_ascii_case(name)) { score + 1 } else { score - 1 }
        })
    }

    /// Evaluates the template with the values of `parameters` (later files win) in `context`.
    pub fn expand(&self, parameters: &[&Parameters], context: &Context) -> Expansion {
        deploy::expand(self, parameters, context)
    }
}

/// Parses and expands `text` in one call; a file that is not a template gives an error
/// diagnostic and nothing else.
pub fn expand(text: &str, parameters: &[&Parameters], context: &Context) -> Expansion {
    let error = |message: String| Expansion {
        diagnostics: vec![Diagnostic { severity: Severity::Error, path: String::new(), message }],
        ..Expansion::default()
    };
    match parse(text) {
        Ok(Some(Document::Template(template))) => template.expand(parameters, context),
        Ok(_) => error("not an ARM deployment template".to_owned()),
        Err(e) => error(format!("not valid JSON, even read as leniently as ARM does: {e}")),
    }
}
