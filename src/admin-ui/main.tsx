import { type ComponentType, render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { type Area, loadStrings, locale } from "./i18n.ts";
import { InboxPage } from "./pages/inbox.tsx";
import { MfaPage } from "./pages/mfa.tsx";
import { SetupPage } from "./pages/setup.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import type { PageProps } from "./router.ts";
import { match, path } from "./router.ts";

type Loader = () => Promise<{ default: ComponentType<PageProps> }>;

/**
 * One page per path (the server answers the same patterns with index.html: src/admin/index.ts).
 * Sign-in and the inbox are in the first download; every other page is a lazy chunk.
 */
const ROUTES: [pattern: string, page: { now: ComponentType<PageProps> } | { load: Loader }][] = [
  ["/setup", { now: SetupPage }],
  ["/sign-in", { now: SignInPage }],
  ["/account/mfa", { now: MfaPage }],
  ["/", { now: InboxPage }],
  ["/projects", { load: () => withStrings("project", () => import("./pages/projects.tsx")) }],
  ["/projects/:projectId", { load: () => withStrings("project", () => import("./pages/project.tsx")) }],
  ["/team", { load: () => withStrings("team", () => import("./pages/team.tsx")) }],
  ["/team/:section", { load: () => withStrings("team", () => import("./pages/team.tsx")) }],
  ["/account", { load: () => withStrings("account", () => import("./pages/account.tsx")) }],
  ["/account/:section", { load: () => withStrings("account", () => import("./pages/account.tsx")) }],
  ["/instance", { load: () => withStrings("instance", () => import("./pages/instance.tsx")) }],
  ["/instance/:section", { load: () => withStrings("instance", () => import("./pages/instance.tsx")) }],
  ["/reset-password", { load: () => import("./pages/reset-password.tsx") }],
  ["/invitation", { load: () => import("./pages/invitation.tsx") }],
];

/**
 * A page's chunk after its area's strings (src/admin-ui/i18n.ts): a module may read `t` as it loads.
 */
const withStrings = (area: Area, page: Loader): ReturnType<Loader> => loadStrings(area).then(page);

function Lazy({ load, params }: { load: Loader; params: Record<string, string> }) {
  const [Page, setPage] = useState<ComponentType<PageProps> | undefined>(undefined);
  useEffect(() => {
    let current = true;
    load().then((module) => current && setPage(() => module.default));
    return () => {
      current = false;
    };
  }, [load]);
  return Page ? <Page params={params} /> : <div class="skeleton page-loading" aria-busy="true" />;
}

/** The admin UI: everything it shows comes from the REST API. */
function App() {
  for (const [pattern, page] of ROUTES) {
    const params = match(pattern, path.value);
    if (!params) continue;
    if ("load" in page) return <Lazy key={pattern} load={page.load} params={params} />;
    return <page.now params={params} />;
  }
  return <InboxPage />;
}

/** Keyed on the language: switching it renders every page afresh in the new one. */
function Root() {
  return <App key={locale.value} />;
}

loadStrings().then(() => render(<Root />, document.getElementById("app")!));
