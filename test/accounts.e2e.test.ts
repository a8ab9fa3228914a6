// Accounts end to end, as a new user would meet them, against the real server process: fresh
// install → setup link → first admin → sign in → enrol TOTP with an authenticator-compatible code →
// sign out → sign in with password + code → end that session from a second session → it gets 401.
// The server runs on a clock the test moves (test/support/clock-server.ts): no waiting for a TOTP step.
import { afterAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateSync } from "otplib";
import { Browser } from "./support/browser.ts";
import { type ClockServer, startClockServer } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

/** What an authenticator app does: read the otpauth:// URI, compute the code for the time on the clock. */
function authenticatorCode(otpauthUri: string, atMs: number): string {
  const uri = new URL(otpauthUri);
  expect(uri.protocol).toBe("otpauth:");
  expect(uri.host).toBe("totp");
  expect(uri.searchParams.get("issuer")).toBe("Loupe");
  return generateSync({
    secret: uri.searchParams.get("secret")!,
    period: Number(uri.searchParams.get("period") ?? 30),
    digits: 6,
    epoch: Math.floor(atMs / 1000),
  });
}

/** One second into a 30 s TOTP step. */
const START = Date.UTC(2026, 0, 5, 9, 0, 1);

async function nextTotpStep(server: ClockServer): Promise<void> {
  await server.advanceClock(30_000);
}

test("setup → admin → TOTP → sign out → password + code → revoked from a second session", async () => {
  // The public URL a reverse proxy would serve; the browsers' requests go to the port the server chose.
  const origin = "http://loupe.test";
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_PUBLIC_URL: origin,
  };
  const server = await startClockServer(env, START);
  const browser = (...args: [ip?: string, userAgent?: string]) => {
    const b = new Browser(null, origin, ...args);
    b.server = server.url;
    return b;
  };
  try {
    const setupUrl = new URL(readFileSync(join(env.LOUPE_KEY_DIR, "setup-url.txt"), "utf8").trim());
    const token = setupUrl.hash.replace("#token=", "");
    const email = "founder@example.eu";
    const password = "a long and memorable passphrase";

    const first = browser();
    expect((await first.post("/api/v1/setup", { token, email, displayName: "Founder", password })).status).toBe(201);
    expect((await first.post("/api/v1/auth/logout")).status).toBe(200);

    // Sign in: an admin without MFA must enrol before anything else.
    const signIn = await (await first.post("/api/v1/auth/login", { email, password })).json();
    expect(signIn).toMatchObject({ status: "signed_in", mfaEnrolmentRequired: true });
    expect((await first.get("/api/v1/instance/users")).status).toBe(403);
    const enrol = await (await first.post("/api/v1/me/mfa/totp")).json();
    expect(enrol.qrSvg).toStartWith("<svg");
    const confirm = await first.post("/api/v1/me/mfa/totp/confirm", {
      code: authenticatorCode(enrol.otpauthUri, server.now()),
    });
    expect(confirm.status).toBe(200);
    const { recoveryCodes } = await confirm.json();
    expect(recoveryCodes).toHaveLength(10);
    expect((await first.get("/api/v1/instance/users")).status).toBe(200);
    expect((await first.post("/api/v1/auth/logout")).status).toBe(200);
    expect((await first.get("/api/v1/me")).status).toBe(401);

    // Password + code (a later step: the enrolment's code is spent).
    await nextTotpStep(server);
    const challenge = await (await first.post("/api/v1/auth/login", { email, password })).json();
    expect(challenge.mfaRequired).toBe(true);
    expect(
      (
        await first.post("/api/v1/auth/mfa", {
          challenge: challenge.challenge,
          code: authenticatorCode(enrol.otpauthUri, server.now()),
        })
      ).status,
    ).toBe(200);
    const me = await (await first.get("/api/v1/me")).json();
    expect(me.user).toMatchObject({ email, isInstanceAdmin: true, mfaEnabled: true });

    // A second session (another browser, signing in with a recovery code) ends the first one.
    const second = browser("198.51.100.2", "Mozilla/5.0 (Macintosh; Mac OS X 14) Safari/605.1.15");
    const c2 = await (await second.post("/api/v1/auth/login", { email, password })).json();
    expect(
      (await second.post("/api/v1/auth/mfa", { challenge: c2.challenge, recoveryCode: recoveryCodes[0] })).status,
    ).toBe(200);
    const { sessions } = await (await second.get("/api/v1/me/sessions")).json();
    expect(sessions).toHaveLength(2);
    const firstSession = sessions.find((s: { current: boolean }) => !s.current);
    expect((await second.delete(`/api/v1/me/sessions/${firstSession.id}`)).status).toBe(200);
    expect((await first.get("/api/v1/me")).status).toBe(401);
    expect((await second.get("/api/v1/me")).status).toBe(200);
  } finally {
    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }
  // The whole run left no secret in the server's log.
  expect(server.stdout()).not.toContain("passphrase");
  expect(server.stdout()).not.toContain("founder@");
}, 120_000);
