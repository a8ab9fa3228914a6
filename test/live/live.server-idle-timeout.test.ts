// Invariant: the server's idle timeout never cuts a live-update stream (Bun counts a streamed body's
// writes as no activity: the route turns the timeout off for its accepted stream), the heartbeat comes
// at least twice within that timeout anyway, and a graceful stop does not wait on open streams: it ends
// them at once. These run over real sockets with real time (a 1 s idle timeout), since what is under
// test is Bun's own connection timer.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { totpCode } from "../../src/lib/totp.ts";
import { requestBindings, SERVER_IDLE_TIMEOUT_SECONDS, startServer } from "../../src/main.ts";
import { HEARTBEAT_MS } from "../../src/services/live/bus.ts";
import { GOOD_PASSWORD, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { captureLogs } from "../support/logs.ts";
import { SseReader } from "../support/sse.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp } from "../support/test-app.ts";

test("the heartbeat comes at least twice within the server's idle timeout", () => {
  expect(HEARTBEAT_MS * 2).toBeLessThanOrEqual(SERVER_IDLE_TIMEOUT_SECONDS * 1000);
});

/**
 * A quiet stream (this app's timers never fire: no heartbeat) over a real socket to a Bun server with
 * a 1 s idle timeout, given the server's bindings as main.ts gives them or only the peer address:
 * whether it is still open after `forMs` of real time, or was cut.
 */
async function quietStream(bindings: "main" | "address only", forMs: number) {
  const t = createTestApp();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    reusePort: false,
    idleTimeout: 1,
    fetch: (request, srv) =>
      t.app.fetch(
        request,
        bindings === "main" ? requestBindings(request, srv) : { clientIp: srv.requestIP(request)?.address },
      ),
  });
  try {
    const user = await signedInUser(t);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
      headers: { Cookie: user.browser.cookieHeader(), "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    const started = Date.now();
    // Real time is what this measures: the outcome is whichever comes first.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outcome = await Promise.race([
      (async () => {
        try {
          for (;;) if ((await reader.read()).done) return "ended";
        } catch {
          return "cut";
        }
      })(),
      new Promise<"open">((resolve) => {
        timer = setTimeout(() => resolve("open"), forMs);
      }),
    ]);
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
    return { outcome, lasted: Date.now() - started };
  } finally {
    server.stop(true);
    t.close();
  }
}

test("a quiet stream outlives the server's idle timeout; without the route's switch Bun cuts it (the control)", async () => {
  expect((await quietStream("main", 3000)).outcome).toBe("open");
  const control = await quietStream("address only", 12_000);
  expect(control.outcome).not.toBe("open");
  expect(control.lasted).toBeLessThan(12_000);
}, 30_000);

test("a graceful stop ends open streams at once instead of waiting out the shutdown timeout", async () => {
  const dir = tempDir();
  try {
    const config = loadConfig({
      LOUPE_DATA_DIR: join(dir.path, "data"),
      LOUPE_KEY_DIR: join(dir.path, "keys"),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_PORT: "0",
      LOUPE_SHUTDOWN_TIMEOUT_MS: "30000",
    });
    const handle = await startServer(config, { logger: captureLogs().logger, notice: () => {} });
    const browser = new Browser(null, config.publicOrigin);
    browser.server = `http://127.0.0.1:${handle.port}`;
    const token = (await Bun.file(join(config.keyDir, "setup-url.txt")).text()).trim().replace(/.*#token=/, "");
    const setup = await browser.post("/api/v1/setup", {
      token,
      email: "first.admin@example.test",
      displayName: "Admin",
      password: GOOD_PASSWORD,
    });
    expect(setup.status).toBe(201);
    // The first admin enrols in MFA before anything else, the stream included.
    const { secret } = (await (await browser.post("/api/v1/me/mfa/totp")).json()) as { secret: string };
    expect((await browser.post("/api/v1/me/mfa/totp/confirm", { code: totpCode(secret, Date.now()) })).status).toBe(
      200,
    );
    const res = await browser.get("/api/v1/events", { "Sec-Fetch-Site": "same-origin" });
    expect(res.status).toBe(200);
    const sse = new SseReader(res);
    expect((await sse.next())?.retry).toBeGreaterThan(0);
    const stopping = Date.now();
    await handle.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
    expect(await sse.rest(2000)).toEqual([]);
    expect(sse.ended).toBe(true);
  } finally {
    dir.remove();
  }
}, 20_000);
