//! The top bar: the name, the ways to open files, and the counts.

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use std::rc::Rc;

use super::theme::Theme;
use crate::query::severity_counts;
use crate::text::{count, number};
use blastmap_worker::wire::Summary;

use crate::workspace::Analysis;

/// Properties of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Counts.
    pub summary: Summary,
    /// How many files are open.
    pub file_count: usize,
    /// Whether the sample is shown.
    pub is_sample: bool,
    /// The analysis (for the findings' counts).
    pub analysis: Rc<Analysis>,
    /// Light or dark.
    pub theme: Theme,
    /// Files picked.
    pub on_files: Callback<Vec<File>>,
    /// The sample asked for.
    pub on_sample: Callback<()>,
    /// The settings panel asked for.
    pub on_settings: Callback<()>,
}

/// The top bar.
#[component]
pub fn Header(props: &HeaderProps) -> Html {
    let input = use_node_ref();
    let open_picker = {
        let input = input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_change = {
        let on_files = props.on_files.clone();
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let files: Vec<File> =
                input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
            // Clearing lets the same file be picked again after it changed on disk.
            input.set_value("");
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_sample = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(()))
    };
    let on_settings = {
        let on_settings = props.on_settings.clone();
        Callback::from(move |_: MouseEvent| on_settings.emit(()))
    };
    let on_theme = {
        let toggle = props.theme.toggle.clone();
        Callback::from(move |_: MouseEvent| toggle.emit(()))
    };
    let (theme_label, theme_icon) =
        if props.theme.dark { ("Switch to the light theme", "☀") } else { ("Switch to the dark theme", "☾") };
    let (findings, pending) = (props.analysis.findings(), props.analysis.findings_pending());
    let s = props.summary;
    let files = match (props.is_sample, props.file_count) {
        (true, _) => "built-in sample".to_owned(),
        (false, 0) => "no files open".to_owned(),
        (false, n) => count(n, "file", "files"),
    };
    html! {
        <header class="header">
            <h1 class="brand">{ "Blastmap" }</h1>
            <button type="button" class="button primary" id="open-files" onclick={open_picker}>{ "Open files…" }</button>
            <input ref={input} id="file-input" class="visually-hidden" type="file" multiple=true
                accept=".json,application/json" tabindex="-1" aria-hidden="true" onchange={on_change} />
            <button type="button" class="button" id="load-sample" onclick={on_sample}>{ "Load sample" }</button>
            <button type="button" class="button" id="open-settings" onclick={on_settings}
                aria-haspopup="dialog">{ "Settings…" }</button>
            // Two lines whatever the counts, so the page below never moves when a load comes in.
            <p class="summary" id="summary" aria-live="polite">
                <span class="summary-line">
                    <span>{ files }</span>
                    if props.file_count > 0 {
                        <span id="count-resources">{ count(s.resources, "resource", "resources") }</span>
                        <span id="count-assignments">{ count(s.role_assignments, "role assignment", "role assignments") }</span>
                    }
                </span>
                if props.file_count > 0 {
                    <span class="summary-line">
                        <span id="count-uami">
                            { count(s.user_assigned_identities, "user-assigned identity", "user-assigned identities") }
                        </span>
                        <span id="count-sources">{ count(s.sources, "source", "sources") }</span>
                        if s.errors > 0 {
                            <span class="chip error" id="count-errors">{ count(s.errors, "error", "errors") }</span>
                        }
                        if s.warnings > 0 {
                            <span class="chip warning" id="count-warnings">{ count(s.warnings, "warning", "warnings") }</span>
                        }
                    </span>
                }
            </p>
            if props.file_count > 0 {
                <p class="severity-counts" id="finding-counts" aria-label="Findings by severity"
                    aria-busy={pending.to_string()}>
                    if pending {
                        <span class="total muted" id="findings-pending">{ "Looking for findings…" }</span>
                    } else {
                        <span class="total">{ count(findings.len(), "finding", "findings") }</span>
                    }
                    <span class="severity-line">
                        { for severity_counts(findings).into_iter().map(|(severity, n)| html! {
                            <span class={classes!("severity-chip", severity.as_str())}>
                                <span class="dot" aria-hidden="true"></span>{ format!("{} {}", number(n), severity.as_str()) }
                            </span>
                        }) }
                    </span>
                </p>
            }
            <button type="button" class="icon-button theme-toggle" id="theme-toggle" onclick={on_theme}
                aria-label={theme_label} title={theme_label}>{ theme_icon }</button>
        </header>
    }
}
