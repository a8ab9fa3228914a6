import { useEffect, useState } from "preact/hooks";
import { api, fieldError } from "../../api.ts";
import { problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { Check, Labeled, OwnersOnly, type SectionProps } from "./common.tsx";

type Policy = {
  mfaRequired: boolean;
  sessionIdleMinutes: number | null;
  ssoRequired: boolean;
  ssoProviderIds: string[];
  idpMfaAccepted: boolean;
};
type Provider = { id: string; name: string };

/** The team's security policy: owners change it; members see what they work under. */
export function PolicySection({ team }: SectionProps) {
  const [policy, setPolicy] = useState<Policy | undefined>(undefined);
  const [providers, setProviders] = useState<Provider[]>([]);
  useEffect(() => {
    api<{ policy: Policy }>("GET", `/teams/${team.id}`).then((answer) => setPolicy(answer.policy), handleLostSession);
    api<{ providers: Provider[] }>("GET", "/auth/sso/providers").then(
      (answer) => setProviders(answer.providers),
      () => undefined,
    );
  }, [team.id]);
  if (!policy) return <Skeleton />;
  if (team.role !== "owner")
    return (
      <>
        <section class="panel" aria-labelledby="policy-now">
          <h2 id="policy-now">{t.policyNow}</h2>
          <PolicySummary policy={policy} providers={providers} />
        </section>
        <OwnersOnly team={team} what={t.refusedPolicyChange} />
      </>
    );
  return <PolicyForm teamId={team.id} policy={policy} providers={providers} saved={setPolicy} />;
}

function PolicySummary(props: { policy: Policy; providers: Provider[] }) {
  const { policy, providers } = props;
  const names = providers.filter((p) => policy.ssoProviderIds.includes(p.id)).map((p) => p.name);
  return (
    <dl class="facts">
      <dt>{t.policyMfa}</dt>
      <dd>{policy.mfaRequired ? t.teamRequired : t.notRequired}</dd>
      <dt>{t.policyIdle}</dt>
      <dd>
        {policy.sessionIdleMinutes === null
          ? t.policyIdleDefault
          : t.minutes.replace("{n}", String(policy.sessionIdleMinutes))}
      </dd>
      <dt>{t.policySso}</dt>
      <dd>{policy.ssoRequired ? (names.length > 0 ? names.join(", ") : t.teamRequired) : t.notRequired}</dd>
    </dl>
  );
}

/** The save's confirmation says what now holds. */
function savedText(policy: Policy): string {
  const parts = [
    policy.mfaRequired ? t.savedMfaOn : t.savedMfaOff,
    policy.sessionIdleMinutes === null
      ? t.savedIdleDefault
      : t.savedIdle.replace("{n}", String(policy.sessionIdleMinutes)),
    ...(policy.ssoRequired ? [t.savedSsoOn] : []),
  ];
  return `${t.policySaved} ${parts.join("; ")}.`;
}

function PolicyForm(props: { teamId: string; policy: Policy; providers: Provider[]; saved: (policy: Policy) => void }) {
  const [draft, setDraft] = useState<Policy>(props.policy);
  const [idle, setIdle] = useState(
    props.policy.sessionIdleMinutes === null ? "" : String(props.policy.sessionIdleMinutes),
  );
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const idleError = fieldError(error, "sessionIdleMinutes");
  const general = error && !idleError ? problemText(error) : undefined;
  const set = (changes: Partial<Policy>) => setDraft({ ...draft, ...changes });
  return (
    <form
      class="panel"
      aria-labelledby="policy-title"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const minutes = idle.trim() === "" ? null : Number(idle);
        setBusy(true);
        setError(undefined);
        try {
          const answer = await api<{ policy: Policy }>("PATCH", `/teams/${props.teamId}/policy`, {
            mfaRequired: draft.mfaRequired,
            sessionIdleMinutes: minutes,
            ssoRequired: draft.ssoRequired,
            ssoProviderIds: draft.ssoProviderIds,
            idpMfaAccepted: draft.idpMfaAccepted,
          });
          props.saved(answer.policy);
          setDraft(answer.policy);
          toast(savedText(answer.policy));
        } catch (caught) {
          handleLostSession(caught);
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="policy-title">{t.policyTitle}</h2>
      <p>{t.policyIntro}</p>
      <fieldset>
        <legend>{t.policyMfa}</legend>
        <Check
          id="policy-mfaRequired"
          label={t.policyMfaRequire}
          hint={t.policyMfaHint}
          checked={draft.mfaRequired}
          onChange={(checked) => set({ mfaRequired: checked })}
        />
      </fieldset>
      <fieldset>
        <legend>{t.policyIdle}</legend>
        <Labeled id="idle" label={t.policyIdleLabel} error={idleError} note={t.policyIdleHint}>
          <input
            id="idle"
            class="narrow"
            name="sessionIdleMinutes"
            type="number"
            inputMode="numeric"
            min={5}
            max={240}
            step={1}
            value={idle}
            placeholder={t.policyIdlePlaceholder}
            aria-invalid={idleError ? "true" : undefined}
            aria-describedby="idle-note"
            onInput={(e) => setIdle((e.currentTarget as HTMLInputElement).value)}
          />
        </Labeled>
      </fieldset>
      <fieldset>
        <legend>{t.policySso}</legend>
        {props.providers.length === 0 ? (
          <p class="hint">{t.policyNoProviders}</p>
        ) : (
          <>
            <Check
              id="policy-ssoRequired"
              label={t.policySsoRequire}
              hint={t.policySsoHint}
              checked={draft.ssoRequired}
              onChange={(checked) => set({ ssoRequired: checked })}
            />
            <fieldset class="checks">
              <legend class="sr-only">{t.policySsoProviders}</legend>
              {props.providers.map((provider) => (
                <label key={provider.id} class="check">
                  <input
                    type="checkbox"
                    checked={draft.ssoProviderIds.includes(provider.id)}
                    onChange={(e) =>
                      set({
                        ssoProviderIds: (e.currentTarget as HTMLInputElement).checked
                          ? [...draft.ssoProviderIds, provider.id]
                          : draft.ssoProviderIds.filter((id) => id !== provider.id),
                      })
                    }
                  />
                  <span>{provider.name}</span>
                </label>
              ))}
            </fieldset>
            <Check
              id="policy-idpMfaAccepted"
              label={t.policyIdpMfa}
              hint={t.policyIdpMfaHint}
              checked={draft.idpMfaAccepted}
              onChange={(checked) => set({ idpMfaAccepted: checked })}
            />
          </>
        )}
      </fieldset>
      {general && (
        <p class="error" role="alert">
          {general}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? t.working : t.savePolicy}
      </button>
    </form>
  );
}
