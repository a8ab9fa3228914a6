// Invariant (issue 8): when the DOM capture is incomplete (a frame of another origin), the widget says
// so and offers the browser's own screen capture (getDisplayMedia, current tab) — with the page's
// private parts blacked out on the frame before it is kept — or an image file; a screenshot can
// always be left out.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import {
  gridIn,
  launchChromium,
  pixelsAt,
  saveScreenshot,
  startWidgetWorld,
  type WidgetWorld,
} from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld();
  // Chromium accepts the tab-capture prompt by itself (no person to click "Share").
  browser = await launchChromium(["--auto-accept-this-tab-capture"]);
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

function framedPage(path: string): string {
  world.page(`${path}.css`, {
    type: "text/css",
    body: "body{margin:0;font:16px sans-serif;background:#fff}iframe{width:600px;height:200px;border:0}.usprivacy{width:400px;height:80px;background:#fe8;margin:16px}",
  });
  return world.page(path, {
    csp: `${world.strictCsp()}; frame-src ${world.loupeOrigin}`,
    html: `<!doctype html><html lang="en"><head><title>Framed</title><link rel="stylesheet" href="${path}.css"></head>
<body><h1>Order status</h1><div class="usprivacy" id="secret">Private: 221B Baker Street</div>
<iframe src="${world.loupeOrigin}/healthz" title="A frame of another origin"></iframe>${world.snippet()}</body></html>`,
  });
}

test("a frame of another origin: incomplete, so the tab is captured instead, private parts blacked out", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(framedPage("/framed"));
  const secret = await page.evaluate(() => {
    const r = document.getElementById("secret")!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("The order status frame is empty");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByText("Parts of the page could not be captured.").waitFor();
  await saveScreenshot(page, "widget-capture-incomplete");
  await dialog.getByRole("button", { name: "Capture the screen instead" }).click();
  // The tab's image replaces the incomplete one (and the note goes).
  await dialog.getByText("Parts of the page could not be captured.").waitFor({ state: "hidden" });
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();

  const item = (await world.items()).find((i: { comment: string }) => i.comment === "The order status frame is empty");
  expect(item.hasScreenshot).toBe(true);
  const image = await world.screenshot(item.id);
  const scale = item.screenshot.width / 1280;
  const { pixels } = await pixelsAt(page, image, gridIn(secret, scale));
  expect(pixels.filter((rgba) => rgba.slice(0, 3).some((c) => c! > 40))).toEqual([]);
  // The rest of the tab is there (the yellow-free white page around it is not black).
  const page_ = await pixelsAt(page, image, [{ x: 1000 * scale, y: 700 * scale }]);
  expect(page_.pixels[0]!.slice(0, 3).every((c) => c! > 200)).toBe(true);
  await context.close();
});

test("an image file instead; or no screenshot at all", async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(framedPage("/upload"));
  const upload = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(640, 400);
    const g = canvas.getContext("2d")!;
    g.fillStyle = "#3366ff";
    g.fillRect(0, 0, 640, 400);
    return [...new Uint8Array(await (await canvas.convertToBlob({ type: "image/png" })).arrayBuffer())];
  });
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Uploaded instead");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByText("Parts of the page could not be captured.").waitFor();
  const chooser = page.waitForEvent("filechooser");
  await dialog.getByRole("button", { name: "Upload an image" }).click();
  await (await chooser).setFiles({ name: "screen.png", mimeType: "image/png", buffer: Buffer.from(upload) });
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();

  // A second one without a screenshot: take it, then remove it from what will be sent.
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Feedback" }).click();
  await dialog.getByLabel("Your feedback").fill("No screenshot, thanks");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByText("Parts of the page could not be captured.").waitFor();
  await dialog.getByRole("button", { name: "Don't send: Screenshot" }).click();
  await dialog.getByRole("button", { name: "Add a screenshot" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();

  const items = await world.items();
  const uploaded = items.find((i: { comment: string }) => i.comment === "Uploaded instead");
  expect(uploaded.screenshot).toMatchObject({ width: 640, height: 400 });
  const { pixels } = await pixelsAt(page, await world.screenshot(uploaded.id), [{ x: 320, y: 200 }]);
  expect(pixels[0]!.slice(0, 3).map((c) => Math.round(c! / 16))).toEqual([3, 6, 16]);
  const without = items.find((i: { comment: string }) => i.comment === "No screenshot, thanks");
  expect(without.hasScreenshot).toBe(false);
  await context.close();
});
