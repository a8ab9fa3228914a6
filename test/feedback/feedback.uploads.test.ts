// T-F1 / T-F2 / T-F3 / T-F5 — Screenshots are accepted only as PNG, JPEG or WebP by their magic
// bytes; SVG, HTML, polyglots and wrong types are refused (415); a body over the limit is refused
// before it is buffered (413) and a pixel bomb from its header (413); EXIF and text metadata are
// stripped; the download has a server-chosen type, nosniff, a sandbox CSP and is an attachment.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { feedbackForm, jpeg, png, webp } from "../support/images.ts";
import { seedWorld, type World } from "../support/teams.ts";

let w: World;
beforeAll(async () => {
  w = await seedWorld();
});
afterAll(() => w.t.close());

async function submit(bytes: Uint8Array, type = "image/png", name = "shot.png") {
  const T = `/api/v1/teams/${w.a.team.id}`;
  return w.a.reporter.browser.post(
    `${T}/feedback`,
    feedbackForm({ projectId: w.a.project.id, comment: "with a screenshot" }, { bytes, type, name }),
  );
}

async function stored(res: Response): Promise<Uint8Array> {
  const item = await res.json();
  const shot = await w.a.member.browser.get(`/api/v1/teams/${w.a.team.id}/feedback/${item.id}/screenshot`);
  expect(shot.status).toBe(200);
  return new Uint8Array(await shot.arrayBuffer());
}

test("T-F1: PNG, JPEG and WebP are accepted; the served type is the sniffed one, whatever was declared", async () => {
  for (const [bytes, declared, expected] of [
    [png(10, 10), "application/octet-stream", "image/png"],
    [jpeg(640, 480), "image/png", "image/jpeg"],
    [webp(32, 16), "text/html", "image/webp"],
  ] as const) {
    const res = await submit(bytes, declared);
    expect(res.status).toBe(201);
    const item = await res.json();
    expect(item.screenshot).toMatchObject({ contentType: expected, annotations: [] });
    const shot = await w.a.member.browser.get(`/api/v1/teams/${w.a.team.id}/feedback/${item.id}/screenshot`);
    expect(shot.headers.get("Content-Type")).toBe(expected);
  }
});

