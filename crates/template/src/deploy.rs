//! A deployment being expanded: parameters and variables evaluated on demand, resources
//! instantiated (copy loops, conditions, child resources), their bodies evaluated on demand
//! (so `reference()` can read a resource declared later), nested deployments expanded in their
//! own frames.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use serde_json::{Map, Value as Json};

use crate::value::{Object, Value, get, pointer};
use crate::{
    Context, DEPLOYMENT_PLACEHOLDER, Diagnostic, ExpandedResource, Expansion, LOCATION_PLACEHOLDER,
    MANAGEMENT_GROUP_PLACEHOLDER, Parameters, RESOURCE_GROUP_PLACEHOLDER, SUBSCRIPTION_PLACEHOLDER, Severity,
    TENANT_PLACEHOLDER, TargetScope, Template, client_id_placeholder, principal_id_placeholder,
};

/// ARM's own limit on a copy loop.
const MAX_COPY: i64 = 800;
/// Resource instances one template may expand to, nested deployments included.
const MAX_INSTANCES: usize = 20_000;
/// Nested deployments inside nested deployments.
const MAX_NESTING: usize = 16;
/// Lazy evaluations (variables, parameters, resource bodies) in progress at once.
const MAX_DEPTH: usize = 200;
/// Expression nodes evaluated in one expansion: bounds the work a hostile template can ask for.
const FUEL: u64 = 1_000_000;
/// Warnings kept per template; more are counted.
const MAX_WARNINGS: usize = 100;

pub(crate) const UAMI_TYPE: &str = "microsoft.managedidentity/userassignedidentities";
const DEPLOYMENTS_TYPE: &str = "microsoft.resources/deployments";

/// State shared by every frame of one expansion.
pub(crate) struct Run {
    fuel: Cell<u64>,
    depth: Cell<usize>,
    instances: Cell<usize>,
    diagnostics: RefCell<Vec<Diagnostic>>,
    reported: RefCell<BTreeSet<(String, String)>>,
    warnings: Cell<usize>,
    /// Set while reading `existing` resources: ARM evaluates them only when something uses
    /// them, so what fails in them is not worth a word until then.
    quiet: Cell<bool>,
    /// Every resource body evaluated so far, by lower-cased id, for `reference()` across frames.
    evaluated: RefCell<HashMap<String, Rc<Body>>>,
    resources: RefCell<Vec<ExpandedResource>>,
}

impl Run {
    pub(crate) fn burn(&self) -> Result<(), String> {
        let left = self.fuel.get();
        if left == 0 {
            return Err("the template asks for more evaluation than Blastmap does for one file".to_owned());
        }
        self.fuel.set(left - 1);
        Ok(())
    }

    /// Reports once per place and message; warnings past [`MAX_WARNINGS`] are only counted.
    pub(crate) fn report(&self, severity: Severity, path: &str, message: String) {
        if self.quiet.get() {
            return;
        }
        if !self.reported.borrow_mut().insert((path.to_owned(), message.clone())) {
            return;
        }
        if severity == Severity::Warning {
            self.warnings.set(self.warnings.get() + 1);
            if self.warnings.get() > MAX_WARNINGS {
                return;
            }
        }
        self.diagnostics.borrow_mut().push(Diagnostic { severity, path: path.to_owned(), message });
    }

    /// Runs `f` one lazy evaluation deeper, refusing past [`MAX_DEPTH`].
    pub(crate) fn deeper<T>(&self, f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
        if self.depth.get() >= MAX_DEPTH {
            return Err(format!("evaluations nest deeper than {MAX_DEPTH}"));
        }
        self.depth.set(self.depth.get() + 1);
        let result = f();
        self.depth.set(self.depth.get() - 1);
        result
    }
}

/// Where a (nested) deployment goes.
#[derive(Clone, Debug)]
pub(crate) struct Target {
    pub level: TargetScope,
    pub subscription: String,
    pub resource_group: String,
    pub management_group: String,
    pub location: String,
    pub deployment: String,
}

impl Target {
    /// The id of the deployment's scope (`""` for the tenant).
    pub fn base(&self) -> String {
        match self.level {
            TargetScope::ResourceGroup => {
                format!("/subscriptions/{}/resourceGroups/{}", self.subscription, self.resource_group)
            }
            TargetScope::Subscription => format!("/subscriptions/{}", self.subscription),
            TargetScope::ManagementGroup => {
                format!("/providers/Microsoft.Management/managementGroups/{}", self.management_group)
            }
            TargetScope::Tenant => String::new(),
        }
    }
}

/// One copy loop in force.
#[derive(Clone, Debug)]
pub(crate) struct Loop {
    /// Its name, lower-cased (`""` for an output's loop).
    pub name: String,
    pub index: i64,
    /// A property or variable loop, which only `copyIndex('name')` reads; `copyIndex()` means
    /// the resource's (or output's) loop.
    pub named_only: bool,
}

/// Copy-loop indexes, lambda arguments and user-function arguments in force.
#[derive(Clone, Debug, Default)]
pub(crate) struct Locals {
    pub copies: Vec<Loop>,
    pub lambdas: Vec<(String, Value)>,
    pub function_arguments: Option<Rc<Object>>,
}

