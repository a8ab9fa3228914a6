/// <reference path="../support/oidc-provider.d.ts" />
// The admin UI's account pages and sign-in extras (issue 9, pages 1 and 7), in Chromium against a real
// server: the name; the password (a wrong current password named beside its field, then signing in
// with the new one); sessions in two browsers (this one marked; the other revoked is sent to sign-in on
// its next call; everywhere else); a personal API token shown once, used as a Bearer token, revoked;
// two-factor on and off with new recovery codes; a password reset through a real SMTP server; an SSO
// button for a configured provider that signs in through a real OpenID Provider; German on the sign-in
// card and the account page. Every page passes axe-core, with zero CSP violations and no request off
// the origin (the OpenID Provider's own pages aside).
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import { totpCode } from "../../src/lib/totp.ts";
import { createUser } from "../../src/services/accounts/users.ts";
import { enableTotp, GOOD_PASSWORD, signedInUser, uniqueEmail } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { type Idp, startIdp } from "../support/oidc-idp.ts";
import { startSmtp } from "../support/smtp.ts";
import { type AdminWorld, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
  w = await startAdminWorld({}, { mailer: smtp.mailer });
  // Real time on the server's clock, so "2 minutes ago" reads as it would.
  w.t.clock.set(Date.now());
});
afterAll(async () => {
  await w?.close();
  await smtp?.stop();
});

type Account = { email: string; password: string };

async function newUser(prefix: string): Promise<Account> {
  const email = uniqueEmail(prefix);
  await createUser(w.t.ctx, { email, displayName: "Ada Lovelace", password: GOOD_PASSWORD, isInstanceAdmin: false });
  return { email, password: GOOD_PASSWORD };
}

/** Signs in through the sign-in page and waits for the page `next` leads to. */
async function signIn(page: Page, who: Account, next = "/account") {
  await page.goto(`${w.origin}/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password", { exact: true }).fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${w.origin}${next}`);
}

const me = (page: Page) =>
  page.evaluate(async () => {
    const response = await fetch("/api/v1/me");
    return { status: response.status, body: response.ok ? await response.json() : undefined };
  });

