import * as v from "valibot";

/**
 * Free text must be stored exactly as it was validated. Control characters break that (a NUL cuts the
 * text short in SQLite's C string paths while search still sees the rest; escapes and C1 codes mislead
 * terminals, logs and CSV), and so do lone UTF-16 surrogates (stored as U+FFFD). So:
 * - `PlainText` (names, titles, labels, token names, keys): no C0 or C1 control character, DEL included;
 *   tab and line breaks neither (a name is one line).
 * - `MultilineText` (comments, notes, annotation text): tab and line feed are allowed. A carriage return
 *   is accepted because textareas submit CRLF, and normalised: CRLF and a lone CR become LF, so one
 *   text has one stored form. Put it last in a pipe (a transformation ends the documented schema).
 * - `textProblem` is the same rule for strings inside free-form JSON (metadata values keep CR as sent).
 */
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const CONTROL_EXCEPT_TAB_LF_CR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const CONTROL_CHARACTER_MESSAGE = "Control characters (such as NUL or escape) are not allowed.";
export const LINE_BREAK_MESSAGE = "Tabs, line breaks and other control characters are not allowed here.";
export const MALFORMED_TEXT_MESSAGE = "Expected well-formed Unicode text.";

/** Why `text` is not acceptable free text (`multiline`: tab, LF and CR allowed), or undefined. */
export function textProblem(text: string, multiline: boolean): string | undefined {
  if (multiline ? CONTROL_EXCEPT_TAB_LF_CR.test(text) : ANY_CONTROL.test(text))
    return multiline ? CONTROL_CHARACTER_MESSAGE : LINE_BREAK_MESSAGE;
  if (LONE_SURROGATE.test(text)) return MALFORMED_TEXT_MESSAGE;
  return undefined;
}

/** One line of text: no control character at all (the issue names the field). */
export const PlainText = v.rawCheck<string>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const problem = textProblem(dataset.value, false);
  if (problem) addIssue({ message: problem });
});

/** Several lines of text: tab and line breaks allowed, CRLF and CR stored as LF; no other control character. */
export const MultilineText = v.rawTransform<string, string>(({ dataset, addIssue, NEVER }) => {
  const problem = textProblem(dataset.value, true);
  if (problem) {
    addIssue({ message: problem });
    return NEVER;
  }
  return dataset.value.replace(/\r\n?/g, "\n");
});

type JsonPathItem = v.ObjectPathItem | v.ArrayPathItem;

type JsonNode = { value: unknown; item: JsonPathItem | undefined; parent: JsonNode | undefined };

function pathOf(node: JsonNode): JsonPathItem[] {
  const path: JsonPathItem[] = [];
  for (let n: JsonNode | undefined = node; n?.item; n = n.parent) path.push(n.item);
  return path.reverse();
}

/** The first key or string in `root` that is not acceptable text, with its path (iterative: any depth, linear time). */
function firstJsonProblem(root: unknown): { message: string; path: JsonPathItem[] } | undefined {
  const stack: JsonNode[] = [{ value: root, item: undefined, parent: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === "string") {
      const problem = textProblem(value, true);
      if (problem) return { message: problem, path: pathOf(node) };
    } else if (Array.isArray(value)) {
      for (let key = value.length - 1; key >= 0; key--)
        stack.push({
          value: value[key],
          item: { type: "array", origin: "value", input: value, key, value: value[key] },
          parent: node,
        });
    } else if (typeof value === "object" && value !== null) {
      const input = value as Record<string, unknown>;
      const entries = Object.entries(input);
      for (const [key] of entries) {
        const problem = textProblem(key, false);
        // Named by the object holding the key: the key itself is not echoed back as a field name.
        if (problem) return { message: `A key: ${problem}`, path: pathOf(node) };
      }
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]!;
        stack.push({ value: item, item: { type: "object", origin: "value", input, key, value: item }, parent: node });
      }
    }
  }
  return undefined;
}

/** Free-form JSON (metadata): every key is one line of text, every string value multi-line text as sent. */
export const JsonText = v.rawCheck<Record<string, unknown>>(({ dataset, addIssue }) => {
  if (!dataset.typed) return;
  const found = firstJsonProblem(dataset.value);
  if (!found) return;
  const [first, ...rest] = found.path;
  addIssue(first ? { message: found.message, path: [first, ...rest] } : { message: found.message });
});
