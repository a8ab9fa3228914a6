// Invariant: no log line carries personal data or secrets (emails, IPs, tokens, cookies, request
// bodies, feedback text), whatever a request sends; the logger itself cannot be handed them.
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { createLogger, scrubText } from "../src/lib/logger.ts";
import { CANARIES, CANARY_VALUES } from "./support/canaries.ts";
import { CLI, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";
import { createTestApp, type TestContext } from "./support/test-app.ts";

let ctx: TestContext | undefined;
afterEach(() => {
  ctx?.close();
  ctx = undefined;
});

function canaryRequests(base: string): [string, RequestInit][] {
  const headers = {
    "Content-Type": "application/json",
    Authorization: `Bearer ${CANARIES.token}`,
    Cookie: `loupe_session=${CANARIES.cookie}`,
    "X-Forwarded-For": CANARIES.ip,
    "X-Real-IP": CANARIES.ipv6,
    "User-Agent": `Mozilla/5.0 ${CANARIES.name}`,
    "X-Request-Id": CANARIES.token,
  };
  const body = JSON.stringify({ email: CANARIES.email, comment: CANARIES.body, name: CANARIES.name });
  return [
    [`${base}/healthz?token=${CANARIES.token}&email=${encodeURIComponent(CANARIES.email)}`, { headers }],
    [`${base}/readyz`, { headers }],
    [
      `${base}/api/v1/feedback/${encodeURIComponent(CANARIES.email)}/${CANARIES.token}`,
      { method: "POST", headers, body },
    ],
    [`${base}/${encodeURIComponent(CANARIES.body)}`, { method: "PUT", headers, body }],
    [`${base}/api/openapi.json?q=${encodeURIComponent(CANARIES.body)}`, { headers }],
    [`${base}/test/boom/${CANARIES.token}`, { method: "POST", headers, body }],
  ];
}

function assertNoCanary(text: string): void {
  for (const canary of CANARY_VALUES) expect(text).not.toContain(canary);
  expect(text).not.toContain("example-canary.test");
  expect(text).not.toContain("CANARY");
}

test("requests full of personal data and secrets leave none of it in the log (in-process app)", async () => {
  ctx = createTestApp();
  ctx.app.post("/test/boom/:token", async (c) => {
    const body = await c.req.json();
    // An error whose message quotes request data, as a careless library would.
    throw new Error(
      `failed for ${body.email} from ${CANARIES.ip} with "${body.comment}" token=${c.req.param("token")}`,
    );
  });
  for (const [url, init] of canaryRequests("http://localhost")) await ctx.app.request(url, init);
  const text = ctx.logs.text();
  expect(ctx.logs.lines.length).toBeGreaterThanOrEqual(6);
  expect(text).toContain('"msg":"request.failed"');
  assertNoCanary(text);
  for (const line of ctx.logs.lines) expect(() => JSON.parse(line)).not.toThrow();
});

test("the real server's stdout holds none of the canaries (subprocess)", async () => {
  const dir = tempDir();
  const server = await startServerProcess(CLI, {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_LOG_LEVEL: "debug",
  });
  try {
    for (const [url, init] of canaryRequests(server.url)) await fetch(url, init);
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
    dir.remove();
  }
  const out = server.stdout();
  expect(out).toContain('"msg":"request"');
  expect(out.split("\n").filter((l) => l.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(6);
  assertNoCanary(out);
  assertNoCanary(server.stderr());
});

test("the logger drops unknown fields and redacts values that are not id-shaped", () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => lines.push(l) });
  const sneaky = {
    email: CANARIES.email,
    body: CANARIES.body,
    userId: CANARIES.email,
    route: `/x ${CANARIES.ip}`,
  } as never;
  logger.info("test.event", sneaky);
  logger.info(`free text ${CANARIES.email}`);
  logger.info("test.ids", { userId: CANARIES.ip, teamId: CANARIES.ipv6, requestId: "abc_DEF-123" });
  logger.error("test.error", {
    errorMessage: `boom for ${CANARIES.email} at ${CANARIES.ip} / ${CANARIES.ipv6} key=${CANARIES.token} '${CANARIES.body}'`,
  });
  const text = lines.join("\n");
  assertNoCanary(text);
  expect(JSON.parse(lines[0]!)).toMatchObject({ msg: "test.event", userId: "[redacted]", route: "[redacted]" });
  expect(JSON.parse(lines[1]!).msg).toBe("invalid_event_name");
  expect(JSON.parse(lines[2]!)).toMatchObject({ userId: "[redacted]", teamId: "[redacted]", requestId: "abc_DEF-123" });
});

test("log injection: CR/LF, ANSI codes and forged JSON stay inside one parseable record", () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (l) => lines.push(l) });
  logger.error("test.inject", { errorMessage: 'a\r\n{"level":"info","msg":"forged"}\u001b[31mred\u0000' });
  expect(lines).toHaveLength(1);
  expect(lines[0]!.includes("\n")).toBe(false);
  const record = JSON.parse(lines[0]!);
  expect(record.msg).toBe("test.inject");
  expect(scrubText("x\u001b[31m")).not.toContain("\u001b");
});
