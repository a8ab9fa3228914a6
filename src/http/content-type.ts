import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import type { AppEnv } from "./app-env.ts";
import { FEEDBACK_SUBMIT } from "./body-limit.ts";

const WITH_BODY = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Over HTTP an empty body has Content-Length 0 (or none at all); a chunked body has no length. */
function hasBody(request: Request): boolean {
  const length = request.headers.get("Content-Length");
  if (length !== null) return length.trim() !== "0";
  return request.body !== null;
}

/** `type/subtype` in lower case and the charset parameter, if any. */
function mediaType(header: string): { type: string; charset: string | undefined } {
  const [type = "", ...params] = header.split(";");
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("charset="));
  return { type: type.trim().toLowerCase(), charset: charset?.slice("charset=".length).replace(/^"(.*)"$/, "$1") };
}

/**
 * A request body must say it is JSON: `application/json` (a charset, if given, is utf-8). Feedback
 * submission also takes multipart/form-data (the screenshot). Refusing text/plain and untyped bodies
 * also keeps cross-site "simple" requests (which skip the CORS preflight) off every JSON route.
 * Body-less requests (a POST with Content-Length 0) pass.
 */
export function requireJsonBody() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!WITH_BODY.has(c.req.method) || !hasBody(c.req.raw)) return next();
    const { type, charset } = mediaType(c.req.header("Content-Type") ?? "");
    const multipart = c.req.method === "POST" && FEEDBACK_SUBMIT.test(c.req.path);
    if (type === "application/json" && (charset === undefined || charset === "utf-8")) return next();
    if (multipart && type === "multipart/form-data") return next();
    const expected = multipart ? "application/json or multipart/form-data" : "application/json";
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", `The request body must be ${expected} (Content-Type header).`, {
      fields: [{ field: "Content-Type", message: `Expected ${expected}.` }],
    });
  });
}