impl Locals {
    fn with_copy(&self, name: &str, index: i64, named_only: bool) -> Locals {
        let mut locals = self.clone();
        locals.copies.push(Loop { name: name.to_ascii_lowercase(), index, named_only });
        locals
    }
}

/// A parameter or variable, evaluated at most once.
pub(crate) struct Slot<'t> {
    source: Source<'t>,
    value: RefCell<Option<Value>>,
    busy: Cell<bool>,
}

enum Source<'t> {
    Given,
    Json(&'t Json, String),
    /// A `copy` element of `variables`: `{"name", "count", "input"}`.
    Copy(&'t Map<String, Json>, String),
}

impl<'t> Slot<'t> {
    fn given(value: Value) -> Self {
        Slot { source: Source::Given, value: RefCell::new(Some(value)), busy: Cell::new(false) }
    }

    fn lazy(source: Source<'t>) -> Self {
        Slot { source, value: RefCell::new(None), busy: Cell::new(false) }
    }
}

/// The parameters, variables and user functions expressions of one template see.
pub(crate) struct Values<'t> {
    parameters: HashMap<String, Slot<'t>>,
    variables: HashMap<String, Slot<'t>>,
    pub functions: HashMap<String, &'t Map<String, Json>>,
}

/// An instance of a resource declaration.
pub(crate) struct Instance<'t> {
    decl: &'t Map<String, Json>,
    pub path: String,
    pub symbolic_name: Option<String>,
    pub copy_index: Option<i64>,
    locals: Locals,
    pub resource_type: String,
    pub name: String,
    pub id: String,
    existing: bool,
    pub deployed: bool,
    body: RefCell<BodyState>,
}

enum BodyState {
    Pending,
    Evaluating,
    Done(Rc<Body>),
}

/// What a resource's declaration evaluates to, beyond its header.
pub(crate) struct Body {
    id: String,
    name: String,
    resource_type: String,
    pub location: Value,
    pub tags: Value,
    pub kind: Value,
    pub identity: Value,
    pub properties: Value,
}

/// One template being expanded: the top level or a nested deployment.
pub(crate) struct Frame<'t, 'r> {
    pub run: &'r Run,
    template: &'t Map<String, Json>,
    pub values: Rc<Values<'t>>,
    pub target: Target,
    path: String,
    pub symbolic: bool,
    nesting: usize,
    pub instances: RefCell<Vec<Rc<Instance<'t>>>>,
}

fn field<'j>(object: &'j Map<String, Json>, name: &str) -> Option<&'j Json> {
    object.get(name).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// Expands `template`: the entry point behind [`Template::expand`].
pub(crate) fn expand(template: &Template, parameters: &[&Parameters], context: &Context) -> Expansion {
    let run = Run {
        fuel: Cell::new(FUEL),
        depth: Cell::new(0),
        instances: Cell::new(0),
        diagnostics: RefCell::new(Vec::new()),
        reported: RefCell::new(BTreeSet::new()),
        warnings: Cell::new(0),
        quiet: Cell::new(false),
        evaluated: RefCell::new(HashMap::new()),
        resources: RefCell::new(Vec::new()),
    };
    let unset: Vec<&str> = [
        (context.subscription_id.is_none(), SUBSCRIPTION_PLACEHOLDER),
        (context.resource_group.is_none() && template.target == TargetScope::ResourceGroup, RESOURCE_GROUP_PLACEHOLDER),
        (context.location.is_none(), LOCATION_PLACEHOLDER),
    ]
    .into_iter()
    .filter_map(|(unset, name)| unset.then_some(name))
    .collect();
    if !unset.is_empty() {
        run.report(
            Severity::Info,
            "",
            format!(
                "the deployment context does not say it, so ids and locations use the placeholders {}",
                unset.join(", ")
            ),
        );
    }
    let target = Target {
        level: template.target,
        subscription: context.subscription_id.clone().unwrap_or_else(|| SUBSCRIPTION_PLACEHOLDER.to_owned()),
        resource_group: context.resource_group.clone().unwrap_or_else(|| RESOURCE_GROUP_PLACEHOLDER.to_owned()),
        management_group: MANAGEMENT_GROUP_PLACEHOLDER.to_owned(),
        location: context.location.clone().unwrap_or_else(|| LOCATION_PLACEHOLDER.to_owned()),
        deployment: DEPLOYMENT_PLACEHOLDER.to_owned(),
    };
    let mut given = HashMap::new();
    for file in parameters {
        for (name, entry) in &file.entries {
            given.insert(name.to_ascii_lowercase(), parameter_entry(entry, name));
        }
    }
    let values = Rc::new(values_of(&template.json, given, "", &run));
    let scope = match target.base() {
        base if base.is_empty() => "/".to_owned(),
        base => base,
    };
    let frame = Frame {
        run: &run,
        template: &template.json,
        values,
        target,
        path: String::new(),
        symbolic: is_symbolic(&template.json),
        nesting: 0,
        instances: RefCell::new(Vec::new()),
    };
    let outputs = frame.expand();
    drop(frame);
    let mut diagnostics = run.diagnostics.into_inner();
    let warnings = run.warnings.get();
    if warnings > MAX_WARNINGS {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            path: String::new(),
            message: format!("{} more warnings like these were not listed", warnings - MAX_WARNINGS),
        });
    }
    Expansion { resources: run.resources.into_inner(), scope, outputs, diagnostics }
}

