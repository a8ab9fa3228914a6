import { render } from "preact";
import { InboxPage } from "./pages/inbox.tsx";
import { MfaPage } from "./pages/mfa.tsx";
import { ProjectsPage } from "./pages/projects.tsx";
import { SetupPage } from "./pages/setup.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import { path } from "./router.ts";

const PAGES: Record<string, () => preact.JSX.Element | null> = {
  "/setup": SetupPage,
  "/sign-in": SignInPage,
  "/account/mfa": MfaPage,
  "/projects": ProjectsPage,
  "/": InboxPage,
};

/** The admin UI: one page per path; everything it shows comes from the REST API. */
function App() {
  const Page = PAGES[path.value] ?? InboxPage;
  return <Page />;
}

render(<App />, document.getElementById("app")!);
