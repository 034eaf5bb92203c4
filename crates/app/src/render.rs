//! Turning a [`Scene`] into pixels.
//!
//! The [`Renderer`] trait is the seam: Canvas 2D today, WebGL when graphs outgrow it. Drawing
//! is batched by style (paths of up to [`EDGES_PER_PATH`] edges per edge style, one fill per
//! node style) because the cost on a canvas is in state changes and rasterisation, not in
//! calls. Edges that cannot show are skipped, and zoomed out, big batches are hairlines
//! ([`line_width`]).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::scene::{
    EdgeStyle, Look, NODE_HEIGHT, NODE_WIDTH, NodeStyle, Scene, SceneAggregate, SceneEdge, SceneNode, Viewport,
    line_width, may_show,
};
use crate::text::number;

/// Edges stroked as one path. A software rasteriser strokes one path of many crossing curves
/// in more than linear time: 100,000 curves took 1.5 s as one path and 0.6 s in paths of 64
/// (measured, Chromium 156).
const EDGES_PER_PATH: usize = 64;

/// Something that draws a scene through a viewport.
pub trait Renderer {
    /// Draws the whole scene as it looks now, in a palette.
    fn draw(&mut self, scene: &Scene, view: &Viewport, look: &Look<'_>, palette: &Palette);
}

/// Colours, from the Okabe–Ito palette so that kinds stay distinguishable with colour-blind
/// vision; the warning colour (vermillion) is reserved for edges that cross environments.
/// Selection is shown by light and dark (dimming, a ring), never by hue alone.
pub struct Palette {
    /// Page background.
    pub background: &'static str,
    /// Alternate lane backgrounds.
    pub lanes: [&'static str; 2],
    /// Lane and band titles.
    pub titles: &'static str,
    /// Node label text.
    pub text: &'static str,
    /// Ordinary edges.
    pub edge: &'static str,
    /// Edges that cross environments.
    pub warning: &'static str,
    /// The ring around selected nodes.
    pub ring: &'static str,
    /// Fill and border per node style, in [`NodeStyle::ALL`] order.
    pub nodes: [(&'static str, &'static str); 5],
}

/// The light palette.
pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    lanes: ["#f4f6f8", "#eaeef2"],
    titles: "#57606a",
    text: "#1f2328",
    edge: "#8c959f",
    warning: "#d55e00",
    ring: "#1f2328",
    nodes: [
        ("#f5e1ee", "#cc79a7"),
        ("#d9ebf7", "#0072b2"),
        ("#fcefd2", "#e69f00"),
        ("#fdf6e3", "#e69f00"),
        ("#d6f0e6", "#009e73"),
    ],
};

/// The dark palette: the same hues, deep fills, borders bright enough on a dark ground (sky
/// blue stands in for blue, which is too dark there).
pub const DARK: Palette = Palette {
    background: "#0d1117",
    lanes: ["#151b23", "#1b222c"],
    titles: "#9198a1",
    text: "#e6edf3",
    edge: "#6e7681",
    warning: "#e8743b",
    ring: "#f0f6fc",
    nodes: [
        ("#3a2533", "#cc79a7"),
        ("#13324a", "#56b4e9"),
        ("#3b2e10", "#e69f00"),
        ("#2c2617", "#e69f00"),
        ("#0f3a2e", "#2fbf8f"),
    ],
};

impl Palette {
    /// Fill and border of a node style.
    pub fn node(&self, style: NodeStyle) -> (&'static str, &'static str) {
        let at = NodeStyle::ALL.iter().position(|&s| s == style).unwrap_or(0);
        self.nodes[at]
    }
}

/// Opacity of what a selection dims.
const DIMMED: f64 = 0.18;
/// Opacity of cross-environment edges a selection dims: they stay in sight.
const DIMMED_WARNING: f64 = 0.3;
/// How much wider than a lit edge the halo under it is (pixels).
const LIT_HALO: f64 = 4.0;

/// `label`, cut with an ellipsis to fit `max_width` pixels in the context's current font.
fn fit_label<'a>(c: &CanvasRenderingContext2d, label: &'a str, max_width: f64) -> std::borrow::Cow<'a, str> {
    let width = |text: &str| c.measure_text(text).map_or(0.0, |m| m.width());
    if width(label) <= max_width {
        return std::borrow::Cow::Borrowed(label);
    }
    let chars: Vec<char> = label.chars().collect();
    // The longest prefix that fits with the ellipsis, by binary search on its length.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        let candidate: String = chars[..mid].iter().chain(['…'].iter()).collect();
        if width(&candidate) <= max_width { fits = mid } else { too_long = mid }
    }
    std::borrow::Cow::Owned(chars[..fits].iter().chain(['…'].iter()).collect())
}

