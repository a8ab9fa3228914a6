import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { AppError, invalidField } from "../lib/app-error.ts";
import { excessiveNesting, JSON_MAX_DEPTH } from "../lib/body-limits.ts";
import type { AppEnv } from "./app-env.ts";

/**
 * Feedback submission (by the team route or the widget's public ingest) has its own, larger limit
 * (the screenshot) and may be multipart; everything else is small JSON.
 */
export const FEEDBACK_SUBMIT = /^\/api\/v1\/(?:teams|widget)\/[^/]+\/feedback\/?$/;

const isSubmission = (c: Context<AppEnv>) => c.req.method === "POST" && FEEDBACK_SUBMIT.test(c.req.path);

/**
 * 413 for API bodies over `maxBytes`, checked while streaming (before the body is parsed): a declared
 * Content-Length over the limit is refused before a byte is read, a chunked body as soon as it passes
 * the limit. Submissions have their own limit in their route (src/http/feedback-submission.ts).
 */
export function jsonBodyLimit(maxBytes: number) {
  const limit = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", `The request body may be at most ${maxBytes} bytes.`, {
        fields: [{ field: "body", message: `At most ${maxBytes} bytes.` }],
      });
    },
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isSubmission(c)) return next();
    return limit(c, next);
  });
}

/**
 * 400 when `text` nests deeper than JSON_MAX_DEPTH, naming the top-level field it happens under (as
 * validation would), else `root` (the body, or a submission's payload part).
 */
export function assertJsonDepth(text: string, root: string): void {
  const found = excessiveNesting(text, JSON_MAX_DEPTH);
  if (found)
    throw invalidField(
      found.key ?? root,
      `Nested deeper than ${JSON_MAX_DEPTH} levels.`,
      "The JSON body is nested too deeply.",
    );
}

/**
 * Refuses JSON bodies nested deeper than JSON_MAX_DEPTH before anything parses them (mounted after
 * jsonBodyLimit, so the text read here is bounded). The parsed routes read the same text again from
 * Hono's body cache. Submissions check their JSON where they read it, after their own size limit.
 */
export function jsonDepthLimit() {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isSubmission(c) || !c.req.raw.body) return next();
    if (!/^application\/json\b/i.test(c.req.header("Content-Type")?.trim() ?? "")) return next();
    assertJsonDepth(await c.req.text(), "body");
    return next();
  });
}
