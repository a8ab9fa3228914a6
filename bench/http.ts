/**
 * The HTTP hardening of issue 11 (headers and request limits), per request, in one run:
 * 1. the JSON depth scan (src/lib/body-limits.ts) beside JSON.parse, on 64 KB bodies (the JSON limit):
 *    flat, a wide array of small objects, strings full of brackets, and the deepest one refused;
 * 2. the 405 check (src/http/method-not-allowed.ts) in the app's own route table: whether a route
 *    answers (every request) and every method of the path (refusals only), for a static path, a path
 *    with parameters and an unknown one;
 * 3. a whole request through the app (GET /healthz, and PUT /healthz → 405), headers included.
 * Medians of interleaved rounds; figures and same-run ratios, printed; no assertion.
 */
import { routeMethods } from "../src/http/method-not-allowed.ts";
import { excessiveNesting, JSON_BODY_MAX_BYTES, JSON_MAX_DEPTH } from "../src/lib/body-limits.ts";
import { createTestApp } from "../test/support/test-app.ts";

const ROUNDS = 7;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Median microseconds per call of `run`, over ROUNDS rounds of `n` calls (one warm-up round first). */
function perCall(n: number, run: () => unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const started = Bun.nanoseconds();
    for (let i = 0; i < n; i++) run();
    if (r > 0) rounds.push((Bun.nanoseconds() - started) / n / 1000);
  }
  return median(rounds);
}

async function perRequest(n: number, run: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r <= ROUNDS; r++) {
    const started = Bun.nanoseconds();
    for (let i = 0; i < n; i++) await run();
    if (r > 0) rounds.push((Bun.nanoseconds() - started) / n / 1000);
  }
  return median(rounds);
}

const fill = (unit: string, open = "", close = "") => {
  const count = Math.floor((JSON_BODY_MAX_BYTES - open.length - close.length) / (unit.length + 1));
  return `${open}${Array.from({ length: count }, () => unit).join(",")}${close}`;
};

export async function benchHttp() {
  console.log("HTTP hardening (issue 11): depth scan, 405 lookup, a request with its headers");
  const bodies: [string, string][] = [
    [
      "flat object of strings",
      `{${Array.from({ length: 2000 }, (_, i) => `"k${i}":"vvvvvvvvvvvvvvvvvvvv"`).join(",")}}`,
    ],
    ["array of small objects", fill('{"a":1,"b":[1,2]}', "[", "]")],
    ["strings full of brackets", fill('"[[[[{{{{]]]]}}}}"', "[", "]")],
    [
      `nested ${JSON_MAX_DEPTH} deep, repeated`,
      fill(`${"[".repeat(JSON_MAX_DEPTH - 1)}${"]".repeat(JSON_MAX_DEPTH - 1)}`, "[", "]"),
    ],
  ];
  for (const [name, body] of bodies) {
    const scan = perCall(200, () => excessiveNesting(body, JSON_MAX_DEPTH));
    const parse = perCall(200, () => JSON.parse(body));
    console.log(
      `  ${name.padEnd(32)} ${(body.length / 1024).toFixed(1).padStart(5)} KB  scan ${scan.toFixed(1).padStart(7)} µs  JSON.parse ${parse.toFixed(1).padStart(7)} µs  scan ÷ parse ${(scan / parse).toFixed(2)}×`,
    );
  }
  const refused = `${"[".repeat(JSON_BODY_MAX_BYTES / 2)}${"]".repeat(JSON_BODY_MAX_BYTES / 2)}`;
  const scanRefused = perCall(200, () => excessiveNesting(refused, JSON_MAX_DEPTH));
  console.log(
    `  ${"64 KB of [ (refused at level 33)".padEnd(32)}        scan ${scanRefused.toFixed(2).padStart(7)} µs (stops at the limit)`,
  );

  const t = createTestApp();
  try {
    const routes = routeMethods(t.app, ["/api/v1/events"]);
    for (const path of [
      "/api/v1/me",
      `/api/v1/teams/${"A".repeat(22)}/feedback/${"B".repeat(22)}/comments`,
      "/no/such/path",
    ]) {
      const answers = perCall(20_000, () => routes.answers("GET", path));
      const allowed = perCall(20_000, () => routes.allowed(path));
      console.log(
        `  ${path.slice(0, 48).padEnd(48)} answers(GET) ${answers.toFixed(2).padStart(6)} µs  allowed() ${allowed.toFixed(2).padStart(6)} µs`,
      );
    }
    const get = await perRequest(2000, () => t.app.request("/healthz"));
    const put = await perRequest(2000, () => t.app.request("/healthz", { method: "PUT" }));
    console.log(`  GET /healthz through the app: ${get.toFixed(1)} µs; PUT /healthz → 405: ${put.toFixed(1)} µs`);
  } finally {
    t.close();
  }
}

if (import.meta.main) await benchHttp();
