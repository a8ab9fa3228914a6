import { signal } from "@preact/signals";

/** The current path; pages are chosen from it. */
export const path = signal(location.pathname);

addEventListener("popstate", () => {
  path.value = location.pathname;
});

export function navigate(to: string): void {
  history.pushState(null, "", to);
  path.value = new URL(to, location.href).pathname;
}

/** `/team/:section` against `/team/members` → `{ section: "members" }`; undefined when it does not match. */
export function match(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split("/");
  const have = pathname.replace(/\/$/, "").split("/");
  if (pattern === "/") return pathname === "/" ? {} : undefined;
  if (want.length !== have.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith(":")) params[part.slice(1)] = decodeURIComponent(have[i]!);
    else if (part !== have[i]) return undefined;
  }
  return params;
}

/** What every page gets: the parameters of its path pattern. */
export type PageProps = { params: Record<string, string> };