/// A parameter file's or nested deployment's `{"value": ...}` or Key Vault `{"reference"}`.
fn parameter_entry(entry: &Json, name: &str) -> Value {
    match entry {
        Json::Object(map) if field(map, "reference").is_some() => {
            let secret =
                field(map, "reference").and_then(|r| r.get("secretName")).and_then(Json::as_str).unwrap_or("?");
            Value::unknown(format!("Key Vault secret {secret} for parameter {name}"))
        }
        Json::Object(map) => field(map, "value").map_or(Value::Null, Value::from_json),
        other => Value::from_json(other),
    }
}

fn is_symbolic(template: &Map<String, Json>) -> bool {
    matches!(field(template, "resources"), Some(Json::Object(_)))
        || field(template, "languageVersion").and_then(Json::as_str).is_some_and(|v| v.starts_with('2'))
}

/// The parameters (values given, else defaults, else placeholders), variables and user
/// functions of `template`, at `path` in the file.
fn values_of<'t>(
    template: &'t Map<String, Json>,
    mut given: HashMap<String, Value>,
    path: &str,
    run: &Run,
) -> Values<'t> {
    let mut parameters = HashMap::new();
    let mut missing = Vec::new();
    if let Some(Json::Object(declared)) = field(template, "parameters") {
        for (name, declaration) in declared {
            let key = name.to_ascii_lowercase();
            let slot = if let Some(value) = given.remove(&key) {
                Slot::given(value)
            } else if let Some(default) = declaration.as_object().and_then(|d| field(d, "defaultValue")) {
                Slot::lazy(Source::Json(default, pointer(&pointer(&pointer(path, "parameters"), name), "defaultValue")))
            } else {
                let declaration = declaration.as_object();
                let nullable = declaration.and_then(|d| field(d, "nullable")).and_then(Json::as_bool) == Some(true);
                if !nullable {
                    missing.push(name.as_str());
                }
                let kind = declaration.and_then(|d| field(d, "type")).and_then(Json::as_str).unwrap_or("");
                let what = format!("parameters('{name}')");
                Slot::given(if nullable {
                    Value::Null
                } else if kind.eq_ignore_ascii_case("string") || kind.eq_ignore_ascii_case("securestring") {
                    // Like the deployment context: a marked placeholder, so that names and ids
                    // built from it keep their shape and a resource named by it can be found.
                    Value::String(crate::placeholder(&what))
                } else {
                    Value::unknown(what)
                })
            };
            parameters.insert(key, slot);
        }
    }
    if !missing.is_empty() {
        run.report(
            Severity::Info,
            &pointer(path, "parameters"),
            format!(
                "no value for the parameters {}: strings stand as placeholders such as {}, other types are unknown",
                missing.join(", "),
                crate::placeholder(&format!("parameters('{}')", missing[0]))
            ),
        );
    }
    for name in given.keys() {
        run.report(
            Severity::Warning,
            &pointer(path, "parameters"),
            format!("a value is given for {name}, which the template does not declare; ignored"),
        );
    }
    let mut variables = HashMap::new();
    if let Some(Json::Object(declared)) = field(template, "variables") {
        let variables_path = pointer(path, "variables");
        for (name, value) in declared {
            if name.eq_ignore_ascii_case("copy")
                && let Json::Array(loops) = value
            {
                for (index, element) in loops.iter().enumerate() {
                    let Some(element) = element.as_object() else { continue };
                    let Some(loop_name) = field(element, "name").and_then(Json::as_str) else { continue };
                    let element_path = format!("{}/{index}", pointer(&variables_path, "copy"));
                    variables.insert(loop_name.to_ascii_lowercase(), Slot::lazy(Source::Copy(element, element_path)));
                }
                continue;
            }
            variables
                .insert(name.to_ascii_lowercase(), Slot::lazy(Source::Json(value, pointer(&variables_path, name))));
        }
    }
    let mut functions = HashMap::new();
    if let Some(Json::Array(namespaces)) = field(template, "functions") {
        for namespace in namespaces.iter().filter_map(Json::as_object) {
            let Some(prefix) = field(namespace, "namespace").and_then(Json::as_str) else { continue };
            let Some(Json::Object(members)) = field(namespace, "members") else { continue };
            for (name, member) in members {
                if let Json::Object(member) = member {
                    functions.insert(format!("{prefix}.{name}").to_ascii_lowercase(), member);
                }
            }
        }
    }
    Values { parameters, variables, functions }
}

