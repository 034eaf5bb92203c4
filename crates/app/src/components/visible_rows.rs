//! The rows of a long list that are in sight, kept current as it scrolls and as the window
//! changes size (see [`crate::rows`] for the arithmetic and the spacers).

use std::ops::Range;
use std::rc::Rc;

use gloo::events::EventListener;
use web_sys::{Element, HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::rows::{MAX_BLOCK, follow, spacer_blocks, step, window};

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

/// The keyboard's place in a long list.
pub struct ActiveRow {
    /// The active row's position, if any.
    pub active: Option<usize>,
    /// The list's keydown handler.
    pub on_key: Callback<KeyboardEvent>,
    /// Makes a row active (when it is clicked).
    pub set: Callback<usize>,
}

/// Keyboard movement in a long list that renders only the rows in sight. The focus stays on
/// the list element, which names the active row with `aria-activedescendant`: rows come and go
/// as the list scrolls, and a focus on a row would go with them. Arrow keys, Home and End move
/// among `positions` (rows a keyboard can stop at, sorted), scrolling the list to follow;
/// Enter or Space choose the active row.
#[hook]
pub fn use_active_row(
    container: NodeRef,
    positions: Rc<Vec<usize>>,
    row_height: f64,
    header: f64,
    on_choose: Callback<usize>,
) -> ActiveRow {
    // The truth, read and written by key presses that may come faster than renders; the state
    // only makes the list render the change.
    let active = use_mut_ref(|| None::<usize>);
    let shown = use_state(|| None::<usize>);
    let valid = |at: Option<usize>| at.filter(|a| positions.binary_search(a).is_ok());
    let current = valid(*shown);
    let on_key = {
        let (active, shown, positions) = (active.clone(), shown.clone(), Rc::clone(&positions));
        Callback::from(move |event: KeyboardEvent| {
            let now = (*active.borrow()).filter(|a| positions.binary_search(a).is_ok());
            let next = match event.key().as_str() {
                "ArrowDown" => step(&positions, now, true),
                "ArrowUp" => step(&positions, now, false),
                "Home" => positions.first().copied(),
                "End" => positions.last().copied(),
                "Enter" | " " => {
                    if let Some(at) = now {
                        event.prevent_default();
                        on_choose.emit(at);
                    }
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            let Some(next) = next else { return };
            *active.borrow_mut() = Some(next);
            shown.set(Some(next));
            if let Some(list) = container.cast::<Element>() {
                let (top, height) = (f64::from(list.scroll_top()), f64::from(list.client_height()));
                if let Some(to) = follow(next, top, height, row_height, header) {
                    list.set_scroll_top(to.round() as i32);
                }
            }
        })
    };
    let set = Callback::from(move |at: usize| {
        *active.borrow_mut() = Some(at);
        shown.set(Some(at));
    });
    ActiveRow { active: current, on_key, set }
}
