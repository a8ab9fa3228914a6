// T-H3 — Forwarded / X-Forwarded-For / X-Forwarded-Proto count only from a peer in LOUPE_TRUSTED_PROXIES, and
// then the client is the right-most untrusted hop; a spoofer is limited on its own address; nothing trusts every address.
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { Browser } from "../support/browser.ts";
import { CLI, startServerProcess } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const LIMIT = 5;
/** A per-IP limited route that costs no password hash (without SMTP it answers 503). */
const LIMITED = "/api/v1/auth/password-reset/request";

function app(trustedProxies?: string): TestContext {
  t = createTestApp(trustedProxies === undefined ? {} : { LOUPE_TRUSTED_PROXIES: trustedProxies }, {
    authAttemptsPerMinute: LIMIT,
  });
  return t;
}

async function attempt(b: Browser, headers: Record<string, string> = {}): Promise<number> {
  return (await b.post(LIMITED, { email: "someone@example.test" }, headers)).status;
}

test("a spoofed X-Forwarded-For / Forwarded from an untrusted peer is ignored: the spoofer is limited on its own address", async () => {
  for (const proxies of [undefined, "10.0.0.1"]) {
    const ctx = app(proxies);
    const spoofer = new Browser(ctx.app, ctx.config.publicOrigin, "198.51.100.7");
    const statuses: number[] = [];
    for (let i = 0; i < 3 * LIMIT; i++) {
      const fake = `203.0.113.${i}`;
      const headers: Record<string, string> =
        i % 3 === 0
          ? { "X-Forwarded-For": fake }
          : i % 3 === 1
            ? { Forwarded: `for=${fake}` }
            : { "X-Forwarded-For": `${fake}, 10.0.0.1`, Forwarded: `for="[2001:db8::${i}]"`, "X-Real-IP": fake };
      statuses.push(await attempt(spoofer, headers));
    }
    expect(statuses.slice(0, LIMIT).every((s) => s === 503)).toBe(true);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
    // Someone else, at another address, is not affected.
    expect(await attempt(new Browser(ctx.app, ctx.config.publicOrigin, "198.51.100.8"))).toBe(503);
    ctx.close();
    t = undefined;
  }
});

test("behind a trusted proxy, two forwarded clients get separate buckets", async () => {
  const ctx = app("10.0.0.1, fd00::/8");
  const proxy = new Browser(ctx.app, ctx.config.publicOrigin, "10.0.0.1");
  for (let i = 0; i < LIMIT; i++) expect(await attempt(proxy, { "X-Forwarded-For": "203.0.113.10" })).toBe(503);
  expect(await attempt(proxy, { "X-Forwarded-For": "203.0.113.10" })).toBe(429);
  // Another client through the same proxy, by either header, and the proxy's own requests are not limited.
  expect(await attempt(proxy, { "X-Forwarded-For": "203.0.113.11" })).toBe(503);
  expect(await attempt(proxy, { Forwarded: 'for="[2001:db8:1::5]:4711";proto=https' })).toBe(503);
  expect(await attempt(proxy)).toBe(503);
  // The limited client stays limited whichever header names it, and through another trusted proxy (IPv6 peer).
  expect(await attempt(proxy, { Forwarded: "for=203.0.113.10" })).toBe(429);
  const proxy6 = new Browser(ctx.app, ctx.config.publicOrigin, "fd00::2");
  expect(await attempt(proxy6, { "X-Forwarded-For": "203.0.113.10" })).toBe(429);
  expect(await attempt(proxy6, { "X-Forwarded-For": "::ffff:203.0.113.10" })).toBe(429);
});

test("a chain with a spoofed left-most entry behind the trusted proxy: the right-most untrusted hop is the client", async () => {
  const ctx = app("10.0.0.0/24");
  const proxy = new Browser(ctx.app, ctx.config.publicOrigin, "10.0.0.1");
  const statuses: number[] = [];
  for (let i = 0; i < 3 * LIMIT; i++) {
    // The client writes whatever it likes on the left; the proxy (and a second trusted hop) append the truth.
    const headers: Record<string, string> =
      i % 2 === 0
        ? { "X-Forwarded-For": `192.0.2.${i}, 198.51.100.99, 10.0.0.7` }
        : { Forwarded: `for=192.0.2.${i}, for="198.51.100.99:5555";proto=https, for=10.0.0.7` };
    statuses.push(await attempt(proxy, headers));
  }
  expect(statuses.filter((s) => s === 503)).toHaveLength(LIMIT);
  expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
  // `unknown` or an obfuscated hop stops the walk: those requests count against the hop that reported it.
  for (let i = 0; i < LIMIT; i++)
    expect(await attempt(proxy, { "X-Forwarded-For": `192.0.2.${i}, unknown` })).toBe(503);
  expect(await attempt(proxy, { Forwarded: `for=192.0.2.1, for=_hidden` })).toBe(429);
  expect(await attempt(proxy)).toBe(429);
});

