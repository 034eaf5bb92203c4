//! Search by name or id: a combobox whose options are nodes. Arrow keys move through them,
//! Enter selects one and centres the graph on it, Escape closes the list.

use std::rc::Rc;

use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::query::search;
use crate::selection::Focus;
use crate::text::kind_name;
use crate::ui::UiAction;
use crate::workspace::Analysis;

/// Most options listed.
const LIMIT: usize = 12;

/// Properties of [`Search`].
#[derive(Properties, PartialEq)]
pub struct SearchProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// Per node: hidden by the filter (not offered).
    pub hidden: Rc<Vec<bool>>,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// The search box.
#[component]
pub fn Search(props: &SearchProps) -> Html {
    let query = use_state(String::new);
    let active = use_state(|| 0usize);
    let open = use_state(|| false);
    let hits = use_memo((Rc::clone(&props.analysis), Rc::clone(&props.hidden), (*query).clone()), |(a, hidden, q)| {
        search(a, hidden, q, LIMIT)
    });

    let choose = {
        let on_ui = props.on_ui.clone();
        let open = open.clone();
        Callback::from(move |node: usize| {
            open.set(false);
            on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: true });
        })
    };
    let on_input = {
        let (query, active, open) = (query.clone(), active.clone(), open.clone());
        Callback::from(move |event: InputEvent| {
            let Some(input) = event.target_dyn_into::<HtmlInputElement>() else { return };
            query.set(input.value());
            active.set(0);
            open.set(true);
        })
    };
    let on_key = {
        let (active, open, hits, choose) = (active.clone(), open.clone(), Rc::clone(&hits), choose.clone());
        Callback::from(move |event: KeyboardEvent| {
            let len = hits.len();
            match event.key().as_str() {
                "ArrowDown" if len > 0 => {
                    event.prevent_default();
                    open.set(true);
                    active.set(if *open { (*active + 1) % len } else { 0 });
                }
                "ArrowUp" if len > 0 => {
                    event.prevent_default();
                    open.set(true);
                    active.set((*active + len - 1) % len);
                }
                "Enter" => {
                    if let Some(&node) = hits.get(*active) {
                        event.prevent_default();
                        choose.emit(node);
                    }
                }
                "Escape" => open.set(false),
                _ => {}
            }
        })
    };
    let on_blur = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(false))
    };

    let showing = *open && !query.trim().is_empty();
    let option_id = |i: usize| format!("search-option-{i}");
    html! {
        <div class="search">
            <input id="search" class="search-input" type="search" placeholder="Search name or id (/)" autocomplete="off"
                role="combobox" aria-label="Search nodes by name or id" aria-autocomplete="list"
                aria-controls="search-results" aria-expanded={showing.to_string()}
                aria-activedescendant={(showing && !hits.is_empty()).then(|| option_id(*active))}
                value={(*query).clone()} oninput={on_input} onkeydown={on_key} onblur={on_blur} />
            if showing {
                <ul id="search-results" class="search-results" role="listbox" aria-label="Matching nodes">
                    if hits.is_empty() {
                        <li class="search-empty" role="presentation">{ "No node matches." }</li>
                    }
                    { for hits.iter().enumerate().map(|(i, &node)| {
                        let (drawn, facts) = (&props.analysis.scene.nodes[node], &props.analysis.nodes[node]);
                        let choose = choose.clone();
                        // mousedown, not click: it comes before the input's blur closes the list.
                        let pick = Callback::from(move |event: MouseEvent| {
                            event.prevent_default();
                            choose.emit(node);
                        });
                        html! {
                            <li id={option_id(i)} role="option" aria-selected={(i == *active).to_string()}
                                class={classes!("search-option", (i == *active).then_some("active"))} onmousedown={pick}>
                                <span class="name">{ &drawn.label }</span>
                                <span class="meta">{ match &facts.region {
                                    Some(region) => format!("{} · {} · {region}", kind_name(facts.kind), drawn.lane.as_str()),
                                    None => format!("{} · {}", kind_name(facts.kind), drawn.lane.as_str()),
                                } }</span>
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
