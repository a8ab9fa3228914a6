// The page's JavaScript API (issue 8): a command queue before the loader runs; open/close/show/hide;
// on(open|close|beforeSubmit|submit|error) where beforeSubmit may edit or cancel; setCustomData and
// identify reach the item; the language comes from data-locale, else <html lang>, else the browser,
// and every string can be overridden from the project; destroy() leaves no trace.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, startWidgetWorld, type WidgetWorld } from "./widget-world.ts";

let world: WidgetWorld;
let browser: Browser;
beforeAll(async () => {
  world = await startWidgetWorld({
    fields: { email: { enabled: true } },
    strings: { de: { send: "Abschicken" } },
  });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  world?.close();
});

/** A host page whose own script (allowed by its CSP as a same-origin file) uses the API. */
function hostPage(path: string, pageScript: string, options: { lang?: string; attributes?: string } = {}) {
  world.page(`${path}.js`, { type: "text/javascript", body: pageScript });
  return world.page(path, {
    csp: world.strictCsp(),
    html: `<!doctype html><html lang="${options.lang ?? "en"}"><head><title>API</title><script src="${path}.js"></script></head>
<body><h1>Shop</h1>${world.snippet(options.attributes ?? "")}</body></html>`,
  });
}

const seen = (page: Page) => page.evaluate(() => (window as unknown as { seen: unknown[] }).seen);

test("commands queued before the loader run in order; events fire; beforeSubmit edits the submission", async () => {
  const url = hostPage(
    "/queued",
    `window.seen = [];
window.Loupe = window.Loupe || [];
Loupe.push(["setCustomData", { plan: "pro", cartItems: 3 }]);
Loupe.push(["identify", { email: "known@example.eu", name: "Known Visitor" }]);
Loupe.push(["on", "open", () => seen.push("open")]);
Loupe.push(["on", "close", () => seen.push("close")]);
Loupe.push(["on", "submit", (d) => seen.push("submit:" + (typeof d.id))]);
Loupe.push(["on", "beforeSubmit", (s) => { seen.push("beforeSubmit"); s.comment = s.comment + " [edited by the page]"; }]);
Loupe.push(["open"]);`,
  );
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.waitFor();
  expect(await seen(page)).toEqual(["open"]);
  // identify() pre-fills the email; custom data is listed for review.
  expect(await dialog.getByLabel("Your email (for a reply)").inputValue()).toBe("known@example.eu");
  await dialog.getByText('Data from this page: {"plan":"pro","cartItems":3}').waitFor();
  await dialog.getByLabel("Your feedback").fill("Queued commands work");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  const item = (await world.items()).find((i: { comment: string }) => i.comment.startsWith("Queued commands work"));
  expect(item).toMatchObject({
    comment: "Queued commands work [edited by the page]",
    customData: { plan: "pro", cartItems: 3 },
    reporter: { email: "known@example.eu" },
  });
  // The API is there after the loader ran, and commands pushed later still work.
  await page.evaluate(() => (window as unknown as { Loupe: { close(): void } }).Loupe.close());
  await page.evaluate(() => (window as unknown as { Loupe: { push(c: unknown[]): void } }).Loupe.push(["open"]));
  await dialog.waitFor();
  expect(await seen(page)).toEqual(["open", "beforeSubmit", "submit:string", "close", "open"]);
  await context.close();
});

