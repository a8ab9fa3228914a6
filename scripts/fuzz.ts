/**
 * `npm run fuzz`: the schema-driven fuzz suites (test/fuzz/) with LOUPE_FUZZ_RUNS cases per route
 * (default 10,000; `npm test` runs them with 1,000), one worker per core. Each suite prints its counts
 * per status and route. Extra arguments go to `bun test` (e.g. one suite's file).
 */
import { spawn } from "bun";

const runs = process.env.LOUPE_FUZZ_RUNS ?? "10000";
const args = process.argv.slice(2);
const proc = spawn(
  [
    process.execPath,
    "test",
    `--parallel=${navigator.hardwareConcurrency}`,
    // A route's 10,000 cases take minutes; a hung request still ends the run.
    "--timeout=3600000",
    ...(args.length > 0 ? args : ["test/fuzz/"]),
  ],
  { env: { ...process.env, LOUPE_FUZZ_RUNS: runs }, stdout: "inherit", stderr: "inherit" },
);
process.exit(await proc.exited);