/// Draws on a `<canvas>` through its 2D context, at the device's pixel ratio.
pub struct Canvas2d {
    context: CanvasRenderingContext2d,
    width: f64,
    height: f64,
    /// Device pixels per CSS pixel.
    ratio: f64,
}

impl Canvas2d {
    /// Prepares `canvas` for drawing: sizes its backing store to its CSS size times the
    /// device pixel ratio. `None` when the browser gives no 2D context.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Canvas2d> {
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (width, height) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        // Setting a size, even the same one, reallocates and clears the backing store: only a
        // new size is set (every draw paints the whole background anyway).
        let (pixels_wide, pixels_high) = ((width * ratio).round() as u32, (height * ratio).round() as u32);
        if canvas.width() != pixels_wide {
            canvas.set_width(pixels_wide);
        }
        if canvas.height() != pixels_high {
            canvas.set_height(pixels_high);
        }
        let context = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok()?;
        Some(Canvas2d { context, width, height, ratio })
    }

    /// The drawing area in CSS pixels.
    pub fn size(&self) -> (f32, f32) {
        (self.width as f32, self.height as f32)
    }

    /// Where a node's box centred on world `(x, y)` lands on screen (its left edge, and its
    /// centre), or `None` when none of it is in sight.
    fn box_in_sight(&self, view: &Viewport, x: f32, y: f32) -> Option<(f64, f64, f64)> {
        let scale = f64::from(view.scale);
        let (w, h) = (f64::from(NODE_WIDTH) * scale, f64::from(NODE_HEIGHT) * scale);
        let (x, y) = view.to_screen(x, y);
        let (x, y) = (f64::from(x), f64::from(y));
        let (left, top) = (x - w / 2.0, y - h / 2.0);
        may_show(&[(left, top), (left + w, top + h)], self.width, self.height).then_some((left, x, y))
    }
}

/// The curve of an edge, in screen pixels: start, two control points, end.
fn edge_curve(a: &SceneNode, b: &SceneNode, view: &Viewport) -> [(f64, f64); 4] {
    let half = NODE_WIDTH / 2.0;
    // Rightwards edges leave from the right side and enter on the left; leftwards ones the
    // other way round; edges within a column arc out to its right.
    let (from_x, to_x, out) = if b.x > a.x + 1.0 {
        (a.x + half, b.x - half, 1.0)
    } else if b.x < a.x - 1.0 {
        (a.x - half, b.x + half, -1.0)
    } else {
        (a.x + half, b.x + half, 0.0)
    };
    let (x0, y0) = view.to_screen(from_x, a.y);
    let (x1, y1) = view.to_screen(to_x, b.y);
    let (x0, y0, x1, y1) = (f64::from(x0), f64::from(y0), f64::from(x1), f64::from(y1));
    let (c0, c1) = if out == 0.0 {
        let loop_out = (y1 - y0).abs().mul_add(0.3, 30.0 * f64::from(view.scale));
        (x0 + loop_out, x1 + loop_out)
    } else {
        let bend = (x1 - x0).abs() * 0.4;
        (x0 + bend * out, x1 - bend * out)
    };
    [(x0, y0), (c0, y0), (c1, y1), (x1, y1)]
}

