// Request limits (issue 11, T-V1, T-R7): every body-size class answers 413 problem+json naming the
// body while the body streams in — a declared Content-Length over the limit before a byte is read, a
// chunked body (no length) as soon as it passes the limit, with bodies that never end, so an answer
// at all proves nobody waited for the end; JSON nested deeper than JSON_MAX_DEPTH is a 400 naming the
// field before anything parses it; and the real server (main.ts) answers oversized headers with
// Bun's own 431 and bodies above its cap with Bun's own 413, and goes on serving.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadConfig } from "../../src/config.ts";
import { bodyLimits, excessiveNesting, JSON_BODY_MAX_BYTES, JSON_MAX_DEPTH } from "../../src/lib/body-limits.ts";
import { type ServerHandle, startServer } from "../../src/main.ts";
import { signedInUser } from "../support/accounts.ts";
import { captureLogs } from "../support/logs.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

const CHUNK = 16 * 1024;
const SCREENSHOT_MAX = 10_000;

/** A body that never ends: 16 KB chunks for as long as someone reads; `pulled` counts what was read. */
function endless() {
  const counter = { pulled: 0 };
  const chunk = new Uint8Array(CHUNK).fill(0x20);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        counter.pulled += CHUNK;
        controller.enqueue(chunk);
      },
      // Nothing is produced before someone reads.
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

