//! `blastmap radius`: what each start node reaches, directly and transitively, and why.

use std::fmt::Write;

use blastmap_analysis::permissions::Permissions;
use blastmap_analysis::radius::{Coverage, Mode, Reached, radius, reach};
use blastmap_analysis::{AccessGraph, NodeKey, NodeKind};
use blastmap_model::{AttachedIdentity, Inventory};
use petgraph::graph::NodeIndex;
use serde::Serialize;

/// What to compute the radius of.
pub enum Starts {
    /// These ids (resource, identity, or principal object id; any case).
    Ids(Vec<String>),
    /// Every node that can act: principals, pipelines, sources, identities.
    All,
}

#[derive(Serialize)]
struct Output {
    radius: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    from: String,
    name: String,
    direct: usize,
    transitive: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    reached: Option<Vec<ReachedJson>>,
}

#[derive(Serialize)]
struct ReachedJson {
    id: String,
    access: &'static str,
    path: Vec<Step>,
}

#[derive(Serialize)]
struct Step {
    kind: &'static str,
    from: String,
    to: String,
    reason: String,
}

/// The id a node goes by in output: its ARM id, its object id, a system-assigned identity's
/// principal id (or its source's id), a federated credential's id.
fn node_id(inventory: &Inventory, access: &AccessGraph, node: NodeIndex) -> String {
    match access.graph[node].key {
        NodeKey::Arm(k) | NodeKey::Principal(k) | NodeKey::Federated(k) => inventory.text(k).to_owned(),
        NodeKey::System(source) => inventory
            .attachments()
            .iter()
            .find_map(|a| match a.identity {
                AttachedIdentity::System { principal_id: Some(p) } if a.source == source => {
                    Some(inventory.text(p).to_owned())
                }
                _ => None,
            })
            .unwrap_or_else(|| format!("{}#system-assigned", inventory.text(source))),
    }
}

/// Finds the node an id names: an ARM id of a node, or a principal object id.
fn resolve(inventory: &Inventory, access: &AccessGraph, id: &str) -> Option<NodeIndex> {
    let key = inventory.keys.get(id.trim_end_matches('/'))?;
    access.node(NodeKey::Arm(key)).or_else(|| access.node_of_principal(key))
}

/// Computes and formats the radius; `Err` names an id that is not in the inputs.
pub fn run(inventory: &Inventory, starts: Starts, list: bool, json: bool) -> Result<String, String> {
    let access = AccessGraph::build(inventory);
    let coverage = Coverage::new(inventory, &Permissions::new(inventory), &access);
    let (nodes, list) = match starts {
        Starts::Ids(ids) => {
            let nodes = ids
                .iter()
                .map(|id| {
                    resolve(inventory, &access, id)
                        .ok_or_else(|| format!("{id} is not a resource, identity or principal of the inputs"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            (nodes, true)
        }
        Starts::All => {
            let nodes =
                access.graph.node_indices().filter(|&n| !matches!(access.graph[n].kind, NodeKind::Target(_))).collect();
            (nodes, list)
        }
    };
    let mut entries: Vec<(Entry, Vec<Reached>)> = nodes
        .into_iter()
        .map(|node| {
            let direct = reach(&access, &coverage, node, Mode::Direct);
            // Paths only when they will be printed: a tenant's worth of them does not fit.
            let (transitive, reached) = if list {
                let reached = radius(&access, &coverage, node, Mode::Transitive);
                (reached.len(), reached)
            } else {
                (reach(&access, &coverage, node, Mode::Transitive), Vec::new())
            };
            let entry = Entry {
                from: node_id(inventory, &access, node),
                name: access.graph[node].label.clone(),
                direct,
                transitive,
                reached: None,
            };
            (entry, reached)
        })
        .collect();
    // Largest radius first; ties by id, so the output is stable.
    entries.sort_by(|(a, _), (b, _)| b.transitive.cmp(&a.transitive).then_with(|| a.from.cmp(&b.from)));
    let step = |e| {
        let edge = &access.graph[e];
        let (from, to) = access.graph.edge_endpoints(e).unwrap_or((NodeIndex::end(), NodeIndex::end()));
        Step {
            kind: edge.kind.as_str(),
            from: node_id(inventory, &access, from),
            to: node_id(inventory, &access, to),
            reason: edge.reason.clone(),
        }
    };
    let reached_json = |reached: &[Reached]| -> Vec<ReachedJson> {
        reached
            .iter()
            .map(|r| ReachedJson {
                id: inventory.text(r.resource).to_owned(),
                access: r.access.as_str(),
                path: r.path.iter().map(|&e| step(e)).collect(),
            })
            .collect()
    };
    if json {
        let radius = entries
            .into_iter()
            .map(|(mut entry, reached)| {
                entry.reached = list.then(|| reached_json(&reached));
                entry
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&Output { radius }).unwrap_or_default() + "\n");
    }
    let mut out = String::new();
    for (entry, reached) in &entries {
        let _ = writeln!(
            out,
            "{:>6} transitive {:>6} direct  {}  ({})",
            entry.transitive, entry.direct, entry.name, entry.from
        );
        if list {
            for r in reached {
                let why: Vec<String> = r.path.iter().map(|&e| access.graph[e].reason.clone()).collect();
                let _ = writeln!(out, "         {:<13} {}", r.access.as_str(), inventory.text(r.resource));
                let _ = writeln!(out, "                       {}", why.join(" → "));
            }
        }
    }
    Ok(out)
}
