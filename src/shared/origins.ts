import * as v from "valibot";

/**
 * Where a project's widget may submit from (SECURITY.md T-W2): exact origins (`https://shop.example.eu`,
 * `http://localhost:3000`) or `https://*.example.eu` for every subdomain of a registrable-looking
 * domain (at least two labels after the `*`). A bare `*`, a wildcard inside a label, a path or
 * credentials are refused: they cannot be written in this grammar.
 */
const HOST = "(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*";
export const EXACT_ORIGIN = new RegExp(`^https?://${HOST}(?::\\d{1,5})?$`);
export const SUBDOMAIN_ORIGIN = new RegExp(`^https://\\*\\.(${HOST}\\.[a-z0-9-]{2,63})(?::\\d{1,5})?$`);

export const OriginPatternSchema = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(300),
  v.check(
    (p) => (EXACT_ORIGIN.test(p) || SUBDOMAIN_ORIGIN.test(p)) && validPort(p),
    "Expected an origin like https://example.eu, or https://*.example.eu for its subdomains.",
  ),
);

function validPort(pattern: string): boolean {
  const port = /:(\d{1,5})$/.exec(pattern)?.[1];
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };

/** Whether the `Origin` header value is allowed by one of the project's patterns. */
export function originAllowed(origin: string | undefined, patterns: readonly string[]): boolean {
  if (!origin || origin === "null") return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An Origin header is scheme://host[:port] and nothing else.
  if (url.origin !== origin.toLowerCase() || url.username || url.password) return false;
  const port = url.port || DEFAULT_PORT[url.protocol];
  for (const pattern of patterns) {
    const wildcard = SUBDOMAIN_ORIGIN.exec(pattern);
    if (!wildcard) {
      // Compared as origins, so `https://example.eu:443` and `https://example.eu` are one. A pattern
      // that is no origin (saved before these rules) matches nothing.
      if (EXACT_ORIGIN.test(pattern) && URL.canParse(pattern) && new URL(pattern).origin === url.origin) return true;
      continue;
    }
    const patternPort = /:(\d{1,5})$/.exec(pattern)?.[1] ?? "443";
    const domain = wildcard[1]!;
    if (url.protocol === "https:" && port === patternPort && url.hostname.endsWith(`.${domain}`)) return true;
  }
  return false;
}
