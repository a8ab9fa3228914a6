// Parallel test workers and server subprocesses all append to one log capture file for npm test's
// canary scan: every line arrives whole, none lost or interleaved (append-only, one write per record).
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "bun";
import { BUN, childEnv, ROOT } from "../support/subprocess.ts";
import { tempDir } from "../support/temp.ts";

test("six processes appending at once: every line whole, none lost", async () => {
  const dir = tempDir();
  try {
    const file = join(dir.path, "run.log");
    const logs = join(ROOT, "test", "support", "logs.ts");
    // Each writer: 100 single lines and 20 multi-line chunks (as a subprocess's stdout is recorded), long ones included.
    const writer = (tag: string) =>
      spawn(
        [
          BUN,
          "-e",
          `const { recordRunLog } = await import(${JSON.stringify(logs)});
const line = (i) => "${tag}-" + i + ":" + "${tag}".repeat(i % 3 === 0 ? 70000 : 50) + ":end";
for (let i = 0; i < 100; i++) recordRunLog(line(i));
for (let i = 100; i < 120; i++) recordRunLog(line(i) + "\\n" + line(i + 1000));`,
        ],
        { env: childEnv({ TEST_LOG_CAPTURE_FILE: file }), stdout: "ignore", stderr: "pipe" },
      );
    const procs = ["a", "b", "c", "d", "e", "f"].map(writer);
    expect(await Promise.all(procs.map((p) => p.exited))).toEqual([0, 0, 0, 0, 0, 0]);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.pop()).toBe("");
    const whole = (l: string) => {
      const [head, body, end] = l.split(":");
      return /^[a-f]-\d+$/.test(head!) && body!.length > 0 && body === head![0]!.repeat(body!.length) && end === "end";
    };
    const broken = lines.filter((l) => !whole(l));
    expect(broken.length).toBe(0);
    expect(lines.length).toBe(6 * 140);
    expect(new Set(lines.map((l) => l.slice(0, l.indexOf(":")))).size).toBe(6 * 140);
  } finally {
    dir.remove();
  }
});
