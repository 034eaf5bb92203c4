//! The settings panel: a modal dialog editing the deployment context and the environment
//! mapping ([`crate::settings`]), remembered in local storage, exported and imported as JSON.

use blastmap_model::Environment;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{HtmlDialogElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use blastmap_worker::settings::{CHOICES, Field, Problem, Row, Settings};

/// Where the applied settings are remembered, as their `blastmap/settings/v1` document.
const STORAGE_KEY: &str = "blastmap-settings";
/// The name an export is saved under.
const EXPORT_NAME: &str = "blastmap-settings.json";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The remembered settings; none when nothing (or nothing readable) is stored.
pub fn stored_settings() -> Settings {
    let text = storage().and_then(|s| s.get_item(STORAGE_KEY).ok()?);
    text.and_then(|text| Settings::default().import(&text).ok()).unwrap_or_default()
}

/// Remembers `settings` for the next visit.
pub fn store_settings(settings: &Settings) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(STORAGE_KEY, &settings.to_json());
    }
}

/// Saves `text` as a download named `name`, from a Blob URL: nothing leaves the page.
fn download(name: &str, text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(link) = document.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    // The download has started from the URL once the click is handled; free it a little later.
    gloo::timers::callback::Timeout::new(1_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// Properties of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The settings in use, which the panel starts from.
    pub settings: Settings,
    /// New settings to use.
    pub on_apply: Callback<Settings>,
    /// The panel closed (Apply, Cancel, ×, or Escape).
    pub on_close: Callback<()>,
}

/// A callback that changes the draft with the value of a text field.
fn on_text(draft: &UseStateHandle<Settings>, change: impl Fn(&mut Settings, String) + 'static) -> Callback<InputEvent> {
    let draft = draft.clone();
    Callback::from(move |event: InputEvent| {
        let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
        let mut next = (*draft).clone();
        change(&mut next, input.value());
        draft.set(next);
    })
}

/// A callback that changes the draft with the environment picked in a select ("" is none).
fn on_environment(
    draft: &UseStateHandle<Settings>,
    change: impl Fn(&mut Settings, Option<Environment>) + 'static,
) -> Callback<Event> {
    let draft = draft.clone();
    Callback::from(move |event: Event| {
        let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else { return };
        let mut next = (*draft).clone();
        change(&mut next, Environment::from_word(&select.value()));
        draft.set(next);
    })
}

/// A callback that changes the draft on a click.
fn on_click(draft: &UseStateHandle<Settings>, change: impl Fn(&mut Settings) + 'static) -> Callback<MouseEvent> {
    let draft = draft.clone();
    Callback::from(move |_: MouseEvent| {
        let mut next = (*draft).clone();
        change(&mut next);
        draft.set(next);
    })
}

/// The environments as options of a select; `none` adds the "no environment" choice.
fn environment_options(selected: Option<Environment>, none: Option<&str>) -> Html {
    html! {
        <>
            if let Some(label) = none {
                <option value="" selected={selected.is_none()}>{ label }</option>
            }
            { for CHOICES.iter().map(|&env| html! {
                <option value={env.as_str()} selected={selected == Some(env)}>{ env.as_str() }</option>
            }) }
        </>
    }
}

/// The problem with `field`, as an inline message with the id its field points to.
fn problem_of(problems: &[Problem], field: Field, id: &str) -> Html {
    match problems.iter().find(|p| p.field == field) {
        Some(problem) => html! { <p class="field-error" id={id.to_owned()}>{ &problem.message }</p> },
        None => html! {},
    }
}

/// Which list of rows a row editor edits.
#[derive(Copy, Clone, PartialEq)]
enum Rows {
    Scopes,
    Words,
}

impl Rows {
    fn of(self, settings: &mut Settings) -> &mut Vec<Row> {
        match self {
            Rows::Scopes => &mut settings.mapping.scopes,
            Rows::Words => &mut settings.mapping.words,
        }
    }

    fn field(self, index: usize) -> Field {
        match self {
            Rows::Scopes => Field::Scope(index),
            Rows::Words => Field::Word(index),
        }
    }

    /// (what a row is, what its key is, an example key)
    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Rows::Scopes => {
                ("scope", "Scope or subscription id", "0b1f6471-… or /subscriptions/…/resourceGroups/rg-shared")
            }
            Rows::Words => ("word", "Word", "sbx"),
        }
    }
}

