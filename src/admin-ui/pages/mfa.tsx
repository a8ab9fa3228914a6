import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { Card, CopyButton, Field, Form, problemText } from "../components.tsx";
import { t } from "../i18n.ts";
import { ReauthDialog, recent } from "../reauth.tsx";
import { navigate } from "../router.ts";

type Enrolment = { secret: string; otpauthUri: string; qrSvg: string };
type Who = { user: { hasPassword: boolean; mfaEnabled: boolean }; session: { mfaEnrolmentRequired: boolean } | null };

/** Where to go afterwards (`?next=`, same origin only), else the inbox. */
function nextPath(): string {
  const to = new URLSearchParams(location.search).get("next") ?? "/";
  return /^\/(?![/\\])/.test(to) ? to : "/";
}

/**
 * TOTP enrolment: the QR code (an image, never markup in the page), the key, the first code, then the
 * recovery codes. An enrolled account is told so; starting it again after a while asks to confirm it
 * is you first (the API's rule).
 */
export function MfaPage() {
  const [who, setWho] = useState<Who | undefined>(undefined);
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<Who>("GET", "/me").then(
      (answer) => {
        setWho(answer);
        if (answer.user.mfaEnabled) return;
        recent(() => api<Enrolment>("POST", "/me/mfa/totp")).then(setEnrolment, (error) =>
          setFailure(problemText(error)),
        );
      },
      (error) => {
        if (error instanceof ApiError && error.status === 401)
          navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
        else setFailure(problemText(error));
      },
    );
  }, []);
  if (codes)
    return (
      <Card area="account" title={t.recoveryTitle}>
        <p>{t.recoveryIntro}</p>
        <ol class="codes" aria-label={t.recoveryTitle}>
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ol>
        <CopyButton text={codes.join("\n")} label={t.copyCodes} />
        <button class="primary" type="button" onClick={() => navigate(nextPath())}>
          {t.continue}
        </button>
      </Card>
    );
  if (who?.user.mfaEnabled)
    return (
      <Card area="account" title={t.mfaTitle}>
        <p role="status">{t.mfaAlreadyOn}</p>
        <button class="primary" type="button" onClick={() => navigate("/account/two-factor")}>
          {t.toAccount}
        </button>
      </Card>
    );
  return (
    <Card area="account" title={t.mfaTitle}>
      <p>{t.mfaIntro}</p>
      {failure && (
        <p class="error" role="alert">
          {failure}
        </p>
      )}
      {enrolment && (
        <>
          <img
            class="qr"
            alt={t.qrLabel}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`}
          />
          <p>
            {t.mfaSecret}{" "}
            <span class="secret" data-secret>
              {enrolment.secret}
            </span>
          </p>
          <Form
            button={t.confirm}
            submit={async (f) => {
              const answer = await api<{ recoveryCodes: string[] }>("POST", "/me/mfa/totp/confirm", { code: f.code });
              setCodes(answer.recoveryCodes);
            }}
          >
            {(error) => (
              <Field
                name="code"
                label={t.code}
                hint={t.codeHint}
                inputMode="numeric"
                autoComplete="one-time-code"
                error={error}
              />
            )}
          </Form>
        </>
      )}
      {failure && !who?.session?.mfaEnrolmentRequired && (
        <button type="button" onClick={() => navigate("/account/two-factor")}>
          {t.toAccount}
        </button>
      )}
      {who && !who.session?.mfaEnrolmentRequired && !failure && (
        <a
          class="quiet-link"
          href="/account/two-factor"
          onClick={(e) => {
            e.preventDefault();
            navigate("/account/two-factor");
          }}
        >
          {t.cancel}
        </a>
      )}
      <ReauthDialog />
    </Card>
  );
}