test("beforeSubmit may cancel: nothing is sent and the draft stays", async () => {
  const url = hostPage("/cancel", `window.Loupe = [["on", "beforeSubmit", () => false]];`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  const before = world.received.length;
  await dialog.getByLabel("Your feedback").fill("Cancelled by the page");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await page.evaluate(() => 0); // the click's handlers have run
  expect(world.received.length).toBe(before);
  expect(await dialog.getByLabel("Your feedback").inputValue()).toBe("Cancelled by the page");
  await context.close();
});

test("show() and hide() override the launcher; close() closes; Escape closes and focus returns to the launcher", async () => {
  const url = hostPage("/show-hide", "");
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const launcher = page.getByRole("button", { name: "Feedback" });
  await launcher.waitFor();
  await page.evaluate(() => (window as unknown as { Loupe: { hide(): void } }).Loupe.hide());
  await launcher.waitFor({ state: "hidden" });
  await page.evaluate(() => (window as unknown as { Loupe: { show(): void } }).Loupe.show());
  await launcher.waitFor();
  await launcher.click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.waitFor();
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("LOUPE-WIDGET");
  expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
  await page.evaluate(() => (window as unknown as { Loupe: { open(): void } }).Loupe.open());
  await dialog.waitFor();
  await page.evaluate(() => (window as unknown as { Loupe: { close(): void } }).Loupe.close());
  await dialog.waitFor({ state: "hidden" });
  await context.close();
});

test("language: data-locale, else <html lang>, else the browser's; the project overrides any string", async () => {
  const cases: { path: string; lang?: string; attributes?: string; locale?: string; title: string; send: string }[] = [
    { path: "/lang-attr", lang: "en", attributes: 'data-locale="fr"', title: "Envoyer un avis", send: "Envoyer" },
    { path: "/lang-html", lang: "de", title: "Feedback senden", send: "Abschicken" },
    { path: "/lang-browser", lang: "", locale: "pl-PL", title: "Wyślij opinię", send: "Wyślij" },
    { path: "/lang-unknown", lang: "ja", title: "Send feedback", send: "Send" },
  ];
  for (const c of cases) {
    const url = hostPage(c.path, "", { lang: c.lang ?? "", attributes: c.attributes ?? "" });
    const context = await browser.newContext(c.locale ? { locale: c.locale } : {});
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole("button", { name: "Feedback" }).click();
    const dialog = page.getByRole("dialog", { name: c.title });
    await dialog.waitFor();
    expect({ path: c.path, send: await dialog.locator("button[type=submit]").first().textContent() }).toEqual({
      path: c.path,
      send: c.send,
    });
    await context.close();
  }
});

test("destroy() removes the element, the API and every listener", async () => {
  const url = hostPage(
    "/destroy",
    `window.Loupe = [["on", "open", () => { window.opened = (window.opened || 0) + 1; }]];`,
  );
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  await page.getByRole("dialog", { name: "Send feedback" }).waitFor();
  await page.evaluate(() => (window as unknown as { Loupe: { destroy(): Promise<void> } }).Loupe.destroy());
  expect(await page.evaluate(() => document.querySelectorAll("loupe-widget").length)).toBe(0);
  expect(await page.evaluate(() => "Loupe" in window)).toBe(false);
  expect(await page.evaluate(() => (window as unknown as { opened: number }).opened)).toBe(1);
  await context.close();
});

test("the project's own fields: a category picker, a custom select and checkbox; the error event on a refusal", async () => {
  const label = await (
    await world.owner.browser.post(`/api/v1/teams/${world.team.id}/labels`, { name: "Checkout bug", color: "#cc3333" })
  ).json();
  await world.updateSettings({
    fields: {
      category: { enabled: true, required: true, labelIds: [label.id] },
      rating: { enabled: true, scale: "emoji" },
      custom: [
        { type: "select", id: "plan", label: "Your plan", options: ["Free", "Pro"], required: true },
        { type: "checkbox", id: "contact", label: "You may contact me" },
      ],
    },
  });
  const url = hostPage("/fields", `window.errors = []; window.Loupe = [["on", "error", (p) => errors.push(p.code)]];`);
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Custom fields");
  // Required fields left empty: the server names them, the page hears the error.
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Please check the marked fields.").waitFor();
  expect(await dialog.getByLabel("Category").getAttribute("aria-invalid")).toBe("true");
  expect(await dialog.getByLabel("Your plan").getAttribute("aria-invalid")).toBe("true");
  expect(await page.evaluate(() => (window as unknown as { errors: string[] }).errors)).toEqual(["VALIDATION_FAILED"]);
  await dialog.getByLabel("Category").selectOption({ label: "Checkout bug" });
  await dialog.getByLabel("Your plan").selectOption("Pro");
  await dialog.getByLabel("You may contact me").check();
  await dialog.getByLabel("5 of 5").check();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  const item = (await world.items()).find((i: { comment: string }) => i.comment === "Custom fields");
  expect(item).toMatchObject({
    labelIds: [label.id],
    rating: { scale: "emoji", value: 5 },
    metadata: {
      answers: { plan: { label: "Your plan", value: "Pro" }, contact: { label: "You may contact me", value: true } },
    },
  });
  await context.close();
});

test("a page listener that throws does not stop the widget: the feedback is still sent", async () => {
  await world.updateSettings({ fields: {} });
  const url = hostPage(
    "/throwing",
    `window.Loupe = [["on", "open", () => { throw new Error("page bug"); }], ["on", "beforeSubmit", () => { throw new Error("page bug"); }]];`,
  );
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole("button", { name: "Feedback" }).click();
  const dialog = page.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill("Despite a throwing listener");
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect((await world.items()).some((i: { comment: string }) => i.comment === "Despite a throwing listener")).toBe(
    true,
  );
  await context.close();
});
