import { Hono } from "hono";
import type { BuiltAsset, BuiltAssets } from "../lib/built-assets.ts";
import type { AppEnv } from "./app-env.ts";
import { publicAction } from "./authorize.ts";
import { describeRoute } from "./openapi.ts";

/** Brotli, else gzip, else identity, by the request's Accept-Encoding (a `;q=0` refuses one). */
function pickEncoding(accept: string | undefined): "br" | "gzip" | undefined {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    if (name) offered.set(name, q === undefined ? 1 : Number(q));
  }
  const allowed = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  return allowed("br") ? "br" : allowed("gzip") ? "gzip" : undefined;
}

/**
 * Serves built browser files from memory: the widget's loader `/widget.js` (cached briefly: a new
 * release reaches every page within minutes) and its content-hashed chunks (cached for a year). Any
 * site may load them: `Access-Control-Allow-Origin: *` (chunks are ES modules fetched with CORS; no
 * credentials) and `Cross-Origin-Resource-Policy: cross-origin`.
 */
export function assetRoutes(assets: BuiltAssets) {
  const serve = (
    asset: BuiltAsset | undefined,
    accept: string | undefined,
    ifNoneMatch: string | undefined,
    anySite = true,
  ) => {
    if (!asset) return undefined;
    const encoding = pickEncoding(accept);
    // One validator per representation: a cache must never answer a gzip request with brotli bytes.
    const etag = encoding ? `${asset.etag.slice(0, -1)}-${encoding}"` : asset.etag;
    const headers: Record<string, string> = {
      "Content-Type": asset.contentType,
      "Cache-Control": asset.immutable ? "public, max-age=31536000, immutable" : "public, max-age=300",
      ETag: etag,
      Vary: "Accept-Encoding",
      // The widget's files load on any site; the admin UI's only on Loupe's own pages.
      ...(anySite
        ? { "Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin" }
        : { "Cross-Origin-Resource-Policy": "same-origin" }),
    };
    if (ifNoneMatch === etag) return new Response(null, { status: 304, headers });
    if (encoding) headers["Content-Encoding"] = encoding;
    const body = encoding === "br" ? asset.brotli : encoding === "gzip" ? asset.gzip : asset.body;
    return new Response(body as Uint8Array<ArrayBuffer>, { status: 200, headers });
  };
  const describe = (summary: string) =>
    describeRoute({
      tags: ["widget"],
      summary,
      responses: {
        200: { description: "JavaScript" },
        304: { description: "Unchanged" },
        404: { description: "Not built" },
      },
    });
  return new Hono<AppEnv>()
    .get("/widget.js", publicAction, describe("The widget's loader, embedded by sites with one script tag"), (c) => {
      return (
        serve(assets.get("/widget.js"), c.req.header("Accept-Encoding"), c.req.header("If-None-Match")) ?? c.notFound()
      );
    })
    .get(
      "/widget/:file",
      publicAction,
      describe("A lazily loaded, content-hashed chunk of the widget"),
      (c) =>
        serve(
          assets.get(`/widget/${c.req.param("file")}`),
          c.req.header("Accept-Encoding"),
          c.req.header("If-None-Match"),
        ) ?? c.notFound(),
    )
    .get(
      "/admin/:file",
      publicAction,
      describe("A content-hashed file of the admin UI (script or stylesheet)"),
      (c) =>
        serve(
          assets.get(`/admin/${c.req.param("file")}`),
          c.req.header("Accept-Encoding"),
          c.req.header("If-None-Match"),
          false,
        ) ?? c.notFound(),
    );
}
