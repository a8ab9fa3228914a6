// The admin UI's instance pages (issue 9, section 8), in Chromium: an instance admin disables and
// enables an account (checked by signing in through the API), resets its two-factor, signs it out
// everywhere and hands it a reset link; changes the inactivity timeout (re-authenticating when the
// sign-in is older than 5 minutes); adds, edits and removes an SSO provider whose client secret never
// appears in any response or in the page; verifies the audit chain (and sees a tampered one named);
// reads the health view. A non-admin gets a refusal from the page and 403 from the API. Every state is
// inspected (axe, 1280/375, light/dark) with zero CSP violations and no request off the origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { enableTotp, GOOD_PASSWORD, signedInUser, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type AdminWorld, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

/** An instance admin with MFA on (admins must enrol before anything else), signed in. */
async function instanceAdmin() {
  const admin = await signedInUser(w.t, { admin: true, email: uniqueEmail("admin") });
  await enableTotp(w.t, admin.browser, admin.password);
  return admin;
}

const login = (email: string, password = GOOD_PASSWORD) =>
  new Browser(w.t.app, w.t.config.publicOrigin).post("/api/v1/auth/login", { email, password });

test("users: search, open an account, disable and enable it, reset its MFA, sign it out everywhere, give it a reset link", async () => {
  const admin = await instanceAdmin();
  const target = await signedInUser(w.t, { email: uniqueEmail("ana") });
  await enableTotp(w.t, target.browser, target.password);
  await signedInUser(w.t, { email: uniqueEmail("ben") });

  const { page, context, problems } = await w.open({ as: admin.browser });
  await page.goto(`${w.origin}/instance`);
  await page.getByRole("heading", { name: "Users", level: 2 }).waitFor();
  // The bar offers the instance pages to an instance admin (and marks them as the current place).
  const barLink = page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Instance" });
  expect(await barLink.getAttribute("aria-current")).toBe("page");
  const list = page.getByRole("list", { name: "Users" });
  await list.getByRole("listitem").first().waitFor();
  expect(await w.inspect(page, "instance-users")).toEqual([]);

  await page.getByLabel("Search accounts").fill(target.email);
  await page.getByText("1 of ").waitFor();
  expect(await list.getByRole("listitem").count()).toBe(1);
  await list.getByRole("button", { name: target.email }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByText("On (authenticator app)").waitFor();
  expect(await w.inspect(page, "instance-user-dialog")).toEqual([]);

  // Disable: the confirmation says what happens; afterwards the user cannot sign in.
  await dialog.getByRole("button", { name: "Disable account" }).click();
  const confirmDisable = dialog.getByRole("group", { name: "Disable account" });
  await confirmDisable.getByText("signed out everywhere at once").waitFor();
  expect(await w.inspect(page, "instance-user-confirm")).toEqual([]);
  await confirmDisable.getByRole("button", { name: "Disable account" }).click();
  await dialog.getByRole("status").getByText("is disabled and signed out everywhere").waitFor();
  await dialog.getByText("Disabled: cannot sign in").waitFor();
  expect((await target.browser.get("/api/v1/me")).status).toBe(401);
  const refused = await login(target.email);
  expect(refused.status).toBe(403);
  expect((await refused.json()).code).toBe("ACCOUNT_DISABLED");

  // Enable again: signing in works (the password, then the second factor).
  await dialog.getByRole("button", { name: "Enable account" }).click();
  await dialog.getByRole("group", { name: "Enable account" }).getByRole("button", { name: "Enable account" }).click();
  await dialog.getByRole("status").getByText("can sign in again").waitFor();
  const again = await login(target.email);
  expect(again.status).toBe(200);
  expect((await again.json()).mfaRequired).toBe(true);

  // Reset two-factor: the password alone signs in afterwards.
  await dialog.getByRole("button", { name: "Reset two-factor" }).click();
  const confirmMfa = dialog.getByRole("group", { name: "Reset two-factor" });
  await confirmMfa.getByText("Removes the authenticator and the recovery codes").waitFor();
  await confirmMfa.getByRole("button", { name: "Reset two-factor" }).click();
  await dialog.getByRole("status").getByText("Two-factor authentication of").waitFor();
  await dialog.getByText("No 2FA").waitFor();
  const withoutMfa = await login(target.email);
  expect((await withoutMfa.json()).status).toBe("signed_in");

  // Sign out everywhere: a browser signed in as the user is out on its next request.
  const laptop = new Browser(w.t.app, w.t.config.publicOrigin);
  expect((await laptop.post("/api/v1/auth/login", { email: target.email, password: target.password })).status).toBe(
    200,
  );
  expect((await laptop.get("/api/v1/me")).status).toBe(200);
  await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
  const confirmRevoke = dialog.getByRole("group", { name: "Sign out everywhere" });
  await confirmRevoke.getByText("revokes their API tokens").waitFor();
  await confirmRevoke.getByRole("button", { name: "Sign out everywhere" }).click();
  await dialog.getByRole("status").getByText("is signed out everywhere").waitFor();
  expect((await laptop.get("/api/v1/me")).status).toBe(401);

  // A reset link, shown to the admin (no SMTP here), works once.
  await dialog.getByText("This server sends no email").waitFor();
  await dialog.getByRole("button", { name: "Show a reset link" }).click();
  await dialog
    .getByRole("group", { name: "Show a reset link" })
    .getByRole("button", { name: "Show a reset link" })
    .click();
  const linkField = dialog.getByLabel("Reset link");
  await linkField.waitFor();
  const url = await linkField.inputValue();
  expect(url).toStartWith(`${w.origin}/reset-password#token=`);
  expect(await w.inspect(page, "instance-user-link")).toEqual([]);
  const token = new URL(url).hash.replace("#token=", "");
  const anon = new Browser(w.t.app, w.t.config.publicOrigin);
  const newPassword = "handed-over-passphrase-42";
  expect((await anon.post("/api/v1/auth/password-reset/complete", { token, newPassword })).status).toBe(200);
  expect((await login(target.email, newPassword)).status).toBe(200);

  // The admin's own account: nothing here can lock them out.
  await dialog.getByRole("button", { name: "Close" }).click();
  await page.getByLabel("Search accounts").fill(admin.email);
  await list.getByRole("button", { name: admin.email }).click();
  await dialog.getByText("This is your own account").waitFor();
  expect(await dialog.getByRole("button", { name: "Disable account" }).count()).toBe(0);

  expect(await problems()).toEqual([]);
  await context.close();
});

test("settings: the inactivity timeout changes after re-authentication; a value out of range is named beside its field", async () => {
  const admin = await instanceAdmin();
  const { page, context, problems } = await w.open({ as: admin.browser });
  await page.goto(`${w.origin}/instance/settings`);
  const idle = page.getByLabel("Sign out after inactivity (minutes)");
  await idle.waitFor();
  expect(await idle.inputValue()).toBe("30");
  expect(await w.inspect(page, "instance-settings")).toEqual([]);

  // The sign-in is older than 5 minutes: saving asks to confirm it is you, then goes on.
  w.t.clock.advance(6 * 60_000);
  await idle.fill("3");
  await page.getByRole("button", { name: "Save settings" }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.waitFor();
  expect(await w.inspect(page, "instance-reauth")).toEqual([]);
  await reauth.getByLabel("Password").fill("not-my-password-at-all");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await reauth.locator("#reauth-note.error").waitFor();
  await reauth.getByLabel("Password").fill(admin.password);
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await reauth.waitFor({ state: "detached" });
  // Retried after the confirmation: now the server names the field.
  await page.locator("#sessionIdleMinutes-note.error").waitFor();
  expect(await idle.getAttribute("aria-invalid")).toBe("true");
  expect(await w.inspect(page, "instance-settings-error")).toEqual([]);

  await idle.fill("15");
  await page.getByRole("button", { name: "Save settings" }).click();
  await page.getByRole("main").getByRole("status").getByText("sign-out after 15 min of inactivity").waitFor();
  const checker = await instanceAdmin();
  const settings = await (await checker.browser.get("/api/v1/instance/settings")).json();
  expect(settings.sessionIdleMinutes).toBe(15);
  expect(settings.sessionAbsoluteHours).toBe(12);
  // Back to the default for the other tests of this file.
  await checker.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 30 });

  expect(await problems()).toEqual([]);
  await context.close();
});

