//! The side panel: what the selected node is and what it reaches (or who reaches it), each
//! with the path that explains it; or the selected finding in full.

use std::rc::Rc;

use blastmap_analysis::radius::Mode;
use blastmap_worker::session::ROWS_LISTED;
use blastmap_worker::wire::{Facts, Finding, FindingAnswer, NodeAnswer, Row, Subject};
use yew::prelude::*;

use crate::selection::{Direction, Focus, Selected};
use crate::text::{code_spans, count, kind_name};
use crate::ui::{Ui, UiAction};
use crate::workspace::Analysis;

/// Properties of [`DetailsPanel`].
#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// The interactive state.
    pub ui: Ui,
    /// What the selection shows.
    pub selected: Rc<Selected>,
    /// Whether `selected` answers the selection; when not, the worker is still working on it
    /// (and `selected` may be the node's answer to another direction or depth).
    pub answered: bool,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// The side panel.
#[component]
pub fn DetailsPanel(props: &DetailsProps) -> Html {
    let body = match (props.ui.focus, &props.selected.node) {
        (Some(Focus::Node(node)), Some(answer)) if node < props.analysis.nodes.len() => {
            node_details(props, node, answer)
        }
        (Some(_), _) if !props.answered => html! {
            <p class="muted working" id="details-working">{ "Working out the answer…" }</p>
        },
        (Some(Focus::Finding(at)), _) if at < props.analysis.findings().len() => {
            let unexplained = FindingAnswer::default();
            let explained = props.selected.finding.as_deref().unwrap_or(&unexplained);
            finding_details(&props.analysis.findings()[at], explained, &props.analysis, &props.on_ui)
        }
        _ => nothing_selected(props),
    };
    html! {
        <aside class="details" id="details" aria-label="Selection" aria-live="polite">{ body }</aside>
    }
}

fn nothing_selected(props: &DetailsProps) -> Html {
    let top = props.analysis.findings().first().map(|finding| {
        let on_ui = props.on_ui.clone();
        let open = Callback::from(move |_: MouseEvent| {
            on_ui.emit(UiAction::Select { focus: Focus::Finding(0), centre: true })
        });
        html! {
            <>
                <p class="muted">{ "Or start with the most serious finding:" }</p>
                <button type="button" class="button wide" id="top-finding" onclick={open}>{ &finding.title }</button>
            </>
        }
    });
    html! {
        <div class="details-empty">
            <h2 class="panel-title">{ "Selection" }</h2>
            <p>{ "Click a node (or search for one) to see what it can reach, who can reach it, and why." }</p>
            { for top }
        </div>
    }
}

/// Clears the selection.
fn clear(on_ui: &Callback<UiAction>) -> Callback<MouseEvent> {
    let on_ui = on_ui.clone();
    Callback::from(move |_: MouseEvent| on_ui.emit(UiAction::Clear))
}

/// A button of a two-way switch.
fn switch_button(label: &str, id: &str, on: bool, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <button type="button" id={id.to_owned()} class="segment" aria-pressed={on.to_string()} onclick={onclick}>{ label }</button>
    }
}

