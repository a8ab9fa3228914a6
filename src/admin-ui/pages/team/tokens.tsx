import { useEffect, useState } from "preact/hooks";
import { api, fieldError } from "../../api.ts";
import { Badge, ConfirmButton, CopyButton, EmptyState, problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { isCancelled, recent } from "../../reauth.tsx";
import { handleLostSession } from "../../shell.tsx";
import { Labeled, roleName, type SectionProps, Time } from "./common.tsx";

type Token = {
  id: string;
  name: string;
  prefix: string | null;
  scope: "read" | "write";
  role: "member" | "reporter";
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
};
const EXPIRY_DAYS = [7, 30, 90, 180, 365];

/**
 * Team API tokens: act only in this team, with at most the chosen role. The secret is shown once,
 * right after creating it; afterwards only its first characters identify it.
 */
export function TokensSection({ team }: SectionProps) {
  const [tokens, setTokens] = useState<Token[] | undefined>(undefined);
  const [secret, setSecret] = useState<{ name: string; token: string } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const load = () =>
    api<{ tokens: Token[] }>("GET", `/teams/${team.id}/tokens`).then((a) => setTokens(a.tokens), handleLostSession);
  useEffect(() => {
    load();
  }, [team.id]);
  const nameError = fieldError(error, "name");
  const general = error && !nameError ? problemText(error) : undefined;
  const now = Date.now();
  return (
    <>
      <section class="panel" aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t.teamNewToken}</h2>
        <p>{t.teamTokensIntro}</p>
        {secret ? (
          <div class="callout warn" role="status">
            <p>
              <strong>{t.tokenOnceTitle.replace("{name}", secret.name)}</strong>
            </p>
            <p>{t.tokenOnceText}</p>
            <div class="secret-row">
              <input class="secret-field" readOnly value={secret.token} aria-label={t.tokenSecret} />
              <CopyButton text={secret.token} label={t.teamCopyToken} />
            </div>
            <button type="button" onClick={() => setSecret(undefined)}>
              {t.tokenStored}
            </button>
          </div>
        ) : (
          <form
            class="grid-form"
            noValidate
            onSubmit={async (event) => {
              event.preventDefault();
              const form = event.currentTarget as HTMLFormElement;
              const data = new FormData(form);
              const body = {
                name: String(data.get("name") ?? "").trim(),
                role: data.get("role"),
                scope: data.get("scope"),
                expiresInDays: Number(data.get("expiresInDays")),
              };
              setBusy(true);
              setError(undefined);
              try {
                await recent(async () => {
                  const created = await api<{ token: string; apiToken: Token }>(
                    "POST",
                    `/teams/${team.id}/tokens`,
                    body,
                  );
                  setSecret({ name: created.apiToken.name, token: created.token });
                });
                await load();
              } catch (caught) {
                handleLostSession(caught);
                if (!isCancelled(caught)) setError(caught);
              } finally {
                setBusy(false);
              }
            }}
          >
            <Labeled id="token-name" class="wide" label={t.teamTokenName} error={nameError} note="">
              <input
                id="token-name"
                name="name"
                maxLength={100}
                required
                placeholder={t.tokenNamePlaceholder}
                aria-invalid={nameError ? "true" : undefined}
                aria-describedby="token-name-note"
              />
            </Labeled>
            <Labeled id="token-role" label={t.tokenRole}>
              <select id="token-role" name="role">
                <option value="reporter">{roleName("reporter")}</option>
                <option value="member">{roleName("member")}</option>
              </select>
            </Labeled>
            <Labeled id="token-scope" label={t.teamTokenScope}>
              <select id="token-scope" name="scope">
                <option value="read">{t.teamScopeRead}</option>
                <option value="write">{t.teamScopeWrite}</option>
              </select>
            </Labeled>
            <Labeled id="token-expiry" label={t.teamTokenExpiry}>
              <select id="token-expiry" name="expiresInDays">
                {EXPIRY_DAYS.map((n) => (
                  <option key={n} value={String(n)} selected={n === 90}>
                    {t.teamDays.replace("{n}", String(n))}
                  </option>
                ))}
              </select>
            </Labeled>
            {general && (
              <p class="error wide" role="alert">
                {general}
              </p>
            )}
            <div class="wide">
              <button type="submit" class="primary" disabled={busy}>
                {busy ? t.working : t.teamCreateToken}
              </button>
            </div>
          </form>
        )}
      </section>
      <section class="panel" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t.tokensList}</h2>
        {!tokens && <Skeleton lines={2} />}
        {tokens?.length === 0 && <EmptyState>{t.tokensEmpty}</EmptyState>}
        {tokens && tokens.length > 0 && (
          <ul class="entities" aria-labelledby="tokens-title">
            {tokens.map((token) => {
              const expired = Date.parse(token.expiresAt) <= now;
              return (
                <li key={token.id} class="entity">
                  <div class="entity-main">
                    <span class="entity-title">
                      {token.name} <code class="prefix">{token.prefix ? `${token.prefix}…` : "loupe_pat_…"}</code>
                    </span>
                    <span class="entity-sub">
                      {roleName(token.role)} · {token.scope === "read" ? t.teamScopeRead : t.teamScopeWrite} ·{" "}
                      {t.teamCreated} <Time iso={token.createdAt} past /> · {expired ? t.teamExpired : t.teamExpires}{" "}
                      <Time iso={token.expiresAt} /> · {t.teamLastUsed}{" "}
                      {token.lastUsedAt ? <Time iso={token.lastUsedAt} past /> : t.never}
                    </span>
                  </div>
                  <div class="entity-actions">
                    {token.revoked ? (
                      <Badge>{t.revoked}</Badge>
                    ) : expired ? (
                      <Badge tone="warn">{t.teamExpired}</Badge>
                    ) : (
                      <>
                        <Badge tone="good">{t.active}</Badge>
                        <ConfirmButton
                          label={t.teamRevoke}
                          question={t.teamRevokeTokenQuestion.replace("{name}", token.name)}
                          confirm={t.teamRevoke}
                          action={async () => {
                            await api("DELETE", `/teams/${team.id}/tokens/${token.id}`);
                            toast(t.teamTokenRevoked.replace("{name}", token.name));
                            await load();
                          }}
                        />
                      </>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </>
  );
}
