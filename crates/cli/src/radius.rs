//! `blastmap radius` and `blastmap exposure`: what each start node reaches, directly and
//! transitively, and who reaches a target; each with the path that explains it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write;

use blastmap_analysis::radius::{Coverage, Exposer, Mode, Reach, Reached, exposure, radius, reach};
use blastmap_analysis::{AccessGraph, NodeKey, NodeKind};
use blastmap_model::{AttachedIdentity, Inventory, Key};
use petgraph::graph::{EdgeIndex, NodeIndex};
use rustc_hash::FxHashMap;
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

/// Names nodes and steps in output.
struct Names<'a> {
    inventory: &'a Inventory,
    access: &'a AccessGraph,
    /// The principal id of each source's system-assigned identity, when known.
    system_principal: FxHashMap<Key, Key>,
}

impl<'a> Names<'a> {
    fn new(inventory: &'a Inventory, access: &'a AccessGraph) -> Self {
        let system_principal = inventory
            .attachments()
            .iter()
            .filter_map(|a| match a.identity {
                AttachedIdentity::System { principal_id: Some(p) } => Some((a.source, p)),
                _ => None,
            })
            .collect();
        Names { inventory, access, system_principal }
    }

    /// The id a node goes by in output: its ARM id, its object id, a system-assigned identity's
    /// principal id (or its source's id), a federated credential's id.
    fn node_id(&self, node: NodeIndex) -> String {
        let inventory = self.inventory;
        match self.access.graph[node].key {
            NodeKey::Arm(k) | NodeKey::Principal(k) | NodeKey::Federated(k) => inventory.text(k).to_owned(),
            NodeKey::System(source) => match self.system_principal.get(&source) {
                Some(&p) => inventory.text(p).to_owned(),
                None => format!("{}#system-assigned", inventory.text(source)),
            },
        }
    }

    fn step(&self, edge: EdgeIndex) -> Step {
        let access = self.access;
        let (from, to) = access.graph.edge_endpoints(edge).unwrap_or((NodeIndex::end(), NodeIndex::end()));
        Step {
            kind: access.graph[edge].kind.as_str(),
            from: self.node_id(from),
            to: self.node_id(to),
            reason: access.reason(edge).into_owned(),
        }
    }

    fn path(&self, path: &[EdgeIndex]) -> Vec<Step> {
        path.iter().map(|&e| self.step(e)).collect()
    }

    /// A path for people: its reasons, in order.
    fn reasons(&self, path: &[EdgeIndex]) -> String {
        let why: Vec<Cow<str>> = path.iter().map(|&e| self.access.reason(e)).collect();
        why.join(" → ")
    }
}

/// The key of an id given on the command line, in any case.
fn key_of(inventory: &Inventory, id: &str) -> Option<Key> {
    inventory.keys.get(id.trim_end_matches('/'))
}

/// Finds the node an id names: an ARM id of a node, or a principal object id.
fn resolve(inventory: &Inventory, access: &AccessGraph, id: &str) -> Option<NodeIndex> {
    let key = key_of(inventory, id)?;
    access.node(NodeKey::Arm(key)).or_else(|| access.node_of_principal(key))
}

