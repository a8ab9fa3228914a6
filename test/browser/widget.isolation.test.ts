// Invariant (issue 8): the widget and the host page cannot reach each other's styles. Hostile global
// CSS (`* { all: unset }`, !important resets, huge z-indexes, zoom) does not break the widget; the
// widget adds no style to the host document, changes no host element's computed style and no global
// but `window.Loupe` — wrapping `console` when the project captures it is the documented exception,
// and `Loupe.destroy()` undoes it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, saveScreenshot, startWidgetWorld, type WidgetWorld, watchViolations } from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld({ consoleCapture: true });
  browser = await launchChromium();
  world.page("/hostile.css", {
    type: "text/css",
    body: `*, *::before, *::after { all: unset !important; }
html, body, div, p, h1, main, header { display: block !important; }
* { font-size: 40px !important; line-height: 3 !important; color: #c00 !important; zoom: 1.5;
    letter-spacing: 4px !important; text-transform: uppercase !important; z-index: 2147483647 !important; }
button, input, textarea, select { display: none !important; visibility: hidden !important; }
.overlay { position: fixed !important; inset: 0 !important; background: rgba(0,0,0,.05) !important; }
loupe-widget * { outline: 10px solid lime !important; }`,
  });
  // A page that logs an error when something is clicked (after the widget has loaded).
  world.page("/host.js", {
    type: "text/javascript",
    body: `addEventListener("click", (e) => { if (e.target.id === "pay") console.error("payment failed: token=abcd1234secret", { amount: 42 }); });`,
  });
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

const HOST_SNAPSHOT = `(() => {
  const props = ["font-size", "color", "display", "zoom", "z-index", "margin", "background-color", "position"];
  return [...document.querySelectorAll("html, body, main, h1, p, .overlay")].map((el) => {
    const style = getComputedStyle(el);
    return props.map((p) => style.getPropertyValue(p)).join("|");
  });
})()`;

async function hostState(page: Page) {
  return page.evaluate(
    `({
      styles: ${HOST_SNAPSHOT},
      styleElements: document.querySelectorAll("style").length,
      styleAttributes: document.querySelectorAll("[style]").length,
      adopted: document.adoptedStyleSheets.length,
      globals: Object.getOwnPropertyNames(window).filter((name) => !window.__initialGlobals.includes(name)).sort(),
      consoleWrapped: console.error !== window.__originalConsoleError,
    })`,
  ) as Promise<{
    styles: string[];
    styleElements: number;
    styleAttributes: number;
    adopted: number;
    globals: string[];
    consoleWrapped: boolean;
  }>;
}

test("a hostile page: the widget still works, and it leaves the page's styles and globals alone", async () => {
  const url = world.page("/hostile", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Hostile</title><link rel="stylesheet" href="/hostile.css">
<script src="/host.js"></script></head>
<body><main><h1>Hostile shop</h1><p id="pay">Everything is reset here.</p><div class="overlay"></div></main>${world.snippet()}</body></html>`,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  await page.addInitScript(`window.__initialGlobals = Object.getOwnPropertyNames(window).concat("__initialGlobals", "__originalConsoleError");
window.__originalConsoleError = console.error;`);
  // The same page without the widget: what the host's own styles are.
  const bare = await context.newPage();
  await bare.addInitScript(`window.__initialGlobals = Object.getOwnPropertyNames(window).concat("__initialGlobals", "__originalConsoleError");
window.__originalConsoleError = console.error;`);
  world.page("/hostile-bare", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><title>Hostile</title><link rel="stylesheet" href="/hostile.css">
<script src="/host.js"></script></head>
<body><main><h1>Hostile shop</h1><p>Everything is reset here.</p><div class="overlay"></div></main></body></html>`,
  });
  await bare.goto(url.replace("/hostile", "/hostile-bare"));
  const untouched = await hostState(bare);

  await page.goto(url);
  const launcher = page.getByRole("button", { name: "Feedback" });
  await launcher.waitFor();
  // Console capture starts when the widget has loaded (the project enables it); then the page errs.
  await page.waitForFunction("console.error !== window.__originalConsoleError");
  await page.evaluate(() => (document.getElementById("pay") as HTMLElement).click());
  await launcher.click(); // Playwright checks it is visible, stable and not covered.
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  const comment = dialog.getByLabel("Your feedback");
  // The widget's own look is its own: 14 px text, no page colour, no page zoom.
  expect(
    await comment.evaluate((el) => {
      const style = getComputedStyle(el);
      return { fontSize: style.fontSize, color: style.color, letterSpacing: style.letterSpacing, zoom: style.zoom };
    }),
  ).toMatchObject({ fontSize: "14px", letterSpacing: "normal", zoom: "1" });
  await comment.fill("Works on a hostile page");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  // The console error the page logged is offered for review, redacted.
  await dialog.getByText("Console messages (1)").waitFor();
  await saveScreenshot(page, "widget-hostile-page");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Works on a hostile page");
  expect(item.metadata.console).toEqual([
    { level: "error", at: expect.any(String), message: 'payment failed: [redacted] {"amount":42}' },
  ]);

  const during = await hostState(page);
  expect(during).toEqual({ ...untouched, globals: ["Loupe"], consoleWrapped: true });
  await page.evaluate(() => (window as unknown as { Loupe: { destroy(): Promise<void> } }).Loupe.destroy());
  expect(await hostState(page)).toEqual({ ...untouched, globals: [], consoleWrapped: false });
  expect(await violations()).toEqual([]);
  await context.close();
});
