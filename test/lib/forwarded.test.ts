// The pure logic behind LOUPE_TRUSTED_PROXIES: strict IPv4/IPv6 parsing, CIDR matching (IPv4-mapped
// IPv6 counts as IPv4), RFC 7239 / X-Forwarded-For parsing, and the right-most-untrusted-hop walk.
import { describe, expect, test } from "bun:test";
import {
  parseForwarded,
  parseNode,
  parseTrustedProxies,
  parseXForwardedFor,
  resolveClient,
  type TrustedProxies,
} from "../../src/lib/forwarded.ts";
import { formatIp, formatIpRange, parseIp, parseIpRange, rangeContains } from "../../src/lib/ip-address.ts";

const ip = (text: string) => {
  const parsed = parseIp(text);
  if (!parsed) throw new Error(`not an address: ${text}`);
  return parsed;
};
const proxies = (text: string): TrustedProxies => {
  const parsed = parseTrustedProxies(text);
  if (!parsed.ok) throw new Error(`refused: ${text}`);
  return parsed.proxies;
};

describe("addresses", () => {
  test.each([
    ["192.0.2.1", "192.0.2.1"],
    ["0.0.0.0", "0.0.0.0"],
    ["255.255.255.255", "255.255.255.255"],
    ["::1", "::1"],
    ["::", "::"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
    ["2001:db8:1:1:1:1:1:1", "2001:db8:1:1:1:1:1:1"],
    ["::ffff:192.0.2.7", "192.0.2.7"],
    ["::FFFF:c000:0207", "192.0.2.7"],
    ["0:0:0:0:0:ffff:192.0.2.7", "192.0.2.7"],
    ["64:ff9b::192.0.2.7", "64:ff9b::c000:207"],
  ])("%s → %s", (text, canonical) => {
    expect(formatIp(ip(text))).toBe(canonical);
  });

  test.each([
    "",
    "1.2.3",
    "1.2.3.4.5",
    "256.1.1.1",
    "01.2.3.4",
    "1.2.3.04",
    "0x7f.0.0.1",
    "1.2.3.4 ",
    " 1.2.3.4",
    "::1::",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::8:9",
    "12345::",
    "fe80::1%eth0",
    "1.2.3.4::",
    "::1.2.3",
    "g::1",
    ":1",
    "1:",
    "unknown",
    "localhost",
  ])("%p is not an address", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe("CIDR ranges", () => {
  test.each([
    ["10.0.0.0/8", "10.255.1.2", true],
    ["10.0.0.0/8", "11.0.0.1", false],
    ["10.1.2.3/8", "10.200.0.1", true], // host bits are ignored
    ["192.0.2.0/24", "192.0.2.255", true],
    ["192.0.2.0/24", "192.0.3.0", false],
    ["192.0.2.1", "192.0.2.1", true],
    ["192.0.2.1", "192.0.2.2", false],
    ["172.16.0.0/12", "172.31.255.255", true],
    ["172.16.0.0/12", "172.32.0.0", false],
    ["127.0.0.1", "::ffff:127.0.0.1", true], // a v4-mapped peer matches an IPv4 range
    ["::ffff:10.0.0.0/104", "10.9.9.9", true], // a v4-mapped range is the IPv4 range
    ["::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true],
    ["::ffff:10.0.0.0/104", "11.0.0.1", false],
    ["2001:db8::/32", "2001:db8:ffff::1", true],
    ["2001:db8::/32", "2001:db9::1", false],
    ["fd00::/8", "fdab:cdef::1", true],
    ["fd00::/8", "fe80::1", false],
    ["2001:db8::1/127", "2001:db8::", true],
    ["2001:db8::1/127", "2001:db8::2", false],
    ["::1", "::1", true],
    ["::1", "127.0.0.1", false], // no cross-family matching
    ["10.0.0.0/8", "::a00:1", false],
    ["2001:db8:0:1::/63", "2001:db8:0:0:ffff::1", true],
    ["2001:db8:0:1::/64", "2001:db8:0:2::1", false],
  ])("%s contains %s: %p", (range, address, expected) => {
    const parsed = parseIpRange(range);
    expect(parsed).toBeDefined();
    expect(rangeContains(parsed!, ip(address))).toBe(expected);
  });

  test.each([
    "10.0.0.0/33",
    "::/129",
    "10.0.0.0/",
    "10.0.0.0/08",
    "10.0.0.0/-1",
    "10.0.0.0/8/8",
    "/8",
    "example.org/24",
    "10.0.0/8",
  ])("%p is not a range", (text) => {
    expect(parseIpRange(text)).toBeUndefined();
  });

  test("ranges print canonically", () => {
    expect(formatIpRange(parseIpRange("10.1.2.3/8")!)).toBe("10.0.0.0/8");
    expect(formatIpRange(parseIpRange("127.0.0.1")!)).toBe("127.0.0.1");
    expect(formatIpRange(parseIpRange("2001:DB8:0::/32")!)).toBe("2001:db8::/32");
  });
});

describe("LOUPE_TRUSTED_PROXIES", () => {
  test("a list of addresses and ranges; blanks and spaces are fine; empty means none", () => {
    expect(proxies("127.0.0.1, 10.0.0.0/8 ,fd00::/8,").length).toBe(3);
    expect(proxies("").length).toBe(0);
  });

  test.each([
    ["*", 1, "trust_all"],
    ["0.0.0.0/0", 1, "trust_all"],
    ["::/0", 1, "trust_all"],
    ["127.0.0.1, ::/0", 2, "trust_all"],
    ["10.0.0.1,*", 2, "trust_all"],
    ["0.0.0.0/1,128.0.0.0/1", 1, "too_broad"],
    ["10.0.0.0/7", 1, "too_broad"],
    ["::ffff:0.0.0.0/96", 1, "trust_all"], // all of IPv4, written as IPv6
    ["2000::/3", 1, "too_broad"],
    ["fc00::/7", 1, "too_broad"],
    ["10.0.0.1,proxy.internal", 2, "invalid"],
    ["10.0.0.300", 1, "invalid"],
  ])("%p is refused (entry %d: %s)", (text, entry, reason) => {
    expect(parseTrustedProxies(text)).toEqual({ ok: false, entry, reason } as never);
  });
});

describe("forwarding headers", () => {
  test.each([
    ["192.0.2.43", "192.0.2.43"],
    ["192.0.2.43:47011", "192.0.2.43"],
    ["[2001:db8:cafe::17]", "2001:db8:cafe::17"],
    ["[2001:db8:cafe::17]:4711", "2001:db8:cafe::17"],
    ["[2001:db8:cafe::17]:_port", "2001:db8:cafe::17"],
    ["2001:db8:cafe::17", "2001:db8:cafe::17"],
    ["::ffff:192.0.2.43", "192.0.2.43"],
    [" 192.0.2.43 ", "192.0.2.43"],
  ])("node %p is %s", (text, address) => {
    const hop = parseNode(text);
    expect(hop.kind).toBe("ip");
    expect(hop.kind === "ip" && formatIp(hop.ip)).toBe(address);
  });

  test.each([
    "unknown",
    "UNKNOWN",
    "_hidden",
    "_SEVKISEK",
    "",
    "[2001:db8::1",
    "[192.0.2.1]",
    "192.0.2.1:",
    "192.0.2.1:123456",
    "192.0.2.1:80:80",
    "2001:db8::1:80x",
    "evil.example",
    "1.2.3.4, 5.6.7.8",
  ])("node %p is opaque", (text) => {
    expect(parseNode(text).kind).toBe("opaque");
  });

  const forOf = (header: string) =>
    parseForwarded(header)?.map((e) => (e.for.kind === "ip" ? formatIp(e.for.ip) : "opaque"));
  test.each([
    ['for="_gazonk"', ["opaque"]],
    ['For="[2001:db8:cafe::17]:4711"', ["2001:db8:cafe::17"]],
    ["for=192.0.2.60;proto=http;by=203.0.113.43", ["192.0.2.60"]],
    ["for=192.0.2.43, for=198.51.100.17", ["192.0.2.43", "198.51.100.17"]],
    ['for=192.0.2.43,for="[2001:db8:cafe::17]",for=unknown', ["192.0.2.43", "2001:db8:cafe::17", "opaque"]],
    ['for="192.0.2.43:47011";host="a,b";proto=https, for=198.51.100.17', ["192.0.2.43", "198.51.100.17"]], // comma inside quotes
    ['for="192.0.2.\\43"', ["192.0.2.43"]], // quoted-pair
    ["for=192.0.2.43;for=198.51.100.17", ["opaque"]], // a parameter twice: malformed element
    ["for=192.0.2.43;garbage", ["opaque"]],
    ['for="192.0.2.43', ["opaque"]], // unterminated quote
    ["proto=https, for=192.0.2.43", ["opaque", "192.0.2.43"]], // an element without for
    ["for = 192.0.2.43", ["opaque"]],
  ])("Forwarded: %s", (header, expected) => {
    expect(forOf(header)).toEqual(expected);
  });

  test("a Forwarded header without any for= says nothing about the client", () => {
    expect(parseForwarded("proto=https;host=example.eu")).toBeUndefined();
  });

  test("proto per Forwarded element; X-Forwarded-Proto per hop or one for all", () => {
    expect(parseForwarded("for=192.0.2.1;proto=HTTPS, for=10.0.0.1;proto=http")!.map((e) => e.proto)).toEqual([
      "https",
      "http",
    ]);
    expect(parseForwarded("for=192.0.2.1;proto=gopher")![0]!.proto).toBeUndefined();
    expect(parseXForwardedFor("192.0.2.1, 10.0.0.1", "https, http").map((e) => e.proto)).toEqual(["https", "http"]);
    expect(parseXForwardedFor("192.0.2.1, 10.0.0.1", "https").map((e) => e.proto)).toEqual(["https", "https"]);
    expect(parseXForwardedFor("192.0.2.1, 10.0.0.1, 10.0.0.2", "https, http").map((e) => e.proto)).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe("the client of a request", () => {
  const trusted = proxies("127.0.0.1, 10.0.0.0/8, fd00::/8");
  test.each<[string, { peer?: string; forwarded?: string; xff?: string; xfp?: string }, string, string | undefined]>([
    [
      "no proxies configured: the peer, headers ignored",
      { peer: "192.0.2.1", xff: "203.0.113.9" },
      "192.0.2.1",
      undefined,
    ],
    [
      "untrusted peer: headers ignored",
      { peer: "192.0.2.1", xff: "203.0.113.9", forwarded: "for=203.0.113.9", xfp: "https" },
      "192.0.2.1",
      undefined,
    ],
    ["untrusted v4-mapped peer is canonical IPv4", { peer: "::ffff:192.0.2.1" }, "192.0.2.1", undefined],
    ["no peer at all", {}, "unknown", undefined],
    ["trusted peer, X-Forwarded-For", { peer: "127.0.0.1", xff: "203.0.113.9", xfp: "https" }, "203.0.113.9", "https"],
    ["trusted v4-mapped peer", { peer: "::ffff:127.0.0.1", xff: "203.0.113.9" }, "203.0.113.9", undefined],
    [
      "trusted peer, Forwarded",
      { peer: "10.1.1.1", forwarded: 'for="[2001:db8::5]:1234";proto=https' },
      "2001:db8::5",
      "https",
    ],
    [
      "spoofed left-most entry: the right-most untrusted hop",
      { peer: "127.0.0.1", xff: "6.6.6.6, 203.0.113.9" },
      "203.0.113.9",
      undefined,
    ],
    [
      "trusted hops are skipped",
      { peer: "127.0.0.1", xff: "6.6.6.6, 203.0.113.9, 10.0.0.2, 10.0.0.3" },
      "203.0.113.9",
      undefined,
    ],
    [
      "trusted hops skipped in Forwarded too",
      { peer: "fd00::1", forwarded: "for=6.6.6.6, for=203.0.113.9;proto=https, for=10.0.0.2;proto=http" },
      "203.0.113.9",
      "https",
    ],
    ["every hop trusted: the left-most", { peer: "127.0.0.1", xff: "10.0.0.5, 10.0.0.6" }, "10.0.0.5", undefined],
    [
      "unknown stops the walk at the proxy that said it",
      { peer: "127.0.0.1", xff: "6.6.6.6, unknown" },
      "127.0.0.1",
      undefined,
    ],
    [
      "an obfuscated hop stops the walk behind a trusted hop",
      { peer: "127.0.0.1", forwarded: "for=6.6.6.6, for=_hidden, for=10.0.0.2" },
      "10.0.0.2",
      undefined,
    ],
    ["garbage stops the walk", { peer: "127.0.0.1", xff: "6.6.6.6, not-an-ip" }, "127.0.0.1", undefined],
    [
      "garbage to the left of the client does not matter",
      { peer: "127.0.0.1", xff: "not-an-ip, 203.0.113.9" },
      "203.0.113.9",
      undefined,
    ],
    [
      "both headers agree",
      { peer: "127.0.0.1", xff: "203.0.113.9", forwarded: "for=203.0.113.9" },
      "203.0.113.9",
      undefined,
    ],
    [
      "both headers disagree: neither is believed",
      { peer: "127.0.0.1", xff: "203.0.113.9", forwarded: "for=6.6.6.6" },
      "127.0.0.1",
      undefined,
    ],
    [
      "Forwarded without for= leaves X-Forwarded-For to decide",
      { peer: "127.0.0.1", xff: "203.0.113.9", forwarded: "proto=https" },
      "203.0.113.9",
      undefined,
    ],
    ["only X-Forwarded-Proto from a trusted peer", { peer: "127.0.0.1", xfp: "https" }, "127.0.0.1", "https"],
    ["IPv6 client canonicalized", { peer: "127.0.0.1", xff: "2001:DB8:0:0::7" }, "2001:db8::7", undefined],
  ])("%s", (_name, input, address, proto) => {
    const result = resolveClient({
      peer: input.peer,
      proxies: _name.startsWith("no proxies") ? [] : trusted,
      forwarded: input.forwarded,
      xForwardedFor: input.xff,
      xForwardedProto: input.xfp,
    });
    expect(result.address).toBe(address);
    expect(result.proto).toBe(proto as never);
  });
});