fn node_details(props: &DetailsProps, node: usize, answer: &NodeAnswer) -> Html {
    let analysis = &props.analysis;
    let (label, facts) = (&analysis.scene.nodes[node].label, &analysis.nodes[node]);
    let ui = &props.ui;
    let action = |action: UiAction| {
        let on_ui = props.on_ui.clone();
        Callback::from(move |_: MouseEvent| on_ui.emit(action.clone()))
    };
    let reached = answer.total();
    let summary = match ui.direction {
        Direction::Radius => format!("Reaches {}", count(reached, "resource", "resources")),
        Direction::Exposure => format!("Reached by {}", count(reached, "node", "nodes")),
    };
    let per_environment: Vec<String> = {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for group in &answer.groups {
            match counts.iter_mut().find(|(e, _)| *e == group.environment.as_str()) {
                Some((_, n)) => *n += group.total,
                None => counts.push((group.environment.as_str(), group.total)),
            }
        }
        counts.into_iter().map(|(e, n)| format!("{e} {n}")).collect()
    };
    html! {
        <div class="node-details" aria-busy={(!props.answered).to_string()}>
            <div class="panel-head">
                <h2 class="panel-title">{ "Selected node" }</h2>
                <button type="button" class="icon-button" id="clear-selection" aria-label="Clear the selection"
                    title="Clear the selection (Escape on the graph)" onclick={clear(&props.on_ui)}>{ "×" }</button>
            </div>
            <h3 class="details-name" id="details-name">{ label }</h3>
            <p class="details-kind">
                { kind_name(facts.kind) }{ " · " }{ analysis.lane(node).as_str() }
                if let Some(region) = &facts.region { { " · " }{ region } }
            </p>
            <div class="switches">
                <div class="segmented" role="group" aria-label="Question">
                    { switch_button("Blast radius", "direction-radius", ui.direction == Direction::Radius,
                        action(UiAction::Direction(Direction::Radius))) }
                    { switch_button("Exposure", "direction-exposure", ui.direction == Direction::Exposure,
                        action(UiAction::Direction(Direction::Exposure))) }
                </div>
                <div class="segmented" role="group" aria-label="Depth">
                    { switch_button("Direct", "mode-direct", ui.mode == Mode::Direct, action(UiAction::Mode(Mode::Direct))) }
                    { switch_button("Transitive", "mode-transitive", ui.mode == Mode::Transitive,
                        action(UiAction::Mode(Mode::Transitive))) }
                </div>
            </div>
            <p class="muted hint">{ match ui.direction {
                Direction::Radius => "What a compromise of this node reaches, with the strongest access and the path that explains it.",
                Direction::Exposure => "Who reaches this node if compromised, with the strongest access and the path that explains it.",
            } }</p>
            if let Some(why) = &answer.not_applicable {
                <p class="muted" id="reach-summary">{ why }</p>
            } else {
                <p class="reach-summary" id="reach-summary">
                    <strong>{ summary }</strong>
                    if !per_environment.is_empty() { <span class="muted">{ format!(" · {}", per_environment.join(" · ")) }</span> }
                </p>
                if reached == 0 && ui.direction == Direction::Radius {
                    <p class="muted hint" id="radius-empty-hint">
                        { "Nothing is reached from here. To see who reaches this node, switch to Exposure." }
                    </p>
                }
                <div class="reach-groups" id="reach-groups">
                    { for answer.groups.iter().map(|group| html! {
                        <section class="reach-group">
                            <h4 class={classes!("group-title", group.environment.as_str())}>
                                { group.environment.as_str().to_uppercase() }{ " · " }{ group.region.as_deref().unwrap_or("no region") }
                                <span class="muted">{ format!(" · {}", group.total) }</span>
                            </h4>
                            <ul class="reach-list">{ for group.rows.iter().map(reach_row) }</ul>
                        </section>
                    }) }
                    if reached > ROWS_LISTED {
                        <p class="muted">{ format!("The first {ROWS_LISTED} of {reached} are listed.") }</p>
                    }
                </div>
            }
            { about(analysis, node, &answer.facts) }
        </div>
    }
}

fn reach_row(row: &Row) -> Html {
    html! {
        <li class="reach-row">
            <details>
                <summary>
                    <span class="name">{ &row.name }</span>
                    <span class={classes!("access", row.access.as_str())}>{ row.access.as_str() }</span>
                </summary>
                <code class="id">{ &row.id }</code>
                <ol class="path" aria-label="Why, edge by edge">
                    { for row.steps.iter().map(|step| html! { <li>{ step }</li> }) }
                </ol>
            </details>
        </li>
    }
}

