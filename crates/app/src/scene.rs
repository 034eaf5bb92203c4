//! How the scene is seen: the viewport that maps world units to screen pixels (pan, zoom,
//! fit, centre), and what a filter hides and a selection lights.
//!
//! The [`Scene`] itself comes from the worker; this is the page's side of it. Pure Rust with
//! no browser types, so it is tested natively; a [`crate::render::Renderer`] turns it into
//! pixels.

pub use blastmap_worker::scene::{
    EdgeStyle, NODE_HEIGHT, NODE_WIDTH, NodeStyle, Scene, SceneAggregate, SceneBand, SceneEdge, SceneNode,
};

use crate::selection::Highlight;

/// Below this zoom, labels are not drawn (level of detail).
pub const LABEL_MIN_SCALE: f32 = 0.45;

/// How the scene looks right now: what a filter hides, what a selection lights, and which
/// node has the keyboard's attention.
#[derive(Copy, Clone, Debug)]
pub struct Look<'a> {
    /// Per node: hidden by a filter (empty: none hidden).
    pub hidden: &'a [bool],
    /// What a selection lights.
    pub highlight: &'a Highlight,
    /// The node keyboard navigation is on.
    pub focused: Option<usize>,
}

impl Look<'_> {
    /// Whether node `i` is hidden.
    pub fn is_hidden(&self, i: usize) -> bool {
        self.hidden.get(i).copied().unwrap_or(false)
    }

    /// Whether node `i` is dimmed by a selection it is not part of.
    pub fn is_dimmed(&self, i: usize) -> bool {
        self.highlight.is_active() && !self.highlight.nodes.get(i).copied().unwrap_or(false)
    }

    /// Whether edge `i` is dimmed by a selection it is not part of.
    pub fn is_edge_dimmed(&self, i: usize) -> bool {
        self.highlight.is_active() && !self.highlight.edges.get(i).copied().unwrap_or(false)
    }

    /// Whether an aggregate is dimmed: a selection lights none of its members.
    pub fn is_aggregate_dimmed(&self, aggregate: &SceneAggregate) -> bool {
        aggregate.members.iter().all(|&m| self.is_dimmed(m as usize))
    }

    /// Whether edge `i` of `scene` is drawn: once per pair of boxes, or whenever it is lit; never
    /// when hidden, or inside one aggregate.
    pub fn shows_edge(&self, scene: &Scene, i: usize) -> bool {
        let Some(edge) = scene.edges.get(i) else { return false };
        let inside = scene.is_folded(edge.from) && scene.folded.get(edge.from) == scene.folded.get(edge.to);
        let lit = self.highlight.is_active() && !self.is_edge_dimmed(i);
        !self.is_hidden(edge.from) && !self.is_hidden(edge.to) && !inside && (edge.drawn || lit)
    }
}

/// Most lines of a batch drawn as wide as their style says when zoomed out; more are drawn one
/// device pixel wide. Lines wider than a device pixel cost a software rasteriser (Chromium
/// without a GPU) 10 to 20 times as much as hairlines: 100,000 curves took 0.6 s at one pixel
/// and 6 to 16 s at 1.2 to 2.2 pixels (measured, Chromium 156, 2 cores). Zoomed out, a
/// picture of thousands of edges cannot show their width anyway.
pub const MAX_WIDE_LINES: usize = 2_000;

/// The width to stroke a batch of `count` lines whose style asks for `width` CSS pixels, on a
/// screen of `ratio` device pixels per CSS pixel.
pub fn line_width(width: f64, count: usize, view: &Viewport, ratio: f64) -> f64 {
    if view.shows_labels() || count <= MAX_WIDE_LINES { width } else { 1.0 / ratio.max(1.0) }
}

/// Whether a shape whose points (a curve's ends and control points, which bound it) are
/// `points` can show in a `width` × `height` pixel area.
pub fn may_show(points: &[(f64, f64)], width: f64, height: f64) -> bool {
    let (mut left, mut top, mut right, mut bottom) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &(x, y) in points {
        (left, right, top, bottom) = (left.min(x), right.max(x), top.min(y), bottom.max(y));
    }
    left <= width && right >= 0.0 && top <= height && bottom >= 0.0
}

/// Maps world units to screen pixels: `screen = world * scale + offset`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Viewport {
    /// Pixels per world unit.
    pub scale: f32,
    /// Screen x of world x = 0.
    pub offset_x: f32,
    /// Screen y of world y = 0.
    pub offset_y: f32,
}