impl<'t, 'r> Frame<'t, 'r> {
    /// Instantiates every resource, evaluates and emits each deployed one, then the outputs.
    fn expand(&self) -> Object {
        let resources_path = pointer(&self.path, "resources");
        match field(self.template, "resources") {
            Some(Json::Array(declarations)) => {
                for (index, declaration) in declarations.iter().enumerate() {
                    if let Json::Object(declaration) = declaration {
                        self.instantiate(
                            declaration,
                            format!("{resources_path}/{index}"),
                            None,
                            None,
                            &Locals::default(),
                        );
                    }
                }
            }
            Some(Json::Object(declarations)) => {
                for (name, declaration) in declarations {
                    if let Json::Object(declaration) = declaration {
                        let path = pointer(&resources_path, name);
                        self.instantiate(declaration, path, Some(name), None, &Locals::default());
                    }
                }
            }
            _ => {}
        }
        let instances: Vec<Rc<Instance<'t>>> = self.instances.borrow().clone();
        for instance in instances.iter().filter(|i| i.deployed && !i.existing) {
            match self.body(instance) {
                Ok(body) => self.emit(instance, &body),
                Err(message) => self.run.report(Severity::Warning, &instance.path, message),
            }
        }
        self.outputs()
    }

    fn outputs(&self) -> Object {
        let mut outputs = Object::new();
        let Some(Json::Object(declared)) = field(self.template, "outputs") else { return outputs };
        let outputs_path = pointer(&self.path, "outputs");
        for (name, declaration) in declared {
            let Json::Object(declaration) = declaration else { continue };
            let path = pointer(&outputs_path, name);
            let locals = Locals::default();
            if let Some(condition) = field(declaration, "condition")
                && self.eval_json(condition, &locals, &pointer(&path, "condition")) == Value::Bool(false)
            {
                continue;
            }
            let value = match (field(declaration, "copy"), field(declaration, "value")) {
                (Some(Json::Object(copy)), _) => self.copy_array(copy, &locals, &pointer(&path, "copy")),
                (_, Some(value)) => self.eval_json(value, &locals, &pointer(&path, "value")),
                _ => Value::Null,
            };
            let kind = field(declaration, "type").and_then(Json::as_str).unwrap_or("").to_owned();
            outputs.insert(
                name.clone(),
                Value::Object(Object::from([("type".to_owned(), Value::String(kind)), ("value".to_owned(), value)])),
            );
        }
        outputs
    }

    /// Evaluates `{"name", "count", "input"}` into an array, binding `copyIndex(name)` (an
    /// output's loop has no name: `copyIndex()`).
    pub fn copy_array(&self, copy: &Map<String, Json>, locals: &Locals, path: &str) -> Value {
        let loop_name = field(copy, "name").and_then(Json::as_str).unwrap_or_default();
        let count = match self.count(copy, locals, path) {
            Ok(count) => count,
            Err(unknown) => return unknown,
        };
        let Some(input) = field(copy, "input") else { return Value::Array(Vec::new()) };
        let input_path = pointer(path, "input");
        Value::Array(
            (0..count)
                .map(|i| self.eval_json(input, &locals.with_copy(loop_name, i, !loop_name.is_empty()), &input_path))
                .collect(),
        )
    }

    /// A loop's count, at most [`MAX_COPY`]; its unknown value when unknown.
    fn count(&self, copy: &Map<String, Json>, locals: &Locals, path: &str) -> Result<i64, Value> {
        let count_path = pointer(path, "count");
        match field(copy, "count").map(|c| self.eval_json(c, locals, &count_path)) {
            Some(Value::Int(n)) if n > MAX_COPY => {
                self.run.report(
                    Severity::Warning,
                    &count_path,
                    format!("a loop of {n}: only the first {MAX_COPY} are read, as ARM allows no more"),
                );
                Ok(MAX_COPY)
            }
            Some(Value::Int(n)) => Ok(n.max(0)),
            Some(Value::Unknown(what)) => {
                self.run.report(
                    Severity::Warning,
                    &count_path,
                    format!("the loop count is unknown ({what}): the loop is not expanded"),
                );
                Err(Value::Unknown(what))
            }
            other => {
                let got = other.map_or("nothing", |v| v.type_name());
                self.run.report(
                    Severity::Warning,
                    &count_path,
                    format!("the loop count is {got}, not an integer: the loop is not expanded"),
                );
                Err(Value::unknown("copy count"))
            }
        }
    }

    /// Creates the instances of one declaration (each copy, each child resource).
    fn instantiate(
        &self,
        decl: &'t Map<String, Json>,
        path: String,
        symbolic_name: Option<&str>,
        parent: Option<&Instance<'t>>,
        locals: &Locals,
    ) {
        let copy = field(decl, "copy").and_then(Json::as_object);
        let loop_ = match copy {
            Some(copy) => {
                let name = field(copy, "name").and_then(Json::as_str).unwrap_or("").to_owned();
                match self.count(copy, locals, &pointer(&path, "copy")) {
                    Ok(count) => Some((name, count)),
                    Err(_) => return,
                }
            }
            None => None,
        };
        let indexes: Vec<Option<i64>> = match &loop_ {
            Some((_, count)) => (0..*count).map(Some).collect(),
            None => vec![None],
        };
        for index in indexes {
            if self.run.instances.get() >= MAX_INSTANCES {
                self.run.report(
                    Severity::Warning,
                    &path,
                    format!("more than {MAX_INSTANCES} resources: the rest are not read"),
                );
                return;
            }
            self.run.instances.set(self.run.instances.get() + 1);
            let locals = match (&loop_, index) {
                (Some((name, _)), Some(i)) => locals.with_copy(name, i, false),
                _ => locals.clone(),
            };
            let existing = field(decl, "existing").and_then(Json::as_bool) == Some(true);
            let was_quiet = self.run.quiet.replace(existing || self.run.quiet.get());
            let instance = Rc::new(self.header(decl, &path, symbolic_name, index, parent, locals));
            self.run.quiet.set(was_quiet);
            self.instances.borrow_mut().push(instance.clone());
            if let Some(Json::Array(children)) = field(decl, "resources") {
                for (child_index, child) in children.iter().enumerate() {
                    if let Json::Object(child) = child {
                        let child_path = format!("{path}/resources/{child_index}");
                        self.instantiate(child, child_path, None, Some(&instance), &instance.locals);
                    }
                }
            }
        }
    }

