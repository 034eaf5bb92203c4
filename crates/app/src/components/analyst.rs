//! The page's side of the worker: loads go to a fresh worker, questions to the one whose
//! analysis is shown.
//!
//! Each load takes a fresh worker (started ahead, once the previous load is complete, so the load
//! need not wait for one to start). The page has the browser read every file of the workspace at
//! once and hands each file's bytes to the worker as soon as they are read, transferred, never
//! copied or decoded here: the worker parses one file while the others are still being read
//! (a worker that read them itself would stall its reads while it parses). Until that load ends, the worker
//! of the analysis on screen keeps answering questions; when it ends (with the picture), the new
//! worker takes its place, the old one is terminated, and the nodes' ids and the findings follow
//! from the new one. Cancel, or a newer load, terminates the loading worker wherever it is
//! (mid-read, mid-parse), and what is shown stays usable. Every question carries an id and only
//! the answer to the latest one is kept.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use blastmap_worker::scene::Scene;
use blastmap_worker::wire::{self, FileHeader, FromWorker, Progress, Question, ToWorker};
use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ErrorEvent, File, MessageEvent, Worker};
use yew::prelude::*;

use crate::selection::Selected;
use crate::workspace::{Analysis, Named, Workspace};

/// The worker's loader, written by trunk beside the page (`data-loader-shim`).
const WORKER_SCRIPT: &str = "blastmap-worker_loader.js";

impl Named for File {
    fn name(&self) -> String {
        File::name(self)
    }
}

/// A workspace and what the worker made of it.
pub struct Shown {
    /// The open files and settings.
    pub workspace: Workspace<File>,
    /// Their analysis.
    pub analysis: Rc<Analysis>,
}

impl Shown {
    /// The same workspace, its analysis completed by `complete` (with what followed the picture).
    fn completed(&self, complete: impl FnOnce(&Analysis) -> Analysis) -> Rc<Shown> {
        Rc::new(Shown { workspace: self.workspace.clone(), analysis: Rc::new(complete(&self.analysis)) })
    }
}

/// A load under way.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Loading {
    /// Files in the load (the sample not counted).
    pub files: usize,
    /// How far it has got.
    pub progress: Progress,
}

/// What the page knows of its workers.
#[derive(Default)]
pub struct AnalystState {
    /// What is shown; `None` until the first load ends.
    pub shown: Option<Rc<Shown>>,
    /// The load under way, if any.
    pub loading: Option<Loading>,
    /// Why the last load or question failed, if it did.
    pub failure: Option<String>,
    /// The answer to the latest question, with that question.
    pub answer: Option<(Question, Rc<Selected>)>,
    /// How many loads have ended: each analysis is numbered by it.
    pub loads: u32,
}

/// What happens to the page's knowledge of its workers.
pub enum AnalystAction {
    /// A load of this many files started.
    Started(usize),
    /// The load got this far.
    Progress(Progress),
    /// The load ended with this snapshot.
    Loaded(Workspace<File>, Box<wire::Snapshot>),
    /// The ids of the nodes of what is shown arrived.
    Identified(Vec<String>),
    /// The findings of what is shown arrived.
    Found(Vec<wire::Finding>),
    /// What is shown is drawn anew (unfolded or folded).
    Redrawn(Box<Scene>),
    /// The load was cancelled.
    Cancelled,
    /// A question was answered.
    Answered(Question, wire::Answer),
    /// A worker failed.
    Failed(String),
}

impl Reducible for AnalystState {
    type Action = AnalystAction;

