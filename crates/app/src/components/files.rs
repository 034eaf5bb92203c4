//! The file panel: each file with its recognised format, what it held, and its diagnostics.

use blastmap_ingest::{FileReport, Severity};
use yew::prelude::*;

use crate::text::count;

/// Properties of [`FilePanel`].
#[derive(Properties, PartialEq)]
pub struct FilePanelProps {
    /// One report per open file.
    pub reports: Vec<FileReport>,
    /// Whether the files are the built-in sample.
    pub is_sample: bool,
    /// Remove the file at this index.
    pub on_close: Callback<usize>,
}

/// Lists the open files.
#[component]
pub fn FilePanel(props: &FilePanelProps) -> Html {
    html! {
        <section class="files" aria-label="Files">
            <h2 class="panel-title">{ "Files" }</h2>
            if props.reports.is_empty() {
                <p class="muted">{ "No files open." }</p>
            }
            <ul class="file-list" id="file-list">
                { for props.reports.iter().enumerate().map(|(index, report)| file_item(index, report, props)) }
            </ul>
            if props.is_sample {
                <p class="muted hint">{ "Open or drop your own exports to replace the sample." }</p>
            }
        </section>
    }
}

fn file_item(index: usize, report: &FileReport, props: &FilePanelProps) -> Html {
    let on_close = props.on_close.clone();
    let close = Callback::from(move |_: MouseEvent| on_close.emit(index));
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
                <button type="button" class="icon-button" onclick={close}
                    aria-label={format!("Remove {}", report.name)}>{ "×" }</button>
            </div>
            <div class="file-format">
                { report.format.map_or("not recognised", |f| f.label()) }
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
