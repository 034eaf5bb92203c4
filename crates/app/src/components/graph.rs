//! The graph: a canvas drawn from Rust, with pan and zoom by mouse, wheel, keyboard and touch
//! (one finger pans, two pinch), a click or tap (or keyboard focus and Enter) to select a node.
//!
//! The canvas sits outside Yew's virtual DOM: Yew renders the element once, and an effect
//! redraws it whenever the scene, the viewport or what is lit changes. No DOM node per graph
//! node: hit-testing is done in Rust (`Scene::hit`).

use std::cell::Cell;
use std::rc::Rc;

use blastmap_worker::scene::{Hit, Scene};
use gloo::events::{EventListener, EventListenerOptions};
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, KeyboardEvent, MouseEvent, PointerEvent, WheelEvent};
use yew::prelude::*;

use super::legend::Legend;
use crate::query::next_node;
use crate::render::{Canvas2d, DARK, LIGHT, Renderer};
use crate::scene::{Look, Touches, Viewport};
use crate::selection::{Focus, Selected};
use crate::ui::UiAction;
use crate::workspace::Analysis;

/// Properties of [`GraphView`].
#[derive(Properties, PartialEq)]
pub struct GraphProps {
    /// What to draw.
    pub analysis: Rc<Analysis>,
    /// Whether any load has ended (before the first, there is nothing to draw, not even the
    /// empty state).
    pub loaded: bool,
    /// Per node: hidden by the filter.
    pub hidden: Rc<Vec<bool>>,
    /// What the selection lights.
    pub selected: Rc<Selected>,
    /// The selected node.
    pub node: Option<usize>,
    /// The node a selection centres on: the selected node, or a finding's first subject.
    pub centre_on: Option<usize>,
    /// Bumped when `centre_on` should come to the middle.
    pub centre_requests: u32,
    /// Whether `selected` answers the selection made now (not an earlier one).
    pub answered: bool,
    /// Dark theme.
    pub dark: bool,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
    /// The sample asked for (from the empty state).
    pub on_sample: Callback<()>,
    /// An aggregate (index into the scene's) clicked open.
    pub on_unfold: Callback<usize>,
    /// Every group folded again.
    pub on_fold_all: Callback<()>,
    /// Every group opened.
    pub on_open_all: Callback<()>,
}

/// Pixels a key press pans by.
const KEY_PAN: f32 = 60.0;
/// Zoom factor of one key press.
const KEY_ZOOM: f32 = 1.25;
/// A press and release this close (in pixels) is a click, not a drag.
const CLICK_SLOP: f32 = 4.0;

/// The canvas's size in CSS pixels.
fn canvas_size(canvas: &NodeRef) -> (f32, f32) {
    canvas.cast::<HtmlCanvasElement>().map_or((0.0, 0.0), |c| (c.client_width() as f32, c.client_height() as f32))
}

/// The part of the canvas a fitted picture may use: all of it but the strip the legend covers
/// at its foot (what lies under the legend would be hidden at the very view meant to show all).
fn fit_area(canvas: &NodeRef) -> (f32, f32) {
    let (width, height) = canvas_size(canvas);
    let legend = canvas
        .cast::<HtmlCanvasElement>()
        .and_then(|c| c.parent_element())
        .and_then(|graph| graph.query_selector(".legend").ok().flatten())
        .map_or(0.0, |legend| legend.get_bounding_client_rect().height() as f32);
    (width, (height - legend).max(height / 2.0))
}

/// The view that shows all of `scene` in the canvas's `fit_area`.
fn fitted(canvas: &NodeRef, scene: &Scene) -> Viewport {
    let (width, height) = fit_area(canvas);
    Viewport::fit(scene, width, height)
}

