// The admin UI's team pages (issue 9, page 6) and the invitation page (page 1), in Chromium against a
// real server: an owner invites without SMTP (the link copied), a new person registers through the
// link (the token only ever in the fragment) and lands in the team, an existing one signs in first and
// comes back; the owner changes a role, removes a member, manages labels, creates an API token (its
// secret shown once, then only its prefix), sets the security policy and support access, reads the
// audit trail with filters and exports it (CSV with formula cells neutralised, JSON), and exports the
// team. A member sees no owner controls and the API refuses them. Every page: axe, no CSP violation,
// no request off the origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { saveSsoProvider } from "../../src/services/accounts/sso-providers.ts";
import { signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type AdminWorld, ok, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
let owner: Awaited<ReturnType<typeof signedInUser>>;
let member: Awaited<ReturnType<typeof signedInUser>>;
let teamId: string;
let T: string;

/** Joins `person` to the team through the API (invitation + accept). */
async function join(person: { email: string; browser: Browser }, role: "member" | "reporter") {
  const invite = await ok(owner.browser.post(`${T}/invitations`, { email: person.email, role }), 201);
  await ok(person.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) }));
}

/**
 * A sign-in of its own for a Chromium context: confirming it is you there replaces that session, and
 * must not sign out the API client the test checks results with.
 */
async function signIn(person: { email: string; password: string }): Promise<Browser> {
  const browser = new Browser(w.t.app, w.origin);
  await ok(browser.post("/api/v1/auth/login", { email: person.email, password: person.password }));
  return browser;
}

beforeAll(async () => {
  w = await startAdminWorld();
  // The server's clock at the real time, so "2 minutes ago" reads true in the screenshots.
  w.t.clock.set(Date.now());
  owner = await signedInUser(w.t, { email: "olga@example.eu" });
  await ok(owner.browser.patch("/api/v1/me", { displayName: "Olga Owner" }));
  teamId = (await ok(owner.browser.post("/api/v1/teams", { name: "Acme" }), 201)).id;
  T = `/api/v1/teams/${teamId}`;
  member = await signedInUser(w.t, { email: "max@example.eu" });
  await ok(member.browser.patch("/api/v1/me", { displayName: "Max Member" }));
  await join(member, "member");
});
afterAll(async () => {
  await w?.close();
});

const download = async (page: Page, click: () => Promise<void>) => {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, "utf8") };
};

test("owner invites without SMTP and copies the link; a new person registers through it and lands in the team", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await page.goto(`${w.origin}/team/invitations`);
  await page.getByRole("heading", { name: "Invitations", level: 1 }).waitFor();
  await page.getByLabel("Email").fill("nia@example.eu");
  await page.getByLabel("Role").selectOption("member");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await page.getByText("Send this link to nia@example.eu yourself").waitFor();
  await page.getByRole("button", { name: "Copy link" }).click();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link).toMatch(new RegExp(`^${w.origin}/invitation#token=[A-Za-z0-9_-]{43}$`));
  expect(await page.getByLabel("Invitation link").inputValue()).toBe(link);
  await page.getByRole("list", { name: "Pending invitations" }).getByText("nia@example.eu").waitFor();
  expect(await w.inspect(page, "team-invitations")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();

  // The invited person: a fresh browser, nobody signed in.
  const token = new URL(link).hash.slice("#token=".length);
  const guest = await w.open();
  const leaks: string[] = [];
  guest.page.on("request", (request) => {
    const referer = request.headers().referer ?? "";
    if (request.url().includes(token) || referer.includes(token)) leaks.push(request.url());
  });
  const response = await guest.page.goto(link);
  expect(response!.headers()["referrer-policy"]).toBe("no-referrer");
  expect(response!.headers()["content-security-policy"]).toContain("default-src 'self'");
  await guest.page.getByRole("heading", { name: "Join Acme" }).waitFor();
  await guest.page.getByText("Olga Owner invited nia@example.eu to join Acme as a member.").waitFor();
  // The token left the address bar (and the history entry) once read.
  expect(guest.page.url()).toBe(`${w.origin}/invitation`);
  expect(await guest.page.getByLabel("Email").inputValue()).toBe("nia@example.eu");
  expect(await w.inspect(guest.page, "invitation-register")).toEqual([]);
  await guest.page.getByLabel("Your name").fill("Nia New");
  await guest.page.getByLabel("Password").fill("short");
  await guest.page.getByRole("button", { name: "Create account and join" }).click();
  // The API's password rule, beside the field; nothing was created.
  await guest.page.locator("#password-note.error").waitFor();
  await guest.page.getByLabel("Password").fill("nia-long-enough-passphrase");
  await guest.page.getByRole("button", { name: "Create account and join" }).click();
  await guest.page.getByRole("heading", { name: "Inbox" }).first().waitFor();
  await guest.page.locator(".bar").getByText("Acme").waitFor();
  expect(leaks).toEqual([]);
  expect(await guest.problems()).toEqual([]);
  const { members } = await ok(owner.browser.get(`${T}/members`));
  expect(members.find((m: { email: string }) => m.email === "nia@example.eu")).toMatchObject({
    displayName: "Nia New",
    role: "member",
  });
  // The link is spent: opening it again says so.
  const again = await w.open();
  await again.page.goto(link);
  await again.page.getByText("This invitation is used, revoked or expired.").waitFor();
  await again.context.close();
  await guest.context.close();
});

