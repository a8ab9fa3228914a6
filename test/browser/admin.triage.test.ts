// Triage end to end (issue 9, "Tests"): a visitor sends feedback through the real widget on a host
// site of another origin; it appears live in a member's open inbox; the member filters, searches,
// assigns, labels (a label made on the fly), comments, replies to the reporter (mailed) and marks it
// done; then closes three other items at once. A reporter signs in and sees only their own item and
// its conversation, never the internal comments. Team, project, people and labels are named with a
// stored-XSS corpus and the visitor writes one: everything renders as text (a canary global and a
// dialog listener prove no script ran), zero CSP violations, no request off the Loupe origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Mail } from "../../src/lib/mailer.ts";
import { signedInUser } from "../support/accounts.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";
import { saveScreenshot } from "./widget-world.ts";

const XSS = `<img src=x onerror=__pwned=1><script>__pwned=2</script>"'><svg onload=__pwned=3>`;

let w: AdminWorld;
const mails: Mail[] = [];
let host: ReturnType<typeof Bun.serve>;
let hostOrigin: string;
type Person = Awaited<ReturnType<typeof signedInUser>>;
let owner: Person;
let member: Person;
let reporter: Person;
let T: string;
let project: { id: string; widgetKey: string };
const seeded: Record<string, string> = {};

