import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Skeleton } from "../components.tsx";
import { t } from "../i18n.ts";
import { recent } from "../reauth.tsx";
import { navigate, type PageProps } from "../router.ts";
import { handleLostSession, Shell } from "../shell.tsx";
import type { MeAnswer, SectionProps } from "./account/common.tsx";
import { EmailSection, PasswordSection } from "./account/credentials.tsx";
import { ProfileSection } from "./account/profile.tsx";
import { SessionsSection } from "./account/sessions.tsx";
import { SsoSection } from "./account/sso.tsx";
import { TokensSection } from "./account/tokens.tsx";
import { TwoFactorSection } from "./account/two-factor.tsx";

/** The sections, each at /account/<id> (/account/mfa is the enrolment page itself). */
const SECTIONS: [id: string, title: () => string, section: ComponentType<SectionProps>][] = [
  ["profile", () => t.profile, ProfileSection],
  ["email", () => t.emailSection, EmailSection],
  ["password", () => t.passwordSection, PasswordSection],
  ["two-factor", () => t.twoFactor, TwoFactorSection],
  ["sessions", () => t.sessions, SessionsSection],
  ["tokens", () => t.apiTokens, TokensSection],
  ["sso", () => t.sso, SsoSection],
];

/** My account: profile, email, password, two-factor, sessions, personal API tokens, linked sign-in providers. */
export default function AccountPage({ params }: PageProps) {
  return (
    <Shell teamless area="account">
      {() => <Account section={params.section ?? "profile"} />}
    </Shell>
  );
}

function Account({ section }: { section: string }) {
  const [me, setMe] = useState<MeAnswer | undefined>(undefined);
  const reload = () => api<MeAnswer>("GET", "/me").then(setMe, handleLostSession);
  useEffect(() => {
    reload();
  }, []);
  const [, , Current] = SECTIONS.find(([id]) => id === section) ?? SECTIONS[0]!;
  const currentId = SECTIONS.some(([id]) => id === section) ? section : "profile";
  return (
    <main class="page settings">
      <h1>{t.account}</h1>
      <div class="settings-layout">
        <nav class="settings-nav" aria-label={t.accountSections}>
          {SECTIONS.map(([id, title]) => (
            <a
              key={id}
              href={`/account/${id}`}
              aria-current={id === currentId ? "page" : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(`/account/${id}`);
              }}
            >
              {title()}
            </a>
          ))}
        </nav>
        <div class="settings-body">
          {me ? <Current me={me} reload={reload} run={recent} /> : <Skeleton lines={4} />}
        </div>
      </div>
    </main>
  );
}
