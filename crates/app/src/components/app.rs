//! The root component: holds the workspace and the interactive state, and takes files dropped
//! anywhere on the page.

use std::rc::Rc;

use blastmap_worker::settings::Settings;
use blastmap_worker::wire::{Progress, Question, Snapshot, Step, Subject};
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, KeyboardEvent};
use yew::prelude::*;

use super::analyst::{Loading, use_analyst};
use super::details::DetailsPanel;
use super::files::FilePanel;
use super::findings::FindingsPanel;
use super::graph::GraphView;
use super::header::Header;
use super::settings::{SettingsPanel, store_settings, stored_settings};
use super::table::TableView;
use super::theme::use_theme;
use super::toolbar::Toolbar;
use crate::selection::{self, Focus, Selected};
use crate::text::count;
use crate::ui::{Ui, UiAction, View};
use crate::workspace::{Analysis, Workspace};

/// What the load status says, and how far its bar is (of `max`): a step per file read, a step
/// per file parsed, then the analysis's steps.
fn load_status(loading: Loading) -> (String, usize, usize) {
    let files = loading.files;
    let max = 2 * files + Step::ALL.len();
    match loading.progress {
        Progress::Files { read, parsed, total, parsing } => {
            // The worker's counts also hold the sample when it is part of the load.
            let (verb, at) = if parsing { ("Parsing", parsed) } else { ("Reading", read) };
            let text =
                format!("{verb} {} of {}…", at.saturating_add(1).min(total), count(total as usize, "file", "files"));
            let steps = ((read + parsed) as usize * files).checked_div(total as usize).unwrap_or(0);
            (text, steps, max)
        }
        Progress::Step(step) => {
            let at = Step::ALL.iter().position(|&s| s == step).unwrap_or(0);
            (format!("{}…", step.label()), 2 * files + at, max)
        }
    }
}

