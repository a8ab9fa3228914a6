// The admin UI's inbox (issue 9, started): a member signs in and sees the team's feedback, opens an
// item with its screenshot and the annotations as a toggleable overlay, and changes its status (with
// the item's ETag). Feedback text, custom data and page URLs full of markup render as text: no script
// runs, no dialog opens, a javascript: URL is never a link.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Browser } from "playwright-core";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm, png } from "../support/images.ts";
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

const XSS = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2</script>"'><svg onload=alert(3)>`;

test("sign in → the team's inbox → an item with its screenshot and overlay → status done; markup stays text", async () => {
  const owner = await signedInUser(t, { email: "owner@example.eu" });
  const teamResponse = await owner.browser.post("/api/v1/teams", {
    name: `Acme <img src=x onerror="window.__pwned=3">`,
  });
  const team = await teamResponse.json();
  if (teamResponse.status !== 201) throw new Error(JSON.stringify(team));
  const project = await (await owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Shop" })).json();
  const created = await owner.browser.post(
    `/api/v1/teams/${team.id}/feedback`,
    feedbackForm(
      {
        projectId: project.id,
        title: `Checkout ${XSS}`,
        comment: `The pay button does nothing.\n${XSS}`,
        pageUrl: "https://shop.example.eu/checkout",
        customData: { plan: XSS },
        annotations: [{ type: "rect", from: { x: 10, y: 10 }, to: { x: 200, y: 120 }, color: "#e5484d" }],
      },
      { bytes: png(320, 200) },
    ),
  );
  expect(created.status).toBe(201);
  const { id } = await created.json();
  await owner.browser.post(`/api/v1/teams/${team.id}/feedback`, {
    projectId: project.id,
    comment: "A second item",
    pageUrl: "https://shop.example.eu/cart",
  });

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  const dialogs: string[] = [];
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  await page.goto(`${origin}/`);
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  await page.getByLabel("Email").fill("owner@example.eu");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();

  const list = page.getByRole("list", { name: "Inbox" });
  await list.getByRole("listitem").first().waitFor();
  expect(await list.getByRole("listitem").count()).toBe(2);
  await list.getByText(`Checkout ${XSS}`).click();
  const item = page.getByRole("article");
  await item.getByRole("heading", { name: `Checkout ${XSS}` }).waitFor();
  await item.getByRole("img", { name: "Screenshot" }).waitFor();
  // Decoded (not merely in the page) before its size is read.
  const loaded = await item
    .getByRole("img", { name: "Screenshot" })
    .evaluate((img) => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth));
  expect(loaded).toBe(320);
  // The overlay draws the rectangle; unticked, it is gone.
  const redPixels = () =>
    item.locator(".shot-frame canvas").evaluate((c) => {
      const { data } = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 320, 200);
      let red = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 3]! > 0) red++;
      return red;
    });
  expect(await redPixels()).toBeGreaterThan(100);
  await saveScreenshot(page, "ui/inbox-item-1280");
  await item.getByLabel("Show annotations").uncheck();
  expect(await redPixels()).toBe(0);
  await item.getByRole("link", { name: "https://shop.example.eu/checkout" }).waitFor();
  expect(await item.getByRole("link", { name: "https://shop.example.eu/checkout" }).getAttribute("rel")).toBe(
    "noopener noreferrer",
  );

  await item.getByLabel("Status").selectOption("done");
  await list.getByRole("listitem").filter({ hasText: "Done" }).first().waitFor();
  const stored = await (await owner.browser.get(`/api/v1/teams/${team.id}/feedback/${id}`)).json();
  expect(stored.status).toBe("done");

  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(dialogs).toEqual([]);
  expect(await violations()).toEqual([]);
  await context.close();
});

test("filters and search narrow the list and live in the URL; j/k, Enter, e and ? work from the keyboard", async () => {
  const owner = await signedInUser(t, { email: "triage@example.eu" });
  const team = await (await owner.browser.post("/api/v1/teams", { name: "Triage" })).json();
  const shop = await (await owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Shop" })).json();
  const blog = await (await owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Blog" })).json();
  const submit = async (projectId: string, comment: string) =>
    (await (await owner.browser.post(`/api/v1/teams/${team.id}/feedback`, { projectId, comment })).json()).id as string;
  await submit(shop.id, "Shop: the basket forgets items");
  await submit(shop.id, "Shop: invoice download fails");
  await submit(blog.id, "Blog: comments are unreadable in dark mode");
  const done = await submit(blog.id, "Blog: typo in the footer");
  const old = await (await owner.browser.get(`/api/v1/teams/${team.id}/feedback/${done}`)).json();
  await owner.browser.patch(
    `/api/v1/teams/${team.id}/feedback/${done}`,
    { status: "done" },
    { "If-Match": `"v${old.version}"` },
  );

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  // A shared view opened without a session: sign-in, then back to the same view with its filter.
  await page.goto(`${origin}/?status=new&projectId=${blog.id}`);
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  await page.getByLabel("Email").fill("triage@example.eu");
  await page.getByLabel("Password").fill(owner.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const list = page.getByRole("list", { name: "Inbox" });
  await list.getByText("Blog: comments are unreadable in dark mode").waitFor();
  expect(await list.getByRole("listitem").count()).toBe(1);
  expect(await page.getByLabel("Status").inputValue()).toBe("new");
  expect(await page.getByLabel("Project").inputValue()).toBe(blog.id);

  // Clearing the project filter shows every new item; the URL follows.
  await page.getByLabel("Project").selectOption("");
  await list.getByText("Shop: invoice download fails").waitFor();
  expect(await list.getByRole("listitem").count()).toBe(3);
  expect(new URL(page.url()).search).toBe("?status=new");

  // "/" focuses the search; the query goes to the search route and into the URL.
  await page.keyboard.press("/");
  await page.keyboard.type("invoice");
  await page.keyboard.press("Enter");
  await page.waitForURL(/q=invoice/);
  await page.waitForFunction(() => document.querySelectorAll(".list li").length === 1);
  await list.getByText("Shop: invoice download fails").waitFor();
  await page.getByLabel("Search feedback").fill("nothing-like-this");
  await page.keyboard.press("Enter");
  await page.getByText("Nothing matches this view.").waitFor();
  await page.getByLabel("Search feedback").fill("");
  await page.keyboard.press("Enter");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelectorAll(".list li").length === 3);

  // j moves down, Enter opens, e marks the open item done (with its version), ? lists the keys.
  await page.keyboard.press("j");
  await page.keyboard.press("j");
  await page.waitForFunction(() => document.activeElement === document.querySelectorAll(".list .row")[1]);
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text's first line is the row's title (textContent has no line breaks)
  const second = (await list.getByRole("listitem").nth(1).innerText()).split("\n")[0]!;
  await page.keyboard.press("Enter");
  await page.getByRole("article").getByRole("heading", { name: second }).waitFor();
  await page.keyboard.press("e");
  await page.getByRole("article").getByLabel("Status").and(page.locator("select")).waitFor();
  await page.waitForFunction(
    () => (document.querySelector("article select") as HTMLSelectElement | null)?.value === "done",
  );
  const listed = await (await owner.browser.get(`/api/v1/teams/${team.id}/feedback?status=done`)).json();
  expect(listed.items.map((i: { comment: string }) => i.comment).sort()).toEqual(
    ["Blog: typo in the footer", second].sort(),
  );
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await help.waitFor();
  await saveScreenshot(page, "ui/inbox-shortcuts-1280");
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "hidden" });
  await saveScreenshot(page, "ui/inbox-filtered-1280");
  expect(await violations()).toEqual([]);
  await context.close();
});
