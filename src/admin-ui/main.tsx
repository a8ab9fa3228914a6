import { render } from "preact";
import { HomePage } from "./pages/home.tsx";
import { MfaPage } from "./pages/mfa.tsx";
import { SetupPage } from "./pages/setup.tsx";
import { SignInPage } from "./pages/sign-in.tsx";
import { path } from "./router.ts";

const PAGES: Record<string, () => preact.JSX.Element | null> = {
  "/setup": SetupPage,
  "/sign-in": SignInPage,
  "/account/mfa": MfaPage,
  "/": HomePage,
};

/** The admin UI: one page per path; everything it shows comes from the REST API. */
function App() {
  const Page = PAGES[path.value] ?? HomePage;
  return <Page />;
}

render(<App />, document.getElementById("app")!);