/// Space kept around the scene when fitting, in pixels (column titles sit above y = 0).
const FIT_MARGIN: f32 = 36.0;
const MIN_SCALE: f32 = 0.05;
const MAX_SCALE: f32 = 4.0;

impl Default for Viewport {
    fn default() -> Self {
        Viewport { scale: 1.0, offset_x: 0.0, offset_y: 0.0 }
    }
}

impl Viewport {
    /// The viewport that shows the whole scene in a `width` × `height` pixel area, at most 1:1.
    pub fn fit(scene: &Scene, width: f32, height: f32) -> Viewport {
        let (w, h) = (scene.width.max(1.0), scene.height.max(1.0));
        let scale = ((width - 2.0 * FIT_MARGIN) / w).min((height - 2.0 * FIT_MARGIN) / h).clamp(MIN_SCALE, 1.0);
        Viewport { scale, offset_x: ((width - w * scale) / 2.0).max(FIT_MARGIN.min(width / 2.0)), offset_y: FIT_MARGIN }
    }

    /// The viewport that shows the boxes of `nodes` (at most 1:1) in the middle of a
    /// `width` × `height` pixel area; `None` when there are none.
    pub fn fit_nodes(scene: &Scene, nodes: &[usize], width: f32, height: f32) -> Option<Viewport> {
        let boxes = nodes.iter().filter_map(|&i| scene.nodes.get(i));
        let (mut left, mut top, mut right, mut bottom) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for node in boxes {
            left = left.min(node.x - NODE_WIDTH / 2.0);
            right = right.max(node.x + NODE_WIDTH / 2.0);
            top = top.min(node.y - NODE_HEIGHT / 2.0);
            bottom = bottom.max(node.y + NODE_HEIGHT / 2.0);
        }
        if left > right {
            return None;
        }
        let (w, h) = ((right - left).max(1.0), (bottom - top).max(1.0));
        let scale = ((width - 2.0 * FIT_MARGIN) / w).min((height - 2.0 * FIT_MARGIN) / h).clamp(MIN_SCALE, 1.0);
        let (cx, cy) = ((left + right) / 2.0, (top + bottom) / 2.0);
        Some(Viewport { scale, offset_x: width / 2.0 - cx * scale, offset_y: height / 2.0 - cy * scale })
    }

    /// Screen position of a world point.
    pub fn to_screen(&self, x: f32, y: f32) -> (f32, f32) {
        (x * self.scale + self.offset_x, y * self.scale + self.offset_y)
    }

    /// World position of a screen point.
    pub fn to_world(&self, x: f32, y: f32) -> (f32, f32) {
        ((x - self.offset_x) / self.scale, (y - self.offset_y) / self.scale)
    }

    /// Moves the picture by a screen distance.
    pub fn pan(self, dx: f32, dy: f32) -> Viewport {
        Viewport { offset_x: self.offset_x + dx, offset_y: self.offset_y + dy, ..self }
    }

    /// Zooms by `factor`, keeping the world point under the screen point `(x, y)` in place.
    pub fn zoom_at(self, factor: f32, x: f32, y: f32) -> Viewport {
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        let (wx, wy) = self.to_world(x, y);
        Viewport { scale, offset_x: x - wx * scale, offset_y: y - wy * scale }
    }

    /// The same zoom (at least legible, so the node can be read) with the world point `(x, y)`
    /// in the middle of a `width` × `height` area.
    pub fn centre_on(self, x: f32, y: f32, width: f32, height: f32) -> Viewport {
        let scale = self.scale.max(LABEL_MIN_SCALE);
        Viewport { scale, offset_x: width / 2.0 - x * scale, offset_y: height / 2.0 - y * scale }
    }

    /// Whether the whole box of a node at world `(x, y)` lies in a `width` × `height` area.
    pub fn shows_whole(&self, x: f32, y: f32, width: f32, height: f32) -> bool {
        let (left, top) = self.to_screen(x - NODE_WIDTH / 2.0, y - NODE_HEIGHT / 2.0);
        let (right, bottom) = self.to_screen(x + NODE_WIDTH / 2.0, y + NODE_HEIGHT / 2.0);
        left >= 0.0 && top >= 0.0 && right <= width && bottom <= height
    }

    /// Whether labels are legible at this zoom.
    pub fn shows_labels(&self) -> bool {
        self.scale >= LABEL_MIN_SCALE
    }
}

/// The fingers on the canvas (pointer id and position on the canvas, in order of touching): one
/// pans the picture, two pinch-zoom it about the point between them (further fingers are
/// ignored until one of the first two lifts).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Touches {
    points: Vec<(i32, f32, f32)>,
}

