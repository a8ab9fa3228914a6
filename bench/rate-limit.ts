/**
 * The request-rate limiter (issue 11, SECURITY.md T-W4):
 * 1. memory under a flood of 1,000,000 distinct client addresses (IPv4, then IPv6 /64s): heap and RSS
 *    growth and the entries kept, against the same keys in an unbounded Map (the baseline, same run);
 * 2. the cost of one `take`: a flood of new keys (each evicts the least recently used), and one hot key;
 * 3. T-W4: admin reads (a team's feedback list) back to back, alone and while one address floods one
 *    widget key with 1,000 submissions a minute — p50/p95 latency and the ratio, through app.request.
 * Figures and same-run ratios, printed; no assertion.
 */

import { createRateLimiter, limiterKey } from "../src/http/rate-limit.ts";
import { seedTeam } from "../test/support/teams.ts";
import { createTestApp, fastPasswords } from "../test/support/test-app.ts";

const FLOOD = Number(process.env.BENCH_LIMITER_KEYS ?? 1_000_000);
/** The configured default of LOUPE_RATE_LIMIT_MAX_KEYS. */
const MAX_KEYS = 100_000;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function settle(): { heap: number; rss: number } {
  Bun.gc(true);
  Bun.gc(true);
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const ipv4 = (i: number) => `${10 + (i >>> 24)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
const ipv6 = (i: number) => `2001:db8:${(i >>> 16).toString(16)}:${(i & 0xffff).toString(16)}::1`;

type Flood = { heap: number; rss: number; entries: number; nsPerTake: number };
type Store = "limiter" | "map" | "keys-only";
const ADDRESSES = { ipv4, ipv6 } as const;

/**
 * Takes once for each of `FLOOD` distinct addresses (keyed as the app keys them), in a fresh process
 * so that nothing else's garbage blurs the memory figures; "keys-only" builds the keys and nothing
 * else (its time is subtracted to give the cost of a take alone).
 */
function floodHere(kind: keyof typeof ADDRESSES, store: Store): Flood {
  const address = ADDRESSES[kind];
  const before = settle();
  let now = 0;
  const limiter = createRateLimiter({ capacity: 30, perMs: 60_000, maxKeys: MAX_KEYS, now: () => now });
  const unbounded = new Map<string, { tokens: number; at: number }>();
  let sink = 0;
  const start = Bun.nanoseconds();
  for (let i = 0; i < FLOOD; i++) {
    now++;
    const key = limiterKey(address(i));
    if (store === "limiter") limiter.take(key);
    else if (store === "map") unbounded.set(key, { tokens: 29, at: now });
    else sink += key.length;
  }
  const ns = Bun.nanoseconds() - start;
  const after = settle();
  const entries = store === "limiter" ? limiter.size : store === "map" ? unbounded.size : sink > 0 ? 0 : -1;
  return { heap: after.heap - before.heap, rss: after.rss - before.rss, entries, nsPerTake: ns / FLOOD };
}

function flood(kind: keyof typeof ADDRESSES, store: Store): Flood {
  const child = Bun.spawnSync([process.execPath, import.meta.path, "--flood", kind, store], {
    env: { ...process.env },
    stderr: "inherit",
  });
  return JSON.parse(child.stdout.toString()) as Flood;
}

function hotKey(): number {
  let now = 0;
  const limiter = createRateLimiter({ capacity: 600, perMs: 60_000, maxKeys: MAX_KEYS, now: () => now });
  for (let i = 0; i < MAX_KEYS; i++) limiter.take(`k${i}`);
  const rounds = 1_000_000;
  const start = Bun.nanoseconds();
  for (let i = 0; i < rounds; i++) {
    now += 100;
    limiter.take("203.0.113.7");
  }
  return (Bun.nanoseconds() - start) / rounds;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;

/** T-W4: admin list latency alone, then with a widget flood from one address interleaved. */
async function widgetFlood(): Promise<void> {
  const t = createTestApp(
    { LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "10" },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 },
  );
  try {
    const a = await seedTeam(t, "alpha");
    const origin = "https://alpha.example.test";
    const submit = (i: number) =>
      t.app.request(
        `http://loupe.test/api/v1/widget/${a.project.widgetKey}/feedback`,
        {
          method: "POST",
          headers: { Origin: origin, "Content-Type": "application/json" },
          body: JSON.stringify({ comment: `flood ${i}`, idempotencyId: crypto.randomUUID().replaceAll("-", "") }),
        },
        { clientIp: "203.0.113.66" },
      );
    const read = async () => {
      const start = performance.now();
      const res = await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback`);
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`admin read ${res.status}`);
      return performance.now() - start;
    };
    for (let i = 0; i < 10; i++) await submit(i); // the allowed ten: the list has items
    for (let i = 0; i < 50; i++) await read();
    // Real time: the flood at T-W4's rate (1,000 a minute, one every 60 ms) on a timer, the admin
    // reading back to back; alternating 5 s blocks with and without it, so drift falls on both alike.
    const alone: number[] = [];
    const flooded: number[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (let block = 0; block < 8; block++) {
      const flooding = block % 2 === 1;
      const timer = flooding
        ? setInterval(() => {
            void Promise.resolve(submit(sent++)).then((r) => statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1));
          }, 60)
        : undefined;
      const end = performance.now() + 5_000;
      while (performance.now() < end) {
        (flooding ? flooded : alone).push(await read());
        // In-process reads never leave the microtask queue: yield, so the flood's timer runs.
        await new Promise((resolve) => setImmediate(resolve));
      }
      clearInterval(timer);
    }
    const p = (xs: number[]) => `p50 ${percentile(xs, 0.5).toFixed(2)} ms, p95 ${percentile(xs, 0.95).toFixed(2)} ms`;
    console.log(`  admin reads alone:              ${p(alone)}`);
    console.log(`  admin reads during the flood:   ${p(flooded)}`);
    console.log(
      `  p95 during ÷ alone: ${(percentile(flooded, 0.95) / percentile(alone, 0.95)).toFixed(2)} (T-W4 asks ≤ 1.20); ${alone.length} + ${flooded.length} reads; flood answers: ${[
        ...statuses,
      ]
        .map(([s, n]) => `${n}× ${s}`)
        .join(", ")}`,
    );
  } finally {
    t.close();
  }
}

export async function benchRateLimit(): Promise<void> {
  console.log(`rate limiter: ${FLOOD.toLocaleString("en")} distinct addresses, LOUPE_RATE_LIMIT_MAX_KEYS ${MAX_KEYS}`);
  for (const [name, kind] of [
    ["IPv4", "ipv4"],
    ["IPv6 /64s", "ipv6"],
  ] as const) {
    const map = flood(kind, "map");
    const limiter = flood(kind, "limiter");
    const keys = flood(kind, "keys-only");
    console.log(
      `  ${name.padEnd(9)} limiter: heap +${mib(limiter.heap)}, RSS +${mib(limiter.rss)}, ${limiter.entries.toLocaleString("en")} entries, ${(limiter.nsPerTake - keys.nsPerTake).toFixed(0)} ns per take (new key, evicting; ${keys.nsPerTake.toFixed(0)} ns more to build the key from the address)`,
    );
    console.log(
      `  ${"".padEnd(9)} unbounded Map (baseline): heap +${mib(map.heap)}, RSS +${mib(map.rss)}, ${map.entries.toLocaleString("en")} entries, ${map.nsPerTake.toFixed(0)} ns per set; limiter heap ÷ baseline ${(limiter.heap / map.heap).toFixed(2)}`,
    );
  }
  console.log(`  one hot key among ${MAX_KEYS.toLocaleString("en")}: ${hotKey().toFixed(0)} ns per take`);
  console.log("T-W4: a widget flood from one address and key, admin reads beside it");
  await widgetFlood();
}

if (import.meta.main) {
  const at = process.argv.indexOf("--flood");
  if (at > 0) console.log(JSON.stringify(floodHere(process.argv[at + 1] as "ipv4", process.argv[at + 2] as Store)));
  else await benchRateLimit();
}
