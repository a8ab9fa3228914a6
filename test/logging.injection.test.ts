// Invariant (T-V5): whatever a request carries — CR/LF, ANSI escapes (7- and 8-bit), Unicode line
// separators, a forged JSON log line — in its user agent, headers, path, query or body, each log entry stays one JSON line.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { createLogger } from "../src/lib/logger.ts";
import { Browser } from "./support/browser.ts";
import { seedTeam } from "./support/teams.ts";
import { createTestApp, type TestContext } from "./support/test-app.ts";

const FORGED = '{"time":"2026-01-01T00:00:00.000Z","level":"error","msg":"forged","forged":true}';
const HOSTILE = [
  `x\r\n${FORGED}`,
  `x\n${FORGED}\n`,
  "\u001b[31mRED\u001b[0m\u001b]0;title\u0007",
  "\u009b31mC1-CSI\u0085NEL",
  `\u2028${FORGED}\u2029`,
  "\u0000NUL\u007fDEL",
  `"}\n${FORGED}`,
];

/** Characters that end a line, move a terminal's cursor or start an escape sequence, unescaped. */
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function assertOneJsonLinePerEntry(lines: string[]): void {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    expect(RAW_CONTROL.test(line)).toBe(false);
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(typeof entry.time).toBe("string");
    expect(typeof entry.msg).toBe("string");
    expect(entry.forged).toBeUndefined();
    expect(entry.msg).not.toBe("forged");
  }
}

test("the logger writes one parseable line per entry, whatever its fields hold", () => {
  const lines: string[] = [];
  const logger = createLogger({ sink: (line) => lines.push(line), level: "debug" });
  for (const value of HOSTILE) {
    logger.error("test.hostile", { errorMessage: value, stack: value, route: value, code: value, requestId: value });
    logger.info(value, { path: value });
  }
  expect(lines.length).toBe(HOSTILE.length * 2);
  assertOneJsonLinePerEntry(lines);
  // The 8-bit CSI and NEL are written as escapes: the text reads back, but no terminal acts on it.
  expect(lines[6]).toContain("\\u009b31mC1-CSI\\u0085NEL");
  expect((JSON.parse(lines[6]!) as { stack: string }).stack).toContain("C1-CSI");
});

let t: TestContext;
let team: Awaited<ReturnType<typeof seedTeam>>;
beforeAll(async () => {
  t = createTestApp({}, { authAttemptsPerMinute: 1_000_000 });
  // A route whose error quotes request data, as a careless library would (added before the first request).
  t.app.post("/test/log-boom", async (c) => {
    throw new Error(`failed for ${c.req.header("User-Agent")} ${await c.req.text()}`);
  });
  team = await seedTeam(t, "logs");
});
afterAll(() => t.close());

test("hostile user agents, headers, paths and feedback text leave every access-log and error line one JSON line", async () => {
  const before = t.logs.lines.length;
  let requests = 0;
  for (const value of HOSTILE) {
    // What a raw HTTP client can put in a header at all: the UTF-8 bytes, without CR, LF and NUL.
    const header = String.fromCharCode(...new TextEncoder().encode(value)).replace(/[\r\n\u0000]/g, " ");
    const headers = {
      "User-Agent": header,
      Referer: header,
      "X-Request-Id": header,
      "X-Forwarded-For": header,
      "Accept-Language": header,
    };
    const visitor = new Browser(t.app, t.config.publicOrigin, "203.0.113.7", header);
    const sends: Promise<Response>[] = [
      team.owner.browser.post(
        `/api/v1/teams/${team.team.id}/feedback`,
        {
          projectId: team.project.id,
          comment: value,
          title: value.slice(0, 100).replace(/[\u0000-\u001f\u007f]/g, ""),
        },
        headers,
      ),
      team.owner.browser.post(
        `/api/v1/teams/${team.team.id}/feedback/${team.item.id}/comments`,
        { body: value },
        headers,
      ),
      visitor.post(
        `/api/v1/widget/${team.project.widgetKey}/feedback`,
        { comment: value },
        { ...headers, Origin: team.siteOrigin },
      ),
      visitor.post("/api/v1/auth/login", { email: value, password: value }, headers),
      visitor.get(`/api/v1/teams/${encodeURIComponent(value)}/feedback?q=${encodeURIComponent(value)}`, headers),
      visitor.get(`/${encodeURIComponent(value)}`, headers),
      visitor.request("POST", "/test/log-boom", { value }, headers),
    ];
    for (const send of sends) {
      const res = await send;
      await res.arrayBuffer();
      expect(res.status).toBeLessThan(600);
      requests += 1;
    }
  }
  const lines = t.logs.lines.slice(before);
  assertOneJsonLinePerEntry(lines);
  // One access-log line per request, and the boom route's error lines among them.
  expect(lines.filter((l) => JSON.parse(l).msg === "request").length).toBe(requests);
  expect(lines.some((l) => JSON.parse(l).level === "error")).toBe(true);
});