    fn reduce(self: Rc<Self>, action: AnalystAction) -> Rc<Self> {
        let shown = self.shown.clone();
        let answer = self.answer.clone();
        let loads = self.loads;
        Rc::new(match action {
            AnalystAction::Started(files) => AnalystState {
                shown,
                answer,
                loading: Some(Loading {
                    files,
                    progress: Progress::Files { read: 0, parsed: 0, total: files as u32, parsing: false },
                }),
                failure: None,
                loads,
            },
            AnalystAction::Progress(progress) => AnalystState {
                loading: self.loading.map(|l| Loading { progress, ..l }),
                shown,
                answer,
                failure: None,
                loads,
            },
            AnalystAction::Loaded(workspace, snapshot) => AnalystState {
                shown: Some(Rc::new(Shown { workspace, analysis: Rc::new(Analysis::new(*snapshot, loads + 1)) })),
                loading: None,
                failure: None,
                answer: None,
                loads: loads + 1,
            },
            AnalystAction::Identified(ids) => AnalystState {
                shown: shown.map(|s| s.completed(|a| a.with_ids(ids))),
                loading: self.loading,
                failure: self.failure.clone(),
                answer,
                loads,
            },
            AnalystAction::Found(findings) => AnalystState {
                shown: shown.map(|s| s.completed(|a| a.with_findings(findings))),
                loading: self.loading,
                failure: self.failure.clone(),
                answer,
                loads,
            },
            AnalystAction::Redrawn(scene) => AnalystState {
                shown: shown.map(|s| {
                    Rc::new(Shown { workspace: s.workspace.clone(), analysis: Rc::new(s.analysis.redrawn(*scene)) })
                }),
                loading: self.loading,
                failure: None,
                answer,
                loads,
            },
            AnalystAction::Cancelled => AnalystState { shown, answer, loading: None, failure: None, loads },
            AnalystAction::Answered(question, answer) => {
                let (nodes, edges) = shown.as_ref().map_or((0, 0), |s| s.analysis.graph_size());
                let selected = Rc::new(Selected::of(answer, nodes, edges));
                AnalystState { shown, loading: self.loading, failure: None, answer: Some((question, selected)), loads }
            }
            AnalystAction::Failed(why) => AnalystState { shown, answer, loading: None, failure: Some(why), loads },
        })
    }
}

/// One worker and the handlers that keep it talking.
struct Channel {
    /// Which worker this is: messages from others are not for it.
    id: u32,
    worker: Worker,
    /// Whether the worker has said it takes messages; until then they wait here.
    ready: bool,
    waiting: Vec<Array>,
    _on_message: Closure<dyn Fn(MessageEvent)>,
    _on_error: Closure<dyn Fn(ErrorEvent)>,
}

impl Channel {
    /// Sends `message`, with `bytes` beside it (transferred) if any.
    fn send(&mut self, message: &ToWorker, bytes: Option<ArrayBuffer>) {
        let parts = Array::of1(&Uint8Array::from(wire::encode(message).as_slice()));
        if let Some(bytes) = bytes {
            parts.push(&bytes);
        }
        if self.ready {
            post(&self.worker, &parts);
        } else {
            self.waiting.push(parts);
        }
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.worker.terminate();
    }
}

/// Posts a message, transferring the buffer of its encoded part and the file's bytes beside it.
fn post(worker: &Worker, parts: &Array) {
    let transfer = Array::of1(&parts.get(0).unchecked_into::<Uint8Array>().buffer());
    if parts.length() > 1 {
        transfer.push(&parts.get(1));
    }
    // Posting fails only on values that cannot be cloned, and these are bytes.
    let _ = worker.post_message_with_transfer(parts, &transfer);
}

#[derive(Default)]
struct Workers {
    /// The worker of the analysis shown.
    current: Option<Channel>,
    /// The worker of the load under way, with the workspace it loads.
    loading: Option<(Channel, Workspace<File>)>,
    /// A worker started ahead of the next load, so that load need not wait for one to start
    /// (fetch and compile its module: about 0.1 s).
    spare: Option<Channel>,
    /// The latest question and its id.
    asked: Option<(u32, Question)>,
    /// Ids of workers and questions.
    next_id: u32,
}

impl Workers {
    fn next_id(&mut self) -> u32 {
        self.next_id = self.next_id.wrapping_add(1);
        self.next_id
    }
}

/// The page's handle on its workers.
#[derive(Clone)]
pub struct Analyst {
    /// What the page knows.
    pub state: UseReducerHandle<AnalystState>,
    workers: Rc<RefCell<Workers>>,
}

