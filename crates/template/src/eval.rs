//! Evaluating template values: JSON with expressions in its strings (and object keys), and the
//! functions that need the deployment: parameters, variables, copy indexes, lambdas,
//! `reference`, the `resourceId` family and the deployment's scopes.

use std::rc::Rc;

use serde_json::{Map, Value as Json};

use crate::deploy::{Frame, Locals, external_reference, join_id};
use crate::expr::{self, Expr};
use crate::functions::{self, Outcome, text_of};
use crate::value::{Lambda, Object, Value, get, pointer};
use crate::{Severity, TENANT_PLACEHOLDER};

/// Arrays `sort` orders: its comparisons are template code, so it sorts by insertion.
const MAX_SORT: usize = 2_000;

/// The type of a resource id: `Microsoft.ManagedIdentity/userAssignedIdentities` from
/// `/subscriptions/.../providers/Microsoft.ManagedIdentity/userAssignedIdentities/x`.
pub(crate) fn type_of_id(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    let Some(at) = lower.rfind("/providers/") else { return String::new() };
    let rest: Vec<&str> = id[at + "/providers/".len()..].split('/').collect();
    let mut parts = vec![rest.first().copied().unwrap_or("")];
    parts.extend(rest.iter().skip(1).step_by(2));
    parts.join("/")
}

