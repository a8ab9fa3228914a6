import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Card, Field, Form } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";

type Enrolment = { secret: string; otpauthUri: string; qrSvg: string };

/** TOTP enrolment: the QR code (an image, never markup in the page), the key, the first code, then recovery codes. */
export function MfaPage() {
  const [enrolment, setEnrolment] = useState<Enrolment | undefined>(undefined);
  const [codes, setCodes] = useState<string[] | undefined>(undefined);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<Enrolment>("POST", "/me/mfa/totp").then(setEnrolment, (error: Error) => {
      if ((error as { status?: number }).status === 401) navigate("/sign-in?next=/account/mfa");
      else setFailure(error.message);
    });
  }, []);
  if (codes)
    return (
      <Card title={t.recoveryTitle}>
        <p>{t.recoveryIntro}</p>
        <ol class="codes" aria-label={t.recoveryTitle}>
          {codes.map((code) => (
            <li key={code}>{code}</li>
          ))}
        </ol>
        <button class="primary" type="button" onClick={() => navigate("/")}>
          {t.continue}
        </button>
      </Card>
    );
  return (
    <Card title={t.mfaTitle}>
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
    </Card>
  );
}
