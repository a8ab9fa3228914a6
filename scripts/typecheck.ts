/**
 * `npm run typecheck`, and the first step of `npm test`: `tsc --noEmit` for every TypeScript program
 * of the repository. The server's has no DOM types; each browser bundle's has DOM types and no Bun;
 * the browser tests' has both. test/architecture.test.ts checks that this list names every
 * tsconfig.json in the repository.
 */

import { join, resolve } from "node:path";
import { spawnSync } from "bun";

export const TSCONFIGS = [
  "tsconfig.json", // the server: src/ (without widget/ and admin-ui/), scripts/, bench/
  "test/tsconfig.json", // the server's tests
  "src/widget/tsconfig.json",
  "src/admin-ui/tsconfig.json",
  "test/browser/tsconfig.json",
] as const;

const root = resolve(import.meta.dir, "..");

/** Runs tsc on each program (output inherited); returns the tsconfigs that failed. */
export function typecheck(): string[] {
  const failed: string[] = [];
  for (const config of TSCONFIGS) {
    const tsc = spawnSync(
      [process.execPath, join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", join(root, config)],
      {
        cwd: root,
        stdout: "inherit",
        stderr: "inherit",
        env: { ...process.env, BUN_BE_BUN: "1" },
      },
    );
    if (tsc.exitCode !== 0) failed.push(config);
  }
  return failed;
}

if (import.meta.main) {
  const failed = typecheck();
  if (failed.length > 0) console.error(`\ntype check failed: ${failed.join(", ")}`);
  process.exit(failed.length > 0 ? 1 : 0);
}
