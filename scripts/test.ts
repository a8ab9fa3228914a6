/**
 * `npm test`: type-check every program (scripts/typecheck.ts), run every suite with `bun test`, then
 * scan every log line the run captured (in-process apps and server subprocesses) for the canaries
 * tests seeded. Prints one closing line "tests: N passed, N failed, N skipped". Browser suites need
 * Debian's chromium; where it is missing they are skipped and this script says so loudly.
 */
import { spawn } from "bun";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CANARY_VALUES } from "../test/support/canaries.ts";
import { typecheck } from "./typecheck.ts";

const root = resolve(import.meta.dir, "..");
const args = process.argv.slice(2);

const failedConfigs = typecheck();
if (failedConfigs.length > 0) {
  console.error(`\ntype check failed (tsc --noEmit -p ${failedConfigs.join(", ")})\ntests: 0 passed, ${failedConfigs.length} failed`);
  process.exit(1);
}

const CHROMIUM = "/usr/bin/chromium";
const browserDir = join(root, "test", "browser");
const browserSuites = existsSync(browserDir) ? readdirSync(browserDir).filter((f) => f.endsWith(".test.ts")) : [];
const skippedBrowser = !existsSync(CHROMIUM) && browserSuites.length > 0;

const logDir = mkdtempSync(join(tmpdir(), "loupe-test-logs-"));
const logFile = join(logDir, "run.log");
// bunfig.toml's `[test] timeout` is not a key Bun 1.4 reads (its default stays 5 s), and the argon2-heavy
// suites need longer on a loaded 2-core machine: pass the intended 60 s on the command line.
const proc = spawn([process.execPath, "test", "--timeout", "60000", ...args], {
  cwd: root,
  env: { ...process.env, TEST_LOG_CAPTURE_FILE: logFile },
  stdout: "pipe",
  stderr: "pipe",
});
let output = "";
async function relay(stream: ReadableStream<Uint8Array>, sink: NodeJS.WriteStream): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    output += text;
    sink.write(text);
  }
}
await Promise.all([relay(proc.stdout, process.stdout), relay(proc.stderr, process.stderr)]);
const code = await proc.exited;

const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}$`, "m").exec(output)?.[1] ?? 0);
let passed = count("pass");
let failed = count("fail");
const skipped = count("skip");

const captured = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
rmSync(logDir, { recursive: true, force: true });
const leaked = CANARY_VALUES.filter((canary) => captured.includes(canary));
console.log(`\nlog scan: ${captured.split("\n").filter(Boolean).length} captured log lines checked for ${CANARY_VALUES.length} canaries`);
if (leaked.length > 0) {
  console.error(`log scan FAILED: ${leaked.length} seeded canaries appear in the captured logs`);
  failed++;
} else {
  passed++;
}

if (skippedBrowser) {
  const bar = "!".repeat(78);
  console.error(`\n${bar}\n!! SKIPPED browser suites (no ${CHROMIUM}; install Debian's chromium):`);
  for (const suite of browserSuites) console.error(`!!   test/browser/${suite}`);
  console.error(`${bar}\n`);
}
if (code !== 0 && failed === 0) failed = 1;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || code !== 0 ? 1 : 0);
