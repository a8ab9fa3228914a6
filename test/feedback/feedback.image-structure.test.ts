// T-F3 / T-F5 — Only image structure survives an upload: JPEG APP0 only as a rebuilt JFIF header (no
// thumbnail, no other APP0), APP14 only as Adobe's 12 bytes; a PNG with a repeated or misplaced critical chunk is refused.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { cleanImage } from "../../src/lib/image.ts";
import { feedbackForm, jpeg, png, pngChunks, pngOf } from "../support/images.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});
afterAll(() => w.t.close());

const text = (s: string) => new TextEncoder().encode(s);
const has = (haystack: Uint8Array, needle: string) => Buffer.from(haystack).includes(Buffer.from(needle));
const count = () => w.t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_items")!.n;

async function submit(bytes: Uint8Array) {
  return w.a.reporter.browser.post(
    `/api/v1/teams/${w.a.team.id}/feedback`,
    feedbackForm({ projectId: w.a.project.id, comment: "with a screenshot" }, { bytes }),
  );
}

async function stored(res: Response): Promise<Uint8Array> {
  expect(res.status).toBe(201);
  const item = await res.json();
  const shot = await w.a.member.browser.get(`/api/v1/teams/${w.a.team.id}/feedback/${item.id}/screenshot`);
  expect(shot.status).toBe(200);
  return new Uint8Array(await shot.arrayBuffer());
}

/** The APPn segments (marker and body) of a JPEG, up to its first scan. */
function appSegments(bytes: Uint8Array): { marker: number; body: Uint8Array }[] {
  const out: { marker: number; body: Uint8Array }[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at + 1] !== 0xda) {
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (bytes[at + 1]! >= 0xe0 && bytes[at + 1]! <= 0xef)
      out.push({ marker: bytes[at + 1]!, body: bytes.slice(at + 4, at + 2 + length) });
    at += 2 + length;
  }
  return out;
}

test("a non-JFIF APP0 carrying text is dropped; the JFIF header stays", async () => {
  const secret = "APP0-CANARY secret notes";
  const bytes = jpeg(64, 48, {
    segments: [
      { marker: 0xe0, body: text(`NOTE\0${secret}`) },
      { marker: 0xe0, body: text(`JFXX\0\x10${secret}`) },
    ],
  });
  expect(has(bytes, secret)).toBe(true);
  const kept = await stored(await submit(bytes));
  expect(has(kept, secret)).toBe(false);
  const app = appSegments(kept);
  expect(app.map((s) => s.marker)).toEqual([0xe0]);
  expect(Buffer.from(app[0]!.body.subarray(0, 5)).toString("latin1")).toBe("JFIF\0");
});

test("a JFIF APP0 keeps its version and density but not its thumbnail or trailing bytes; a second JFIF goes", async () => {
  const secret = "THUMBNAIL-CANARY";
  // JFIF 1.02, dots per inch 72×72, a 2×1 RGB thumbnail, then smuggled text.
  const jfif = new Uint8Array([
    0x4a,
    0x46,
    0x49,
    0x46,
    0,
    1,
    2,
    1,
    0,
    72,
    0,
    72,
    2,
    1,
    1,
    2,
    3,
    4,
    5,
    6,
    ...text(secret),
  ]);
  const bytes = jpeg(64, 48, {
    jfif,
    segments: [
      { marker: 0xe0, body: new Uint8Array([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, ...text(secret)]) },
    ],
  });
  const kept = await stored(await submit(bytes));
  expect(has(kept, secret)).toBe(false);
  const app = appSegments(kept);
  expect(app).toHaveLength(1);
  expect([...app[0]!.body]).toEqual([0x4a, 0x46, 0x49, 0x46, 0, 1, 2, 1, 0, 72, 0, 72, 0, 0]);
});

test("APP14 stays only as Adobe's 12 bytes; another APP14 and reserved JPGn segments go", async () => {
  const secret = "ADOBE-CANARY";
  const adobe = new Uint8Array([...text("Adobe"), 0, 100, 0, 0, 0, 0, 1, ...text(secret)]);
  const bytes = jpeg(64, 48, {
    segments: [
      { marker: 0xee, body: adobe },
      { marker: 0xee, body: text(`Other\0${secret}`) },
      { marker: 0xf3, body: text(secret) },
    ],
  });
  const { bytes: kept } = cleanImage(bytes);
  expect(has(kept, secret)).toBe(false);
  const app = appSegments(kept).filter((s) => s.marker === 0xee);
  expect(app.map((s) => [...s.body])).toEqual([[...adobe.subarray(0, 12)]]);
  expect(cleanImage(bytes).info).toEqual({ type: "image/jpeg", width: 64, height: 48 });
});

test("a PNG with a second IHDR, PLTE or IEND, split IDATs, or colour chunks after the data: 415, nothing stored", async () => {
  const [ihdr, idat, iend] = pngChunks(8, 8) as [
    { type: string; data: Uint8Array },
    { type: string; data: Uint8Array },
    { type: string; data: Uint8Array },
  ];
  const bigIhdr = { type: "IHDR", data: pngChunks(50_000, 50_000)[0]!.data };
  const plte = { type: "PLTE", data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
  const half = (n: 0 | 1) => ({ type: "IDAT", data: idat.data.subarray(n === 0 ? 0 : 4, n === 0 ? 4 : undefined) });
  const text = { type: "tEXt", data: new TextEncoder().encode("Comment\0between") };
  const cases: Record<string, { type: string; data: Uint8Array }[]> = {
    "a second IHDR (another size)": [ihdr, bigIhdr, idat, iend],
    "a second IHDR after the data": [ihdr, idat, bigIhdr, iend],
    "two PLTE": [ihdr, plte, plte, idat, iend],
    "two IEND": [ihdr, idat, iend, iend],
    "IDAT split by another chunk": [ihdr, half(0), text, half(1), iend],
    "IDAT split by a kept chunk": [
      ihdr,
      half(0),
      { type: "gAMA", data: new Uint8Array([0, 0, 0xb1, 0x8f]) },
      half(1),
      iend,
    ],
    "PLTE after the data": [ihdr, idat, plte, iend],
    "two gAMA": [
      ihdr,
      { type: "gAMA", data: new Uint8Array([0, 0, 0xb1, 0x8f]) },
      { type: "gAMA", data: new Uint8Array([0, 0, 0xb1, 0x8f]) },
      idat,
      iend,
    ],
    "no image data": [ihdr, iend],
  };
  const before = count();
  const results: Record<string, string> = {};
  for (const [name, chunks] of Object.entries(cases)) {
    const res = await submit(pngOf(chunks));
    const body = await res.json();
    results[name] = `${res.status} ${body.code} ${body.errors?.[0]?.field}`;
  }
  expect(Object.entries(results).filter(([, r]) => r !== "415 UNSUPPORTED_MEDIA_TYPE screenshot")).toEqual([]);
  expect(count()).toBe(before);
  // The controls: consecutive IDATs, a palette before the data, and colour chunks before it are fine.
  for (const chunks of [
    [ihdr, half(0), half(1), iend],
    [ihdr, { type: "gAMA", data: new Uint8Array([0, 0, 0xb1, 0x8f]) }, plte, idat, iend],
    [ihdr, idat, text, iend],
  ]) {
    expect((await submit(pngOf(chunks))).status).toBe(201);
  }
  expect((await submit(png(8, 8))).status).toBe(201);
});
