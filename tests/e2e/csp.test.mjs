// The Content-Security-Policy reaches the worker too. The page states its policy in a <meta>
// tag, but a Web Worker takes its policy only from its script's HTTP headers, so dist/ ships
// the headers a host must send (web/_headers, mirrored for `cargo xtask serve` in Trunk.toml),
// and the harness serves every file with them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DIST, ROOT, appUnderTest, hostHeaders } from "./harness.mjs";

const app = appUnderTest();

test("the worker runs under the policy: it cannot connect anywhere", async () => {
  const { page } = await app.open();
  const worker = page.workers()[0] ?? (await page.waitForEvent("worker"));
  // A fetch to another port of the same host: allowed by no policy, refused by `connect-src`.
  const refused = await worker.evaluate(async () => {
    const violated = [];
    self.addEventListener("securitypolicyviolation", (event) => violated.push(event.effectiveDirective));
    await fetch("http://127.0.0.1:1/").catch(() => {});
    await new Promise((done) => setTimeout(done, 100));
    return violated;
  });
  assert.deepEqual(refused, ["connect-src"]);
});

test("the page's policy, web/_headers and Trunk.toml say the same", async () => {
  const page = (await readFile(join(DIST, "index.html"), "utf8")).match(
    /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/,
  )?.[1];
  assert.ok(page, "dist/index.html states a Content-Security-Policy");
  const host = await hostHeaders();
  // A header can also forbid framing, which a <meta> policy cannot.
  assert.equal(host["Content-Security-Policy"], `${page}; frame-ancestors 'none'`);
  const trunk = await readFile(join(ROOT, "Trunk.toml"), "utf8");
  const served = Object.fromEntries(
    [...trunk.split("[serve.headers]")[1].matchAll(/^"([^"]+)" = "([^"]*)"$/gm)].map((m) => [m[1], m[2]]),
  );
  assert.deepEqual(served, host);
});
