//! The page's interactive state: what is selected, how it is read, what is filtered, which
//! view shows the nodes. Small values only (the analysis lives in the workspace), changed by
//! [`UiAction`]s; pure, tested natively.

use std::rc::Rc;

use blastmap_analysis::radius::Mode;
use yew::Reducible;

use crate::query::Filter;
use crate::selection::{Direction, Focus};

/// How the nodes are shown.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum View {
    /// The canvas.
    Graph,
    /// A table of the same nodes.
    Table,
}

/// The page's interactive state.
#[derive(Clone, Debug, PartialEq)]
pub struct Ui {
    /// What is selected.
    pub focus: Option<Focus>,
    /// Direct or transitive.
    pub mode: Mode,
    /// Blast radius or exposure.
    pub direction: Direction,
    /// What is hidden.
    pub filter: Filter,
    /// Graph or table.
    pub view: View,
    /// Bumped whenever the graph should bring the selected node to its middle.
    pub centre_requests: u32,
}

impl Default for Ui {
    fn default() -> Self {
        Ui {
            focus: None,
            mode: Mode::Transitive,
            direction: Direction::Radius,
            filter: Filter::default(),
            view: View::Graph,
            centre_requests: 0,
        }
    }
}

/// What can happen to the interactive state.
#[derive(Clone, Debug, PartialEq)]
pub enum UiAction {
    /// Select something; `centre` brings a node to the middle of the graph.
    Select {
        /// What.
        focus: Focus,
        /// Whether to centre the graph on it.
        centre: bool,
    },
    /// Select nothing.
    Clear,
    /// Direct or transitive.
    Mode(Mode),
    /// Blast radius or exposure.
    Direction(Direction),
    /// A new filter.
    Filter(Filter),
    /// Graph or table.
    View(View),
    /// The analysis changed: indices of the old one mean nothing now.
    NewAnalysis,
}

impl Ui {
    /// The state after `action`.
    pub fn after(&self, action: UiAction) -> Ui {
        let mut next = self.clone();
        match action {
            UiAction::Select { focus, centre } => {
                next.focus = Some(focus);
                if centre {
                    next.centre_requests = next.centre_requests.wrapping_add(1);
                }
            }
            UiAction::Clear => next.focus = None,
            UiAction::Mode(mode) => next.mode = mode,
            UiAction::Direction(direction) => next.direction = direction,
            UiAction::Filter(filter) => next.filter = filter,
            UiAction::View(view) => next.view = view,
            UiAction::NewAnalysis => next.focus = None,
        }
        next
    }

    /// The selected node, if a node is selected.
    pub fn node(&self) -> Option<usize> {
        match self.focus {
            Some(Focus::Node(node)) => Some(node),
            _ => None,
        }
    }
}

impl Reducible for Ui {
    type Action = UiAction;

    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let next = self.after(action);
        // Same state, same Rc: Yew skips the re-render.
        if next == *self { self } else { Rc::new(next) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selecting_centres_only_when_asked_and_a_new_analysis_clears_the_selection() {
        let ui = Ui::default();
        let ui = ui.after(UiAction::Select { focus: Focus::Node(3), centre: false });
        assert_eq!((ui.node(), ui.centre_requests), (Some(3), 0));
        let ui = ui.after(UiAction::Select { focus: Focus::Node(4), centre: true });
        assert_eq!((ui.node(), ui.centre_requests), (Some(4), 1));
        let ui = ui.after(UiAction::Select { focus: Focus::Finding(0), centre: false });
        assert_eq!((ui.node(), ui.focus), (None, Some(Focus::Finding(0))));
        let ui = ui.after(UiAction::Mode(Mode::Direct)).after(UiAction::NewAnalysis);
        assert_eq!((ui.focus, ui.mode), (None, Mode::Direct), "the reading survives a new analysis");
    }

    #[test]
    fn an_action_that_changes_nothing_keeps_the_same_state() {
        let ui = Rc::new(Ui::default());
        let same = Rc::clone(&ui).reduce(UiAction::Clear);
        assert!(Rc::ptr_eq(&ui, &same));
        let changed = Rc::clone(&ui).reduce(UiAction::View(View::Table));
        assert!(!Rc::ptr_eq(&ui, &changed));
    }
}
