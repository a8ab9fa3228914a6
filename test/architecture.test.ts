// Invariant: src/ keeps its layers. Every import — type imports too — follows the arrows below, browser
// code imports no Node, Bun or unlisted npm code, no runtime import cycle exists, SQL lives in store/.
//
//   main.ts  → app.ts, config.ts, version.ts, jobs, store, services, lib, http
//   cli.ts   → main.ts, config.ts, version.ts, services, store, lib, shared
//   app.ts   → config.ts, api, admin, http, shared, lib; types only: services, store
//   config.ts → lib; types only: store        version.ts → (nothing in src/)
//   api, admin → http, services, shared, lib   jobs → services, lib
//   http → services, lib, shared                services → store, lib, shared (never hono)
//   store → lib      lib → (npm, node:, bun only)      shared → valibot only
//   widget → shared; npm: modern-screenshot      admin-ui → shared; npm: preact, preact/hooks, @preact/signals
// A part may always import its own files. Also: no bun:sqlite and no Math.random in src/ (T-AC6).
import { expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { TSCONFIGS } from "../scripts/typecheck.ts";
import { type ImportRef, scanSource } from "./support/source-scan.ts";

const ROOT = resolve(import.meta.dir, "..");
const SRC = join(ROOT, "src");

/** Which top-level parts of src/ each part may import (runtime and type imports alike). */
const ALLOWED: Record<string, string[]> = {
  "main.ts": ["app.ts", "config.ts", "jobs", "store", "services", "lib", "http", "version.ts"],
  "cli.ts": ["main.ts", "config.ts", "services", "store", "lib", "shared", "version.ts"],
  "app.ts": ["api", "admin", "http", "shared", "lib", "config.ts"],
  "config.ts": ["lib"],
  "version.ts": [],
  api: ["http", "services", "shared", "lib"],
  admin: ["http", "services", "shared", "lib"],
  jobs: ["services", "lib"],
  /** Worker threads' entry points: composition roots of their own, like main.ts (the backup worker boots the app on a restored copy). */
  workers: ["app.ts", "config.ts", "services", "store", "lib", "shared", "version.ts"],
  http: ["services", "lib", "shared"],
  services: ["store", "lib", "shared"],
  store: ["lib"],
  lib: ["shared"],
  shared: [],
  widget: ["shared"],
  "admin-ui": ["shared"],
};

/**
 * Arrows open to `import type` only. app.ts is handed the store's handles (Db, Keyring, Migration[])
 * and builds the ServiceContext from them; config.ts describes the master key as the store reads it.
 * Neither may call into those layers.
 */
const TYPE_ONLY_ALLOWED: Record<string, string[]> = {
  "app.ts": ["services", "store"],
  "config.ts": ["store"],
};

/** Browser-safe parts: the only npm specifiers each may import, and never `node:*`, `bun` or `bun:*`. */
const BROWSER_NPM: Record<string, string[]> = {
  shared: ["valibot"],
  // The DOM-to-image library the issue chose by measurement (the capture chunk only).
  widget: ["modern-screenshot"],
  "admin-ui": ["preact", "preact/hooks", "@preact/signals"],
};

/**
 * The one computed import(): the loader (a classic script, whose relative specifiers would resolve
 * against about:blank) imports its own content-hashed chunks by URL; scripts/build-assets.ts defines
 * those URLs from the same build, so they are widget/ code.
 */
const COMPUTED_IMPORT_ALLOWED = ["widget/loader.ts"];

/**
 * Violations present in src/ today, in code another engineer is refactoring (src/http, src/api). Each
 * must go: the test fails when a listed one no longer occurs, so this list only shrinks. Never add to it.
 */
const KNOWN_VIOLATIONS: string[] = [];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const partOf = (file: string) => relative(SRC, file).split("/")[0]!;
const packageOf = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");
const scanned = new Map<string, ImportRef[]>();
const importsOf = (file: string) => {
  let imports = scanned.get(file);
  if (!imports) {
    imports = scanSource(readFileSync(file, "utf8"), { jsx: file.endsWith(".tsx") }).imports;
    scanned.set(file, imports);
  }
  return imports;
};

/** The file a relative specifier names: as written, or with the extension Bun would try. */
function resolveFile(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, "index.ts"), join(base, "index.tsx")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return base;
}