test("a client-written Forwarded header beside the proxy's X-Forwarded-For (or the reverse) is not believed", async () => {
  const ctx = app("10.0.0.1");
  const proxy = new Browser(ctx.app, ctx.config.publicOrigin, "10.0.0.1");
  const statuses: number[] = [];
  for (let i = 0; i < 2 * LIMIT; i++) {
    const headers: Record<string, string> =
      i % 2 === 0
        ? { "X-Forwarded-For": "198.51.100.50", Forwarded: `for=192.0.2.${i}` }
        : { Forwarded: "for=198.51.100.50", "X-Forwarded-For": `192.0.2.${i}` };
    statuses.push(await attempt(proxy, headers));
  }
  expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);
  // The real client, named consistently, has its own bucket.
  expect(await attempt(proxy, { "X-Forwarded-For": "198.51.100.51", Forwarded: "for=198.51.100.51" })).toBe(503);
});

test("the resolved client and scheme are typed request variables; the address is never logged", async () => {
  const ctx = app("10.0.0.1");
  ctx.app.get("/test/client", (c) => c.json({ address: c.var.clientAddress, proto: c.var.clientProto }));
  const get = async (ip: string, headers: Record<string, string> = {}) =>
    (await ctx.app.request("http://localhost/test/client", { headers }, { clientIp: ip })).json();
  expect(await get("10.0.0.1", { "X-Forwarded-For": "2001:DB8:0::9", "X-Forwarded-Proto": "https" })).toEqual({
    address: "2001:db8::9",
    proto: "https",
  });
  expect(await get("10.0.0.1", { Forwarded: "for=192.0.2.9;proto=https" })).toEqual({
    address: "192.0.2.9",
    proto: "https",
  });
  expect(await get("10.0.0.1")).toEqual({ address: "10.0.0.1", proto: "http" });
  expect(await get("::ffff:198.51.100.9", { "X-Forwarded-For": "192.0.2.9", "X-Forwarded-Proto": "https" })).toEqual({
    address: "198.51.100.9",
    proto: "http",
  });
  expect((await ctx.app.request("https://localhost/test/client")).status).toBe(200);
  expect(await (await ctx.app.request("https://localhost/test/client")).json()).toEqual({
    address: "unknown",
    proto: "https",
  });
  const proxy = new Browser(ctx.app, ctx.config.publicOrigin, "10.0.0.1");
  await attempt(proxy, { "X-Forwarded-For": "192.0.2.77" });
  for (const address of ["192.0.2.9", "192.0.2.77", "2001:db8::9", "198.51.100.9", "10.0.0.1"])
    expect(ctx.logs.text()).not.toContain(address);
});

test("the configuration refuses to trust every address, and names the variable", () => {
  const refuse = (value: string, more: Record<string, string> = {}): ConfigError => {
    try {
      loadConfig({ LOUPE_TRUSTED_PROXIES: value, ...more }, "/srv/loupe");
    } catch (error) {
      return error as ConfigError;
    }
    throw new Error(`accepted ${value}`);
  };
  for (const trustAll of ["*", "0.0.0.0/0", "::/0", "127.0.0.1,::/0", "::ffff:0.0.0.0/96"]) {
    const error = refuse(trustAll);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable)).toEqual(["LOUPE_TRUSTED_PROXIES"]);
    expect(error.message).toContain("trusts every address");
  }
  expect(refuse("0.0.0.0/1,128.0.0.0/1").message).toContain("broader than /8");
  const invalid = refuse("10.0.0.1, proxy.internal");
  expect(invalid.problems[0]?.expects).toContain("entry 2 is not an IP address or CIDR range");
  expect(invalid.message).not.toContain("proxy.internal");
  // Listed together with the other bad variables.
  expect(
    refuse("*", { LOUPE_PORT: "99999" })
      .problems.map((p) => p.variable)
      .sort(),
  ).toEqual(["LOUPE_PORT", "LOUPE_TRUSTED_PROXIES"]);
  // Empty by default: no proxy is trusted.
  expect(loadConfig({}, "/srv/loupe").trustedProxies).toEqual([]);
  expect(loadConfig({ LOUPE_TRUSTED_PROXIES: "127.0.0.1, ::1, 10.0.0.0/8" }, "/srv/loupe").trustedProxies).toHaveLength(
    3,
  );
});

test("the real server: its socket peer 127.0.0.1 is trusted, so the forwarded client is the one limited (subprocess)", async () => {
  const dir = tempDir();
  const origin = "http://loupe.test";
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_PUBLIC_URL: origin,
    LOUPE_TRUSTED_PROXIES: "127.0.0.1",
  };
  const server = await startServerProcess(CLI, env);
  try {
    const b = new Browser(null, origin);
    b.server = server.url;
    const statuses: number[] = [];
    // The server's password-reset allowance is 10 a minute per address (LOUPE_RATE_LIMIT_PASSWORD_RESET).
    for (let i = 0; i < 11; i++) statuses.push(await attempt(b, { "X-Forwarded-For": "203.0.113.10" }));
    expect(statuses.slice(0, 10).every((s) => s === 503)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(await attempt(b, { "X-Forwarded-For": "203.0.113.11" })).toBe(503);
    expect(await attempt(b, { Forwarded: "for=203.0.113.10" })).toBe(429);
    // Without forwarding headers the client is the peer itself, with its own bucket.
    expect(await attempt(b)).toBe(503);
  } finally {
    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    dir.remove();
  }
  expect(server.stdout()).not.toContain("203.0.113.1");
});
