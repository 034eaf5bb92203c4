//! The rows of a long list that are in sight, kept current as it scrolls and as the window
//! changes size (see [`crate::rows`] for the arithmetic and the spacers).

use std::ops::Range;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::rows::{spacer_blocks, window};

/// The range of rows to render of a list of `len` rows `row_height` pixels tall, scrolled in
/// `container`.
#[hook]
pub fn use_visible_rows(container: NodeRef, len: usize, row_height: f64) -> Range<usize> {
    // (scroll top, height) of the container; a guess until it is measured.
    let area = use_state(|| (0.0f64, 800.0f64));
    {
        let area = area.clone();
        use_effect_with(container, move |container| {
            let measure = {
                let container = container.clone();
                move || {
                    if let Some(element) = container.cast::<HtmlElement>() {
                        area.set((f64::from(element.scroll_top()), f64::from(element.client_height())));
                    }
                }
            };
            measure();
            let on_scroll = container.cast::<HtmlElement>().map(|element| {
                let measure = measure.clone();
                EventListener::new(&element, "scroll", move |_| measure())
            });
            let on_resize = web_sys::window().map(|window| EventListener::new(&window, "resize", move |_| measure()));
            move || drop((on_scroll, on_resize))
        });
    }
    window(area.0, area.1, row_height, len)
}

/// Stand-ins for `rows` rows that are not rendered: `<li>` blocks inside a list.
pub fn list_spacer(rows: usize) -> Html {
    spacer_blocks(rows)
        .into_iter()
        .map(|bit| html! { <li class={format!("pad pad-{bit}")} aria-hidden="true"></li> })
        .collect()
}

/// Stand-ins for `rows` rows that are not rendered: `<tr>` blocks inside a table body.
pub fn table_spacer(rows: usize, columns: usize) -> Html {
    spacer_blocks(rows)
        .into_iter()
        .map(|bit| html! { <tr class={format!("pad pad-{bit}")} aria-hidden="true"><td colspan={columns.to_string()}></td></tr> })
        .collect()
}

/// Arrow keys move the focus from a row's button to the next row's (or the previous one's),
/// so that a long list is one tab stop, not one per row. Rows are `li` or `tr` elements.
pub fn move_between_rows(event: &KeyboardEvent) {
    let forward = match event.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return,
    };
    let Some(row) = event.target_dyn_into::<Element>().and_then(|t| t.closest("li, tr").ok().flatten()) else { return };
    let step = |row: &Element| if forward { row.next_element_sibling() } else { row.previous_element_sibling() };
    let mut next = step(&row);
    while let Some(candidate) = next {
        let button = candidate.query_selector("button").ok().flatten().and_then(|b| b.dyn_into::<HtmlElement>().ok());
        if let Some(button) = button {
            event.prevent_default();
            let _ = button.focus();
            return;
        }
        next = step(&candidate);
    }
}
