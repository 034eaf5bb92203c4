//! Values: known ones from the file, the rest resolved through the configuration's references,
//! and deterministic placeholders for what only apply will tell.

use std::cell::Cell;

use blastmap_model::arm;
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;

use super::source::{Instance, InstanceKey, ModuleStep, Source, Token, config_address, tokenize};
use super::types::{AKS_IDENTITIES, Parent, arm_type};

/// The subscription of ids not yet known, when the file does not name exactly one.
pub const UNKNOWN_SUBSCRIPTION: &str = "{subscriptionId}";
/// The resource group of ids not yet known, when even its name is not known.
const UNKNOWN_RESOURCE_GROUP: &str = "{resourceGroupName}";
/// How many values one question may look at: a crafted file cannot make resolution loop or
/// explode (Terraform itself rejects cycles, but the input is untrusted).
const BUDGET: u32 = 1024;
/// How deep one question may follow references (a stack bound, whatever the budget left).
const MAX_DEPTH: u32 = 64;
/// References that name nothing a plan describes.
const UNRESOLVABLE: [&str; 6] = ["local.", "each.", "count.", "path.", "terraform.", "self."];

/// What an attribute turned out to be.
#[derive(Debug)]
pub enum Eval<'v> {
    /// A value the file states (directly, through a reference or a variable).
    Known(&'v Value),
    /// Known only after apply: the placeholder standing for the attribute `owner` will have.
    Placeholder {
        /// The placeholder.
        text: String,
        /// The instance whose attribute it is.
        owner: usize,
    },
    /// Not known, and nothing says where it would come from.
    Missing,
}

/// A string attribute: its text, and whose placeholder it is when it is one.
#[derive(Debug)]
pub struct Text {
    /// The value or placeholder.
    pub value: String,
    /// The instance a placeholder stands for an attribute of; `None` for known values.
    pub placeholder_of: Option<usize>,
}

enum Attr<'v> {
    Known(&'v Value),
    Unknown,
    Absent,
}

fn step<'v>(value: &'v Value, token: &Token) -> Option<&'v Value> {
    match token {
        Token::Name(name) => value.get(name.as_str()),
        Token::Index(Some(InstanceKey::Int(n))) => usize::try_from(*n).ok().and_then(|n| value.get(n)),
        Token::Index(Some(InstanceKey::Text(key))) => value.get(key.as_str()),
        Token::Index(None) => None,
    }
}

/// The value at `path`, seen through `after_unknown` marks.
fn lookup<'v>(values: &'v Value, unknown: Option<&'v Value>, path: &[Token]) -> Attr<'v> {
    let mut value = Some(values);
    let mut marks = unknown;
    for token in path {
        if marks == Some(&Value::Bool(true)) {
            return Attr::Unknown;
        }
        value = value.and_then(|v| step(v, token));
        marks = marks.and_then(|m| step(m, token));
    }
    match (marks, value) {
        (Some(Value::Bool(true)), _) => Attr::Unknown,
        (_, None | Some(Value::Null)) => Attr::Absent,
        (_, Some(Value::String(s))) if s.is_empty() => Attr::Absent,
        (_, Some(v)) => Attr::Known(v),
    }
}

