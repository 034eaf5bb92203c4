//! ARM's built-in functions that depend only on their arguments. Functions that need the
//! deployment (`parameters`, `reference`, `resourceId`, lambdas...) are in `eval`.
//!
//! An unknown argument makes the result unknown (the caller checks before calling), except for
//! the functions that build containers ([`BUILDS_CONTAINERS`]): an array holding one unknown
//! element is still an array of known length.

use crate::hash;
use crate::value::{Object, Value, get};

/// Longest string or collection a function may return: a hostile template doubling a value in
/// a chain of variables stops here instead of exhausting memory.
pub const MAX_SIZE: usize = 1 << 20;

/// Deepest nesting of arrays and objects a function may build: a lambda wrapping its
/// accumulator in an array a million times would otherwise overflow the stack when the value
/// is dropped or compared.
pub const MAX_NESTING: usize = 100;

/// Functions whose result is known even when some arguments are not.
pub const BUILDS_CONTAINERS: &[&str] = &["createarray", "createobject", "array", "coalesce", "json"];

/// What calling a pure function gave.
pub enum Outcome {
    /// The function's value.
    Value(Value),
    /// Not a pure built-in function.
    NotPure,
}

type Result<T> = std::result::Result<T, String>;

fn string_arg<'v>(args: &'v [Value], index: usize, function: &str) -> Result<&'v str> {
    match args.get(index) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("{function} expects a string as argument {}, got {}", index + 1, other.type_name())),
        None => Err(format!("{function} expects at least {} arguments", index + 1)),
    }
}

fn int_arg(args: &[Value], index: usize, function: &str) -> Result<i64> {
    match args.get(index) {
        Some(Value::Int(i)) => Ok(*i),
        Some(Value::String(s)) => s.trim().parse().map_err(|_| format!("{function}: {s:?} is not an integer")),
        Some(other) => {
            Err(format!("{function} expects an integer as argument {}, got {}", index + 1, other.type_name()))
        }
        None => Err(format!("{function} expects at least {} arguments", index + 1)),
    }
}

fn bool_arg(args: &[Value], index: usize, function: &str) -> Result<bool> {
    match args.get(index) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!("{function} expects a bool as argument {}, got {}", index + 1, other.type_name())),
        None => Err(format!("{function} expects at least {} arguments", index + 1)),
    }
}

fn arity(args: &[Value], min: usize, max: usize, function: &str) -> Result<()> {
    if args.len() < min || args.len() > max {
        return Err(format!("{function} takes {min} to {max} arguments, got {}", args.len()));
    }
    Ok(())
}

/// ARM's text for a value inside `concat`, `format` and `string`: booleans as .NET prints them.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::Bool(true) => "True".to_owned(),
        Value::Bool(false) => "False".to_owned(),
        other => other.to_string(),
    }
}

/// The value, or an error when it is larger or deeper than Blastmap evaluates.
pub fn checked(value: Value) -> Result<Value> {
    if value.nests_deeper_than(MAX_NESTING) {
        return Err(format!("a value nested deeper than {MAX_NESTING} levels"));
    }
    let size = match &value {
        Value::String(s) => s.len(),
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    };
    if size > MAX_SIZE {
        Err(format!("a value of {size} elements or bytes is larger than Blastmap evaluates"))
    } else {
        Ok(value)
    }
}

fn char_index(s: &str, index: i64, function: &str) -> Result<usize> {
    let count = s.chars().count();
    usize::try_from(index)
        .ok()
        .filter(|i| *i <= count)
        .ok_or_else(|| format!("{function}: index {index} is outside {s:?}"))
}

fn slice_chars(s: &str, start: usize, length: usize) -> String {
    s.chars().skip(start).take(length).collect()
}

