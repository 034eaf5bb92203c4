//! Turning a [`Scene`] into pixels.
//!
//! The [`Renderer`] trait is the seam: Canvas 2D today, WebGL when graphs outgrow it. Drawing
//! is batched by style (one path and one stroke per edge style, one fill per node style)
//! because the cost on a canvas is in state changes and rasterisation, not in calls.

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::scene::{EdgeStyle, NODE_HEIGHT, NODE_WIDTH, NodeStyle, Scene, Viewport};

/// Something that draws a scene through a viewport.
pub trait Renderer {
    /// Draws the whole scene.
    fn draw(&mut self, scene: &Scene, view: &Viewport);
}

/// Colours, from the Okabe–Ito palette so that kinds stay distinguishable with colour-blind
/// vision; the warning colour (vermillion) is reserved for edges that cross environments.
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
}

/// The light palette.
pub const LIGHT: Palette = Palette {
    background: "#ffffff",
    lanes: ["#f4f6f8", "#eaeef2"],
    titles: "#57606a",
    text: "#1f2328",
    edge: "#8c959f",
    warning: "#d55e00",
};

/// Fill and border of a node style.
pub fn node_colours(style: NodeStyle) -> (&'static str, &'static str) {
    match style {
        NodeStyle::Actor => ("#f5e1ee", "#cc79a7"),
        NodeStyle::Source => ("#d9ebf7", "#0072b2"),
        NodeStyle::Identity => ("#fcefd2", "#e69f00"),
        NodeStyle::SystemIdentity => ("#fdf6e3", "#e69f00"),
        NodeStyle::Target => ("#d6f0e6", "#009e73"),
    }
}

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
}

impl Canvas2d {
    /// Prepares `canvas` for drawing: sizes its backing store to its CSS size times the
    /// device pixel ratio. `None` when the browser gives no 2D context.
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Canvas2d> {
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let (width, height) = (f64::from(canvas.client_width()), f64::from(canvas.client_height()));
        canvas.set_width((width * ratio).round() as u32);
        canvas.set_height((height * ratio).round() as u32);
        let context = canvas.get_context("2d").ok()??.dyn_into::<CanvasRenderingContext2d>().ok()?;
        context.set_transform(ratio, 0.0, 0.0, ratio, 0.0, 0.0).ok()?;
        Some(Canvas2d { context, width, height })
    }

    /// The drawing area in CSS pixels.
    pub fn size(&self) -> (f32, f32) {
        (self.width as f32, self.height as f32)
    }
}

impl Renderer for Canvas2d {
    fn draw(&mut self, scene: &Scene, view: &Viewport) {
        let c = &self.context;
        let palette = &LIGHT;
        let scale = f64::from(view.scale);
        c.set_fill_style_str(palette.background);
        c.fill_rect(0.0, 0.0, self.width, self.height);

        // Lanes, full width, with their titles pinned to the left edge of the screen.
        for (i, lane) in scene.lanes.iter().enumerate() {
            let (_, top) = view.to_screen(0.0, lane.top);
            let height = f64::from(lane.height) * scale;
            c.set_fill_style_str(palette.lanes[i % 2]);
            c.fill_rect(0.0, f64::from(top), self.width, height);
            c.set_fill_style_str(palette.titles);
            c.set_font("600 13px system-ui, sans-serif");
            let _ = c.fill_text(&lane.title, 10.0, f64::from(top) + 18.0);
        }
        if view.shows_labels() {
            c.set_font("12px system-ui, sans-serif");
            c.set_fill_style_str(palette.titles);
            for band in &scene.bands {
                let (_, top) = view.to_screen(0.0, band.top);
                // Right of the longest lane title ("UNKNOWN").
                let _ = c.fill_text(&band.title, 96.0, f64::from(top) + 18.0);
            }
            c.set_font("600 12px system-ui, sans-serif");
            for (x, title) in &scene.columns {
                let (sx, sy) = view.to_screen(*x, 0.0);
                c.set_text_align("center");
                let _ = c.fill_text(&title.to_uppercase(), f64::from(sx), f64::from(sy) - 10.0);
            }
            c.set_text_align("start");
        }

        // Edges, one batch per style; cross-environment edges last so they stay on top.
        for (style, colour, width) in [
            (EdgeStyle::Uses, palette.edge, 1.2),
            (EdgeStyle::Role, palette.edge, 1.0),
            (EdgeStyle::CrossEnvironment, palette.warning, 2.2),
        ] {
            c.begin_path();
            for edge in scene.edges.iter().filter(|e| e.style == style) {
                let (a, b) = (&scene.nodes[edge.from], &scene.nodes[edge.to]);
                let half = NODE_WIDTH / 2.0;
                // Rightwards edges leave from the right side and enter on the left; leftwards
                // ones the other way round; edges within a column arc out to its right.
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
                c.move_to(x0, y0);
                c.bezier_curve_to(c0, y0, c1, y1, x1, y1);
            }
            c.set_stroke_style_str(colour);
            c.set_line_width(width);
            c.stroke();
        }

        // Nodes, one batch per style.
        let (w, h) = (f64::from(NODE_WIDTH) * scale, f64::from(NODE_HEIGHT) * scale);
        for style in
            [NodeStyle::Actor, NodeStyle::Source, NodeStyle::Identity, NodeStyle::SystemIdentity, NodeStyle::Target]
        {
            let (fill, border) = node_colours(style);
            c.begin_path();
            for node in scene.nodes.iter().filter(|n| n.style == style) {
                let (x, y) = view.to_screen(node.x, node.y);
                c.rect(f64::from(x) - w / 2.0, f64::from(y) - h / 2.0, w, h);
            }
            c.set_fill_style_str(fill);
            c.fill();
            c.set_stroke_style_str(border);
            c.set_line_width(1.5);
            c.stroke();
        }
        if view.shows_labels() {
            c.set_fill_style_str(palette.text);
            c.set_font(&format!("{:.0}px system-ui, sans-serif", (12.0 * scale).clamp(9.0, 16.0)));
            c.set_text_baseline("middle");
            for node in &scene.nodes {
                let (x, y) = view.to_screen(node.x, node.y);
                let label = fit_label(c, &node.label, w - 16.0);
                let _ = c.fill_text(&label, f64::from(x) - w / 2.0 + 8.0, f64::from(y));
            }
            c.set_text_baseline("alphabetic");
        }
    }
}