/// `identity[0].principal_id`, as references write it.
fn render(path: &[Token]) -> String {
    let mut out = String::new();
    for token in path {
        match token {
            Token::Name(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Token::Index(Some(key)) => out.push_str(&key.render()),
            Token::Index(None) => out.push_str("[?]"),
        }
    }
    out
}

/// A Terraform address as one segment of an ARM id.
fn segment(address: &str) -> String {
    address.replace('/', "%2F")
}

/// Where a reference is read: the module instance (keys left `None` match any instance) and
/// the argument it is given to.
#[derive(Clone)]
struct Context {
    modules: Vec<ModuleStep>,
    argument: Option<String>,
}

impl Context {
    fn names(&self) -> Vec<String> {
        self.modules.iter().map(|s| s.name.clone()).collect()
    }

    /// The context of an attribute of `instance`.
    fn of(instance: &Instance<'_>, path: &[Token]) -> Self {
        let argument = path.iter().rev().find_map(|t| match t {
            Token::Name(name) => Some(name.clone()),
            Token::Index(_) => None,
        });
        Context { modules: instance.module.clone(), argument }
    }
}

/// What a reference that ends at a resource stands for, read from the argument it is given to:
/// `x[each.key]` is all a plan's JSON keeps of `x[each.key].id`, since the key is computed.
fn implied_attribute(argument: &str, target_type: &str) -> Option<&'static str> {
    match argument {
        "principal_id" | "object_id" if target_type == "azurerm_user_assigned_identity" => Some("principal_id"),
        "principal_id" | "object_id" => Some("identity[0].principal_id"),
        "scope" | "identity_ids" | "assignable_scopes" | "key_vault_id" | "parent_id" | "user_assigned_identity_id" => {
            Some("id")
        }
        _ => None,
    }
}

fn same_module(pattern: &[ModuleStep], actual: &[ModuleStep]) -> bool {
    pattern.len() == actual.len()
        && pattern.iter().zip(actual).all(|(p, a)| p.name == a.name && (p.key.is_none() || p.key == a.key))
}

/// Answers "what is this attribute of this instance?" for one file.
pub struct Resolver<'s, 'v> {
    /// The file.
    pub source: &'s Source<'v>,
    by_config: HashMap<String, Vec<usize>>,
    subscription: Option<String>,
    budget: Cell<u32>,
    depth: Cell<u32>,
    /// Whether a placeholder id needed the unknown subscription.
    pub used_unknown_subscription: Cell<bool>,
}

impl<'s, 'v> Resolver<'s, 'v> {
    /// Indexes `source`. `subscription` is the deployment's, when the caller knows it;
    /// otherwise the one subscription the file's known ids name, if they name exactly one.
    pub fn new(source: &'s Source<'v>, subscription: Option<String>) -> Self {
        let mut by_config: HashMap<String, Vec<usize>> = HashMap::default();
        let mut named: Vec<String> = Vec::new();
        for (at, instance) in source.instances.iter().enumerate() {
            by_config.entry(instance.config_address()).or_default().push(at);
            let id = instance.values.get("id").and_then(Value::as_str).and_then(arm::subscription_id);
            let stated = instance.values.get("subscription_id").and_then(Value::as_str);
            for sub in id.into_iter().chain(stated).filter(|s| !s.is_empty()) {
                if !named.iter().any(|n| n.eq_ignore_ascii_case(sub)) {
                    named.push(sub.to_owned());
                }
            }
        }
        let subscription = subscription.or_else(|| (named.len() == 1).then(|| named.remove(0)));
        Resolver {
            source,
            by_config,
            subscription,
            budget: Cell::new(BUDGET),
            depth: Cell::new(0),
            used_unknown_subscription: Cell::new(false),
        }
    }

    fn subscription(&self) -> String {
        self.subscription.clone().unwrap_or_else(|| {
            self.used_unknown_subscription.set(true);
            UNKNOWN_SUBSCRIPTION.to_owned()
        })
    }

    fn spend(&self) -> bool {
        let left = self.budget.get();
        self.budget.set(left.saturating_sub(1));
        left > 0
    }

