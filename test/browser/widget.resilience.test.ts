// Invariant (issue 8, T-W5 in the browser): nothing the visitor typed is lost on any error — the
// server's field errors appear beside their fields, a 429 says when to retry, a lost connection or a
// lost answer offers "Try again" — and a retry after a lost answer makes no second item. A page on an
// origin the project does not allow gets no widget; a rotated key stops submissions at once.
import { afterAll, beforeAll, beforeEach, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, startWidgetWorld, type WidgetWorld } from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld(
    { fields: { title: { enabled: true, required: true } } },
    { LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "2" },
  );
  browser = await launchChromium();
});
// Each test starts with the rate limit's window behind it (the server's clock is the test's).
beforeEach(() => world.t.clock.advance(61_000));
afterAll(async () => {
  await browser?.close();
  world?.close();
});

function shop(path: string): string {
  return world.page(path, {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Shop</title></head><body><h1>Shop</h1>${world.snippet()}</body></html>`,
  });
}

async function openDialog(page: Page, url: string) {
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.waitFor();
  return dialog;
}
const itemsWith = async (comment: string) =>
  (await world.items()).filter((i: { comment: string }) => i.comment === comment);

test("a field error from the server is shown beside the field; the draft stays; fixed, it sends", async () => {
  const page = await (await browser.newContext()).newPage();
  const dialog = await openDialog(page, shop("/fields"));
  await dialog.getByLabel("Your feedback").fill("Missing a title");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Please check the marked fields.").waitFor();
  const title = dialog.getByLabel("Title");
  expect(await title.getAttribute("aria-invalid")).toBe("true");
  expect(await dialog.locator("#e-title").textContent()).toBe("Required.");
  expect(await title.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  expect(await dialog.getByLabel("Your feedback").inputValue()).toBe("Missing a title");
  await title.fill("Now with a title");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await itemsWith("Missing a title")).toHaveLength(1);
  await page.context().close();
});

test("the answer is lost after the server committed: Try again sends the same id and makes no second item", async () => {
  const page = await (await browser.newContext()).newPage();
  const dialog = await openDialog(page, shop("/lost-answer"));
  await dialog.getByLabel("Title").fill("Lost answer");
  await dialog.getByLabel("Your feedback").fill("Committed, answer lost");
  let dropped = 0;
  await page.route(`${world.loupeOrigin}/api/v1/widget/**/feedback`, async (route) => {
    if (dropped++ > 0) return route.continue();
    await route.fetch(); // the server receives and commits it…
    await route.abort("connectionreset"); // …and the answer never arrives.
  });
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("The server could not be reached. Nothing you typed is lost: try again.").waitFor();
  expect(await dialog.getByLabel("Your feedback").inputValue()).toBe("Committed, answer lost");
  expect(await itemsWith("Committed, answer lost")).toHaveLength(1);
  await dialog.getByRole("button", { name: "Try again" }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await itemsWith("Committed, answer lost")).toHaveLength(1);
  await page.context().close();
});

test("offline while sending: the draft stays; online again, Try again sends it once", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const dialog = await openDialog(page, shop("/offline"));
  await dialog.getByLabel("Title").fill("Offline");
  await dialog.getByLabel("Your feedback").fill("Written offline");
  await context.setOffline(true);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("The server could not be reached. Nothing you typed is lost: try again.").waitFor();
  await context.setOffline(false);
  await dialog.getByRole("button", { name: "Try again" }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await itemsWith("Written offline")).toHaveLength(1);
  await context.close();
});

test("rate limited: the widget says when to retry and keeps the draft; after the wait it sends", async () => {
  const page = await (await browser.newContext()).newPage();
  const dialog = await openDialog(page, shop("/limited"));
  // The limit: 2 a minute per client and project; the third is refused.
  const send = async (comment: string) => {
    await dialog.getByLabel("Title").fill("Limit");
    await dialog.getByLabel("Your feedback").fill(comment);
    await dialog.getByRole("button", { name: "Send", exact: true }).click();
  };
  for (let i = 0; i < 3; i++) {
    await send(`Filler ${i}`);
    const answered = await Promise.race([
      dialog
        .getByText("Thank you!")
        .waitFor()
        .then(() => "sent" as const),
      dialog
        .getByText(/Too many messages were sent\. Try again in \d+ seconds\./)
        .waitFor()
        .then(() => "limited" as const),
    ]);
    if (answered === "limited") break;
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "Feedback" }).click();
  }
  await dialog.getByText(/Too many messages were sent\. Try again in \d+ seconds\./).waitFor();
  const draft = await dialog.getByLabel("Your feedback").inputValue();
  expect(draft).toMatch(/^Filler \d$/);
  world.t.clock.advance(61_000);
  await dialog.getByRole("button", { name: "Try again" }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await itemsWith(draft)).toHaveLength(1);
  await page.context().close();
});

test("a page on an origin the project does not allow gets no widget (a console warning, nothing drawn)", async () => {
  const url = shop("/foreign").replace("localhost", "127.0.0.1");
  const page = await (await browser.newContext()).newPage();
  const warning = page.waitForEvent("console", (m) => m.type() === "warning" && m.text().startsWith("Loupe"));
  await page.goto(url);
  // The refusal carries no CORS header (T-W2), so the page cannot even read its status.
  expect((await warning).text()).toStartWith("Loupe TypeError: Failed to fetch");
  await page.evaluate(() => (window as unknown as { Loupe: { open(): void } }).Loupe.open());
  expect(await page.locator("loupe-widget").count()).toBe(0);
  await page.context().close();
});

test("a lost answer retried with storage off and console capture on (the page logging the error): still one item", async () => {
  await world.updateSettings({ storage: false, consoleCapture: true, fields: {} });
  const url = world.page("/retry-nostore.js", {
    type: "text/javascript",
    body: `window.Loupe = [["on", "error", (e) => console.error("feedback failed", e)]];`,
  });
  const page = await (await browser.newContext()).newPage();
  const host = world.page("/retry-nostore", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Shop</title><script src="${new URL(url).pathname}"></script></head><body><h1>Shop</h1>${world.snippet()}</body></html>`,
  });
  const dialog = await openDialog(page, host);
  await dialog.getByLabel("Your feedback").fill("Retried without storage");
  let dropped = 0;
  await page.route(`${world.loupeOrigin}/api/v1/widget/**/feedback`, async (route) => {
    if (dropped++ > 0) return route.continue();
    await route.fetch();
    await route.abort("connectionreset");
  });
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("The server could not be reached. Nothing you typed is lost: try again.").waitFor();
  await dialog.getByRole("button", { name: "Try again" }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await itemsWith("Retried without storage")).toHaveLength(1);
  expect(await page.evaluate(() => localStorage.length)).toBe(0);
  await page.context().close();
  await world.updateSettings({
    storage: true,
    consoleCapture: false,
    fields: { title: { enabled: true, required: true } },
  });
});

