//! What a Terraform file holds, in one shape whatever the format: resource instances, each with
//! its known values and (in plans) which attributes are known only after apply, and the
//! configuration's expressions by module.

use rustc_hash::FxHashMap as HashMap;
use serde_json::{Map, Value};

/// A `count` index or `for_each` key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum InstanceKey {
    /// `[0]`.
    Int(i64),
    /// `["key"]`.
    Text(String),
}

impl InstanceKey {
    fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::Number(n) => n.as_i64().map(InstanceKey::Int),
            Value::String(s) => Some(InstanceKey::Text(s.clone())),
            _ => None,
        }
    }

    /// As Terraform writes it in addresses: `[0]`, `["key"]`.
    pub fn render(&self) -> String {
        match self {
            InstanceKey::Int(n) => format!("[{n}]"),
            InstanceKey::Text(s) => format!("[{}]", Value::String(s.clone())),
        }
    }
}

/// One step of a reference or address: a name, or an index (`None` when it is computed, as in
/// `[each.key]`). Legacy `identity.0.principal_id` reads its `0` as an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// `.name`.
    Name(String),
    /// `[0]`, `["key"]`, `.0`.
    Index(Option<InstanceKey>),
}

/// Splits a reference or address (`module.m["a"].azurerm_x.y[0].identity[0].principal_id`)
/// into its steps. Never fails: what it cannot read becomes a computed index or ends the list.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = text;
    while let Some(first) = rest.chars().next() {
        match first {
            '.' => rest = &rest[1..],
            '[' => {
                let inner = &rest[1..];
                let (key, after) = if inner.starts_with('"') {
                    let Some(end) = closing_quote(inner) else { break };
                    let key = serde_json::from_str::<String>(&inner[..=end]).ok().map(InstanceKey::Text);
                    (key, &inner[end + 1..])
                } else {
                    let end = inner.find(']').unwrap_or(inner.len());
                    (inner[..end].trim().parse::<i64>().ok().map(InstanceKey::Int), &inner[end..])
                };
                tokens.push(Token::Index(key));
                rest = after.strip_prefix(']').unwrap_or(after);
            }
            _ => {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let name = &rest[..end];
                tokens.push(match name.parse::<i64>() {
                    Ok(n) if name.bytes().all(|b| b.is_ascii_digit()) => Token::Index(Some(InstanceKey::Int(n))),
                    _ => Token::Name(name.to_owned()),
                });
                rest = &rest[end..];
            }
        }
    }
    tokens
}

/// The byte offset of the quote closing the JSON string that `text` starts with.
fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(at),
            _ => {}
        }
    }
    None
}

/// One module instance on the way from the root: `module.name[key]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModuleStep {
    /// The module call's name.
    pub name: String,
    /// Its instance key; `None` when it has none or (in a reference) when it is not known.
    pub key: Option<InstanceKey>,
}

/// Reads a module address (`module.a["x"].module.b`).
pub fn module_path(address: &str) -> Vec<ModuleStep> {
    let mut steps: Vec<ModuleStep> = Vec::new();
    let mut tokens = tokenize(address).into_iter().peekable();
    while let Some(token) = tokens.next() {
        match token {
            Token::Name(word) if word == "module" => {
                let Some(Token::Name(name)) = tokens.next() else { break };
                let key = match tokens.peek() {
                    Some(Token::Index(key)) => {
                        let key = key.clone();
                        tokens.next();
                        key
                    }
                    _ => None,
                };
                steps.push(ModuleStep { name, key });
            }
            _ => break,
        }
    }
    steps
}

/// A resource instance as the file describes it.
#[derive(Debug)]
pub struct Instance<'v> {
    /// The full address (`module.m.azurerm_x.y["k"]`).
    pub address: String,
    /// The module instance it lives in (empty for the root module).
    pub module: Vec<ModuleStep>,
    /// A data source rather than a managed resource.
    pub data: bool,
    /// The Terraform type (`azurerm_linux_web_app`).
    pub tf_type: String,
    /// The name in the configuration.
    pub name: String,
    /// Its `count` index or `for_each` key.
    pub key: Option<InstanceKey>,
    /// Its known attribute values.
    pub values: &'v Value,
    /// In plans, `after_unknown`: `true` where a value is known only after apply.
    pub unknown: Option<&'v Value>,
    /// JSON Pointer to `values` in the file.
    pub path: String,
}

impl Instance<'_> {
    /// The configuration address of the resource, instance keys left out:
    /// `module.a.module.b.data.azurerm_x.y`.
    pub fn config_address(&self) -> String {
        let names: Vec<&str> = self.module.iter().map(|s| s.name.as_str()).collect();
        config_address(&names, self.data, &self.tf_type, &self.name)
    }
}

