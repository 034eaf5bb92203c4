//! Importer for ARM-shaped exports: az CLI, ARM REST, Azure Resource Graph, Azure PowerShell
//! and Microsoft Graph objects. Each element is one [`Record`], classified by its `type` and,
//! when it has none (projections, PowerShell, Graph), by the fields it carries.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use blastmap_model::{
    AccessPolicy, AttachedIdentity, Attachment, AttachmentRole, FederatedCredential, IsolationScope, Key, Membership,
    Permission, Principal, PrincipalKind, Resource, RoleAssignment, RoleDefinition, Scope, Tags, UserAssignedIdentity,
    arm,
};
use serde::Deserialize;
use serde_json::value::RawValue;

use serde::Deserializer as _;
use serde::de::{SeqAccess, Visitor};

use crate::ByteSource;
use crate::record::{Element, Lenient, Pairs, Record, Text, truncated_by_powershell};
use crate::sink::Sink;

const UAMI_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// What one element turned out to be.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Identity,
    RoleAssignment,
    RoleDefinition,
    FederatedCredential,
    Principal,
    Scope,
    Resource,
    Unrecognised,
}

/// What reading a list found.
#[derive(Copy, Clone, Debug, Default)]
pub struct ListOutcome {
    /// Elements in the list.
    pub elements: usize,
    /// Elements read as something Blastmap knows.
    pub recognised: usize,
}

/// Reads the elements of one list into the sink, one at a time.
struct ListReader<'s, 'i> {
    sink: &'s mut Sink<'i>,
    array_path: &'s str,
    outcome: ListOutcome,
    not_objects: usize,
    truncation_reported: bool,
    /// The current element's path, one buffer for all of them.
    path: String,
}

impl<'s, 'i> ListReader<'s, 'i> {
    fn new(sink: &'s mut Sink<'i>, array_path: &'s str) -> Self {
        ListReader {
            sink,
            array_path,
            outcome: ListOutcome::default(),
            not_objects: 0,
            truncation_reported: false,
            path: String::new(),
        }
    }

    fn element(&mut self, element: Element<'_>) {
        let index = self.outcome.elements;
        self.outcome.elements += 1;
        let Element::Object(record) = element else {
            self.not_objects += 1;
            return;
        };
        self.path.clear();
        // Writing to a String cannot fail.
        let _ = write!(self.path, "{}/{index}", self.array_path);
        let path = &self.path;
        if !self.truncation_reported
            && let Some(field) = truncated_field(&record)
        {
            self.truncation_reported = true;
            self.sink.error(
                &format!("{path}/{field}"),
                "PowerShell's ConvertTo-Json cut this export short (its default depth is 2, so nested objects \
                 became strings like \"@{...}\"); export again with ConvertTo-Json -Depth 100"
                    .to_owned(),
            );
        }
        if read_record(*record, path, self.sink) != Kind::Unrecognised {
            self.outcome.recognised += 1;
        }
    }

    fn finish(self) -> ListOutcome {
        if self.outcome.recognised > 0 && self.not_objects > 0 {
            self.sink.warning(self.array_path, format!("{} elements are not objects; ignored", self.not_objects));
        }
        self.outcome
    }
}

/// Reads one object kept raw (an AzureHound item's `data`, say) at `path`. `graph_type` is the
/// Graph `@odata.type` to assume when the object does not say (AzureHound's kind does).
/// Returns whether it was recognised.
pub fn read_one(text: &str, raw: &RawValue, path: &str, graph_type: Option<&'static str>, sink: &mut Sink<'_>) -> bool {
    match serde_json::from_str::<Record<'_>>(raw.get()) {
        Ok(mut record) => {
            if record.odata_type.is_none() {
                record.odata_type = graph_type.map(Cow::Borrowed);
            }
            read_record(record, path, sink) != Kind::Unrecognised
        }
        Err(error) => {
            sink.error(path, format!("skipped: {}", crate::json_error_in(text, raw.get(), &error)));
            false
        }
    }
}

/// Reads a list whose elements were kept raw (inside an envelope such as `{"value": [...]}`).
pub fn read_elements(text: &str, elements: &[&RawValue], array_path: &str, sink: &mut Sink<'_>) -> ListOutcome {
    let mut reader = ListReader::new(sink, array_path);
    for raw in elements {
        match serde_json::from_str::<Element<'_>>(raw.get()) {
            Ok(element) => reader.element(element),
            Err(error) => {
                let path = format!("{array_path}/{}", reader.outcome.elements);
                reader.outcome.elements += 1;
                reader.sink.error(&path, format!("skipped: {}", crate::json_error_in(text, raw.get(), &error)));
            }
        }
    }
    reader.finish()
}

/// Reads a top-level JSON array in one streaming pass: each element is read straight into a
/// [`Record`] and imported in order. The big exports (`az resource list`, `az role assignment
/// list --all`) are such arrays, so this is the hot path.
///
/// Where the machine has a spare core (natively, not in WebAssembly), a second thread parses
/// the elements while this one imports those parsed before them: parsing is a third of the
/// work, importing the rest, and the two share nothing but the records handed over. Elements
/// are imported in the same order either way, so the inventory is the same.
///
/// A syntax error stops the stream; what was read before it stays read.
pub fn stream_list(text: &str, sink: &mut Sink<'_>) -> Result<ListOutcome, serde_json::Error> {
    stream_list_on(text, sink, blastmap_model::threads::has_spare_core())
}

