// Shared by the end-to-end tests: a static server that mounts dist/ under a sub-path (as any
// static host would), Debian's Chromium driven by playwright-core, and the checks every page
// must pass: no request outside its own origin, no console error, no uncaught exception.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { readFile, readdir, mkdir } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { after, afterEach, before } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DIST = join(ROOT, "dist");
export const SUB_PATH = "/some/sub/path/";
export const SCREENSHOTS = join(ROOT, "target/e2e-screenshots");
export const fixture = (name) => join(ROOT, "tests/fixtures", name);
/** A real public file from shared/corpus (read in place, beside the repository). */
export const corpus = (name) => join(ROOT, "../shared/corpus", name);

/**
 * The files of a deterministic synthetic tenant of `resources` resources (az CLI exports),
 * written once by `cargo xtask gen` under target/gen and reused (`cargo xtask test` writes the
 * worker tests' tenant before it runs them).
 */
export async function generatedTenant(resources, seed = 1) {
  const dir = join(ROOT, "target/gen", `tenant-${resources}-${seed}`);
  if (!existsSync(join(dir, "az-role-assignment-list.json"))) {
    execFileSync("cargo", ["xtask", "gen", "--resources", String(resources), "--seed", String(seed), "--out", dir], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
    });
  }
  return (await readdir(dir)).filter((f) => f.endsWith(".json")).sort().map((f) => join(dir, f));
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/**
 * The headers `web/_headers` (copied into dist/) asks a host to send with every file: a small
 * reader of the Netlify / Cloudflare Pages format, for its one rule `/*`.
 */
export async function hostHeaders(dist = DIST) {
  const headers = {};
  let path;
  for (const line of (await readFile(join(dist, "_headers"), "utf8")).split("\n")) {
    if (!line.trim() || line.trimStart().startsWith("#")) continue;
    if (!/^\s/.test(line)) {
      path = line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (path === "/*" && colon > 0) headers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Serves dist/ (or another build, `dist`) at http://127.0.0.1:<port>/some/sub/path/ with the
 * headers of `hostHeaders()`, as a host configured as the README says would.
 */
export async function serveDist(dist = DIST) {
  const headers = await hostHeaders(dist);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    if (!path.startsWith(SUB_PATH)) {
      response.writeHead(404).end();
      return;
    }
    const relative = normalize(path.slice(SUB_PATH.length) || "index.html");
    if (relative.startsWith("..")) {
      response.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(join(dist, relative));
      response.writeHead(200, { ...headers, "content-type": TYPES[extname(relative)] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, url: origin + SUB_PATH };
}

export async function launch() {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    ],
  });
}

/**
 * Opens the app and records everything that must not happen. `problems()` lists them;
 * `requests()` lists every request the page and its worker made.
 */
export async function openApp(browser, site, { width = 1440, height = 900, colorScheme = "light", hasTouch = false } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, colorScheme, hasTouch });
  const page = await context.newPage();
  const problems = [];
  const requests = [];
  page.on("request", (request) => {
    requests.push(request.url());
    const url = new URL(request.url());
    if (url.origin !== site.origin && url.protocol !== "data:" && url.protocol !== "blob:") {
      problems.push(`request outside the page's origin: ${request.url()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  await page.goto(site.url);
  await page.locator("#graph-canvas[data-nodes]").waitFor({ state: "attached" });
  await findingsListed(page);
  return { page, context, problems: () => problems, requests: () => requests };
}

/**
 * Waits until the findings of what is shown are listed: the worker sends them after the picture.
 * Call it once the load in question is drawn (until then, the findings listed are the last load's).
 */
export async function findingsListed(page, options) {
  await page.locator(".findings-scroll[aria-busy='false']").waitFor(options);
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Drops files on the page the way a browser does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFiles(page, files) {
  const payload = await Promise.all(
    files.map(async (path) => ({ name: path.split("/").pop(), text: await readFile(path, "utf8") })),
  );
  const transfer = await page.evaluateHandle((payload) => {
    const transfer = new DataTransfer();
    for (const { name, text } of payload) transfer.items.add(new File([text], name, { type: "application/json" }));
    return transfer;
  }, payload);
  for (const type of ["dragenter", "dragover", "drop"]) {
    await page.dispatchEvent(".app", type, { dataTransfer: transfer });
  }
}

/**
 * Registers what every end-to-end file needs: one server and one browser for the file, and
 * after each test its page's context closed and the page's problems asserted to be none.
 * `open(options)` opens the app as `openApp` does.
 */
export function appUnderTest() {
  let site;
  let browser;
  let session;
  before(async () => {
    site = await serveDist();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    site?.server.close();
  });
  afterEach(async () => {
    const problems = session?.problems() ?? [];
    await session?.context.close();
    session = undefined;
    assert.deepEqual(problems, [], "the page made a request outside its origin or logged an error");
  });
  return {
    async open(options) {
      session = await openApp(browser, site, options);
      return session;
    },
  };
}