/// The files held by a drag event.
pub fn dropped_files(event: &DragEvent) -> Vec<File> {
    let Some(list) = event.data_transfer().and_then(|t| t.files()) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// The whole page.
#[component]
pub fn App() -> Html {
    let analyst = use_analyst();
    let settings_open = use_state(|| false);
    let ui = use_reducer(Ui::default);
    let dragging = use_state(|| false);
    let theme = use_theme();
    // The built-in sample on first visit, read with the settings remembered.
    {
        let analyst = analyst.clone();
        use_effect_with((), move |_| analyst.load(Workspace::sample_with(stored_settings())));
    }
    let state = &analyst.state;
    let shown = state.shown.clone();
    // Before the first load ends there is nothing to draw.
    let empty_analysis = use_memo((), |()| Analysis::new(Snapshot::default(), 0).with_findings(Vec::new()));
    let analysis = shown.as_ref().map_or_else(|| Rc::clone(&empty_analysis), |s| Rc::clone(&s.analysis));
    // What edits to the files and settings start from: what is shown.
    let workspace = shown.as_ref().map_or_else(|| Workspace::sample_with(stored_settings()), |s| s.workspace.clone());
    // Indices of the old analysis mean nothing in a new one (an unfold keeps them).
    {
        let dispatcher = ui.dispatcher();
        use_effect_with(analysis.load, move |_| dispatcher.dispatch(UiAction::NewAnalysis));
    }
    let hidden = use_memo((Rc::clone(&analysis), ui.filter.clone()), |(analysis, filter)| filter.hidden(analysis));
    // The selection's question goes to the worker; its answer is shown once it is the answer
    // to the question asked now. Until then a node's earlier answer (the other direction or
    // depth) stays, so the panel and the focus in it stay put.
    let question = selection::question(ui.focus, ui.mode, ui.direction);
    {
        let analyst = analyst.clone();
        use_effect_with((analysis.load, question), move |(_, question)| {
            if let Some(question) = question {
                analyst.ask(*question);
            }
        });
    }
    let no_selection = use_memo((), |()| Selected::default());
    let (selected, answered) = match (&state.answer, question) {
        (Some((answered, selected)), Some(asked)) if *answered == asked => (Rc::clone(selected), true),
        (Some((Question::Node { node: before, .. }, selected)), Some(Question::Node { node, .. }))
            if *before == node =>
        {
            (Rc::clone(selected), false)
        }
        _ => (Rc::clone(&no_selection), false),
    };

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
        let (analyst, workspace) = (analyst.clone(), workspace.clone());
        Callback::from(move |files: Vec<File>| analyst.load(workspace.open(files)))
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
        let analyst = analyst.clone();
        Callback::from(move |_: MouseEvent| analyst.cancel())
    };
    let on_sample = {
        let (analyst, settings) = (analyst.clone(), workspace.settings.clone());
        Callback::from(move |()| analyst.load(Workspace::sample_with(settings.clone())))
    };
    let on_close = {
        let (analyst, workspace) = (analyst.clone(), workspace.clone());
        Callback::from(move |index: usize| analyst.load(workspace.close(index)))
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
        let (analyst, workspace) = (analyst.clone(), workspace.clone());
        Callback::from(move |settings: Settings| {
            store_settings(&settings);
            analyst.load(workspace.with_settings(settings));
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
    let empty = analysis.graph_size().0 == 0;
    let centre_on = match ui.focus {
        Some(Focus::Node(node)) => Some(node),
        Some(Focus::Finding(at)) => analysis.findings().get(at).and_then(|f| f.subjects.iter().find_map(Subject::node)),
        None => None,
    };
    // What is newly selected, or a finding's first subject, shows on its own: its group unfolds,
    // then the finer group it turns out to lie in, until it stands alone. (Only for a new
    // selection: "Fold groups" may fold it again.)
    let unfolding = use_mut_ref(|| (None::<(usize, u32)>, false));
    {
        let analyst = analyst.clone();
        let folded = centre_on.and_then(|n| analysis.scene.folded.get(n).copied().flatten());
        use_effect_with((centre_on, analysis.load, folded), move |&(node, load, folded)| {
            let (selection, active) = &mut *unfolding.borrow_mut();
            let now = node.map(|n| (n, load));
            if now != *selection {
                *selection = now;
                *active = now.is_some();
            }
            if *active {
                match folded {
                    Some(aggregate) => analyst.unfold(aggregate as usize),
                    None => *active = false,
                }
            }
        });
    }
    let on_unfold = {
        let analyst = analyst.clone();
        Callback::from(move |aggregate: usize| analyst.unfold(aggregate))
    };
    let on_fold_all = {
        let analyst = analyst.clone();
        Callback::from(move |()| analyst.fold_all())
    };
    let on_open_all = {
        let analyst = analyst.clone();
        Callback::from(move |()| analyst.open_all())
    };
    html! {
        <div class={classes!("app", dragging.then_some("dragging"))}
            ondragenter={on_drag_over.clone()} ondragover={on_drag_over}
            ondragleave={on_drag_leave} ondrop={on_drop} onkeydown={on_key}>
            <Header summary={analysis.summary} file_count={workspace.file_count()} is_sample={workspace.is_sample}
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
                    <GraphView analysis={Rc::clone(&analysis)} loaded={shown.is_some()} hidden={Rc::clone(&hidden)}
                        selected={Rc::clone(&selected)} node={ui.node()} centre_on={centre_on} centre_requests={ui.centre_requests} answered={answered}
                        dark={theme.dark} on_ui={on_ui.clone()} on_sample={on_sample}
                        on_unfold={on_unfold} on_fold_all={on_fold_all} on_open_all={on_open_all} />
                }
                <DetailsPanel analysis={Rc::clone(&analysis)} ui={(*ui).clone()} selected={selected} answered={answered}
                    on_ui={on_ui} />
            </main>
            if let Some(loading) = state.loading {
                <div class="load-status" id="load-status" role="status">
                    { { let (text, value, max) = load_status(loading); html! {
                        <>
                            <span>{ text }</span>
                            <progress max={max.to_string()} value={value.to_string()}></progress>
                        </>
                    } } }
                    <button type="button" class="button small" id="load-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            } else if let Some(failure) = &state.failure {
                <div class="load-status failed" id="load-status" role="alert"><span>{ failure }</span></div>
            }
            if *settings_open {
                <SettingsPanel settings={workspace.settings.clone()} on_apply={on_apply_settings}
                    on_close={on_settings_closed} />
            }
            <div class="drop-overlay" aria-hidden="true">{ "Drop inventory files to analyse them" }</div>
        </div>
    }
}
