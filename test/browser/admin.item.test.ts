// The admin UI's item view (issue 9, "Item"): a member triages a widget item end to end — the
// screenshot zoomed to fit, 100 % and 200 % with the annotation overlay aligned at each, console
// entries and custom data as text, assignee, a label created on the fly, an internal comment, a reply
// mailed to the reporter, the history from the audit trail, trash and restore. A reply to an
// anonymous visitor without email is plainly impossible; a stale save says who changed what and lets
// the user apply theirs on top or keep the other; a reporter sees their item and the conversation,
// never internal comments, history or triage. Every state: axe, no CSP violation, nothing off-origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import type { Mail } from "../../src/lib/mailer.ts";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm } from "../support/images.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";

const SITE = "https://shop.acme.example";
const CHROME_ON_MAC =
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

let w: AdminWorld;
const mails: Mail[] = [];
type Person = Awaited<ReturnType<typeof signedInUser>>;
let owner: Person;
let member: Person;
let reporter: Person;
let team: { id: string };
let project: { id: string; widgetKey: string };
let bug: { id: string };
let T: string;

async function person(email: string, displayName: string): Promise<Person> {
  const p = await signedInUser(w.t, { email });
  await ok(p.browser.patch("/api/v1/me", { displayName }));
  return p;
}

beforeAll(async () => {
  w = await startAdminWorld({}, { mailer: { send: async (mail) => void mails.push(mail) } });
  owner = await person("olivia@acme.example", "Olivia Owner");
  team = await ok(owner.browser.post("/api/v1/teams", { name: "Acme" }), 201);
  T = `/api/v1/teams/${team.id}`;
  project = await ok(owner.browser.post(`${T}/projects`, { name: "Shop", settings: { allowedOrigins: [SITE] } }), 201);
  bug = await ok(owner.browser.post(`${T}/labels`, { name: "bug", color: "#cc3333" }), 201);
  // With SMTP, an invitation's link goes only to the invitee: read it from the mail.
  const join = async (p: Person, role: "member" | "reporter") => {
    await ok(owner.browser.post(`${T}/invitations`, { email: p.email, role }), 201);
    const link = /https?:\S+#token=\S+/.exec(mails.findLast((m) => m.to === p.email)!.text)![0];
    await ok(p.browser.post("/api/v1/invitations/accept", { token: new URL(link).hash.replace("#token=", "") }));
  };
  member = await person("max@acme.example", "Max Member");
  await join(member, "member");
  reporter = await person("rita@acme.example", "Rita Reporter");
  await join(reporter, "reporter");
});
afterAll(async () => {
  await w?.close();
});

/** A visitor's feedback through the project's widget (as the widget sends it), with a screenshot. */
async function fromWidget(payload: Record<string, unknown>, screenshot?: Uint8Array): Promise<string> {
  const res = await w.t.app.request(
    `${w.origin}/api/v1/widget/${project.widgetKey}/feedback`,
    {
      method: "POST",
      headers: { Origin: SITE, "User-Agent": CHROME_ON_MAC },
      body: feedbackForm(
        { idempotencyId: crypto.randomUUID().replaceAll("-", ""), ...payload },
        screenshot ? { bytes: screenshot } : undefined,
      ),
    },
    { clientIp: "203.0.113.9" },
  );
  const body = await res.json();
  if (res.status !== 201) throw new Error(JSON.stringify(body));
  return body.id;
}

/** A 1200×700 PNG of a made-up checkout page, drawn by Chromium: a blue Pay button at (100,100)–(500,300). */
async function pageImage(): Promise<Uint8Array> {
  const page = await w.chromium.newPage();
  const url = await page.evaluate(() => {
    const c = document.createElement("canvas");
    c.width = 1200;
    c.height = 700;
    const g = c.getContext("2d")!;
    g.fillStyle = "#f4f5f7";
    g.fillRect(0, 0, 1200, 700);
    g.fillStyle = "#1f2937";
    g.fillRect(0, 0, 1200, 56);
    g.fillStyle = "#ffffff";
    g.font = "24px sans-serif";
    g.fillText("Acme Shop — Checkout", 24, 36);
    g.fillStyle = "#2563eb";
    g.fillRect(100, 100, 400, 200);
    g.fillStyle = "#ffffff";
    g.font = "bold 48px sans-serif";
    g.fillText("Pay", 255, 215);
    g.fillStyle = "#9ca3af";
    for (let y = 360; y < 660; y += 40) g.fillRect(100, y, 700 - (y % 120), 16);
    return c.toDataURL("image/png");
  });
  await page.close();
  return new Uint8Array(Buffer.from(url.split(",")[1]!, "base64"));
}

