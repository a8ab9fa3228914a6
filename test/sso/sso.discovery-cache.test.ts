// Invariant: a provider's discovered configuration is reused for SSO_DISCOVERY_TTL_MS by the injected
// clock, never longer, and the cache belongs to one app instance (no module-global state).
import { expect, test } from "bun:test";
import { SSO_DISCOVERY_TTL_MS, startSso } from "../../src/services/accounts/sso.ts";
import { fakeSsoHarness } from "../support/fake-sso.ts";

const h = fakeSsoHarness("http://localhost:18445");

test("the discovery cache expires with the fake clock and is shared by the app's routes, not by other instances", async () => {
  const start = (ctx = h.t.ctx) => startSso(ctx, { providerId: h.providerId, browserBinding: "binding" });
  const before = h.fake.discoveryRequests;
  await start();
  expect(h.fake.discoveryRequests).toBe(before + 1);
  // The app's own routes use the same context, hence the same cache.
  await h.begin();
  await start();
  expect(h.fake.discoveryRequests).toBe(before + 1);

  h.t.clock.advance(SSO_DISCOVERY_TTL_MS - 1);
  await start();
  expect(h.fake.discoveryRequests).toBe(before + 1);
  h.t.clock.advance(1);
  await start();
  expect(h.fake.discoveryRequests).toBe(before + 2);

  // Another context (another app instance on the same data) has a cache of its own.
  await start({ ...h.t.ctx, ssoConfigs: new Map() });
  expect(h.fake.discoveryRequests).toBe(before + 3);
  await start();
  expect(h.fake.discoveryRequests).toBe(before + 3);
});