test("SSO: add a provider, edit it, remove it; the client secret is never in a response or the page", async () => {
  const admin = await instanceAdmin();
  const team = await (await admin.browser.post("/api/v1/teams", { name: "Acme support" })).json();
  const secret = `s3cret-${crypto.randomUUID()}`;
  const { page, context, problems } = await w.open({ as: admin.browser });
  const bodies: string[] = [];
  page.on("response", async (response) => {
    if (response.url().includes("/api/")) bodies.push(await response.text().catch(() => ""));
  });
  await page.goto(`${w.origin}/instance/sso`);
  await page.getByText("No provider yet").waitFor();
  expect(await page.getByLabel("Redirect URI to register with the provider").inputValue()).toBe(
    `${w.origin}/api/v1/auth/sso/callback`,
  );
  expect(await w.inspect(page, "instance-sso-empty")).toEqual([]);

  await page.getByRole("button", { name: "Add provider" }).click();
  const form = page.getByRole("region", { name: "Add provider" });
  await form.getByLabel("Name on the sign-in button").fill("Company login");
  await form.getByLabel("Issuer URL").fill("ftp://idp.example.eu");
  await form.getByLabel("Client ID").fill("loupe-client");
  await form.getByLabel("Client secret").fill(secret);
  await form.getByLabel("Allowed email domains").fill("example.eu, example.com");
  await form.getByLabel("Create an account at the first sign-in").check();
  await form.getByLabel("Add new accounts to a team (as reporters)").selectOption({ label: "Acme support" });
  await form.getByRole("button", { name: "Save provider" }).click();
  await form.locator("#sso-issuer-note.error").waitFor();
  expect(await w.inspect(page, "instance-sso-form")).toEqual([]);
  await form.getByLabel("Issuer URL").fill("https://idp.example.eu");
  await form.getByRole("button", { name: "Save provider" }).click();
  const card = page.getByRole("region", { name: "Company login" });
  await card.getByText("https://idp.example.eu").waitFor();
  await card.getByText("example.eu, example.com").waitFor();
  await card.getByText("Acme support").waitFor();
  expect(await w.inspect(page, "instance-sso")).toEqual([]);

  const stored = w.t.store.db.get<{ id: string; client_secret_sealed: string }>(
    "SELECT id, client_secret_sealed FROM oidc_providers",
  )!;
  const secretInPage = () =>
    page.evaluate(
      (s) =>
        document.documentElement.outerHTML.includes(s) ||
        [...document.querySelectorAll("input")].some((input) => input.value.includes(s)),
      secret,
    );
  expect(await secretInPage()).toBe(false);

  // Editing shows an empty secret field; leaving it empty keeps the stored secret.
  await card.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("region", { name: "Edit Company login" });
  expect(await edit.getByLabel("Client secret").inputValue()).toBe("");
  expect(await edit.getByLabel("Add new accounts to a team (as reporters)").inputValue()).toBe(team.id);
  await edit.getByLabel("Name on the sign-in button").fill("Company SSO");
  await edit.getByRole("button", { name: "Save provider" }).click();
  await page.getByRole("region", { name: "Company SSO" }).waitFor();
  const after = w.t.store.db.get<{ client_secret_sealed: string; jit_team_id: string }>(
    "SELECT client_secret_sealed, jit_team_id FROM oidc_providers WHERE id = ?",
    stored.id,
  )!;
  expect(after.client_secret_sealed).toBe(stored.client_secret_sealed);
  expect(after.jit_team_id).toBe(team.id);
  expect(await secretInPage()).toBe(false);
  expect(bodies.length).toBeGreaterThan(3);
  expect(bodies.filter((body) => body.includes(secret))).toEqual([]);
  // The sign-in page offers it.
  const offered = await (await new Browser(w.t.app, w.t.config.publicOrigin).get("/api/v1/auth/sso/providers")).json();
  expect(JSON.stringify(offered)).toContain("Company SSO");

  await page.getByRole("region", { name: "Company SSO" }).getByRole("button", { name: "Remove" }).click();
  const removal = page.getByRole("dialog", { name: "Remove" });
  await removal.getByText("Signing in with Company SSO stops at once").waitFor();
  await removal.getByRole("button", { name: "Remove" }).click();
  await page.getByText("No provider yet").waitFor();
  expect(w.t.store.db.all("SELECT id FROM oidc_providers")).toEqual([]);

  expect(await problems()).toEqual([]);
  await context.close();
});

