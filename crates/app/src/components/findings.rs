//! The findings panel: every finding, grouped by severity, in a list that renders only the
//! rows in sight (or, while the worker is still running the rules, that it is). Choosing one selects it: its subjects light up in the graph and the side
//! panel shows it in full.

use std::rc::Rc;

use blastmap_analysis::rules::Severity;
use yew::prelude::*;

use super::visible_rows::{Side, list_spacer, use_active_row, use_visible_rows};
use crate::query::Filter;
use crate::selection::Focus;
use crate::text::{count, number};
use crate::ui::UiAction;
use crate::workspace::Analysis;

/// Height of a row in pixels; `web/style.css` gives `.findings-list` the same `--row`.
const ROW_HEIGHT: f64 = 52.0;

/// Properties of [`FindingsPanel`].
#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    /// The analysis.
    pub analysis: Rc<Analysis>,
    /// Which severities are listed.
    pub filter: Filter,
    /// What is selected.
    pub focus: Option<Focus>,
    /// Changes to the interactive state.
    pub on_ui: Callback<UiAction>,
}

/// A line of the list.
#[derive(Copy, Clone, PartialEq)]
enum Line {
    /// The heading of a severity, with how many findings it has.
    Heading(Severity, usize),
    /// A finding (its index).
    Finding(usize),
}

/// The findings panel.
#[component]
pub fn FindingsPanel(props: &FindingsProps) -> Html {
    let container = use_node_ref();
    let lines = use_memo((Rc::clone(&props.analysis), props.filter.clone()), |(analysis, filter)| {
        let mut lines = Vec::new();
        for severity in Severity::ALL {
            let findings = analysis.findings();
            let of: Vec<usize> = (0..findings.len())
                .filter(|&i| findings[i].severity == severity && filter.admits_finding(&findings[i]))
                .collect();
            if !of.is_empty() {
                lines.push(Line::Heading(severity, of.len()));
                lines.extend(of.into_iter().map(Line::Finding));
            }
        }
        lines
    });
    let visible = use_visible_rows(container.clone(), lines.len(), ROW_HEIGHT);
    // The keyboard stops at findings, not at headings.
    let positions = use_memo(Rc::clone(&lines), |lines| {
        lines.iter().enumerate().filter(|(_, l)| matches!(l, Line::Finding(_))).map(|(p, _)| p).collect::<Vec<usize>>()
    });
    let open = {
        let (on_ui, lines) = (props.on_ui.clone(), Rc::clone(&lines));
        Callback::from(move |position: usize| {
            if let Some(&Line::Finding(at)) = lines.get(position) {
                on_ui.emit(UiAction::Select { focus: Focus::Finding(at), centre: true });
            }
        })
    };
    let keyboard = use_active_row(container.clone(), positions, ROW_HEIGHT, 0.0, open.clone());
    let (findings, pending) = (props.analysis.findings(), props.analysis.findings_pending());
    let listed = lines.iter().filter(|l| matches!(l, Line::Finding(_))).count();
    let in_sight = lines.get(visible.clone()).unwrap_or_default();
    let line_id = |position: usize| format!("finding-line-{position}");
    let line = |position: usize, line: Line| match line {
        Line::Heading(severity, n) => html! {
            <li class={classes!("finding-heading", severity.as_str())} key={format!("h-{}", severity.as_str())} role="presentation">
                <span class="dot" aria-hidden="true"></span>{ format!("{} · {}", severity.as_str(), number(n)) }
            </li>
        },
        Line::Finding(at) => {
            let finding = &findings[at];
            let (open, set) = (open.clone(), keyboard.set.clone());
            let click = Callback::from(move |_: MouseEvent| {
                set.emit(position);
                open.emit(position);
            });
            let current = props.focus == Some(Focus::Finding(at));
            let active = keyboard.active == Some(position);
            html! {
                <li key={format!("f-{at}")} id={line_id(position)} role="option" aria-selected={current.to_string()}
                    class={classes!("finding-row", finding.severity.as_str(), current.then_some("current"), active.then_some("active"))}
                    onclick={click}>
                    <span class="finding-meta"><span class="rule-id">{ &finding.rule }</span>{ " " }{ finding.severity.as_str() }</span>
                    <span class="finding-title">{ &finding.title }</span>
                </li>
            }
        }
    };
    let active_in_sight = keyboard.active.filter(|p| visible.contains(p)).map(line_id);
    html! {
        <section class="findings" aria-labelledby="findings-title">
            <h2 class="panel-title" id="findings-title">
                { "Findings " }<span class="muted">{ if pending {
                    "(…)".to_owned()
                } else if listed == findings.len() {
                    format!("({})", findings.len())
                } else {
                    format!("({listed} of {})", findings.len())
                } }</span>
            </h2>
            <div class="findings-scroll" ref={container} aria-busy={pending.to_string()}>
                if pending {
                    <p class="muted working" id="findings-working" role="status">
                        { "Looking for findings… The graph can be explored meanwhile." }
                    </p>
                } else if findings.is_empty() {
                    <p class="muted">{ "No findings." }</p>
                } else if listed == 0 {
                    <p class="muted">{ format!("{} hidden by the severity filter.", count(findings.len(), "finding", "findings")) }</p>
                }
                <ul class="findings-list" id="findings-list" role="listbox" tabindex="0" aria-labelledby="findings-title"
                    aria-activedescendant={active_in_sight} onkeydown={keyboard.on_key.clone()}>
                    { list_spacer(Side::Above, visible.start) }
                    { for in_sight.iter().enumerate().map(|(i, &l)| line(visible.start + i, l)) }
                    { list_spacer(Side::Below, lines.len() - visible.end) }
                </ul>
            </div>
        </section>
    }
}
