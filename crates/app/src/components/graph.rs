//! The graph: a canvas drawn from Rust, with pan and zoom by mouse, wheel and keyboard.
//!
//! The canvas sits outside Yew's virtual DOM: Yew renders the element once, and an effect
//! redraws it whenever the scene or the viewport changes. No DOM node per graph node.

use std::cell::Cell;
use std::rc::Rc;

use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent, MouseEvent, WheelEvent};
use yew::prelude::*;

use super::legend::Legend;
use crate::render::{Canvas2d, Renderer};
use crate::scene::Viewport;
use crate::workspace::Analysis;

/// Properties of [`GraphView`].
#[derive(Properties, PartialEq)]
pub struct GraphProps {
    /// What to draw.
    pub analysis: Rc<Analysis>,
    /// The sample asked for (from the empty state).
    pub on_sample: Callback<()>,
}

/// Pixels a key press pans by.
const KEY_PAN: f32 = 60.0;
/// Zoom factor of one key press.
const KEY_ZOOM: f32 = 1.25;

/// The graph view.
#[component]
pub fn GraphView(props: &GraphProps) -> Html {
    let canvas = use_node_ref();
    // `None` until the first draw fits the scene to the canvas.
    let view = use_state(|| None::<Viewport>);
    let redraws = use_state(|| 0u32);
    let drag = use_mut_ref(|| None::<(f32, f32)>);

    // A new analysis starts fitted.
    {
        let view = view.clone();
        use_effect_with(Rc::clone(&props.analysis), move |_| view.set(None));
    }
    // Redraw when the window changes size.
    {
        let redraws = redraws.clone();
        use_effect_with((), move |()| {
            let count = Rc::new(Cell::new(0u32));
            let listener = web_sys::window().map(|window| {
                EventListener::new(&window, "resize", move |_| {
                    count.set(count.get().wrapping_add(1));
                    redraws.set(count.get());
                })
            });
            move || drop(listener)
        });
    }
    // Draw.
    {
        let canvas = canvas.clone();
        let view = view.clone();
        use_effect_with((Rc::clone(&props.analysis), *view, *redraws), move |(analysis, current, _)| {
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else { return };
            let Some(mut renderer) = Canvas2d::new(&element) else { return };
            let (width, height) = renderer.size();
            match current {
                Some(viewport) => renderer.draw(&analysis.scene, viewport),
                None => view.set(Some(Viewport::fit(&analysis.scene, width, height))),
            }
        });
    }
    // Wheel zoom needs a non-passive listener to keep the page from scrolling.
    {
        let canvas = canvas.clone();
        let view = view.clone();
        use_effect_with((), move |()| {
            let listener = canvas.cast::<HtmlCanvasElement>().map(|element| {
                let target = element.clone();
                EventListener::new_with_options(
                    &element,
                    "wheel",
                    EventListenerOptions::enable_prevent_default(),
                    move |event| {
                        let Some(event) = event.dyn_ref::<WheelEvent>() else { return };
                        event.prevent_default();
                        let Some(current) = *view else { return };
                        let rect = target.get_bounding_client_rect();
                        let x = event.client_x() as f32 - rect.left() as f32;
                        let y = event.client_y() as f32 - rect.top() as f32;
                        let factor = (-event.delta_y() as f32 * 0.0015).exp();
                        view.set(Some(current.zoom_at(factor, x, y)));
                    },
                )
            });
            move || drop(listener)
        });
    }

    let on_mouse_down = {
        let drag = drag.clone();
        Callback::from(move |event: MouseEvent| {
            *drag.borrow_mut() = Some((event.client_x() as f32, event.client_y() as f32));
        })
    };
    let on_mouse_move = {
        let drag = drag.clone();
        let view = view.clone();
        Callback::from(move |event: MouseEvent| {
            let Some((x, y)) = *drag.borrow() else { return };
            let Some(current) = *view else { return };
            let (nx, ny) = (event.client_x() as f32, event.client_y() as f32);
            *drag.borrow_mut() = Some((nx, ny));
            view.set(Some(current.pan(nx - x, ny - y)));
        })
    };
    let on_mouse_up = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| *drag.borrow_mut() = None)
    };
    let on_key = {
        let view = view.clone();
        let canvas = canvas.clone();
        Callback::from(move |event: KeyboardEvent| {
            let Some(current) = *view else { return };
            let (w, h) = canvas
                .cast::<HtmlCanvasElement>()
                .map_or((0.0, 0.0), |c| (c.client_width() as f32, c.client_height() as f32));
            let next = match event.key().as_str() {
                "+" | "=" => current.zoom_at(KEY_ZOOM, w / 2.0, h / 2.0),
                "-" | "_" => current.zoom_at(1.0 / KEY_ZOOM, w / 2.0, h / 2.0),
                "ArrowLeft" => current.pan(KEY_PAN, 0.0),
                "ArrowRight" => current.pan(-KEY_PAN, 0.0),
                "ArrowUp" => current.pan(0.0, KEY_PAN),
                "ArrowDown" => current.pan(0.0, -KEY_PAN),
                "0" | "f" => {
                    view.set(None);
                    event.prevent_default();
                    return;
                }
                _ => return,
            };
            event.prevent_default();
            view.set(Some(next));
        })
    };
    let on_fit = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(None))
    };
    let on_sample = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(()))
    };

    let analysis = &props.analysis;
    let (nodes, edges) = analysis.graph_size;
    let empty = nodes == 0;
    let description = format!(
        "Identity graph: {nodes} nodes, {edges} edges, {} crossing environments. \
         Arrow keys pan, plus and minus zoom, 0 fits.",
        analysis.scene.cross_environment_edges
    );
    html! {
        <section class="graph" aria-label="Identity graph">
            <canvas ref={canvas} id="graph-canvas" class={classes!(empty.then_some("hidden"))} tabindex="0" role="img"
                aria-label={description}
                data-nodes={nodes.to_string()} data-edges={edges.to_string()}
                data-cross-environment={analysis.scene.cross_environment_edges.to_string()}
                onmousedown={on_mouse_down} onmousemove={on_mouse_move}
                onmouseup={on_mouse_up.clone()} onmouseleave={on_mouse_up}
                onkeydown={on_key} />
            if empty {
                <div class="empty-state" id="empty-state">
                    <h2>{ "Drop inventory exports anywhere on this page" }</h2>
                    <p>{ "Blastmap reads them in your browser; nothing leaves this machine. Exports that work:" }</p>
                    <pre>{ "az identity list > identities.json\naz resource list > resources.json\naz role assignment list --all > assignments.json\naz role definition list --custom-role-only true > roles.json" }</pre>
                    <button type="button" class="button primary" onclick={on_sample}>{ "Load the sample" }</button>
                </div>
            } else {
                <div class="graph-tools">
                    <button type="button" class="button" id="fit" onclick={on_fit}>{ "Fit" }</button>
                </div>
                <Legend />
            }
        </section>
    }
}
