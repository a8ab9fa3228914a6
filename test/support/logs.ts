import { appendFileSync } from "node:fs";
import { createLogger, type Logger } from "../../src/lib/logger.ts";

/** Where every captured log line of the run also goes, for the final canary scan (scripts/test.ts). */
const RUN_LOG_FILE = process.env.TEST_LOG_CAPTURE_FILE;

export function recordRunLog(text: string): void {
  if (RUN_LOG_FILE && text.length > 0) appendFileSync(RUN_LOG_FILE, text.endsWith("\n") ? text : text + "\n");
}

export type CapturedLogs = { logger: Logger; lines: string[]; text(): string };

/** A real logger whose sink is an array (and the run's log file). */
export function captureLogs(level: "debug" | "info" = "debug"): CapturedLogs {
  const lines: string[] = [];
  const logger = createLogger({
    level,
    sink: (line) => {
      lines.push(line);
      recordRunLog(line);
    },
  });
  return { logger, lines, text: () => lines.join("\n") };
}
