// The admin UI's projects (issue 9, section 5): the list links each project to its page; an owner creates
// one (a refused origin is named beside its field) and lands on its page: the embed snippet and the CSP
// directives (proven sufficient on a host page whose policy is `default-src 'none'` plus exactly those
// directives), rename, widget settings with the API's field errors beside their controls, a live preview
// of unsaved settings that never sends, the rule explainer, key rotation, delete (refused while the
// project has feedback). A member sees the owners' settings read-only. Zero CSP violations, no request
// off the origin, axe clean and screenshots of every state.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { seedTeam } from "../support/teams.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";
import { widget } from "./widget-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

test("no team yet → create one → a project for a site → its page: snippet and CSP directives copied", async () => {
  const owner = await signedInUser(w.t, { email: "new.owner@example.eu" });
  const { page, context, problems } = await w.open();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await page.goto(`${w.origin}/sign-in?next=/projects`);
  await page.getByLabel("Email").fill("new.owner@example.eu");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Create your team" }).waitFor();
  await page.getByLabel("Team name").fill("Acme");
  await page.getByRole("button", { name: "Create team" }).click();
  await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
  await page.getByText("No project yet").waitFor();
  expect(await w.inspect(page, "projects-empty")).toEqual([]);

  await page.getByLabel("Project name").fill("Shop");
  await page.getByLabel("Website that may send feedback").fill("https://*.co.uk");
  await page.getByRole("button", { name: "Create project" }).click();
  // A wildcard over a public suffix is refused, beside the field; nothing is created.
  await page.locator("#origin-note.error").waitFor();
  await page.getByLabel("Website that may send feedback").fill("https://shop.example.eu");
  await page.getByRole("button", { name: "Create project" }).click();
  // Created: its page, with the snippet.
  await page.getByRole("heading", { name: "Shop", level: 1 }).waitFor();

  const { teams } = await ok(owner.browser.get("/api/v1/teams"));
  const { projects } = await ok(owner.browser.get(`/api/v1/teams/${teams[0].id}/projects`));
  expect(projects).toHaveLength(1);
  expect(new URL(page.url()).pathname).toBe(`/projects/${projects[0].id}`);
  await page.getByRole("button", { name: "Copy snippet" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `<script async src="${w.origin}/widget.js" data-project="${projects[0].widgetKey}"></script>`,
  );
  await page.getByRole("button", { name: "Copy CSP directives" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    `script-src ${w.origin}; connect-src ${w.origin}; img-src data: blob:`,
  );
  // The preview has drawn the launcher before the page is inspected.
  await page.frameLocator("iframe[title='Preview of the widget']").getByRole("button", { name: "Feedback" }).waitFor();
  expect(await w.inspect(page, "project")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("the list: a row per project with its websites, each linking to its page; members create none", async () => {
  const seeded = await seedTeam(w.t, "delta");
  await ok(seeded.owner.browser.post(`/api/v1/teams/${seeded.team.id}/projects`, { name: "Help centre" }), 201);
  const { page, context, problems } = await w.open({ as: seeded.owner.browser });
  await page.goto(`${w.origin}/projects`);
  const list = page.getByRole("list", { name: "Projects" });
  await list.getByRole("link", { name: /delta site/ }).waitFor();
  expect(await list.getByRole("listitem").allTextContents()).toEqual([
    "Help centreNo website allowed yet: only the try page can send feedback0 websites",
    `delta siteMay send feedback: ${seeded.siteOrigin}1 website`,
  ]);
  expect(await w.inspect(page, "projects")).toEqual([]);
  await list.getByRole("link", { name: /Help centre/ }).click();
  await page.getByRole("heading", { name: "Help centre", level: 1 }).waitFor();
  expect(await problems()).toEqual([]);
  await context.close();

  const member = await w.open({ as: seeded.member.browser });
  await member.page.goto(`${w.origin}/projects`);
  await member.page
    .getByRole("list", { name: "Projects" })
    .getByRole("link", { name: /Help centre/ })
    .waitFor();
  await member.page.getByText("The team's owners create projects.").waitFor();
  expect(await member.page.getByRole("button", { name: "Create project" }).count()).toBe(0);
  expect(await member.problems()).toEqual([]);
  await member.context.close();
});

/** A signed-in owner with a team and a project made through the API. */
async function ownerWithProject(name: string, settings: Record<string, unknown> = {}) {
  const owner = await signedInUser(w.t);
  const team = await ok(owner.browser.post("/api/v1/teams", { name: `${name} team` }), 201);
  const project = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name, settings }), 201);
  return { owner, team, project };
}

const previewOf = (page: import("playwright-core").Page) => page.frameLocator("iframe[title='Preview of the widget']");

test("rename; an origin the kernel refuses is named beside its box, marked and focused", async () => {
  const { owner, team, project } = await ownerWithProject("Shop", { allowedOrigins: ["https://shop.example.eu"] });
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/projects/${project.id}`);
  await page.getByRole("heading", { name: "Shop", level: 1 }).waitFor();

  await page.getByRole("button", { name: "Rename" }).click();
  await page.getByLabel("Project name").fill("Shop EU");
  await page.getByRole("button", { name: "Save name" }).click();
  await page.getByRole("heading", { name: "Shop EU", level: 1 }).waitFor();
  expect((await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`))).name).toBe("Shop EU");

  // An origin the kernel refuses: its message is beside the second box, which is marked and focused.
  const origins = page.locator("#origins");
  await origins.getByRole("button", { name: "Add a website" }).click();
  await origins.getByRole("textbox", { name: "Website 2", exact: true }).fill("https://*.github.io");
  await origins.getByRole("button", { name: "Save allowed websites" }).click();
  const note = page.locator("#f-settings-allowedOrigins-1-note");
  await note.filter({ hasText: "public suffix" }).waitFor();
  expect(await note.getAttribute("class")).toBe("error");
  expect(await origins.getByRole("textbox", { name: "Website 2", exact: true }).getAttribute("aria-invalid")).toBe(
    "true",
  );
  expect(
    await origins
      .getByRole("textbox", { name: "Website 2", exact: true })
      .evaluate((el) => el === document.activeElement),
  ).toBe(true);
  expect(
    await origins.getByRole("textbox", { name: "Website 1", exact: true }).getAttribute("aria-invalid"),
  ).toBeNull();
  await origins.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-field-error")).toEqual([]);
  await origins.getByRole("textbox", { name: "Website 2", exact: true }).fill("https://*.shop.example.eu");
  await origins.getByRole("button", { name: "Save allowed websites" }).click();
  await origins.getByText(/^Saved at/).waitFor();
  expect(
    (await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`))).settings.allowedOrigins,
  ).toEqual(["https://shop.example.eu", "https://*.shop.example.eu"]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a nested field path (a custom field's key) is named beside its box; saved fields show in the preview", async () => {
  const { owner, team, project } = await ownerWithProject("Survey");
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/projects/${project.id}#fields`);
  const fields = page.locator("#fields");
  await fields.getByRole("button", { name: "Add a field" }).click();
  await fields.getByLabel("Key").fill("Plan Type");
  await fields.getByLabel("Question").fill("Which plan are you on?");
  await fields.getByLabel("Options").fill("Free\nTeam\nEnterprise");
  await fields.getByRole("button", { name: "Save form fields" }).click();
  await page.locator("#f-settings-fields-custom-0-id-note.error").waitFor();
  expect(await fields.getByLabel("Key").getAttribute("aria-invalid")).toBe("true");
  await fields.getByLabel("Key").fill("plan");
  await fields.getByLabel("Ask for a rating").check();
  await fields.getByLabel("Scale").selectOption("nps");
  await fields.getByRole("button", { name: "Save form fields" }).click();
  await fields.getByText(/^Saved at/).waitFor();
  const saved = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(saved.settings.fields.custom).toEqual([
    {
      type: "select",
      id: "plan",
      label: "Which plan are you on?",
      options: ["Free", "Team", "Enterprise"],
      required: false,
    },
  ]);
  expect(saved.settings.fields.rating).toEqual({ enabled: true, required: false, scale: "nps" });
  // The preview draws the saved fields: the custom question and the 0–10 scale.
  const preview = previewOf(page);
  await preview.getByText("Which plan are you on?").waitFor();
  await preview.getByText("How likely are you to recommend us?").waitFor();
  expect(await preview.getByRole("radio").count()).toBe(11);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("unsaved colour, position and label show in the preview at once; the preview's dialog never sends", async () => {
  const { owner, team, project } = await ownerWithProject("Kiosk");
  const { page, context, problems } = await w.open({ as: owner.browser });
  const widgetRequests: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/v1/widget/")) widgetRequests.push(r.url());
  });
  await page.goto(`${w.origin}/projects/${project.id}`);
  const preview = previewOf(page);
  await preview.getByRole("button", { name: "Feedback" }).waitFor();
  const appearance = page.locator("#appearance");
  await appearance.getByLabel("Colour").fill("#cc0000");
  await appearance.getByLabel("Position").selectOption("top-left");
  await appearance.getByLabel("Launcher", { exact: true }).selectOption("tab");
  await appearance.getByLabel("Label").fill("Report a bug");
  await appearance.getByText("Unsaved changes").waitFor();
  const launcher = preview.getByRole("button", { name: "Report a bug" });
  await launcher.waitFor();
  // The launcher's look once its restyled sheet applies (it follows the label by a frame or two).
  const look = () =>
    launcher.evaluate(
      (b) =>
        new Promise<{ bg: string; left: number; top: number; text: string | null }>((resolve) => {
          const started = performance.now();
          const read = () => {
            const r = b.getBoundingClientRect();
            const now = { bg: getComputedStyle(b).backgroundColor, left: r.left, top: r.top, text: b.textContent };
            if (now.bg === "rgb(204, 0, 0)" || performance.now() - started > 5000) resolve(now);
            else requestAnimationFrame(read);
          };
          read();
        }),
    );
  expect(await look()).toEqual({ bg: "rgb(204, 0, 0)", left: 20, top: 20, text: "Report a bug" });
  const stored = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(stored.settings.appearance).toMatchObject({ color: "#4f46e5", position: "bottom-right", launcher: "button" });
  await appearance.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-unsaved-preview")).toEqual([]);

  // The preview's dialog is the real one, but it cannot send: no request leaves the frame. (On the
  // phone screen the frame is not scaled, so the pointer lands where playwright computes.)
  await page.getByLabel("Screen", { exact: true }).selectOption("phone");
  await preview.getByLabel("Your feedback").fill("Sent from the preview?");
  await preview.getByRole("button", { name: "Send", exact: true }).click();
  await preview.getByRole("button", { name: "Send", exact: true }).click();
  expect(widgetRequests).toEqual([]);
  expect((await ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback`))).items).toEqual([]);
  // The preview runs in an opaque origin: no cookie, no storage, nothing of the admin page.
  const frame = page.frames().find((f) => f.url().endsWith("/widget-preview"))!;
  expect(
    await frame.evaluate(() => {
      const tryRead = (read: () => unknown) => {
        try {
          return read();
        } catch (error) {
          return (error as Error).name;
        }
      };
      return [origin, tryRead(() => document.cookie), tryRead(() => localStorage.length)];
    }),
  ).toEqual(["null", "SecurityError", "SecurityError"]);
  expect(await frame.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);

  await appearance.getByRole("button", { name: "Save appearance" }).click();
  await appearance.getByText(/^Saved at/).waitFor();
  const after = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(after.settings.appearance).toEqual({
    launcher: "tab",
    position: "top-left",
    color: "#cc0000",
    label: "Report a bug",
    visitorMayHideDays: 0,
  });
  expect(await problems()).toEqual([]);
  await context.close();
});

test("the rule explainer gives each check's verdict in words for the unsaved rules, as the widget decides", async () => {
  const { owner, team, project } = await ownerWithProject("Docs", { allowedOrigins: ["https://docs.example.eu"] });
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/projects/${project.id}#rules`);
  const rules = page.locator("#rules");
  await rules.getByLabel("After time on the page").fill("10");
  await rules.getByRole("button", { name: "Add an exclude rule" }).click();
  await rules.getByLabel("Exclude rule 1: text").fill("/admin");
  const explainer = page.getByRole("region", { name: "Would the prompt open here?" });
  const row = (rule: string) => explainer.locator(`tr[data-rule='${rule}']`);
  const verdict = async (rule: string) => (await row(rule).locator("td").allInnerTexts()).join(" | ");

  await explainer.getByLabel("Page address").fill("https://docs.example.eu/admin/users");
  await row("url").getByText("Fails").waitFor();
  expect(await verdict("url")).toBe("Fails | excluded: the address contains “/admin”");
  await explainer.getByText("Does not open by itself").waitFor();

  await explainer.getByLabel("Page address").fill("https://docs.example.eu/pricing?coupon=abc#plans");
  await row("url").getByText("Passes").waitFor();
  expect(await verdict("url")).toBe("Passes | every page (no include rule)");
  // The project drops query strings: the URL is checked as the widget would report it.
  await explainer.getByText("Checked as https://docs.example.eu/pricing").waitFor();
  await explainer.getByLabel("Time on the page").fill("30");
  expect(await verdict("trigger")).toBe("Passes | fired: 10 s on the page");
  await explainer.getByText("Opens by itself").waitFor();
  await explainer.getByLabel("Time on the page").fill("5");
  expect(await verdict("trigger")).toBe("Fails | waiting for: 10 s on the page");
  await explainer.getByLabel("Device", { exact: true }).selectOption("mobile");
  await rules.getByLabel("Mobile").uncheck();
  expect(await verdict("device")).toBe("Fails | Mobile (allowed: Desktop, Tablet)");
  await explainer.getByLabel("Last answer to the prompt").selectOption("dismiss");
  await explainer.getByLabel("Days ago").fill("3");
  expect(await verdict("frequency")).toMatch(/^Fails \| again after .+ \(after a dismiss\)$/);
  expect(await verdict("launcher")).toBe("Passes | Round button, Bottom right");
  await explainer.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-rules-explainer")).toEqual([]);

  await rules.getByRole("button", { name: "Save display rules" }).click();
  await rules.getByText(/^Saved at/).waitFor();
  const saved = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(saved.settings.rules.autoOpen.afterSeconds).toBe(10);
  expect(saved.settings.rules.urls.exclude).toEqual([{ match: "contains", value: "/admin" }]);
  expect(saved.settings.rules.devices).toEqual(["desktop", "tablet"]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("rotating the widget key (confirmed, naming the project) changes the snippet and the try link, and ends the old key", async () => {
  const { owner, team, project } = await ownerWithProject("Store", { allowedOrigins: ["https://store.example.eu"] });
  const { page, context, problems } = await w.open({ as: owner.browser });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await page.goto(`${w.origin}/projects/${project.id}`);
  await page.getByRole("heading", { name: "Store", level: 1 }).waitFor();
  const snippet = page.getByLabel("Embed snippet (before </body>)");
  expect(await snippet.inputValue()).toContain(project.widgetKey);

  const config = (key: string) =>
    w.t.app.request(`/api/v1/widget/${key}/config`, { headers: { Origin: "https://store.example.eu" } });
  expect((await config(project.widgetKey)).status).toBe(200);
  const danger = page.locator("#danger");
  await danger.getByRole("button", { name: "Rotate the widget key" }).click();
  const dialog = page.getByRole("dialog", { name: "Rotate the widget key" });
  await dialog.getByText("Rotate the widget key of Store? The old key stops working at once").waitFor();
  expect(await w.inspect(page, "project-rotate-dialog")).toEqual([]);
  await dialog.getByRole("button", { name: "Rotate the key" }).click();
  await dialog.waitFor({ state: "detached" });
  const rotated = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(rotated.widgetKey).not.toBe(project.widgetKey);
  await page.waitForFunction(
    (key) => (document.getElementById("snippet") as HTMLTextAreaElement).value.includes(key),
    rotated.widgetKey,
  );
  expect(await snippet.inputValue()).not.toContain(project.widgetKey);
  await page.getByRole("button", { name: "Copy snippet" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(rotated.widgetKey);
  expect(await page.getByRole("link", { name: "Open the try page" }).getAttribute("href")).toBe(
    `${w.origin}/try/${rotated.widgetKey}`,
  );
  expect((await config(project.widgetKey)).status).toBe(404);
  expect((await config(rotated.widgetKey)).status).toBe(200);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("delete names what is lost, needs the name typed, is refused while the project has feedback, then removes an empty project", async () => {
  const { owner, team, project } = await ownerWithProject("Store", { allowedOrigins: ["https://store.example.eu"] });
  await ok(owner.browser.post(`/api/v1/teams/${team.id}/feedback`, { projectId: project.id, comment: "Keep me" }), 201);
  const empty = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Old landing page" }), 201);
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/projects/${project.id}`);
  const danger = page.locator("#danger");
  // The project has feedback: the kernel refuses, and the dialog says why.
  await danger.getByRole("button", { name: "Delete the project" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete Store?" });
  const final = confirm.getByRole("button", { name: "Delete the project" });
  expect(await final.isDisabled()).toBe(true);
  await confirm.getByLabel("Type Store to confirm").fill("Store");
  await final.click();
  await confirm.getByText("Delete the project's feedback first").waitFor();
  expect(await w.inspect(page, "project-delete-refused")).toEqual([]);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  expect((await owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`)).status).toBe(200);

  await page.goto(`${w.origin}/projects/${empty.id}`);
  await page.locator("#danger").getByRole("button", { name: "Delete the project" }).click();
  const second = page.getByRole("dialog", { name: "Delete Old landing page?" });
  await second.getByLabel("Type Old landing page to confirm").fill("Old landing page");
  await second.getByRole("button", { name: "Delete the project" }).click();
  await page.getByRole("heading", { name: "Projects", level: 1 }).waitFor();
  await page.getByRole("list", { name: "Projects" }).getByRole("link", { name: /Store/ }).waitFor();
  expect(await page.getByRole("link", { name: /Old landing page/ }).count()).toBe(0);
  expect((await owner.browser.get(`/api/v1/teams/${team.id}/projects/${empty.id}`)).status).toBe(404);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a member changes the appearance but sees the owners' settings read-only; a reporter changes nothing", async () => {
  const seeded = await seedTeam(w.t, "gamma");
  const { page, context, problems } = await w.open({ as: seeded.member.browser });
  await page.goto(`${w.origin}/projects/${seeded.project.id}`);
  await page.getByRole("heading", { name: "gamma site", level: 1 }).waitFor();
  for (const id of ["#origins", "#privacy", "#data"]) {
    const section = page.locator(id);
    await section.getByText("Read-only", { exact: true }).waitFor();
    await section.getByText("Only the team's owners change these settings").waitFor();
    expect(await section.getByRole("button", { name: /^Save/ }).count()).toBe(0);
  }
  expect(await page.locator("#origins").getByRole("textbox", { name: "Website 1", exact: true }).isDisabled()).toBe(
    true,
  );
  expect(await page.locator("#origins").getByRole("textbox", { name: "Website 1", exact: true }).inputValue()).toBe(
    seeded.siteOrigin,
  );
  expect(await page.locator("#data").getByLabel("Store the visitor's IP address").isDisabled()).toBe(true);
  expect(await page.locator("#danger").getByRole("button").count()).toBe(0);
  await page.locator("#danger").getByText("Only the team's owners rotate the widget key").waitFor();
  // The API agrees: the owners' settings are refused to a member.
  const refused = await seeded.member.browser.patch(`/api/v1/teams/${seeded.team.id}/projects/${seeded.project.id}`, {
    settings: { allowedOrigins: ["https://evil.example"] },
  });
  expect(refused.status).toBe(403);
  // What members may change, they can.
  await page.locator("#appearance").getByLabel("Colour").fill("#117733");
  await page.locator("#appearance").getByRole("button", { name: "Save appearance" }).click();
  await page
    .locator("#appearance")
    .getByText(/^Saved at/)
    .waitFor();
  const saved = await ok(seeded.owner.browser.get(`/api/v1/teams/${seeded.team.id}/projects/${seeded.project.id}`));
  expect(saved.settings.appearance.color).toBe("#117733");
  await page.locator("#origins").scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-member")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();

  const reporter = await w.open({ as: seeded.reporter.browser });
  await reporter.page.goto(`${w.origin}/projects/${seeded.project.id}`);
  await reporter.page.getByRole("heading", { name: "gamma site", level: 1 }).waitFor();
  await reporter.page.locator("#appearance").getByText("Read-only", { exact: true }).waitFor();
  expect(await reporter.page.getByRole("button", { name: "Rename" }).count()).toBe(0);
  expect(await reporter.page.getByRole("button", { name: /^Save/ }).count()).toBe(0);
  expect(await reporter.page.locator("#appearance").getByLabel("Colour").isDisabled()).toBe(true);
  expect(await reporter.problems()).toEqual([]);
  await reporter.context.close();
});

test("the CSP directives the page shows are enough: a host page allowing only them runs the widget, screenshot and all", async () => {
  const host = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch: () =>
      new Response(hostHtml, {
        headers: { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": hostCsp },
      }),
  });
  const hostOrigin = `http://localhost:${host.port}`;
  let hostHtml = "";
  let hostCsp = "";
  const { owner, team, project } = await ownerWithProject("Strict", { allowedOrigins: [hostOrigin] });
  const admin = await w.open({ as: owner.browser });
  await admin.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await admin.page.goto(`${w.origin}/projects/${project.id}`);
  await admin.page.getByRole("button", { name: "Copy snippet" }).click();
  const snippet = await admin.page.evaluate(() => navigator.clipboard.readText());
  await admin.page.getByRole("button", { name: "Copy CSP directives" }).click();
  const directives = await admin.page.evaluate(() => navigator.clipboard.readText());
  await admin.context.close();
  // Nothing else is allowed: no 'self', no style-src, no inline anything.
  hostCsp = `default-src 'none'; ${directives}`;
  hostHtml = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Strict shop</title></head><body><h1>Strict shop</h1><p>Only the widget's directives are allowed here.</p>${snippet}</body></html>`;

  const context = await w.chromium.newContext({ viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  const violations: string[] = [];
  await page.exposeFunction("__violation", (text: string) => violations.push(text));
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { __violation: (t: string) => void }).__violation(`${e.violatedDirective} ${e.blockedURI}`),
    ),
  );
  await page.goto(`${hostOrigin}/`);
  await widget(page).getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Works under a strict policy");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(violations).toEqual([]);
  const { items } = await ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback`));
  expect(items.map((i: { comment: string }) => i.comment)).toEqual(["Works under a strict policy"]);
  expect(items[0].hasScreenshot).toBe(true);
  await context.close();
  host.stop(true);
});

test("texts: the built-in strings come from the preview per language; an override shows in the preview and is saved", async () => {
  const { owner, team, project } = await ownerWithProject("Shop DE");
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/projects/${project.id}#strings`);
  const texts = page.locator("#strings");
  await texts.getByLabel("Language", { exact: true }).selectOption("de");
  // The German built-in texts, reported by the preview frame, label the boxes.
  await texts.getByText(/^\d+ texts, 0 changed$/).click();
  const title = texts.getByRole("textbox", { name: "Feedback senden", exact: true });
  await title.fill("Ihre Meinung zählt");
  const preview = previewOf(page);
  await preview.getByRole("heading", { name: "Ihre Meinung zählt" }).waitFor();
  expect(await page.getByLabel("Preview language").inputValue()).toBe("de");
  await texts.getByRole("button", { name: "Save texts" }).click();
  await texts.getByText(/^Saved at/).waitFor();
  const saved = await ok(owner.browser.get(`/api/v1/teams/${team.id}/projects/${project.id}`));
  expect(saved.settings.strings).toEqual({ de: { dialogTitle: "Ihre Meinung zählt" } });
  await texts.getByText(/^\d+ texts, 1 changed$/).waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
});
