import { useEffect, useState } from "preact/hooks";
import { api, fieldError } from "../../api.ts";
import { ConfirmButton, EmptyState, problemText, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { handleLostSession } from "../../shell.tsx";
import { Labeled, type SectionProps, Swatch } from "./common.tsx";

type Label = { id: string; name: string; color: string };
/** Colours offered first (any other can be picked). */
const DEFAULT_COLOR = "#0b5cad";

/** The team's labels for feedback: owners and members create, rename, recolour and delete them. */
export function LabelsSection({ team }: SectionProps) {
  const [labels, setLabels] = useState<Label[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const load = () =>
    api<{ labels: Label[] }>("GET", `/teams/${team.id}/labels`).then((a) => setLabels(a.labels), handleLostSession);
  useEffect(() => {
    load();
  }, [team.id]);
  const nameError = fieldError(error, "name");
  const colorError = fieldError(error, "color");
  const general = error && !nameError && !colorError ? problemText(error) : undefined;
  return (
    <>
      <section class="panel" aria-labelledby="new-label-title">
        <h2 id="new-label-title">{t.newLabel}</h2>
        <form
          class="inline-form"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const form = event.currentTarget as HTMLFormElement;
            const data = new FormData(form);
            setBusy(true);
            setError(undefined);
            try {
              const created = await api<Label>("POST", `/teams/${team.id}/labels`, {
                name: String(data.get("name") ?? "").trim(),
                color: data.get("color"),
              });
              toast(t.labelCreated.replace("{name}", created.name));
              form.reset();
              await load();
            } catch (caught) {
              handleLostSession(caught);
              setError(caught);
            } finally {
              setBusy(false);
            }
          }}
        >
          <Labeled id="label-name" class="grow" label={t.labelName} error={nameError} note="">
            <input
              id="label-name"
              name="name"
              maxLength={50}
              required
              aria-invalid={nameError ? "true" : undefined}
              aria-describedby="label-name-note"
            />
          </Labeled>
          <Labeled id="label-color" label={t.labelColor} error={colorError} note="">
            <input
              id="label-color"
              name="color"
              type="color"
              defaultValue={DEFAULT_COLOR}
              aria-invalid={colorError ? "true" : undefined}
              aria-describedby="label-color-note"
            />
          </Labeled>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.working : t.createLabel}
          </button>
        </form>
        {general && (
          <p class="error" role="alert">
            {general}
          </p>
        )}
      </section>
      <section class="panel" aria-labelledby="labels-title">
        <h2 id="labels-title">{t.labelsList}</h2>
        {!labels && <Skeleton lines={2} />}
        {labels?.length === 0 && <EmptyState>{t.labelsEmpty}</EmptyState>}
        {labels && labels.length > 0 && (
          <ul class="entities" aria-labelledby="labels-title">
            {labels.map((label) => (
              <LabelRow key={label.id} label={label} teamId={team.id} reload={load} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function LabelRow(props: { label: Label; teamId: string; reload: () => Promise<void> }) {
  const { label, teamId } = props;
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(label.color);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const base = `label-${label.id}`;
  if (!editing)
    return (
      <li class="entity">
        <div class="entity-main row-inline">
          <Swatch color={label.color} />
          <span class="entity-title">{label.name}</span>
          <span class="entity-sub mono">{label.color}</span>
        </div>
        <div class="entity-actions">
          <button
            type="button"
            aria-label={t.editLabel.replace("{name}", label.name)}
            onClick={() => {
              setName(label.name);
              setColor(label.color);
              setError(undefined);
              setEditing(true);
            }}
          >
            {t.edit}
          </button>
          <ConfirmButton
            label={t.delete}
            question={t.deleteLabelQuestion.replace("{name}", label.name)}
            confirm={t.delete}
            action={async () => {
              await api("DELETE", `/teams/${teamId}/labels/${label.id}`);
              toast(t.labelDeleted.replace("{name}", label.name));
              await props.reload();
            }}
          />
        </div>
      </li>
    );
  const nameError = fieldError(error, "name");
  const general = error && !nameError ? problemText(error) : undefined;
  return (
    <li class="entity">
      <form
        class="inline-form grow"
        aria-label={t.editLabel.replace("{name}", label.name)}
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            const changes = {
              ...(name.trim() !== label.name ? { name: name.trim() } : {}),
              ...(color.toLowerCase() !== label.color.toLowerCase() ? { color } : {}),
            };
            if (Object.keys(changes).length > 0) {
              const saved = await api<Label>("PATCH", `/teams/${teamId}/labels/${label.id}`, changes);
              toast(t.labelSaved.replace("{name}", saved.name));
              await props.reload();
            }
            setEditing(false);
          } catch (caught) {
            handleLostSession(caught);
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Labeled id={`${base}-name`} class="grow" label={t.labelName} error={nameError} note="">
          <input
            id={`${base}-name`}
            value={name}
            maxLength={50}
            required
            aria-invalid={nameError ? "true" : undefined}
            aria-describedby={`${base}-name-note`}
            onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)}
          />
        </Labeled>
        <Labeled id={`${base}-color`} label={t.labelColor} note="">
          <input
            id={`${base}-color`}
            type="color"
            value={color}
            onInput={(e) => setColor((e.currentTarget as HTMLInputElement).value)}
          />
        </Labeled>
        <div class="actions">
          <button type="button" onClick={() => setEditing(false)}>
            {t.cancel}
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.working : t.save}
          </button>
        </div>
        {general && (
          <p class="error full" role="alert">
            {general}
          </p>
        )}
      </form>
    </li>
  );
}
