// Invariant (SECURITY.md T-SC3): nothing in src/ turns text into code (eval, the Function
// constructor, string timers) or into markup (innerHTML and its kin, dangerouslySetInnerHTML), and
// nothing draws randomness from Math.random — secrets, ids and tokens come from the CSPRNG
// (crypto.getRandomValues, crypto.randomUUID, node:crypto randomBytes). Suppressions need a reason.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { scanSource, type Token } from "./support/source-scan.ts";

const SRC = resolve(import.meta.dir, "..", "src");

type Rule = { id: string; why: string; matches: (tokens: Token[], i: number) => boolean };

const at = (tokens: Token[], i: number, kind: Token["kind"], value: string) =>
  tokens[i]?.kind === kind && tokens[i]?.value === value;
/** `x.name`, `x?.name` or `x["name"]` — a member access by that name. */
const member = (tokens: Token[], i: number, name: string) =>
  (at(tokens, i, "id", name) && (at(tokens, i - 1, "punct", ".") || at(tokens, i - 1, "punct", "?."))) ||
  (at(tokens, i, "string", name) && at(tokens, i - 1, "punct", "[") && at(tokens, i + 1, "punct", "]"));
/** An identifier that is not a property of something else. */
const bare = (tokens: Token[], i: number, name: string) =>
  at(tokens, i, "id", name) && !at(tokens, i - 1, "punct", ".") && !at(tokens, i - 1, "punct", "?.");

const HTML_SINKS = ["innerHTML", "outerHTML", "insertAdjacentHTML", "createContextualFragment", "srcdoc"];

const RULES: Rule[] = [
  {
    id: "math-random",
    why: "Math.random is predictable; use crypto.getRandomValues / randomUUID / randomBytes",
    matches: (t, i) => member(t, i, "random") && at(t, i - 2, "id", "Math"),
  },
  { id: "eval", why: "eval runs text as code", matches: (t, i) => bare(t, i, "eval") },
  {
    id: "function-constructor",
    why: "the Function constructor runs text as code",
    matches: (t, i) => bare(t, i, "Function") && at(t, i + 1, "punct", "("),
  },
  {
    id: "string-timer",
    why: "setTimeout/setInterval with a string runs it as code",
    matches: (t, i) =>
      (bare(t, i, "setTimeout") || bare(t, i, "setInterval")) &&
      at(t, i + 1, "punct", "(") &&
      (t[i + 2]?.kind === "string" || t[i + 2]?.kind === "template"),
  },
  {
    id: "html-sink",
    why: "HTML sinks parse text as markup; build DOM nodes or render text",
    matches: (t, i) =>
      HTML_SINKS.some((name) => member(t, i, name)) ||
      (member(t, i, "write") && at(t, i - 2, "id", "document")) ||
      (member(t, i, "writeln") && at(t, i - 2, "id", "document")),
  },
];

/** JSX attribute names are not tokens of the lexer, so this one is found in the raw text (comments too). */
const RAW_RULES = [
  {
    id: "dangerously-set-inner-html",
    why: "user data renders as text in the admin UI and the widget",
    pattern: /\bdangerouslySetInnerHTML\b/g,
  },
];

/**
 * Reviewed exceptions, as "rule id:file relative to src/" → why it is safe. Empty today: every use
 * of these APIs was removed rather than excused. An entry that no longer matches fails the test, so
 * the list cannot rot.
 */
const SUPPRESSIONS: Record<string, string> = {};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

function findings(source: string, jsx: boolean): { rule: string; line: number }[] {
  const { tokens } = scanSource(source, { jsx });
  const found: { rule: string; line: number }[] = [];
  for (let i = 0; i < tokens.length; i++)
    for (const rule of RULES) if (rule.matches(tokens, i)) found.push({ rule: rule.id, line: tokens[i]!.line });
  for (const rule of RAW_RULES)
    for (const m of source.matchAll(rule.pattern))
      found.push({ rule: rule.id, line: source.slice(0, m.index).split("\n").length });
  return found;
}

test("each rule catches its API and lets ordinary code and comments through", () => {
  const caught = (code: string, jsx = false) => findings(code, jsx).map((f) => f.rule);
  expect(caught("const n = Math.random();")).toEqual(["math-random"]);
  expect(caught('const n = Math["random"]();')).toEqual(["math-random"]);
  expect(caught("const r = (0, eval)(text);")).toEqual(["eval"]);
  expect(caught('const f = new Function("a", body);')).toEqual(["function-constructor"]);
  expect(caught("const f = Function(body)();")).toEqual(["function-constructor"]);
  expect(caught('setTimeout("run()", 10);')).toEqual(["string-timer"]);
  expect(caught("el.innerHTML = html;")).toEqual(["html-sink"]);
  expect(caught('el["outerHTML"] = html;')).toEqual(["html-sink"]);
  expect(caught('el?.insertAdjacentHTML("beforeend", html);')).toEqual(["html-sink"]);
  expect(caught("document.write(html);")).toEqual(["html-sink"]);
  expect(caught("frame.srcdoc = html;")).toEqual(["html-sink"]);
  expect(caught("const v = <div dangerouslySetInnerHTML={{ __html: x }} />;", true)).toEqual([
    "dangerously-set-inner-html",
  ]);
  // Comments, strings, other objects' members and safe text APIs are not findings.
  expect(
    caught(
      [
        "// Math.random() and eval(x) and el.innerHTML are banned",
        'const message = "never use innerHTML or eval";',
        "const id = crypto.randomUUID(); const bytes = crypto.getRandomValues(new Uint8Array(32));",
        "el.textContent = text; setTimeout(() => run(), 10); logger.write(line); db.evaluate(q);",
        "const random = rng.random(); type F = Function;",
      ].join("\n"),
    ),
  ).toEqual([]);
});

test("src/ uses no code-from-text, HTML-sink or Math.random API outside the reviewed suppressions (T-SC3)", () => {
  const all = files(SRC);
  expect(all.length).toBeGreaterThan(100);
  const unexcused: string[] = [];
  const used = new Set<string>();
  for (const file of all) {
    const rel = relative(SRC, file);
    for (const f of findings(readFileSync(file, "utf8"), file.endsWith(".tsx"))) {
      const key = `${f.rule}:${rel}`;
      if (SUPPRESSIONS[key]) used.add(key);
      else unexcused.push(`${rel}:${f.line} ${f.rule} — ${[...RULES, ...RAW_RULES].find((r) => r.id === f.rule)!.why}`);
    }
  }
  expect(unexcused).toEqual([]);
  expect(Object.keys(SUPPRESSIONS).filter((key) => !used.has(key))).toEqual([]);
});
