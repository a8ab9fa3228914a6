import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, ConfirmButton, EmptyState, problemText, Section, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { navigate } from "../../router.ts";
import { handleLostSession } from "../../shell.tsx";
import { type SectionProps, When } from "./common.tsx";

type Session = {
  id: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  method: string;
  browser: string;
  os: string;
};

/** How a session signed in, in words ("password and authentication code"). */
function methodText(method: string): string {
  const [first, second] = method.split("+");
  const base = first === "sso" ? t.methodSso : t.methodPassword;
  if (second === "otp") return t.methodWithCode.replace("{method}", base);
  if (second === "recovery") return t.methodWithRecovery.replace("{method}", base);
  if (second === "idp_mfa") return t.methodWithIdpMfa.replace("{method}", base);
  return base;
}

/** My signed-in browsers: this one marked; sign out one, every other one, or everywhere. */
export function SessionsSection({ run }: SectionProps) {
  const [sessions, setSessions] = useState<Session[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const load = () =>
    api<{ sessions: Session[] }>("GET", "/me/sessions").then((a) => {
      // This browser first, then the most recently active.
      setSessions([...a.sessions].sort((x, y) => Number(y.current) - Number(x.current)));
    }, handleLostSession);
  useEffect(() => {
    load();
  }, []);
  const others = sessions?.filter((s) => !s.current).length ?? 0;
  const end = async (session: Session) => {
    setFailure(undefined);
    try {
      await run(() => api("DELETE", `/me/sessions/${encodeURIComponent(session.id)}`));
      if (session.current) return navigate("/sign-in");
      toast(t.sessionEnded);
      await load();
    } catch (error) {
      setFailure(problemText(error));
    }
  };
  return (
    <>
      <Section id="sessions-title" title={t.sessions} intro={t.sessionsIntro}>
        {!sessions && <Skeleton lines={3} />}
        {sessions?.length === 0 && <EmptyState>{t.noSessions}</EmptyState>}
        {sessions && sessions.length > 0 && (
          <ul class="rows" aria-label={t.sessions}>
            {sessions.map((s) => (
              <li key={s.id} class="entry">
                <div class="entry-main">
                  <span class="entry-title">
                    {s.os ? t.browserOnOs.replace("{browser}", s.browser).replace("{os}", s.os) : s.browser}
                    {s.current && <Badge tone="accent">{t.thisBrowser}</Badge>}
                  </span>
                  <span class="entry-meta">
                    {t.lastActive} <When iso={s.lastSeenAt} /> · {t.signedInWhen} <When iso={s.createdAt} /> ·{" "}
                    {methodText(s.method)}
                  </span>
                </div>
                <button
                  type="button"
                  aria-label={`${t.signOutSession}: ${s.current ? t.thisBrowser : `${s.browser} ${s.os}`.trim()}`}
                  onClick={() => end(s)}
                >
                  {t.signOutSession}
                </button>
              </li>
            ))}
          </ul>
        )}
        {failure && (
          <p class="error" role="alert">
            {failure}
          </p>
        )}
        {others > 0 && (
          <ConfirmButton
            label={t.signOutOthers}
            question={t.signOutOthersQuestion.replace("{n}", String(others))}
            confirm={t.signOutOthers}
            action={async () => {
              const answer = await run(() => api<{ revoked: number }>("POST", "/me/sessions/revoke-others"));
              toast(t.othersSignedOut.replace("{n}", String(answer.revoked)));
              await load();
            }}
          />
        )}
      </Section>
      <Section id="everywhere-title" title={t.signOutEverywhere} intro={t.signOutEverywhereIntro}>
        <ConfirmButton
          label={t.signOutEverywhere}
          question={t.signOutEverywhereQuestion}
          confirm={t.signOutEverywhere}
          action={async () => {
            await run(() => api("POST", "/me/sessions/revoke-all"));
            navigate("/sign-in");
          }}
        />
      </Section>
    </>
  );
}
