// SSE connections per session (issue 11, request limits) over real sockets: a session holds at most
// MAX_STREAMS_PER_SESSION live-update streams (the next is 429 TOO_MANY_STREAMS problem+json), a
// browser that drops its connection gives its slot back (the server notices the closed socket; no
// sign-out needed), and HEAD of the stream is 405 without ever taking a slot.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { requestBindings } from "../../src/main.ts";
import { MAX_STREAMS_PER_SESSION } from "../../src/services/live/stream.ts";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext;
let server: ReturnType<typeof Bun.serve>;
let base: string;
beforeAll(() => {
  t = createTestApp();
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch: (request, s) => t.app.fetch(request, requestBindings(request, s)),
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  server.stop(true);
  t.close();
});

/** Resolves at the next slot the bus gives back (the server's side of a closed stream). */
function nextRelease(): Promise<void> {
  const original = t.live.release;
  return new Promise((resolve) => {
    t.live.release = (sessionId) => {
      original(sessionId);
      t.live.release = original;
      resolve();
    };
  });
}

test("at most MAX streams per session over real sockets; a dropped connection frees its slot; HEAD takes none", async () => {
  const user = await signedInUser(t);
  const headers = { Cookie: user.browser.cookieHeader(), "Sec-Fetch-Site": "same-origin" };

  // HEAD is refused before any stream opens: none of these holds a slot afterwards.
  for (let i = 0; i < MAX_STREAMS_PER_SESSION + 2; i++) {
    const head = await fetch(`${base}/api/v1/events`, { method: "HEAD", headers });
    expect([head.status, head.headers.get("Allow")]).toEqual([405, "GET"]);
  }

  const open: AbortController[] = [];
  for (let i = 0; i < MAX_STREAMS_PER_SESSION; i++) {
    const controller = new AbortController();
    const res = await fetch(`${base}/api/v1/events`, { headers, signal: controller.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    // The stream's first line: it is open on the server.
    expect(new TextDecoder().decode((await reader.read()).value)).toContain("retry:");
    open.push(controller);
  }
  const refused = await fetch(`${base}/api/v1/events`, { headers });
  expect(refused.status).toBe(429);
  expect(refused.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
  expect((await refused.json()).code).toBe("TOO_MANY_STREAMS");

  // A tab closed: the connection drops; the server releases that slot on its own.
  const released = nextRelease();
  open[0]!.abort();
  await released;
  const again = await fetch(`${base}/api/v1/events`, { headers });
  expect(again.status).toBe(200);
  await again.body!.cancel();
  for (const controller of open.slice(1)) controller.abort();
});
