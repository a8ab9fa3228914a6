// The admin UI's browser tests share this: a Loupe server on 127.0.0.1 (the app in this process, its
// clock injected), one Chromium per file, a new context per test, and `inspect` — the checks every page
// gets: axe-core (zero serious/critical violations), zero CSP violations, no request off the origin,
// and screenshots at 1280 and 375 px in light and dark under test-results/ui/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { BrowserContext, Browser as Chromium, Page } from "playwright-core";
import { requestBindings } from "../../src/main.ts";
import type { Browser } from "../support/browser.ts";
import { createTestApp, fastPasswords, type TestAppOptions, type TestContext } from "../support/test-app.ts";
import { launchChromium, saveScreenshot } from "./widget-world.ts";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

// biome-ignore lint/suspicious/noExplicitAny: a test helper that hands back whatever JSON the API answered
export async function ok(res: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return r.json();
}

export type AdminPage = {
  page: Page;
  context: BrowserContext;
  /** Every CSP violation, request off the Loupe origin, page error and dialog seen so far. */
  problems: () => Promise<string[]>;
};

/** `options.mailer`: where the app sends email (e.g. test/support/smtp.ts). */
export async function startAdminWorld(env: Record<string, string> = {}, options: Pick<TestAppOptions, "mailer"> = {}) {
  let t: TestContext;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    // The bindings main.ts gives (the live-update stream turns the idle timeout off with one).
    fetch: (request, s) => t.app.fetch(request, requestBindings(request, s)),
  });
  const origin = `http://127.0.0.1:${server.port}`;
  t = createTestApp(
    { LOUPE_PUBLIC_URL: origin, ...env },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, ...options },
  );
  const chromium: Chromium = await launchChromium();

  /** A fresh context (optionally already signed in as `as`, by copying its session cookies). */
  async function open(options: { as?: Browser; width?: number; locale?: string } = {}): Promise<AdminPage> {
    const context = await chromium.newContext({
      viewport: { width: options.width ?? 1280, height: 800 },
      locale: options.locale ?? "en-GB",
    });
    if (options.as)
      await context.addCookies(
        [...options.as.cookies].map(([name, value]) => ({
          name,
          value,
          url: origin,
          httpOnly: true,
          sameSite: "Lax" as const,
        })),
      );
    const page = await context.newPage();
    const seen: string[] = [];
    await page.addInitScript(() => {
      const violations: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = violations;
      document.addEventListener("securitypolicyviolation", (e) =>
        violations.push(`${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    page.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith("blob:") && !url.startsWith("data:"))
        seen.push(`request off the origin: ${url}`);
    });
    page.on("pageerror", (error) => seen.push(`page error: ${error.message}`));
    page.on("dialog", async (dialog) => {
      seen.push(`dialog: ${dialog.message()}`);
      await dialog.dismiss();
    });
    const problems = async () => {
      const violations = await page
        .evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? [])
        .catch(() => [] as string[]);
      return [...seen, ...violations.map((v) => `CSP violation: ${v}`)];
    };
    return { page, context, problems };
  }

  /**
   * The checks every page gets, at 1280 and 375 px, light and dark: axe-core's serious and critical
   * violations (injected with evaluate: the strict CSP refuses a script tag) and a screenshot each.
   * Returns the violations found (the test asserts the list is empty).
   */
  async function inspect(page: Page, name: string): Promise<string[]> {
    const found: string[] = [];
    const size = page.viewportSize() ?? { width: 1280, height: 800 };
    for (const width of [1280, 375]) {
      for (const colorScheme of ["light", "dark"] as const) {
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme });
        await page.evaluate(() => document.fonts.ready);
        if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
        const violations = await page.evaluate(async () => {
          // biome-ignore lint/suspicious/noExplicitAny: axe-core's global, injected above
          const axe = (window as any).axe;
          const result = await axe.run(document, { resultTypes: ["violations"] });
          return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
            .filter((v) => v.impact === "serious" || v.impact === "critical")
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
        });
        found.push(...violations.map((v) => `${width}px ${colorScheme}: ${v}`));
        await saveScreenshot(page, `ui/${name}-${width}-${colorScheme}`);
      }
    }
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: "light" });
    return found;
  }

  return {
    get t() {
      return t;
    },
    origin,
    chromium,
    open,
    inspect,
    async close() {
      await chromium.close();
      server.stop(true);
      t.close();
    },
  };
}
export type AdminWorld = Awaited<ReturnType<typeof startAdminWorld>>;
