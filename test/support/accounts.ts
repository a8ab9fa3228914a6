import { totpCode } from "../../src/lib/totp.ts";
import { createUser } from "../../src/services/accounts/users.ts";
import { Browser } from "./browser.ts";
import type { TestContext } from "./test-app.ts";

export const GOOD_PASSWORD = "violet-harbour-tangent-94";

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}${counter}.${Date.now() % 100000}@example.test`;
}

/** A user created through the service, signed in through the API in a fresh Browser. */
export async function signedInUser(
  t: TestContext,
  options: { admin?: boolean; email?: string; password?: string } = {},
) {
  const email = options.email ?? uniqueEmail();
  const password = options.password ?? GOOD_PASSWORD;
  const user = await createUser(t.ctx, {
    email,
    displayName: "Test User",
    password,
    isInstanceAdmin: options.admin === true,
  });
  const browser = new Browser(t.app, t.config.publicOrigin);
  const res = await browser.post("/api/v1/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return { user, email, password, browser };
}

/** Turns TOTP on for a signed-in browser (re-auth, enrol, confirm); returns the secret and recovery codes. */
export async function enableTotp(t: TestContext, browser: Browser, password: string) {
  const reauth = await browser.post("/api/v1/auth/reauth", { password });
  if (reauth.status !== 200) throw new Error(`reauth failed: ${reauth.status} ${await reauth.text()}`);
  const start = await browser.post("/api/v1/me/mfa/totp");
  if (start.status !== 200) throw new Error(`enrol failed: ${start.status} ${await start.text()}`);
  const { secret } = (await start.json()) as { secret: string };
  const confirm = await browser.post("/api/v1/me/mfa/totp/confirm", { code: totpCode(secret, t.clock.now()) });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${await confirm.text()}`);
  const { recoveryCodes } = (await confirm.json()) as { recoveryCodes: string[] };
  // The next code must come from a later step (the one just used is consumed).
  t.clock.advance(30_000);
  return { secret, recoveryCodes };
}

/** Password + TOTP sign-in in a fresh browser. */
export async function signInWithTotp(
  t: TestContext,
  email: string,
  password: string,
  secret: string,
  browser = new Browser(t.app, t.config.publicOrigin),
) {
  const first = await browser.post("/api/v1/auth/login", { email, password });
  const body = (await first.json()) as { challenge?: string };
  if (!body.challenge) throw new Error(`expected an MFA challenge: ${JSON.stringify(body)}`);
  const second = await browser.post("/api/v1/auth/mfa", {
    challenge: body.challenge,
    code: totpCode(secret, t.clock.now()),
  });
  if (second.status !== 200) throw new Error(`mfa failed: ${second.status} ${await second.text()}`);
  t.clock.advance(30_000);
  return browser;
}

/** The same account signed in from a second browser (another IP and user agent). */
export async function secondBrowser(t: TestContext, email: string, password: string): Promise<Browser> {
  const b = new Browser(t.app, t.config.publicOrigin, "198.51.100.20", "Mozilla/5.0 (Windows NT 10.0) Chrome/140.0");
  const res = await b.post("/api/v1/auth/login", { email, password });
  if (res.status !== 200) throw new Error(`second sign-in failed: ${res.status}`);
  return b;
}
