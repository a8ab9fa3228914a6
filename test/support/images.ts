import { deflateSync } from "node:zlib";
import { concatBytes } from "../../src/lib/image.ts";

/** Small, structurally valid images built byte by byte (the server never decodes pixels). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

const cat = (...parts: Uint8Array[]) => concatBytes(parts);

/** The chunks of a minimal PNG of width×height (IHDR, IDAT, IEND) as type and data, to rearrange in tests. */
export function pngChunks(width: number, height: number): { type: string; data: Uint8Array }[] {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = width * height <= 10_000 ? height : 1;
  const raw = new Uint8Array(rows * (1 + Math.min(width, 100) * 3));
  return [
    { type: "IHDR", data: ihdr },
    { type: "IDAT", data: deflateSync(raw) },
    { type: "IEND", data: new Uint8Array() },
  ];
}

/** A 100×100 PNG of exactly `totalBytes` bytes (one large IDAT chunk; nothing is decoded). */
export function pngOfSize(totalBytes: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, 100);
  new DataView(ihdr.buffer).setUint32(4, 100);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const head = cat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr));
  const tail = pngChunk("IEND", new Uint8Array());
  const idat = new Uint8Array(totalBytes - head.length - tail.length);
  const dv = new DataView(idat.buffer);
  dv.setUint32(0, idat.length - 12);
  idat.set(new TextEncoder().encode("IDAT"), 4);
  dv.setUint32(idat.length - 4, Bun.hash.crc32(idat.subarray(4, idat.length - 4)));
  return cat(head, idat, tail);
}

/** A PNG file of the given chunks (signature, then each chunk with its length and CRC). */
export function pngOf(chunks: { type: string; data: Uint8Array }[]): Uint8Array {
  return cat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    ...chunks.map((c) => pngChunk(c.type, c.data)),
  );
}

/** A PNG declaring width×height (pixels only when small), optionally with a tEXt chunk and trailing bytes. */
export function png(width: number, height: number, options: { text?: string; trailing?: string } = {}): Uint8Array {
  const chunks = pngChunks(width, height);
  if (options.text) chunks.splice(1, 0, { type: "tEXt", data: new TextEncoder().encode(`Comment\0${options.text}`) });
  const file = pngOf(chunks);
  return options.trailing ? cat(file, new TextEncoder().encode(options.trailing)) : file;
}

/**
 * A baseline JPEG (SOF0 with the size), optionally with an EXIF APP1 segment holding `exif` text,
 * another JFIF APP0 body (`jfif`), and extra segments (`segments`) right after the APP0.
 */
export function jpeg(
  width: number,
  height: number,
  options: { exif?: string; jfif?: Uint8Array; segments?: { marker: number; body: Uint8Array }[] } = {},
): Uint8Array {
  const seg = (marker: number, body: Uint8Array) => {
    const out = new Uint8Array(4 + body.length);
    out[0] = 0xff;
    out[1] = marker;
    new DataView(out.buffer).setUint16(2, body.length + 2);
    out.set(body, 4);
    return out;
  };
  const jfif = seg(0xe0, options.jfif ?? new Uint8Array([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  const extra = cat(...(options.segments ?? []).map((s) => seg(s.marker, s.body)));
  const exif = options.exif
    ? seg(0xe1, cat(new TextEncoder().encode("Exif\0\0"), new TextEncoder().encode(options.exif)))
    : new Uint8Array();
  const dqt = seg(0xdb, new Uint8Array(65).fill(1));
  const sofBody = new Uint8Array([8, 0, 0, 0, 0, 1, 1, 0x11, 0]);
  new DataView(sofBody.buffer).setUint16(1, height);
  new DataView(sofBody.buffer).setUint16(3, width);
  const sof = seg(0xc0, sofBody);
  const sos = seg(0xda, new Uint8Array([1, 1, 0, 0, 0x3f, 0]));
  return cat(
    new Uint8Array([0xff, 0xd8]),
    jfif,
    extra,
    exif,
    dqt,
    sof,
    sos,
    new Uint8Array([0x12, 0x34, 0x56]),
    new Uint8Array([0xff, 0xd9]),
  );
}

/** An extended WebP (VP8X + VP8L) of width×height, optionally with an EXIF chunk. */
export function webp(width: number, height: number, options: { exif?: string } = {}): Uint8Array {
  const chunk = (fourcc: string, body: Uint8Array) => {
    const out = new Uint8Array(8 + body.length + (body.length % 2));
    out.set(new TextEncoder().encode(fourcc), 0);
    new DataView(out.buffer).setUint32(4, body.length, true);
    out.set(body, 8);
    return out;
  };
  const vp8x = new Uint8Array(10);
  vp8x[0] = options.exif ? 0x08 : 0;
  const w = width - 1;
  const h = height - 1;
  vp8x.set([w & 0xff, (w >> 8) & 0xff, (w >> 16) & 0xff, h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff], 4);
  const vp8l = new Uint8Array(8);
  vp8l[0] = 0x2f;
  new DataView(vp8l.buffer).setUint32(1, (w & 0x3fff) | ((h & 0x3fff) << 14), true);
  const body = cat(
    new TextEncoder().encode("WEBP"),
    chunk("VP8X", vp8x),
    chunk("VP8L", vp8l),
    options.exif ? chunk("EXIF", new TextEncoder().encode(options.exif)) : new Uint8Array(),
  );
  const header = new Uint8Array(8);
  header.set(new TextEncoder().encode("RIFF"));
  new DataView(header.buffer).setUint32(4, body.length, true);
  return cat(header, body);
}

/** A multipart body with a JSON `payload` part and an optional `screenshot` file part. */
export function feedbackForm(
  payload: unknown,
  screenshot?: { bytes: Uint8Array; type?: string; name?: string },
): FormData {
  const form = new FormData();
  form.set("payload", JSON.stringify(payload));
  if (screenshot)
    form.set(
      "screenshot",
      new Blob([new Uint8Array(screenshot.bytes)], { type: screenshot.type ?? "image/png" }),
      screenshot.name ?? "screenshot.png",
    );
  return form;
}
