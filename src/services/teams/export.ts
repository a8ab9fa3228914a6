import { exportTeamFeedback } from "../../store/feedback.ts";
import { listLabels, listProjects } from "../../store/projects.ts";
import { listMembers } from "../../store/teams.ts";
import { appendAudit, listAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import type { TeamAccess } from "./access.ts";

/**
 * Everything the team holds, as one JSON document for its owners (re-authenticated): members,
 * projects, labels, feedback with notes and screenshots (base64), and the team's audit trail. The
 * export itself is recorded in the trail.
 */
export function exportTeam(ctx: ServiceContext, access: TeamAccess): Record<string, unknown> {
  const teamId = access.team.id;
  const feedback = exportTeamFeedback(ctx.db, teamId);
  ctx.db.write(() => appendAudit(ctx, { action: "data.exported", actorId: access.userId, targetId: teamId, teamId }));
  return {
    format: "loupe-team-export",
    version: 1,
    exportedAt: new Date(ctx.clock.now()).toISOString(),
    team: { id: teamId, name: access.team.name },
    members: listMembers(ctx.db, teamId),
    projects: listProjects(ctx.db, teamId),
    labels: listLabels(ctx.db, teamId),
    feedback: {
      ...feedback,
      screenshots: feedback.screenshots.map(({ bytes, ...meta }) => ({
        ...meta,
        base64: Buffer.from(bytes).toString("base64"),
      })),
    },
    audit: listAudit(ctx, { teamId, limit: 1_000_000 }),
  };
}
