import type { PrivacyNotice } from "../../shared/privacy.ts";
import { NOTICE_LANGUAGES, privacyNotice } from "../../shared/privacy-notice.ts";
import { publicWidgetConfig } from "../../shared/widget-config.ts";
import type { ServiceContext } from "../context.ts";
import { TRASH_RETENTION_MS } from "../feedback/feedback.ts";
import { getProject } from "../projects.ts";
import type { TeamAccess } from "../teams/access.ts";

/** How long a backup lives at most (the backup rotation keeps nothing older). */
export const BACKUP_MAX_AGE_DAYS = 90;

/** The project's privacy-page text from its saved settings (English and German; Markdown and HTML). */
export function projectPrivacyNotice(
  ctx: ServiceContext,
  input: { access: TeamAccess; projectId: string },
): PrivacyNotice {
  const project = getProject(ctx, input);
  const { autoOpenRules } = publicWidgetConfig(project.settings, { widgetId: project.id, labels: [] });
  const notice = {
    projectId: project.id,
    projectName: project.name,
    settings: project.settings,
    autoOpenRules,
    publicUrl: ctx.publicOrigin,
    trashDays: TRASH_RETENTION_MS / 86_400_000,
    backupDays: BACKUP_MAX_AGE_DAYS,
  };
  return Object.fromEntries(NOTICE_LANGUAGES.map((lang) => [lang, privacyNotice(notice, lang)])) as PrivacyNotice;
}