test("Send twice quickly (a click and Enter): one request", async () => {
  const page = await (await browser.newContext()).newPage();
  const dialog = await openDialog(page, shop("/double"));
  await dialog.getByLabel("Title").fill("Double");
  await dialog.getByLabel("Your feedback").fill("Sent twice at once");
  const before = world.received.length;
  // The first request is held until the visitor has pressed Send again twice.
  let release = () => {};
  const held = new Promise<void>((done) => {
    release = done;
  });
  await page.route(`${world.loupeOrigin}/api/v1/widget/**/feedback`, async (route) => {
    await held;
    await route.continue();
  });
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Sending…").waitFor();
  await dialog.getByLabel("Title").press("Enter");
  await dialog.locator("button[type=submit]").click({ force: true });
  release();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(world.received.length - before).toBe(1);
  expect(await dialog.getByText("Thank you! Your feedback has been sent.").count()).toBe(1);
  await page.context().close();
});

test("destroy() before the widget has even loaded: nothing ever appears", async () => {
  await world.updateSettings({ consoleCapture: true });
  const script = world.page("/early-destroy.js", {
    type: "text/javascript",
    body: `window.Loupe = [["destroy"]]; window.originalError = console.error;`,
  });
  const url = world.page("/early-destroy", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Shop</title><script src="${new URL(script).pathname}"></script></head><body><h1>Shop</h1>${world.snippet()}</body></html>`,
  });
  const page = await (await browser.newContext()).newPage();
  const configs: string[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/config")) configs.push(r.url());
  });
  await page.goto(url);
  await page.waitForResponse((r) => r.url().includes("/widget/console-"));
  await page.evaluate(() => new Promise((done) => setTimeout(done, 50)));
  expect(configs).toHaveLength(1);
  expect(await page.locator("loupe-widget").count()).toBe(0);
  expect(await page.evaluate(() => "Loupe" in window)).toBe(false);
  expect(await page.evaluate("console.error === window.originalError")).toBe(true);
  await page.context().close();
  await world.updateSettings({ consoleCapture: false });
});

// Last: it rotates the key the other tests embed.
test("a key rotated while the page is open: sending fails (no CORS answer for an unknown key) and keeps the draft", async () => {
  const page = await (await browser.newContext()).newPage();
  const dialog = await openDialog(page, shop("/rotated"));
  await dialog.getByLabel("Title").fill("Rotated");
  await dialog.getByLabel("Your feedback").fill("After rotation");
  const rotated = await world.owner.browser.post(
    `/api/v1/teams/${world.team.id}/projects/${world.project.id}/widget-key`,
    {},
  );
  expect(rotated.status).toBe(200);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("The server could not be reached. Nothing you typed is lost: try again.").waitFor();
  expect(await dialog.getByLabel("Your feedback").inputValue()).toBe("After rotation");
  expect(await itemsWith("After rotation")).toHaveLength(0);
  await page.context().close();
});