test("T-F1: SVG with script, HTML renamed .png, a PNG+HTML polyglot and garbage: 415, nothing stored", async () => {
  const count = () => w.t.store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_items")!.n;
  const before = count();
  const html = "<html><script>alert(1)</script></html>";
  for (const bytes of [
    new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`),
    new TextEncoder().encode(html),
    png(4, 4, { trailing: html }),
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
    new Uint8Array(0),
  ]) {
    const res = await submit(bytes);
    expect(res.status).toBe(415);
    const body = await res.json();
    expect(body.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    expect(body.errors[0].field).toBe("screenshot");
  }
  expect(count()).toBe(before);
});

test("T-F2: a pixel bomb is refused from its header; so is a body over the limit, before buffering it all", async () => {
  const bomb = png(50_000, 50_000);
  expect(bomb.length).toBeLessThan(2_000);
  const res = await submit(bomb);
  expect(res.status).toBe(413);
  expect((await res.json()).code).toBe("IMAGE_TOO_LARGE");

  const huge = new Uint8Array(w.t.config.screenshotMaxBytes + 300 * 1024);
  huge.set(png(1, 1).subarray(0, 8));
  const tooBig = await submit(huge);
  expect(tooBig.status).toBe(413);
  // A streamed body without Content-Length is cut off too.
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < 12; i++) controller.enqueue(new Uint8Array(512 * 1024));
      controller.close();
    },
  });
  const streamed = await w.t.app.request(`${w.t.config.publicOrigin}/api/v1/teams/${w.a.team.id}/feedback`, {
    method: "POST",
    headers: {
      Cookie: w.a.reporter.browser.cookieHeader(),
      "Content-Type": "multipart/form-data; boundary=x",
      Origin: w.t.config.publicOrigin,
      "X-Requested-With": "t",
    },
    body: stream,
    duplex: "half",
  } as RequestInit);
  expect(streamed.status).toBe(413);
});

test("T-F5: EXIF (with GPS) and text chunks are stripped at the byte level", async () => {
  const gps = "GPSLatitude 52.5200 N GPSLongitude 13.4050 E CANARY-EXIF";
  for (const image of [jpeg(100, 80, { exif: gps }), webp(20, 20, { exif: gps }), png(8, 8, { text: gps })]) {
    expect(new TextDecoder().decode(image)).toContain("CANARY-EXIF");
    const res = await submit(image);
    expect(res.status).toBe(201);
    const bytes = await stored(res);
    expect(new TextDecoder().decode(bytes)).not.toContain("CANARY-EXIF");
    expect(new TextDecoder().decode(bytes)).not.toContain("GPS");
  }
});

test("T-F3: the download is sandboxed, nosniff, an attachment with a server-made name, and tenant-checked", async () => {
  const res = await submit(png(2, 2), "image/svg+xml", '../../evil".svg');
  const item = await res.json();
  const url = `/api/v1/teams/${w.a.team.id}/feedback/${item.id}/screenshot`;
  const shot = await w.a.member.browser.get(url);
  expect(shot.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(shot.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
  expect(shot.headers.get("Content-Disposition")).toBe('attachment; filename="screenshot.png"');
  expect(shot.headers.get("Content-Type")).toBe("image/png");
  expect((await w.b.owner.browser.get(url)).status).toBe(404);
  expect((await w.b.owner.browser.get(`/api/v1/teams/${w.b.team.id}/feedback/${item.id}/screenshot`)).status).toBe(404);
});

test("crafted JPEGs and WebPs: data after the end, a second frame, no scan, unknown chunks, size mismatches — refused or cleaned", async () => {
  const { cleanImage } = await import("../../src/lib/image.ts");
  const good = jpeg(10, 10);
  const html = new TextEncoder().encode("<html><script>alert(1)</script>");
  const exifSegment = new Uint8Array([0xff, 0xe1, 0x00, 0x12, ...new TextEncoder().encode("Exif\0\0GPS-HIDDEN")]);
  const cat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));
  // EOI, then EXIF and HTML, then another EOI: data after the image's end.
  expect(() => cleanImage(cat(good, exifSegment, html, new Uint8Array([0xff, 0xd9])))).toThrow();
  // No scan at all.
  expect(() =>
    cleanImage(new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 10, 0, 10, 1, 1, 0x11, 0, 0xff, 0xd9])),
  ).toThrow();
  // A second frame header declaring a huge size.
  const sof = new Uint8Array([0xff, 0xc0, 0, 11, 8, 0xea, 0x60, 0xea, 0x60, 1, 1, 0x11, 0]);
  expect(() => cleanImage(cat(good.subarray(0, 2), sof, good.subarray(2)))).toThrow();
  // Segments between scans go through the same rules: an APP1 after the first scan is dropped.
  const sosAt = good.findIndex((b, i) => b === 0xff && good[i + 1] === 0xda);
  const eoiAt = good.length - 2;
  const twoScans = cat(good.subarray(0, eoiAt), exifSegment, good.subarray(sosAt, eoiAt), good.subarray(eoiAt));
  const cleaned = cleanImage(twoScans);
  expect(new TextDecoder().decode(cleaned.bytes)).not.toContain("GPS-HIDDEN");

  // WebP: unknown chunks go; a VP8X of the wrong length or size is refused.
  const plain = webp(20, 20);
  const chunk = (fourcc: string, body: Uint8Array) =>
    cat(
      new TextEncoder().encode(fourcc),
      new Uint8Array([body.length & 0xff, 0, 0, 0]),
      body,
      body.length % 2 ? new Uint8Array([0]) : new Uint8Array(),
    );
  const withExtra = cat(
    plain.subarray(0, 12),
    plain.subarray(12),
    chunk("HTML", html),
    chunk("exif", new TextEncoder().encode("GPS-HIDDEN")),
  );
  new DataView(withExtra.buffer).setUint32(4, withExtra.length - 8, true);
  const webpCleaned = cleanImage(withExtra);
  expect(new TextDecoder().decode(webpCleaned.bytes)).not.toContain("GPS-HIDDEN");
  expect(new TextDecoder().decode(webpCleaned.bytes)).not.toContain("script");
  const mismatched = webp(100, 100);
  // Make the VP8L bitstream say 16384×16384 while VP8X says 100×100.
  const vp8lAt = mismatched.findIndex(
    (b, i) => String.fromCharCode(b, mismatched[i + 1]!, mismatched[i + 2]!, mismatched[i + 3]!) === "VP8L",
  );
  new DataView(mismatched.buffer).setUint32(vp8lAt + 9, 0x3fff | (0x3fff << 14), true);
  expect(() => cleanImage(mismatched)).toThrow();
});

test("annotation commands are stored with the screenshot and come back with the item", async () => {
  const annotations = [
    { type: "rect", from: { x: 1, y: 1 }, to: { x: 5, y: 4 }, color: "#ff0000" },
    { type: "text", at: { x: 2, y: 2 }, text: "here", color: "#000000" },
    { type: "highlight", from: { x: 1, y: 2 }, to: { x: 6, y: 3 }, color: "#ffee00" },
    { type: "blackout", from: { x: 0, y: 0 }, to: { x: 3, y: 3 } },
  ];
  const T = `/api/v1/teams/${w.a.team.id}`;
  const res = await w.a.reporter.browser.post(
    `${T}/feedback`,
    feedbackForm({ projectId: w.a.project.id, comment: "annotated", annotations }, { bytes: png(6, 5) }),
  );
  expect(res.status).toBe(201);
  const item = await (await w.a.member.browser.get(`${T}/feedback/${(await res.json()).id}`)).json();
  expect(item.screenshot).toEqual({
    contentType: "image/png",
    width: 6,
    height: 5,
    size: expect.any(Number),
    annotations,
  });
  const bad = await w.a.reporter.browser.post(
    `${T}/feedback`,
    feedbackForm(
      { projectId: w.a.project.id, comment: "x", annotations: [{ type: "script", code: "alert(1)" }] },
      { bytes: png(2, 2) },
    ),
  );
  expect(bad.status).toBe(400);
  expect((await bad.json()).errors[0].field).toStartWith("annotations");
});
