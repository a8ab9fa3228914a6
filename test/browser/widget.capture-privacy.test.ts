// Invariant (issue 8): what a visitor typed or marked private never reaches the screenshot — rich-text
// editors included — whatever the page is made of (canvases, frames, shadow roots), and the browser's
// own tab capture blacks out private parts in shadow roots and same-origin frames and every frame of
// another origin whole.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { gridIn, launchChromium, pixelsAt, startWidgetWorld, type WidgetWorld } from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld();
  browser = await launchChromium(["--auto-accept-this-tab-capture"]);
  world.page("/privacy.css", {
    type: "text/css",
    body: "body{margin:0;font:16px sans-serif;background:#fff}.box{width:300px;height:60px;margin:8px;background:#fe8}iframe{width:340px;height:100px;border:0;display:block}canvas{display:block}",
  });
  world.page("/inner.html", {
    csp: world.strictCsp(),
    html: `<!doctype html><html><head><link rel="stylesheet" href="/privacy.css"></head><body><div class="box usprivacy" id="inner">Inner secret</div></body></html>`,
  });
  world.page("/privacy.js", {
    type: "text/javascript",
    body: `const host = document.getElementById("shadow-host");
const root = host.attachShadow({ mode: "open" });
root.innerHTML = '<link rel="stylesheet" href="/privacy.css"><div class="box usprivacy" id="in-shadow">Shadow secret</div>';
const g = document.getElementById("chart").getContext("2d");
g.fillStyle = "#3366ff"; g.fillRect(0, 0, 200, 80);`,
  });
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

/** Boxes of elements (in the top document or in a shadow root or frame) as the viewport shows them. */
async function boxesOf(page: Page) {
  return page.evaluate(() => {
    const box = (el: Element, dx = 0, dy = 0) => {
      const r = el.getBoundingClientRect();
      return { x: r.x + dx, y: r.y + dy, width: r.width, height: r.height };
    };
    const frame = document.getElementById("same-origin") as HTMLIFrameElement;
    const f = frame.getBoundingClientRect();
    return {
      editor: box(document.getElementById("editor")!),
      chart: box(document.getElementById("chart")!),
      shadow: box(document.getElementById("shadow-host")!.shadowRoot!.getElementById("in-shadow")!),
      inner: box(frame.contentDocument!.getElementById("inner")!, f.x, f.y),
      foreign: box(document.getElementById("foreign")!),
    };
  });
}

function privacyPage(path: string, foreignFrame: boolean): string {
  return world.page(path, {
    csp: `${world.strictCsp()}; frame-src 'self' ${world.loupeOrigin}`,
    html: `<!doctype html><html lang="en"><head><title>Privacy</title><link rel="stylesheet" href="/privacy.css"></head><body>
<div id="editor" class="box" contenteditable="true">Typed in a rich-text editor</div>
<canvas id="chart" width="200" height="80"></canvas>
<div id="shadow-host"></div>
<iframe id="same-origin" src="/inner.html" title="Same origin"></iframe>
${foreignFrame ? `<iframe id="foreign" src="${world.loupeOrigin}/healthz" title="Another origin"></iframe>` : '<div id="foreign" class="box">No frame</div>'}
<script src="/privacy.js"></script>${world.snippet()}</body></html>`,
  });
}

const solid = (pixels: number[][]) => pixels.filter((rgba) => rgba.slice(0, 3).some((c) => c! > 40));

test("the DOM capture: a rich-text editor, a shadow root and a same-origin frame are masked; a canvas is drawn", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(privacyPage("/dom", false));
  await page.waitForFunction(() =>
    (document.getElementById("same-origin") as HTMLIFrameElement).contentDocument?.getElementById("inner"),
  );
  const boxes = await boxesOf(page);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Privacy page");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  // Nothing here is beyond the DOM capture: no fallback is offered.
  expect(await dialog.getByText("Parts of the page could not be captured.").count()).toBe(0);
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Privacy page");
  const image = await world.screenshot(item.id);
  // A same-origin frame is drawn from its document, a few pixels off (modern-screenshot drops the frame
  // document's body margin): its box is sampled 10 px in from the top and bottom.
  const inner = { ...boxes.inner, y: boxes.inner.y + 10, height: boxes.inner.height - 20 };
  for (const [name, box] of [
    ["editor", boxes.editor],
    ["shadow", boxes.shadow],
    ["inner", inner],
  ] as const) {
    const { pixels } = await pixelsAt(page, image, gridIn(box));
    expect({ name, light: solid(pixels) }).toEqual({ name, light: [] });
  }
  // The canvas's blue is in the image.
  const chart = await pixelsAt(page, image, [{ x: boxes.chart.x + 100, y: boxes.chart.y + 40 }]);
  expect(chart.pixels[0]!.slice(0, 3).map((c) => Math.round(c! / 32))).toEqual([2, 3, 8]);
  await context.close();
});

test("the tab capture: private parts in shadow roots and same-origin frames, and the other origin's frame whole, are black", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(privacyPage("/tab", true));
  await page.waitForFunction(() =>
    (document.getElementById("same-origin") as HTMLIFrameElement).contentDocument?.getElementById("inner"),
  );
  const boxes = await boxesOf(page);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Tab capture page");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByText("Parts of the page could not be captured.").waitFor();
  await dialog.getByRole("button", { name: "Capture the screen instead" }).click();
  // The tab's image replaces the incomplete one (and the note goes).
  await dialog.getByText("Parts of the page could not be captured.").waitFor({ state: "hidden" });
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Tab capture page");
  const image = await world.screenshot(item.id);
  const scale = item.screenshot.width / 1280;
  for (const name of ["editor", "shadow", "inner", "foreign"] as const) {
    const { pixels } = await pixelsAt(page, image, gridIn(boxes[name], scale));
    expect({ name, light: solid(pixels) }).toEqual({ name, light: [] });
  }
  await context.close();
});
