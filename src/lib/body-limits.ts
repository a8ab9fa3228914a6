/**
 * Request-size limits. Every cap on a feedback submission derives from the one configured value,
 * LOUPE_SCREENSHOT_MAX_BYTES, through bodyLimits(): the config's range and default, the feedback
 * route's streaming limit, the service's check of the screenshot, and Bun.serve's own cap.
 */
export const SCREENSHOT_MAX_BYTES = { default: 5 * 1024 * 1024, min: 10_000, max: 50 * 1024 * 1024 } as const;

/** Room in a feedback request for the multipart framing and the JSON `payload` part beside the screenshot. */
export const FEEDBACK_REQUEST_OVERHEAD_BYTES = 256 * 1024;

export type BodyLimits = {
  /** The largest accepted screenshot (the service checks it: 413 naming `screenshot`). */
  screenshot: number;
  /** The feedback route's streaming limit on the whole request (413 problem+json naming `screenshot`). */
  feedbackRequest: number;
  /**
   * Bun.serve's maxRequestBodySize. Bun answers a bare 413 (no problem+json) above it before the app
   * sees the request, so it sits well above the app's own limits, which therefore always answer first.
   */
  server: number;
};

/** Every request-size limit, from the configured screenshot limit. */
export function bodyLimits(screenshotMaxBytes: number): BodyLimits {
  const feedbackRequest = screenshotMaxBytes + FEEDBACK_REQUEST_OVERHEAD_BYTES;
  return { screenshot: screenshotMaxBytes, feedbackRequest, server: 2 * feedbackRequest };
}

/** The size of a JSON request body on every route but feedback submission. */
export const JSON_BODY_MAX_BYTES = 64 * 1024;

/**
 * The deepest nesting of arrays and objects a JSON body (or a submission's `payload` part) may have.
 * Loupe's own schemas need fewer than 10 levels; deeper bodies are refused before they are parsed.
 */
export const JSON_MAX_DEPTH = 32;

/**
 * Where `text` nests arrays and objects deeper than `max` (brackets inside strings do not count):
 * undefined when it does not; else the top-level key under which it does (`key` undefined when the
 * top level is an array or the key is not a plain identifier, so nothing the client chose is echoed
 * unless it is a short plain name). One linear pass: it runs before JSON.parse, which would build the
 * whole tree first.
 */
export function excessiveNesting(text: string, max: number): { key: string | undefined } | undefined {
  let depth = 0;
  let inString = false;
  let stringStart = 0;
  let lastString: string | undefined;
  let key: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c) i++;
      else if (ch === 0x22) {
        inString = false;
        // A top-level key: kept only when short (the check below decides whether it is named).
        lastString = depth === 1 && i - stringStart <= 33 ? text.slice(stringStart + 1, i) : undefined;
      }
    } else if (ch === 0x22) {
      inString = true;
      stringStart = i;
    } else if (ch === 0x3a && depth === 1) key = lastString;
    else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > max)
        return { key: key !== undefined && /^[A-Za-z][A-Za-z0-9_]{0,31}$/.test(key) ? key : undefined };
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
      if (depth === 1) key = undefined;
    }
  }
  return undefined;
}