impl<'t> Frame<'t, '_> {
    /// Evaluates a template value: strings holding expressions are evaluated, object keys too,
    /// property `copy` arrays are expanded.
    pub(crate) fn eval_json(&self, json: &Json, locals: &Locals, path: &str) -> Value {
        // Literal JSON costs fuel too: a loop copying a large literal is work as well.
        if let Err(message) = self.run.burn() {
            self.run.report(Severity::Warning, path, message);
            return Value::unknown("evaluation budget exhausted");
        }
        match json {
            Json::String(text) => self.eval_string(text, locals, path),
            Json::Array(items) => Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| self.eval_json(item, locals, &format!("{path}/{i}")))
                    .collect(),
            ),
            Json::Object(map) => self.eval_object(map, locals, path),
            other => Value::from_json(other),
        }
    }

    fn eval_object(&self, map: &Map<String, Json>, locals: &Locals, path: &str) -> Value {
        let mut object = Object::new();
        for (key, value) in map {
            let value_path = pointer(path, key);
            if key.eq_ignore_ascii_case("copy")
                && let Json::Array(loops) = value
                && loops.iter().all(|l| l.get("input").is_some())
            {
                for (index, element) in loops.iter().enumerate() {
                    let Some(element) = element.as_object() else { continue };
                    let Some(name) = element.get("name").and_then(Json::as_str) else { continue };
                    let array = self.copy_array(element, locals, &format!("{value_path}/{index}"));
                    object.insert(name.to_owned(), array);
                }
                continue;
            }
            let key = match self.eval_string(key, locals, &value_path) {
                Value::String(key) => key,
                other => other.to_string(),
            };
            object.insert(key, self.eval_json(value, locals, &value_path));
        }
        Value::Object(object)
    }

    /// A template string: `[expression]`, `[[literal`, or a literal.
    pub(crate) fn eval_string(&self, text: &str, locals: &Locals, path: &str) -> Value {
        if text.starts_with("[[") {
            return Value::String(text[1..].to_owned());
        }
        let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
            return Value::String(text.to_owned());
        };
        let expr = match expr::parse(inner) {
            Ok(expr) => expr,
            Err(message) => {
                self.run.report(Severity::Warning, path, format!("expression not read: {message}"));
                return Value::unknown("unreadable expression");
            }
        };
        match self.eval(&expr, locals) {
            Ok(value) => value,
            Err(message) => {
                self.run.report(Severity::Warning, path, format!("{expr} not evaluated: {message}"));
                Value::unknown(expr.to_string())
            }
        }
    }

    /// Evaluates an expression. `Err` is a template error (a missing variable, a type error);
    /// values known only at deployment are `Ok(Value::Unknown)`.
    pub(crate) fn eval(&self, expr: &Expr, locals: &Locals) -> Result<Value, String> {
        self.run.burn()?;
        match expr {
            Expr::String(s) => Ok(Value::String(s.clone())),
            Expr::Int(i) => Ok(Value::Int(*i)),
            Expr::Member(base, name) => {
                let base = self.eval(base, locals)?;
                Ok(member(&base, name).unwrap_or_else(|| Value::unknown(expr.to_string())))
            }
            Expr::Index(base, index) => {
                let (base, index) = (self.eval(base, locals)?, self.eval(index, locals)?);
                let found = match (&base, &index) {
                    (_, Value::Unknown(_)) | (Value::Unknown(_), _) => None,
                    (Value::Array(items), Value::Int(i)) => {
                        usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned()
                    }
                    (Value::Object(_), Value::String(key)) => base.get(key).cloned(),
                    (Value::Null, _) => return Err(format!("{expr}: indexing null")),
                    _ => return Err(format!("{expr}: cannot index {} with {}", base.type_name(), index.type_name())),
                };
                Ok(found.unwrap_or_else(|| Value::unknown(expr.to_string())))
            }
            Expr::Call(name, arguments) => self.call(name, arguments, locals, expr),
        }
    }

    fn args(&self, arguments: &[Expr], locals: &Locals) -> Result<Vec<Value>, String> {
        arguments.iter().map(|a| self.eval(a, locals)).collect()
    }

    fn string_arg(&self, arguments: &[Expr], index: usize, locals: &Locals, function: &str) -> Result<Value, String> {
        let expr = arguments.get(index).ok_or_else(|| format!("{function} needs argument {}", index + 1))?;
        match self.eval(expr, locals)? {
            value @ (Value::String(_) | Value::Unknown(_)) => Ok(value),
            other => Err(format!("{function} expects a string, got {}", other.type_name())),
        }
    }

    fn call(&self, name: &str, arguments: &[Expr], locals: &Locals, whole: &Expr) -> Result<Value, String> {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "if" => {
                let [condition, then, otherwise] = arguments else { return Err("if takes 3 arguments".to_owned()) };
                match self.eval(condition, locals)? {
                    Value::Bool(true) => self.eval(then, locals),
                    Value::Bool(false) => self.eval(otherwise, locals),
                    unknown @ Value::Unknown(_) => Ok(unknown),
                    other => Err(format!("if expects a bool, got {}", other.type_name())),
                }
            }
            "and" | "or" => {
                let decisive = lower == "or";
                let mut unknown = None;
                for argument in arguments {
                    match self.eval(argument, locals)? {
                        Value::Bool(b) if b == decisive => return Ok(Value::Bool(decisive)),
                        Value::Bool(_) => {}
                        value @ Value::Unknown(_) => unknown = unknown.or(Some(value)),
                        other => return Err(format!("{lower} expects bools, got {}", other.type_name())),
                    }
                }
                Ok(unknown.unwrap_or(Value::Bool(!decisive)))
            }
            "coalesce" => {
                for argument in arguments {
                    match self.eval(argument, locals)? {
                        Value::Null => {}
                        value => return Ok(value),
                    }
                }
                Ok(Value::Null)
            }
            "parameters" => {
                let Value::String(parameter) = self.string_arg(arguments, 0, locals, name)? else {
                    return Ok(Value::unknown(whole.to_string()));
                };
                if let Some(arguments) = &locals.function_arguments {
                    return get(arguments, &parameter)
                        .cloned()
                        .ok_or_else(|| format!("no function parameter {parameter}"));
                }
                let Some(slot) = self.values.parameter_slot(&parameter) else {
                    return placeholder_lookup(&parameter, whole, || format!("no parameter {parameter}"));
                };
                self.slot_value(slot, &format!("parameters('{parameter}')"))
            }
            "variables" => {
                let Value::String(variable) = self.string_arg(arguments, 0, locals, name)? else {
                    return Ok(Value::unknown(whole.to_string()));
                };
                let Some(slot) = self.values.variable_slot(&variable) else {
                    return placeholder_lookup(&variable, whole, || format!("no variable {variable}"));
                };
                self.slot_value(slot, &format!("variables('{variable}')"))
            }
            "copyindex" => {
                let args = self.args(arguments, locals)?;
                let (loop_name, offset) = match args.as_slice() {
                    [] => (None, 0),
                    [Value::Int(offset)] => (None, *offset),
                    [Value::String(n)] => (Some(n.as_str()), 0),
                    [Value::String(n), Value::Int(offset)] => (Some(n.as_str()), *offset),
                    _ => return Err("copyIndex takes a loop name and/or an offset".to_owned()),
                };
                let found = match loop_name {
                    Some(n) => locals.copies.iter().rev().find(|l| l.name.eq_ignore_ascii_case(n)),
                    None => locals.copies.iter().rev().find(|l| !l.named_only).or(locals.copies.last()),
                };
                let found = found.ok_or_else(|| format!("copyIndex({}) outside its loop", loop_name.unwrap_or("")))?;
                Ok(Value::Int(found.index.saturating_add(offset)))
            }
            "lambdavariables" => {
                let Value::String(variable) = self.string_arg(arguments, 0, locals, name)? else {
                    return Ok(Value::unknown(whole.to_string()));
                };
                locals
                    .lambdas
                    .iter()
                    .rev()
                    .find(|(n, _)| n.eq_ignore_ascii_case(&variable))
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| format!("no lambda variable {variable}"))
            }
            "lambda" => {
                let Some((body, names)) = arguments.split_last() else { return Err("lambda needs a body".to_owned()) };
                let parameters = names
                    .iter()
                    .map(|n| match self.eval(n, locals)? {
                        Value::String(s) => Ok(s),
                        other => Err(format!("a lambda parameter name is {}", other.type_name())),
                    })
                    .collect::<Result<_, String>>()?;
                Ok(Value::Lambda(Rc::new(Lambda { parameters, body: body.clone() })))
            }
            "map" | "filter" | "reduce" | "sort" | "toobject" | "mapvalues" | "groupby" => {
                let args = self.args(arguments, locals)?;
                functions::checked(self.higher_order(&lower, args, locals)?)
            }
            "tryget" => {
                let mut args = self.args(arguments, locals)?.into_iter();
                let mut current = args.next().ok_or("tryGet needs a value")?;
                for key in args {
                    current = match (&current, &key) {
                        (Value::Unknown(_), _) => return Ok(current),
                        (_, Value::Unknown(_)) => return Ok(key),
                        (Value::Object(_), Value::String(k)) => current.get(k).cloned().unwrap_or(Value::Null),
                        (Value::Array(items), Value::Int(i)) => {
                            usize::try_from(*i).ok().and_then(|i| items.get(i)).cloned().unwrap_or(Value::Null)
                        }
                        _ => Value::Null,
                    };
                }
                Ok(current)
            }
            "reference" => {
                let args = self.args(arguments, locals)?;
                let target = match args.first() {
                    Some(Value::String(target)) => target.clone(),
                    Some(unknown @ Value::Unknown(_)) => return Ok(unknown.clone()),
                    _ => return Err("reference needs a resource name or id".to_owned()),
                };
                let full = args.iter().skip(1).any(|a| a.as_str().is_some_and(|s| s.eq_ignore_ascii_case("full")));
                match self.find_instance(&target) {
                    Some(instance) => self.reference_of(&instance, full),
                    None if target.starts_with('/') => {
                        Ok(self.evaluated_elsewhere(&target, full).unwrap_or_else(|| external_reference(&target, full)))
                    }
                    None => Ok(Value::unknown(format!("reference('{target}'), not declared in this template"))),
                }
            }
            "resourceid"
            | "subscriptionresourceid"
            | "tenantresourceid"
            | "managementgroupresourceid"
            | "extensionresourceid" => {
                let args = self.args(arguments, locals)?;
                self.resource_id(&lower, &args).map(Value::String)
            }
            "resourcegroup" => {
                let target = &self.target;
                let id = format!("/subscriptions/{}/resourceGroups/{}", target.subscription, target.resource_group);
                Ok(object([
                    ("id", Value::String(id)),
                    ("name", Value::String(target.resource_group.clone())),
                    ("type", Value::String("Microsoft.Resources/resourceGroups".to_owned())),
                    ("location", Value::String(target.location.clone())),
                    ("tags", Value::Object(Object::new())),
                    ("properties", object([("provisioningState", Value::String("Succeeded".to_owned()))])),
                ]))
            }
            "subscription" => Ok(object([
                ("id", Value::String(format!("/subscriptions/{}", self.target.subscription))),
                ("subscriptionId", Value::String(self.target.subscription.clone())),
                ("tenantId", Value::String(TENANT_PLACEHOLDER.to_owned())),
                ("displayName", Value::String("{subscriptionName}".to_owned())),
            ])),
            "tenant" => Ok(object([
                ("id", Value::String(format!("/tenants/{TENANT_PLACEHOLDER}"))),
                ("tenantId", Value::String(TENANT_PLACEHOLDER.to_owned())),
            ])),
            "managementgroup" => {
                let group = &self.target.management_group;
                Ok(object([
                    ("id", Value::String(format!("/providers/Microsoft.Management/managementGroups/{group}"))),
                    ("name", Value::String(group.clone())),
                    ("type", Value::String("Microsoft.Management/managementGroups".to_owned())),
                ]))
            }
            "deployment" => Ok(object([
                ("name", Value::String(self.target.deployment.clone())),
                ("location", Value::String(self.target.location.clone())),
                ("properties", object([("templateHash", Value::unknown("deployment().properties.templateHash"))])),
            ])),
            "environment" => Ok(azure_cloud()),
            "utcnow" | "newguid" | "datetimeadd" | "datetimefromepoch" | "datetimetoepoch" | "pickzones" => {
                Ok(Value::unknown(whole.to_string()))
            }
            other if other.starts_with("list") => Ok(Value::unknown(whole.to_string())),
            other if other.contains('.') => self.user_function(other, arguments, locals),
            other => {
                let args = self.args(arguments, locals)?;
                match functions::call(other, args)? {
                    Outcome::Value(value) => Ok(value),
                    Outcome::NotPure => Err(format!("Blastmap does not evaluate the function {name}")),
                }
            }
        }
    }

    fn user_function(&self, name: &str, arguments: &[Expr], locals: &Locals) -> Result<Value, String> {
        let member = *self.values.functions.get(name).ok_or_else(|| format!("no function {name}"))?;
        let args = self.args(arguments, locals)?;
        let declared = member.get("parameters").and_then(Json::as_array).cloned().unwrap_or_default();
        let bound: Object = declared
            .iter()
            .zip(args)
            .filter_map(|(declaration, value)| Some((declaration.get("name")?.as_str()?.to_owned(), value)))
            .collect();
        let output =
            member.get("output").and_then(|o| o.get("value")).ok_or_else(|| format!("{name} has no output"))?;
        let inner = Locals { function_arguments: Some(Rc::new(bound)), ..Locals::default() };
        self.run.deeper(|| Ok(self.eval_json(output, &inner, "")))
    }

    fn invoke(&self, lambda: &Value, args: Vec<Value>, locals: &Locals) -> Result<Value, String> {
        let Value::Lambda(lambda) = lambda else { return Err("expected a lambda".to_owned()) };
        let mut inner = locals.clone();
        inner.lambdas.extend(lambda.parameters.iter().cloned().zip(args));
        self.run.deeper(|| self.eval(&lambda.body, &inner))
    }

    fn higher_order(&self, function: &str, args: Vec<Value>, locals: &Locals) -> Result<Value, String> {
        if let Some(unknown) = args.iter().find(|a| a.is_unknown()) {
            return Ok(unknown.clone());
        }
        let items = |value: &Value| match value {
            Value::Array(items) => Ok(items.clone()),
            Value::Null => Ok(Vec::new()),
            other => Err(format!("{function} expects an array, got {}", other.type_name())),
        };
        let lambda = args.last().ok_or_else(|| format!("{function} needs a lambda"))?;
        match function {
            "map" => {
                let mut out = Vec::new();
                for (index, item) in items(&args[0])?.into_iter().enumerate() {
                    out.push(self.invoke(lambda, vec![item, Value::Int(index as i64)], locals)?);
                }
                Ok(Value::Array(out))
            }
            "filter" => {
                let mut out = Vec::new();
                for (index, item) in items(&args[0])?.into_iter().enumerate() {
                    match self.invoke(lambda, vec![item.clone(), Value::Int(index as i64)], locals)? {
                        Value::Bool(true) => out.push(item),
                        Value::Bool(false) => {}
                        unknown @ Value::Unknown(_) => return Ok(unknown),
                        other => return Err(format!("a filter lambda returned {}", other.type_name())),
                    }
                }
                Ok(Value::Array(out))
            }
            "reduce" => {
                let [array, initial, _] = args.as_slice() else { return Err("reduce takes 3 arguments".to_owned()) };
                let mut accumulated = initial.clone();
                for (index, item) in items(array)?.into_iter().enumerate() {
                    accumulated = self.invoke(lambda, vec![accumulated, item, Value::Int(index as i64)], locals)?;
                }
                Ok(accumulated)
            }
            "sort" => {
                let array = items(&args[0])?;
                if array.len() > MAX_SORT {
                    return Err(format!("sort of more than {MAX_SORT} elements"));
                }
                // Insertion sort: a template's comparison need not be a total order, and this
                // terminates whatever it answers.
                let mut sorted: Vec<Value> = Vec::with_capacity(array.len());
                for item in array {
                    let mut at = sorted.len();
                    while at > 0
                        && self.invoke(lambda, vec![item.clone(), sorted[at - 1].clone()], locals)? == Value::Bool(true)
                    {
                        at -= 1;
                    }
                    sorted.insert(at, item);
                }
                Ok(Value::Array(sorted))
            }
            "toobject" => {
                let array = items(&args[0])?;
                let key_lambda = args.get(1).ok_or("toObject needs a key lambda")?;
                let mut out = Object::new();
                for item in array {
                    let key = match self.invoke(key_lambda, vec![item.clone()], locals)? {
                        Value::String(key) => key,
                        unknown @ Value::Unknown(_) => return Ok(unknown),
                        other => return Err(format!("a toObject key is {}", other.type_name())),
                    };
                    let value = match args.get(2) {
                        Some(value_lambda) => self.invoke(value_lambda, vec![item], locals)?,
                        None => item,
                    };
                    out.insert(key, value);
                }
                Ok(Value::Object(out))
            }
            "mapvalues" => {
                let Value::Object(object) = &args[0] else { return Err("mapValues expects an object".to_owned()) };
                let mut out = Object::new();
                for (key, value) in object {
                    out.insert(key.clone(), self.invoke(lambda, vec![value.clone()], locals)?);
                }
                Ok(Value::Object(out))
            }
            _ => {
                let mut out = Object::new();
                for item in items(&args[0])? {
                    let key = text_of(&self.invoke(lambda, vec![item.clone()], locals)?);
                    if let Value::Array(group) = out.entry(key).or_insert_with(|| Value::Array(Vec::new())) {
                        group.push(item);
                    }
                }
                Ok(Value::Object(out))
            }
        }
    }

    /// The `resourceId` family. Unknown arguments appear in the id as placeholders, so the
    /// id keeps its structure.
    fn resource_id(&self, function: &str, args: &[Value]) -> Result<String, String> {
        let texts: Vec<String> = args.iter().map(text_of).collect();
        let type_at = match function {
            "extensionresourceid" => 1,
            _ => texts.iter().position(|t| t.contains('/')).ok_or_else(|| format!("{function}: no resource type"))?,
        };
        let (Some(before), Some(resource_type), Some(names)) =
            (texts.get(..type_at), texts.get(type_at), texts.get(type_at + 1..))
        else {
            return Err(format!("{function}: no resource type"));
        };
        let target = &self.target;
        let base = match (function, before) {
            ("extensionresourceid", [base]) => base.trim_end_matches('/').to_owned(),
            ("tenantresourceid", []) => String::new(),
            ("subscriptionresourceid", []) => format!("/subscriptions/{}", target.subscription),
            ("subscriptionresourceid", [subscription]) => format!("/subscriptions/{subscription}"),
            ("managementgroupresourceid", []) => {
                format!("/providers/Microsoft.Management/managementGroups/{}", target.management_group)
            }
            ("managementgroupresourceid", [group]) => {
                format!("/providers/Microsoft.Management/managementGroups/{group}")
            }
            ("resourceid", []) => match target.level {
                crate::TargetScope::ResourceGroup => target.base(),
                crate::TargetScope::Subscription => format!("/subscriptions/{}", target.subscription),
                _ => String::new(),
            },
            ("resourceid", [group]) => format!("/subscriptions/{}/resourceGroups/{group}", target.subscription),
            ("resourceid", [subscription, group]) => format!("/subscriptions/{subscription}/resourceGroups/{group}"),
            _ => return Err(format!("{function}: too many arguments before the resource type")),
        };
        let names: Vec<&str> = names.iter().flat_map(|n| n.split('/')).collect();
        Ok(join_id(&base, resource_type, &names))
    }
}

