import { Hono } from "hono";
import type { AppEnv } from "../http/app-env.ts";
import { publicAction } from "../http/authorize.ts";
import { describeRoute } from "../http/openapi.ts";
import type { BuiltAssets } from "../lib/built-assets.ts";

/** The admin UI's policy: its own origin only, no inline script or style, never framed. */
export const ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/**
 * The live preview's page, framed by a project's page: a sandbox with an opaque origin (so no cookie,
 * no storage, and the widget routes refuse its Origin `null`), no connection at all, scripts only
 * from Loupe, framed only by Loupe's own pages.
 */
export const PREVIEW_CSP =
  "default-src 'none'; script-src 'self'; img-src data: blob:; connect-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'; sandbox allow-scripts";

/** The paths the admin UI answers with its page (deep links work; the page picks its view). */
export const UI_PATHS = [
  "/",
  "/setup",
  "/sign-in",
  "/reset-password",
  "/invitation",
  "/account",
  "/account/:section",
  "/projects",
  "/projects/:projectId",
  "/team",
  "/team/:section",
  "/instance",
  "/instance/:section",
] as const;

/**
 * Serves the admin UI's `index.html` (from the built assets, in memory) at every UI path, with the
 * strict CSP and `Cross-Origin-Opener-Policy: same-origin`. The UI's scripts and stylesheet are
 * content-hashed files under /admin/ (src/http/assets.ts); everything else it does goes through /api/v1.
 */
export function adminRoutes(assets: BuiltAssets) {
  const app = new Hono<AppEnv>();
  for (const path of UI_PATHS) {
    app.get(
      path,
      publicAction,
      describeRoute({
        tags: ["admin UI"],
        summary: `The admin UI (${path})`,
        responses: { 200: { description: "The UI's HTML page" }, 404: { description: "The UI is not built" } },
      }),
      (c) => {
        const page = assets.get("/index.html");
        if (!page) return c.notFound();
        return c.body(page.body as Uint8Array<ArrayBuffer>, 200, {
          "Content-Type": "text/html; charset=utf-8",
          "Content-Security-Policy": ADMIN_CSP,
          "Cross-Origin-Opener-Policy": "same-origin",
          "Cache-Control": "no-cache",
          "X-Frame-Options": "DENY",
        });
      },
    );
  }
  app.get(
    "/widget-preview",
    publicAction,
    describeRoute({
      tags: ["admin UI"],
      summary:
        "The widget's live preview for the admin UI: the real launcher and dialog drawn from settings the framing page posts (sandboxed; sends nothing)",
      responses: { 200: { description: "The preview's HTML page" }, 404: { description: "The UI is not built" } },
    }),
    (c) => {
      const page = assets.get("/preview.html");
      if (!page) return c.notFound();
      return c.body(page.body as Uint8Array<ArrayBuffer>, 200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": PREVIEW_CSP,
        "Cache-Control": "no-cache",
      });
    },
  );
  return app;
}
