//! ARM templates and their parameter files: a design, read as what it would deploy.
//!
//! `blastmap-template` expands each template (expressions, loops, conditions, nested
//! deployments) with the values of the parameter files paired with it and the user's
//! [`DeploymentContext`]. Every expanded resource is then read by the same code that reads
//! exports (`export::read_one`), so identities, attachments, role assignments, custom roles,
//! federated credentials and access policies mean exactly what they mean in an export. Each
//! object's origin is the template file and the JSON path of its declaration in the template.
//!
//! Parameter files are recognised by content too, and paired with the template whose declared
//! parameter names fit them best, wherever they are in the list of files.

use blastmap_model::{Environment, arm};
use blastmap_template::{Context, Document, ExpandedResource, Parameters, Template, Value};
use serde_json::value::RawValue;

use crate::report::Format;
use crate::sink::Sink;
use crate::{SourceFile, text};

/// Where and as what a design is deployed. Unset values become marked placeholders
/// (`{subscriptionId}`, `{resourceGroup}`, `{location}`), never invented values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeploymentContext {
    /// The subscription's id.
    pub subscription_id: Option<String>,
    /// The resource group's name (for resource-group templates).
    pub resource_group: Option<String>,
    /// The default location.
    pub location: Option<String>,
    /// The environment the deployment is (`prod`, `dev`), for the analysis's lanes.
    pub environment: Option<String>,
}

/// What a file is, when it is a template or a parameter file.
pub(crate) enum Role {
    /// A template.
    Template {
        template: Template,
        /// The indexes of the parameter files paired with it, in file order.
        parameter_files: Vec<usize>,
    },
    /// A parameter file.
    Parameters {
        parameters: Parameters,
        /// The index of its template, if one fits.
        template: Option<usize>,
        /// How many templates it was chosen among.
        candidates: usize,
    },
}

/// Bytes of a file's start searched for a template's or parameter file's `$schema`.
pub(crate) const SNIFF_BYTES: usize = 4096;

