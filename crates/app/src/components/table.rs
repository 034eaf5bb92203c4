//! The table view: the graph's nodes as rows (the filter applies), for keyboards, screen
//! readers and people who prefer lists. Choosing a row selects the node, as a click on the
//! canvas would. Only the rows in sight are rendered.

use std::rc::Rc;

use blastmap_layout::Column;
use petgraph::graph::NodeIndex;
use yew::prelude::*;

use super::visible_rows::{Side, table_spacer, use_row_focus, use_visible_rows};
use crate::selection::{Focus, Selected};
use crate::text::kind_name;
use crate::ui::UiAction;
use crate::workspace::Analysis;

/// Height of a row in pixels; `web/style.css` gives `.node-table` the same `--row`.
const ROW_HEIGHT: f64 = 34.0;
const COLUMNS: usize = 5;

/// Properties of [`TableView`].
#[derive(Properties, PartialEq)]
pub struct TableProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// Per node: hidden by the filter.
    pub hidden: Rc<Vec<bool>>,
    /// What the selection lights.
    pub highlight: Rc<Selected>,
    /// The selected node.
    pub selected: Option<usize>,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// The table view.
#[component]
pub fn TableView(props: &TableProps) -> Html {
    let container = use_node_ref();
    // Shown nodes by environment lane, then column (attack order), then name.
    let order = use_memo((Rc::clone(&props.analysis), Rc::clone(&props.hidden)), |(analysis, hidden)| {
        let g = &analysis.access.graph;
        let mut order: Vec<usize> =
            g.node_indices().map(|n| n.index()).filter(|&i| !hidden.get(i).copied().unwrap_or(false)).collect();
        order.sort_by(|&a, &b| {
            let key = |n: usize| (analysis.lane(n), Column::of(g[NodeIndex::new(n)].kind), &g[NodeIndex::new(n)].label);
            key(a).cmp(&key(b))
        });
        order
    });
    let visible = use_visible_rows(container.clone(), order.len(), ROW_HEIGHT);
    let on_key = use_row_focus(container.clone());
    let analysis = &props.analysis;
    let g = &analysis.access.graph;
    let highlight = &props.highlight.highlight;
    let in_sight = order.get(visible.clone()).unwrap_or_default();
    // One tab stop for the whole table: the selected node when in sight, else the first row.
    let tabbable = props.selected.filter(|n| in_sight.contains(n)).or_else(|| in_sight.first().copied());
    let row = |node: usize| {
        let weight = &g[NodeIndex::new(node)];
        let on_ui = props.on_ui.clone();
        let select = Callback::from(move |_: MouseEvent| {
            on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: false })
        });
        let current = props.selected == Some(node);
        let dimmed = highlight.is_active() && !highlight.nodes.get(node).copied().unwrap_or(false);
        let id = blastmap_analysis::rules::subject_id(&analysis.inventory, &analysis.access, NodeIndex::new(node));
        html! {
            <tr key={node} class={classes!("node-row", current.then_some("current"), dimmed.then_some("dimmed"))}
                aria-selected={current.to_string()}>
                <td><button type="button" class="link row-button" data-row={node.to_string()} onclick={select}
                    tabindex={if tabbable == Some(node) { "0" } else { "-1" }}>
                    { &weight.label }
                </button></td>
                <td>{ kind_name(weight.kind) }</td>
                <td>{ analysis.lane(node).as_str() }</td>
                <td>{ weight.region.clone().unwrap_or_default() }</td>
                <td class="id" title={id.clone()}>{ id }</td>
            </tr>
        }
    };
    html! {
        <section class="table-view" aria-label="Nodes as a table">
            <div class="table-scroll" ref={container}>
                <table class="node-table" id="node-table" aria-rowcount={(order.len() + 1).to_string()}>
                    <thead>
                        <tr><th scope="col">{ "Name" }</th><th scope="col">{ "Kind" }</th><th scope="col">{ "Environment" }</th>
                            <th scope="col">{ "Region" }</th><th scope="col">{ "Id" }</th></tr>
                    </thead>
                    <tbody onkeydown={on_key}>
                        { table_spacer(Side::Above, visible.start, COLUMNS) }
                        { for in_sight.iter().map(|&n| row(n)) }
                        { table_spacer(Side::Below, order.len() - visible.end, COLUMNS) }
                    </tbody>
                </table>
                if order.is_empty() {
                    <p class="muted table-empty">{ "Every node is hidden by the filters." }</p>
                }
            </div>
        </section>
    }
}
