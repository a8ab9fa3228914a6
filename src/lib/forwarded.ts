import { formatIp, type IpAddress, type IpRange, parseIp, parseIpRange, rangeContains } from "./ip-address.ts";

/**
 * Who the client is behind reverse proxies: `Forwarded` (RFC 7239), `X-Forwarded-For` and
 * `X-Forwarded-Proto` count only when the socket peer is a trusted proxy, and the client is the
 * right-most hop that is not one (a client can write any entries it likes to the left).
 */

/** The configured proxies (LOUPE_TRUSTED_PROXIES), parsed once. */
export type TrustedProxies = readonly IpRange[];

export type TrustedProxiesProblem = { entry: number; reason: "invalid" | "trust_all" | "too_broad" };

/** The broadest range accepted: /8, 1/256 of its address family (10.0.0.0/8, fd00::/8 pass; two /1 halves do not). */
export const BROADEST_PREFIX = 8;

/**
 * Parses a comma-separated list of addresses and CIDR ranges. Refuses trusting every address
 * (`*`, `0.0.0.0/0`, `::/0`) and ranges broader than /8, which would do nearly the same.
 */
export function parseTrustedProxies(
  text: string,
): { ok: true; proxies: TrustedProxies } | ({ ok: false } & TrustedProxiesProblem) {
  const proxies: IpRange[] = [];
  const entries = text.split(",").map((s) => s.trim());
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry === "") continue;
    if (entry === "*") return { ok: false, entry: i + 1, reason: "trust_all" };
    const range = parseIpRange(entry);
    if (!range) return { ok: false, entry: i + 1, reason: "invalid" };
    if (range.prefix === 0) return { ok: false, entry: i + 1, reason: "trust_all" };
    if (range.prefix < BROADEST_PREFIX) return { ok: false, entry: i + 1, reason: "too_broad" };
    proxies.push(range);
  }
  return { ok: true, proxies: Object.freeze(proxies) };
}

export function isTrustedProxy(proxies: TrustedProxies, ip: IpAddress): boolean {
  return proxies.some((range) => rangeContains(range, ip));
}

/** One hop named by a forwarding header: an address, or something that is not one (`unknown`, `_obfuscated`, garbage). */
export type Hop = { kind: "ip"; ip: IpAddress } | { kind: "opaque" };
export type Proto = "http" | "https";
export type ForwardedElement = { for: Hop; proto: Proto | undefined };

const OPAQUE: Hop = { kind: "opaque" };
const PORT = /^(\d{1,5}|_[A-Za-z0-9._-]+)$/;

/**
 * A node as RFC 7239 §6 writes it (quotes already removed): `1.2.3.4`, `1.2.3.4:80`, `[2001:db8::1]`,
 * `[2001:db8::1]:80`; also a bare IPv6 address as X-Forwarded-For writes it. `unknown`, obfuscated
 * identifiers (`_hidden`) and anything malformed are opaque.
 */
export function parseNode(text: string): Hop {
  const node = text.trim();
  if (node.startsWith("[")) {
    const close = node.indexOf("]");
    if (close === -1) return OPAQUE;
    const rest = node.slice(close + 1);
    if (rest !== "" && !(rest.startsWith(":") && PORT.test(rest.slice(1)))) return OPAQUE;
    const inner = node.slice(1, close);
    const ip = inner.includes(":") ? parseIp(inner) : undefined;
    return ip ? { kind: "ip", ip } : OPAQUE;
  }
  const whole = parseIp(node);
  if (whole) return { kind: "ip", ip: whole };
  const colon = node.indexOf(":");
  if (colon !== -1 && colon === node.lastIndexOf(":") && PORT.test(node.slice(colon + 1))) {
    const host = node.slice(0, colon);
    const ip = host.includes(":") ? undefined : parseIp(host);
    if (ip) return { kind: "ip", ip };
  }
  return OPAQUE;
}

function parseProto(text: string | undefined): Proto | undefined {
  const value = text?.trim().toLowerCase();
  return value === "http" || value === "https" ? value : undefined;
}

/** Splits on `separator` outside quoted strings; undefined when a quoted string never ends. */
function splitOutsideQuotes(text: string, separator: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === "\\") i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quoted) return undefined;
  parts.push(text.slice(start));
  return parts;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Unquoted values as proxies really send them (`for=1.2.3.4:80`, `for=[::1]`), though RFC tokens allow neither. */
