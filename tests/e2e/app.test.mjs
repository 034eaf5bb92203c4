// The app as a person meets it: the built-in sample, dropping files, the file picker,
// readable errors, and a page that talks to nobody.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { appUnderTest, corpus, dropFiles, fixture, screenshot } from "./harness.mjs";

const app = appUnderTest();

const text = (page, selector) => page.locator(selector).innerText();

test("opens on the built-in sample, drawn on a canvas", async () => {
  const session = await app.open();
  const { page } = session;
  assert.match(await text(page, "#summary"), /built-in sample/);
  assert.equal(await text(page, "#count-uami"), "4 user-assigned identities");
  assert.equal(await text(page, "#count-sources"), "5 sources");
  const canvas = page.locator("#graph-canvas");
  // 22 nodes of the design, plus bob (a member of a group holding a role) and the GitHub
  // pipeline trusted by id-deploy; 27 edges (see the analysis snapshot of the sample's edges;
  // taking over is one edge per holder and scope).
  assert.equal(Number(await canvas.getAttribute("data-nodes")), 24);
  assert.equal(Number(await canvas.getAttribute("data-edges")), 27);
  assert.ok(Number(await canvas.getAttribute("data-cross-environment")) >= 2);
  assert.match(await text(page, "#file-list"), /Blastmap inventory \(blastmap\/inventory\/v1\)/);
  // The canvas really holds a picture: many distinct colours, not a blank rectangle.
  const colours = await canvas.evaluate((element) => {
    const context = element.getContext("2d");
    const { data } = context.getImageData(0, 0, element.width, element.height);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  assert.ok(colours > 8, `the canvas shows ${colours} colours`);
  await screenshot(page, "sample");
});

test("dropping several files lists each one, with a readable error for invalid JSON", async () => {
  const session = await app.open();
  const { page } = session;
  await dropFiles(page, [fixture("design-small.json"), fixture("invalid.json")]);
  await page.locator("#file-list .file").nth(1).waitFor();
  const files = page.locator("#file-list .file");
  assert.equal(await files.count(), 2);
  assert.match(await files.nth(0).innerText(), /design-small\.json[\s\S]*4 resources · 1 user-assigned identity · 2 role assignments/);
  const invalid = await files.nth(1).innerText();
  assert.match(invalid, /invalid\.json\n×\nnothing read/);
  assert.match(invalid, /not valid JSON: .* at line 5 column 3/);
  assert.match(await text(page, "#summary"), /2 files/);
  assert.equal(await text(page, "#count-errors"), "1 error");
  assert.equal(await text(page, "#count-uami"), "1 user-assigned identity");
  // The valid design still loads: two apps, two identities, one key vault, and the dev
  // identity's grant on the prod vault crosses environments.
  const canvas = page.locator("#graph-canvas");
  assert.equal(await canvas.getAttribute("data-nodes"), "5");
  assert.equal(await canvas.getAttribute("data-cross-environment"), "1");
  await screenshot(page, "dropped-files");

  // Removing the broken file clears its error.
  await page.getByRole("button", { name: "Remove invalid.json" }).click();
  await page.locator("#count-errors").waitFor({ state: "detached" });
  assert.equal(await files.count(), 1);
});

test("a file the browser cannot read says why in its card, and the others load", async () => {
  const session = await app.open();
  const { page } = session;
  // What Chromium does when a chosen file changed on disk before it was read: the read fails
  // with a NotReadableError. Only the read of this one file is made to fail.
  await page.evaluate(() => {
    const read = Blob.prototype.arrayBuffer;
    Blob.prototype.arrayBuffer = function () {
      return this.name === "changed-since.json"
        ? Promise.reject(new DOMException("The file could not be read.", "NotReadableError"))
        : read.call(this);
    };
  });
  const unreadable = join(tmpdir(), "changed-since.json");
  await writeFile(unreadable, "[]");
  await dropFiles(page, [unreadable, fixture("design-small.json")]);
  await page.locator("#summary", { hasText: "2 files" }).waitFor();
  const files = page.locator("#file-list .file");
  assert.match(
    await files.nth(0).innerText(),
    /changed-since\.json\n×\nnothing read\n[\s\S]*the browser could not read this file: it changed or moved after it was chosen, or it may not be opened; choose it again \(NotReadableError\)/,
  );
  assert.match(await files.nth(1).innerText(), /design-small\.json[\s\S]*4 resources/);
  assert.equal(await text(page, "#count-errors"), "1 error");
  assert.equal(await page.locator("#graph-canvas").getAttribute("data-nodes"), "5");
  await screenshot(page, "unreadable-file");
});

test("real az CLI exports are recognised by content and drawn", async () => {
  const session = await app.open();
  const { page } = session;
  await dropFiles(page, [
    corpus("az-cli/nabilshams__az-role-assignment-list-all.json"),
    corpus("az-cli/nabilshams__az-cognitiveservices-account-show.json"),
  ]);
  await page.locator("#summary", { hasText: "2 files" }).waitFor();
  const files = page.locator("#file-list .file");
  assert.match(await files.nth(0).innerText(), /JSON list \(az CLI, Search-AzGraph or ConvertTo-Json\)[\s\S]*44 role assignments/);
  assert.match(await files.nth(1).innerText(), /single object \(az show or REST GET\)\n1 resource · 1 user-assigned identity/);
  assert.equal(await text(page, "#count-uami"), "1 user-assigned identity");
  assert.equal(await text(page, "#count-sources"), "1 source");
  assert.equal(await text(page, "#count-assignments"), "44 role assignments");
  assert.equal(await page.locator("#count-errors").count(), 0);
  // 26 principals, 3 scopes, the Cognitive Services account and its identity. Edges: 44 roles,
  // 1 use, and the principals who can take the identity over (Owner and Contributor on its
  // subscription) or grant themselves roles: one edge per holder and scope.
  const canvas = page.locator("#graph-canvas");
  assert.equal(await canvas.getAttribute("data-nodes"), "31");
  assert.equal(await canvas.getAttribute("data-edges"), "70");
  await screenshot(page, "corpus-az-cli");
});

test("the file picker is reachable by keyboard, and the sample comes back in one click", async () => {
  const session = await app.open();
  const { page } = session;
  // Listening first lets Playwright turn on file-chooser interception before any key press.
  const chooser = page.waitForEvent("filechooser");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "open-files");
  await page.keyboard.press("Enter");
  await (await chooser).setFiles(fixture("design-small.json"));
  await page.locator("#summary", { hasText: "1 file" }).waitFor();
  assert.equal(await text(page, "#count-sources"), "2 sources");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "load-sample");
  await page.keyboard.press("Enter");
  await page.locator("#summary", { hasText: "built-in sample" }).waitFor();
  assert.equal(await text(page, "#count-sources"), "5 sources");
});

test("removing every file shows the empty state with the commands that produce exports", async () => {
  const session = await app.open();
  const { page } = session;
  await page.getByRole("button", { name: /^Remove sample/ }).click();
  const empty = page.locator("#empty-state");
  await empty.waitFor();
  assert.match(await empty.innerText(), /az role assignment list --all > assignments\.json/);
  await screenshot(page, "empty");
  await page.getByRole("button", { name: "Load the sample" }).click();
  await page.locator("#summary", { hasText: "built-in sample" }).waitFor();
});
