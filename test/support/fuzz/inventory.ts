import type { Hono } from "hono";
import { uniqueSymbol } from "hono-openapi";
import type * as v from "valibot";
import { UI_PATHS } from "../../../src/admin/index.ts";
import type { AppEnv } from "../../../src/http/app-env.ts";
import { validatedInput } from "../../../src/http/validation.ts";
import { FeedbackCreateInput, WidgetFeedbackInput } from "../../../src/shared/feedback.ts";

export type InputTarget = "param" | "query" | "json";

/** One route of the app (all its middleware and handler entries of `app.routes` together). */
export type RouteInfo = {
  method: string;
  path: string;
  key: string;
  /** The valibot schemas its `validate(...)` middleware check. */
  inputs: Partial<Record<InputTarget, v.GenericSchema>>;
  /** Has a `describe(...)`/`describeRoute(...)`, i.e. is in the OpenAPI document. */
  described: boolean;
  /** The route's own handler's source (the last entry). */
  handlerSource: string;
  /** The path's `:name` parameters. */
  paramNames: string[];
};

/**
 * Routes whose input is not checked by a `validate(...)` middleware, each with the reason. The
 * inventory test fails on any other route that has params, a query or a body without a schema, and
 * on an entry here that no longer matches a route (so the list cannot go stale).
 */
export const INPUT_EXCEPTIONS: Record<string, { reason: string; body?: v.GenericSchema }> = {
  ...Object.fromEntries(
    UI_PATHS.filter((p) => p.includes(":")).map((p) => [
      `GET ${p}`,
      {
        reason:
          "admin UI page: the same static index.html for any value; the UI's router reads the segment and asks the (validated) API",
      },
    ]),
  ),
  "GET /widget/:file": {
    reason: "built widget chunk: the segment is only a key into the in-memory map of built files (404 otherwise)",
  },
  "GET /admin/:file": {
    reason: "built admin UI file: the segment is only a key into the in-memory map of built files (404 otherwise)",
  },
  "GET /try/:widgetKey": {
    reason: "HTML test page: checks the key against WIDGET_KEY itself and answers an HTML 404 (not problem+json)",
  },
  "GET /api/v1/auth/sso/callback": {
    reason:
      "OIDC authorization response: the whole query goes to openid-client, which checks code/state/iss against the state bound to the browser's SSO cookie",
  },
  "POST /api/v1/teams/:teamId/feedback": {
    reason:
      "JSON or multipart submission: the body (or its `payload` part) is parsed by readFeedbackSubmission and checked with parseOrThrow(FeedbackCreateInput)",
    body: FeedbackCreateInput,
  },
  "POST /api/v1/widget/:widgetKey/feedback": {
    reason:
      "the widget's JSON or multipart submission: parsed by readFeedbackSubmission and checked with parseOrThrow(WidgetFeedbackInput)",
    body: WidgetFeedbackInput,
  },
};

const READS = {
  query: /c\.req\.(?:query|queries)\(|\.search(?:Params)?\b/,
  json: /c\.req\.(?:json|parseBody|formData|text|arrayBuffer|blob)\(|readFeedbackSubmission\(/,
  param: /c\.req\.param\(/,
};

/** Every route of `app`, grouped from `app.routes` (one entry per middleware and handler). */
export function routeInventory(app: Hono<AppEnv>): RouteInfo[] {
  const byKey = new Map<string, RouteInfo>();
  for (const entry of app.routes) {
    if (entry.method === "ALL") continue; // global middleware (app.use)
    const key = `${entry.method} ${entry.path}`;
    let route = byKey.get(key);
    if (!route) {
      route = {
        method: entry.method,
        path: entry.path,
        key,
        inputs: {},
        described: false,
        handlerSource: "",
        paramNames: [...entry.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!),
      };
      byKey.set(key, route);
    }
    const input = validatedInput(entry.handler);
    if (input && (input.target === "param" || input.target === "query" || input.target === "json"))
      route.inputs[input.target] = input.schema;
    const meta = (entry.handler as unknown as Record<symbol, { spec?: unknown } | undefined>)[uniqueSymbol];
    if (meta?.spec) route.described = true;
    route.handlerSource = entry.handler.toString();
  }
  return [...byKey.values()];
}

/** What the route's handler (or the shared middleware it uses) reads without a schema. */
export function unvalidatedReads(route: RouteInfo): InputTarget[] {
  const missing: InputTarget[] = [];
  if (route.paramNames.length > 0 && !route.inputs.param) missing.push("param");
  if (READS.query.test(route.handlerSource) && !route.inputs.query) missing.push("query");
  if (READS.json.test(route.handlerSource) && !route.inputs.json) missing.push("json");
  if (READS.param.test(route.handlerSource) && !route.inputs.param && !missing.includes("param")) missing.push("param");
  return missing;
}

/** Object schemas inside `schema` that are not strict (they would drop unknown keys silently). */
export function lenientObjects(schema: v.GenericSchema, at = "$"): string[] {
  const node = schema as unknown as {
    type: string;
    entries?: Record<string, v.GenericSchema>;
    wrapped?: v.GenericSchema;
    item?: v.GenericSchema;
    options?: unknown[];
    value?: v.GenericSchema;
    kind: string;
  };
  const found: string[] = [];
  if (node.type === "object" || node.type === "loose_object") found.push(`${at} (${node.type})`);
  for (const [key, entry] of Object.entries(node.entries ?? {})) found.push(...lenientObjects(entry, `${at}.${key}`));
  if (node.wrapped) found.push(...lenientObjects(node.wrapped, at));
  if (node.item) found.push(...lenientObjects(node.item, `${at}[]`));
  if (node.type === "record" && node.value) found.push(...lenientObjects(node.value, `${at}{}`));
  for (const option of node.options ?? [])
    if (option && typeof option === "object") found.push(...lenientObjects(option as v.GenericSchema, `${at}|`));
  return found;
}
