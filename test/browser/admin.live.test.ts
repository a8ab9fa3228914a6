// Live updates in the admin UI (issue 9, section 4): an open inbox shows an item submitted through the
// API and a status change without a reload, over the tab's one event stream; a second tab whose
// session is revoked from the first goes to sign-in on its own, while the first stays. Zero CSP
// violations, no request off the origin, no page error.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { secondBrowser } from "../support/accounts.ts";
import { seedTeam } from "../support/teams.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";
import { saveScreenshot } from "./widget-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

/** Opens the inbox and waits until the tab's event stream has answered (the server then delivers to it). */
async function inboxWithStream(page: Page): Promise<void> {
  const stream = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/events");
  await page.goto(`${w.origin}/`);
  await page.getByRole("list", { name: "Inbox" }).getByRole("listitem").first().waitFor();
  expect((await stream).status()).toBe(200);
}

test("a submitted item and a status change appear in the open inbox without a reload", async () => {
  const a = await seedTeam(w.t, "live");
  const { page, context, problems } = await w.open({ as: a.member.browser });
  await inboxWithStream(page);
  const list = page.getByRole("list", { name: "Inbox" });
  // A reload would lose this.
  await page.evaluate(() => {
    (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
  });

  const focusedRow = page.locator(".list .row.focused");
  const focusedBefore = await focusedRow.textContent();
  expect(focusedBefore).toContain("live ");
  const T = `/api/v1/teams/${a.team.id}`;
  const submitted = await ok(
    a.reporter.browser.post(`${T}/feedback`, {
      projectId: a.project.id,
      title: "The search box loses focus",
      comment: "Typing in the search box drops the cursor after two letters.",
      pageUrl: "https://live.example.test/search",
    }),
    201,
  );
  const arrived = list.getByRole("listitem").filter({ hasText: "The search box loses focus" });
  await arrived.waitFor({ timeout: 5000 });
  // The newest item goes on top, announced to screen readers.
  expect(await list.getByRole("listitem").first().textContent()).toContain("The search box loses focus");
  await page.getByRole("status").filter({ hasText: "New feedback arrived." }).waitFor({ timeout: 5000 });
  // The keyboard focus stays on the item it was on (e would act on it), not on whatever took its place.
  expect(await focusedRow.textContent()).toBe(focusedBefore);

  // A teammate marks it in progress: the row follows.
  await ok(
    a.owner.browser.patch(
      `${T}/feedback/${submitted.id}`,
      { status: "in_progress" },
      { "If-Match": `"v${submitted.version}"` },
    ),
  );
  await arrived.filter({ hasText: "In progress" }).waitFor({ timeout: 5000 });
  // Trashed elsewhere, it leaves the list.
  await ok(a.owner.browser.delete(`${T}/feedback/${a.memberItem.id}`));
  await list
    .getByRole("listitem")
    .filter({ hasText: "live member item" })
    .waitFor({ state: "detached", timeout: 5000 });

  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await saveScreenshot(page, "ui/live-inbox-updated");
  expect(await problems()).toEqual([]);
  await context.close();
}, 30_000);

test("a second tab is sent to sign-in when the first revokes its session; the first stays", async () => {
  const a = await seedTeam(w.t, "revoke");
  const other = await secondBrowser(w.t, a.member.email, a.member.password);
  const first = await w.open({ as: a.member.browser });
  const second = await w.open({ as: other });
  await inboxWithStream(first.page);
  await inboxWithStream(second.page);

  // From the first tab, through the API as its page would: end the other session.
  const status = await first.page.evaluate(async () => {
    const headers = { "X-Requested-With": "loupe-ui" };
    const listed = (await (await fetch("/api/v1/me/sessions", { headers })).json()) as {
      sessions: { id: string; current: boolean }[];
    };
    const target = listed.sessions.find((s) => !s.current);
    if (!target) return 0;
    return (await fetch(`/api/v1/me/sessions/${target.id}`, { method: "DELETE", headers })).status;
  });
  expect(status).toBe(200);

  await second.page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor({ timeout: 5000 });
  expect(new URL(second.page.url()).pathname).toBe("/sign-in");
  // Back to where it was after signing in again.
  expect(new URL(second.page.url()).searchParams.get("next")).toBe("/");
  // The first tab keeps its inbox and its stream.
  expect(new URL(first.page.url()).pathname).toBe("/");
  await ok(
    a.reporter.browser.post(`/api/v1/teams/${a.team.id}/feedback`, { projectId: a.project.id, comment: "Still live" }),
    201,
  );
  await first.page
    .getByRole("list", { name: "Inbox" })
    .getByRole("listitem")
    .filter({ hasText: "Still live" })
    .waitFor({ timeout: 5000 });

  expect(await first.problems()).toEqual([]);
  expect(await second.problems()).toEqual([]);
  await first.context.close();
  await second.context.close();
}, 30_000);
