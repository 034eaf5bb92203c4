// Where one load's CPU time goes, by function: Chromium's sampling profiler on the page and on
// its worker, from the file drop to the first drawn graph, printed as
//
// - each thread's busy time, and the functions it spent the most time in (self time);
// - the worker's steps: the inclusive time of each function its message handler calls.
//
// The build profiled must keep its function names (`cargo xtask profile` makes one: no
// wasm-opt, symbols kept); without them every function is `wasm-function[N]`.
//
// - with CALLERS (names, comma-separated), who calls each of those functions, by time.
//
// Usage: node tests/bench/profile.mjs DIST_DIR TENANT_DIR [TOP [CALLERS]]; run by
// `cargo xtask profile`.
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { launch, openApp, serveDist } from "../e2e/harness.mjs";

const [dist, tenant, top = "25", callers = ""] = process.argv.slice(2);
const paths = (await readdir(tenant)).filter((f) => f.endsWith(".json")).sort().map((f) => join(tenant, f));

const site = await serveDist(dist);
const browser = await launch();
const { page } = await openApp(browser, site);
const before = await page.locator("#graph-canvas").getAttribute("data-nodes");
await browser.startTracing(page, { categories: ["disabled-by-default-v8.cpu_profiler"] });
const started = Date.now();
await page.locator("#file-input").setInputFiles(paths);
await page.waitForFunction(
  (before) => {
    const nodes = document.querySelector("#graph-canvas")?.dataset.nodes;
    return nodes !== undefined && nodes !== before && !document.getElementById("load-status");
  },
  before,
  { timeout: 15 * 60 * 1000, polling: 50 },
);
const elapsed = Date.now() - started;
const trace = JSON.parse((await browser.stopTracing()).toString());
await browser.close();
site.server.close();

/** The sampled profiles in the trace, one per thread: nodes by id, and (node, µs) samples. */
function profiles(events) {
  const byId = new Map();
  for (const event of events) {
    if (event.name === "Profile") byId.set(event.id, { nodes: new Map(), samples: [] });
  }
  for (const event of events) {
    const profile = event.name === "ProfileChunk" && byId.get(event.id);
    if (!profile) continue;
    const { cpuProfile = {}, timeDeltas = [] } = event.args.data;
    for (const node of cpuProfile.nodes ?? []) profile.nodes.set(node.id, node);
    (cpuProfile.samples ?? []).forEach((sample, i) => profile.samples.push([sample, timeDeltas[i] ?? 0]));
  }
  return [...byId.values()].filter((p) => p.samples.length > 0);
}

/** A function's name without the hash rustc appends (`::h0123…`). */
const nameOf = (node) => (node?.callFrame.functionName || "(anonymous)").replace(/::h[0-9a-f]{16}$/, "");
// Not script: the browser's own work, the collector, and waiting.
const NOT_SCRIPT = new Set(["(idle)", "(program)", "(garbage collector)"]);
const ms = (us) => `${(us / 1000).toFixed(0).padStart(7)} ms`;

/** The frames of a sample, innermost first. */
function stack(profile, id) {
  const frames = [];
  for (let node = profile.nodes.get(id); node; node = profile.nodes.get(node.parent)) frames.push(nameOf(node));
  return frames;
}

function report(profile, label) {
  const self = new Map();
  let busy = 0;
  for (const [id, us] of profile.samples) {
    const name = nameOf(profile.nodes.get(id));
    if (NOT_SCRIPT.has(name)) continue;
    busy += us;
    self.set(name, (self.get(name) ?? 0) + us);
  }
  console.log(`\n${label}: script ${ms(busy).trim()}; most time in:`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`  ${ms(us)}  ${name}`);
  }
  return busy;
}

/** Inclusive time of each function the worker's message handler calls directly. */
function steps(profile) {
  const handler = (name) => name.startsWith("blastmap_worker::main::{{closure}}");
  const inclusive = new Map();
  for (const [id, us] of profile.samples) {
    const frames = stack(profile, id).reverse();
    const at = frames.findIndex(handler);
    if (at < 0) continue;
    const step = frames[at + 1] ?? "(the handler itself)";
    inclusive.set(step, (inclusive.get(step) ?? 0) + us);
  }
  console.log("\nworker steps (inclusive, called from its message handler):");
  for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`  ${ms(us)}  ${name}`);
  }
}

/**
 * Who calls `callee`, by the time spent in it: its nearest caller of Blastmap's own (the
 * standard library's sort calling `memcmp` says little), else its nearest by another name.
 */
function callersOf(profile, callee) {
  const by = new Map();
  for (const [id, us] of profile.samples) {
    const frames = stack(profile, id);
    if (frames[0] !== callee) continue;
    const caller =
      frames.find((name, i) => i > 0 && name.startsWith("blastmap")) ?? frames.find((name) => name !== callee) ?? "(none)";
    by.set(caller, (by.get(caller) ?? 0) + us);
  }
  if (by.size === 0) return;
  console.log(`\ncallers of ${callee}:`);
  for (const [name, us] of [...by].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) {
    console.log(`  ${ms(us)}  ${name}`);
  }
}

console.log(`drop to first graph ${elapsed} ms (under the profiler, which slows it)`);
const threads = profiles(trace.traceEvents ?? trace);
const isWorker = (p) => [...p.nodes.values()].some((n) => nameOf(n).startsWith("blastmap_worker::main"));
for (const profile of threads) {
  if (isWorker(profile)) {
    report(profile, "worker");
    steps(profile);
    for (const callee of callers.split(",").filter(Boolean)) callersOf(profile, callee);
  } else {
    report(profile, "page");
  }
}