async function openItem(page: Page, title: string) {
  await page.goto(`${w.origin}/`);
  await page.getByRole("list", { name: "Inbox" }).getByText(title).click();
  const item = page.getByRole("article");
  await item.getByRole("heading", { name: title }).waitFor();
  return item;
}

/** What a visitor sends through the widget, with device details, console entries, custom data and a screenshot. */
const visitorItem = async (title: string) =>
  fromWidget(
    {
      title,
      comment: "I click Pay and nothing happens.\n<b>not bold</b>",
      reporterEmail: "visitor@example.eu",
      pageUrl: `${SITE}/checkout?step=pay`,
      metadata: {
        viewport: { width: 1440, height: 900 },
        screen: { width: 2880, height: 1800 },
        devicePixelRatio: 2,
        language: "en-GB",
        timeZone: "Europe/Vienna",
        console: [
          { level: "error", at: "2026-11-30T09:15:02.000Z", message: "TypeError: pay is not a function" },
          { level: "warn", at: "2026-11-30T09:15:03.000Z", message: "<img src=x onerror=alert(1)> deprecated API" },
        ],
      },
      customData: { plan: "pro", cart: { items: 3 } },
      annotations: [{ type: "rect", from: { x: 100, y: 100 }, to: { x: 500, y: 300 }, color: "#e5484d" }],
    },
    await pageImage(),
  );

