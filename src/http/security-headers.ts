import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env.ts";

/**
 * Browser features no Loupe document uses, all denied (T-H1). The header governs only Loupe's own
 * documents (the admin UI, the widget preview, the try page): the widget embedded on a host site runs
 * in the host's document, under the host's policy. Every name is one Chromium recognises: an unknown
 * one is a console warning on every page (Chromium 156 does not know `bluetooth` or, on Linux,
 * `web-share`; test/browser/headers.permissions-policy.test.ts). Not listed, so left at their default
 * (`self`): `clipboard-write` (the admin UI's copy buttons) and `clipboard-read`, which Loupe never
 * calls but which asks the user's permission on every origin anyway (the browser tests read back what
 * a copy button copied). `display-capture` is denied here and allowed on the try page alone (the
 * widget's fallback capture of the tab; src/admin/try-page.ts).
 */
const DENIED_FEATURES = [
  "accelerometer",
  "autoplay",
  "browsing-topics",
  "camera",
  "display-capture",
  "encrypted-media",
  "fullscreen",
  "geolocation",
  "gyroscope",
  "hid",
  "idle-detection",
  "local-fonts",
  "magnetometer",
  "microphone",
  "midi",
  "otp-credentials",
  "payment",
  "picture-in-picture",
  "publickey-credentials-create",
  "publickey-credentials-get",
  "screen-wake-lock",
  "serial",
  "usb",
  "window-management",
  "xr-spatial-tracking",
] as const;

/** The policy of every Loupe document; `allow` lists features a page needs for itself (`self`). */
export function permissionsPolicy(allow: readonly (typeof DENIED_FEATURES)[number][] = []): string {
  return DENIED_FEATURES.map((feature) => `${feature}=${allow.includes(feature) ? "(self)" : "()"}`).join(", ");
}

export const PERMISSIONS_POLICY = permissionsPolicy();

/** Media types that are text: they must name their charset. */
const TEXTUAL =
  /^(?:text\/[a-z0-9.+-]+|application\/(?:[a-z0-9.-]+\+)?(?:json|xml)|application\/javascript|image\/svg\+xml)$/i;

/**
 * Baseline headers on every response the app builds, errors, 404s and 405s included (T-H1, T-H2):
 * nosniff, no referrer, a same-origin opener and resource policy (the widget's files, loaded by any
 * site, say `cross-origin` themselves: src/http/assets.ts), the feature policy, a charset on text, no
 * caching unless a route chose otherwise and never of what a signed-in caller gets, and no header
 * naming the server or its version. Mounted first, so it also covers what the middleware after it
 * throws. Bun's own answers before the app (431 oversized headers, 413 above maxRequestBodySize) are
 * not the app's and carry none of this.
 */
export const securityHeaders = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (!headers.has("Cross-Origin-Resource-Policy")) headers.set("Cross-Origin-Resource-Policy", "same-origin");
  if (!headers.has("Permissions-Policy")) headers.set("Permissions-Policy", PERMISSIONS_POLICY);
  headers.delete("X-Powered-By");
  headers.delete("Server");
  const type = headers.get("Content-Type");
  if (type && !/;\s*charset=/i.test(type) && TEXTUAL.test(type.trim()))
    headers.set("Content-Type", `${type.trim()}; charset=utf-8`);
  // Everything Loupe answers is dynamic or private unless a route says otherwise (static assets,
  // the widget's public configuration do); what a signed-in caller gets is never stored anywhere.
  if (!headers.has("Cache-Control") || c.get("auth") !== undefined) headers.set("Cache-Control", "no-store");
});