impl Canvas2d {
    fn lanes(&self, scene: &Scene, view: &Viewport, palette: &Palette) {
        let c = &self.context;
        // Lanes, full width, with their titles pinned to the left edge of the screen.
        for (i, lane) in scene.lanes.iter().enumerate() {
            let (_, top) = view.to_screen(0.0, lane.top);
            let height = f64::from(lane.height) * f64::from(view.scale);
            c.set_fill_style_str(palette.lanes[i % 2]);
            c.fill_rect(0.0, f64::from(top), self.width, height);
            c.set_fill_style_str(palette.titles);
            c.set_font("600 13px system-ui, sans-serif");
            let _ = c.fill_text(&lane.title, 10.0, f64::from(top) + 18.0);
        }
        // Region bands say their region wherever there is height for it, names shown or not:
        // zoomed out over a tenant, they still tell the regions apart.
        c.set_font("12px system-ui, sans-serif");
        c.set_fill_style_str(palette.titles);
        for band in &scene.bands {
            if !view.shows_labels() && f64::from(band.height * view.scale) < BAND_TITLE_LEAST_HEIGHT {
                continue;
            }
            let (_, top) = view.to_screen(0.0, band.top);
            // Right of the longest lane title ("UNKNOWN").
            let _ = c.fill_text(&band.title, 96.0, f64::from(top) + 18.0);
        }
    }

    /// The columns' titles above the picture, at any zoom: zoomed out over a tenant, they are
    /// what says which column is which. Where the columns stand too close for a whole title,
    /// its first word ("PEOPLE"), smaller if need be; where not even that fits, none. (Pinned
    /// to the top of the screen, they went under the buttons there.)
    fn column_titles(&self, scene: &Scene, view: &Viewport, palette: &Palette) {
        let c = &self.context;
        // The halo's round joins and the centring stay here: boxes are stroked with mitred ones.
        c.save();
        c.set_text_align("center");
        c.set_line_join("round");
        c.set_line_width(4.0);
        c.set_stroke_style_str(palette.background);
        c.set_fill_style_str(palette.titles);
        let xs: Vec<f64> = scene.columns.iter().map(|(x, _)| f64::from(view.to_screen(*x, 0.0).0)).collect();
        let y = f64::from(view.to_screen(0.0, 0.0).1) - 10.0;
        for (at, (_, title)) in scene.columns.iter().enumerate() {
            let gap = |other: Option<&f64>| other.map_or(f64::INFINITY, |x| (x - xs[at]).abs());
            let room = gap(at.checked_sub(1).and_then(|before| xs.get(before))).min(gap(xs.get(at + 1))) - 8.0;
            let whole = title.to_uppercase();
            let first_word = whole.split(' ').next().unwrap_or_default();
            let fits = |&(font, text): &(&str, &str)| {
                c.set_font(font);
                c.measure_text(text).is_ok_and(|m| m.width() <= room)
            };
            let candidates =
                [(COLUMN_FONT, whole.as_str()), (COLUMN_FONT, first_word), (COLUMN_FONT_SMALL, first_word)];
            let Some((_, text)) = candidates.into_iter().find(fits) else { continue };
            let _ = c.stroke_text(text, xs[at], y);
            let _ = c.fill_text(text, xs[at], y);
        }
        c.restore();
    }

    /// Where a node's callout goes: left, top, right, bottom in pixels, beside its box.
    fn callout_plate(&self, view: &Viewport, node: &SceneNode) -> [f64; 4] {
        self.context.set_font(CALLOUT_FONT);
        let width = self.context.measure_text(&node.label).map_or(0.0, |m| m.width());
        let (x, y) = view.to_screen(node.x + NODE_WIDTH / 2.0, node.y);
        let (x, y) = (f64::from(x) + 3.0, f64::from(y));
        [x, y - 9.0, x + width + 6.0, y + 9.0]
    }

