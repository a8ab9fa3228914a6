// Invariant: the widget is served from memory exactly as built — only files the manifest lists, with
// their caching, CORS and encoding headers, no cookie — and the loader stays a classic script within budget.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { ASSETS_DIR, BUDGETS, type Manifest } from "../../scripts/build-assets.ts";
import { createApp } from "../../src/app.ts";
import { createTestApp, type TestContext } from "../support/test-app.ts";

let t: TestContext;
let manifest: Manifest;
beforeAll(() => {
  t = createTestApp();
  manifest = JSON.parse(readFileSync(join(ASSETS_DIR, "manifest.json"), "utf8")) as Manifest;
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) =>
  t.app.request(`http://loupe.test${path}`, { headers });
const bytes = async (res: Response) => new Uint8Array(await res.arrayBuffer());
const onDisk = (file: string) => new Uint8Array(readFileSync(join(ASSETS_DIR, file)));
const chunks = () => manifest.files.filter((f) => f.path.startsWith("/widget/"));
/** The widget's files (the manifest also lists the admin UI's). */
const widgetFiles = () => manifest.files.filter((f) => f.path.startsWith("/widget"));

test("GET /widget.js: the loader with short caching, open to every site, no cookie", async () => {
  const res = await get("/widget.js");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
  expect(res.headers.get("Cache-Control")).toBe("public, max-age=300");
  expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{32}"$/);
  expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
  expect(res.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
  expect(res.headers.get("Vary")).toBe("Accept-Encoding");
  expect(res.headers.get("Content-Encoding")).toBeNull();
  expect(res.headers.get("Set-Cookie")).toBeNull();
  expect(await bytes(res)).toEqual(onDisk("widget.js"));
});

test("every chunk the manifest lists is served as built, cached for a year as immutable", async () => {
  expect(chunks().length).toBeGreaterThan(0);
  const etags = new Set<string>();
  for (const f of chunks()) {
    const res = await get(f.path);
    expect(`${f.path} ${res.status}`).toBe(`${f.path} 200`);
    expect(res.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    expect(res.headers.get("Content-Type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Set-Cookie")).toBeNull();
    etags.add(res.headers.get("ETag")!);
    const body = await bytes(res);
    expect(body.length).toBe(f.bytes);
    expect(body).toEqual(onDisk(f.file));
  }
  expect(etags.size).toBe(chunks().length);
});

test("content negotiation: br preferred, then gzip, q=0 refuses, identity otherwise; each decodes to the same bytes", async () => {
  for (const f of widgetFiles()) {
    const identity = await bytes(await get(f.path));
    const br = await get(f.path, { "Accept-Encoding": "br" });
    expect(br.headers.get("Content-Encoding")).toBe("br");
    expect(br.headers.get("Vary")).toBe("Accept-Encoding");
    expect(new Uint8Array(brotliDecompressSync(await bytes(br)))).toEqual(identity);
    const gz = await get(f.path, { "Accept-Encoding": "gzip" });
    expect(gz.headers.get("Content-Encoding")).toBe("gzip");
    expect(new Uint8Array(gunzipSync(await bytes(gz)))).toEqual(identity);
  }
  const cases: [string | undefined, string | null][] = [
    ["br", "br"],
    ["gzip", "gzip"],
    ["br;q=0, gzip", "gzip"],
    ["gzip, deflate, br, zstd", "br"],
    ["GZIP", "gzip"],
    ["gzip;q=0.5, br;q=0", "gzip"],
    ["identity", null],
    ["deflate", null],
    ["br;q=0, gzip;q=0", null],
    ["*;q=0", null],
    ["*", "br"],
    ["*, br;q=0", "gzip"],
    ["", null],
    [undefined, null],
  ];
  for (const [accept, expected] of cases) {
    const res = await get("/widget.js", accept === undefined ? {} : { "Accept-Encoding": accept });
    expect(`${accept} → ${res.headers.get("Content-Encoding")}`).toBe(`${accept} → ${expected}`);
  }
});

test("If-None-Match with the ETag: 304 without a body, for the loader and a chunk; one ETag per encoding", async () => {
  for (const path of ["/widget.js", chunks()[0]!.path]) {
    const etags = new Set<string>();
    for (const encoding of ["br", "gzip", "identity"]) {
      const first = await get(path, { "Accept-Encoding": encoding });
      const etag = first.headers.get("ETag")!;
      etags.add(etag);
      const again = await get(path, { "If-None-Match": etag, "Accept-Encoding": encoding });
      expect(again.status).toBe(304);
      expect(again.headers.get("ETag")).toBe(etag);
      expect((await bytes(again)).length).toBe(0);
    }
    // A validator of one representation does not validate another (a cache must not mix them up).
    expect(etags.size).toBe(3);
    const brotliTag = (await get(path, { "Accept-Encoding": "br" })).headers.get("ETag")!;
    expect((await get(path, { "If-None-Match": brotliTag, "Accept-Encoding": "gzip" })).status).toBe(200);
    expect((await get(path, { "If-None-Match": '"0000"' })).status).toBe(200);
  }
});

test("only files the manifest lists: an unknown chunk, a traversal or a sibling .br is 404 problem+json", async () => {
  const manifestText = readFileSync(join(ASSETS_DIR, "manifest.json"), "utf8");
  const chunk = chunks()[0]!;
  for (const path of [
    "/widget/nope-00000000.js",
    "/widget/../manifest.json",
    "/widget/%2e%2e%2fmanifest.json",
    "/widget/..%2fmanifest.json",
    "/widget/%2E%2E%2Fwidget.js",
    "/widget/..%5cmanifest.json",
    "/widget/widget.js",
    `${chunk.path}.br`,
    `${chunk.path}.gz`,
    "/manifest.json",
    "/assets/manifest.json",
    "/widget.js.br",
  ]) {
    const res = await get(path, { "Accept-Encoding": "br, gzip" });
    expect(`${path} ${res.status}`).toBe(`${path} 404`);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    const body = await res.text();
    expect(body).not.toContain("inputsHash");
    expect(body).not.toBe(manifestText);
    expect(JSON.parse(body).code).toBe("NOT_FOUND");
  }
});

test("the loader is a classic script: no static import or export, only dynamic imports", () => {
  const code = readFileSync(join(ASSETS_DIR, "widget.js"), "utf8");
  const transpiler = new Bun.Transpiler({ loader: "js" });
  const kinds = transpiler.scanImports(code).map((i) => i.kind);
  expect(kinds.filter((k) => k !== "dynamic-import")).toEqual([]);
  expect(transpiler.scan(code).exports).toEqual([]);
  expect(code).toContain("import(");
});

test("no built file evaluates strings as code", () => {
  for (const f of widgetFiles()) {
    const code = readFileSync(join(ASSETS_DIR, f.file), "utf8");
    expect(`${f.file} ${/\beval\s*\(/.test(code)}`).toBe(`${f.file} false`);
    expect(`${f.file} ${/\bnew\s+Function\b/.test(code)}`).toBe(`${f.file} false`);
  }
});

test("the manifest's sizes respect the budgets of scripts/build-assets.ts", () => {
  const keys = Object.keys(BUDGETS) as (keyof typeof BUDGETS)[];
  expect(keys.length).toBeGreaterThan(0);
  for (const key of keys) {
    expect(manifest.sizes[key]).toBeGreaterThan(0);
    expect(`${key} ${manifest.sizes[key] <= BUDGETS[key]}`).toBe(`${key} true`);
    // With the project's text masking on (its patterns load with the capture) the open budget holds too.
    expect(manifest.sizes.openWithTextMasking).toBeLessThanOrEqual(BUDGETS.openWithScreenshot);
  }
  // The loader's size is that of the file served.
  expect(manifest.sizes.loader).toBe(manifest.files.find((f) => f.path === "/widget.js")!.gzip);
});

test("an app built without assets answers /widget.js and any chunk with 404 problem+json, not a 500", async () => {
  const bare = createApp({
    config: t.config,
    logger: t.logs.logger,
    clock: t.clock,
    db: t.store.db,
    keyring: t.store.keyring,
    migrations: [],
    version: "test",
    passwords: t.ctx.passwords,
    mailer: undefined,
  });
  for (const path of ["/widget.js", chunks()[0]!.path]) {
    const res = await bare.request(`http://loupe.test${path}`);
    expect(`${path} ${res.status}`).toBe(`${path} 404`);
    expect(res.headers.get("Content-Type")).toContain("application/problem+json");
    expect((await res.json()).code).toBe("NOT_FOUND");
  }
});
