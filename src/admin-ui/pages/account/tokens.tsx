import { useEffect, useState } from "preact/hooks";
import { api, fieldError } from "../../api.ts";
import {
  Badge,
  ConfirmButton,
  CopyButton,
  EmptyState,
  Field,
  Form,
  Section,
  Skeleton,
  toast,
} from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { Day, type SectionProps, When } from "./common.tsx";

type Token = {
  id: string;
  name: string;
  scope: "read" | "write";
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revoked: boolean;
};

const LIFETIMES = [7, 30, 90, 365];

/** Personal API tokens: create one (its secret shown once), see when each was last used, revoke. */
export function TokensSection({ run }: SectionProps) {
  const [tokens, setTokens] = useState<Token[] | undefined>(undefined);
  const [created, setCreated] = useState<{ token: string; name: string } | undefined>(undefined);
  const load = () => api<{ tokens: Token[] }>("GET", "/me/tokens").then((a) => setTokens(a.tokens), handleLostSession);
  useEffect(() => {
    load();
  }, []);
  const live = tokens?.filter((token) => !token.revoked) ?? [];
  return (
    <>
      <Section id="tokens-title" title={t.apiTokens} intro={t.tokensIntro}>
        {created && (
          <div class="secret-box" role="status">
            <strong>{t.tokenCreated.replace("{name}", created.name)}</strong>
            <p>{t.tokenShownOnce}</p>
            <input class="secret-value" readOnly value={created.token} aria-label={t.newToken} />
            <div class="actions start">
              <CopyButton text={created.token} label={t.copyToken} />
              <button type="button" onClick={() => setCreated(undefined)}>
                {t.done}
              </button>
            </div>
            <p class="hint">
              {t.tokenUsage} <code>Authorization: Bearer …</code>
            </p>
          </div>
        )}
        {!tokens && <Skeleton lines={2} />}
        {tokens && live.length === 0 && <EmptyState>{t.noTokens}</EmptyState>}
        {live.length > 0 && (
          <ul class="rows" aria-label={t.apiTokens}>
            {live.map((token) => {
              const expired = Date.parse(token.expiresAt) <= Date.now();
              return (
                <li key={token.id} class="entry">
                  <div class="entry-main">
                    <span class="entry-title">
                      <span class="plain">{token.name}</span>
                      <Badge tone={token.scope === "write" ? "warn" : "neutral"}>
                        {token.scope === "write" ? t.scopeWrite : t.scopeRead}
                      </Badge>
                      {expired && <Badge tone="danger">{t.expired}</Badge>}
                    </span>
                    <span class="entry-meta">
                      {t.created} <When iso={token.createdAt} /> · {expired ? t.expiredWhen : t.expires}{" "}
                      <Day iso={token.expiresAt} /> ·{" "}
                      {token.lastUsedAt ? (
                        <>
                          {t.lastUsed} <When iso={token.lastUsedAt} />
                        </>
                      ) : (
                        t.neverUsed
                      )}
                    </span>
                  </div>
                  <ConfirmButton
                    label={t.revoke}
                    question={t.revokeTokenQuestion.replace("{name}", token.name)}
                    confirm={t.revoke}
                    action={async () => {
                      await api("DELETE", `/me/tokens/${encodeURIComponent(token.id)}`);
                      toast(t.tokenRevoked);
                      await load();
                    }}
                  />
                </li>
              );
            })}
          </ul>
        )}
      </Section>
      <Section id="new-token-title" title={t.newTokenTitle}>
        <Form
          button={t.createToken}
          submit={async (f) => {
            const answer = await run(() =>
              api<{ token: string; apiToken: Token }>("POST", "/me/tokens", {
                name: f.name,
                scope: f.scope,
                expiresInDays: Number(f.expiresInDays),
              }),
            );
            setCreated({ token: answer.token, name: answer.apiToken.name });
            await load();
          }}
        >
          {(error) => (
            <>
              <Field name="name" label={t.tokenName} hint={t.tokenNameHint} error={error} />
              <div class="field-row">
                <label>
                  {t.tokenScope}
                  <select name="scope" aria-describedby="scope-note">
                    <option value="read">{t.scopeRead}</option>
                    <option value="write">{t.scopeWrite}</option>
                  </select>
                  <span id="scope-note" class={fieldError(error, "scope") ? "error" : "hint"}>
                    {fieldError(error, "scope") ?? t.tokenScopeHint}
                  </span>
                </label>
                <label>
                  {t.tokenExpiry}
                  <select name="expiresInDays">
                    {LIFETIMES.map((days) => (
                      <option
                        key={days}
                        value={String(days)}
                        // The default a form reset returns to (Preact's types lack the DOM property).
                        {...({ defaultSelected: days === 90 } as object)}
                      >
                        {t.days.replace("{n}", String(days))}
                      </option>
                    ))}
                  </select>
                </label>
              </div>
            </>
          )}
        </Form>
      </Section>
    </>
  );
}