test("what a visitor sent, as text; the screenshot at fit, 100 % and 200 % with the overlay aligned", async () => {
  await visitorItem("The checkout is slow");
  const { page, context, problems } = await w.open({ as: member.browser });
  const item = await openItem(page, "The checkout is slow");

  // What the visitor sent, as text: device facts, the console in its list, custom data in a table.
  await item.getByText("Chrome 131 · macOS").waitFor();
  await item.getByText("1440 × 900").waitFor();
  await item.getByText("Europe/Vienna", { exact: false }).waitFor();
  // The project keeps no query strings (its default): the server dropped `?step=pay`.
  expect(await item.getByRole("link", { name: `${SITE}/checkout` }).getAttribute("rel")).toBe("noopener noreferrer");
  const consoleList = item.getByRole("list", { name: "Console (2)" });
  expect(await consoleList.getByRole("listitem").count()).toBe(2);
  await consoleList.getByText("TypeError: pay is not a function").waitFor();
  await consoleList.getByText("<img src=x onerror=alert(1)> deprecated API").waitFor();
  expect(await consoleList.getByRole("listitem").first().locator(".level").textContent()).toBe("error");
  const data = item.getByRole("table");
  await data.getByRole("rowheader", { name: "plan" }).waitFor();
  await data.getByRole("cell", { name: '{"items":3}' }).waitFor();
  await item.getByText("Replies are emailed to visitor@example.eu.").waitFor();

  // Zoom: fit (never larger than the image), 100 %, 200 %; the overlay covers the image exactly.
  const img = item.getByRole("img", { name: "Screenshot" });
  await img.evaluate((e) => (e as HTMLImageElement).decode());
  const canvas = item.locator(".shot-frame canvas");
  const aligned = async () => {
    const [a, b] = [(await img.boundingBox())!, (await canvas.boundingBox())!];
    for (const k of ["x", "y", "width", "height"] as const) expect(Math.abs(a[k] - b[k])).toBeLessThan(0.5);
    return a;
  };
  const fit = await aligned();
  expect(fit.width).toBeLessThan(1200);
  expect(fit.height / fit.width).toBeCloseTo(700 / 1200, 2);
  for (const [name, width] of [
    ["100 %", 1200],
    ["200 %", 2400],
  ] as const) {
    // Keyboard-operable: focus and Enter.
    await item.getByRole("button", { name }).focus();
    await page.keyboard.press("Enter");
    await item.locator(`.segmented button[aria-pressed="true"]`).filter({ hasText: name }).waitFor();
    await page.waitForFunction((wanted) => {
      const e = document.querySelector(".shot-frame img") as HTMLImageElement | null;
      return e !== null && Math.round(e.getBoundingClientRect().width) === wanted;
    }, width);
    const box = await aligned();
    expect(Math.round(box.width)).toBe(width);
    expect(Math.round(box.height)).toBe((700 * width) / 1200);
  }
  const redPixels = () =>
    canvas.evaluate((c) => {
      const { data } = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 1200, 700);
      let red = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! > 200 && data[i + 3]! > 0) red++;
      return red;
    });
  expect(await redPixels()).toBeGreaterThan(500);
  expect(await w.inspect(page, "item-zoom-200")).toEqual([]);
  await item.getByRole("button", { name: "Fit" }).click();
  await page.waitForFunction(
    () => (document.querySelector(".shot-frame img") as HTMLImageElement).getBoundingClientRect().width < 1200,
  );
  await aligned();
  expect(await w.inspect(page, "item-opened")).toEqual([]);
  await consoleList.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "item-details")).toEqual([]);
  // The comment's markup stayed text.
  await item.getByText("<b>not bold</b>", { exact: false }).waitFor();
  expect(await page.evaluate(() => document.querySelector("article b"))).toBeNull();
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a member triages a widget item: start, assign, a label made on the fly, comment, reply by mail, history, trash and restore", async () => {
  const id = await visitorItem("The pay button does nothing");
  const { page, context, problems } = await w.open({ as: member.browser });
  const item = await openItem(page, "The pay button does nothing");
  // Triage: start it, assign it, a new label made on the fly, an existing one, a comment, a reply.
  await item.getByRole("button", { name: "Start" }).click();
  await page.waitForFunction(
    () => (document.querySelector(".triage select") as HTMLSelectElement).value === "in_progress",
  );
  await item.getByLabel("Assignee").selectOption({ label: "Olivia Owner" });
  await item.getByText("Max Member assigned it to Olivia Owner").waitFor();
  await item.getByRole("button", { name: "Assign to me" }).click();
  await item.getByText("Max Member assigned it to Max Member").waitFor();
  await item.getByLabel("Add a label").fill("checkout");
  await item.getByRole("button", { name: "Create “checkout”" }).click();
  await item.getByRole("button", { name: "Remove the label checkout" }).waitFor();
  // A name the API refuses: its reason beside the control, the field marked.
  await item.getByLabel("Add a label").fill("wip\u0007");
  await item.getByRole("button", { name: "Create “wip\u0007”" }).click();
  await item.locator("#item-labels-error").getByText("control characters are not allowed", { exact: false }).waitFor();
  expect(await item.getByLabel("Add a label").getAttribute("aria-invalid")).toBe("true");
  await item.getByLabel("Add a label").fill("BUG");
  await item.getByRole("button", { name: "Add", exact: true }).click();
  await item.getByRole("button", { name: "Remove the label bug" }).waitFor();
  await item.getByLabel("Write an internal comment").fill("Reproduced on Safari too.");
  await item.getByRole("button", { name: "Comment" }).click();
  await item.getByRole("region", { name: "Internal comments" }).getByText("Reproduced on Safari too.").waitFor();
  await item.getByLabel("Write a reply to the reporter").fill("Thanks! Fixed in tomorrow's release.");
  await item.getByRole("button", { name: "Send reply" }).click();
  await item
    .getByRole("region", { name: "Conversation with the reporter" })
    .getByText("Thanks! Fixed in tomorrow's release.")
    .waitFor();
  const history = item.getByRole("list", { name: "History" });
  for (const line of [
    "A visitor sent this feedback",
    "Max Member changed the status from New to In progress",
    "Max Member added the label checkout",
    "Max Member added the label bug",
    "Max Member added an internal comment",
    "Max Member wrote to the reporter",
  ])
    await history.getByText(line).waitFor();
  await item.getByRole("region", { name: "Internal comments" }).scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "item-triaged")).toEqual([]);
  await history.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "item-history")).toEqual([]);

  const stored = await ok(member.browser.get(`${T}/feedback/${id}`));
  const { labels } = await ok(member.browser.get(`${T}/labels`));
  const checkout = labels.find((l: { name: string }) => l.name === "checkout");
  expect(checkout).toBeDefined();
  expect(stored).toMatchObject({ status: "in_progress", assigneeId: member.user.id });
  expect([...stored.labelIds].sort()).toEqual([bug.id, checkout.id].sort());
  const reply = mails.find((m) => m.to === "visitor@example.eu");
  expect(reply?.text).toContain("Thanks! Fixed in tomorrow's release.");
  expect(reply?.text).toContain("The pay button does nothing");

  // Trash, with a confirmation; then restore.
  await item.getByRole("button", { name: "Move to trash" }).click();
  const confirm = page.getByRole("dialog", { name: "Move to trash" });
  await confirm.getByText("It can be restored for 30 days").waitFor();
  await confirm.getByRole("button", { name: "Move to trash" }).click();
  await item.getByText("In the trash since", { exact: false }).waitFor();
  await history.getByText("Max Member moved it to the trash").waitFor();
  expect((await ok(member.browser.get(`${T}/feedback/${id}`))).deletedAt).not.toBeNull();
  expect(await item.getByLabel("Assignee").isDisabled()).toBe(true);
  expect(await w.inspect(page, "item-trash")).toEqual([]);
  await item.getByRole("button", { name: "Restore" }).click();
  await history.getByText("Max Member restored it from the trash").waitFor();
  await item.getByText("In the trash since", { exact: false }).waitFor({ state: "hidden" });
  expect((await ok(member.browser.get(`${T}/feedback/${id}`))).deletedAt).toBeNull();

  expect(await page.evaluate(() => document.querySelector("article b"))).toBeNull();
  expect(await problems()).toEqual([]);
  await context.close();
});