beforeAll(async () => {
  w = await startAdminWorld({}, { mailer: { send: async (mail) => void mails.push(mail) } });
  const pages = new Map<string, string>();
  host = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch(request) {
      const html = pages.get(new URL(request.url).pathname);
      if (!html) return new Response("not found", { status: 404 });
      return new Response(html, {
        headers: {
          "Content-Type": "text/html; charset=utf-8",
          // The host page policy of issue 8: no 'unsafe-inline', no 'unsafe-eval'.
          "Content-Security-Policy": `default-src 'self'; script-src 'self' ${w.origin}; connect-src 'self' ${w.origin}; img-src 'self' data: blob:; style-src 'self'`,
        },
      });
    },
  });
  hostOrigin = `http://localhost:${host.port}`;

  owner = await signedInUser(w.t, { email: "olivia@triage.example" });
  await ok(owner.browser.patch("/api/v1/me", { displayName: `Olivia ${XSS}` }));
  const team = await ok(owner.browser.post("/api/v1/teams", { name: `Acme ${XSS}` }), 201);
  T = `/api/v1/teams/${team.id}`;
  project = await ok(
    owner.browser.post(`${T}/projects`, {
      name: `Shop ${XSS}`,
      settings: { allowedOrigins: [hostOrigin], fields: { email: { enabled: true } } },
    }),
    201,
  );
  await ok(owner.browser.post(`${T}/labels`, { name: `ux ${XSS}`.slice(0, 50), color: "#8250df" }), 201);
  const join = async (email: string, name: string, role: "member" | "reporter") => {
    const p = await signedInUser(w.t, { email });
    await ok(p.browser.patch("/api/v1/me", { displayName: name }));
    const invite = await ok(owner.browser.post(`${T}/invitations`, { email, role }), 201);
    const link = /https?:\S+#token=\S+/.exec(mails.findLast((m) => m.to === email)?.text ?? "")?.[0] ?? invite.url;
    await ok(p.browser.post("/api/v1/invitations/accept", { token: new URL(link).hash.slice("#token=".length) }));
    return p;
  };
  member = await join("max@triage.example", `Max ${XSS}`, "member");
  reporter = await join("rita@triage.example", "Rita Reporter", "reporter");

  // What the team already has: three items to close at once, and the reporter's own item with a reply
  // and an internal comment.
  for (const title of ["Old: the basket forgets items", "Old: invoice download fails", "Old: coupon rejected"])
    seeded[title] = (
      await ok(owner.browser.post(`${T}/feedback`, { projectId: project.id, title, comment: title }), 201)
    ).id;
  const rita = await ok(
    reporter.browser.post(`${T}/feedback`, {
      projectId: project.id,
      title: "Rita: export to CSV fails",
      comment: "Every export answers an error.",
    }),
    201,
  );
  seeded.rita = rita.id;
  await ok(owner.browser.post(`${T}/feedback/${rita.id}/messages`, { body: "We are on it, Rita." }), 201);
  await ok(
    owner.browser.post(`${T}/feedback/${rita.id}/comments`, { body: "Internal: the CSV writer leaks memory." }),
    201,
  );

  pages.set(
    "/checkout",
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop checkout</title></head><body>
<h1>Checkout</h1><p>Review your order and pay.</p>
<script async src="${w.origin}/widget.js" data-project="${project.widgetKey}"></script>
</body></html>`,
  );
});
afterAll(async () => {
  await w?.close();
  host?.stop(true);
});

const pwned = (page: Page) => page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null);
const rows = (page: Page) => page.getByRole("list", { name: "Inbox" }).getByRole("listitem");

test("widget → live inbox → filter, search, assign, label, comment, reply, done → bulk-close three; the reporter sees only theirs", async () => {
  // The member's inbox is open, its event stream answered.
  const admin = await w.open({ as: member.browser });
  const page = admin.page;
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/events");
  await page.goto(`${w.origin}/`);
  await rows(page).filter({ hasText: "Old: coupon rejected" }).waitFor();
  expect((await stream).status()).toBe(200);
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });

  // A visitor on the host site sends feedback through the widget, with a screenshot.
  const visitor = await w.chromium.newContext({ viewport: { width: 1280, height: 800 } });
  const site = await visitor.newPage();
  const siteViolations: string[] = [];
  site.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) siteViolations.push(message.text());
  });
  await site.goto(`${hostOrigin}/checkout`);
  await site.getByRole("button", { name: "Feedback" }).click();
  const dialog = site.getByRole("dialog", { name: "Send feedback" });
  await dialog.getByLabel("Your feedback").fill(`The pay button wobbles and does nothing.\n${XSS}`);
  await dialog.getByLabel("Your email (for a reply)").fill("ana@visitor.example");
  await dialog.getByRole("button", { name: "Add a screenshot" }).click();
  await dialog.getByRole("button", { name: "Annotate" }).waitFor();
  await dialog.getByRole("button", { name: "Send", exact: true }).click();
  await dialog.getByText("Thank you! Your feedback has been sent.").waitFor();
  expect(siteViolations).toEqual([]);
  expect(await visitor.cookies()).toEqual([]);
  await visitor.close();

  // It arrives in the open inbox without a reload, on top, announced.
  const arrived = rows(page).filter({ hasText: "The pay button wobbles and does nothing." });
  await arrived.waitFor({ timeout: 5000 });
  await page.getByRole("status").filter({ hasText: "New feedback arrived." }).waitFor({ timeout: 5000 });
  expect(await rows(page).first().textContent()).toContain("The pay button wobbles");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await saveScreenshot(page, "ui/triage-arrived");

  // Filter: the project and "New"; then a search for a word of its comment.
  await page.getByLabel("Project", { exact: true }).selectOption(project.id);
  await page.getByLabel("Status", { exact: true }).selectOption("new");
  await arrived.waitFor();
  await page.getByLabel("Search feedback").fill("wobbles");
  await page.getByLabel("Search feedback").press("Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("q") === "wobbles");
  await rows(page).filter({ hasText: "Old:" }).first().waitFor({ state: "detached" });
  expect(await rows(page).count()).toBe(1);

  // Open it: assign to me, a label made on the fly, an internal comment, a reply, done.
  await arrived.getByText("The pay button wobbles and does nothing.").click();
  const item = page.getByRole("article");
  await item.getByRole("button", { name: "Assign to me" }).click();
  await item.getByText("assigned it to Max", { exact: false }).waitFor();
  await item.getByLabel("Add a label").fill("checkout");
  await item.getByRole("button", { name: "Create “checkout”" }).click();
  await item.getByRole("button", { name: "Remove the label checkout" }).waitFor();
  await item.getByLabel("Write an internal comment").fill("Reproduced: the handler is never bound.");
  await item.getByRole("button", { name: "Comment" }).click();
  await item.getByRole("region", { name: "Internal comments" }).getByText("Reproduced: the handler").waitFor();
  await item.getByLabel("Write a reply to the reporter").fill("Thanks, Ana! Fixed in tomorrow's release.");
  await item.getByRole("button", { name: "Send reply" }).click();
  await item
    .getByRole("region", { name: "Conversation with the reporter" })
    .getByText("Thanks, Ana! Fixed in tomorrow's release.")
    .waitFor();
  // e marks the open item done (the focus is not in a field).
  await page.locator("body").click({ position: { x: 5, y: 790 } });
  await page.keyboard.press("e");
  await page.getByText("Marked done").waitFor();
  await saveScreenshot(page, "ui/triage-done");

  const [visitorItem] = (await ok(member.browser.get(`${T}/feedback/search?q=wobbles`))).items;
  const stored = await ok(member.browser.get(`${T}/feedback/${visitorItem.id}`));
  expect(stored).toMatchObject({ status: "done", assigneeId: member.user.id, hasScreenshot: true });
  const labels = (await ok(member.browser.get(`${T}/labels`))).labels as { id: string; name: string }[];
  expect(stored.labelIds).toEqual([labels.find((l) => l.name === "checkout")!.id]);
  const comments = (await ok(member.browser.get(`${T}/feedback/${visitorItem.id}/comments`))).comments;
  expect(comments.map((c: { body: string }) => c.body)).toEqual(["Reproduced: the handler is never bound."]);
  const reply = mails.find((m) => m.to === "ana@visitor.example");
  expect(reply?.text).toContain("Thanks, Ana! Fixed in tomorrow's release.");
  // Nothing of the visitor's markup became markup.
  expect(
    await page.evaluate(() => document.querySelector("article img[src='x'], article script, article svg[onload]")),
  ).toBeNull();

  // Bulk: clear the view, tick the three old items, close them at once.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await rows(page).filter({ hasText: "Old: coupon rejected" }).waitFor();
  for (const title of Object.keys(seeded).filter((k) => k.startsWith("Old:")))
    await page.getByRole("checkbox", { name: `Select “${title}”` }).click();
  const bar = page.getByRole("toolbar", { name: "Selected items" });
  await bar.getByText("3 selected").waitFor();
  await bar.getByLabel("Set status…").selectOption("closed");
  await page.getByText("3 set to Closed").waitFor();
  for (const title of Object.keys(seeded).filter((k) => k.startsWith("Old:")))
    expect((await ok(member.browser.get(`${T}/feedback/${seeded[title]}`))).status).toBe("closed");
  expect((await ok(member.browser.get(`${T}/feedback/${seeded.rita}`))).status).toBe("new");
  await saveScreenshot(page, "ui/triage-bulk-closed");
  expect(await pwned(page)).toBeNull();
  expect(await admin.problems()).toEqual([]);
  await admin.context.close();

  // The reporter signs in: their own item only, the conversation, no internal comment.
  const rita = await w.open();
  await rita.page.goto(`${w.origin}/sign-in`);
  await rita.page.getByLabel("Email").fill(reporter.email);
  await rita.page.getByLabel("Password").fill(reporter.password);
  await rita.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await rows(rita.page).filter({ hasText: "Rita: export to CSV fails" }).waitFor();
  expect(await rows(rita.page).count()).toBe(1);
  await rows(rita.page).getByText("Rita: export to CSV fails").click();
  const view = rita.page.getByRole("article");
  await view.getByRole("region", { name: "Conversation with the team" }).getByText("We are on it, Rita.").waitFor();
  expect(await view.getByText("Internal: the CSV writer leaks memory.").count()).toBe(0);
  expect(await view.getByRole("region", { name: "Internal comments" }).count()).toBe(0);
  expect(await rita.page.getByText("wobbles").count()).toBe(0);
  await saveScreenshot(rita.page, "ui/triage-reporter");
  expect(await pwned(rita.page)).toBeNull();
  expect(await rita.problems()).toEqual([]);
  await rita.context.close();
}, 120_000);
