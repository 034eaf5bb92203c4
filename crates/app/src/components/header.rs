//! The top bar: the name, the ways to open files, and the counts.

use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

use crate::text::count;
use crate::workspace::Summary;

/// Properties of [`Header`].
#[derive(Properties, PartialEq)]
pub struct HeaderProps {
    /// Counts.
    pub summary: Summary,
    /// How many files are open.
    pub file_count: usize,
    /// Whether the sample is shown.
    pub is_sample: bool,
    /// Files picked.
    pub on_files: Callback<Vec<File>>,
    /// The sample asked for.
    pub on_sample: Callback<()>,
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
            <p class="summary" id="summary" aria-live="polite">
                <span>{ files }</span>
                if props.file_count > 0 {
                    <span id="count-uami">
                        { count(s.user_assigned_identities, "user-assigned identity", "user-assigned identities") }
                    </span>
                    <span id="count-sources">{ count(s.sources, "source", "sources") }</span>
                    <span id="count-resources">{ count(s.resources, "resource", "resources") }</span>
                    <span id="count-assignments">{ count(s.role_assignments, "role assignment", "role assignments") }</span>
                    if s.errors > 0 {
                        <span class="chip error" id="count-errors">{ count(s.errors, "error", "errors") }</span>
                    }
                    if s.warnings > 0 {
                        <span class="chip warning" id="count-warnings">{ count(s.warnings, "warning", "warnings") }</span>
                    }
                }
            </p>
        </header>
    }
}
