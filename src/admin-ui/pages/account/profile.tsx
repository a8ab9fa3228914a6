import { api } from "../../api.ts";
import { ConfirmButton, Field, Form, Section, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { LanguageSwitch } from "../../language.tsx";
import { navigate } from "../../router.ts";
import type { SectionProps } from "./common.tsx";

/** The name teammates see, the UI's language, and deleting the account. */
export function ProfileSection({ me, reload, run }: SectionProps) {
  return (
    <>
      <Section id="profile-name" title={t.profile} intro={t.profileIntro}>
        <Form
          button={t.saveName}
          submit={async (f) => {
            await api("PATCH", "/me", { displayName: f.displayName });
            await reload();
            toast(t.nameSaved);
          }}
        >
          {(error) => (
            <Field
              name="displayName"
              label={t.displayName}
              autoComplete="name"
              defaultValue={me.user.displayName}
              error={error}
            />
          )}
        </Form>
      </Section>
      <Section id="profile-language" title={t.language} intro={t.languageIntro}>
        <LanguageSwitch />
      </Section>
      <Section id="profile-delete" title={t.deleteAccount} intro={t.deleteAccountIntro}>
        <ConfirmButton
          label={t.deleteAccount}
          question={t.deleteAccountQuestion.replace("{email}", me.user.email)}
          confirm={t.deleteAccountConfirm}
          action={async () => {
            await run(() => api("DELETE", "/me"));
            navigate("/sign-in");
          }}
        />
      </Section>
    </>
  );
}