test("an existing account signs in first and comes back to accept; a wrong account is told so", async () => {
  const sam = await signedInUser(w.t, { email: "sam@example.eu" });
  const other = await signedInUser(w.t, { email: "someone.else@example.eu" });
  const invite = await ok(owner.browser.post(`${T}/invitations`, { email: sam.email, role: "reporter" }), 201);

  const wrong = await w.open({ as: await signIn(other) });
  await wrong.page.goto(invite.url);
  await wrong.page
    .getByText("You are signed in as someone.else@example.eu, but this invitation is for sam@example.eu.")
    .waitFor();
  expect(await w.inspect(wrong.page, "invitation-other-account")).toEqual([]);
  await wrong.page.getByRole("button", { name: "Sign out and continue" }).click();
  await wrong.page.getByRole("button", { name: "Sign in to accept" }).waitFor();
  expect(await wrong.problems()).toEqual([]);
  await wrong.context.close();

  const { page, context, problems } = await w.open();
  await page.goto(invite.url);
  await page.getByText("sam@example.eu has a Loupe account.").waitFor();
  await page.getByRole("button", { name: "Sign in to accept" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect(page.url()).not.toContain("token");
  await page.getByLabel("Email").fill(sam.email);
  await page.getByLabel("Password").fill(sam.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("You are signed in as sam@example.eu.").waitFor();
  expect(await w.inspect(page, "invitation-accept")).toEqual([]);
  await page.getByRole("button", { name: "Accept and join" }).click();
  await page.getByRole("heading", { name: "Inbox" }).first().waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
  const { members } = await ok(owner.browser.get(`${T}/members`));
  expect(members.find((m: { email: string }) => m.email === sam.email)?.role).toBe("reporter");
});

test("members: the owner changes a role, the last owner is kept (the API's reason shown), a member is removed", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team`);
  const list = page.getByRole("list", { name: "Members" });
  await list.getByText("max@example.eu").waitFor();
  await page.getByLabel("Role of Max Member").selectOption("reporter");
  await page.getByText("Max Member is now Reporter.").waitFor();
  expect(
    (await ok(owner.browser.get(`${T}/members`))).members.find((m: { email: string }) => m.email === member.email).role,
  ).toBe("reporter");
  await page.getByLabel("Role of Max Member").selectOption("member");
  await page.getByText("Max Member is now Member.").waitFor();
  // The only owner cannot step down: the API says why, beside the control; the role stays.
  await page.getByLabel("Role of Olga Owner").selectOption("member");
  await list.getByRole("alert").getByText("A team always keeps at least one owner").waitFor();
  expect(await page.getByLabel("Role of Olga Owner").inputValue()).toBe("owner");
  expect(await w.inspect(page, "team-members")).toEqual([]);

  const nia = list.getByRole("listitem").filter({ hasText: "nia@example.eu" });
  await nia.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove" });
  await dialog.getByText("Remove Nia New (nia@example.eu) from the team?").waitFor();
  expect(await w.inspect(page, "team-members-remove")).toEqual([]);
  await dialog.getByRole("button", { name: "Remove" }).click();
  await page.getByText("Nia New was removed from the team.").waitFor();
  await list.getByText("nia@example.eu").waitFor({ state: "detached" });
  const emails = (await ok(owner.browser.get(`${T}/members`))).members.map((m: { email: string }) => m.email);
  expect(emails).not.toContain("nia@example.eu");
  expect(await problems()).toEqual([]);
  await context.close();
});

test("labels: create, rename and recolour, a duplicate name refused beside the field, delete", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team/labels`);
  await page.getByText("No labels yet.").waitFor();
  await page.getByLabel("Name").fill("bug");
  await page.getByRole("button", { name: "Create label" }).click();
  await page.getByText("Label “bug” created.").waitFor();
  await page.getByLabel("Name").fill("idea");
  await page.getByRole("button", { name: "Create label" }).click();
  const labels = page.getByRole("list", { name: "All labels" });
  await labels.getByText("idea").waitFor();
  await page.getByRole("button", { name: "Edit label bug" }).click();
  const editor = page.getByRole("form", { name: "Edit label bug" });
  await editor.getByLabel("Name").fill("idea");
  await editor.getByRole("button", { name: "Save" }).click();
  await editor.locator(".error", { hasText: "Already in use." }).waitFor();
  await editor.getByLabel("Name").fill("defect");
  await editor.getByLabel("Colour").fill("#c0392b");
  await editor.getByRole("button", { name: "Save" }).click();
  await page.getByText("Label “defect” saved.").waitFor();
  const saved = (await ok(owner.browser.get(`${T}/labels`))).labels;
  expect(saved.find((l: { name: string }) => l.name === "defect")?.color).toBe("#c0392b");
  expect(await w.inspect(page, "team-labels")).toEqual([]);
  await labels.getByRole("listitem").filter({ hasText: "idea" }).getByRole("button", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await page.getByText("Label “idea” deleted.").waitFor();
  expect((await ok(owner.browser.get(`${T}/labels`))).labels.map((l: { name: string }) => l.name)).toEqual(["defect"]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("API token: confirm it is you, the secret once with a copy button, then only its prefix; revoke", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: w.origin });
  await page.goto(`${w.origin}/team/tokens`);
  await page.getByText("No API tokens yet.").waitFor();
  // The sign-in is older than 5 minutes: creating a token asks for the password first.
  w.t.clock.advance(6 * 60_000);
  await page.getByLabel("Name").fill("CI export");
  await page.getByLabel("Acts as").selectOption("member");
  await page.getByLabel("Access").selectOption("read");
  expect(await page.getByLabel("Expires after").inputValue()).toBe("90");
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.getByLabel("Password").fill("not-my-password");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await reauth.getByText("That is not your password.").waitFor();
  expect(await w.inspect(page, "team-tokens-reauth")).toEqual([]);
  await reauth.getByLabel("Password").fill(owner.password);
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Copy the token “CI export” now").waitFor();
  const secret = await page.getByLabel("New token").inputValue();
  expect(secret).toMatch(/^loupe_pat_[A-Za-z0-9_-]{43}$/);
  await page.getByRole("button", { name: "Copy token" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  expect(await w.inspect(page, "team-tokens-secret")).toEqual([]);
  await page.getByRole("button", { name: "I have stored it" }).click();
  const list = page.getByRole("list", { name: "This team's tokens" });
  await list.getByText(`${secret.slice(0, 14)}…`).waitFor();
  expect(await page.content()).not.toContain(secret);
  const { tokens } = await ok(owner.browser.get(`${T}/tokens`));
  expect(tokens).toMatchObject([{ name: "CI export", role: "member", scope: "read", prefix: secret.slice(0, 14) }]);
  // The token works, as a read-only member of this team.
  const client = new Browser(w.t.app, w.origin);
  expect((await client.request("GET", `${T}/feedback`, undefined, { Authorization: `Bearer ${secret}` })).status).toBe(
    200,
  );
  expect(await w.inspect(page, "team-tokens")).toEqual([]);
  await list.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await page.getByText("Token “CI export” revoked.").waitFor();
  await list.getByText("Revoked").waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
});

test("security policy and support access: saved with what was saved; a lock-out refused with the API's reason", async () => {
  // A single sign-on provider on the instance, so the policy offers it.
  saveSsoProvider(w.t.ctx, {
    adminId: owner.user.id,
    fields: {
      name: "Company SSO",
      preset: "google",
      clientId: "loupe-client",
      clientSecret: "loupe-secret",
      allowedDomains: [],
      jitEnabled: false,
      jitTeamId: null,
      trustIdpMfa: false,
      enabled: true,
    },
  });
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team/policy`);
  await page.getByRole("heading", { name: "Rules for everyone in this team", level: 2 }).waitFor();
  await page.getByLabel("Sign out after this many idle minutes").fill("2");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.locator("#idle-note.error").waitFor();
  await page.getByLabel("Sign out after this many idle minutes").fill("15");
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByText("Policy saved: two-factor authentication optional; sign-out after 15 idle minutes.").waitFor();
  expect((await ok(owner.browser.get(T))).policy.sessionIdleMinutes).toBe(15);
  // Requiring SSO the owner did not sign in with would lock them out: refused, and why; nothing saved.
  await page.getByLabel("Require single sign-on").check();
  await page.getByLabel("Company SSO").check();
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByText("Sign in with one of the team's SSO providers before requiring it.").waitFor();
  expect((await ok(owner.browser.get(T))).policy.ssoRequired).toBe(false);
  await page.getByLabel("Require single sign-on").uncheck();
  await page.getByLabel("Company SSO").uncheck();
  // Requiring MFA the owner does not use would lock them out: refused, and why.
  await page.getByLabel("Require two-factor authentication").check();
  await page.getByRole("button", { name: "Save policy" }).click();
  await page.getByText("Turn on two-factor authentication for yourself before requiring it.").waitFor();
  expect((await ok(owner.browser.get(T))).policy.mfaRequired).toBe(false);
  expect(await w.inspect(page, "team-policy")).toEqual([]);

  await page.getByRole("navigation", { name: "Team settings" }).getByRole("link", { name: "Support access" }).click();
  await page.getByText("The operator cannot read this team's feedback.").waitFor();
  await page.getByLabel("For", { exact: true }).selectOption("4");
  await page.getByRole("button", { name: "Grant access" }).click();
  await page.getByText("Support access granted for 4 hours.").waitFor();
  expect((await ok(owner.browser.get(`${T}/support-access`))).active).toBe(true);
  expect(await w.inspect(page, "team-support")).toEqual([]);
  await page.getByRole("button", { name: "End now" }).click();
  await page.getByText("Support access ended.").waitFor();
  expect((await ok(owner.browser.get(`${T}/support-access`))).active).toBe(false);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a member sees no owner controls (told plainly why) and the API refuses the owners' actions", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(member) });
  await page.goto(`${w.origin}/team/policy`);
  await page.getByText("Only owners can change the security policy.").waitFor();
  await page.getByText("You are a member of Acme.").waitFor();
  // What the member works under, read-only.
  await page.getByRole("definition").getByText("15 minutes").waitFor();
  expect(await page.getByRole("button", { name: "Save policy" }).count()).toBe(0);
  expect(await page.getByRole("checkbox").count()).toBe(0);
  expect(await page.getByRole("spinbutton").count()).toBe(0);
  const nav = page.getByRole("navigation", { name: "Team settings" });
  expect(await nav.getByRole("link").allTextContents()).toEqual(["Members", "Security policy", "Labels"]);
  expect(await w.inspect(page, "team-member-policy")).toEqual([]);

  for (const [section, text] of [
    ["tokens", "Only owners can create, see or revoke the team's API tokens."],
    ["audit", "Only owners can read and export the team's audit trail."],
    ["invitations", "Only owners can invite people or see the team's invitations."],
    ["support-access", "Only owners can let the instance's operator read this team's feedback."],
    ["export", "Only owners can export the team's data."],
  ] as const) {
    await page.goto(`${w.origin}/team/${section}`);
    await page.getByText(text).waitFor();
    expect(await page.locator(".settings-body").getByRole("button").count()).toBe(0);
  }
  expect(await w.inspect(page, "team-member-tokens")).toEqual([]);
  await page.goto(`${w.origin}/team/members`);
  await page.getByRole("list", { name: "Members" }).getByText("olga@example.eu").waitFor();
  expect(await page.getByRole("combobox").count()).toBe(0);
  expect(await page.getByRole("button", { name: "Remove" }).count()).toBe(0);
  expect(await w.inspect(page, "team-member-members")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();

  // The API refuses every owner action to the member (403, never done).
  const refused = [
    await member.browser.patch(`${T}/policy`, { sessionIdleMinutes: 240 }),
    await member.browser.post(`${T}/tokens`, { name: "x", scope: "read", role: "reporter" }),
    await member.browser.get(`${T}/tokens`),
    await member.browser.get(`${T}/audit`),
    await member.browser.get(`${T}/audit/export?format=csv`),
    await member.browser.post(`${T}/invitations`, { email: "friend@example.eu", role: "owner" }),
    await member.browser.patch(`${T}/members/${member.user.id}`, { role: "owner" }),
    await member.browser.delete(`${T}/members/${owner.user.id}`),
    await member.browser.post(`${T}/support-access`, { hours: 1 }),
    await member.browser.get(`${T}/export`),
  ];
  expect(refused.map((r) => r.status)).toEqual(refused.map(() => 403));
  expect((await ok(owner.browser.get(T))).policy.sessionIdleMinutes).toBe(15);
});

test("a reporter reaching /team directly is told the team settings are not theirs", async () => {
  const reporter = await signedInUser(w.t, { email: "rita@example.eu" });
  await join(reporter, "reporter");
  const { page, context, problems } = await w.open({ as: await signIn(reporter) });
  await page.goto(`${w.origin}/team`);
  await page.getByText("The team's settings are for its owners and members.").waitFor();
  expect(await page.getByRole("navigation", { name: "Team settings" }).getByRole("link").count()).toBe(0);
  expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Team" }).count()).toBe(0);
  expect(await w.inspect(page, "team-reporter")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("audit trail: the changes above, narrowed by action, actor and dates; CSV and JSON exports", async () => {
  // A name an attacker chose, starting like a spreadsheet formula.
  await ok(member.browser.post(`${T}/labels`, { name: '=HYPERLINK("https://evil.example")', color: "#333333" }), 201);
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team/audit`);
  const trail = page.getByRole("list", { name: "Audit trail" });
  for (const text of [
    "Role changed",
    "Member removed",
    "Label changed",
    "API token created",
    "API token revoked",
    "Inactivity timeout changed",
    "Support access granted",
    "Invitation accepted",
  ])
    await trail.getByText(text, { exact: true }).first().waitFor();
  expect(await w.inspect(page, "team-audit")).toEqual([]);

  const changed = await filterTrail(page, () => page.getByLabel("What").selectOption({ label: "Role changed" }));
  expect(changed).toEqual(["Role changed · Max Member", "Role changed · Max Member"]);
  expect(page.url()).toContain("action=member.role_changed");
  expect(await trail.getByText("Olga Owner (olga@example.eu)").count()).toBe(2);

  await filterTrail(page, () => page.getByLabel("What").selectOption({ label: "All: Labels" }));
  const byMax = await filterTrail(page, () =>
    page.getByLabel("Who").selectOption({ label: "Max Member (max@example.eu)" }),
  );
  expect(byMax).toEqual(['Label created · =HYPERLINK("https://evil.example")']);
  // A shared URL opens the same view.
  expect(await filterTrail(page, () => page.goto(page.url()))).toEqual(byMax);

  const csv = await download(page, () => page.getByRole("button", { name: "Export CSV" }).click());
  expect(csv.name).toMatch(/^loupe-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = csv.text.trimEnd().split("\r\n");
  expect(lines[0]).toBe('"seq","at","actorId","actorName","actorEmail","action","targetId","targetName"');
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain('"Max Member","max@example.eu","label.created"');
  expect(lines[1]).toEndWith(`"'=HYPERLINK(""https://evil.example"")"`);
  const json = await download(page, () => page.getByRole("button", { name: "Export JSON" }).click());
  const data = JSON.parse(json.text);
  expect(data.filters).toEqual({ actor: member.user.id, action: "label" });
  expect(data.entries.map((e: { targetName: string }) => e.targetName)).toEqual(['=HYPERLINK("https://evil.example")']);

  // Dates: from tomorrow, nothing; up to today, everything of the filter again.
  const day = (offset: number) => {
    const d = new Date(Date.now() + offset * 86_400_000);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  };
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("From").fill(day(1));
  await page.getByText("No entry matches these filters.").waitFor();
  await page.getByLabel("From").fill(day(-1));
  await page.getByLabel("To").fill(day(0));
  await trail.getByText("Role changed", { exact: true }).first().waitFor();
  expect(await w.inspect(page, "team-audit-filtered")).toEqual([]);
  // Both exports were recorded in the trail.
  const exported = await ok(owner.browser.get(`${T}/audit?action=audit.exported`));
  expect(exported.entries).toHaveLength(2);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("team export: confirm it is you, then one JSON file of the team", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner) });
  await page.goto(`${w.origin}/team/export`);
  await page.getByRole("heading", { name: "Export the team's data" }).waitFor();
  expect(await w.inspect(page, "team-export")).toEqual([]);
  w.t.clock.advance(6 * 60_000);
  await page.getByRole("button", { name: "Download export" }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.getByLabel("Password").fill(owner.password);
  const file = await download(page, () => reauth.getByRole("button", { name: "Confirm" }).click());
  expect(file.name).toBe("loupe-team-export.json");
  const data = JSON.parse(file.text);
  expect(data.team).toEqual({ id: teamId, name: "Acme" });
  expect(data.members.map((m: { email: string }) => m.email).sort()).toEqual(
    ["max@example.eu", "olga@example.eu", "rita@example.eu", "sam@example.eu"].sort(),
  );
  await page.getByText("Export downloaded.").waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
});

test("in German: the trail and the tokens read in German, with room for the longer words", async () => {
  const { page, context, problems } = await w.open({ as: await signIn(owner), locale: "de-DE" });
  await page.goto(`${w.origin}/team/audit`);
  await page.getByRole("heading", { name: "Protokoll", level: 1 }).waitFor();
  await page.getByRole("list", { name: "Protokoll" }).getByText("Team angelegt", { exact: true }).first().waitFor();
  expect(await w.inspect(page, "team-audit-de")).toEqual([]);
  await page.getByRole("navigation", { name: "Team-Einstellungen" }).getByRole("link", { name: "API-Tokens" }).click();
  await page.getByRole("heading", { name: "Neues API-Token" }).waitFor();
  expect(await w.inspect(page, "team-tokens-de")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

/** Does `change` (a filter), waits for the trail's answer to it and its rendering, and returns the rows' titles. */
async function filterTrail(page: Page, change: () => Promise<unknown>): Promise<string[]> {
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith("/audit"));
  await change();
  await answered;
  await page.locator("ol.trail:not([aria-busy])").waitFor();
  return (await page.locator("ol.trail .entity-title").allTextContents()).map((s) => s.trim());
}
