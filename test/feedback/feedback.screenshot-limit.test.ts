// Invariant: LOUPE_SCREENSHOT_MAX_BYTES is the one screenshot limit: a screenshot up to it is refused by
// no other cap (Bun.serve's own included), and anything over it gets a 413 problem+json naming `screenshot`.
import { expect, test } from "bun:test";
import { loadConfig } from "../../src/config.ts";
import { bodyLimits, SCREENSHOT_MAX_BYTES } from "../../src/lib/body-limits.ts";
import { createApiToken } from "../../src/services/accounts/api-tokens.ts";
import { toAccount } from "../../src/services/accounts/users.ts";
import { signedInUser } from "../support/accounts.ts";
import { feedbackForm, pngOfSize } from "../support/images.ts";
import { CLI, startServerProcess } from "../support/subprocess.ts";

import { createTestApp, fastPasswords } from "../support/test-app.ts";

const MiB = 1024 * 1024;

test("every cap derives from the configured limit, in order: screenshot < feedback request < server", () => {
  for (const max of [SCREENSHOT_MAX_BYTES.min, SCREENSHOT_MAX_BYTES.default, 20 * MiB, SCREENSHOT_MAX_BYTES.max]) {
    const limits = bodyLimits(max);
    expect(limits.screenshot).toBe(max);
    expect(limits.feedbackRequest).toBeGreaterThan(limits.screenshot);
    expect(limits.server).toBeGreaterThan(limits.feedbackRequest);
  }
  const dirs = { LOUPE_DATA_DIR: "/tmp/x/data", LOUPE_KEY_DIR: "/tmp/x/keys" };
  expect(loadConfig(dirs).screenshotMaxBytes).toBe(SCREENSHOT_MAX_BYTES.default);
  expect(loadConfig({ ...dirs, LOUPE_SCREENSHOT_MAX_BYTES: String(SCREENSHOT_MAX_BYTES.max) }).screenshotMaxBytes).toBe(
    SCREENSHOT_MAX_BYTES.max,
  );
  expect(() => loadConfig({ ...dirs, LOUPE_SCREENSHOT_MAX_BYTES: String(SCREENSHOT_MAX_BYTES.max + 1) })).toThrow(
    "LOUPE_SCREENSHOT_MAX_BYTES",
  );
});

test("a real server configured for 20 MiB takes an 18 MiB screenshot and answers problem+json over 20 MiB", async () => {
  const max = 20 * MiB;
  const env = { LOUPE_SCREENSHOT_MAX_BYTES: String(max) };
  const t = createTestApp(env, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  // The server subprocess runs on the real clock: the token must be valid there.
  t.clock.set(Date.now());
  let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
  try {
    const owner = await signedInUser(t);
    const team = await (await owner.browser.post("/api/v1/teams", { name: "uploads" })).json();
    const project = await (await owner.browser.post(`/api/v1/teams/${team.id}/projects`, { name: "site" })).json();
    const { token } = createApiToken(t.ctx, {
      user: toAccount(owner.user),
      fields: { name: "uploads", scope: "write", expiresInDays: 1 },
    });
    t.store.close();

    server = await startServerProcess(CLI, {
      ...env,
      LOUPE_DATA_DIR: t.config.dataDir,
      LOUPE_KEY_DIR: t.config.keyDir,
      LOUPE_MASTER_KEY: (t.config.masterKey as { key: Buffer }).key.toString("base64"),
    });
    const submit = (bytes: Uint8Array) =>
      fetch(`${server!.url}/api/v1/teams/${team.id}/feedback`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: feedbackForm({ projectId: project.id, comment: "a large screenshot" }, { bytes }),
      });

    // Above Bun.serve's former fixed 16 MiB cap, below the configured limit: accepted.
    const big = await submit(pngOfSize(18 * MiB));
    expect(big.status).toBe(201);
    expect((await big.json()).screenshot.size).toBe(18 * MiB);

    // One byte over the limit (the request itself still fits the route's framing allowance): the service's 413.
    // Over the whole request allowance: the route's streaming 413. Both problem+json naming the field.
    for (const size of [max + 1, max + 512 * 1024]) {
      const res = await submit(pngOfSize(size));
      expect({ size, status: res.status }).toEqual({ size, status: 413 });
      expect(res.headers.get("Content-Type")).toContain("application/problem+json");
      const problem = await res.json();
      expect(problem.code).toBe("PAYLOAD_TOO_LARGE");
      expect(problem.errors).toEqual([{ field: "screenshot", message: `At most ${max} bytes.` }]);
    }
  } finally {
    server?.proc.kill("SIGTERM");
    if (server) expect(await server.exited).toBe(0);
    t.close();
  }
}, 60_000);