describe("each body-size class, through the app", () => {
  let t: TestContext;
  let owner: Awaited<ReturnType<typeof signedInUser>>;
  let teamId: string;
  let widgetKey: string;
  const ORIGIN = "https://shop.example.test";
  beforeAll(async () => {
    t = createTestApp({ LOUPE_SCREENSHOT_MAX_BYTES: String(SCREENSHOT_MAX) });
    owner = await signedInUser(t);
    teamId = (await (await owner.browser.post("/api/v1/teams", { name: "Limits" })).json()).id;
    const project = await owner.browser.post(`/api/v1/teams/${teamId}/projects`, {
      name: "Shop",
      settings: { allowedOrigins: [ORIGIN] },
    });
    widgetKey = (await project.json()).widgetKey;
  });
  afterAll(() => t.close());

  const classes = () => [
    {
      name: "a JSON route (sign-in)",
      path: "/api/v1/auth/login",
      headers: { Origin: t.config.publicOrigin, "X-Requested-With": "loupe" } as Record<string, string>,
      limit: JSON_BODY_MAX_BYTES,
      field: "body",
    },
    {
      name: "a JSON route of a signed-in user",
      path: `/api/v1/teams/${teamId}/labels`,
      headers: { Origin: t.config.publicOrigin, "X-Requested-With": "loupe", Cookie: owner.browser.cookieHeader() },
      limit: JSON_BODY_MAX_BYTES,
      field: "body",
    },
    {
      name: "the team's feedback submission",
      path: `/api/v1/teams/${teamId}/feedback`,
      headers: { Origin: t.config.publicOrigin, "X-Requested-With": "loupe", Cookie: owner.browser.cookieHeader() },
      limit: bodyLimits(SCREENSHOT_MAX).feedbackRequest,
      field: "screenshot",
    },
    {
      name: "the widget's submission",
      path: `/api/v1/widget/${widgetKey}/feedback`,
      headers: { Origin: ORIGIN } as Record<string, string>,
      limit: bodyLimits(SCREENSHOT_MAX).feedbackRequest,
      field: "screenshot",
    },
  ];

  test("a chunked body (no Content-Length) that never ends: 413 once past the limit, read no further", async () => {
    for (const c of classes()) {
      const { stream, counter } = endless();
      const res = await t.app.request(
        c.path,
        {
          method: "POST",
          headers: { ...c.headers, "Content-Type": "application/json" },
          body: stream,
          duplex: "half",
        } as RequestInit,
        { clientIp: "203.0.113.9" },
      );
      expect([c.name, res.status]).toEqual([c.name, 413]);
      const problem = await res.json();
      expect([c.name, problem.code, problem.errors?.[0]?.field]).toEqual([c.name, "PAYLOAD_TOO_LARGE", c.field]);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json; charset=utf-8");
      // Read up to the limit and at most a chunk or two beyond (the stream's read-ahead): never the rest.
      expect(counter.pulled).toBeGreaterThan(c.limit);
      expect(counter.pulled).toBeLessThanOrEqual(c.limit + 3 * CHUNK);
    }
  });

  test("a declared Content-Length over the limit: 413 before a byte of the body is read", async () => {
    for (const c of classes()) {
      const { stream, counter } = endless();
      const res = await t.app.request(
        c.path,
        {
          method: "POST",
          headers: { ...c.headers, "Content-Type": "application/json", "Content-Length": String(c.limit + 1) },
          body: stream,
          duplex: "half",
        } as RequestInit,
        { clientIp: "203.0.113.9" },
      );
      expect([c.name, res.status, (await res.json()).errors?.[0]?.field]).toEqual([c.name, 413, c.field]);
      expect([c.name, counter.pulled]).toEqual([c.name, 0]);
    }
  });

  test("pages, files and health take no body: any method with one is 405 before a byte is read", async () => {
    for (const [method, path] of [
      ["POST", "/account"],
      ["PUT", "/widget.js"],
      ["POST", "/healthz"],
      ["PATCH", "/api/openapi.json"],
    ] as const) {
      const { stream, counter } = endless();
      const res = await t.app.request(path, {
        method,
        headers: { "Content-Type": "application/json" },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect([method, path, res.status, counter.pulled]).toEqual([method, path, 405, 0]);
    }
  });

  test("at the limit, a JSON body still reaches validation (400 naming its fields, not 413)", async () => {
    const c = classes()[0]!;
    const body = JSON.stringify({ email: "x@example.test", password: "p", pad: " ".repeat(JSON_BODY_MAX_BYTES - 80) });
    expect(body.length).toBeLessThanOrEqual(JSON_BODY_MAX_BYTES);
    const res = await t.app.request(c.path, {
      method: "POST",
      headers: { ...c.headers, "Content-Type": "application/json" },
      body,
    });
    expect(res.status).toBe(400);
  });

  test(`JSON nested deeper than ${JSON_MAX_DEPTH} levels: 400 naming the field, on every class, before parsing`, async () => {
    const nest = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    // One level under the top object, so `depth` here is the depth of the whole body minus one.
    for (const c of classes()) {
      const deep = `{"comment":"deep","metadata":${nest(JSON_MAX_DEPTH)}}`;
      const res = await t.app.request(
        c.path,
        { method: "POST", headers: { ...c.headers, "Content-Type": "application/json" }, body: deep },
        { clientIp: "203.0.113.9" },
      );
      const problem = await res.json();
      expect([c.name, res.status, problem.code, problem.errors]).toEqual([
        c.name,
        400,
        "VALIDATION_FAILED",
        [{ field: "metadata", message: `Nested deeper than ${JSON_MAX_DEPTH} levels.` }],
      ]);
    }
    // The submission's multipart payload part is checked the same way, naming its field.
    const form = new FormData();
    form.set("payload", `{"comment":"deep","metadata":${nest(JSON_MAX_DEPTH)}}`);
    const multipart = await t.app.request(`/api/v1/widget/${widgetKey}/feedback`, {
      method: "POST",
      headers: { Origin: ORIGIN },
      body: form,
    });
    expect([multipart.status, (await multipart.json()).errors]).toEqual([
      400,
      [{ field: "metadata", message: `Nested deeper than ${JSON_MAX_DEPTH} levels.` }],
    ]);
    // A deep top-level array names the body; a key that is not a plain name is not echoed.
    for (const [body, field] of [
      [nest(JSON_MAX_DEPTH + 1), "body"],
      [`{"<b>x</b>":${nest(JSON_MAX_DEPTH)}}`, "body"],
    ] as const) {
      const res = await t.app.request(`/api/v1/teams/${teamId}/labels`, {
        method: "POST",
        headers: { ...classes()[1]!.headers, "Content-Type": "application/json" },
        body,
      });
      expect([res.status, (await res.json()).errors[0].field]).toEqual([400, field]);
    }
  });

  test("the depth scan: brackets in strings do not count, escapes are honoured, linear on 1 MB", () => {
    const nest = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
    expect(excessiveNesting(nest(32), 32)).toBeUndefined();
    expect(excessiveNesting(nest(33), 32)).toEqual({ key: undefined });
    expect(excessiveNesting(`{"a":"${"[".repeat(100)}","b":1}`, 32)).toBeUndefined();
    expect(excessiveNesting(`{"a":"\\"${"{".repeat(100)}"}`, 32)).toBeUndefined();
    expect(excessiveNesting(`{"a":{"b":1},"c":${nest(32)}}`, 32)).toEqual({ key: "c" });
    expect(excessiveNesting(`{"a":[1,2],"b":"x"}`, 1)).toEqual({ key: "a" });
    // Sequential siblings do not add up: depth is nesting, not a count of brackets.
    expect(excessiveNesting(`[${Array.from({ length: 10_000 }, () => "[[]]").join(",")}]`, 3)).toBeUndefined();
    expect(excessiveNesting(`"${"x".repeat(1_000_000)}"`, 32)).toBeUndefined();
  });
});

describe("the real server (main.ts): Bun's own limits in front of the app", () => {
  let handle: ServerHandle;
  let dir: ReturnType<typeof tempDir>;
  let origin: string;
  beforeAll(async () => {
    dir = tempDir();
    const config = loadConfig({
      LOUPE_DATA_DIR: join(dir.path, "data"),
      LOUPE_KEY_DIR: join(dir.path, "keys"),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_PORT: "0",
      LOUPE_HOST: "127.0.0.1",
      LOUPE_SCREENSHOT_MAX_BYTES: String(SCREENSHOT_MAX),
    });
    handle = await startServer(config, { logger: captureLogs().logger, notice: () => {} });
    origin = config.publicOrigin;
  });
  afterAll(async () => {
    await handle.stop();
    dir.remove();
  });

  /**
   * One raw HTTP/1.1 exchange: `head` (request line and headers, without the blank line), then
   * `body` chunks as long as the server has not answered. Resolves with everything the server sent
   * once it closes the connection or has sent a whole answer.
   */
  function exchange(head: string, body?: { chunk: Uint8Array; count: number }): Promise<string> {
    return new Promise((resolve, reject) => {
      let received = "";
      let answered = false;
      const done = () => resolve(received);
      Bun.connect({
        hostname: "127.0.0.1",
        port: handle.port,
        socket: {
          async open(socket) {
            socket.write(`${head}\r\n\r\n`);
            for (let i = 0; body && i < body.count && !answered; i++) {
              socket.write(body.chunk);
              // Let the server's answer in between (a yield to the event loop, not a wait for time).
              await new Promise((r) => setImmediate(r));
            }
          },
          data(socket, data) {
            received += data.toString("latin1");
            answered = true;
            // A whole answer: headers, and a body as long as its Content-Length says.
            const [headers, rest = ""] = received.split("\r\n\r\n");
            const length = /content-length: (\d+)/i.exec(headers ?? "")?.[1];
            if (received.includes("\r\n\r\n") && (length === undefined || rest.length >= Number(length))) {
              socket.end();
              done();
            }
          },
          close: done,
          error: (_s, e) => reject(e),
        },
      });
    });
  }
  const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);
  const healthy = async () => (await fetch(`http://127.0.0.1:${handle.port}/healthz`)).status;

  test("a chunked body that never ends gets the app's 413 problem+json while it still streams", async () => {
    const line = new TextEncoder().encode(`${(CHUNK - 2).toString(16)}\r\n${" ".repeat(CHUNK - 2)}\r\n`);
    const answer = await exchange(
      [
        "POST /api/v1/auth/login HTTP/1.1",
        `Host: 127.0.0.1:${handle.port}`,
        `Origin: ${origin}`,
        "X-Requested-With: loupe",
        "Content-Type: application/json",
        "Transfer-Encoding: chunked",
      ].join("\r\n"),
      // Far more than the limit, and no final chunk: the body never ends.
      { chunk: line, count: 200 },
    );
    expect(statusOf(answer)).toBe(413);
    expect(answer).toMatch(/content-type: application\/problem\+json; charset=utf-8/i);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(await healthy()).toBe(200);
  });

  test("a Content-Length over the route's limit: the app's 413 with only a few bytes sent", async () => {
    const answer = await exchange(
      [
        "POST /api/v1/auth/login HTTP/1.1",
        `Host: 127.0.0.1:${handle.port}`,
        `Origin: ${origin}`,
        "X-Requested-With: loupe",
        "Content-Type: application/json",
        `Content-Length: ${JSON_BODY_MAX_BYTES * 4}`,
      ].join("\r\n"),
      { chunk: new TextEncoder().encode("{"), count: 1 },
    );
    expect(statusOf(answer)).toBe(413);
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  test("a Content-Length above the server's cap: Bun's own 413, and the server goes on", async () => {
    const answer = await exchange(
      [
        "POST /api/v1/auth/login HTTP/1.1",
        `Host: 127.0.0.1:${handle.port}`,
        "Content-Type: application/json",
        `Content-Length: ${bodyLimits(SCREENSHOT_MAX).server + 1}`,
      ].join("\r\n"),
      { chunk: new TextEncoder().encode("{"), count: 1 },
    );
    expect(statusOf(answer)).toBe(413);
    expect(await healthy()).toBe(200);
  });

  test("a 64 KB header: Bun's own 431, the connection closed, nothing hangs; an 8 KB cookie is fine", async () => {
    const answer = await exchange(
      [`GET /healthz HTTP/1.1`, `Host: 127.0.0.1:${handle.port}`, `Cookie: a=${"x".repeat(64 * 1024)}`].join("\r\n"),
    );
    expect(statusOf(answer)).toBe(431);
    expect(answer).toMatch(/connection: close/i);
    // Many headers adding up to the same size are refused alike.
    const many = Array.from({ length: 64 }, (_, i) => `X-Filler-${i}: ${"y".repeat(1000)}`);
    expect(
      statusOf(await exchange([`GET /healthz HTTP/1.1`, `Host: 127.0.0.1:${handle.port}`, ...many].join("\r\n"))),
    ).toBe(431);
    const fine = await fetch(`http://127.0.0.1:${handle.port}/healthz`, {
      headers: { Cookie: `a=${"x".repeat(8 * 1024)}` },
    });
    expect(fine.status).toBe(200);
    expect(fine.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });
});
