import { useState } from "preact/hooks";
import type { SubjectErase, SubjectFind } from "../../../shared/privacy.ts";
import { api, fieldError } from "../../api.ts";
import { Badge, Dialog, EmptyState, problemText, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { isCancelled, recent } from "../../reauth.tsx";
import { handleLostSession } from "../../shell.tsx";
import { ActionButton, downloadFrom, type SectionProps, Time } from "./common.tsx";

type Query = { email?: string; reporterId?: string };

/** The query as the API takes it: empty fields left out. */
const queryOf = (email: string, reporterId: string): Query => ({
  ...(email.trim() ? { email: email.trim() } : {}),
  ...(reporterId.trim() ? { reporterId: reporterId.trim() } : {}),
});

/**
 * GDPR requests (owners): find everything the team holds about one person by email address or widget
 * reporter id, export it as one ZIP archive, or erase it for good at once. Export and erasure ask for
 * re-authentication; both are recorded in the audit trail (an erasure with its counts only).
 */
export function PrivacySection({ team }: SectionProps) {
  const [email, setEmail] = useState("");
  const [reporterId, setReporterId] = useState("");
  const [found, setFound] = useState<{ query: Query; result: SubjectFind } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState<SubjectErase["erased"] | undefined>(undefined);

  const find = async (query: Query) => {
    setBusy(true);
    setError(undefined);
    setErased(undefined);
    try {
      const result = await api<SubjectFind>("POST", `/teams/${team.id}/privacy/subjects/find`, query);
      setFound({ query, result });
    } catch (caught) {
      handleLostSession(caught);
      setError(caught);
      setFound(undefined);
    } finally {
      setBusy(false);
    }
  };
  const emailError = fieldError(error, "email");
  const reporterError = fieldError(error, "reporterId");
  const general = error && !emailError && !reporterError ? problemText(error) : undefined;
  const result = found?.result;
  return (
    <>
      <p class="intro">{t.gdprIntro}</p>
      <section class="panel" aria-labelledby="gdpr-find-title">
        <h2 id="gdpr-find-title">{t.gdprFindTitle}</h2>
        <form
          class="gdpr-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            find(queryOf(email, reporterId));
          }}
        >
          <div class="gdpr-fields">
            <label>
              {t.gdprEmail}
              <input
                name="email"
                type="email"
                autoComplete="off"
                value={email}
                onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
                aria-invalid={emailError ? "true" : undefined}
                aria-describedby="gdpr-email-note"
              />
              <span id="gdpr-email-note" class={emailError ? "error" : "hint"}>
                {emailError ?? t.gdprEmailHint}
              </span>
            </label>
            <label>
              {t.gdprReporterId}
              <input
                name="reporterId"
                autoComplete="off"
                spellcheck={false}
                class="mono"
                value={reporterId}
                onInput={(e) => setReporterId((e.currentTarget as HTMLInputElement).value)}
                aria-invalid={reporterError ? "true" : undefined}
                aria-describedby="gdpr-reporter-note"
              />
              <span id="gdpr-reporter-note" class={reporterError ? "error" : "hint"}>
                {reporterError ?? t.gdprReporterIdHint}
              </span>
            </label>
          </div>
          {general && (
            <p class="error" role="alert">
              {general}
            </p>
          )}
          <button type="submit" class="primary" disabled={busy}>
            {busy ? t.working : t.gdprFind}
          </button>
        </form>
      </section>
      {erased && (
        <p class="callout gdpr-done" role="status">
          {t.gdprErased
            .replace("{items}", String(erased.items))
            .replace("{screenshots}", String(erased.screenshots))
            .replace("{messages}", String(erased.messages))}
        </p>
      )}
      {found && result && (
        <section class="panel" aria-labelledby="gdpr-result-title">
          <h2 id="gdpr-result-title">{t.gdprResultTitle}</h2>
          {result.items.length === 0 ? (
            <EmptyState>{t.gdprNothing}</EmptyState>
          ) : (
            <>
              <p role="status">
                {t.gdprCounts
                  .replace("{items}", String(result.counts.items))
                  .replace("{screenshots}", String(result.counts.screenshots))
                  .replace("{messages}", String(result.counts.messages))}
              </p>
              {result.reporterIds.length > 0 && (
                <div class="gdpr-ids">
                  <h3>{t.gdprReporterIdsFound}</h3>
                  <ul>
                    {result.reporterIds.map((id) => (
                      <li key={id}>
                        <code>{id}</code>
                        {found.query.reporterId !== id && (
                          <button
                            type="button"
                            class="link"
                            onClick={() => {
                              setReporterId(id);
                              find({ ...found.query, reporterId: id });
                            }}
                          >
                            {t.gdprAddReporterId}
                          </button>
                        )}
                      </li>
                    ))}
                  </ul>
                  <p class="hint">{t.gdprReporterIdsHint}</p>
                </div>
              )}
              <ul class="gdpr-items" aria-label={t.gdprItems}>
                {result.items.map((item) => (
                  <li key={item.id} class="gdpr-item">
                    <div class="gdpr-item-head">
                      <strong class="gdpr-item-title">{item.title ?? item.comment.split("\n")[0]}</strong>
                      <span class="muted">
                        {item.projectName} · <Time iso={item.createdAt} past />
                      </span>
                    </div>
                    <div class="gdpr-item-facts">
                      {item.matchedBy.map((m) => (
                        <Badge key={m} tone="accent">
                          {t[`gdprMatch_${m}`]}
                        </Badge>
                      ))}
                      {item.hasScreenshot && <Badge>{t.gdprScreenshot}</Badge>}
                      {item.messages > 0 && <Badge>{t.gdprMessages.replace("{n}", String(item.messages))}</Badge>}
                      {item.inTrash && <Badge tone="warn">{t.gdprInTrash}</Badge>}
                      {item.reporterEmail && <span class="muted">{item.reporterEmail}</span>}
                    </div>
                  </li>
                ))}
              </ul>
              <div class="actions start">
                <ActionButton
                  label={t.gdprExport}
                  busyLabel={t.exporting}
                  run={async () => {
                    await recent(() =>
                      downloadFrom(`/teams/${team.id}/privacy/subjects/export`, "loupe-data-subject.zip", found.query),
                    );
                    toast(t.gdprExported);
                  }}
                />
                <button type="button" class="danger" onClick={() => setErasing(true)}>
                  {t.gdprErase}
                </button>
              </div>
              <p class="hint">{t.gdprEraseHint}</p>
            </>
          )}
        </section>
      )}
      {erasing && found && result && (
        <EraseDialog
          teamId={team.id}
          query={found.query}
          result={result}
          onClose={() => setErasing(false)}
          onErased={(counts) => {
            setErasing(false);
            setFound(undefined);
            setErased(counts);
            toast(t.gdprErasedToast);
          }}
        />
      )}
    </>
  );
}

