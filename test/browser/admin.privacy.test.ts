// The admin UI's privacy tools in Chromium against a real server: an owner finds a data subject by
// email (field errors in place, items across projects and the trash), includes the reporter id the
// items carry, exports a ZIP after confirming it is them, and erases it (the identifier typed again);
// on the project page the retention period is validated in place and saved, and the privacy-page text
// follows the saved settings in English and German, Markdown and HTML, copied with one click. Every
// state: axe, no CSP violation, no request off the origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { createFeedback } from "../../src/services/feedback/feedback.ts";
import { signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { png } from "../support/images.ts";
import { readZip } from "../support/unzip.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let member: Awaited<ReturnType<typeof signedInUser>>;
let teamId: string;
let projectId: string;
const SUBJECT = "lena.visitor@example.eu";
const REPORTER = "5f0c2a9be41d4c7f8a6b3e2d1c0b9a87";

async function signIn(person: { email: string; password: string }): Promise<Browser> {
  const browser = new Browser(w.t.app, w.origin);
  await ok(browser.post("/api/v1/auth/login", { email: person.email, password: person.password }));
  return browser;
}

beforeAll(async () => {
  w = await startAdminWorld();
  w.t.clock.set(Date.now());
  owner = await signedInUser(w.t, { email: "olga@example.eu" });
  await ok(owner.browser.patch("/api/v1/me", { displayName: "Olga Owner" }));
  teamId = (await ok(owner.browser.post("/api/v1/teams", { name: "Acme" }), 201)).id;
  const T = `/api/v1/teams/${teamId}`;
  member = await signedInUser(w.t, { email: "max@example.eu" });
  const invite = await ok(owner.browser.post(`${T}/invitations`, { email: member.email, role: "member" }), 201);
  await ok(member.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) }));
  projectId = (await ok(owner.browser.post(`${T}/projects`, { name: "Shop" }), 201)).id;
  const blog = (await ok(owner.browser.post(`${T}/projects`, { name: "Blog" }), 201)).id;
  const add = (project: string, comment: string, email: string | undefined, reporter: string, shot = false) =>
    createFeedback(w.t.ctx, {
      teamId,
      reporter: { userId: null, anonymousId: reporter },
      data: { projectId: project, comment, ...(email ? { reporterEmail: email } : {}) },
      ...(shot ? { screenshot: { bytes: png(8, 6), maxBytes: 1_000_000, teamQuotaBytes: 1_000_000_000 } } : {}),
    });
  const first = add(projectId, "The checkout button does nothing on my phone", SUBJECT, REPORTER, true);
  add(blog, "Typo in the second paragraph", SUBJECT, "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
  add(projectId, "Prices are shown without VAT", undefined, REPORTER);
  add(projectId, "Someone else entirely", "other.person@example.eu", "ffffeeeeddddccccbbbbaaaa99998888");
  await ok(member.browser.post(`${T}/feedback/${first}/messages`, { body: "Thanks Lena, which phone is it?" }), 201);
});
afterAll(async () => {
  await w?.close();
});

