//! What a person tells Blastmap in the settings panel: where designs are deployed (the
//! deployment context) and what their scopes, tags and words mean (the environment mapping).
//!
//! Plain Rust, tested natively: the panel edits a [`Settings`] and hands it back. Settings are
//! stored, exported and imported as one JSON document, `blastmap/settings/v1`, whose
//! `environments` member is exactly a `blastmap/environments/v1` mapping, so the CLI reads it
//! too:
//!
//! ```json
//! {"schema": "blastmap/settings/v1",
//!  "deployment": {"subscriptionId": "…", "resourceGroup": "…", "location": "…", "environment": "prod"},
//!  "environments": {"schema": "blastmap/environments/v1", "scopes": {…}, "tagNames": […], "words": {…}}}
//! ```

use blastmap_ingest::DeploymentContext;
use blastmap_ingest::native::ENVIRONMENTS_SCHEMA;
use blastmap_model::Environment;
use serde_json::{Map, Value};

/// The schema of the settings document.
pub const SCHEMA: &str = "blastmap/settings/v1";

/// The name the mapping goes by among the loaded files (its diagnostics name it).
pub const MAPPING_FILE_NAME: &str = "settings: environment mapping";

/// The environments a person can choose: every one but "unknown", which is no statement.
pub const CHOICES: [Environment; 4] = [Environment::Dev, Environment::Test, Environment::Uat, Environment::Prod];

/// Everything the settings panel edits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Where designs are deployed.
    pub deployment: Deployment,
    /// What scopes, tags and words mean.
    pub mapping: Mapping,
}

/// The deployment context as typed; blank means unset (a placeholder such as `{subscriptionId}`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deployment {
    /// The subscription's id, a GUID.
    pub subscription_id: String,
    /// The resource group's name.
    pub resource_group: String,
    /// The default location.
    pub location: String,
    /// The environment the deployment is.
    pub environment: Option<Environment>,
}

/// The environment mapping as edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    /// Scope ids (or bare subscription ids) and their environments.
    pub scopes: Vec<Row>,
    /// Extra tag names that state an environment, comma-separated as typed.
    pub tag_names: String,
    /// Words (tag values, name tokens) and what they mean.
    pub words: Vec<Row>,
}

/// One line of the mapping: a scope id or a word, and the environment it means. Rows left blank
/// are ignored, so a row just added never blocks Apply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The scope id or the word.
    pub key: String,
    /// What it means.
    pub environment: Environment,
}

impl Default for Row {
    fn default() -> Self {
        Row { key: String::new(), environment: Environment::Dev }
    }
}

/// The field a problem belongs to, so the panel can say it beside that field.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Field {
    /// The subscription id.
    SubscriptionId,
    /// The scope row at this index.
    Scope(usize),
    /// The word row at this index.
    Word(usize),
}

/// Something that keeps settings from being applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where.
    pub field: Field,
    /// What is wrong, as a sentence.
    pub message: String,
}

/// Whether `text` is a GUID (`8-4-4-4-12` hexadecimal digits), as Azure writes subscription ids.
pub fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// The rows with a key, trimmed.
fn stated(rows: &[Row]) -> impl Iterator<Item = (usize, &str, Environment)> {
    rows.iter().enumerate().map(|(i, r)| (i, r.key.trim(), r.environment)).filter(|(_, key, _)| !key.is_empty())
}

/// A problem for each row whose key (compared case-insensitively, as Azure does) was stated
/// above it.
fn repeated(rows: &[Row], field: fn(usize) -> Field) -> Vec<Problem> {
    let mut seen: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    for (i, key, _) in stated(rows) {
        let lower = key.to_ascii_lowercase();
        if seen.contains(&lower) {
            problems.push(Problem { field: field(i), message: "stated twice: keep one row".to_owned() });
        } else {
            seen.push(lower);
        }
    }
    problems
}