test("an anonymous visitor who left no email: the UI says plainly a reply cannot reach them", async () => {
  await fromWidget({ comment: "Nobody can answer me", metadata: { viewport: { width: 390, height: 844 } } });
  const { page, context, problems } = await w.open({ as: member.browser });
  const item = await openItem(page, "Nobody can answer me");
  await item.getByText("Anonymous visitor who left no email address: a reply cannot reach them.").waitFor();
  expect(await item.getByLabel("Write a reply to the reporter").isDisabled()).toBe(true);
  expect(await item.getByRole("button", { name: "Send reply" }).isDisabled()).toBe(true);
  // Internal comments still work.
  expect(await item.getByLabel("Write an internal comment").isDisabled()).toBe(false);
  expect(await w.inspect(page, "item-anonymous")).toEqual([]);
  // Another item in the same view: its own conversation, reachable by email, nothing left over.
  await page.getByRole("list", { name: "Inbox" }).getByText("The pay button does nothing").click();
  await item.getByText("Replies are emailed to visitor@example.eu.").waitFor();
  await item.getByText("Thanks! Fixed in tomorrow's release.").waitFor();
  expect(await item.getByLabel("Write a reply to the reporter").isDisabled()).toBe(false);
  expect(await item.getByText("a reply cannot reach them", { exact: false }).count()).toBe(0);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a stale save says who changed what; the user applies theirs on top, or keeps the other", async () => {
  const created = await ok(
    member.browser.post(`${T}/feedback`, { projectId: project.id, comment: "Search ignores accents" }),
    201,
  );
  const mine = await w.open({ as: member.browser });
  const theirs = await w.open({ as: owner.browser });
  const item = await openItem(mine.page, "Search ignores accents");
  const other = await openItem(theirs.page, "Search ignores accents");

  // Olivia marks it done in her tab; Max, still looking at the old version, assigns himself.
  await other.getByLabel("Status").selectOption("done");
  await other.getByText("Olivia Owner changed the status from New to Done").waitFor();
  await item.getByLabel("Assignee").selectOption({ label: "Max Member" });
  const conflict = item.getByRole("alert").filter({ hasText: "changed while you were editing" });
  await conflict.getByText("Olivia Owner changed the status from New to Done while you were editing.").waitFor();
  await conflict.getByText("Your change: assignee Max Member.").waitFor();
  // Never overwritten: the item shows hers, Max's change waits.
  expect(await item.getByLabel("Status").inputValue()).toBe("done");
  expect((await ok(member.browser.get(`${T}/feedback/${created.id}`))).assigneeId).toBeNull();
  expect(await w.inspect(mine.page, "item-conflict")).toEqual([]);
  await conflict.getByRole("button", { name: "Apply my change on top" }).click();
  await conflict.waitFor({ state: "hidden" });
  expect(await ok(member.browser.get(`${T}/feedback/${created.id}`))).toMatchObject({
    status: "done",
    assigneeId: member.user.id,
  });

  // Olivia labels it (through the API); Max reopens it from his now stale view, and keeps hers.
  const current = await ok(owner.browser.get(`${T}/feedback/${created.id}`));
  await ok(
    owner.browser.patch(`${T}/feedback/${created.id}`, { labelIds: [bug.id] }, { "If-Match": `"v${current.version}"` }),
  );
  await item.getByRole("button", { name: "Reopen" }).click();
  await item.getByText("Olivia Owner added the label bug while you were editing.").waitFor();
  await item.getByText("Your change: status New.").waitFor();
  await item.getByRole("button", { name: "Remove the label bug" }).waitFor();
  await item.getByRole("button", { name: "Keep theirs" }).click();
  await item.getByText("Your change: status New.").waitFor({ state: "hidden" });
  expect(await ok(member.browser.get(`${T}/feedback/${created.id}`))).toMatchObject({
    status: "done",
    labelIds: [bug.id],
  });

  expect(await mine.problems()).toEqual([]);
  expect(await theirs.problems()).toEqual([]);
  await mine.context.close();
  await theirs.context.close();
});