    /// A node's label on a plate beside its box, legible at any zoom.
    fn callout(&self, view: &Viewport, node: &SceneNode, palette: &Palette) {
        let c = &self.context;
        let [left, top, right, bottom] = self.callout_plate(view, node);
        c.set_fill_style_str(palette.background);
        c.fill_rect(left, top, right - left, bottom - top);
        c.set_stroke_style_str(palette.ring);
        c.set_line_width(1.0);
        c.stroke_rect(left, top, right - left, bottom - top);
        c.set_fill_style_str(palette.text);
        c.set_text_baseline("middle");
        let _ = c.fill_text(&node.label, left + 3.0, (top + bottom) / 2.0);
        c.set_text_baseline("alphabetic");
    }

    /// One batch of edges of one colour and width, those that can show.
    fn edges<'s>(
        &self,
        scene: &Scene,
        view: &Viewport,
        edges: impl Iterator<Item = &'s SceneEdge>,
        colour: &str,
        width: f64,
    ) {
        let c = &self.context;
        let curves: Vec<[(f64, f64); 4]> = edges
            .map(|edge| edge_curve(&scene.nodes[edge.from], &scene.nodes[edge.to], view))
            .filter(|curve| may_show(curve, self.width, self.height))
            .collect();
        c.set_stroke_style_str(colour);
        c.set_line_width(line_width(width, curves.len(), view, self.ratio));
        for path in curves.chunks(EDGES_PER_PATH) {
            c.begin_path();
            for &[(x0, y0), (c0x, c0y), (c1x, c1y), (x1, y1)] in path {
                c.move_to(x0, y0);
                c.bezier_curve_to(c0x, c0y, c1x, c1y, x1, y1);
            }
            c.stroke();
        }
    }

    /// One batch of boxes of one style centred on world points, those that can show: one path,
    /// one fill, one stroke.
    fn boxes(&self, view: &Viewport, centres: impl Iterator<Item = (f32, f32)>, (fill, border): (&str, &str)) {
        let c = &self.context;
        let scale = f64::from(view.scale);
        let (w, h) = (f64::from(NODE_WIDTH) * scale, f64::from(NODE_HEIGHT) * scale);
        let mut count = 0;
        c.begin_path();
        for (cx, cy) in centres {
            let (x, y) = view.to_screen(cx, cy);
            let (left, top) = (f64::from(x) - w / 2.0, f64::from(y) - h / 2.0);
            if may_show(&[(left, top), (left + w, top + h)], self.width, self.height) {
                c.rect(left, top, w, h);
                count += 1;
            }
        }
        c.set_fill_style_str(fill);
        c.fill();
        c.set_stroke_style_str(border);
        c.set_line_width(line_width(1.5, count, view, self.ratio));
        c.stroke();
    }

    /// Rings around nodes, `gap` pixels outside their boxes.
    fn rings(&self, scene: &Scene, view: &Viewport, nodes: &[usize], colour: &str, width: f64, gap: f64) {
        let c = &self.context;
        let scale = f64::from(view.scale);
        let (w, h) = (f64::from(NODE_WIDTH) * scale + 2.0 * gap, f64::from(NODE_HEIGHT) * scale + 2.0 * gap);
        c.begin_path();
        for node in nodes.iter().filter_map(|&i| scene.nodes.get(i)) {
            let (x, y) = view.to_screen(node.x, node.y);
            c.rect(f64::from(x) - w / 2.0, f64::from(y) - h / 2.0, w, h);
        }
        c.set_stroke_style_str(colour);
        c.set_line_width(width);
        c.stroke();
    }
}

/// How far (world units) the back box of an aggregate's stack sits up and to the right.
const STACK_OFFSET: f32 = 5.0;

