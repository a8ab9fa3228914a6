// The inbox as a triage tool (issue 9): a shared view's filters come from the URL; every filter and
// order narrows or reorders the list through the API (and goes back into the URL); three items are
// selected (click, shift-click) and closed at once through the bulk route; x, a and l select,
// assign and label from the keyboard; "All my teams" lists every team's items, each team's rules
// applied. Every state is inspected (axe, CSP, no request off the origin, 1280/375, light/dark).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm, png } from "../support/images.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
  // Items a few hours old (the browser's clock is the real one).
  w.t.clock.set(Date.now() - 6 * 3_600_000);
});
afterAll(async () => {
  await w?.close();
});

/** A team with two projects, a member, labels and eight items of every kind. */
async function triageTeam(name: string) {
  const owner = await signedInUser(w.t, { email: `owner.${name}@example.eu` });
  const team = await ok(owner.browser.post("/api/v1/teams", { name }), 201);
  const T = `/api/v1/teams/${team.id}`;
  const shop = await ok(owner.browser.post(`${T}/projects`, { name: "Shop" }), 201);
  const blog = await ok(owner.browser.post(`${T}/projects`, { name: "Blog" }), 201);
  const member = await signedInUser(w.t, { email: `member.${name}@example.eu` });
  const invite = await ok(owner.browser.post(`${T}/invitations`, { email: member.email, role: "member" }), 201);
  await ok(member.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) }));
  const bug = await ok(owner.browser.post(`${T}/labels`, { name: "bug", color: "#cf222e" }), 201);
  const ux = await ok(owner.browser.post(`${T}/labels`, { name: "ux", color: "#8250df" }), 201);
  const submit = async (projectId: string, comment: string, extra: Record<string, unknown> = {}, shot = false) => {
    w.t.clock.advance(2 * 60_000);
    const data = { projectId, comment, pageUrl: "https://shop.example.eu/checkout", ...extra };
    return (
      await ok(owner.browser.post(`${T}/feedback`, shot ? feedbackForm(data, { bytes: png(320, 200) }) : data), 201)
    ).id as string;
  };
  const ids = {
    basket: await submit(shop.id, "Shop: the basket forgets items", { rating: { scale: "stars", value: 2 } }),
    invoice: await submit(shop.id, "Shop: invoice download fails", { rating: { scale: "stars", value: 1 } }, true),
    search: await submit(shop.id, "Shop: search finds nothing for umlauts", { rating: { scale: "stars", value: 4 } }),
    dark: await submit(blog.id, "Blog: comments unreadable in dark mode", {}, true),
    typo: await submit(blog.id, "Blog: typo in the footer", { rating: { scale: "stars", value: 5 } }),
    rss: await submit(blog.id, "Blog: the RSS feed is empty"),
    coupon: await submit(shop.id, "Shop: coupon field rejects lowercase codes", {
      rating: { scale: "stars", value: 3 },
    }),
    login: await submit(shop.id, "Shop: login loops back to the start page"),
  };
  await ok(
    owner.browser.post(`${T}/feedback/bulk`, {
      ids: [ids.basket, ids.invoice],
      assigneeId: member.user.id,
      addLabelIds: [bug.id],
    }),
  );
  await ok(owner.browser.post(`${T}/feedback/bulk`, { ids: [ids.typo], status: "done", addLabelIds: [ux.id] }));
  await ok(
    owner.browser.post(`${T}/feedback/bulk`, { ids: [ids.dark], status: "in_progress", assigneeId: owner.user.id }),
  );
  return { owner, member, team, T, shop, blog, labels: { bug, ux }, ids };
}

const titles = (page: Page) =>
  page.locator(".list ul .row-title").evaluateAll((els) => els.map((el) => el.textContent ?? ""));
/** Waits until the list shows exactly these titles (in this order). */
async function listed(page: Page, want: string[]) {
  try {
    await page.waitForFunction(
      (expected) =>
        JSON.stringify([...document.querySelectorAll(".list ul .row-title")].map((el) => el.textContent)) ===
          JSON.stringify(expected) && !document.querySelector(".list ul[aria-busy]"),
      want,
      { timeout: 10_000 },
    );
  } catch {
    expect(await titles(page)).toEqual(want);
  }
}

