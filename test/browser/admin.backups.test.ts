// The admin UI's Backups section (issue 10 point 10), in Chromium: an instance admin sees the state and
// the schedule, runs a backup now (a job the page polls to its end), sees it listed with its size and
// drill result, verifies a damaged one and reads why it failed, and downloads one after re-authenticating
// (the file is the age file; the download is in the trail). Every state is inspected (axe, 1280/375,
// light/dark) with zero CSP violations and no request off the origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { listAudit } from "../../src/services/audit/audit.ts";
import { enableTotp, signedInUser, uniqueEmail } from "../support/accounts.ts";
import { type AdminWorld, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

test("backups: empty state, back up now, the list with drill results, a damaged backup's verification, a download after re-authentication", async () => {
  const admin = await signedInUser(w.t, { admin: true, email: uniqueEmail("admin") });
  await enableTotp(w.t, admin.browser, admin.password);
  const { page, context, problems } = await w.open({ as: admin.browser });
  await page.goto(`${w.origin}/instance/backups`);
  await page.getByRole("heading", { name: "Backups", level: 2 }).waitFor();
  await page.getByRole("heading", { name: "No backup yet" }).waitFor();
  await page.getByText("Daily at 03:00 (server time).").waitFor();
  expect(await w.inspect(page, "instance-backups-empty")).toEqual([]);

  await page.getByRole("button", { name: "Back up now" }).click();
  await page.getByText("Backup written; its restore drill passed.").waitFor({ timeout: 30_000 });
  await page.getByRole("heading", { name: "Backups are working" }).waitFor();
  const list = page.getByRole("list", { name: "Backups" });
  await list.getByText("Drill passed").waitFor();
  expect(await list.getByRole("listitem").count()).toBe(1);
  // What the drill proved: the app started on the restored copy and read back the backup's known record.
  await list
    .getByText(/^Rehearsed .+ in \d+\.\d s: Loupe started on the restored copy and read back audit entry \d+ \(/)
    .waitFor();
  expect(await w.inspect(page, "instance-backups-one")).toEqual([]);

  // A second backup, then the older one damaged on disk: verifying it says why it fails.
  w.t.clock.advance(60_000);
  await page.getByRole("button", { name: "Back up now" }).click();
  await page.getByText("Backup written; its restore drill passed.").waitFor({ timeout: 30_000 });
  await list.getByRole("listitem").nth(1).waitFor();
  const [newest, oldest] = w.t.backups.list();
  const file = join(w.t.config.backup.dir, oldest!.name);
  const bytes = readFileSync(file);
  bytes[bytes.length - 40]! ^= 0x01;
  writeFileSync(file, bytes);
  const oldRow = list.getByRole("listitem").nth(1);
  await oldRow.getByRole("button", { name: /^Verify the backup of / }).click();
  await page
    .getByText("The file cannot be decrypted: it is damaged or was altered.")
    .first()
    .waitFor({ timeout: 30_000 });
  await oldRow.getByText("Drill failed").waitFor();
  // A retained backup that no longer restores is the operator's business: the state says so, /readyz degrades.
  await page.getByRole("heading", { name: "A backup failed its verification" }).waitFor();
  await page.getByText(/^The backup of .+ failed a verification: The file cannot be decrypted/).waitFor();
  expect(await (await w.t.app.request("/readyz")).json()).toMatchObject({ status: "degraded" });
  expect(await w.inspect(page, "instance-backups-failed")).toEqual([]);

  // Mended (the byte put back), the same backup verifies again, and only that clears the state.
  bytes[bytes.length - 40]! ^= 0x01;
  writeFileSync(file, bytes);
  await oldRow.getByRole("button", { name: /^Verify the backup of / }).click();
  await page.getByText(`${oldest!.name}: the restore drill passed.`).waitFor({ timeout: 30_000 });
  await page.getByRole("heading", { name: "Backups are working" }).waitFor();
  expect(await (await w.t.app.request("/readyz")).json()).toMatchObject({ status: "ready" });

  // Download the newest: the sign-in is older than 5 minutes, so the page asks to confirm first.
  w.t.clock.advance(6 * 60_000);
  const newRow = list.getByRole("listitem").first();
  await newRow.getByRole("button", { name: /^Download the backup of / }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.waitFor();
  await reauth
    .getByLabel(/Password|Authentication code/)
    .first()
    .fill(admin.password);
  const downloading = page.waitForEvent("download");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(newest!.name);
  const saved = join(w.t.dir, "downloaded.age");
  await download.saveAs(saved);
  expect(readFileSync(saved).subarray(0, 21).toString()).toBe("age-encryption.org/v1");
  expect(readFileSync(saved).equals(readFileSync(join(w.t.config.backup.dir, newest!.name)))).toBe(true);
  // (Read through the service: the page's re-authentication replaced the API client's session.)
  const trail = listAudit(w.t.ctx, { teamId: null, limit: 5 });
  expect(trail.find((e) => e.action === "backup.downloaded")).toMatchObject({
    actorId: admin.user.id,
    targetId: newest!.name,
  });

  expect(await problems()).toEqual([]);
  await context.close();
}, 120_000);
