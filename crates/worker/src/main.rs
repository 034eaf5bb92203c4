//! The worker's entry point (built by trunk as a `data-type="worker"` binary): a message loop
//! in a `DedicatedWorkerGlobalScope`.
//!
//! One load per worker. Its files are read all at once (the browser reads them in parallel, which
//! is faster than one by one); from then on the load runs synchronously, and progress messages
//! go out as each file and step starts. The picture goes out as soon as it is laid out; once the
//! rules ran, the nodes' ids and the findings follow. The page asks its questions of this worker
//! only once the picture has come, so they wait in the message queue until the rules ran. To
//! cancel, the page terminates the worker.

use std::cell::RefCell;
use std::rc::Rc;

use blastmap_worker::session::{Analysis, OpenFile};
use blastmap_worker::settings::Settings;
use blastmap_worker::wire::{self, FromWorker, Progress, Step, ToWorker};
use js_sys::{Array, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DedicatedWorkerGlobalScope, File, MessageEvent};

fn main() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let analysis: Rc<RefCell<Option<Analysis>>> = Rc::new(RefCell::new(None));
    let on_message = {
        let scope = scope.clone();
        Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // A message is an array: the encoded `ToWorker`, then the files of a load.
            let parts: Array = event.data().unchecked_into();
            let bytes = Uint8Array::new(&parts.get(0)).to_vec();
            match wire::decode::<ToWorker>(&bytes) {
                Some(ToWorker::Load(load)) => {
                    let files: Vec<File> = (1..parts.length()).map(|i| parts.get(i).unchecked_into()).collect();
                    let settings = Settings::default().import(&load.settings).unwrap_or_default();
                    let (scope, analysis) = (scope.clone(), Rc::clone(&analysis));
                    wasm_bindgen_futures::spawn_local(async move {
                        let opened = read(&scope, load.sample, &files).await;
                        *analysis.borrow_mut() = Some(analyse(&scope, &opened, &settings));
                    });
                }
                Some(ToWorker::Ask { id, question }) => {
                    if let Some(analysis) = analysis.borrow().as_ref() {
                        send(&scope, &FromWorker::Answer { id, answer: analysis.answer(&question) });
                    }
                }
                Some(ToWorker::Unfold(aggregate)) => {
                    if let Some(analysis) = analysis.borrow_mut().as_mut()
                        && analysis.unfold(aggregate as usize)
                    {
                        send(&scope, &FromWorker::Scene(Box::new(analysis.scene.clone())));
                    }
                }
                Some(message @ (ToWorker::FoldAll | ToWorker::OpenAll)) => {
                    if let Some(analysis) = analysis.borrow_mut().as_mut() {
                        if message == ToWorker::OpenAll {
                            analysis.open_all();
                        } else {
                            analysis.fold_all();
                        }
                        send(&scope, &FromWorker::Scene(Box::new(analysis.scene.clone())));
                    }
                }
                None => {}
            }
        })
    };
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The worker lives as long as its scope; so does its handler.
    on_message.forget();
    send(&scope, &FromWorker::Ready);
}

/// Reads the files (after the sample, if asked), reporting each as it is awaited.
async fn read(scope: &DedicatedWorkerGlobalScope, sample: bool, files: &[File]) -> Vec<OpenFile> {
    let total = files.len() as u32;
    let mut opened: Vec<OpenFile> = Vec::with_capacity(files.len() + 1);
    if sample {
        opened.push(OpenFile::sample());
    }
    mark(scope, "reading");
    // Every read starts now: the browser reads the files in parallel (334 MB in four files:
    // 0.4-0.6 s against 0.5-1.0 s one after the other).
    let reads: Vec<JsFuture> = files.iter().map(|file| JsFuture::from(file.array_buffer())).collect();
    for (done, (file, read)) in files.iter().zip(reads).enumerate() {
        send(scope, &FromWorker::Progress(Progress::Reading { done: done as u32, total }));
        let bytes = read.await.map_err(describe).map(|buffer| Uint8Array::new(&buffer).to_vec());
        mark(scope, &format!("read {}", file.name()));
        opened.push(OpenFile { name: file.name(), bytes });
    }
    opened
}

/// Analyses the files read, sending the picture, then the ids and the findings.
fn analyse(scope: &DedicatedWorkerGlobalScope, opened: &[OpenFile], settings: &Settings) -> Analysis {
    let mut loaded = Analysis::load(opened, settings, |at| progress(scope, at));
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
    loaded
}

/// Tells the page, and the performance timeline, how far a load has got.
fn progress(scope: &DedicatedWorkerGlobalScope, at: Progress) {
    let what = match at {
        Progress::Reading { done, total } => format!("reading file {} of {total}", done + 1),
        Progress::Parsing { done, total } => format!("parsing file {} of {total}", done + 1),
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

/// Why the browser could not read a file, in its own words (`NotReadableError`, …).
fn describe(error: wasm_bindgen::JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.name()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "an unknown error".to_owned())
}