    fn header(
        &self,
        decl: &'t Map<String, Json>,
        path: &str,
        symbolic_name: Option<&str>,
        copy_index: Option<i64>,
        parent: Option<&Instance<'t>>,
        locals: Locals,
    ) -> Instance<'t> {
        let parent_deployed = parent.is_none_or(|p| p.deployed);
        let condition = field(decl, "condition").filter(|_| parent_deployed);
        let deployed = parent_deployed
            && match condition.map(|c| self.eval_json(c, &locals, &pointer(path, "condition"))) {
                None | Some(Value::Bool(true)) => true,
                Some(Value::Bool(false)) => false,
                Some(other) => {
                    self.run.report(
                        Severity::Info,
                        &pointer(path, "condition"),
                        format!("the condition is {other}, not known before deployment: read as deployed"),
                    );
                    true
                }
            };
        let existing = field(decl, "existing").and_then(Json::as_bool) == Some(true);
        // ARM evaluates nothing else of a resource whose condition is false.
        let text = |key: &str| match field(decl, key) {
            Some(json) if deployed => self.eval_json(json, &locals, &pointer(path, key)).to_string(),
            Some(Json::String(literal)) => literal.clone(),
            _ => String::new(),
        };
        let (mut resource_type, mut name) = (text("type"), text("name"));
        if let Some(parent) = parent {
            resource_type = format!("{}/{resource_type}", parent.resource_type);
            name = format!("{}/{name}", parent.name);
        }
        let (id, resource_type, name) = if deployed {
            self.instance_id(decl, &resource_type, &name, &locals, path)
        } else {
            (String::new(), resource_type, name)
        };
        Instance {
            decl,
            path: path.to_owned(),
            symbolic_name: symbolic_name.map(str::to_owned),
            copy_index,
            locals,
            resource_type,
            name,
            id,
            existing,
            deployed,
            body: RefCell::new(BodyState::Pending),
        }
    }

    /// The id of a declared resource: its `scope` (absolute, or relative to the deployment),
    /// else its cross-scope `subscriptionId`/`resourceGroup`, else the deployment's scope;
    /// then its type and name. The legacy `<parent>/providers/<extension>` form becomes the
    /// extension resource it declares: returns the id, type and name.
    fn instance_id(
        &self,
        decl: &'t Map<String, Json>,
        resource_type: &str,
        name: &str,
        locals: &Locals,
        path: &str,
    ) -> (String, String, String) {
        let text = |key: &str| field(decl, key).map(|j| self.eval_json(j, locals, &pointer(path, key)).to_string());
        let base = match text("scope") {
            Some(scope) => self.scope_id(&scope),
            None => match (text("subscriptionId"), text("resourceGroup")) {
                (None, None) => self.target.base(),
                (subscription, Some(group)) => format!(
                    "/subscriptions/{}/resourceGroups/{group}",
                    subscription.unwrap_or_else(|| self.target.subscription.clone())
                ),
                (Some(subscription), None) => format!("/subscriptions/{subscription}"),
            },
        };
        if resource_type.eq_ignore_ascii_case("Microsoft.Resources/resourceGroups") {
            let id = format!("/subscriptions/{}/resourceGroups/{name}", self.target.subscription);
            return (id, resource_type.to_owned(), name.to_owned());
        }
        let names: Vec<&str> = name.split('/').collect();
        let lower = resource_type.to_ascii_lowercase();
        if let Some(at) = lower.find("/providers/") {
            let (parent_type, extension_type) = (&resource_type[..at], &resource_type[at + "/providers/".len()..]);
            let parent_count = parent_type.split('/').count().saturating_sub(1).min(names.len());
            let parent_id = join_id(&base, parent_type, &names[..parent_count]);
            let rest = &names[parent_count..];
            let (namespace, extension_names) = rest.split_first().map_or(("", rest), |(n, r)| (*n, r));
            let extension = format!("{namespace}/{extension_type}");
            return (join_id(&parent_id, &extension, extension_names), extension, extension_names.join("/"));
        }
        (join_id(&base, resource_type, &names), resource_type.to_owned(), name.to_owned())
    }

    /// A `scope` value as an id: absolute ids as they are, relative ones
    /// (`Microsoft.Compute/virtualMachines/vm`) inside the deployment's scope.
    pub fn scope_id(&self, scope: &str) -> String {
        let scope = scope.trim_end_matches('/');
        let lower = scope.to_ascii_lowercase();
        if scope.starts_with('/') || scope.is_empty() {
            scope.to_owned()
        } else if lower.starts_with("microsoft.management/managementgroups/") {
            format!("/providers/{scope}")
        } else if lower.starts_with("subscriptions/") {
            format!("/{scope}")
        } else {
            format!("{}/providers/{scope}", self.target.base())
        }
    }

    /// The evaluated body of `instance`, computed once. A resource whose body needs itself
    /// (through `reference`) is a cycle, reported as such.
    pub fn body(&self, instance: &Instance<'t>) -> Result<Rc<Body>, String> {
        match &*instance.body.borrow() {
            BodyState::Done(body) => return Ok(body.clone()),
            BodyState::Evaluating => return Err(format!("{} refers to itself through reference()", instance.name)),
            BodyState::Pending => {}
        }
        *instance.body.borrow_mut() = BodyState::Evaluating;
        let result = self.run.deeper(|| Ok(self.evaluate_body(instance)));
        *instance.body.borrow_mut() = match &result {
            Ok(body) => {
                self.run.evaluated.borrow_mut().insert(instance.id.to_ascii_lowercase(), body.clone());
                BodyState::Done(body.clone())
            }
            Err(_) => BodyState::Pending,
        };
        result
    }

    fn evaluate_body(&self, instance: &Instance<'t>) -> Rc<Body> {
        let eval = |key: &str| {
            field(instance.decl, key)
                .map(|j| self.eval_json(j, &instance.locals, &pointer(&instance.path, key)))
                .unwrap_or(Value::Null)
        };
        let lower_type = instance.resource_type.to_ascii_lowercase();
        let mut properties = if lower_type == DEPLOYMENTS_TYPE && !instance.existing {
            self.nested_deployment(instance)
        } else {
            eval("properties")
        };
        let mut identity = eval("identity");
        add_identity_placeholders(&instance.id, &mut identity);
        if lower_type == UAMI_TYPE {
            add_identity_properties(&instance.id, &mut properties);
        }
        Rc::new(Body {
            id: instance.id.clone(),
            name: instance.name.clone(),
            resource_type: instance.resource_type.clone(),
            location: eval("location"),
            tags: eval("tags"),
            kind: eval("kind"),
            identity,
            properties,
        })
    }

    fn emit(&self, instance: &Instance<'t>, body: &Body) {
        if instance.resource_type.eq_ignore_ascii_case(DEPLOYMENTS_TYPE) {
            return;
        }
        let mut unknown: Vec<String> =
            body.identity.unknowns().into_iter().map(|(p, what)| format!("identity{p} ({what})")).collect();
        if instance.resource_type.eq_ignore_ascii_case("Microsoft.Authorization/roleAssignments") {
            for key in ["principalId", "roleDefinitionId"] {
                if let Some(Value::Unknown(what)) = body.properties.get(key) {
                    unknown.push(format!("properties/{key} ({what})"));
                }
            }
        }
        if !unknown.is_empty() {
            self.run.report(
                Severity::Warning,
                &instance.path,
                format!(
                    "{} {} has values known only at deployment: {}",
                    instance.resource_type,
                    instance.name,
                    unknown.join(", ")
                ),
            );
        }
        self.run.resources.borrow_mut().push(ExpandedResource {
            path: instance.path.clone(),
            symbolic_name: instance.symbolic_name.clone(),
            id: instance.id.clone(),
            name: instance.name.clone(),
            resource_type: instance.resource_type.clone(),
            location: body.location.clone(),
            tags: body.tags.clone(),
            kind: body.kind.clone(),
            identity: body.identity.clone(),
            properties: body.properties.clone(),
        });
    }

    /// A `Microsoft.Resources/deployments` with an inline template: expanded in its own frame
    /// (inner scope: its own parameters and variables; outer: this frame's). Returns its
    /// properties as `reference()` sees them: `{"outputs": {...}}`.
    fn nested_deployment(&self, instance: &Instance<'t>) -> Value {
        let properties_path = pointer(&instance.path, "properties");
        let Some(Json::Object(properties)) = field(instance.decl, "properties") else { return Value::Null };
        let outputs_unknown = |why: &str| {
            Value::Object(Object::from([(
                "outputs".to_owned(),
                Value::unknown(format!("outputs of {} ({why})", instance.name)),
            )]))
        };
        // Bicep's `loadJsonContent` leaves the template in a variable (`[variables('$fxv#0')]`)
        // whose expressions are escaped (`[[`): evaluating it here gives the template.
        let evaluated;
        let template = match field(properties, "template") {
            Some(Json::String(text)) => {
                evaluated = self.eval_string(text, &instance.locals, &pointer(&properties_path, "template")).to_json();
                Some(&evaluated)
            }
            other => other,
        };
        let Some(Json::Object(template)) = template else {
            let uri = field(properties, "templateLink").and_then(|l| l.get("uri")).and_then(Json::as_str).unwrap_or("");
            self.run.report(
                Severity::Warning,
                &properties_path,
                format!("a linked template ({uri}) cannot be read from here: what it deploys is not in this design"),
            );
            return outputs_unknown("linked template");
        };
        if self.nesting >= MAX_NESTING {
            self.run.report(
                Severity::Warning,
                &properties_path,
                format!("deployments nest deeper than {MAX_NESTING}: not expanded"),
            );
            return outputs_unknown("nested too deep");
        }
        // A template that declares parameters and is given some reads them, whatever the
        // declared scope (AVM modules load such templates with scope "Outer").
        let inner = field(properties, "expressionEvaluationOptions")
            .and_then(|o| o.get("scope"))
            .and_then(Json::as_str)
            .is_some_and(|s| s.eq_ignore_ascii_case("inner"))
            || (field(template, "parameters").is_some() && field(properties, "parameters").is_some());
        let template_path = pointer(&properties_path, "template");
        let values = if inner {
            let mut given = HashMap::new();
            if let Some(Json::Object(parameters)) = field(properties, "parameters") {
                let parameters_path = pointer(&properties_path, "parameters");
                for (name, entry) in parameters {
                    let value = match entry.as_object().and_then(|e| field(e, "value")) {
                        Some(value) => {
                            self.eval_json(value, &instance.locals, &pointer(&pointer(&parameters_path, name), "value"))
                        }
                        None => parameter_entry(entry, name),
                    };
                    // ARM deploys a parameter passed as null with its default value.
                    if value != Value::Null {
                        given.insert(name.to_ascii_lowercase(), value);
                    }
                }
            }
            Rc::new(values_of(template, given, &template_path, self.run))
        } else {
            self.values.clone()
        };
        let frame = Frame {
            run: self.run,
            template,
            values,
            target: self.nested_target(instance, template),
            path: template_path,
            symbolic: is_symbolic(template),
            nesting: self.nesting + 1,
            instances: RefCell::new(Vec::new()),
        };
        Value::Object(Object::from([("outputs".to_owned(), Value::Object(frame.expand()))]))
    }

    /// Where a nested deployment goes: its `subscriptionId`, `resourceGroup` or management
    /// group `scope`, at the level its template's `$schema` names.
    fn nested_target(&self, instance: &Instance<'t>, template: &Map<String, Json>) -> Target {
        let text = |key: &str| {
            field(instance.decl, key)
                .map(|j| self.eval_json(j, &instance.locals, &pointer(&instance.path, key)).to_string())
        };
        let mut target = self.target.clone();
        target.deployment = instance.name.clone();
        if let Some(subscription) = text("subscriptionId") {
            target.subscription = subscription;
        }
        if let Some(group) = text("resourceGroup") {
            target.resource_group = group;
        }
        let schema = field(template, "$schema").and_then(Json::as_str).unwrap_or("");
        target.level = TargetScope::of_schema(schema).unwrap_or(target.level);
        if let Some(scope) = text("scope") {
            let id = self.scope_id(&scope);
            if let Some(group) =
                id.to_ascii_lowercase().find("/managementgroups/").map(|at| &id[at + "/managementgroups/".len()..])
            {
                target.management_group = group.split('/').next().unwrap_or(group).to_owned();
            }
        }
        target
    }

    /// Finds the instance `reference(target)` means: a symbolic name (`msi`, `loop[2]`), an id,
    /// or a resource name, in that order.
    pub fn find_instance(&self, target: &str) -> Option<Rc<Instance<'t>>> {
        let instances = self.instances.borrow();
        if self.symbolic {
            let (name, index) = match target.strip_suffix(']').and_then(|t| t.rsplit_once('[')) {
                Some((name, index)) => (name, index.trim().parse::<i64>().ok()),
                None => (target, None),
            };
            let found = instances.iter().find(|i| {
                i.symbolic_name.as_deref().is_some_and(|s| s.eq_ignore_ascii_case(name))
                    && (index.is_none() || i.copy_index == index)
            });
            if let Some(found) = found {
                return Some(found.clone());
            }
        }
        let target = target.trim_end_matches('/');
        if target.starts_with('/') {
            return instances.iter().find(|i| i.id.eq_ignore_ascii_case(target)).cloned();
        }
        instances.iter().find(|i| i.name.eq_ignore_ascii_case(target)).cloned()
    }

    /// What `reference()` returns for a resource of this template.
    pub fn reference_of(&self, instance: &Instance<'t>, full: bool) -> Result<Value, String> {
        if !instance.deployed {
            return Ok(Value::unknown(format!("reference('{}'), a resource whose condition is false", instance.name)));
        }
        Ok(self.body(instance)?.reference(full))
    }

    /// `reference()` by id of a resource another frame (a sibling nested deployment, say)
    /// has already evaluated.
    pub fn evaluated_elsewhere(&self, id: &str, full: bool) -> Option<Value> {
        self.run.evaluated.borrow().get(&id.trim_end_matches('/').to_ascii_lowercase()).map(|b| b.reference(full))
    }
}

