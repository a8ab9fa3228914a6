/**
 * Builds the single binary dist/loupe with `bun build --compile`.
 *
 * libsql picks its native addon with a dynamic require(`@libsql/${target}`) that the bundler cannot
 * follow; the plugin below rewrites it to a static require of this platform's .node file, which Bun
 * then embeds. Migrations and the built widget (scripts/build-assets.ts) are embedded too, so the
 * binary runs from an empty directory. A CycloneDX SBOM of the production dependencies is written
 * beside it (`dist/loupe.cdx.json`; scripts/sbom.ts).
 */

import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import type { BunPlugin } from "bun";
import { ASSETS_DIR, ensureAssets, formatSizes } from "./build-assets.ts";
import { writeSbom } from "./sbom.ts";

const root = resolve(import.meta.dir, "..");
const outfile = process.argv[2] ?? join(root, "dist", "loupe");
const require = createRequire(join(root, "package.json"));

function libsqlTarget(): string {
  const { familySync, GLIBC } = require("detect-libc") as { familySync(): string | null; GLIBC: string };
  const libc = process.platform === "linux" ? (familySync() === GLIBC ? "gnu" : "musl") : "";
  const arch = process.arch;
  return process.platform === "linux" ? `linux-${arch}-${libc}` : `${process.platform}-${arch}`;
}

const nativeAddon = require.resolve(`@libsql/${libsqlTarget()}/index.node`);

const libsqlStaticAddon: BunPlugin = {
  name: "libsql-static-addon",
  setup(build) {
    build.onLoad({ filter: /[\\/]libsql[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const pattern = /function requireNative\(\) \{[\s\S]*?\n\}\n/;
      if (!pattern.test(source)) throw new Error("libsql's requireNative() changed shape; update scripts/build.ts");
      const contents = source.replace(
        pattern,
        `function requireNative() { return require(${JSON.stringify(nativeAddon)}); }\n`,
      );
      return { contents, loader: "js" };
    });
  },
};

const embeddedMigrations: BunPlugin = {
  name: "embedded-migrations",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]store[\\/]migration-files\.ts$/ }, () => {
      const dir = join(root, "migrations");
      const files = readdirSync(dir)
        .filter((name) => name.endsWith(".sql"))
        .sort()
        .map((name) => ({ name, sql: readFileSync(join(dir, name), "utf8") }));
      return {
        contents: `export function bundledMigrations() { return ${JSON.stringify(files)}; }\n`,
        loader: "ts",
      };
    });
  },
};

// The widget (and later the admin UI) first: the binary embeds the built files.
const { manifest } = await ensureAssets();
console.log(`widget assets: ${formatSizes(manifest)} (min+gzip)`);

const embeddedAssets: BunPlugin = {
  name: "embedded-assets",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]lib[\\/]built-assets\.ts$/ }, () => {
      const files = manifest.files.map((f) => {
        const read = (suffix: string) => readFileSync(join(ASSETS_DIR, f.file + suffix)).toString("base64");
        return { ...f, body: read(""), gzip: read(".gz"), brotli: read(".br") };
      });
      return {
        contents: `import { builtAsset } from ${JSON.stringify(join(root, "src", "lib", "built-asset.ts"))};
const files = ${JSON.stringify(files)};
const bytes = (b64) => new Uint8Array(Buffer.from(b64, "base64"));
export function loadBuiltAssets() {
  return new Map(files.map((f) => [f.path, builtAsset(f, bytes(f.body), bytes(f.gzip), bytes(f.brotli))]));
}
`,
        loader: "js",
      };
    });
  },
};

const result = await Bun.build({
  // The backup worker is an entrypoint of its own: a standalone executable embeds a Worker's module only then.
  entrypoints: [
    join(root, "src", "cli.ts"),
    join(root, "src", "workers", "backup.ts"),
    join(root, "src", "workers", "age-chunks.ts"),
  ],
  plugins: [libsqlStaticAddon, embeddedMigrations, embeddedAssets],
  minify: true,
  sourcemap: "none",
  compile: {
    outfile,
    // Configuration comes only from the environment: no .env or bunfig.toml from the working directory.
    autoloadDotenv: false,
    autoloadBunfig: false,
  },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.log(`built ${outfile} (${dirname(nativeAddon).split("/").pop()} addon embedded)`);

// The software bill of materials of what the binary embeds, beside it (scripts/sbom.ts).
const bom = await writeSbom(root, `${outfile}.cdx.json`);
console.log(`wrote ${outfile}.cdx.json (CycloneDX ${bom.specVersion}, ${bom.components.length} production components)`);