impl Analyst {
    /// Loads `workspace` in a fresh worker; a load already under way is abandoned.
    pub fn load(&self, workspace: Workspace<File>) {
        // The timeline holds the marks of one load at a time.
        if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
            performance.clear_marks();
        }
        super::mark("load");
        let files = workspace.files.len();
        let spare = self.workers.borrow_mut().spare.take();
        let channel = spare.map_or_else(|| spawn(&self.workers, self.state.dispatcher()), Ok);
        match channel {
            Ok(mut channel) => {
                channel.send(&ToWorker::Load(workspace.load()), None);
                let load = channel.id;
                // Every read starts now: the browser reads the files in parallel.
                for (index, file) in workspace.files.iter().enumerate() {
                    let (workers, read) = (Rc::downgrade(&self.workers), JsFuture::from(file.array_buffer()));
                    let header = FileHeader { index: index as u32, name: file.name(), unreadable: None };
                    wasm_bindgen_futures::spawn_local(async move {
                        let read = read.await;
                        let Some(workers) = workers.upgrade() else { return };
                        // A load cancelled or replaced meanwhile has no worker left to take it.
                        let mut workers = workers.borrow_mut();
                        let Some((channel, _)) = workers.loading.as_mut().filter(|(c, _)| c.id == load) else { return };
                        match read {
                            Ok(bytes) => channel.send(&ToWorker::File(header), Some(bytes.unchecked_into())),
                            Err(error) => {
                                let unreadable = Some(describe(&error));
                                channel.send(&ToWorker::File(FileHeader { unreadable, ..header }), None);
                            }
                        }
                    });
                }
                // The abandoned load's worker, if any, is terminated as it drops.
                self.workers.borrow_mut().loading = Some((channel, workspace));
                self.state.dispatch(AnalystAction::Started(files));
            }
            Err(why) => self.state.dispatch(AnalystAction::Failed(why)),
        }
    }

    /// Stops the load under way, wherever it is; what is shown stays.
    pub fn cancel(&self) {
        let abandoned = self.workers.borrow_mut().loading.take();
        drop(abandoned);
        self.state.dispatch(AnalystAction::Cancelled);
    }

    /// Unfolds aggregate `aggregate` of the picture shown; the worker sends the new picture.
    pub fn unfold(&self, aggregate: usize) {
        self.tell(&ToWorker::Unfold(aggregate as u32));
    }

    /// Folds every group of the picture shown again.
    pub fn fold_all(&self) {
        self.tell(&ToWorker::FoldAll);
    }

    /// Opens every group of the picture shown.
    pub fn open_all(&self) {
        self.tell(&ToWorker::OpenAll);
    }

    fn tell(&self, message: &ToWorker) {
        if let Some(current) = self.workers.borrow_mut().current.as_mut() {
            current.send(message, None);
        }
    }

    /// Asks the worker of the analysis shown; only the answer to the latest question is kept.
    pub fn ask(&self, question: Question) {
        let mut workers = self.workers.borrow_mut();
        let id = workers.next_id();
        workers.asked = Some((id, question));
        if let Some(current) = workers.current.as_mut() {
            current.send(&ToWorker::Ask { id, question }, None);
        }
    }
}

/// Starts a worker whose messages go to `dispatcher`.
fn spawn(workers: &Rc<RefCell<Workers>>, dispatcher: UseReducerDispatcher<AnalystState>) -> Result<Channel, String> {
    let url = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|base| web_sys::Url::new_with_base(WORKER_SCRIPT, &base).ok())
        .map(|url| url.href())
        .ok_or("the page has no address to start its worker from")?;
    let worker = Worker::new(&url).map_err(|e| format!("the worker could not start: {e:?}"))?;
    let id = workers.borrow_mut().next_id();
    let on_message = {
        let (workers, dispatcher) = (Rc::downgrade(workers), dispatcher.clone());
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            super::mark("received");
            let bytes = event.data().dyn_into::<Uint8Array>().map(|b| b.to_vec()).unwrap_or_default();
            let message = wire::decode::<FromWorker>(&bytes);
            super::mark(match &message {
                Some(FromWorker::Loaded(_)) => "decoded snapshot",
                Some(FromWorker::Ids(_)) => "decoded ids",
                Some(FromWorker::Findings(_)) => "decoded findings",
                _ => "decoded",
            });
            if let Some(message) = message {
                receive(&workers, &dispatcher, id, message);
            }
        })
    };
    let on_error = {
        let (workers, dispatcher) = (Rc::downgrade(workers), dispatcher);
        Closure::<dyn Fn(ErrorEvent)>::new(move |event: ErrorEvent| {
            let Some(workers) = workers.upgrade() else { return };
            let mut workers = workers.borrow_mut();
            // A worker that fails is of no more use: the load it ran is over, and questions to
            // it would go unanswered.
            let failed = if workers.loading.as_ref().is_some_and(|(c, _)| c.id == id) {
                workers.loading.take().map(|(c, _)| c)
            } else if workers.current.as_ref().is_some_and(|c| c.id == id) {
                workers.current.take()
            } else {
                // A spare that fails is dropped quietly: the next load starts its own.
                if workers.spare.as_ref().is_some_and(|c| c.id == id) {
                    workers.spare = None;
                }
                None
            };
            drop(workers);
            if failed.is_some() {
                dispatcher.dispatch(AnalystAction::Failed(format!("the analysis stopped: {}", event.message())));
            }
        })
    };
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Channel { id, worker, ready: false, waiting: Vec::new(), _on_message: on_message, _on_error: on_error })
}