/** The imports of one file (`from` relative to src/) that break the arrows, browser or hono rules. */
function importViolations(from: string, imports: ImportRef[]): string[] {
  const file = join(SRC, from);
  const part = partOf(file);
  const allowed = ALLOWED[part];
  if (!allowed) return [`${from}: ${part} is not a known part of src/ (add it to the arrows)`];
  const violations: string[] = [];
  for (const ref of imports) {
    const tag = ref.kind === "type" ? " (type)" : "";
    const specifier = ref.specifier;
    if (specifier === null) {
      if (COMPUTED_IMPORT_ALLOWED.includes(from)) continue;
      violations.push(
        `${from}:${ref.line}: import() of a computed specifier (name the module so its arrow can be checked)`,
      );
    } else if (specifier.startsWith(".")) {
      const target = resolveFile(file, specifier);
      if (!target.startsWith(SRC + "/")) {
        if (!target.endsWith("/package.json")) violations.push(`${from} → ${specifier}${tag}: outside src/`);
        continue;
      }
      const targetPart = partOf(target);
      const typeAllowed = ref.kind === "type" && (TYPE_ONLY_ALLOWED[part] ?? []).includes(targetPart);
      if (targetPart !== part && !allowed.includes(targetPart) && !typeAllowed) {
        violations.push(`${from} → ${relative(SRC, target)}${tag}: ${part} may not import ${targetPart}`);
      }
    } else if (BROWSER_NPM[part]) {
      if (specifier.startsWith("node:") || specifier === "bun" || specifier.startsWith("bun:")) {
        violations.push(`${from} → ${specifier}${tag}: ${part} runs in browsers (no node:, no bun)`);
      } else if (!BROWSER_NPM[part].includes(specifier)) {
        violations.push(
          `${from} → ${specifier}${tag}: ${part} may import from npm only ${BROWSER_NPM[part].join(", ") || "nothing"}`,
        );
      }
    } else if (part === "services" && (packageOf(specifier) === "hono" || specifier.startsWith("@hono/"))) {
      violations.push(`${from} → ${specifier}${tag}: services never import hono`);
    }
  }
  return violations;
}

/** Every breach in src/, as stable one-line descriptions. */
function layeringViolations(): string[] {
  const violations = new Set(files(SRC).flatMap((file) => importViolations(relative(SRC, file), importsOf(file))));
  return [...violations].sort();
}

test("every import, type imports included, follows the layering arrows (known violations aside)", () => {
  const found = layeringViolations();
  expect(found.filter((v) => !KNOWN_VIOLATIONS.includes(v))).toEqual([]);
});

test("every listed known violation still occurs (fixed ones leave KNOWN_VIOLATIONS)", () => {
  const found = layeringViolations();
  expect(KNOWN_VIOLATIONS.filter((v) => !found.includes(v))).toEqual([]);
});

