import type { ValidationTargets } from "hono";
import { validator } from "hono-openapi";
import * as v from "valibot";
import { AppError, type FieldError } from "../lib/app-error.ts";

/**
 * Request validation for every route: valibot schemas through hono-openapi (so the same schema is
 * documented in /api/openapi.json). A failure answers 400 problem+json naming each invalid field and
 * what it expects — never the value sent, and never a key the client made up (hono-openapi's default
 * hook echoes the body back).
 */
v.setGlobalMessage((issue) => (issue.expected ? `Expected ${issue.expected}.` : `Invalid ${issue.kind}.`));

type SchemaNode = {
  type?: string;
  entries?: Record<string, SchemaNode>;
  item?: SchemaNode;
  items?: SchemaNode[];
  wrapped?: SchemaNode;
  options?: SchemaNode[];
  value?: SchemaNode;
};
type PathItem = { type: string; origin?: string; key?: unknown };

function unwrap(schema: SchemaNode | undefined): SchemaNode | undefined {
  let current = schema;
  while (current?.wrapped) current = current.wrapped;
  return current;
}

/** The schema's own entry for `key`, looking through optional/nullable wrappers and unions. */
function entryOf(schema: SchemaNode | undefined, key: string): SchemaNode | undefined {
  const node = unwrap(schema);
  if (node?.entries && Object.hasOwn(node.entries, key)) return node.entries[key];
  for (const option of node?.options ?? []) {
    const found = entryOf(option, key);
    if (found) return found;
  }
  return undefined;
}

/** A client-chosen key is named back only when it is a plain identifier: never markup, never long. */
function echoable(key: unknown): key is string {
  return typeof key === "string" && /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(key);
}

/**
 * The dotted path of an issue, made of names the schema declares and array indexes. A key the client
 * chose (an unknown key of a strict object, a record's key) appears only when it is a short plain
 * identifier; otherwise the path stops at its parent and the message says what was wrong.
 */
function fieldError(schema: SchemaNode, issue: v.BaseIssue<unknown>, root: string): FieldError {
  const names: string[] = [];
  let node: SchemaNode | undefined = schema;
  for (const item of (issue.path ?? []) as PathItem[]) {
    if (item.origin === "key") {
      const field = [...names, ...(echoable(item.key) ? [item.key] : [])].join(".") || root;
      // A strict object reports a missing key and an unknown one alike, as a key issue: `never` was expected of an unknown one.
      if (issue.type === "strict_object" || issue.type === "object" || issue.type === "loose_object")
        return { field, message: issue.expected === "never" ? "Unknown field." : "Required." };
      return { field, message: `Invalid key: ${issue.message}` };
    }
    const inner = unwrap(node);
    if (item.type === "array" && typeof item.key === "number") {
      names.push(String(item.key));
      node = inner?.item ?? inner?.items?.[item.key];
      continue;
    }
    const entry = typeof item.key === "string" ? entryOf(inner, item.key) : undefined;
    if (entry) {
      names.push(item.key as string);
      node = entry;
      continue;
    }
    // A key the client chose (a record's): named only when plain, and the path goes on under it.
    if (!echoable(item.key)) return { field: names.join(".") || root, message: issue.message };
    names.push(item.key);
    node = inner?.value;
  }
  return { field: names.join(".") || root, message: issue.message };
}

/** The one way to build VALIDATION_FAILED from valibot issues. */
export function validationFailed(
  schema: v.GenericSchema,
  issues: readonly v.BaseIssue<unknown>[],
  root: string,
): AppError {
  const fields = issues.map((issue) => fieldError(schema as SchemaNode, issue, root));
  return new AppError("VALIDATION_FAILED", undefined, { fields });
}

/** Parses `input` with `schema` or throws VALIDATION_FAILED naming the fields (for bodies read by hand). */
export function parseOrThrow<Schema extends v.GenericSchema>(
  schema: Schema,
  input: unknown,
  root: string,
): v.InferOutput<Schema> {
  const result = v.safeParse(schema, input);
  if (!result.success) throw validationFailed(schema, result.issues, root);
  return result.output;
}

/** Marks a validator middleware with its target and valibot schema (the route inventory and the fuzz tests read it). */
const VALIDATES = Symbol.for("loupe.validates");

export type ValidatedInput = { target: keyof ValidationTargets; schema: v.GenericSchema };

/** The target and schema a middleware validates, when it is one made by `validate`. */
export function validatedInput(handler: unknown): ValidatedInput | undefined {
  return (handler as { [VALIDATES]?: ValidatedInput } | null)?.[VALIDATES];
}

/** The validator middleware with Loupe's problem+json hook. */
export function validate<Schema extends v.GenericSchema, Target extends keyof ValidationTargets>(
  target: Target,
  schema: Schema,
) {
  const middleware = validator(target, schema, (result) => {
    if (result.success) return;
    throw validationFailed(schema, result.error as readonly v.BaseIssue<unknown>[], target);
  });
  return Object.assign(middleware, { [VALIDATES]: { target, schema } satisfies ValidatedInput });
}
