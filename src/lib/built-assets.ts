import { existsSync, readFileSync } from "node:fs";
import { type BuiltAssets, builtAsset, type ManifestFile } from "./built-asset.ts";

export type { BuiltAsset, BuiltAssets } from "./built-asset.ts";

/**
 * The browser code `scripts/build-assets.ts` wrote to public/assets/, read once into memory (an empty
 * map when nothing was built). The binary build replaces this module with one that embeds the files,
 * so the binary serves the widget with nothing beside it.
 */
export function loadBuiltAssets(dir = new URL("../../public/assets/", import.meta.url)): BuiltAssets {
  const assets: BuiltAssets = new Map();
  const manifestUrl = new URL("manifest.json", dir);
  if (!existsSync(manifestUrl)) return assets;
  const manifest = JSON.parse(readFileSync(manifestUrl, "utf8")) as { files: ManifestFile[] };
  for (const f of manifest.files) {
    const read = (suffix: string) => new Uint8Array(readFileSync(new URL(f.file + suffix, dir)));
    assets.set(f.path, builtAsset(f, read(""), read(".gz"), read(".br")));
  }
  return assets;
}
