// Touch: one finger pans the graph, two pinch-zoom it, driven as real touch input through the
// DevTools protocol (Input.dispatchTouchEvent), read back from the viewport the canvas reports.
import { test } from "node:test";
import assert from "node:assert/strict";
import { appUnderTest, screenshot } from "./harness.mjs";

const app = appUnderTest();

test("one finger pans the graph and two fingers pinch-zoom it", async () => {
  const { page } = await app.open({ hasTouch: true });
  const canvas = page.locator("#graph-canvas");
  await page.locator("#graph-canvas[data-view]").waitFor();
  const view = async () => (await canvas.getAttribute("data-view")).split(",").map(Number);
  const box = await canvas.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  // Points are relative to the canvas; each finger keeps its id across events.
  const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", {
    type, touchPoints: points.map(([x, y], id) => ({ x: box.x + x, y: box.y + y, id })),
  });
  const settled = (before) => page.waitForFunction(
    (before) => document.querySelector("#graph-canvas").dataset.view !== before, before.join(","));

  const [scale, x, y] = await view();
  await touch("touchStart", [[300, 300]]);
  for (let i = 1; i <= 5; i++) await touch("touchMove", [[300 + 20 * i, 300 + 10 * i]]);
  await touch("touchEnd", []);
  await settled([scale, x, y]);
  const panned = await view();
  assert.equal(panned[0], scale, "a pan keeps the zoom");
  assert.ok(Math.abs(panned[1] - x - 100) < 1 && Math.abs(panned[2] - y - 50) < 1, `panned by (100, 50): ${panned} from ${[scale, x, y]}`);

  // Two fingers 100 px apart spread to 200 px apart about the same middle: twice the zoom.
  await touch("touchStart", [[250, 300], [350, 300]]);
  for (let i = 1; i <= 5; i++) await touch("touchMove", [[250 - 10 * i, 300], [350 + 10 * i, 300]]);
  await touch("touchEnd", []);
  await settled(panned);
  const [pinched] = await view();
  assert.ok(Math.abs(pinched / panned[0] - 2) < 0.01, `zoomed ×${(pinched / panned[0]).toFixed(3)}`);
  // Neither gesture was a tap: nothing is selected.
  assert.equal(await page.locator("#details-name").count(), 0);
  await screenshot(page, "touch-pinched");

  // A tap still selects what it touches (the selected node's screen position is reported).
  const label = page.locator("#search");
  await label.fill("app-orders-dev");
  await label.press("Enter");
  await page.locator("#details-name", { hasText: "app-orders-dev" }).waitFor();
  const [sx, sy] = (await canvas.getAttribute("data-selected-at")).split(",").map(Number);
  await canvas.focus();
  await page.keyboard.press("Escape");
  await page.locator("#details-name").waitFor({ state: "detached" });
  await touch("touchStart", [[sx, sy]]);
  await touch("touchEnd", []);
  await page.locator("#details-name", { hasText: "app-orders-dev" }).waitFor();
});