/// Computes and writes the radius; `Err` names an id that is not in the inputs (and nothing is
/// written). Write errors (a closed pipe) end the output quietly.
pub fn run(
    out: &mut impl Write,
    inventory: &Inventory,
    access: &AccessGraph,
    coverage: &Coverage,
    starts: Starts,
    list: bool,
    json: bool,
) -> Result<(), String> {
    let names = Names::new(inventory, access);
    let (nodes, list) = match starts {
        Starts::Ids(ids) => {
            let nodes = ids
                .iter()
                .map(|id| {
                    resolve(inventory, access, id)
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
    // Counting every start is one shared pass; a few starts are cheaper one by one.
    let all = (nodes.len() > 64).then(|| Reach::new(access, coverage));
    let mut entries: Vec<(Entry, Vec<Reached>)> = nodes
        .into_iter()
        .map(|node| {
            let count = |mode| match &all {
                Some(all) => all.count(node, mode),
                None => reach(access, coverage, node, mode),
            };
            // Paths only when they will be printed: a tenant's worth of them does not fit.
            let reached = if list { radius(access, coverage, node, Mode::Transitive) } else { Vec::new() };
            let entry = Entry {
                from: names.node_id(node),
                name: access.graph[node].label.clone(),
                direct: count(Mode::Direct),
                transitive: count(Mode::Transitive),
                reached: None,
            };
            (entry, reached)
        })
        .collect();
    // Largest radius first; ties by id, so the output is stable.
    entries.sort_by(|(a, _), (b, _)| b.transitive.cmp(&a.transitive).then_with(|| a.from.cmp(&b.from)));
    let reached_json = |reached: &[Reached]| -> Vec<ReachedJson> {
        reached
            .iter()
            .map(|r| ReachedJson {
                id: inventory.text(r.resource).to_owned(),
                access: r.access.as_str(),
                path: names.path(&r.path),
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
        crate::write_json(out, &Output { radius });
        return Ok(());
    }
    let mut text = String::new();
    for (entry, reached) in &entries {
        let _ = writeln!(
            text,
            "{:>6} transitive {:>6} direct  {}  ({})",
            entry.transitive, entry.direct, entry.name, entry.from
        );
        if list {
            for r in reached {
                let _ = writeln!(text, "         {:<13} {}", r.access.as_str(), inventory.text(r.resource));
                let _ = writeln!(text, "                       {}", names.reasons(&r.path));
            }
        }
    }
    let _ = out.write_all(text.as_bytes());
    Ok(())
}

#[derive(Serialize)]
struct ExposureOutput {
    exposure: Vec<ExposureEntry>,
}

#[derive(Serialize)]
struct ExposureEntry {
    to: String,
    name: String,
    exposers: Vec<ExposerJson>,
}

#[derive(Serialize)]
struct ExposerJson {
    from: String,
    name: String,
    access: &'static str,
    /// Whether it reaches the target without pivoting (its direct radius holds it).
    direct: bool,
    path: Vec<Step>,
}

/// Computes and writes who reaches each target; `Err` names an id that is not in the inputs
/// (and nothing is written). Write errors (a closed pipe) end the output quietly.
pub fn run_exposure(
    out: &mut impl Write,
    inventory: &Inventory,
    access: &AccessGraph,
    targets: &[String],
    json: bool,
) -> Result<(), String> {
    let names = Names::new(inventory, access);
    let mut entries = Vec::new();
    for id in targets {
        let target = key_of(inventory, id)
            .filter(|&k| inventory.resource(k).is_some() || access.node(NodeKey::Arm(k)).is_some())
            .ok_or_else(|| format!("{id} is not a resource or scope of the inputs"))?;
        let direct: Vec<NodeIndex> = exposure(inventory, access, target, Mode::Direct).iter().map(|e| e.node).collect();
        let exposers: Vec<Exposer> = exposure(inventory, access, target, Mode::Transitive);
        let name = match access.node(NodeKey::Arm(target)) {
            Some(node) => access.graph[node].label.clone(),
            None => inventory.resource(target).map(|r| r.name.clone()).unwrap_or_default(),
        };
        let exposers = exposers
            .iter()
            .map(|e| ExposerJson {
                from: names.node_id(e.node),
                name: access.graph[e.node].label.clone(),
                access: e.access.as_str(),
                direct: direct.contains(&e.node),
                path: names.path(&e.path),
            })
            .collect();
        entries.push(ExposureEntry { to: inventory.text(target).to_owned(), name, exposers });
    }
    if json {
        crate::write_json(out, &ExposureOutput { exposure: entries });
        return Ok(());
    }
    let mut text = String::new();
    for entry in &entries {
        let directly = entry.exposers.iter().filter(|e| e.direct).count();
        let _ = writeln!(
            text,
            "{}  ({})\n  reached by {} ({directly} without pivoting)",
            entry.name,
            entry.to,
            entry.exposers.len()
        );
        for e in &entry.exposers {
            let how = if e.direct { "direct" } else { "pivot" };
            let _ = writeln!(text, "  {:<13} {how:<6} {}  ({})", e.access, e.name, e.from);
            let why: Vec<&str> = e.path.iter().map(|s| s.reason.as_str()).collect();
            let _ = writeln!(text, "                       {}", why.join(" → "));
        }
    }
    let _ = out.write_all(text.as_bytes());
    Ok(())
}
