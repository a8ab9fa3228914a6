import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { ConfirmButton, EmptyState, problemText, Section, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { goToProvider, type SignInProvider as Provider } from "../../sso.ts";
import { type SectionProps, When } from "./common.tsx";

type Identity = { id: string; providerId: string; providerName: string; linkedAt: string };

/** Accounts of sign-in providers linked to mine: link one (at the provider), unlink one. */
export function SsoSection({ run }: SectionProps) {
  const [identities, setIdentities] = useState<Identity[] | undefined>(undefined);
  const [providers, setProviders] = useState<Provider[]>([]);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const load = () =>
    Promise.all([
      api<{ identities: Identity[] }>("GET", "/me/sso"),
      api<{ providers: Provider[] }>("GET", "/auth/sso/providers"),
    ]).then(([mine, all]) => {
      setIdentities(mine.identities);
      setProviders(all.providers);
    }, handleLostSession);
  useEffect(() => {
    load();
  }, []);
  const unlinked = providers.filter((p) => !identities?.some((i) => i.providerId === p.id));
  return (
    <Section id="sso-title" title={t.sso} intro={t.ssoIntro}>
      {!identities && <Skeleton lines={2} />}
      {identities && identities.length === 0 && <EmptyState>{t.noLinkedAccounts}</EmptyState>}
      {identities && identities.length > 0 && (
        <ul class="rows" aria-label={t.linkedAccounts}>
          {identities.map((identity) => (
            <li key={identity.id} class="entry">
              <div class="entry-main">
                <span class="entry-title plain">{identity.providerName}</span>
                <span class="entry-meta">
                  {t.linked} <When iso={identity.linkedAt} />
                </span>
              </div>
              <ConfirmButton
                label={t.unlink}
                question={t.unlinkQuestion.replace("{name}", identity.providerName)}
                confirm={t.unlink}
                action={async () => {
                  await run(() => api("DELETE", `/me/sso/${encodeURIComponent(identity.id)}`));
                  toast(t.unlinked.replace("{name}", identity.providerName));
                  await load();
                }}
              />
            </li>
          ))}
        </ul>
      )}
      {identities && unlinked.length > 0 && (
        <div class="actions start">
          {unlinked.map((provider) => (
            <button
              key={provider.id}
              type="button"
              onClick={async () => {
                setFailure(undefined);
                try {
                  const answer = await run(() =>
                    api<{ authorizationUrl: string }>("POST", `/me/sso/${encodeURIComponent(provider.id)}/link`, {
                      returnTo: "/account/sso",
                    }),
                  );
                  goToProvider(answer.authorizationUrl);
                } catch (error) {
                  setFailure(problemText(error));
                }
              }}
            >
              {t.linkProvider.replace("{name}", provider.name)}
            </button>
          ))}
        </div>
      )}
      {identities && providers.length === 0 && identities.length === 0 && <p class="hint">{t.noProviders}</p>}
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
    </Section>
  );
}