const transpilers = { ts: new Bun.Transpiler({ loader: "ts" }), tsx: new Bun.Transpiler({ loader: "tsx" }) };
/** The runtime imports Bun finds, without the JSX runtime it adds to a .tsx file that holds JSX. */
function bunRuntimeImports(text: string, tsx: boolean): Set<string> {
  const paths = transpilers[tsx ? "tsx" : "ts"].scanImports(text.replace(/^#!.*/, "")).map((i) => i.path);
  return new Set(tsx ? paths.filter((p) => p !== "react" && !/\/jsx-(dev-)?runtime$/.test(p)) : paths);
}

test("the import scanner sees every runtime import Bun sees, in every file of src/, test/, bench/ and scripts/", () => {
  const disagreements: string[] = [];
  const all = ["src", "test", "bench", "scripts"].flatMap((dir) => files(join(ROOT, dir)));
  for (const file of all) {
    const text = readFileSync(file, "utf8");
    const ours = new Set(
      scanSource(text, { jsx: file.endsWith(".tsx") })
        .imports.filter((i) => i.kind !== "type")
        .map((i) => i.specifier),
    );
    const bun = bunRuntimeImports(text, file.endsWith(".tsx"));
    for (const s of bun) if (!ours.has(s)) disagreements.push(`${relative(ROOT, file)}: missed ${s}`);
    for (const s of ours)
      if (s !== null && !bun.has(s))
        disagreements.push(`${relative(ROOT, file)}: ${s} is not a runtime import for Bun`);
  }
  expect(all.length).toBeGreaterThan(100);
  expect(disagreements).toEqual([]);
});

/** Each cycle of a directed graph, as a path that starts and ends at the same node (one per strongly connected component). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  // A concrete path through each component: breadth-first from its first node back to itself.
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0]!;
    const previous = new Map<string, string>();
    const queue = [start];
    while (queue.length > 0) {
      const v = queue.shift()!;
      for (const w of graph.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) {
          const path: string[] = [];
          for (let at = v; at !== start; at = previous.get(at)!) path.unshift(at);
          return [start, ...path, start];
        }
        if (!previous.has(w)) {
          previous.set(w, v);
          queue.push(w);
        }
      }
    }
    return [start, start];
  });
}

test("the cycle finder reports each cycle as a path", () => {
  const graph = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts", "d.ts"]],
    ["c.ts", ["a.ts"]],
    ["d.ts", []],
    ["e.ts", ["e.ts"]],
  ]);
  expect(findCycles(graph)).toEqual([
    ["a.ts", "b.ts", "c.ts", "a.ts"],
    ["e.ts", "e.ts"],
  ]);
  expect(
    findCycles(
      new Map([
        ["a.ts", ["b.ts"]],
        ["b.ts", []],
      ]),
    ),
  ).toEqual([]);
});

test("no runtime import cycle between files of src/", () => {
  const graph = new Map<string, string[]>();
  for (const file of files(SRC)) {
    const targets = importsOf(file)
      .filter((ref) => ref.kind !== "type" && ref.specifier?.startsWith("."))
      .map((ref) => relative(SRC, resolveFile(file, ref.specifier!)));
    graph.set(relative(SRC, file), targets);
  }
  expect(findCycles(graph).map((cycle) => cycle.join(" → "))).toEqual([]);
});

test("the import scanner: type imports, multi-line forms, and nothing from comments, strings, regexes or JSX text", () => {
  const source = [
    `#!/usr/bin/env bun`,
    `/// <reference types="bun-types" />`,
    `import {`,
    `  a,`,
    `  type B,`,
    `} from "./runtime-multi-line.ts";`,
    `import type {`,
    `  C,`,
    `} from "./type-multi-line.ts";`,
    `import { type D, type E as F } from "./only-type-specifiers.ts";`,
    `import type G from "./type-default.ts";`,
    `import type from "./default-named-type.ts";`,
    `import {} from "./empty-braces.ts";`,
    `import "./side-effect.ts";`,
    `import * as ns from "./namespace.ts";`,
    `export type { H } from "./export-type.ts";`,
    `export type * from "./export-type-star.ts";`,
    `export { type I } from "./export-type-specifier.ts";`,
    `export { j, type K } from "./export-mixed.ts";`,
    `export * as all from "./export-star-as.ts";`,
    `export { a };`,
    `type L = import("./type-expression.ts").L;`,
    `let m: typeof import("./typeof-import.ts");`,
    `const n = await import("./dynamic.ts");`,
    `import("./dynamic-then.ts").then(() => {});`,
    `const o = require("./require.ts");`,
    `const computed = await import(name);`,
    `// import p from "./line-comment.ts";`,
    `/* import("./block-comment.ts"); export * from "./block-comment-2.ts" */`,
    `/** @example import q from "./jsdoc.ts" */`,
    `const s = 'import r from "./single-quoted.ts"';`,
    `const t = "export * from './double-quoted.ts'";`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text of a template literal, for the scanner to read
    'const u = `import w from "./template.ts" ${`${"import(\'./nested.ts\')"}`} ${{ k: 1 }.k}`;',
    `const re = /[\`"']/g, slash = /[/]import "x"/, half = a / 2, tick = \`/\`;`,
    `import "./after-regex-and-division.ts";`,
    `const meta = import.meta.dir, x = obj.import("./method.ts"), y = obj.require("./method-require.ts");`,
  ].join("\n");
  expect(scanSource(source).imports.map((i) => [i.kind, i.specifier])).toEqual([
    ["type", "bun-types"],
    ["static", "./runtime-multi-line.ts"],
    ["type", "./type-multi-line.ts"],
    ["type", "./only-type-specifiers.ts"],
    ["type", "./type-default.ts"],
    ["static", "./default-named-type.ts"],
    ["static", "./empty-braces.ts"],
    ["static", "./side-effect.ts"],
    ["static", "./namespace.ts"],
    ["type", "./export-type.ts"],
    ["type", "./export-type-star.ts"],
    ["type", "./export-type-specifier.ts"],
    ["static", "./export-mixed.ts"],
    ["static", "./export-star-as.ts"],
    ["type", "./type-expression.ts"],
    ["type", "./typeof-import.ts"],
    ["dynamic", "./dynamic.ts"],
    ["dynamic", "./dynamic-then.ts"],
    ["require", "./require.ts"],
    ["dynamic", null],
    ["static", "./after-regex-and-division.ts"],
  ]);
  const tsx = [
    `const el = <p title="it's" data-x='"'>Don't "import" './x' {\`\${"a"}\`} <b>/</b></p>;`,
    `const frag = <><Item {...props} label={"SELECT id FROM users"} /></>;`,
    `const ratio = count / 2; const html = "<p>"; const few = n < 3 && m > 1, [open] = useState<boolean>(false);`,
    `const list = <ul>{items.map((x) => <li key={x} title={\`item \${x}\`}>{x} / {open ? <b>a</b> : <i>b</i>}</li>)}</ul>;`,
    `import "./after-jsx.ts";`,
  ].join("\n");
  const scan = scanSource(tsx, { jsx: true });
  expect(scan.imports.map((i) => i.specifier)).toEqual(["./after-jsx.ts"]);
  expect([...bunRuntimeImports(tsx, true)]).toEqual(["./after-jsx.ts"]);
  expect(scan.literals.map((l) => l.text)).toContain("SELECT id FROM users");
});