test("audit: the trail names who did what; verification says verified, and names the entry where a tampered chain breaks", async () => {
  const admin = await instanceAdmin();
  const target = await signedInUser(w.t, { email: uniqueEmail("carla") });
  expect((await admin.browser.post(`/api/v1/instance/users/${target.user.id}/disable`)).status).toBe(200);
  const { page, context, problems } = await w.open({ as: admin.browser });
  await page.goto(`${w.origin}/instance/audit`);
  const entries = page.getByRole("list", { name: "Entries" });
  const disabled = entries.getByRole("listitem").filter({ hasText: "Account disabled" }).first();
  await disabled.getByText(`by ${admin.email} · concerning ${target.email}`).waitFor();

  // While the check runs (held here), the section shows progress and how many entries it checks.
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route("**/api/v1/instance/audit/verify", async (route) => {
    await held;
    await route.continue();
  });
  await page.getByRole("button", { name: "Verify the chain" }).click();
  const verify = page.getByRole("region", { name: "Chain verification" });
  const total = w.t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM audit_log")!.n;
  await verify.getByRole("progressbar", { name: `Checking ${total} entries…` }).waitFor();
  expect(await verify.getAttribute("aria-busy")).toBe("true");
  expect(await verify.getByRole("button", { name: "Working…" }).isDisabled()).toBe(true);
  expect(await w.inspect(page, "instance-audit-verifying")).toEqual([]);
  release();
  await verify.getByRole("status").getByText("Verified: the chain is intact up to entry").waitFor();
  await page.unroute("**/api/v1/instance/audit/verify");
  const last = w.t.store.db.get<{ seq: number }>("SELECT max(seq) AS seq FROM audit_log")!.seq;
  await verify.getByText(`up to entry ${last.toLocaleString("en-GB")}`).waitFor();
  expect(await w.inspect(page, "instance-audit")).toEqual([]);

  // An entry changed behind Loupe's back: the check names it (restored afterwards).
  const victim = w.t.store.db.get<{ seq: number; action: string }>(
    "SELECT seq, action FROM audit_log WHERE action = 'user.disabled' ORDER BY seq DESC LIMIT 1",
  )!;
  w.t.store.db.write((db) => db.run("UPDATE audit_log SET action = 'user.enabled' WHERE seq = ?", victim.seq));
  try {
    await page.getByRole("button", { name: "Verify the chain" }).click();
    await verify
      .getByRole("status")
      .getByText(`Broken at entry ${victim.seq}: the entry was changed after it was written.`)
      .waitFor();
    expect(await w.inspect(page, "instance-audit-broken")).toEqual([]);
  } finally {
    w.t.store.db.write((db) => db.run("UPDATE audit_log SET action = ? WHERE seq = ?", victim.action, victim.seq));
  }
  expect((await (await admin.browser.get("/api/v1/instance/audit/verify")).json()).ok).toBe(true);

  expect(await problems()).toEqual([]);
  await context.close();
});

