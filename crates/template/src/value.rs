//! The values template expressions compute: JSON values, lambdas, and [`Value::Unknown`].

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::expr::Expr;

/// An object: ARM compares property names case-insensitively, and so does [`Value::get`].
pub type Object = BTreeMap<String, Value>;

/// A value an expression evaluates to.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer (ARM's numbers are 64-bit integers).
    Int(i64),
    /// A JSON number that is not an integer, kept as read.
    Float(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object.
    Object(Object),
    /// A `lambda(...)`, only ever an argument of `map`, `filter`, `reduce`, `sort` or `toObject`.
    Lambda(Rc<Lambda>),
    /// A value known only at deployment (a key, a runtime property, a Key Vault secret) or
    /// that could not be evaluated. The text says what it stands for, in template syntax where
    /// possible (`listKeys(...)`); it is what people see in place of the value.
    Unknown(Rc<str>),
}

/// A lambda: its parameter names and body.
#[derive(Debug, PartialEq)]
pub struct Lambda {
    /// Parameter names, as `lambdaVariables('x')` names them.
    pub parameters: Vec<String>,
    /// The body.
    pub body: Expr,
}

impl Value {
    /// An unknown value standing for `what`.
    pub fn unknown(what: impl Into<String>) -> Value {
        Value::Unknown(Rc::from(what.into()))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// True for [`Value::Unknown`].
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// The property `name` of an object, ignoring case as ARM does.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(object) => get(object, name),
            _ => None,
        }
    }

    /// ARM's type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::Float(_) => "int",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
            Value::Lambda(_) => "lambda",
            Value::Unknown(_) => "unknown",
        }
    }

    /// Reads literal JSON (a parameter file's value): strings are not evaluated.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => {
                n.as_i64().map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int)
            }
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => Value::Array(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }

    /// Writes JSON; an unknown value becomes its placeholder text `{...}` so that ids built
    /// from it stay recognisable, and a lambda becomes `null`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Null | Value::Lambda(_) => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::from(*i),
            Value::Float(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Array(items) => serde_json::Value::Array(items.iter().map(Value::to_json).collect()),
            Value::Object(map) => {
                serde_json::Value::Object(map.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::Unknown(what) => serde_json::Value::String(placeholder(what)),
        }
    }

    /// True when arrays and objects nest more than `limit` levels deep here. Looks no deeper
    /// than that, so it costs at most what cloning the value did.
    pub fn nests_deeper_than(&self, limit: usize) -> bool {
        match self {
            Value::Array(items) => limit == 0 || items.iter().any(|v| v.nests_deeper_than(limit - 1)),
            Value::Object(map) => limit == 0 || map.values().any(|v| v.nests_deeper_than(limit - 1)),
            _ => false,
        }
    }

    /// Every unknown value inside this one (itself included), with its JSON path below it.
    pub fn unknowns(&self) -> Vec<(String, Rc<str>)> {
        let mut found = Vec::new();
        collect_unknowns(self, &mut String::new(), &mut found);
        found
    }
}

fn collect_unknowns(value: &Value, path: &mut String, found: &mut Vec<(String, Rc<str>)>) {
    let length = path.len();
    match value {
        Value::Unknown(what) => found.push((path.clone(), what.clone())),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push_str(&format!("/{index}"));
                collect_unknowns(item, path, found);
                path.truncate(length);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                *path = pointer(path, key);
                collect_unknowns(item, path, found);
                path.truncate(length);
            }
        }
        _ => {}
    }
}

/// `path` extended by the property `key`, escaped as JSON Pointer wants (`~0`, `~1`).
pub(crate) fn pointer(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The text that stands for an unknown value inside strings and ids: `{what}`, with `/` (which
/// would split an id) replaced by `|`.
pub fn placeholder(what: &str) -> String {
    format!("{{{}}}", what.replace('/', "|"))
}

/// The property `name` of `object`, exact spelling first, then ignoring case.
pub fn get<'o>(object: &'o Object, name: &str) -> Option<&'o Value> {
    object.get(name).or_else(|| object.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

impl fmt::Display for Value {
    /// ARM's `string()`: strings as they are, everything else as compact JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::String(s) => f.write_str(s),
            Value::Unknown(what) => f.write_str(&placeholder(what)),
            other => write!(f, "{}", other.to_json()),
        }
    }
}
