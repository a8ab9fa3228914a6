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