/// [`stream_list`], parsing on a second thread when `two_threads`.
fn stream_list_on(text: &str, sink: &mut Sink<'_>, two_threads: bool) -> Result<ListOutcome, serde_json::Error> {
    let mut reader = ListReader::new(sink, "");
    let streamed = if two_threads {
        std::thread::scope(|scope| {
            let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Element<'_>>>(BATCHES_IN_FLIGHT);
            let parser = scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let parsed = parse_list(text, |element| {
                    batch.push(element);
                    if batch.len() == BATCH {
                        // The importer stops receiving only once this sender is dropped.
                        let _ = sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
                    }
                });
                let _ = sender.send(batch);
                parsed
            });
            for element in batches.into_iter().flatten() {
                reader.element(element);
            }
            parser.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    } else {
        parse_list(text, |element| reader.element(element))
    };
    let outcome = reader.finish();
    streamed.map(|()| outcome)
}

/// Elements the parsing thread of [`stream_list`] hands over at a time: enough that handing
/// over costs nothing beside parsing them, few enough that importing starts at once.
const BATCH: usize = 64;
/// Batches parsed ahead of the importer at most, so memory stays bounded when it falls behind.
const BATCHES_IN_FLIGHT: usize = 4;

/// Parses a top-level JSON array, handing each element, read into a [`Record`], to `each`.
pub fn parse_list<'de>(text: &'de str, each: impl FnMut(Element<'de>)) -> Result<(), serde_json::Error> {
    struct Stream<F>(F);
    impl<'de, F: FnMut(Element<'de>)> Visitor<'de> for Stream<F> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON array")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            while let Some(element) = seq.next_element::<Element<'de>>()? {
                (self.0)(element);
            }
            Ok(())
        }
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.deserialize_seq(Stream(each))?;
    deserializer.end()
}

/// Bytes [`stream_pieces`] copies out of its source at a time (more when one element is longer).
const PIECE: usize = 1 << 22;

/// Reads a top-level JSON array of plain UTF-8 as [`stream_list`] does, copying it out of
/// `source` a piece at a time instead of holding it whole: the same elements are imported in
/// the same order. Returns what it read, and whether it read the list through: where the text
/// is not a valid JSON array, or a byte is not UTF-8, it stops, having imported what the whole
/// text would have given before the stop (the whole text says why, for the report). The app's
/// worker reads large files so, from the browser's memory into its own.
///
/// The array's punctuation is walked here and each element parsed on its own, so an element
/// cut by the end of a piece is parsed again once the next piece is in.
pub fn stream_pieces(source: &(impl ByteSource + ?Sized), sink: &mut Sink<'_>) -> (ListOutcome, bool) {
    stream_pieces_of(source, sink, PIECE)
}

/// [`stream_pieces`], `piece` bytes at a time.
fn stream_pieces_of(source: &(impl ByteSource + ?Sized), sink: &mut Sink<'_>, piece: usize) -> (ListOutcome, bool) {
    let mut reader = ListReader::new(sink, "");
    let read_through = walk_pieces(source, piece, |element| reader.element(element));
    (reader.finish(), read_through)
}

/// Hands each element of the array in `source` to `each`, in order, reading `piece` bytes at a
/// time (more when an element is longer); whether it read the array through.
fn walk_pieces(source: &(impl ByteSource + ?Sized), piece: usize, mut each: impl FnMut(Element<'_>)) -> bool {
    /// What the walk expects next.
    #[derive(Copy, Clone, PartialEq)]
    enum Next {
        Open,
        FirstOrClose,
        Element,
        CommaOrClose,
        End,
    }
    /// How the walk through the text in hand went.
    enum Walked {
        /// It needs the text that follows.
        Short,
        /// The array closed, and nothing but whitespace follows.
        Closed,
        /// The text is not an array.
        Invalid,
    }
    let size = source.size();
    let mut buffer = vec![0; piece.clamp(1, size.max(1))];
    // The file's offset of the buffer's first byte, and how many bytes it holds.
    let (mut start, mut filled) = (0, 0);
    let mut next = Next::Open;
    loop {
        let wanted = (buffer.len() - filled).min(size - start - filled);
        source.copy_to(start + filled, &mut buffer[filled..filled + wanted]);
        filled += wanted;
        let at_end = start + filled == size;
        let (text, damaged) = match std::str::from_utf8(&buffer[..filled]) {
            Ok(text) => (text, false),
            Err(error) => {
                // A character cut by the end of the piece is completed by the next one.
                let damaged = error.error_len().is_some() || at_end;
                (std::str::from_utf8(&buffer[..error.valid_up_to()]).unwrap_or_default(), damaged)
            }
        };
        // No text follows this one.
        let last = at_end || damaged;
        let mut at = 0;
        let walked = loop {
            at += text.as_bytes()[at..].iter().take_while(|b| matches!(b, b' ' | b'\n' | b'\t' | b'\r')).count();
            let Some(&byte) = text.as_bytes().get(at) else {
                break match (last, next) {
                    (false, _) => Walked::Short,
                    (true, Next::End) => Walked::Closed,
                    (true, _) => Walked::Invalid,
                };
            };
            match (next, byte) {
                (Next::Open, b'[') => next = Next::FirstOrClose,
                (Next::FirstOrClose | Next::CommaOrClose, b']') => next = Next::End,
                (Next::CommaOrClose, b',') => next = Next::Element,
                (Next::FirstOrClose | Next::Element, _) => {
                    let mut values = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Element<'_>>();
                    match values.next() {
                        Some(Ok(element)) => {
                            let end = at + values.byte_offset();
                            // A number or literal that ends the text may go on in the next piece.
                            if end == text.len() && !last {
                                break Walked::Short;
                            }
                            each(element);
                            at = end;
                            next = Next::CommaOrClose;
                            continue;
                        }
                        Some(Err(error)) if error.is_eof() && !last => break Walked::Short,
                        _ => {
                            // A number or literal followed by what cannot follow it (which the
                            // stream refuses, as it reads values apart): read whole, the list
                            // takes the value, then stops at what follows.
                            let mut alone = serde_json::Deserializer::from_str(&text[at..]);
                            if let Ok(element) = Element::deserialize(&mut alone) {
                                each(element);
                            }
                            break Walked::Invalid;
                        }
                    }
                }
                _ => break Walked::Invalid,
            }
            at += 1;
        };
        match walked {
            Walked::Short => {}
            Walked::Closed => return !damaged,
            Walked::Invalid => return false,
        }
        // More text is needed: keep what is not read yet at the front, and fill the rest.
        if at == 0 && filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        } else {
            buffer.copy_within(at..filled, 0);
            start += at;
            filled -= at;
        }
    }
}

