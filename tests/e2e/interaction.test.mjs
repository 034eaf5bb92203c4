// Working with the graph: select a node and read its blast radius and a path, switch to
// exposure, search, filter, open a finding, do it all by keyboard, and switch the theme.
// Node positions come from the canvas's data-selected-at / data-focused-at hooks (screen
// coordinates the app computes), never from guessing pixels.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appUnderTest, dropFiles, findingsListed, fixture, screenshot } from "./harness.mjs";

const app = appUnderTest();

const text = (page, selector) => page.locator(selector).innerText();
const canvas = (page) => page.locator("#graph-canvas");

/** Selects a node by searching for it and pressing Enter. */
async function searchAndSelect(page, query, expected) {
  await page.locator("#search").fill(query);
  await page.locator("#search-results [role=option]").first().waitFor();
  await page.locator("#search").press("Enter");
  await page.locator("#details-name", { hasText: expected }).waitFor();
}

/** The screen position (relative to the canvas) the app reports for an attribute. */
async function at(page, attribute) {
  const value = await canvas(page).getAttribute(attribute);
  assert.ok(value, `the canvas reports ${attribute}`);
  const [x, y] = value.split(",").map(Number);
  return { x, y };
}

test("a click on a node lights its blast radius and the side panel explains a path", async () => {
  const session = await app.open();
  const { page } = session;
  // Select from the table (the accessible twin of the canvas), then find where the node is drawn.
  await page.locator("#view-table").click();
  await page.locator("#node-table td.name", { hasText: /^app-orders-dev$/ }).click();
  await page.locator("#details-name", { hasText: "app-orders-dev" }).waitFor();
  await page.locator("#view-graph").click();
  const position = await at(page, "data-selected-at");

  // Clear by clicking empty space at the top left of the canvas, then click the node itself.
  await canvas(page).click({ position: { x: 5, y: 5 } });
  await page.locator("#details-empty, .details-empty").waitFor();
  assert.equal(await canvas(page).getAttribute("data-lit"), null, "nothing lit without a selection");
  await canvas(page).click({ position });
  await page.locator("#details-name", { hasText: "app-orders-dev" }).waitFor();
  const lit = Number(await canvas(page).getAttribute("data-lit"));
  assert.ok(lit > 5 && lit < 24, `part of the graph is lit, the rest dimmed (${lit} of 24)`);

  // The same figure as `blastmap radius`: 12 resources, production first.
  assert.match(await text(page, "#reach-summary"), /Reaches 12 resources · prod 11 · dev 1/);
  assert.match(await page.locator(".group-title").first().innerText(), /^PROD/);
  const vault = page.locator(".reach-row", { hasText: "kv-orders-dev" });
  await vault.locator("summary").click();
  const path = await vault.locator("ol.path").innerText();
  assert.match(path, /app-orders-dev can use id-orders\nwhich holds Key Vault Secrets User on kv-orders-dev/);
  assert.match(await text(page, "#details-facts"), /Identities\s+id-orders/);
  assert.match(await text(page, ".legend"), /selected\s*outside the selection/);
  // Fit selection frames what is lit: the selected node stays on the canvas.
  await page.locator("#fit-selection").click();
  const framed = await at(page, "data-selected-at");
  const box = await canvas(page).boundingBox();
  assert.ok(framed.x > 0 && framed.x < box.width && framed.y > 0 && framed.y < box.height, JSON.stringify(framed));
  await screenshot(page, "selected-radius");
  await page.locator("#clear-selection").click();
  await page.locator(".details-empty").waitFor();
  assert.equal(await canvas(page).getAttribute("data-lit"), null);
});

test("direct and transitive radius, and exposure: who reaches a prod vault", async () => {
  const session = await app.open();
  const { page } = session;
  await searchAndSelect(page, "alice", "alice@contoso.com");
  assert.match(await text(page, "#reach-summary"), /Reaches 15 resources/);
  await page.locator("#mode-direct").click();
  await page.locator("#reach-summary", { hasText: "Reaches 4 resources" }).waitFor();
  await page.locator("#mode-transitive").click();

  await searchAndSelect(page, "kv-orders-prod", "kv-orders-prod");
  await page.locator("#direction-exposure").click();
  // The panel says "Reached by" at the click, over the radius it still shows until the
  // exposure's answer comes (it is busy meanwhile): wait for the answer, not the words.
  await page.locator(".node-details[aria-busy='false'] #reach-summary", { hasText: "Reached by" }).waitFor();
  const who = await text(page, "#reach-groups");
  for (const name of ["app-orders-dev", "app-orders-uat", "id-orders", "alice@contoso.com"]) {
    assert.match(who, new RegExp(name.replace(".", "\\.")), `${name} reaches the prod vault`);
  }
  const fromDev = page.locator(".reach-row", { hasText: "app-orders-dev" }).first();
  await fromDev.locator("summary").click();
  assert.match(await fromDev.locator("ol.path").innerText(), /app-orders-dev can use id-orders\nwhich holds/);
  await screenshot(page, "exposure");
});