/// The rows of one list, each "key → environment" with a remove button, and an add button.
fn row_editor(draft: &UseStateHandle<Settings>, problems: &[Problem], rows: Rows) -> Html {
    let (prefix, what, placeholder) = rows.labels();
    let list = match rows {
        Rows::Scopes => &draft.mapping.scopes,
        Rows::Words => &draft.mapping.words,
    };
    html! {
        <>
            <ul class="mapping-rows" id={format!("settings-{prefix}s")}>
                { for list.iter().enumerate().map(|(i, row)| {
                    let error_id = format!("settings-{prefix}-{i}-error");
                    let invalid = problems.iter().any(|p| p.field == rows.field(i));
                    html! {
                        <li class="mapping-row">
                            <input class="text-input" type="text" value={row.key.clone()} placeholder={placeholder}
                                aria-label={format!("{what}, row {}", i + 1)} spellcheck="false"
                                aria-invalid={invalid.to_string()} aria-describedby={invalid.then(|| error_id.clone())}
                                oninput={on_text(draft, move |s, v| if let Some(r) = rows.of(s).get_mut(i) { r.key = v })} />
                            <span class="arrow" aria-hidden="true">{ "→" }</span>
                            <select class="select" aria-label={format!("Environment of {prefix}, row {}", i + 1)}
                                onchange={on_environment(draft, move |s, env| {
                                    if let (Some(r), Some(env)) = (rows.of(s).get_mut(i), env) { r.environment = env }
                                })}>
                                { environment_options(Some(row.environment), None) }
                            </select>
                            <button type="button" class="icon-button" aria-label={format!("Remove {prefix}, row {}", i + 1)}
                                onclick={on_click(draft, move |s| if i < rows.of(s).len() { rows.of(s).remove(i); })}>{ "×" }</button>
                            { problem_of(problems, rows.field(i), &error_id) }
                        </li>
                    }
                }) }
            </ul>
            <button type="button" class="button small" id={format!("settings-add-{prefix}")}
                onclick={on_click(draft, move |s| rows.of(s).push(Row::default()))}>
                { format!("Add {prefix}") }
            </button>
        </>
    }
}

