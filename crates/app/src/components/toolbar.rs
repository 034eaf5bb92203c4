//! The bar under the header: search, filters, and the switch between graph and table.

use std::rc::Rc;

use blastmap_analysis::rules::Severity;
use blastmap_layout::Column;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::search::Search;
use crate::query::{Filter, environments, regions, severity_counts, toggle};
use crate::ui::{Ui, UiAction, View};
use crate::workspace::Analysis;

/// Properties of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// The interactive state.
    pub ui: Ui,
    /// Per node: hidden by the filter.
    pub hidden: Rc<Vec<bool>>,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// A toggle button that shows whether its item is on.
fn chip(label: &str, id: String, on: bool, class: Option<&'static str>, onclick: Callback<MouseEvent>) -> Html {
    chip_enabled(label, id, on, class, onclick, true)
}

/// A toggle button that shows whether its item is on, and takes clicks only when `enabled`.
fn chip_enabled(
    label: &str,
    id: String,
    on: bool,
    class: Option<&'static str>,
    onclick: Callback<MouseEvent>,
    enabled: bool,
) -> Html {
    html! {
        <button type="button" id={id} class={classes!("chip-toggle", class)} aria-pressed={on.to_string()} onclick={onclick}
            disabled={!enabled}>
            { label }
        </button>
    }
}

/// The toolbar.
#[component]
pub fn Toolbar(props: &ToolbarProps) -> Html {
    let filter = &props.ui.filter;
    let change = |edit: Rc<dyn Fn(&mut Filter)>| {
        let on_ui = props.on_ui.clone();
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = filter.clone();
            edit(&mut next);
            on_ui.emit(UiAction::Filter(next));
        })
    };
    let on_region = {
        let on_ui = props.on_ui.clone();
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else { return };
            let value = select.value();
            // The first option means every region; the others carry "r:" before the region.
            let region = value.strip_prefix("r:").map(str::to_owned);
            on_ui.emit(UiAction::Filter(Filter { region, ..filter.clone() }));
        })
    };
    let on_subscription = {
        let on_ui = props.on_ui.clone();
        let filter = filter.clone();
        Callback::from(move |event: Event| {
            let Some(select) = event.target_dyn_into::<HtmlSelectElement>() else { return };
            // As for regions: "all", or "s:" before the subscription id.
            let subscription = select.value().strip_prefix("s:").map(str::to_owned);
            on_ui.emit(UiAction::Filter(Filter { subscription, ..filter.clone() }));
        })
    };
    let view = |view: View| {
        let on_ui = props.on_ui.clone();
        Callback::from(move |_: MouseEvent| on_ui.emit(UiAction::View(view)))
    };
    // What the analysis offers to filter by, listed once per analysis, not on every selection.
    let choices = use_memo(Rc::clone(&props.analysis), |analysis| {
        // While the findings are looked for, every severity holds the place (not yet a choice), so
        // the toolbar keeps its shape when they arrive.
        let severities: Vec<Severity> = if analysis.findings_pending() {
            Severity::ALL.to_vec()
        } else {
            severity_counts(analysis.findings()).into_iter().map(|(s, _)| s).collect()
        };
        (environments(analysis), regions(analysis), severities)
    });
    let (environments, regions, severities) = (&choices.0, &choices.1, &choices.2);
    let subscriptions = &props.analysis.subscriptions;
    html! {
        <div class="toolbar" role="toolbar" aria-label="Search and filters">
            <Search analysis={Rc::clone(&props.analysis)} hidden={Rc::clone(&props.hidden)} on_ui={props.on_ui.clone()} />
            <div class="filter-group" role="group" aria-label="Environments shown">
                <span class="filter-label">{ "Env" }</span>
                { for environments.iter().map(|&env| chip(
                    env.as_str(), format!("filter-env-{}", env.as_str()),
                    !filter.hidden_environments.contains(&env), None,
                    change(Rc::new(move |f: &mut Filter| toggle(&mut f.hidden_environments, env))),
                )) }
            </div>
            <div class="filter-group" role="group" aria-label="Kinds shown">
                <span class="filter-label">{ "Kind" }</span>
                { for Column::ALL.into_iter().map(|column| chip(
                    column.title(), format!("filter-kind-{column:?}").to_lowercase(),
                    !filter.hidden_columns.contains(&column), None,
                    change(Rc::new(move |f: &mut Filter| toggle(&mut f.hidden_columns, column))),
                )) }
            </div>
            <label class="filter-group">
                <span class="filter-label">{ "Region" }</span>
                <select id="filter-region" class="select" onchange={on_region}>
                    <option value="all" selected={filter.region.is_none()}>{ "all regions" }</option>
                    { for regions.iter().map(|region| {
                        let selected = filter.region.as_deref() == Some(region.as_str());
                        let label = if region.is_empty() { "no region".to_owned() } else { region.clone() };
                        html! { <option value={format!("r:{region}")} selected={selected}>{ label }</option> }
                    }) }
                </select>
            </label>
            <label class="filter-group">
                <span class="filter-label">{ "Subscription" }</span>
                <select id="filter-subscription" class="select" onchange={on_subscription}>
                    <option value="all" selected={filter.subscription.is_none()}>{ "all subscriptions" }</option>
                    { for subscriptions.iter().map(|subscription| {
                        let selected = filter.subscription.as_deref() == Some(subscription.id.as_str());
                        html! {
                            <option value={format!("s:{}", subscription.id)} selected={selected}>{ subscription.name.clone() }</option>
                        }
                    }) }
                </select>
            </label>
            if !severities.is_empty() {
                <div class="filter-group" role="group" aria-label="Finding severities shown">
                    <span class="filter-label">{ "Severity" }</span>
                    { for severities.iter().map(|&severity| chip_enabled(
                        severity.as_str(), format!("filter-severity-{}", severity.as_str()),
                        !filter.hidden_severities.contains(&severity), Some(severity.as_str()),
                        change(Rc::new(move |f: &mut Filter| toggle(&mut f.hidden_severities, severity))),
                        !props.analysis.findings_pending(),
                    )) }
                </div>
            }
            if filter.is_active() {
                <button type="button" class="button small" id="filter-reset"
                    onclick={change(Rc::new(|f: &mut Filter| *f = Filter::default()))}>{ "Show all" }</button>
            }
            <div class="view-switch" role="group" aria-label="View">
                <button type="button" id="view-graph" class="chip-toggle" aria-pressed={(props.ui.view == View::Graph).to_string()}
                    onclick={view(View::Graph)}>{ "Graph" }</button>
                <button type="button" id="view-table" class="chip-toggle" aria-pressed={(props.ui.view == View::Table).to_string()}
                    onclick={view(View::Table)}>{ "Table" }</button>
            </div>
        </div>
    }
}