/// Reads a top-level JSON array into records, one element at a time, and imports nothing:
/// the part of [`stream_list`] that is parsing. Returns how many elements it read.
pub fn count_list(text: &str) -> Result<usize, serde_json::Error> {
    let mut elements = 0;
    parse_list(text, |_| elements += 1)?;
    Ok(elements)
}

fn truncated_field(record: &Record<'_>) -> Option<&'static str> {
    [("identity", record.identity), ("properties", record.properties), ("tags", record.tags)]
        .into_iter()
        .find(|(_, v)| v.is_some_and(truncated_by_powershell))
        .map(|(name, _)| name)
}

/// The type of a record, in any case, from `type`, else from its id.
fn type_of<'a>(record: &Record<'a>) -> Option<Cow<'a, str>> {
    // Cloning a borrowed `Cow` copies a reference.
    record
        .resource_type
        .as_ref()
        .filter(|t| t.contains('/'))
        .cloned()
        .or_else(|| record.id.as_deref().and_then(arm::resource_type).map(Cow::Owned))
}

/// True when `record_type` is `name` (lower-cased) in any case. Types are compared in place,
/// not lower-cased: every element has one.
fn is_type(record_type: Option<&str>, name: &str) -> bool {
    record_type.is_some_and(|t| t.eq_ignore_ascii_case(name))
}

fn classify(record: &Record<'_>, record_type: Option<&str>) -> Kind {
    const TYPES: [(&str, Kind); 7] = [
        ("microsoft.managedidentity/userassignedidentities", Kind::Identity),
        ("microsoft.authorization/roleassignments", Kind::RoleAssignment),
        ("microsoft.authorization/roledefinitions", Kind::RoleDefinition),
        ("microsoft.resources/subscriptions", Kind::Scope),
        ("microsoft.resources/subscriptions/resourcegroups", Kind::Scope),
        ("microsoft.resources/resourcegroups", Kind::Scope),
        ("microsoft.management/managementgroups", Kind::Scope),
    ];
    if let Some(&(_, kind)) = TYPES.iter().find(|(name, _)| is_type(record_type, name)) {
        return kind;
    }
    const CREDENTIALS: &str = "/federatedidentitycredentials";
    if record_type
        .and_then(|t| t.get(t.len().saturating_sub(CREDENTIALS.len())..))
        .is_some_and(|end| end.eq_ignore_ascii_case(CREDENTIALS))
    {
        return Kind::FederatedCredential;
    }
    // `az account list`: subscriptions by GUID, with `isDefault`.
    if record.is_default.is_some() && record.tenant_id.is_some() && record.id.as_deref().is_some_and(crate::is_guid) {
        return Kind::Scope;
    }
    if record.role_assignment_id.is_some() || (record.principal_id.is_some() && record.role_definition_id.is_some()) {
        Kind::RoleAssignment
    } else if record.role_name.is_some() && record.permissions.is_some() {
        Kind::RoleDefinition
    } else if record.service_principal_type.is_some()
        || record.user_principal_name.is_some()
        || record.odata_type.as_deref().is_some_and(|t| t.starts_with("#microsoft.graph."))
    {
        Kind::Principal
    } else if record.id.as_deref().is_some_and(|id| arm::level(id) == Some(arm::ScopeLevel::Resource)) {
        Kind::Resource
    } else {
        Kind::Unrecognised
    }
}

fn read_record(mut record: Record<'_>, path: &str, sink: &mut Sink<'_>) -> Kind {
    let record_type = type_of(&record);
    let record_type = record_type.as_deref();
    let kind = classify(&record, record_type);
    // REST, Resource Graph and az's older layouts keep these objects' fields under `properties`.
    if matches!(kind, Kind::Identity | Kind::RoleAssignment | Kind::RoleDefinition | Kind::FederatedCredential)
        && let Some(properties) = record.properties
        && let Ok(mut inner) = serde_json::from_str::<Record<'_>>(properties.get())
    {
        // REST and Resource Graph say `properties.type: "BuiltInRole"`; az renames it `roleType`.
        if kind == Kind::RoleDefinition && record.role_type.is_none() {
            record.role_type = inner.resource_type.take();
        }
        record.complete_from(inner);
    }
    match kind {
        Kind::Identity => read_identity(&record, path, sink),
        Kind::RoleAssignment => read_role_assignment(&record, path, sink),
        Kind::RoleDefinition => read_role_definition(&record, path, sink),
        Kind::FederatedCredential => read_federated_credential(&record, path, sink),
        Kind::Principal => read_principal(&record, path, sink),
        Kind::Scope => read_scope(&record, path, sink),
        Kind::Resource => read_resource(&record, record_type, path, sink),
        Kind::Unrecognised => {}
    }
    kind
}

fn owned(text: &Text<'_>) -> Option<String> {
    text.as_deref().map(str::to_owned)
}

fn nonempty(text: &Text<'_>) -> Option<String> {
    text.as_deref().filter(|t| !t.is_empty()).map(str::to_owned)
}

fn tags(sink: &mut Sink<'_>, path: &str, raw: Option<&RawValue>) -> Tags {
    let Some(raw) = raw else { return Tags::default() };
    match serde_json::from_str::<Pairs<'_, Lenient<'_>>>(raw.get()) {
        Ok(map) => Tags(
            map.0.into_iter().map(|(k, v)| (k.0.into_owned(), v.0.map(Cow::into_owned).unwrap_or_default())).collect(),
        ),
        Err(_) => {
            if !truncated_by_powershell(raw) {
                sink.warning(&format!("{path}/tags"), "tags are not an object of strings; ignored".to_owned());
            }
            Tags::default()
        }
    }
}