test("filters come from the URL, each filter narrows, each order reorders — and the view goes back into the URL", async () => {
  const s = await triageTeam("Filters");
  const { page, context, problems } = await w.open({ as: s.owner.browser });
  // A shared view: new items of the shop, oldest first.
  await page.goto(`${w.origin}/?status=new&projectId=${s.shop.id}&sort=oldest`);
  await listed(page, [
    "Shop: the basket forgets items",
    "Shop: invoice download fails",
    "Shop: search finds nothing for umlauts",
    "Shop: coupon field rejects lowercase codes",
    "Shop: login loops back to the start page",
  ]);
  expect(await page.getByLabel("Status", { exact: true }).inputValue()).toBe("new");
  expect(await page.getByLabel("Project", { exact: true }).inputValue()).toBe(s.shop.id);
  expect(await page.getByLabel("Order", { exact: true }).inputValue()).toBe("oldest");

  // Clearing narrows nothing: all eight, newest first; the URL is empty again.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Order", { exact: true }).selectOption("newest");
  await listed(page, [
    "Shop: login loops back to the start page",
    "Shop: coupon field rejects lowercase codes",
    "Blog: the RSS feed is empty",
    "Blog: typo in the footer",
    "Blog: comments unreadable in dark mode",
    "Shop: search finds nothing for umlauts",
    "Shop: invoice download fails",
    "Shop: the basket forgets items",
  ]);
  expect(new URL(page.url()).search).toBe("");
  expect(await w.inspect(page, "inbox-list")).toEqual([]);

  // Assignee: mine, somebody else's, nobody's.
  await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Assigned to me" });
  await listed(page, ["Blog: comments unreadable in dark mode"]);
  expect(new URL(page.url()).searchParams.get("assigneeId")).toBe(s.owner.user.id);
  await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Test User" });
  await listed(page, ["Shop: invoice download fails", "Shop: the basket forgets items"]);
  await page.getByLabel("Assignee", { exact: true }).selectOption({ label: "Unassigned" });
  await listed(page, [
    "Shop: login loops back to the start page",
    "Shop: coupon field rejects lowercase codes",
    "Blog: the RSS feed is empty",
    "Blog: typo in the footer",
    "Shop: search finds nothing for umlauts",
  ]);
  await page.getByLabel("Assignee", { exact: true }).selectOption("");
  // Label, status.
  await page.getByLabel("Label", { exact: true }).selectOption({ label: "bug" });
  await listed(page, ["Shop: invoice download fails", "Shop: the basket forgets items"]);
  await page.getByLabel("Label", { exact: true }).selectOption({ label: "ux" });
  await listed(page, ["Blog: typo in the footer"]);
  await page.getByLabel("Label", { exact: true }).selectOption("");
  await page.getByLabel("Status", { exact: true }).selectOption("in_progress");
  await listed(page, ["Blog: comments unreadable in dark mode"]);
  await page.getByLabel("Status", { exact: true }).selectOption("");

  // More filters: rating range, screenshot, dates.
  await page.getByText("More filters").click();
  await page.getByLabel("Rating from").fill("4");
  await page.getByLabel("Rating from").press("Tab");
  await listed(page, ["Blog: typo in the footer", "Shop: search finds nothing for umlauts"]);
  await page.getByLabel("Rating up to").fill("4");
  await page.getByLabel("Rating up to").press("Tab");
  await listed(page, ["Shop: search finds nothing for umlauts"]);
  expect(new URL(page.url()).searchParams.get("ratingMax")).toBe("4");
  await page.getByLabel("Rating from").fill("");
  await page.getByLabel("Rating from").press("Tab");
  await page.getByLabel("Rating up to").fill("");
  await page.getByLabel("Rating up to").press("Tab");
  await page.getByLabel("Screenshot", { exact: true }).selectOption("1");
  await listed(page, ["Blog: comments unreadable in dark mode", "Shop: invoice download fails"]);
  expect(await w.inspect(page, "inbox-more-filters")).toEqual([]);
  await page.getByLabel("Screenshot", { exact: true }).selectOption("");
  const tomorrow = new Date(Date.now() + 86_400_000);
  const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, "0")}-${String(tomorrow.getDate()).padStart(2, "0")}`;
  await page.getByLabel("Sent from").fill(day);
  await page.getByText("Nothing matches this view.").waitFor();
  await page.getByLabel("Sent from").fill("");
  await page.getByText("Shop: the basket forgets items").waitFor();

  // Orders: by rating either way (unrated last), oldest first.
  await page.getByLabel("Order", { exact: true }).selectOption("rating");
  await listed(page, [
    "Shop: invoice download fails",
    "Shop: the basket forgets items",
    "Shop: coupon field rejects lowercase codes",
    "Shop: search finds nothing for umlauts",
    "Blog: typo in the footer",
    "Shop: login loops back to the start page",
    "Blog: the RSS feed is empty",
    "Blog: comments unreadable in dark mode",
  ]);
  await page.getByLabel("Order", { exact: true }).selectOption("rating_desc");
  await listed(page, [
    "Blog: typo in the footer",
    "Shop: search finds nothing for umlauts",
    "Shop: coupon field rejects lowercase codes",
    "Shop: the basket forgets items",
    "Shop: invoice download fails",
    "Shop: login loops back to the start page",
    "Blog: the RSS feed is empty",
    "Blog: comments unreadable in dark mode",
  ]);
  expect(new URL(page.url()).searchParams.get("sort")).toBe("rating_desc");

  // Search with filters, server-side: the shop's items matching "the".
  await page.getByLabel("Project", { exact: true }).selectOption(s.shop.id);
  await page.getByLabel("Search feedback").fill("the");
  await page.getByLabel("Search feedback").press("Enter");
  await listed(page, ["Shop: the basket forgets items", "Shop: login loops back to the start page"]);
  expect(new URL(page.url()).searchParams.get("q")).toBe("the");
  expect(await problems()).toEqual([]);
  await context.close();
}, 180_000);

test("select three (click, shift-click) and close them at once; x, a and l select, assign and label", async () => {
  const s = await triageTeam("Bulk");
  const { page, context, problems } = await w.open({ as: s.member.browser });
  await page.goto(`${w.origin}/`);
  const list = page.getByRole("list", { name: "Inbox" });
  await list.getByText("Shop: login loops back to the start page").waitFor();
  // The right pane says what to do while nothing is open.
  await page.getByRole("region", { name: "No item open" }).getByText("Pick an item to read it here.").waitFor();

  await page.getByRole("checkbox", { name: "Select “Shop: login loops back to the start page”" }).click();
  await page.getByRole("checkbox", { name: "Select “Blog: the RSS feed is empty”" }).click({ modifiers: ["Shift"] });
  const bar = page.getByRole("toolbar", { name: "Selected items" });
  await bar.getByText("3 selected").waitFor();
  // Every row from the first to the shift-clicked one is ticked, the clicked one included.
  for (const title of [
    "Shop: login loops back to the start page",
    "Shop: coupon field rejects lowercase codes",
    "Blog: the RSS feed is empty",
  ])
    expect(await page.getByRole("checkbox", { name: `Select “${title}”` }).isChecked()).toBe(true);
  expect(await page.getByRole("checkbox", { name: "Select “Blog: typo in the footer”" }).isChecked()).toBe(false);
  expect(await w.inspect(page, "inbox-selection")).toEqual([]);

  await bar.getByLabel("Set status…").selectOption("closed");
  await page.getByText("3 set to Closed").waitFor();
  for (const id of [s.ids.login, s.ids.coupon, s.ids.rss]) {
    const item = await ok(s.member.browser.get(`${s.T}/feedback/${id}`));
    expect(item.status).toBe("closed");
  }
  expect((await ok(s.member.browser.get(`${s.T}/feedback/${s.ids.search}`))).status).toBe("new");
  // The rows say so; the selection stays on them.
  await list.getByRole("listitem").filter({ hasText: "Closed" }).nth(2).waitFor();
  await bar.getByText("3 selected").waitFor();
  await bar.getByRole("button", { name: "Clear selection" }).click();
  await bar.getByText("8 shown").waitFor();

  // From the keyboard: j to the fourth row, x selects it, a assigns it, l labels it.
  await page.locator(".list .row").first().focus();
  // Pressed without a pause: each key sees where the one before it left the cursor.
  for (let i = 0; i < 3; i++) await page.keyboard.press("j");
  await page.keyboard.press("x");
  await bar.getByText("1 selected").waitFor();
  const fourth = (await titles(page))[3]!;
  expect(fourth).toBe("Blog: typo in the footer");
  await page.keyboard.press("a");
  const assign = page.getByRole("dialog", { name: "Assign (1 selected)" });
  await assign.waitFor();
  expect(await w.inspect(page, "inbox-assign")).toEqual([]);
  await assign.getByLabel("Find a person").fill("owner.bulk");
  await assign.getByLabel("Find a person").press("Enter");
  await assign.waitFor({ state: "hidden" });
  await page.getByText(/1 assigned to/).waitFor();
  expect((await ok(s.member.browser.get(`${s.T}/feedback/${s.ids.typo}`))).assigneeId).toBe(s.owner.user.id);
  await page.keyboard.press("l");
  const labels = page.getByRole("dialog", { name: "Labels (1 selected)" });
  await labels.waitFor();
  // ux is on it already: one click adds bug; a new label is made on the fly.
  expect(await labels.getByRole("checkbox", { name: "ux" }).isChecked()).toBe(true);
  await labels.getByRole("checkbox", { name: "bug" }).click();
  await page.getByText("“bug” added to 1").waitFor();
  await labels.getByLabel("Find or create a label").fill("needs-design");
  await labels.getByRole("button", { name: "Create label “needs-design”" }).click();
  await page.getByText("“needs-design” added to 1").waitFor();
  await labels.getByRole("button", { name: "Close" }).click();
  const typo = await ok(s.member.browser.get(`${s.T}/feedback/${s.ids.typo}`));
  const { labels: all } = await ok(s.member.browser.get(`${s.T}/labels`));
  expect(typo.labelIds.map((id: string) => all.find((l: { id: string }) => l.id === id).name).sort()).toEqual([
    "bug",
    "needs-design",
    "ux",
  ]);
  // The row shows its labels and the assignee's initials.
  const row = list.getByRole("listitem").filter({ hasText: "Blog: typo in the footer" });
  await row.getByText("needs-design").waitFor();
  await row.getByText(/Assigned to/).waitFor({ state: "attached" });

  // The help lists the new keys.
  await page.keyboard.press("Escape");
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  for (const key of ["Select or unselect the item", "Assign (the selected items, or this one)", "Add or remove labels"])
    await help.getByText(key).waitFor();
  expect(await w.inspect(page, "inbox-shortcuts")).toEqual([]);
  await page.keyboard.press("Escape");
  await help.waitFor({ state: "hidden" });

  // Trash from the bar.
  await page.getByRole("checkbox", { name: "Select “Blog: the RSS feed is empty”" }).click();
  await bar.getByRole("button", { name: "Move to trash" }).click();
  await page.getByText("1 moved to the trash").waitFor();
  await list.getByText("Blog: the RSS feed is empty").waitFor({ state: "detached" });
  expect((await ok(s.member.browser.get(`${s.T}/feedback/${s.ids.rss}`))).deletedAt).not.toBeNull();
  expect(await problems()).toEqual([]);
  await context.close();
}, 180_000);

test("an empty inbox says what to do; a reporter gets no checkboxes and no bulk actions", async () => {
  const owner = await signedInUser(w.t, { email: "empty.owner@example.eu" });
  const team = await ok(owner.browser.post("/api/v1/teams", { name: "Quiet" }), 201);
  const { page, context, problems } = await w.open({ as: owner.browser });
  await page.goto(`${w.origin}/`);
  await page.getByText("No feedback yet.", { exact: false }).waitFor();
  await page.getByRole("link", { name: "Set up a project and its widget" }).waitFor();
  await page.getByRole("region", { name: "No item open" }).getByText("Items you open appear here.").waitFor();
  expect(await w.inspect(page, "inbox-empty")).toEqual([]);
  await page.getByRole("link", { name: "Set up a project and its widget" }).click();
  await page.waitForURL(/\/projects$/);
  expect(await problems()).toEqual([]);
  await context.close();

  // A reporter sees their own items, without the triage tools.
  const reporter = await signedInUser(w.t, { email: "quiet.reporter@example.eu" });
  const invite = await ok(
    owner.browser.post(`/api/v1/teams/${team.id}/invitations`, { email: reporter.email, role: "reporter" }),
    201,
  );
  await ok(reporter.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) }));
  const project = await ok(owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "Site" }), 201);
  await ok(reporter.browser.post(`/api/v1/teams/${team.id}/feedback`, { projectId: project.id, comment: "Mine" }), 201);
  await ok(
    owner.browser.post(`/api/v1/teams/${team.id}/feedback`, { projectId: project.id, comment: "Not mine" }),
    201,
  );
  const seen = await w.open({ as: reporter.browser });
  await seen.page.goto(`${w.origin}/`);
  await listed(seen.page, ["Mine"]);
  expect(await seen.page.getByRole("checkbox").count()).toBe(0);
  expect(await seen.page.getByRole("toolbar", { name: "Selected items" }).count()).toBe(0);
  expect(await seen.page.getByLabel("Assignee", { exact: true }).count()).toBe(0);
  await seen.page.keyboard.press("x");
  await seen.page.keyboard.press("a");
  expect(await seen.page.getByRole("dialog").count()).toBe(0);
  expect(await seen.problems()).toEqual([]);
  await seen.context.close();
}, 180_000);

test("all my teams: one list across teams (a reporter's team shows only their own items), the scope in the URL", async () => {
  const a = await triageTeam("Alpha");
  // Alpha's member reports in a second team too.
  const beta = await ok(a.owner.browser.post("/api/v1/teams", { name: "Beta" }), 201);
  const betaProject = await ok(a.owner.browser.post(`/api/v1/teams/${beta.id}/projects`, { name: "Docs" }), 201);
  const invite = await ok(
    a.owner.browser.post(`/api/v1/teams/${beta.id}/invitations`, { email: a.member.email, role: "reporter" }),
    201,
  );
  await ok(a.member.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) }));
  w.t.clock.advance(60_000);
  await ok(
    a.member.browser.post(`/api/v1/teams/${beta.id}/feedback`, {
      projectId: betaProject.id,
      comment: "Docs: broken link",
    }),
    201,
  );
  await ok(
    a.owner.browser.post(`/api/v1/teams/${beta.id}/feedback`, {
      projectId: betaProject.id,
      comment: "Docs: owner's note",
    }),
    201,
  );

  const { page, context, problems } = await w.open({ as: a.member.browser });
  await page.goto(`${w.origin}/`);
  await page.getByText("Shop: the basket forgets items").waitFor();
  await page.getByLabel("Show feedback from").selectOption("all");
  await page.getByText("Docs: broken link").waitFor();
  expect(new URL(page.url()).searchParams.get("scope")).toBe("all");
  const shown = await titles(page);
  expect(shown).toHaveLength(9);
  expect(shown[0]).toBe("Docs: broken link");
  expect(shown).not.toContain("Docs: owner's note");
  // Beta's row names its team and has no checkbox (a reporter there); Alpha's rows have one.
  const betaRow = page.getByRole("listitem").filter({ hasText: "Docs: broken link" });
  await betaRow.getByText("Beta").waitFor();
  expect(await betaRow.getByRole("checkbox").count()).toBe(0);
  expect(await page.getByRole("checkbox", { name: /Select “Shop/ }).count()).toBe(5);
  await page.getByText("Docs: broken link").click();
  await page.getByRole("article").getByRole("heading", { name: "Docs: broken link" }).waitFor();
  expect(await w.inspect(page, "inbox-all-teams")).toEqual([]);
  // Back to one team.
  await page.getByLabel("Show feedback from").selectOption({ label: "Alpha" });
  await page.waitForURL((url) => !url.search.includes("scope"));
  await page.locator(".list .row-title", { hasText: "Docs: broken link" }).waitFor({ state: "detached" });
  expect(await problems()).toEqual([]);
  await context.close();
}, 180_000);
