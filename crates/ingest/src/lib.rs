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

mod azurehound;
mod export;
pub mod native;
mod record;
mod report;
pub mod sample;
pub mod sink;
mod template;
mod terraform;
pub mod text;

use std::collections::BTreeMap;

pub use blastmap_model::Inventory;
use serde_json::value::RawValue;

pub use report::{Counts, Diagnostic, FileReport, Format, Severity};
use sink::Sink;
pub use template::DeploymentContext;

/// One input file: its name (for messages only) and its bytes.
#[derive(Copy, Clone, Debug)]
pub struct SourceFile<'a> {
    /// The name shown in messages.
    pub name: &'a str,
    /// The raw content.
    pub bytes: &'a [u8],
}

/// A file's bytes where they are kept, copied out a piece at a time (see [`Loader::read_from`]).
pub trait ByteSource {
    /// How many bytes the file has.
    fn size(&self) -> usize;
    /// Fills `into` with the file's bytes from `offset` on (never asked past the end).
    fn copy_to(&self, offset: usize, into: &mut [u8]);

    /// Every byte, copied.
    fn to_vec(&self) -> Vec<u8> {
        let mut bytes = vec![0; self.size()];
        self.copy_to(0, &mut bytes);
        bytes
    }
}

impl ByteSource for [u8] {
    fn size(&self) -> usize {
        self.len()
    }