/// `module.a.module.b.[data.]type.name`.
pub fn config_address(modules: &[&str], data: bool, tf_type: &str, name: &str) -> String {
    let mut out: String = modules.iter().map(|m| format!("module.{m}.")).collect();
    if data {
        out.push_str("data.");
    }
    out.push_str(tf_type);
    out.push('.');
    out.push_str(name);
    out
}

/// The configuration of one module: expressions of its resources, its outputs, the
/// arguments of the modules it calls.
#[derive(Default, Debug)]
pub struct ModuleConfig<'v> {
    /// `[data.]type.name` → the resource's `expressions`.
    pub resources: HashMap<String, &'v Value>,
    /// Output name → its `expression`.
    pub outputs: HashMap<String, &'v Value>,
    /// Module call name → the call's `expressions` (its arguments).
    pub calls: HashMap<String, &'v Value>,
}

/// Everything read from one file.
#[derive(Default, Debug)]
pub struct Source<'v> {
    /// Resource instances, each address once.
    pub instances: Vec<Instance<'v>>,
    /// Configuration by module path (`["a", "b"]` for `module.a.module.b`).
    pub config: HashMap<Vec<String>, ModuleConfig<'v>>,
    /// A plan's root `variables` (name → `{"value": …}`).
    pub variables: Option<&'v Map<String, Value>>,
    /// Addresses of the resources a plan deletes, left out.
    pub deleted: rustc_hash::FxHashSet<String>,
    index: HashMap<String, usize>,
}

fn text<'v>(object: &'v Value, key: &str) -> Option<&'v str> {
    object.get(key).and_then(Value::as_str)
}

impl<'v> Source<'v> {
    /// Adds an instance unless its address was read already (or is deleted); returns its index
    /// (`usize::MAX` for a deleted one).
    fn add(&mut self, instance: Instance<'v>) -> usize {
        if let Some(&at) = self.index.get(&instance.address) {
            return at;
        }
        if self.deleted.contains(&instance.address) {
            return usize::MAX;
        }
        self.index.insert(instance.address.clone(), self.instances.len());
        self.instances.push(instance);
        self.instances.len() - 1
    }

