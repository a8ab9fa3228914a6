/**
 * Builds the browser code into public/assets/ (git-ignored): the widget's loader `widget.js` and its
 * lazily imported, content-hashed chunks under `widget/`, each with `.br` and `.gz` siblings,
 * plus `manifest.json` (what the server serves from memory, and the compiled binary embeds).
 *
 * The build fails when a size budget of issue 8 is exceeded (min+gzip): the loader, the display-rule
 * chunk, and everything a visitor downloads to open the widget and take a screenshot.
 *
 * `bun scripts/build-assets.ts` builds when the inputs changed since the last build (`--force`: always).
 * npm install, npm start, npm test and npm run build run it.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { brotliCompressSync, gzipSync, constants as zlib } from "node:zlib";

const root = resolve(import.meta.dir, "..");
export const ASSETS_DIR = join(root, "public", "assets");
const WIDGET_CHUNKS = "widget";

/** Size budgets in bytes, min+gzip (issue 8). */
export const BUDGETS = { loader: 1024, rules: 2048, openWithScreenshot: 18 * 1024 } as const;

export type ManifestEntry = {
  /** URL path the server answers. */
  path: string;
  /** File under public/assets/. */
  file: string;
  contentType: string;
  /** Content-hashed: cached for a year. */
  immutable: boolean;
  bytes: number;
  gzip: number;
  brotli: number;
};
export type Manifest = {
  inputsHash: string;
  files: ManifestEntry[];
  /** Min+gzip sizes of what the budgets cover. */
  sizes: {
    loader: number;
    rules: number;
    openWithScreenshot: number;
    openWithTextMasking: number;
    editor: number;
    locales: Record<string, number>;
  };
};

/** Every file whose change must rebuild the assets. */
function inputFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  return [
    ...walk(join(root, "src", "widget")),
    ...walk(join(root, "src", "admin-ui")),
    ...walk(join(root, "src", "shared")),
    join(root, "package-lock.json"),
    join(root, "scripts", "build-assets.ts"),
  ]
    .filter(existsSync)
    .sort();
}

function hashInputs(): string {
  const hash = createHash("sha256");
  for (const file of inputFiles()) hash.update(relative(root, file)).update("\0").update(readFileSync(file));
  return hash.digest("hex");
}

const gz = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 });
const br = (bytes: Uint8Array) =>
  brotliCompressSync(bytes, {
    params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });

/** The chunks a module statically imports, transitively (what loading it downloads). */
function withStaticImports(name: string, code: Map<string, string>): Set<string> {
  const seen = new Set<string>();
  const scanner = new Bun.Transpiler({ loader: "js" });
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of scanner.scanImports(code.get(file) ?? "")) {
      if (imp.kind === "import-statement") visit(join(dirname(file), imp.path).replace(/^\.\//, ""));
    }
  };
  visit(name);
  return seen;
}

