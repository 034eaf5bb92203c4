//! Finding nodes: search by name or id, filters by environment, region, subscription, kind and
//! severity, and the reading order keyboard navigation follows. Pure Rust, tested natively.

use std::collections::BTreeSet;

use blastmap_analysis::Environment;
use blastmap_analysis::rules::Severity;
use blastmap_layout::Column;
use blastmap_worker::wire::{Finding, NodeFacts};

use crate::scene::Scene;
use crate::workspace::Analysis;

/// What is shown: everything except what a filter hides.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Environments hidden.
    pub hidden_environments: Vec<Environment>,
    /// The one region shown (`Some("")` for nodes without a region), or every region.
    pub region: Option<String>,
    /// The one subscription shown, by lower-cased id (`Some("")` for nodes outside any: people,
    /// groups, the root), or every subscription.
    pub subscription: Option<String>,
    /// Kinds (columns) hidden.
    pub hidden_columns: Vec<Column>,
    /// Severities of findings hidden.
    pub hidden_severities: Vec<Severity>,
}

/// Turns a member of a list on or off.
pub fn toggle<T: PartialEq>(list: &mut Vec<T>, item: T) {
    match list.iter().position(|x| *x == item) {
        Some(at) => {
            list.remove(at);
        }
        None => list.push(item),
    }
}

impl Filter {
    /// Whether a node drawn in lane `lane`, in subscription `subscription` (`""` for none), is shown.
    pub fn admits(&self, node: &NodeFacts, lane: Environment, subscription: &str) -> bool {
        !self.hidden_environments.contains(&lane)
            && !self.hidden_columns.contains(&Column::of(node.kind))
            && self.region.as_deref().is_none_or(|region| node.region.as_deref().unwrap_or("") == region)
            && self.subscription.as_deref().is_none_or(|shown| shown == subscription)
    }

    /// Whether a finding is listed.
    pub fn admits_finding(&self, finding: &Finding) -> bool {
        !self.hidden_severities.contains(&finding.severity)
    }

    /// Whether anything is hidden.
    pub fn is_active(&self) -> bool {
        *self != Filter::default()
    }

    /// Per node of the analysis: hidden by this filter. Empty when nothing is hidden.
    pub fn hidden(&self, analysis: &Analysis) -> Vec<bool> {
        let hidden_nodes: Vec<bool> = (analysis.nodes.iter().enumerate())
            .map(|(n, node)| !self.admits(node, analysis.lane(n), analysis.subscription_of(n)))
            .collect();
        if hidden_nodes.iter().any(|&h| h) { hidden_nodes } else { Vec::new() }
    }
}

/// Every region of the analysis's nodes, sorted; `""` stands for "no region" when some node has none.
pub fn regions(analysis: &Analysis) -> Vec<String> {
    // A tenant's nodes name a few regions many times: each is copied once.
    let regions: BTreeSet<&str> = analysis.nodes.iter().map(|n| n.region.as_deref().unwrap_or_default()).collect();
    regions.into_iter().map(str::to_owned).collect()
}

/// The environment lanes drawn, in order.
pub fn environments(analysis: &Analysis) -> Vec<Environment> {
    Environment::ALL.into_iter().filter(|&e| analysis.scene.nodes.iter().any(|n| n.lane == e)).collect()
}

/// How many findings of each severity, most serious first (severities with none left out).
pub fn severity_counts(findings: &[Finding]) -> Vec<(Severity, usize)> {
    Severity::ALL
        .into_iter()
        .map(|s| (s, findings.iter().filter(|f| f.severity == s).count()))
        .filter(|&(_, n)| n > 0)
        .collect()
}

/// The nodes whose name or id contains `query` (any case), best first: names that start with
/// it, then names that contain it, then ids that contain it (once the worker has sent them);
/// ties by name. At most `limit`.
pub fn search(analysis: &Analysis, hidden: &[bool], query: &str, limit: usize) -> Vec<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, String, usize)> = (analysis.scene.nodes.iter().enumerate())
        .filter(|(n, _)| !hidden.get(*n).copied().unwrap_or(false))
        .filter_map(|(n, drawn)| {
            let label = drawn.label.to_lowercase();
            let rank = if label.starts_with(&query) {
                0
            } else if label.contains(&query) {
                1
            } else if analysis.id(n).is_some_and(|id| id.contains(&query)) {
                2
            } else {
                return None;
            };
            Some((rank, label, n))
        })
        .collect();
    hits.sort();
    hits.into_iter().take(limit).map(|(_, _, n)| n).collect()
}