fn strings(raw: Option<&RawValue>) -> Vec<String> {
    raw.and_then(|r| serde_json::from_str::<Vec<Lenient<'_>>>(r.get()).ok())
        .map(|v| v.into_iter().filter_map(|s| s.0.map(Cow::into_owned)).collect())
        .unwrap_or_default()
}

/// Adds the resource itself. Returns its key.
fn add_resource(record: &Record<'_>, default_type: Option<&str>, path: &str, sink: &mut Sink<'_>) -> Option<Key> {
    let id = record.id.as_deref()?;
    let key = sink.arm_id(path, id)?;
    let tags = tags(sink, path, record.tags);
    let resource = Resource {
        id: key,
        name: owned(&record.name).unwrap_or_else(|| arm::last_segment(id).to_owned()),
        resource_type: record
            .resource_type
            .as_deref()
            .filter(|t| t.contains('/'))
            .map(str::to_owned)
            .or_else(|| default_type.map(str::to_owned))
            .or_else(|| arm::resource_type(id))
            .unwrap_or_default(),
        kind: owned(&record.kind_).filter(|k| !k.is_empty()),
        region: record.location.as_deref().filter(|l| !l.is_empty()).map(crate::normalize_region),
        tags,
        origin: sink.origin(path),
        implied: false,
    };
    sink.add_resource(resource);
    Some(key)
}

fn read_identity(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    let Some(id) = add_resource(record, Some(UAMI_TYPE), path, sink) else {
        sink.error(path, "a user-assigned identity without an id; skipped".to_owned());
        return;
    };
    let isolation_scope = match record.isolation_scope.as_deref().map(str::to_ascii_lowercase).as_deref() {
        Some("regional") => IsolationScope::Regional,
        Some("none") => IsolationScope::None,
        _ => IsolationScope::Unknown,
    };
    let restrictions = record.assignment_restrictions.and_then(|raw| {
        #[derive(Deserialize)]
        struct Restrictions {
            #[serde(default, alias = "Providers")]
            providers: Vec<String>,
        }
        serde_json::from_str::<Restrictions>(raw.get()).ok().map(|r| r.providers)
    });
    let key =
        |sink: &mut Sink<'_>, text: &Text<'_>| text.as_deref().filter(|t| !t.is_empty()).map(|t| sink.inventory.key(t));
    let identity = UserAssignedIdentity {
        principal_id: key(sink, &record.principal_id),
        client_id: key(sink, &record.client_id),
        tenant_id: key(sink, &record.tenant_id),
        isolation_scope,
        assignment_restrictions: restrictions,
        ..UserAssignedIdentity::new(id)
    };
    let origin = sink.origin(path);
    sink.add_identity(identity, &origin);
}

fn read_role_assignment(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    let (Some(principal), Some(role)) = (record.principal_id.as_deref(), record.role_definition_id.as_deref()) else {
        sink.error(path, "a role assignment without principalId or roleDefinitionId; skipped".to_owned());
        return;
    };
    let id_text = record.role_assignment_id.as_deref().or(record.id.as_deref());
    let scope_text = record.scope.as_deref().or_else(|| id_text.and_then(arm::extended_scope));
    let Some(scope_text) = scope_text else {
        sink.error(path, "a role assignment without a scope; skipped".to_owned());
        return;
    };
    let Some(scope) = sink.scope(format_args!("{path}/scope"), scope_text) else { return };
    let role = arm::last_segment(role);
    let id = sink.assignment_key(id_text, scope, principal, role);
    // Azure PowerShell says `ObjectType`, the rest `principalType`.
    let principal_type = record.principal_type.as_deref().or(record.object_type.as_deref());
    let assignment = RoleAssignment {
        id,
        scope,
        principal: sink.inventory.key(principal),
        principal_type: principal_type.map(PrincipalKind::parse),
        principal_name: owned(&record.principal_name),
        role_definition: sink.inventory.key(role),
        role_name: owned(&record.role_definition_name),
        condition: owned(&record.condition).filter(|c| !c.is_empty()),
        origin: sink.origin(path),
    };
    if record.object_type.is_some() {
        let display = nonempty(&record.display_name);
        sink.add_principal(Principal {
            id: assignment.principal,
            kind: assignment.principal_type.unwrap_or_default(),
            display_name: display,
        });
    }
    sink.add_role_assignment(assignment);
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct PermissionJson {
    #[serde(alias = "Actions")]
    actions: Vec<String>,
    #[serde(alias = "NotActions")]
    not_actions: Vec<String>,
    #[serde(alias = "DataActions")]
    data_actions: Vec<String>,
    #[serde(alias = "NotDataActions")]
    not_data_actions: Vec<String>,
}

fn read_role_definition(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    // `name` is the GUID in az and REST output; the id ends in it everywhere.
    let guid = record
        .name
        .as_deref()
        .filter(|n| n.len() == 36 && n.matches('-').count() == 4)
        .or_else(|| record.id.as_deref().map(arm::last_segment));
    let Some(guid) = guid else {
        sink.error(path, "a role definition without an id; skipped".to_owned());
        return;
    };
    let permissions = match record.permissions.map(|raw| serde_json::from_str::<Vec<PermissionJson>>(raw.get())) {
        Some(Ok(blocks)) => blocks,
        Some(Err(error)) => {
            sink.error(&format!("{path}/permissions"), format!("permissions not read: {error}"));
            Vec::new()
        }
        None => Vec::new(),
    };
    // REST and Resource Graph call the role type `properties.type`; az renames it `roleType`.
    let builtin = record.role_type.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("BuiltInRole"));
    let assignable_scopes = strings(record.assignable_scopes).iter().map(|s| sink.inventory.key(s)).collect();
    let definition = RoleDefinition {
        id: sink.inventory.key(guid),
        name: owned(&record.role_name).unwrap_or_default(),
        builtin,
        permissions: permissions
            .into_iter()
            .map(|p| Permission {
                actions: p.actions,
                not_actions: p.not_actions,
                data_actions: p.data_actions,
                not_data_actions: p.not_data_actions,
            })
            .collect(),
        assignable_scopes,
    };
    sink.add_role_definition(definition);
}

fn read_federated_credential(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    let Some(id) = record.id.as_deref() else {
        sink.error(path, "a federated credential without an id; skipped".to_owned());
        return;
    };
    let lower = id.to_ascii_lowercase();
    let Some(at) = lower.find("/federatedidentitycredentials/") else {
        sink.error(path, format!("{id:?} does not name its identity; skipped"));
        return;
    };
    let Some(identity) = sink.arm_id(path, &id[..at]) else { return };
    let claims = record.claims_matching_expression.and_then(|raw| {
        #[derive(Deserialize)]
        struct Expression {
            value: Option<String>,
        }
        serde_json::from_str::<Expression>(raw.get()).ok().and_then(|e| e.value)
    });
    let credential = FederatedCredential {
        id: sink.inventory.key(id),
        identity,
        name: owned(&record.name).unwrap_or_else(|| arm::last_segment(id).to_owned()),
        issuer: owned(&record.issuer).unwrap_or_default(),
        subject: owned(&record.subject),
        claims_expression: claims,
        audiences: strings(record.audiences),
        origin: sink.origin(path),
    };
    sink.add_federated_credential(credential);
}

/// `{"name": "mg-platform"}` entries of a subscription's `managementGroupAncestorsChain`, and
/// `details.parent` of a management group.
#[derive(Deserialize)]
struct NamedRef<'a> {
    #[serde(borrow, alias = "Name")]
    name: Option<Lenient<'a>>,
    #[serde(borrow, alias = "Id")]
    id: Option<Lenient<'a>>,
    #[serde(borrow, rename = "displayName", alias = "DisplayName")]
    display_name: Option<Lenient<'a>>,
}

