/**
 * Reading what `bun test` leaves behind, for scripts/test.ts: the closing counts from its stderr and
 * each file's duration from its JUnit report. Pure functions, tested in test/tooling/.
 */

export type BunSummary = {
  pass: number;
  fail: number;
  skip: number;
  todo: number;
  errors: number;
  ran: number;
  files: number;
};

const RAN = /^Ran (\d+) tests? across (\d+) files?\./;
const COUNT_LINE = /^ ?\d+ \S/;
const COUNT = /^ ?(\d+) (pass|fail|skip|todo|errors?)$/;

/**
 * The counts of bun's closing summary: the lines just above the last "Ran N tests across M files."
 * Undefined when there is no such summary or its counts do not add up to N, so that a test's own
 * output (a stray " 3 pass" line) or a changed format can never be mistaken for the result.
 */
export function parseBunSummary(stderr: string): BunSummary | undefined {
  const lines = stderr.split(/\r?\n/);
  const last = lines.findLastIndex((line) => RAN.test(line));
  if (last < 0) return undefined;
  const [, ran, files] = RAN.exec(lines[last]!)!;
  const summary: BunSummary = { pass: 0, fail: 0, skip: 0, todo: 0, errors: 0, ran: Number(ran), files: Number(files) };
  const seen = new Set<string>();
  // The block of count lines right above it (" 3450 expect() calls" among them); the nearest count of a kind wins.
  for (let i = last - 1; i >= 0 && COUNT_LINE.test(lines[i]!); i--) {
    const match = COUNT.exec(lines[i]!);
    if (!match) continue;
    const kind = match[2]!.startsWith("error") ? "errors" : (match[2] as "pass" | "fail" | "skip" | "todo");
    if (seen.has(kind)) break;
    seen.add(kind);
    summary[kind] = Number(match[1]);
  }
  if (summary.pass + summary.fail + summary.skip + summary.todo !== summary.ran) return undefined;
  return summary;
}

export type FileDuration = { file: string; seconds: number };

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const unescapeXml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, name: string) => XML_ENTITIES[name]!);

/** Each test file's duration from bun's JUnit report (its file-level <testsuite>s), slowest first. */
export function fileDurations(junitXml: string): FileDuration[] {
  const durations: FileDuration[] = [];
  for (const match of junitXml.matchAll(/<testsuite ([^>]*)>/g)) {
    const attributes = Object.fromEntries(
      [...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, name, value]) => [name!, unescapeXml(value!)]),
    );
    // Nested suites (describe blocks) carry a line number; the file's own suite does not.
    if (attributes.line !== undefined || attributes.file === undefined || attributes.time === undefined) continue;
    durations.push({ file: attributes.file, seconds: Number(attributes.time) });
  }
  return durations.sort((a, b) => b.seconds - a.seconds);
}

/** "slowest test files:" and up to `n` lines of seconds and path. */
export function formatSlowest(durations: FileDuration[], n = 10): string {
  const top = durations.slice(0, n);
  return [
    `slowest test files (${top.length} of ${durations.length}):`,
    ...top.map((d) => `  ${d.seconds.toFixed(2).padStart(7)} s  ${d.file}`),
  ].join("\n");
}