impl Settings {
    /// What keeps these settings from being applied; empty when they can be.
    pub fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let subscription = self.deployment.subscription_id.trim();
        if !subscription.is_empty() && !is_guid(subscription) {
            problems.push(Problem {
                field: Field::SubscriptionId,
                message: "not a subscription id: expected a GUID like 0b1f6471-1bf0-4dda-aec3-cb9272f09590".to_owned(),
            });
        }
        for (i, key, _) in stated(&self.mapping.scopes) {
            if !is_guid(key) && !key.starts_with('/') {
                problems.push(Problem {
                    field: Field::Scope(i),
                    message: "expected a subscription id (a GUID) or a scope id starting with /".to_owned(),
                });
            }
        }
        problems.extend(repeated(&self.mapping.scopes, Field::Scope));
        problems.extend(repeated(&self.mapping.words, Field::Word));
        problems
    }

    /// The deployment context for ingest: blank values unset.
    pub fn context(&self) -> DeploymentContext {
        let set = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        let d = &self.deployment;
        DeploymentContext {
            subscription_id: set(&d.subscription_id),
            resource_group: set(&d.resource_group),
            location: set(&d.location),
            environment: d.environment.map(|e| e.as_str().to_owned()),
        }
    }

    /// The mapping as a `blastmap/environments/v1` file for ingest, or `None` when it states
    /// nothing (then no file is loaded, and none is listed).
    pub fn mapping_file(&self) -> Option<String> {
        (!self.mapping.is_empty()).then(|| self.mapping.to_value().to_string())
    }

    /// The `blastmap/settings/v1` document, pretty-printed (stored, and exported).
    pub fn to_json(&self) -> String {
        let d = &self.deployment;
        let mut deployment = Map::new();
        for (name, value) in [
            ("subscriptionId", d.subscription_id.trim()),
            ("resourceGroup", d.resource_group.trim()),
            ("location", d.location.trim()),
            ("environment", d.environment.map_or("", Environment::as_str)),
        ] {
            if !value.is_empty() {
                deployment.insert(name.to_owned(), Value::from(value));
            }
        }
        let mut document = Map::new();
        document.insert("schema".to_owned(), Value::from(SCHEMA));
        document.insert("deployment".to_owned(), Value::Object(deployment));
        document.insert("environments".to_owned(), self.mapping.to_value());
        serde_json::to_string_pretty(&Value::Object(document)).unwrap_or_default()
    }

    /// These settings with what `text` holds: a whole `blastmap/settings/v1` document replaces
    /// both parts, a `blastmap/environments/v1` mapping replaces the mapping only. Nothing is
    /// replaced when `text` is not one of them; the error says why.
    pub fn import(&self, text: &str) -> Result<Settings, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?;
        let object = value.as_object().ok_or("not a settings file: expected a JSON object")?;
        match object.get("schema").and_then(Value::as_str) {
            Some(SCHEMA) => {
                only_members(object, &["schema", "deployment", "environments"], "")?;
                let deployment = match object.get("deployment") {
                    Some(value) => Deployment::from_value(value)?,
                    None => Deployment::default(),
                };
                let mapping = match object.get("environments") {
                    Some(value) => Mapping::from_value(value, "environments/")?,
                    None => Mapping::default(),
                };
                Ok(Settings { deployment, mapping })
            }
            Some(ENVIRONMENTS_SCHEMA) => {
                Ok(Settings { deployment: self.deployment.clone(), mapping: Mapping::from_value(&value, "")? })
            }
            _ => Err(format!("not a settings file: expected the schema {SCHEMA} or {ENVIRONMENTS_SCHEMA}")),
        }
    }
}

/// An error unless every member of `object` is one of `allowed` (as the CLI reads mappings:
/// a misspelt member is an error, not silently nothing).
fn only_members(object: &Map<String, Value>, allowed: &[&str], at: &str) -> Result<(), String> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(unknown) => Err(format!("{at}{unknown}: not a member Blastmap knows (expected {})", allowed.join(", "))),
        None => Ok(()),
    }
}

fn text_at<'a>(value: &'a Value, at: &str) -> Result<&'a str, String> {
    value.as_str().ok_or_else(|| format!("{at}: expected text"))
}

fn environment_at(value: &Value, at: &str) -> Result<Environment, String> {
    let word = text_at(value, at)?;
    Environment::from_word(word)
        .ok_or_else(|| format!("{at}: {word:?} is not an environment (dev, test, uat, prod or a synonym)"))
}

impl Deployment {
    fn from_value(value: &Value) -> Result<Deployment, String> {
        let object = value.as_object().ok_or("deployment: expected an object")?;
        only_members(object, &["subscriptionId", "resourceGroup", "location", "environment"], "deployment/")?;
        let text = |name: &str| -> Result<String, String> {
            object.get(name).map_or(Ok(String::new()), |v| text_at(v, &format!("deployment/{name}")).map(str::to_owned))
        };
        Ok(Deployment {
            subscription_id: text("subscriptionId")?,
            resource_group: text("resourceGroup")?,
            location: text("location")?,
            environment: object.get("environment").map(|v| environment_at(v, "deployment/environment")).transpose()?,
        })
    }
}