/// Calls the pure function `name` (lower-cased) on evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> Result<Outcome> {
    if !PURE.contains(&name) {
        return Ok(Outcome::NotPure);
    }
    if !BUILDS_CONTAINERS.contains(&name)
        && let Some(unknown) = args.iter().find(|a| a.is_unknown())
    {
        return Ok(Outcome::Value(unknown.clone()));
    }
    let value = match name {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        "string" => {
            arity(&args, 1, 1, name)?;
            Value::String(args.first().map(text_of).unwrap_or_default())
        }
        "int" => Value::Int(match args.first() {
            Some(Value::Float(f)) => *f as i64,
            _ => int_arg(&args, 0, name)?,
        }),
        "float" => match args.first() {
            Some(Value::Int(i)) => Value::Float(*i as f64),
            Some(Value::String(s)) => Value::Float(s.trim().parse().map_err(|_| format!("{s:?} is not a number"))?),
            Some(other) => other.clone(),
            None => return Err("float expects an argument".to_owned()),
        },
        "bool" => Value::Bool(match args.first() {
            Some(Value::Bool(b)) => *b,
            Some(Value::Int(i)) => *i != 0,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
            Some(other) => return Err(format!("bool cannot read {other}")),
            None => return Err("bool expects an argument".to_owned()),
        }),
        "json" => match args.first() {
            Some(Value::String(s)) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(json) => Value::from_json(&json),
                Err(error) => return Err(format!("json: {error}")),
            },
            Some(other) => other.clone(),
            None => return Err("json expects an argument".to_owned()),
        },
        "concat" => concat(args)?,
        "format" => Value::String(format(&args)?),
        "tolower" => Value::String(string_arg(&args, 0, name)?.to_lowercase()),
        "toupper" => Value::String(string_arg(&args, 0, name)?.to_uppercase()),
        "trim" => Value::String(string_arg(&args, 0, name)?.trim().to_owned()),
        "replace" => {
            let (s, old, new) = (string_arg(&args, 0, name)?, string_arg(&args, 1, name)?, string_arg(&args, 2, name)?);
            if old.is_empty() {
                return Err("replace: the text to replace is empty".to_owned());
            }
            if s.matches(old).count().saturating_mul(new.len()) > MAX_SIZE {
                return Err("replace: the result is too large".to_owned());
            }
            Value::String(s.replace(old, new))
        }
        "substring" => {
            let s = string_arg(&args, 0, name)?;
            let start = char_index(s, int_arg(&args, 1, name)?, name)?;
            let rest = s.chars().count() - start;
            let length = match args.get(2) {
                Some(_) => usize::try_from(int_arg(&args, 2, name)?).ok().filter(|l| *l <= rest),
                None => Some(rest),
            }
            .ok_or_else(|| format!("substring: the length is outside {s:?}"))?;
            Value::String(slice_chars(s, start, length))
        }
        "split" => {
            let s = string_arg(&args, 0, name)?;
            let separators: Vec<String> = match args.get(1) {
                Some(Value::String(sep)) => vec![sep.clone()],
                Some(Value::Array(seps)) => seps.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
                _ => return Err("split expects a separator string or array".to_owned()),
            };
            let mut parts = vec![s.to_owned()];
            for sep in separators.iter().filter(|s| !s.is_empty()) {
                parts =
                    parts.iter().flat_map(|p| p.split(sep.as_str()).map(str::to_owned).collect::<Vec<_>>()).collect();
            }
            Value::Array(parts.into_iter().map(Value::String).collect())
        }
        "join" => {
            let Some(Value::Array(items)) = args.first() else { return Err("join expects an array".to_owned()) };
            let sep = string_arg(&args, 1, name)?;
            Value::String(items.iter().map(text_of).collect::<Vec<_>>().join(sep))
        }
        "startswith" => Value::Bool(
            string_arg(&args, 0, name)?.to_lowercase().starts_with(&string_arg(&args, 1, name)?.to_lowercase()),
        ),
        "endswith" => Value::Bool(
            string_arg(&args, 0, name)?.to_lowercase().ends_with(&string_arg(&args, 1, name)?.to_lowercase()),
        ),
        "indexof" | "lastindexof" => index_of(name, &args)?,
        "padleft" => {
            let s = string_arg(&args, 0, name)?;
            let width = usize::try_from(int_arg(&args, 1, name)?).unwrap_or(0).min(MAX_SIZE);
            let pad = args.get(2).and_then(Value::as_str).and_then(|p| p.chars().next()).unwrap_or(' ');
            let missing = width.saturating_sub(s.chars().count());
            Value::String(std::iter::repeat_n(pad, missing).chain(s.chars()).collect())
        }
        "base64" => Value::String(base64(string_arg(&args, 0, name)?.as_bytes())),
        "uricomponent" => Value::String(uri_component(string_arg(&args, 0, name)?)),
        "uri" => {
            let (base, relative) = (string_arg(&args, 0, name)?, string_arg(&args, 1, name)?);
            let stem = base.rfind('/').map_or(base, |at| &base[..=at]);
            Value::String(format!("{stem}{}", relative.trim_start_matches('/')))
        }
        "guid" | "uniquestring" => {
            let parts: Vec<&str> =
                args.iter().enumerate().map(|(i, _)| string_arg(&args, i, name)).collect::<Result<_>>()?;
            if parts.is_empty() {
                return Err(format!("{name} expects at least one argument"));
            }
            Value::String(if name == "guid" { hash::guid(&parts) } else { hash::unique_string(&parts) })
        }
        "length" => Value::Int(match args.first() {
            Some(Value::String(s)) => s.chars().count(),
            Some(Value::Array(a)) => a.len(),
            Some(Value::Object(o)) => o.len(),
            Some(other) => return Err(format!("length of {}", other.type_name())),
            None => return Err("length expects an argument".to_owned()),
        } as i64),
        "empty" => Value::Bool(match args.first() {
            Some(Value::Null) => true,
            Some(Value::String(s)) => s.is_empty(),
            Some(Value::Array(a)) => a.is_empty(),
            Some(Value::Object(o)) => o.is_empty(),
            Some(other) => return Err(format!("empty of {}", other.type_name())),
            None => return Err("empty expects an argument".to_owned()),
        }),
        "contains" => Value::Bool(match (args.first(), args.get(1)) {
            (Some(Value::String(s)), Some(v)) => s.contains(&text_of(v)),
            (Some(Value::Array(a)), Some(v)) => a.contains(v),
            (Some(Value::Object(o)), Some(Value::String(k))) => get(o, k).is_some(),
            (Some(Value::Null), Some(_)) => false,
            _ => return Err("contains expects a container and a value".to_owned()),
        }),
        "first" | "last" => {
            let pick = |len: usize| if name == "first" { 0 } else { len.saturating_sub(1) };
            match args.first() {
                Some(Value::String(s)) => {
                    Value::String(s.chars().nth(pick(s.chars().count())).map(String::from).unwrap_or_default())
                }
                Some(Value::Array(a)) => a.get(pick(a.len())).cloned().unwrap_or(Value::Null),
                _ => return Err(format!("{name} expects a string or an array")),
            }
        }
        "take" | "skip" => {
            let count = usize::try_from(int_arg(&args, 1, name)?.max(0)).unwrap_or(0);
            let take = name == "take";
            match args.first() {
                Some(Value::String(s)) => {
                    Value::String(if take { s.chars().take(count).collect() } else { s.chars().skip(count).collect() })
                }
                Some(Value::Array(a)) => Value::Array(if take {
                    a.iter().take(count).cloned().collect()
                } else {
                    a.iter().skip(count).cloned().collect()
                }),
                _ => return Err(format!("{name} expects a string or an array")),
            }
        }
        "createarray" => Value::Array(args),
        "array" => match args.into_iter().next() {
            Some(Value::Array(a)) => Value::Array(a),
            Some(other) => Value::Array(vec![other]),
            None => return Err("array expects an argument".to_owned()),
        },
        "createobject" => {
            if !args.len().is_multiple_of(2) {
                return Err("createObject expects name and value pairs".to_owned());
            }
            let mut object = Object::new();
            let mut iter = args.into_iter();
            while let (Some(key), Some(value)) = (iter.next(), iter.next()) {
                match key {
                    Value::String(k) => object.insert(k, value),
                    Value::Unknown(what) => return Ok(Outcome::Value(Value::Unknown(what))),
                    other => return Err(format!("createObject: a {} is not a property name", other.type_name())),
                };
            }
            Value::Object(object)
        }
        "coalesce" => {
            let found = args.into_iter().find(|v| *v != Value::Null);
            found.unwrap_or(Value::Null)
        }
        "union" => union(args)?,
        "intersection" => intersection(args)?,
        "shallowmerge" => {
            let Some(Value::Array(items)) = args.first() else {
                return Err("shallowMerge expects an array".to_owned());
            };
            let mut merged = Object::new();
            for item in items {
                match item {
                    Value::Object(o) => merged.extend(o.clone()),
                    Value::Unknown(_) => return Ok(Outcome::Value(item.clone())),
                    _ => return Err("shallowMerge expects objects".to_owned()),
                }
            }
            Value::Object(merged)
        }
        "flatten" => {
            let Some(Value::Array(items)) = args.first() else { return Err("flatten expects an array".to_owned()) };
            let mut flat = Vec::new();
            for item in items {
                match item {
                    Value::Array(inner) => flat.extend(inner.iter().cloned()),
                    other => flat.push(other.clone()),
                }
            }
            Value::Array(flat)
        }
        "items" => {
            let Some(Value::Object(o)) = args.first() else { return Err("items expects an object".to_owned()) };
            Value::Array(
                o.iter()
                    .map(|(k, v)| {
                        Value::Object(Object::from([
                            ("key".to_owned(), Value::String(k.clone())),
                            ("value".to_owned(), v.clone()),
                        ]))
                    })
                    .collect(),
            )
        }
        "objectkeys" => {
            let Some(Value::Object(o)) = args.first() else { return Err("objectKeys expects an object".to_owned()) };
            Value::Array(o.keys().cloned().map(Value::String).collect())
        }
        "range" => {
            let (start, count) = (int_arg(&args, 0, name)?, int_arg(&args, 1, name)?);
            let count = usize::try_from(count).ok().filter(|c| *c <= 10_000).ok_or("range: count outside 0..=10000")?;
            Value::Array((0..count as i64).map(|i| Value::Int(start.saturating_add(i))).collect())
        }
        "min" | "max" => {
            let numbers: Vec<i64> = match args.as_slice() {
                [Value::Array(items)] => {
                    items.iter().map(|v| int_arg(std::slice::from_ref(v), 0, name)).collect::<Result<_>>()?
                }
                _ => (0..args.len()).map(|i| int_arg(&args, i, name)).collect::<Result<_>>()?,
            };
            let pick = if name == "min" { numbers.iter().min() } else { numbers.iter().max() };
            Value::Int(*pick.ok_or_else(|| format!("{name} of nothing"))?)
        }
        "add" | "sub" | "mul" | "div" | "mod" => {
            let (a, b) = (int_arg(&args, 0, name)?, int_arg(&args, 1, name)?);
            let result = match name {
                "add" => a.checked_add(b),
                "sub" => a.checked_sub(b),
                "mul" => a.checked_mul(b),
                "div" => a.checked_div(b),
                _ => a.checked_rem(b),
            };
            Value::Int(result.ok_or_else(|| format!("{name}({a}, {b}) overflows or divides by zero"))?)
        }
        "equals" => {
            arity(&args, 2, 2, name)?;
            Value::Bool(args.first() == args.get(1))
        }
        "not" => Value::Bool(!bool_arg(&args, 0, name)?),
        "greater" | "greaterorequals" | "less" | "lessorequals" => {
            let ordering = match (args.first(), args.get(1)) {
                (Some(Value::String(a)), Some(Value::String(b))) => a.cmp(b),
                _ => int_arg(&args, 0, name)?.cmp(&int_arg(&args, 1, name)?),
            };
            Value::Bool(match name {
                "greater" => ordering.is_gt(),
                "greaterorequals" => ordering.is_ge(),
                "less" => ordering.is_lt(),
                _ => ordering.is_le(),
            })
        }
        "fail" => return Err(format!("the template calls fail({})", args.first().map(text_of).unwrap_or_default())),
        _ => return Ok(Outcome::NotPure),
    };
    checked(value).map(Outcome::Value)
}