test("profile: the name changes and renders as text", async () => {
  const ada = await newUser("profile");
  const { page, context, problems } = await w.open();
  await signIn(page, ada);
  await page.getByRole("heading", { name: "Account", level: 1 }).waitFor();
  await page.getByRole("heading", { name: "Profile", level: 2 }).waitFor();
  expect(await page.getByLabel("Your name").inputValue()).toBe("Ada Lovelace");
  expect(await w.inspect(page, "account-profile")).toEqual([]);

  await page.getByLabel("Your name").fill("Ada <b>King</b>");
  await page.getByRole("button", { name: "Save name" }).click();
  await page.getByText("Name saved").waitFor();
  expect((await me(page)).body.user.displayName).toBe("Ada <b>King</b>");
  expect(await page.getByLabel("Your name").inputValue()).toBe("Ada <b>King</b>");
  expect(await page.locator("b").count()).toBe(0);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("every account section has its own address and passes axe-core at both widths, light and dark", async () => {
  const ada = await newUser("sections");
  const { page, context, problems } = await w.open();
  await signIn(page, ada);
  for (const [section, heading] of [
    ["email", "Email"],
    ["password", "Password"],
    ["two-factor", "Two-factor authentication"],
    ["sessions", "Sessions"],
    ["tokens", "API tokens"],
    ["sso", "Single sign-on"],
  ] as const) {
    await page.getByRole("navigation", { name: "Account sections" }).getByRole("link", { name: heading }).click();
    await page.getByRole("heading", { name: heading, level: 2 }).waitFor();
    expect(page.url()).toBe(`${w.origin}/account/${section}`);
    if (section === "sessions") await page.getByText("This browser", { exact: true }).waitFor();
    if (section === "tokens") await page.getByText("No API token yet.").waitFor();
    if (section === "sso") await page.getByText("No provider account is linked.").waitFor();
    expect(await w.inspect(page, `account-${section}`)).toEqual([]);
  }
  await page.goto(`${w.origin}/account/email`);
  await page.getByText(ada.email).waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
}, 120_000);

test("email: changing it asks to confirm it is you (a wrong password named beside the field), then changes it; deleting the account", async () => {
  const ada = await newUser("email");
  const { page, context, problems } = await w.open();
  await signIn(page, ada, "/account/email");
  // Long after signing in: the change needs a fresh confirmation.
  w.t.clock.advance(6 * 60_000);
  const next = uniqueEmail("changed");
  await page.getByLabel("New email address").fill(next);
  await page.getByRole("button", { name: "Change email" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await dialog.getByLabel("Password").fill("not my password at all");
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await dialog.getByText("That is not your password.").waitFor();
  expect(await dialog.getByLabel("Password").getAttribute("aria-invalid")).toBe("true");
  expect(await w.inspect(page, "account-reauth")).toEqual([]);
  await dialog.getByLabel("Password").fill(ada.password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Email changed").waitFor();
  await page.getByText(next).waitFor();
  expect((await me(page)).body.user.email).toBe(next);

  // Deleting the account (a confirmation naming it; the sign-in is still fresh) ends at sign-in.
  await page.getByRole("navigation", { name: "Account sections" }).getByRole("link", { name: "Profile" }).click();
  await page.getByRole("button", { name: "Delete my account" }).click();
  const confirm = page.getByRole("dialog", { name: "Delete my account" });
  await confirm.getByText(`Delete the account ${next}?`, { exact: false }).waitFor();
  await confirm.getByRole("button", { name: "Delete for good" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect((await me(page)).status).toBe(401);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("a confirmation left open does not follow to another page: leaving cancels the change it was for", async () => {
  const ada = await newUser("leave");
  const { page, context, problems } = await w.open();
  await signIn(page, ada, "/account/email");
  w.t.clock.advance(6 * 60_000);
  await page.getByLabel("New email address").fill(uniqueEmail("never"));
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByRole("dialog", { name: "Confirm it is you" }).waitFor();
  // Back in the browser's history (here: to the inbox) while the confirmation is open.
  await page.evaluate(() => {
    history.pushState(null, "", "/");
    dispatchEvent(new PopStateEvent("popstate"));
  });
  await page
    .getByRole("list", { name: "Inbox" })
    .or(page.getByRole("heading", { name: "Create your team" }))
    .first()
    .waitFor();
  expect(await page.getByRole("dialog", { name: "Confirm it is you" }).count()).toBe(0);
  expect((await me(page)).body.user.email).toBe(ada.email);
  // Back on the account page, a new change asks afresh, and that one goes through.
  await page.goto(`${w.origin}/account/email`);
  const next = uniqueEmail("after");
  await page.getByLabel("New email address").fill(next);
  await page.getByRole("button", { name: "Change email" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await dialog.getByLabel("Password").fill(ada.password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Email changed").waitFor();
  expect((await me(page)).body.user.email).toBe(next);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("password: a wrong current password is named beside its field; the right one changes it; the new one signs in", async () => {
  const ada = await newUser("password");
  const { page, context, problems } = await w.open();
  await signIn(page, ada, "/account/password");
  const fresh = "a brand new passphrase for ada";
  await page.getByLabel("New password", { exact: true }).fill("short");
  await page.getByText("Too short: 7 more characters needed.").waitFor();
  await page.getByLabel("Current password").fill("not-the-current-one");
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("Repeat the new password").fill(`${fresh}!`);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.locator("#repeatPassword-note.error", { hasText: "The two passwords differ." }).waitFor();
  await page.getByLabel("Repeat the new password").fill(fresh);
  await page.getByRole("button", { name: "Change password" }).click();
  const note = page.locator("#currentPassword-note.error");
  await note.waitFor();
  expect(await note.textContent()).toBe("The current password is wrong.");
  expect(await page.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
  expect(await w.inspect(page, "account-password-error")).toEqual([]);

  await page.getByLabel("Current password").fill(ada.password);
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("Repeat the new password").fill(fresh);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Password changed. Your other sessions were signed out.").waitFor();
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  await signIn(page, { email: ada.email, password: fresh }, "/account/password");
  expect((await me(page)).status).toBe(200);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("sessions: both browsers listed, this one marked; the other revoked goes to sign-in on its next call; everywhere else", async () => {
  const ada = await newUser("sessions");
  const a = await w.open();
  const b = await w.open();
  await signIn(b.page, ada, "/account/profile");
  await signIn(a.page, ada, "/account/sessions");
  const list = a.page.getByRole("list", { name: "Sessions" });
  await list.getByRole("listitem").nth(1).waitFor();
  expect(await list.getByRole("listitem").count()).toBe(2);
  const current = list.getByRole("listitem").filter({ hasText: "This browser" });
  expect(await current.count()).toBe(1);
  expect(await current.textContent()).toContain("Chrome on Linux");
  expect(await w.inspect(a.page, "account-sessions")).toEqual([]);

  await list
    .getByRole("listitem")
    .filter({ hasNotText: "This browser" })
    .getByRole("button", { name: /^Sign out/ })
    .click();
  await a.page.getByText("Session signed out").waitFor();
  await list.getByRole("listitem").nth(1).waitFor({ state: "detached" });
  // The revoked browser's next API call (opening another section) sends it to sign-in, and back after.
  await b.page.getByRole("navigation", { name: "Account sections" }).getByRole("link", { name: "Sessions" }).click();
  await b.page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect(b.page.url()).toBe(`${w.origin}/sign-in?next=${encodeURIComponent("/account/sessions")}`);

  // Two more sessions (a browser and a script's sign-in); "everywhere else" ends both.
  await signIn(b.page, ada, "/account/sessions");
  const script = new Browser(w.t.app, w.origin);
  expect((await script.post("/api/v1/auth/login", { email: ada.email, password: ada.password })).status).toBe(200);
  await a.page.reload();
  await list.getByRole("listitem").nth(2).waitFor();
  await a.page.getByRole("button", { name: "Sign out everywhere else" }).click();
  const dialog = a.page.getByRole("dialog", { name: "Sign out everywhere else" });
  await dialog.getByText("Sign out 2 other session(s)?").waitFor();
  await dialog.getByRole("button", { name: "Sign out everywhere else" }).click();
  await a.page.getByText("2 other session(s) signed out").waitFor();
  await list.getByRole("listitem").nth(1).waitFor({ state: "detached" });
  expect(await list.getByRole("listitem").count()).toBe(1);
  expect((await script.get("/api/v1/me")).status).toBe(401);
  expect((await me(b.page)).status).toBe(401);
  expect((await me(a.page)).status).toBe(200);
  for (const { problems, context } of [a, b]) {
    expect(await problems()).toEqual([]);
    await context.close();
  }
});

test("API tokens: created after confirming it is you, shown once, works as a Bearer token; revoked → 401", async () => {
  const ada = await newUser("tokens");
  const { page, context, problems } = await w.open();
  await signIn(page, ada, "/account/tokens");
  await page.getByText("No API token yet.").waitFor();
  w.t.clock.advance(6 * 60_000);
  await page.getByLabel("Name").fill("CI export <script>");
  await page.getByLabel("Access").selectOption("read");
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Create token" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await dialog.getByLabel("Password").fill(ada.password);
  await dialog.getByRole("button", { name: "Confirm" }).click();
  const secretField = page.getByRole("textbox", { name: "New API token" });
  await secretField.waitFor();
  const secret = await secretField.inputValue();
  expect(secret.length).toBeGreaterThan(30);
  await page.getByText("Copy it now: it is shown only once.").waitFor();
  expect(await w.inspect(page, "account-tokens-created")).toEqual([]);

  const bearer = (token: string) => fetch(`${w.origin}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
  const asToken = await bearer(secret);
  expect(asToken.status).toBe(200);
  expect((await asToken.json()).user.email).toBe(ada.email);

  await page.getByRole("button", { name: "Done" }).click();
  await secretField.waitFor({ state: "detached" });
  await page.reload();
  const row = page.getByRole("list", { name: "API tokens" }).getByRole("listitem");
  await row.first().waitFor();
  expect(await row.textContent()).toContain("CI export <script>");
  expect(await row.textContent()).toContain("Read only");
  expect(await page.content()).not.toContain(secret);
  expect(await w.inspect(page, "account-tokens")).toEqual([]);

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("dialog", { name: "Revoke" }).getByRole("button", { name: "Revoke" }).click();
  await page.getByText("Token revoked").waitFor();
  await page.getByText("No API token yet.").waitFor();
  expect((await bearer(secret)).status).toBe(401);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("two-factor: set up from the account (QR page), new recovery codes after confirming with a code, turned off", async () => {
  const ada = await newUser("totp");
  const { page, context, problems } = await w.open();
  await signIn(page, ada, "/account/two-factor");
  await page.getByText("Off", { exact: true }).waitFor();
  await page.getByRole("link", { name: "Set up two-factor authentication" }).click();
  await page.getByRole("heading", { name: "Set up two-factor authentication" }).waitFor();
  await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
  expect(await w.inspect(page, "mfa-enrolment")).toEqual([]);
  const secret = (await page.locator("[data-secret]").textContent())!;
  await page.getByLabel("Authentication code").fill(totpCode(secret, w.t.clock.now()));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.waitForURL(`${w.origin}/account/two-factor`);
  await page.getByText("On", { exact: true }).waitFor();
  await page.getByText("10 recovery codes left.").waitFor();

  // Later: new codes need a fresh confirmation, here with an authentication code instead of the password.
  w.t.clock.advance(6 * 60_000);
  await page.getByRole("button", { name: "New recovery codes" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm it is you" });
  await dialog.getByRole("button", { name: "Use an authentication code instead" }).click();
  await dialog.getByLabel("Authentication code").fill(totpCode(secret, w.t.clock.now()));
  await dialog.getByRole("button", { name: "Confirm" }).click();
  const codes = page.getByRole("list", { name: "New recovery codes" }).getByRole("listitem");
  await codes.first().waitFor();
  expect(await codes.count()).toBe(10);
  expect(await w.inspect(page, "account-two-factor-on")).toEqual([]);
  await page.getByRole("button", { name: "I have saved them" }).click();

  await page.getByRole("button", { name: "Turn off two-factor authentication" }).click();
  await page
    .getByRole("dialog", { name: "Turn off two-factor authentication" })
    .getByRole("button", { name: "Turn off" })
    .click();
  await page.getByText("Two-factor authentication is off").waitFor();
  await page.getByText("Off", { exact: true }).waitFor();
  expect((await me(page)).body.user.mfaEnabled).toBe(false);
  expect(await problems()).toEqual([]);
  await context.close();
});

test("password reset end to end: a neutral answer, the emailed link opens /reset-password#token=…, sign in with the new one", async () => {
  const ada = await newUser("reset");
  const { page, context, problems } = await w.open();
  await page.goto(`${w.origin}/sign-in`);
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByRole("heading", { name: "Reset your password" }).waitFor();
  expect(await w.inspect(page, "reset-request")).toEqual([]);
  // An unknown address gets the very same answer.
  const unknown = uniqueEmail("nobody");
  await page.getByLabel("Email").fill(unknown);
  await page.getByRole("button", { name: "Send reset link" }).click();
  const neutral = (email: string) => `If an account exists for ${email}, a reset link is on its way.`;
  await page.getByText(neutral(unknown)).waitFor();
  await page.getByRole("link", { name: "Back to sign-in" }).click();
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill(ada.email);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await page.getByText(neutral(ada.email)).waitFor();
  expect(await w.inspect(page, "reset-sent")).toEqual([]);

  const mail = await smtp.waitForMail((m) => m.to.includes(ada.email));
  expect(smtp.mails.some((m) => m.to.includes(unknown))).toBe(false);
  const link = /https?:\/\/\S+\/reset-password#token=[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  expect(link?.startsWith(`${w.origin}/reset-password#token=`)).toBe(true);
  await page.goto(link!);
  await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
  const fresh = "reset to a brand new passphrase";
  await page.getByLabel("New password", { exact: true }).fill(fresh);
  await page.getByLabel("Repeat the new password").fill(fresh);
  expect(await w.inspect(page, "reset-complete")).toEqual([]);
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.getByRole("heading", { name: "Password changed" }).waitFor();
  expect(page.url()).toBe(`${w.origin}/reset-password`);
  expect(await w.inspect(page, "reset-done")).toEqual([]);
  await page.getByRole("link", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  await page.getByLabel("Email").fill(ada.email);
  await page.getByLabel("Password", { exact: true }).fill(fresh);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { name: "Create your team" }).waitFor();

  // The link works once.
  await page.goto(link!);
  await page.getByLabel("New password", { exact: true }).fill("yet another new passphrase");
  await page.getByLabel("Repeat the new password").fill("yet another new passphrase");
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.getByText("This reset link is invalid, used or expired. Ask for a new one.").waitFor();
  await page.getByRole("button", { name: "Send reset link" }).waitFor();
  expect(await problems()).toEqual([]);
  await context.close();
});

test("German: the switch on the sign-in card and in the profile re-renders the UI, sets <html lang>, and is remembered", async () => {
  const ada = await newUser("deutsch");
  const { page, context, problems } = await w.open();
  await page.goto(`${w.origin}/sign-in`);
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("en");
  await page.getByLabel("Language").selectOption("de");
  await page.getByRole("heading", { name: "Bei Loupe anmelden" }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("de");
  await page.getByRole("link", { name: "Passwort vergessen?" }).waitFor();
  expect(await page.evaluate(() => localStorage.getItem("loupe.admin.locale"))).toBe("de");
  expect(await w.inspect(page, "sign-in-de")).toEqual([]);
  await page.reload();
  await page.getByRole("heading", { name: "Bei Loupe anmelden" }).waitFor();
  await page.getByLabel("E-Mail").fill(ada.email);
  await page.getByLabel("Passwort", { exact: true }).fill(ada.password);
  await page.getByRole("button", { name: "Anmelden", exact: true }).click();
  await page.getByRole("heading", { name: "Team anlegen" }).waitFor();
  await page.goto(`${w.origin}/account`);
  await page.getByRole("heading", { name: "Konto", level: 1 }).waitFor();
  await page.getByRole("heading", { name: "Profil", level: 2 }).waitFor();
  await page.getByRole("link", { name: "Sitzungen" }).click();
  await page.getByText("Dieser Browser", { exact: true }).waitFor();
  expect(await w.inspect(page, "account-sessions-de")).toEqual([]);
  await page.getByRole("link", { name: "Profil" }).click();
  await page.getByRole("combobox", { name: "Sprache" }).selectOption("en");
  await page.getByRole("heading", { name: "Profile", level: 2 }).waitFor();
  expect(await page.locator("html").getAttribute("lang")).toBe("en");
  expect(await page.evaluate(() => localStorage.getItem("loupe.admin.locale"))).toBe("en");
  expect(await problems()).toEqual([]);
  await context.close();
});

/** One OpenID Provider for the SSO tests, configured through the instance API by an admin. */
let sso: Promise<{ idp: Idp }> | undefined;
function ssoWorld() {
  sso ??= (async () => {
    const idp = await startIdp(`${w.origin}/api/v1/auth/sso/callback`);
    const admin = await signedInUser(w.t, { admin: true });
    await enableTotp(w.t, admin.browser, admin.password);
    const created = await admin.browser.post("/api/v1/instance/sso-providers", {
      name: "Corp IdP",
      preset: "generic",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      jitEnabled: true,
    });
    expect(created.status).toBe(201);
    return { idp };
  })();
  return sso;
}
afterAll(async () => {
  await (await sso)?.idp.stop();
});

/** Every problem but requests to the OpenID Provider (its own pages, by design off Loupe's origin). */
const offProvider = (found: string[], idp: Idp) =>
  found.filter((p) => !p.startsWith(`request off the origin: ${idp.issuer}/`));

test("SSO: a configured provider gets a button on the sign-in card that signs in through the provider; the account lists it", async () => {
  const { idp } = await ssoWorld();
  idp.accounts.set("grace", { email: "grace@corp.example", email_verified: true, name: "Grace Hopper" });
  idp.nextLogin = { accountId: "grace", amr: ["pwd"] };

  const { page, context, problems } = await w.open();
  await page.goto(`${w.origin}/sign-in?next=${encodeURIComponent("/account/sso")}`);
  const button = page.getByRole("button", { name: "Sign in with Corp IdP" });
  await button.waitFor();
  expect(await w.inspect(page, "sign-in")).toEqual([]);
  await button.click();
  // Through the provider's pages and back, signed in, to where the sign-in page was asked to go.
  await page.waitForURL(`${w.origin}/account/sso`);
  const linked = page.getByRole("list", { name: "Linked accounts" }).getByRole("listitem");
  await linked.first().waitFor();
  expect(await linked.textContent()).toContain("Corp IdP");
  expect((await me(page)).body.user.email).toBe("grace@corp.example");
  expect(await w.inspect(page, "account-sso-linked")).toEqual([]);
  // Its only way in: unlinking is refused with the API's reason.
  await linked.getByRole("button", { name: "Unlink" }).click();
  const dialog = page.getByRole("dialog", { name: "Unlink" });
  await dialog.getByRole("button", { name: "Unlink" }).click();
  await dialog.getByText("This is your only way to sign in", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect(await linked.count()).toBe(1);
  expect(offProvider(await problems(), idp)).toEqual([]);
  await context.close();
});

test("SSO: a provider account with a local account's email is linked only once that account signs in; unlink and link again", async () => {
  const { idp } = await ssoWorld();
  const ada = await newUser("pending");
  idp.accounts.set("ada-at-corp", { email: ada.email, email_verified: true });
  idp.nextLogin = { accountId: "ada-at-corp", amr: ["pwd"] };
  const { page, context, problems } = await w.open();

  // What the callback reports in the fragment is said in words, and taken out of the address.
  await page.goto(`${w.origin}/sign-in#ssoError=not_provisioned`);
  await page.getByRole("alert").getByText("you have no Loupe account", { exact: false }).waitFor();
  expect(page.url()).toBe(`${w.origin}/sign-in`);

  await page.getByRole("button", { name: "Sign in with Corp IdP" }).click();
  await page.getByText("A Loupe account already uses this email address.", { exact: false }).waitFor();
  expect(page.url()).toBe(`${w.origin}/sign-in`);
  expect((await me(page)).status).toBe(401);
  expect(await page.getByRole("button", { name: "Sign in with Corp IdP" }).count()).toBe(0);
  expect(await w.inspect(page, "sign-in-sso-link")).toEqual([]);
  await page.getByLabel("Email").fill(ada.email);
  await page.getByLabel("Password", { exact: true }).fill(ada.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(`${w.origin}/account/sso`);
  const linked = page.getByRole("list", { name: "Linked accounts" }).getByRole("listitem");
  await linked.first().waitFor();
  expect(await linked.textContent()).toContain("Corp IdP");

  // With a password, unlinking is allowed; linking again goes through the provider and back here.
  await linked.getByRole("button", { name: "Unlink" }).click();
  await page.getByRole("dialog", { name: "Unlink" }).getByRole("button", { name: "Unlink" }).click();
  await page.getByText("Corp IdP unlinked").waitFor();
  await page.getByText("No provider account is linked.").waitFor();
  expect(await w.inspect(page, "account-sso")).toEqual([]);
  await page.getByRole("button", { name: "Link Corp IdP" }).click();
  await page.waitForURL(`${w.origin}/account/sso`);
  await linked.first().waitFor();
  expect(await linked.count()).toBe(1);
  expect((await me(page)).body.user.email).toBe(ada.email);
  expect(offProvider(await problems(), idp)).toEqual([]);
  await context.close();
});
