//! Reads the inventory exports users already have into one Blastmap [`Inventory`].
//!
//! Users drop several files at once: az CLI output, Resource Graph results, REST bodies,
//! Microsoft Graph and AzureHound exports, templates and plans, or Blastmap's own format.
//! Each file is recognised by its content, never by its name, and every importer writes into
//! the same merged inventory through a [`sink::Sink`] that counts what the file held and
//! locates every problem in it.
//!
//! Loading never fails and never panics: a file that cannot be read becomes a diagnostic that
//! names the file, the JSON path and what is wrong, and every other file (and every other
//! element of the same file) still loads. That is [`load`]'s whole contract: `(inventory,
//! reports)`, never `Result`.
//!
//! The pipeline for one file is: bytes → text ([`text::decode`]: BOMs, UTF-16, damaged
//! encodings) → top-level JSON shape (a borrowed scan, elements kept raw) → the importer that
//! recognises the shape → one typed parse per element.
//!
//! This crate does no I/O: callers hand it bytes.

pub mod native;
mod report;
pub mod sample;
pub mod sink;
pub mod text;

use std::collections::BTreeMap;

pub use blastmap_model::Inventory;
use serde_json::value::RawValue;

pub use report::{Counts, Diagnostic, FileReport, Format, Severity};
use sink::Sink;

/// One input file: its name (for messages only) and its bytes.
#[derive(Copy, Clone, Debug)]
pub struct SourceFile<'a> {
    /// The name shown in messages.
    pub name: &'a str,
    /// The raw content.
    pub bytes: &'a [u8],
}

/// The merged inventory of several files, with a report per file.
#[derive(Debug)]
pub struct Loaded {
    /// Everything read, merged.
    pub inventory: Inventory,
    /// One report per input file, in input order.
    pub files: Vec<FileReport>,
}

/// A top-level JSON object with its values kept raw (unparsed).
pub type TopObject<'a> = BTreeMap<String, &'a RawValue>;

/// Loads and merges `files`.
pub fn load(files: &[SourceFile<'_>]) -> Loaded {
    let mut inventory = Inventory::new();
    let mut reports = Vec::with_capacity(files.len());
    for (index, file) in files.iter().enumerate() {
        let file_index = u32::try_from(index).unwrap_or(u32::MAX);
        let mut sink = Sink::new(&mut inventory, file_index, file.name);
        let format = read_file(file, &mut sink);
        reports.push(FileReport {
            name: file.name.to_owned(),
            format,
            counts: sink.counts,
            diagnostics: sink.diagnostics,
        });
    }
    for conflict in inventory.conflicts() {
        let Some(report) = reports.get_mut(conflict.origin.file as usize) else { continue };
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: report.name.clone(),
            path: conflict.origin.path.clone(),
            message: format!(
                "{} has {} {:?} here but {:?} in an earlier input; kept {:?}",
                conflict.id, conflict.field, conflict.ignored, conflict.kept, conflict.kept
            ),
        });
    }
    Loaded { inventory, files: reports }
}

fn read_file(file: &SourceFile<'_>, sink: &mut Sink<'_>) -> Option<Format> {
    let text = match text::decode(file.bytes) {
        Ok(text) => text,
        Err(error) => {
            sink.error("", error.to_string());
            return None;
        }
    };
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        sink.error("", "the file is empty".to_owned());
        return None;
    }
    match trimmed.as_bytes()[0] {
        b'{' => match serde_json::from_str::<TopObject<'_>>(&text) {
            Ok(top) => read_object(&text, &top, sink),
            Err(error) => {
                sink.error("", format!("not valid JSON: {error}"));
                None
            }
        },
        b'[' => match serde_json::from_str::<Vec<&RawValue>>(&text) {
            Ok(elements) => {
                sink.error("", format!("not a recognised export: {}", describe_array(&elements)));
                None
            }
            Err(error) => {
                sink.error("", format!("not valid JSON: {error}"));
                None
            }
        },
        _ => {
            let detail = match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                Ok(_) => "a single JSON value, not an object or array".to_owned(),
                Err(error) => format!("not valid JSON: {error}"),
            };
            sink.error("", detail);
            None
        }
    }
}

fn read_object(text: &str, top: &TopObject<'_>, sink: &mut Sink<'_>) -> Option<Format> {
    if let Some(schema) = native::schema_of(top) {
        native::read(text, top, &schema, sink);
        return Some(Format::BlastmapInventory);
    }
    sink.error("", format!("not a recognised export: {}", describe_object(top)));
    None
}

fn describe_object(top: &TopObject<'_>) -> String {
    let has = |k: &str| top.contains_key(k);
    let schema = top.get("$schema").map(|raw| raw.get().to_ascii_lowercase()).unwrap_or_default();
    if schema.contains("deploymenttemplate") {
        return "looks like an ARM template, which Blastmap does not read yet".to_owned();
    }
    if has("format_version") && (has("planned_values") || has("values")) {
        return "looks like Terraform JSON, which Blastmap does not read yet".to_owned();
    }
    let keys: Vec<&str> = top.keys().map(String::as_str).take(6).collect();
    format!("a JSON object with keys {}", keys.join(", "))
}

fn describe_array(elements: &[&RawValue]) -> String {
    let Some(first) = elements.first() else { return "an empty JSON array".to_owned() };
    let keys = serde_json::from_str::<TopObject<'_>>(first.get())
        .map(|o| o.keys().take(6).cloned().collect::<Vec<_>>().join(", "))
        .unwrap_or_default();
    format!("a JSON array of {} elements; the first has keys {keys}", elements.len())
}

/// Normalises a region as Azure prints it in short form: `West Europe` → `westeurope`.
pub fn normalize_region(region: &str) -> String {
    region.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// A serde error inside `inner` (a slice of `text`), with its line and column in `text`.
pub(crate) fn json_error_in(text: &str, inner: &str, error: &serde_json::Error) -> String {
    let message = error.to_string();
    let bare = message.rsplit_once(" at line ").map_or(message.as_str(), |(m, _)| m);
    let offset = (inner.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len());
    let before = &text[..offset];
    let base_line = before.matches('\n').count() + 1;
    let base_column = offset - before.rfind('\n').map_or(0, |at| at + 1);
    let (line, column) = if error.line() <= 1 {
        (base_line, base_column + error.column())
    } else {
        (base_line + error.line() - 1, error.column())
    };
    format!("{bare} (line {line}, column {column})")
}
