import { api } from "../../api.ts";
import { Field, Form, Section, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { NewPasswordField, samePasswords } from "../../password-field.tsx";
import type { SectionProps } from "./common.tsx";

/** The sign-in address: changing it needs a fresh confirmation that it is you; the old address is told. */
export function EmailSection({ me, reload, run }: SectionProps) {
  return (
    <Section id="email-title" title={t.emailSection} intro={t.emailIntro}>
      <p>
        {t.emailCurrent} <strong class="plain">{me.user.email}</strong>
      </p>
      <Form
        button={t.changeEmail}
        submit={async (f) => {
          await run(() => api("PATCH", "/me", { email: f.email }));
          await reload();
          toast(t.emailChanged);
        }}
      >
        {(error) => <Field name="email" label={t.newEmail} type="email" autoComplete="email" error={error} />}
      </Form>
    </Section>
  );
}

/** Change the password with the current one (or set one, for an account that signs in with a provider). */
export function PasswordSection({ me, reload, run }: SectionProps) {
  const context = [me.user.email, me.user.email.split("@")[0] ?? "", me.user.displayName];
  const has = me.user.hasPassword;
  return (
    <Section
      id="password-title"
      title={has ? t.passwordSection : t.setPassword}
      intro={has ? t.passwordIntro : t.setPasswordIntro}
    >
      <Form
        button={has ? t.changePassword : t.setPassword}
        submit={async (f) => {
          samePasswords(f, "newPassword", "repeatPassword");
          if (has)
            await api("POST", "/me/password", { currentPassword: f.currentPassword, newPassword: f.newPassword });
          else await run(() => api("POST", "/me/password", { newPassword: f.newPassword }));
          await reload();
          toast(t.passwordChanged);
        }}
      >
        {(error) => (
          <>
            {has && (
              <Field
                name="currentPassword"
                label={t.currentPassword}
                type="password"
                autoComplete="current-password"
                error={error}
              />
            )}
            <NewPasswordField name="newPassword" label={t.newPassword} context={context} error={error} />
            <Field
              name="repeatPassword"
              label={t.repeatPassword}
              type="password"
              autoComplete="new-password"
              error={error}
            />
          </>
        )}
      </Form>
    </Section>
  );
}
