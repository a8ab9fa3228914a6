import type { Hono } from "hono";
import { describeRoute, openAPIRouteHandler, resolver } from "hono-openapi";
import type * as v from "valibot";
import type { AppEnv } from "./app-env.ts";

/** The problem+json body (src/http/problem.ts), documented once and referenced by every error response. */
const PROBLEM_JSON_SCHEMA = {
  type: "object" as const,
  required: ["type", "title", "status", "detail", "code", "requestId"],
  properties: {
    type: { type: "string" as const },
    title: { type: "string" as const },
    status: { type: "integer" as const },
    detail: { type: "string" as const },
    code: { type: "string" as const },
    requestId: { type: "string" as const },
    errors: {
      type: "array" as const,
      items: {
        type: "object" as const,
        required: ["field", "message"],
        properties: { field: { type: "string" as const }, message: { type: "string" as const } },
      },
    },
  },
};

export const problemContent = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };

export function jsonContent(schema: v.GenericSchema) {
  return { "application/json": { schema: resolver(schema) } };
}

/**
 * The version the public document states: the API's (its paths are /api/v1), never Loupe's release,
 * which only instance admins see (GET /api/v1/instance/health): a public version tells an attacker
 * which advisories apply.
 */
export const API_VERSION = "1";

/** Serves the OpenAPI 3.1 document built from every route's describeRoute() and validators. */
export function openApiDocument(app: Hono<AppEnv>) {
  return openAPIRouteHandler(app, {
    documentation: {
      openapi: "3.1.0",
      info: {
        title: "Loupe API",
        version: API_VERSION,
        description:
          "Self-hosted visual feedback. Every error is application/problem+json. Request bodies must be application/json (feedback submission: also multipart/form-data); any other or no Content-Type is 415 UNSUPPORTED_MEDIA_TYPE.",
      },
      components: { schemas: { Problem: PROBLEM_JSON_SCHEMA } },
    },
    defaultValidationErrorResponse: {
      description: "Invalid input: `errors` names each field and what it expects",
      content: problemContent,
    },
    exclude: ["/api/openapi.json"],
    // The widget's CORS preflight is documented like any route (hono-openapi skips OPTIONS by default).
    excludeMethods: [],
    // /widget.js is a route (served from memory) and documented like the others.
    excludeStaticFile: false,
  });
}

export { describeRoute };
