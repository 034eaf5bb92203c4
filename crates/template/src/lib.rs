//! Expands an ARM template into the resources it would deploy: every resource (nested inline
//! deployments included) with its evaluated id, name, type, location, tags, kind, identity and
//! properties, the JSON path of its declaration, and diagnostics for what could not be
//! evaluated. Pure: text in, values out.

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
    schema.contains("deploymentparameters") || schema.contains("subscriptiondeploymentparameters")
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