impl Mapping {
    /// Whether the mapping states nothing.
    pub fn is_empty(&self) -> bool {
        stated(&self.scopes).next().is_none() && self.tag_names().is_empty() && stated(&self.words).next().is_none()
    }

    /// The tag names, trimmed, blanks dropped.
    pub fn tag_names(&self) -> Vec<&str> {
        self.tag_names.split(',').map(str::trim).filter(|t| !t.is_empty()).collect()
    }

    /// The `blastmap/environments/v1` document; empty members are left out, as the CLI writes it.
    pub fn to_value(&self) -> Value {
        let rows = |rows: &[Row]| -> Map<String, Value> {
            stated(rows).map(|(_, key, env)| (key.to_owned(), Value::from(env.as_str()))).collect()
        };
        let mut document = Map::new();
        document.insert("schema".to_owned(), Value::from(ENVIRONMENTS_SCHEMA));
        let scopes = rows(&self.scopes);
        if !scopes.is_empty() {
            document.insert("scopes".to_owned(), Value::Object(scopes));
        }
        let tag_names = self.tag_names();
        if !tag_names.is_empty() {
            document.insert("tagNames".to_owned(), Value::from(tag_names));
        }
        let words = rows(&self.words);
        if !words.is_empty() {
            document.insert("words".to_owned(), Value::Object(words));
        }
        Value::Object(document)
    }

