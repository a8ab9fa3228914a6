/** A short, non-identifying summary of a User-Agent ("Firefox on Linux"): enough to tell sessions apart. */
export function summarizeUserAgent(ua: string | undefined): string {
  if (!ua) return "Unknown client";
  const browser = /Edg\//.test(ua)
    ? "Edge"
    : /OPR\//.test(ua)
      ? "Opera"
      : /Firefox\//.test(ua)
        ? "Firefox"
        : /Chrom(e|ium)\//.test(ua)
          ? "Chrome"
          : /Safari\//.test(ua)
            ? "Safari"
            : /curl\//.test(ua)
              ? "curl"
              : "Other client";
  const os = /Windows/.test(ua)
    ? "Windows"
    : /Android/.test(ua)
      ? "Android"
      : /iPhone|iPad|iOS/.test(ua)
        ? "iOS"
        : /Mac OS X|Macintosh/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : "";
  return os ? `${browser} on ${os}` : browser;
}

/** The two parts of a summary made by summarizeUserAgent ("Firefox on Linux" → Firefox, Linux; "curl" → curl, ""). */
export function splitUserAgentSummary(summary: string): { browser: string; os: string } {
  const at = summary.lastIndexOf(" on ");
  return at < 0 ? { browser: summary, os: "" } : { browser: summary.slice(0, at), os: summary.slice(at + 4) };
}
