//! Browser unit tests: the real renderer on a real canvas in headless Chromium.
#![cfg(target_arch = "wasm32")]
// Clippy allows unwrap in `#[test]`s but does not know `#[wasm_bindgen_test]` is one.
#![allow(clippy::unwrap_used)]

use blastmap_analysis::radius::Mode;
use blastmap_app::render::{Canvas2d, DARK, LIGHT, Palette, Renderer};
use blastmap_app::scene::{Look, NodeStyle, Viewport};
use blastmap_app::selection::{Direction, Highlight, Selected};
use blastmap_worker::browser::InBrowser;
use blastmap_worker::scene::{Scene, SceneAggregate, SceneBand};
use blastmap_worker::session::{Analysis, FileBytes, OpenFile};
use blastmap_worker::settings::Settings;
use blastmap_worker::wire::Question;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

wasm_bindgen_test_configure!(run_in_browser);

fn canvas(width: u32, height: u32) -> HtmlCanvasElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let canvas: HtmlCanvasElement = document.create_element("canvas").unwrap().dyn_into().unwrap();
    let style = canvas.style();
    style.set_property("width", &format!("{width}px")).unwrap();
    style.set_property("height", &format!("{height}px")).unwrap();
    style.set_property("display", "block").unwrap();
    document.body().unwrap().append_child(&canvas).unwrap();
    canvas
}

/// The colour of a CSS pixel, read back from the canvas.
fn pixel(canvas: &HtmlCanvasElement, x: f32, y: f32) -> [u8; 3] {
    let ratio = web_sys::window().unwrap().device_pixel_ratio();
    let context: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let data = context.get_image_data(f64::from(x) * ratio, f64::from(y) * ratio, 1.0, 1.0).unwrap().data();
    [data[0], data[1], data[2]]
}

fn hex(colour: &str) -> [u8; 3] {
    let byte = |i: usize| u8::from_str_radix(&colour[i..i + 2], 16).unwrap();
    [byte(1), byte(3), byte(5)]
}

fn sample() -> Analysis {
    Analysis::sample(&Settings::default())
}

#[wasm_bindgen_test]
fn the_sample_is_analysed_in_the_browser() {
    let snapshot = sample().snapshot();
    let summary = snapshot.summary;
    assert_eq!((summary.user_assigned_identities, summary.sources, summary.errors), (4, 5, 0));
    assert!(snapshot.scene.nodes.len() > 15);
}

#[wasm_bindgen_test]
fn nodes_are_drawn_where_the_scene_puts_them() {
    let analysis = sample();
    let scene = &analysis.scene;
    let element = canvas(1200, 800);
    let mut renderer = Canvas2d::new(&element).expect("a 2D context");
    assert_eq!(renderer.size(), (1200.0, 800.0));
    let view = Viewport::fit(scene, 1200.0, 800.0);
    let none = Highlight::none();
    let look = Look { hidden: &[], highlight: &none, focused: None };
    for palette in [&LIGHT, &DARK] {
        renderer.draw(scene, &view, &look, palette);
        for style in [NodeStyle::Source, NodeStyle::Identity, NodeStyle::Target] {
            let node = scene.nodes.iter().find(|n| n.style == style).unwrap();
            assert_eq!(
                fill_of(&element, &view, node.x, node.y),
                hex(palette.node(style).0),
                "{style:?} {}",
                node.label
            );
        }
        // Far right of the last column is lane background, not a node.
        let (x, y) = view.to_screen(scene.width - 2.0, scene.nodes[0].y);
        assert_ne!(pixel(&element, x, y), hex(palette.node(NodeStyle::Source).0));
    }
    element.remove();
}

/// The colour just inside a node box's left edge: its fill, not its label.
fn fill_of(element: &HtmlCanvasElement, view: &Viewport, x: f32, y: f32) -> [u8; 3] {
    let (x, y) = view.to_screen(x - 95.0, y - 10.0);
    pixel(element, x, y)
}

