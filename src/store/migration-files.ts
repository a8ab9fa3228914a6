import { readdirSync, readFileSync } from "node:fs";
import type { Migration } from "./migrate.ts";

/**
 * The migrations shipped with Loupe, read from `migrations/`. The binary build replaces this module
 * with one that embeds the files (scripts/build.ts), so the binary needs no migrations folder.
 */
export function bundledMigrations(): Migration[] {
  const dir = new URL("../../migrations/", import.meta.url);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".sql"))
    .sort()
    .map((name) => ({ name, sql: readFileSync(new URL(name, dir), "utf8") }));
}