    /// Reads a `blastmap/environments/v1` document found at `at` (for messages).
    fn from_value(value: &Value, at: &str) -> Result<Mapping, String> {
        let object = value.as_object().ok_or_else(|| format!("{at}: expected an object"))?;
        only_members(object, &["schema", "scopes", "tagNames", "words"], at)?;
        let rows = |name: &str| -> Result<Vec<Row>, String> {
            let Some(value) = object.get(name) else { return Ok(Vec::new()) };
            let members = value.as_object().ok_or_else(|| format!("{at}{name}: expected an object"))?;
            members
                .iter()
                .map(|(key, env)| {
                    Ok(Row { key: key.clone(), environment: environment_at(env, &format!("{at}{name}/{key}"))? })
                })
                .collect()
        };
        let tag_names = match object.get("tagNames") {
            None => Vec::new(),
            Some(Value::Array(names)) => names
                .iter()
                .enumerate()
                .map(|(i, name)| text_at(name, &format!("{at}tagNames/{i}")))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(format!("{at}tagNames: expected a list of tag names")),
        };
        Ok(Mapping { scopes: rows("scopes")?, tag_names: tag_names.join(", "), words: rows("words")? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBSCRIPTION: &str = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";

    fn row(key: &str, environment: Environment) -> Row {
        Row { key: key.to_owned(), environment }
    }

    fn example() -> Settings {
        Settings {
            deployment: Deployment {
                subscription_id: SUBSCRIPTION.to_owned(),
                resource_group: " rg-shop ".to_owned(),
                location: String::new(),
                environment: Some(Environment::Prod),
            },
            mapping: Mapping {
                scopes: vec![row(SUBSCRIPTION, Environment::Dev), row("", Environment::Prod)],
                tag_names: "lifecycle, , stage-name".to_owned(),
                words: vec![row("sbx", Environment::Dev)],
            },
        }
    }

    #[test]
    fn blank_values_are_unset_in_the_deployment_context() {
        let context = example().context();
        assert_eq!(context.subscription_id.as_deref(), Some(SUBSCRIPTION));
        assert_eq!(context.resource_group.as_deref(), Some("rg-shop"));
        assert_eq!(context.location, None);
        assert_eq!(context.environment.as_deref(), Some("prod"));
        assert_eq!(Settings::default().context(), DeploymentContext::default());
    }

    #[test]
    fn the_mapping_is_an_environments_document_without_blank_rows() {
        let file = example().mapping_file().expect("the example states a mapping");
        let value: Value = serde_json::from_str(&file).expect("JSON");
        assert_eq!(
            value,
            serde_json::json!({
                "schema": "blastmap/environments/v1",
                "scopes": { SUBSCRIPTION: "dev" },
                "tagNames": ["lifecycle", "stage-name"],
                "words": { "sbx": "dev" },
            })
        );
        let blank = Settings { mapping: Mapping { scopes: vec![Row::default()], ..Mapping::default() }, ..example() };
        assert_eq!(blank.mapping_file(), None, "a mapping of blank rows is no file");
    }

    #[test]
    fn the_mapping_file_is_read_by_ingest_as_the_cli_reads_it() {
        let file = example().mapping_file().expect("a mapping");
        let loaded =
            blastmap_ingest::load(&[blastmap_ingest::SourceFile { name: MAPPING_FILE_NAME, bytes: file.as_bytes() }]);
        assert_eq!(loaded.files[0].diagnostics, [], "ingest reads it cleanly");
        let mapping = loaded.inventory.environment_mapping();
        assert_eq!(mapping.scopes.len(), 1);
        assert_eq!(mapping.tag_names, ["lifecycle", "stage-name"]);
        assert_eq!(mapping.words, [("sbx".to_owned(), Environment::Dev)]);
    }

    #[test]
    fn settings_survive_a_round_trip_through_their_document() {
        let settings = example();
        let restored = Settings::default().import(&settings.to_json()).expect("our own document");
        // Blank rows and spacing are not kept; everything stated is.
        assert_eq!(restored.deployment.subscription_id, SUBSCRIPTION);
        assert_eq!(restored.deployment.resource_group, "rg-shop");
        assert_eq!(restored.deployment.environment, Some(Environment::Prod));
        assert_eq!(restored.mapping.scopes, [row(SUBSCRIPTION, Environment::Dev)]);
        assert_eq!(restored.mapping.tag_names, "lifecycle, stage-name");
        assert_eq!(restored.mapping.words, [row("sbx", Environment::Dev)]);
        assert_eq!(restored.import(&restored.to_json()), Ok(restored.clone()), "a second trip changes nothing");
    }

    #[test]
    fn a_plain_mapping_replaces_the_mapping_and_keeps_the_deployment() {
        let text = r#"{"schema": "blastmap/environments/v1", "scopes": {"/subscriptions/x/resourceGroups/rg-live": "Production"}}"#;
        let imported = example().import(text).expect("a mapping");
        assert_eq!(imported.deployment, example().deployment);
        assert_eq!(imported.mapping.scopes, [row("/subscriptions/x/resourceGroups/rg-live", Environment::Prod)]);
        assert_eq!(imported.mapping.words, []);
    }

    #[test]
    fn imports_that_are_not_settings_say_why() {
        let settings = example();
        let error = |text: &str| settings.import(text).expect_err(text);
        assert!(error("{").starts_with("not valid JSON"));
        assert_eq!(error("[]"), "not a settings file: expected a JSON object");
        assert_eq!(
            error(r#"{"schema": "blastmap/inventory/v1"}"#),
            "not a settings file: expected the schema blastmap/settings/v1 or blastmap/environments/v1"
        );
        assert_eq!(
            error(r#"{"schema": "blastmap/environments/v1", "words": {"sbx": "sandboxy"}}"#),
            r#"words/sbx: "sandboxy" is not an environment (dev, test, uat, prod or a synonym)"#
        );
        assert_eq!(
            error(
                r#"{"schema": "blastmap/settings/v1", "environments": {"schema": "blastmap/environments/v1", "tags": []}}"#
            ),
            "environments/tags: not a member Blastmap knows (expected schema, scopes, tagNames, words)"
        );
        assert_eq!(
            error(r#"{"schema": "blastmap/settings/v1", "deployment": {"environment": "unknown"}}"#),
            r#"deployment/environment: "unknown" is not an environment (dev, test, uat, prod or a synonym)"#
        );
    }

    #[test]
    fn problems_name_their_field() {
        assert_eq!(example().problems(), []);
        let mut settings = example();
        settings.deployment.subscription_id = "my-subscription".to_owned();
        settings.mapping.scopes = vec![row("rg-orders", Environment::Dev), row(SUBSCRIPTION, Environment::Dev)];
        settings.mapping.scopes.push(row(&SUBSCRIPTION.to_uppercase(), Environment::Prod));
        settings.mapping.words = vec![row("sbx", Environment::Dev), row("SBX", Environment::Test)];
        let fields: Vec<Field> = settings.problems().iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::SubscriptionId, Field::Scope(0), Field::Scope(2), Field::Word(1)]);
    }
}