/// Handles a message from worker `id`. The borrow of the workers ends before any dispatch: a
/// dispatch re-renders, and rendering may ask a question.
fn receive(
    workers: &Weak<RefCell<Workers>>,
    dispatcher: &UseReducerDispatcher<AnalystState>,
    id: u32,
    message: FromWorker,
) {
    let Some(workers_rc) = workers.upgrade() else { return };
    let mut workers = workers_rc.borrow_mut();
    let is_loading = workers.loading.as_ref().is_some_and(|(c, _)| c.id == id);
    let mut start_spare = false;
    let action = match message {
        FromWorker::Ready => {
            let Workers { loading, current, spare, .. } = &mut *workers;
            let channel = match loading.as_mut() {
                Some((channel, _)) if channel.id == id => Some(channel),
                _ => current.as_mut().filter(|c| c.id == id).or(spare.as_mut().filter(|c| c.id == id)),
            };
            if let Some(channel) = channel {
                channel.ready = true;
                for parts in std::mem::take(&mut channel.waiting) {
                    post(&channel.worker, &parts);
                }
            }
            None
        }
        FromWorker::Progress(progress) => is_loading.then_some(AnalystAction::Progress(progress)),
        FromWorker::Loaded(snapshot) => match workers.loading.take() {
            Some((channel, workspace)) if is_loading => {
                // The previous worker is terminated as it drops.
                workers.current = Some(channel);
                workers.asked = None;
                Some(AnalystAction::Loaded(workspace, snapshot))
            }
            other => {
                workers.loading = other;
                None
            }
        },
        FromWorker::Ids(ids) => {
            workers.current.as_ref().is_some_and(|c| c.id == id).then_some(AnalystAction::Identified(ids))
        }
        FromWorker::Findings(findings) => {
            let from_current = workers.current.as_ref().is_some_and(|c| c.id == id);
            // The load is complete: the next one gets a worker started now, while the page idles.
            start_spare = from_current && workers.spare.is_none();
            from_current.then_some(AnalystAction::Found(findings))
        }
        FromWorker::Scene(scene) => {
            workers.current.as_ref().is_some_and(|c| c.id == id).then_some(AnalystAction::Redrawn(scene))
        }
        FromWorker::Answer { id: asked, answer } => {
            let from_current = workers.current.as_ref().is_some_and(|c| c.id == id);
            match workers.asked {
                Some((latest, question)) if from_current && latest == asked => {
                    Some(AnalystAction::Answered(question, answer))
                }
                _ => None,
            }
        }
    };
    drop(workers);
    if start_spare {
        // Started outside the borrow: starting a worker numbers it.
        let spare = spawn(&workers_rc, dispatcher.clone()).ok();
        workers_rc.borrow_mut().spare = spare;
    }
    if let Some(action) = action {
        dispatcher.dispatch(action);
    }
}

/// The page's workers, for the lifetime of the component that calls it.
#[hook]
pub fn use_analyst() -> Analyst {
    let state = use_reducer(AnalystState::default);
    let workers = use_memo((), |()| RefCell::new(Workers::default()));
    // `use_memo` gives an `Rc<RefCell<Workers>>` that lives as long as the component.
    Analyst { state, workers: Rc::clone(&workers) }
}

/// Why the browser could not read a file: what a person can do about it, then the browser's
/// own name for the error (`NotReadableError`, …).
fn describe(error: &wasm_bindgen::JsValue) -> String {
    let name = error.dyn_ref::<js_sys::Error>().map(|e| String::from(e.name()));
    let cause = match name.as_deref() {
        // What Chromium and Firefox say of a file changed or removed since it was chosen, of a
        // folder dropped as if it were a file, and of a file the system will not open.
        Some("NotReadableError") => "it changed or moved after it was chosen, or it may not be opened; choose it again",
        Some("NotFoundError") => "it is no longer there, or it is a folder; drop the files inside it instead",
        Some("SecurityError") => "the browser refused to open it",
        _ => "",
    };
    let name = name.or_else(|| error.as_string()).unwrap_or_else(|| "an unknown error".to_owned());
    if cause.is_empty() { name } else { format!("{cause} ({name})") }
}