#[wasm_bindgen_test]
fn a_selection_dims_the_rest_and_hidden_nodes_are_not_drawn() {
    let analysis = sample();
    let scene = &analysis.scene;
    let element = canvas(1200, 800);
    let mut renderer = Canvas2d::new(&element).unwrap();
    let view = Viewport::fit(scene, 1200.0, 800.0);
    let at = |label: &str| scene.nodes.iter().position(|n| n.label == label).unwrap();
    let (app, uat) = (at("app-orders-dev"), at("app-orders-uat"));
    let question = Question::Node { node: app as u32, mode: Mode::Transitive, direction: Direction::Radius };
    let selected = Selected::of(analysis.answer(&question), scene.nodes.len(), scene.edges.len());
    let look = Look { hidden: &[], highlight: &selected.highlight, focused: None };
    let palette: &Palette = &LIGHT;
    renderer.draw(scene, &view, &look, palette);
    let fill = hex(palette.node(NodeStyle::Source).0);
    assert_eq!(fill_of(&element, &view, scene.nodes[app].x, scene.nodes[app].y), fill, "lit");
    assert_ne!(fill_of(&element, &view, scene.nodes[uat].x, scene.nodes[uat].y), fill, "dimmed");

    let mut hidden = vec![false; scene.nodes.len()];
    hidden[uat] = true;
    let none = Highlight::none();
    renderer.draw(scene, &view, &Look { hidden: &hidden, highlight: &none, focused: None }, palette);
    assert_ne!(fill_of(&element, &view, scene.nodes[uat].x, scene.nodes[uat].y), fill, "hidden");
    assert_eq!(fill_of(&element, &view, scene.nodes[app].x, scene.nodes[app].y), fill, "shown");
    element.remove();
}

#[wasm_bindgen_test]
fn a_click_on_screen_finds_its_node() {
    let analysis = sample();
    let scene = &analysis.scene;
    let element = canvas(900, 700);
    let renderer = Canvas2d::new(&element).unwrap();
    let (w, h) = renderer.size();
    let view = Viewport::fit(scene, w, h).zoom_at(1.7, 300.0, 200.0).pan(-40.0, 25.0);
    for (index, node) in scene.nodes.iter().enumerate() {
        let (x, y) = view.to_screen(node.x, node.y);
        let (wx, wy) = view.to_world(x, y);
        assert_eq!(scene.hit(wx, wy, &[]), Some(blastmap_worker::scene::Hit::Node(index)), "{}", node.label);
    }
    element.remove();
}

#[wasm_bindgen_test]
fn a_broken_file_is_reported_and_the_rest_still_shows() {
    let broken = OpenFile::here("broken.json", b"{\"schema\": ".to_vec());
    let snapshot = Analysis::load(&[broken, OpenFile::sample()], &Settings::default(), |_| {}).snapshot();
    assert_eq!(snapshot.summary.errors, 1);
    assert!(snapshot.files[0].diagnostics[0].message.starts_with("not valid JSON"));
    assert_eq!(snapshot.summary.user_assigned_identities, 4);
}

/// A scene of one folded group of `members`, at (500, 200) of 1000 × 400.
fn folded_group(style: NodeStyle, label: &str, members: u32) -> Scene {
    Scene {
        width: 1000.0,
        height: 400.0,
        aggregates: vec![SceneAggregate {
            x: 500.0,
            y: 200.0,
            style,
            label: label.into(),
            members: (0..members).collect(),
            lane: blastmap_analysis::Environment::Prod,
        }],
        ..Scene::default()
    }
}

/// How many pixels of an area (see [`dark_pixels`]) are dark once `scene` is drawn in `view`,
/// too far out for names, with nothing selected, on a new 600 × 300 canvas.
fn inked_zoomed_out(scene: &Scene, view: Viewport, centre: (f32, f32), size: (f32, f32)) -> usize {
    assert!(!view.shows_labels(), "too far out for names at {}", view.scale);
    let element = canvas(600, 300);
    let mut renderer = Canvas2d::new(&element).unwrap();
    let none = Highlight::none();
    renderer.draw(scene, &view, &Look { hidden: &[], highlight: &none, focused: None }, &LIGHT);
    let inked = dark_pixels(&element, centre, size);
    element.remove();
    inked
}

#[wasm_bindgen_test]
fn zoomed_out_past_names_a_folded_group_still_shows_its_count() {
    let scene = folded_group(NodeStyle::Source, "rg-orders-prod", 1234);
    let inked = |scale: f32| {
        let view = Viewport { scale, offset_x: 300.0 - 500.0 * scale, offset_y: 150.0 - 200.0 * scale };
        // The middle of the box, clear of its border even when it is 6 px tall: where "1,234" is.
        inked_zoomed_out(&scene, view, (300.0, 150.0), (24.0, 4.0))
    };
    assert!(inked(0.4) > 0, "a box 12 px tall shows its count");
    assert_eq!(inked(0.2), 0, "a box 6 px tall is too small for digits");
}

/// Zoomed out past names, a folded group with a short name says it after its count, and one
/// whose name would be cut says only its count.
#[wasm_bindgen_test]
fn zoomed_out_a_short_group_name_follows_its_count() {
    // At 0.4 the box is 80 px wide and 12 px tall: "12 people" fits, centred; "12" alone
    // leaves the box's right part blank.
    let view = Viewport { scale: 0.4, offset_x: 300.0 - 200.0, offset_y: 150.0 - 80.0 };
    let right_of_count =
        |label: &str| inked_zoomed_out(&folded_group(NodeStyle::Actor, label, 12), view, (318.0, 150.0), (14.0, 4.0));
    assert!(right_of_count("people") > 0, "12 people");
    assert_eq!(right_of_count("rg-orders-prod-westeurope"), 0, "12, the name would be cut");
}

