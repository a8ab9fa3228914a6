// The admin UI's first run (issue 9, page 1), in Chromium against a real server: the setup link
// creates the first admin and goes straight to MFA enrolment (the test reads the key and computes
// codes on the server's clock); sign out; sign in with password + TOTP; a recovery code works once.
// Every page under the UI's strict CSP with zero violations, and no request leaves Loupe's origin.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { generateSync } from "otplib";
import { prepareSetup } from "../../src/services/accounts/setup.ts";
import { type AdminWorld, startAdminWorld } from "./admin-world.ts";

let w: AdminWorld;
beforeAll(async () => {
  w = await startAdminWorld();
});
afterAll(async () => {
  await w?.close();
});

const totp = (secret: string) => generateSync({ secret, epoch: Math.floor(w.t.clock.now() / 1000) });

test("setup link → first admin → MFA enrolment → recovery codes → signed in; sign out; password + TOTP; a recovery code once", async () => {
  const { url } = prepareSetup(w.t.ctx, w.t.config.keyDir)!;
  const token = new URL(url).hash;
  const { page, problems } = await w.open();
  const origin = w.origin;
  const found: string[] = [];
  const response = await page.goto(`${origin}/setup${token}`);
  expect(response!.headers()["content-security-policy"]).toContain("script-src 'self'");
  expect(response!.headers()["cross-origin-opener-policy"]).toBe("same-origin");
  await page.getByRole("heading", { name: "Create the first administrator" }).waitFor();
  found.push(...(await w.inspect(page, "setup")));
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
  found.push(...(await w.inspect(page, "mfa-enrolment")));
  const secret = (await page.locator("[data-secret]").textContent())!;
  await page.getByLabel("Authentication code").fill("000000");
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByText("Not a valid code", { exact: false }).or(page.locator(".error")).first().waitFor();
  await page.getByLabel("Authentication code").fill(totp(secret));
  await page.getByRole("button", { name: "Confirm" }).click();
  await page.getByRole("heading", { name: "Your recovery codes" }).waitFor();
  const codes = await page.getByRole("list", { name: "Your recovery codes" }).getByRole("listitem").allTextContents();
  expect(codes).toHaveLength(10);
  found.push(...(await w.inspect(page, "recovery-codes")));
  await page.getByRole("button", { name: "Continue" }).click();
  // No team yet: the first thing offered is creating one.
  await page.getByRole("heading", { name: "Create your team" }).waitFor();
  found.push(...(await w.inspect(page, "create-team")));
  await page.getByLabel("Team name").fill("Acme");
  await page.getByRole("button", { name: "Create team" }).click();
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  found.push(...(await w.inspect(page, "inbox-empty")));
  // A project for the team's website, and its embed snippet.
  await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Projects" }).click();
  await page.getByLabel("Project name").fill("Shop");
  await page.getByLabel("Website that may send feedback").fill("https://shop.example.eu");
  await page.getByRole("button", { name: "Create project" }).click();
  const snippet = page.getByLabel("Embed snippet (before </body>)").first();
  await snippet.waitFor();
  expect(await snippet.inputValue()).toMatch(
    new RegExp(`^<script async src="${origin}/widget\\.js" data-project="lpk_[A-Za-z0-9_-]+"></script>$`),
  );
  found.push(...(await w.inspect(page, "projects")));
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();

  // Password, then the code (a later TOTP step: the enrolment's code is spent).
  w.t.clock.advance(30_000);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill(totp(secret));
  found.push(...(await w.inspect(page, "sign-in-code")));
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
  expect(found).toEqual([]);
  expect(await problems()).toEqual([]);
  await page.context().close();
});

test("a phone-sized sign-in page fits, and a signed-out visit to / goes to sign-in and back", async () => {
  const { page, problems } = await w.open({ width: 375 });
  await page.goto(`${w.origin}/`);
  await page.getByRole("heading", { name: "Sign in to Loupe" }).waitFor();
  expect(new URL(page.url()).searchParams.get("next")).toBe("/");
  const card = (await page.locator(".card").boundingBox())!;
  expect(card.x + card.width).toBeLessThanOrEqual(375);
  expect(await w.inspect(page, "sign-in")).toEqual([]);
  expect(await problems()).toEqual([]);
  await page.context().close();
});