#[derive(Deserialize)]
struct Details<'a> {
    #[serde(borrow, alias = "Parent")]
    parent: Option<NamedRef<'a>>,
}

fn management_group_id(name: &str) -> String {
    format!("/providers/Microsoft.Management/managementGroups/{name}")
}

fn read_scope(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    let Some(raw_id) = record.id.as_deref() else { return };
    // `az account list` names subscriptions by bare GUID.
    let id_text = if crate::is_guid(raw_id) { format!("/subscriptions/{raw_id}") } else { raw_id.to_owned() };
    let Some(level) = arm::level(&id_text).filter(|l| *l != arm::ScopeLevel::Resource) else {
        sink.error(path, format!("{raw_id:?} is not a scope; skipped"));
        return;
    };
    let id = sink.inventory.key(&id_text);
    let nested = record.properties.and_then(|raw| serde_json::from_str::<Record<'_>>(raw.get()).ok());
    let chain_raw =
        record.management_group_ancestors_chain.or(nested.as_ref().and_then(|n| n.management_group_ancestors_chain));
    let details_raw = record.details.or(nested.as_ref().and_then(|n| n.details));
    // Subscriptions: the first ancestor is the parent, and each ancestor's parent is the next.
    let chain: Vec<NamedRef<'_>> = chain_raw.and_then(|raw| serde_json::from_str(raw.get()).ok()).unwrap_or_default();
    let chain_ids: Vec<Key> =
        chain.iter().filter_map(|r| text(&r.name)).map(|name| sink.inventory.key(&management_group_id(name))).collect();
    for (at, group) in chain.iter().enumerate() {
        let Some(&group_id) = chain_ids.get(at) else { break };
        let name = text(&group.display_name).map(str::to_owned);
        let parent = chain_ids.get(at + 1).copied();
        sink.inventory.add_scope(Scope {
            id: group_id,
            level: arm::ScopeLevel::ManagementGroup,
            name,
            parent,
            tags: Tags::default(),
        });
    }
    let details_parent = details_raw
        .and_then(|raw| serde_json::from_str::<Details<'_>>(raw.get()).ok())
        .and_then(|d| d.parent)
        .and_then(|p| text(&p.id).map(str::to_owned).or_else(|| text(&p.name).map(management_group_id)));
    let parent = match level {
        arm::ScopeLevel::Subscription => chain_ids.first().copied(),
        arm::ScopeLevel::ManagementGroup => details_parent.map(|p| sink.inventory.key(&p)),
        _ => None,
    };
    // A subscription's `name` is its display name; a management group's is its id segment.
    let name = match level {
        arm::ScopeLevel::ManagementGroup => {
            nonempty(&record.display_name).or_else(|| nested.as_ref().and_then(|n| nonempty(&n.display_name)))
        }
        _ => nonempty(&record.display_name).or_else(|| nonempty(&record.name)),
    };
    let tags = tags(sink, path, record.tags);
    sink.add_scope(Scope { id, level, name, parent, tags });
}

fn read_principal(record: &Record<'_>, path: &str, sink: &mut Sink<'_>) {
    let Some(object_id) = record.id.as_deref() else {
        sink.error(path, "a directory object without an id; skipped".to_owned());
        return;
    };
    let id = sink.inventory.key(object_id);
    let odata = record.odata_type.as_deref().unwrap_or("").to_ascii_lowercase();
    let sp_type = record.service_principal_type.as_deref().unwrap_or("").to_ascii_lowercase();
    // Graph says "ManagedIdentity"; AzureHound's enum comment "ManagedIdentities".
    let managed = sp_type.starts_with("managedidentit");
    let kind = if managed {
        PrincipalKind::ManagedIdentity
    } else if !sp_type.is_empty() || odata.ends_with("serviceprincipal") {
        PrincipalKind::ServicePrincipal
    } else if odata.ends_with(".group") {
        PrincipalKind::Group
    } else if record.user_principal_name.is_some() || odata.ends_with(".user") {
        PrincipalKind::User
    } else if odata.ends_with(".device") {
        PrincipalKind::Device
    } else {
        PrincipalKind::Unknown
    };
    let display_name = nonempty(&record.display_name).or_else(|| nonempty(&record.user_principal_name));
    sink.add_principal(Principal { id, kind, display_name });
    if managed {
        link_managed_identity(record, id, path, sink);
    }
    if let Some(members) = record.members.and_then(|raw| serde_json::from_str::<Vec<&RawValue>>(raw.get()).ok()) {
        for (index, member) in members.iter().enumerate() {
            let member_path = format!("{path}/members/{index}");
            let Ok(member_record) = serde_json::from_str::<Record<'_>>(member.get()) else { continue };
            let Some(member_id) = member_record.id.as_deref().map(str::to_owned) else { continue };
            read_principal(&member_record, &member_path, sink);
            let member = sink.inventory.key(&member_id);
            sink.add_membership(Membership { group: id, member });
        }
    }
}

/// A Graph managed identity names its ARM side in `alternativeNames`: `isExplicit=True` and the
/// user-assigned identity's id, or `isExplicit=False` and the id of the resource whose
/// system-assigned identity it is.
fn link_managed_identity(record: &Record<'_>, principal: Key, path: &str, sink: &mut Sink<'_>) {
    let names = strings(record.alternative_names);
    let explicit = names.iter().find_map(|n| n.split_once('=').filter(|(k, _)| k.eq_ignore_ascii_case("isExplicit")));
    let arm_id = names.iter().find(|n| arm::level(n) == Some(arm::ScopeLevel::Resource));
    let (Some((_, explicit)), Some(arm_id)) = (explicit, arm_id) else { return };
    let Some(key) = sink.arm_id(&format!("{path}/alternativeNames"), arm_id) else { return };
    let origin = sink.origin(path);
    sink.inventory.add_resource(Resource::implied(key, arm_id, origin.clone()));
    if explicit.eq_ignore_ascii_case("true") {
        let client_id = record.client_id.as_deref().map(|c| sink.inventory.key(c));
        sink.add_identity(
            UserAssignedIdentity { principal_id: Some(principal), client_id, ..UserAssignedIdentity::new(key) },
            &origin,
        );
    } else {
        sink.add_attachment(Attachment {
            source: key,
            identity: AttachedIdentity::System { principal_id: Some(principal) },
            role: AttachmentRole::Resource,
        });
    }
}

/// The `identity` block of a resource.
#[derive(Deserialize)]
struct IdentityBlock<'a> {
    #[serde(borrow, rename = "type", alias = "Type")]
    kinds: Option<Lenient<'a>>,
    #[serde(borrow, rename = "principalId", alias = "PrincipalId")]
    principal_id: Option<Lenient<'a>>,
    #[serde(borrow, rename = "userAssignedIdentities", alias = "UserAssignedIdentities")]
    user_assigned: Option<Pairs<'a, Option<UserAssignedValue<'a>>>>,
}

#[derive(Deserialize)]
struct UserAssignedValue<'a> {
    #[serde(borrow, rename = "principalId", alias = "PrincipalId")]
    principal_id: Option<Lenient<'a>>,
    #[serde(borrow, rename = "clientId", alias = "ClientId")]
    client_id: Option<Lenient<'a>>,
}