/// A lookup by a name built from a placeholder finds nothing, but is no template error: its
/// value is unknown.
fn placeholder_lookup(name: &str, whole: &Expr, error: impl FnOnce() -> String) -> Result<Value, String> {
    if name.contains('{') { Ok(Value::unknown(whole.to_string())) } else { Err(error()) }
}

fn member(base: &Value, name: &str) -> Option<Value> {
    match base {
        Value::Unknown(_) => None,
        Value::Object(_) => base.get(name).cloned(),
        _ => None,
    }
}

fn object<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `environment()` in the public Azure cloud.
fn azure_cloud() -> Value {
    let text = |s: &str| Value::String(s.to_owned());
    object([
        ("name", text("AzureCloud")),
        ("gallery", text("https://gallery.azure.com/")),
        ("graph", text("https://graph.windows.net/")),
        ("portal", text("https://portal.azure.com")),
        ("resourceManager", text("https://management.azure.com/")),
        (
            "authentication",
            object([
                ("loginEndpoint", text("https://login.microsoftonline.com/")),
                (
                    "audiences",
                    Value::Array(vec![
                        text("https://management.core.windows.net/"),
                        text("https://management.azure.com/"),
                    ]),
                ),
                ("tenant", text("common")),
                ("identityProvider", text("AAD")),
            ]),
        ),
        (
            "suffixes",
            object([
                ("acrLoginServer", text(".azurecr.io")),
                ("azureDatalakeAnalyticsCatalogAndJob", text("azuredatalakeanalytics.net")),
                ("azureDatalakeStoreFileSystem", text("azuredatalakestore.net")),
                ("azureFrontDoorEndpointSuffix", text("azurefd.net")),
                ("keyvaultDns", text(".vault.azure.net")),
                ("sqlServerHostname", text(".database.windows.net")),
                ("storage", text("core.windows.net")),
            ]),
        ),
    ])
}