    /// The attribute at `path` of instance `at`.
    pub fn eval(&self, at: usize, path: &[Token]) -> Eval<'v> {
        self.budget.set(BUDGET);
        self.eval_at(at, path)
    }

    /// Whether apply decides the value at `path` (`after_unknown` marks it).
    pub fn unknown(&self, at: usize, path: &[Token]) -> bool {
        self.source.instances.get(at).is_some_and(|i| matches!(lookup(i.values, i.unknown, path), Attr::Unknown))
    }

    /// A string attribute, known or placeholder.
    pub fn text(&self, at: usize, path: &[Token]) -> Option<Text> {
        self.budget.set(BUDGET);
        self.text_of(self.eval_at(at, path))
    }

    fn text_of(&self, eval: Eval<'v>) -> Option<Text> {
        match eval {
            Eval::Known(Value::String(s)) => Some(Text { value: s.clone(), placeholder_of: None }),
            Eval::Placeholder { text, owner } => Some(Text { value: text, placeholder_of: Some(owner) }),
            _ => None,
        }
    }

    fn text_at(&self, at: usize, attribute: &str) -> Option<String> {
        self.text_of(self.eval_at(at, &[Token::Name(attribute.to_owned())])).map(|t| t.value)
    }

    /// A known string attribute: names in placeholder ids are never placeholders themselves, so
    /// ids stay short even when a crafted file makes names refer to ids.
    fn known_at(&self, at: usize, attribute: &str) -> Option<String> {
        match self.eval_at(at, &[Token::Name(attribute.to_owned())]) {
            Eval::Known(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// A list of strings (`identity_ids`): the known elements, and for unknown ones what the
    /// configuration's references give. The flag says some were unknown and none resolved.
    pub fn texts(&self, at: usize, path: &[Token]) -> (Vec<String>, bool) {
        self.budget.set(BUDGET);
        let Some(instance) = self.source.instances.get(at) else { return (Vec::new(), false) };
        let mut out: Vec<String> = Vec::new();
        let expression = self.expression(at, path);
        let unknown_items = match lookup(instance.values, instance.unknown, path) {
            Attr::Known(Value::Array(items)) => {
                out.extend(items.iter().filter_map(Value::as_str).filter(|s| !s.is_empty()).map(str::to_owned));
                let marks = instance.unknown.and_then(|u| path.iter().try_fold(u, |m, t| step(m, t)));
                out.len() < items.len()
                    || marks.and_then(Value::as_array).is_some_and(|m| m.contains(&Value::Bool(true)))
            }
            Attr::Known(_) => false,
            Attr::Unknown => true,
            Attr::Absent => expression.is_some(),
        };
        let mut resolved = false;
        if unknown_items && let Some(expression) = expression {
            let context = Context::of(instance, path);
            for found in self.follow_all(expression, &context, &[], instance.key.as_ref()) {
                match found {
                    Eval::Known(Value::Array(items)) => {
                        out.extend(items.iter().filter_map(Value::as_str).map(str::to_owned));
                        resolved = true;
                    }
                    other => {
                        if let Some(text) = self.text_of(other) {
                            out.push(text.value);
                            resolved = true;
                        }
                    }
                }
            }
        }
        let mut unique: Vec<String> = Vec::with_capacity(out.len());
        for text in out {
            if !unique.iter().any(|u| u.eq_ignore_ascii_case(&text)) {
                unique.push(text);
            }
        }
        (unique, unknown_items && !resolved)
    }

    fn eval_at(&self, at: usize, path: &[Token]) -> Eval<'v> {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH || !self.spend() {
            return Eval::Missing;
        }
        self.depth.set(depth + 1);
        let found = self.eval_here(at, path);
        self.depth.set(depth);
        found
    }

    fn eval_here(&self, at: usize, path: &[Token]) -> Eval<'v> {
        let Some(instance) = self.source.instances.get(at) else { return Eval::Missing };
        if let Attr::Known(value) = lookup(instance.values, instance.unknown, path) {
            return Eval::Known(value);
        }
        if let Some(expression) = self.expression(at, path) {
            let context = Context::of(instance, path);
            let found = self.follow_first(expression, &context, &[], instance.key.as_ref());
            if !matches!(found, Eval::Missing) {
                return found;
            }
        }
        self.placeholder(at, path).map_or(Eval::Missing, |text| Eval::Placeholder { text, owner: at })
    }

    /// The configuration's expression for an attribute of instance `at`.
    fn expression(&self, at: usize, path: &[Token]) -> Option<&'v Value> {
        let instance = self.source.instances.get(at)?;
        let names: Vec<String> = instance.module.iter().map(|s| s.name.clone()).collect();
        let config = self.source.config.get(&names)?;
        let own = config_address(&[], instance.data, &instance.tf_type, &instance.name);
        path.iter().try_fold(*config.resources.get(&own)?, |node, token| step(node, token))
    }

    /// The first of an expression's references that resolves (for a scalar attribute).
    fn follow_first(
        &self,
        expression: &'v Value,
        context: &Context,
        rest: &[Token],
        referrer: Option<&InstanceKey>,
    ) -> Eval<'v> {
        if let Some(constant) = expression.get("constant_value") {
            return match lookup(constant, None, rest) {
                Attr::Known(value) => Eval::Known(value),
                _ => Eval::Missing,
            };
        }
        for reference in specific_references(expression) {
            let found = self.follow(reference, context, rest, referrer);
            if !matches!(found, Eval::Missing) {
                return found;
            }
        }
        Eval::Missing
    }

    /// Every reference of an expression, resolved (for a list attribute).
    fn follow_all(
        &self,
        expression: &'v Value,
        context: &Context,
        rest: &[Token],
        referrer: Option<&InstanceKey>,
    ) -> Vec<Eval<'v>> {
        if expression.get("constant_value").is_some() {
            return vec![self.follow_first(expression, context, rest, referrer)];
        }
        specific_references(expression).into_iter().map(|r| self.follow(r, context, rest, referrer)).collect()
    }

    fn follow(&self, reference: &str, context: &Context, rest: &[Token], referrer: Option<&InstanceKey>) -> Eval<'v> {
        if !self.spend() {
            return Eval::Missing;
        }
        let mut tokens = tokenize(reference);
        tokens.extend_from_slice(rest);
        self.follow_tokens(&tokens, context, referrer).unwrap_or(Eval::Missing)
    }

    fn follow_tokens(&self, tokens: &[Token], context: &Context, referrer: Option<&InstanceKey>) -> Option<Eval<'v>> {
        let name = |at: usize| match tokens.get(at) {
            Some(Token::Name(name)) => Some(name.as_str()),
            _ => None,
        };
        match name(0)? {
            "module" => {
                let call = name(1)?;
                let (key, output_at) = match tokens.get(2) {
                    Some(Token::Index(key)) => (key.clone(), 3),
                    _ => (None, 2),
                };
                let output = name(output_at)?;
                let mut child = context.clone();
                child.modules.push(ModuleStep { name: call.to_owned(), key });
                let expression = *self.source.config.get(&child.names())?.outputs.get(output)?;
                Some(self.follow_first(expression, &child, tokens.get(output_at + 1..)?, referrer))
            }
            "var" => {
                let variable = name(1)?;
                let tail = tokens.get(2..)?;
                match context.modules.split_last() {
                    None => {
                        let value = self.source.variables?.get(variable)?.get("value")?;
                        match lookup(value, None, tail) {
                            Attr::Known(value) => Some(Eval::Known(value)),
                            _ => None,
                        }
                    }
                    Some((call, parent)) => {
                        let parent = Context { modules: parent.to_vec(), argument: context.argument.clone() };
                        let arguments = *self.source.config.get(&parent.names())?.calls.get(&call.name)?;
                        Some(self.follow_first(arguments.get(variable)?, &parent, tail, referrer))
                    }
                }
            }
            "data" => self.resource(context, true, name(1)?, name(2)?, tokens.get(3..)?, referrer),
            tf_type if tf_type.contains('_') => {
                self.resource(context, false, tf_type, name(1)?, tokens.get(2..)?, referrer)
            }
            _ => None,
        }
    }

    fn resource(
        &self,
        context: &Context,
        data: bool,
        tf_type: &str,
        name: &str,
        after: &[Token],
        referrer: Option<&InstanceKey>,
    ) -> Option<Eval<'v>> {
        let (key, tail) = match after.split_first() {
            Some((Token::Index(key), tail)) => (key.clone(), tail),
            _ => (None, after),
        };
        let modules: Vec<&str> = context.modules.iter().map(|s| s.name.as_str()).collect();
        let candidates = self.by_config.get(&config_address(&modules, data, tf_type, name))?;
        let instances = &self.source.instances;
        let module_of = |at: &usize| instances.get(*at).map(|i| i.module.as_slice()).unwrap_or_default();
        let key_of = |at: &usize| instances.get(*at).and_then(|i| i.key.as_ref());
        let mut pool: Vec<usize> =
            candidates.iter().copied().filter(|at| same_module(&context.modules, module_of(at))).collect();
        if pool.is_empty() {
            pool.clone_from(candidates);
        }
        if let Some(key) = &key {
            pool.retain(|at| key_of(at) == Some(key));
        } else if pool.len() > 1 && referrer.is_some() {
            // `for_each` over the same keys pairs instances: `x["a"]` refers to `y["a"]`.
            let paired: Vec<usize> = pool.iter().copied().filter(|at| key_of(at) == referrer).collect();
            if !paired.is_empty() {
                pool = paired;
            }
        }
        let implied = match (tail, context.argument.as_deref()) {
            ([], Some(argument)) => implied_attribute(argument, tf_type).map(tokenize),
            _ => None,
        };
        match pool.as_slice() {
            [one] => Some(self.eval_at(*one, implied.as_deref().unwrap_or(tail))),
            _ => None,
        }
    }

    /// The placeholder standing for an attribute known only after apply, when Blastmap has
    /// one: ids, principal ids, a custom role's GUID, the identities AKS creates, an AKS
    /// cluster's OIDC issuer.
    fn placeholder(&self, at: usize, path: &[Token]) -> Option<String> {
        let instance = self.source.instances.get(at)?;
        let rendered = render(path);
        let last = match path.last() {
            Some(Token::Name(name)) => name.as_str(),
            _ => "",
        };
        match (instance.tf_type.as_str(), rendered.as_str(), last) {
            (_, "id", _) => self.placeholder_id(at),
            ("azurerm_role_definition", "role_definition_id", _) => {
                Some(format!("terraform:{}", segment(&instance.address)))
            }
            ("azurerm_role_definition", "role_definition_resource_id", _) => {
                let guid = self.text_at(at, "role_definition_id")?;
                let subscription = self.subscription();
                Some(format!("/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}"))
            }
            ("azurerm_kubernetes_cluster", _, "user_assigned_identity_id") => self.aks_identity_id(at, path),
            (_, _, "principal_id" | "object_id" | "oidc_issuer_url") => {
                Some(format!("terraform:{}.{rendered}", instance.address))
            }
            _ => None,
        }
    }

    /// An ARM-like id built from what is known: `/subscriptions/{s}/resourceGroups/{rg}/
    /// providers/{type}/{name}`, a child under its parent's id, `{address}` for an unknown name.
    fn placeholder_id(&self, at: usize) -> Option<String> {
        let instance = self.source.instances.get(at)?;
        let name = self.known_at(at, "name").unwrap_or_else(|| format!("{{{}}}", instance.address));
        let name = segment(&name);
        match instance.tf_type.as_str() {
            "azurerm_resource_group" => {
                return Some(format!("/subscriptions/{}/resourceGroups/{name}", self.subscription()));
            }
            "azurerm_subscription" => {
                let subscription = self.known_at(at, "subscription_id").unwrap_or_else(|| self.subscription());
                return Some(format!("/subscriptions/{subscription}"));
            }
            _ => {}
        }
        let mapped = arm_type(&instance.tf_type);
        let in_group = |provider_type: &str, name: &str| {
            let group = self.known_at(at, "resource_group_name").unwrap_or_else(|| UNKNOWN_RESOURCE_GROUP.to_owned());
            format!("/subscriptions/{}/resourceGroups/{group}/providers/{provider_type}/{name}", self.subscription())
        };
        let parent = match mapped.and_then(|t| t.parent) {
            Some((Parent::Id(attribute), between)) => Some((self.text_at(at, attribute)?, between)),
            Some((Parent::Named(parent_type, attribute), between)) => {
                Some((in_group(parent_type, &segment(&self.known_at(at, attribute)?)), between))
            }
            None => None,
        };
        if let Some((parent, between)) = parent {
            return Some(format!("{}/{between}/{name}", parent.trim_end_matches('/')));
        }
        match mapped {
            Some(t) => Some(in_group(t.arm, &name)),
            None if instance.tf_type.starts_with("azurerm_") => {
                Some(in_group(&format!("Terraform.azurerm/{}", instance.tf_type), &name))
            }
            None => None,
        }
    }

    /// The id of an identity AKS creates: in the node resource group (`MC_{rg}_{cluster}_{location}`
    /// unless `node_resource_group` says otherwise), named as AKS names it.
    fn aks_identity_id(&self, at: usize, path: &[Token]) -> Option<String> {
        let Some(Token::Name(block)) = path.first() else { return None };
        let entry = AKS_IDENTITIES.iter().find(|e| e.block == block)?;
        let cluster = self.known_at(at, "name")?;
        let group = self.known_at(at, "node_resource_group").unwrap_or_else(|| {
            let group = self.known_at(at, "resource_group_name").unwrap_or_else(|| UNKNOWN_RESOURCE_GROUP.to_owned());
            let location = self.known_at(at, "location").unwrap_or_else(|| "{location}".to_owned());
            format!("MC_{group}_{cluster}_{location}")
        });
        let (prefix, suffix) = entry.name;
        Some(format!(
            "/subscriptions/{}/resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{prefix}{cluster}{suffix}",
            self.subscription()
        ))
    }
}

