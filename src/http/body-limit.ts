import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError } from "../lib/app-error.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Feedback submission (by the team route or the widget's public ingest) has its own, larger limit
 * (the screenshot) and may be multipart; everything else is small JSON.
 */
export const FEEDBACK_SUBMIT = /^\/api\/v1\/(?:teams|widget)\/[^/]+\/feedback\/?$/;

/** 413 for API bodies over `maxBytes`, checked while streaming (before the body is parsed). */
export function jsonBodyLimit(maxBytes: number) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `The request body may be at most ${maxBytes} bytes.`);
    },
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.req.method === "POST" && FEEDBACK_SUBMIT.test(c.req.path)) return next();
    return limit(c, next);
  });
}
