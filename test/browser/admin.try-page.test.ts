// The try page (issue 9, section 5): a project's page links to /try/<widget key>, a page Loupe serves
// with the project's widget and a sample form. Opened with no session at all, a visitor sends a first
// item with a screenshot: it reaches the team's inbox, with the sample email, card number and the box
// marked private blacked out in the image. Loupe's own origin needs no allowed-origins entry. The page
// runs under its own strict policy (zero violations, no request off the origin) and passes axe.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";
import { gridIn, pixelsAt, widget } from "./widget-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

test("from the project's page to the try page: a first feedback item with a masked screenshot, in the inbox", async () => {
  const owner = await signedInUser(w.t);
  const team = await ok(owner.browser.post("/api/v1/teams", { name: "First steps" }), 201);
  // No website allowed: the try page still works.
  const project = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "My first site" }), 201);
  expect(project.settings.allowedOrigins).toEqual([]);

  const admin = await w.open({ as: owner.browser });
  await admin.page.goto(`${w.origin}/projects/${project.id}`);
  const link = admin.page.getByRole("link", { name: "Open the try page" });
  await link.waitFor();
  const href = await link.getAttribute("href");
  expect(href).toBe(`${w.origin}/try/${project.widgetKey}`);
  expect(await link.getAttribute("target")).toBe("_blank");
  expect(await link.getAttribute("rel")).toBe("noopener noreferrer");
  expect(await admin.problems()).toEqual([]);
  await admin.context.close();

  // A fresh browser without any Loupe session.
  const { page, context, problems } = await w.open();
  await page.goto(href!);
  await page.getByRole("heading", { name: "Try your feedback widget", level: 1 }).waitFor();
  await widget(page).getByRole("button", { name: "Feedback" }).waitFor();
  expect(await page.evaluate(() => document.title)).toBe("Try your feedback widget");
  // Nothing about the project or its team is on the page.
  const text = await page.evaluate(() => document.body.textContent ?? "");
  expect(text.includes("My first site") || text.includes("First steps")).toBe(false);
  expect(await w.inspect(page, "try-page")).toEqual([]);

  const boxes = await page.evaluate(() =>
    ["input[type=email]", "input[inputmode=numeric]", "[data-loupe-private]"].map((selector) => {
      const r = document.querySelector(selector)!.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
  await widget(page).getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("My first feedback, from the try page");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  expect(await w.inspect(page, "try-page-widget")).toEqual([]);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await problems()).toEqual([]);
  // Its policy keeps scripts on it away from the rest of Loupe: no other API, no popup to reach a page.
  expect(
    await page.evaluate(() =>
      fetch("/api/v1/me").then(
        () => "fetched",
        () => "blocked",
      ),
    ),
  ).toBe("blocked");
  expect(await page.evaluate(() => window.open("/projects") === null)).toBe(true);
  expect(context.pages()).toHaveLength(1);
  await context.close();

  const { items } = await ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback`));
  expect(items).toHaveLength(1);
  const item = await ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback/${items[0].id}`));
  expect(item).toMatchObject({
    comment: "My first feedback, from the try page",
    projectId: project.id,
    hasScreenshot: true,
  });
  // The page address as the project reports it (no query, no fragment).
  expect(item.pageUrl).toBe(`${w.origin}/try/${project.widgetKey}`);
  // The sample email and card number (form fields) and the private box are solid in the stored image.
  const res = await owner.browser.get(`/api/v1/teams/${team.id}/feedback/${item.id}/screenshot`);
  const image = new Uint8Array(await res.arrayBuffer());
  const viewer = await w.open();
  const { pixels } = await pixelsAt(
    viewer.page,
    image,
    boxes.flatMap((box) => gridIn(box)),
  );
  await viewer.context.close();
  expect(pixels.filter((rgba) => rgba.slice(0, 3).some((c) => c! > 90))).toEqual([]);
});

test("a rotated or unknown key: the try page says it is gone", async () => {
  const owner = await signedInUser(w.t);
  const team = await ok(owner.browser.post("/api/v1/teams", { name: "Rotators" }), 201);
  const project = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Rotated" }), 201);
  await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects/${project.id}/widget-key`));
  const { page, context, problems } = await w.open({ locale: "de-DE" });
  const response = await page.goto(`${w.origin}/try/${project.widgetKey}`);
  expect(response?.status()).toBe(404);
  await page.getByRole("heading", { name: "Diese Testseite gibt es nicht mehr", level: 1 }).waitFor();
  expect(await widget(page).count()).toBe(0);
  expect(await w.inspect(page, "try-page-gone")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});