/// Most nodes named by callouts when labels are hidden.
const MAX_CALLOUTS: usize = 40;
/// The font of a folded group's count when names are too small to show, and the least height
/// (pixels) its box must have on screen for the count to be drawn.
const COUNT_FONT: &str = "600 9px system-ui, sans-serif";
const COUNT_MIN_HEIGHT: f64 = 9.0;
/// The callouts' font (set before measuring, so plates fit their text).
const CALLOUT_FONT: &str = "600 12px system-ui, sans-serif";
/// The least height (pixels) a region band must have on screen for its title, when names are
/// too small to show: the title's line (its baseline 18 px below the band's top) within it.
const BAND_TITLE_LEAST_HEIGHT: f64 = 18.0;
/// The columns' titles' font, and the smaller one for columns that stand close.
const COLUMN_FONT: &str = "600 12px system-ui, sans-serif";
const COLUMN_FONT_SMALL: &str = "600 10px system-ui, sans-serif";

impl Renderer for Canvas2d {
    fn draw(&mut self, scene: &Scene, view: &Viewport, look: &Look<'_>, palette: &Palette) {
        let c = &self.context;
        c.set_global_alpha(1.0);
        c.set_fill_style_str(palette.background);
        c.fill_rect(0.0, 0.0, self.width, self.height);
        self.lanes(scene, view, palette);

        // Edges, one batch per style and emphasis: dimmed first, then lit, cross-environment
        // edges last so they stay on top.
        let shown: Vec<(usize, &SceneEdge)> =
            scene.edges.iter().enumerate().filter(|(i, _)| look.shows_edge(scene, *i)).collect();
        for dimmed in [true, false] {
            for (style, colour, width) in [
                (EdgeStyle::Uses, palette.edge, 1.2),
                (EdgeStyle::Role, palette.edge, 1.0),
                (EdgeStyle::CrossEnvironment, palette.warning, 2.2),
            ] {
                let alpha = match (dimmed, style) {
                    (false, _) => 1.0,
                    (true, EdgeStyle::CrossEnvironment) => DIMMED_WARNING,
                    (true, _) => DIMMED,
                };
                let lit = !dimmed && look.highlight.is_active();
                // Lit edges are drawn heavier than they would be with nothing selected.
                let width = if lit { width + 1.0 } else { width };
                c.set_global_alpha(alpha);
                let batch = || shown.iter().filter(|(i, e)| e.style == style && look.is_edge_dimmed(*i) == dimmed);
                if lit {
                    // On a halo of the background: over a tenant's many dimmed edges, a lit path
                    // of the same colour would not stand out.
                    self.edges(scene, view, batch().map(|(_, e)| *e), palette.background, width + LIT_HALO);
                }
                self.edges(scene, view, batch().map(|(_, e)| *e), colour, width);
            }
        }

        // Nodes and aggregates, one batch per style and emphasis; an aggregate is a stack of two
        // boxes, the one behind a little up and to the right.
        let shown: Vec<(usize, &SceneNode)> =
            scene.nodes.iter().enumerate().filter(|(i, _)| !look.is_hidden(*i) && !scene.is_folded(*i)).collect();
        let aggregates: Vec<&SceneAggregate> =
            scene.aggregates.iter().filter(|a| scene.aggregate_shows(a, look.hidden)).collect();
        for dimmed in [true, false] {
            c.set_global_alpha(if dimmed { DIMMED + 0.1 } else { 1.0 });
            for style in NodeStyle::ALL {
                let batch = shown.iter().filter(|(i, n)| n.style == style && look.is_dimmed(*i) == dimmed);
                self.boxes(view, batch.map(|(_, n)| (n.x, n.y)), palette.node(style));
                let stacks: Vec<(f32, f32)> = aggregates
                    .iter()
                    .filter(|a| a.style == style && look.is_aggregate_dimmed(a) == dimmed)
                    .map(|a| (a.x, a.y))
                    .collect();
                self.boxes(
                    view,
                    stacks.iter().map(|&(x, y)| (x + STACK_OFFSET, y - STACK_OFFSET)),
                    palette.node(style),
                );
                self.boxes(view, stacks.into_iter(), palette.node(style));
            }
        }
        c.set_global_alpha(1.0);
        self.rings(scene, view, &look.highlight.marked, palette.ring, 3.0, 3.0);
        if let Some(focused) = look.focused {
            let _ = c.set_line_dash(&js_sys::Array::of2(&4.0.into(), &3.0.into()));
            self.rings(scene, view, &[focused], palette.ring, 2.0, 7.0);
            let _ = c.set_line_dash(&js_sys::Array::new());
        }

        if view.shows_labels() {
            let scale = f64::from(view.scale);
            let w = f64::from(NODE_WIDTH) * scale;
            c.set_fill_style_str(palette.text);
            c.set_font(&format!("{:.0}px system-ui, sans-serif", (12.0 * scale).clamp(9.0, 16.0)));
            c.set_text_baseline("middle");
            for (i, node) in &shown {
                // Fitting a label measures text several times: only for boxes in sight.
                let Some((left, _, y)) = self.box_in_sight(view, node.x, node.y) else { continue };
                c.set_global_alpha(if look.is_dimmed(*i) { DIMMED + 0.2 } else { 1.0 });
                let label = fit_label(c, &node.label, w - 16.0);
                let _ = c.fill_text(&label, left + 8.0, y);
            }
            for aggregate in &aggregates {
                let Some((left, _, y)) = self.box_in_sight(view, aggregate.x, aggregate.y) else { continue };
                c.set_global_alpha(if look.is_aggregate_dimmed(aggregate) { DIMMED + 0.2 } else { 1.0 });
                // The count first: a long name is cut short, the count never.
                let text = format!("{} · {}", number(aggregate.members.len()), aggregate.label);
                let label = fit_label(c, &text, w - 16.0);
                let _ = c.fill_text(&label, left + 8.0, y);
            }
            c.set_global_alpha(1.0);
            c.set_text_baseline("alphabetic");
        } else {
            // Too far out for names, a folded group's box still says how many it holds, while it
            // is tall enough for the digits: an overview of a tenant reads as counts, not as
            // blank boxes. A short name ("people", "groups") follows the count where it fits
            // whole; a cut one would say nothing.
            if f64::from(NODE_HEIGHT) * f64::from(view.scale) >= COUNT_MIN_HEIGHT {
                c.set_fill_style_str(palette.text);
                c.set_font(COUNT_FONT);
                c.set_text_align("center");
                c.set_text_baseline("middle");
                let room = f64::from(NODE_WIDTH) * f64::from(view.scale) - 6.0;
                for aggregate in &aggregates {
                    let Some((_, x, y)) = self.box_in_sight(view, aggregate.x, aggregate.y) else { continue };
                    c.set_global_alpha(if look.is_aggregate_dimmed(aggregate) { DIMMED + 0.2 } else { 1.0 });
                    let count = number(aggregate.members.len());
                    let named = format!("{count} {}", aggregate.label);
                    let fits = c.measure_text(&named).is_ok_and(|m| m.width() <= room);
                    let _ = c.fill_text(if fits { &named } else { &count }, x, y);
                }
                c.set_global_alpha(1.0);
                c.set_text_align("start");
                c.set_text_baseline("alphabetic");
            }
            // Too far out for every label: the selected and focused nodes still say what they are.
            // First come, first placed: a callout that would cover one already drawn is left out.
            let named = look.highlight.marked.iter().chain(look.focused.iter()).take(MAX_CALLOUTS);
            let mut placed: Vec<[f64; 4]> = Vec::new();
            for node in named.filter(|&&i| !look.is_hidden(i)).filter_map(|&i| scene.nodes.get(i)) {
                let plate = self.callout_plate(view, node);
                let overlaps = |p: &[f64; 4]| p[0] < plate[2] && plate[0] < p[2] && p[1] < plate[3] && plate[1] < p[3];
                if !placed.iter().any(overlaps) {
                    self.callout(view, node, palette);
                    placed.push(plate);
                }
            }
        }
        self.column_titles(scene, view, palette);
    }
}