/** Builds the assets; returns the manifest. Throws when the bundler fails or a budget is exceeded. */
export async function buildAssets(options: { allowOverBudget?: boolean } = {}): Promise<Manifest> {
  const staging = `${ASSETS_DIR}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    return await buildInto(staging, options);
  } finally {
    // Whatever failed, no half-built directory is left beside the assets.
    rmSync(staging, { recursive: true, force: true });
  }
}

async function buildInto(staging: string, options: { allowOverBudget?: boolean }): Promise<Manifest> {
  const inputsHash = hashInputs();
  // The chunks first: the loader needs their hashed names. A classic script loaded without
  // `crossorigin` resolves import() specifiers against about:blank, so the loader imports absolute
  // URLs made from its own; the chunks (ES modules) import each other relatively.
  const chunks = await Bun.build({
    // preview.ts: the admin UI's live preview page; it imports the dialog chunk like the loader does.
    entrypoints: ["app.ts", "rules.ts", "console.ts", "preview.ts"].map((f) => join(root, "src", "widget", f)),
    outdir: staging,
    target: "browser",
    format: "esm",
    splitting: true,
    // Bun would otherwise inject <link rel=modulepreload> into the host page's <head>: a CSP violation.
    modulePreload: false,
    // Small shared modules fold into a chunk that is loaded anyway: fewer requests, better compression.
    minChunkSize: 16384,
    minify: true,
    sourcemap: "none",
    naming: { entry: `${WIDGET_CHUNKS}/[name]-[hash].[ext]`, chunk: `${WIDGET_CHUNKS}/[name]-[hash].[ext]` },
    metafile: true,
  });
  const entry = (name: string) =>
    relative(staging, chunks.outputs.find((o) => o.kind === "entry-point" && o.path.includes(`/${name}-`))?.path ?? "");
  const loader = chunks.success
    ? await Bun.build({
        entrypoints: [join(root, "src", "widget", "loader.ts")],
        outdir: staging,
        target: "browser",
        // A function scope: a classic script's top-level names would otherwise become the page's globals.
        format: "iife",
        minify: true,
        sourcemap: "none",
        naming: { entry: "widget.[ext]" },
        define: {
          __LOUPE_APP__: JSON.stringify(entry("app")),
          __LOUPE_RULES__: JSON.stringify(entry("rules")),
          __LOUPE_CONSOLE__: JSON.stringify(entry("console")),
        },
      })
    : chunks;
  if (!chunks.success || !loader.success) {
    throw new AggregateError([...chunks.logs, ...loader.logs], "the widget build failed");
  }
  const code = new Map<string, string>();
  for (const output of [...chunks.outputs, ...loader.outputs]) {
    code.set(relative(staging, output.path), readFileSync(output.path, "utf8"));
  }
  if (/\b(?:import|export)\b[^(]/.test(code.get("widget.js")!.replace(/import\(/g, ""))) {
    throw new Error("widget.js must stay a classic script: no static import or export");
  }
  for (const [file, text] of code) {
    if (/\beval\(|new Function\(|\bFunction\(/.test(text)) throw new Error(`${file} uses eval or new Function`);
  }
  // The server validates with the shared schemas; the widget bundles no validation library.
  const inputs = Object.keys(chunks.metafile?.inputs ?? {});
  const bundled = inputs.filter((path) => /node_modules\/(valibot|zod|yup|ajv)\//.test(path));
  if (inputs.length === 0 || bundled.length > 0)
    throw new Error(`the widget must bundle no validation library: ${bundled.join(", ") || "no metafile"}`);

  // The admin UI: its own build (Preact), and the index.html every UI path answers with.
  const admin = await Bun.build({
    entrypoints: ["main.tsx", "styles.css"].map((f) => join(root, "src", "admin-ui", f)),
    outdir: staging,
    target: "browser",
    format: "esm",
    splitting: true,
    minify: true,
    sourcemap: "none",
    naming: {
      entry: "admin/[name]-[hash].[ext]",
      chunk: "admin/[name]-[hash].[ext]",
      asset: "admin/[name]-[hash].[ext]",
    },
  });
  if (!admin.success) throw new AggregateError(admin.logs, "the admin UI build failed");
  for (const output of admin.outputs) code.set(relative(staging, output.path), readFileSync(output.path, "utf8"));
  const adminFile = (ext: string) => [...code.keys()].find((f) => f.startsWith("admin/main-") && f.endsWith(ext));
  code.set(
    "index.html",
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Loupe</title><link rel="stylesheet" href="/${[...code.keys()].find((f) => f.startsWith("admin/styles-"))}"><script type="module" src="/${adminFile(".js")}"></script></head><body><div id="app"></div></body></html>\n`,
  );
  // The live preview's page (framed by a project's page in a sandbox; served at /widget-preview).
  code.set(
    "preview.html",
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget preview</title><script type="module" src="/${entry("preview")}"></script></head><body></body></html>\n`,
  );
  const TYPES: Record<string, string> = {
    js: "text/javascript; charset=utf-8",
    css: "text/css; charset=utf-8",
    html: "text/html; charset=utf-8",
  };

  const files: ManifestEntry[] = [];
  const gzipped = new Map<string, number>();
  for (const [file, text] of code) {
    const bytes = new TextEncoder().encode(text);
    const gzBytes = gz(bytes);
    const brBytes = br(bytes);
    writeFileSync(join(staging, file), bytes);
    writeFileSync(join(staging, `${file}.gz`), gzBytes);
    writeFileSync(join(staging, `${file}.br`), brBytes);
    gzipped.set(file, gzBytes.length);
    files.push({
      path: `/${file}`,
      file,
      contentType: TYPES[file.split(".").pop()!]!,
      // Content-hashed names are cached for a year; the loader and the UI's page are entry points.
      immutable: file !== "widget.js" && !file.endsWith(".html"),
      bytes: bytes.length,
      gzip: gzBytes.length,
      brotli: brBytes.length,
    });
  }

  const chunk = (prefix: string) => {
    const found = [...code.keys()].find((f) => f.startsWith(`${WIDGET_CHUNKS}/${prefix}-`));
    if (!found) throw new Error(`no ${prefix} chunk in the widget build`);
    return found;
  };
  const sum = (names: Iterable<string>) => [...names].reduce((total, f) => total + (gzipped.get(f) ?? 0), 0);
  const localeNames = ["en", "de", "fr", "es", "it", "nl", "pl"];
  const locales = Object.fromEntries(localeNames.map((l) => [l, sum(withStaticImports(chunk(l), code))]));
  const open = new Set([
    "widget.js",
    ...withStaticImports(entry("app"), code),
    ...withStaticImports(chunk("capture"), code),
  ]);
  const sizes = {
    loader: gzipped.get("widget.js")!,
    rules: sum(withStaticImports(entry("rules"), code)),
    // The visitor downloads one locale: the largest counts.
    openWithScreenshot: sum(open) + Math.max(...Object.values(locales)),
    // With the project's email/card text masking on, the capture also loads the masking patterns.
    openWithTextMasking:
      sum(open) +
      Math.max(...Object.values(locales)) +
      sum([...withStaticImports(chunk("personal-data"), code)].filter((f) => !open.has(f))),
    editor:
      sum([...withStaticImports(chunk("editor"), code)].filter((f) => !open.has(f))) +
      Math.max(...localeNames.map((l) => sum(withStaticImports(chunk(`${l}.editor`), code)))),
    locales,
  };
  // Open with a screenshot holds for every setting: text masking (which loads its patterns) included.
  const limits = { ...BUDGETS, openWithTextMasking: BUDGETS.openWithScreenshot };
  const over = (Object.keys(limits) as (keyof typeof limits)[]).filter((k) => sizes[k] > limits[k]);
  if (over.length > 0 && !options.allowOverBudget) {
    throw new Error(
      `widget size budget exceeded (min+gzip): ${over.map((k) => `${k} ${sizes[k]} B > ${limits[k]} B`).join(", ")}`,
    );
  }
  const manifest: Manifest = { inputsHash, files, sizes };
  writeFileSync(join(staging, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(join(root, "public"), { recursive: true });
  rmSync(ASSETS_DIR, { recursive: true, force: true });
  renameSync(staging, ASSETS_DIR);
  return manifest;
}

/** The manifest of the current build, when its inputs are unchanged. */
export function currentManifest(): Manifest | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(ASSETS_DIR, "manifest.json"), "utf8")) as Manifest;
    if (manifest.inputsHash !== hashInputs()) return undefined;
    for (const f of manifest.files) if (!statSync(join(ASSETS_DIR, f.file)).isFile()) return undefined;
    return manifest;
  } catch {
    return undefined;
  }
}

/** Builds unless the current build is up to date (or `force`). */
export async function ensureAssets(
  force = false,
  allowOverBudget = false,
): Promise<{ manifest: Manifest; built: boolean }> {
  const current = force ? undefined : currentManifest();
  if (current) return { manifest: current, built: false };
  return { manifest: await buildAssets({ allowOverBudget }), built: true };
}

export function formatSizes(m: Manifest): string {
  const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;
  return [
    `loader ${kb(m.sizes.loader)} (budget ${kb(BUDGETS.loader)})`,
    `rules ${kb(m.sizes.rules)} (budget ${kb(BUDGETS.rules)})`,
    `open+screenshot ${kb(m.sizes.openWithScreenshot)}, ${kb(m.sizes.openWithTextMasking)} with email/card masking on (budget ${kb(BUDGETS.openWithScreenshot)})`,
    `editor +${kb(m.sizes.editor)}`,
  ].join(", ");
}

if (import.meta.main) {
  try {
    const { manifest, built } = await ensureAssets(
      process.argv.includes("--force"),
      process.argv.includes("--allow-over-budget"),
    );
    // stderr, and only when something was built: `npm start -- <command>` prints the command's output alone.
    if (built) console.error(`widget assets built: ${formatSizes(manifest)} (min+gzip)`);
  } catch (error) {
    if (error instanceof AggregateError) for (const log of error.errors) console.error(log);
    console.error(`build failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
