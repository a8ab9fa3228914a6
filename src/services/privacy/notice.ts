import type { PrivacyNotice } from "../../shared/privacy.ts";
import { NOTICE_LANGUAGES, privacyNotice } from "../../shared/privacy-notice.ts";
import { publicWidgetConfig } from "../../shared/widget-config.ts";
import { MAX_DAYS } from "../backup/rotation.ts";
import type { ServiceContext } from "../context.ts";
import { TRASH_RETENTION_MS } from "../feedback/feedback.ts";
import { getProject } from "../projects.ts";
import type { TeamAccess } from "../teams/access.ts";

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
    // How long a backup lives at most: the rotation's own limit, so the text cannot drift from it.
    backupDays: MAX_DAYS,
  };
  return Object.fromEntries(NOTICE_LANGUAGES.map((lang) => [lang, privacyNotice(notice, lang)])) as PrivacyNotice;
}
