//! The rows of a long list that are in sight, kept current as it scrolls and as the window
//! changes size (see [`crate::rows`] for the arithmetic and the spacers).

use std::ops::Range;

use gloo::events::EventListener;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusOptions, HtmlElement, KeyboardEvent, ScrollIntoViewOptions, ScrollLogicalPosition};
use yew::prelude::*;

use crate::rows::{MAX_BLOCK, spacer_blocks, window};

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

/// The class of spacer block `bit` when `rows` rows are stood in for: its height, or hidden.
fn block_class(rows: usize, bit: u32) -> String {
    if spacer_blocks(rows).contains(&bit) { format!("pad pad-{bit}") } else { "pad pad-off".to_owned() }
}

/// Which side of the rows a spacer stands in for.
#[derive(Copy, Clone)]
pub enum Side {
    /// The rows above the window.
    Above,
    /// The rows below it.
    Below,
}

/// The key of a spacer block. Yew keeps elements across renders by key only when every sibling
/// has one, and the rows (and the keyboard focus in them) must survive a scroll.
fn block_key(side: Side, bit: u32) -> String {
    match side {
        Side::Above => format!("above-{bit}"),
        Side::Below => format!("below-{bit}"),
    }
}

/// Stand-ins for `rows` rows that are not rendered: `<li>` blocks inside a list.
pub fn list_spacer(side: Side, rows: usize) -> Html {
    (0..=MAX_BLOCK)
        .map(|bit| html! { <li key={block_key(side, bit)} class={block_class(rows, bit)} aria-hidden="true"></li> })
        .collect()
}

/// Stand-ins for `rows` rows that are not rendered: `<tr>` blocks inside a table body.
pub fn table_spacer(side: Side, rows: usize, columns: usize) -> Html {
    (0..=MAX_BLOCK)
        .map(|bit| {
            html! {
                <tr key={block_key(side, bit)} class={block_class(rows, bit)} aria-hidden="true">
                    <td colspan={columns.to_string()}></td>
                </tr>
            }
        })
        .collect()
}

/// The attribute naming a row's button for [`use_row_focus`].
pub const ROW_ATTRIBUTE: &str = "data-row";

/// Arrow keys move the focus from a row's button to the next row's (or the previous one's),
/// so that a long list is one tab stop, not one per row. Rows are `li` or `tr` elements.
/// Returns the `data-row` of the button focused.
fn move_between_rows(event: &KeyboardEvent) -> Option<String> {
    let forward = match event.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return None,
    };
    let row = event.target_dyn_into::<Element>()?.closest("li, tr").ok()??;
    let step = |row: &Element| if forward { row.next_element_sibling() } else { row.previous_element_sibling() };
    let mut next = step(&row);
    while let Some(candidate) = next {
        let button = candidate.query_selector("button").ok().flatten().and_then(|b| b.dyn_into::<HtmlElement>().ok());
        if let Some(button) = button {
            event.prevent_default();
            focus_row(&button);
            return button.get_attribute(ROW_ATTRIBUTE);
        }
        next = step(&candidate);
    }
    None
}

/// Focuses a row's button, scrolling its list no more than needed to show it (the browser's own
/// focus scrolling may centre it, moving the rows in sight by half a list at a time).
fn focus_row(button: &HtmlElement) {
    let options = FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = button.focus_with_options(&options);
    let scroll = ScrollIntoViewOptions::new();
    scroll.set_block(ScrollLogicalPosition::Nearest);
    button.scroll_into_view_with_scroll_into_view_options(&scroll);
}

/// Arrow-key movement between the rows of the list in `container`, as a keydown handler.
///
/// Focusing a row scrolls the list, the rows in sight change, and Yew may move the focused
/// row's element while keeping it, which drops the focus. After every render, a focus that
/// fell to the page's body goes back to the row the keyboard was on; a focus that went
/// anywhere else ends the list's claim.
#[hook]
pub fn use_row_focus(container: NodeRef) -> Callback<KeyboardEvent> {
    let wanted = use_mut_ref(|| None::<String>);
    {
        let wanted = wanted.clone();
        use_effect(move || {
            let Some(row) = wanted.borrow().clone() else { return };
            let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
            let Some(list) = container.cast::<Element>() else { return };
            let active = document.active_element();
            let inside = active.as_ref().is_some_and(|a| list.contains(Some(a)));
            let lost = active.is_none() || active.as_ref().map(|a| a.tag_name()) == Some("BODY".to_owned());
            if lost {
                let button = list
                    .query_selector(&format!("[{ROW_ATTRIBUTE}=\"{row}\"]"))
                    .ok()
                    .flatten()
                    .and_then(|b| b.dyn_into::<HtmlElement>().ok());
                if let Some(button) = button {
                    focus_row(&button);
                }
            } else if !inside {
                *wanted.borrow_mut() = None;
            }
        });
    }
    Callback::from(move |event: KeyboardEvent| {
        if let Some(row) = move_between_rows(&event) {
            *wanted.borrow_mut() = Some(row);
        }
    })
}
