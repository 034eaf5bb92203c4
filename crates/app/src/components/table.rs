//! The table view: the graph's nodes as rows (the filter applies), for keyboards, screen
//! readers and people who prefer lists. Choosing a row selects the node, as a click on the
//! canvas would. Only the rows in sight are rendered.

use std::rc::Rc;

use blastmap_layout::Column;
use yew::prelude::*;

use super::visible_rows::{Side, table_spacer, use_active_row, use_visible_rows};
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
        let mut order: Vec<usize> =
            (0..analysis.nodes.len()).filter(|&i| !hidden.get(i).copied().unwrap_or(false)).collect();
        order.sort_by(|&a, &b| {
            let key = |n: usize| (analysis.lane(n), Column::of(analysis.nodes[n].kind), &analysis.scene.nodes[n].label);
            key(a).cmp(&key(b))
        });
        order
    });
    let visible = use_visible_rows(container.clone(), order.len(), ROW_HEIGHT);
    let positions = use_memo(Rc::clone(&order), |order| (0..order.len()).collect::<Vec<usize>>());
    let select = {
        let (on_ui, order) = (props.on_ui.clone(), Rc::clone(&order));
        Callback::from(move |position: usize| {
            if let Some(&node) = order.get(position) {
                on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: false });
            }
        })
    };
    // The header row is as tall as a row (see `web/style.css`), and sticks over the list.
    let keyboard = use_active_row(container.clone(), positions, ROW_HEIGHT, ROW_HEIGHT, select.clone());
    let analysis = &props.analysis;
    let highlight = &props.highlight.highlight;
    let in_sight = order.get(visible.clone()).unwrap_or_default();
    let row_id = |position: usize| format!("node-row-{position}");
    let row = |position: usize, node: usize| {
        let (drawn, facts) = (&analysis.scene.nodes[node], &analysis.nodes[node]);
        let (select, set) = (select.clone(), keyboard.set.clone());
        let click = Callback::from(move |_: MouseEvent| {
            set.emit(position);
            select.emit(position);
        });
        let current = props.selected == Some(node);
        let active = keyboard.active == Some(position);
        let dimmed = highlight.is_active() && !highlight.nodes.get(node).copied().unwrap_or(false);
        html! {
            <tr key={node} id={row_id(position)} aria-selected={current.to_string()} onclick={click}
                class={classes!("node-row", current.then_some("current"), active.then_some("active"), dimmed.then_some("dimmed"))}>
                <td class="name">{ &drawn.label }</td>
                <td>{ kind_name(facts.kind) }</td>
                <td>{ drawn.lane.as_str() }</td>
                <td>{ facts.region.clone().unwrap_or_default() }</td>
                <td class="id" title={analysis.id(node).map(str::to_owned)}>{ analysis.id(node).unwrap_or_default() }</td>
            </tr>
        }
    };
    let active_in_sight = keyboard.active.filter(|p| visible.contains(p)).map(row_id);
    html! {
        <section class="table-view" aria-label="Nodes as a table">
            <div class="table-scroll" ref={container}>
                <table class="node-table" id="node-table" role="grid" tabindex="0" aria-label="Nodes"
                    aria-rowcount={(order.len() + 1).to_string()} aria-activedescendant={active_in_sight}
                    onkeydown={keyboard.on_key.clone()}>
                    <thead>
                        <tr><th scope="col">{ "Name" }</th><th scope="col">{ "Kind" }</th><th scope="col">{ "Environment" }</th>
                            <th scope="col">{ "Region" }</th><th scope="col">{ "Id" }</th></tr>
                    </thead>
                    <tbody>
                        { table_spacer(Side::Above, visible.start, COLUMNS) }
                        { for in_sight.iter().enumerate().map(|(i, &n)| row(visible.start + i, n)) }
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
