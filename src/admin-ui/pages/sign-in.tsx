import { useEffect, useState } from "preact/hooks";
import { api } from "../api.ts";
import { Card, Field, Form, problemText } from "../components.tsx";
import { t } from "../i18n.ts";
import { LanguageSwitch } from "../language.tsx";
import { navigate } from "../router.ts";
import { goToProvider, type SignInProvider } from "../sso.ts";

type Login = { status: "signed_in"; mfaEnrolmentRequired: boolean } | { status: "mfa_required"; challenge: string };

/** Where to go after signing in: back to where the session was lost, on this origin only. */
function nextPath(): string {
  const to = new URLSearchParams(location.search).get("next") ?? "/";
  // "//host" and "/\\host" would leave the origin.
  return /^\/(?![/\\])/.test(to) ? to : "/";
}

/** What the SSO callback says went wrong (in the fragment), for a person. */
function ssoErrorText(code: string): string {
  const texts: Record<string, string> = {
    not_provisioned: t.ssoNotProvisioned,
    domain_not_allowed: t.ssoDomainNotAllowed,
    disabled: t.ssoDisabled,
    already_linked: t.ssoAlreadyLinked,
    invalid_request: t.ssoInvalidRequest,
  };
  return texts[code] ?? t.ssoFailed;
}

/** The fragment the SSO callback sends (never to a server), read once and then taken out of the address. */
function readFragment(): { mfaChallenge?: string; ssoLink?: string; ssoError?: string } {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  const read = (key: string) => {
    const value = hash.get(key);
    return value && /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : undefined;
  };
  return { mfaChallenge: read("mfaChallenge"), ssoLink: read("ssoLink"), ssoError: read("ssoError") };
}

/**
 * Password, then the authentication code (or a recovery code) when the account has a second factor;
 * or a configured sign-in provider. "Forgot password?" leads to the reset request. Coming back from a
 * provider with an account to link, signing in with the password confirms the link.
 */
export function SignInPage() {
  const [fragment] = useState(readFragment);
  const [challenge, setChallenge] = useState<string | undefined>(fragment.mfaChallenge);
  const [recovery, setRecovery] = useState(false);
  const [providers, setProviders] = useState<SignInProvider[]>([]);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<{ providers: SignInProvider[] }>("GET", "/auth/sso/providers").then(
      (answer) => setProviders(answer.providers),
      () => setProviders([]),
    );
  }, []);

  const signedIn = async (answer: { mfaEnrolmentRequired: boolean }) => {
    if (answer.mfaEnrolmentRequired) return navigate("/account/mfa");
    if (fragment.ssoLink) {
      try {
        await api("POST", `/me/sso-links/${fragment.ssoLink}/confirm`);
        return navigate("/account/sso");
      } catch (error) {
        setFailure(problemText(error));
        return;
      }
    }
    navigate(nextPath());
  };

  if (failure)
    return (
      <Card area="account" title={t.signInTitle}>
        <p class="error" role="alert">
          {failure}
        </p>
        <button class="primary" type="button" onClick={() => navigate(nextPath())}>
          {t.continue}
        </button>
      </Card>
    );

  if (!challenge)
    return (
      <Card area="account" title={t.signInTitle}>
        {fragment.ssoError && (
          <p class="error" role="alert">
            {ssoErrorText(fragment.ssoError)}
          </p>
        )}
        {fragment.ssoLink && (
          <p class="notice" role="status">
            {t.ssoLinkNotice}
          </p>
        )}
        <Form
          button={t.signIn}
          submit={async (f) => {
            const answer = await api<Login>("POST", "/auth/login", { email: f.email, password: f.password });
            if (answer.status === "mfa_required") setChallenge(answer.challenge);
            else await signedIn(answer);
          }}
        >
          {(error) => (
            <>
              <Field name="email" label={t.email} type="email" autoComplete="username" error={error} />
              <Field name="password" label={t.password} type="password" autoComplete="current-password" error={error} />
            </>
          )}
        </Form>
        <a
          class="quiet-link"
          href="/reset-password"
          onClick={(e) => {
            e.preventDefault();
            navigate("/reset-password");
          }}
        >
          {t.forgotPassword}
        </a>
        {providers.length > 0 && !fragment.ssoLink && (
          <div class="providers">
            <p class="divider">{t.orSignInWith}</p>
            {providers.map((provider) => (
              <button
                key={provider.id}
                type="button"
                onClick={async () => {
                  try {
                    const answer = await api<{ authorizationUrl: string }>(
                      "POST",
                      `/auth/sso/${encodeURIComponent(provider.id)}/start`,
                      { returnTo: nextPath() },
                    );
                    goToProvider(answer.authorizationUrl);
                  } catch (error) {
                    setFailure(problemText(error));
                  }
                }}
              >
                {t.signInWith.replace("{name}", provider.name)}
              </button>
            ))}
          </div>
        )}
        <LanguageSwitch compact />
      </Card>
    );
  return (
    <Card area="account" title={t.signInTitle}>
      <Form
        button={t.verify}
        submit={async (f) => {
          const body = recovery ? { challenge, recoveryCode: f.recoveryCode } : { challenge, code: f.code };
          await signedIn(await api<{ mfaEnrolmentRequired: boolean }>("POST", "/auth/mfa", body));
        }}
      >
        {(error) =>
          recovery ? (
            <Field name="recoveryCode" label={t.recoveryCode} autoComplete="one-time-code" error={error} />
          ) : (
            <Field
              name="code"
              label={t.code}
              hint={t.codeHint}
              inputMode="numeric"
              autoComplete="one-time-code"
              error={error}
            />
          )
        }
      </Form>
      {!recovery && (
        <button type="button" onClick={() => setRecovery(true)}>
          {t.useRecovery}
        </button>
      )}
    </Card>
  );
}