/// The pure functions [`call`] knows, lower-cased.
const PURE: &[&str] = &[
    "true",
    "false",
    "null",
    "string",
    "int",
    "float",
    "bool",
    "json",
    "concat",
    "format",
    "tolower",
    "toupper",
    "trim",
    "replace",
    "substring",
    "split",
    "join",
    "startswith",
    "endswith",
    "indexof",
    "lastindexof",
    "padleft",
    "base64",
    "uricomponent",
    "uri",
    "guid",
    "uniquestring",
    "length",
    "empty",
    "contains",
    "first",
    "last",
    "take",
    "skip",
    "createarray",
    "array",
    "createobject",
    "coalesce",
    "union",
    "intersection",
    "shallowmerge",
    "flatten",
    "items",
    "objectkeys",
    "range",
    "min",
    "max",
    "add",
    "sub",
    "mul",
    "div",
    "mod",
    "equals",
    "not",
    "greater",
    "greaterorequals",
    "less",
    "lessorequals",
    "fail",
];

fn concat(args: Vec<Value>) -> Result<Value> {
    if args.iter().all(|a| matches!(a, Value::Array(_) | Value::Null)) && !args.is_empty() {
        let mut joined = Vec::new();
        for arg in args {
            if let Value::Array(items) = arg {
                joined.extend(items);
            }
            if joined.len() > MAX_SIZE {
                return Err("concat: the result is too large".to_owned());
            }
        }
        return Ok(Value::Array(joined));
    }
    let mut joined = String::new();
    for arg in &args {
        joined.push_str(&text_of(arg));
        if joined.len() > MAX_SIZE {
            return Err("concat: the result is too large".to_owned());
        }
    }
    Ok(Value::String(joined))
}

