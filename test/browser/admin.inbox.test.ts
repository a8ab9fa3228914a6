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