/// Recognises templates and parameter files among `files` and pairs them. Other files get
/// `None` and are read as before.
pub(crate) fn plan(files: &[SourceFile<'_>]) -> Vec<Option<Role>> {
    let mut roles: Vec<Option<Role>> = files.iter().map(recognise).collect();
    let templates: Vec<usize> = (0..roles.len()).filter(|&i| matches!(roles[i], Some(Role::Template { .. }))).collect();
    for index in 0..roles.len() {
        let Some(Role::Parameters { parameters, .. }) = &roles[index] else { continue };
        let best = templates
            .iter()
            .filter_map(|&t| match &roles[t] {
                Some(Role::Template { template, .. }) => Some((template.fit(parameters), t)),
                _ => None,
            })
            .filter(|(fit, _)| *fit > 0)
            // The best fit; among equals, the first template.
            .min_by_key(|(fit, t)| (-fit, *t))
            .map(|(_, t)| t);
        if let Some(Role::Parameters { template, candidates, .. }) = &mut roles[index] {
            *template = best;
            *candidates = templates.len();
        }
        if let Some(t) = best
            && let Some(Role::Template { parameter_files, .. }) = &mut roles[t]
        {
            parameter_files.push(index);
        }
    }
    roles
}

/// Whether `file` may be a template or a parameter file: its start names a `$schema` of one.
/// Cheap: no parse; [`plan`] decides.
pub(crate) fn may_be_design(file: &SourceFile<'_>) -> bool {
    let head = &file.bytes[..file.bytes.len().min(SNIFF_BYTES)];
    let head = match head {
        // PowerShell writes UTF-16: its ASCII letters are every other byte.
        [0xFF, 0xFE, rest @ ..] => rest.iter().step_by(2).map(|&b| char::from(b)).collect(),
        [0xFE, 0xFF, rest @ ..] => rest.iter().skip(1).step_by(2).map(|&b| char::from(b)).collect(),
        _ => String::from_utf8_lossy(head).into_owned(),
    }
    .to_ascii_lowercase();
    head.contains("deploymenttemplate") || head.contains("deploymentparameters")
}

fn recognise(file: &SourceFile<'_>) -> Option<Role> {
    if !may_be_design(file) {
        return None;
    }
    let text = text::decode(file.bytes).ok()?;
    match blastmap_template::parse(&text) {
        Ok(Some(Document::Template(template))) => Some(Role::Template { template, parameter_files: Vec::new() }),
        Ok(Some(Document::Parameters(parameters))) => {
            Some(Role::Parameters { parameters, template: None, candidates: 0 })
        }
        _ => None,
    }
}

/// Reads a file `plan` recognised as `role`; `roles` and `files` are every file's.
pub(crate) fn read(
    role: &Role,
    roles: &[Option<Role>],
    files: &[SourceFile<'_>],
    context: &DeploymentContext,
    sink: &mut Sink<'_>,
) -> Format {
    match role {
        Role::Template { template, parameter_files } => {
            read_template(template, parameter_files, roles, files, context, sink);
            Format::ArmTemplate
        }
        Role::Parameters { parameters, template, candidates } => {
            match template.and_then(|t| files.get(t)) {
                Some(file) => {
                    let given = parameters.names().count();
                    let choice = if *candidates > 1 {
                        format!(", the best fit of the {candidates} templates given")
                    } else {
                        String::new()
                    };
                    sink.info("", format!("the values of {given} parameters for {}{choice}", file.name));
                }
                None => sink.warning(
                    "",
                    "a parameter file, but no template given declares these parameters: not used".to_owned(),
                ),
            }
            Format::ArmParameters
        }
    }
}

fn read_template(
    template: &Template,
    parameter_files: &[usize],
    roles: &[Option<Role>],
    files: &[SourceFile<'_>],
    context: &DeploymentContext,
    sink: &mut Sink<'_>,
) {
    let parameters: Vec<&Parameters> = parameter_files
        .iter()
        .filter_map(|&i| match roles.get(i) {
            Some(Some(Role::Parameters { parameters, .. })) => Some(parameters),
            _ => None,
        })
        .collect();
    for &i in parameter_files {
        if let Some(file) = files.get(i) {
            sink.info("", format!("parameter values from {}", file.name));
        }
    }
    let template_context = Context {
        subscription_id: context.subscription_id.clone(),
        resource_group: context.resource_group.clone(),
        location: context.location.clone(),
    };
    let expansion = template.expand(&parameters, &template_context);
    if let Some(word) = &context.environment {
        match Environment::from_word(word) {
            Some(environment) => {
                let scope = sink.inventory.key(&expansion.scope);
                let origin = sink.origin("");
                sink.inventory.add_environment_scope(scope, environment, origin);
            }
            None => sink.warning("", format!("the deployment environment {word:?} is not one Blastmap knows; ignored")),
        }
    }
    for diagnostic in &expansion.diagnostics {
        let message = diagnostic.message.clone();
        match diagnostic.severity {
            blastmap_template::Severity::Error => sink.error(&diagnostic.path, message),
            blastmap_template::Severity::Warning => sink.warning(&diagnostic.path, message),
            blastmap_template::Severity::Info => sink.info(&diagnostic.path, message),
        }
    }
    for resource in &expansion.resources {
        // Resource groups (a subscription template creates them) are scopes, not resources.
        let placed = arm::level(&resource.id).is_some_and(|level| level != arm::ScopeLevel::Root)
            && arm::extended_scope(&resource.id).is_none_or(|scope| arm::level(scope).is_some());
        if !placed {
            sink.warning(
                &resource.path,
                format!(
                    "{} is placed by a value known only at deployment ({}): not read",
                    resource.resource_type, resource.id
                ),
            );
            continue;
        }
        let record = match access_policies_of_vault(resource) {
            Some(vault) => vault,
            None => record_of(resource, sink),
        };
        let Ok(raw) = RawValue::from_string(record.to_string()) else { continue };
        crate::export::read_one(raw.get(), &raw, &resource.path, None, sink);
    }
}

/// A vault's `accessPolicies` child (`Microsoft.KeyVault/vaults/accessPolicies`, name `add`,
/// `replace` or `remove`) as the vault record exports have, so that it is read as one. Only
/// `add` and `replace` grant anything.
fn access_policies_of_vault(resource: &ExpandedResource) -> Option<serde_json::Value> {
    let child = resource.resource_type.eq_ignore_ascii_case("Microsoft.KeyVault/vaults/accessPolicies");
    let granting = ["add", "replace"].iter().any(|n| arm::last_segment(&resource.name).eq_ignore_ascii_case(n));
    if !child || !granting {
        return None;
    }
    let vault = &resource.id[..resource.id.to_ascii_lowercase().rfind("/accesspolicies/")?];
    let policies = resource.properties.get("accessPolicies")?.to_json();
    Some(serde_json::json!({
        "id": vault,
        "type": "Microsoft.KeyVault/vaults",
        "properties": {"accessPolicies": policies},
    }))
}

/// Drops the user-assigned identities named by something other than an id (a parameter with
/// no value, say), which no one can tell before deployment, and says so.
fn known_identities(identity: &Value, path: &str, sink: &mut Sink<'_>) -> serde_json::Value {
    let mut json = identity.to_json();
    let key =
        json.as_object().and_then(|o| o.keys().find(|k| k.eq_ignore_ascii_case("userAssignedIdentities")).cloned());
    if let Some(serde_json::Value::Object(identities)) = key.and_then(|k| json.get_mut(&k)) {
        identities.retain(|id, _| {
            let known = arm::level(id) == Some(arm::ScopeLevel::Resource);
            if !known {
                sink.warning(
                    &format!("{path}/identity/userAssignedIdentities"),
                    format!(
                        "a user-assigned identity given as {id}, known only at deployment: its attachment is not read"
                    ),
                );
            }
            known
        });
    }
    json
}

/// An expanded resource as the ARM REST shape exports have.
fn record_of(resource: &ExpandedResource, sink: &mut Sink<'_>) -> serde_json::Value {
    let mut record = serde_json::Map::new();
    record.insert("id".to_owned(), resource.id.clone().into());
    // Exports name a child by its last segment; a role definition's name is its GUID.
    let name = resource.name.rsplit('/').next().unwrap_or(&resource.name);
    record.insert("name".to_owned(), name.into());
    record.insert("type".to_owned(), resource.resource_type.clone().into());
    for (key, value) in [
        ("location", &resource.location),
        ("tags", &resource.tags),
        ("kind", &resource.kind),
        ("properties", &resource.properties),
    ] {
        if *value != Value::Null {
            record.insert(key.to_owned(), value.to_json());
        }
    }
    // A wholly unknown identity was reported by the expansion; there is nothing to read in it.
    if !matches!(resource.identity, Value::Null | Value::Unknown(_)) {
        record.insert("identity".to_owned(), known_identities(&resource.identity, &resource.path, sink));
    }
    serde_json::Value::Object(record)
}