/// .NET composite formatting as ARM's `format` uses it: `{0}`, `{1:D3}`, `{{` and `}}`.
fn format(args: &[Value]) -> Result<String> {
    let template = string_arg(args, 0, "format")?;
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut spec = String::new();
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                    spec.push(c);
                }
                let (index, style) = spec.split_once(':').unwrap_or((&spec, ""));
                let index = index.split(',').next().unwrap_or("").trim();
                let index: usize = index.parse().map_err(|_| format!("format: {{{spec}}} is not a placeholder"))?;
                let value = args.get(index + 1).ok_or_else(|| format!("format: no argument for {{{index}}}"))?;
                let text = match (value, style.strip_prefix(['D', 'd']).map(str::parse::<usize>)) {
                    (Value::Int(i), Some(Ok(width))) => format!("{i:0width$}", width = width.min(64)),
                    _ => text_of(value),
                };
                out.push_str(&text);
            }
            c => out.push(c),
        }
        if out.len() > MAX_SIZE {
            return Err("format: the result is too large".to_owned());
        }
    }
    Ok(out)
}

fn index_of(name: &str, args: &[Value]) -> Result<Value> {
    let found = match (args.first(), args.get(1)) {
        (Some(Value::String(s)), Some(Value::String(needle))) => {
            let (s, needle) = (s.to_lowercase(), needle.to_lowercase());
            let at = if name == "indexof" { s.find(&needle) } else { s.rfind(&needle) };
            at.map(|byte| s[..byte].chars().count())
        }
        (Some(Value::Array(items)), Some(needle)) => {
            if name == "indexof" {
                items.iter().position(|v| v == needle)
            } else {
                items.iter().rposition(|v| v == needle)
            }
        }
        _ => return Err(format!("{name} expects a string or an array")),
    };
    Ok(Value::Int(found.map_or(-1, |i| i as i64)))
}

