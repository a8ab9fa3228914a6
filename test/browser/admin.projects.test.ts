// The admin UI's projects (issue 9, started): a new owner with no team creates one, creates a project
// for a website, and copies the embed snippet and the CSP directives the site must add; a bad origin
// is named beside its field. Zero CSP violations.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";
import { launchChromium, saveScreenshot, watchViolations } from "./widget-world.ts";

let t: TestContext;
let server: ReturnType<typeof Bun.serve>;
let origin: string;
let browser: Browser;
beforeAll(async () => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch: (request, s) => t.app.fetch(request, { clientIp: s.requestIP(request)?.address }),
  });
  origin = `http://127.0.0.1:${server.port}`;
  t = createTestApp({ LOUPE_PUBLIC_URL: origin }, { passwords: fastPasswords() });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  server?.stop(true);
  t?.close();
});

test("no team yet → create one → a project for a site → copy its snippet and CSP directives", async () => {
  const owner = await signedInUser(t, { email: "new.owner@example.eu" });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  await page.goto(`${origin}/sign-in?next=/projects`);
  await page.getByLabel("Email").fill("new.owner@example.eu");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Create your team" }).waitFor();
  await page.getByLabel("Team name").fill("Acme");
  await page.getByRole("button", { name: "Create team" }).click();
  await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();

  await page.getByLabel("Project name").fill("Shop");
  await page.getByLabel("Website that may send feedback").fill("https://*.co.uk");
  await page.getByRole("button", { name: "Create project" }).click();
  // A wildcard over a public suffix is refused, beside the field; nothing is created.
  await page.locator("#origin-note.error").waitFor();
  await page.getByLabel("Website that may send feedback").fill("https://shop.example.eu");
  await page.getByRole("button", { name: "Create project" }).click();
  await page.getByRole("heading", { name: "Shop" }).waitFor();
  await page.getByText("May send feedback: https://shop.example.eu").waitFor();

  const { teams } = await (await owner.browser.get("/api/v1/teams")).json();
  const { projects } = await (await owner.browser.get(`/api/v1/teams/${teams[0].id}/projects`)).json();
  expect(projects).toHaveLength(1);
  await page.getByRole("button", { name: "Copy snippet" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `<script async src="${origin}/widget.js" data-project="${projects[0].widgetKey}"></script>`,
  );
  await page.getByRole("button", { name: "Copy CSP directives" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `script-src ${origin}; connect-src ${origin}; img-src data: blob:`,
  );
  await saveScreenshot(page, "ui/projects-1280");
  expect(await violations()).toEqual([]);
  await context.close();
});
