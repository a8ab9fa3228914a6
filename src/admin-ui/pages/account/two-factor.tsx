import { useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, ConfirmButton, CopyButton, problemText, Section, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { navigate } from "../../router.ts";
import type { SectionProps } from "./common.tsx";

/** Two-factor authentication: its state, enrolment (on its own page), new recovery codes, turning it off. */
export function TwoFactorSection({ me, reload, run }: SectionProps) {
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const on = me.user.mfaEnabled;
  const left = me.countRecoveryCodesLeft;
  return (
    <Section id="two-factor-title" title={t.twoFactor}>
      <p class="status-line">
        <Badge tone={on ? "good" : "warn"}>{on ? t.twoFactorOn : t.twoFactorOff}</Badge>
        <span>{on ? t.twoFactorOnIntro : t.twoFactorOffIntro}</span>
      </p>
      {!on && (
        <a
          class="button primary"
          href="/account/mfa?next=/account/two-factor"
          onClick={(e) => {
            e.preventDefault();
            navigate("/account/mfa?next=/account/two-factor");
          }}
        >
          {t.setUpTwoFactor}
        </a>
      )}
      {on && (
        <>
          <h3>{t.recoveryTitle}</h3>
          <p>
            {left <= 3 && <Badge tone="warn">{t.fewCodesLeft}</Badge>} {t.codesLeft.replace("{n}", String(left))}{" "}
            {t.recoveryExplain}
          </p>
          {codes ? (
            <div class="new-codes">
              <p role="status">{t.newCodesShownOnce}</p>
              <ol class="codes" aria-label={t.newRecoveryCodes}>
                {codes.map((code) => (
                  <li key={code}>{code}</li>
                ))}
              </ol>
              <div class="actions start">
                <CopyButton text={codes.join("\n")} label={t.copyCodes} />
                <button type="button" onClick={() => setCodes(undefined)}>
                  {t.savedThem}
                </button>
              </div>
            </div>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                setFailure(undefined);
                try {
                  const answer = await run(() => api<{ recoveryCodes: string[] }>("POST", "/me/mfa/recovery-codes"));
                  setCodes(answer.recoveryCodes);
                  await reload();
                } catch (error) {
                  setFailure(problemText(error));
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? t.working : t.newRecoveryCodes}
            </button>
          )}
          {failure && (
            <p class="error" role="alert">
              {failure}
            </p>
          )}
          <h3>{t.turnOffTwoFactor}</h3>
          <p>{t.turnOffIntro}</p>
          <ConfirmButton
            label={t.turnOffTwoFactor}
            question={t.turnOffQuestion}
            confirm={t.turnOff}
            action={async () => {
              await run(() => api("DELETE", "/me/mfa/totp"));
              const after = await api<{ session: { mfaEnrolmentRequired: boolean } | null }>("GET", "/me");
              // An instance administrator must have a second factor: straight back to enrolment.
              if (after.session?.mfaEnrolmentRequired) navigate("/account/mfa?next=/account/two-factor");
              else {
                await reload();
                toast(t.twoFactorTurnedOff);
              }
            }}
          />
        </>
      )}
    </Section>
  );
}