    /// Reads a module of `terraform show -json` output (`root_module` or a child) and its
    /// children, recursively. `path` points at the module.
    pub fn read_module(&mut self, module: &'v Value, path: &str, problems: &mut Vec<(String, String)>) {
        let steps = text(module, "address").map(module_path).unwrap_or_default();
        for (at, resource) in module.get("resources").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let resource_path = format!("{path}/resources/{at}");
            let (Some(tf_type), Some(name), Some(values)) =
                (text(resource, "type"), text(resource, "name"), resource.get("values").filter(|v| v.is_object()))
            else {
                problems.push((resource_path, "a resource without type, name or values; skipped".to_owned()));
                continue;
            };
            let key = resource.get("index").and_then(InstanceKey::from_json);
            let data = text(resource, "mode") == Some("data");
            let address = text(resource, "address")
                .map(str::to_owned)
                .unwrap_or_else(|| render_address(&steps, data, tf_type, name, key.as_ref()));
            self.add(Instance {
                address,
                module: steps.clone(),
                data,
                tf_type: tf_type.to_owned(),
                name: name.to_owned(),
                key,
                values,
                unknown: None,
                path: format!("{resource_path}/values"),
            });
        }
        for (at, child) in module.get("child_modules").and_then(Value::as_array).into_iter().flatten().enumerate() {
            self.read_module(child, &format!("{path}/child_modules/{at}"), problems);
        }
    }

    /// Reads a plan's `resource_changes`: what is deleted is left out, the rest completes the
    /// planned values with `after_unknown` (or stands for them, in plans that have none).
    pub fn read_changes(&mut self, changes: &'v [Value], problems: &mut Vec<(String, String)>) {
        for (at, change) in changes.iter().enumerate() {
            let path = format!("/resource_changes/{at}");
            let (Some(address), Some(tf_type), Some(name), Some(body)) =
                (text(change, "address"), text(change, "type"), text(change, "name"), change.get("change"))
            else {
                problems.push((path, "a resource change without address, type, name or change; skipped".to_owned()));
                continue;
            };
            let actions: Vec<&str> =
                body.get("actions").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
            let after = body.get("after").filter(|a| a.is_object());
            // `before` is what exists now; the plan is shown as it will be after apply.
            let Some(after) = after.filter(|_| actions != ["delete"]) else {
                self.deleted.insert(address.to_owned());
                continue;
            };
            let unknown = body.get("after_unknown").filter(|u| !u.is_null());
            let at = self.add(Instance {
                address: address.to_owned(),
                module: text(change, "module_address").map(module_path).unwrap_or_default(),
                data: text(change, "mode") == Some("data"),
                tf_type: tf_type.to_owned(),
                name: name.to_owned(),
                key: change.get("index").and_then(InstanceKey::from_json),
                values: after,
                unknown,
                path: format!("{path}/change/after"),
            });
            if let Some(instance) = self.instances.get_mut(at) {
                instance.unknown = instance.unknown.or(unknown);
            }
        }
    }

    /// Reads a raw `terraform.tfstate` (v4): managed resources only.
    pub fn read_state_file(&mut self, resources: &'v [Value], problems: &mut Vec<(String, String)>) {
        for (at, resource) in resources.iter().enumerate() {
            let path = format!("/resources/{at}");
            if text(resource, "mode") != Some("managed") {
                continue;
            }
            let (Some(tf_type), Some(name)) = (text(resource, "type"), text(resource, "name")) else {
                problems.push((path, "a resource without type or name; skipped".to_owned()));
                continue;
            };
            let steps = text(resource, "module").map(module_path).unwrap_or_default();
            let instances = resource.get("instances").and_then(Value::as_array).into_iter().flatten();
            for (i, instance) in instances.enumerate() {
                let instance_path = format!("{path}/instances/{i}");
                let Some(values) = instance.get("attributes").filter(|a| a.is_object()) else {
                    problems.push((instance_path, "an instance without attributes; skipped".to_owned()));
                    continue;
                };
                let key = instance.get("index_key").and_then(InstanceKey::from_json);
                self.add(Instance {
                    address: render_address(&steps, false, tf_type, name, key.as_ref()),
                    module: steps.clone(),
                    data: false,
                    tf_type: tf_type.to_owned(),
                    name: name.to_owned(),
                    key,
                    values,
                    unknown: None,
                    path: format!("{instance_path}/attributes"),
                });
            }
        }
    }

    /// Reads `configuration.root_module` and the modules it calls.
    pub fn read_configuration(&mut self, module: &'v Value, path: Vec<String>) {
        let mut config = ModuleConfig::default();
        for resource in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
            if let (Some(address), Some(expressions)) = (text(resource, "address"), resource.get("expressions")) {
                config.resources.insert(address.to_owned(), expressions);
            }
        }
        for (name, output) in module.get("outputs").and_then(Value::as_object).into_iter().flatten() {
            if let Some(expression) = output.get("expression") {
                config.outputs.insert(name.clone(), expression);
            }
        }
        let calls = module.get("module_calls").and_then(Value::as_object).into_iter().flatten();
        for (name, call) in calls {
            if let Some(expressions) = call.get("expressions") {
                config.calls.insert(name.clone(), expressions);
            }
            if let Some(child) = call.get("module") {
                let mut child_path = path.clone();
                child_path.push(name.clone());
                self.read_configuration(child, child_path);
            }
        }
        self.config.insert(path, config);
    }
}

/// `module.a["x"].[data.]type.name[key]`.
fn render_address(steps: &[ModuleStep], data: bool, tf_type: &str, name: &str, key: Option<&InstanceKey>) -> String {
    let mut out = String::new();
    for step in steps {
        out.push_str("module.");
        out.push_str(&step.name);
        out.push_str(&step.key.as_ref().map(InstanceKey::render).unwrap_or_default());
        out.push('.');
    }
    if data {
        out.push_str("data.");
    }
    out.push_str(&format!("{tf_type}.{name}"));
    out.push_str(&key.map(InstanceKey::render).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_into_names_and_keys() {
        let name = |s: &str| Token::Name(s.to_owned());
        assert_eq!(
            tokenize("module.m[\"a.b]\"].azurerm_x.y[0].identity.0.principal_id"),
            vec![
                name("module"),
                name("m"),
                Token::Index(Some(InstanceKey::Text("a.b]".to_owned()))),
                name("azurerm_x"),
                name("y"),
                Token::Index(Some(InstanceKey::Int(0))),
                name("identity"),
                Token::Index(Some(InstanceKey::Int(0))),
                name("principal_id"),
            ]
        );
        assert_eq!(tokenize("azurerm_x.y[each.key].id")[2], Token::Index(None));
        assert_eq!(tokenize("a[\"unterminated"), vec![name("a")]);
        assert_eq!(tokenize(""), vec![]);
    }

    #[test]
    fn module_addresses_keep_their_keys() {
        let steps = module_path("module.a[\"x\"].module.b");
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].key, Some(InstanceKey::Text("x".to_owned())));
        let address = render_address(&steps, true, "azurerm_t", "n", Some(&InstanceKey::Int(2)));
        assert_eq!(address, "module.a[\"x\"].module.b.data.azurerm_t.n[2]");
    }
}
