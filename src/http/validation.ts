import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import * as v from "valibot";
import { AppError, type FieldError } from "../lib/app-error.ts";

/**
 * Request validation for every route: valibot schemas through hono-openapi (so the same schema is
 * documented in /api/openapi.json). A failure answers 400 problem+json naming each invalid field and
 * what it expects — never the value sent (hono-openapi's default hook echoes the body back).
 */
v.setGlobalMessage((issue) => (issue.expected ? `Expected ${issue.expected}.` : `Invalid ${issue.kind}.`));

type PathItem = { key?: unknown };

function fieldName(path: readonly (PropertyKey | PathItem)[] | undefined, target: string): string {
  if (!path || path.length === 0) return target;
  return path.map((p) => (typeof p === "object" && p !== null ? String((p as PathItem).key) : String(p))).join(".");
}

/** The validator middleware with Loupe's problem+json hook. */
export function validate<Schema extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: Schema) {
  return validator(target, schema, (result) => {
    if (result.success) return;
    const fields: FieldError[] = result.error.map((issue) => ({
      field: fieldName(issue.path, target),
      message: issue.message,
    }));
    throw new AppError("VALIDATION_FAILED", "Some fields are invalid; see errors.", { fields });
  });
}
