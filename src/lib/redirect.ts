/**
 * A post-login destination that cannot leave the origin: a path beginning with a single "/", no
 * backslashes, control or white-space characters, no scheme, resolving to the same origin.
 * Anything else becomes "/".
 */
export function safeReturnTo(value: string | undefined | null, origin: string): string {
  if (!value || value.length > 1024) return "/";
  if (!value.startsWith("/") || value.startsWith("//")) return "/";
  let decoded = value;
  try {
    for (let i = 0; i < 3; i++) {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    }
  } catch {
    return "/";
  }
  for (const text of [value, decoded]) {
    if (/[\\\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff]/.test(text))
      return "/";
    if (text.startsWith("//") || (/^\/[^/]*:/.test(text) && /^[a-z][a-z0-9+.-]*:/i.test(text.slice(1)))) return "/";
  }
  let url: URL;
  try {
    url = new URL(value, origin);
  } catch {
    return "/";
  }
  if (url.origin !== origin || !url.pathname.startsWith("/") || url.pathname.startsWith("//")) return "/";
  return url.pathname + url.search + url.hash;
}