test("health: ready, with the version, the database size and the disk", async () => {
  const admin = await instanceAdmin();
  const { page, context, problems } = await w.open({ as: admin.browser });
  await page.goto(`${w.origin}/instance/health`);
  await page.getByRole("heading", { name: "Ready" }).waitFor();
  await page.getByText("Loupe is ready: the database answers").waitFor();
  const facts = page.getByRole("region", { name: "This installation" });
  // createTestApp names its version "test"; the server's is package.json's.
  await facts
    .getByRole("definition")
    .filter({ hasText: /^test$/ })
    .waitFor();
  await facts.getByText(/\d(\.\d)? (kB|MB|GB) on disk \(file /).waitFor();
  await facts.getByText(/free of/).waitFor();
  await page.getByText("Database: OK").waitFor();
  // No backup has run in this world: the row says so (a warning, not "OK").
  await page.getByText("Backups: none yet").waitFor();
  expect(await w.inspect(page, "instance-health")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("in German: the users section and its dialog, in the browser's language", async () => {
  const admin = await instanceAdmin();
  const { page, context, problems } = await w.open({ as: admin.browser, locale: "de-DE" });
  await page.goto(`${w.origin}/instance/users`);
  await page.getByRole("heading", { name: "Benutzer", level: 2 }).waitFor();
  await page.getByLabel("Konten suchen").fill(admin.email);
  await page.getByRole("list", { name: "Benutzer" }).getByRole("button", { name: admin.email }).click();
  await page.getByRole("dialog").getByText("Das ist Ihr eigenes Konto").waitFor();
  expect(await w.inspect(page, "instance-user-dialog-de")).toEqual([]);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a non-admin: no Instance link, a plain refusal on the page, 403 from the API", async () => {
  const member = await signedInUser(w.t, { email: uniqueEmail("member") });
  const { page, context, problems } = await w.open({ as: member.browser });
  const instanceCalls: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/v1/instance")) instanceCalls.push(request.url());
  });
  await page.goto(`${w.origin}/instance/users`);
  await page.getByRole("heading", { name: "Only for instance administrators" }).waitFor();
  await page.getByText(`Your account (${member.email}) is not an instance administrator`).waitFor();
  expect(await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Instance" }).count()).toBe(
    0,
  );
  expect(await page.getByRole("list", { name: "Users" }).count()).toBe(0);
  expect(instanceCalls).toEqual([]);
  expect(await w.inspect(page, "instance-refused")).toEqual([]);
  for (const path of ["/users", "/settings", "/sso-providers", "/audit", "/audit/verify", "/health"]) {
    const res = await member.browser.get(`/api/v1/instance${path}`);
    expect(res.status).toBe(403);
    expect((await res.json()).code).toBe("FORBIDDEN");
  }
  expect((await member.browser.patch("/api/v1/instance/settings", { sessionIdleMinutes: 5 })).status).toBe(403);
  expect(await problems()).toEqual([]);
  await context.close();
});
