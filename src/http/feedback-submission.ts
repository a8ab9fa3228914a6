import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { resolver } from "hono-openapi";
import type * as v from "valibot";
import { AppError, invalidField } from "../lib/app-error.ts";
import { bodyLimits } from "../lib/body-limits.ts";
import type { ScreenshotUpload } from "../services/feedback/feedback.ts";
import type { AppEnv } from "./app-env.ts";
import { assertJsonDepth } from "./body-limit.ts";

/**
 * How long a submission's body may take to arrive: 5 MiB at about 45 KB/s (a weak mobile uplink).
 * Only granted here, after the route's origin check and rate limit, so it cannot be had for nothing.
 */
export const SUBMISSION_BODY_SECONDS = 120;

/**
 * A feedback submission's body, for the team route and the widget's public ingest alike: JSON, or
 * multipart/form-data with a `payload` JSON part and an optional `screenshot` file part.
 */
export async function readFeedbackSubmission<E extends AppEnv>(
  c: Context<E>,
  limits: Omit<ScreenshotUpload, "bytes">,
): Promise<{ payload: unknown; screenshot: ScreenshotUpload | undefined }> {
  const restoreIdleTimeout = c.env?.allowSlowBody?.(SUBMISSION_BODY_SECONDS);
  try {
    return await readSubmissionBody(c, limits);
  } finally {
    restoreIdleTimeout?.();
  }
}

async function readSubmissionBody<E extends AppEnv>(
  c: Context<E>,
  limits: Omit<ScreenshotUpload, "bytes">,
): Promise<{ payload: unknown; screenshot: ScreenshotUpload | undefined }> {
  const type = c.req.header("Content-Type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    const text = await c.req.text();
    assertJsonDepth(text, "body");
    try {
      return { payload: JSON.parse(text) as unknown, screenshot: undefined };
    } catch {
      throw invalidField("body", "Expected JSON.");
    }
  }
  const form = await c.req.formData().catch(() => {
    throw invalidField("body", "Expected multipart/form-data.");
  });
  const raw = form.get("payload");
  if (typeof raw !== "string") throw invalidField("payload", "Expected a JSON part named payload.");
  assertJsonDepth(raw, "payload");
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    throw invalidField("payload", "Expected JSON.");
  }
  const file = form.get("screenshot");
  if (file === null) return { payload, screenshot: undefined };
  if (typeof file === "string") throw invalidField("screenshot", "Expected a file part.");
  return { payload, screenshot: { ...limits, bytes: new Uint8Array(await file.arrayBuffer()) } };
}

/** The streaming limit of a submission (413 problem+json naming `screenshot`), from the one configured value. */
export function feedbackSubmissionLimit(screenshotMaxBytes: number) {
  return bodyLimit({
    maxSize: bodyLimits(screenshotMaxBytes).feedbackRequest,
    onError: () => {
      throw new AppError("PAYLOAD_TOO_LARGE", "The request is larger than allowed.", {
        fields: [{ field: "screenshot", message: `At most ${screenshotMaxBytes} bytes.` }],
      });
    },
  });
}

/** The OpenAPI request body of a submission whose JSON (or `payload` part) is `schema`. */
export function feedbackSubmissionBody(schema: v.GenericSchema) {
  return {
    required: true,
    content: {
      "application/json": { schema: resolver(schema) },
      "multipart/form-data": {
        schema: {
          type: "object" as const,
          required: ["payload"],
          properties: {
            payload: { type: "string" as const, description: "The same JSON object as the application/json body" },
            screenshot: {
              type: "string" as const,
              format: "binary",
              description: "PNG, JPEG or WebP, at most LOUPE_SCREENSHOT_MAX_BYTES",
            },
          },
        },
      },
    },
  };
}
