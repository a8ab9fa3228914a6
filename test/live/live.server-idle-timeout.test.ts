// Invariant: the server's idle timeout never cuts a quiet live-update stream — the heartbeat comes at
// least twice within it — and a graceful stop does not wait on open streams: it ends them at once.
// These run over real sockets with real timers (scaled down: a 1 s idle timeout), since what is under
// test is Bun's own connection timer.
import { expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { totpCode } from "../../src/lib/totp.ts";
import { SERVER_IDLE_TIMEOUT_SECONDS, startServer } from "../../src/main.ts";
import { createLiveBus, HEARTBEAT_MS } from "../../src/services/live/bus.ts";
import { GOOD_PASSWORD, signedInUser } from "../support/accounts.ts";
import { Browser } from "../support/browser.ts";
import { captureLogs } from "../support/logs.ts";
import { SseReader } from "../support/sse.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp } from "../support/test-app.ts";

test("the heartbeat comes at least twice within the server's idle timeout", () => {
  expect(HEARTBEAT_MS * 2).toBeLessThanOrEqual(SERVER_IDLE_TIMEOUT_SECONDS * 1000);
});

/** A stream over a real socket to a Bun server with a 1 s idle timeout; how long it lasts (up to `forMs`) and its heartbeats. */
async function quietStream(heartbeatMs: number, forMs: number) {
  const t = createTestApp({}, { live: createLiveBus({ logger: captureLogs().logger, heartbeatMs }) });
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    reusePort: false,
    idleTimeout: 1,
    fetch: (request, srv) => t.app.fetch(request, { clientIp: srv.requestIP(request)?.address }),
  });
  try {
    const user = await signedInUser(t);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/v1/events`, {
      headers: { Cookie: user.browser.cookieHeader(), "Sec-Fetch-Site": "same-origin" },
    });
    expect(res.status).toBe(200);
    const sse = new SseReader(res);
    const started = Date.now();
    let heartbeats = 0;
    let cut = false;
    while (Date.now() - started < forMs) {
      const message = await sse.next(forMs).catch(() => {
        cut = true;
        return undefined;
      });
      if (!message) {
        cut = true;
        break;
      }
      if (message.comment === "heartbeat") heartbeats++;
    }
    await sse.cancel();
    return { heartbeats, cut, lasted: Date.now() - started };
  } finally {
    server.stop(true);
    t.close();
  }
}

test("a quiet stream stays open past the idle timeout by its heartbeat; without one it is cut (the control)", async () => {
  const kept = await quietStream(250, 3000);
  expect(kept.cut).toBe(false);
  expect(kept.heartbeats).toBeGreaterThanOrEqual(8);
  const control = await quietStream(60_000, 8000);
  expect(control.cut).toBe(true);
  expect(control.lasted).toBeLessThan(8000);
}, 20_000);

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