const LOOSE_VALUE = /^[^\s",;\\]+$/;

function unquote(value: string): string | undefined {
  if (!value.startsWith('"')) return LOOSE_VALUE.test(value) ? value : undefined;
  if (value.length < 2 || !value.endsWith('"')) return undefined;
  let out = "";
  for (let i = 1; i < value.length - 1; i++) {
    const ch = value[i]!;
    if (ch === "\\") {
      i++;
      if (i >= value.length - 1) return undefined;
      out += value[i];
    } else if (ch === '"') {
      return undefined;
    } else {
      out += ch;
    }
  }
  return out;
}

/** One forwarded-element: `for=…;proto=…;by=…;host=…`. A malformed element names an opaque hop. */
function parseElement(text: string): ForwardedElement & { hasFor: boolean } {
  const broken = { for: OPAQUE, proto: undefined, hasFor: true };
  const pairs = splitOutsideQuotes(text, ";");
  if (!pairs) return broken;
  const seen = new Map<string, string>();
  for (const pair of pairs) {
    const trimmed = pair.trim();
    if (trimmed === "" && pairs.length > 1) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) return broken;
    const name = trimmed.slice(0, eq).toLowerCase();
    const value = unquote(trimmed.slice(eq + 1));
    if (!TOKEN.test(name) || value === undefined || seen.has(name)) return broken;
    seen.set(name, value);
  }
  const forValue = seen.get("for");
  return {
    for: forValue === undefined ? OPAQUE : parseNode(forValue),
    proto: parseProto(seen.get("proto")),
    hasFor: forValue !== undefined,
  };
}

/**
 * The elements of a `Forwarded` header, left (first proxy) to right (nearest proxy); undefined when
 * no element names a `for` (then the header says nothing about the client).
 */
export function parseForwarded(header: string): ForwardedElement[] | undefined {
  const elements = splitOutsideQuotes(header, ",");
  if (!elements) return [{ for: OPAQUE, proto: undefined }];
  const parsed = elements.map(parseElement);
  if (!parsed.some((e) => e.hasFor)) return undefined;
  return parsed.map(({ for: hop, proto }) => ({ for: hop, proto }));
}

/** `X-Forwarded-For` (with `X-Forwarded-Proto`, matched per hop when it lists one per hop, else one for all). */
export function parseXForwardedFor(header: string, protoHeader: string | undefined): ForwardedElement[] {
  const hops = header.split(",").map(parseNode);
  const protos = protoHeader?.split(",") ?? [];
  return hops.map((hop, i) => ({
    for: hop,
    proto: parseProto(protos.length === hops.length ? protos[i] : protos.length === 1 ? protos[0] : undefined),
  }));
}

export type ResolvedClient = {
  /** Canonical text of the client's address, or "unknown" without a usable peer address. */
  address: string;
  proto: Proto | undefined;
  /** Which source decided (for tests and diagnostics; never logged with the address). */
  source: "peer" | "forwarded" | "x-forwarded-for" | "conflict";
};

/**
 * Walks the chain from the right: skip trusted hops, stop at the first untrusted one (the client).
 * An opaque hop stops the walk too: the client is then the trusted hop that reported it.
 */
function walk(
  elements: ForwardedElement[],
  peer: IpAddress,
  proxies: TrustedProxies,
): { ip: IpAddress; proto: Proto | undefined } {
  let current = peer;
  for (let i = elements.length - 1; i >= 0; i--) {
    const element = elements[i]!;
    if (element.for.kind === "opaque") return { ip: current, proto: element.proto };
    current = element.for.ip;
    if (!isTrustedProxy(proxies, current) || i === 0) return { ip: current, proto: element.proto };
  }
  return { ip: current, proto: undefined };
}

/**
 * The client of one request. Headers count only from a trusted peer. When both `Forwarded` and
 * `X-Forwarded-For` are present and name different clients, one of them was written by the client
 * (a proxy that maintains one header passes the other through), so neither is believed: the
 * client is the peer itself.
 */
export function resolveClient(input: {
  peer: string | undefined;
  proxies: TrustedProxies;
  forwarded?: string | undefined;
  xForwardedFor?: string | undefined;
  xForwardedProto?: string | undefined;
}): ResolvedClient {
  const peer = input.peer === undefined ? undefined : parseIp(input.peer);
  if (!peer) return { address: "unknown", proto: undefined, source: "peer" };
  if (input.proxies.length === 0 || !isTrustedProxy(input.proxies, peer))
    return { address: formatIp(peer), proto: undefined, source: "peer" };
  const forwarded = input.forwarded === undefined ? undefined : parseForwarded(input.forwarded);
  const viaForwarded = forwarded ? walk(forwarded, peer, input.proxies) : undefined;
  const viaXff =
    input.xForwardedFor === undefined
      ? undefined
      : walk(parseXForwardedFor(input.xForwardedFor, input.xForwardedProto), peer, input.proxies);
  if (viaForwarded && viaXff) {
    if (formatIp(viaForwarded.ip) !== formatIp(viaXff.ip))
      return { address: formatIp(peer), proto: undefined, source: "conflict" };
    return { address: formatIp(viaForwarded.ip), proto: viaForwarded.proto ?? viaXff.proto, source: "forwarded" };
  }
  if (viaForwarded) return { address: formatIp(viaForwarded.ip), proto: viaForwarded.proto, source: "forwarded" };
  if (viaXff) return { address: formatIp(viaXff.ip), proto: viaXff.proto, source: "x-forwarded-for" };
  const protos = input.xForwardedProto?.split(",") ?? [];
  return { address: formatIp(peer), proto: protos.length === 1 ? parseProto(protos[0]) : undefined, source: "peer" };
}
