// Invariant (T-W2): a project's allowed origins are exact origins or https://*.domain patterns; a bare
// `*`, a wildcard in a label or on a public suffix alone, paths and credentials cannot be configured,
// and matching never lets a look-alike host, another scheme or another port through.
import { expect, test } from "bun:test";
import * as v from "valibot";
import { OriginPatternSchema, originAllowed } from "../../src/shared/origins.ts";

test("patterns: exact origins and https://*.domain are accepted; everything looser is refused", () => {
  for (const ok of [
    "https://shop.example.eu",
    "http://localhost:3000",
    "https://*.example.eu",
    "HTTPS://Shop.Example.EU",
    "https://*.example.eu:8443",
  ])
    expect(v.safeParse(OriginPatternSchema, ok).success).toBe(true);
  for (const bad of [
    "*",
    "https://*",
    "https://*.eu",
    "http://*.example.eu",
    "https://*foo.example.eu",
    "https://shop.*.eu",
    "https://shop.example.eu/",
    "https://shop.example.eu/path",
    "https://user:pw@shop.example.eu",
    "shop.example.eu",
    "javascript:alert(1)",
  ])
    expect(`${bad} ${v.safeParse(OriginPatternSchema, bad).success}`).toBe(`${bad} false`);
});

test("matching: exact, subdomains of the pattern's domain only, same scheme and port", () => {
  const patterns = ["https://shop.example.eu", "https://*.corp.example", "http://localhost:3000"];
  const table: [string | undefined, boolean][] = [
    ["https://shop.example.eu", true],
    ["https://shop.example.eu:443", false], // not how a browser writes a default port: refused as malformed
    ["https://Shop.Example.EU", true], // host names are case-insensitive
    ["http://shop.example.eu", false],
    ["https://shop.example.eu:8443", false],
    ["https://a.corp.example", true],
    ["https://a.b.corp.example", true],
    ["https://corp.example", false],
    ["https://evilcorp.example", false],
    ["https://a.corp.example.evil.example", false],
    ["http://a.corp.example", false],
    ["http://localhost:3000", true],
    ["http://localhost:3001", false],
    ["null", false],
    ["", false],
    [undefined, false],
  ];
  for (const [origin, allowed] of table)
    expect(`${origin} ${originAllowed(origin, patterns)}`).toBe(`${origin} ${allowed}`);
  expect(originAllowed("https://shop.example.eu", [])).toBe(false);
});

test("a port outside 1–65535 cannot be saved, and a pattern saved before the rules matches nothing instead of failing", () => {
  expect(v.safeParse(OriginPatternSchema, "https://x.example:99999").success).toBe(false);
  expect(v.safeParse(OriginPatternSchema, "https://x.example:0").success).toBe(false);
  expect(v.safeParse(OriginPatternSchema, "https://x.example:65535").success).toBe(true);
  expect(originAllowed("https://evil.example", ["https://x.example:99999", "https://ok.example"])).toBe(false);
  expect(originAllowed("https://ok.example", ["https://x.example:99999", "https://ok.example"])).toBe(true);
});
