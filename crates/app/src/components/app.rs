//! The root component: holds the workspace and the interactive state, and takes files dropped
//! anywhere on the page.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{DragEvent, File, KeyboardEvent};
use yew::prelude::*;

use super::details::DetailsPanel;
use super::files::FilePanel;
use super::findings::FindingsPanel;
use super::graph::GraphView;
use super::header::Header;
use super::settings::{SettingsPanel, store_settings, stored_settings};
use super::table::TableView;
use super::theme::use_theme;
use super::toolbar::Toolbar;
use crate::selection::{self, Focus, Highlight, Selected};
use crate::settings::Settings;
use crate::text::count;
use crate::ui::{Ui, UiAction, View};
use crate::workspace::{OpenFile, Workspace};

/// What can happen to the workspace.
pub enum Action {
    /// Files were read.
    Open(Vec<OpenFile>),
    /// The file at this index was removed.
    Close(usize),
    /// The built-in sample was asked for.
    Sample,
    /// New settings were applied: the same files are read again with them.
    Settings(Settings),
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(match action {
            Action::Open(files) => self.open(files),
            Action::Close(index) => self.close(index),
            Action::Sample => Workspace::sample_with(self.settings.clone()),
            Action::Settings(settings) => self.with_settings(settings),
        })
    }
}

/// How far a load has got: files read of all, then the analysis.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Loading {
    /// Files read so far.
    pub read: usize,
    /// Files in the load.
    pub total: usize,
    /// Whether every file is read and the analysis is under way.
    pub analysing: bool,
}

/// Reads every file's bytes, reporting progress, then opens them all at once. A load gives up
/// when `generation` moves on (Cancel, or a newer load) before it is analysed.
pub fn read_files(
    files: Vec<File>,
    workspace: UseReducerDispatcher<Workspace>,
    progress: UseStateHandle<Option<Loading>>,
    generation: Rc<Cell<u32>>,
) {
    let load = generation.get().wrapping_add(1);
    generation.set(load);
    let total = files.len();
    progress.set(Some(Loading { read: 0, total, analysing: false }));
    spawn_local(async move {
        let mut opened = Vec::with_capacity(total);
        for file in files {
            let file = gloo::file::File::from(file);
            let name = file.name();
            opened.push(match gloo::file::futures::read_as_bytes(&file).await {
                Ok(bytes) => OpenFile::read(name, bytes),
                Err(error) => OpenFile::unreadable(name, error.to_string()),
            });
            if generation.get() != load {
                return;
            }
            progress.set(Some(Loading { read: opened.len(), total, analysing: false }));
        }
        progress.set(Some(Loading { read: total, total, analysing: true }));
        // The analysis holds the main thread: give the browser a frame to show that it started.
        gloo::timers::future::TimeoutFuture::new(50).await;
        if generation.get() != load {
            return;
        }
        workspace.dispatch(Action::Open(opened));
        progress.set(None);
    });
}