/**
 * SQL in a string or template literal (`${…}` reads as `?`). Upper-case keywords in statement order, as
 * src/store/ writes them; lower-case SQL only with a statement's punctuation, so prose stays clear.
 */
const SQL_PATTERNS: RegExp[] = [
  /\bSELECT\b[\s\S]*\bFROM\b/,
  /^\s*SELECT\b/,
  /\b(?:INSERT|REPLACE)\s+(?:OR\s+[A-Z]+\s+)?INTO\b/,
  /\bUPDATE\s+\S+\s+SET\b/,
  /\bDELETE\s+FROM\b/,
  /\b(?:CREATE|DROP|ALTER)\s+(?:(?:UNIQUE|VIRTUAL|TEMP|TEMPORARY)\s+)?(?:TABLE|INDEX|VIEW|TRIGGER)\b/,
  /\bPRAGMA\s+\w/,
  /^\s*(?:BEGIN|COMMIT|END\s+TRANSACTION|ROLLBACK|SAVEPOINT|RELEASE\s+SAVEPOINT|VACUUM|ATTACH|DETACH)\b/,
  /\bselect\s+(?:\*|count\s*\(\s*\*\s*\))\s+from\b/i,
  /\bwhere\s+[\w.]+\s*(?:=|<>|!=|<=|>=|<|>|\s+is\s+|\s+in\s*\(|\s+like\s+)\s*(?:\?|:\w|\$\w|@\w)/i,
  /\b(?:insert|replace)\s+(?:or\s+\w+\s+)?into\s+\w+\s*\(/i,
  /\bupdate\s+\w+\s+set\s+\w+\s*=/i,
  /\bcreate\s+(?:(?:unique|virtual|temp|temporary)\s+)?(?:table|index)\s+(?:if\s+not\s+exists\s+)?\w+\s*(?:\(|on\s+\w+\s*\(|using\b)/i,
  /\bpragma\s+\w+\s*(?:=|\()/i,
];
const isSql = (text: string) => SQL_PATTERNS.some((p) => p.test(text));
/** The Db methods that run SQL; outside src/store/ only `db.write(() => …)` and the like are used. */
const SQL_METHODS = new Set(["prepare", "exec", "run", "get", "all", "getValues", "iterate", "pragma", "transaction"]);

/** Calls `db.<SQL method>(` (or `database.…`), with their first literal argument if any. */
function dbCalls(file: string): { method: string; line: number; sql: string | null }[] {
  const { tokens } = scanSource(readFileSync(file, "utf8"), { jsx: file.endsWith(".tsx") });
  const calls: { method: string; line: number; sql: string | null }[] = [];
  for (let i = 0; i + 3 < tokens.length; i++) {
    const [receiver, dot, method] = [tokens[i]!, tokens[i + 1]!, tokens[i + 2]!];
    const isDb = receiver.kind === "id" && ["db", "#db", "database"].includes(receiver.value);
    if (!isDb || dot.value !== "." || method.kind !== "id" || !SQL_METHODS.has(method.value)) continue;
    let j = i + 3;
    if (tokens[j]?.value === "<") {
      for (let depth = 0; j < tokens.length; j++) {
        if (tokens[j]!.value === "<") depth++;
        else if (tokens[j]!.value === ">" && --depth === 0) break;
      }
      j++;
    }
    if (tokens[j]?.value !== "(") continue;
    const arg = tokens[j + 1];
    calls.push({
      method: method.value,
      line: method.line,
      sql: arg && (arg.kind === "string" || arg.kind === "template") ? arg.value : null,
    });
  }
  return calls;
}

test("SQL lives only in src/store/: no SQL text in any string or template literal, and no db SQL call, elsewhere", () => {
  const offenders: string[] = [];
  for (const file of files(SRC).filter((f) => partOf(f) !== "store")) {
    const rel = relative(SRC, file);
    for (const { text, line } of scanSource(readFileSync(file, "utf8"), { jsx: file.endsWith(".tsx") }).literals) {
      if (isSql(text)) offenders.push(`${rel}:${line}: ${JSON.stringify(text.slice(0, 60))}`);
    }
    for (const call of dbCalls(file)) offenders.push(`${rel}:${call.line}: db.${call.method}()`);
  }
  expect(offenders).toEqual([]);
});

test("the SQL patterns find every literal statement src/store/ runs, and no English prose", () => {
  const missed: string[] = [];
  let statements = 0;
  for (const file of files(join(SRC, "store"))) {
    for (const call of dbCalls(file)) {
      // pragma() takes the pragma without its keyword ("journal_mode = WAL"): the call itself is the sign.
      if (call.sql === null || call.method === "pragma") continue;
      statements++;
      if (!isSql(call.sql)) missed.push(`${relative(SRC, file)}:${call.line}: ${call.sql}`);
    }
  }
  expect(statements).toBeGreaterThan(50);
  expect(missed).toEqual([]);
  const sql = [
    "SELECT 1",
    "select * from users",
    "select count(*) from feedback_items",
    "SELECT id FROM users WHERE email = ?",
    "select id, email from users where email = ?",
    "DELETE FROM sessions WHERE user_id = ?",
    "delete from sessions where id = :id",
    "INSERT OR IGNORE INTO devices (id) VALUES (?)",
    "insert into users (id, email) values (?, ?)",
    "UPDATE users SET email = ? WHERE id = ?",
    "update users set email = ?",
    "UPDATE feedback_search SET ? = ? || ?",
    "CREATE TABLE IF NOT EXISTS x (id TEXT)",
    "create table x (id text)",
    "create unique index users_email on users (email)",
    "PRAGMA journal_mode = WAL",
    "pragma foreign_keys = on",
    "BEGIN IMMEDIATE",
    "VACUUM INTO ?",
  ];
  expect(sql.filter((s) => !isSql(s))).toEqual([]);
  const prose = [
    "Delete the project's feedback first (deleted items are purged from the trash after 30 days).",
    "You are the only owner of 2 team(s): hand them over or delete them first.",
    "Select a project from the list where your widget runs.",
    "Select one from here",
    "Update the project, then set a new widget key.",
    "Create a table of contents.",
    "Create the first instance admin with the one-time setup token",
    "Insert into the page with one script tag (see the docs).",
    "Delete from trash",
    "Pragma: no-cache",
    "Where it says = sign, type the code",
    "Begin by creating a team.",
    "usage: loupe admin create --email E [--name N]",
    "LOUPE_SMTP_FROM",
  ];
  expect(prose.filter(isSql)).toEqual([]);
});

test("the rules catch type imports too: store rows in http, hono in services, node: and npm in browser code", () => {
  const check = (from: string, source: string) => importViolations(from, scanSource(source).imports);
  expect(check("http/app-env.ts", `import type { UserRow } from "../store/users.ts";`)).toEqual([
    "http/app-env.ts → store/users.ts (type): http may not import store",
  ]);
  expect(check("api/x/index.ts", `type Db = import("../../store/database.ts").Db;`)).toEqual([
    "api/x/index.ts → store/database.ts (type): api may not import store",
  ]);
  expect(check("services/x.ts", `import type { Context } from "hono";`)).toEqual([
    "services/x.ts → hono (type): services never import hono",
  ]);
  expect(
    check(
      "shared/x.ts",
      `import type { Stats } from "node:fs";\nexport type { Serve } from "bun";\nimport * as v from "valibot";`,
    ),
  ).toEqual([
    "shared/x.ts → node:fs (type): shared runs in browsers (no node:, no bun)",
    "shared/x.ts → bun (type): shared runs in browsers (no node:, no bun)",
  ]);
  expect(check("widget/x.ts", `type N = import("preact").VNode;\nimport { s } from "../shared/x.ts";`)).toEqual([
    "widget/x.ts → preact (type): widget may import from npm only modern-screenshot",
  ]);
  expect(check("widget/x.ts", `import { s } from "../admin-ui/x.ts";`)).toEqual([
    "widget/x.ts → admin-ui/x.ts: widget may not import admin-ui",
  ]);
  expect(
    check(
      "admin-ui/x.tsx",
      `import { useState } from "preact/hooks";\nimport { signal } from "@preact/signals";\nimport { h } from "preact";`,
    ),
  ).toEqual([]);
  expect(check("admin-ui/x.tsx", `import { render } from "preact-render-to-string";`)).toEqual([
    "admin-ui/x.tsx → preact-render-to-string: admin-ui may import from npm only preact, preact/hooks, @preact/signals",
  ]);
  // Arrows open to types only stay closed at run time.
  expect(
    check(
      "app.ts",
      `import type { Db } from "./store/database.ts";\nimport type { ServiceContext } from "./services/context.ts";`,
    ),
  ).toEqual([]);
  expect(check("app.ts", `import { openStore } from "./store/store.ts";`)).toEqual([
    "app.ts → store/store.ts: app.ts may not import store",
  ]);
  expect(check("config.ts", `import { resolveMasterKey } from "./store/master-key.ts";`)).toEqual([
    "config.ts → store/master-key.ts: config.ts may not import store",
  ]);
  expect(check("lib/x.ts", `const m = await import(name);`)).toEqual([
    "lib/x.ts:1: import() of a computed specifier (name the module so its arrow can be checked)",
  ]);
});

/** What each TypeScript program must see: DOM types, Bun's (and Node's) types, and which parts of src/. */
const PROGRAMS: Record<string, { dom: boolean; bun: boolean; parts: string[] | "server" | "all" }> = {
  "tsconfig.json": { dom: false, bun: true, parts: "server" },
  "test/tsconfig.json": { dom: false, bun: true, parts: "server" },
  "src/widget/tsconfig.json": { dom: true, bun: false, parts: ["widget", "shared"] },
  "src/admin-ui/tsconfig.json": { dom: true, bun: false, parts: ["admin-ui", "shared"] },
  // Browser tests also start the server they drive (in this process), so they may see every part.
  "test/browser/tsconfig.json": { dom: true, bun: true, parts: "all" },
};

function tsconfigsOnDisk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith(".") || ["node_modules", "dist", "data"].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsconfigsOnDisk(path);
    return /^tsconfig.*\.json$/.test(entry.name) ? [relative(ROOT, path)] : [];
  });
}

test("the server's tsconfig has no DOM types; widget, admin UI and browser tests have their own, and npm test checks every one", async () => {
  const root = JSON.parse(readFileSync(join(ROOT, "tsconfig.json"), "utf8"));
  expect(root.compilerOptions.lib).toEqual(["ES2023"]);
  expect(root.compilerOptions.types).toEqual(["bun"]);
  for (const config of ["src/widget/tsconfig.json", "src/admin-ui/tsconfig.json", "test/browser/tsconfig.json"]) {
    expect({ config, exists: existsSync(join(ROOT, config)) }).toEqual({ config, exists: true });
  }
  for (const config of ["src/admin-ui/tsconfig.json", "test/browser/tsconfig.json"]) {
    const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, config), "utf8"));
    expect({ config, jsx: compilerOptions.jsx, source: compilerOptions.jsxImportSource }).toEqual({
      config,
      jsx: "react-jsx",
      source: "preact",
    });
  }
  expect(tsconfigsOnDisk(ROOT).sort()).toEqual([...TSCONFIGS].sort());
  expect(Object.keys(PROGRAMS).sort()).toEqual([...TSCONFIGS].sort());

  // What each program really holds, as tsc resolves it: a package's `/// <reference lib="dom" />` counts.
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const programs = await Promise.all(
    TSCONFIGS.map(async (config) => {
      const proc = Bun.spawn([process.execPath, tsc, "--listFilesOnly", "-p", join(ROOT, config)], {
        cwd: ROOT,
        env: { ...process.env, BUN_BE_BUN: "1" },
        stdout: "pipe",
        stderr: "pipe",
      });
      const listing = await new Response(proc.stdout).text();
      return { config, exitCode: await proc.exited, files: listing.split("\n").filter(Boolean) };
    }),
  );
  for (const { config, exitCode, files: inProgram } of programs) {
    const expected = PROGRAMS[config]!;
    const parts = [...new Set(inProgram.filter((f) => f.startsWith(SRC + "/")).map(partOf))];
    const browserTests = inProgram.some((f) => f.startsWith(join(ROOT, "test", "browser") + "/"));
    const strays =
      expected.parts === "server"
        ? [...parts.filter((p) => p === "widget" || p === "admin-ui"), ...(browserTests ? ["test/browser"] : [])]
        : expected.parts === "all"
          ? []
          : parts.filter((p) => !(expected.parts as string[]).includes(p));
    expect({
      config,
      exitCode,
      dom: inProgram.some((f) => /\/lib\.dom(\.iterable)?\.d\.ts$/.test(f)),
      bun: inProgram.some((f) => /\/(bun-types|@types\/node)\//.test(f)),
      strays,
    }).toEqual({ config, exitCode: 0, dom: expected.dom, bun: expected.bun, strays: [] });
  }
});

test("no bun:sqlite and no Math.random anywhere in src/ (T-AC6)", () => {
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    expect({ file: relative(SRC, file), sqlite: text.includes("bun:sqlite") }).toEqual({
      file: relative(SRC, file),
      sqlite: false,
    });
    expect({ file: relative(SRC, file), random: text.includes("Math.random") }).toEqual({
      file: relative(SRC, file),
      random: false,
    });
  }
});
