//! The findings panel: every finding, grouped by severity, in a list that renders only the
//! rows in sight. Choosing one selects it: its subjects light up in the graph and the side
//! panel shows it in full.

use std::rc::Rc;

use blastmap_analysis::rules::Severity;
use yew::prelude::*;

use super::visible_rows::{Side, list_spacer, use_row_focus, use_visible_rows};
use crate::query::Filter;
use crate::selection::Focus;
use crate::text::count;
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
            let of: Vec<usize> = (0..analysis.findings.len())
                .filter(|&i| analysis.findings[i].severity == severity && filter.admits_finding(&analysis.findings[i]))
                .collect();
            if !of.is_empty() {
                lines.push(Line::Heading(severity, of.len()));
                lines.extend(of.into_iter().map(Line::Finding));
            }
        }
        lines
    });
    let visible = use_visible_rows(container.clone(), lines.len(), ROW_HEIGHT);
    let on_key = use_row_focus(container.clone());
    let findings = &props.analysis.findings;
    let listed = lines.iter().filter(|l| matches!(l, Line::Finding(_))).count();
    let in_sight = lines.get(visible.clone()).unwrap_or_default();
    // One tab stop for the whole list: the current finding when in sight, else the first in sight.
    let tabbable = match props.focus {
        Some(Focus::Finding(at)) if in_sight.contains(&Line::Finding(at)) => Some(at),
        _ => in_sight.iter().find_map(|l| match l {
            Line::Finding(at) => Some(*at),
            Line::Heading(..) => None,
        }),
    };
    let line = |line: Line| match line {
        Line::Heading(severity, n) => html! {
            <li class={classes!("finding-heading", severity.as_str())} key={format!("h-{}", severity.as_str())}>
                <span class="dot" aria-hidden="true"></span>{ format!("{} · {n}", severity.as_str()) }
            </li>
        },
        Line::Finding(at) => {
            let finding = &findings[at];
            let on_ui = props.on_ui.clone();
            let open = Callback::from(move |_: MouseEvent| {
                on_ui.emit(UiAction::Select { focus: Focus::Finding(at), centre: true })
            });
            let current = props.focus == Some(Focus::Finding(at));
            html! {
                <li class="finding-line" key={format!("f-{at}")}>
                    <button type="button" class={classes!("finding-row", finding.severity.as_str(), current.then_some("current"))}
                        aria-current={current.then_some("true")} data-row={format!("f-{at}")} onclick={open}
                        tabindex={if tabbable == Some(at) { "0" } else { "-1" }}>
                        <span class="finding-meta"><span class="rule-id">{ finding.rule }</span>{ " " }{ finding.severity.as_str() }</span>
                        <span class="finding-title">{ &finding.title }</span>
                    </button>
                </li>
            }
        }
    };
    html! {
        <section class="findings" aria-labelledby="findings-title">
            <h2 class="panel-title" id="findings-title">
                { "Findings " }<span class="muted">{ if listed == findings.len() {
                    format!("({})", findings.len())
                } else {
                    format!("({listed} of {})", findings.len())
                } }</span>
            </h2>
            <div class="findings-scroll" ref={container}>
                if findings.is_empty() {
                    <p class="muted">{ "No findings." }</p>
                } else if listed == 0 {
                    <p class="muted">{ format!("{} hidden by the severity filter.", count(findings.len(), "finding", "findings")) }</p>
                }
                <ul class="findings-list" id="findings-list" onkeydown={on_key}>
                    { list_spacer(Side::Above, visible.start) }
                    { for in_sight.iter().map(|&l| line(l)) }
                    { list_spacer(Side::Below, lines.len() - visible.end) }
                </ul>
            </div>
        </section>
    }
}
