import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../../api.ts";
import { Badge, ConfirmButton, CopyButton, EmptyState, problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { recent } from "../../reauth.tsx";
import type { Team } from "../../shell.tsx";
import { fill } from "./format.ts";

/** A provider as the API shows it: the client secret is write-only and never comes back. */
type Provider = {
  id: string;
  name: string;
  preset: "generic" | "google";
  issuer: string;
  clientId: string;
  allowedDomains: string[];
  jitEnabled: boolean;
  jitTeamId: string | null;
  trustIdpMfa: boolean;
  enabled: boolean;
};

/** The SSO providers people can sign in with: list, add, edit, remove. */
export function SsoSection(props: { teams: Team[]; onError: (error: unknown) => void }) {
  const [providers, setProviders] = useState<Provider[] | undefined>(undefined);
  /** The provider being edited, "new" while adding one. */
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const load = () =>
    api<{ providers: Provider[] }>("GET", "/instance/sso-providers").then(
      (answer) => setProviders(answer.providers),
      props.onError,
    );
  useEffect(() => {
    load();
  }, []);
  if (!providers) return <Skeleton lines={4} />;
  const callback = `${location.origin}/api/v1/auth/sso/callback`;
  const saved = async (name: string) => {
    setEditing(undefined);
    toast(fill(t.instProviderSaved, { name }));
    await load();
  };
  return (
    <>
      <p class="intro">{t.instSsoIntro}</p>
      <div class="link-box">
        <label>
          {t.instCallbackUrl}
          <input readOnly value={callback} onFocus={(e) => e.currentTarget.select()} />
        </label>
        <CopyButton text={callback} label={t.instCopyCallback} />
      </div>
      {providers.length === 0 && editing !== "new" && <EmptyState>{t.instSsoNone}</EmptyState>}
      {providers.map((provider) =>
        editing === provider.id ? (
          <ProviderForm
            key={provider.id}
            provider={provider}
            teams={props.teams}
            onSaved={saved}
            onCancel={() => setEditing(undefined)}
          />
        ) : (
          <section key={provider.id} class="panel provider" aria-labelledby={`provider-${provider.id}`}>
            <div class="panel-head">
              <h3 id={`provider-${provider.id}`}>{provider.name}</h3>
              <span class="badges">
                <Badge>{provider.preset === "google" ? t.instPresetGoogle : "OpenID Connect"}</Badge>
                {provider.enabled ? (
                  <Badge tone="good">{t.instBadgeEnabled}</Badge>
                ) : (
                  <Badge tone="warn">{t.instBadgeHidden}</Badge>
                )}
                {provider.trustIdpMfa && <Badge>{t.instBadgeTrustMfa}</Badge>}
                {provider.jitEnabled && <Badge>{t.instBadgeJit}</Badge>}
              </span>
            </div>
            <dl class="facts">
              <dt>{t.instIssuer}</dt>
              <dd>{provider.issuer}</dd>
              <dt>{t.instClientId}</dt>
              <dd>{provider.clientId}</dd>
              <dt>{t.instDomainsShort}</dt>
              <dd>{provider.allowedDomains.length ? provider.allowedDomains.join(", ") : t.instAnyDomain}</dd>
              {provider.jitEnabled && (
                <>
                  <dt>{t.instJitTeam}</dt>
                  <dd>{teamName(props.teams, provider.jitTeamId)}</dd>
                </>
              )}
            </dl>
            <div class="actions start">
              <button type="button" onClick={() => setEditing(provider.id)}>
                {t.instEdit}
              </button>
              <ConfirmButton
                label={t.instRemoveProvider}
                question={fill(t.instRemoveProviderWhat, { name: provider.name })}
                confirm={t.instRemoveProvider}
                action={async () => {
                  await recent(() => api("DELETE", `/instance/sso-providers/${encodeURIComponent(provider.id)}`));
                  toast(fill(t.instProviderRemoved, { name: provider.name }));
                  await load();
                }}
              />
            </div>
          </section>
        ),
      )}
      {editing === "new" ? (
        <ProviderForm teams={props.teams} onSaved={saved} onCancel={() => setEditing(undefined)} />
      ) : (
        <div>
          <button type="button" class="primary" onClick={() => setEditing("new")}>
            {t.instAddProvider}
          </button>
        </div>
      )}
    </>
  );
}

const teamName = (teams: Team[], id: string | null) =>
  id === null ? t.instJitNoTeam : (teams.find((team) => team.id === id)?.name ?? fill(t.instJitOtherTeam, { id }));

/** The API names a domain as `allowedDomains.2`: shown beside the one field that holds them all. */
function messageFor(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  return error.problem.errors?.find((e) => e.field === field || e.field.startsWith(`${field}.`))?.message;
}

function TextField(props: {
  name: string;
  label: string;
  hint?: string;
  error: unknown;
  value?: string;
  type?: "text" | "password" | "url";
  autoComplete?: string;
}) {
  const message = messageFor(props.error, props.name);
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={(props.type ?? "text") as "text"}
        defaultValue={props.value ?? ""}
        autoComplete={props.autoComplete ?? "off"}
        spellcheck={false}
        aria-invalid={message ? "true" : undefined}
        aria-describedby={
          [message && `sso-${props.name}-note`, props.hint && `sso-${props.name}-hint`].filter(Boolean).join(" ") ||
          undefined
        }
      />
      {message && (
        <span id={`sso-${props.name}-note`} class="error">
          {message}
        </span>
      )}
      {props.hint && (
        <span id={`sso-${props.name}-hint`} class="hint">
          {props.hint}
        </span>
      )}
    </label>
  );
}