test("search by name or id with the keyboard centres the node", async () => {
  const session = await app.open();
  const { page } = session;
  const search = page.locator("#search");
  // "/" jumps to the search box from anywhere.
  await canvas(page).focus();
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "search");
  await page.keyboard.type("orders-prod");
  const options = page.locator("#search-results [role=option]");
  await options.first().waitFor();
  assert.match(await options.first().innerText(), /app-orders-prod/);
  await page.keyboard.press("ArrowDown");
  assert.equal(await options.nth(1).getAttribute("aria-selected"), "true");
  assert.equal(await search.getAttribute("aria-activedescendant"), "search-option-1");
  await page.keyboard.press("Enter");
  await page.locator("#details-name", { hasText: "kv-orders-prod" }).waitFor();
  const box = await canvas(page).boundingBox();
  const { x, y } = await at(page, "data-selected-at");
  assert.ok(Math.abs(x - box.width / 2) < 2 && Math.abs(y - box.height / 2) < 2, `centred: ${x},${y}`);
  // An id matches too (the resource group is in the ids of what lies in it).
  await search.fill("rg-reporting-prod/providers/microsoft.compute");
  await options.first().waitFor();
  assert.match(await options.first().innerText(), /vm-report/);
  await search.fill("no such node");
  await page.locator(".search-empty").waitFor();
  await screenshot(page, "search");
});

test("filters hide environments, kinds, regions, subscriptions and severities", async () => {
  const session = await app.open();
  const { page } = session;
  await page.locator("#view-table").click();
  const rows = page.locator("#node-table tbody tr.node-row");
  await rows.first().waitFor();
  const all = await rows.count();
  assert.equal(all, 24);
  await page.locator("#filter-env-prod").click();
  assert.equal(await page.locator("#filter-env-prod").getAttribute("aria-pressed"), "false");
  const withoutProd = await rows.count();
  assert.ok(withoutProd < all && withoutProd > 0, `${withoutProd} of ${all}`);
  assert.equal(await page.locator("#node-table", { hasText: "kv-orders-prod" }).count(), 0);
  await page.locator("#filter-kind-targets").click();
  assert.equal(await page.locator("#node-table", { hasText: "kv-orders-dev" }).count(), 0);
  await page.locator("#filter-reset").click();
  assert.equal(await rows.count(), all);
  await page.locator("#filter-region").selectOption({ label: "eastus" });
  const eastus = await page.locator("#node-table tbody").innerText();
  assert.match(eastus, /vm-report/);
  assert.doesNotMatch(eastus, /app-orders-prod/);
  await page.locator("#filter-region").selectOption({ label: "all regions" });
  await page.locator("#filter-subscription").selectOption({ label: "subscription 9e3b8c55" });
  const prodSubscription = await page.locator("#node-table tbody").innerText();
  assert.match(prodSubscription, /kv-orders-prod/);
  assert.doesNotMatch(prodSubscription, /kv-orders-dev|alice@contoso\.com/);
  await page.locator("#filter-subscription").selectOption({ label: "all subscriptions" });
  await page.locator("#node-table td.name", { hasText: /^id-orders$/ }).click();
  await page.locator("#details-name", { hasText: "id-orders" }).waitFor();
  await screenshot(page, "table");

  // Severities filter the findings list.
  assert.ok(await page.locator(".finding-row.critical").count() > 0);
  await page.locator("#filter-severity-critical").click();
  assert.equal(await page.locator(".finding-row.critical").count(), 0);
  assert.match(await text(page, "#findings-title"), /15 of 18/i);
  await page.locator("#view-graph").click();
  await page.locator("#filter-env-dev").click();
  await screenshot(page, "filtered");
});

