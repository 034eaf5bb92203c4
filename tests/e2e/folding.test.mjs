// A tenant's picture folds its large groups (a resource group's resources, a subscription's,
// people) into aggregates: a click, or Enter on one reached by keyboard, opens it; "Fold groups"
// closes what was opened, "Open all" opens everything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appUnderTest, generatedTenant, screenshot } from "./harness.mjs";

const app = appUnderTest();

const canvas = (page) => page.locator("#graph-canvas");
const attribute = async (page, name) => canvas(page).getAttribute(name);

/** Moves keyboard focus node by node until it rests on an aggregate; returns its label. */
async function focusAnAggregate(page) {
  await canvas(page).focus();
  await canvas(page).press("Escape");
  for (let step = 0; step < 400; step += 1) {
    await canvas(page).press("n");
    const focused = (await attribute(page, "data-focused")) ?? "";
    if (focused.endsWith("nodes, folded)")) return focused;
  }
  assert.fail("no aggregate reached by keyboard");
}

test("a tenant's large groups fold into aggregates that open on click and on Enter", async () => {
  const files = await generatedTenant(20000);
  const session = await app.open();
  const { page } = session;
  const headerHeight = () => page.locator(".header").evaluate((header) => header.getBoundingClientRect().height);
  const sampleHeader = await headerHeight();
  await page.locator("#file-input").setInputFiles(files);
  await page.locator("#load-status").waitFor({ state: "detached", timeout: 5 * 60 * 1000 });
  await page.locator("#findings-pending").waitFor({ state: "detached" });
  // Five-digit counts neither grow the header nor push the page wider than the window.
  assert.equal(await headerHeight(), sampleHeader, "the header keeps its height");
  const toggle = await page.locator("#theme-toggle").evaluate((button) => button.getBoundingClientRect().right);
  assert.ok(toggle <= (await page.evaluate(() => innerWidth)), `the theme toggle ends at ${toggle}, inside the window`);
  assert.match(await page.locator("#summary").innerText(), /20,000 resources/);
  const aggregates = Number(await attribute(page, "data-aggregates"));
  const nodes = Number(await attribute(page, "data-nodes"));
  assert.ok(aggregates > 10 && aggregates * 20 < nodes, `${aggregates} aggregates for ${nodes} nodes`);
  assert.equal(await attribute(page, "data-unfolded"), "0");
  assert.equal(await page.locator("#fold-all").count(), 0, "nothing to fold back yet");
  await screenshot(page, "folded-tenant");
  // Fitted, the whole picture is in sight: nothing of it lies under the legend at the foot.
  const under = await canvas(page).evaluate((element) => {
    const legend = element.parentElement.querySelector(".legend").getBoundingClientRect();
    const box = element.getBoundingClientRect();
    const ratio = element.width / box.width;
    const top = Math.ceil((legend.top - box.top) * ratio);
    const { data } = element.getContext("2d").getImageData(0, top, element.width, element.height - top);
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  assert.equal(under, 1, "the strip under the legend is bare background");
  // Zoomed in, an aggregate names its group and counts its members.
  await canvas(page).focus();
  for (const key of ["+", "+", "+", "+"]) await canvas(page).press(key);
  await screenshot(page, "folded-tenant-zoomed");
  await canvas(page).press("0");

  // A click on an aggregate opens it.
  const label = await focusAnAggregate(page);
  const [x, y] = (await attribute(page, "data-focused-at")).split(",").map(Number);
  await canvas(page).click({ position: { x, y } });
  await page.locator("#graph-canvas[data-unfolded='1']").waitFor();
  assert.equal(await attribute(page, "data-nodes"), String(nodes), "the same graph, drawn anew");
  assert.equal(await page.locator("#details-name").count(), 0, "opening a group selects nothing");
  await screenshot(page, "unfolded-group");

  // "Fold groups" closes it again; Enter on an aggregate reached by keyboard opens it.
  await page.locator("#fold-all").click();
  await page.locator("#graph-canvas[data-unfolded='0']").waitFor();
  assert.equal(await focusAnAggregate(page), label, "the same first aggregate");
  await canvas(page).press("Enter");
  // Its group opens, and the finer groups the chosen node turns out to lie in, until it stands alone.
  await page.locator("#graph-canvas:not([data-unfolded='0'])").waitFor();
  await page.locator("#details-name").waitFor();

  // "Open all" draws every node on its own; the selection stays.
  await page.locator("#open-all").click();
  await page.locator("#graph-canvas[data-aggregates='0']").waitFor();
  await page.locator("#details-name").waitFor();
  assert.equal(await page.locator("#open-all").count(), 0);
  await page.locator("#fold-all").click();
  await page.locator("#graph-canvas:not([data-aggregates='0'])").waitFor();
  assert.equal(Number(await attribute(page, "data-aggregates")), aggregates);
  assert.equal(await attribute(page, "data-unfolded"), "0");

  // Opening the most serious finding draws its first subject on its own (its groups open, however
  // deep it lies) and brings it into sight.
  await page.locator(".finding-row").first().click();
  const inSight = await page.waitForFunction(() => {
    const canvas = document.getElementById("graph-canvas");
    const [x, y] = (canvas.dataset.centreAt ?? "-1,-1").split(",").map(Number);
    return x > 0 && y > 0 && x < canvas.clientWidth && y < canvas.clientHeight && `${x},${y}`;
  }, null, { timeout: 20000 });
  assert.ok(await inSight.jsonValue(), "the first subject is drawn on its own, in sight");
  await screenshot(page, "tenant-finding");
});
