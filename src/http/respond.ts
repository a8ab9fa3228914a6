import type * as v from "valibot";
import { describeRoute, jsonContent, problemContent } from "./openapi.ts";

/** The error statuses every team route documents: invalid input, not signed in, role, not this team. */
export const TEAM_ROUTE_ERRORS = [400, 401, 403, 404];

/** describeRoute() with the error responses every authenticated route shares. */
export function describe(
  summary: string,
  tags: string[],
  responses: Record<number, { description: string; schema?: v.GenericSchema }>,
  errors: number[] = [400, 401, 403, 429],
) {
  const out: Record<string, { description: string; content: Record<string, unknown> }> = {};
  for (const [status, r] of Object.entries(responses))
    out[status] = { description: r.description, content: r.schema ? jsonContent(r.schema) : {} };
  for (const status of errors) out[String(status)] ??= { description: "Error (problem+json)", content: problemContent };
  return describeRoute({ summary, tags, responses: out as never });
}
