import { redactSecrets } from "../shared/redact.ts";
import type { WidgetState } from "./types.ts";

/**
 * Keeps the page's last 50 console errors and warnings, for projects that capture them (loaded at
 * idle time, so it sees what happens before the visitor opens the widget). Wrapping `console` is the
 * widget's one documented change to the page's globals; `Loupe.destroy()` undoes it. Entries are
 * kept as text with secrets redacted (never the page's objects), and sent only if the visitor keeps them.
 */
export function start(s: WidgetState): void {
  s.logs = [];
  for (const level of ["error", "warn"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      if (s.logs.push({ level, at: new Date().toISOString(), message: redactSecrets(text(args)) }) > 50) s.logs.shift();
      original.apply(console, args);
    };
    s.cleanup.push(() => {
      console[level] = original;
    });
  }
}

function text(args: unknown[]): string {
  return args
    .map((a) => {
      try {
        return typeof a === "string" ? a : a instanceof Error ? `${a.name}: ${a.message}` : JSON.stringify(a);
      } catch {
        return String(a);
      }
    })
    .join(" ")
    .slice(0, 500);
}
