import { redactSecrets } from "../shared/redact.ts";
import type { WidgetState } from "./types.ts";

/**
 * Keeps the page's last 50 console errors and warnings, for projects that capture them (loaded at
 * idle time, so it sees what happens before the visitor opens the widget). Wrapping `console` is the
 * widget's one documented change to the page's globals; `Loupe.destroy()` undoes it. Entries are
 * kept as text with secrets redacted (never the page's objects), and sent only if the visitor keeps them.
 */
export function start(s: WidgetState): void {
  if (!s.host.isConnected) return; // destroyed while this chunk loaded
  s.logs = [];
  // Emails and card numbers: the patterns are their own chunk (the capture loads them only when the
  // project masks text); an entry logged before they arrive is masked when they do.
  let mask = (text: string) => text;
  import("../shared/personal-data.ts").then(({ maskPersonal }) => {
    mask = (text) => maskPersonal(text, { emails: true, cards: true }, () => "[redacted]");
    for (const entry of s.logs) entry.message = mask(entry.message);
  });
  for (const level of ["error", "warn"] as const) {
    const original = console[level];
    const wrapper = (...args: unknown[]) => {
      // Redacted before it is cut: a secret at the cut is still recognised whole.
      const message = mask(redactSecrets(text(args))).slice(0, 500);
      if (s.logs.push({ level, at: new Date().toISOString(), message }) > 50) s.logs.shift();
      original.apply(console, args);
    };
    console[level] = wrapper;
    s.cleanup.push(() => {
      // Unless another tool has wrapped it since (then its wrapper stays, calling ours).
      if (console[level] === wrapper) console[level] = original;
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
    .slice(0, 10_000);
}