/// Zoomed out past names, the columns still say what they are: in full where there is room, by
/// their first word where they stand close, and not at all where not even that fits.
#[wasm_bindgen_test]
fn zoomed_out_the_columns_keep_their_titles() {
    let titles = ["people & pipelines", "sources", "identities", "targets"];
    let scene = Scene {
        width: 1000.0,
        height: 400.0,
        columns: titles.iter().enumerate().map(|(at, t)| (100.0 + 250.0 * at as f32, (*t).to_owned())).collect(),
        ..Scene::default()
    };
    // The titles sit 10 px above the picture's top, which this view puts 100 px down.
    let inked_at = |scale: f32, x: f32, width: f32| {
        inked_zoomed_out(&scene, Viewport { scale, offset_x: 0.0, offset_y: 100.0 }, (x, 85.0), (width, 10.0))
    };
    // Columns 100 px apart: "PEOPLE & PIPELINES" does not fit, "PEOPLE" does; its right half
    // ends before "& PIPELINES" would begin.
    assert!(inked_at(0.4, 40.0 + 10.0, 20.0) > 0, "the first word, centred on its column");
    assert_eq!(inked_at(0.4, 40.0 + 45.0, 20.0), 0, "not the whole title");
    assert!(inked_at(0.4, 240.0, 30.0) > 0, "IDENTITIES");
    // Columns 25 px apart: nothing fits.
    assert_eq!(inked_at(0.1, 60.0, 120.0), 0);
}

/// Zoomed out past names, a region band says its region where it is tall enough for the line.
#[wasm_bindgen_test]
fn zoomed_out_a_tall_enough_band_keeps_its_region() {
    let band = |top: f32, height: f32, title: &str| SceneBand { top, height, title: title.to_owned() };
    // At a scale of 0.4: 40 px tall from y 0, then 16 px tall from y 40.
    let scene = Scene {
        width: 1000.0,
        height: 400.0,
        bands: vec![band(0.0, 100.0, "westeurope"), band(100.0, 40.0, "eastus")],
        ..Scene::default()
    };
    let view = Viewport { scale: 0.4, offset_x: 0.0, offset_y: 0.0 };
    // Titles start 96 px in, with their baseline 18 px below the band's top.
    assert!(inked_zoomed_out(&scene, view, (120.0, 13.0), (40.0, 8.0)) > 0, "westeurope, 40 px tall");
    assert_eq!(inked_zoomed_out(&scene, view, (120.0, 53.0), (40.0, 8.0)), 0, "eastus, 16 px tall");
}

/// Files the page sends stay in the browser's memory until read: copied in a piece at a time
/// from a real `Uint8Array`, a tenant gives the analysis it gives from the worker's own memory.
#[wasm_bindgen_test]
fn files_in_the_browsers_memory_load_as_files_in_the_workers() {
    let tenant = blastmap_synth::generate(&blastmap_synth::TenantSpec { resources: 300, seed: 8 });
    let here: Vec<OpenFile> = tenant.files.iter().map(|f| OpenFile::here(f.name, f.bytes.clone())).collect();
    let there: Vec<OpenFile> = tenant
        .files
        .iter()
        .map(|f| OpenFile {
            name: f.name.to_owned(),
            bytes: Ok(FileBytes::There(std::rc::Rc::new(InBrowser(js_sys::Uint8Array::from(f.bytes.as_slice()))))),
        })
        .collect();
    let settings = Settings::default();
    let from_there = Analysis::load(&there, &settings, |_| {}).snapshot();
    assert_eq!(from_there, Analysis::load(&here, &settings, |_| {}).snapshot());
    assert_eq!(from_there.summary.resources, tenant.counts.resources);
}

/// How many pixels of a `width` × `height` CSS-pixel area centred on `(x, y)` are dark (text on
/// a light box: antialiased glyphs come in many shades, none of them light).
fn dark_pixels(canvas: &HtmlCanvasElement, (x, y): (f32, f32), (width, height): (f32, f32)) -> usize {
    let ratio = web_sys::window().unwrap().device_pixel_ratio();
    let context: CanvasRenderingContext2d = canvas.get_context("2d").unwrap().unwrap().dyn_into().unwrap();
    let (left, top) = (f64::from(x - width / 2.0) * ratio, f64::from(y - height / 2.0) * ratio);
    let data = context.get_image_data(left, top, f64::from(width) * ratio, f64::from(height) * ratio).unwrap().data();
    data.chunks(4).filter(|p| u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 384).count()
}
