import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Card } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";

/** After sign-in: who is signed in, and signing out. (The inbox takes this place as it is built.) */
export function HomePage() {
  const [name, setName] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<{ user: { displayName: string } }>("GET", "/me").then(
      (me) => setName(me.user.displayName),
      () => navigate(`/sign-in?next=${encodeURIComponent(location.pathname)}`),
    );
  }, []);
  if (!name) return null;
  return (
    <Card title={t.signedInAs.replace("{name}", name)}>
      <button
        type="button"
        onClick={async () => {
          await api("POST", "/auth/logout");
          navigate("/sign-in");
        }}
      >
        {t.signOut}
      </button>
    </Card>
  );
}