/**
 * Adds or edits a provider. The client secret is read from its field at submit only and never kept:
 * editing, it starts empty and an empty field keeps the stored secret.
 */
function ProviderForm(props: {
  provider?: Provider;
  teams: Team[];
  onSaved: (name: string) => Promise<void>;
  onCancel: () => void;
}) {
  const { provider } = props;
  const [preset, setPreset] = useState<Provider["preset"]>(provider?.preset ?? "generic");
  const [jit, setJit] = useState(provider?.jitEnabled ?? false);
  // Controlled: a <select> has no default value to set (the team would silently reset on edit).
  const [jitTeam, setJitTeam] = useState(provider?.jitTeamId ?? "");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const title = provider ? fill(t.instEditProvider, { name: provider.name }) : t.instAddProvider;
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    const secret = String(data.get("clientSecret") ?? "");
    const body = {
      name: text("name"),
      preset,
      ...(preset === "generic" ? { issuer: text("issuer") } : {}),
      clientId: text("clientId"),
      ...(secret ? { clientSecret: secret } : {}),
      allowedDomains: text("allowedDomains")
        .split(/[\s,;]+/)
        .filter(Boolean),
      enabled: data.get("enabled") === "on",
      trustIdpMfa: data.get("trustIdpMfa") === "on",
      jitEnabled: jit,
      jitTeamId: jit && jitTeam ? jitTeam : null,
    };
    setBusy(true);
    setError(undefined);
    try {
      const saved = await recent(() =>
        provider
          ? api<Provider>("PUT", `/instance/sso-providers/${encodeURIComponent(provider.id)}`, body)
          : api<Provider>("POST", "/instance/sso-providers", body),
      );
      const secretField = form.elements.namedItem("clientSecret");
      if (secretField instanceof HTMLInputElement) secretField.value = ""; // saved: not kept in the page
      await props.onSaved(saved.name);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const general = error instanceof ApiError && !error.problem.errors?.length ? problemText(error) : undefined;
  const teamIds = props.teams.filter((team) => team.id).map((team) => team.id);
  const otherTeam = provider?.jitTeamId && !teamIds.includes(provider.jitTeamId) ? provider.jitTeamId : undefined;
  return (
    <section class="panel" aria-labelledby="provider-form-title">
      <h3 id="provider-form-title">{title}</h3>
      <form noValidate onSubmit={submit}>
        <label>
          {t.instProviderType}
          <select name="preset" value={preset} onChange={(e) => setPreset(e.currentTarget.value as Provider["preset"])}>
            <option value="generic">{t.instPresetGeneric}</option>
            <option value="google">{t.instPresetGoogle}</option>
          </select>
        </label>
        <TextField name="name" label={t.instProviderName} error={error} value={provider?.name} />
        {preset === "generic" && (
          <TextField
            name="issuer"
            label={t.instIssuer}
            hint={t.instIssuerHint}
            type="url"
            error={error}
            value={provider?.preset === "generic" ? provider.issuer : ""}
          />
        )}
        <TextField name="clientId" label={t.instClientId} error={error} value={provider?.clientId} />
        <TextField
          name="clientSecret"
          label={t.instClientSecret}
          hint={provider ? t.instClientSecretKeep : t.instClientSecretHint}
          type="password"
          autoComplete="new-password"
          error={error}
        />
        <TextField
          name="allowedDomains"
          label={t.instDomains}
          hint={t.instDomainsHint}
          error={error}
          value={provider?.allowedDomains.join(", ")}
        />
        <label class="inline">
          <input type="checkbox" name="enabled" defaultChecked={provider?.enabled ?? true} /> {t.instProviderEnabled}
        </label>
        <label class="inline">
          <input type="checkbox" name="trustIdpMfa" defaultChecked={provider?.trustIdpMfa ?? false} /> {t.instTrustMfa}
        </label>
        <label class="inline">
          <input type="checkbox" name="jitEnabled" checked={jit} onChange={(e) => setJit(e.currentTarget.checked)} />{" "}
          {t.instJit}
        </label>
        {jit && (
          <label>
            {t.instJitTeam}
            <select name="jitTeamId" value={jitTeam} onChange={(e) => setJitTeam(e.currentTarget.value)}>
              <option value="">{t.instJitNoTeam}</option>
              {props.teams
                .filter((team) => team.id)
                .map((team) => (
                  <option key={team.id} value={team.id}>
                    {team.name}
                  </option>
                ))}
              {otherTeam && <option value={otherTeam}>{fill(t.instJitOtherTeam, { id: otherTeam })}</option>}
            </select>
          </label>
        )}
        {general && (
          <p class="error" role="alert">
            {general}
          </p>
        )}
        <div class="actions start">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.working : t.instSaveProvider}
          </button>
          <button type="button" onClick={props.onCancel}>
            {t.cancel}
          </button>
        </div>
      </form>
    </section>
  );
}