/// An AKS `{resourceId, clientId, objectId}` identity.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ProfileIdentity<'a> {
    #[serde(borrow)]
    resource_id: Option<Lenient<'a>>,
    #[serde(borrow)]
    client_id: Option<Lenient<'a>>,
    #[serde(borrow)]
    object_id: Option<Lenient<'a>>,
}

/// The text of an optional lenient string.
fn text<'s>(value: &'s Option<Lenient<'_>>) -> Option<&'s str> {
    value.as_ref().and_then(|v| v.0.as_deref())
}

fn read_resource(record: &Record<'_>, record_type: Option<&str>, path: &str, sink: &mut Sink<'_>) {
    let Some(source) = add_resource(record, None, path, sink) else { return };
    if let Some(raw) = record.identity.filter(|raw| !truncated_by_powershell(raw)) {
        match serde_json::from_str::<IdentityBlock<'_>>(raw.get()) {
            Ok(block) => read_identity_block(source, &block, path, sink),
            Err(error) => sink.warning(&format!("{path}/identity"), format!("identity not read: {error}")),
        }
    }
    if is_type(record_type, "microsoft.containerservice/managedclusters") {
        read_aks_identities(record, source, path, sink);
    } else if is_type(record_type, "microsoft.keyvault/vaults") {
        read_access_policies(record, source, path, sink);
    }
}

/// One entry of a vault's `accessPolicies`.
#[derive(Deserialize)]
struct AccessPolicyJson<'a> {
    #[serde(borrow, rename = "objectId", alias = "ObjectId")]
    object_id: Option<Lenient<'a>>,
    #[serde(default, alias = "Permissions")]
    permissions: PermissionsJson,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PermissionsJson {
    #[serde(alias = "Keys", alias = "PermissionsToKeys")]
    keys: Vec<String>,
    #[serde(alias = "Secrets", alias = "PermissionsToSecrets")]
    secrets: Vec<String>,
    #[serde(alias = "Certificates", alias = "PermissionsToCertificates")]
    certificates: Vec<String>,
    #[serde(alias = "Storage", alias = "PermissionsToStorage")]
    storage: Vec<String>,
}

