// Invariant (issue 8, T-W1): on a host site of another origin under a strict CSP (no unsafe-inline, no
// unsafe-eval; and a nonce-only variant), a visitor opens the widget, takes a screenshot with the
// page's private parts blacked out before any pixel exists, annotates it and sends it: zero CSP
// violations, the item is in the team's inbox with its screenshot and annotations, private pixels
// are solid, no secret is in the request bytes, only the documented localStorage keys, no cookies.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Browser } from "playwright-core";
import {
  drag,
  gridIn,
  launchChromium,
  pixelsAt,
  RESULTS_DIR,
  saveScreenshot,
  startWidgetWorld,
  type WidgetWorld,
  watchViolations,
} from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld({
    privacy: { selectors: [".account-number"] },
    fields: { email: { enabled: true }, rating: { enabled: true, scale: "stars" } },
  });
  browser = await launchChromium();
  world.page("/site.css", {
    type: "text/css",
    body: `@font-face{font-family:"Shop Sans";src:url(/shop-sans.ttf) format("truetype")}
body{margin:0;font:16px/1.5 "Shop Sans",sans-serif;color:#222;background:#f6f7f9}
.bar{position:fixed;top:0;left:0;right:0;height:48px;background:#123;color:#fff;padding:12px 24px}
main{padding:72px 24px 24px;max-width:720px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:16px;margin:12px 0}
.tall{height:1200px;background:linear-gradient(#fff,#dde)}`,
  });
  world.page("/shop-sans.ttf", {
    type: "font/ttf",
    body: readFileSync("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
  });
  world.page("/logo.svg", {
    type: "image/svg+xml",
    body: `<svg xmlns="http://www.w3.org/2000/svg" width="80" height="80"><circle cx="40" cy="40" r="36" fill="#e63"/></svg>`,
  });
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

const SECRETS = ["hunter2-secret", "221B Baker Street", "VIP customer", "DE89 3704"];

function shopPage(snippet: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Shop checkout</title>
<link rel="stylesheet" href="/site.css"></head><body>
<header class="bar">Acme Shop</header>
<main>
  <h1>Checkout</h1>
  <p class="card">Review your order and pay. <img src="/logo.svg" alt="Acme" width="80" height="80"></p>
  <form class="card">
    <label>Email <input id="email" type="email" value="visitor@example.com"></label>
    <label>Password <input id="password" type="password" value="hunter2-secret"></label>
  </form>
  <div id="address" class="card usprivacy">Private: 221B Baker Street</div>
  <p id="note" class="card" data-loupe-private>Internal note: VIP customer</p>
  <p id="account" class="card account-number">IBAN DE89 3704 0044 0532 0130 00</p>
  <div class="tall"></div>
</main>
${snippet}
</body></html>`;
}

test("strict CSP, another origin: open → screenshot (private parts solid) → annotate → send; the team has it", async () => {
  const url = `${world.page("/checkout", { csp: world.strictCsp(), html: shopPage(world.snippet()) })}?order=42#pay`;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  const before = world.received.length;
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("The pay button does nothing.\nTried twice.");
  await dialog.getByLabel("Your email (for a reply)").fill("ana@example.eu");
  await dialog.getByLabel("4 of 5").check();

  // Where the private parts are, as the visitor sees them.
  const privateBoxes = await page.evaluate(() =>
    ["#email", "#password", "#address", "#note", "#account"].map((selector) => {
      const r = document.querySelector(selector)!.getBoundingClientRect();
      return { selector, x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );

  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await saveScreenshot(page, "widget-desktop-1280-screenshot-taken");

  await dialog.getByRole("button", { name: "Annotate" }).click();
  const canvas = dialog.locator(".ed canvas");
  await dialog.getByRole("button", { name: "Black out" }).click();
  await drag(page, canvas, [0.55, 0.55], [0.75, 0.7]);
  await dialog.getByRole("button", { name: "Rectangle" }).click();
  await drag(page, canvas, [0.1, 0.1], [0.3, 0.3]);
  await saveScreenshot(page, "widget-desktop-1280-editor");
  // The drawing surface is the image itself (no letterbox), so a pointer maps straight onto it.
  const surface = (await canvas.boundingBox())!;
  expect(Math.abs(surface.width / surface.height - 1280 / 800)).toBeLessThan(0.02);
  await dialog.getByRole("button", { name: "Done" }).click();
  // The form's preview shows what was drawn (the annotation colour is in it).
  const annotated = await dialog.locator("canvas[role=img]").evaluate((canvas) => {
    const { data } = (canvas as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 640, 400);
    let red = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 1]! < 110 && data[i + 2]! < 110) red++;
    return red;
  });
  expect(annotated).toBeGreaterThan(50);

  // Review before send lists what goes, the screenshot first.
  const review = dialog.getByRole("listitem");
  expect(await review.first().textContent()).toContain("Screenshot: 1280×800");
  await dialog.getByText(`Page address: ${world.hostOrigin}/checkout`).waitFor();
  await saveScreenshot(page, "widget-desktop-1280-review");

  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  await saveScreenshot(page, "widget-desktop-1280-sent");

  expect(await violations()).toEqual([]);
  const [item, ...others] = await world.items();
  expect(others).toEqual([]);
  expect(item).toMatchObject({
    comment: "The pay button does nothing.\nTried twice.",
    rating: { scale: "stars", value: 4 },
    reporter: { userId: null, email: "ana@example.eu", ip: null },
    // Query and fragment dropped: the project keeps neither (the default).
    pageUrl: `${world.hostOrigin}/checkout`,
    metadata: { browser: expect.stringMatching(/^Chrome \d+$/), os: "Linux", viewport: { width: 1280, height: 800 } },
    hasScreenshot: true,
    screenshot: { contentType: "image/webp", width: 1280, height: 800 },
  });
  expect(item.reporter.anonymousId).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  const annotations = item.screenshot.annotations;
  expect(annotations.map((a: { type: string }) => a.type)).toEqual(["blackout", "rect"]);
  // Where the pointer went on the drawn image is where the shape is (10 %–30 % of 1280×800).
  const rect = annotations[1];
  for (const [got, want] of [
    [rect.from.x, 128],
    [rect.from.y, 80],
    [rect.to.x, 384],
    [rect.to.y, 240],
  ])
    expect(Math.abs(got - want)).toBeLessThan(4);

  // Private parts and the blackout box are solid black in the stored image.
  const image = await world.screenshot(item.id);
  await Bun.write(`${RESULTS_DIR}/widget-stored-screenshot.webp`, image);
  const blackout = annotations[0];
  const inside = [
    ...privateBoxes.flatMap((box) => gridIn(box)),
    ...gridIn({
      x: blackout.from.x,
      y: blackout.from.y,
      width: blackout.to.x - blackout.from.x,
      height: blackout.to.y - blackout.from.y,
    }),
  ];
  const { pixels } = await pixelsAt(page, image, inside);
  // Solid black (WebP is lossy: a few levels of noise), where the page shows light backgrounds.
  const notBlack = pixels.flatMap((rgba, i) =>
    rgba.slice(0, 3).some((c) => c! > 40) ? [{ at: inside[i], rgba }] : [],
  );
  expect(notBlack).toEqual([]);
  // …and the page itself was drawn (the heading area is not blank).
  const around = await pixelsAt(page, image, [{ x: 30, y: 20 }]);
  expect(around.pixels[0]!.slice(0, 3)).not.toEqual([0, 0, 0]);

  // No secret of the page is in anything the browser sent.
  const sent = world.received.slice(before).map((bytes) => Buffer.from(bytes));
  expect(sent.length).toBe(1);
  expect(sent[0]!.includes("The pay button does nothing.")).toBe(true);
  for (const body of sent)
    for (const secret of SECRETS) expect({ secret, found: body.includes(secret) }).toEqual({ secret, found: false });

  // Only the documented keys, on the host's origin; no cookie anywhere.
  const keys = await page.evaluate(() => Object.keys(localStorage).sort());
  const id = world.project.id;
  expect(keys).toEqual(
    [`us-ShowAgainAction_${id}`, `us-ShowAgainTimestamp_${id}`, "us-reporter_", `us-visitorEmail_${id}`].sort(),
  );
  expect(await context.cookies()).toEqual([]);
  await context.close();
});

test("a phone (375 px): the dialog fits the screen and the flow completes", async () => {
  const url = world.page("/phone", { csp: world.strictCsp(), html: shopPage(world.snippet()) });
  const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).tap();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Text overlaps on my phone.");
  await dialog.getByRole("button", { name: "Add a screenshot" }).tap();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await saveScreenshot(page, "widget-phone-375-screenshot-taken");
  const box = (await dialog.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(375);
  await dialog.getByRole("button", { name: "Send", exact: true }).tap();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await violations()).toEqual([]);
  const items = await world.items();
  expect(items.find((i: { comment: string }) => i.comment === "Text overlaps on my phone.")?.metadata.viewport).toEqual(
    { width: 375, height: 740 },
  );
  await context.close();
});