/// The graph view.
#[component]
pub fn GraphView(props: &GraphProps) -> Html {
    let canvas = use_node_ref();
    // `None` until the first draw fits the scene to the canvas.
    let view = use_state(|| None::<Viewport>);
    let redraws = use_state(|| 0u32);
    // Where the pointer went down, and whether it has moved far enough to be a drag.
    let drag = use_mut_ref(|| None::<((f32, f32), bool)>);
    // The node keyboard navigation is on.
    let focused = use_state(|| None::<usize>);
    // Fingers on the canvas, and the viewport they last set: both fingers of a pinch move in one
    // task, before a render, so each move starts from where the last left the picture. A tap
    // also comes as mouse events, which select.
    let touches = use_mut_ref(|| (Touches::default(), None::<Viewport>));
    // The load last drawn: a new load is drawn fitted at once (an unfold keeps the view).
    let drawn_load = use_mut_ref(|| 0u32);

    // A new load starts with no keyboard focus (an unfold keeps it).
    {
        let focused = focused.clone();
        use_effect_with(props.analysis.load, move |_| {
            focused.set(None);
        });
    }
    // Bring the selection (the node, or a finding's first subject) to the middle when asked, at
    // once; then, once its answer has come and its node is no longer folded away (a folded
    // node's group unfolds, which moves it), centre on the node where it now is, or, for a
    // finding, show all it lights (its subjects and the paths between them) while that stays
    // legible.
    let settling = use_mut_ref(|| None::<usize>);
    {
        let (view, canvas, settling) = (view.clone(), canvas.clone(), settling.clone());
        let (analysis, first) = (Rc::clone(&props.analysis), props.centre_on);
        use_effect_with(props.centre_requests, move |&requests| {
            if requests == 0 {
                return;
            }
            let Some(at) = first.and_then(|n| analysis.scene.nodes.get(n)) else { return };
            *settling.borrow_mut() = first;
            let (width, height) = canvas_size(&canvas);
            let current = (*view).unwrap_or_else(|| fitted(&canvas, &analysis.scene));
            view.set(Some(current.centre_on(at.x, at.y, width, height)));
        });
    }
    {
        let (view, canvas) = (view.clone(), canvas.clone());
        let finding = props.node.is_none();
        let deps = (Rc::clone(&props.analysis), Rc::clone(&props.selected), props.answered, props.centre_on, finding);
        use_effect_with(deps, move |(analysis, selected, answered, first, finding)| {
            let Some(node) = *settling.borrow() else { return };
            if *first != Some(node) {
                // Another selection, not asked to be brought into view, came first.
                *settling.borrow_mut() = None;
                return;
            }
            let scene = &analysis.scene;
            let (Some(at), true) = (scene.nodes.get(node), *answered) else { return };
            if scene.folded.get(node).copied().flatten().is_some() {
                return;
            }
            *settling.borrow_mut() = None;
            let lit: Vec<usize> = if *finding { selected.highlight.lit().collect() } else { Vec::new() };
            let (width, height) = fit_area(&canvas);
            let fitted_lit = Viewport::fit_nodes(scene, &lit, width, height).filter(Viewport::shows_labels);
            let (width, height) = canvas_size(&canvas);
            let current = (*view).unwrap_or_else(|| fitted(&canvas, scene));
            let shown = fitted_lit.unwrap_or_else(|| current.centre_on(at.x, at.y, width, height));
            view.set(Some(shown));
        });
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
        let (canvas, view, drawn_load) = (canvas.clone(), view.clone(), drawn_load.clone());
        let deps = (
            Rc::clone(&props.analysis),
            *view,
            *redraws,
            Rc::clone(&props.hidden),
            Rc::clone(&props.selected),
            *focused,
            props.dark,
        );
        use_effect_with(deps, move |(analysis, current, _, hidden, selected, focused, dark)| {
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else { return };
            let Some(mut renderer) = Canvas2d::new(&element) else { return };
            // A new load, or Fit, is drawn fitted now rather than after another render.
            let fresh = std::mem::replace(&mut *drawn_load.borrow_mut(), analysis.load) != analysis.load;
            let viewport = match current {
                Some(viewport) if !fresh => *viewport,
                _ => fitted(&canvas, &analysis.scene),
            };
            let look = Look { hidden, highlight: &selected.highlight, focused: *focused };
            renderer.draw(&analysis.scene, &viewport, &look, if *dark { &DARK } else { &LIGHT });
            if fresh {
                super::mark("drawn");
            }
            if *current != Some(viewport) {
                view.set(Some(viewport));
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
            *drag.borrow_mut() = Some(((event.client_x() as f32, event.client_y() as f32), false));
        })
    };
    let on_mouse_move = {
        let drag = drag.clone();
        let view = view.clone();
        Callback::from(move |event: MouseEvent| {
            let Some(((x, y), moved)) = *drag.borrow() else { return };
            let Some(current) = *view else { return };
            let (nx, ny) = (event.client_x() as f32, event.client_y() as f32);
            if !moved && (nx - x).abs().max((ny - y).abs()) < CLICK_SLOP {
                return;
            }
            *drag.borrow_mut() = Some(((nx, ny), true));
            view.set(Some(current.pan(nx - x, ny - y)));
        })
    };
    let on_mouse_up = {
        let (drag, view, canvas) = (drag.clone(), view.clone(), canvas.clone());
        let (analysis, hidden, on_ui) = (Rc::clone(&props.analysis), Rc::clone(&props.hidden), props.on_ui.clone());
        let on_unfold = props.on_unfold.clone();
        Callback::from(move |event: MouseEvent| {
            let pressed = drag.borrow_mut().take();
            let (Some((_, false)), Some(current)) = (pressed, *view) else { return };
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else { return };
            let rect = element.get_bounding_client_rect();
            let x = event.client_x() as f32 - rect.left() as f32;
            let y = event.client_y() as f32 - rect.top() as f32;
            let (wx, wy) = current.to_world(x, y);
            // A click on an aggregate opens it; on empty space it clears the selection.
            match analysis.scene.hit(wx, wy, &hidden) {
                Some(Hit::Node(node)) => on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: false }),
                Some(Hit::Aggregate(aggregate)) => on_unfold.emit(aggregate),
                None => on_ui.emit(UiAction::Clear),
            }
        })
    };
    // Touch pans and pinches through pointer events; the mouse keeps its own handlers above.
    let on_pointer_down = {
        let (touches, canvas) = (touches.clone(), canvas.clone());
        Callback::from(move |event: PointerEvent| {
            let Some(element) = canvas.cast::<HtmlCanvasElement>() else { return };
            if event.pointer_type() != "touch" {
                return;
            }
            // Captured, the finger keeps steering when it leaves the canvas.
            let _ = element.set_pointer_capture(event.pointer_id());
            let rect = element.get_bounding_client_rect();
            let (x, y) = (event.client_x() as f32 - rect.left() as f32, event.client_y() as f32 - rect.top() as f32);
            let mut touches = touches.borrow_mut();
            touches.0.down(event.pointer_id(), x, y);
            touches.1 = None;
        })
    };
    let on_pointer_move = {
        let (touches, canvas, view) = (touches.clone(), canvas.clone(), view.clone());
        Callback::from(move |event: PointerEvent| {
            let (Some(element), Some(current)) = (canvas.cast::<HtmlCanvasElement>(), *view) else { return };
            if event.pointer_type() != "touch" {
                return;
            }
            let rect = element.get_bounding_client_rect();
            let (x, y) = (event.client_x() as f32 - rect.left() as f32, event.client_y() as f32 - rect.top() as f32);
            let mut touches = touches.borrow_mut();
            let from = touches.1.unwrap_or(current);
            if let Some(next) = touches.0.moved(event.pointer_id(), x, y, from) {
                touches.1 = Some(next);
                view.set(Some(next));
            }
        })
    };
    let on_pointer_up = {
        let touches = touches.clone();
        Callback::from(move |event: PointerEvent| {
            let mut touches = touches.borrow_mut();
            touches.0.up(event.pointer_id());
            touches.1 = None;
        })
    };
    let on_mouse_leave = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| *drag.borrow_mut() = None)
    };
    let on_key = {
        let (view, canvas, focused) = (view.clone(), canvas.clone(), focused.clone());
        let (analysis, hidden, on_ui) = (Rc::clone(&props.analysis), Rc::clone(&props.hidden), props.on_ui.clone());
        Callback::from(move |event: KeyboardEvent| {
            let Some(current) = *view else { return };
            let (w, h) = canvas_size(&canvas);
            let next = match event.key().as_str() {
                "+" | "=" => current.zoom_at(KEY_ZOOM, w / 2.0, h / 2.0),
                "-" | "_" => current.zoom_at(1.0 / KEY_ZOOM, w / 2.0, h / 2.0),
                "ArrowLeft" => current.pan(KEY_PAN, 0.0),
                "ArrowRight" => current.pan(-KEY_PAN, 0.0),
                "ArrowUp" => current.pan(0.0, KEY_PAN),
                "ArrowDown" => current.pan(0.0, -KEY_PAN),
                "0" | "f" => {
                    event.prevent_default();
                    view.set(None);
                    return;
                }
                // Node by node in reading order, keeping the node in sight.
                key @ ("n" | "p" | "N") => {
                    event.prevent_default();
                    let forward = key == "n";
                    let Some(node) = next_node(&analysis.scene, &hidden, *focused, forward) else { return };
                    focused.set(Some(node));
                    let at = &analysis.scene.nodes[node];
                    let (sx, sy) = current.to_screen(at.x, at.y);
                    if sx < 0.0 || sy < 0.0 || sx > w || sy > h {
                        view.set(Some(current.centre_on(at.x, at.y, w, h)));
                    }
                    return;
                }
                "Enter" | " " => {
                    if let Some(node) = *focused {
                        event.prevent_default();
                        on_ui.emit(UiAction::Select { focus: Focus::Node(node), centre: false });
                    }
                    return;
                }
                "Escape" => {
                    focused.set(None);
                    on_ui.emit(UiAction::Clear);
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
    let on_fit_selection = {
        let (view, canvas) = (view.clone(), canvas.clone());
        let (analysis, selected) = (Rc::clone(&props.analysis), Rc::clone(&props.selected));
        Callback::from(move |_: MouseEvent| {
            let lit: Vec<usize> = selected.highlight.lit().collect();
            let (width, height) = fit_area(&canvas);
            if let Some(fitted) = Viewport::fit_nodes(&analysis.scene, &lit, width, height) {
                view.set(Some(fitted));
            }
        })
    };
    let on_sample = {
        let on_sample = props.on_sample.clone();
        Callback::from(move |_: MouseEvent| on_sample.emit(()))
    };
    let on_fold_all = {
        let on_fold_all = props.on_fold_all.clone();
        Callback::from(move |_: MouseEvent| on_fold_all.emit(()))
    };
    let on_open_all = {
        let on_open_all = props.on_open_all.clone();
        Callback::from(move |_: MouseEvent| on_open_all.emit(()))
    };

    let analysis = &props.analysis;
    let scene = &analysis.scene;
    let (nodes, edges) = analysis.graph_size();
    let empty = nodes == 0;
    let description = format!(
        "Identity graph: {nodes} nodes, {edges} edges, {} crossing environments. \
         Arrow keys pan, plus and minus zoom, 0 fits; N and P move from node to node, Enter selects \
         (or opens a folded group), Escape clears.",
        scene.cross_environment_edges
    );
    // Test and assistive hooks: where the selected and the focused node are on screen.
    let screen_at = |node: Option<usize>| {
        let (at, current) = (scene.nodes.get(node?)?, (*view)?);
        let (x, y) = current.to_screen(at.x, at.y);
        Some(format!("{x:.1},{y:.1}"))
    };
    // Where the node a selection centres on is, while it is drawn on its own (not folded).
    let centre_at = props.centre_on.filter(|&n| scene.folded.get(n).copied().flatten().is_none());
    // Test hook: how many of the nodes a selection lights lie wholly in sight.
    let lit_in_sight = (*view).filter(|_| props.selected.highlight.is_active()).map(|current| {
        let (width, height) = canvas_size(&canvas);
        let lit = props.selected.highlight.lit().filter_map(|n| scene.nodes.get(n));
        lit.filter(|n| current.shows_whole(n.x, n.y, width, height)).count().to_string()
    });
    // A folded node stands for its aggregate: focus and Enter open it.
    let focused_label = (*focused).and_then(|n| match scene.folded.get(n).copied().flatten() {
        Some(a) => scene.aggregates.get(a as usize).map(|a| format!("{} ({} nodes, folded)", a.label, a.members.len())),
        None => scene.nodes.get(n).map(|n| n.label.clone()),
    });
    html! {
        <section class="graph" aria-label="Identity graph">
            <canvas ref={canvas} id="graph-canvas" class={classes!(empty.then_some("hidden"))} tabindex="0" role="img"
                aria-label={description}
                data-nodes={props.loaded.then(|| nodes.to_string())} data-edges={edges.to_string()}
                data-cross-environment={scene.cross_environment_edges.to_string()}
                data-aggregates={scene.aggregates.len().to_string()} data-unfolded={scene.unfolded.to_string()}
                data-lit={props.selected.highlight.is_active().then(|| props.selected.highlight.lit_nodes().to_string())}
                data-lit-in-sight={lit_in_sight}
                data-selected-at={screen_at(props.node)} data-focused-at={screen_at(*focused)}
                data-centre-at={screen_at(centre_at)}
                data-focused={focused_label.clone()}
                data-view={(*view).map(|v| format!("{:.4},{:.1},{:.1}", v.scale, v.offset_x, v.offset_y))}
                onpointerdown={on_pointer_down} onpointermove={on_pointer_move}
                onpointerup={on_pointer_up.clone()} onpointercancel={on_pointer_up}
                onmousedown={on_mouse_down} onmousemove={on_mouse_move}
                onmouseup={on_mouse_up} onmouseleave={on_mouse_leave}
                onkeydown={on_key} />
            <p class="visually-hidden" aria-live="polite" id="graph-focus">
                { focused_label.map(|label| format!("{label}: press Enter to select")).unwrap_or_default() }
            </p>
            if empty && props.loaded {
                <div class="empty-state" id="empty-state">
                    <h2>{ "Drop inventory exports anywhere on this page" }</h2>
                    <p>{ "Blastmap reads them in your browser; nothing leaves this machine. Exports that work:" }</p>
                    <pre>{ "az identity list > identities.json\naz resource list > resources.json\naz role assignment list --all > assignments.json\naz role definition list --custom-role-only true > roles.json" }</pre>
                    <button type="button" class="button primary" onclick={on_sample}>{ "Load the sample" }</button>
                </div>
            } else if !empty {
                <div class="graph-tools">
                    if scene.unfolded > 0 || scene.all_open {
                        <button type="button" class="button" id="fold-all" onclick={on_fold_all}
                            title="Fold the groups you opened again">{ "Fold groups" }</button>
                    }
                    if !scene.aggregates.is_empty() {
                        <button type="button" class="button" id="open-all" onclick={on_open_all}
                            title="Draw every node on its own (slower on a large tenant)">{ "Open all" }</button>
                    }
                    if props.selected.highlight.is_active() {
                        <button type="button" class="button" id="fit-selection" onclick={on_fit_selection}
                            title="Zoom to what the selection lights">{ "Fit selection" }</button>
                    }
                    <button type="button" class="button" id="fit" onclick={on_fit}>{ "Fit" }</button>
                </div>
                <Legend selecting={props.selected.highlight.is_active()} folding={!scene.aggregates.is_empty()} />
            }
        </section>
    }
}