test("opening a finding shows it in full and lights its subjects in the graph", async () => {
  const session = await app.open();
  const { page } = session;
  assert.match(await text(page, "#finding-counts"), /18 findings\s*3 critical\s*7 high\s*7 medium\s*1 low/);
  const first = page.locator(".finding-row").first();
  assert.match(await first.innerText(), /BM004/);
  await first.click();
  const details = page.locator("#finding-details");
  await details.waitFor();
  const shown = await details.innerText();
  assert.match(shown, /BM004/);
  assert.match(shown, /reaches 11 prod resources/);
  assert.match(shown, /Evidence[\s\S]*kv-orders-prod: app-orders-dev can use id-orders/i);
  assert.match(shown, /Fix\s+Cut the path where it crosses/i);
  const lit = Number(await canvas(page).getAttribute("data-lit"));
  assert.ok(lit >= 3, `the subjects and the path between them are lit (${lit})`);
  await screenshot(page, "finding");
  // A subject is one click from its own blast radius.
  await page.locator("#finding-subjects button", { hasText: "app-orders-dev" }).click();
  await page.locator("#details-name", { hasText: "app-orders-dev" }).waitFor();
});

test("everything works from the keyboard", async () => {
  const session = await app.open();
  const { page } = session;
  // Tab to the canvas.
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "graph-canvas")) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "graph-canvas");
  // N walks the nodes in reading order; Enter selects the one in focus.
  await page.keyboard.press("n");
  assert.equal(await canvas(page).getAttribute("data-focused"), "alice@contoso.com");
  assert.match(await text(page, "#graph-focus"), /alice@contoso\.com: press Enter to select/);
  await page.keyboard.press("n");
  const second = await canvas(page).getAttribute("data-focused");
  assert.notEqual(second, "alice@contoso.com");
  await page.keyboard.press("p");
  await screenshot(page, "keyboard-focus");
  await page.keyboard.press("Enter");
  await page.locator("#details-name", { hasText: "alice@contoso.com" }).waitFor();
  // Tab on into the side panel's switches, and flip to direct with Enter.
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(() => document.activeElement?.id === "mode-direct")) break;
  }
  await page.keyboard.press("Enter");
  await page.locator("#reach-summary", { hasText: "Reaches 4 resources" }).waitFor();
  // A path opens with Enter on its row.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  assert.equal(await page.locator(".reach-row details[open]").count(), 1);
  // Escape on the canvas clears the selection.
  await canvas(page).focus();
  await page.keyboard.press("Escape");
  await page.locator(".details-empty").waitFor();
  // The findings list is one tab stop; arrow keys move within it (past the headings), Enter
  // opens a finding.
  const list = page.locator("#findings-list");
  await list.focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  assert.equal(await list.getAttribute("aria-activedescendant"), "finding-line-2", "the second finding, after a heading");
  await page.keyboard.press("Enter");
  await page.locator("#finding-details").waitFor();
  assert.match(await text(page, "#finding-details"), /func-sync-dev \(dev\) reaches 11 prod resources/);
});

test("the dark theme follows a toggle and is remembered", async () => {
  const session = await app.open();
  const { page } = session;
  const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
  assert.equal(await theme(), "light", "headless Chromium prefers light");
  await page.locator("#theme-toggle").click();
  assert.equal(await theme(), "dark");
  await searchAndSelect(page, "app-orders-dev", "app-orders-dev");
  await screenshot(page, "dark-selected");
  await page.reload();
  await page.locator("#graph-canvas[data-nodes]").waitFor();
  assert.equal(await theme(), "dark", "remembered across visits");
  await page.locator("#theme-toggle").click();
  assert.equal(await theme(), "light");
});

test("a system that prefers dark gets the dark theme", async () => {
  const session = await app.open({ colorScheme: "dark" });
  const { page } = session;
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  await screenshot(page, "dark");
});