    fn copy_to(&self, offset: usize, into: &mut [u8]) {
        if let Some(bytes) = self.get(offset..offset + into.len()) {
            into.copy_from_slice(bytes);
        }
    }
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

/// Loads and merges `files`, designs (ARM templates) in the default deployment context.
pub fn load(files: &[SourceFile<'_>]) -> Loaded {
    load_with(files, &DeploymentContext::default())
}

/// Loads and merges `files`, deploying designs (ARM templates) in `context`.
pub fn load_with(files: &[SourceFile<'_>], context: &DeploymentContext) -> Loaded {
    load_reporting(files, context, |_| {})
}

/// Loads and merges `files` as [`load_with`] does, telling `reading` the index of each file
/// as its reading starts (a progress bar's "file 3 of 4").
pub fn load_reporting(files: &[SourceFile<'_>], context: &DeploymentContext, mut reading: impl FnMut(usize)) -> Loaded {
    let mut loader = Loader::new(context);
    for file in files {
        loader.read(file, &mut reading);
    }
    loader.finish(files, reading)
}

/// Reads files one at a time, in their order, as they become available, into one inventory:
/// what [`load_with`] does, for a caller whose files arrive one by one (the web app's worker
/// parses a file while the browser still reads the next).
///
/// A design (an ARM template or parameter file) cannot be read on its own: a parameter file is
/// paired with its template wherever either stands in the list. So from the first design on,
/// files wait for [`Loader::finish`], which reads them in order with every file in hand. The
/// order of reading is the order of the files either way, so the same files give the same
/// inventory whichever way they were handed over.
#[derive(Debug)]
pub struct Loader {
    inventory: Inventory,
    reports: Vec<FileReport>,
    context: DeploymentContext,
    /// The index of the first design met: it and every file after it wait for `finish`.
    waiting_from: Option<usize>,
    /// How many files `read` was given.
    given: usize,
}

impl Loader {
    /// A loader of an empty inventory, which deploys designs in `context`.
    pub fn new(context: &DeploymentContext) -> Self {
        Loader {
            inventory: Inventory::new(),
            reports: Vec::new(),
            context: context.clone(),
            waiting_from: None,
            given: 0,
        }
    }

    /// Reads `file`, the next file in order, telling `reading` its index first; unless it is a
    /// design or comes after one, in which case it waits for [`Loader::finish`].
    pub fn read(&mut self, file: &SourceFile<'_>, mut reading: impl FnMut(usize)) {
        let index = self.given;
        self.given += 1;
        if self.waiting_from.is_none() && template::may_be_design(file) {
            self.waiting_from = Some(index);
        }
        if self.waiting_from.is_some() {
            return;
        }
        reading(index);
        let mut sink = Sink::new(&mut self.inventory, file_number(index), file.name);
        let format = read_file(file, &self.context, &mut sink);
        self.reports.push(report(file.name, format, sink));
    }

    /// Reads the next file as [`Loader::read`] does, from where its bytes are kept. A plain UTF-8
    /// list that need not wait is copied out a piece at a time, so it is never held whole twice
    /// (the app's worker reads a file so from the browser's memory into its own, which never
    /// shrinks); it gives the same inventory and reports as `read`. Any other file is copied
    /// whole and read; its bytes are returned, for the caller to keep while
    /// [`Loader::is_waiting`] (they are [`Loader::finish`]'s).
    pub fn read_from(
        &mut self,
        name: &str,
        source: &(impl ByteSource + ?Sized),
        mut reading: impl FnMut(usize),
    ) -> Option<Vec<u8>> {
        let mut head = vec![0; source.size().min(template::SNIFF_BYTES)];
        source.copy_to(0, &mut head);
        let is_list = text::is_plain_utf8(&head) && head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[');
        if self.waiting_from.is_some() || !is_list || template::may_be_design(&SourceFile { name, bytes: &head }) {
            let bytes = source.to_vec();
            self.read(&SourceFile { name, bytes: &bytes }, reading);
            return Some(bytes);
        }
        let index = self.given;
        self.given += 1;
        reading(index);
        let mut sink = Sink::new(&mut self.inventory, file_number(index), name);
        let format = match export::stream_pieces(source, &mut sink) {
            (outcome, true) => conclude(outcome, "", Format::JsonArray, &mut sink, || {
                describe_list(&String::from_utf8_lossy(&source.to_vec()))
            }),
            (_, false) => {
                // Why it stopped, in the words and at the line and column of the whole text: read
                // again whole to find it (a rare path), importing nothing this time.
                let bytes = source.to_vec();
                match text::decode(&bytes) {
                    Err(error) => damaged(&error, &mut sink),
                    Ok(text) => match export::parse_list(&text, |_| {}) {
                        Err(error) => invalid_json(&error, &mut sink),
                        Ok(()) => sink.error("", "not valid JSON".to_owned()),
                    },
                }
                None
            }
        };
        self.reports.push(report(name, format, sink));
        None
    }

    /// Whether the file given last, and every one after it, waits for [`Loader::finish`] (a
    /// design has come). A file that did not wait has been read and is not read again.
    pub fn is_waiting(&self) -> bool {
        self.waiting_from.is_some()
    }

    /// Reads the files that waited (`files` is every file given to [`Loader::read`], in the
    /// same order), telling `reading` the index of each, and reports conflicts between files.
    pub fn finish(mut self, files: &[SourceFile<'_>], mut reading: impl FnMut(usize)) -> Loaded {
        let first = self.waiting_from.unwrap_or(self.given).min(files.len());
        let waiting = &files[first..];
        let designs = template::plan(waiting);
        for (offset, file) in waiting.iter().enumerate() {
            let index = first + offset;
            reading(index);
            let mut sink = Sink::new(&mut self.inventory, file_number(index), file.name);
            let format = match designs.get(offset) {
                Some(Some(role)) => Some(template::read(role, &designs, waiting, &self.context, &mut sink)),
                _ => read_file(file, &self.context, &mut sink),
            };
            self.reports.push(report(file.name, format, sink));
        }
        let Loader { inventory, mut reports, .. } = self;
        for conflict in inventory.conflicts() {
            let Some(report) = reports.get_mut(conflict.origin.file as usize) else { continue };
            report.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: report.name.clone(),
                path: conflict.origin.path.to_string(),
                message: format!(
                    "{} has {} {:?} here but {:?} in an earlier input; kept {:?}",
                    conflict.id, conflict.field, conflict.ignored, conflict.kept, conflict.kept
                ),
            });
        }
        Loaded { inventory, files: reports }
    }
}

/// A file's index as the model's origins number files.
fn file_number(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

fn report(name: &str, format: Option<Format>, sink: Sink<'_>) -> FileReport {
    FileReport { name: name.to_owned(), format, counts: sink.counts, diagnostics: sink.diagnostics }
}

/// What [`load`] spends before it imports anything, for benchmarks: each file decoded to text
/// ([`text::decode`]), and each top-level array read element by element into the records
/// importers read, then dropped. Returns how many elements were read; files that are not
/// arrays, or not text, count none.
pub fn read_only(files: &[SourceFile<'_>]) -> usize {
    files
        .iter()
        .filter_map(|file| text::decode(file.bytes).ok())
        .filter(|text| text.trim_start().starts_with('['))
        .map(|text| export::count_list(&text).unwrap_or(0))
        .sum()
}

fn read_file(file: &SourceFile<'_>, context: &DeploymentContext, sink: &mut Sink<'_>) -> Option<Format> {
    let text = match text::decode(file.bytes) {
        Ok(text) => text,
        Err(error) => {
            // A plain UTF-8 list keeps the elements whole before the damage, as a list cut
            // short does: its text is valid up to there. (Read a piece at a time, it has
            // imported those before it meets the damage.)
            if let text::TextError::DamagedUtf8 { offset } = error
                && text::is_plain_utf8(file.bytes)
                && let Ok(before) = std::str::from_utf8(&file.bytes[..offset])
                && before.trim_start().starts_with('[')
            {
                // It stops at the element the damage cuts; that is the damage's error.
                let _ = export::stream_list(before, sink);
            }
            damaged(&error, sink);
            return None;
        }
    };
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        sink.error("", "the file is empty".to_owned());
        return None;
    }
    let parsed = match trimmed.as_bytes()[0] {
        b'{' => serde_json::from_str::<TopObject<'_>>(&text).map(|top| match terraform::sniff(&top) {
            Some(format) => Some(terraform::read(&top, format, context.subscription_id.as_deref(), sink)),
            None => read_object(&text, None, &top, "", sink),
        }),
        b'[' => read_list(&text, sink),
        _ => serde_json::from_str::<serde::de::IgnoredAny>(&text).map(|_| {
            sink.error("", "a single JSON value, not an object or array".to_owned());
            None
        }),
    };
    parsed.unwrap_or_else(|error| {
        invalid_json(&error, sink);
        None
    })
}

/// Reports a file that is not valid JSON.
fn invalid_json(error: &serde_json::Error, sink: &mut Sink<'_>) {
    sink.error("", format!("not valid JSON: {error}"));
    kept_before_the_cut(sink);
}

/// Reports a file whose encoding is damaged.
fn damaged(error: &text::TextError, sink: &mut Sink<'_>) {
    sink.error("", error.to_string());
    kept_before_the_cut(sink);
}

/// A list cut short (an interrupted download, a damaged byte) keeps what came before the cut.
fn kept_before_the_cut(sink: &mut Sink<'_>) {
    if sink.counts.total() > 0 {
        sink.warning("", "the objects before this point were read".to_owned());
    }
}

/// Reads a top-level JSON array in one pass.
fn read_list(text: &str, sink: &mut Sink<'_>) -> Result<Option<Format>, serde_json::Error> {
    let outcome = export::stream_list(text, sink)?;
    Ok(conclude(outcome, "", Format::JsonArray, sink, || describe_list(text)))
}

/// What a top-level list not recognised looks like.
fn describe_list(text: &str) -> String {
    serde_json::from_str::<Vec<&RawValue>>(text).map(|elements| describe_array(&elements)).unwrap_or_default()
}

/// Reads a list of ARM-shaped objects kept raw inside an envelope, found at `path`.
fn read_array(text: &str, elements: &[&RawValue], path: &str, format: Format, sink: &mut Sink<'_>) -> Option<Format> {
    let outcome = export::read_elements(text, elements, path, sink);
    conclude(outcome, path, format, sink, || describe_array(elements))
}

/// Says what a list turned out to be: empty, recognised, or not an export Blastmap knows.
fn conclude(
    outcome: export::ListOutcome,
    path: &str,
    format: Format,
    sink: &mut Sink<'_>,
    describe: impl FnOnce() -> String,
) -> Option<Format> {
    if outcome.elements == 0 {
        sink.warning(path, "an empty list: nothing to read".to_owned());
        return Some(format);
    }
    if outcome.recognised == 0 {
        sink.error(path, format!("not a recognised export: {}", describe()));
        return None;
    }
    Some(format)
}

/// Reads a top-level (or REST example body) object; `whole` is its raw text when nested.
fn read_object(
    text: &str,
    whole: Option<&RawValue>,
    top: &TopObject<'_>,
    path: &str,
    sink: &mut Sink<'_>,
) -> Option<Format> {
    if let Some(schema) = native::schema_of(top) {
        return Some(native::read(text, top, &schema, sink));
    }
    let array = |key: &str| top.get(key).and_then(|raw| serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok());
    let object = |key: &str| top.get(key).and_then(|raw| serde_json::from_str::<TopObject<'_>>(raw.get()).ok());
    // REST API specification examples: `{"parameters": …, "responses": {"200": {"body": …}}}`.
    if let (Some(responses), true) = (object("responses"), top.contains_key("parameters")) {
        for (status, response) in &responses {
            let body = serde_json::from_str::<TopObject<'_>>(response.get()).ok().and_then(|r| r.get("body").copied());
            let Some(body) = body else { continue };
            let body_path = format!("{path}/responses/{status}/body");
            let read = match serde_json::from_str::<TopObject<'_>>(body.get()) {
                Ok(inner) => read_object(text, Some(body), &inner, &body_path, sink),
                Err(_) => serde_json::from_str::<Vec<&RawValue>>(body.get())
                    .ok()
                    .and_then(|elements| read_array(text, &elements, &body_path, Format::RestExample, sink)),
            };
            return read.map(|_| Format::RestExample);
        }
    }
    if path.is_empty() && !top.is_empty() && top.keys().all(|k| is_guid(k)) {
        return read_role_names(top, sink);
    }
    if let Some(elements) = array("value") {
        return read_array(text, &elements, &format!("{path}/value"), Format::RestList, sink);
    }
    if let Some(elements) = array("data")
        && azurehound::sniff(top.get("meta").copied())
    {
        azurehound::read(text, &elements, sink);
        return Some(Format::AzureHound);
    }
    if let Some(elements) = array("data") {
        return read_array(text, &elements, &format!("{path}/data"), Format::ResourceGraph, sink);
    }
    if let Some(table) = object("data")
        && let (Some(columns), Some(rows)) = (table.get("columns"), table.get("rows"))
    {
        return read_table(columns, rows, &format!("{path}/data"), sink);
    }
    if top.keys().any(|k| k.eq_ignore_ascii_case("id")) {
        let single = match whole {
            Some(raw) => raw,
            None => serde_json::from_str::<&RawValue>(text).ok()?,
        };
        return read_array(text, &[single], path, Format::SingleObject, sink);
    }
    sink.error(path, format!("not a recognised export: {}", describe_object(top)));
    None
}

pub(crate) fn is_guid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| if [8, 13, 18, 23].contains(&i) { c == '-' } else { c.is_ascii_hexdigit() })
}

/// A map from role GUIDs to role names (tfplan2md's `AzureRoleDefinitions.json`): names only.
fn read_role_names(top: &TopObject<'_>, sink: &mut Sink<'_>) -> Option<Format> {
    for (guid, raw) in top {
        let Ok(name) = serde_json::from_str::<String>(raw.get()) else {
            sink.warning(&format!("/{guid}"), "not a role name; ignored".to_owned());
            continue;
        };
        let id = sink.inventory.key(guid);
        sink.add_role_definition(blastmap_model::RoleDefinition {
            id,
            name,
            builtin: true,
            permissions: Vec::new(),
            assignable_scopes: Vec::new(),
        });
    }
    Some(Format::RoleNames)
}

/// Resource Graph's old table form: `{"columns": [{"name": …}], "rows": [[…]]}`, zipped into
/// objects and read like any other rows.
fn read_table(columns: &RawValue, rows: &RawValue, path: &str, sink: &mut Sink<'_>) -> Option<Format> {
    #[derive(serde::Deserialize)]
    struct Column {
        name: String,
    }
    let (Ok(columns), Ok(rows)) =
        (serde_json::from_str::<Vec<Column>>(columns.get()), serde_json::from_str::<Vec<Vec<&RawValue>>>(rows.get()))
    else {
        sink.error(path, "a Resource Graph table whose columns or rows are malformed".to_owned());
        return None;
    };
    let objects: Vec<Box<RawValue>> = rows
        .iter()
        .filter_map(|row| {
            let fields: Vec<String> = columns
                .iter()
                .zip(row)
                .map(|(c, v)| format!("{}:{}", serde_json::to_string(&c.name).unwrap_or_default(), v.get()))
                .collect();
            RawValue::from_string(format!("{{{}}}", fields.join(","))).ok()
        })
        .collect();
    let borrowed: Vec<&RawValue> = objects.iter().map(AsRef::as_ref).collect();
    read_array("", &borrowed, &format!("{path}/rows"), Format::ResourceGraphTable, sink)
}

fn describe_object(top: &TopObject<'_>) -> String {
    let has = |k: &str| top.contains_key(k);
    let schema = top.get("$schema").map(|raw| raw.get().to_ascii_lowercase()).unwrap_or_default();
    if schema.contains("deploymenttemplate") {
        return "looks like an ARM template, but Blastmap recognises templates by a $schema in their first 4 KB"
            .to_owned();
    }
    if has("format_version") && (has("planned_values") || has("values")) {
        return "looks like Terraform JSON but has no terraform_version".to_owned();
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
    if region.is_ascii() {
        // Every resource has a region; most are ASCII and need no per-character decoding.
        return region.bytes().map(char::from).filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect();
    }
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

#[cfg(test)]
mod tests {
    use super::{DeploymentContext, SourceFile, load_reporting, normalize_region};

    #[test]
    fn each_file_is_reported_as_its_reading_starts_in_order() {
        let files = [
            SourceFile { name: "a.json", bytes: b"[]" },
            SourceFile { name: "b.json", bytes: b"not json" },
            SourceFile { name: "c.json", bytes: br#"{"value": []}"# },
        ];
        let mut started = Vec::new();
        let loaded = load_reporting(&files, &DeploymentContext::default(), |index| started.push(index));
        assert_eq!(started, [0, 1, 2], "a file that fails to read is reported too");
        assert_eq!(loaded.files.len(), 3);
    }

    #[test]
    fn regions_lose_white_space_and_case() {
        assert_eq!(normalize_region("West Europe"), "westeurope");
        assert_eq!(normalize_region("East\u{0B}US\t2"), "eastus2", "every white space, as char::is_whitespace says");
        assert_eq!(normalize_region("Süd Ost\u{2003}X"), "südostx", "non-ASCII names fold fully");
    }
}
