/**
 * Screenshot checks without decoding: the type from the magic bytes, the dimensions from the header
 * (a pixel bomb is refused before any pixel is touched), and metadata (EXIF, XMP, text, comments,
 * trailing data) stripped at the byte level. Anything not a clean PNG, JPEG or WebP is refused.
 */
export type ImageType = "image/png" | "image/jpeg" | "image/webp";
export type ImageInfo = { type: ImageType; width: number; height: number };

export class ImageError extends Error {
  constructor(readonly reason: "unsupported" | "malformed") {
    super(reason);
  }
}

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffImage(bytes: Uint8Array): ImageType | undefined {
  if (bytes.length >= 8 && PNG_MAGIC.every((b, i) => bytes[i] === b)) return "image/png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "image/webp";
  return undefined;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

// PNG: critical chunks and colour information are kept; text, EXIF, time and any other ancillary chunk go.
const PNG_KEEP = new Set(["IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "sBIT", "pHYs"]);

/**
 * Refused as malformed (PNG spec §5.6): a second IHDR (the size read here would not be the one a
 * decoder uses), any kept chunk twice except IDAT, IDAT chunks that are not consecutive, kept chunks
 * after the image data, or no image data at all.
 */
function pngCleaned(b: Uint8Array): { info: ImageInfo; bytes: Uint8Array } {
  const dv = view(b);
  if (b.length < 33 || ascii(b, 12, 4) !== "IHDR") throw new ImageError("malformed");
  const info: ImageInfo = { type: "image/png", width: dv.getUint32(16), height: dv.getUint32(20) };
  const parts: Uint8Array[] = [b.subarray(0, 8)];
  const seen = new Set<string>();
  let data: "before" | "in" | "after" = "before";
  let at = 8;
  let ended = false;
  while (at + 12 <= b.length) {
    const length = dv.getUint32(at);
    const type = ascii(b, at + 4, 4);
    const end = at + 12 + length;
    if (end > b.length || length > 0x7fffffff) throw new ImageError("malformed");
    if (type === "IDAT") {
      if (data === "after") throw new ImageError("malformed");
      data = "in";
    } else {
      if (data === "in") data = "after";
      if (PNG_KEEP.has(type) && (seen.has(type) || (data === "after" && type !== "IEND")))
        throw new ImageError("malformed");
      seen.add(type);
    }
    if (PNG_KEEP.has(type)) parts.push(b.subarray(at, end));
    at = end;
    if (type === "IEND") {
      ended = true;
      break;
    }
  }
  // Data after IEND is how PNG/HTML polyglots hide: refused.
  if (!ended || at !== b.length) throw new ImageError(ended ? "unsupported" : "malformed");
  if (data === "before") throw new ImageError("malformed");
  return { info, bytes: concatBytes(parts) };
}

/** Markers that stand alone (no length): TEM and the restart markers. */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd7);

/** Where the entropy-coded data of a scan starting at `at` ends (the next real marker). */
function scanEnd(b: Uint8Array, at: number): number {
  let i = at;
  while (i + 1 < b.length) {
    if (b[i] !== 0xff) {
      i++;
      continue;
    }
    const next = b[i + 1]!;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7))
      i += 2; // stuffed byte, restart marker
    else if (next === 0xff)
      i++; // fill byte
    else return i;
  }
  throw new ImageError("malformed");
}

const segment = (marker: number, body: Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + body.length);
  out.set([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]);
  out.set(body, 4);
  return out;
};

/**
 * APP0 kept only as JFIF ("JFIF\0"): its version, units and density, rebuilt without the thumbnail
 * and anything after it (a thumbnail can hold the unredacted picture, or any bytes at all). Other
 * APP0 segments, JFXX (thumbnails only) included, are dropped.
 */
function jfifHeader(body: Uint8Array): Uint8Array | undefined {
  if (body.length < 14 || ascii(body, 0, 5) !== "JFIF\0") return undefined;
  return segment(0xe0, concatBytes([body.subarray(0, 12), new Uint8Array([0, 0])]));
}

/** APP14 kept only as Adobe's fixed 12 bytes (its colour transform matters to decoders), nothing more. */
function adobeHeader(body: Uint8Array): Uint8Array | undefined {
  if (body.length < 12 || ascii(body, 0, 5) !== "Adobe") return undefined;
  return segment(0xee, body.slice(0, 12));
}

