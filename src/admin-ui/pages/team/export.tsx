import { toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { recent } from "../../reauth.tsx";
import { ActionButton, downloadFrom, type SectionProps } from "./common.tsx";

/** Everything the team holds, as one JSON file, for its owners (re-authenticated; recorded in the trail). */
export function ExportSection({ team }: SectionProps) {
  return (
    <section class="panel" aria-labelledby="export-title">
      <h2 id="export-title">{t.exportTitle}</h2>
      <p>{t.exportIntro}</p>
      <ul class="plain-list">
        <li>{t.exportMembers}</li>
        <li>{t.exportProjects}</li>
        <li>{t.exportFeedback}</li>
        <li>{t.exportAudit}</li>
      </ul>
      <p class="hint">{t.exportCare}</p>
      <ActionButton
        tone="primary"
        label={t.exportDownload}
        busyLabel={t.exporting}
        run={async () => {
          await recent(() => downloadFrom(`/teams/${team.id}/export`, "loupe-team-export.json"));
          toast(t.exportDone);
        }}
      />
    </section>
  );
}
