// T-H1 in a real browser: Chromium recognises every feature the Permissions-Policy names (an unknown
// name would be a console error on every Loupe page), applies it — camera, microphone, geolocation,
// payment and the rest are off on the admin UI, the copy buttons' clipboard-write stays on — and the
// try page alone keeps display-capture for the widget's fallback capture of the tab.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

/** What the document's policy allows, by Chromium's own account (`document.featurePolicy`). */
async function allowed(page: import("playwright-core").Page, features: string[]): Promise<Record<string, boolean>> {
  return page.evaluate((names) => {
    // biome-ignore lint/suspicious/noExplicitAny: Chromium's featurePolicy is not in the DOM typings
    const policy = (document as any).featurePolicy;
    return Object.fromEntries(names.map((name: string) => [name, policy.allowsFeature(name) as boolean]));
  }, features);
}

const DENIED = [
  "camera",
  "microphone",
  "geolocation",
  "payment",
  "usb",
  "serial",
  "hid",
  "fullscreen",
  "display-capture",
];

test("the admin UI and the try page: every feature name recognised, the policy applied", async () => {
  const owner = await signedInUser(w.t);
  const team = await ok(owner.browser.post("/api/v1/teams", { name: "Policy" }), 201);
  const project = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Site" }), 201);

  const { page, context, problems } = await w.open({ as: owner.browser });
  const consoleLines: string[] = [];
  page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  await page.goto(`${w.origin}/projects/${project.id}`);
  await page.getByRole("link", { name: "Open the try page" }).waitFor();
  const admin = await allowed(page, [...DENIED, "clipboard-write"]);
  expect(admin).toEqual({ ...Object.fromEntries(DENIED.map((f) => [f, false])), "clipboard-write": true });

  await page.goto(`${w.origin}/try/${project.widgetKey}`);
  await page.getByRole("heading", { name: "Try your feedback widget", level: 1 }).waitFor();
  const tryPage = await allowed(page, DENIED);
  expect(tryPage).toEqual({ ...Object.fromEntries(DENIED.map((f) => [f, false])), "display-capture": true });

  // Chromium reports a policy it cannot parse, or a feature it does not know, on the console.
  expect(consoleLines.filter((line) => /permissions.policy|feature policy|unrecognized feature/i.test(line))).toEqual(
    [],
  );
  expect(await problems()).toEqual([]);
  await context.close();
});