/// The references of an expression that name a value (`a.b.id`), not the ones Terraform adds
/// for each prefix (`a.b`), and not locals or iterators (which a plan does not describe).
fn specific_references(expression: &Value) -> Vec<&str> {
    let all: Vec<&str> = expression
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for reference in &all {
        let is_prefix = all.iter().any(|other| {
            other.len() > reference.len()
                && other.starts_with(reference)
                && matches!(other.as_bytes().get(reference.len()), Some(b'.' | b'['))
        });
        if !is_prefix && !UNRESOLVABLE.iter().any(|p| reference.starts_with(p)) && !out.contains(reference) {
            out.push(reference);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specific_references_drop_prefixes_and_what_a_plan_does_not_describe() {
        let expression = serde_json::json!({"references": [
            "azurerm_linux_web_app.app.identity[0].principal_id", "azurerm_linux_web_app.app.identity[0]",
            "azurerm_linux_web_app.app.identity", "azurerm_linux_web_app.app",
            "local.suffix", "each.key", "module.id.principal_id", "module.id", "var.x", 3, null
        ]});
        assert_eq!(
            specific_references(&expression),
            ["azurerm_linux_web_app.app.identity[0].principal_id", "module.id.principal_id", "var.x"]
        );
        assert!(specific_references(&serde_json::json!({"references": "a.b"})).is_empty());
    }

    #[test]
    fn after_unknown_marks_hide_values() {
        let values = serde_json::json!({"identity": [{"type": "SystemAssigned", "principal_id": ""}], "name": "app"});
        let unknown = serde_json::json!({"identity": [{"principal_id": true}], "kubelet_identity": true});
        let at = |path: &str| lookup(&values, Some(&unknown), &tokenize(path));
        assert!(matches!(at("identity[0].type"), Attr::Known(_)));
        assert!(matches!(at("identity[0].principal_id"), Attr::Unknown));
        assert!(matches!(at("kubelet_identity[0].object_id"), Attr::Unknown));
        assert!(matches!(at("tags"), Attr::Absent));
        assert_eq!(render(&tokenize("identity.0.principal_id")), "identity[0].principal_id");
    }
}
