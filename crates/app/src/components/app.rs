//! The root component: holds the workspace and takes files dropped anywhere on the page.

use std::rc::Rc;

use wasm_bindgen_futures::spawn_local;
use web_sys::{DragEvent, File};
use yew::prelude::*;

use super::files::FilePanel;
use super::graph::GraphView;
use super::header::Header;
use crate::workspace::{OpenFile, Workspace};

/// What can happen to the workspace.
pub enum Action {
    /// Files were read.
    Open(Vec<OpenFile>),
    /// The file at this index was removed.
    Close(usize),
    /// The built-in sample was asked for.
    Sample,
}

impl Reducible for Workspace {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(match action {
            Action::Open(files) => self.open(files),
            Action::Close(index) => self.close(index),
            Action::Sample => Workspace::sample(),
        })
    }
}

/// Reads every file's bytes, then opens them all at once.
pub fn read_files(files: Vec<File>, workspace: UseReducerDispatcher<Workspace>) {
    spawn_local(async move {
        let mut opened = Vec::with_capacity(files.len());
        for file in files {
            let file = gloo::file::File::from(file);
            let name = file.name();
            opened.push(match gloo::file::futures::read_as_bytes(&file).await {
                Ok(bytes) => OpenFile::read(name, bytes),
                Err(error) => OpenFile::unreadable(name, error.to_string()),
            });
        }
        workspace.dispatch(Action::Open(opened));
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
    let workspace = use_reducer(Workspace::sample);
    let dragging = use_state(|| false);

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
    let on_drop = {
        let dragging = dragging.clone();
        let dispatcher = workspace.dispatcher();
        Callback::from(move |event: DragEvent| {
            event.prevent_default();
            dragging.set(false);
            let files = dropped_files(&event);
            if !files.is_empty() {
                read_files(files, dispatcher.clone());
            }
        })
    };
    let on_files = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |files: Vec<File>| read_files(files, dispatcher.clone()))
    };
    let on_sample = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Sample))
    };
    let on_close = {
        let dispatcher = workspace.dispatcher();
        Callback::from(move |index: usize| dispatcher.dispatch(Action::Close(index)))
    };

    let analysis = Rc::clone(&workspace.analysis);
    html! {
        <div class={classes!("app", dragging.then_some("dragging"))}
            ondragenter={on_drag_over.clone()} ondragover={on_drag_over}
            ondragleave={on_drag_leave} ondrop={on_drop}>
            <Header summary={analysis.summary} file_count={workspace.files.len()} is_sample={workspace.is_sample}
                on_files={on_files} on_sample={on_sample.clone()} />
            <main class="body">
                <FilePanel reports={analysis.files.clone()} is_sample={workspace.is_sample} on_close={on_close} />
                <GraphView analysis={analysis} on_sample={on_sample} />
            </main>
            <div class="drop-overlay" aria-hidden="true">{ "Drop inventory files to analyse them" }</div>
        </div>
    }
}
