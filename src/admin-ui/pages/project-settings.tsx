import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { PublicProject } from "../../shared/teams.ts";
import type { WidgetSettings } from "../../shared/widget-settings.ts";
import { ApiError, api } from "../api.ts";
import { Badge, toast } from "../components.tsx";
import { t } from "../i18n.ts";
import { handleLostSession } from "../shell.tsx";
import {
  CheckControl,
  ColorControl,
  type FieldErrors,
  fieldErrors,
  Group,
  idOf,
  ListControl,
  NumberControl,
  SelectControl,
  TextControl,
} from "./project-controls.tsx";

export type Settings = WidgetSettings;
export type Label = { id: string; name: string; color: string };
/** Changes the unsaved settings (the preview and the rule explainer show them at once). */
export type Edit = (change: (draft: Settings) => Settings) => void;

/** What every settings section gets from the page. */
export type SectionProps = {
  teamId: string;
  project: PublicProject;
  draft: Settings;
  edit: Edit;
  /** Whether the caller's role may change this section (the API decides; this only avoids a futile form). */
  editable: boolean;
  onSaved: (project: PublicProject, keys: (keyof Settings)[]) => void;
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * One section of the settings: its controls, whether it has unsaved changes, and a save button that
 * sends only its own parts of the settings (a change replaces the sections it names). A failed save
 * shows each field's message beside its control; what no control claims is listed at the end.
 */
export function SettingsSection(
  props: SectionProps & {
    id: string;
    title: string;
    intro: string;
    keys: (keyof Settings)[];
    save: string;
    readOnly: string;
    /** The settings as they are sent (e.g. empty lines dropped). */
    prepare?: (draft: Settings) => Partial<Settings>;
    children: (errors: FieldErrors) => ComponentChildren;
    /** Before the controls, usable whatever the role (e.g. which language to look at). */
    lead?: ComponentChildren;
    after?: ComponentChildren;
  },
) {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [savedAt, setSavedAt] = useState<Date | undefined>(undefined);
  const { draft, project, keys } = props;
  const dirty = keys.some((key) => !same(draft[key], project.settings[key]));
  const errors = fieldErrors(error);
  const body = props.children(errors);
  const unclaimed = errors.rest();
  const general =
    error instanceof ApiError && !error.problem.errors?.length
      ? (error.problem.detail ?? t.failed.replace("{code}", error.problem.code))
      : undefined;
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const part = props.prepare?.(draft) ?? draft;
      const settings = Object.fromEntries(keys.map((key) => [key, part[key] ?? draft[key]]));
      const updated = await api<PublicProject>("PATCH", `/teams/${props.teamId}/projects/${project.id}`, {
        settings,
      });
      props.onSaved(updated, keys);
      setSavedAt(new Date());
      toast(t.sectionSaved.replace("{section}", props.title));
    } catch (caught) {
      handleLostSession(caught);
      setError(caught);
      // The first control the API named gets the focus.
      const first = caught instanceof ApiError ? caught.problem.errors?.[0]?.field : undefined;
      if (first) requestAnimationFrame(() => document.getElementById(idOf(first))?.focus());
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel settings" id={props.id} aria-labelledby={`${props.id}-title`}>
      <header class="section-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {dirty && <Badge tone="warn">{t.unsaved}</Badge>}
        {!props.editable && <Badge>{t.readOnly}</Badge>}
      </header>
      <p>{props.intro}</p>
      {!props.editable && <p class="hint">{props.readOnly}</p>}
      {props.lead}
      <fieldset class="plain" disabled={!props.editable}>
        {body}
      </fieldset>
      {(general || unclaimed.length > 0) && (
        <div class="error" role="alert">
          {general}
          {unclaimed.length > 0 && (
            <ul>
              {unclaimed.map((e) => (
                <li key={e.field}>{`${e.field}: ${e.message}`}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {props.editable && (
        <div class="section-actions">
          <button type="button" class="primary" disabled={busy || !dirty} onClick={save}>
            {busy ? t.working : props.save}
          </button>
          {dirty && (
            <button
              type="button"
              onClick={() => {
                setError(undefined);
                props.edit((d) => ({ ...d, ...Object.fromEntries(keys.map((k) => [k, project.settings[k]])) }));
              }}
            >
              {t.discard}
            </button>
          )}
          {savedAt && !dirty && (
            <span class="hint" role="status">
              {t.savedAt.replace("{time}", savedAt.toLocaleTimeString())}
            </span>
          )}
        </div>
      )}
      {props.after}
    </section>
  );
}

const OWNERS_ONLY = () => t.ownersOnly;
const MEMBERS_TOO = () => t.membersAndOwners;

export function AppearanceSection(props: SectionProps) {
  const a = props.draft.appearance;
  const set = (change: Partial<Settings["appearance"]>) =>
    props.edit((d) => ({ ...d, appearance: { ...d.appearance, ...change } }));
  return (
    <SettingsSection
      {...props}
      id="appearance"
      title={t.appearance}
      intro={t.appearanceIntro}
      keys={["appearance"]}
      save={t.saveAppearance}
      readOnly={MEMBERS_TOO()}
    >
      {(errors) => (
        <div class="controls">
          <SelectControl
            path="settings.appearance.launcher"
            label={t.launcher}
            hint={t.launcherHint}
            error={errors.at("settings.appearance.launcher")}
            value={a.launcher}
            options={[
              ["button", t.launcherButton],
              ["tab", t.launcherTab],
              ["none", t.launcherNone],
            ]}
            onChange={(launcher) => set({ launcher })}
          />
          <SelectControl
            path="settings.appearance.position"
            label={t.position}
            error={errors.at("settings.appearance.position")}
            value={a.position}
            options={[
              ["bottom-right", t.bottomRight],
              ["bottom-left", t.bottomLeft],
              ["top-right", t.topRight],
              ["top-left", t.topLeft],
            ]}
            onChange={(position) => set({ position })}
          />
          <ColorControl
            path="settings.appearance.color"
            label={t.color}
            hint={t.colorHint}
            error={errors.at("settings.appearance.color")}
            value={a.color}
            onInput={(color) => set({ color })}
          />
          <TextControl
            path="settings.appearance.label"
            label={t.launcherLabel}
            hint={t.launcherLabelHint}
            error={errors.at("settings.appearance.label")}
            value={a.label}
            maxLength={40}
            onInput={(label) => set({ label })}
          />
          <NumberControl
            path="settings.appearance.visitorMayHideDays"
            label={t.hideDays}
            hint={t.hideDaysHint}
            error={errors.at("settings.appearance.visitorMayHideDays")}
            value={a.visitorMayHideDays}
            min={0}
            max={365}
            unit={t.daysUnit}
            onInput={(days) => set({ visitorMayHideDays: days ?? 0 })}
          />
        </div>
      )}
    </SettingsSection>
  );
}

type Fields = Settings["fields"];
type Custom = Fields["custom"][number];

export function FieldsSection(props: SectionProps & { labels: Label[] | undefined }) {
  const f = props.draft.fields;
  const set = (change: Partial<Fields>) => props.edit((d) => ({ ...d, fields: { ...d.fields, ...change } }));
  const setCustom = (i: number, field: Custom) => set({ custom: f.custom.map((c, j) => (j === i ? field : c)) });
  const toggle = (key: "rating" | "email" | "title" | "category", errors: FieldErrors, title: string, hint: string) => (
    <>
      <CheckControl
        path={`settings.fields.${key}.enabled`}
        label={title}
        hint={hint}
        error={errors.at(`settings.fields.${key}.enabled`)}
        checked={f[key].enabled}
        onChange={(enabled) => set({ [key]: { ...f[key], enabled } })}
      />
      {f[key].enabled && (
        <CheckControl
          path={`settings.fields.${key}.required`}
          label={t.required}
          error={errors.at(`settings.fields.${key}.required`)}
          checked={f[key].required}
          onChange={(required) => set({ [key]: { ...f[key], required } })}
        />
      )}
    </>
  );
  return (
    <SettingsSection
      {...props}
      id="fields"
      title={t.formFields}
      intro={t.formFieldsIntro}
      keys={["fields"]}
      save={t.saveFields}
      readOnly={MEMBERS_TOO()}
      prepare={(d) => ({
        fields: {
          ...d.fields,
          custom: d.fields.custom.map((c) =>
            c.type === "select" ? { ...c, options: c.options.map((o) => o.trim()).filter(Boolean) } : c,
          ),
        },
      })}
    >
      {(errors) => (
        <div class="controls">
          <Group title={t.rating}>
            {toggle("rating", errors, t.askRating, t.askRatingHint)}
            {f.rating.enabled && (
              <SelectControl
                path="settings.fields.rating.scale"
                label={t.ratingScale}
                error={errors.at("settings.fields.rating.scale")}
                value={f.rating.scale}
                options={[
                  ["stars", t.scaleStars],
                  ["emoji", t.scaleEmoji],
                  ["nps", t.scaleNps],
                ]}
                onChange={(scale) => set({ rating: { ...f.rating, scale } })}
              />
            )}
          </Group>
          <Group title={t.titleAndEmail}>
            {toggle("title", errors, t.askTitle, t.askTitleHint)}
            {toggle("email", errors, t.askEmail, t.askEmailHint)}
          </Group>
          <Group title={t.category} hint={t.categoryHint}>
            {toggle("category", errors, t.askCategory, t.askCategoryHint)}
            {f.category.enabled &&
              (props.labels === undefined ? (
                <p class="hint">{t.categoryLabelsCount.replace("{n}", String(f.category.labelIds.length))}</p>
              ) : props.labels.length === 0 ? (
                <p class="hint">{t.noLabels}</p>
              ) : (
                <fieldset class="control list">
                  <legend>{t.categoryOptions}</legend>
                  <div class="chips">
                    {props.labels.map((label) => (
                      <CheckControl
                        key={label.id}
                        path={`settings.fields.category.labelIds.${label.id}`}
                        label={label.name}
                        checked={f.category.labelIds.includes(label.id)}
                        onChange={(on) =>
                          set({
                            category: {
                              ...f.category,
                              labelIds: on
                                ? [...f.category.labelIds, label.id]
                                : f.category.labelIds.filter((id) => id !== label.id),
                            },
                          })
                        }
                      />
                    ))}
                  </div>
                  <span class="error">{errors.at("settings.fields.category.labelIds") ?? ""}</span>
                </fieldset>
              ))}
          </Group>
          <Group title={t.customFields} hint={t.customFieldsHint}>
            {f.custom.map((field, i) => {
              const path = `settings.fields.custom.${i}`;
              return (
                <div class="custom-field" key={i}>
                  <div class="controls two">
                    <SelectControl
                      path={`${path}.type`}
                      label={t.fieldType}
                      error={errors.at(`${path}.type`)}
                      value={field.type}
                      options={[
                        ["select", t.fieldSelect],
                        ["checkbox", t.fieldCheckbox],
                      ]}
                      onChange={(type) =>
                        setCustom(
                          i,
                          type === "select"
                            ? { type, id: field.id, label: field.label, options: [], required: field.required }
                            : { type, id: field.id, label: field.label, required: field.required },
                        )
                      }
                    />
                    <TextControl
                      path={`${path}.id`}
                      label={t.fieldKey}
                      hint={t.fieldKeyHint}
                      error={errors.at(`${path}.id`)}
                      value={field.id}
                      mono
                      onInput={(id) => setCustom(i, { ...field, id })}
                    />
                  </div>
                  <TextControl
                    path={`${path}.label`}
                    label={t.fieldLabel}
                    error={errors.at(`${path}.label`)}
                    value={field.label}
                    onInput={(label) => setCustom(i, { ...field, label })}
                  />
                  {field.type === "select" && (
                    <OptionsControl
                      path={`${path}.options`}
                      error={
                        errors.at(`${path}.options`) ??
                        field.options.map((_, k) => errors.at(`${path}.options.${k}`)).find(Boolean)
                      }
                      value={field.options}
                      onInput={(options) => setCustom(i, { ...field, options })}
                    />
                  )}
                  <div class="row-actions">
                    <CheckControl
                      path={`${path}.required`}
                      label={t.required}
                      error={errors.at(`${path}.required`)}
                      checked={field.required}
                      onChange={(required) => setCustom(i, { ...field, required })}
                    />
                    <button
                      type="button"
                      class="danger"
                      onClick={() => set({ custom: f.custom.filter((_, j) => j !== i) })}
                    >
                      {t.removeField.replace("{n}", String(i + 1))}
                    </button>
                  </div>
                </div>
              );
            })}
            <span class="error">{errors.at("settings.fields.custom") ?? ""}</span>
            {f.custom.length < 10 && (
              <button
                type="button"
                class="add"
                onClick={() =>
                  set({
                    custom: [
                      ...f.custom,
                      { type: "select", id: `field_${f.custom.length + 1}`, label: "", options: [], required: false },
                    ],
                  })
                }
              >
                {t.addField}
              </button>
            )}
          </Group>
        </div>
      )}
    </SettingsSection>
  );
}

/** A select field's options, one a line. */
function OptionsControl(props: {
  path: string;
  error: string | undefined;
  value: string[];
  onInput: (options: string[]) => void;
}) {
  const id = idOf(props.path);
  return (
    <div class="control">
      <label for={id}>{t.fieldOptions}</label>
      <textarea
        id={id}
        rows={3}
        aria-describedby={`${id}-note`}
        aria-invalid={props.error ? "true" : undefined}
        value={props.value.join("\n")}
        onInput={(e) => props.onInput((e.currentTarget as HTMLTextAreaElement).value.split("\n"))}
      />
      <span id={`${id}-note`} class={props.error ? "error" : "hint"}>
        {props.error ?? t.fieldOptionsHint}
      </span>
    </div>
  );
}

type Rules = Settings["rules"];
type UrlRule = Rules["urls"]["include"][number];

export function RulesSection(props: SectionProps & { explainer: ComponentChildren }) {
  const r = props.draft.rules;
  const set = (change: Partial<Rules>) => props.edit((d) => ({ ...d, rules: { ...d.rules, ...change } }));
  const auto = (change: Partial<Rules["autoOpen"]>) => set({ autoOpen: { ...r.autoOpen, ...change } });
  const frequency = (change: Partial<Rules["frequency"]>) => set({ frequency: { ...r.frequency, ...change } });
  const urlRules = (kind: "include" | "exclude", errors: FieldErrors) => {
    const list = r.urls[kind];
    const put = (next: UrlRule[]) => set({ urls: { ...r.urls, [kind]: next } });
    return (
      <fieldset class="control list">
        <legend>{kind === "include" ? t.urlInclude : t.urlExclude}</legend>
        <p class="hint">{kind === "include" ? t.urlIncludeHint : t.urlExcludeHint}</p>
        {list.map((rule, i) => {
          const path = `settings.rules.urls.${kind}.${i}`;
          const error = errors.at(`${path}.value`) ?? errors.at(`${path}.match`) ?? errors.at(path);
          const n = `${kind === "include" ? t.urlIncludeRule : t.urlExcludeRule} ${i + 1}`;
          return (
            <div class="list-item" key={i}>
              <div class="list-row">
                <label class="sr-only" for={idOf(`${path}.match`)}>
                  {t.ruleMatch.replace("{rule}", n)}
                </label>
                <select
                  id={idOf(`${path}.match`)}
                  value={rule.match}
                  onChange={(e) =>
                    put(
                      list.map((x, j) =>
                        j === i ? { ...x, match: (e.currentTarget as HTMLSelectElement).value as UrlRule["match"] } : x,
                      ),
                    )
                  }
                >
                  {(["contains", "equals", "startsWith", "endsWith", "glob"] as const).map((m) => (
                    <option key={m} value={m}>
                      {t[`match_${m}`]}
                    </option>
                  ))}
                </select>
                <label class="sr-only" for={idOf(`${path}.value`)}>
                  {t.ruleValue.replace("{rule}", n)}
                </label>
                <input
                  id={idOf(`${path}.value`)}
                  class="mono"
                  value={rule.value}
                  placeholder={rule.match === "glob" ? "https://shop.example.eu/*/checkout" : "/checkout"}
                  aria-describedby={`${idOf(`${path}.value`)}-note`}
                  aria-invalid={error ? "true" : undefined}
                  autoComplete="off"
                  spellcheck={false}
                  onInput={(e) =>
                    put(
                      list.map((x, j) => (j === i ? { ...x, value: (e.currentTarget as HTMLInputElement).value } : x)),
                    )
                  }
                />
                <button
                  type="button"
                  class="icon"
                  aria-label={t.removeItem.replace("{item}", n)}
                  onClick={() => put(list.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </div>
              <span id={`${idOf(`${path}.value`)}-note`} class="error">
                {error ?? ""}
              </span>
            </div>
          );
        })}
        {list.length < 50 && (
          <button type="button" class="add" onClick={() => put([...list, { match: "contains", value: "" }])}>
            {kind === "include" ? t.addInclude : t.addExclude}
          </button>
        )}
      </fieldset>
    );
  };
  return (
    <SettingsSection
      {...props}
      id="rules"
      title={t.displayRules}
      intro={t.displayRulesIntro}
      keys={["rules"]}
      save={t.saveRules}
      readOnly={MEMBERS_TOO()}
      after={props.explainer}
    >
      {(errors) => (
        <div class="controls">
          <Group title={t.autoOpen} hint={t.autoOpenHint}>
            <div class="controls two">
              <NumberControl
                path="settings.rules.autoOpen.afterSeconds"
                label={t.afterSeconds}
                hint={t.emptyIsOff}
                error={errors.at("settings.rules.autoOpen.afterSeconds")}
                value={r.autoOpen.afterSeconds}
                min={1}
                max={3600}
                nullable
                unit={t.seconds}
                onInput={(afterSeconds) => auto({ afterSeconds })}
              />
              <NumberControl
                path="settings.rules.autoOpen.scrollPercent"
                label={t.scrollPercent}
                hint={t.emptyIsOff}
                error={errors.at("settings.rules.autoOpen.scrollPercent")}
                value={r.autoOpen.scrollPercent}
                min={1}
                max={100}
                nullable
                unit="%"
                onInput={(scrollPercent) => auto({ scrollPercent })}
              />
            </div>
            <CheckControl
              path="settings.rules.autoOpen.exitIntent"
              label={t.exitIntent}
              hint={t.exitIntentHint}
              error={errors.at("settings.rules.autoOpen.exitIntent")}
              checked={r.autoOpen.exitIntent}
              onChange={(exitIntent) => auto({ exitIntent })}
            />
            <ListControl
              path="settings.rules.autoOpen.onEvents"
              label={t.onEvents}
              hint={t.onEventsHint}
              error={errors.at("settings.rules.autoOpen.onEvents")}
              errors={r.autoOpen.onEvents.map((_, i) => errors.at(`settings.rules.autoOpen.onEvents.${i}`))}
              values={r.autoOpen.onEvents}
              onChange={(onEvents) => auto({ onEvents })}
              itemLabel={t.eventName}
              addLabel={t.addEvent}
              placeholder="checkout:failed"
              max={20}
              empty={t.noEvents}
            />
          </Group>
          <Group title={t.whoAndWhere}>
            <SelectControl
              path="settings.rules.audience"
              label={t.audience}
              hint={t.audienceHint}
              error={errors.at("settings.rules.audience")}
              value={r.audience}
              options={[
                ["everyone", t.audienceEveryone],
                ["identified", t.audienceIdentified],
                ["nobody", t.audienceNobody],
              ]}
              onChange={(audience) => set({ audience })}
            />
            <fieldset class="control list">
              <legend>{t.devices}</legend>
              <div class="chips">
                {(["desktop", "tablet", "mobile"] as const).map((device) => (
                  <CheckControl
                    key={device}
                    path={`settings.rules.devices.${device}`}
                    label={t[`device_${device}`]}
                    checked={r.devices.includes(device)}
                    onChange={(on) =>
                      set({ devices: on ? [...r.devices, device] : r.devices.filter((d) => d !== device) })
                    }
                  />
                ))}
              </div>
              <span class="error">{errors.at("settings.rules.devices") ?? ""}</span>
            </fieldset>
            <NumberControl
              path="settings.rules.samplePercent"
              label={t.samplePercent}
              hint={t.samplePercentHint}
              error={errors.at("settings.rules.samplePercent")}
              value={r.samplePercent}
              min={0}
              max={100}
              unit="%"
              onInput={(samplePercent) => set({ samplePercent: samplePercent ?? 0 })}
            />
            {urlRules("include", errors)}
            {urlRules("exclude", errors)}
          </Group>
          <Group title={t.frequency}>
            <CheckControl
              path="settings.rules.frequency.showOnce"
              label={t.showOnce}
              error={errors.at("settings.rules.frequency.showOnce")}
              checked={r.frequency.showOnce}
              onChange={(showOnce) => frequency({ showOnce })}
            />
            <div class="controls two">
              <NumberControl
                path="settings.rules.frequency.againAfterDismissDays"
                label={t.againAfterDismiss}
                hint={t.emptyIsNever}
                error={errors.at("settings.rules.frequency.againAfterDismissDays")}
                value={r.frequency.againAfterDismissDays}
                min={0}
                max={3650}
                nullable
                unit={t.daysUnit}
                onInput={(againAfterDismissDays) => frequency({ againAfterDismissDays })}
              />
              <NumberControl
                path="settings.rules.frequency.againAfterSubmitDays"
                label={t.againAfterSubmit}
                hint={t.emptyIsNever}
                error={errors.at("settings.rules.frequency.againAfterSubmitDays")}
                value={r.frequency.againAfterSubmitDays}
                min={0}
                max={3650}
                nullable
                unit={t.daysUnit}
                onInput={(againAfterSubmitDays) => frequency({ againAfterSubmitDays })}
              />
            </div>
            <NumberControl
              path="settings.rules.frequency.maxTimes"
              label={t.maxTimes}
              hint={t.emptyIsUnlimited}
              error={errors.at("settings.rules.frequency.maxTimes")}
              value={r.frequency.maxTimes}
              min={1}
              max={1000}
              nullable
              onInput={(maxTimes) => frequency({ maxTimes })}
            />
          </Group>
        </div>
      )}
    </SettingsSection>
  );
}

export function CaptureSection(props: SectionProps) {
  const c = props.draft.capture;
  const set = (change: Partial<Settings["capture"]>) =>
    props.edit((d) => ({ ...d, capture: { ...d.capture, ...change } }));
  return (
    <SettingsSection
      {...props}
      id="capture"
      title={t.screenshots}
      intro={t.screenshotsIntro}
      keys={["capture"]}
      save={t.saveCapture}
      readOnly={MEMBERS_TOO()}
    >
      {(errors) => (
        <div class="controls two">
          <SelectControl
            path="settings.capture.mode"
            label={t.captureMode}
            error={errors.at("settings.capture.mode")}
            value={c.mode}
            options={[
              ["viewport", t.captureViewport],
              ["fullPage", t.captureFullPage],
            ]}
            onChange={(mode) => set({ mode })}
          />
          <NumberControl
            path="settings.capture.maxWidth"
            label={t.captureMaxWidth}
            hint={t.captureMaxWidthHint}
            error={errors.at("settings.capture.maxWidth")}
            value={c.maxWidth}
            min={640}
            max={3840}
            unit="px"
            onInput={(maxWidth) => set({ maxWidth: maxWidth ?? Number.NaN })}
          />
        </div>
      )}
    </SettingsSection>
  );
}

export function PrivacySection(props: SectionProps) {
  const p = props.draft.privacy;
  const set = (change: Partial<Settings["privacy"]>) =>
    props.edit((d) => ({ ...d, privacy: { ...d.privacy, ...change } }));
  return (
    <SettingsSection
      {...props}
      id="privacy"
      title={t.privacy}
      intro={t.privacyIntro}
      keys={["privacy"]}
      save={t.savePrivacy}
      readOnly={OWNERS_ONLY()}
      prepare={(d) => ({ privacy: { ...d.privacy, selectors: d.privacy.selectors.filter((s) => s.trim()) } })}
    >
      {(errors) => (
        <div class="controls">
          <CheckControl
            path="settings.privacy.formFields"
            label={t.maskFormFields}
            hint={t.maskFormFieldsHint}
            error={errors.at("settings.privacy.formFields")}
            checked={p.formFields}
            onChange={(formFields) => set({ formFields })}
          />
          <CheckControl
            path="settings.privacy.maskEmails"
            label={t.maskEmails}
            error={errors.at("settings.privacy.maskEmails")}
            checked={p.maskEmails}
            onChange={(maskEmails) => set({ maskEmails })}
          />
          <CheckControl
            path="settings.privacy.maskCardNumbers"
            label={t.maskCards}
            hint={t.maskTextHint}
            error={errors.at("settings.privacy.maskCardNumbers")}
            checked={p.maskCardNumbers}
            onChange={(maskCardNumbers) => set({ maskCardNumbers })}
          />
          <ListControl
            path="settings.privacy.selectors"
            label={t.privateSelectors}
            hint={t.privateSelectorsHint}
            error={errors.at("settings.privacy.selectors")}
            errors={p.selectors.map((_, i) => errors.at(`settings.privacy.selectors.${i}`))}
            values={p.selectors}
            onChange={(selectors) => set({ selectors })}
            itemLabel={t.selector}
            addLabel={t.addSelector}
            placeholder=".account-number, #iban"
            max={50}
            empty={t.noSelectors}
          />
        </div>
      )}
    </SettingsSection>
  );
}

export function DataSection(props: SectionProps) {
  const d = props.draft;
  return (
    <SettingsSection
      {...props}
      id="data"
      title={t.dataCollected}
      intro={t.dataCollectedIntro}
      keys={["storage", "storeIp", "urlQuery", "consoleCapture"]}
      save={t.saveData}
      readOnly={OWNERS_ONLY()}
    >
      {(errors) => (
        <div class="controls">
          <SelectControl
            path="settings.urlQuery"
            label={t.urlQuery}
            hint={t.urlQueryHint}
            error={errors.at("settings.urlQuery")}
            value={d.urlQuery}
            options={[
              ["drop", t.urlQueryDrop],
              ["keep", t.urlQueryKeep],
            ]}
            onChange={(urlQuery) => props.edit((s) => ({ ...s, urlQuery }))}
          />
          <CheckControl
            path="settings.storeIp"
            label={t.storeIp}
            hint={t.storeIpHint}
            error={errors.at("settings.storeIp")}
            checked={d.storeIp}
            onChange={(storeIp) => props.edit((s) => ({ ...s, storeIp }))}
          />
          <CheckControl
            path="settings.storage"
            label={t.storage}
            hint={t.storageHint}
            error={errors.at("settings.storage")}
            checked={d.storage}
            onChange={(storage) => props.edit((s) => ({ ...s, storage }))}
          />
          <CheckControl
            path="settings.consoleCapture"
            label={t.consoleCapture}
            hint={t.consoleCaptureHint}
            error={errors.at("settings.consoleCapture")}
            checked={d.consoleCapture}
            onChange={(consoleCapture) => props.edit((s) => ({ ...s, consoleCapture }))}
          />
        </div>
      )}
    </SettingsSection>
  );
}

export function OriginsSection(props: SectionProps) {
  const origins = props.draft.allowedOrigins;
  return (
    <SettingsSection
      {...props}
      id="origins"
      title={t.allowedWebsites}
      intro={t.allowedWebsitesIntro.replace("{origin}", location.origin)}
      keys={["allowedOrigins"]}
      save={t.saveOrigins}
      readOnly={OWNERS_ONLY()}
      prepare={(d) => ({ allowedOrigins: d.allowedOrigins.filter((o) => o.trim()) })}
    >
      {(errors) => (
        <ListControl
          path="settings.allowedOrigins"
          label={t.websites}
          hint={t.siteOriginHint}
          error={errors.at("settings.allowedOrigins")}
          errors={origins.map((_, i) => errors.at(`settings.allowedOrigins.${i}`))}
          values={origins}
          onChange={(allowedOrigins) => props.edit((d) => ({ ...d, allowedOrigins }))}
          itemLabel={t.website}
          addLabel={t.addWebsite}
          placeholder="https://shop.example.eu"
          max={50}
          empty={t.noWebsites}
        />
      )}
    </SettingsSection>
  );
}

export const WIDGET_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl"] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];
/** The widget's built-in strings of one language, as the preview reports them. */
export type BuiltInStrings = { lang: string; dialog: Record<string, string>; editor: Record<string, string> };

export function StringsSection(
  props: SectionProps & {
    lang: WidgetLanguage;
    onLang: (lang: WidgetLanguage) => void;
    builtIn: BuiltInStrings | undefined;
  },
) {
  const { lang, builtIn } = props;
  const [expanded, setExpanded] = useState(false);
  const overrides = props.draft.strings[lang] ?? {};
  const defaults = builtIn?.lang === lang ? { ...builtIn.dialog, ...builtIn.editor } : undefined;
  const keys = [...new Set([...Object.keys(defaults ?? {}), ...Object.keys(overrides)])];
  const put = (key: string, value: string) =>
    props.edit((d) => {
      const own = { ...(d.strings[lang] ?? {}) };
      if (value === "") delete own[key];
      else own[key] = value;
      const strings = { ...d.strings };
      if (Object.keys(own).length === 0) delete strings[lang];
      else strings[lang] = own;
      return { ...d, strings };
    });
  return (
    <SettingsSection
      {...props}
      id="strings"
      title={t.texts}
      intro={t.textsIntro}
      keys={["strings"]}
      save={t.saveStrings}
      readOnly={MEMBERS_TOO()}
      lead={
        <SelectControl
          path="strings-language"
          label={t.textsLanguage}
          hint={t.textsLanguageHint}
          value={lang}
          options={WIDGET_LANGUAGES.map((l) => [l, t[`lang_${l}`]] as const)}
          onChange={props.onLang}
        />
      }
    >
      {(errors) => {
        const controls = keys.map((key) => (
          <TextControl
            key={`${lang}.${key}`}
            path={`settings.strings.${lang}.${key}`}
            label={defaults?.[key] ?? key}
            hint={t.stringKey.replace("{key}", key)}
            error={errors.at(`settings.strings.${lang}.${key}`)}
            value={overrides[key] ?? ""}
            placeholder={defaults?.[key]}
            maxLength={500}
            onInput={(value) => put(key, value)}
          />
        ));
        const changed = Object.keys(overrides).length;
        // Long (about 50 texts): folded unless something is overridden or refused.
        const open = changed > 0 || controls.some((c) => c.props.error);
        return (
          <div class="controls">
            {!defaults && <p class="hint">{t.textsLoading}</p>}
            <details
              class="strings-all"
              open={expanded || open}
              onToggle={(e) => setExpanded((e.currentTarget as HTMLDetailsElement).open)}
            >
              <summary>{t.textsAll.replace("{n}", String(keys.length)).replace("{changed}", String(changed))}</summary>
              <div class="strings">{controls}</div>
            </details>
          </div>
        );
      }}
    </SettingsSection>
  );
}
