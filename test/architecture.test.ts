// Invariant: imports follow the arrows of CONVENTIONS.md, so layers stay layers:
//   main → app, config, jobs, store, services, lib    app → api, admin, http, shared, lib
//   api, admin → http, services, shared, lib          jobs → services, lib
//   http → services, lib, shared                      services → store, lib, shared
//   store → lib      lib → npm only      shared → valibot only      widget, admin-ui → themselves, shared
// (`import type` is free: types are erased.) Also: no bun:sqlite, no Math.random in src/.
import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const SRC = resolve(import.meta.dir, "..", "src");

/** Which top-level parts of src/ each part may import at run time. */
const ALLOWED: Record<string, string[]> = {
  "main.ts": ["app.ts", "config.ts", "jobs", "store", "services", "lib", "http", "version.ts"],
  "cli.ts": ["main.ts", "config.ts", "services", "store", "lib", "shared", "version.ts"],
  "app.ts": ["api", "admin", "http", "shared", "lib", "config.ts"],
  "config.ts": ["lib"],
  "version.ts": [],
  api: ["http", "services", "shared", "lib"],
  admin: ["http", "services", "shared", "lib"],
  jobs: ["services", "lib"],
  http: ["services", "lib", "shared"],
  services: ["store", "lib", "shared"],
  store: ["lib"],
  lib: ["shared"],
  shared: [],
  widget: ["shared"],
  "admin-ui": ["shared"],
};

/** npm packages a part may use; undefined = any. */
const NPM_ALLOWED: Record<string, string[] | undefined> = {
  shared: ["valibot"],
  widget: [],
  "admin-ui": [],
  services: undefined,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

const partOf = (file: string) => relative(SRC, file).split("/")[0]!;
const transpiler = new Bun.Transpiler({ loader: "ts" });

test("every runtime import follows the layering arrows", () => {
  const violations: string[] = [];
  for (const file of files(SRC)) {
    const part = partOf(file);
    const allowed = ALLOWED[part];
    if (!allowed) {
      violations.push(`${relative(SRC, file)}: ${part} is not a known part of src/ (add it to the arrows)`);
      continue;
    }
    for (const { path } of transpiler.scanImports(readFileSync(file, "utf8").replace(/^#!.*\n/, ""))) {
      if (path.startsWith(".")) {
        const target = resolve(dirname(file), path);
        if (!target.startsWith(SRC + "/")) {
          if (!target.endsWith("package.json")) violations.push(`${relative(SRC, file)} → ${path} (outside src/)`);
          continue;
        }
        const targetPart = partOf(target);
        if (targetPart !== part && !allowed.includes(targetPart)) violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      } else if (!path.startsWith("node:") && !path.startsWith("bun")) {
        const npmAllowed = NPM_ALLOWED[part];
        const pkg = path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]!;
        if (npmAllowed && !npmAllowed.includes(pkg)) violations.push(`${relative(SRC, file)} → npm ${pkg}`);
        if (part === "services" && pkg === "hono") violations.push(`${relative(SRC, file)} → hono (services never import hono)`);
      }
    }
  }
  expect(violations).toEqual([]);
});

test("SQL lives only in src/store/, and services never import hono", () => {
  const offenders = files(SRC)
    .filter((f) => partOf(f) !== "store")
    .filter((f) => /\b(db|database)\.(prepare|exec|run|get|all)\(\s*[`"'](SELECT|INSERT|UPDATE|DELETE|CREATE|PRAGMA)/i.test(readFileSync(f, "utf8")))
    .map((f) => relative(SRC, f));
  expect(offenders).toEqual([]);
});

test("no bun:sqlite and no Math.random anywhere in src/ (T-AC6)", () => {
  for (const file of files(SRC)) {
    const text = readFileSync(file, "utf8");
    expect({ file: relative(SRC, file), sqlite: text.includes("bun:sqlite") }).toEqual({ file: relative(SRC, file), sqlite: false });
    expect({ file: relative(SRC, file), random: text.includes("Math.random") }).toEqual({ file: relative(SRC, file), random: false });
  }
});
