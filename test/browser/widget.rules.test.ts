// Display rules in the browser (issue 8), on an injected clock (Playwright's, no sleeping): the prompt
// opens after N seconds, on Loupe.logEvent(), and again only N days after a dismiss; the visitor can
// hide the launcher for N days; Loupe.debug() explains the decision; with storage off the widget writes
// nothing at all.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium, startWidgetWorld, type WidgetWorld } from "./widget-world.ts";

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 30, 9, 0, 0);

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

function rulePage(path: string): string {
  return world.page(path, {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Rules</title></head><body><h1>Shop</h1>${world.snippet()}</body></html>`,
  });
}

/** A page at `time` on a clock the test drives; the widget's idle work has run. */
async function visit(context: BrowserContext, url: string, time: number): Promise<Page> {
  const page = await context.newPage();
  // Paused: time moves only when the test says so.
  await page.clock.install({ time: time - 1_000 });
  await page.clock.pauseAt(time);
  await page.goto(url);
  await page.clock.runFor(1_000);
  await page.getByRole("button", { name: "Feedback" }).waitFor();
  return page;
}
const storage = (page: Page): Promise<Record<string, string>> => page.evaluate(() => ({ ...localStorage }));
const dialogOf = (page: Page) => page.getByRole("dialog", { name: "Send feedback" });

test("after 30 s the prompt opens by itself; dismissed, it waits 7 days; at most 2 times", async () => {
  await world.updateSettings({
    rules: {
      autoOpen: { afterSeconds: 30 },
      frequency: { againAfterDismissDays: 7, maxTimes: 2 },
    },
  });
  const url = rulePage("/timed");
  const context = await browser.newContext();
  const id = world.project.id;

  let page = await visit(context, url, START);
  await page.clock.runFor(20_000);
  expect(await dialogOf(page).isVisible()).toBe(false);
  await page.clock.runFor(10_000);
  await dialogOf(page).waitFor();
  // A prompt that opened by itself does not take the keyboard from the page.
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("BODY");
  expect(await storage(page)).toMatchObject({ [`us-TimesShown_${id}`]: "1", [`us-WidgetShownOnce_${id}`]: "true" });
  await dialogOf(page).getByRole("button", { name: "Close" }).click();
  await dialogOf(page).waitFor({ state: "hidden" });
  expect(await storage(page)).toMatchObject({
    [`us-ShowAgainAction_${id}`]: "dismiss",
    [`us-ShowAgainTimestamp_${id}`]: String(START + 31_000),
  });
  await page.close();

  // Three days later: still dismissed.
  page = await visit(context, url, START + 3 * DAY);
  await page.clock.runFor(60_000);
  expect(await dialogOf(page).isVisible()).toBe(false);
  const explained = await page.evaluate(() =>
    (window as unknown as { Loupe: { debug(): Promise<{ launcher: boolean; autoOpen: boolean }> } }).Loupe.debug(),
  );
  expect(explained).toEqual({ launcher: true, autoOpen: false });
  await page.close();

  // Eight days later: the prompt returns once more, and that is the last time (maxTimes 2).
  page = await visit(context, url, START + 8 * DAY);
  await page.clock.runFor(30_000);
  await dialogOf(page).waitFor();
  expect((await storage(page))[`us-TimesShown_${id}`]).toBe("2");
  await dialogOf(page).getByRole("button", { name: "Close" }).click();
  await page.close();
  page = await visit(context, url, START + 30 * DAY);
  await page.clock.runFor(60_000);
  expect(await dialogOf(page).isVisible()).toBe(false);
  await context.close();
});

test("Loupe.logEvent() triggers the prompt for identified visitors only", async () => {
  await world.updateSettings({ rules: { autoOpen: { onEvents: ["checkout-failed"] }, audience: "identified" } });
  const url = rulePage("/events");
  const context = await browser.newContext();
  const page = await visit(context, url, START);
  const loupe = (call: string) => page.evaluate(`window.Loupe.${call}`);
  await loupe(`logEvent("checkout-failed")`);
  await page.clock.runFor(1_000);
  expect(await dialogOf(page).isVisible()).toBe(false);
  await loupe(`identify({ email: "known@example.eu" })`);
  await page.clock.runFor(1_000);
  await dialogOf(page).waitFor();
  await context.close();
});

test("the visitor hides the launcher for 7 days", async () => {
  await world.updateSettings({ appearance: { visitorMayHideDays: 7 }, rules: {} });
  const url = rulePage("/hide");
  const context = await browser.newContext();
  let page = await visit(context, url, START);
  await page.getByRole("button", { name: "Feedback" }).click();
  await page.getByRole("button", { name: "Hide the feedback button for 7 days" }).click();
  await page.getByRole("button", { name: "Feedback" }).waitFor({ state: "hidden" });
  expect((await storage(page))[`us-bubbleHiddenAt_${world.project.id}`]).toBe(String(START + 1_000));
  await page.close();
  page = await context.newPage();
  await page.clock.install({ time: START + 6 * DAY - 1_000 });
  await page.clock.pauseAt(START + 6 * DAY);
  await page.goto(url);
  await page.clock.runFor(1_000);
  // The widget loaded (the API is there) but draws no launcher.
  await page.waitForFunction("typeof window.Loupe?.open === 'function'");
  await page.clock.runFor(1_000);
  expect(await page.getByRole("button", { name: "Feedback" }).isVisible()).toBe(false);
  await page.close();
  page = await visit(context, url, START + 8 * DAY);
  expect(await page.getByRole("button", { name: "Feedback" }).isVisible()).toBe(true);
  await context.close();
});

test("storage off: a whole visit, prompt and submission included, writes nothing and sets no cookie", async () => {
  await world.updateSettings({
    storage: false,
    rules: { autoOpen: { afterSeconds: 5 } },
    fields: { email: { enabled: true } },
  });
  const url = rulePage("/no-storage");
  const context = await browser.newContext();
  const page = await visit(context, url, START);
  await page.clock.runFor(5_000);
  const dialog = dialogOf(page);
  await dialog.waitFor();
  await dialog.getByLabel("Your feedback").fill("No storage please");
  await dialog.getByLabel("Your email (for a reply)").fill("nostore@example.eu");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await storage(page)).toEqual({});
  expect(await page.evaluate(() => ({ session: sessionStorage.length, cookies: document.cookie }))).toEqual({
    session: 0,
    cookies: "",
  });
  expect(await context.cookies()).toEqual([]);
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "No storage please");
  // Still one anonymous reporter id per submission (not kept anywhere).
  expect(item.reporter.anonymousId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  await context.close();
});

test("scrolling past half the page, or leaving it through the top, opens the prompt", async () => {
  await world.updateSettings({ storage: true, rules: { autoOpen: { scrollPercent: 50 } } });
  const tall = world.page("/tall", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Tall</title><link rel="stylesheet" href="/tall.css"></head><body><h1>Long read</h1><div class="tall"></div>${world.snippet()}</body></html>`,
  });
  world.page("/tall.css", { type: "text/css", body: ".tall{height:4000px}" });
  let context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  let page = await visit(context, tall, START);
  await page.mouse.wheel(0, 1000);
  await page.clock.runFor(100);
  expect(await dialogOf(page).isVisible()).toBe(false);
  await page.mouse.wheel(0, 1200);
  await dialogOf(page).waitFor();
  await context.close();

  await world.updateSettings({ rules: { autoOpen: { exitIntent: true } } });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await visit(context, tall, START);
  await page.mouse.move(600, 300);
  await page.clock.runFor(100);
  expect(await dialogOf(page).isVisible()).toBe(false);
  // The pointer leaves the window through its top edge.
  await page.evaluate(() => document.dispatchEvent(new MouseEvent("mouseout", { clientX: 600, clientY: -1 })));
  await dialogOf(page).waitFor();
  await context.close();
});