impl Body {
    /// What `reference()` returns: the properties, or with `'full'` the whole resource.
    fn reference(&self, full: bool) -> Value {
        if !full {
            return self.properties.clone();
        }
        Value::Object(Object::from([
            ("id".to_owned(), Value::String(self.id.clone())),
            ("name".to_owned(), Value::String(self.name.clone())),
            ("type".to_owned(), Value::String(self.resource_type.clone())),
            ("location".to_owned(), self.location.clone()),
            ("tags".to_owned(), self.tags.clone()),
            ("kind".to_owned(), self.kind.clone()),
            ("identity".to_owned(), self.identity.clone()),
            ("properties".to_owned(), self.properties.clone()),
        ]))
    }
}

/// `reference()` of a resource this template does not declare: what Blastmap can say of it
/// is its identity's placeholders.
pub(crate) fn external_reference(id: &str, full: bool) -> Value {
    let mut properties = Value::Object(Object::new());
    if crate::eval::type_of_id(id).eq_ignore_ascii_case(UAMI_TYPE) {
        add_identity_properties(id, &mut properties);
    }
    if !full {
        return properties;
    }
    let identity = Value::Object(Object::from([
        ("principalId".to_owned(), Value::String(principal_id_placeholder(id))),
        ("tenantId".to_owned(), Value::String(TENANT_PLACEHOLDER.to_owned())),
    ]));
    Value::Object(Object::from([
        ("id".to_owned(), Value::String(id.to_owned())),
        ("identity".to_owned(), identity),
        ("properties".to_owned(), properties),
    ]))
}

