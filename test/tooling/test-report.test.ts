// npm test reads its verdict from bun's closing summary only (never from a test's own output), fails
// loudly when there is none that adds up, and lists the slowest files from bun's JUnit report.
import { expect, test } from "bun:test";
import { fileDurations, formatSlowest, parseBunSummary } from "../../scripts/test-report.ts";

// What bun 1.4.5 prints on stderr with --parallel: a failing file, a file that failed to load, and a
// test whose output looks like a summary line.
const PARALLEL_STDERR = `bun test v1.4.5 (a7733435c) 2x PARALLEL

test/a.test.ts:
 3 pass
(pass) ok [0.08ms]
(skip) skipped
(todo) todo
(fail) bad [0.18ms]

test/b.test.ts:

# Unhandled error between tests
-------------------------------
error: load boom
-------------------------------


 1 pass
 1 skip
 1 todo
 3 fail
 1 error
 1 expect() calls
Ran 6 tests across 3 files. [14.00ms]
`;

test("the counts come from the closing summary, not from a test's output that looks like one", () => {
  expect(parseBunSummary(PARALLEL_STDERR)).toEqual({ pass: 1, fail: 3, skip: 1, todo: 1, errors: 1, ran: 6, files: 3 });
  const green = " 191 pass\n 0 fail\n 3450 expect() calls\nRan 191 tests across 57 files. [25.00s]\n";
  expect(
    parseBunSummary(` 7 pass\n 0 fail\nRan 7 tests across 1 file. [1.00ms]\n\nlater output\n 2 pass\n${green}`),
  ).toMatchObject({ pass: 191, fail: 0, ran: 191, files: 57 });
});

test("no summary, or counts that do not add up: undefined (npm test then fails loudly)", () => {
  expect(parseBunSummary("")).toBeUndefined();
  expect(parseBunSummary(" 12 pass\n 0 fail\n")).toBeUndefined();
  expect(parseBunSummary(" 12 pass\n 0 fail\nRan 13 tests across 2 files. [1.00ms]\n")).toBeUndefined();
});

test("file durations: the file-level suites only (not describe blocks), slowest first", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="4" assertions="0" failures="0" skipped="0" time="0.088206223">
  <testsuite name="test/d.test.ts" file="test/d.test.ts" tests="3" assertions="0" failures="0" skipped="0" time="0.034705333" hostname="vm">
    <testsuite name="group" file="test/d.test.ts" line="2" tests="2" assertions="0" failures="0" skipped="0" time="9.5" hostname="vm">
      <testcase name="inner" classname="group" time="0.030955" file="test/d.test.ts" line="2" assertions="0" />
    </testsuite>
  </testsuite>
  <testsuite name="test/e &amp; f.test.ts" file="test/e &amp; f.test.ts" tests="1" assertions="0" failures="0" skipped="0" time="1.25" hostname="vm">
    <testcase name="e" classname="" time="1.2" file="test/e &amp; f.test.ts" line="2" assertions="0" />
  </testsuite>
</testsuites>`;
  const durations = fileDurations(xml);
  expect(durations).toEqual([
    { file: "test/e & f.test.ts", seconds: 1.25 },
    { file: "test/d.test.ts", seconds: 0.034705333 },
  ]);
  expect(formatSlowest(durations, 1)).toBe("slowest test files (1 of 2):\n     1.25 s  test/e & f.test.ts");
});
