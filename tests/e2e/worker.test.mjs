// The worker: a big tenant is read and analysed off the main thread, so the page stays
// responsive while it loads; its graph is drawn before its findings are known, and they follow;
// Cancel stops a load wherever it is and leaves what was shown usable; and the worker, like the
// page, talks to nobody but the page's origin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appUnderTest, findingsListed, generatedTenant, screenshot } from "./harness.mjs";

const app = appUnderTest();

/** A tenant big enough that analysing it on the main thread would freeze the page for seconds. */
const RESOURCES = 20000;

const text = (page, selector) => page.locator(selector).innerText();
const status = (page) => page.locator("#load-status");

/**
 * Records the longest gap between animation frames while a load runs, up to the moment the
 * worker sends its picture (drawing a new picture is the page's own work, measured by the bench).
 */
async function watchFrames(page) {
  await page.evaluate(() => {
    window.longestFrameGap = 0;
    window.framesWhileLoading = 0;
    let last = performance.now();
    const tick = (now) => {
      const shown = document.getElementById("load-status")?.innerText ?? "";
      if (shown && !shown.startsWith("Drawing")) {
        window.longestFrameGap = Math.max(window.longestFrameGap, now - last);
        window.framesWhileLoading += 1;
      }
      last = now;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

/** Records whether the tenant's graph was ever drawn while its findings were still being looked for. */
async function watchFindings(page, before) {
  await page.evaluate((before) => {
    window.drawnBeforeFindings = false;
    new MutationObserver(() => {
      const nodes = document.querySelector("#graph-canvas")?.dataset.nodes;
      if (nodes !== before && document.getElementById("findings-working")) window.drawnBeforeFindings = true;
    }).observe(document.body, { subtree: true, childList: true, attributes: true });
  }, before);
}

test("the page stays responsive while a big tenant loads, and no request leaves the origin", async () => {
  const files = await generatedTenant(RESOURCES);
  const session = await app.open();
  const { page } = session;
  const before = await page.locator("#graph-canvas").getAttribute("data-nodes");
  await watchFrames(page);
  await watchFindings(page, before);
  await page.locator("#file-input").setInputFiles(files);
  // While the worker parses, the sample on screen still answers: search finds a node in it.
  await status(page).filter({ hasText: /^Parsing \d+ of \d+ files/ }).waitFor();
  await screenshot(page, "worker-loading");
  const typed = Date.now();
  await page.locator("#search").fill("alice");
  // Whether the load still ran is read in the page when the answer shows, in the same moment:
  // asked afterwards, the load (faster since lists are copied in by pieces) may have ended.
  const during = await page.waitForFunction(() => {
    const options = [...document.querySelectorAll("#search-results [role=option]")];
    const shown = options.some((option) => option.textContent.includes("alice@contoso.com"));
    return shown && { loading: document.getElementById("load-status") !== null };
  }, null, { timeout: 2000 });
  const answered = Date.now() - typed;
  assert.ok((await during.jsonValue()).loading, "the search was answered while the load ran");
  assert.ok(answered < 1000, `search answered in ${answered} ms during the load`);
  await page.locator("#search").fill("");

  await status(page).waitFor({ state: "detached", timeout: 5 * 60 * 1000 });
  const nodes = await page.locator("#graph-canvas").getAttribute("data-nodes");
  assert.notEqual(nodes, before, "the tenant is drawn");
  assert.match(await text(page, "#summary"), /4 files/);
  const { gap, frames } = await page.evaluate(() => ({ gap: window.longestFrameGap, frames: window.framesWhileLoading }));
  assert.ok(frames > 10, `${frames} frames drawn while loading`);
  assert.ok(gap < 500, `the longest gap between frames while loading was ${gap.toFixed(0)} ms`);
  await screenshot(page, "worker-loaded");

  // The graph came first, the findings after it; meanwhile a node can be selected (its question
  // waits in the worker's queue until the rules have run).
  const canvas = page.locator("#graph-canvas");
  await canvas.focus();
  await page.keyboard.press("n");
  await page.keyboard.press("Enter");
  await page.locator("#details-name").waitFor();
  await findingsListed(page);
  assert.ok(await page.evaluate(() => window.drawnBeforeFindings), "the graph was drawn before the findings arrived");
  assert.match(await text(page, "#finding-counts"), /^\d{1,3}(,\d{3})* findings?\n\d/, "the total, then the count of each severity");
  // The findings that arrive are listed and open like any.
  const first = page.locator(".finding-row").first();
  const title = await first.locator(".finding-title").innerText();
  await first.click();
  await page.locator("#finding-details", { hasText: title }).waitFor();
  await page.locator("#graph-canvas[data-lit]").waitFor();
  await screenshot(page, "worker-findings");

  // The worker's own script and module came from the page's origin, like everything else
  // (the harness fails the test on any request elsewhere, the worker's included).
  const requests = session.requests();
  for (const name of ["blastmap-worker_loader.js", "blastmap-worker.js", "blastmap-worker_bg.wasm"]) {
    assert.ok(requests.some((url) => url.endsWith(name)), `${name} was requested: ${requests.join(" ")}`);
  }
});

test("Cancel stops a load mid-parse and leaves what was shown usable", async () => {
  const files = await generatedTenant(RESOURCES);
  const session = await app.open();
  const { page } = session;
  const before = await page.locator("#graph-canvas").getAttribute("data-nodes");
  await page.locator("#search").fill("alice");
  await page.locator("#search").press("Enter");
  await page.locator("#reach-summary", { hasText: "Reaches 15 resources" }).waitFor();

  await page.locator("#file-input").setInputFiles(files);
  await status(page).filter({ hasText: /^Parsing \d+ of \d+ files/ }).waitFor();
  await page.locator("#load-cancel").click();
  await status(page).waitFor({ state: "detached" });
  // Long enough for the cancelled load to have ended, had it gone on.
  await page.waitForTimeout(3000);
  assert.match(await text(page, "#summary"), /built-in sample/, "the cancelled load left the sample open");
  assert.equal(await page.locator("#graph-canvas").getAttribute("data-nodes"), before);
  // The worker of what is shown still answers questions.
  await page.locator("#mode-direct").click();
  await page.locator("#reach-summary", { hasText: "Reaches 4 resources" }).waitFor();
  assert.match(await text(page, "#details-name"), /alice@contoso\.com/);
});
