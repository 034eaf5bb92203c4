//! The worker's entry point (built by trunk as a `data-type="worker"` binary): a message loop
//! in a `DedicatedWorkerGlobalScope`.
//!
//! One load per worker. The page has the browser read the load's files and sends each one's
//! bytes as soon as it is read; the worker parses each as soon as it and the files before it
//! are in (a worker reading files itself would stall its own reads while it parses). Progress
//! messages go out as each file and step starts. The picture goes out as soon as it is laid
//! out; once the rules ran, the nodes' ids and the findings follow. The page asks its questions
//! of this worker only once the picture has come, so they wait in the message queue until the
//! rules ran. To cancel, the page terminates the worker.

use std::cell::RefCell;
use std::rc::Rc;

use blastmap_worker::browser::InBrowser;
use blastmap_worker::session::{Analysis, FileBytes, Loading, OpenFile};
use blastmap_worker::settings::Settings;
use blastmap_worker::wire::{self, FileHeader, FromWorker, Progress, Step, ToWorker};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// What the worker holds: nothing yet, a load whose files are coming, or its analysis.
enum State {
    Idle,
    /// A load, and the index in it of the page's first file (1 when the sample comes first).
    Loading(Box<Loading>, usize),
    Loaded(Box<Analysis>),
}

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let state = Rc::new(RefCell::new(State::Idle));
    let on_message = {
        let scope = scope.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // A message is an array: the encoded `ToWorker`, then a file's bytes, if any.
            let parts: Array = event.data().unchecked_into();
            let bytes = Uint8Array::new(&parts.get(0)).to_vec();
            let mut state = state.borrow_mut();
            match (wire::decode::<ToWorker>(&bytes), &mut *state) {
                (Some(ToWorker::Load(load)), _) => {
                    mark(&scope, "reading");
                    let settings = Settings::default().import(&load.settings).unwrap_or_default();
                    let sample = usize::from(load.sample);
                    let mut loading = Loading::new(&settings, sample + load.files as usize);
                    if load.sample {
                        loading.arrive(0, OpenFile::sample(), |at| progress(&scope, at));
                    }
                    *state = State::Loading(Box::new(loading), sample);
                }
                (Some(ToWorker::File(FileHeader { index, name, unreadable })), State::Loading(loading, first)) => {
                    mark(&scope, &format!("read {name}"));
                    let bytes = match unreadable {
                        Some(why) => Err(why),
                        None => Ok(FileBytes::There(Rc::new(InBrowser(Uint8Array::new(&parts.get(1)))))),
                    };
                    loading.arrive(index as usize + *first, OpenFile { name, bytes }, |at| progress(&scope, at));
                }
                (Some(ToWorker::Ask { id, question }), State::Loaded(analysis)) => {
                    send(&scope, &FromWorker::Answer { id, answer: analysis.answer(&question) });
                }
                (Some(ToWorker::Unfold(aggregate)), State::Loaded(analysis)) => {
                    let unfolded = analysis.unfold(aggregate as usize);
                    if unfolded {
                        send(&scope, &FromWorker::Scene(Box::new(analysis.scene.clone())));
                    }
                }
                (Some(message @ (ToWorker::FoldAll | ToWorker::OpenAll)), State::Loaded(analysis)) => {
                    if message == ToWorker::OpenAll {
                        analysis.open_all();
                    } else {
                        analysis.fold_all();
                    }
                    send(&scope, &FromWorker::Scene(Box::new(analysis.scene.clone())));
                }
                _ => {}
            }
            if matches!(&*state, State::Loading(loading, _) if loading.is_complete()) {
                let State::Loading(loading, _) = std::mem::replace(&mut *state, State::Idle) else { return };
                *state = State::Loaded(Box::new(analyse(&scope, *loading)));
            }
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope; so does its handler.
    on_message.forget();
    send(&scope, &FromWorker::Ready);
}

/// Analyses the files read, sending the picture, then the ids and the findings.
fn analyse(scope: &DedicatedWorkerGlobalScope, loading: Loading) -> Analysis {
    let mut loaded = loading.finish(|at| progress(scope, at));
    progress(scope, Progress::Step(Step::Sending));
    let snapshot = FromWorker::Loaded(Box::new(loaded.snapshot()));
    mark(scope, "snapshot built");
    let bytes = wire::encode(&snapshot);
    mark(scope, &format!("snapshot encoded ({} bytes)", bytes.len()));
    post(scope, &bytes);
    mark(scope, "rules");
    // The page draws meanwhile; questions wait in the queue until the rules ran.
    // The ids come after, so decoding them never delays the page's first draw.
    loaded.run_rules();
    mark(scope, "ids");
    send(scope, &FromWorker::Ids(loaded.ids()));
    mark(scope, "findings");
    send(scope, &FromWorker::Findings(loaded.wire_findings()));
    mark(scope, "findings posted");
    // WebAssembly memory only grows: its size now is the most the load took.
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let bytes = memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length();
    mark(scope, &format!("wasm memory {:.0} MB", f64::from(bytes) / 1e6));
    loaded
}

/// Tells the page, and the performance timeline, how far a load has got.
fn progress(scope: &DedicatedWorkerGlobalScope, at: Progress) {
    let what = match at {
        Progress::Files { parsed, total, parsing: true, .. } => format!("parsing file {} of {total}", parsed + 1),
        Progress::Files { parsed, total, parsing: false, .. } => format!("waiting for file {} of {total}", parsed + 1),
        Progress::Step(step) => format!("{step:?}"),
    };
    mark(scope, &what);
    send(scope, &FromWorker::Progress(at));
}

/// Posts a message to the page, transferring its buffer.
fn send(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    post(scope, &wire::encode(message));
}

/// Posts encoded bytes to the page, transferring their buffer.
fn post(scope: &DedicatedWorkerGlobalScope, encoded: &[u8]) {
    let bytes = Uint8Array::from(encoded);
    // Posting fails only when the page has gone away; there is no one left to tell.
    let _ = scope.post_message_with_transfer(&bytes, &Array::of1(&bytes.buffer()));
}

/// Marks a moment of a load on the worker's performance timeline (`blastmap: …`), where the app
/// bench reads it to say where a load's time goes.
fn mark(scope: &DedicatedWorkerGlobalScope, what: &str) {
    if let Some(performance) = scope.performance() {
        // A mark fails only on a name the timeline reserves; these are not.
        let _ = performance.mark(&format!("blastmap: {what}"));
    }
}
