import { useEffect, useState } from "preact/hooks";
import { ApiError, api, fieldError } from "../../api.ts";
import { problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { recent } from "../../reauth.tsx";
import { fill } from "./format.ts";

type Settings = {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  totpToleranceSeconds: number;
  auditRetentionDays: number;
};
type Name = keyof Settings;

/** Each setting with its bounds (the server's, src/shared/accounts.ts SettingsInput) and words. */
/** A function: the words are read in the current language (and after the area's strings have loaded). */
const fields = (): { name: Name; label: string; hint: string; min: number; max: number }[] => [
  { name: "sessionIdleMinutes", label: t.instIdle, hint: t.instIdleHint, min: 5, max: 240 },
  { name: "sessionAbsoluteHours", label: t.instAbsolute, hint: t.instAbsoluteHint, min: 1, max: 24 },
  { name: "totpToleranceSeconds", label: t.instTotp, hint: t.instTotpHint, min: 0, max: 30 },
  { name: "auditRetentionDays", label: t.instRetention, hint: t.instRetentionHint, min: 30, max: 3650 },
];

/** The instance's security settings: timeouts, the TOTP tolerance and how long the audit trail is kept. */
export function SettingsSection(props: { onError: (error: unknown) => void }) {
  const [settings, setSettings] = useState<Settings | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string | undefined>(undefined);
  useEffect(() => {
    api<Settings>("GET", "/instance/settings").then(setSettings, props.onError);
  }, []);
  if (!settings) return <Skeleton lines={4} />;
  const save = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const changes: Record<string, number | string> = {};
    for (const { name } of fields()) {
      const raw = String(form.get(name) ?? "").trim();
      const value = Number(raw);
      // A value that is no number goes as typed: the server names the field and says what it must be.
      if (raw === "" || !Number.isFinite(value)) changes[name] = raw;
      else if (value !== settings[name]) changes[name] = value;
    }
    setError(undefined);
    setSaved(undefined);
    if (Object.keys(changes).length === 0) {
      setSaved(t.instNothingChanged);
      return;
    }
    setBusy(true);
    try {
      const now = await recent(() => api<Settings>("PATCH", "/instance/settings", changes));
      setSettings(now);
      const said = fill(t.instSettingsSaved, {
        idle: now.sessionIdleMinutes,
        absolute: now.sessionAbsoluteHours,
        totp: now.totpToleranceSeconds,
        retention: now.auditRetentionDays,
      });
      setSaved(said);
      toast(said);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const general = error instanceof ApiError && !error.problem.errors?.length ? problemText(error) : undefined;
  return (
    <>
      <p class="intro">{t.instSettingsIntro}</p>
      <form class="panel settings-form" noValidate onSubmit={save}>
        {fields().map((field) => {
          const message = fieldError(error, field.name);
          return (
            <label key={field.name}>
              {field.label}
              <input
                name={field.name}
                type="number"
                inputMode="numeric"
                min={field.min}
                max={field.max}
                step={1}
                defaultValue={String(settings[field.name])}
                aria-invalid={message ? "true" : undefined}
                aria-describedby={message ? `${field.name}-note ${field.name}-hint` : `${field.name}-hint`}
                required
              />
              {message && (
                <span id={`${field.name}-note`} class="error">
                  {message}
                </span>
              )}
              <span id={`${field.name}-hint`} class="hint">
                {field.hint}
              </span>
            </label>
          );
        })}
        {general && (
          <p class="error" role="alert">
            {general}
          </p>
        )}
        <div class="form-end">
          <button class="primary" type="submit" disabled={busy}>
            {busy ? t.working : t.instSaveSettings}
          </button>
          <span class="saved" role="status">
            {saved ?? ""}
          </span>
        </div>
      </form>
    </>
  );
}