fn union(args: Vec<Value>) -> Result<Value> {
    if args.iter().all(|a| matches!(a, Value::Object(_) | Value::Null)) {
        let mut merged = Object::new();
        for arg in args {
            if let Value::Object(object) = arg {
                merge_deep(&mut merged, object);
            }
        }
        return Ok(Value::Object(merged));
    }
    let mut merged: Vec<Value> = Vec::new();
    for arg in args {
        let Value::Array(items) = arg else { return Err("union expects all objects or all arrays".to_owned()) };
        for item in items {
            if !merged.contains(&item) {
                merged.push(item);
            }
        }
    }
    Ok(Value::Array(merged))
}

/// `union` of objects merges nested objects too; later values win.
fn merge_deep(into: &mut Object, from: Object) {
    for (key, value) in from {
        let existing = into.keys().find(|k| k.eq_ignore_ascii_case(&key)).cloned();
        match (existing.and_then(|k| into.get_mut(&k)), value) {
            (Some(Value::Object(old)), Value::Object(new)) => merge_deep(old, new),
            (Some(slot), value) => *slot = value,
            (None, value) => {
                into.insert(key, value);
            }
        }
    }
}

fn intersection(args: Vec<Value>) -> Result<Value> {
    let mut iter = args.into_iter();
    match iter.next() {
        Some(Value::Object(mut first)) => {
            for other in iter {
                let Value::Object(other) = other else { return Err("intersection expects objects".to_owned()) };
                first.retain(|k, v| get(&other, k) == Some(v));
            }
            Ok(Value::Object(first))
        }
        Some(Value::Array(mut first)) => {
            for other in iter {
                let Value::Array(other) = other else { return Err("intersection expects arrays".to_owned()) };
                first.retain(|v| other.contains(v));
            }
            Ok(Value::Array(first))
        }
        _ => Err("intersection expects objects or arrays".to_owned()),
    }
}

fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn uri_component(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::String(text.to_owned())
    }

    fn run(name: &str, args: Vec<Value>) -> Value {
        match call(name, args) {
            Ok(Outcome::Value(v)) => v,
            Ok(Outcome::NotPure) => panic!("{name} is not pure"),
            Err(e) => panic!("{name}: {e}"),
        }
    }

    #[test]
    fn strings() {
        assert_eq!(run("format", vec![s("{0}-{1:D3}-{{x}}"), s("a"), Value::Int(7)]), s("a-007-{x}"));
        assert_eq!(run("concat", vec![s("a"), Value::Int(1), Value::Bool(true)]), s("a1True"));
        assert_eq!(run("substring", vec![s("abcdef"), Value::Int(1), Value::Int(3)]), s("bcd"));
        assert_eq!(run("split", vec![s("a/b/c"), s("/")]), Value::Array(vec![s("a"), s("b"), s("c")]));
        assert_eq!(run("last", vec![run("split", vec![s("a/b/c"), s("/")])]), s("c"));
        assert_eq!(run("padleft", vec![s("7"), Value::Int(3), s("0")]), s("007"));
        assert_eq!(run("base64", vec![s("hello")]), s("aGVsbG8="));
        assert_eq!(run("indexof", vec![s("abcABC"), s("C")]), Value::Int(2));
        assert_eq!(run("replace", vec![s("a.b.c"), s("."), s("-")]), s("a-b-c"));
        assert_eq!(run("tolower", vec![s("AbC")]), s("abc"));
    }

    #[test]
    fn collections() {
        let a = Value::Array(vec![Value::Int(1), Value::Int(2)]);
        let b = Value::Array(vec![Value::Int(2), Value::Int(3)]);
        assert_eq!(
            run("union", vec![a.clone(), b.clone()]),
            Value::Array(vec![Value::Int(1), Value::Int(2), Value::Int(3)])
        );
        assert_eq!(run("concat", vec![a.clone(), b]).type_name(), "array");
        assert_eq!(run("length", vec![a.clone()]), Value::Int(2));
        assert_eq!(run("contains", vec![a, Value::Int(2)]), Value::Bool(true));
        let o = run("createobject", vec![s("Key"), Value::Int(1)]);
        assert_eq!(run("contains", vec![o.clone(), s("key")]), Value::Bool(true), "property names ignore case");
        let nested = run(
            "union",
            vec![
                run("createobject", vec![s("a"), run("createobject", vec![s("x"), Value::Int(1)])]),
                run("createobject", vec![s("a"), run("createobject", vec![s("y"), Value::Int(2)])]),
            ],
        );
        assert_eq!(nested.get("a").and_then(|a| a.get("x")), Some(&Value::Int(1)));
        assert_eq!(run("range", vec![Value::Int(5), Value::Int(2)]), Value::Array(vec![Value::Int(5), Value::Int(6)]));
        assert_eq!(run("coalesce", vec![Value::Null, s("x")]), s("x"));
        assert_eq!(run("empty", vec![Value::Null]), Value::Bool(true));
    }

    #[test]
    fn unknown_arguments_make_unknown_results_except_for_constructors() {
        let unknown = Value::unknown("listKeys(...)");
        assert_eq!(run("concat", vec![s("a"), unknown.clone()]), unknown);
        assert_eq!(run("tolower", vec![unknown.clone()]), unknown);
        assert_eq!(run("createarray", vec![unknown.clone()]), Value::Array(vec![unknown.clone()]));
        assert_eq!(run("coalesce", vec![Value::Null, unknown.clone(), s("x")]), unknown);
        assert!(matches!(call("nosuchfunction", vec![unknown]), Ok(Outcome::NotPure)));
    }

    #[test]
    fn hostile_sizes_are_errors() {
        assert!(call("range", vec![Value::Int(0), Value::Int(1 << 40)]).is_err());
        assert!(
            call("padleft", vec![s("x"), Value::Int(1 << 40), s("0")])
                .is_ok_and(|o| matches!(o, Outcome::Value(Value::String(p)) if p.len() <= MAX_SIZE))
        );
        let big = Value::String("x".repeat(MAX_SIZE));
        assert!(call("concat", vec![big.clone(), big]).is_err());
        assert!(call("div", vec![Value::Int(1), Value::Int(0)]).is_err());
        assert!(call("substring", vec![s("abc"), Value::Int(2), Value::Int(5)]).is_err());
    }
}
