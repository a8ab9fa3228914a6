// The admin UI's first run (issue 9, page 1), in Chromium against a real server: the setup link
// creates the first admin and goes straight to MFA enrolment (the test reads the key and computes
// codes on the server's clock); sign out; sign in with password + TOTP; a recovery code works once.
// Every page under the UI's strict CSP with zero violations, and no request leaves Loupe's origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { generateSync } from "otplib";
import type { Browser, Page } from "playwright-core";
import { prepareSetup } from "../../src/services/accounts/setup.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";
import { launchChromium, saveScreenshot, watchViolations } from "./widget-world.ts";

let t: TestContext;
let server: ReturnType<typeof Bun.serve>;
let origin: string;
let browser: Browser;
beforeAll(async () => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch: (request, s) => t.app.fetch(request, { clientIp: s.requestIP(request)?.address }),
  });
  origin = `http://127.0.0.1:${server.port}`;
  // The public URL is this server's, so the API's same-origin rule accepts the UI's requests.
  t = createTestApp({ LOUPE_PUBLIC_URL: origin }, { passwords: fastPasswords() });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  server?.stop(true);
  t?.close();
});

const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(t.clock.now() / 1000) });

async function watchedPage(width = 1280): Promise<{ page: Page; check: () => Promise<void> }> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  const page = await context.newPage();
  const violations = await watchViolations(page);
  const foreign: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith("data:")) foreign.push(request.url());
  });
  return {
    page,
    check: async () => {
      expect(await violations()).toEqual([]);
      expect(foreign).toEqual([]);
    },
  };
}

test("setup link → first admin → MFA enrolment → recovery codes → signed in; sign out; password + TOTP; a recovery code once", async () => {
  const { url } = prepareSetup(t.ctx, t.config.keyDir)!;
  const token = new URL(url).hash;
  const { page, check } = await watchedPage();
  const response = await page.goto(`${origin}/setup${token}`);
  expect(response!.headers()["content-security-policy"]).toContain("script-src 'self'");
  expect(response!.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  await page.getByRole("heading", { name: "Create the first administrator" }).waitFor();
  await saveScreenshot(page, "ui/setup-1280");
  const email = "founder@example.eu";
  const password = "a long and memorable passphrase";
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Your name").fill("Founder <b>Bold</b>");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  // Straight to enrolment: the QR code is an image; the key is shown too.
  await page.getByRole("heading", { name: "Set up two-factor authentication" }).waitFor();
  expect(page.url()).toBe(`${origin}/account/mfa`);
  await page.getByRole("img", { name: "QR code for your authenticator app" }).waitFor();
  await saveScreenshot(page, "ui/mfa-enrolment-1280");
  const secret = (await page.locator("[data-secret]").textContent())!;
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Not a valid code", { exact: false }).or(page.locator(".error")).first().waitFor();
  await page.getByLabel("Authentication code").fill(totp(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
  const codes = await page.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  await saveScreenshot(page, "ui/recovery-codes-1280");
  await page.getByRole("button", { name: "Continue" }).click();
  // No team yet: the first thing offered is creating one.
  await page.getByRole("heading", { name: "Create your team" }).waitFor();
  await page.getByLabel("Team name").fill("Acme");
  await page.getByRole("button", { name: "Create team" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();

  // Password, then the code (a later TOTP step: the enrolment's code is spent).
  t.clock.advance(30_000);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill(totp(secret));
  await saveScreenshot(page, "ui/sign-in-code-1280");
  await page.getByRole("button", { name: "Verify" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByRole("button", { name: "Sign out" }).click();

  // A recovery code signs in once; the same code a second time is refused.
  for (const attempt of [1, 2]) {
    await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Use a recovery code instead" }).click();
    await page.getByLabel("Recovery code").fill(codes[0]!);
    await page.getByRole("button", { name: "Verify" }).click();
    if (attempt === 1) {
      await page.getByRole("heading", { name: "Inbox" }).waitFor();
      await page.getByRole("button", { name: "Sign out" }).click();
    } else {
      await page.locator("[aria-invalid=true], .error").first().waitFor();
      expect(page.url()).toBe(`${origin}/sign-in`);
    }
  }
  await check();
  await page.context().close();
});

test("a phone-sized sign-in page fits, and a signed-out visit to / goes to sign-in and back", async () => {
  const { page, check } = await watchedPage(375);
  await page.goto(`${origin}/`);
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect(new URL(page.url()).searchParams.get("next")).toBe("/");
  const card = (await page.locator(".card").boundingBox())!;
  expect(card.x + card.width).toBeLessThanOrEqual(375);
  await saveScreenshot(page, "ui/sign-in-375");
  await check();
  await page.context().close();
});