impl Touches {
    /// A finger touched at `(x, y)`.
    pub fn down(&mut self, id: i32, x: f32, y: f32) {
        self.points.retain(|&(p, _, _)| p != id);
        self.points.push((id, x, y));
    }

    /// A finger lifted (or the browser took the gesture over).
    pub fn up(&mut self, id: i32) {
        self.points.retain(|&(p, _, _)| p != id);
    }

    /// Finger `id` moved to `(x, y)`: the viewport after `view` follows the gesture; `None` when
    /// the finger is not one of the first two on the canvas.
    pub fn moved(&mut self, id: i32, x: f32, y: f32, view: Viewport) -> Option<Viewport> {
        let at = self.points.iter().take(2).position(|&(p, _, _)| p == id)?;
        let before = self.gesture();
        self.points[at] = (id, x, y);
        let after = self.gesture();
        let ((bx, by, bd), (ax, ay, ad)) = (before?, after?);
        let zoomed = if bd > 0.0 && ad > 0.0 { view.zoom_at(ad / bd, bx, by) } else { view };
        // The world point that was between the fingers stays between them.
        Some(zoomed.pan(ax - bx, ay - by))
    }

    /// The point between the first two fingers and their distance (one finger: it, and 0).
    fn gesture(&self) -> Option<(f32, f32, f32)> {
        match self.points.as_slice() {
            [] => None,
            [(_, x, y)] => Some((*x, *y, 0.0)),
            [(_, x1, y1), (_, x2, y2), ..] => Some(((x1 + x2) / 2.0, (y1 + y2) / 2.0, (x2 - x1).hypot(y2 - y1))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_analysis::Environment;

    #[test]
    fn one_finger_pans_and_two_pinch_zoom_about_the_point_between_them() {
        let view = Viewport { scale: 1.0, offset_x: 10.0, offset_y: 20.0 };
        let mut touches = Touches::default();
        assert_eq!(touches.moved(1, 5.0, 5.0, view), None, "no finger down");
        touches.down(1, 100.0, 100.0);
        let panned = touches.moved(1, 130.0, 90.0, view).expect("a pan");
        assert_eq!((panned.scale, panned.offset_x, panned.offset_y), (1.0, 40.0, 10.0));

        touches.down(2, 230.0, 90.0);
        let world = panned.to_world(180.0, 90.0);
        // Fingers 100 px apart move to 200 px apart, one after the other, their middle moving away
        // and back to (180, 90).
        let first = touches.moved(1, 80.0, 90.0, panned).expect("a pinch");
        let pinched = touches.moved(2, 280.0, 90.0, first).expect("a pinch");
        assert!((pinched.scale - 2.0).abs() < 1e-3, "{pinched:?}");
        let (x, y) = pinched.to_screen(world.0, world.1);
        assert!((x - 180.0).abs() < 1e-3 && (y - 90.0).abs() < 1e-3, "what was between the fingers stays: {x}, {y}");

        touches.down(3, 0.0, 0.0);
        assert_eq!(touches.moved(3, 50.0, 50.0, pinched), None, "a third finger is ignored");
        touches.up(1);
        touches.up(3);
        let after = touches.moved(2, 290.0, 90.0, pinched).expect("the finger left pans");
        assert_eq!((after.scale, after.offset_x), (pinched.scale, pinched.offset_x + 10.0));
    }

    fn scene() -> Scene {
        Scene {
            nodes: vec![
                SceneNode { x: 100.0, y: 50.0, style: NodeStyle::Source, label: "a".into(), lane: Environment::Dev },
                SceneNode { x: 400.0, y: 50.0, style: NodeStyle::Identity, label: "b".into(), lane: Environment::Dev },
            ],
            width: 1000.0,
            height: 500.0,
            ..Scene::default()
        }
    }

    #[test]
    fn fitting_nodes_shows_just_them() {
        let s = scene();
        let v = Viewport::fit_nodes(&s, &[0, 1], 1000.0, 600.0).expect("two nodes");
        let (left, _) = v.to_screen(100.0 - NODE_WIDTH / 2.0, 50.0);
        let (right, _) = v.to_screen(400.0 + NODE_WIDTH / 2.0, 50.0);
        assert!(left >= 0.0 && right <= 1000.0, "{left} {right}");
        assert!((left + right - 1000.0).abs() < 0.01, "centred");
        assert_eq!(v.scale, 1.0, "no closer than 1:1");
        assert!(s.nodes.iter().take(2).all(|n| v.shows_whole(n.x, n.y, 1000.0, 600.0)));
        assert!(!v.shows_whole(100.0, 50.0, 300.0, 600.0), "the first box ends past a narrower area");
        assert_eq!(Viewport::fit_nodes(&s, &[], 1000.0, 600.0), None);
        assert_eq!(Viewport::fit_nodes(&s, &[7], 1000.0, 600.0), None, "indices outside the scene are ignored");
    }

    #[test]
    fn centring_puts_a_node_in_the_middle_at_a_legible_zoom() {
        let v = Viewport { scale: 0.1, offset_x: 0.0, offset_y: 0.0 }.centre_on(400.0, 50.0, 800.0, 600.0);
        assert_eq!(v.to_screen(400.0, 50.0), (400.0, 300.0));
        assert!(v.shows_labels());
        let close = Viewport { scale: 2.0, offset_x: 0.0, offset_y: 0.0 }.centre_on(400.0, 50.0, 800.0, 600.0);
        assert_eq!(close.scale, 2.0, "a legible zoom is kept");
    }

    #[test]
    fn a_selection_dims_what_it_does_not_light() {
        let highlight = Highlight { nodes: vec![true, false], edges: vec![false], marked: vec![0] };
        let look = Look { hidden: &[], highlight: &highlight, focused: None };
        assert!(!look.is_dimmed(0) && look.is_dimmed(1) && look.is_edge_dimmed(0));
        let none = Highlight::none();
        let look = Look { hidden: &[false, true], highlight: &none, focused: None };
        assert!(!look.is_dimmed(1) && !look.is_edge_dimmed(0) && look.is_hidden(1) && !look.is_hidden(0));
    }

    #[test]
    fn many_lines_are_hairlines_when_zoomed_out_and_offscreen_curves_are_skipped() {
        let far = Viewport { scale: 0.1, offset_x: 0.0, offset_y: 0.0 };
        let near = Viewport { scale: 1.0, ..far };
        assert_eq!(line_width(2.2, MAX_WIDE_LINES, &far, 1.0), 2.2, "a few lines keep their width");
        assert_eq!(line_width(2.2, MAX_WIDE_LINES + 1, &far, 2.0), 0.5, "one device pixel");
        assert_eq!(line_width(2.2, 100_000, &near, 1.0), 2.2, "zoomed in, widths show");
        assert!(may_show(&[(-50.0, 10.0), (30.0, 10.0)], 800.0, 600.0), "crosses the left edge");
        assert!(may_show(&[(-50.0, -10.0), (900.0, 700.0)], 800.0, 600.0), "spans the area");
        assert!(!may_show(&[(-50.0, 10.0), (-5.0, 500.0)], 800.0, 600.0), "all left of it");
        assert!(!may_show(&[(10.0, 610.0), (700.0, 900.0)], 800.0, 600.0), "all below it");
    }

    #[test]
    fn screen_and_world_round_trip() {
        let v = Viewport { scale: 0.5, offset_x: 10.0, offset_y: -20.0 };
        let (sx, sy) = v.to_screen(300.0, 200.0);
        assert_eq!((sx, sy), (160.0, 80.0));
        assert_eq!(v.to_world(sx, sy), (300.0, 200.0));
    }

    #[test]
    fn zoom_keeps_the_point_under_the_cursor() {
        let v = Viewport { scale: 1.0, offset_x: 0.0, offset_y: 0.0 };
        let before = v.to_world(200.0, 100.0);
        let zoomed = v.zoom_at(2.0, 200.0, 100.0);
        assert_eq!(zoomed.scale, 2.0);
        assert_eq!(zoomed.to_world(200.0, 100.0), before);
        assert_eq!(v.zoom_at(1000.0, 0.0, 0.0).scale, MAX_SCALE, "zoom is bounded");
    }

    #[test]
    fn fit_shows_the_whole_scene() {
        let s = scene();
        let v = Viewport::fit(&s, 800.0, 600.0);
        let (x0, y0) = v.to_screen(0.0, 0.0);
        let (x1, y1) = v.to_screen(s.width, s.height);
        assert!(x0 >= 0.0 && y0 >= 0.0 && x1 <= 800.0 && y1 <= 600.0, "{x0} {y0} {x1} {y1}");
        assert!(v.scale <= 1.0);
        assert!(!Viewport::fit(&s, 100.0, 100.0).shows_labels(), "a tiny area hides labels");
    }
}