/// Id, type, region, environment, tags, identities and role assignments of a node.
fn about(analysis: &Analysis, node: usize, facts: &Facts) -> Html {
    let drawn = &analysis.nodes[node];
    let kind = facts.resource_type.clone().unwrap_or_else(|| kind_name(drawn.kind).to_owned());
    let lane = analysis.lane(node);
    let environment = if lane == drawn.environment {
        lane.as_str().to_owned()
    } else {
        format!("{} (its own is {}; drawn with what it reaches)", lane.as_str(), drawn.environment.as_str())
    };
    let list = |title: &str, items: &[String]| -> Html {
        if items.is_empty() {
            return Html::default();
        }
        html! {
            <>
                <dt>{ title }</dt>
                <dd><ul class="plain">{ for items.iter().map(|item| html! { <li>{ item }</li> }) }</ul></dd>
            </>
        }
    };
    html! {
        <section class="facts-section">
            <h4 class="section-title">{ "About" }</h4>
            <dl class="facts" id="details-facts">
                <dt>{ "Id" }</dt><dd><code class="id">{ &facts.id }</code></dd>
                <dt>{ "Type" }</dt><dd>{ kind }</dd>
                <dt>{ "Environment" }</dt><dd>{ environment }</dd>
                <dt>{ "Region" }</dt><dd>{ drawn.region.clone().unwrap_or_else(|| "none".to_owned()) }</dd>
                if !facts.tags.is_empty() {
                    <dt>{ "Tags" }</dt>
                    <dd class="tags">{ for facts.tags.iter().map(|(k, v)| html! { <span class="tag">{ format!("{k}={v}") }</span> }) }</dd>
                }
                { list("Identities", &facts.identities) }
                { list("Used by", &facts.used_by) }
                { list("Role assignments", &facts.roles_held) }
                { list("Roles held on it", &facts.roles_on_it) }
            </dl>
        </section>
    }
}

fn finding_details(
    finding: &Finding,
    explained: &FindingAnswer,
    analysis: &Analysis,
    on_ui: &Callback<UiAction>,
) -> Html {
    html! {
        <div class="finding-details" id="finding-details">
            <div class="panel-head">
                <h2 class="panel-title">{ "Finding" }</h2>
                <button type="button" class="icon-button" id="clear-selection" aria-label="Clear the selection"
                    title="Clear the selection (Escape on the graph)" onclick={clear(on_ui)}>{ "×" }</button>
            </div>
            <p class="finding-rule">
                <span class={classes!("severity-badge", finding.severity.as_str())}>{ finding.severity.as_str() }</span>
                <span class="rule-id">{ &finding.rule }</span>
                <span class="muted">{ &finding.name }</span>
            </p>
            <h3 class="details-name">{ &finding.title }</h3>
            <p>{ &explained.message }</p>
            <h4 class="section-title">{ "Subjects" }</h4>
            <ul class="subjects" id="finding-subjects">
                { for finding.subjects.iter().map(|subject| match subject {
                    &Subject::Node(node) if (node as usize) < analysis.scene.nodes.len() => {
                        let node = node as usize;
                        let on_ui = on_ui.clone();
                        let select = Callback::from(move |_: MouseEvent| {
                            on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: true });
                        });
                        html! {
                            <li><button type="button" class="link" title={analysis.id(node).map(str::to_owned)} onclick={select}>
                                { &analysis.scene.nodes[node].label }
                            </button></li>
                        }
                    }
                    // A node the picture does not hold (never expected): at least its id.
                    &Subject::Node(node) => html! { <li><code class="id">{ analysis.id(node as usize).unwrap_or_default() }</code></li> },
                    // Not drawn (a resource under a scope the graph shows): its name, else its id.
                    Subject::Other { id, name: Some(name) } => html! { <li><span title={id.clone()}>{ name }</span></li> },
                    Subject::Other { id, name: None } => html! { <li><code class="id">{ id }</code></li> },
                }) }
            </ul>
            <h4 class="section-title">{ "Evidence" }</h4>
            <ul class="evidence">{ for explained.evidence.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            <h4 class="section-title">{ "Fix" }</h4>
            <p class="fix">{ for code_spans(&explained.fix).into_iter().map(|(piece, code)| {
                if code { html! { <code>{ piece }</code> } } else { html! { { piece } } }
            }) }</p>
        </div>
    }
}
