//! The file panel: each file with its recognised format, what it held, and its diagnostics.

use blastmap_ingest::Severity;
use blastmap_worker::wire::FileReport;
use yew::prelude::*;

use crate::text::count;

/// Properties of [`FilePanel`].
#[derive(Properties, PartialEq)]
pub struct FilePanelProps {
    /// One report per open file.
    pub reports: Vec<FileReport>,
    /// The report on the settings' environment mapping, when it states anything.
    pub mapping: Option<FileReport>,
    /// Whether the files are the built-in sample.
    pub is_sample: bool,
    /// Remove the file at this index.
    pub on_close: Callback<usize>,
    /// Open the settings panel.
    pub on_settings: Callback<()>,
}

/// Lists the open files.
#[component]
pub fn FilePanel(props: &FilePanelProps) -> Html {
    html! {
        <section class="files" aria-label="Files">
            <h2 class="panel-title">{ "Files" }</h2>
            if props.reports.is_empty() && props.mapping.is_none() {
                <p class="muted">{ "No files open." }</p>
            }
            <ul class="file-list" id="file-list">
                { for props.reports.iter().enumerate().map(|(index, report)| {
                    let on_close = props.on_close.clone();
                    let close = Callback::from(move |_: MouseEvent| on_close.emit(index));
                    file_item(report, html! {
                        <button type="button" class="icon-button" onclick={close}
                            aria-label={format!("Remove {}", report.name)}>{ "×" }</button>
                    })
                }) }
                // Listed like a file because it is read like one, and its mistakes belong
                // somewhere a person looks; it is edited (and emptied) in the settings.
                if let Some(mapping) = &props.mapping {
                    { file_item(mapping, html! {
                        <button type="button" class="button small" id="edit-mapping"
                            onclick={props.on_settings.reform(|_: MouseEvent| ())}>{ "Edit" }</button>
                    }) }
                }
            </ul>
            if props.is_sample {
                <p class="muted hint">{ "Open or drop your own exports to replace the sample." }</p>
            }
        </section>
    }
}

/// One file's report, with `action` (remove, or edit) beside its name.
fn file_item(report: &FileReport, action: Html) -> Html {
    let c = report.counts;
    let mut held = Vec::new();
    for (n, one, many) in [
        (c.resources, "resource", "resources"),
        (c.identities, "user-assigned identity", "user-assigned identities"),
        (c.role_assignments, "role assignment", "role assignments"),
        (c.principals, "principal", "principals"),
        (c.role_definitions, "role definition", "role definitions"),
        (c.federated_credentials, "federated credential", "federated credentials"),
        (c.access_policies, "access policy", "access policies"),
        (c.scopes, "scope", "scopes"),
    ] {
        if n > 0 {
            held.push(count(n, one, many));
        }
    }
    let has_error = report.diagnostics.iter().any(|d| d.severity == Severity::Error);
    html! {
        <li class={classes!("file", has_error.then_some("has-error"))}>
            <div class="file-head">
                <span class="file-name" title={report.name.clone()}>{ &report.name }</span>
                { action }
            </div>
            <div class="file-format">
                { &report.read_as }
            </div>
            if !held.is_empty() {
                <div class="file-counts">{ held.join(" · ") }</div>
            }
            if !report.diagnostics.is_empty() {
                <ul class="diagnostics">
                    { for report.diagnostics.iter().map(|d| html! {
                        <li class={classes!("diagnostic", d.severity.as_str())}>
                            <span class="severity">{ d.severity.as_str() }</span>
                            if !d.path.is_empty() { <code class="path">{ &d.path }</code> }
                            <span class="message">{ &d.message }</span>
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}