/// The files held by a drag event.
pub fn dropped_files(event: &DragEvent) -> Vec<File> {
    let Some(list) = event.data_transfer().and_then(|t| t.files()) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let workspace = use_reducer(|| Workspace::sample_with(stored_settings()));
    let settings_open = use_state(|| false);
    let ui = use_reducer(Ui::default);
    let dragging = use_state(|| false);
    let theme = use_theme();
    let loading = use_state(|| None::<Loading>);
    // Which load is current: Cancel and newer loads move it on.
    let generation = use_memo((), |()| Cell::new(0u32));

    let analysis = Rc::clone(&workspace.analysis);
    // Indices of the old analysis mean nothing in a new one.
    {
        let dispatcher = ui.dispatcher();
        use_effect_with(Rc::clone(&analysis), move |_| dispatcher.dispatch(UiAction::NewAnalysis));
    }
    let hidden = use_memo((Rc::clone(&analysis), ui.filter.clone()), |(analysis, filter)| filter.hidden(analysis));
    let selected =
        use_memo((Rc::clone(&analysis), ui.focus, ui.mode, ui.direction), |(analysis, focus, mode, direction)| {
            match *focus {
                Some(Focus::Node(node)) => selection::select(analysis, node, *mode, *direction),
                Some(Focus::Finding(at)) => Selected {
                    highlight: analysis
                        .findings
                        .get(at)
                        .map_or_else(Highlight::none, |f| selection::finding(analysis, f)),
                    ..Selected::default()
                },
                None => Selected::default(),
            }
        });

    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            // Without this the browser opens the file instead of firing `drop`.
            event.prevent_default();
            dragging.set(true);
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |event: DragEvent| {
            // Only leaving the page counts, not moving between its children.
            if event.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let on_files = {
        let dispatcher = workspace.dispatcher();
        let (loading, generation) = (loading.clone(), Rc::clone(&generation));
        Callback::from(move |files: Vec<File>| {
            read_files(files, dispatcher.clone(), loading.clone(), Rc::clone(&generation));
        })
    };
    let on_drop = {
        let dragging = dragging.clone();
        let on_files = on_files.clone();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            let files = dropped_files(&event);
            if !files.is_empty() {
                on_files.emit(files);
            }
        })
    };
    let on_cancel = {
        let (loading, generation) = (loading.clone(), Rc::clone(&generation));
        Callback::from(move |_: MouseEvent| {
            generation.set(generation.get().wrapping_add(1));
            loading.set(None);
        })
    };
    let on_sample = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Sample))
    };
    let on_close = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |index: usize| dispatcher.dispatch(Action::Close(index)))
    };
    let on_open_settings = {
        let settings_open = settings_open.clone();
        Callback::from(move |()| settings_open.set(true))
    };
    let on_settings_closed = {
        let settings_open = settings_open.clone();
        Callback::from(move |()| settings_open.set(false))
    };
    let on_apply_settings = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |settings: Settings| {
            store_settings(&settings);
            dispatcher.dispatch(Action::Settings(settings));
        })
    };
    let on_ui = {
        let dispatcher = ui.dispatcher();
        Callback::from(move |action: UiAction| dispatcher.dispatch(action))
    };

    // "/" anywhere but in a text field goes to the search box, as on many sites.
    let on_key = Callback::from(|event: KeyboardEvent| {
        let typing = event
            .target_dyn_into::<web_sys::Element>()
            .is_some_and(|t| matches!(t.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if event.key() == "/" && !typing {
            let search = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("search"));
            if let Some(search) = search.and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok()) {
                event.prevent_default();
                let _ = search.focus();
            }
        }
    });
    let empty = analysis.graph_size.0 == 0;
    html! {
        <div class={classes!("app", dragging.then_some("dragging"))}
            ondragenter={on_drag_over.clone()} ondragover={on_drag_over}
            ondragleave={on_drag_leave} ondrop={on_drop} onkeydown={on_key}>
            <Header summary={analysis.summary} file_count={workspace.files.len()} is_sample={workspace.is_sample}
                analysis={Rc::clone(&analysis)} theme={theme.clone()}
                on_files={on_files} on_sample={on_sample.clone()} on_settings={on_open_settings.clone()} />
            <Toolbar analysis={Rc::clone(&analysis)} ui={(*ui).clone()} hidden={Rc::clone(&hidden)} on_ui={on_ui.clone()} />
            <main class="body">
                <aside class="sidebar" aria-label="Files and findings">
                    <FilePanel reports={analysis.files.clone()} mapping={analysis.mapping.clone()}
                        is_sample={workspace.is_sample} on_close={on_close} on_settings={on_open_settings} />
                    <FindingsPanel analysis={Rc::clone(&analysis)} filter={ui.filter.clone()} focus={ui.focus}
                        on_ui={on_ui.clone()} />
                </aside>
                if ui.view == View::Table && !empty {
                    <TableView analysis={Rc::clone(&analysis)} hidden={Rc::clone(&hidden)}
                        highlight={Rc::clone(&selected)} selected={ui.node()} on_ui={on_ui.clone()} />
                } else {
                    <GraphView analysis={Rc::clone(&analysis)} hidden={Rc::clone(&hidden)}
                        selected={Rc::clone(&selected)} node={ui.node()} centre_requests={ui.centre_requests}
                        dark={theme.dark} on_ui={on_ui.clone()} on_sample={on_sample} />
                }
                <DetailsPanel analysis={Rc::clone(&analysis)} ui={(*ui).clone()} selected={selected} on_ui={on_ui} />
            </main>
            if let Some(status) = *loading {
                <div class="load-status" id="load-status" role="status">
                    <span>{ if status.analysing {
                        format!("Analysing {}…", count(status.total, "file", "files"))
                    } else {
                        format!("Reading {} of {}…", status.read, count(status.total, "file", "files"))
                    } }</span>
                    <progress max={(status.total + 1).to_string()}
                        value={(status.read + usize::from(status.analysing)).to_string()}></progress>
                    if !status.analysing {
                        <button type="button" class="button small" id="load-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                    }
                </div>
            }
            if *settings_open {
                <SettingsPanel settings={workspace.settings.clone()} on_apply={on_apply_settings}
                    on_close={on_settings_closed} />
            }
            <div class="drop-overlay" aria-hidden="true">{ "Drop inventory files to analyse them" }</div>
        </div>
    }
}
