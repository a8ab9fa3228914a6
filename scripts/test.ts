/**
 * `npm test`: type-check every program, check formatting and lint (biome), run every suite with `bun test --parallel` (slowest files first, by the
 * durations of earlier runs), then scan every log line the run captured (in-process apps and server
 * subprocesses) for the canaries tests seeded. Prints the ten slowest test files and one closing line
 * "tests: N passed, N failed, N skipped". Browser suites need Debian's chromium; where it is missing
 * they are skipped and this script says so loudly. Extra arguments go to `bun test` (e.g. a path, or
 * --parallel=1 to run the files one after another).
 */

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "bun";
import { CANARY_VALUES } from "../test/support/canaries.ts";
import { ensureAssets, formatSizes } from "./build-assets.ts";
import { fileDurations, formatSlowest, parseBunSummary } from "./test-report.ts";

const root = resolve(import.meta.dir, "..");
const args = process.argv.slice(2);

// The suites serve and drive the built widget: build it first when its sources changed.
try {
  const { built, manifest } = await ensureAssets();
  if (built) console.log(`widget assets built: ${formatSizes(manifest)} (min+gzip)`);
} catch (error) {
  console.error(`widget build failed: ${(error as Error).message}\ntests: 0 passed, 1 failed, 0 skipped`);
  process.exit(1);
}

/**
 * Worker processes for `bun test --parallel`: one per core. Measured on 2 cores (README, Test): with
 * test data on tmpfs and cheap hashing the files are CPU-bound, and 3, 4 or 6 workers were slower.
 */
const PARALLEL = navigator.hardwareConcurrency;
const TEST_TIMEOUT_MS = 60_000;

const CHROMIUM = "/usr/bin/chromium";
const browserDir = join(root, "test", "browser");
const browserSuites = existsSync(browserDir) ? readdirSync(browserDir).filter((f) => f.endsWith(".test.ts")) : [];
const skippedBrowser = !existsSync(CHROMIUM) && browserSuites.length > 0;

async function run(
  cmd: string[],
  env: Record<string, string | undefined>,
  echo: boolean,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = spawn(cmd, { cwd: root, env, stdout: "pipe", stderr: "pipe" });
  const relay = async (stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream) => {
    const decoder = new TextDecoder();
    let text = "";
    for await (const chunk of stream) {
      const part = decoder.decode(chunk, { stream: true });
      text += part;
      if (echo) sink.write(part);
    }
    return text;
  };
  const [stdout, stderr, code] = await Promise.all([
    relay(proc.stdout, process.stdout),
    relay(proc.stderr, process.stderr),
    proc.exited,
  ]);
  return { code, stdout, stderr };
}

// The type check of every program (scripts/typecheck.ts) and the formatter/linter check run beside
// the tests; their output is shown if they fail.
const typeCheck = run(
  [process.execPath, join(root, "scripts", "typecheck.ts")],
  { ...process.env, BUN_BE_BUN: "1" },
  false,
);
const styleCheck = run([join(root, "node_modules", ".bin", "biome"), "ci", "--colors=off", root], process.env, false);

const TMPFS_MAGIC = 0x01021994;
/**
 * Where this run's temporary files go: a RAM disk when there is one with room (the suites sync every
 * commit, and none of them tests power loss), unless TMPDIR says otherwise.
 */
function runTempRoot(): string {
  if (process.env.TMPDIR) return tmpdir();
  try {
    const fs = statfsSync("/dev/shm");
    if (fs.type === TMPFS_MAGIC && fs.bavail * fs.bsize >= 2 * 1024 ** 3) return "/dev/shm";
  } catch {
    // No /dev/shm here.
  }
  return tmpdir();
}

const workDir = mkdtempSync(join(runTempRoot(), "loupe-test-run-"));
// The tests' own temporary directories live inside it, so whatever a failed test leaves is removed too.
const testTmp = join(workDir, "tmp");
mkdirSync(testTmp);
const logFile = join(workDir, "run.log");
const junitFile = join(workDir, "junit.xml");
// Durations of earlier runs in this checkout (git-ignored): the slowest files start first.
const cacheDir = join(root, ".cache");
const timingsCache = join(cacheDir, "test-timings.json");
mkdirSync(cacheDir, { recursive: true });
try {
  JSON.parse(readFileSync(timingsCache, "utf8"));
} catch {
  rmSync(timingsCache, { force: true }); // missing or torn: start over
}
const given = (flag: string) => args.some((a) => a.startsWith(flag));
const runnerFlags = [
  ...(given("--parallel") ? [] : [`--parallel=${PARALLEL}`]),
  // Bun ignores a timeout in bunfig.toml (1.4.5: every test got 5 s); a test that starts servers can need more.
  ...(given("--timeout") ? [] : [`--timeout=${TEST_TIMEOUT_MS}`]),
  `--timings=${timingsCache}`,
  "--update-timings",
  "--reporter=junit",
  `--reporter-outfile=${junitFile}`,
];
// Every worker appends whole lines to one capture file (O_APPEND; test/support/logs.ts).
const tests = await run(
  [process.execPath, "test", ...runnerFlags, ...args],
  { ...process.env, TMPDIR: testTmp, TEST_LOG_CAPTURE_FILE: logFile },
  true,
);
const tsc = await typeCheck;
const style = await styleCheck;

const summary = parseBunSummary(tests.stderr);
let passed = summary?.pass ?? 0;
let failed = summary?.fail ?? 0;
const skipped = (summary?.skip ?? 0) + (summary?.todo ?? 0);
if (!summary) {
  console.error(
    '\nCOULD NOT READ THE RESULT: bun test printed no closing summary whose counts add up ("N pass … Ran N tests across M files.")',
  );
  failed++;
}
if (tsc.code !== 0) {
  process.stderr.write(`\n${tsc.stdout}${tsc.stderr}\ntype check failed (tsc --noEmit; npm run typecheck)\n`);
  failed++;
} else {
  passed++;
}
if (style.code !== 0) {
  process.stderr.write(
    `\n${style.stdout}${style.stderr}\nformat or lint check failed (biome ci; npm run format fixes the formatting)\n`,
  );
  failed++;
} else {
  passed++;
}

const captured = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
const leaked = CANARY_VALUES.filter((canary) => captured.includes(canary));
console.log(
  `\nlog scan: ${captured.split("\n").filter(Boolean).length} captured log lines checked for ${CANARY_VALUES.length} canaries`,
);
if (leaked.length > 0) {
  console.error(`log scan FAILED: ${leaked.length} seeded canaries appear in the captured logs`);
  failed++;
} else {
  passed++;
}

const durations = existsSync(junitFile) ? fileDurations(readFileSync(junitFile, "utf8")) : [];
rmSync(workDir, { recursive: true, force: true });
console.log(`\n${formatSlowest(durations)}`);

if (skippedBrowser) {
  const bar = "!".repeat(78);
  console.error(`\n${bar}\n!! SKIPPED browser suites (no ${CHROMIUM}; install Debian's chromium):`);
  for (const suite of browserSuites) console.error(`!!   test/browser/${suite}`);
  console.error(`${bar}\n`);
}
if (tests.code !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
