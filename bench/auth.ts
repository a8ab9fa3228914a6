/**
 * Accounts: login latency against one argon2id hash, logins/s, the unknown-vs-known timing gap
 * (T-AU4), and the cost of session checking (authenticated ÷ unauthenticated requests/s of the same
 * route). In-process through app.fetch, on a real encrypted database; baselines measured in the run.
 */

import { join } from "node:path";
import { createPasswordHasher } from "../src/lib/password.ts";
import { createUser } from "../src/services/accounts/users.ts";
import { Browser } from "../test/support/browser.ts";
import { CLI, startServerProcess } from "../test/support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../test/support/temp.ts";
import { createTestApp } from "../test/support/test-app.ts";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

const HTTP_CLIENTS = 16;

/** The same comparison against the real server process over loopback HTTP, as clients see it. */
async function httpRatio(email: string, password: string): Promise<{ anonymous: number; authenticated: number }> {
  const dir = tempDir("loupe-bench-auth-");
  const publicUrl = "http://loupe.test";
  const server = await startServerProcess(CLI, {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_LOG_LEVEL: "warn",
    LOUPE_PUBLIC_URL: publicUrl,
  });
  try {
    const browser = new Browser(null, publicUrl);
    browser.server = server.url;
    // The first admin, made through the setup link (a session with enrolment pending still
    // authenticates the public route, which is all this measures).
    const token = (await Bun.file(join(dir.path, "keys", "setup-url.txt")).text()).trim().split("#token=")[1]!;
    await browser.post("/api/v1/setup", { token, email, displayName: "Bench", password });
    const cookie = browser.cookieHeader();
    const run = async (headers: Record<string, string>, seconds: number) => {
      let count = 0;
      const end = performance.now() + seconds * 1000;
      await Promise.all(
        Array.from({ length: HTTP_CLIENTS }, async () => {
          while (performance.now() < end) {
            const res = await fetch(`${server.url}/api/v1/auth/sso/providers`, { headers });
            await res.arrayBuffer();
            count++;
          }
        }),
      );
      return count / seconds;
    };
    await run({}, 1);
    const anonymous = await run({}, 4);
    const authenticated = await run({ Cookie: cookie }, 4);
    return { anonymous, authenticated };
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
    dir.remove();
  }
}

export async function benchAuth(): Promise<void> {
  const hasher = createPasswordHasher();
  const t = createTestApp({}, { passwords: hasher, authAttemptsPerMinute: 1_000_000_000 });
  try {
    const password = "benchmark-passphrase-42";
    const stored = await hasher.hash(password);
    for (let i = 0; i < 5; i++) await hasher.verify(stored, password); // warm-up

    const email = "bench.user@example.test";
    await createUser(t.ctx, { email, displayName: "Bench", password, isInstanceAdmin: false });
    const known = new Browser(t.app, t.config.publicOrigin);
    await known.post("/api/v1/auth/login", { email, password }); // device cookie: the owner's browser
    // Interleaved, so both see the same machine state (CPU clock, allocator, thread pool).
    const hashTimes: number[] = [];
    const loginTimes: number[] = [];
    for (let i = 0; i < 40; i++) {
      hashTimes.push(await time(() => hasher.verify(stored, password)));
      loginTimes.push(await time(() => known.post("/api/v1/auth/login", { email, password })));
    }
    const oneHash = median(hashTimes);
    const login = median(loginTimes);

    const concurrency = 4;
    const perWorker = 25;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let i = 0; i < perWorker; i++) await known.post("/api/v1/auth/login", { email, password });
      }),
    );
    const loginsPerSec = (concurrency * perWorker) / ((performance.now() - start) / 1000);

    // T-AU4: unknown emails vs known emails with a wrong password (several accounts, under the back-off).
    const users: string[] = [];
    for (let i = 0; i < 25; i++) {
      users.push(`timing${i}@example.test`);
      await createUser(t.ctx, { email: users[i]!, displayName: "T", password, isInstanceAdmin: false });
    }
    const unknownTimes: number[] = [];
    const wrongTimes: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 25; i++) {
        const b = new Browser(t.app, t.config.publicOrigin);
        unknownTimes.push(
          await time(() =>
            b.post("/api/v1/auth/login", { email: `ghost-${round}-${i}@example.test`, password: "wrong-password-zz" }),
          ),
        );
        wrongTimes.push(
          await time(() => b.post("/api/v1/auth/login", { email: users[i]!, password: "wrong-password-zz" })),
        );
      }
    }
    const gap = Math.abs(median(unknownTimes) - median(wrongTimes)) / median(wrongTimes);

    // Session checking: the same public route with and without a valid session cookie.
    const signedIn = new Browser(t.app, t.config.publicOrigin);
    await signedIn.post("/api/v1/auth/login", { email, password });
    const cookie = signedIn.cookieHeader();
    const rps = async (headers: Record<string, string>) => {
      const n = 5000;
      for (let i = 0; i < 200; i++) await t.app.request("/api/v1/auth/sso/providers", { headers });
      const s = performance.now();
      for (let i = 0; i < n; i++) await t.app.request("/api/v1/auth/sso/providers", { headers });
      return n / ((performance.now() - s) / 1000);
    };
    const anonymous = await rps({});
    const authenticated = await rps({ Cookie: cookie });
    const check = await t.app.request("/api/v1/me", { headers: { Cookie: cookie } });
    if (check.status !== 200) throw new Error("the benchmark session is not valid");

    const http = await httpRatio(email, password);

    console.log("auth (in-process app.fetch, encrypted database, argon2id m=47104 t=1 p=1)");
    console.log(`  one argon2id verify (median of 40)        ${oneHash.toFixed(1)} ms`);
    console.log(
      `  POST /auth/login, password (median of 40) ${login.toFixed(1)} ms   ratio to one hash ${(login / oneHash).toFixed(2)}×  (target ≤ 1.20×)`,
    );
    console.log(`  logins/s, ${concurrency} concurrent                      ${loginsPerSec.toFixed(0)}/s`);
    console.log(
      `  unknown email vs wrong password (median)  ${median(unknownTimes).toFixed(1)} ms vs ${median(wrongTimes).toFixed(1)} ms   gap ${(gap * 100).toFixed(1)} %  (target < 10 %)`,
    );
    console.log(`  same route, unauthenticated               ${anonymous.toFixed(0)} req/s`);
    console.log(
      `  same route, with a session checked        ${authenticated.toFixed(0)} req/s   ratio ${(authenticated / anonymous).toFixed(2)}×  (in-process: no HTTP cost to hide it)`,
    );
    console.log(
      `  over HTTP (real server, ${HTTP_CLIENTS} clients, loopback): unauthenticated ${http.anonymous.toFixed(0)} req/s, with a session ${http.authenticated.toFixed(0)} req/s   ratio ${(http.authenticated / http.anonymous).toFixed(2)}×  (target ≥ 0.80×)`,
    );
  } finally {
    t.close();
  }
}

if (import.meta.main) await benchAuth();