/** Erasing says what goes, that it cannot be undone, and needs the identifier typed again. */
function EraseDialog(props: {
  teamId: string;
  query: Query;
  result: SubjectFind;
  onClose: () => void;
  onErased: (counts: SubjectErase["erased"]) => void;
}) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const who = props.query.email ?? props.query.reporterId ?? "";
  const { counts } = props.result;
  return (
    <Dialog title={t.gdprEraseTitle} onClose={props.onClose}>
      <form
        class="dialog-form"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            const answer = await recent(() =>
              api<SubjectErase>("POST", `/teams/${props.teamId}/privacy/subjects/erase`, props.query),
            );
            props.onErased(answer.erased);
          } catch (caught) {
            handleLostSession(caught);
            if (!isCancelled(caught)) setError(problemText(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>
          {t.gdprEraseQuestion
            .replace("{items}", String(counts.items))
            .replace("{screenshots}", String(counts.screenshots))
            .replace("{messages}", String(counts.messages))}
        </p>
        <ul class="loss">
          <li>{t.gdprEraseNow}</li>
          <li>{t.gdprEraseBackups}</li>
          <li>{t.gdprEraseAudit}</li>
        </ul>
        <label>
          {t.gdprTypeToConfirm.replace("{who}", who)}
          <input
            name="confirm"
            autoComplete="off"
            spellcheck={false}
            value={typed}
            onInput={(e) => setTyped((e.currentTarget as HTMLInputElement).value)}
          />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="danger" disabled={busy || typed.trim().toLowerCase() !== who.toLowerCase()}>
            {busy ? t.working : t.gdprEraseConfirm}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