test("privacy requests: find by email, include the reporter id, export a ZIP, erase for good", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team/privacy`);
  await page.getByRole("heading", { name: "Privacy requests", level: 1 }).waitFor();
  expect(await w.inspect(page, "team-privacy")).toEqual([]);
  // Nothing given: the email field says what is missing, in place.
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByText("Give an email address or a reporter id.").waitFor();
  expect(await page.getByLabel("Email address").getAttribute("aria-invalid")).toBe("true");
  await page.getByLabel("Widget reporter id").fill("nope");
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByText("Expected a reporter id: 16–64 letters, digits, _ or -.").waitFor();
  expect(await w.inspect(page, "team-privacy-errors")).toEqual([]);

  await page.getByLabel("Widget reporter id").fill("");
  await page.getByLabel("Email address").fill("Lena.Visitor@Example.eu");
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByText("Feedback items: 2 · Screenshots: 1 · Messages: 1").waitFor();
  const items = page.getByRole("list", { name: "Items found" });
  await items.getByText("Typo in the second paragraph").waitFor();
  expect(await items.getByRole("listitem").count()).toBe(2);
  await page.getByText(REPORTER).waitFor();
  expect(await w.inspect(page, "team-privacy-found")).toEqual([]);
  // The reporter id on her items brings the item she sent without an email address.
  await page
    .getByRole("listitem")
    .filter({ hasText: REPORTER })
    .getByRole("button", { name: "Include this reporter id" })
    .click();
  await page.getByText("Feedback items: 3 · Screenshots: 1 · Messages: 1").waitFor();
  expect(await page.getByLabel("Widget reporter id").inputValue()).toBe(REPORTER);

  // Export: confirm it is you first.
  w.t.clock.advance(6 * 60_000);
  await page.getByRole("button", { name: "Export as ZIP" }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.getByLabel("Password").fill(owner.password);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    reauth.getByRole("button", { name: "Confirm" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^loupe-data-subject-\d{4}-\d\d-\d\d\.zip$/);
  const files = readZip(readFileSync((await download.path())!));
  expect([...files.keys()].filter((n) => n.startsWith("screenshots/"))).toHaveLength(1);
  expect(JSON.parse(files.get("subject.json")!.toString()).items).toHaveLength(3);
  await page.getByText("Export downloaded (recorded in the audit trail).").waitFor();

  // Erase: the dialog says what goes and wants the email typed.
  await page.getByRole("button", { name: "Erase everything found" }).click();
  const dialog = page.getByRole("dialog", { name: "Erase this person's data" });
  await dialog.getByText("feedback items: 3, screenshots: 1, messages: 1").waitFor();
  const confirm = dialog.getByRole("button", { name: "Erase for good" });
  expect(await confirm.isDisabled()).toBe(true);
  await dialog.getByLabel(`Type ${"Lena.Visitor@Example.eu".toLowerCase()} to confirm`).fill(SUBJECT);
  expect(await w.inspect(page, "team-privacy-erase")).toEqual([]);
  await confirm.click();
  await page.getByText("Erased for good — feedback items: 3, screenshots: 1, messages: 1.").waitFor();
  expect(await w.inspect(page, "team-privacy-erased")).toEqual([]);
  const left = await ok(owner.browser.post(`/api/v1/teams/${teamId}/privacy/subjects/find`, { email: SUBJECT }));
  expect(left.items).toEqual([]);
  const all = await ok(owner.browser.get(`/api/v1/teams/${teamId}/feedback`));
  expect(all.items.map((i: { comment: string }) => i.comment)).toEqual(["Someone else entirely"]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a member gets a clear note, not the privacy tools", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(member) });
  await page.goto(`${w.origin}/team/privacy`);
  await page.getByText("Only the team's owners answer privacy requests").waitFor();
  expect(await page.getByLabel("Email address").count()).toBe(0);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("project: retention validated in place and saved; the privacy notice follows, in English and German", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await page.goto(`${w.origin}/projects/${projectId}`);
  const retention = page.getByRole("region", { name: "Retention" });
  await retention.waitFor();
  const notice = page.getByRole("region", { name: "Privacy notice" });
  const text = notice.getByLabel("The text");
  await page.waitForFunction(() => (document.getElementById("notice-text") as HTMLTextAreaElement | null)?.value);
  expect(await text.inputValue()).toContain("Feedback is kept until the website's team deletes it.");
  expect(await text.inputValue()).toContain("Your IP address is not stored.");
  await retention.getByLabel("Delete feedback after").fill("0");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await retention.getByText("At least 1 day.").waitFor();
  expect(await retention.getByLabel("Delete feedback after").getAttribute("aria-invalid")).toBe("true");
  await retention.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-retention-error")).toEqual([]);
  await retention.getByLabel("Delete feedback after").fill("180");
  await retention.getByRole("button", { name: "Save retention" }).click();
  await page.getByText("Retention: saved").first().waitFor();
  await page.waitForFunction(() =>
    (document.getElementById("notice-text") as HTMLTextAreaElement | null)?.value.includes(
      "180 days after it was sent",
    ),
  );
  // IP addresses on: the notice says so.
  await page.getByRole("region", { name: "Data collected" }).getByLabel("Store the visitor's IP address").check();
  await page.getByRole("region", { name: "Data collected" }).getByRole("button", { name: /^Save/ }).click();
  await page.waitForFunction(() =>
    (document.getElementById("notice-text") as HTMLTextAreaElement | null)?.value.includes("- Your IP address\n"),
  );
  await notice.getByLabel("Language").selectOption("de");
  await notice.getByLabel("Format").selectOption("html");
  expect(await text.inputValue()).toStartWith("<h1>Datenschutzhinweis: Feedback auf Shop</h1>");
  expect(await text.inputValue()).toContain("<li>Ihre IP-Adresse</li>");
  await notice.getByRole("button", { name: "Copy text" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await text.inputValue());
  await notice.scrollIntoViewIfNeeded();
  expect(await w.inspect(page, "project-privacy-notice")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("in German: the privacy requests read in German, with room for the longer words", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner), locale: "de-DE" });
  await page.goto(`${w.origin}/team/privacy`);
  await page.getByRole("heading", { name: "Datenschutzanfragen", level: 1 }).waitFor();
  await page.getByLabel("E-Mail-Adresse").fill("other.person@example.eu");
  await page.getByRole("button", { name: "Finden", exact: true }).click();
  await page.getByText("Feedbacks: 1 · Bildschirmfotos: 0 · Nachrichten: 0").waitFor();
  await page.getByRole("button", { name: "Alles Gefundene löschen" }).waitFor();
  expect(await w.inspect(page, "team-privacy-de")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});
