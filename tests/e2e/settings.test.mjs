// The settings panel: a deployment context and an environment mapping change what a design
// means, are remembered across visits, and travel as a file the CLI reads too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT, appUnderTest, dropFiles, findingsListed, screenshot } from "./harness.mjs";

const app = appUnderTest();

const DESIGN = join(ROOT, "crates/ingest/tests/fixtures/arm/shared-identity-dev-prod.json");
const SUBSCRIPTION = "0b1f6471-1bf0-4dda-aec3-cb9272f09590";
const text = (page, selector) => page.locator(selector).innerText();
/** The rules of the findings listed, once the worker has sent them. */
async function rules(page) {
  await findingsListed(page);
  return page.locator("#findings-list .rule-id").allInnerTexts();
}

/** The id shown in the details of id-shop-shared, found by search. */
async function identityId(page) {
  await page.locator("#search").fill("id-shop-shared");
  await page.locator("#search-results [role=option]").first().waitFor();
  await page.locator("#search").press("Enter");
  await page.locator("#details-name", { hasText: "id-shop-shared" }).waitFor();
  return page.locator("#details-facts code.id").first().innerText();
}

test("a deployment context and a mapping re-read a design, persist, and export as the CLI reads them", async () => {
  const session = await app.open();
  const { page } = session;
  await dropFiles(page, [DESIGN]);
  await page.locator("#file-list .file", { hasText: "shared-identity-dev-prod.json" }).waitFor();
  // Unset, the design's ids keep the placeholder, and the identity serves dev and prod.
  assert.match(await identityId(page), /^\/subscriptions\/\{subscriptionid\}\//);
  assert.ok((await rules(page)).includes("BM001"), "the shared identity is found");

  // The panel opens from the keyboard and closes with Escape.
  await page.locator("#open-settings").focus();
  await page.keyboard.press("Enter");
  const dialog = page.locator("#settings");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Unset values stay placeholders like \{subscriptionId\}/);
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });

  await page.locator("#open-settings").click();
  // A subscription id must be a GUID: said beside the field, and nothing can be applied.
  await page.locator("#settings-subscription").fill("my-subscription");
  assert.match(await text(page, "#settings-subscription-error"), /not a subscription id/);
  assert.equal(await page.locator("#settings-apply").isDisabled(), true);
  await page.locator("#settings-subscription").fill(SUBSCRIPTION);
  await page.locator("#settings-subscription-error").waitFor({ state: "detached" });
  await page.locator("#settings-environment").selectOption("prod");
  await page.locator("#settings-add-scope").click();
  await page.getByLabel("Scope or subscription id, row 1", { exact: true }).fill(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sandbox`);
  await page.getByLabel("Environment of scope, row 1", { exact: true }).selectOption("dev");
  await page.locator("#settings-tag-names").fill("lifecycle, stage-name");
  await page.locator("#settings-add-word").click();
  await page.getByLabel("Word, row 1", { exact: true }).fill("sbx");
  await screenshot(page, "settings");

  await page.locator("#settings-apply").click();
  await dialog.waitFor({ state: "detached" });
  // The whole deployment is prod now: no identity is shared across environments, and ids are
  // in the subscription.
  await page.locator("#file-list .file", { hasText: "settings: environment mapping" }).waitFor();
  assert.ok(!(await rules(page)).includes("BM001"), "the shared-identity finding is gone");
  assert.ok((await rules(page)).includes("BM002"), "the subscription-wide Contributor remains");
  assert.equal(await identityId(page), `/subscriptions/${SUBSCRIPTION}/resourcegroups/{resourcegroup}/providers/microsoft.managedidentity/userassignedidentities/id-shop-shared`);
  assert.doesNotMatch(await text(page, "#summary"), /error/, "the mapping reads cleanly");
  await screenshot(page, "settings-applied");

  // Remembered across visits.
  await page.reload();
  await page.locator("#graph-canvas[data-nodes]").waitFor({ state: "attached" });
  await page.locator("#open-settings").click();
  assert.equal(await page.locator("#settings-subscription").inputValue(), SUBSCRIPTION);
  assert.equal(await page.locator("#settings-environment").inputValue(), "prod");
  assert.equal(await page.locator("#settings-tag-names").inputValue(), "lifecycle, stage-name");
  assert.equal(await page.getByLabel("Word, row 1", { exact: true }).inputValue(), "sbx");
  // The panel follows the theme (the system's, until the person picks one).
  await page.emulateMedia({ colorScheme: "dark" });
  await page.locator("html[data-theme=dark]").waitFor({ state: "attached" });
  await screenshot(page, "settings-dark");

  // Exported as one file whose mapping is exactly what the CLI reads.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#settings-export").click()]);
  assert.equal(download.suggestedFilename(), "blastmap-settings.json");
  const exported = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.deepEqual(exported, {
    schema: "blastmap/settings/v1",
    deployment: { subscriptionId: SUBSCRIPTION, environment: "prod" },
    environments: {
      schema: "blastmap/environments/v1",
      scopes: { [`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-sandbox`]: "dev" },
      tagNames: ["lifecycle", "stage-name"],
      words: { sbx: "dev" },
    },
  });

  // A plain mapping imports as the mapping; the deployment context stays.
  await page.locator("#settings input[type=file]").setInputFiles({
    name: "environments.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ schema: "blastmap/environments/v1", words: { live: "prod" } })),
  });
  await page.locator("#settings-notice", { hasText: "Imported environments.json" }).waitFor();
  assert.equal(await page.getByLabel("Word, row 1", { exact: true }).inputValue(), "live");
  assert.equal(await page.locator("#settings-tag-names").inputValue(), "");
  assert.equal(await page.locator("#settings-subscription").inputValue(), SUBSCRIPTION);
  // Anything else is refused with the reason, and changes nothing.
  await page.locator("#settings input[type=file]").setInputFiles({
    name: "inventory.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify({ schema: "blastmap/inventory/v1" })),
  });
  await page.locator("#settings-notice", { hasText: "Could not import inventory.json: not a settings file" }).waitFor();
  assert.equal(await page.getByLabel("Word, row 1", { exact: true }).inputValue(), "live");
});