/// The settings dialog. It is modal: the page behind waits, and Escape closes it.
#[component]
pub fn SettingsPanel(props: &SettingsPanelProps) -> Html {
    let dialog = use_node_ref();
    let draft = use_state(|| props.settings.clone());
    // What the last import or export did, read out to screen readers.
    let notice = use_state(|| None::<(bool, String)>);
    let file_input = use_node_ref();
    {
        let dialog = dialog.clone();
        use_effect_with((), move |()| {
            if let Some(dialog) = dialog.cast::<HtmlDialogElement>() {
                let _ = dialog.show_modal();
            }
        });
    }
    let close = {
        let dialog = dialog.clone();
        move || {
            if let Some(dialog) = dialog.cast::<HtmlDialogElement>() {
                // Fires `close`, which tells the page.
                dialog.close();
            }
        }
    };
    let on_closed = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: Event| on_close.emit(()))
    };
    let on_cancel = {
        let close = close.clone();
        Callback::from(move |_: MouseEvent| close())
    };
    let problems = draft.problems();
    let on_apply = {
        let (draft, on_apply) = (draft.clone(), props.on_apply.clone());
        Callback::from(move |_: MouseEvent| {
            on_apply.emit((*draft).clone());
            close();
        })
    };
    let on_export = {
        let (draft, notice) = (draft.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            download(EXPORT_NAME, &draft.to_json());
            notice.set(Some((true, format!("Exported as {EXPORT_NAME}."))));
        })
    };
    let open_import = {
        let file_input = file_input.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(input) = file_input.cast::<HtmlInputElement>() {
                input.click();
            }
        })
    };
    let on_import = {
        let (draft, notice) = (draft.clone(), notice.clone());
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            let Some(file) = input.files().and_then(|list| list.get(0)) else { return };
            // Clearing lets the same file be imported again after it changed on disk.
            input.set_value("");
            let (draft, notice) = (draft.clone(), notice.clone());
            spawn_local(async move {
                let file = gloo::file::File::from(file);
                let name = file.name();
                let result = match gloo::file::futures::read_as_text(&file).await {
                    Ok(text) => draft.import(&text),
                    Err(error) => Err(format!("the browser could not read it ({error})")),
                };
                match result {
                    Ok(imported) => {
                        draft.set(imported);
                        notice.set(Some((true, format!("Imported {name}: Apply to use it."))));
                    }
                    Err(error) => notice.set(Some((false, format!("Could not import {name}: {error}")))),
                }
            });
        })
    };

    let d = &draft.deployment;
    let subscription_invalid = problems.iter().any(|p| p.field == Field::SubscriptionId);
    html! {
        <dialog ref={dialog} class="settings-dialog" id="settings" aria-labelledby="settings-title" onclose={on_closed}>
            <div class="panel-head">
                <h2 class="settings-title" id="settings-title">{ "Settings" }</h2>
                <button type="button" class="icon-button" aria-label="Close settings" onclick={on_cancel.clone()}>{ "×" }</button>
            </div>
            <section class="settings-section" aria-labelledby="settings-deployment-title">
                <h3 class="section-title" id="settings-deployment-title">{ "Deployment context for designs" }</h3>
                <p class="muted hint">
                    { "Where ARM templates and plans are deployed. Unset values stay placeholders like " }
                    <code>{ "{subscriptionId}" }</code>{ "." }
                </p>
                <div class="settings-grid">
                    <label for="settings-subscription">{ "Subscription id" }</label>
                    <div>
                        <input class="text-input" id="settings-subscription" type="text" spellcheck="false"
                            placeholder="{subscriptionId}" value={d.subscription_id.clone()}
                            aria-invalid={subscription_invalid.to_string()}
                            aria-describedby={subscription_invalid.then_some("settings-subscription-error")}
                            oninput={on_text(&draft, |s, v| s.deployment.subscription_id = v)} />
                        { problem_of(&problems, Field::SubscriptionId, "settings-subscription-error") }
                    </div>
                    <label for="settings-resource-group">{ "Resource group" }</label>
                    <input class="text-input" id="settings-resource-group" type="text" spellcheck="false"
                        placeholder="{resourceGroup}" value={d.resource_group.clone()}
                        oninput={on_text(&draft, |s, v| s.deployment.resource_group = v)} />
                    <label for="settings-location">{ "Location" }</label>
                    <input class="text-input" id="settings-location" type="text" spellcheck="false"
                        placeholder="{location}" value={d.location.clone()}
                        oninput={on_text(&draft, |s, v| s.deployment.location = v)} />
                    <label for="settings-environment">{ "Environment" }</label>
                    <select class="select" id="settings-environment"
                        onchange={on_environment(&draft, |s, env| s.deployment.environment = env)}>
                        { environment_options(d.environment, Some("none")) }
                    </select>
                </div>
            </section>
            <section class="settings-section" aria-labelledby="settings-mapping-title">
                <h3 class="section-title" id="settings-mapping-title">{ "Environment mapping" }</h3>
                <p class="muted hint">{ "What you state here wins over what Blastmap infers from tags and names." }</p>
                <h4 class="settings-subtitle">{ "Scopes" }</h4>
                { row_editor(&draft, &problems, Rows::Scopes) }
                <h4 class="settings-subtitle"><label for="settings-tag-names">{ "Extra tag names" }</label></h4>
                <input class="text-input wide" id="settings-tag-names" type="text" spellcheck="false"
                    placeholder="lifecycle, stage" value={draft.mapping.tag_names.clone()}
                    oninput={on_text(&draft, |s, v| s.mapping.tag_names = v)} />
                <p class="muted hint">{ "Comma-separated; tried before env, environment, stage and environmentType." }</p>
                <h4 class="settings-subtitle">{ "Words" }</h4>
                { row_editor(&draft, &problems, Rows::Words) }
            </section>
            <div class="settings-actions">
                <input ref={file_input} class="visually-hidden" type="file" accept=".json,application/json"
                    tabindex="-1" aria-hidden="true" onchange={on_import} />
                <button type="button" class="button" id="settings-import" onclick={open_import}>{ "Import…" }</button>
                <button type="button" class="button" id="settings-export" onclick={on_export}
                    disabled={!problems.is_empty()}>{ "Export" }</button>
                <p class="settings-notice" id="settings-notice" role="status">
                    if let Some((ok, text)) = &*notice {
                        <span class={classes!(if *ok { "muted" } else { "field-error" })}>{ text }</span>
                    }
                </p>
                <button type="button" class="button" id="settings-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                <button type="button" class="button primary" id="settings-apply" onclick={on_apply}
                    disabled={!problems.is_empty()}>{ "Apply" }</button>
            </div>
        </dialog>
    }
}
