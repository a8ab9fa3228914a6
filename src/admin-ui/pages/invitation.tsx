import type { PageProps } from "../router.ts";
import { Shell } from "../shell.tsx";

// Scaffold (issue 9 in progress): replaced by the real page.
export default function InvitationPage(_props: PageProps) {
  return <Shell>{() => <main class="page" />}</Shell>;
}
