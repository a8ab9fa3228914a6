import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser as Chromium, chromium, type Page } from "playwright-core";
import type { WidgetSettingsChangeInput } from "../../src/shared/widget-settings.ts";
import { signedInUser } from "../support/accounts.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const RESULTS_DIR = join(import.meta.dir, "..", "..", "test-results");

// biome-ignore lint/suspicious/noExplicitAny: a test helper that hands back whatever JSON the API answered
async function ok(res: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return r.json();
}

/** A file of the host site: an HTML page (with its Content-Security-Policy) or any other file. */
export type HostPage = { html: string; csp?: string } | { body: Uint8Array<ArrayBuffer> | string; type: string };

/**
 * A Loupe server (in this process, on 127.0.0.1) and a host site on another origin (localhost, another
 * port) whose pages embed the widget: the two-origin set-up every widget browser test uses.
 */
export async function startWidgetWorld(settings: WidgetSettingsChangeInput = {}, env: Record<string, string> = {}) {
  const t: TestContext = createTestApp(env, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  /** The bytes of every widget submission the server received, as they arrived. */
  const received: Uint8Array[] = [];
  const loupe = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    async fetch(request, server) {
      if (request.method === "POST" && new URL(request.url).pathname.startsWith("/api/v1/widget/"))
        received.push(new Uint8Array(await request.clone().arrayBuffer()));
      return t.app.fetch(request, { clientIp: server.requestIP(request)?.address });
    },
  });
  const loupeOrigin = `http://127.0.0.1:${loupe.port}`;
  const pages = new Map<string, HostPage>();
  const host = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch(request) {
      const page = pages.get(new URL(request.url).pathname);
      if (!page) return new Response("not found", { status: 404 });
      if ("body" in page) return new Response(page.body as BodyInit, { headers: { "Content-Type": page.type } });
      const headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8" };
      if (page.csp) headers["Content-Security-Policy"] = page.csp;
      return new Response(page.html, { headers });
    },
  });
  const hostOrigin = `http://localhost:${host.port}`;
  const owner = await signedInUser(t, { email: `owner.${Math.random().toString(36).slice(2, 8)}@example.test` });
  const team = await ok(owner.browser.post("/api/v1/teams", { name: "Widget team" }), 201);
  const project = await ok(
    owner.browser.post(`/api/v1/teams/${team.id}/projects`, {
      name: "Shop",
      settings: { allowedOrigins: [hostOrigin], ...settings },
    }),
    201,
  );
  return {
    t,
    received,
    owner,
    team,
    project: project as { id: string; widgetKey: string },
    loupeOrigin,
    hostOrigin,
    /** Serves `page` at `path` on the host site; returns its URL. */
    page(path: string, page: HostPage): string {
      pages.set(path, page);
      return `${hostOrigin}${path}`;
    },
    /** The host page policy of issue 8 (T-W1): no 'unsafe-inline', no 'unsafe-eval'. */
    strictCsp(): string {
      return `default-src 'self'; script-src 'self' ${loupeOrigin}; connect-src 'self' ${loupeOrigin}; img-src 'self' data: blob:; style-src 'self'; font-src 'self'`;
    },
    /** The embed snippet a site owner pastes. */
    snippet(attributes = ""): string {
      return `<script async src="${loupeOrigin}/widget.js" data-project="${project.widgetKey}" ${attributes}></script>`;
    },
    async updateSettings(change: WidgetSettingsChangeInput) {
      return ok(owner.browser.patch(`/api/v1/teams/${team.id}/projects/${project.id}`, { settings: change }));
    },
    /** The team's feedback items, newest first, with full detail. */
    async items() {
      const page = await ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback`));
      return Promise.all(
        page.items.map((i: { id: string }) => ok(owner.browser.get(`/api/v1/teams/${team.id}/feedback/${i.id}`))),
      );
    },
    async screenshot(itemId: string): Promise<Uint8Array> {
      const res = await owner.browser.get(`/api/v1/teams/${team.id}/feedback/${itemId}/screenshot`);
      if (res.status !== 200) throw new Error(`screenshot: ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    close() {
      loupe.stop(true);
      host.stop(true);
      t.close();
    },
  };
}
export type WidgetWorld = Awaited<ReturnType<typeof startWidgetWorld>>;

/** Debian's Chromium, headless (never a downloaded browser); one per test file. */
export function launchChromium(extraArgs: string[] = []): Promise<Chromium> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", ...extraArgs],
  });
}

/** Records every CSP violation the page reports (the test asserts there are none). */
export async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
    );
  });
  return () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
}

/** Saves a screenshot for people to look at (test-results/ is git-ignored). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The open shadow root of the widget's host element, for locators (`loupe-widget >> …` pierces it). */
export const widget = (page: Page) => page.locator("loupe-widget");

/** RGBA of `points` (image pixel coordinates) in an encoded image, decoded by the browser. */
export async function pixelsAt(page: Page, image: Uint8Array, points: { x: number; y: number }[]) {
  return page.evaluate(
    async ({ bytes, points }) => {
      const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const g = canvas.getContext("2d")!;
      g.drawImage(bitmap, 0, 0);
      return {
        width: bitmap.width,
        height: bitmap.height,
        pixels: points.map((p) => [...g.getImageData(Math.floor(p.x), Math.floor(p.y), 1, 1).data]),
      };
    },
    { bytes: [...image], points },
  );
}

/** Points spread over the inside of a box (a 4×3 grid, 3 px in from the edges). */
export function gridIn(box: { x: number; y: number; width: number; height: number }, scale = 1) {
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i < 4; i++)
    for (let j = 0; j < 3; j++)
      points.push({
        x: (box.x + 3 + ((box.width - 6) * i) / 3) * scale,
        y: (box.y + 3 + ((box.height - 6) * j) / 2) * scale,
      });
  return points;
}

/** Drags from one point of a locator's box to another (fractions of its width and height). */
export async function drag(
  page: Page,
  target: ReturnType<Page["locator"]>,
  from: [number, number],
  to: [number, number],
) {
  const box = (await target.boundingBox())!;
  await page.mouse.move(box.x + box.width * from[0], box.y + box.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(box.x + (box.width * (from[0] + to[0])) / 2, box.y + (box.height * (from[1] + to[1])) / 2);
  await page.mouse.move(box.x + box.width * to[0], box.y + box.height * to[1]);
  await page.mouse.up();
}
