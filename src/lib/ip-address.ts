/**
 * IP addresses and CIDR ranges, parsed strictly (no octal, hex or short IPv4 forms, no zone ids).
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address it carries.
 */
export type IpAddress = { readonly version: 4 | 6; readonly bytes: Uint8Array };
export type IpRange = { readonly version: 4 | 6; readonly bytes: Uint8Array; readonly prefix: number };

const IPV4 = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;
const HEX_GROUP = /^[0-9a-f]{1,4}$/i;

function parseIpv4(text: string): Uint8Array | undefined {
  const match = IPV4.exec(text);
  if (!match) return undefined;
  const parts = match.slice(1).map(Number);
  return parts.every((n) => n <= 255) ? Uint8Array.from(parts) : undefined;
}

/** Sixteen bytes of an IPv6 address in any RFC 4291 text form, or undefined. */
function parseIpv6(text: string): Uint8Array | undefined {
  if (text.length > 45 || !text.includes(":")) return undefined;
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (HEX_GROUP.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  // An embedded IPv4 address may only end the address.
  if (halves.length === 2 && halves[0]!.includes(".")) return undefined;
  const given = head.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  const groups = [...head, ...Array<number>(8 - given).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  return bytes;
}

function isV4Mapped(bytes: Uint8Array): boolean {
  return bytes.length === 16 && bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
}

/** Parses an IPv4 or IPv6 address; an IPv4-mapped IPv6 address becomes IPv4. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, bytes: v4 };
  const v6 = parseIpv6(text);
  if (!v6) return undefined;
  return isV4Mapped(v6) ? { version: 4, bytes: v6.slice(12) } : { version: 6, bytes: v6 };
}

/** The canonical text of an address: dotted IPv4, or RFC 5952 IPv6 (lower case, longest zero run as ::). */
export function formatIp(ip: IpAddress): string {
  if (ip.version === 4) return Array.from(ip.bytes).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i]! << 8) | ip.bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
  if (bestStart === -1) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/**
 * Parses `address` or `address/prefix`. A range inside ::ffff:0:0/96 becomes the IPv4 range it
 * covers (so it matches IPv4 peers); host bits below the prefix are ignored.
 */
export function parseIpRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const prefixText = slash === -1 ? undefined : text.slice(slash + 1);
  if (prefixText !== undefined && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const v4 = parseIpv4(addressText);
  const v6 = v4 ? undefined : parseIpv6(addressText);
  if (!v4 && !v6) return undefined;
  const max = v4 ? 32 : 128;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return undefined;
  if (v4) return { version: 4, bytes: mask(v4, prefix), prefix };
  if (isV4Mapped(v6!) && prefix >= 96)
    return { version: 4, bytes: mask(v6!.slice(12), prefix - 96), prefix: prefix - 96 };
  return { version: 6, bytes: mask(v6!, prefix), prefix };
}

function mask(bytes: Uint8Array, prefix: number): Uint8Array {
  const out = bytes.slice();
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - 8 * i));
    out[i] = out[i]! & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

/** Whether `ip` lies in `range` (IPv4 ranges match IPv4 and IPv4-mapped addresses). */
export function rangeContains(range: IpRange, ip: IpAddress): boolean {
  if (range.version !== ip.version) return false;
  const masked = mask(ip.bytes, range.prefix);
  return masked.every((b, i) => b === range.bytes[i]);
}

/** A range as text: `10.0.0.0/8`, a single address without its prefix. */
export function formatIpRange(range: IpRange): string {
  const address = formatIp({ version: range.version, bytes: range.bytes });
  return range.prefix === (range.version === 4 ? 32 : 128) ? address : `${address}/${range.prefix}`;
}