test("a load shows its progress, and Cancel abandons it", async () => {
  const session = await app.open();
  const { page } = session;
  // Record every status the page shows while it loads.
  await page.evaluate(() => {
    window.statuses = [];
    new MutationObserver(() => {
      const status = document.getElementById("load-status");
      if (status) window.statuses.push(status.innerText.split("\n")[0]);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await dropFiles(page, [fixture("design-small.json"), fixture("invalid.json")]);
  await page.locator("#summary", { hasText: "2 files" }).waitFor();
  await page.locator("#load-status").waitFor({ state: "detached" });
  const statuses = await page.evaluate(() => window.statuses);
  // The worker reports each file as it reads it and as it parses it, then each step of the
  // analysis. Files this small are parsed before the page draws a status, so that one status or
  // the next may be skipped; worker.test.mjs sees a big tenant parsed file by file.
  assert.ok(statuses.includes("Reading 1 of 2 files…"), statuses.join(" | "));
  assert.ok(statuses.some((s) => /^(Parsing [12] of 2 files|Building the access graph)…$/.test(s)), statuses.join(" | "));

  // Cancel as soon as the status shows: the files are never opened.
  await page.locator("#load-sample").click();
  await page.locator("#summary", { hasText: "built-in sample" }).waitFor();
  await page.evaluate(() => {
    new MutationObserver((_, observer) => {
      const cancel = document.getElementById("load-cancel");
      if (cancel) {
        observer.disconnect();
        cancel.click();
      }
    }).observe(document.body, { subtree: true, childList: true });
  });
  await dropFiles(page, [fixture("design-small.json")]);
  await page.locator("#load-status").waitFor({ state: "detached" });
  await page.waitForTimeout(300);
  assert.match(await text(page, "#summary"), /built-in sample/, "the cancelled load left the sample open");
});

test("opening a finding brings everything it lights into sight", async () => {
  const session = await app.open();
  const { page } = session;
  await findingsListed(page);
  await page.locator(".finding-row").first().click();
  await page.locator("#graph-canvas[data-lit]").waitFor();
  const lit = await canvas(page).getAttribute("data-lit");
  // Brought into view once the worker has said what the finding lights.
  await page.locator(`#graph-canvas[data-lit-in-sight="${lit}"]`).waitFor({ timeout: 5000 });
  assert.ok(Number(lit) > 5, `${lit} nodes lit`);
  await screenshot(page, "finding-in-sight");
});

test("long lists render only the rows in sight", async () => {
  // 2,000 user-assigned identities nobody uses: 2,000 nodes and 2,000 findings (BM009).
  const identities = Array.from({ length: 2000 }, (_, i) => {
    const name = `id-unused-${String(i).padStart(4, "0")}`;
    const hex = i.toString(16).padStart(12, "0");
    return {
      id: `/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
      name, location: "westeurope", resourceGroup: "rg-dev", type: "Microsoft.ManagedIdentity/userAssignedIdentities",
      principalId: `10000000-0000-4000-8000-${hex}`, clientId: `20000000-0000-4000-8000-${hex}`,
      tenantId: "30000000-0000-4000-8000-000000000000",
    };
  });
  const path = join(tmpdir(), "blastmap-e2e-identities.json");
  await writeFile(path, JSON.stringify(identities));
  const session = await app.open();
  const { page } = session;
  await dropFiles(page, [path]);
  await page.locator("#summary", { hasText: "1 file" }).waitFor();
  assert.equal(await canvas(page).getAttribute("data-nodes"), "2000");
  await findingsListed(page);
  assert.match(await text(page, "#findings-title"), /\(2000\)/);
  const rendered = await page.locator(".finding-row").count();
  assert.ok(rendered > 5 && rendered < 60, `${rendered} finding rows rendered of 2000`);
  // Scrolled to the end, the last finding is there and the first is gone.
  await page.locator(".findings-scroll").evaluate((e) => { e.scrollTop = e.scrollHeight; });
  await page.locator(".finding-row", { hasText: "id-unused-1999" }).waitFor();
  assert.equal(await page.locator(".finding-row", { hasText: "id-unused-0000" }).count(), 0);

  await page.locator("#view-table").click();
  const rows = page.locator("#node-table tr.node-row");
  await rows.first().waitFor();
  assert.ok(await rows.count() < 80, `${await rows.count()} table rows rendered of 2000`);
  // Arrow keys walk the rows past the rendered window, as fast as keys come: the table keeps
  // the focus and names the active row, and scrolls to follow it.
  const table = page.locator("#node-table");
  await table.focus();
  for (let i = 0; i < 41; i++) await page.keyboard.press("ArrowDown");
  // The row is rendered, and named, once the scroll that follows it has been handled: a frame
  // after the last key.
  const active = "node-row-40";
  await page.locator(`#node-table[aria-activedescendant="${active}"]`).waitFor({ timeout: 5000 });
  assert.equal(await page.locator(`#${active} td.name`).innerText(), "id-unused-0040");
  assert.equal(await page.evaluate(() => document.activeElement.id), "node-table");
  await page.keyboard.press("Enter");
  await page.locator("#details-name", { hasText: "id-unused-0040" }).waitFor();
  await screenshot(page, "long-lists");
});
