//! What is selected, the question it puts to the worker, and what the page shows of the answer.
//!
//! Selecting a node asks for its blast radius or exposure (with paths and facts); selecting a
//! finding asks what it lights and what explains it. The worker answers with indices
//! ([`blastmap_worker::wire::Lit`]); the page turns them into a [`Highlight`] over the scene's
//! nodes and edges. Pure Rust, tested natively.

use blastmap_analysis::radius::Mode;
pub use blastmap_worker::selection::Highlight;
pub use blastmap_worker::wire::Direction;
use blastmap_worker::wire::{Answer, FindingAnswer, NodeAnswer, Question};

/// What is selected.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Focus {
    /// A node of the graph (its index).
    Node(usize),
    /// A finding (its index in the snapshot's findings).
    Finding(usize),
}

/// The question a selection asks of the worker, if any.
pub fn question(focus: Option<Focus>, mode: Mode, direction: Direction) -> Option<Question> {
    match focus? {
        Focus::Node(node) => Some(Question::Node { node: u32::try_from(node).ok()?, mode, direction }),
        Focus::Finding(at) => Some(Question::Finding(u32::try_from(at).ok()?)),
    }
}

/// What the page shows of a selection the worker has answered.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selected {
    /// What stands out in the graph.
    pub highlight: Highlight,
    /// For a node: its rows and facts.
    pub node: Option<NodeAnswer>,
    /// For a finding: what explains it.
    pub finding: Option<Box<FindingAnswer>>,
}

impl Selected {
    /// What the page shows of `answer`, over a scene of `nodes` nodes and `edges` edges.
    pub fn of(answer: Answer, nodes: usize, edges: usize) -> Selected {
        match answer {
            Answer::Node(node) => {
                Selected { highlight: Highlight::from_lit(&node.lit, nodes, edges), node: Some(*node), finding: None }
            }
            Answer::Finding(finding) => Selected {
                highlight: Highlight::from_lit(&finding.lit, nodes, edges),
                node: None,
                finding: Some(finding),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_worker::wire::Lit;

    #[test]
    fn a_selection_asks_its_question() {
        assert_eq!(question(None, Mode::Direct, Direction::Radius), None);
        assert_eq!(
            question(Some(Focus::Node(3)), Mode::Direct, Direction::Exposure),
            Some(Question::Node { node: 3, mode: Mode::Direct, direction: Direction::Exposure })
        );
        assert_eq!(question(Some(Focus::Finding(2)), Mode::Transitive, Direction::Radius), Some(Question::Finding(2)));
    }

    #[test]
    fn lit_indices_become_flags_and_strays_are_ignored() {
        let lit = Lit { nodes: vec![0, 2, 9], edges: vec![1], marked: vec![2, 9] };
        let highlight = Highlight::from_lit(&lit, 3, 2);
        assert_eq!(highlight.nodes, [true, false, true]);
        assert_eq!(highlight.edges, [false, true]);
        assert_eq!(highlight.marked, [2]);
        assert!(highlight.is_active() && highlight.lit_nodes() == 2);
        assert!(!Highlight::none().is_active());
        let explained = FindingAnswer { lit, message: "why".to_owned(), ..FindingAnswer::default() };
        let selected = Selected::of(Answer::Finding(Box::new(explained.clone())), 3, 2);
        assert_eq!((selected.highlight, selected.node, selected.finding), (highlight, None, Some(Box::new(explained))));
    }
}