function jpegCleaned(b: Uint8Array): { info: ImageInfo; bytes: Uint8Array } {
  const dv = view(b);
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  let at = 2;
  let size: { width: number; height: number } | undefined;
  let scans = 0;
  const kept = new Set<number>();
  while (true) {
    if (at + 2 > b.length || b[at] !== 0xff) throw new ImageError("malformed");
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd9) {
      // End of image: it must be the end of the file (data after it is how polyglots hide).
      if (at + 2 !== b.length) throw new ImageError("unsupported");
      parts.push(b.subarray(at, at + 2));
      break;
    }
    if (isStandalone(marker)) {
      parts.push(b.subarray(at, at + 2));
      at += 2;
      continue;
    }
    if (at + 4 > b.length) throw new ImageError("malformed");
    const length = dv.getUint16(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > b.length) throw new ImageError("malformed");
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (size || length < 8) throw new ImageError("unsupported"); // one frame only
      size = { height: dv.getUint16(at + 5), width: dv.getUint16(at + 7) };
    }
    // APP1–APP13 and APP15 (EXIF, XMP, IPTC …), comments and the reserved JPGn extensions are dropped;
    // APP0 and APP14 only as rebuilt JFIF and Adobe headers (below), never with what they carried.
    const drop =
      (marker >= 0xe1 && marker <= 0xed) || marker === 0xef || marker === 0xfe || (marker >= 0xf0 && marker <= 0xfd);
    if (marker === 0xe0 || marker === 0xee) {
      const header = marker === 0xe0 ? jfifHeader(b.subarray(at + 4, end)) : adobeHeader(b.subarray(at + 4, end));
      if (header && !kept.has(marker)) {
        kept.add(marker);
        parts.push(header);
      }
      at = end;
      continue;
    }
    if (marker === 0xda) {
      if (!size) throw new ImageError("malformed");
      const dataEnd = scanEnd(b, end);
      parts.push(b.subarray(at, dataEnd));
      scans++;
      at = dataEnd;
      continue;
    }
    if (!drop) parts.push(b.subarray(at, end));
    at = end;
  }
  if (!size || scans === 0) throw new ImageError("malformed");
  return { info: { type: "image/jpeg", ...size }, bytes: concatBytes(parts) };
}

const WEBP_KEEP = new Set(["VP8X", "VP8 ", "VP8L", "ALPH", "ANIM", "ANMF"]);

function webpCleaned(b: Uint8Array): { info: ImageInfo; bytes: Uint8Array } {
  const dv = view(b);
  const riffSize = dv.getUint32(4, true);
  if (riffSize + 8 !== b.length) throw new ImageError(riffSize + 8 < b.length ? "unsupported" : "malformed");
  const chunks: Uint8Array[] = [];
  let size: { width: number; height: number } | undefined;
  let canvas: { width: number; height: number; animated: boolean } | undefined;
  let at = 12;
  while (at + 8 <= b.length) {
    const fourcc = ascii(b, at, 4);
    const length = dv.getUint32(at + 4, true);
    const end = at + 8 + length + (length % 2);
    if (end > b.length) throw new ImageError("malformed");
    const chunk = b.slice(at, end);
    if (fourcc === "VP8X") {
      if (length !== 10 || canvas) throw new ImageError("malformed");
      chunk[8] = chunk[8]! & ~0x2c; // no ICC (0x20), EXIF (0x08) or XMP (0x04) any more
      canvas = {
        width: 1 + (chunk[12]! | (chunk[13]! << 8) | (chunk[14]! << 16)),
        height: 1 + (chunk[15]! | (chunk[16]! << 8) | (chunk[17]! << 16)),
        animated: (chunk[8]! & 0x02) !== 0,
      };
    } else if (fourcc === "VP8 " && !size && length >= 10) {
      size = { width: dv.getUint16(at + 14, true) & 0x3fff, height: dv.getUint16(at + 16, true) & 0x3fff };
    } else if (fourcc === "VP8L" && !size && length >= 5) {
      const bits = dv.getUint32(at + 9, true);
      size = { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
    }
    // Only image chunks are kept: metadata and anything unknown go.
    if (WEBP_KEEP.has(fourcc)) chunks.push(chunk);
    at = end;
  }
  if (at !== b.length) throw new ImageError("malformed");
  if (canvas) {
    // A still image's canvas must be its bitstream's size; an animation is sized by its canvas.
    if (!canvas.animated && (!size || size.width !== canvas.width || size.height !== canvas.height))
      throw new ImageError("malformed");
    size = { width: canvas.width, height: canvas.height };
  }
  if (!size) throw new ImageError("malformed");
  const body = concatBytes(chunks);
  const header = new Uint8Array(12);
  header.set(b.subarray(0, 12));
  view(header).setUint32(4, body.length + 4, true);
  return { info: { type: "image/webp", ...size }, bytes: concatBytes([header, body]) };
}

/** The byte arrays one after the other. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The image's type and size, and its bytes without metadata; throws ImageError otherwise. */
export function cleanImage(bytes: Uint8Array): { info: ImageInfo; bytes: Uint8Array } {
  const type = sniffImage(bytes);
  if (type === "image/png") return pngCleaned(bytes);
  if (type === "image/jpeg") return jpegCleaned(bytes);
  if (type === "image/webp") return webpCleaned(bytes);
  throw new ImageError("unsupported");
}
