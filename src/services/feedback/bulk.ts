import { AppError, invalidField } from "../../lib/app-error.ts";
import type { FeedbackBulk, FeedbackBulkResult } from "../../shared/feedback.ts";
import { MAX_ITEM_LABELS } from "../../shared/feedback-constants.ts";
import {
  addFeedbackLabels,
  bulkTriageFeedback,
  findFeedback,
  liveItemsWithLabels,
  removeFeedbackLabels,
  setDeleted,
} from "../../store/feedback.ts";
import { teamLabelIds } from "../../store/projects.ts";
import { findMembership } from "../../store/teams.ts";
import { appendAudit } from "../audit/audit.ts";
import { roleAllows } from "../authz.ts";
import type { ServiceContext } from "../context.ts";
import { publishAfterCommit } from "../live/bus.ts";
import type { TeamAccess } from "../teams/access.ts";
import type { TriageDetail } from "./feedback.ts";

/**
 * One change to many items of a team, in one transaction: each item as a single change would be
 * (a live item of this team, an assignee who is a member or owner, the team's labels, an audit entry
 * per item with what it changed, a live event per item), answered per item. An id that is not a live item of this team fails as NOT_FOUND —
 * whatever it is elsewhere, nothing of it is read or changed.
 */
export function bulkUpdateFeedback(
  ctx: ServiceContext,
  input: { access: TeamAccess; change: FeedbackBulk },
): FeedbackBulkResult {
  const { access, change } = input;
  const teamId = access.team.id;
  // The route's action is triage; moving to the trash is the delete action's (the same roles today).
  if (change.trash && (access.role === null || !roleAllows(access.role, "feedback.delete")))
    throw new AppError("FORBIDDEN", "Your role in this team does not allow moving items to the trash.");
  const ids = [...new Set(change.ids)];
  const add = [...new Set(change.addLabelIds ?? [])];
  const remove = [...new Set(change.removeLabelIds ?? [])];
  if (add.some((id) => remove.includes(id)))
    throw invalidField("removeLabelIds", "A label cannot be added and removed at once.");
  return ctx.db.write(() => {
    if (change.assigneeId) {
      const m = findMembership(ctx.db, teamId, change.assigneeId);
      if (!m || m.role === "reporter")
        throw invalidField(
          "assigneeId",
          "Not a member or owner of this team.",
          "The assignee must be a member of the team.",
        );
    }
    for (const [field, labels] of [
      ["addLabelIds", add],
      ["removeLabelIds", remove],
    ] as const)
      if (labels.length > 0 && teamLabelIds(ctx.db, teamId, labels).length !== labels.length)
        throw invalidField(field, "Labels must be the team's.", "Unknown label.");
    const live = liveItemsWithLabels(ctx.db, teamId, ids);
    const now = ctx.clock.now();
    const result: FeedbackBulkResult = { updated: [], failed: [] };
    const triage = change.status !== undefined || change.assigneeId !== undefined || add.length + remove.length > 0;
    for (const id of ids) {
      const labels = live.get(id);
      if (!labels) {
        result.failed.push({ id, code: "NOT_FOUND" });
        continue;
      }
      if (new Set([...labels.filter((l) => !remove.includes(l)), ...add]).size > MAX_ITEM_LABELS) {
        result.failed.push({ id, code: "TOO_MANY_LABELS" });
        continue;
      }
      const row = findFeedback(ctx.db, teamId, id)!;
      let version = row.version;
      if (triage) {
        bulkTriageFeedback(
          ctx.db,
          teamId,
          id,
          {
            ...(change.status !== undefined ? { status: change.status } : {}),
            ...(change.assigneeId !== undefined ? { assigneeId: change.assigneeId } : {}),
          },
          now,
        );
        addFeedbackLabels(ctx.db, teamId, id, add);
        removeFeedbackLabels(ctx.db, teamId, id, remove);
        version += 1;
        // What it changed, as a single change records it (the item's history reads this).
        const detail: TriageDetail = { version };
        if (change.status !== undefined && change.status !== row.status)
          detail.status = { from: row.status, to: change.status };
        if (change.assigneeId !== undefined && change.assigneeId !== row.assignee_user_id)
          detail.assigneeId = { from: row.assignee_user_id, to: change.assigneeId };
        const added = add.filter((label) => !labels.includes(label));
        const removed = remove.filter((label) => labels.includes(label));
        if (added.length > 0 || removed.length > 0) detail.labels = { added, removed };
        appendAudit(ctx, { action: "feedback.triaged", actorId: access.userId, targetId: id, teamId, detail });
      }
      if (change.trash) {
        setDeleted(ctx.db, teamId, id, now, now);
        version += 1;
        appendAudit(ctx, {
          action: "feedback.trashed",
          actorId: access.userId,
          targetId: id,
          teamId,
          detail: { version },
        });
      }
      publishAfterCommit(ctx, { type: "feedback.updated", teamId, itemId: id });
      result.updated.push(id);
    }
    return result;
  });
}