test("a host page that allows scripts only by nonce: the nonce is carried over and the flow completes", async () => {
  const nonce = "bm9uY2UtZm9yLWxvdXBl";
  const csp = `default-src 'self'; script-src 'nonce-${nonce}'; connect-src 'self' ${world.loupeOrigin}; img-src 'self' data: blob:; style-src 'self'; font-src 'self'`;
  const url = world.page("/nonce", { csp, html: shopPage(world.snippet(`nonce="${nonce}"`)) });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  // Browsers hide nonce attributes from the DOM; the property keeps it.
  expect(await page.locator("loupe-widget").evaluate((el) => (el as HTMLElement).nonce)).toBe(nonce);
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Nonce-only page works.");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await violations()).toEqual([]);
  const items = await world.items();
  expect(
    items.some(
      (i: { comment: string; hasScreenshot: boolean }) => i.comment === "Nonce-only page works." && i.hasScreenshot,
    ),
  ).toBe(true);
  await context.close();
});

test("full page at a 640 px maximum, emails and card numbers masked, every tool, undo/redo, parts removed before sending", async () => {
  await world.updateSettings({
    capture: { mode: "fullPage", maxWidth: 640 },
    privacy: { selectors: [".account-number"], maskEmails: true, maskCardNumbers: true },
  });
  const url = world.page("/full", {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Full</title><link rel="stylesheet" href="/site.css"></head>
<body><main>
  <p class="card" id="contact">Write to <span id="mail">ana.visitor@example.com</span> any time.</p>
  <p class="card" id="card">Card <span id="pan">4111 1111 1111 1111</span> on file.</p>
  <label class="card">Card number <input autocomplete="cc-number" id="ccfield" value="5555555555554444"></label>
  <div class="tall"></div>
</main>${world.snippet()}</body></html>`,
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const before = world.received.length;
  await page.goto(url);
  const textBoxes = await page.evaluate(() =>
    ["#mail", "#pan", "#ccfield"].map((selector) => {
      const r = document.querySelector(selector)!.getBoundingClientRect();
      return { x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height };
    }),
  );
  const fullHeight = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Every tool");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).click();
  const canvas = dialog.locator(".ed canvas");
  for (const [tool, from, to] of [
    ["Pen", [0.1, 0.05], [0.3, 0.08]],
    ["Arrow", [0.5, 0.05], [0.7, 0.1]],
    ["Highlight", [0.1, 0.2], [0.4, 0.25]],
    ["Rectangle", [0.6, 0.3], [0.9, 0.4]],
  ] as const) {
    await dialog.getByRole("button", { name: tool, exact: true }).click();
    await drag(page, canvas, [...from], [...to]);
  }
  await dialog.getByRole("button", { name: "Text", exact: true }).click();
  await drag(page, canvas, [0.5, 0.5], [0.5, 0.5]);
  await dialog.getByLabel("Text to place").fill("Here!");
  await page.keyboard.press("Enter");
  // Undo takes the text away, redo brings it back.
  await dialog.getByRole("button", { name: "Undo" }).click();
  await dialog.getByRole("button", { name: "Redo" }).click();
  await saveScreenshot(page, "widget-desktop-1280-every-tool");
  await dialog.getByRole("button", { name: "Done" }).click();
  await dialog.getByRole("button", { name: "Don't send: Page address" }).click();
  await dialog.getByRole("button", { name: "Don't send: Browser and device" }).click();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();

  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Every tool");
  expect(item.pageUrl).toBeNull();
  expect(item.metadata).toEqual({});
  expect(item.screenshot.width).toBe(640);
  expect(item.screenshot.height).toBe(Math.round(fullHeight / 2));
  expect(item.screenshot.annotations.map((a: { type: string }) => a.type)).toEqual([
    "pen",
    "arrow",
    "highlight",
    "rect",
    "text",
  ]);
  expect(item.screenshot.annotations[4]).toMatchObject({ type: "text", text: "Here!" });
  // The email, the card number and the card field are solid in the stored image (half scale).
  const image = await world.screenshot(item.id);
  const { pixels } = await pixelsAt(
    page,
    image,
    textBoxes.flatMap((box) => gridIn(box, 0.5)),
  );
  const light = pixels.filter((rgba) => rgba.slice(0, 3).some((c) => c! > 90));
  expect(light).toEqual([]);
  const sent = Buffer.from(world.received.at(-1)!);
  expect(world.received.length).toBe(before + 1);
  for (const secret of ["ana.visitor@example.com", "4111 1111", "5555555555554444"])
    expect(sent.includes(secret)).toBe(false);
  await context.close();
});

test("a host page whose CSP is a <meta> tag: the screenshot keeps the page's styles and its private parts are solid", async () => {
  await world.updateSettings({ capture: {}, privacy: { selectors: [".account-number"] } });
  const meta = `<meta http-equiv="Content-Security-Policy" content="${world.strictCsp()}">`;
  const url = world.page("/meta-csp", {
    html: shopPage(world.snippet()).replace('<meta charset="utf-8">', `<meta charset="utf-8">${meta}`),
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  await page.goto(url);
  const address = await page.evaluate(() => {
    const r = document.getElementById("address")!.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Meta CSP page");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(await violations()).toEqual([]);
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Meta CSP page");
  const image = await world.screenshot(item.id);
  // The fixed header's dark blue (a page style) is there, and the private card is solid.
  const header = await pixelsAt(page, image, [{ x: 600, y: 20 }]);
  expect(header.pixels[0]!.slice(0, 3).every((c) => c! < 60)).toBe(true);
  expect(header.pixels[0]![2]).toBeGreaterThan(header.pixels[0]![0]!);
  const { pixels } = await pixelsAt(page, image, gridIn(address));
  expect(pixels.filter((rgba) => rgba.slice(0, 3).some((c) => c! > 40))).toEqual([]);
  await context.close();
});