test("a reporter signs in and sees only their item and the conversation — never internal comments, history or triage", async () => {
  const theirs = await ok(
    reporter.browser.post(`${T}/feedback`, { projectId: project.id, title: "Export to CSV fails", comment: "500" }),
    201,
  );
  await ok(member.browser.post(`${T}/feedback/${theirs.id}/comments`, { body: "INTERNAL: Rita again" }), 201);
  await ok(member.browser.post(`${T}/feedback/${theirs.id}/messages`, { body: "We are on it, Rita." }), 201);
  await ok(member.browser.post(`${T}/feedback`, { projectId: project.id, comment: "Not Rita's business" }), 201);

  const { page, context, problems } = await w.open();
  const requested: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(`${w.origin}/`);
  await page.getByLabel("Email").fill(reporter.email);
  await page.getByLabel("Password").fill(reporter.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  const list = page.getByRole("list", { name: "Inbox" });
  await list.getByText("Export to CSV fails").waitFor();
  expect(await list.getByRole("listitem").count()).toBe(1);
  await list.getByText("Export to CSV fails").click();
  const item = page.getByRole("article");
  const thread = item.getByRole("region", { name: "Conversation with the team" });
  await thread.getByText("We are on it, Rita.").waitFor();
  await thread.getByText("The team", { exact: true }).waitFor();
  await thread.getByLabel("Write to the team").fill("Thanks — it happens with large exports.");
  await thread.getByRole("button", { name: "Send" }).click();
  await thread.getByText("Thanks — it happens with large exports.").waitFor();
  expect(await page.getByText("INTERNAL: Rita again").count()).toBe(0);
  for (const absent of ["Internal comments", "History"])
    expect(await item.getByRole("heading", { name: absent }).count()).toBe(0);
  for (const control of ["Status", "Assignee", "Add a label"]) expect(await item.getByLabel(control).count()).toBe(0);
  expect(await item.getByRole("button", { name: "Move to trash" }).count()).toBe(0);
  // Not even asked for: the UI never requests what the API would refuse a reporter.
  expect(requested.filter((p) => /\/(comments|history|members|labels)$/.test(p))).toEqual([]);
  expect(await w.inspect(page, "item-reporter")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();

  // The team sees Rita's message, marked as the reporter's.
  const team = await w.open({ as: member.browser });
  const view = await openItem(team.page, "Export to CSV fails");
  await view
    .getByRole("region", { name: "Conversation with the reporter" })
    .getByText("Rita Reporter (reporter)")
    .waitFor();
  await view.getByText("The reporter reads replies here when signed in to Loupe.").waitFor();
  expect(await team.problems()).toEqual([]);
  await team.context.close();
});