/// The next shown node in reading order (top to bottom, then left to right) after `current`,
/// or before it when `forward` is false; wraps around. The first node when `current` is `None`.
/// An aggregate is visited once, as its first shown member.
pub fn next_node(scene: &Scene, hidden: &[bool], current: Option<usize>, forward: bool) -> Option<usize> {
    let shown = |i: usize| !hidden.get(i).copied().unwrap_or(false);
    let stands_for_aggregate = |i: usize| match scene.folded.get(i).copied().flatten() {
        None => true,
        Some(a) => {
            scene.aggregates.get(a as usize).and_then(|a| a.members.iter().map(|&m| m as usize).find(|&m| shown(m)))
                == Some(i)
        }
    };
    let mut order: Vec<usize> = (0..scene.nodes.len()).filter(|&i| shown(i) && stands_for_aggregate(i)).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&scene.nodes[a], &scene.nodes[b]);
        a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x))
    });
    let len = order.len();
    if len == 0 {
        return None;
    }
    let Some(at) = current.and_then(|c| order.iter().position(|&n| n == c)) else {
        return Some(order[if forward { 0 } else { len - 1 }]);
    };
    Some(order[if forward { (at + 1) % len } else { (at + len - 1) % len }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::sample;

    fn labels(analysis: &Analysis, nodes: &[usize]) -> Vec<String> {
        nodes.iter().map(|&n| analysis.scene.nodes[n].label.clone()).collect()
    }

    #[test]
    fn search_ranks_name_prefixes_first_then_names_then_ids() {
        let a = &sample();
        let hits = labels(a, &search(a, &[], "ID-ORD", 10));
        assert_eq!(hits, ["id-orders"]);
        let hits = labels(a, &search(a, &[], "orders-prod", 10));
        assert_eq!(hits[..2], ["app-orders-prod", "kv-orders-prod"], "names containing the text, by name");
        assert!(hits[2..].contains(&"stordersprod".to_owned()), "then ids (in rg-orders-prod): {hits:?}");
        // rg-orders-prod is no node, but the resources under it have ids containing it.
        let by_id = labels(a, &search(a, &[], "rg-orders-prod/providers", 10));
        assert!(
            by_id.contains(&"kv-orders-prod".to_owned()) && by_id.contains(&"stordersprod".to_owned()),
            "{by_id:?}"
        );
        assert!(search(a, &[], "  ", 10).is_empty());
        assert_eq!(search(a, &[], "o", 3).len(), 3, "at most the limit");
    }

    #[test]
    fn filters_hide_by_environment_region_and_kind_and_search_skips_hidden_nodes() {
        let a = &sample();
        assert!(Filter::default().hidden(a).is_empty(), "nothing hidden by default");
        let mut filter = Filter::default();
        toggle(&mut filter.hidden_environments, Environment::Prod);
        let hidden = filter.hidden(a);
        assert!(search(a, &hidden, "kv-orders-prod", 10).is_empty());
        assert_eq!(labels(a, &search(a, &hidden, "kv-orders-dev", 10)), ["kv-orders-dev"]);
        toggle(&mut filter.hidden_environments, Environment::Prod);
        assert!(!filter.is_active(), "toggling twice restores");

        let only_eastus = Filter { region: Some("eastus".into()), ..Filter::default() };
        let hidden = only_eastus.hidden(a);
        let shown: Vec<&str> =
            a.scene.nodes.iter().enumerate().filter(|(i, _)| !hidden[*i]).map(|(_, n)| n.label.as_str()).collect();
        assert!(shown.contains(&"vm-report") && !shown.contains(&"app-orders-prod"), "{shown:?}");
        assert!(regions(a).contains(&String::new()), "some nodes have no region");

        // The sample's prod subscription: its resources stay, dev's go, people have none.
        let prod = "9e3b8c55-2a41-4f6e-8b7d-0d6f1e2a3b4c".to_owned();
        let only_prod = Filter { subscription: Some(prod), ..Filter::default() };
        let hidden = only_prod.hidden(a);
        let shown: Vec<&str> =
            a.scene.nodes.iter().enumerate().filter(|(i, _)| !hidden[*i]).map(|(_, n)| n.label.as_str()).collect();
        assert!(shown.contains(&"kv-orders-prod") && !shown.contains(&"kv-orders-dev"), "{shown:?}");
        assert!(!shown.contains(&"alice@contoso.com"), "people are in no subscription");

        let no_targets = Filter { hidden_columns: vec![Column::Targets], ..Filter::default() };
        let hidden = no_targets.hidden(a);
        assert!(a.nodes.iter().enumerate().all(|(n, node)| hidden[n] == (Column::of(node.kind) == Column::Targets)));

        // A person is filtered with the lane they are drawn in.
        let no_dev = Filter { hidden_environments: vec![Environment::Dev], ..Filter::default() };
        let alice = a.scene.nodes.iter().position(|n| n.label == "alice@contoso.com").expect("alice");
        assert_eq!(a.lane(alice), Environment::Dev);
        assert!(no_dev.hidden(a)[alice], "alice is drawn in dev, so hiding dev hides her");
    }

    #[test]
    fn severity_filters_and_counts() {
        let a = &sample();
        let counts = severity_counts(a.findings());
        assert_eq!(counts[0], (Severity::Critical, 3), "as `blastmap analyze` counts the sample");
        let filter = Filter { hidden_severities: vec![Severity::Critical], ..Filter::default() };
        assert!(a.findings().iter().filter(|f| filter.admits_finding(f)).all(|f| f.severity != Severity::Critical));
        assert_eq!(environments(a), [Environment::Dev, Environment::Uat, Environment::Prod], "the lanes drawn");
    }

    #[test]
    fn keyboard_order_reads_top_to_bottom_and_wraps() {
        let a = &sample();
        let scene = &a.scene;
        let first = next_node(scene, &[], None, true).unwrap();
        assert_eq!(scene.nodes[first].label, "alice@contoso.com", "top left");
        let second = next_node(scene, &[], Some(first), true).unwrap();
        assert!(scene.nodes[second].y >= scene.nodes[first].y);
        let last = next_node(scene, &[], None, false).unwrap();
        assert_eq!(next_node(scene, &[], Some(last), true), Some(first), "wraps around");
        assert_eq!(next_node(scene, &[], Some(first), false), Some(last));
        let all_hidden = vec![true; scene.nodes.len()];
        assert_eq!(next_node(scene, &all_hidden, None, true), None);
    }

    /// Keyboard focus visits an aggregate once, as its first shown member.
    #[test]
    fn keyboard_order_visits_an_aggregate_once() {
        let a = &sample();
        let mut scene = a.scene.clone();
        let first = next_node(&scene, &[], None, true).unwrap();
        let members: Vec<usize> = (0..scene.nodes.len()).filter(|&n| n != first).take(3).collect();
        scene.folded = vec![None; scene.nodes.len()];
        for &m in &members {
            scene.folded[m] = Some(0);
        }
        scene.aggregates = vec![crate::scene::SceneAggregate {
            x: scene.nodes[members[0]].x,
            y: scene.nodes[members[0]].y,
            style: scene.nodes[members[0]].style,
            label: "rg".into(),
            members: members.iter().map(|&m| m as u32).collect(),
            lane: scene.nodes[members[0]].lane,
        }];
        let mut visited = Vec::new();
        let mut at = None;
        for _ in 0..scene.nodes.len() {
            at = next_node(&scene, &[], at, true);
            visited.push(at.unwrap());
        }
        assert!(visited.contains(&members[0]));
        assert!(!visited.contains(&members[1]) && !visited.contains(&members[2]));
        let mut hidden = vec![false; scene.nodes.len()];
        hidden[members[0]] = true;
        let visits_second = (0..scene.nodes.len())
            .scan(None, |at, _| {
                *at = next_node(&scene, &hidden, *at, true);
                *at
            })
            .any(|n| n == members[1]);
        assert!(visits_second, "the first shown member stands for the aggregate");
    }
}