fn read_access_policies(record: &Record<'_>, vault: Key, path: &str, sink: &mut Sink<'_>) {
    // az flattens `properties`; REST, Resource Graph and AzureHound keep it nested.
    let nested = record.properties.and_then(|raw| serde_json::from_str::<Record<'_>>(raw.get()).ok());
    let Some(raw) = record.access_policies.or_else(|| nested.and_then(|p| p.access_policies)) else { return };
    let policies = match serde_json::from_str::<Vec<AccessPolicyJson<'_>>>(raw.get()) {
        Ok(policies) => policies,
        Err(error) => {
            sink.warning(&format!("{path}/properties/accessPolicies"), format!("access policies not read: {error}"));
            return;
        }
    };
    for policy in policies {
        let Some(object_id) = text(&policy.object_id) else { continue };
        let object_id = sink.inventory.key(object_id);
        let p = policy.permissions;
        sink.add_access_policy(AccessPolicy {
            vault,
            object_id,
            keys: p.keys,
            secrets: p.secrets,
            certificates: p.certificates,
            storage: p.storage,
        });
    }
}

fn read_identity_block(source: Key, block: &IdentityBlock<'_>, path: &str, sink: &mut Sink<'_>) {
    let kinds = text(&block.kinds).unwrap_or("");
    let system = kinds.split(',').any(|k| k.trim().eq_ignore_ascii_case("systemassigned"));
    let principal = text(&block.principal_id).filter(|p| !p.is_empty());
    if system || (kinds.is_empty() && principal.is_some()) {
        let principal_id = principal.map(|p| sink.inventory.key(p));
        if let Some(principal) = principal_id {
            let name = sink.inventory.resource(source).map(|r| r.name.clone());
            sink.add_principal(Principal { id: principal, kind: PrincipalKind::ManagedIdentity, display_name: name });
        }
        sink.add_attachment(Attachment {
            source,
            identity: AttachedIdentity::System { principal_id },
            role: AttachmentRole::Resource,
        });
    }
    for (uami, value) in block.user_assigned.iter().flat_map(|pairs| &pairs.0) {
        let value = value.as_ref();
        link_user_assigned(
            source,
            &uami.0,
            value.and_then(|v| text(&v.principal_id)),
            value.and_then(|v| text(&v.client_id)),
            AttachmentRole::Resource,
            &format!("{path}/identity/userAssignedIdentities"),
            sink,
        );
    }
}

/// Records that `source` carries the user-assigned identity `uami`, and what the consumer's
/// export says of that identity.
fn link_user_assigned(
    source: Key,
    uami: &str,
    principal_id: Option<&str>,
    client_id: Option<&str>,
    role: AttachmentRole,
    path: &str,
    sink: &mut Sink<'_>,
) {
    let Some(identity) = sink.arm_id(path, uami) else { return };
    let origin = sink.origin(path);
    sink.inventory.add_resource(Resource::implied(identity, uami, origin.clone()));
    let principal_id = principal_id.filter(|p| !p.is_empty()).map(|p| sink.inventory.key(p));
    let client_id = client_id.filter(|c| !c.is_empty()).map(|c| sink.inventory.key(c));
    sink.add_identity(UserAssignedIdentity { principal_id, client_id, ..UserAssignedIdentity::new(identity) }, &origin);
    sink.add_attachment(Attachment { source, identity: AttachedIdentity::User(identity), role });
}

fn profile(raw: Option<&RawValue>) -> BTreeMap<String, Option<&RawValue>> {
    raw.and_then(|raw| serde_json::from_str(raw.get()).ok()).unwrap_or_default()
}

