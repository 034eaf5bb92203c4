//! The side panel: what the selected node is and what it reaches (or who reaches it), each
//! with the path that explains it; or the selected finding in full.

use std::rc::Rc;

use blastmap_analysis::radius::Mode;
use blastmap_analysis::rules::{Finding, subject_id};
use blastmap_analysis::{AccessGraph, EdgeKind, NodeKey};
use petgraph::Direction::{Incoming, Outgoing};
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;
use yew::prelude::*;

use crate::selection::{Direction, Focus, Row, Selected, explain, groups};
use crate::text::{code_spans, count, kind_name};
use crate::ui::{Ui, UiAction};
use crate::workspace::Analysis;

/// Most rows of a radius listed; the count says how many there are in all.
const MAX_ROWS: usize = 200;

/// Properties of [`DetailsPanel`].
#[derive(Properties, PartialEq)]
pub struct DetailsProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// The interactive state.
    pub ui: Ui,
    /// What the selection shows.
    pub selected: Rc<Selected>,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// The side panel.
#[component]
pub fn DetailsPanel(props: &DetailsProps) -> Html {
    let body = match props.ui.focus {
        Some(Focus::Node(node)) if node < props.analysis.access.graph.node_count() => node_details(props, node),
        Some(Focus::Finding(at)) if at < props.analysis.findings.len() => {
            finding_details(&props.analysis, &props.analysis.findings[at], &props.on_ui)
        }
        _ => nothing_selected(props),
    };
    html! {
        <aside class="details" id="details" aria-label="Selection" aria-live="polite">{ body }</aside>
    }
}

