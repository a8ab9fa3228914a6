// T-S3 — Absolute lifetime: with activity every minute, no request is accepted after
// created + ABSOLUTE, and re-issued tokens never extend past it.
import { afterAll, expect, test } from "bun:test";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp } from "../support/test-app.ts";

const t = createTestApp();
afterAll(() => t.close());
const MIN = 60_000;

test("T-S3: activity every minute for 12 h 10 min: nothing accepted after created + 12 h", async () => {
  const { browser } = await signedInUser(t);
  const created = t.clock.now();
  let lastOk = 0;
  let acceptedAfter = 0;
  for (let m = 1; m <= 12 * 60 + 10; m++) {
    t.clock.advance(MIN);
    const res = await browser.get("/api/v1/me");
    if (res.status === 200) {
      lastOk = t.clock.now();
      if (t.clock.now() > created + 12 * 3600_000) acceptedAfter++;
      const token = browser.cookies.get("loupe_session")!;
      const exp = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).exp * 1000;
      expect(exp).toBeLessThanOrEqual(created + 12 * 3600_000);
    }
  }
  expect(acceptedAfter).toBe(0);
  expect(lastOk).toBeGreaterThan(created + 11 * 3600_000);
});