fn read_aks_identities(record: &Record<'_>, source: Key, path: &str, sink: &mut Sink<'_>) {
    // az flattens `properties` to the top level; REST and Resource Graph keep it nested.
    let properties = record.properties.and_then(|raw| serde_json::from_str::<Record<'_>>(raw.get()).ok());
    let identity_profile = record.identity_profile.or_else(|| properties.as_ref().and_then(|p| p.identity_profile));
    let addon_profiles = record.addon_profiles.or_else(|| properties.as_ref().and_then(|p| p.addon_profiles));
    let mut found: Vec<(String, AttachmentRole, String)> = Vec::new();
    for (name, value) in profile(identity_profile) {
        if name.eq_ignore_ascii_case("kubeletidentity")
            && let Some(value) = value
        {
            found.push((value.get().to_owned(), AttachmentRole::Kubelet, "identityProfile/kubeletidentity".to_owned()));
        }
    }
    for (addon, value) in profile(addon_profiles) {
        let Some(value) = value else { continue };
        let Ok(addon_record) = serde_json::from_str::<Record<'_>>(value.get()) else { continue };
        if let Some(identity) = addon_record.identity {
            found.push((
                identity.get().to_owned(),
                AttachmentRole::Addon(addon.clone()),
                format!("addonProfiles/{addon}/identity"),
            ));
        }
    }
    for (json, role, place) in found {
        let Ok(identity) = serde_json::from_str::<ProfileIdentity<'_>>(&json) else { continue };
        let Some(uami) = text(&identity.resource_id) else { continue };
        link_user_assigned(
            source,
            uami,
            text(&identity.object_id),
            text(&identity.client_id),
            role,
            &format!("{path}/{place}"),
            sink,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_model::Inventory;

    /// Reads `text` as [`stream_list`] does, on one thread or two: the inventory as Blastmap's
    /// own format, the diagnostics, and the outcome.
    fn streamed(text: &str, two_threads: bool) -> (String, Vec<String>, Option<usize>) {
        let mut inventory = Inventory::new();
        let mut sink = Sink::new(&mut inventory, 0, "list.json");
        let outcome = stream_list_on(text, &mut sink, two_threads).ok().map(|o| o.recognised);
        let diagnostics = sink.diagnostics.iter().map(|d| format!("{d:?}")).collect();
        (crate::native::write(&inventory), diagnostics, outcome)
    }

    /// Reads `bytes` a piece at a time, as [`streamed`] gives it.
    fn in_pieces(bytes: &[u8], piece: usize) -> (String, Vec<String>, Option<usize>) {
        let mut inventory = Inventory::new();
        let mut sink = Sink::new(&mut inventory, 0, "list.json");
        let (outcome, read_through) = stream_pieces_of(bytes, &mut sink, piece);
        let diagnostics = sink.diagnostics.iter().map(|d| format!("{d:?}")).collect();
        (crate::native::write(&inventory), diagnostics, read_through.then_some(outcome.recognised))
    }

    /// What reading `bytes` whole gives: up to a byte that is not UTF-8, what the valid text
    /// before it gives, and never a list read through.
    fn whole(bytes: &[u8]) -> (String, Vec<String>, Option<usize>) {
        match std::str::from_utf8(bytes) {
            Ok(text) => streamed(text, false),
            Err(error) => {
                let before = std::str::from_utf8(&bytes[..error.valid_up_to()]).unwrap_or_default();
                let (inventory, diagnostics, _) = streamed(before, false);
                (inventory, diagnostics, None)
            }
        }
    }

    #[test]
    fn a_list_read_in_pieces_is_read_as_it_is_whole() {
        let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 300, seed: 5 });
        // Values of every kind, which every small piece cuts somewhere else.
        let values = r#"[12345, -0.5e10, true, null, "x", [1, [2]], {}, 678, false, 9]"#;
        for piece in 1..=values.len() {
            assert_eq!(in_pieces(values.as_bytes(), piece), whole(values.as_bytes()), "{piece}");
        }
        let mut texts: Vec<&[u8]> = generated.files.iter().map(|f| f.bytes.as_slice()).collect();
        texts.extend([b"[]".as_slice(), b" \n[ ]\n", EDITED.as_bytes()]);
        for text in texts {
            assert!(whole(text).2.is_some());
            for piece in [1, 2, 3, 7, 64, 1000, 1 << 22] {
                assert_eq!(
                    in_pieces(text, piece),
                    whole(text),
                    "{piece}: {}",
                    String::from_utf8_lossy(&text[..60.min(text.len())])
                );
            }
        }
    }

    #[test]
    fn a_list_read_in_pieces_stops_where_it_does_whole() {
        let invalid =
            ["[{}, {} {}]", "[{}, {},]", "[{}] x", "[{}, {\"a\": 1", "[", "[1 2]", "[{} 7", "[12x]", "[tru]", "{}"];
        for text in invalid {
            assert_eq!(whole(text.as_bytes()).2, None, "{text}");
            for piece in [1, 2, 5, 1 << 22] {
                assert_eq!(in_pieces(text.as_bytes(), piece), whole(text.as_bytes()), "{piece}: {text}");
            }
        }
        // Damage: what comes whole before it is read, as from the valid text before it.
        let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 100, seed: 5 });
        let mut damaged = generated.files[1].bytes.clone();
        let third = damaged.len() / 3;
        damaged[third] = 0xFF;
        assert!(whole(&damaged).0.matches("\"id\"").count() > 10);
        for piece in [1, 3, 4096, 1 << 22] {
            assert_eq!(in_pieces(&damaged, piece), whole(&damaged), "{piece}");
        }
    }

    proptest::proptest! {
        /// Whatever the bytes (a list edited at random: bytes inserted, removed or replaced,
        /// some of them not UTF-8), read in pieces of any size they give what they give whole.
        #[test]
        fn any_bytes_read_in_pieces_are_read_as_they_are_whole(
            edits in proptest::collection::vec((0.0..1.0f64, 0u8..4, proptest::sample::select(EDIT_BYTES.to_vec())), 0..6),
            piece in 1usize..80,
        ) {
            let mut bytes = EDITED.as_bytes().to_vec();
            for (place, how, byte) in edits {
                let at = ((bytes.len() as f64) * place) as usize;
                match how {
                    0 => bytes.insert(at, byte),
                    1 if at < bytes.len() => { bytes.remove(at); }
                    _ if at < bytes.len() => bytes[at] = byte,
                    _ => bytes.push(byte),
                }
            }
            proptest::prop_assert_eq!(in_pieces(&bytes, piece), whole(&bytes));
        }
    }

    /// The list the property test edits: resources, an identity, values of every kind.
    const EDITED: &str = r#"[{"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/app-é", "name": "app-é", "type": "Microsoft.Web/sites", "location": "westeurope", "tags": {"env": "dev"}, "identity": {"type": "UserAssigned", "userAssignedIdentities": {"/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-1": {"principalId": "11111111-1111-1111-1111-111111111111"}}}},
 {"id": "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-日本", "type": "Microsoft.KeyVault/vaults", "location": "westeurope"},
 12, -3.5e2, true, null, "x\"y", [1, [2]], {}]"#;

    /// Bytes the property test writes in: the JSON's punctuation, and bytes that break UTF-8.
    const EDIT_BYTES: [u8; 14] = [b'[', b']', b'{', b'}', b',', b'"', b':', b' ', b'1', b'e', b'\\', 0xFF, 0xC3, 0xE6];

    #[test]
    fn parsing_on_a_second_thread_reads_the_same_inventory() {
        let generated = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 600, seed: 3 });
        for file in &generated.files {
            let text = std::str::from_utf8(&file.bytes).unwrap();
            let one = streamed(text, false);
            assert!(one.2.is_some_and(|recognised| recognised > 0), "{}", file.name);
            assert_eq!(streamed(text, true), one, "{}", file.name);
            // Cut short in the middle, past many batches: what came before the cut is read.
            let cut = &text[..text.len() / 2];
            let one = streamed(cut, false);
            assert_eq!(one.2, None, "{}", file.name);
            assert_eq!(streamed(cut, true), one, "{}", file.name);
        }
    }
}