/// Gives a system-assigned identity its placeholder principal id, and each user-assigned
/// identity named by an empty `{}` its placeholder principal and client ids.
fn add_identity_placeholders(resource_id: &str, identity: &mut Value) {
    let Value::Object(block) = identity else { return };
    let system = block
        .get("type")
        .or_else(|| get(block, "type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t.split(',').any(|k| k.trim().eq_ignore_ascii_case("systemassigned")));
    if system {
        fill(block, "principalId", principal_id_placeholder(resource_id));
        fill(block, "tenantId", TENANT_PLACEHOLDER.to_owned());
    }
    let key = block.keys().find(|k| k.eq_ignore_ascii_case("userAssignedIdentities")).cloned();
    if let Some(Value::Object(identities)) = key.and_then(|k| block.get_mut(&k)) {
        for (uami, value) in identities.iter_mut() {
            if !matches!(value, Value::Object(_)) {
                *value = Value::Object(Object::new());
            }
            if let Value::Object(value) = value {
                fill(value, "principalId", principal_id_placeholder(uami));
                fill(value, "clientId", client_id_placeholder(uami));
            }
        }
    }
}

/// Gives a user-assigned identity's properties their placeholder ids.
fn add_identity_properties(resource_id: &str, properties: &mut Value) {
    if !matches!(properties, Value::Object(_)) {
        *properties = Value::Object(Object::new());
    }
    if let Value::Object(properties) = properties {
        fill(properties, "principalId", principal_id_placeholder(resource_id));
        fill(properties, "clientId", client_id_placeholder(resource_id));
        fill(properties, "tenantId", TENANT_PLACEHOLDER.to_owned());
    }
}

/// Sets `key` unless the object already has a non-null value for it (in any case).
fn fill(object: &mut Object, key: &str, value: String) {
    if get(object, key).is_none_or(|v| *v == Value::Null) {
        object.retain(|k, _| !k.eq_ignore_ascii_case(key));
        object.insert(key.to_owned(), Value::String(value));
    }
}

/// `base/providers/{namespace}/{type}/{name}/{child type}/{child name}...`; a resource group
/// under a subscription is `/subscriptions/{s}/resourceGroups/{name}`.
pub(crate) fn join_id(base: &str, resource_type: &str, names: &[&str]) -> String {
    let mut segments = resource_type.split('/');
    let namespace = segments.next().unwrap_or("");
    let types: Vec<&str> = segments.collect();
    if resource_type.eq_ignore_ascii_case("Microsoft.Resources/resourceGroups")
        && base.to_ascii_lowercase().starts_with("/subscriptions/")
    {
        let subscription: String = base.split('/').take(3).collect::<Vec<_>>().join("/");
        return format!("{subscription}/resourceGroups/{}", names.join("/"));
    }
    let mut id = format!("{base}/providers/{namespace}");
    for (index, kind) in types.iter().enumerate() {
        id.push('/');
        id.push_str(kind);
        if let Some(name) = names.get(index) {
            id.push('/');
            id.push_str(name);
        }
    }
    for name in names.iter().skip(types.len()) {
        id.push('/');
        id.push_str(name);
    }
    id
}

impl<'t> Values<'t> {
    pub(crate) fn parameter_slot(&self, name: &str) -> Option<&Slot<'_>> {
        self.parameters.get(&name.to_ascii_lowercase())
    }

    pub(crate) fn variable_slot(&self, name: &str) -> Option<&Slot<'_>> {
        self.variables.get(&name.to_ascii_lowercase())
    }
}

impl<'t> Frame<'t, '_> {
    /// The value of a parameter or variable slot, evaluated on first use.
    pub(crate) fn slot_value(&self, slot: &Slot<'_>, what: &str) -> Result<Value, String> {
        if let Some(value) = &*slot.value.borrow() {
            return Ok(value.clone());
        }
        if slot.busy.get() {
            return Err(format!("{what} depends on itself"));
        }
        slot.busy.set(true);
        let result = self.run.deeper(|| {
            Ok(match &slot.source {
                Source::Given => Value::Null,
                Source::Json(json, path) => self.eval_json(json, &Locals::default(), path),
                Source::Copy(copy, path) => self.copy_array(copy, &Locals::default(), path),
            })
        });
        slot.busy.set(false);
        let value = result?;
        *slot.value.borrow_mut() = Some(value.clone());
        Ok(value)
    }
}