fn nothing_selected(props: &DetailsProps) -> Html {
    let top = props.analysis.findings.first().map(|finding| {
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

fn node_details(props: &DetailsProps, node: usize) -> Html {
    let analysis = &props.analysis;
    let g = &analysis.access.graph;
    let at = NodeIndex::new(node);
    let weight = &g[at];
    let ui = &props.ui;
    let action = |action: UiAction| {
        let on_ui = props.on_ui.clone();
        Callback::from(move |_: MouseEvent| on_ui.emit(action.clone()))
    };
    let selected = &props.selected;
    let reached = selected.rows.len();
    let summary = match ui.direction {
        Direction::Radius => format!("Reaches {}", count(reached, "resource", "resources")),
        Direction::Exposure => format!("Reached by {}", count(reached, "node", "nodes")),
    };
    let per_environment: Vec<String> = {
        let mut counts: Vec<(&str, usize)> = Vec::new();
        for row in &selected.rows {
            match counts.iter_mut().find(|(e, _)| *e == row.environment.as_str()) {
                Some((_, n)) => *n += 1,
                None => counts.push((row.environment.as_str(), 1)),
            }
        }
        counts.into_iter().map(|(e, n)| format!("{e} {n}")).collect()
    };
    let mut shown = 0usize;
    html! {
        <div class="node-details">
            <div class="panel-head">
                <h2 class="panel-title">{ "Selected node" }</h2>
                <button type="button" class="icon-button" id="clear-selection" aria-label="Clear the selection"
                    title="Clear the selection (Escape on the graph)" onclick={clear(&props.on_ui)}>{ "×" }</button>
            </div>
            <h3 class="details-name" id="details-name">{ &weight.label }</h3>
            <p class="details-kind">
                { kind_name(weight.kind) }{ " · " }{ analysis.lane(node).as_str() }
                if let Some(region) = &weight.region { { " · " }{ region } }
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
            if let Some(why) = selected.not_applicable {
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
                    { for groups(&selected.rows).into_iter().map(|(environment, region, rows)| {
                        let room = MAX_ROWS.saturating_sub(shown);
                        shown += rows.len().min(room);
                        html! {
                            <section class="reach-group">
                                <h4 class={classes!("group-title", environment.as_str())}>
                                    { environment.as_str().to_uppercase() }{ " · " }{ region.unwrap_or("no region") }
                                    <span class="muted">{ format!(" · {}", rows.len()) }</span>
                                </h4>
                                <ul class="reach-list">
                                    { for rows.iter().take(room).map(|row| reach_row(&analysis.access, row)) }
                                </ul>
                            </section>
                        }
                    }) }
                    if reached > MAX_ROWS {
                        <p class="muted">{ format!("The first {MAX_ROWS} of {reached} are listed.") }</p>
                    }
                </div>
            }
            { facts(analysis, at) }
        </div>
    }
}

fn reach_row(access: &AccessGraph, row: &Row) -> Html {
    html! {
        <li class="reach-row">
            <details>
                <summary>
                    <span class="name">{ &row.name }</span>
                    <span class={classes!("access", row.access.as_str())}>{ row.access.as_str() }</span>
                </summary>
                <code class="id">{ &row.id }</code>
                <ol class="path" aria-label="Why, edge by edge">
                    { for explain(access, &row.path).into_iter().map(|step| html! { <li>{ step }</li> }) }
                </ol>
            </details>
        </li>
    }
}

/// Id, type, region, environment, tags, identities and role assignments of a node.
fn facts(analysis: &Analysis, at: NodeIndex) -> Html {
    let g = &analysis.access.graph;
    let weight = &g[at];
    let inventory = &analysis.inventory;
    let arm = match weight.key {
        NodeKey::Arm(key) => Some(key),
        _ => None,
    };
    let resource = arm.and_then(|key| inventory.resource(key));
    let tags = resource.map(|r| &r.tags).or_else(|| arm.and_then(|key| inventory.scope(key)).map(|s| &s.tags));
    let kind = resource.map_or_else(|| kind_name(weight.kind).to_owned(), |r| r.resource_type.clone());
    let lane = analysis.lane(at.index());
    let environment = if lane == weight.environment {
        lane.as_str().to_owned()
    } else {
        format!("{} (its own is {}; drawn with what it reaches)", lane.as_str(), weight.environment.as_str())
    };
    let linked = |direction: petgraph::Direction, kinds: &[EdgeKind], granting: bool| -> Vec<String> {
        g.edges_directed(at, direction)
            .filter(|e| kinds.contains(&e.weight().kind) && e.weight().access.is_some() == granting)
            .map(|e| {
                let other = if direction == Outgoing { e.target() } else { e.source() };
                match e.weight().access {
                    Some(class) => format!("{} ({})", e.weight().reason, class.as_str()),
                    None => g[other].label.clone(),
                }
            })
            .collect()
    };
    let identities = linked(Outgoing, &[EdgeKind::CanUse], false);
    let used_by = linked(Incoming, &[EdgeKind::CanUse], false);
    let held = linked(Outgoing, &[EdgeKind::HasRole], true);
    let held_on = linked(Incoming, &[EdgeKind::HasRole], true);
    let list = |title: &str, items: Vec<String>| -> Html {
        if items.is_empty() {
            return Html::default();
        }
        html! {
            <>
                <dt>{ title }</dt>
                <dd><ul class="plain">{ for items.into_iter().map(|item| html! { <li>{ item }</li> }) }</ul></dd>
            </>
        }
    };
    html! {
        <section class="facts-section">
            <h4 class="section-title">{ "About" }</h4>
            <dl class="facts" id="details-facts">
                <dt>{ "Id" }</dt><dd><code class="id">{ subject_id(inventory, &analysis.access, at) }</code></dd>
                <dt>{ "Type" }</dt><dd>{ kind }</dd>
                <dt>{ "Environment" }</dt><dd>{ environment }</dd>
                <dt>{ "Region" }</dt><dd>{ weight.region.clone().unwrap_or_else(|| "none".to_owned()) }</dd>
                if let Some(tags) = tags.filter(|t| !t.is_empty()) {
                    <dt>{ "Tags" }</dt>
                    <dd class="tags">{ for tags.0.iter().map(|(k, v)| html! { <span class="tag">{ format!("{k}={v}") }</span> }) }</dd>
                }
                { list("Identities", identities) }
                { list("Used by", used_by) }
                { list("Role assignments", held) }
                { list("Roles held on it", held_on) }
            </dl>
        </section>
    }
}

fn finding_details(analysis: &Analysis, finding: &Finding, on_ui: &Callback<UiAction>) -> Html {
    html! {
        <div class="finding-details" id="finding-details">
            <div class="panel-head">
                <h2 class="panel-title">{ "Finding" }</h2>
                <button type="button" class="icon-button" id="clear-selection" aria-label="Clear the selection"
                    title="Clear the selection (Escape on the graph)" onclick={clear(on_ui)}>{ "×" }</button>
            </div>
            <p class="finding-rule">
                <span class={classes!("severity-badge", finding.severity.as_str())}>{ finding.severity.as_str() }</span>
                <span class="rule-id">{ finding.rule }</span>
                <span class="muted">{ finding.name }</span>
            </p>
            <h3 class="details-name">{ &finding.title }</h3>
            <p>{ &finding.message }</p>
            <h4 class="section-title">{ "Subjects" }</h4>
            <ul class="subjects" id="finding-subjects">
                { for finding.subjects.iter().map(|id| match analysis.node_of_id(id) {
                    Some(node) => {
                        let on_ui = on_ui.clone();
                        let select = Callback::from(move |_: MouseEvent| {
                            on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: true });
                        });
                        html! {
                            <li><button type="button" class="link" title={id.clone()} onclick={select}>
                                { &analysis.access.graph[NodeIndex::new(node)].label }
                            </button></li>
                        }
                    }
                    // Not drawn (a resource under a scope the graph shows): its name, else its id.
                    None => match analysis.inventory.keys.get(id).and_then(|k| analysis.inventory.resource(k)) {
                        Some(resource) => html! { <li><span title={id.clone()}>{ &resource.name }</span></li> },
                        None => html! { <li><code class="id">{ id }</code></li> },
                    },
                }) }
            </ul>
            <h4 class="section-title">{ "Evidence" }</h4>
            <ul class="evidence">{ for finding.evidence.iter().map(|e| html! { <li>{ e }</li> }) }</ul>
            <h4 class="section-title">{ "Fix" }</h4>
            <p class="fix">{ for code_spans(&finding.fix).into_iter().map(|(piece, code)| {
                if code { html! { <code>{ piece }</code> } } else { html! { { piece } } }
            }) }</p>
        </div>
    }
}
